//! Unix `ls -l` style lines, the `LIST` format of vsftpd, ProFTPD, Pure-FTPd, FileZilla Server,
//! libunftp and most other servers.
//!
//! ```text
//! drwxr-xr-x    2 1000     1000         4096 Mar 05 14:02 pub
//! -rw-r--r--+   1 ftp      ftp        123456 Mar  5  2019 report 2019.pdf
//! lrwxrwxrwx    1 0        0               7 Jan 10 09:15 latest -> v1.2.3
//! crw-rw-rw-    1 root     root       1,   3 Mar  5 14:02 null
//! total 42
//! ```
//!
//! Accepted:
//!
//! * the permission string: a type (`-` file, `d` directory, `l` symlink, `c`/`b` devices,
//!   `p` pipe, `s` socket, `D` door), nine permission characters, and an optional mark `+`
//!   (ACL), `@` (extended attributes) or `.` (SELinux context);
//! * between permissions and date any number of columns (link count, owner, group; missing
//!   or numeric owner/group are fine). The date is found as the first `Mon DD HH:MM|YYYY`
//!   group preceded by a size, or by `major, minor` / `major,minor` for device files (whose
//!   size is then 0);
//! * the name starts after exactly one blank following the time or year (`ls` pads the year
//!   to the width of `HH:MM`), so leading blanks in a name are kept;
//! * for symlinks (`l`) the name is split at the first ` -> `; the rest is the link target.
//!
//! Attributes: `d` gives FILE_ATTRIBUTE_DIRECTORY; a missing owner write bit gives
//! FILE_ATTRIBUTE_READONLY (the mapping Samba uses); otherwise NORMAL. The size is the listed
//! size, also for directories. Times without a year are resolved against `now` (see the
//! [module docs](super)); their precision is `Minute`, with a year it is `Day`.

use std::time::SystemTime;

use hinternet_core::{FindData, TimePrecision, Timestamp};

use super::civil::{Civil, digits_u32, digits_u64, infer_year, month_from_abbrev};
use super::{Field, SkipReason, Tokens, attributes, trim_eol};

/// Whether the line starts with a Unix permission string followed by a blank.
pub fn looks_like(line: &[u8]) -> bool {
    let end = line
        .iter()
        .position(|&b| b == b' ' || b == b'\t')
        .unwrap_or(line.len());
    line.get(..end).is_some_and(is_permissions)
}

fn is_permissions(p: &[u8]) -> bool {
    let (perms, mark) = match p.len() {
        10 => (p, None),
        11 => (p.get(..10).unwrap_or_default(), p.last().copied()),
        _ => return false,
    };
    if !matches!(mark, None | Some(b'+' | b'@' | b'.')) {
        return false;
    }
    perms.iter().enumerate().all(|(i, &c)| match i {
        0 => b"-dlcbpsD".contains(&c),
        1 | 4 | 7 => c == b'r' || c == b'-',
        2 | 5 | 8 => c == b'w' || c == b'-',
        _ => b"xsStTlL-".contains(&c),
    })
}

/// Whether the line is a `total N` summary.
pub(crate) fn is_total(line: &[u8]) -> bool {
    line.strip_prefix(b"total ")
        .map(|rest| rest.trim_ascii())
        .is_some_and(|n| !n.is_empty() && n.iter().all(u8::is_ascii_digit))
}

enum When {
    Year(u32),
    Time(u32, u32),
}

fn parse_when(t: &[u8]) -> Option<When> {
    if let Some(colon) = t.iter().position(|&b| b == b':') {
        let h = digits_u32(t.get(..colon)?, 2)?;
        let m = t.get(colon + 1..)?;
        if m.len() != 2 {
            return None;
        }
        Some(When::Time(h, digits_u32(m, 2)?))
    } else if t.len() == 4 {
        Some(When::Year(digits_u32(t, 4)?))
    } else {
        None
    }
}

/// What precedes the date: a size, or a device's `major, minor`.
enum SizeCol {
    Size(u64),
    Overflow,
    Device,
}

