//! FTP control-connection replies: an incremental reader and the one place where a reply
//! becomes a WinINet error.
//!
//! # Reading replies
//!
//! [`ReplyParser`] is fed one line at a time (as read from the socket, with or without its
//! CR LF or bare LF) and returns a [`Reply`] when one is complete (RFC 959 §4.2):
//!
//! * `NNN text` is a single-line reply; a bare `NNN` (no space, no text) is one too.
//! * `NNN-text` opens a multi-line reply that ends at the first line starting with the same
//!   code followed by a space or by the end of the line. Every line in between is kept as is,
//!   whatever it looks like: no code, leading spaces, `NNN-...`, or other codes (`211 x` in
//!   the middle of a `214-` block does not end it).
//! * glftpd and a few others end a block with a *different* code (`230-...` then `200 ...`).
//!   The strict rule above keeps reading; a caller that finds no more data pending on the
//!   socket may call [`ReplyParser::finish_lenient`], which accepts such a line as the end.
//!   The reply then keeps the opening code.
//! * While no reply is open, blank lines are ignored (some servers send a stray CR LF).
//! * A first line that does not start with three digits, the first of them 1–5, followed by
//!   a space, a hyphen or the end of the line is an error: `ERROR_INTERNET_EXTENDED_ERROR`
//!   with the offending line (at most 512 bytes) as the reply text, as native WinINet reports
//!   any reply it cannot use, so that `InternetGetLastResponseInfo` shows what the server
//!   sent. A reply longer than [`MAX_REPLY_LEN`] bytes is the same error. After an error the
//!   parser is idle again; the session should close the control connection.
//! * Text is decoded as UTF-8 with invalid bytes replaced (U+FFFD); replies are for humans.
//!
//! # Errors from replies
//!
//! [`error_for_reply`] maps a reply to the code a WinINet program sees (spec §0.2):
//! 425 → `ERROR_INTERNET_CANNOT_CONNECT`, 426 → `ERROR_INTERNET_CONNECTION_ABORTED`,
//! 530 → `ERROR_INTERNET_LOGIN_FAILURE`, every other code → `ERROR_INTERNET_EXTENDED_ERROR`.
//! The error carries the reply text only, never the command that was sent; a server that
//! echoes a `PASS` command back (`500 'PASS hunter2': command not understood`) has the rest
//! of that line replaced by `****`, and [`Reply::redact`] removes a known secret anywhere.

use hinternet_core::consts::{
    ERROR_INTERNET_CANNOT_CONNECT, ERROR_INTERNET_CONNECTION_ABORTED,
    ERROR_INTERNET_EXTENDED_ERROR, ERROR_INTERNET_LOGIN_FAILURE,
};
use hinternet_core::{Error, Result};

/// The most bytes of reply text (all lines, without terminators) a reply may have.
pub const MAX_REPLY_LEN: usize = 64 * 1024;

/// How much of a malformed line is kept in the error.
const MAX_ECHO: usize = 512;

/// One complete server reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    code: u16,
    lines: Vec<String>,
}

impl Reply {
    /// A reply with the given code and lines (each a whole line as the server sent it,
    /// code included, without its terminator). For tests and for synthesised replies.
    pub fn new(code: u16, lines: Vec<String>) -> Self {
        Reply { code, lines }
    }

    /// Parses a buffer that holds exactly one complete reply (lines separated by CR LF or LF;
    /// the last terminator is optional).
    ///
    /// # Errors
    ///
    /// `ERROR_INTERNET_EXTENDED_ERROR` when a line is malformed, the reply is incomplete, or
    /// text follows the end of the reply.
    pub fn parse(bytes: &[u8]) -> Result<Reply> {
        let mut parser = ReplyParser::new();
        let mut lines = bytes.split(|&b| b == b'\n').peekable();
        while let Some(line) = lines.next() {
            let is_last_empty = line.is_empty() && lines.peek().is_none();
            if is_last_empty {
                break;
            }
            if let Some(reply) = parser.feed_line(line)? {
                return match lines.find(|l| !l.is_empty() && *l != b"\r") {
                    None => Ok(reply),
                    Some(extra) => Err(malformed("text after the end of the reply", extra)),
                };
            }
        }
        Err(Error::new(ERROR_INTERNET_EXTENDED_ERROR).with_context("incomplete FTP reply"))
    }

