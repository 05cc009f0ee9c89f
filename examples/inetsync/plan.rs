//! The pure planner: two sorted listings in, a plan out (rclone's march).
//!
//! Both sides are sorted by path (bytewise) and walked in lock step. A path only on the
//! source is *new*; on both sides it is *changed* when the sizes differ, or (unless
//! `--size-only`) when both modification times are known and differ by at least the coarser
//! precision of the two sides; otherwise *unchanged*. A path only on the destination is
//! *extraneous* (deleted with `--delete`). Excluded paths are neither copied nor deleted; a
//! source path that could escape the target (hostile names) is refused.

use hinternet::Timestamp;
use std::cmp::Ordering;
use std::time::SystemTime;

use super::filter::Filter;
use super::safety;

/// One file of a listing: a relative `/`-separated path, its size and modification time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Relative path with `/` separators.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// Modification time with its precision, when known.
    pub modified: Option<Timestamp>,
}

impl Entry {
    /// An entry without a time.
    pub fn new(path: impl Into<String>, size: u64) -> Entry {
        Entry {
            path: path.into(),
            size,
            modified: None,
        }
    }

    /// With a modification time.
    pub fn at(mut self, time: SystemTime, precision: hinternet::TimePrecision) -> Entry {
        self.modified = Some(Timestamp::new(time, precision));
        self
    }
}

/// Why a file is copied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// Not on the destination.
    New,
    /// Sizes differ.
    Size,
    /// Sizes equal, times differ beyond the precision window.
    Time,
}

impl Reason {
    /// A short word for listings.
    pub fn word(self) -> &'static str {
        match self {
            Reason::New => "new",
            Reason::Size => "changed(size)",
            Reason::Time => "changed(time)",
        }
    }
}

/// One file to copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copy {
    /// The source entry.
    pub entry: Entry,
    /// Why.
    pub reason: Reason,
}

/// What to do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Files to copy, in path order.
    pub copies: Vec<Copy>,
    /// Files already up to date.
    pub unchanged: Vec<String>,
    /// Destination files not on the source (removed only with `--delete`).
    pub extraneous: Vec<String>,
    /// Source paths refused, with the reason.
    pub refused: Vec<(String, &'static str)>,
    /// Number of files left out by the filter (both sides).
    pub excluded: usize,
}

impl Plan {
    /// Bytes to copy.
    pub fn copy_bytes(&self) -> u64 {
        self.copies.iter().map(|c| c.entry.size).sum()
    }
}

/// How to compare.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Compare {
    /// Compare sizes only.
    pub size_only: bool,
}

/// Whether two times are equal within the coarser of their precisions.
pub fn same_time(a: Timestamp, b: Timestamp) -> bool {
    let window = a.precision.window().max(b.precision.window());
    let diff = match a.time.duration_since(b.time) {
        Ok(d) => d,
        Err(e) => e.duration(),
    };
    // A time known to the day or minute is truncated: anything within the window after the
    // coarser side's time may be the same instant.
    diff < window
}

fn differs(src: &Entry, dst: &Entry, cmp: Compare) -> Option<Reason> {
    if src.size != dst.size {
        return Some(Reason::Size);
    }
    if cmp.size_only {
        return None;
    }
    match (src.modified, dst.modified) {
        (Some(a), Some(b)) if !same_time(a, b) => Some(Reason::Time),
        _ => None,
    }
}