/// The size column from the token before the month (`prev`) and the one before that.
fn size_column(prev: &[u8], before: Option<&[u8]>) -> Option<SizeCol> {
    let all_digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
    if all_digits(prev) {
        // "1, 3": the token before ends with a comma after digits.
        if let Some(major) = before.and_then(|t| t.strip_suffix(b","))
            && all_digits(major)
        {
            return Some(SizeCol::Device);
        }
        return Some(digits_u64(prev).map_or(SizeCol::Overflow, SizeCol::Size));
    }
    // "1,3" in one token.
    let comma = prev.iter().position(|&b| b == b',')?;
    let (major, minor) = (prev.get(..comma)?, prev.get(comma + 1..)?);
    (all_digits(major) && all_digits(minor)).then_some(SizeCol::Device)
}

/// Parses one Unix `ls -l` line. `now` anchors the year of dates listed without one.
///
/// # Errors
///
/// [`SkipReason::Summary`] for `total N`, [`SkipReason::Blank`] for a blank line, and
/// [`SkipReason::Malformed`] naming the field that is wrong. `.` and `..` are returned as
/// entries; [`ListingParser`](super::ListingParser) drops them.
pub fn parse_line(line: &[u8], now: SystemTime) -> Result<FindData, SkipReason> {
    let line = trim_eol(line);
    if line.trim_ascii().is_empty() {
        return Err(SkipReason::Blank);
    }
    if is_total(line) {
        return Err(SkipReason::Summary);
    }
    if !looks_like(line) {
        return Err(SkipReason::Malformed(Field::Kind));
    }
    let kind = line.first().copied().unwrap_or(b'-');
    let owner_writable = line.get(2) == Some(&b'w');
    let mut toks = Tokens::new(line);

    let mut size_error = false;
    let mut found = None;
    let mut i = 2;
    while let Some(t) = toks.get(i) {
        let date = month_from_abbrev(t).and_then(|month| {
            let day = toks.get(i + 1).and_then(|d| digits_u32(d, 2))?;
            let when = toks.get(i + 2).and_then(parse_when)?;
            Some((month, day, when))
        });
        if let Some((month, day, when)) = date {
            // The tokens before the month were split on the way here.
            let prev = toks.get(i - 1).unwrap_or_default();
            let before = if i >= 3 { toks.get(i - 2) } else { None };
            match size_column(prev, before) {
                Some(SizeCol::Size(n)) => {
                    found = Some((i, month, day, when, n));
                    break;
                }
                Some(SizeCol::Device) => {
                    found = Some((i, month, day, when, 0));
                    break;
                }
                Some(SizeCol::Overflow) => size_error = true,
                None => {}
            }
        }
        i += 1;
    }
    let Some((i, month, day, when, size)) = found else {
        return Err(SkipReason::Malformed(if size_error {
            Field::Size
        } else {
            Field::Date
        }));
    };

    let modified = match when {
        When::Year(y) => Civil::date(i64::from(y), month, day)
            .to_system_time()
            .map(|t| Timestamp::new(t, TimePrecision::Day))
            .ok_or(SkipReason::Malformed(Field::Date))?,
        When::Time(h, m) => {
            if h > 23 || m > 59 {
                return Err(SkipReason::Malformed(Field::Time));
            }
            infer_year(month, day, h, m, now)
                .map(|t| Timestamp::new(t, TimePrecision::Minute))
                .ok_or(SkipReason::Malformed(Field::Date))?
        }
    };

    let name_start = toks.end_of(i + 2).map_or(line.len(), |e| e + 1);
    let rest = line
        .get(name_start..)
        .filter(|r| !r.is_empty())
        .ok_or(SkipReason::Malformed(Field::Name))?;
    let (name, link_target) = if kind == b'l' {
        match find(rest, b" -> ") {
            Some(p) => (
                rest.get(..p).unwrap_or_default(),
                rest.get(p + 4..).map(<[u8]>::to_vec),
            ),
            None => (rest, None),
        }
    } else {
        (rest, None)
    };
    if name.is_empty() {
        return Err(SkipReason::Malformed(Field::Name));
    }

    let mut entry = FindData::new(name, size);
    entry.attributes = attributes(kind == b'd', !owner_writable);
    entry.modified = Some(modified);
    entry.link_target = link_target;
    Ok(entry)
}

