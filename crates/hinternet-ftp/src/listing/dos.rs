//! DOS / IIS style lines, the `LIST` format of Microsoft IIS in its default "MS-DOS" directory
//! listing style (and of a few Windows servers that imitate it).
//!
//! ```text
//! 03-05-19  02:02PM       <DIR>          pub
//! 03-05-2019  02:02PM              1,234 report.pdf
//! 11-30-98  11:59AM                 1234 old.txt
//! ```
//!
//! Accepted:
//!
//! * the date as `MM-DD-YY` or `MM-DD-YYYY` (`-` or `/`). When the first number cannot be a
//!   month but the second can, the date is read as `DD-MM` instead. Two-digit years follow
//!   WinINet's own pivot (`InternetTimeToSystemTime`): 00–79 are 2000–2079, 80–99 are
//!   1980–1999;
//! * the time as `HH:MM` with `AM`/`PM` attached or as a separate word (12-hour: `12:xxAM` is
//!   just after midnight, `12:xxPM` just after noon), or `HH:MM` on a 24-hour clock;
//! * `<DIR>` (any case) for directories, otherwise the size, with or without thousands
//!   separators (`1,234,567` or `1.234.567`; groups must be three digits);
//! * the name after the blanks that follow; leading blanks of a name cannot be told apart
//!   from the column padding and are lost (Windows itself does not keep them).
//!
//! Attributes: DIRECTORY for `<DIR>`, NORMAL otherwise (the format has no permissions).
//! Times have `Minute` precision; the listing gives none for directories' sizes (0).

use hinternet_core::{FindData, TimePrecision, Timestamp};

use super::civil::{Civil, digits_u32, digits_u64};
use super::{Field, SkipReason, attributes, tokens, trim_eol};

/// Whether the line starts with a DOS date (`MM-DD-YY` or `MM-DD-YYYY`) followed by a blank.
pub fn looks_like(line: &[u8]) -> bool {
    let toks = tokens(line);
    toks.first()
        .filter(|&&(s, _)| s == 0)
        .and_then(|&(s, e)| line.get(s..e))
        .is_some_and(|d| split_date(d).is_some())
}

/// Splits a date token into its three numeric parts (each validated as digits only).
fn split_date(d: &[u8]) -> Option<(u32, u32, &[u8])> {
    let sep = *d.get(2)?;
    if sep != b'-' && sep != b'/' {
        return None;
    }
    if d.get(5) != Some(&sep) || !(d.len() == 8 || d.len() == 10) {
        return None;
    }
    let a = digits_u32(d.get(..2)?, 2)?;
    let b = digits_u32(d.get(3..5)?, 2)?;
    let y = d.get(6..)?;
    digits_u32(y, 4)?;
    Some((a, b, y))
}

fn parse_date(d: &[u8]) -> Option<(i64, u32, u32)> {
    let (a, b, y) = split_date(d)?;
    let year = i64::from(digits_u32(y, 4)?);
    let year = match y.len() {
        2 if year < 80 => 2000 + year,
        2 => 1900 + year,
        _ => year,
    };
    let (month, day) = if a > 12 && b <= 12 { (b, a) } else { (a, b) };
    Some((year, month, day))
}

/// Parses `HH:MM` with an optional `AM`/`PM` suffix, to 24-hour `(hour, minute)`.
fn parse_time(t: &[u8], suffix: Option<&[u8]>) -> Option<(u32, u32)> {
    let colon = t.iter().position(|&b| b == b':')?;
    let h = digits_u32(t.get(..colon)?, 2)?;
    let m = t.get(colon + 1..)?;
    if m.len() != 2 {
        return None;
    }
    let m = digits_u32(m, 2)?;
    if m > 59 {
        return None;
    }
    let h = match suffix {
        None if h <= 23 => h,
        None => return None,
        Some(_) if !(1..=12).contains(&h) => return None,
        Some(s) if s.eq_ignore_ascii_case(b"AM") => h % 12,
        Some(_) => h % 12 + 12,
    };
    Some((h, m))
}

fn is_ampm(s: &[u8]) -> bool {
    s.eq_ignore_ascii_case(b"AM") || s.eq_ignore_ascii_case(b"PM")
}

/// Parses a size with optional thousands separators (`,` or `.`, consistently, groups of 3).
fn parse_size(s: &[u8]) -> Option<u64> {
    let sep = s.iter().copied().find(|&b| b == b',' || b == b'.');
    let Some(sep) = sep else {
        return digits_u64(s);
    };
    let mut digits = Vec::with_capacity(s.len());
    for (i, group) in s.split(|&b| b == sep).enumerate() {
        let len_ok = if i == 0 {
            (1..=3).contains(&group.len())
        } else {
            group.len() == 3
        };
        if !len_ok || !group.iter().all(u8::is_ascii_digit) {
            return None;
        }
        digits.extend_from_slice(group);
    }
    digits_u64(&digits)
}