/// Compares `src` with `dst` (in any order; they are sorted here).
pub fn plan(src: &[Entry], dst: &[Entry], filter: &Filter, cmp: Compare) -> Plan {
    let mut out = Plan::default();
    let mut s: Vec<&Entry> = Vec::with_capacity(src.len());
    for e in src {
        if let Err(why) = safety::check_rel_path(&e.path) {
            out.refused.push((e.path.clone(), why));
        } else if !filter.allows(&e.path) {
            out.excluded += 1;
        } else {
            s.push(e);
        }
    }
    let mut d: Vec<&Entry> = Vec::with_capacity(dst.len());
    for e in dst {
        if safety::check_rel_path(&e.path).is_err() {
            continue;
        }
        if filter.allows(&e.path) {
            d.push(e);
        } else {
            out.excluded += 1;
        }
    }
    s.sort_by(|a, b| a.path.as_bytes().cmp(b.path.as_bytes()));
    s.dedup_by(|a, b| a.path == b.path);
    d.sort_by(|a, b| a.path.as_bytes().cmp(b.path.as_bytes()));
    d.dedup_by(|a, b| a.path == b.path);
    let (mut i, mut j) = (0, 0);
    loop {
        let ord = match (s.get(i), d.get(j)) {
            (None, None) => break,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some(a), Some(b)) => a.path.as_bytes().cmp(b.path.as_bytes()),
        };
        match ord {
            Ordering::Less => {
                out.copies.push(Copy {
                    entry: s[i].clone(),
                    reason: Reason::New,
                });
                i += 1;
            }
            Ordering::Greater => {
                out.extraneous.push(d[j].path.clone());
                j += 1;
            }
            Ordering::Equal => {
                match differs(s[i], d[j], cmp) {
                    Some(reason) => out.copies.push(Copy {
                        entry: s[i].clone(),
                        reason,
                    }),
                    None => out.unchanged.push(s[i].path.clone()),
                }
                i += 1;
                j += 1;
            }
        }
    }
    out.refused.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use hinternet::TimePrecision::{Day, Exact, Minute, Second};
    use std::time::{Duration, UNIX_EPOCH};

    fn t(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_700_000_000 + secs)
    }
    fn none() -> Filter {
        Filter::default()
    }
    fn paths(p: &Plan) -> Vec<(&str, Reason)> {
        p.copies
            .iter()
            .map(|c| (c.entry.path.as_str(), c.reason))
            .collect()
    }

    #[test]
    fn empty_sides_give_an_empty_plan() {
        assert_eq!(plan(&[], &[], &none(), Compare::default()), Plan::default());
    }

    #[test]
    fn source_only_files_are_new_in_path_order() {
        let src = [Entry::new("b", 1), Entry::new("a/x", 2), Entry::new("a", 3)];
        let p = plan(&src, &[], &none(), Compare::default());
        assert_eq!(
            paths(&p),
            [("a", Reason::New), ("a/x", Reason::New), ("b", Reason::New)]
        );
        assert_eq!(p.copy_bytes(), 6);
        assert!(p.unchanged.is_empty() && p.extraneous.is_empty());
    }

    #[test]
    fn a_size_difference_is_a_change_whatever_the_times() {
        let src = [Entry::new("f", 10).at(t(0), Exact)];
        let dst = [Entry::new("f", 11).at(t(0), Exact)];
        let p = plan(&src, &dst, &none(), Compare::default());
        assert_eq!(paths(&p), [("f", Reason::Size)]);
        let p = plan(&src, &dst, &none(), Compare { size_only: true });
        assert_eq!(paths(&p), [("f", Reason::Size)]);
    }

    #[test]
    fn times_are_compared_within_the_coarser_precision() {
        // Minute precision on the source: 59 s apart is the same minute, 60 s is not.
        let src = [Entry::new("f", 5).at(t(0), Minute)];
        let same = [Entry::new("f", 5).at(t(59), Exact)];
        let later = [Entry::new("f", 5).at(t(60), Exact)];
        assert_eq!(
            plan(&src, &same, &none(), Compare::default()).unchanged,
            ["f"]
        );
        assert_eq!(
            paths(&plan(&src, &later, &none(), Compare::default())),
            [("f", Reason::Time)]
        );
        // Seconds vs exact: 1 s apart differs, 0.5 s does not.
        let src = [Entry::new("g", 5).at(t(10), Second)];
        let near = [Entry::new("g", 5).at(t(10) + Duration::from_millis(500), Exact)];
        let far = [Entry::new("g", 5).at(t(11), Exact)];
        assert!(
            plan(&src, &near, &none(), Compare::default())
                .copies
                .is_empty()
        );
        assert_eq!(
            plan(&src, &far, &none(), Compare::default()).copies.len(),
            1
        );
        // Exact on both sides: a millisecond matters.
        let a = [Entry::new("h", 1).at(t(0), Exact)];
        let b = [Entry::new("h", 1).at(t(0) + Duration::from_millis(2), Exact)];
        assert_eq!(plan(&a, &b, &none(), Compare::default()).copies.len(), 1);
        // Day precision: hours apart on the same day are equal.
        let a = [Entry::new("d", 1).at(t(0), Day)];
        let b = [Entry::new("d", 1).at(t(3600 * 5), Exact)];
        assert!(plan(&a, &b, &none(), Compare::default()).copies.is_empty());
    }

    #[test]
    fn size_only_when_a_time_is_unknown_or_asked_for() {
        let src = [Entry::new("f", 5)];
        let dst = [Entry::new("f", 5).at(t(0), Exact)];
        assert_eq!(
            plan(&src, &dst, &none(), Compare::default()).unchanged,
            ["f"]
        );
        let src = [Entry::new("f", 5).at(t(0), Exact)];
        let dst = [Entry::new("f", 5).at(t(1000), Exact)];
        assert_eq!(
            plan(&src, &dst, &none(), Compare { size_only: true }).unchanged,
            ["f"]
        );
    }

    #[test]
    fn unchanged_new_changed_and_extraneous_together() {
        let src = [
            Entry::new("a", 1).at(t(0), Second),
            Entry::new("b", 2).at(t(0), Second),
            Entry::new("c/d", 3).at(t(0), Second),
        ];
        let dst = [
            Entry::new("a", 1).at(t(0), Exact),
            Entry::new("b", 9).at(t(0), Exact),
            Entry::new("c/e", 3).at(t(0), Exact),
            Entry::new("z", 3).at(t(0), Exact),
        ];
        let p = plan(&src, &dst, &none(), Compare::default());
        assert_eq!(paths(&p), [("b", Reason::Size), ("c/d", Reason::New)]);
        assert_eq!(p.unchanged, ["a"]);
        assert_eq!(p.extraneous, ["c/e", "z"]);
    }

    #[test]
    fn excluded_files_are_neither_copied_nor_deleted() {
        let f = Filter::new(&[], &["*.log".into()]).unwrap();
        let src = [Entry::new("a.log", 1), Entry::new("b.txt", 1)];
        let dst = [Entry::new("old.log", 1), Entry::new("old.txt", 1)];
        let p = plan(&src, &dst, &f, Compare::default());
        assert_eq!(paths(&p), [("b.txt", Reason::New)]);
        assert_eq!(p.extraneous, ["old.txt"]);
        assert_eq!(p.excluded, 2);
        let inc = Filter::new(&["sub/**".into()], &[]).unwrap();
        let src = [Entry::new("sub/x", 1), Entry::new("top", 1)];
        let p = plan(&src, &[], &inc, Compare::default());
        assert_eq!(paths(&p), [("sub/x", Reason::New)]);
        assert_eq!(p.excluded, 1);
    }

    #[test]
    fn hostile_source_paths_are_refused_and_never_planned() {
        let src = [
            Entry::new("../evil", 1),
            Entry::new("/etc/passwd", 1),
            Entry::new("a/../../x", 1),
            Entry::new("C:boot", 1),
            Entry::new("a\\b", 1),
            Entry::new("nul\0x", 1),
            Entry::new("fine", 1),
        ];
        let p = plan(&src, &[], &none(), Compare::default());
        assert_eq!(paths(&p), [("fine", Reason::New)]);
        assert_eq!(p.refused.len(), 6);
        assert!(p.refused.iter().any(|(n, _)| n == "../evil"));
    }

    #[test]
    fn the_order_of_the_inputs_does_not_matter() {
        let src = [Entry::new("b", 1), Entry::new("a", 1)];
        let dst = [Entry::new("c", 1), Entry::new("b", 1)];
        let p1 = plan(&src, &dst, &none(), Compare::default());
        let mut s2 = src.to_vec();
        s2.reverse();
        let p2 = plan(&s2, &dst, &none(), Compare::default());
        assert_eq!(p1, p2);
        assert_eq!(p1.unchanged, ["b"]);
        assert_eq!(p1.extraneous, ["c"]);
    }
}
