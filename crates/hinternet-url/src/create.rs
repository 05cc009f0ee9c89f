//! InternetCreateUrl: a URL from components.
//!
//! Layout (Wine, confirmed by its tests against native): `scheme:`, then `//` unless the
//! scheme is opaque and there is no host, `user[:password]@`, host, `:port` unless the port is
//! the scheme's default or 0, a `/` when the path does not start with one (only with a host),
//! path, extra info.

use hinternet_core::consts::*;
use hinternet_core::{Error, Result};

use crate::components::UrlParts;
use crate::escape::{is_unsafe_for_create, push_escaping};
use crate::scheme::Scheme;

/// Builds a URL from `parts`.
///
/// * `parts.scheme` wins over `parts.scheme_kind`; `INTERNET_SCHEME_DEFAULT` means http; a
///   kind with no name (unknown, partial, out of range) without a scheme string is
///   `ERROR_INVALID_PARAMETER`.
/// * A password without a user name is `ERROR_INVALID_PARAMETER`.
/// * `ICU_ESCAPE` escapes unsafe characters in the path and the extra info; `ICU_USERNAME` is
///   accepted and ignored (it asked for the logged-on user's name, which does not exist here).
///
/// C shim: build `UrlParts` from `URL_COMPONENTS` with, per string component, NULL → `None`,
/// length 0 → the NUL-terminated string, else exactly `length` units (A bytes / W units,
/// converted to text); check `dwStructSize` and the length pointer (ERROR_INVALID_PARAMETER);
/// then apply [`crate::output_rule`] with [`crate::UrlOutputApi::CreateUrl`] to the result.
///
/// ```
/// use hinternet_url::{UrlParts, create};
/// use hinternet_core::consts::INTERNET_SCHEME_HTTP;
/// let p = UrlParts { scheme_kind: INTERNET_SCHEME_HTTP, host: Some("example.com"), port: 80,
///                    path: Some("site/about"), ..UrlParts::default() };
/// assert_eq!(create(&p, 0).unwrap(), "http://example.com/site/about");
/// ```
pub fn create(parts: &UrlParts<'_>, flags: u32) -> Result<String> {
    let (name, kind) = match parts.scheme {
        Some(s) if !s.is_empty() => (s, Scheme::from_name(s)),
        _ => {
            let kind = match Scheme::from_raw(parts.scheme_kind) {
                Some(Scheme::Default) => Scheme::Http,
                Some(k) => k,
                None => Scheme::Unknown,
            };
            let name = kind.name().ok_or_else(|| {
                Error::new(ERROR_INVALID_PARAMETER)
                    .with_context("no scheme name and no known nScheme")
            })?;
            (name, kind)
        }
    };
    if parts.user.is_none() && parts.password.is_some() {
        return Err(Error::new(ERROR_INVALID_PARAMETER).with_context("password without user name"));
    }
    let escape = flags & ICU_ESCAPE != 0;
    let cap = [
        name.len(),
        parts.host.map_or(0, str::len),
        parts.user.map_or(0, str::len),
        parts.password.map_or(0, str::len),
        parts.path.map_or(0, str::len),
        parts.extra.map_or(0, str::len),
        16,
    ]
    .iter()
    .fold(0usize, |a, b| a.saturating_add(*b));
    let mut out = String::with_capacity(cap);
    out.push_str(name);
    out.push(':');
    if !kind.is_opaque_for_create() || parts.host.is_some() {
        out.push_str("//");
    }
    if let Some(user) = parts.user {
        out.push_str(user);
        if let Some(pw) = parts.password {
            out.push(':');
            out.push_str(pw);
        }
        out.push('@');
    }
    if let Some(host) = parts.host {
        out.push_str(host);
        if !kind.port_is_default(parts.port) {
            out.push(':');
            out.push_str(&parts.port.to_string());
        }
        if parts.path.is_some_and(|p| !p.starts_with('/')) {
            out.push('/');
        }
    }
    for part in [parts.path, parts.extra].into_iter().flatten() {
        if escape {
            push_escaping(&mut out, part, is_unsafe_for_create);
        } else {
            out.push_str(part);
        }
    }
    Ok(out)
}
