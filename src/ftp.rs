//! The FTP face of the Rust API: [`Internet::connect_ftp`] / [`Internet::ftp`] →
//! [`FtpSession`] (a CONNECT_FTP handle) with listing, reading, writing and the file
//! operations.
//!
//! ```no_run
//! # async fn demo() -> hinternet::Result<()> {
//! use futures_util::StreamExt;
//! use tokio::io::AsyncReadExt;
//! let inet = hinternet::Internet::new()?;
//! let ftp = inet.ftp("127.0.0.1").port(2121).login("user", "password").connect().await?;
//! let mut list = ftp.list(Some("/pub")).await?;
//! while let Some(entry) = list.next().await {
//!     println!("{}", entry?.name_lossy());
//! }
//! let mut text = String::new();
//! ftp.open_read("/pub/readme.txt").await?.read_to_string(&mut text).await?;
//! # Ok(()) }
//! ```
//!
//! One transfer per session at a time, as in WinINet: while a listing, a reader or a writer of
//! a session is alive, the session's other calls fail with `ERROR_FTP_TRANSFER_IN_PROGRESS`.
//! Dropping a reader before its end aborts the transfer (ABOR) and leaves the session usable.

use std::future::Future;
use std::io;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_core::Stream;
use hinternet_core::consts::*;
use hinternet_core::{Error, FindData, Handle, Result, Timestamp};
use tokio::io::AsyncWrite;
use tokio_util::sync::WaitForCancellationFutureOwned;

use crate::find::Find;
use crate::internet::Internet;
use crate::raw::ConnectArgs;
use crate::resource::{Owned, Resource, io_error};

/// Options of an FTP connection ([`Internet::ftp`]).
#[derive(Debug, Clone)]
#[must_use]
pub struct FtpConnect {
    inet: Internet,
    host: String,
    port: u16,
    user: Option<String>,
    password: Option<String>,
    passive: bool,
    secure: bool,
    implicit_tls: bool,
    context: usize,
}

impl FtpConnect {
    pub(crate) fn engine(&self) -> hinternet_core::Engine {
        self.inet.engine().clone()
    }

    /// The port (default 21).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// User name and password (default: anonymous, with the password
    /// [`hinternet_ftp::ANONYMOUS_PASSWORD`]).
    pub fn login(mut self, user: &str, password: &str) -> Self {
        self.user = Some(user.to_owned());
        self.password = Some(password.to_owned());
        self
    }

    /// Passive data connections, EPSV then PASV (default: on). Off: active mode (PORT/EPRT).
    pub fn passive(mut self, on: bool) -> Self {
        self.passive = on;
        self
    }

    /// Explicit FTPS (`AUTH TLS`; INTERNET_FLAG_SECURE), default off.
    pub fn secure(mut self, on: bool) -> Self {
        self.secure = on;
        self
    }

    /// Implicit FTPS: TLS from the first byte of the control connection (what `ftps://` URLs
    /// mean; the usual port is 990), then `PBSZ 0` / `PROT P`; default off.
    pub fn implicit_tls(mut self, on: bool) -> Self {
        self.implicit_tls = on;
        self
    }

    /// The context value of the connect handle (status events need a non-zero one; default 1).
    pub fn context(mut self, context: usize) -> Self {
        self.context = context;
        self
    }

    /// InternetConnect(INTERNET_SERVICE_FTP): connects and logs in.
    ///
    /// # Errors
    /// `ERROR_INTERNET_NAME_NOT_RESOLVED`, `ERROR_INTERNET_CANNOT_CONNECT`,
    /// `ERROR_INTERNET_LOGIN_FAILURE`, `ERROR_INTERNET_TIMEOUT`, `ERROR_INTERNET_EXTENDED_ERROR`
    /// (with the server's reply).
    pub async fn connect(self) -> Result<FtpSession> {
        let engine = self.inet.engine().clone();
        let mut flags = 0;
        if self.passive {
            flags |= INTERNET_FLAG_PASSIVE;
        }
        if self.secure {
            flags |= INTERNET_FLAG_SECURE;
        }
        let handle = crate::raw::connect_async_with(
            &engine,
            self.inet.handle().as_raw(),
            ConnectArgs {
                server: Some(&self.host),
                port: self.port,
                user: self.user.as_deref(),
                password: self.password.as_deref(),
                service: INTERNET_SERVICE_FTP,
                flags,
                context: self.context,
            },
            self.implicit_tls,
        )
        .await?;
        Ok(FtpSession {
            owned: Arc::new(Owned::new(engine, handle)),
        })
    }
}

