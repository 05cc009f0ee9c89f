//! InternetCanonicalizeUrl: tabs removed, trailing blanks cut, `.`/`..` segments removed,
//! backslashes turned into slashes where they are separators, unsafe characters escaped.
//!
//! WinINet delegates to shlwapi `UrlCanonicalize` with `URL_WININET_COMPATIBILITY |
//! URL_ESCAPE_UNSAFE` and the ICU_* flags mapped 1:1 (ICU_NO_ENCODE clears the escaping).
//! This module implements that function's observable rules (Wine's test vectors, which run
//! against native Windows) rather than Wine's state machine; see docs/compat-url.md for the
//! choices made where the sources are silent.

use std::borrow::Cow;

use hinternet_core::Result;
use hinternet_core::consts::*;

use crate::escape::{Place, is_unsafe, percent_decode, push_escaped};
use crate::file_path::is_drive_spec;
use crate::scheme::{Scheme, is_scheme_char};

/// Which characters are escaped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Escape {
    /// Nothing (ICU_NO_ENCODE).
    Nothing,
    /// Unsafe characters before the extra info (the default); `%` too with ICU_ENCODE_PERCENT.
    Unsafe {
        /// ICU_ENCODE_PERCENT.
        percent: bool,
    },
    /// Spaces only, everywhere (ICU_ENCODE_SPACES_ONLY).
    SpacesOnly,
    /// `%` only (ICU_NO_ENCODE | ICU_ENCODE_PERCENT).
    PercentOnly,
}

/// Canonicalisation options, derived from ICU_* flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Options {
    /// Remove `.` and `..` segments (cleared by ICU_NO_META).
    pub simplify: bool,
    /// Percent-decode (ICU_DECODE).
    pub decode: bool,
    /// What to escape.
    pub escape: Escape,
    /// `file:` URLs in WinINet's DOS form (`file://C:\dir\file`).
    pub dos_files: bool,
}

impl Options {
    /// The options InternetCanonicalizeUrl / InternetCombineUrl use for `flags`.
    pub(crate) fn from_flags(flags: u32) -> Options {
        let escape = if flags & ICU_ENCODE_SPACES_ONLY != 0 {
            Escape::SpacesOnly
        } else if flags & ICU_NO_ENCODE != 0 {
            if flags & ICU_ENCODE_PERCENT != 0 {
                Escape::PercentOnly
            } else {
                Escape::Nothing
            }
        } else {
            Escape::Unsafe {
                percent: flags & ICU_ENCODE_PERCENT != 0,
            }
        };
        Options {
            simplify: flags & ICU_NO_META == 0,
            decode: flags & ICU_DECODE != 0,
            escape,
            dos_files: true,
        }
    }
}

/// Canonicalises `url` the way InternetCanonicalizeUrl does.
///
/// Flags: `ICU_NO_ENCODE` (no escaping), `ICU_DECODE` (decode `%XX` first; re-encoded unless
/// `ICU_NO_ENCODE`), `ICU_NO_META` (keep `.`/`..`), `ICU_ENCODE_SPACES_ONLY`,
/// `ICU_ENCODE_PERCENT`, `ICU_BROWSER_MODE` (no effect: WinINet always leaves the text after
/// `?`/`#` unescaped, as if it were set). A NUL ends the URL. The function does not fail on
/// any text; the `Result` carries the native codes of the C entry points (see
/// [`crate::output_rule`]).
///
/// ```
/// assert_eq!(hinternet_url::canonicalize("http://host/a/./b/../c d?x=1 2", 0).unwrap(),
///            "http://host/a/c%20d?x=1 2");
/// ```
pub fn canonicalize(url: &str, flags: u32) -> Result<String> {
    Ok(canonicalize_with(url, &Options::from_flags(flags)))
}

/// The scheme length if `s` starts with a scheme of at least two characters and a `:`
/// (shlwapi's `ParseURL` rule: `c:\x` is a drive, not a scheme).
pub(crate) fn scheme_len(s: &str) -> Option<usize> {
    let n = s.bytes().position(|b| !is_scheme_char(b))?;
    (n >= 2 && s.as_bytes().get(n) == Some(&b':')).then_some(n)
}

/// Schemes whose text after `:` is not a path: no dot-segment removal.
fn is_opaque(scheme: &str) -> bool {
    matches!(
        Scheme::from_name(scheme),
        Scheme::Mailto | Scheme::News | Scheme::Javascript | Scheme::Vbscript
    ) || scheme.eq_ignore_ascii_case("about")
}

