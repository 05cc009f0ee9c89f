//! The one error type of the workspace: a WinINet / Win32 code, the server's reply text when
//! there is one, and the source chain.
//!
//! Credentials never enter an error: constructors take codes, reply text and sources, and the
//! leaves are responsible for redacting user names and passwords out of replies they attach
//! (an FTP `331`/`530` reply names the user only, never the password).

use std::fmt;

use crate::consts::*;

/// A shorthand for results carrying [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A failure, identified by the Win32 / WinINet error code a Windows program would see.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    code: u32,
    reply: Option<String>,
    needed: Option<u64>,
    context: Option<String>,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl Error {
    /// An error with the given WinINet / Win32 code and nothing else.
    pub fn new(code: u32) -> Self {
        Error {
            inner: Box::new(Inner {
                code,
                reply: None,
                needed: None,
                context: None,
                source: None,
            }),
        }
    }

    /// `ERROR_INSUFFICIENT_BUFFER`, carrying the size the caller must provide (in the unit the
    /// function counts in).
    pub fn insufficient_buffer(needed: u64) -> Self {
        let mut e = Error::new(ERROR_INSUFFICIENT_BUFFER);
        e.inner.needed = Some(needed);
        e
    }

    /// Attaches the server's reply text (an FTP reply, an HTTP status line).
    #[must_use]
    pub fn with_reply(mut self, reply: impl Into<String>) -> Self {
        self.inner.reply = Some(reply.into());
        self
    }

    /// Attaches a short description of what was being done ("connecting to 127.0.0.1:21").
    #[must_use]
    pub fn with_context(mut self, context: impl Into<String>) -> Self {
        self.inner.context = Some(context.into());
        self
    }

    /// Attaches the lower-level cause.
    #[must_use]
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.inner.source = Some(Box::new(source));
        self
    }

    /// The Win32 / WinINet error code (`GetLastError()` value).
    pub fn code(&self) -> u32 {
        self.inner.code
    }

    /// The server's reply text, when the failure came from one.
    pub fn reply(&self) -> Option<&str> {
        self.inner.reply.as_deref()
    }

    /// For `ERROR_INSUFFICIENT_BUFFER`: the size the caller must provide.
    pub fn needed(&self) -> Option<u64> {
        self.inner.needed
    }

    /// `ERROR_INTERNET_TIMEOUT`.
    pub fn is_timeout(&self) -> bool {
        self.code() == ERROR_INTERNET_TIMEOUT
    }

    /// `ERROR_INTERNET_OPERATION_CANCELLED`: the handle was closed while the call was pending.
    pub fn is_cancelled(&self) -> bool {
        self.code() == ERROR_INTERNET_OPERATION_CANCELLED
    }

    /// `ERROR_INVALID_HANDLE`: the handle is closed, was never valid, or its parent was closed.
    pub fn is_invalid_handle(&self) -> bool {
        self.code() == ERROR_INVALID_HANDLE
    }

    /// `ERROR_IO_PENDING`: not a failure but the async-mode "completion follows" answer.
    pub fn is_pending(&self) -> bool {
        self.code() == ERROR_IO_PENDING
    }

    /// Maps an I/O error from the local file system or a socket to the code WinINet reports.
    pub fn from_io(err: std::io::Error) -> Self {
        use std::io::ErrorKind as K;
        let code = match err.kind() {
            K::NotFound => ERROR_FILE_NOT_FOUND,
            K::PermissionDenied => ERROR_ACCESS_DENIED,
            K::AlreadyExists => ERROR_FILE_EXISTS,
            K::TimedOut | K::WouldBlock => ERROR_INTERNET_TIMEOUT,
            K::ConnectionRefused => ERROR_INTERNET_CANNOT_CONNECT,
            K::ConnectionReset => ERROR_INTERNET_CONNECTION_RESET,
            K::ConnectionAborted | K::BrokenPipe | K::UnexpectedEof => {
                ERROR_INTERNET_CONNECTION_ABORTED
            }
            K::InvalidInput => ERROR_INVALID_PARAMETER,
            K::OutOfMemory => ERROR_NOT_ENOUGH_MEMORY,
            K::NotADirectory => ERROR_PATH_NOT_FOUND,
            _ => ERROR_INTERNET_INTERNAL_ERROR,
        };
        Error::new(code).with_source(err)
    }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        Error::from_io(err)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("code", &self.inner.code)
            .field("name", &code_name(self.inner.code));
        if let Some(r) = &self.inner.reply {
            d.field("reply", r);
        }
        if let Some(n) = self.inner.needed {
            d.field("needed", &n);
        }
        if let Some(c) = &self.inner.context {
            d.field("context", c);
        }
        if let Some(s) = &self.inner.source {
            d.field("source", s);
        }
        d.finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(c) = &self.inner.context {
            write!(f, "{c}: ")?;
        }
        f.write_str(describe(self.inner.code))?;
        write!(f, " ({})", self.inner.code)?;
        if let Some(n) = self.inner.needed {
            write!(f, "; {n} needed")?;
        }
        if let Some(r) = &self.inner.reply {
            write!(f, "; server said: {}", r.trim_end())?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

/// The symbolic name of a code (`"ERROR_INTERNET_TIMEOUT"`), for diagnostics.
pub fn code_name(code: u32) -> &'static str {
    TABLE
        .iter()
        .find(|(c, _, _)| *c == code)
        .map_or("UNKNOWN_ERROR", |(_, n, _)| n)
}

