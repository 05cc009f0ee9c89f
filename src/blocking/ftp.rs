//! The blocking face of FTP sessions: [`Internet::connect_ftp`] / [`Internet::ftp`] →
//! [`FtpSession`], with `Iterator` listings, `std::io::Read` readers and `std::io::Write`
//! writers. See [`crate::FtpSession`] for the semantics.

use std::io;
use std::path::Path;

use hinternet_core::{Engine, FindData, Handle, Result, Timestamp};

use super::{Internet, Resource};
use crate::resource::io_error;

/// Options of a blocking FTP connection ([`Internet::ftp`]).
#[derive(Debug, Clone)]
#[must_use]
pub struct FtpConnect(crate::FtpConnect);

impl FtpConnect {
    /// The port (default 21).
    pub fn port(self, port: u16) -> Self {
        FtpConnect(self.0.port(port))
    }

    /// User name and password (default: anonymous).
    pub fn login(self, user: &str, password: &str) -> Self {
        FtpConnect(self.0.login(user, password))
    }

    /// Passive data connections (default: on).
    pub fn passive(self, on: bool) -> Self {
        FtpConnect(self.0.passive(on))
    }

    /// Explicit FTPS (AUTH TLS), default off.
    pub fn secure(self, on: bool) -> Self {
        FtpConnect(self.0.secure(on))
    }

    /// Implicit FTPS (TLS from the first byte, as `ftps://`), default off.
    pub fn implicit_tls(self, on: bool) -> Self {
        FtpConnect(self.0.implicit_tls(on))
    }

    /// The context value of the connect handle.
    pub fn context(self, context: usize) -> Self {
        FtpConnect(self.0.context(context))
    }

    /// Connects and logs in.
    ///
    /// # Errors
    /// As [`crate::FtpConnect::connect`].
    pub fn connect(self) -> Result<FtpSession> {
        let engine = self.0.engine();
        let inner = engine.block_on(self.0.connect())?;
        Ok(FtpSession { engine, inner })
    }
}

impl Internet {
    /// Options for an FTP connection to `host`.
    pub fn ftp(&self, host: &str) -> FtpConnect {
        FtpConnect(self.as_async().ftp(host))
    }

    /// Connects to an FTP server anonymously, passive.
    ///
    /// # Errors
    /// As [`crate::FtpConnect::connect`].
    pub fn connect_ftp(&self, host: &str, port: u16) -> Result<FtpSession> {
        self.ftp(host).port(port).connect()
    }
}

/// A blocking FTP session. See [`crate::FtpSession`].
#[derive(Debug, Clone)]
pub struct FtpSession {
    engine: Engine,
    inner: crate::FtpSession,
}

impl FtpSession {
    /// The handle value.
    pub fn handle(&self) -> Handle {
        self.inner.handle()
    }

    /// The async face of the same session.
    pub fn as_async(&self) -> &crate::FtpSession {
        &self.inner
    }

    /// The text of the server's last reply.
    ///
    /// # Errors
    /// `ERROR_INVALID_HANDLE` after close.
    pub fn last_reply(&self) -> Result<String> {
        self.inner.last_reply()
    }

    /// Lists a directory, file or pattern: an `Iterator` of entries.
    ///
    /// # Errors
    /// As [`crate::FtpSession::list`].
    pub fn list(&self, path: Option<&str>) -> Result<FtpList> {
        let inner = self.engine.block_on(self.inner.list(path))?;
        Ok(FtpList {
            engine: self.engine.clone(),
            inner,
        })
    }

    /// Opens a remote file for reading: `std::io::Read`.
    ///
    /// # Errors
    /// As [`crate::FtpSession::open_read`].
    pub fn open_read(&self, path: &str) -> Result<Resource> {
        self.open_read_at(path, 0)
    }

    /// Opens a remote file for reading from `offset` (REST).
    ///
    /// # Errors
    /// As [`crate::FtpSession::open_read_at`].
    pub fn open_read_at(&self, path: &str, offset: u64) -> Result<Resource> {
        let r = self
            .engine
            .block_on(self.inner.open_read_at(path, offset))?;
        Ok(Resource {
            engine: self.engine.clone(),
            inner: Some(r),
        })
    }

