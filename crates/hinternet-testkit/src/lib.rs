//! Loopback servers for hinternet's tests, benchmarks and the `inetsync demo`.
//!
//! Everything here binds to the loopback interface only (127.0.0.1 or `[::1]`) on a
//! random port, and every server stops when its handle is dropped.
//!
//! * [`http`]: a scriptable HTTP/1.1 (and HTTP/2 over TLS) server on hyper, shaped like the
//!   HTTP Server API request loop (receive a request, read its entity body, send the
//!   response headers, send the entity body in pieces, cancel), plus [`http::RawServer`],
//!   a raw TCP peer that misbehaves on purpose.
//! * [`tls`]: a throw-away certificate authority ([`tls::TestCa`]) and server certificates,
//!   including broken ones (wrong host, expired, unknown issuer).
//! * [`ftp`]: a real FTP/FTPS server (libunftp over a directory) and a transcript-replaying
//!   FTP peer ([`ftp::FtpScript`]) for hostile and exact-transcript tests.
//! * [`tree`]: deterministic directory trees for mirror tests.
//! * [`pattern`]: the deterministic byte pattern used by generated bodies and files.
//! * [`Signal`]: a one-shot trigger tests use instead of sleeps to release stalled peers.
//!
//! Servers can be started from inside a tokio runtime (`start(..).await`, the server then
//! runs on the caller's runtime, so paused-time tests work) or from plain threads
//! (`start_blocking(..)`, the server then runs on a private runtime thread).
#![deny(missing_docs, missing_debug_implementations)]
#![forbid(unsafe_code)]

pub mod ftp;
pub mod http;
pub mod pattern;
mod rt;
mod signal;
pub mod tls;
pub mod tree;

pub use signal::Signal;

/// Installs ring as the process-wide rustls crypto provider.
///
/// Idempotent; every server in this crate calls it before building a TLS configuration, and
/// tests that build their own client configurations may call it too.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
