//! Passive-mode replies: `227` (PASV) and `229` (EPSV) → where to open the data connection.
//!
//! * `227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)`: the first run of six comma-separated
//!   numbers 0–255 anywhere in the text (parentheses optional, blanks after commas allowed,
//!   as curl accepts), port = p1 × 256 + p2.
//! * `229 Entering Extended Passive Mode (|||port|)` (RFC 2428): `(`, a delimiter (any
//!   printable ASCII except digits; usually `|`), two empty fields, the port, the delimiter,
//!   `)`. Non-empty protocol/address fields are rejected: a 229 reply carries a port only.
//!
//! Port 0 is rejected. The PASV address is returned but **callers ignore it** and connect to
//! the control connection's peer address instead (FTP bounce / CVE-2020-8284 safety, as curl
//! and the design do); it is only there for diagnostics.
//!
//! Errors: a reply with another code is mapped by [`error_for_reply`] (a `500`/`502` means
//! the server lacks the command, and the caller may fall back from EPSV to PASV); a `227` or
//! `229` without a usable port is `ERROR_INTERNET_EXTENDED_ERROR` with the reply text and
//! a context that says what was wrong.

use std::net::Ipv4Addr;

use hinternet_core::consts::ERROR_INTERNET_EXTENDED_ERROR;
use hinternet_core::{Error, Result};

use crate::reply::{Reply, error_for_reply};

/// The address and port of a `227` reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PassiveAddr {
    /// The address the server named. Ignored for connecting: use the control peer.
    pub ip: Ipv4Addr,
    /// The data port.
    pub port: u16,
}

/// Parses a PASV reply.
///
/// # Errors
///
/// The mapped error for a code other than 227; `ERROR_INTERNET_EXTENDED_ERROR` (with the
/// reply text) when the text holds no `h1,h2,h3,h4,p1,p2` group or the port is 0.
pub fn parse_pasv(reply: &Reply) -> Result<PassiveAddr> {
    if reply.code() != 227 {
        return Err(error_for_reply(reply));
    }
    scan_pasv(&reply.text()).ok_or_else(|| weird(reply, "malformed 227 reply: no port"))
}

/// Parses an EPSV reply into the data port.
///
/// # Errors
///
/// The mapped error for a code other than 229; `ERROR_INTERNET_EXTENDED_ERROR` (with the
/// reply text) when the text holds no `(|||port|)` group or the port is 0.
pub fn parse_epsv(reply: &Reply) -> Result<u16> {
    if reply.code() != 229 {
        return Err(error_for_reply(reply));
    }
    scan_epsv(&reply.text()).ok_or_else(|| weird(reply, "malformed 229 reply: no port"))
}

/// A 227/229 reply without a usable port: EXTENDED_ERROR, with the (masked) reply text.
fn weird(reply: &Reply, what: &str) -> Error {
    let reply_text = error_for_reply(reply).reply().map(str::to_owned);
    let err = Error::new(ERROR_INTERNET_EXTENDED_ERROR).with_context(what);
    match reply_text {
        Some(t) => err.with_reply(t),
        None => err,
    }
}

/// Finds the first `h1,h2,h3,h4,p1,p2` group in PASV reply text.
pub fn scan_pasv(text: &str) -> Option<PassiveAddr> {
    let b = text.as_bytes();
    (0..b.len())
        .filter(|&i| {
            b.get(i).is_some_and(u8::is_ascii_digit)
                && (i == 0 || b.get(i - 1).is_some_and(|p| !p.is_ascii_digit()))
        })
        .find_map(|i| pasv_at(b, i))
}

/// Six numbers starting at `i`, or `None`.
fn pasv_at(b: &[u8], mut i: usize) -> Option<PassiveAddr> {
    let mut n = [0u8; 6];
    for (k, slot) in n.iter_mut().enumerate() {
        if k > 0 {
            if b.get(i) != Some(&b',') {
                return None;
            }
            i += 1;
            while b.get(i) == Some(&b' ') {
                i += 1;
            }
        }
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        let digits = b.get(start..i)?;
        if digits.is_empty() || digits.len() > 3 {
            return None;
        }
        let v = digits
            .iter()
            .fold(0u16, |acc, &d| acc * 10 + u16::from(d - b'0'));
        *slot = u8::try_from(v).ok()?;
    }
    let port = u16::from(n[4]) << 8 | u16::from(n[5]);
    (port != 0).then(|| PassiveAddr {
        ip: Ipv4Addr::new(n[0], n[1], n[2], n[3]),
        port,
    })
}

/// Finds the first `(<d><d><d>port<d>)` group in EPSV reply text.
pub fn scan_epsv(text: &str) -> Option<u16> {
    let b = text.as_bytes();
    (0..b.len())
        .filter(|&i| b.get(i) == Some(&b'('))
        .find_map(|i| epsv_at(b, i + 1))
}

fn epsv_at(b: &[u8], i: usize) -> Option<u16> {
    let d = *b.get(i)?;
    if !(33..=126).contains(&d) || d.is_ascii_digit() {
        return None;
    }
    if b.get(i + 1) != Some(&d) || b.get(i + 2) != Some(&d) {
        return None;
    }
    let start = i + 3;
    let mut end = start;
    while b.get(end).is_some_and(u8::is_ascii_digit) {
        end += 1;
    }
    let digits = b.get(start..end)?;
    if digits.is_empty() || digits.len() > 5 {
        return None;
    }
    if b.get(end) != Some(&d) || b.get(end + 1) != Some(&b')') {
        return None;
    }
    let v = digits
        .iter()
        .fold(0u32, |acc, &x| acc * 10 + u32::from(x - b'0'));
    u16::try_from(v).ok().filter(|&p| p != 0)
}