    /// The three-digit reply code.
    pub fn code(&self) -> u16 {
        self.code
    }

    /// The lines as received, code included, without terminators.
    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    /// The whole reply as text, every line followed by CR LF (the shape
    /// `InternetGetLastResponseInfo` returns).
    pub fn text(&self) -> String {
        let mut s = String::with_capacity(self.lines.iter().map(|l| l.len() + 2).sum());
        for l in &self.lines {
            s.push_str(l);
            s.push_str("\r\n");
        }
        s
    }

    /// The text of the last line after its code and separator (`"1234"` for `213 1234`);
    /// empty for a bare `NNN`.
    pub fn message(&self) -> &str {
        let last = self.lines.last().map_or("", String::as_str);
        last.get(4..).unwrap_or("")
    }

    /// 1yz: positive preliminary (the data transfer starts).
    pub fn is_preliminary(&self) -> bool {
        self.code / 100 == 1
    }

    /// 2yz: positive completion.
    pub fn is_completion(&self) -> bool {
        self.code / 100 == 2
    }

    /// 3yz: positive intermediate (more input expected, e.g. 331 password required).
    pub fn is_intermediate(&self) -> bool {
        self.code / 100 == 3
    }

    /// 1yz to 3yz: not a failure.
    pub fn is_positive(&self) -> bool {
        (100..400).contains(&self.code)
    }

    /// 4yz: transient negative completion.
    pub fn is_transient_negative(&self) -> bool {
        self.code / 100 == 4
    }

    /// 5yz: permanent negative completion.
    pub fn is_permanent_negative(&self) -> bool {
        self.code / 100 == 5
    }

    /// Replaces every occurrence of `secret` in the reply text by `****` (no-op when empty).
    /// Session code calls this with the password before a login reply is kept or shown.
    pub fn redact(&mut self, secret: &str) {
        if secret.is_empty() {
            return;
        }
        for l in &mut self.lines {
            if l.contains(secret) {
                *l = l.replace(secret, "****");
            }
        }
    }
}

/// The WinINet error code for a reply code (spec §0.2): 425 → `ERROR_INTERNET_CANNOT_CONNECT`,
/// 426 → `ERROR_INTERNET_CONNECTION_ABORTED`, 530 → `ERROR_INTERNET_LOGIN_FAILURE`, anything
/// else → `ERROR_INTERNET_EXTENDED_ERROR`.
pub fn error_code_for_reply(code: u16) -> u32 {
    match code {
        425 => ERROR_INTERNET_CANNOT_CONNECT,
        426 => ERROR_INTERNET_CONNECTION_ABORTED,
        530 => ERROR_INTERNET_LOGIN_FAILURE,
        _ => ERROR_INTERNET_EXTENDED_ERROR,
    }
}

/// The error for a reply the caller did not expect: the code from [`error_code_for_reply`]
/// and the reply's text (with any echoed `PASS` argument masked).
pub fn error_for_reply(reply: &Reply) -> Error {
    Error::new(error_code_for_reply(reply.code)).with_reply(mask_pass_echo(&reply.text()))
}

/// Masks what follows a `PASS ` word (any case, at the start or after a non-alphanumeric
/// character) up to the end of its line.
fn mask_pass_echo(text: &str) -> String {
    text.split_inclusive('\n').map(mask_line).collect()
}

fn mask_line(line: &str) -> String {
    let bytes = line.as_bytes();
    let mut i = 0;
    while let Some(w) = bytes.get(i..i + 5) {
        let boundary = i == 0 || bytes.get(i - 1).is_some_and(|b| !b.is_ascii_alphanumeric());
        if boundary && w.eq_ignore_ascii_case(b"PASS ") {
            // i + 5 is a char boundary: the five bytes are ASCII.
            let head = line.get(..i + 5).unwrap_or_default();
            let eol = if line.ends_with("\r\n") {
                "\r\n"
            } else if line.ends_with('\n') {
                "\n"
            } else {
                ""
            };
            return format!("{head}****{eol}");
        }
        i += 1;
    }
    line.to_owned()
}