impl Internet {
    /// Options for an FTP connection to `host` (a name or an address literal).
    pub fn ftp(&self, host: &str) -> FtpConnect {
        FtpConnect {
            inet: self.clone(),
            host: host.to_owned(),
            port: 21,
            user: None,
            password: None,
            passive: true,
            secure: false,
            implicit_tls: false,
            context: 1,
        }
    }

    /// Connects to an FTP server anonymously, passive.
    ///
    /// # Errors
    /// As [`FtpConnect::connect`].
    pub async fn connect_ftp(&self, host: &str, port: u16) -> Result<FtpSession> {
        self.ftp(host).port(port).connect().await
    }
}

/// An FTP session (a CONNECT_FTP handle). Cheap to clone; the session ends (QUIT) when the
/// last clone is dropped or [`close`](Self::close) is called.
#[derive(Debug, Clone)]
pub struct FtpSession {
    owned: Arc<Owned>,
}

impl FtpSession {
    /// The handle value.
    pub fn handle(&self) -> Handle {
        self.owned.handle()
    }

    fn raw(&self) -> u64 {
        self.owned.handle().as_raw()
    }

    fn engine(&self) -> &hinternet_core::Engine {
        self.owned.engine()
    }

    /// The text of the last reply of the server (InternetGetLastResponseInfo).
    ///
    /// # Errors
    /// `ERROR_INVALID_HANDLE` after the session was closed.
    pub fn last_reply(&self) -> Result<String> {
        crate::raw::ftp_last_response(self.engine(), self.raw())
    }

    /// Lists a directory, a file or a pattern (`None` = the current directory; a last
    /// component with `*` / `?` filters): FtpFindFirstFile + InternetFindNextFile. An empty
    /// listing is an empty stream.
    ///
    /// # Errors
    /// `ERROR_INTERNET_EXTENDED_ERROR` for a missing path, `ERROR_FTP_TRANSFER_IN_PROGRESS`.
    pub async fn list(&self, path: Option<&str>) -> Result<FtpList> {
        let engine = self.engine().clone();
        match hinternet_ftp::calls::find_first_file_async(&engine, self.raw(), path, 0, 0).await {
            Ok((h, first)) => Ok(FtpList {
                first: Some(first),
                find: Some(Find::new(Owned::new(engine, h))),
            }),
            Err(e) if e.code() == ERROR_NO_MORE_FILES => Ok(FtpList {
                first: None,
                find: None,
            }),
            Err(e) => Err(e),
        }
    }

    /// Opens a remote file for reading (binary): an `AsyncRead` [`Resource`]. Reading to the
    /// end reads the server's completion reply too (a failed transfer fails the last read).
    ///
    /// # Errors
    /// `ERROR_INTERNET_EXTENDED_ERROR` (e.g. 550), `ERROR_FTP_TRANSFER_IN_PROGRESS`.
    pub async fn open_read(&self, path: &str) -> Result<Resource> {
        self.open_read_at(path, 0).await
    }

    /// Opens a remote file for reading from `offset` (REST).
    ///
    /// # Errors
    /// As [`open_read`](Self::open_read); a server that refuses REST: the mapped reply.
    pub async fn open_read_at(&self, path: &str, offset: u64) -> Result<Resource> {
        let engine = self.engine().clone();
        let h = hinternet_ftp::calls::open_file_async(
            &engine,
            self.raw(),
            path,
            GENERIC_READ,
            FTP_TRANSFER_TYPE_BINARY,
            0,
            offset,
        )
        .await?;
        Ok(Resource::new(engine, h))
    }

