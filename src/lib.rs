//! # hinternet
//!
//! A WinINet-compatible client for HTTP(S) and FTP: the WinINet handle tree (InternetOpen at the
//! root, connections and requests below it), sync and async modes, and status events — from
//! Rust (this crate: async and [`blocking`]) and from C (the `hinternet-capi` crate).
//!
//! ```no_run
//! # async fn demo() -> hinternet::Result<()> {
//! use tokio::io::AsyncReadExt;
//! let inet = hinternet::Internet::builder().agent("example/1.0").build()?;
//! inet.on_status(|n| eprintln!("{:?}", n.event));
//! let mut file = inet.open_url("file:///etc/hostname").await?;
//! let mut text = String::new();
//! file.read_to_string(&mut text).await?;
//! # Ok(()) }
//! ```
//!
//! Every failure is an [`Error`] carrying the code a Windows program would see
//! (`ERROR_INVALID_HANDLE`, `ERROR_INTERNET_TIMEOUT`, ...): [`Error::code`].
#![deny(missing_docs)]

pub mod blocking;
mod find;
mod ftp;
mod http;
mod internet;
mod protocols;
pub mod raw;
mod resource;
mod status;

pub use find::Find;
pub use ftp::{FtpConnect, FtpList, FtpSession, FtpUpload};
pub use hinternet_core::consts;
pub use hinternet_core::options::CertificateInfo;
pub use hinternet_core::{
    AsyncResult, Error, FindData, Handle, HandleKind, Result, StatusEvent, TimePrecision, Timestamp,
};
pub use hinternet_http::tls::{add_root_certificate, add_root_certificates_pem};
pub use http::{HttpConnectOptions, HttpConnection, HttpRequestBuilder, HttpResponse, HttpUpload};
pub use internet::{Access, Internet, InternetBuilder, OpenUrl};
pub use protocols::engine;
pub use resource::{Resource, error_of};
pub use status::Notification;
