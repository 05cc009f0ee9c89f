//! MLSx fact lines (RFC 3659), the `MLSD` format of vsftpd, ProFTPD, Pure-FTPd, FileZilla
//! Server, libunftp and others.
//!
//! ```text
//! type=file;size=123;modify=20190305140210.123;perm=r; name with spaces
//! type=dir;sizd=4096;modify=20190305140210;perm=flcdmpe;UNIX.mode=0755; pub
//! type=OS.unix=slink:/srv/target;modify=20190305140210; link
//! type=cdir;modify=20190305140210; /pub
//! ```
//!
//! A line is `fact=value;` repeated, one space, then the name up to the end of the line (the
//! name may contain spaces, `;` and `=`; further leading spaces are part of it). Lenient about
//! a missing `;` after the last fact. Fact names are case-insensitive, and so are the `type`
//! values. Facts used:
//!
//! * `type`: `dir` → DIRECTORY; `cdir` / `pdir` → [`SkipReason::SelfOrParent`]; `file` and
//!   anything else (`OS.unix=symlink`, `OS.unix=chr-1/3`, ...) → a file. `OS.unix=slink:T`
//!   gives link target `T`. No `type` fact: a file.
//! * `size` (and `sizd` for directories) → the size; 0 when absent.
//! * `modify` / `create` → modification / creation time, `YYYYMMDDHHMMSS[.f+]`, UTC:
//!   precision `Second`, or `Exact` with a fraction (nanoseconds beyond 9 digits dropped).
//! * `perm`: a file without `w` and `a` is READONLY; a directory without any of `c`, `m`,
//!   `p` (create file, make directory, purge) is READONLY. Without `perm`, `UNIX.mode` (octal)
//!   decides by the owner write bit, as for `ls` lines.
//! * `unique`, `lang`, `media-type`, `charset`, `UNIX.owner`, ... are ignored.
//!
//! A fact with a value that cannot be parsed (`size=12x`, `modify=2019`) makes the line
//! [`SkipReason::Malformed`]: a reported skip is better than an entry with a wrong size.

use hinternet_core::{FindData, TimePrecision, Timestamp};

use super::civil::{Civil, digits_u32, digits_u64};
use super::{Field, SkipReason, attributes, trim_eol};

/// Parses a `YYYYMMDDHHMMSS[.fraction]` time value (UTC).
fn parse_time(v: &[u8]) -> Option<Timestamp> {
    let (main, frac) = match v.iter().position(|&b| b == b'.') {
        Some(p) => (v.get(..p)?, Some(v.get(p + 1..)?)),
        None => (v, None),
    };
    if main.len() != 14 {
        return None;
    }
    let num = |r: std::ops::Range<usize>| main.get(r).and_then(|s| digits_u32(s, 4));
    let mut c = Civil::date(i64::from(num(0..4)?), num(4..6)?, num(6..8)?);
    c.hour = num(8..10)?;
    c.minute = num(10..12)?;
    c.second = num(12..14)?;
    let precision = match frac {
        None => TimePrecision::Second,
        Some(f) => {
            if f.is_empty() || !f.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let mut nanos = 0u32;
            for i in 0..9 {
                nanos = nanos * 10 + f.get(i).map_or(0, |&b| u32::from(b - b'0'));
            }
            c.nanos = nanos;
            TimePrecision::Exact
        }
    };
    Some(Timestamp::new(c.to_system_time()?, precision))
}

