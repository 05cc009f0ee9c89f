//! Progress: an indicatif total bar (files and bytes) and one line per active transfer, fed by
//! the byte counts of the transfers and by the engine's status events. No bars when stderr is
//! not a terminal (or with -q / --json).

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Called with (path, bytes of this file so far) after each piece (tests use it to act
/// mid-file without timing).
pub type ByteHook = Arc<dyn Fn(&str, u64) + Send + Sync>;

/// The progress display of one run.
pub struct Progress {
    multi: Option<MultiProgress>,
    total: std::sync::OnceLock<ProgressBar>,
    files_total: AtomicU64,
    files_done: AtomicU64,
    bytes: AtomicU64,
    hook: Option<ByteHook>,
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Progress")
            .field("bytes", &self.bytes)
            .finish_non_exhaustive()
    }
}

impl Progress {
    /// Bars only when `show` and stderr is a terminal.
    pub fn new(show: bool, hook: Option<ByteHook>) -> Progress {
        let multi = (show && std::io::stderr().is_terminal())
            .then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr()));
        Progress {
            multi,
            total: std::sync::OnceLock::new(),
            files_total: AtomicU64::new(0),
            files_done: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            hook,
        }
    }

    /// Starts the total bar for `files` files of `bytes` bytes.
    pub fn begin(&self, files: u64, bytes: u64) {
        self.files_total.store(files, Ordering::Relaxed);
        if let Some(m) = &self.multi {
            let bar = m.add(ProgressBar::new(bytes));
            bar.set_style(
                ProgressStyle::with_template(
                    "{prefix:.dim} {msg:>14} [{bar:30}] {bytes}/{total_bytes} {binary_bytes_per_sec} eta {eta}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar.set_message(format!("0/{files} files"));
            let _ = self.total.set(bar);
        }
    }

    /// Whether bars are drawn.
    pub fn shows_bars(&self) -> bool {
        self.multi.is_some()
    }

    /// Prints a line above the bars (or to stderr without them).
    pub fn println(&self, line: &str) {
        match &self.multi {
            Some(m) => {
                let _ = m.println(line);
            }
            None => eprintln!("{line}"),
        }
    }

    /// Shows a status event on the total bar.
    pub fn status(&self, text: &str) {
        if let Some(t) = self.total.get() {
            t.set_prefix(text.to_owned());
        }
    }

    /// One file starts.
    pub fn start(self: &Arc<Self>, path: &str, size: u64) -> FileProgress {
        let bar = self.multi.as_ref().map(|m| {
            let b = m.add(ProgressBar::new(size));
            b.set_style(
                ProgressStyle::with_template(
                    "  {wide_msg} {bytes:>10}/{total_bytes:<10} {binary_bytes_per_sec:>12}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            b.set_message(path.to_owned());
            b
        });
        FileProgress {
            overall: Arc::clone(self),
            path: path.to_owned(),
            bar,
            done: 0,
        }
    }

    /// Bytes copied so far in this run.
    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// Clears the bars.
    pub fn finish(&self) {
        if let Some(t) = self.total.get() {
            t.finish_and_clear();
        }
        if let Some(m) = &self.multi {
            let _ = m.clear();
        }
    }
}

/// The progress of one file.
pub struct FileProgress {
    overall: Arc<Progress>,
    path: String,
    bar: Option<ProgressBar>,
    done: u64,
}

impl FileProgress {
    /// `n` more bytes arrived.
    pub fn add(&mut self, n: u64) {
        self.done += n;
        self.overall.bytes.fetch_add(n, Ordering::Relaxed);
        if let Some(b) = &self.bar {
            b.inc(n);
        }
        if let Some(t) = self.overall.total.get() {
            t.inc(n);
        }
        if let Some(h) = &self.overall.hook {
            h(&self.path, self.done);
        }
    }

    /// A retry starts over (or from an offset).
    pub fn restart(&mut self, from: u64) {
        let back = self.done.saturating_sub(from);
        self.overall
            .bytes
            .fetch_sub(back.min(self.overall.bytes()), Ordering::Relaxed);
        if let Some(t) = self.overall.total.get() {
            t.set_position(t.position().saturating_sub(back));
        }
        self.done = from;
        if let Some(b) = &self.bar {
            b.set_position(from);
        }
    }
}

impl Drop for FileProgress {
    fn drop(&mut self) {
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
        }
    }
}

impl Progress {
    /// One more file is finished (either way).
    pub fn file_done(&self) {
        let done = self.files_done.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(t) = self.total.get() {
            let total = self.files_total.load(Ordering::Relaxed);
            t.set_message(format!("{done}/{total} files"));
        }
    }
}
