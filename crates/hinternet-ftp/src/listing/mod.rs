//! Directory listing parsers: pure per-line functions from the bytes a server sends on the data
//! connection to [`FindData`] entries. No sockets here; the session feeds bytes in.
//!
//! # Formats
//!
//! * **Unix `ls -l`** ([`unix`]), as sent by vsftpd, ProFTPD, Pure-FTPd, FileZilla Server,
//!   libunftp, IIS in Unix mode and most others: permissions (with an optional ACL / extended
//!   attribute / SELinux mark `+`, `@`, `.`), link count, owner, group (either may be missing or
//!   numeric), size (or `major, minor` for device files), `Mon DD HH:MM` or `Mon DD  YYYY`, name
//!   (symlinks as `name -> target`). `total N` lines are skipped as [`SkipReason::Summary`].
//! * **DOS / IIS** ([`dos`]): `MM-DD-YY  HH:MMAM  <DIR>|size  name`, 2- or 4-digit years,
//!   12-hour or 24-hour times, sizes with or without thousands separators.
//! * **MLSx facts** ([`mlsx`], RFC 3659 `MLSD` lines): `fact=value;...; name`. Never
//!   auto-detected: the caller chooses [`ListingFormat::Mlsx`] because it sent `MLSD`.
//!
//! # Names
//!
//! Names are the raw bytes the server sent (Latin-1, UTF-8, Shift-JIS, ...), never decoded or
//! rewritten. Names with `/`, `\`, NUL or a drive prefix are kept and listed in
//! [`Listing::flagged`] (see [`FindData::has_unsafe_name`]); callers decide what to do with
//! them. The entries `.` and `..` (and MLSD `cdir` / `pdir`) are dropped and recorded as
//! [`SkipReason::SelfOrParent`].
//!
//! # Times
//!
//! Listing times are the server's wall clock; no time zone is applied (they are stored as if
//! UTC). MLSD `modify` is UTC by RFC 3659. The precision says what the listing gave: `Day`
//! (Unix line with a year), `Minute` (Unix line without a year, DOS), `Second` (MLSD),
//! `Exact` (MLSD with a fractional part). A Unix line without a year takes the year of the
//! caller's `now`, or the previous year when that would put it about six months (183 days) or
//! more in the future (`ls` prints no year only for the last six months; see [`unix`]).
//!
//! # Unparseable lines
//!
//! A line that cannot be parsed is never fatal: it is skipped and recorded in
//! [`Listing::skipped`] with its 1-based line number and a [`SkipReason`]. Blank lines are
//! recorded too ([`SkipReason::Blank`]); [`SkipReason::is_unparsed`] separates lines the parser
//! did not understand from lines that are expected to carry no entry. Lines are separated by LF
//! with an optional CR before it; a last line without a terminator is parsed as well. A line
//! longer than [`MAX_LINE_LEN`] is skipped as [`SkipReason::TooLong`] without being buffered.

use std::time::SystemTime;

use hinternet_core::FindData;
use hinternet_core::consts::{
    FILE_ATTRIBUTE_DIRECTORY, FILE_ATTRIBUTE_NORMAL, FILE_ATTRIBUTE_READONLY,
};

pub(crate) mod civil;
pub mod dos;
pub mod mlsx;
pub mod unix;

/// The longest line the parsers accept, in bytes (without the line terminator).
pub const MAX_LINE_LEN: usize = 16 * 1024;

/// Which listing dialect to expect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum ListingFormat {
    /// `LIST` output: each line is recognised by its shape as Unix or DOS.
    #[default]
    Auto,
    /// `LIST` output known to be Unix `ls -l` style.
    Unix,
    /// `LIST` output known to be DOS / IIS style.
    Dos,
    /// `MLSD` output (RFC 3659 facts).
    Mlsx,
}

/// A part of a line that a parser found malformed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Field {
    /// The Unix permission string or the DOS `<DIR>`/size column.
    Kind,
    /// The size.
    Size,
    /// The date (or the date/time group could not be found at all).
    Date,
    /// The time of day.
    Time,
    /// The name is missing.
    Name,
    /// The MLSx facts are malformed (no `=`, no space before the name).
    Facts,
}

/// Why a listing line produced no entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SkipReason {
    /// An empty or all-blank line.
    Blank,
    /// A Unix `total N` summary line.
    Summary,
    /// The `.` or `..` entry, or an MLSD `cdir` / `pdir` fact line.
    SelfOrParent,
    /// The line matches none of the formats tried.
    Unrecognized,
    /// The line looks like the format but a field is invalid.
    Malformed(Field),
    /// The line is longer than [`MAX_LINE_LEN`].
    TooLong,
}