/// Parses one DOS / IIS line.
///
/// # Errors
///
/// [`SkipReason::Blank`] for a blank line; [`SkipReason::Malformed`] naming the field that is
/// wrong (a line that does not start with a date is `Malformed(Field::Date)`).
pub fn parse_line(line: &[u8]) -> Result<FindData, SkipReason> {
    let line = trim_eol(line);
    if line.trim_ascii().is_empty() {
        return Err(SkipReason::Blank);
    }
    let toks = tokens(line);
    let tok = |k: usize| toks.get(k).and_then(|&(s, e)| line.get(s..e));
    if toks.first().is_none_or(|&(s, _)| s != 0) {
        return Err(SkipReason::Malformed(Field::Date));
    }
    let (year, month, day) = tok(0)
        .and_then(parse_date)
        .ok_or(SkipReason::Malformed(Field::Date))?;

    let time_tok = tok(1).ok_or(SkipReason::Malformed(Field::Time))?;
    let mut next = 2;
    let (clock, suffix) = match time_tok.len().checked_sub(2).map(|n| time_tok.split_at(n)) {
        Some((clock, suf)) if is_ampm(suf) => (clock, Some(suf)),
        _ => match tok(2).filter(|t| is_ampm(t)) {
            Some(suf) => {
                next = 3;
                (time_tok, Some(suf))
            }
            None => (time_tok, None),
        },
    };
    let (hour, minute) = parse_time(clock, suffix).ok_or(SkipReason::Malformed(Field::Time))?;
    let time = Civil {
        hour,
        minute,
        ..Civil::date(year, month, day)
    }
    .to_system_time()
    .ok_or(SkipReason::Malformed(Field::Date))?;

    let kind = tok(next).ok_or(SkipReason::Malformed(Field::Size))?;
    let (is_dir, size) = if kind.eq_ignore_ascii_case(b"<DIR>") {
        (true, 0)
    } else {
        (
            false,
            parse_size(kind).ok_or(SkipReason::Malformed(Field::Size))?,
        )
    };
    let name_start = toks
        .get(next + 1)
        .map(|&(s, _)| s)
        .ok_or(SkipReason::Malformed(Field::Name))?;
    let name = line
        .get(name_start..)
        .ok_or(SkipReason::Malformed(Field::Name))?;

    let mut entry = FindData::new(name, size);
    entry.attributes = attributes(is_dir, false);
    entry.modified = Some(Timestamp::new(time, TimePrecision::Minute));
    Ok(entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twelve_oclock_am_and_pm() {
        assert_eq!(parse_time(b"12:05", Some(b"AM")), Some((0, 5)));
        assert_eq!(parse_time(b"12:05", Some(b"PM")), Some((12, 5)));
        assert_eq!(parse_time(b"01:00", Some(b"pm")), Some((13, 0)));
        assert_eq!(parse_time(b"00:00", Some(b"AM")), None);
        assert_eq!(parse_time(b"13:00", Some(b"PM")), None);
        assert_eq!(parse_time(b"23:59", None), Some((23, 59)));
        assert_eq!(parse_time(b"24:00", None), None);
    }

    #[test]
    fn sizes_with_separators_need_groups_of_three() {
        assert_eq!(parse_size(b"1,234,567"), Some(1_234_567));
        assert_eq!(parse_size(b"1.234"), Some(1_234));
        assert_eq!(parse_size(b"1234"), Some(1_234));
        assert_eq!(parse_size(b"1,23"), None);
        assert_eq!(parse_size(b"1,234.567"), None);
        assert_eq!(parse_size(b",123"), None);
        assert_eq!(parse_size(b"1234,567"), None);
    }

    #[test]
    fn two_digit_years_pivot_at_80() {
        assert_eq!(parse_date(b"03-05-79"), Some((2079, 3, 5)));
        assert_eq!(parse_date(b"03-05-80"), Some((1980, 3, 5)));
        assert_eq!(parse_date(b"03/05/2019"), Some((2019, 3, 5)));
        assert_eq!(parse_date(b"25-12-19"), Some((2019, 12, 25)));
        assert_eq!(parse_date(b"03-05/19"), None);
        assert_eq!(parse_date(b"03-05-190"), None);
    }

    #[test]
    fn never_panics_on_truncated_lines() {
        let full = b"03-05-2019  02:02 PM       <DIR>          name";
        for n in 0..=full.len() {
            let _ = parse_line(&full[..n]);
        }
    }
}