/// The position of the first occurrence of `needle` in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hinternet_core::consts::*;
    use std::time::{Duration, UNIX_EPOCH};

    fn now() -> SystemTime {
        // 2026-11-22 03:00:00 UTC
        UNIX_EPOCH + Duration::from_secs(1_795_316_400)
    }

    fn ok(line: &str) -> FindData {
        parse_line(line.as_bytes(), now()).unwrap()
    }

    #[test]
    fn now_constant_is_the_date_it_claims() {
        let c = Civil {
            hour: 3,
            ..Civil::date(2026, 11, 22)
        };
        assert_eq!(c.to_system_time(), Some(now()));
    }

    #[test]
    fn plain_file_with_year() {
        let e = ok("-rw-r--r--    1 ftp      ftp        123456 Mar  5  2019 a b.txt");
        assert_eq!(e.name, b"a b.txt");
        assert_eq!(e.size, 123_456);
        assert_eq!(e.attributes, FILE_ATTRIBUTE_NORMAL);
        let m = e.modified.unwrap();
        assert_eq!(m.precision, TimePrecision::Day);
        assert_eq!(m.time, Civil::date(2019, 3, 5).to_system_time().unwrap());
    }

    #[test]
    fn owner_without_write_bit_is_readonly() {
        let e = ok("-r--rw-rw-    1 0 0 1 Mar  5  2019 ro");
        assert_eq!(e.attributes, FILE_ATTRIBUTE_READONLY);
        let d = ok("dr-xr-xr-x    1 0 0 1 Mar  5  2019 rodir");
        assert_eq!(
            d.attributes,
            FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_READONLY
        );
    }

    #[test]
    fn symlink_splits_at_first_arrow() {
        let e = ok("lrwxrwxrwx 1 0 0 7 Jan 10 09:15 a -> b -> c");
        assert_eq!(e.name, b"a");
        assert_eq!(e.link_target.as_deref(), Some(&b"b -> c"[..]));
    }

    #[test]
    fn arrow_in_a_regular_file_name_is_kept() {
        let e = ok("-rw-r--r-- 1 0 0 7 Jan 10 09:15 a -> b");
        assert_eq!(e.name, b"a -> b");
        assert_eq!(e.link_target, None);
    }

    #[test]
    fn device_files_have_size_zero() {
        assert_eq!(
            ok("crw-rw-rw- 1 root root 1,   3 Mar  5 14:02 null").size,
            0
        );
        assert_eq!(ok("brw-rw---- 1 root disk 8,0 Mar  5 14:02 sda").size, 0);
    }

    #[test]
    fn malformed_fields_are_named() {
        let e = |l: &str| parse_line(l.as_bytes(), now()).unwrap_err();
        assert_eq!(
            e("-rw-r--r-- 1 0 0 12 Mar 5 25:00 x"),
            SkipReason::Malformed(Field::Time)
        );
        assert_eq!(
            e("-rw-r--r-- 1 0 0 12 Feb 30 2019 x"),
            SkipReason::Malformed(Field::Date)
        );
        assert_eq!(
            e("-rw-r--r-- 1 0 0 12 Foo 5 2019 x"),
            SkipReason::Malformed(Field::Date)
        );
        assert_eq!(
            e("-rw-r--r-- 1 0 0 12 Mar 5 2019"),
            SkipReason::Malformed(Field::Name)
        );
        assert_eq!(
            e("-rw-r--r-- 1 0 0 99999999999999999999 Mar 5 2019 x"),
            SkipReason::Malformed(Field::Size)
        );
        assert_eq!(
            e("xrw-r--r-- 1 0 0 12 Mar 5 2019 x"),
            SkipReason::Malformed(Field::Kind)
        );
        assert_eq!(e("total 42"), SkipReason::Summary);
    }

    #[test]
    fn never_panics_on_truncated_lines() {
        let full = b"lrwxrwxrwx+  1 0 0 1,2 Mar 5 14:02 x -> y";
        for n in 0..=full.len() {
            let _ = parse_line(&full[..n], now());
        }
    }
}