/// What a code means, in words.
pub fn describe(code: u32) -> &'static str {
    TABLE
        .iter()
        .find(|(c, _, _)| *c == code)
        .map_or("unknown error", |(_, _, d)| d)
}

macro_rules! table {
    ($($name:ident => $text:literal,)*) => {
        const TABLE: &[(u32, &str, &str)] = &[$(($name, stringify!($name), $text),)*];
    };
}

table! {
    ERROR_SUCCESS => "the operation completed successfully",
    ERROR_FILE_NOT_FOUND => "the file was not found",
    ERROR_PATH_NOT_FOUND => "the path was not found",
    ERROR_ACCESS_DENIED => "access denied",
    ERROR_INVALID_HANDLE => "the handle is invalid or has been closed",
    ERROR_NOT_ENOUGH_MEMORY => "not enough memory",
    ERROR_OUTOFMEMORY => "out of memory",
    ERROR_NO_MORE_FILES => "there are no more entries",
    ERROR_NOT_SUPPORTED => "the request is not supported",
    ERROR_FILE_EXISTS => "the file exists",
    ERROR_INVALID_PARAMETER => "a parameter is invalid",
    ERROR_INSUFFICIENT_BUFFER => "the buffer is too small",
    ERROR_NEGATIVE_SEEK => "the position would be before the start of the data",
    ERROR_BAD_ARGUMENTS => "an argument value is not allowed",
    ERROR_BAD_PATHNAME => "the URL or path could not be processed",
    ERROR_NO_MORE_ITEMS => "there are no more items",
    ERROR_IO_PENDING => "the operation is pending; completion is reported through the status callback",
    ERROR_INTERNAL_ERROR => "internal error",
    ERROR_INVALID_OPERATION => "the operation is not allowed",
    ERROR_INTERNET_OUT_OF_HANDLES => "no more handles could be created",
    ERROR_INTERNET_TIMEOUT => "the operation timed out",
    ERROR_INTERNET_EXTENDED_ERROR => "the server returned an error",
    ERROR_INTERNET_INTERNAL_ERROR => "an internal error occurred",
    ERROR_INTERNET_INVALID_URL => "the URL is invalid",
    ERROR_INTERNET_UNRECOGNIZED_SCHEME => "the URL scheme is not recognized or not supported",
    ERROR_INTERNET_NAME_NOT_RESOLVED => "the server name could not be resolved",
    ERROR_INTERNET_PROTOCOL_NOT_FOUND => "the requested protocol could not be located",
    ERROR_INTERNET_INVALID_OPTION => "the option is not known",
    ERROR_INTERNET_BAD_OPTION_LENGTH => "the option value has the wrong length",
    ERROR_INTERNET_OPTION_NOT_SETTABLE => "the option can only be queried",
    ERROR_INTERNET_SHUTDOWN => "the library is shutting down",
    ERROR_INTERNET_INCORRECT_USER_NAME => "the user name was rejected",
    ERROR_INTERNET_INCORRECT_PASSWORD => "the password was rejected",
    ERROR_INTERNET_LOGIN_FAILURE => "the login failed",
    ERROR_INTERNET_INVALID_OPERATION => "the operation is not valid here",
    ERROR_INTERNET_OPERATION_CANCELLED => "the operation was cancelled because its handle was closed",
    ERROR_INTERNET_INCORRECT_HANDLE_TYPE => "the handle is of the wrong type for this operation",
    ERROR_INTERNET_INCORRECT_HANDLE_STATE => "the handle is in the wrong state for this operation",
    ERROR_INTERNET_NOT_PROXY_REQUEST => "the request cannot be made through a proxy",
    ERROR_INTERNET_NO_DIRECT_ACCESS => "direct network access is not possible",
    ERROR_INTERNET_NO_CONTEXT => "no context value was given for an asynchronous operation",
    ERROR_INTERNET_NO_CALLBACK => "no status callback was set for an asynchronous operation",
    ERROR_INTERNET_REQUEST_PENDING => "a request is already pending on this handle",
    ERROR_INTERNET_INCORRECT_FORMAT => "the format of the request is invalid",
    ERROR_INTERNET_ITEM_NOT_FOUND => "the item was not found",
    ERROR_INTERNET_CANNOT_CONNECT => "the connection to the server could not be established",
    ERROR_INTERNET_CONNECTION_ABORTED => "the connection was aborted",
    ERROR_INTERNET_CONNECTION_RESET => "the connection was reset",
    ERROR_INTERNET_FORCE_RETRY => "the request must be sent again",
    ERROR_INTERNET_INVALID_PROXY_REQUEST => "the proxy request is invalid",
    ERROR_INTERNET_SEC_CERT_DATE_INVALID => "the server certificate has expired or is not yet valid",
    ERROR_INTERNET_SEC_CERT_CN_INVALID => "the server certificate does not match the host name",
    ERROR_INTERNET_HTTP_TO_HTTPS_ON_REDIR => "a redirect went from http to https",
    ERROR_INTERNET_HTTPS_TO_HTTP_ON_REDIR => "a redirect went from https to http",
    ERROR_INTERNET_INVALID_CA => "the server certificate was issued by an untrusted authority",
    ERROR_INTERNET_SECURITY_CHANNEL_ERROR => "the secure channel could not be established",
    ERROR_INTERNET_SEC_CERT_ERRORS => "the server certificate has errors",
    ERROR_INTERNET_SEC_CERT_REVOKED => "the server certificate was revoked",
    ERROR_INTERNET_SEC_INVALID_CERT => "the server certificate is invalid",
    ERROR_INTERNET_REDIRECT_SCHEME_CHANGE => "a redirect changed the scheme",
    ERROR_INTERNET_NOT_INITIALIZED => "InternetOpen has not been called",
    ERROR_INTERNET_DECODING_FAILED => "the content could not be decoded",
    ERROR_FTP_TRANSFER_IN_PROGRESS => "a transfer is already in progress on this FTP session",
    ERROR_FTP_DROPPED => "the FTP connection was dropped",
    ERROR_FTP_NO_PASSIVE_MODE => "passive mode is not available on the server",
    ERROR_HTTP_HEADER_NOT_FOUND => "the header was not found",
    ERROR_HTTP_DOWNLEVEL_SERVER => "the server did not return any headers",
    ERROR_HTTP_INVALID_SERVER_RESPONSE => "the server response could not be parsed",
    ERROR_HTTP_INVALID_HEADER => "the header is invalid",
    ERROR_HTTP_INVALID_QUERY_REQUEST => "the query is not valid for this request",
    ERROR_HTTP_HEADER_ALREADY_EXISTS => "the header already exists",
    ERROR_HTTP_REDIRECT_FAILED => "the redirect failed",
    ERROR_HTTP_NOT_REDIRECTED => "the request was not redirected",
    ERROR_HTTP_REDIRECT_NEEDS_CONFIRMATION => "the redirect needs confirmation",
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_says_what_happened_in_words_with_the_code() {
        let e = Error::new(ERROR_INTERNET_TIMEOUT).with_context("connecting to 127.0.0.1:21");
        assert_eq!(
            e.to_string(),
            "connecting to 127.0.0.1:21: the operation timed out (12002)"
        );
        assert!(e.is_timeout());
    }

    #[test]
    fn insufficient_buffer_carries_the_needed_size() {
        let e = Error::insufficient_buffer(17);
        assert_eq!(e.code(), ERROR_INSUFFICIENT_BUFFER);
        assert_eq!(e.needed(), Some(17));
    }

    #[test]
    fn every_described_code_has_its_name() {
        assert_eq!(code_name(ERROR_INVALID_HANDLE), "ERROR_INVALID_HANDLE");
        assert_eq!(code_name(0xDEAD_BEEF), "UNKNOWN_ERROR");
    }
}