/// Parses one MLSD line.
///
/// # Errors
///
/// [`SkipReason::Blank`] for a blank line, [`SkipReason::SelfOrParent`] for `type=cdir` /
/// `type=pdir`, [`SkipReason::Malformed`] for a line without the space before the name
/// (`Facts`), an empty name (`Name`), or a bad `size` (`Size`) or `modify`/`create` (`Date`).
pub fn parse_line(line: &[u8]) -> Result<FindData, SkipReason> {
    let line = trim_eol(line);
    if line.trim_ascii().is_empty() {
        return Err(SkipReason::Blank);
    }
    let space = line
        .iter()
        .position(|&b| b == b' ')
        .ok_or(SkipReason::Malformed(Field::Facts))?;
    let (facts, name) = (
        line.get(..space).unwrap_or_default(),
        line.get(space + 1..).unwrap_or_default(),
    );
    if name.is_empty() {
        return Err(SkipReason::Malformed(Field::Name));
    }

    let mut is_dir = false;
    let mut size = None;
    let mut modified = None;
    let mut created = None;
    let mut perm: Option<&[u8]> = None;
    let mut mode: Option<u32> = None;
    let mut link_target = None;
    for fact in facts.split(|&b| b == b';').filter(|f| !f.is_empty()) {
        let eq = fact
            .iter()
            .position(|&b| b == b'=')
            .ok_or(SkipReason::Malformed(Field::Facts))?;
        let (key, value) = (
            fact.get(..eq).unwrap_or_default(),
            fact.get(eq + 1..).unwrap_or_default(),
        );
        let key_is = |k: &[u8]| key.eq_ignore_ascii_case(k);
        if key_is(b"type") {
            if value.eq_ignore_ascii_case(b"cdir") || value.eq_ignore_ascii_case(b"pdir") {
                return Err(SkipReason::SelfOrParent);
            }
            is_dir = value.eq_ignore_ascii_case(b"dir");
            let slink = b"os.unix=slink:";
            if value.len() >= slink.len()
                && value
                    .get(..slink.len())
                    .is_some_and(|p| p.eq_ignore_ascii_case(slink))
            {
                link_target = value.get(slink.len()..).map(<[u8]>::to_vec);
            }
        } else if key_is(b"size") || key_is(b"sizd") {
            size = Some(digits_u64(value).ok_or(SkipReason::Malformed(Field::Size))?);
        } else if key_is(b"modify") {
            modified = Some(parse_time(value).ok_or(SkipReason::Malformed(Field::Date))?);
        } else if key_is(b"create") {
            created = Some(parse_time(value).ok_or(SkipReason::Malformed(Field::Date))?);
        } else if key_is(b"perm") {
            perm = Some(value);
        } else if key_is(b"unix.mode") {
            mode = u32::from_str_radix(std::str::from_utf8(value).unwrap_or("x"), 8).ok();
        }
    }

    let readonly = match (perm, mode) {
        (Some(p), _) => {
            let has = |c: u8| p.iter().any(|b| b.eq_ignore_ascii_case(&c));
            if is_dir {
                !(has(b'c') || has(b'm') || has(b'p'))
            } else {
                !(has(b'w') || has(b'a'))
            }
        }
        (None, Some(m)) => m & 0o200 == 0,
        (None, None) => false,
    };

    let mut entry = FindData::new(name, size.unwrap_or(0));
    entry.attributes = attributes(is_dir, readonly);
    entry.modified = modified;
    entry.created = created;
    entry.link_target = link_target;
    Ok(entry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn fractions_give_exact_precision_and_nanoseconds() {
        let t = parse_time(b"19700101000001.5").unwrap();
        assert_eq!(t.precision, TimePrecision::Exact);
        assert_eq!(t.time, UNIX_EPOCH + Duration::from_millis(1_500));
        let t = parse_time(b"19700101000001.1234567891").unwrap();
        assert_eq!(t.time, UNIX_EPOCH + Duration::new(1, 123_456_789));
        assert_eq!(
            parse_time(b"19700101000001").unwrap().precision,
            TimePrecision::Second
        );
    }

    #[test]
    fn bad_times_are_rejected() {
        for v in [
            &b"2019"[..],
            b"20190230000000",
            b"20190305246000",
            b"2019030514021x",
            b"20190305140210.",
            b"20190305140210.1a",
            b"+0190305140210",
        ] {
            assert_eq!(parse_time(v), None, "{}", String::from_utf8_lossy(v));
        }
    }

    #[test]
    fn never_panics_on_truncated_lines() {
        let full = b"Type=OS.unix=slink:/x;SIZE=5;modify=20190305140210.1;perm=r;UNIX.mode=0644; n";
        for n in 0..=full.len() {
            let _ = parse_line(&full[..n]);
        }
    }
}
