//! The FTP_FILE handle: one transfer (RETR, STOR, or a command's data connection) read with
//! InternetReadFile or written with InternetWriteFile.
//!
//! * Reads return what the data connection delivers; each wait is bounded by the handle's
//!   data receive timeout. At the end of the data the completion reply is read before the
//!   end is reported, so a `550` sent after `150` (or a `426`) fails the last read.
//! * Writes are bounded by the data send timeout.
//! * Closing the handle after the end of the data (or after an upload) finishes the transfer
//!   (`226`); closing a download early sends `ABOR` and drains the replies, so the session stays
//!   usable. Either way the session's transfer slot is released.

use std::any::Any;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};

use async_trait::async_trait;
use hinternet_core::consts::*;
use hinternet_core::{Error, HandleOps, Result};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;

use crate::errors::map_io;
use crate::reuse::SessionEnd;
use crate::session::{DataStream, FtpSession, TransferSlot};

type Finishing = Pin<Box<dyn Future<Output = Result<()>> + Send>>;

/// Size of the look-ahead buffer InternetQueryDataAvailable fills.
const PEEK: usize = 64 * 1024;

struct State {
    stream: Option<DataStream>,
    finishing: Option<Finishing>,
    /// The end was reached and the completion reply read (or the transfer failed).
    done: bool,
    /// A failure of the transfer, reported again by every later read or write (the engine
    /// relies on failures being sticky).
    failed: Option<(u32, Option<String>)>,
    timer: Option<Pin<Box<Sleep>>>,
    peek: Vec<u8>,
    peek_pos: usize,
    transferred: u64,
    slot: Option<TransferSlot>,
}

/// The operations of an FTP_FILE handle.
pub struct FtpFileOps {
    session: Arc<FtpSession>,
    state: Mutex<State>,
    write: bool,
    size: Option<u64>,
    end: Mutex<SessionEnd>,
}

impl std::fmt::Debug for FtpFileOps {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FtpFileOps")
            .field("write", &self.write)
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

impl FtpFileOps {
    pub(crate) fn new(
        slot: TransferSlot,
        stream: DataStream,
        write: bool,
        size: Option<u64>,
    ) -> Self {
        FtpFileOps {
            session: Arc::clone(slot.session()),
            state: Mutex::new(State {
                stream: Some(stream),
                finishing: None,
                done: false,
                failed: None,
                timer: None,
                peek: Vec::new(),
                peek_pos: 0,
                transferred: 0,
                slot: Some(slot),
            }),
            write,
            size,
            end: Mutex::new(SessionEnd::Keep),
        }
    }

