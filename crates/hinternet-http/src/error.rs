//! hyper / I/O failures to WinINet codes.

use std::error::Error as StdError;
use std::io;

use hinternet_core::Error;
use hinternet_core::consts::*;

fn io_code(e: &io::Error) -> u32 {
    match e.kind() {
        io::ErrorKind::ConnectionReset => ERROR_INTERNET_CONNECTION_RESET,
        io::ErrorKind::ConnectionAborted
        | io::ErrorKind::BrokenPipe
        | io::ErrorKind::UnexpectedEof => ERROR_INTERNET_CONNECTION_ABORTED,
        io::ErrorKind::TimedOut => ERROR_INTERNET_TIMEOUT,
        io::ErrorKind::InvalidData | io::ErrorKind::InvalidInput => {
            ERROR_HTTP_INVALID_SERVER_RESPONSE
        }
        _ => ERROR_INTERNET_CONNECTION_ABORTED,
    }
}

fn find_io(e: &hyper::Error) -> Option<&io::Error> {
    let mut src: Option<&(dyn StdError + 'static)> = e.source();
    while let Some(s) = src {
        if let Some(io) = s.downcast_ref::<io::Error>() {
            return Some(io);
        }
        src = s.source();
    }
    None
}

/// A failure while sending the request or reading the response head.
pub(crate) fn from_hyper(e: hyper::Error) -> Error {
    let code = if let Some(io) = find_io(&e) {
        io_code(io)
    } else if e.is_parse() || e.is_parse_status() || e.is_parse_too_large() {
        ERROR_HTTP_INVALID_SERVER_RESPONSE
    } else if e.is_incomplete_message() {
        // The server closed before (all of) the response head: G.90.
        ERROR_HTTP_INVALID_SERVER_RESPONSE
    } else if e.is_timeout() {
        ERROR_INTERNET_TIMEOUT
    } else if e.is_canceled() || e.is_closed() {
        ERROR_INTERNET_CONNECTION_ABORTED
    } else {
        ERROR_HTTP_INVALID_SERVER_RESPONSE
    };
    Error::new(code).with_source(e)
}

/// A failure while reading the body: a short body (the peer closed before the promised
/// length) is ERROR_INTERNET_CONNECTION_ABORTED, a reset ERROR_INTERNET_CONNECTION_RESET, a
/// framing error (bad chunk size) ERROR_HTTP_INVALID_SERVER_RESPONSE.
pub(crate) fn from_hyper_body(e: hyper::Error) -> Error {
    let code = if let Some(io) = find_io(&e) {
        io_code(io)
    } else if e.is_incomplete_message() || e.is_canceled() || e.is_closed() {
        ERROR_INTERNET_CONNECTION_ABORTED
    } else if e.is_timeout() {
        ERROR_INTERNET_TIMEOUT
    } else {
        ERROR_HTTP_INVALID_SERVER_RESPONSE
    };
    Error::new(code).with_source(e)
}

/// Whether a failure on a reused connection means the server had closed it while it sat in
/// the pool (so an idempotent request may be sent again on a new one).
pub(crate) fn is_stale_connection(e: &hyper::Error) -> bool {
    if e.is_canceled() || e.is_closed() || e.is_incomplete_message() {
        return true;
    }
    matches!(
        find_io(e).map(io::Error::kind),
        Some(
            io::ErrorKind::ConnectionReset
                | io::ErrorKind::BrokenPipe
                | io::ErrorKind::ConnectionAborted
        )
    )
}
