//! Handle values and handle kinds.

use std::fmt;
use std::num::NonZeroU64;

use crate::consts::*;

/// An opaque, non-zero handle value (`HINTERNET`).
///
/// The low 32 bits name a slot in the handle table, the high 32 bits the slot's generation. A
/// slot is reused after its handle is gone, but with the next generation, so a stale value never
/// reaches the newer object: it is rejected with `ERROR_INVALID_HANDLE`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Handle(NonZeroU64);

impl Handle {
    pub(crate) fn new(slot: u32, generation: u32) -> Handle {
        let raw = (u64::from(generation) << 32) | (u64::from(slot) + 1);
        Handle(NonZeroU64::new(raw).expect("slot + 1 is never zero"))
    }

    /// The raw value, as handed to C callers.
    pub fn as_raw(self) -> u64 {
        self.0.get()
    }

    /// A handle from a raw value; `None` for 0. Whether it names a live handle is decided by the
    /// table, not here.
    pub fn from_raw(raw: u64) -> Option<Handle> {
        NonZeroU64::new(raw).map(Handle)
    }

    pub(crate) fn slot(self) -> u32 {
        ((self.0.get() & 0xFFFF_FFFF) - 1) as u32
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Handle({:#x})", self.0.get())
    }
}

/// What a handle is: the `INTERNET_HANDLE_TYPE_*` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HandleKind {
    /// InternetOpen: the root.
    Internet,
    /// InternetConnect with INTERNET_SERVICE_FTP.
    ConnectFtp,
    /// InternetConnect with INTERNET_SERVICE_HTTP.
    ConnectHttp,
    /// FtpFindFirstFile (or an FTP directory URL with INTERNET_FLAG_RAW_DATA).
    FtpFind,
    /// An FTP directory URL rendered as HTML.
    FtpFindHtml,
    /// FtpOpenFile (or an FTP file URL).
    FtpFile,
    /// HttpOpenRequest (or an http/https URL).
    HttpRequest,
    /// A `file:` URL (and a find over a local directory).
    FileRequest,
}

impl HandleKind {
    /// The `INTERNET_HANDLE_TYPE_*` value reported by INTERNET_OPTION_HANDLE_TYPE.
    pub fn wininet_type(self) -> u32 {
        match self {
            HandleKind::Internet => INTERNET_HANDLE_TYPE_INTERNET,
            HandleKind::ConnectFtp => INTERNET_HANDLE_TYPE_CONNECT_FTP,
            HandleKind::ConnectHttp => INTERNET_HANDLE_TYPE_CONNECT_HTTP,
            HandleKind::FtpFind => INTERNET_HANDLE_TYPE_FTP_FIND,
            HandleKind::FtpFindHtml => INTERNET_HANDLE_TYPE_FTP_FIND_HTML,
            HandleKind::FtpFile => INTERNET_HANDLE_TYPE_FTP_FILE,
            HandleKind::HttpRequest => INTERNET_HANDLE_TYPE_HTTP_REQUEST,
            HandleKind::FileRequest => INTERNET_HANDLE_TYPE_FILE_REQUEST,
        }
    }

    /// Whether this is a connect-level handle (a child of the root).
    pub fn is_connect(self) -> bool {
        matches!(self, HandleKind::ConnectFtp | HandleKind::ConnectHttp)
    }

    /// Whether this is a leaf that carries data (a file, find or request).
    pub fn is_leaf(self) -> bool {
        !matches!(
            self,
            HandleKind::Internet | HandleKind::ConnectFtp | HandleKind::ConnectHttp
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_values_round_trip_and_are_never_zero() {
        let h = Handle::new(0, 0);
        assert_eq!(h.as_raw(), 1);
        assert_eq!(Handle::from_raw(h.as_raw()), Some(h));
        assert_eq!(Handle::from_raw(0), None);
        let h2 = Handle::new(7, 3);
        assert_eq!(h2.slot(), 7);
        assert_ne!(h2, Handle::new(7, 4));
    }
}
