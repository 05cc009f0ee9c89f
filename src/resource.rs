//! `Resource`: an opened URL (file, request or find handle) as `AsyncRead` + `AsyncSeek`.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use hinternet_core::consts::*;
use hinternet_core::{Engine, Error, Handle, HandleKind, OptionValue, Result};
use sync_wrapper::SyncWrapper;
use tokio::io::{AsyncRead, AsyncSeek, ReadBuf};
use tokio_util::sync::WaitForCancellationFutureOwned;

use crate::find::Find;

/// A handle this API owns: closed (without waiting) when dropped.
#[derive(Debug)]
pub(crate) struct Owned {
    engine: Engine,
    handle: Handle,
    closed: AtomicBool,
}

impl Owned {
    pub(crate) fn new(engine: Engine, handle: Handle) -> Owned {
        Owned {
            engine,
            handle,
            closed: AtomicBool::new(false),
        }
    }

    pub(crate) fn engine(&self) -> &Engine {
        &self.engine
    }

    pub(crate) fn handle(&self) -> Handle {
        self.handle
    }

    pub(crate) async fn close_async(&self) -> Result<()> {
        if self.closed.swap(true, Ordering::AcqRel) {
            return Err(Error::new(ERROR_INVALID_HANDLE));
        }
        self.engine.close_async(self.handle.as_raw()).await
    }
}

impl Drop for Owned {
    fn drop(&mut self) {
        if !self.closed.swap(true, Ordering::AcqRel) {
            // Already invalid when a parent was closed first: nothing to do then.
            let _ = self.engine.close_detached(self.handle.as_raw());
        }
    }
}

type SeekFuture = Pin<Box<dyn Future<Output = Result<u64>> + Send>>;

/// An opened URL: a file, an HTTP request or an FTP file handle. Reads with
/// [`AsyncRead`] (each read returns what is available, as a socket does), seeks with
/// [`AsyncSeek`] where the protocol allows it. Dropping it closes the handle.
pub struct Resource {
    owned: Owned,
    cancelled: Pin<Box<WaitForCancellationFutureOwned>>,
    seek: Option<SyncWrapper<SeekFuture>>,
}

impl std::fmt::Debug for Resource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resource")
            .field("handle", &self.owned.handle)
            .finish_non_exhaustive()
    }
}

pub(crate) fn io_error(e: Error) -> io::Error {
    let kind = match e.code() {
        ERROR_INTERNET_TIMEOUT => io::ErrorKind::TimedOut,
        ERROR_INVALID_HANDLE | ERROR_INTERNET_OPERATION_CANCELLED => io::ErrorKind::NotConnected,
        ERROR_FILE_NOT_FOUND | ERROR_PATH_NOT_FOUND => io::ErrorKind::NotFound,
        ERROR_INTERNET_CONNECTION_RESET => io::ErrorKind::ConnectionReset,
        ERROR_INTERNET_CONNECTION_ABORTED => io::ErrorKind::ConnectionAborted,
        ERROR_INVALID_PARAMETER | ERROR_NEGATIVE_SEEK => io::ErrorKind::InvalidInput,
        _ => io::ErrorKind::Other,
    };
    io::Error::new(kind, e)
}

/// The hinternet error inside an `io::Error` from a [`Resource`] read, if there is one.
pub fn error_of(e: &io::Error) -> Option<&Error> {
    e.get_ref().and_then(|inner| inner.downcast_ref::<Error>())
}

impl Resource {
    pub(crate) fn new(engine: Engine, handle: Handle) -> Resource {
        let token = engine
            .node(handle.as_raw())
            .map(|n| n.cancelled().clone())
            .unwrap_or_else(|_| {
                let t = tokio_util::sync::CancellationToken::new();
                t.cancel();
                t
            });
        Resource {
            owned: Owned::new(engine, handle),
            cancelled: Box::pin(token.cancelled_owned()),
            seek: None,
        }
    }

    /// The handle value.
    pub fn handle(&self) -> Handle {
        self.owned.handle
    }

