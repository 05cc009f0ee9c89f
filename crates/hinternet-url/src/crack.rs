//! InternetCrackUrl: splitting
//! `scheme:[//[user[:password]@]host[:port]][/path][?query|#fragment]`.
//!
//! The parser ([`crack_units`]) runs over the caller's own units (bytes for A, UTF-16 units for
//! W) and only looks at ASCII delimiters, so its spans are valid offsets into the caller's
//! string: the C shim returns `url + span.offset` in pointer mode with no URL logic of its own.

use std::borrow::Cow;

use hinternet_core::consts::*;
use hinternet_core::{Error, Result};

use crate::components::{Component, Span, UrlParts};
use crate::escape::percent_decode_units;
use crate::file_path::dos_path;
use crate::scheme::{Scheme, is_scheme_char};
use crate::unit::{CharUnit, CodeUnit, until_nul};

/// The result of parsing a URL: spans into the caller's units, the scheme and the port.
///
/// Absent components are `None` (NULL pointer, length 0 in pointer mode); a component that is
/// present but empty is `Some` with `len == 0` (a pointer into the URL, length 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RawCrack {
    /// Units of the URL that were parsed (up to the first NUL).
    pub url_len: usize,
    /// The scheme name, without the `:`.
    pub scheme: Span,
    /// `INTERNET_SCHEME_*` of the scheme name (case-insensitive), `INTERNET_SCHEME_UNKNOWN`
    /// for names WinINet does not know.
    pub scheme_kind: i32,
    /// The explicit port, else the scheme's default (http 80, https 443, ftp 21), else 0.
    pub port: u16,
    /// True if the URL names the port.
    pub port_explicit: bool,
    /// The user name.
    pub user: Option<Span>,
    /// The password.
    pub password: Option<Span>,
    /// The host name (IPv6 literals with their brackets).
    pub host: Option<Span>,
    /// The path when the caller also asks for the extra info: it stops at `?` / `#`.
    pub path: Option<Span>,
    /// The path when the caller does not ask for the extra info: the query and fragment stay
    /// in it, and it stops at the first newline.
    pub path_with_extra: Option<Span>,
    /// `?query#fragment` (from the first `?`, else the first `#`, to the end).
    pub extra: Option<Span>,
}

impl RawCrack {
    /// The span of a component. `extra_wanted` says whether the caller asked for the extra
    /// info (it decides where the path ends).
    pub fn span(&self, c: Component, extra_wanted: bool) -> Option<Span> {
        match c {
            Component::Scheme => Some(self.scheme),
            Component::HostName => self.host,
            Component::UserName => self.user,
            Component::Password => self.password,
            Component::UrlPath if extra_wanted => self.path,
            Component::UrlPath => self.path_with_extra,
            Component::ExtraInfo => self.extra,
        }
    }

    /// The scheme as an enum.
    pub fn scheme_enum(&self) -> Scheme {
        Scheme::from_raw(self.scheme_kind).unwrap_or(Scheme::Unknown)
    }
}

fn find<T: CodeUnit>(s: &[T], from: usize, to: usize, c: u8) -> Option<usize> {
    let hay = s.get(from..to)?;
    hay.iter().position(|u| u.is(c)).map(|p| from + p)
}

fn rfind<T: CodeUnit>(s: &[T], from: usize, to: usize, c: u8) -> Option<usize> {
    let hay = s.get(from..to)?;
    hay.iter().rposition(|u| u.is(c)).map(|p| from + p)
}

/// Parses a decimal port: ASCII digits only, at most 65535.
fn parse_port<T: CodeUnit>(digits: &[T]) -> Result<u16> {
    let mut v: u32 = 0;
    for u in digits {
        let d = u
            .ascii()
            .filter(u8::is_ascii_digit)
            .ok_or_else(|| Error::new(ERROR_INTERNET_INVALID_URL).with_context("port"))?;
        v = v * 10 + u32::from(d - b'0');
        if v > INTERNET_MAX_PORT_NUMBER_VALUE {
            return Err(Error::new(ERROR_INTERNET_INVALID_URL).with_context("port above 65535"));
        }
    }
    u16::try_from(v).map_err(|_| Error::new(ERROR_INTERNET_INVALID_URL))
}

