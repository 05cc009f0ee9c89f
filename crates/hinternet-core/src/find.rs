//! Directory entries in the shape of `WIN32_FIND_DATA`, shared by every leaf that lists
//! (FTP finds, `file:` finds) and by the front doors that render them.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::consts::{FILE_ATTRIBUTE_DIRECTORY, FILE_ATTRIBUTE_NORMAL, FILE_ATTRIBUTE_READONLY};

/// How precise a listed time is. Listings often give minutes or days only; a mirror compares
/// times within the coarser precision of the two sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TimePrecision {
    /// The day is known, the time of day is not (a Unix `ls` line with a year).
    Day,
    /// Hours and minutes are known (a Unix `ls` line without a year, a DOS line).
    Minute,
    /// Whole seconds (MLSD `modify=YYYYMMDDHHMMSS`, MDTM).
    Second,
    /// Below a second (MLSD fractions, local file systems).
    Exact,
}

impl TimePrecision {
    /// The width of the window within which two times of this precision are equal.
    pub fn window(self) -> Duration {
        match self {
            TimePrecision::Day => Duration::from_secs(86_400),
            TimePrecision::Minute => Duration::from_secs(60),
            TimePrecision::Second => Duration::from_secs(1),
            TimePrecision::Exact => Duration::from_millis(1),
        }
    }
}

/// A point in time together with how precisely it is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timestamp {
    /// The time, UTC.
    pub time: SystemTime,
    /// How precise `time` is.
    pub precision: TimePrecision,
}

impl Timestamp {
    /// A timestamp with the given precision.
    pub fn new(time: SystemTime, precision: TimePrecision) -> Self {
        Timestamp { time, precision }
    }

    /// The time as a Windows `FILETIME` value: 100-ns intervals since 1601-01-01 UTC.
    pub fn to_filetime(self) -> u64 {
        system_time_to_filetime(self.time)
    }
}

/// Seconds between 1601-01-01 and 1970-01-01.
const FILETIME_UNIX_OFFSET_SECS: u64 = 11_644_473_600;

/// Converts a `SystemTime` to a `FILETIME` value (100-ns intervals since 1601-01-01 UTC);
/// times before 1601 become 0.
pub fn system_time_to_filetime(t: SystemTime) -> u64 {
    let base = FILETIME_UNIX_OFFSET_SECS * 10_000_000;
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => base + d.as_secs() * 10_000_000 + u64::from(d.subsec_nanos() / 100),
        Err(e) => {
            let back = e.duration();
            let ticks = back.as_secs() * 10_000_000 + u64::from(back.subsec_nanos() / 100);
            base.saturating_sub(ticks)
        }
    }
}

/// Converts a `FILETIME` value back to a `SystemTime`.
pub fn filetime_to_system_time(ft: u64) -> SystemTime {
    let base = FILETIME_UNIX_OFFSET_SECS * 10_000_000;
    if ft >= base {
        let d = ft - base;
        UNIX_EPOCH + Duration::new(d / 10_000_000, ((d % 10_000_000) * 100) as u32)
    } else {
        let d = base - ft;
        UNIX_EPOCH - Duration::new(d / 10_000_000, ((d % 10_000_000) * 100) as u32)
    }
}

/// One directory entry, shaped like `WIN32_FIND_DATA` but with a 64-bit size, optional times
/// with their precision, and the name as the raw bytes the peer sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindData {
    /// The entry name exactly as listed (not necessarily UTF-8).
    pub name: Vec<u8>,
    /// Size in bytes (0 for directories when the listing gives none).
    pub size: u64,
    /// `FILE_ATTRIBUTE_*` bits: DIRECTORY, NORMAL, READONLY, ...
    pub attributes: u32,
    /// Last modification time, when the listing has one.
    pub modified: Option<Timestamp>,
    /// Creation time, when known.
    pub created: Option<Timestamp>,
    /// Last access time, when known.
    pub accessed: Option<Timestamp>,
    /// For symbolic links: the target as listed.
    pub link_target: Option<Vec<u8>>,
}

impl FindData {
    /// An entry with the given name and size and no other facts (attributes NORMAL).
    pub fn new(name: impl Into<Vec<u8>>, size: u64) -> Self {
        FindData {
            name: name.into(),
            size,
            attributes: FILE_ATTRIBUTE_NORMAL,
            modified: None,
            created: None,
            accessed: None,
            link_target: None,
        }
    }

    /// The name as text (lossy for names that are not UTF-8).
    pub fn name_lossy(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.name)
    }

    /// Whether the entry is a directory.
    pub fn is_dir(&self) -> bool {
        self.attributes & FILE_ATTRIBUTE_DIRECTORY != 0
    }

    /// Whether the entry is read-only.
    pub fn is_readonly(&self) -> bool {
        self.attributes & FILE_ATTRIBUTE_READONLY != 0
    }

    /// Whether the name could not be safely written below a local directory: empty, `.`, `..`,
    /// or containing `/`, `\`, NUL, or a drive letter prefix (`C:`).
    pub fn has_unsafe_name(&self) -> bool {
        let n = &self.name;
        n.is_empty()
            || n == b"."
            || n == b".."
            || n.iter().any(|&b| b == b'/' || b == b'\\' || b == 0)
            || (n.len() >= 2 && n[1] == b':' && n[0].is_ascii_alphabetic())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filetime_of_the_unix_epoch_is_the_known_constant() {
        assert_eq!(system_time_to_filetime(UNIX_EPOCH), 116_444_736_000_000_000);
        assert_eq!(filetime_to_system_time(116_444_736_000_000_000), UNIX_EPOCH);
    }

    #[test]
    fn unsafe_names_are_flagged() {
        for n in [&b".."[..], b"a/b", b"a\\b", b"a\0b", b"C:x", b"", b"."] {
            assert!(FindData::new(n, 0).has_unsafe_name(), "{n:?}");
        }
        assert!(!FindData::new("a..b", 0).has_unsafe_name());
    }
}
