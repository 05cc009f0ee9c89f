//! Percent escapes: decoding (ICU_DECODE) and the sets of characters that are escaped when.
//!
//! Decoding works on runs of consecutive `%XX` escapes: a run is turned into text only where
//! its bytes are valid UTF-8; bytes that are not stay as they were written (`%E9` alone is kept,
//! `%C3%A9` becomes `é`). That keeps every result valid text in both A (UTF-8) and W (UTF-16)
//! strings and loses nothing. `%00` is never decoded (it would end a C string).

use std::borrow::Cow;

use crate::unit::CodeUnit;

/// The value of an ASCII hex digit.
pub(crate) fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The byte of a `%XX` escape starting at `i`, if there is one.
fn escape_at<T: CodeUnit>(s: &[T], i: usize) -> Option<u8> {
    let pct = s.get(i)?;
    if !pct.is(b'%') {
        return None;
    }
    let hi = hex_val(s.get(i + 1)?.ascii()?)?;
    let lo = hex_val(s.get(i + 2)?.ascii()?)?;
    // `%00` is never decoded: a NUL would cut the caller's C string.
    Some(hi << 4 | lo).filter(|b| *b != 0)
}

/// Percent-decodes `s` (runs that are not valid UTF-8 are kept escaped). `None` when `s` has
/// no escape that decodes, so callers can keep borrowing.
pub(crate) fn percent_decode_units<T: CodeUnit>(s: &[T]) -> Option<Vec<T>> {
    if !(0..s.len()).any(|i| escape_at(s, i).is_some()) {
        return None;
    }
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    let mut run = Vec::new();
    while let Some(&u) = s.get(i) {
        if escape_at(s, i).is_none() {
            out.push(u);
            i += 1;
            continue;
        }
        let start = i;
        run.clear();
        while let Some(b) = escape_at(s, i) {
            run.push(b);
            i += 3;
        }
        let mut consumed = 0usize;
        for chunk in run.utf8_chunks() {
            T::push_str(&mut out, chunk.valid());
            consumed += chunk.valid().len();
            for _ in chunk.invalid() {
                let at = start + consumed * 3;
                out.extend_from_slice(s.get(at..at + 3).unwrap_or_default());
                consumed += 1;
            }
        }
    }
    Some(out)
}

/// Percent-decodes text: runs of `%XX` that are valid UTF-8 become characters, other escapes
/// (and `%00`) stay as written.
pub fn percent_decode(s: &str) -> Cow<'_, str> {
    match percent_decode_units(s.as_bytes()) {
        None => Cow::Borrowed(s),
        Some(v) => Cow::Owned(
            String::from_utf8(v)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        ),
    }
}

/// Where a character stands, for deciding whether it is escaped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Place {
    /// `user:password@host:port` of a hierarchical URL.
    Authority,
    /// An authority whose host is an IPv6 literal: its brackets stay.
    AuthorityIpv6,
    /// The path of a URL (`\` stays only in DOS-style file paths).
    Path,
    /// A DOS-style path of a `file:` URL: `\` is the separator, `#` belongs to the name.
    FilePath,
}

/// The "unsafe" characters InternetCanonicalizeUrl escapes by default (shlwapi's
/// `URL_ESCAPE_UNSAFE` set): controls, space, `" < > [ ] \ ^ ` { | }`, `&`, DEL and everything
/// non-ASCII (escaped as UTF-8 bytes).
pub(crate) fn is_unsafe(c: char, place: Place) -> bool {
    match c {
        '\0'..='\x1f' | '\x7f' | ' ' | '"' | '<' | '>' | '^' | '`' | '{' | '|' | '}' | '&' => true,
        '[' | ']' => place != Place::AuthorityIpv6,
        '\\' => place != Place::FilePath,
        '#' => place == Place::FilePath,
        c => !c.is_ascii(),
    }
}

/// The characters InternetCreateUrl escapes in the path and extra info with ICU_ESCAPE:
/// controls, space, `" < > \ ^ ` { | }`, DEL and non-ASCII. Reserved characters (`? # & [ ] %`)
/// are left alone so that an already meaningful URL keeps its meaning.
pub(crate) fn is_unsafe_for_create(c: char) -> bool {
    match c {
        '\0'..='\x1f' | '\x7f' | ' ' | '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}' => true,
        c => !c.is_ascii(),
    }
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Appends `c` as `%XX` escapes of its UTF-8 bytes (upper-case hex).
pub(crate) fn push_escaped(out: &mut String, c: char) {
    let mut buf = [0u8; 4];
    for b in c.encode_utf8(&mut buf).bytes() {
        out.push('%');
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xf)]));
    }
}

/// Appends `s`, escaping the characters for which `escape` says so.
pub(crate) fn push_escaping(out: &mut String, s: &str, escape: impl Fn(char) -> bool) {
    for c in s.chars() {
        if escape(c) {
            push_escaped(out, c);
        } else {
            out.push(c);
        }
    }
}