impl SkipReason {
    /// Whether the line was skipped because it was not understood (as opposed to lines that
    /// carry no entry by design: blank, `total`, `.`/`..`).
    pub fn is_unparsed(self) -> bool {
        matches!(
            self,
            SkipReason::Unrecognized | SkipReason::Malformed(_) | SkipReason::TooLong
        )
    }
}

/// The parsed form of a whole listing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listing {
    /// The entries, in listing order, without `.` and `..`.
    pub entries: Vec<FindData>,
    /// Lines that produced no entry: 1-based line number and why.
    pub skipped: Vec<(usize, SkipReason)>,
    /// Indices into `entries` of entries whose name is unsafe to use as a local file name
    /// ([`FindData::has_unsafe_name`]: contains `/`, `\` or NUL, or has a drive prefix).
    pub flagged: Vec<usize>,
}

impl Listing {
    /// The skipped lines that were not understood ([`SkipReason::is_unparsed`]).
    pub fn unparsed(&self) -> impl Iterator<Item = &(usize, SkipReason)> {
        self.skipped.iter().filter(|(_, r)| r.is_unparsed())
    }
}

/// An incremental listing parser: feed it the data connection's bytes in chunks of any size
/// ([`push`](Self::push)), then [`finish`](Self::finish) to get the [`Listing`].
#[derive(Debug, Clone)]
pub struct ListingParser {
    format: ListingFormat,
    now: SystemTime,
    line_no: usize,
    partial: Vec<u8>,
    overflow: bool,
    listing: Listing,
    /// With [`ListingFormat::Auto`]: the format the first parsed line had, tried first on the
    /// following lines (falling back to detection for a line it does not parse).
    detected: Option<ListingFormat>,
}

impl ListingParser {
    /// A parser for `format`; `now` anchors the year inference of Unix lines without a year.
    pub fn new(format: ListingFormat, now: SystemTime) -> Self {
        ListingParser {
            format,
            now,
            line_no: 0,
            partial: Vec::new(),
            overflow: false,
            listing: Listing::default(),
            detected: None,
        }
    }

    /// Parses one line (a trailing CR/LF is ignored) in this parser's format. `.` and `..`
    /// come back as `Err(SkipReason::SelfOrParent)`.
    ///
    /// # Errors
    ///
    /// The reason the line carries no entry.
    pub fn parse_line(&self, line: &[u8]) -> Result<FindData, SkipReason> {
        self.parse_as(line, self.format).0
    }

    /// Parses one line as `format` (Auto: detected from the line); also returns the format
    /// that recognised it.
    fn parse_as(
        &self,
        line: &[u8],
        format: ListingFormat,
    ) -> (Result<FindData, SkipReason>, Option<ListingFormat>) {
        let line = trim_eol(line);
        if line.len() > MAX_LINE_LEN {
            return (Err(SkipReason::TooLong), None);
        }
        if line.iter().all(|&b| b == b' ' || b == b'\t') {
            return (Err(SkipReason::Blank), None);
        }
        let (entry, used) = match format {
            ListingFormat::Unix => (unix::parse_line(line, self.now), format),
            ListingFormat::Dos => (dos::parse_line(line), format),
            ListingFormat::Mlsx => (mlsx::parse_line(line), format),
            ListingFormat::Auto => {
                if unix::is_total(line) {
                    (Err(SkipReason::Summary), format)
                } else if dos::looks_like(line) {
                    (dos::parse_line(line), ListingFormat::Dos)
                } else if unix::looks_like(line) {
                    (unix::parse_line(line, self.now), ListingFormat::Unix)
                } else {
                    (Err(SkipReason::Unrecognized), format)
                }
            }
        };
        let entry = match entry {
            Ok(e) => e,
            Err(r) => return (Err(r), None),
        };
        if entry.name == b"." || entry.name == b".." {
            return (Err(SkipReason::SelfOrParent), Some(used));
        }
        (Ok(entry), Some(used))
    }

    /// Parses a line of the listing, trying the format detected on earlier lines first.
    fn parse_next(&mut self, line: &[u8]) -> Result<FindData, SkipReason> {
        if self.format == ListingFormat::Auto
            && let Some(f) = self.detected
        {
            match self.parse_as(line, f) {
                (Err(SkipReason::SelfOrParent), _) => return Err(SkipReason::SelfOrParent),
                (Ok(entry), _) => return Ok(entry),
                _ => {}
            }
        }
        let (r, used) = self.parse_as(line, self.format);
        if self.format == ListingFormat::Auto && self.detected.is_none() && r.is_ok() {
            self.detected = used;
        }
        r
    }