    /// Opens a remote file for writing: `std::io::Write`; end with [`FtpUpload::finish`].
    ///
    /// # Errors
    /// As [`crate::FtpSession::open_write`].
    pub fn open_write(&self, path: &str) -> Result<FtpUpload> {
        let w = self.engine.block_on(self.inner.open_write(path))?;
        Ok(FtpUpload {
            engine: self.engine.clone(),
            inner: Some(w),
        })
    }

    /// FtpGetFile (binary, atomic on the local side).
    ///
    /// # Errors
    /// As [`crate::FtpSession::get`].
    pub fn get(&self, remote: &str, local: impl AsRef<Path>) -> Result<()> {
        self.engine.block_on(self.inner.get(remote, local.as_ref()))
    }

    /// FtpPutFile (binary).
    ///
    /// # Errors
    /// As [`crate::FtpSession::put`].
    pub fn put(&self, local: impl AsRef<Path>, remote: &str) -> Result<()> {
        self.engine.block_on(self.inner.put(local.as_ref(), remote))
    }

    /// `MKD`.
    ///
    /// # Errors
    /// The server's refusal.
    pub fn mkdir(&self, path: &str) -> Result<()> {
        self.engine.block_on(self.inner.mkdir(path))
    }

    /// `RMD`.
    ///
    /// # Errors
    /// The server's refusal.
    pub fn rmdir(&self, path: &str) -> Result<()> {
        self.engine.block_on(self.inner.rmdir(path))
    }

    /// `DELE`.
    ///
    /// # Errors
    /// The server's refusal.
    pub fn delete(&self, path: &str) -> Result<()> {
        self.engine.block_on(self.inner.delete(path))
    }

    /// `RNFR` + `RNTO`.
    ///
    /// # Errors
    /// The server's refusal.
    pub fn rename(&self, from: &str, to: &str) -> Result<()> {
        self.engine.block_on(self.inner.rename(from, to))
    }

    /// `CWD`.
    ///
    /// # Errors
    /// The server's refusal.
    pub fn cwd(&self, path: &str) -> Result<()> {
        self.engine.block_on(self.inner.cwd(path))
    }

    /// `PWD`.
    ///
    /// # Errors
    /// The server's refusal.
    pub fn pwd(&self) -> Result<String> {
        self.engine.block_on(self.inner.pwd())
    }

    /// `SIZE`.
    ///
    /// # Errors
    /// The server's refusal.
    pub fn size(&self, path: &str) -> Result<u64> {
        self.engine.block_on(self.inner.size(path))
    }

    /// `MDTM`.
    ///
    /// # Errors
    /// The server's refusal.
    pub fn modified(&self, path: &str) -> Result<Timestamp> {
        self.engine.block_on(self.inner.modified(path))
    }

    /// FtpCommand without a data connection; returns the reply text.
    ///
    /// # Errors
    /// As [`crate::FtpSession::command`].
    pub fn command(&self, line: &str) -> Result<String> {
        self.engine.block_on(self.inner.command(line))
    }

    /// Ends the session (QUIT).
    ///
    /// # Errors
    /// `ERROR_INVALID_HANDLE` when already closed.
    pub fn close(self) -> Result<()> {
        let engine = self.engine;
        engine.block_on(self.inner.close())
    }
}

/// A blocking listing: an `Iterator` of entries.
#[derive(Debug)]
pub struct FtpList {
    engine: Engine,
    inner: crate::FtpList,
}

impl Iterator for FtpList {
    type Item = Result<FindData>;

    fn next(&mut self) -> Option<Self::Item> {
        let engine = self.engine.clone();
        engine.block_on(self.inner.next_entry()).transpose()
    }
}

/// A blocking upload: `std::io::Write`; end it with [`finish`](Self::finish).
#[derive(Debug)]
pub struct FtpUpload {
    engine: Engine,
    inner: Option<crate::FtpUpload>,
}

impl FtpUpload {
    /// Ends the upload and reads the server's reply.
    ///
    /// # Errors
    /// As [`crate::FtpUpload::finish`].
    pub fn finish(mut self) -> Result<()> {
        match self.inner.take() {
            Some(w) => self.engine.block_on(w.finish()),
            None => Ok(()),
        }
    }
}

impl io::Write for FtpUpload {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        use tokio::io::AsyncWriteExt;
        let engine = self.engine.clone();
        let Some(w) = self.inner.as_mut() else {
            return Err(io_error(hinternet_core::Error::new(
                hinternet_core::consts::ERROR_INVALID_HANDLE,
            )));
        };
        engine.block_on(w.write(buf))
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