fn lossy_truncated(line: &[u8]) -> String {
    let cut = line.get(..MAX_ECHO).unwrap_or(line);
    String::from_utf8_lossy(cut).into_owned()
}

fn malformed(what: &str, line: &[u8]) -> Error {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    Error::new(ERROR_INTERNET_EXTENDED_ERROR)
        .with_context(format!("malformed FTP reply: {what}"))
        .with_reply(mask_pass_echo(&lossy_truncated(line)))
}

/// The code of a line that starts with three digits (first 1–5) followed by a space, a hyphen
/// or the end of the line; and whether it is the hyphen.
fn line_code(line: &[u8]) -> Option<(u16, bool)> {
    let digits = line.get(..3)?;
    if !digits.iter().all(u8::is_ascii_digit) || !(b'1'..=b'5').contains(digits.first()?) {
        return None;
    }
    let code = digits
        .iter()
        .fold(0u16, |acc, &b| acc * 10 + u16::from(b - b'0'));
    match line.get(3) {
        None | Some(b' ') => Some((code, false)),
        Some(b'-') => Some((code, true)),
        Some(_) => None,
    }
}

#[derive(Debug, Clone)]
struct Pending {
    code: u16,
    lines: Vec<String>,
    bytes: usize,
    /// The last line fed looked like a glftpd-style end (another code and a space).
    lenient_end: bool,
}

/// An incremental, line-fed reader of FTP replies. See the [module docs](self) for the rules.
#[derive(Debug, Clone, Default)]
pub struct ReplyParser {
    pending: Option<Pending>,
}

impl ReplyParser {
    /// An idle parser.
    pub fn new() -> Self {
        ReplyParser::default()
    }

    /// Whether no reply is partly read.
    pub fn is_idle(&self) -> bool {
        self.pending.is_none()
    }

    /// Feeds one line (its CR LF, bare LF or bare CR terminator is optional and ignored).
    /// Returns the reply when this line completes it.
    ///
    /// # Errors
    ///
    /// `ERROR_INTERNET_EXTENDED_ERROR` for a malformed first line or a reply over
    /// [`MAX_REPLY_LEN`]; the parser is idle afterwards.
    pub fn feed_line(&mut self, line: &[u8]) -> Result<Option<Reply>> {
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let Some(p) = self.pending.as_mut() else {
            if line.trim_ascii().is_empty() {
                return Ok(None);
            }
            if line.len() > MAX_REPLY_LEN {
                return Err(malformed("reply too long", line));
            }
            let (code, more) =
                line_code(line).ok_or_else(|| malformed("no three-digit reply code", line))?;
            let text = String::from_utf8_lossy(line).into_owned();
            if !more {
                return Ok(Some(Reply::new(code, vec![text])));
            }
            self.pending = Some(Pending {
                code,
                bytes: line.len(),
                lines: vec![text],
                lenient_end: false,
            });
            return Ok(None);
        };
        p.bytes = p.bytes.saturating_add(line.len());
        if p.bytes > MAX_REPLY_LEN {
            self.pending = None;
            return Err(malformed("reply too long", line));
        }
        p.lines.push(String::from_utf8_lossy(line).into_owned());
        match line_code(line) {
            Some((code, false)) if code == p.code => Ok(self.take()),
            Some((_, false)) => {
                p.lenient_end = true;
                Ok(None)
            }
            _ => {
                p.lenient_end = false;
                Ok(None)
            }
        }
    }

    /// For a caller that found no more data pending: when the last line fed ended the block
    /// glftpd-style (a different code followed by a space), returns the reply (with the
    /// opening code) and goes idle. Otherwise returns `None` and keeps waiting.
    pub fn finish_lenient(&mut self) -> Option<Reply> {
        if self.pending.as_ref().is_some_and(|p| p.lenient_end) {
            self.take()
        } else {
            None
        }
    }

    /// Drops a partly read reply (after the connection was lost).
    pub fn reset(&mut self) {
        self.pending = None;
    }

    fn take(&mut self) -> Option<Reply> {
        self.pending.take().map(|p| Reply::new(p.code, p.lines))
    }
}
