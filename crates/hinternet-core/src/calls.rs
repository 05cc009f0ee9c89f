//! The WinINet entry points that work on any handle, by handle value: their checks, in native
//! order, and their dispatch. Both front doors come through here (the C shim directly, the
//! Rust API for its handle-level functions), so each semantic lives once.
//!
//! Buffers handed to a call that may pend must outlive it: they are taken by value (`B: AsMut`)
//! and handed back with the result.

use std::future::poll_fn;
use std::sync::Arc;

use tokio::io::ReadBuf;

use crate::consts::*;
use crate::dispatch::{Outcome, Pend, bool_result, dispatch};
use crate::engine::{Engine, OpenParams};
use crate::ops::HandleOps;
use crate::status::{AsyncResult, SharedCallback};
use crate::{Error, FindData, Handle, Result};

/// InternetOpen.
pub fn internet_open(engine: &Engine, params: OpenParams) -> Result<Handle> {
    engine.open_root(params)
}

/// InternetCloseHandle.
pub fn internet_close_handle(engine: &Engine, raw: u64) -> Result<()> {
    engine.close(raw)
}

/// InternetSetStatusCallback: returns the previous callback.
pub fn internet_set_status_callback(
    engine: &Engine,
    raw: u64,
    callback: Option<SharedCallback>,
) -> Result<Option<SharedCallback>> {
    engine.set_callback(raw, callback)
}

/// Reads until `buf` is full or the data ends (InternetReadFile's synchronous contract). When
/// the data fails after some bytes were read, those bytes are returned and the failure is left
/// for the next read to report (leaves keep a body failure sticky), so nothing received is lost.
pub async fn read_fill(ops: &Arc<dyn HandleOps>, buf: &mut [u8]) -> Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        let mut rb = ReadBuf::new(&mut buf[filled..]);
        match poll_fn(|cx| ops.poll_read(cx, &mut rb)).await {
            Ok(()) => {}
            Err(_) if filled > 0 => break,
            Err(e) => return Err(e),
        }
        let n = rb.filled().len();
        if n == 0 {
            break;
        }
        filled += n;
    }
    Ok(filled)
}

/// Reads what is available now, waiting only when nothing is (0 = end of data).
pub async fn read_some(ops: &Arc<dyn HandleOps>, buf: &mut [u8]) -> Result<usize> {
    let mut rb = ReadBuf::new(buf);
    poll_fn(|cx| ops.poll_read(cx, &mut rb)).await?;
    Ok(rb.filled().len())
}

/// Writes all of `buf`.
pub async fn write_all(ops: &Arc<dyn HandleOps>, buf: &[u8]) -> Result<usize> {
    let mut done = 0;
    while done < buf.len() {
        let n = poll_fn(|cx| ops.poll_write(cx, &buf[done..])).await?;
        if n == 0 {
            return Err(Error::new(ERROR_INTERNET_CONNECTION_ABORTED));
        }
        done += n;
    }
    Ok(done)
}

/// Enters the handle, builds the operation from its protocol object, and dispatches it; on a
/// pending completion `complete` writes the caller's outputs and `result` makes the
/// INTERNET_ASYNC_RESULT.
fn dispatch_on<T, F>(
    engine: &Engine,
    raw: u64,
    op: impl FnOnce(Arc<dyn HandleOps>, &crate::Call) -> F,
    complete: impl FnOnce(&Result<T>) + Send + 'static,
    result: fn(&Result<T>) -> AsyncResult,
) -> Outcome<T>
where
    T: Send + 'static,
    F: std::future::Future<Output = Result<T>> + Send + 'static,
{
    let call = match engine.enter(raw) {
        Ok(c) => c,
        Err(e) => return Outcome::Done(Err(e)),
    };
    let fut = op(Arc::clone(call.ops()), &call);
    dispatch(call, Pend::WhenWaiting, None, fut, move |r| {
        complete(&r);
        result(&r)
    })
}

/// InternetReadFile: fills `buf` or reads to the end of the data. In async mode it completes at
/// once when buffered data suffices, else pends; `complete` then receives the byte count (and
/// the buffer) before REQUEST_COMPLETE {1, 0} is sent.
pub fn internet_read_file<B>(
    engine: &Engine,
    raw: u64,
    buf: B,
    complete: impl FnOnce(&Result<(usize, B)>) + Send + 'static,
) -> Outcome<(usize, B)>
where
    B: AsMut<[u8]> + Send + 'static,
{
    let mut buf = buf;
    dispatch_on(
        engine,
        raw,
        |ops, _| async move {
            let n = read_fill(&ops, buf.as_mut()).await?;
            Ok((n, buf))
        },
        complete,
        bool_result,
    )
}