/// Removes `.` and `..` segments from `path` (segments separated by `sep`).
///
/// Rooted paths (starting with `sep`): a `..` that would climb above the root is dropped,
/// except when the whole path is `/..` (native keeps `http://host/..`). Relative paths keep
/// leading `..`. A trailing `.` or `..` leaves a trailing separator.
pub(crate) fn remove_dot_segments(path: &str, sep: char) -> Cow<'_, str> {
    let rooted = path.starts_with(sep);
    let body = if rooted {
        path.get(sep.len_utf8()..).unwrap_or("")
    } else {
        path
    };
    if !body.split(sep).any(|s| s == "." || s == "..") || (!rooted && !body.contains(sep)) {
        return Cow::Borrowed(path);
    }
    let segs: Vec<&str> = body.split(sep).collect();
    let last = segs.len().saturating_sub(1);
    let mut out: Vec<&str> = Vec::with_capacity(segs.len());
    for (i, seg) in segs.iter().enumerate() {
        match *seg {
            "." => {
                if i == last {
                    out.push("");
                }
            }
            ".." => {
                if out.last().is_some_and(|t| *t != "..") {
                    out.pop();
                } else if !rooted || (i == 0 && i == last) {
                    out.push("..");
                    continue;
                }
                if i == last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    let mut r = String::with_capacity(path.len());
    if rooted {
        r.push(sep);
    }
    for (i, s) in out.iter().enumerate() {
        if i > 0 {
            r.push(sep);
        }
        r.push_str(s);
    }
    Cow::Owned(r)
}

/// A URL cut into the pieces that are treated differently.
struct Pieces<'a> {
    /// `scheme:`, `scheme://` (DOS file form) or empty; copied as is.
    head: Cow<'a, str>,
    /// The authority of a hierarchical URL (written after `//`).
    authority: Option<&'a str>,
    /// The path, dot segments already removed.
    path: Cow<'a, str>,
    /// How the path is escaped.
    path_place: Place,
    /// `?query#fragment`; never simplified, escaped only with ICU_ENCODE_SPACES_ONLY.
    extra: &'a str,
}

fn split_extra(s: &str, stops: &[char]) -> (usize, usize) {
    let q = s.find(stops).unwrap_or(s.len());
    (q, s.len())
}

fn swap_backslashes(s: &str) -> Cow<'_, str> {
    if s.contains('\\') {
        Cow::Owned(s.replace('\\', "/"))
    } else {
        Cow::Borrowed(s)
    }
}

/// `file:` in WinINet's DOS form: `file://C:\dir\file`, `file://\\server\share`,
/// `file://\root\file`.
fn dos_file<'a>(scheme: &'a str, rest: &'a str, o: &Options) -> Pieces<'a> {
    let (q, _) = split_extra(rest, &['?']);
    let (body_full, extra) = rest.split_at(q);
    let mut slashes = body_full
        .chars()
        .take_while(|c| *c == '/' || *c == '\\')
        .count();
    let mut body = body_full.get(slashes..).unwrap_or("");
    if slashes == 2 {
        let lh = body
            .get(..9)
            .is_some_and(|h| h.eq_ignore_ascii_case("localhost"));
        let after = body.get(9..).unwrap_or("x");
        if lh && (after.is_empty() || after.starts_with(['/', '\\'])) {
            let n = after
                .chars()
                .take_while(|c| *c == '/' || *c == '\\')
                .count();
            body = after.get(n..).unwrap_or("");
            slashes = 3;
        }
    }
    let dos = body.replace('/', "\\");
    let simplify = |p: &str| -> String {
        if o.simplify {
            remove_dot_segments(p, '\\').into_owned()
        } else {
            p.to_owned()
        }
    };
    let (head, path) = if is_drive_spec(body.as_bytes()) {
        let drive = dos.get(..1).unwrap_or("");
        let tail = dos.get(2..).unwrap_or("");
        (
            format!("{scheme}://"),
            format!("{drive}:{}", simplify(tail)),
        )
    } else if slashes == 0 {
        (format!("{scheme}:"), simplify(&dos))
    } else if slashes == 2 || slashes >= 4 {
        (
            format!("{scheme}://"),
            format!("\\{}", simplify(&format!("\\{dos}"))),
        )
    } else {
        (format!("{scheme}://"), simplify(&format!("\\{dos}")))
    };
    Pieces {
        head: Cow::Owned(head),
        authority: None,
        path: Cow::Owned(path),
        path_place: Place::FilePath,
        extra,
    }
}