/// Cracks a URL given in the caller's units. Parsing stops at the first NUL.
///
/// Errors: `ERROR_INVALID_PARAMETER` for an empty URL, `ERROR_INTERNET_UNRECOGNIZED_SCHEME`
/// when there is no `scheme:`, `ERROR_INTERNET_INVALID_URL` for a bad port or an unclosed IPv6
/// literal.
pub fn crack_units<T: CodeUnit>(url: &[T]) -> Result<RawCrack> {
    let u = until_nul(url);
    let n = u.len();
    if n == 0 {
        return Err(Error::new(ERROR_INVALID_PARAMETER).with_context("empty URL"));
    }
    let colon = u
        .iter()
        .position(|c| !c.ascii().is_some_and(is_scheme_char))
        .filter(|&i| i > 0 && u.get(i).is_some_and(|c| c.is(b':')))
        .ok_or_else(|| Error::new(ERROR_INTERNET_UNRECOGNIZED_SCHEME))?;
    let scheme = Span::between(0, colon);
    let kind = Scheme::from_units(scheme.slice(u));

    let param = find(u, colon, n, b'?').or_else(|| find(u, colon, n, b'#'));
    let extra = param.map(|p| Span::between(p, n));
    let end = param.unwrap_or(n);

    let mut cp = colon + 1;
    let (mut user, mut password, mut host) = (None, None, None);
    let mut port = kind.crack_default_port();
    let mut port_explicit = false;
    let has_authority =
        u.get(cp).is_some_and(|c| c.is(b'/')) && u.get(cp + 1).is_some_and(|c| c.is(b'/'));
    if has_authority {
        cp += 2;
        let netloc_end = find(u, cp, end, b'/').unwrap_or(end).max(cp);
        let mut host_start = cp;
        if let Some(at) = rfind(u, cp, netloc_end, b'@') {
            match find(u, cp, at, b':') {
                Some(c) => {
                    user = Some(Span::between(cp, c));
                    password = Some(Span::between(c + 1, at));
                }
                None => user = Some(Span::between(cp, at)),
            }
            host_start = at + 1;
        }
        if kind == Scheme::Res {
            // res: has no port; the host runs to the first '/'.
            host = Some(Span::between(host_start, netloc_end));
            cp = netloc_end;
        } else {
            let (host_end, port_text) = if u.get(host_start).is_some_and(|c| c.is(b'[')) {
                let close = find(u, host_start, netloc_end, b']').ok_or_else(|| {
                    Error::new(ERROR_INTERNET_INVALID_URL).with_context("unclosed IPv6 literal")
                })?;
                let after = close + 1;
                if after == netloc_end {
                    (after, None)
                } else if u.get(after).is_some_and(|c| c.is(b':')) {
                    (after, Some(Span::between(after + 1, netloc_end)))
                } else {
                    return Err(Error::new(ERROR_INTERNET_INVALID_URL)
                        .with_context("text after an IPv6 literal"));
                }
            } else {
                match rfind(u, host_start, netloc_end, b':') {
                    Some(c) => (c, Some(Span::between(c + 1, netloc_end))),
                    None => (netloc_end, None),
                }
            };
            if kind == Scheme::File && host_end <= host_start + 1 {
                // "file:///C:/x" and "file://C:/x": no host; a one-letter "host" is a drive.
                cp = host_start;
                port = 0;
            } else {
                host = Some(Span::between(host_start, host_end));
                if let Some(p) = port_text.filter(|p| p.len > 0) {
                    port = parse_port(p.slice(u))?;
                    port_explicit = true;
                }
                cp = netloc_end;
            }
        }
    }

    let (path, path_with_extra) = if cp < n && cp <= end {
        let nl = find(u, cp, n, b'\n').unwrap_or(n);
        let with_extra = Span::between(cp, nl);
        let path = match param {
            Some(p) => Span::between(cp, p),
            None => with_extra,
        };
        (Some(path), Some(with_extra))
    } else {
        (None, None)
    };

    Ok(RawCrack {
        url_len: n,
        scheme,
        scheme_kind: kind.raw(),
        port,
        port_explicit,
        user,
        password,
        host,
        path,
        path_with_extra,
        extra,
    })
}

/// The text a component has in buffer mode (caller-supplied buffers): `file:` paths become
/// DOS paths, and with `ICU_DECODE` or `ICU_ESCAPE` every component but the scheme is
/// percent-decoded. `None` for an absent component (buffer mode then copies an empty string).
pub fn buffer_value<'u, T: CodeUnit>(
    url: &'u [T],
    crack: &RawCrack,
    c: Component,
    extra_wanted: bool,
    flags: u32,
) -> Option<Cow<'u, [T]>> {
    let span = crack.span(c, extra_wanted)?;
    let raw = span.slice(url);
    let decode = flags & (ICU_DECODE | ICU_ESCAPE) != 0;
    if c == Component::UrlPath && crack.scheme_kind == INTERNET_SCHEME_FILE {
        let host = crack.host.map(|h| h.slice(url));
        return Some(Cow::Owned(dos_path(host, raw, decode)));
    }
    if decode
        && c != Component::Scheme
        && let Some(d) = percent_decode_units(raw)
    {
        return Some(Cow::Owned(d));
    }
    Some(Cow::Borrowed(raw))
}

