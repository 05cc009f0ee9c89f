//! `libwininet`: the WinINet C ABI of hinternet.
//!
//! Every export runs inside [`ffi::guard`]: a panic becomes FALSE/NULL with
//! `ERROR_INTERNAL_ERROR`, every result sets this thread's last error (0 on success), and no
//! export adds semantics of its own — string conversion (A = UTF-8, W = UTF-16), buffer
//! conventions and the last-error slot live here; every behaviour comes from the engine.
#![deny(missing_docs)]

pub mod callback;
pub mod cookies;
pub mod ffi;
pub mod ftp;
pub mod http;
pub mod internet;
pub mod last_error;
pub mod misc;
pub mod options;
pub mod strings;
pub mod types;
pub mod url;
