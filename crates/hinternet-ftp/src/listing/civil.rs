//! Calendar arithmetic for listing times: civil date ↔ days since 1970-01-01 (proleptic
//! Gregorian, Howard Hinnant's algorithms), checked construction of `SystemTime`s, and the
//! year inference for Unix lines that give no year.
//!
//! Every function here is total: invalid dates come back as `None`, never as a panic.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Whether `y` is a Gregorian leap year.
pub(crate) fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Days in month `m` (1..=12) of year `y`; 0 for an invalid month.
pub(crate) fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a valid civil date.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date (year, month, day) of a day count since 1970-01-01.
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// A wall-clock date and time as listed, not yet checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Civil {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub nanos: u32,
}

impl Civil {
    /// A date at midnight.
    pub(crate) fn date(year: i64, month: u32, day: u32) -> Self {
        Civil {
            year,
            month,
            day,
            hour: 0,
            minute: 0,
            second: 0,
            nanos: 0,
        }
    }

    /// Seconds since the Unix epoch, when every field is in range (years 1601..=9999).
    pub(crate) fn unix_seconds(&self) -> Option<i64> {
        let valid = (1601..=9999).contains(&self.year)
            && (1..=12).contains(&self.month)
            && self.day >= 1
            && self.day <= days_in_month(self.year, self.month)
            && self.hour < 24
            && self.minute < 60
            && self.second < 60
            && self.nanos < 1_000_000_000;
        if !valid {
            return None;
        }
        let days = days_from_civil(self.year, self.month, self.day);
        Some(
            days * 86_400
                + i64::from(self.hour) * 3_600
                + i64::from(self.minute) * 60
                + i64::from(self.second),
        )
    }

    /// The time as a `SystemTime` (the wall clock taken as UTC), when valid.
    pub(crate) fn to_system_time(self) -> Option<SystemTime> {
        let secs = self.unix_seconds()?;
        let t = if secs >= 0 {
            UNIX_EPOCH.checked_add(Duration::from_secs(secs.unsigned_abs()))?
        } else {
            UNIX_EPOCH.checked_sub(Duration::from_secs(secs.unsigned_abs()))?
        };
        t.checked_add(Duration::from_nanos(u64::from(self.nanos)))
    }
}

/// Signed seconds since the Unix epoch of a `SystemTime` (saturating far outside ±292e9 years).
pub(crate) fn system_time_seconds(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => i64::try_from(e.duration().as_secs()).map_or(i64::MIN, |s| -s),
    }
}

/// How far ahead of `now` a date without a year may lie and still be this year's: about six
/// months (183 days).
pub(crate) const FUTURE_WINDOW_SECS: i64 = 183 * 86_400;

/// Resolves a Unix `ls` date without a year ("Mar  5 14:02"). `ls` drops the year only for
/// times in the last six months, so the date is taken in the year of `now`, unless that puts
/// it [`FUTURE_WINDOW_SECS`] (about six months) or more ahead of `now`: then it belongs to the
/// previous year (the rule of Go's jlaffaye/ftp, read off GNU `info ls`). Times a little ahead
/// of `now` (clock skew) stay in this year. February 29 in a common year falls back to the
/// previous year when that is a leap year; otherwise the date is invalid.
pub(crate) fn infer_year(
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    now: SystemTime,
) -> Option<SystemTime> {
    let (now_secs, year) = now_facts(now);
    let at = |y: i64| Civil {
        hour,
        minute,
        ..Civil::date(y, month, day)
    };
    match at(year).unix_seconds() {
        Some(secs) if secs < now_secs.saturating_add(FUTURE_WINDOW_SECS) => seconds_to_time(secs),
        _ => at(year - 1).to_system_time(),
    }
}

/// `now` in seconds and its year; the last answer is kept per thread, since a listing asks
/// for the same `now` on every line.
fn now_facts(now: SystemTime) -> (i64, i64) {
    thread_local! {
        static LAST: std::cell::Cell<Option<(SystemTime, i64, i64)>> =
            const { std::cell::Cell::new(None) };
    }
    LAST.with(|last| match last.get() {
        Some((t, secs, year)) if t == now => (secs, year),
        _ => {
            let secs = system_time_seconds(now);
            let year = civil_from_days(secs.div_euclid(86_400)).0; // the year of `now`, UTC
            last.set(Some((now, secs, year)));
            (secs, year)
        }
    })
}

/// The `SystemTime` of whole seconds since the Unix epoch.
fn seconds_to_time(secs: i64) -> Option<SystemTime> {
    if secs >= 0 {
        UNIX_EPOCH.checked_add(Duration::from_secs(secs.unsigned_abs()))
    } else {
        UNIX_EPOCH.checked_sub(Duration::from_secs(secs.unsigned_abs()))
    }
}