/// What InternetReadFileEx did with the caller's buffer.
#[derive(Debug)]
pub enum ReadEx<B> {
    /// `n` bytes were read into the buffer (0 = end of data).
    Read(usize, B),
    /// An `IRF_NO_WAIT` read that had to wait: it completed when data arrived, without touching
    /// the buffer or its length; the next read returns the data.
    Untouched(B),
}

/// InternetReadFileEx. Without `IRF_NO_WAIT` it behaves as InternetReadFile (fills the buffer
/// or reads to the end). With `IRF_NO_WAIT` (the same bit as `IRF_USE_CONTEXT`) it never waits
/// for more than is there: it returns what is buffered, possibly short; when nothing is, an
/// async session pends until data arrives and completes with [`ReadEx::Untouched`], and a sync
/// session waits for the first bytes. `IRF_ASYNC` / `IRF_SYNC` change nothing: the session's
/// mode decides, as in native WinINet.
pub fn internet_read_file_ex<B>(
    engine: &Engine,
    raw: u64,
    buf: B,
    flags: u32,
    complete: impl FnOnce(&Result<ReadEx<B>>) + Send + 'static,
) -> Outcome<ReadEx<B>>
where
    B: AsMut<[u8]> + Send + 'static,
{
    let no_wait = flags & IRF_NO_WAIT != 0;
    let mut buf = buf;
    dispatch_on(
        engine,
        raw,
        move |ops, call| {
            let is_async = call.node().session().is_async();
            async move {
                if !no_wait {
                    let n = read_fill(&ops, buf.as_mut()).await?;
                    return Ok(ReadEx::Read(n, buf));
                }
                if !is_async {
                    let n = read_some(&ops, buf.as_mut()).await?;
                    return Ok(ReadEx::Read(n, buf));
                }
                // Take what is buffered without waiting; if nothing is, wait for data to arrive
                // without consuming it (the caller's buffer stays untouched).
                let attempt = {
                    let mut rb = ReadBuf::new(buf.as_mut());
                    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
                    match ops.poll_read(&mut cx, &mut rb) {
                        std::task::Poll::Ready(r) => Some(r.map(|()| rb.filled().len())),
                        std::task::Poll::Pending => None,
                    }
                };
                match attempt {
                    Some(r) => Ok(ReadEx::Read(r?, buf)),
                    None => {
                        ops.query_data_available().await?;
                        Ok(ReadEx::Untouched(buf))
                    }
                }
            }
        },
        complete,
        bool_result,
    )
}

/// InternetWriteFile: writes all of `buf`.
pub fn internet_write_file<B>(
    engine: &Engine,
    raw: u64,
    buf: B,
    complete: impl FnOnce(&Result<usize>) + Send + 'static,
) -> Outcome<usize>
where
    B: AsRef<[u8]> + Send + 'static,
{
    dispatch_on(
        engine,
        raw,
        |ops, _| async move { write_all(&ops, buf.as_ref()).await },
        complete,
        bool_result,
    )
}

/// InternetQueryDataAvailable. In async mode REQUEST_COMPLETE carries the byte count in
/// `dwError`, as native does.
pub fn internet_query_data_available(
    engine: &Engine,
    raw: u64,
    complete: impl FnOnce(&Result<u64>) + Send + 'static,
) -> Outcome<u64> {
    dispatch_on(
        engine,
        raw,
        |ops, _| async move { ops.query_data_available().await },
        complete,
        available_result,
    )
}

/// INTERNET_ASYNC_RESULT of InternetQueryDataAvailable: the byte count travels in `dwError`,
/// as native reports it.
fn available_result(r: &Result<u64>) -> AsyncResult {
    match r {
        Ok(n) => AsyncResult {
            result: 1,
            error: u32::try_from(*n).unwrap_or(u32::MAX),
        },
        Err(e) => AsyncResult {
            result: 0,
            error: e.code(),
        },
    }
}

/// InternetFindNextFile.
pub fn internet_find_next_file(
    engine: &Engine,
    raw: u64,
    complete: impl FnOnce(&Result<FindData>) + Send + 'static,
) -> Outcome<FindData> {
    // The entries are held by the handle: the call completes at once in both modes (TRUE, no
    // REQUEST_COMPLETE), so `complete` is never needed.
    let _ = complete;
    Outcome::Done(
        engine
            .enter(raw)
            .and_then(|call| call.ops().find_next_file()),
    )
}

/// InternetSetFilePointer (always synchronous): returns the new position.
pub fn internet_set_file_pointer(
    engine: &Engine,
    raw: u64,
    distance: i64,
    method: u32,
) -> Result<u64> {
    let call = engine.enter(raw)?;
    if method > FILE_END {
        return Err(Error::new(ERROR_INVALID_PARAMETER));
    }
    let ops = Arc::clone(call.ops());
    let token = call.node().cancelled().clone();
    engine.block_on(crate::dispatch::cancellable(token, async move {
        ops.set_file_pointer(distance, method).await
    }))
}
