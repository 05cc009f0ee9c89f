//! The FTP leaf of hinternet: FTP sessions behind WinINet handles, and the pure pieces that
//! need no socket.
//!
//! * [`FtpProtocol`]: InternetConnect(`INTERNET_SERVICE_FTP`) → a CONNECT_FTP handle (login,
//!   FEAT, UTF-8), InternetOpenUrl(`ftp://`) → an FTP_FILE or FTP_FIND handle.
//! * [`calls`]: FtpFindFirstFile, FtpOpenFile, FtpGetFile, FtpPutFile, FtpDeleteFile,
//!   FtpRenameFile, FtpCreateDirectory, FtpRemoveDirectory, FtpSetCurrentDirectory,
//!   FtpGetCurrentDirectory, FtpCommand, FtpGetFileSize, by handle value.
//! * [`FtpSession`]: one control connection (suppaftp `=12.2.1` inside; none of its types in
//!   any public signature), the last reply, one transfer at a time.
//!
//! * [`listing`]: `LIST` / `MLSD` output → [`hinternet_core::FindData`] entries (Unix `ls -l`,
//!   DOS/IIS, MLSx facts), tolerant of odd lines, names kept as raw bytes.
//! * [`reply`]: the incremental FTP reply reader (single- and multi-line replies) and the one
//!   place where a server reply becomes a WinINet error code.
//! * [`passive`]: `227` (PASV) and `229` (EPSV) replies → the data connection port.
//!
//! Nothing here panics on any input: every parser is meant to face hostile servers.
//!
//! ```
//! use std::time::SystemTime;
//! use hinternet_ftp::{ListingFormat, ReplyParser, error_for_reply, parse_listing};
//!
//! let listing = parse_listing(
//!     b"total 1\r\n-rw-r--r--   1 ftp ftp  1234 Mar  5  2019 notes.txt\r\n",
//!     ListingFormat::Auto,
//!     SystemTime::now(),
//! );
//! assert_eq!(listing.entries[0].name, b"notes.txt");
//! assert_eq!(listing.entries[0].size, 1234);
//!
//! let mut replies = ReplyParser::new();
//! assert!(replies.feed_line(b"550-No such file\r\n")?.is_none());
//! let reply = replies.feed_line(b"550 End\r\n")?.expect("complete");
//! let err = error_for_reply(&reply);
//! assert_eq!(err.code(), hinternet_core::consts::ERROR_INTERNET_EXTENDED_ERROR);
//! # Ok::<(), hinternet_core::Error>(())
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod calls;
mod errors;
pub mod listing;
pub mod ops;
pub mod passive;
mod protocol;
pub mod reply;
mod reuse;
mod session;
mod transfer;

pub use listing::{Listing, ListingFormat, ListingParser, SkipReason, parse_listing};
pub use passive::{PassiveAddr, parse_epsv, parse_pasv};
pub use protocol::{FtpProtocol, set_tls_client_config};
pub use reply::{Reply, ReplyParser, error_for_reply};
pub use session::{ANONYMOUS_PASSWORD, ConnectConfig, Features, FtpSession, TlsMode};