    /// Opens a remote file for writing (binary STOR): an `AsyncWrite` [`FtpUpload`]; call
    /// [`FtpUpload::finish`] to learn whether the server stored it.
    ///
    /// # Errors
    /// `ERROR_INTERNET_EXTENDED_ERROR` (e.g. 553), `ERROR_FTP_TRANSFER_IN_PROGRESS`.
    pub async fn open_write(&self, path: &str) -> Result<FtpUpload> {
        let engine = self.engine().clone();
        let h = hinternet_ftp::calls::open_file_async(
            &engine,
            self.raw(),
            path,
            GENERIC_WRITE,
            FTP_TRANSFER_TYPE_BINARY,
            0,
            0,
        )
        .await?;
        Ok(FtpUpload::new(engine, h))
    }

    /// Downloads `remote` into `local` (FtpGetFile, binary): the file appears under its name
    /// only when the transfer completed.
    ///
    /// # Errors
    /// The transfer's errors; local file-system errors.
    pub async fn get(&self, remote: &str, local: impl AsRef<Path>) -> Result<()> {
        hinternet_ftp::calls::get_file_async(
            self.engine(),
            self.raw(),
            remote,
            local.as_ref(),
            false,
            FTP_TRANSFER_TYPE_BINARY,
        )
        .await
    }

    /// Uploads `local` to `remote` (FtpPutFile, binary).
    ///
    /// # Errors
    /// `ERROR_FILE_NOT_FOUND` for a missing local file; the transfer's errors.
    pub async fn put(&self, local: impl AsRef<Path>, remote: &str) -> Result<()> {
        hinternet_ftp::calls::put_file_async(
            self.engine(),
            self.raw(),
            local.as_ref(),
            remote,
            FTP_TRANSFER_TYPE_BINARY,
        )
        .await
    }

    /// `MKD` (FtpCreateDirectory).
    ///
    /// # Errors
    /// The server's refusal (`ERROR_INTERNET_EXTENDED_ERROR`).
    pub async fn mkdir(&self, path: &str) -> Result<()> {
        hinternet_ftp::calls::create_directory_async(self.engine(), self.raw(), Some(path)).await
    }

    /// `RMD` (FtpRemoveDirectory).
    ///
    /// # Errors
    /// The server's refusal.
    pub async fn rmdir(&self, path: &str) -> Result<()> {
        hinternet_ftp::calls::remove_directory_async(self.engine(), self.raw(), Some(path)).await
    }

    /// `DELE` (FtpDeleteFile).
    ///
    /// # Errors
    /// The server's refusal.
    pub async fn delete(&self, path: &str) -> Result<()> {
        hinternet_ftp::calls::delete_file_async(self.engine(), self.raw(), Some(path)).await
    }

    /// `RNFR` + `RNTO` (FtpRenameFile).
    ///
    /// # Errors
    /// The server's refusal.
    pub async fn rename(&self, from: &str, to: &str) -> Result<()> {
        hinternet_ftp::calls::rename_file_async(self.engine(), self.raw(), from, to).await
    }

    /// `CWD` (FtpSetCurrentDirectory).
    ///
    /// # Errors
    /// The server's refusal.
    pub async fn cwd(&self, path: &str) -> Result<()> {
        hinternet_ftp::calls::set_current_directory_async(self.engine(), self.raw(), Some(path))
            .await
    }

    /// `PWD` (FtpGetCurrentDirectory).
    ///
    /// # Errors
    /// The server's refusal.
    pub async fn pwd(&self) -> Result<String> {
        hinternet_ftp::calls::current_directory_async(self.engine(), self.raw()).await
    }

    /// `SIZE`: a remote file's size.
    ///
    /// # Errors
    /// The server's refusal.
    pub async fn size(&self, path: &str) -> Result<u64> {
        hinternet_ftp::calls::size_async(self.engine(), self.raw(), path).await
    }

    /// `MDTM`: a remote file's modification time (UTC, with its precision).
    ///
    /// # Errors
    /// The server's refusal.
    pub async fn modified(&self, path: &str) -> Result<Timestamp> {
        hinternet_ftp::calls::modified_async(self.engine(), self.raw(), path).await
    }