/// A cracked URL: the Rust face of InternetCrackUrl.
#[derive(Clone, Copy, Debug)]
pub struct CrackedUrl<'a> {
    url: &'a str,
    raw: RawCrack,
    flags: u32,
}

/// Cracks `url` (parsing stops at a NUL). `flags`: `ICU_DECODE` / `ICU_ESCAPE` affect
/// [`CrackedUrl::value`] (buffer-mode text) only; borrowed slices are always the raw text.
///
/// ```
/// let u = hinternet_url::crack("http://user:pw@example.com:8080/a/b?x=1#f", 0).unwrap();
/// let p = u.parts();
/// assert_eq!((p.host, p.port, p.path, p.extra), (Some("example.com"), 8080, Some("/a/b"), Some("?x=1#f")));
/// ```
pub fn crack(url: &str, flags: u32) -> Result<CrackedUrl<'_>> {
    let raw = crack_units(url.as_bytes())?;
    let url = url.get(..raw.url_len).unwrap_or(url);
    Ok(CrackedUrl { url, raw, flags })
}

impl<'a> CrackedUrl<'a> {
    /// The URL that was parsed (cut at the first NUL).
    pub fn url(&self) -> &'a str {
        self.url
    }

    /// The spans, in bytes of [`CrackedUrl::url`].
    pub fn raw(&self) -> &RawCrack {
        &self.raw
    }

    /// `INTERNET_SCHEME_*` value (`nScheme`).
    pub fn scheme_kind(&self) -> i32 {
        self.raw.scheme_kind
    }

    /// The scheme as an enum.
    pub fn scheme(&self) -> Scheme {
        self.raw.scheme_enum()
    }

    /// `nPort`: the explicit port, else the scheme's default, else 0.
    pub fn port(&self) -> u16 {
        self.raw.port
    }

    fn text(&self, span: Option<Span>) -> Option<&'a str> {
        // Spans start and end next to ASCII delimiters or at the ends, so they are char
        // boundaries; `get` keeps this panic-free regardless.
        span.map(|s| self.url.get(s.offset..s.end()).unwrap_or(""))
    }

    /// A component as a slice of the URL (pointer mode); the path stops at the extra info.
    pub fn get(&self, c: Component) -> Option<&'a str> {
        self.text(self.raw.span(c, true))
    }

    /// The path as pointer mode returns it when the extra info is not asked for: query and
    /// fragment included, cut at the first newline.
    pub fn path_with_extra(&self) -> Option<&'a str> {
        self.text(self.raw.path_with_extra)
    }

    /// All components as borrowed slices (pointer mode, extra info asked for).
    pub fn parts(&self) -> UrlParts<'a> {
        UrlParts {
            scheme: self.get(Component::Scheme),
            scheme_kind: self.raw.scheme_kind,
            host: self.get(Component::HostName),
            port: self.raw.port,
            user: self.get(Component::UserName),
            password: self.get(Component::Password),
            path: self.get(Component::UrlPath),
            extra: self.get(Component::ExtraInfo),
        }
    }

    /// The span of a component in bytes of the URL.
    pub fn span(&self, c: Component, extra_wanted: bool) -> Option<Span> {
        self.raw.span(c, extra_wanted)
    }

    /// The span of a component counted in `unit` (UTF-16 units for a W caller whose string is
    /// this URL in UTF-16).
    pub fn span_in(&self, c: Component, extra_wanted: bool, unit: CharUnit) -> Option<Span> {
        let s = self.raw.span(c, extra_wanted)?;
        let start = unit.offset_in(self.url, s.offset);
        let end = unit.offset_in(self.url, s.end());
        Some(Span::between(start, end))
    }

    /// The text buffer mode copies for a component: DOS paths for `file:`, percent-decoded
    /// with `ICU_DECODE` / `ICU_ESCAPE`. `None` for an absent component.
    pub fn value(&self, c: Component, extra_wanted: bool) -> Option<Cow<'a, str>> {
        let v = buffer_value(self.url.as_bytes(), &self.raw, c, extra_wanted, self.flags)?;
        Some(match v {
            Cow::Borrowed(b) => Cow::Borrowed(std::str::from_utf8(b).unwrap_or("")),
            Cow::Owned(o) => Cow::Owned(
                String::from_utf8(o)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
            ),
        })
    }
}
