//! suppaftp's errors and replies → WinINet errors and our [`Reply`].
//!
//! Every failure of the FTP client library passes through [`map_ftp_error`]; every reply it
//! returns through [`reply_of`], so the reply → error mapping stays in [`crate::reply`].

use std::io;

use hinternet_core::Error;
use hinternet_core::consts::*;
use suppaftp::FtpError;
use suppaftp::types::Response;

use crate::reply::{Reply, error_for_reply};

/// Our [`Reply`] for a suppaftp response: the code is read from the text (suppaftp's status
/// enum folds codes it does not know into one value), the lines are kept as sent.
pub(crate) fn reply_of(r: &Response) -> Reply {
    let text = String::from_utf8_lossy(&r.body);
    let lines: Vec<String> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l).to_owned())
        .filter(|l| !l.is_empty())
        .collect();
    let code = r
        .body
        .get(..3)
        .filter(|d| d.iter().all(u8::is_ascii_digit))
        .map(|d| d.iter().fold(0u16, |a, &b| a * 10 + u16::from(b - b'0')))
        .unwrap_or_else(|| u16::try_from(r.status.code()).unwrap_or(0));
    Reply::new(code, lines)
}

/// The WinINet error for an I/O failure on the control or data connection.
pub(crate) fn map_io(e: io::Error) -> Error {
    use io::ErrorKind as K;
    let code = match e.kind() {
        K::TimedOut | K::WouldBlock => ERROR_INTERNET_TIMEOUT,
        K::ConnectionRefused => ERROR_INTERNET_CANNOT_CONNECT,
        K::ConnectionReset => ERROR_INTERNET_CONNECTION_RESET,
        K::InvalidInput => ERROR_INVALID_PARAMETER,
        // suppaftp's "reply too large" and undecodable replies.
        K::InvalidData => ERROR_INTERNET_EXTENDED_ERROR,
        _ => ERROR_INTERNET_CONNECTION_ABORTED,
    };
    Error::new(code).with_source(e)
}

/// The WinINet error for a suppaftp failure.
pub(crate) fn map_ftp_error(e: FtpError) -> Error {
    match e {
        FtpError::ConnectionError(io) => map_io(io),
        FtpError::UnexpectedResponse(r) => error_for_reply(&reply_of(&r)),
        FtpError::DataConnectionAlreadyOpen => Error::new(ERROR_FTP_TRANSFER_IN_PROGRESS),
        FtpError::SecureError(text) => {
            let code = if text.contains("UnknownIssuer") {
                ERROR_INTERNET_INVALID_CA
            } else if text.contains("NotValidForName") {
                ERROR_INTERNET_SEC_CERT_CN_INVALID
            } else if text.contains("Expired") || text.contains("NotValidYet") {
                ERROR_INTERNET_SEC_CERT_DATE_INVALID
            } else {
                ERROR_INTERNET_SECURITY_CHANNEL_ERROR
            };
            Error::new(code).with_context(format!("FTPS: {text}"))
        }
        FtpError::BadResponse => {
            Error::new(ERROR_INTERNET_EXTENDED_ERROR).with_context("malformed FTP reply")
        }
        FtpError::InvalidAddress(_) => Error::new(ERROR_INTERNET_EXTENDED_ERROR)
            .with_context("malformed passive-mode address in the reply"),
    }
}

/// The reply text an error carries, for the session's last-reply slot.
pub(crate) fn reply_text_of(e: &FtpError) -> Option<String> {
    match e {
        FtpError::UnexpectedResponse(r) => Some(reply_of(r).text()),
        _ => None,
    }
}