    /// Feeds the next chunk of listing bytes.
    pub fn push(&mut self, mut chunk: &[u8]) {
        while let Some(i) = memchr::memchr(b'\n', chunk) {
            let (line, rest) = (&chunk[..i], &chunk[i + 1..]);
            if self.partial.is_empty() && !self.overflow {
                // A whole line in this chunk: parsed where it is, not copied first.
                self.line_no += 1;
                let result = if line.len() > MAX_LINE_LEN + 1 {
                    Err(SkipReason::TooLong)
                } else {
                    self.parse_next(line)
                };
                self.record(result);
            } else {
                self.append_partial(line);
                self.end_line();
            }
            chunk = rest;
        }
        if !chunk.is_empty() {
            self.append_partial(chunk);
        }
    }

    /// Parses a last unterminated line, if any, and returns the listing.
    pub fn finish(mut self) -> Listing {
        if !self.partial.is_empty() || self.overflow {
            self.end_line();
        }
        self.listing
    }

    fn append_partial(&mut self, bytes: &[u8]) {
        if self.overflow {
            return;
        }
        // One byte of slack for the CR that trim_eol removes.
        if self.partial.len() + bytes.len() > MAX_LINE_LEN + 1 {
            self.overflow = true;
            self.partial = Vec::new();
        } else {
            self.partial.extend_from_slice(bytes);
        }
    }

    fn end_line(&mut self) {
        self.line_no += 1;
        let result = if self.overflow {
            Err(SkipReason::TooLong)
        } else {
            let line = std::mem::take(&mut self.partial);
            let r = self.parse_next(&line);
            self.partial = line;
            r
        };
        self.record(result);
        self.partial.clear();
        self.overflow = false;
    }

    fn record(&mut self, result: Result<FindData, SkipReason>) {
        match result {
            Ok(entry) => {
                if entry.has_unsafe_name() {
                    self.listing.flagged.push(self.listing.entries.len());
                }
                self.listing.entries.push(entry);
            }
            Err(reason) => self.listing.skipped.push((self.line_no, reason)),
        }
    }
}

/// Parses a whole listing. Unparseable lines are skipped and recorded, never fatal.
pub fn parse_listing(bytes: &[u8], format: ListingFormat, now: SystemTime) -> Listing {
    let mut parser = ListingParser::new(format, now);
    parser.push(bytes);
    parser.finish()
}

/// Strips one trailing LF, then one trailing CR.
fn trim_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// `FILE_ATTRIBUTE_*` bits for an entry: DIRECTORY and/or READONLY, or NORMAL alone when
/// neither applies (Windows documents NORMAL as valid only on its own).
fn attributes(is_dir: bool, readonly: bool) -> u32 {
    let mut a = 0;
    if is_dir {
        a |= FILE_ATTRIBUTE_DIRECTORY;
    }
    if readonly {
        a |= FILE_ATTRIBUTE_READONLY;
    }
    if a == 0 { FILE_ATTRIBUTE_NORMAL } else { a }
}

/// Token ranges of a line; listing lines have about ten, kept without a heap allocation.
type TokenRanges = smallvec::SmallVec<[(usize, usize); 16]>;

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Splits `line` at runs of spaces/tabs into `(start, end)` byte ranges of the tokens.
fn tokens(line: &[u8]) -> TokenRanges {
    let mut t = Tokens::new(line);
    while t.split_next() {}
    t.found
}

/// The blank-separated tokens of a line, split only as far as they are asked for: the
/// columns before a name are all a parser needs, and the name (which may hold blanks) is
/// taken whole from where they end.
struct Tokens<'a> {
    line: &'a [u8],
    pos: usize,
    found: TokenRanges,
}

impl<'a> Tokens<'a> {
    fn new(line: &'a [u8]) -> Self {
        Tokens {
            line,
            pos: 0,
            found: TokenRanges::new(),
        }
    }

    /// Splits off one more token; false at the end of the line.
    fn split_next(&mut self) -> bool {
        let rest = self.line.get(self.pos..).unwrap_or_default();
        let Some(start) = rest.iter().position(|&b| !is_blank(b)) else {
            self.pos = self.line.len();
            return false;
        };
        let start = self.pos + start;
        let len = self
            .line
            .get(start..)
            .unwrap_or_default()
            .iter()
            .position(|&b| is_blank(b))
            .unwrap_or(self.line.len() - start);
        self.found.push((start, start + len));
        self.pos = start + len;
        true
    }

    fn range(&mut self, k: usize) -> Option<(usize, usize)> {
        while self.found.len() <= k {
            if !self.split_next() {
                return None;
            }
        }
        self.found.get(k).copied()
    }

    /// Token `k`, or `None` when the line has fewer.
    fn get(&mut self, k: usize) -> Option<&'a [u8]> {
        let (s, e) = self.range(k)?;
        self.line.get(s..e)
    }

    /// Where token `k` ends.
    fn end_of(&mut self, k: usize) -> Option<usize> {
        self.range(k).map(|(_, e)| e)
    }
}