/// The month number (1..=12) of an English three-letter month abbreviation, any case.
pub(crate) fn month_from_abbrev(s: &[u8]) -> Option<u32> {
    const MONTHS: [&[u8; 3]; 12] = [
        b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov",
        b"dec",
    ];
    if s.len() != 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(s))
        .and_then(|i| u32::try_from(i + 1).ok())
}

/// Parses an all-ASCII-digit field of at most `max_len` digits.
pub(crate) fn digits_u32(s: &[u8], max_len: usize) -> Option<u32> {
    if s.is_empty() || s.len() > max_len || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    s.iter().try_fold(0u32, |acc, &b| {
        acc.checked_mul(10)?.checked_add(u32::from(b - b'0'))
    })
}

/// Parses an all-ASCII-digit field as a `u64`, rejecting overflow.
pub(crate) fn digits_u64(s: &[u8]) -> Option<u64> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    s.iter().try_fold(0u64, |acc, &b| {
        acc.checked_mul(10)?.checked_add(u64::from(b - b'0'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i64, m: u32, d: u32, h: u32, min: u32) -> SystemTime {
        Civil {
            hour: h,
            minute: min,
            ..Civil::date(y, m, d)
        }
        .to_system_time()
        .unwrap()
    }

    #[test]
    fn civil_round_trips_across_eras_and_leap_days() {
        for days in [-719_468i64, -1, 0, 1, 10_957, 11_016, 19_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn invalid_dates_are_none() {
        assert_eq!(Civil::date(2019, 2, 29).unix_seconds(), None);
        assert_eq!(Civil::date(2019, 13, 1).unix_seconds(), None);
        assert_eq!(Civil::date(2019, 4, 31).unix_seconds(), None);
        assert_eq!(Civil::date(1600, 1, 1).unix_seconds(), None);
        assert_eq!(Civil::date(2020, 2, 29).unix_seconds(), Some(1_582_934_400));
    }

    #[test]
    fn dates_before_1970_are_representable() {
        let t = Civil::date(1969, 12, 31).to_system_time().unwrap();
        assert_eq!(UNIX_EPOCH.duration_since(t).unwrap().as_secs(), 86_400);
    }

    #[test]
    fn year_inference_takes_this_year_unless_six_months_ahead() {
        let now = at(2026, 11, 22, 3, 0);
        // Within the last six months: this year.
        assert_eq!(infer_year(6, 1, 10, 0, now), Some(at(2026, 6, 1, 10, 0)));
        // Older than six months (libunftp never prints a year): still this year.
        assert_eq!(infer_year(1, 5, 0, 0, now), Some(at(2026, 1, 5, 0, 0)));
        // A little ahead (clock skew): still this year.
        assert_eq!(infer_year(12, 1, 0, 0, now), Some(at(2026, 12, 1, 0, 0)));
        let now = at(2026, 2, 1, 12, 0);
        // More than six months ahead: previous year.
        assert_eq!(
            infer_year(12, 31, 23, 59, now),
            Some(at(2025, 12, 31, 23, 59))
        );
        assert_eq!(infer_year(9, 1, 0, 0, now), Some(at(2025, 9, 1, 0, 0)));
        // Just under 183 days ahead stays, 183 days ahead goes back a year.
        assert_eq!(infer_year(8, 2, 11, 59, now), Some(at(2026, 8, 2, 11, 59)));
        assert_eq!(infer_year(8, 3, 12, 0, now), Some(at(2025, 8, 3, 12, 0)));
        // Feb 29 without a leap year this year or last is invalid.
        assert_eq!(infer_year(2, 29, 0, 0, now), None);
        let now = at(2029, 1, 10, 0, 0);
        assert_eq!(infer_year(2, 29, 0, 0, now), Some(at(2028, 2, 29, 0, 0)));
        let now = at(2028, 3, 1, 0, 0);
        assert_eq!(infer_year(2, 29, 0, 0, now), Some(at(2028, 2, 29, 0, 0)));
    }

    #[test]
    fn month_abbreviations_are_case_insensitive() {
        assert_eq!(month_from_abbrev(b"Mar"), Some(3));
        assert_eq!(month_from_abbrev(b"DEC"), Some(12));
        assert_eq!(month_from_abbrev(b"March"), None);
        assert_eq!(month_from_abbrev(b"Mrz"), None);
    }

    #[test]
    fn digit_fields_reject_overflow_and_junk() {
        assert_eq!(digits_u64(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(digits_u64(b"18446744073709551616"), None);
        assert_eq!(digits_u64(b"12a"), None);
        assert_eq!(digits_u32(b"123", 2), None);
        assert_eq!(digits_u32(b"", 2), None);
    }
}
