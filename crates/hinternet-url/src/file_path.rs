//! `file:` URL paths as DOS-style paths, the form InternetCrackUrl copies into a caller's path
//! buffer (Wine: shlwapi `PathCreateFromUrl` when the path starts with `/`, else a plain
//! `/` → `\` swap).

use crate::escape::percent_decode_units;
use crate::unit::CodeUnit;

/// True if `s` starts with a drive: a letter and `:` or `|`.
pub(crate) fn is_drive_spec<T: CodeUnit>(s: &[T]) -> bool {
    matches!(
        (s.first().and_then(|u| u.ascii()), s.get(1).and_then(|u| u.ascii())),
        (Some(l), Some(b':' | b'|')) if l.is_ascii_alphabetic()
    )
}

fn eq_ignore_ascii_case<T: CodeUnit>(units: &[T], s: &str) -> bool {
    units.len() == s.len()
        && units
            .iter()
            .zip(s.bytes())
            .all(|(u, b)| u.ascii().map(|a| a.to_ascii_lowercase()) == Some(b))
}

fn push_slashes_swapped<T: CodeUnit>(out: &mut Vec<T>, s: &[T]) {
    out.extend(
        s.iter()
            .map(|&u| if u.is(b'/') { T::from_ascii(b'\\') } else { u }),
    );
}

/// The DOS path for the path component of a `file:` URL.
///
/// * `host`: the host component, if the URL had one (`file://server/share` → UNC path).
/// * `path`: the path component as cracked.
/// * `decode`: percent-decode even when the path does not start with `/` (ICU_DECODE).
pub(crate) fn dos_path<T: CodeUnit>(host: Option<&[T]>, path: &[T], decode: bool) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(path.len() + 2);
    let rooted = path.first().is_some_and(|u| u.is(b'/'));
    if rooted {
        match host {
            Some(h) if !h.is_empty() && !eq_ignore_ascii_case(h, "localhost") => {
                out.push(T::from_ascii(b'\\'));
                out.push(T::from_ascii(b'\\'));
                push_slashes_swapped(&mut out, h);
                push_slashes_swapped(&mut out, path);
            }
            _ => {
                let slashes = path
                    .iter()
                    .take_while(|u| u.is(b'/') || u.is(b'\\'))
                    .count();
                let body = path.get(slashes..).unwrap_or_default();
                if is_drive_spec(body) {
                    out.extend(body.first().copied());
                    out.push(T::from_ascii(b':'));
                    push_slashes_swapped(&mut out, body.get(2..).unwrap_or_default());
                } else {
                    out.push(T::from_ascii(b'\\'));
                    if slashes >= 2 {
                        out.push(T::from_ascii(b'\\'));
                    }
                    push_slashes_swapped(&mut out, body);
                }
            }
        }
    } else {
        push_slashes_swapped(&mut out, path);
    }
    if (rooted || decode)
        && let Some(d) = percent_decode_units(&out)
    {
        out = d;
    }
    // A path ending in "\." or "\.." gets a trailing backslash (Wine).
    let n = out.len();
    let is = |i: Option<usize>, c: u8| i.and_then(|i| out.get(i)).is_some_and(|u| u.is(c));
    if is(n.checked_sub(1), b'.')
        && (is(n.checked_sub(2), b'\\')
            || (is(n.checked_sub(2), b'.') && is(n.checked_sub(3), b'\\')))
    {
        out.push(T::from_ascii(b'\\'));
    }
    out
}
