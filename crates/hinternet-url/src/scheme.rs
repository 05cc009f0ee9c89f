//! Scheme names, `INTERNET_SCHEME_*` values and default ports.

use hinternet_core::consts::*;

use crate::unit::CodeUnit;

/// The `INTERNET_SCHEME` enumeration as a Rust type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// `INTERNET_SCHEME_PARTIAL` (−2).
    Partial,
    /// `INTERNET_SCHEME_UNKNOWN` (−1): a scheme name WinINet does not know.
    Unknown,
    /// `INTERNET_SCHEME_DEFAULT` (0): CreateUrl treats it as http.
    Default,
    /// `ftp`.
    Ftp,
    /// `gopher`.
    Gopher,
    /// `http`.
    Http,
    /// `https`.
    Https,
    /// `file`.
    File,
    /// `news`.
    News,
    /// `mailto`.
    Mailto,
    /// `socks`.
    Socks,
    /// `javascript`.
    Javascript,
    /// `vbscript`.
    Vbscript,
    /// `res`.
    Res,
}

/// Known names in `INTERNET_SCHEME` value order, starting at `INTERNET_SCHEME_FTP` (1).
const NAMES: [(&str, Scheme); 11] = [
    ("ftp", Scheme::Ftp),
    ("gopher", Scheme::Gopher),
    ("http", Scheme::Http),
    ("https", Scheme::Https),
    ("file", Scheme::File),
    ("news", Scheme::News),
    ("mailto", Scheme::Mailto),
    ("socks", Scheme::Socks),
    ("javascript", Scheme::Javascript),
    ("vbscript", Scheme::Vbscript),
    ("res", Scheme::Res),
];

impl Scheme {
    /// The scheme for a name, compared case-insensitively; unknown names give
    /// [`Scheme::Unknown`].
    pub fn from_name(name: &str) -> Scheme {
        Scheme::from_units(name.as_bytes())
    }

    /// [`Scheme::from_name`] over a caller's units.
    pub fn from_units<T: CodeUnit>(name: &[T]) -> Scheme {
        NAMES
            .iter()
            .find(|(n, _)| {
                n.len() == name.len()
                    && n.bytes()
                        .zip(name)
                        .all(|(a, u)| u.ascii().map(|b| b.to_ascii_lowercase()) == Some(a))
            })
            .map_or(Scheme::Unknown, |(_, s)| *s)
    }

    /// The `INTERNET_SCHEME_*` value.
    pub fn raw(self) -> i32 {
        match self {
            Scheme::Partial => INTERNET_SCHEME_PARTIAL,
            Scheme::Unknown => INTERNET_SCHEME_UNKNOWN,
            Scheme::Default => INTERNET_SCHEME_DEFAULT,
            Scheme::Ftp => INTERNET_SCHEME_FTP,
            Scheme::Gopher => INTERNET_SCHEME_GOPHER,
            Scheme::Http => INTERNET_SCHEME_HTTP,
            Scheme::Https => INTERNET_SCHEME_HTTPS,
            Scheme::File => INTERNET_SCHEME_FILE,
            Scheme::News => INTERNET_SCHEME_NEWS,
            Scheme::Mailto => INTERNET_SCHEME_MAILTO,
            Scheme::Socks => INTERNET_SCHEME_SOCKS,
            Scheme::Javascript => INTERNET_SCHEME_JAVASCRIPT,
            Scheme::Vbscript => INTERNET_SCHEME_VBSCRIPT,
            Scheme::Res => INTERNET_SCHEME_RES,
        }
    }

    /// The scheme for an `INTERNET_SCHEME_*` value; `None` for values outside the enumeration.
    pub fn from_raw(raw: i32) -> Option<Scheme> {
        match raw {
            INTERNET_SCHEME_PARTIAL => Some(Scheme::Partial),
            INTERNET_SCHEME_UNKNOWN => Some(Scheme::Unknown),
            INTERNET_SCHEME_DEFAULT => Some(Scheme::Default),
            _ => NAMES.iter().map(|(_, s)| *s).find(|s| s.raw() == raw),
        }
    }

    /// The lower-case name of a known scheme (`None` for Partial, Unknown and Default).
    pub fn name(self) -> Option<&'static str> {
        NAMES.iter().find(|(_, s)| *s == self).map(|(n, _)| *n)
    }

    /// The port InternetCrackUrl reports when the URL names none: http 80, https 443, ftp 21,
    /// anything else 0 (`INTERNET_INVALID_PORT_NUMBER`).
    pub fn crack_default_port(self) -> u16 {
        let p = match self {
            Scheme::Http => INTERNET_DEFAULT_HTTP_PORT,
            Scheme::Https => INTERNET_DEFAULT_HTTPS_PORT,
            Scheme::Ftp => INTERNET_DEFAULT_FTP_PORT,
            _ => INTERNET_INVALID_PORT_NUMBER,
        };
        u16::try_from(p).unwrap_or(0)
    }

    /// True if InternetCreateUrl leaves `port` out of the URL for this scheme: the scheme's
    /// default port (gopher's 70 included) or 0.
    pub fn port_is_default(self, port: u16) -> bool {
        let p = u32::from(port);
        p == INTERNET_INVALID_PORT_NUMBER
            || matches!(
                (self, p),
                (Scheme::Http, INTERNET_DEFAULT_HTTP_PORT)
                    | (Scheme::Https, INTERNET_DEFAULT_HTTPS_PORT)
                    | (Scheme::Ftp, INTERNET_DEFAULT_FTP_PORT)
                    | (Scheme::Gopher, INTERNET_DEFAULT_GOPHER_PORT)
            )
    }

    /// "Opaque" for InternetCreateUrl: every scheme other than ftp, gopher, http, https and
    /// file. An opaque URL without a host gets no `//`.
    pub fn is_opaque_for_create(self) -> bool {
        !matches!(
            self,
            Scheme::Ftp | Scheme::Gopher | Scheme::Http | Scheme::Https | Scheme::File
        )
    }
}

/// True for the characters a scheme name is made of: ASCII letters, digits, `+`, `.`, `-`.
pub(crate) fn is_scheme_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-')
}
