//! The two sides of a sync behind one small trait: a local folder, an FTP server, an HTTP
//! server (read only).

pub mod ftp;
pub mod http;
pub mod local;

use hinternet::Timestamp;
use std::pin::Pin;
use tokio::io::AsyncRead;

/// A byte stream to read a file from.
pub type Reader = Pin<Box<dyn AsyncRead + Send>>;

/// One listed name (not yet checked for safety).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteEntry {
    /// The name as listed.
    pub name: Vec<u8>,
    /// A folder?
    pub is_dir: bool,
    /// Size, when the listing gives it.
    pub size: Option<u64>,
    /// Modification time, when the listing gives it.
    pub modified: Option<Timestamp>,
}

/// What went wrong, classified for retries and exit codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncError {
    /// Could not connect or log in (exit code 3 when nothing worked).
    pub connect: bool,
    /// Worth another try (network trouble, not "no such file").
    pub retry: bool,
    /// Words for the user (never credentials).
    pub message: String,
}

impl SyncError {
    /// A non-retryable error.
    pub fn fatal(message: impl Into<String>) -> SyncError {
        SyncError {
            connect: false,
            retry: false,
            message: message.into(),
        }
    }

    /// A retryable error.
    pub fn transient(message: impl Into<String>) -> SyncError {
        SyncError {
            connect: false,
            retry: true,
            message: message.into(),
        }
    }

    /// From an engine error, with what was being done.
    pub fn from_engine(what: &str, e: &hinternet::Error) -> SyncError {
        use hinternet::consts::*;
        let code = e.code();
        let connect = matches!(
            code,
            ERROR_INTERNET_CANNOT_CONNECT
                | ERROR_INTERNET_NAME_NOT_RESOLVED
                | ERROR_INTERNET_LOGIN_FAILURE
        );
        let retry = connect
            || matches!(
                code,
                ERROR_INTERNET_TIMEOUT
                    | ERROR_INTERNET_CONNECTION_ABORTED
                    | ERROR_INTERNET_CONNECTION_RESET
            );
        SyncError {
            connect,
            retry: retry && code != ERROR_INTERNET_LOGIN_FAILURE,
            message: format!("{what}: {e}"),
        }
    }

    /// From an I/O error.
    pub fn from_io(what: &str, e: &std::io::Error) -> SyncError {
        if let Some(inner) = hinternet::error_of(e) {
            return SyncError::from_engine(what, inner);
        }
        let retry = !matches!(
            e.kind(),
            std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied
        );
        SyncError {
            connect: false,
            retry,
            message: format!("{what}: {e}"),
        }
    }
}

impl std::fmt::Display for SyncError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// One side of a sync. Paths are relative, `/`-separated, already checked for safety; `""` is
/// the root.
#[async_trait::async_trait]
pub trait Remote: Send + Sync {
    /// For messages (no credentials).
    fn describe(&self) -> String;

    /// Lists a folder.
    async fn list(&self, dir: &str) -> Result<Vec<RemoteEntry>, SyncError>;

    /// Size and time of one file, for listings that do not give them (HTTP index pages).
    async fn stat(&self, path: &str) -> Result<(u64, Option<Timestamp>), SyncError> {
        Err(SyncError::fatal(format!("{path}: size unknown")))
    }

    /// Opens a file for reading from `offset`; returns the reader and the offset it really
    /// starts at (0 when the side cannot resume).
    async fn open_read(&self, path: &str, offset: u64) -> Result<(Reader, u64), SyncError>;

    /// Writes a whole file (or, with `resume_from > 0`, the rest of a known partial one) and
    /// sets its time; returns the final size. Only complete files appear under their name.
    async fn write(
        &self,
        path: &str,
        data: &mut Reader,
        size: u64,
        modified: Option<Timestamp>,
        resume_from: u64,
    ) -> Result<u64, SyncError>;

    /// The length of a partial copy of `path` left by an interrupted run for a source file of
    /// this size and time (0: none known).
    async fn partial_len(&self, _path: &str, _size: u64, _modified: Option<Timestamp>) -> u64 {
        0
    }

    /// Removes partial copies that were not resumed (after a run without errors).
    async fn clean_partials(&self) {}

    /// Deletes a file.
    async fn delete(&self, path: &str) -> Result<(), SyncError>;

    /// Whether times written by [`write`](Remote::write) are kept.
    fn keeps_times(&self) -> bool {
        false
    }
}
