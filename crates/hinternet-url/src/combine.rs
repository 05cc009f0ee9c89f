//! InternetCombineUrl: resolving a relative reference against a base URL, then
//! canonicalising the result with the same ICU_* flags.
//!
//! The case analysis follows shlwapi's `UrlCombine` (which WinINet calls): the base is
//! canonicalised without escaping, its scheme lower-cased, its "location" (`//host`) and its
//! directory found; the relative reference then replaces everything, the location and what
//! follows, the path from the root, or the last segment. Two RFC 3986 cases differ from
//! Wine's `UrlCombine`, see docs/compat-url.md: an empty reference gives the base (without
//! fragment) and a `?query` reference keeps the base path.

use hinternet_core::Result;

use crate::canonicalize::{Escape, Options, canonicalize_with, scheme_len};
use crate::file_path::is_drive_spec;
use crate::scheme::Scheme;

/// Resolves `relative` against `base` and canonicalises the result (flags as
/// [`crate::canonicalize`]). A NUL ends either string.
///
/// ```
/// let r = hinternet_url::combine("http://a/b/c/d;p?q", "../g", 0).unwrap();
/// assert_eq!(r, "http://a/b/g");
/// ```
pub fn combine(base: &str, relative: &str, flags: u32) -> Result<String> {
    let o = Options::from_flags(flags);
    let pre = Options {
        escape: Escape::Nothing,
        dos_files: false,
        ..o
    };
    let base = canonicalize_with(base, &pre);
    let relative = relative.split('\0').next().unwrap_or("");
    let joined = resolve(&base, relative);
    Ok(canonicalize_with(&joined, &o))
}

fn ends_with_ignore_case(s: &str, suffix: &str) -> bool {
    s.len() >= suffix.len()
        && s.get(s.len() - suffix.len()..)
            .is_some_and(|t| t.eq_ignore_ascii_case(suffix))
}

/// The joined (not yet canonicalised) URL.
fn resolve(base: &str, rel: &str) -> String {
    let Some(bn) = scheme_len(base) else {
        // A base without a scheme: the relative reference as is.
        return rel.to_owned();
    };
    let scheme = base.get(..bn).unwrap_or("").to_ascii_lowercase();
    let suffix = base.get(bn + 1..).unwrap_or("");
    let kind = Scheme::from_name(&scheme);
    let bs = matches!(kind, Scheme::Http | Scheme::Https | Scheme::File);
    let is_slash = |c: char| c == '/' || (bs && c == '\\');

    // The location: "//host" up to the next '/', '?' or '#'.
    let sizeloc = match suffix.strip_prefix("//") {
        Some(after) => 2 + after.find(['/', '?', '#']).unwrap_or(after.len()),
        None => 0,
    };
    let location = suffix.get(..sizeloc).unwrap_or("");
    let tail = suffix.get(sizeloc..).unwrap_or("");

    // The directory of the base document, ending with '/'.
    let search_end = match tail.find(['#', '?']) {
        Some(w) => {
            let before = tail.get(..w).unwrap_or("");
            let manual = tail.get(w..).is_some_and(|t| t.starts_with('?'))
                || matches!(kind, Scheme::Http | Scheme::Https)
                || ends_with_ignore_case(before, ".htm")
                || ends_with_ignore_case(before, ".html");
            if manual { w } else { tail.len() }
        }
        None => tail.len(),
    };
    let dir = match tail.get(..search_end).and_then(|t| t.rfind('/')) {
        Some(p) => suffix.get(..sizeloc + p + 1).unwrap_or("").to_owned(),
        None => format!("{location}/"),
    };

    match scheme_len(rel) {
        None => {
            let mut chars = rel.chars();
            let (c0, c1) = (chars.next(), chars.next());
            if rel.is_empty() {
                let end = base.find('#').unwrap_or(base.len());
                base.get(..end).unwrap_or(base).to_owned()
            } else if c0 == Some(':') {
                rel.to_owned()
            } else if is_drive_spec(rel.as_bytes()) {
                format!("file:///{rel}")
            } else if c0.is_some_and(is_slash) && c1.is_some_and(is_slash) {
                format!("{scheme}:{rel}")
            } else if c0.is_some_and(is_slash) {
                format!("{scheme}:{location}{rel}")
            } else if c0 == Some('#') {
                let end = tail.find('#').map_or(base.len(), |i| bn + 1 + sizeloc + i);
                format!("{}{rel}", base.get(..end).unwrap_or(base))
            } else if c0 == Some('?') {
                let end = tail
                    .find(['?', '#'])
                    .map_or(base.len(), |i| bn + 1 + sizeloc + i);
                format!("{}{rel}", base.get(..end).unwrap_or(base))
            } else if suffix.starts_with('/') {
                if rel == "." {
                    format!("{scheme}:{dir}")
                } else {
                    format!("{scheme}:{dir}{rel}")
                }
            } else {
                format!("{scheme}:{rel}")
            }
        }
        Some(rn) => {
            let rscheme = rel.get(..rn).unwrap_or("");
            let rsuffix = rel.get(rn + 1..).unwrap_or("");
            if !rscheme.eq_ignore_ascii_case(&scheme) {
                rel.to_owned()
            } else if rsuffix.starts_with("//") {
                format!("{scheme}:{rsuffix}")
            } else if rsuffix.starts_with('/') {
                format!("{scheme}:{location}{rsuffix}")
            } else if suffix.starts_with('/') {
                format!("{scheme}:{dir}{rsuffix}")
            } else {
                rel.to_owned()
            }
        }
    }
}