    /// FtpCommand without a data connection: sends `line` and returns the reply text (any
    /// 1xx–3xx reply; others are the mapped error).
    ///
    /// # Errors
    /// `ERROR_INVALID_PARAMETER` for an empty line; the server's refusal.
    pub async fn command(&self, line: &str) -> Result<String> {
        let (_, text) =
            hinternet_ftp::calls::command_async(self.engine(), self.raw(), false, 0, line, 0)
                .await?;
        Ok(text)
    }

    /// Ends the session (QUIT) and invalidates its listings, readers and writers.
    ///
    /// # Errors
    /// `ERROR_INVALID_HANDLE` when it was already closed.
    pub async fn close(self) -> Result<()> {
        self.owned.close_async().await
    }
}

/// The entries of a listing ([`FtpSession::list`]): a `Stream`, ending after the last entry.
/// Dropping it closes the find handle (freeing the session for the next transfer).
#[derive(Debug)]
pub struct FtpList {
    first: Option<FindData>,
    find: Option<Find>,
}

impl FtpList {
    /// The next entry; `Ok(None)` after the last one.
    ///
    /// # Errors
    /// `ERROR_INVALID_HANDLE` when the session was closed.
    pub async fn next_entry(&mut self) -> Result<Option<FindData>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx))
            .await
            .transpose()
    }

    /// The remaining entries.
    ///
    /// # Errors
    /// As [`next_entry`](Self::next_entry).
    pub async fn collect_all(mut self) -> Result<Vec<FindData>> {
        let mut out = Vec::new();
        while let Some(e) = self.next_entry().await? {
            out.push(e);
        }
        Ok(out)
    }
}

impl Stream for FtpList {
    type Item = Result<FindData>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if let Some(first) = this.first.take() {
            return Poll::Ready(Some(Ok(first)));
        }
        match this.find.as_mut() {
            None => Poll::Ready(None),
            Some(f) => Pin::new(f).poll_next(cx),
        }
    }
}

/// A remote file open for writing ([`FtpSession::open_write`]): `AsyncWrite`. Call
/// [`finish`](Self::finish) at the end; dropping it ends the transfer without reporting.
pub struct FtpUpload {
    owned: Owned,
    cancelled: Pin<Box<WaitForCancellationFutureOwned>>,
}

impl std::fmt::Debug for FtpUpload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FtpUpload")
            .field("handle", &self.owned.handle())
            .finish_non_exhaustive()
    }
}

impl FtpUpload {
    fn new(engine: hinternet_core::Engine, handle: Handle) -> FtpUpload {
        let token = engine
            .node(handle.as_raw())
            .map(|n| n.cancelled().clone())
            .unwrap_or_else(|_| {
                let t = tokio_util::sync::CancellationToken::new();
                t.cancel();
                t
            });
        FtpUpload {
            owned: Owned::new(engine, handle),
            cancelled: Box::pin(token.cancelled_owned()),
        }
    }

    /// The handle value.
    pub fn handle(&self) -> Handle {
        self.owned.handle()
    }

    /// Ends the upload: closes the data connection, reads the server's reply (`226`), and
    /// closes the handle.
    ///
    /// # Errors
    /// The server's refusal (`ERROR_INTERNET_EXTENDED_ERROR`, ...), timeouts.
    pub async fn finish(self) -> Result<()> {
        let r = hinternet_ftp::calls::finish_upload_async(
            self.owned.engine(),
            self.owned.handle().as_raw(),
        )
        .await;
        let closed = self.owned.close_async().await;
        r.and(closed)
    }
}

impl AsyncWrite for FtpUpload {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let call = match this.owned.engine().enter(this.owned.handle().as_raw()) {
            Ok(c) => c,
            Err(e) => return Poll::Ready(Err(io_error(e))),
        };
        match call.ops().poll_write(cx, buf) {
            Poll::Ready(r) => Poll::Ready(r.map_err(io_error)),
            Poll::Pending => {
                if this.cancelled.as_mut().poll(cx).is_ready() {
                    return Poll::Ready(Err(io_error(Error::new(
                        ERROR_INTERNET_OPERATION_CANCELLED,
                    ))));
                }
                Poll::Pending
            }
        }
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    /// Does nothing: the transfer ends with [`FtpUpload::finish`] (or when dropped).
    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}
