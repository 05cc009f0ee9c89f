//! The six string components of `URL_COMPONENTS`, spans into a caller's string, and
//! [`UrlParts`], the Rust form of the structure.

use crate::scheme::Scheme;
use hinternet_core::consts::INTERNET_SCHEME_DEFAULT;

/// One of the string components of `URL_COMPONENTS`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Component {
    /// `lpszScheme` / `dwSchemeLength` (the name, without the `:`).
    Scheme,
    /// `lpszHostName` / `dwHostNameLength` (IPv6 literals keep their brackets).
    HostName,
    /// `lpszUserName` / `dwUserNameLength`.
    UserName,
    /// `lpszPassword` / `dwPasswordLength`.
    Password,
    /// `lpszUrlPath` / `dwUrlPathLength`.
    UrlPath,
    /// `lpszExtraInfo` / `dwExtraInfoLength` (`?query` and/or `#fragment`, leading char
    /// included).
    ExtraInfo,
}

impl Component {
    /// All components, in `URL_COMPONENTS` field order.
    pub const ALL: [Component; 6] = [
        Component::Scheme,
        Component::HostName,
        Component::UserName,
        Component::Password,
        Component::UrlPath,
        Component::ExtraInfo,
    ];

    /// The order in which WinINet fills components while cracking (Wine's order): extra info,
    /// scheme, user name, password, host name, path. A component that does not fit stops the
    /// crack; the ones before it have been written.
    pub const FILL_ORDER: [Component; 6] = [
        Component::ExtraInfo,
        Component::Scheme,
        Component::UserName,
        Component::Password,
        Component::HostName,
        Component::UrlPath,
    ];
}

/// A range of a caller's string, in the caller's units (bytes for A and `&str`, UTF-16 units
/// for W).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// Offset of the first unit from the start of the string.
    pub offset: usize,
    /// Number of units.
    pub len: usize,
}

impl Span {
    /// The span from `start` to `end` (empty if `end < start`).
    pub fn between(start: usize, end: usize) -> Span {
        Span {
            offset: start,
            len: end.saturating_sub(start),
        }
    }

    /// One past the last unit.
    pub fn end(&self) -> usize {
        self.offset.saturating_add(self.len)
    }

    /// The units of `s` this span covers (empty if it does not fit `s`).
    pub fn slice<'s, T>(&self, s: &'s [T]) -> &'s [T] {
        s.get(self.offset..self.end()).unwrap_or_default()
    }
}

/// The components of a URL, borrowed: the output of [`crate::crack`] (through
/// [`crate::CrackedUrl::parts`]) and the input of [`crate::create`].
///
/// `None` means "absent" (a NULL pointer in `URL_COMPONENTS`); `Some("")` is a component
/// that is present but empty.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UrlParts<'a> {
    /// The scheme name (without `:`). For create, it wins over `scheme_kind`.
    pub scheme: Option<&'a str>,
    /// The `INTERNET_SCHEME_*` value.
    pub scheme_kind: i32,
    /// The host name.
    pub host: Option<&'a str>,
    /// The port (for crack: explicit, else the scheme's default, else 0).
    pub port: u16,
    /// The user name.
    pub user: Option<&'a str>,
    /// The password.
    pub password: Option<&'a str>,
    /// The path.
    pub path: Option<&'a str>,
    /// The extra info (`?query#fragment`).
    pub extra: Option<&'a str>,
}

impl Default for UrlParts<'_> {
    fn default() -> Self {
        UrlParts {
            scheme: None,
            scheme_kind: INTERNET_SCHEME_DEFAULT,
            host: None,
            port: 0,
            user: None,
            password: None,
            path: None,
            extra: None,
        }
    }
}

impl<'a> UrlParts<'a> {
    /// The value of one string component.
    pub fn get(&self, c: Component) -> Option<&'a str> {
        match c {
            Component::Scheme => self.scheme,
            Component::HostName => self.host,
            Component::UserName => self.user,
            Component::Password => self.password,
            Component::UrlPath => self.path,
            Component::ExtraInfo => self.extra,
        }
    }

    /// The scheme as an enum.
    pub fn scheme_enum(&self) -> Option<Scheme> {
        Scheme::from_raw(self.scheme_kind)
    }
}