    /// What kind of handle this is (INTERNET_OPTION_HANDLE_TYPE).
    pub fn kind(&self) -> Result<HandleKind> {
        let call = self.owned.engine.enter(self.owned.handle.as_raw())?;
        Ok(call.node().kind())
    }

    /// InternetQueryOption on this handle.
    pub fn query_option(&self, option: u32) -> Result<OptionValue> {
        self.owned
            .engine
            .query_option(Some(self.owned.handle.as_raw()), option)
    }

    /// InternetQueryDataAvailable: bytes readable without waiting (waits when none are
    /// buffered and the data has not ended; 0 at the end).
    pub async fn data_available(&self) -> Result<u64> {
        let call = self.owned.engine.enter(self.owned.handle.as_raw())?;
        let token = call.node().cancelled().clone();
        let r =
            hinternet_core::dispatch::cancellable(token, call.ops().query_data_available()).await;
        call.finish().await;
        r
    }

    /// InternetReadFile: reads until `buf` is full or the data ends; returns the count.
    pub async fn read_full(&self, buf: &mut [u8]) -> Result<usize> {
        let call = self.owned.engine.enter(self.owned.handle.as_raw())?;
        let token = call.node().cancelled().clone();
        let r = hinternet_core::dispatch::cancellable(
            token,
            hinternet_core::calls::read_fill(call.ops(), buf),
        )
        .await;
        call.finish().await;
        r
    }

    /// Turns a directory handle into its listing.
    pub fn into_find(self) -> Find {
        Find::new(self.owned)
    }

    /// InternetCloseHandle.
    pub async fn close(self) -> Result<()> {
        self.owned.close_async().await
    }

    fn poll_op<T>(
        &mut self,
        cx: &mut Context<'_>,
        op: impl FnOnce(&hinternet_core::Call, &mut Context<'_>) -> Poll<Result<T>>,
    ) -> Poll<io::Result<T>> {
        let call = match self.owned.engine.enter(self.owned.handle.as_raw()) {
            Ok(c) => c,
            Err(e) => return Poll::Ready(Err(io_error(e))),
        };
        match op(&call, cx) {
            Poll::Ready(r) => Poll::Ready(r.map_err(io_error)),
            Poll::Pending => {
                // Closing the handle wakes and cancels a waiting read.
                if self.cancelled.as_mut().poll(cx).is_ready() {
                    return Poll::Ready(Err(io_error(Error::new(
                        ERROR_INTERNET_OPERATION_CANCELLED,
                    ))));
                }
                Poll::Pending
            }
        }
    }
}

impl AsyncRead for Resource {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.get_mut()
            .poll_op(cx, |call, cx| call.ops().poll_read(cx, buf))
    }
}

impl AsyncSeek for Resource {
    fn start_seek(self: Pin<&mut Self>, position: io::SeekFrom) -> io::Result<()> {
        let this = self.get_mut();
        let call = this
            .owned
            .engine
            .enter(this.owned.handle.as_raw())
            .map_err(io_error)?;
        let (distance, method) = match position {
            io::SeekFrom::Start(n) => (
                i64::try_from(n).map_err(|_| io_error(Error::new(ERROR_INVALID_PARAMETER)))?,
                FILE_BEGIN,
            ),
            io::SeekFrom::Current(d) => (d, FILE_CURRENT),
            io::SeekFrom::End(d) => (d, FILE_END),
        };
        let ops = std::sync::Arc::clone(call.ops());
        this.seek = Some(SyncWrapper::new(Box::pin(async move {
            let r = ops.set_file_pointer(distance, method).await;
            call.finish().await;
            r
        })));
        Ok(())
    }

    fn poll_complete(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        let this = self.get_mut();
        if this.seek.is_none() {
            // No seek started: report the current position.
            Pin::new(&mut *this).start_seek(io::SeekFrom::Current(0))?;
        }
        match this.seek.as_mut() {
            None => unreachable!("a seek was started above"),
            Some(f) => match f.get_mut().as_mut().poll(cx) {
                Poll::Ready(r) => {
                    this.seek = None;
                    Poll::Ready(r.map_err(io_error))
                }
                Poll::Pending => Poll::Pending,
            },
        }
    }
}
