//! The operations every handle kind implements: one object-safe trait, shaped like Wine's
//! per-type operations table. Each kind overrides only its verbs; the defaults fail with
//! `ERROR_INTERNET_INCORRECT_HANDLE_TYPE`. Code above the trait never matches on the protocol.

use std::any::Any;
use std::task::{Context, Poll};

use async_trait::async_trait;
use tokio::io::ReadBuf;

use crate::consts::ERROR_INTERNET_INCORRECT_HANDLE_TYPE;
use crate::options::{OptionInput, OptionValue};
use crate::{Error, FindData, Result};

fn wrong_type<T>() -> Result<T> {
    Err(Error::new(ERROR_INTERNET_INCORRECT_HANDLE_TYPE))
}

/// The protocol object behind a handle.
///
/// Reads and writes are poll-shaped (like `AsyncRead` / `AsyncWrite`, but on `&self`): a read
/// returns as soon as some bytes are available, or with none at the end of the data; the engine
/// builds WinINet's "fill the buffer" InternetReadFile and the `IRF_NO_WAIT` read from it, and
/// the Rust API exposes it directly as `AsyncRead` without an allocation per read.
///
/// Notifications are sent through the [`NodeRef`](crate::NodeRef) the leaf was given when its
/// handle was created.
#[async_trait]
pub trait HandleOps: Send + Sync + 'static {
    /// The concrete object, so that a leaf can find its own type behind a parent handle (an FTP
    /// find needs the FTP session behind its connect handle).
    fn as_any(&self) -> &dyn Any;

    /// Reads some bytes of the body / file: `Ready(Ok(()))` with nothing added to `buf` means
    /// the end of the data. A failure must be sticky (every later read reports it again): the
    /// engine hands back the bytes read before a failure and lets the next read report it.
    fn poll_read(&self, _cx: &mut Context<'_>, _buf: &mut ReadBuf<'_>) -> Poll<Result<()>> {
        Poll::Ready(wrong_type())
    }

    /// Writes some bytes of an upload; returns how many were taken.
    fn poll_write(&self, _cx: &mut Context<'_>, _buf: &[u8]) -> Poll<Result<usize>> {
        Poll::Ready(wrong_type())
    }

    /// How many bytes a read could return without waiting; waits when none are buffered and
    /// the data has not ended; 0 at the end.
    async fn query_data_available(&self) -> Result<u64> {
        wrong_type()
    }

    /// Moves the read position (`FILE_BEGIN` / `FILE_CURRENT` / `FILE_END`); returns the new
    /// position.
    async fn set_file_pointer(&self, _distance: i64, _method: u32) -> Result<u64> {
        wrong_type()
    }

    /// The next entry of a find; `ERROR_NO_MORE_FILES` after the last. Synchronous: a find
    /// handle holds its listing, read whole when it was made (FtpFindFirstFile, a directory
    /// URL), so the next entry never waits.
    fn find_next_file(&self) -> Result<FindData> {
        wrong_type()
    }

    /// Answers an option this kind owns (`Some`), or leaves it to the generic code (`None`).
    fn query_option(&self, _option: u32) -> Option<Result<OptionValue>> {
        None
    }

    /// Sets an option this kind owns (`Some`), or leaves it to the generic code (`None`).
    fn set_option(&self, _option: u32, _value: &OptionInput<'_>) -> Option<Result<()>> {
        None
    }

    /// Releases the object's resources when its handle goes away (after every in-flight call
    /// on it has ended). Closing a transfer early aborts it here.
    async fn close(&self) {}
}

/// The operations of a handle that has no protocol object of its own (the root).
#[derive(Debug, Default)]
pub struct NoOps;

impl HandleOps for NoOps {
    fn as_any(&self) -> &dyn Any {
        self
    }
}
