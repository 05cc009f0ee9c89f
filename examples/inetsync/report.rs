//! The final summary: human text on stderr, JSON on stdout with --json.

use serde::Serialize;

/// What a run did.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Summary {
    /// `pull`, `push`.
    pub command: String,
    /// Source, without credentials.
    pub source: String,
    /// Target, without credentials.
    pub target: String,
    /// Nothing was changed (--dry-run).
    pub dry_run: bool,
    /// Files planned for copying.
    pub planned: u64,
    /// Files copied.
    pub copied: u64,
    /// Files continued from a partial copy.
    pub resumed: u64,
    /// Bytes copied.
    pub bytes: u64,
    /// Files already up to date.
    pub skipped: u64,
    /// Files left out by --include/--exclude.
    pub excluded: u64,
    /// Extraneous target files.
    pub extraneous: u64,
    /// Files deleted.
    pub deleted: u64,
    /// Why deletions were not done, if they were asked for and skipped.
    pub delete_skipped: Option<String>,
    /// Remote names refused as unsafe.
    pub refused: Vec<String>,
    /// Error messages.
    pub errors: Vec<String>,
    /// Seconds.
    pub elapsed: f64,
    /// Bytes per second.
    pub rate: f64,
    /// The exit code.
    pub exit_code: u8,
}

fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

impl Summary {
    /// The human summary.
    pub fn text(&self) -> String {
        let mut s = String::new();
        let verb = if self.dry_run { "would copy" } else { "copied" };
        let count = if self.dry_run {
            self.planned
        } else {
            self.copied
        };
        s.push_str(&format!(
            "{verb} {count} files ({}), {} up to date, {} deleted, {} errors in {:.2}s ({}/s)",
            human_bytes(self.bytes),
            self.skipped,
            self.deleted,
            self.errors.len() + self.refused.len(),
            self.elapsed,
            human_bytes(self.rate as u64),
        ));
        if self.resumed > 0 {
            s.push_str(&format!(", {} resumed", self.resumed));
        }
        if self.excluded > 0 {
            s.push_str(&format!(", {} excluded", self.excluded));
        }
        if let Some(why) = &self.delete_skipped {
            s.push_str(&format!(
                "\nnot deleting {} extraneous files: {why}",
                self.extraneous
            ));
        } else if self.extraneous > 0 && self.deleted == 0 {
            s.push_str(&format!(
                "\n{} extraneous files kept (use --delete to remove them)",
                self.extraneous
            ));
        }
        s
    }

    /// The JSON summary.
    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".to_owned())
    }
}