    /// What closing the handle does with its session once the transfer is over (a handle
    /// InternetOpenUrl made: QUIT, or back to the root's cache).
    pub(crate) fn end_with(&self, end: SessionEnd) {
        *self.end.lock().unwrap_or_else(|p| p.into_inner()) = end;
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The remote file's size (FtpGetFileSize), when the server told it (SIZE before RETR, or
    /// the `(N bytes)` of the 150 reply).
    pub fn size(&self) -> Option<u64> {
        self.size
    }

    /// Whether this is an upload.
    pub fn is_write(&self) -> bool {
        self.write
    }

    /// Ends an upload: shuts the data connection down and reads the completion reply.
    pub(crate) async fn finish_upload(&self) -> Result<()> {
        if !self.write {
            return Err(Error::new(ERROR_INTERNET_INCORRECT_HANDLE_TYPE));
        }
        let stream = {
            let mut s = self.state();
            s.done = true;
            s.stream.take()
        };
        match stream {
            Some(stream) => self.session.finish(stream).await,
            None => Err(Error::new(ERROR_INTERNET_INCORRECT_HANDLE_STATE)),
        }
    }

    /// Reads from the data connection into `buf` (not from the look-ahead buffer).
    fn poll_wire(
        &self,
        s: &mut State,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<Result<()>> {
        loop {
            if let Some(e) = failure(s) {
                return Poll::Ready(Err(e));
            }
            if s.done {
                return Poll::Ready(Ok(()));
            }
            if let Some(f) = s.finishing.as_mut() {
                let r = std::task::ready!(f.as_mut().poll(cx));
                s.finishing = None;
                s.done = true;
                return Poll::Ready(r.map_err(|e| fail(s, e)));
            }
            let Some(stream) = s.stream.as_mut() else {
                s.done = true;
                return Poll::Ready(Ok(()));
            };
            let before = buf.filled().len();
            match Pin::new(stream).poll_read(cx, buf) {
                Poll::Ready(Ok(())) => {
                    s.timer = None;
                    let n = buf.filled().len() - before;
                    if n > 0 || buf.remaining() == 0 {
                        s.transferred += n as u64;
                        return Poll::Ready(Ok(()));
                    }
                    // The end of the data: read the completion reply before reporting it.
                    let stream = s.stream.take().expect("present above");
                    let session = Arc::clone(&self.session);
                    s.finishing = Some(Box::pin(async move { session.finish(stream).await }));
                }
                Poll::Ready(Err(e)) => {
                    s.timer = None;
                    s.done = true;
                    // Dropping the stream leaves its reply for the next command to drain.
                    s.stream = None;
                    let e = map_io(e).with_context("FTP data connection");
                    return Poll::Ready(Err(fail(s, e)));
                }
                Poll::Pending => {
                    let limit = self.session.timeouts().data_receive;
                    return match poll_timer(s, cx, limit, "data").unit() {
                        Poll::Ready(Err(e)) => Poll::Ready(Err(fail(s, e))),
                        other => other,
                    };
                }
            }
        }
    }
}

/// Records a transfer failure (code and reply) and returns the error.
fn fail(s: &mut State, e: Error) -> Error {
    s.failed = Some((e.code(), e.reply().map(str::to_owned)));
    e
}

/// The recorded failure, rebuilt.
fn failure(s: &State) -> Option<Error> {
    s.failed.as_ref().map(|(code, reply)| {
        let e = Error::new(*code).with_context("the FTP transfer failed earlier");
        match reply {
            Some(r) => e.with_reply(r.clone()),
            None => e,
        }
    })
}

fn poll_timer(
    s: &mut State,
    cx: &mut Context<'_>,
    limit: Option<std::time::Duration>,
    what: &str,
) -> Poll<Result<std::convert::Infallible>> {
    let Some(limit) = limit else {
        return Poll::Pending;
    };
    let timer = s
        .timer
        .get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
    match timer.as_mut().poll(cx) {
        Poll::Ready(()) => {
            s.timer = None;
            Poll::Ready(Err(Error::new(ERROR_INTERNET_TIMEOUT).with_context(
                format!("FTP: waiting for {what} on the data connection"),
            )))
        }
        Poll::Pending => Poll::Pending,
    }
}

trait IntoUnit<T> {
    fn unit(self) -> Poll<Result<T>>;
}

impl<T> IntoUnit<T> for Poll<Result<std::convert::Infallible>> {
    fn unit(self) -> Poll<Result<T>> {
        match self {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Ready(Ok(never)) => match never {},
        }
    }
}

#[async_trait]
impl HandleOps for FtpFileOps {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn poll_read(&self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<Result<()>> {
        if self.write {
            return Poll::Ready(Err(Error::new(ERROR_INTERNET_INCORRECT_HANDLE_TYPE)));
        }
        let mut s = self.state();
        if s.peek_pos < s.peek.len() {
            let n = buf.remaining().min(s.peek.len() - s.peek_pos);
            let from = s.peek_pos;
            buf.put_slice(&s.peek[from..from + n]);
            s.peek_pos += n;
            return Poll::Ready(Ok(()));
        }
        self.poll_wire(&mut s, cx, buf)
    }

    fn poll_write(&self, cx: &mut Context<'_>, data: &[u8]) -> Poll<Result<usize>> {
        if !self.write {
            return Poll::Ready(Err(Error::new(ERROR_INTERNET_INCORRECT_HANDLE_TYPE)));
        }
        let mut s = self.state();
        if let Some(e) = failure(&s) {
            return Poll::Ready(Err(e));
        }
        let Some(stream) = s.stream.as_mut() else {
            return Poll::Ready(Err(Error::new(ERROR_INTERNET_CONNECTION_ABORTED)));
        };
        match Pin::new(stream).poll_write(cx, data) {
            Poll::Ready(Ok(n)) => {
                s.timer = None;
                s.transferred += n as u64;
                Poll::Ready(Ok(n))
            }
            Poll::Ready(Err(e)) => {
                s.timer = None;
                s.stream = None;
                s.done = true;
                let e = map_io(e).with_context("FTP data connection");
                Poll::Ready(Err(fail(&mut s, e)))
            }
            Poll::Pending => {
                let limit = self.session.timeouts().data_send;
                match poll_timer(&mut s, cx, limit, "the upload").unit() {
                    Poll::Ready(Err(e)) => Poll::Ready(Err(fail(&mut s, e))),
                    other => other,
                }
            }
        }
    }

    async fn query_data_available(&self) -> Result<u64> {
        if self.write {
            return Err(Error::new(ERROR_INTERNET_INCORRECT_HANDLE_TYPE));
        }
        poll_fn(|cx| {
            let mut s = self.state();
            if s.peek_pos < s.peek.len() {
                return Poll::Ready(Ok((s.peek.len() - s.peek_pos) as u64));
            }
            let mut tmp = std::mem::take(&mut s.peek);
            tmp.clear();
            tmp.resize(PEEK, 0);
            let mut rb = ReadBuf::new(&mut tmp);
            let r = self.poll_wire(&mut s, cx, &mut rb);
            let n = rb.filled().len();
            tmp.truncate(n);
            s.peek = tmp;
            s.peek_pos = 0;
            match r {
                Poll::Ready(Ok(())) => Poll::Ready(Ok(n as u64)),
                Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
                Poll::Pending => Poll::Pending,
            }
        })
        .await
    }

    async fn close(&self) {
        let (stream, finishing, complete, slot) = {
            let mut s = self.state();
            let complete = self.size.is_some_and(|n| s.transferred >= n);
            (s.stream.take(), s.finishing.take(), complete, s.slot.take())
        };
        if let Some(f) = finishing {
            let _ = f.await;
        } else if let Some(stream) = stream {
            if self.write || complete {
                let _ = self.session.finish(stream).await;
            } else {
                self.session.abort(stream).await;
            }
        }
        drop(slot);
        let end = std::mem::replace(
            &mut *self.end.lock().unwrap_or_else(|p| p.into_inner()),
            SessionEnd::Keep,
        );
        end.run(&self.session).await;
    }
}