fn split_url<'a>(s: &'a str, o: &Options) -> Pieces<'a> {
    let simplify = |p: Cow<'a, str>| -> Cow<'a, str> {
        if !o.simplify {
            return p;
        }
        match p {
            Cow::Borrowed(b) => remove_dot_segments(b, '/'),
            Cow::Owned(x) => Cow::Owned(remove_dot_segments(&x, '/').into_owned()),
        }
    };
    let Some(n) = scheme_len(s) else {
        if is_drive_spec(s.as_bytes()) {
            // "c:\dir\file" is a DOS path: a file URL.
            if o.dos_files {
                let mut p = dos_file("file", s, o);
                p.head = Cow::Borrowed("file://");
                return p;
            }
            let (q, _) = split_extra(s, &['?', '#']);
            let (path, extra) = s.split_at(q);
            return Pieces {
                head: Cow::Borrowed("file:///"),
                authority: None,
                path: simplify(swap_backslashes(path)),
                path_place: Place::Path,
                extra,
            };
        }
        let (q, _) = split_extra(s, &['?', '#']);
        let (path, extra) = s.split_at(q);
        return Pieces {
            head: Cow::Borrowed(""),
            authority: None,
            path: simplify(Cow::Borrowed(path)),
            path_place: Place::Path,
            extra,
        };
    };
    let (scheme, rest) = (s.get(..n).unwrap_or(""), s.get(n + 1..).unwrap_or(""));
    let head = Cow::Borrowed(s.get(..=n).unwrap_or(""));
    let kind = Scheme::from_name(scheme);
    if kind == Scheme::File && o.dos_files {
        return dos_file(scheme, rest, o);
    }
    let backslash_is_slash = matches!(kind, Scheme::Http | Scheme::Https | Scheme::File);
    // In file URLs '#' belongs to the file name.
    let stops: &[char] = if kind == Scheme::File {
        &['?']
    } else {
        &['?', '#']
    };
    let (q, _) = split_extra(rest, stops);
    let (before, extra) = rest.split_at(q);
    let before = if backslash_is_slash {
        swap_backslashes(before)
    } else {
        Cow::Borrowed(before)
    };
    if let Some(after) = before.strip_prefix("//") {
        let a_end = after.find('/').unwrap_or(after.len());
        let path = after.get(a_end..).unwrap_or("");
        // The swap is byte for byte and cannot occur inside the authority (a swapped `\\`
        // would have ended it), so the authority can be borrowed from `rest`.
        let authority = rest.get(2..2 + a_end).unwrap_or("");
        let path = if path.is_empty() && extra.is_empty() && !authority.is_empty() {
            Cow::Borrowed("/")
        } else {
            simplify(Cow::Owned(path.to_owned()))
        };
        return Pieces {
            head,
            authority: Some(authority),
            path,
            path_place: Place::Path,
            extra,
        };
    }
    let path = if is_opaque(scheme) {
        before
    } else {
        simplify(before)
    };
    Pieces {
        head,
        authority: None,
        path,
        path_place: Place::Path,
        extra,
    }
}

fn push_part(out: &mut String, text: &str, place: Option<Place>, o: &Options) {
    let decoded = if o.decode {
        percent_decode(text)
    } else {
        Cow::Borrowed(text)
    };
    for c in decoded.chars() {
        let esc = match (o.escape, place) {
            (Escape::Nothing, _) => false,
            (Escape::SpacesOnly, _) => c == ' ',
            (Escape::PercentOnly, Some(_)) => c == '%',
            (Escape::Unsafe { percent }, Some(p)) => is_unsafe(c, p) || (percent && c == '%'),
            (_, None) => false,
        };
        if esc {
            push_escaped(out, c);
        } else {
            out.push(c);
        }
    }
}

/// Canonicalisation with explicit options (shared with combine).
pub(crate) fn canonicalize_with(url: &str, o: &Options) -> String {
    let url = url.split('\0').next().unwrap_or("");
    let no_tabs: Cow<'_, str> = if url.contains('\t') {
        Cow::Owned(url.replace('\t', ""))
    } else {
        Cow::Borrowed(url)
    };
    let s = no_tabs.trim_end_matches(|c: char| c <= ' ');
    if s.is_empty() {
        return String::new();
    }
    let p = split_url(s, o);
    let mut out = String::with_capacity(s.len() + s.len() / 4 + 8);
    out.push_str(&p.head);
    if let Some(auth) = p.authority {
        out.push_str("//");
        let host = auth.rsplit_once('@').map_or(auth, |(_, h)| h);
        let place = if host.starts_with('[') {
            Place::AuthorityIpv6
        } else {
            Place::Authority
        };
        push_part(&mut out, auth, Some(place), o);
    }
    push_part(&mut out, &p.path, Some(p.path_place), o);
    push_part(&mut out, p.extra, None, o);
    out
}
