//! Request header lists and HttpAddRequestHeaders' modifier semantics (pure; no I/O).

use hinternet_core::consts::*;
use hinternet_core::{Error, Result};

/// An ordered list of header lines (`name`, `value`), names compared without regard to case.
///
/// Every name and value lives in one string, back to back, and each line is a pair of ranges
/// into it: a whole response head is two allocations, not two per line. A value that is
/// replaced is written anew at the end (a coalesced one grows in place when it is last); once
/// unused bytes outweigh the lines, the text is rewritten without them.
#[derive(Clone, Default)]
pub struct HeaderList {
    text: String,
    lines: Vec<Line>,
}

/// One line's name and value as byte ranges of [`HeaderList::text`].
#[derive(Debug, Clone, Copy)]
struct Line {
    name: (usize, usize),
    value: (usize, usize),
}

impl HeaderList {
    /// An empty list.
    pub fn new() -> Self {
        HeaderList::default()
    }

    /// An empty list with room for `n` lines (of a common length).
    pub fn with_capacity(n: usize) -> Self {
        HeaderList {
            text: String::with_capacity(n * 32),
            lines: Vec::with_capacity(n),
        }
    }

    fn slice(&self, (from, to): (usize, usize)) -> &str {
        &self.text[from..to]
    }

    /// The lines in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.lines
            .iter()
            .map(|l| (self.slice(l.name), self.slice(l.value)))
    }

    /// The number of lines.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The `index`-th value of the header `name` (0-based).
    pub fn get(&self, name: &str, index: usize) -> Option<&str> {
        self.iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .nth(index)
            .map(|(_, v)| v)
    }

    /// Whether a header of that name is present.
    pub fn contains(&self, name: &str) -> bool {
        self.position(name).is_some()
    }

    fn position(&self, name: &str) -> Option<usize> {
        self.lines
            .iter()
            .position(|l| self.slice(l.name).eq_ignore_ascii_case(name))
    }

    /// Writes a value at the end of the text and returns its range.
    fn append(&mut self, write: impl FnOnce(&mut String)) -> (usize, usize) {
        let from = self.text.len();
        write(&mut self.text);
        (from, self.text.len())
    }

    /// Appends a line whose name and value are written straight into the list's text.
    pub fn push_with(&mut self, name: impl FnOnce(&mut String), value: impl FnOnce(&mut String)) {
        let name = self.append(name);
        let value = self.append(value);
        self.lines.push(Line { name, value });
    }

    /// Appends a line (duplicates allowed).
    pub fn push(&mut self, name: &str, value: &str) {
        self.push_with(|t| t.push_str(name), |t| t.push_str(value));
    }

    /// Appends a line whose value is formatted in place (`format_args!`), without a string of
    /// its own.
    pub fn push_fmt(&mut self, name: &str, value: std::fmt::Arguments<'_>) {
        use std::fmt::Write;
        // Writing into a String cannot fail.
        self.push_with(
            |t| t.push_str(name),
            |t| {
                let _ = t.write_fmt(value);
            },
        );
    }

    /// Sets a header: replaces the value of the first line of that name in place, or appends.
    pub fn set(&mut self, name: &str, value: &str) {
        match self.position(name) {
            Some(i) => {
                self.lines[i].value = self.append(|t| t.push_str(value));
                self.compact_if_wasteful();
            }
            None => self.push(name, value),
        }
    }

    /// Rewrites the text without the bytes no line uses any more, once they are more than
    /// the lines themselves (so editing a list stays linear in its size).
    fn compact_if_wasteful(&mut self) {
        let live: usize = self
            .lines
            .iter()
            .map(|l| (l.name.1 - l.name.0) + (l.value.1 - l.value.0))
            .sum();
        if self.text.len() <= 2 * live + 256 {
            return;
        }
        let mut compact = HeaderList::with_capacity(self.lines.len());
        for (n, v) in self.iter() {
            compact.push(n, v);
        }
        *self = compact;
    }

    /// The lines `keep` accepts as an `http` header map, the values sharing one copy of the
    /// text. A name or value `http` refuses is `ERROR_HTTP_INVALID_HEADER`.
    pub fn to_header_map(&self, keep: impl Fn(&str) -> bool) -> Result<http::HeaderMap> {
        let shared = bytes::Bytes::copy_from_slice(self.text.as_bytes());
        let mut map = http::HeaderMap::with_capacity(self.lines.len());
        for l in &self.lines {
            let name = self.slice(l.name);
            if !keep(name) {
                continue;
            }
            let name = http::HeaderName::from_bytes(name.as_bytes())
                .map_err(|e| Error::new(ERROR_HTTP_INVALID_HEADER).with_source(e))?;
            let value = http::HeaderValue::from_maybe_shared(shared.slice(l.value.0..l.value.1))
                .map_err(|e| Error::new(ERROR_HTTP_INVALID_HEADER).with_source(e))?;
            map.append(name, value);
        }
        Ok(map)
    }

    /// Removes every line of that name.
    pub fn remove_all(&mut self, name: &str) {
        let text = &self.text;
        self.lines
            .retain(|l| !text[l.name.0..l.name.1].eq_ignore_ascii_case(name));
        self.compact_if_wasteful();
    }

    /// HttpAddRequestHeaders: applies every line of `text` with `modifiers`
    /// (`HTTP_ADDREQ_FLAG_*`), stopping at the first failure.
    ///
    /// * ADD: always appends (duplicates kept).
    /// * ADD_IF_NEW: appends only when absent, else `ERROR_HTTP_HEADER_ALREADY_EXISTS`.
    /// * REPLACE: removes the first line of that name and appends the new value at the end
    ///   (an empty value only removes); on a missing header `ERROR_HTTP_HEADER_NOT_FOUND`
    ///   unless ADD is also given (then it adds).
    /// * COALESCE(_WITH_COMMA) / COALESCE_WITH_SEMICOLON: appends `", new"` / `"; new"` to the
    ///   first line of that name (adds when absent).
    /// * 0: appends.
    ///
    /// Adding an empty value is `ERROR_INVALID_PARAMETER`; a line without a colon is
    /// `ERROR_HTTP_INVALID_HEADER`.
    pub fn apply(&mut self, text: &str, modifiers: u32) -> Result<()> {
        for (name, value) in parse_header_lines(text)? {
            self.apply_one(&name, &value, modifiers)?;
        }
        Ok(())
    }

    fn apply_one(&mut self, name: &str, value: &str, modifiers: u32) -> Result<()> {
        let replace = modifiers & HTTP_ADDREQ_FLAG_REPLACE != 0;
        let add = modifiers & HTTP_ADDREQ_FLAG_ADD != 0;
        let existing = self.position(name);
        if modifiers & HTTP_ADDREQ_FLAG_ADD_IF_NEW != 0 && existing.is_some() {
            return Err(Error::new(ERROR_HTTP_HEADER_ALREADY_EXISTS));
        }
        if replace {
            return match existing {
                Some(i) => {
                    self.lines.remove(i);
                    self.compact_if_wasteful();
                    if !value.is_empty() {
                        self.push(name, value);
                    }
                    Ok(())
                }
                None if add && !value.is_empty() => {
                    self.push(name, value);
                    Ok(())
                }
                None if add => Ok(()),
                None => Err(Error::new(ERROR_HTTP_HEADER_NOT_FOUND)),
            };
        }
        if value.is_empty() {
            return Err(Error::new(ERROR_INVALID_PARAMETER));
        }
        let sep = if modifiers & HTTP_ADDREQ_FLAG_COALESCE_WITH_SEMICOLON != 0 {
            Some("; ")
        } else if modifiers & HTTP_ADDREQ_FLAG_COALESCE_WITH_COMMA != 0 {
            Some(", ")
        } else {
            None
        };
        match (sep, existing) {
            (Some(sep), Some(i)) if !add => {
                let old = self.lines[i].value;
                if old.1 == self.text.len() {
                    // The value is the last thing written: it grows where it is.
                    self.text.push_str(sep);
                    self.text.push_str(value);
                    self.lines[i].value.1 = self.text.len();
                } else {
                    self.lines[i].value = self.append(|t| {
                        t.extend_from_within(old.0..old.1);
                        t.push_str(sep);
                        t.push_str(value);
                    });
                    self.compact_if_wasteful();
                }
            }
            _ => self.push(name, value),
        }
        Ok(())
    }
}

impl PartialEq for HeaderList {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for HeaderList {}

impl std::fmt::Debug for HeaderList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// Splits a header string into (`name`, `value`) lines. Lenient like native: CR, LF, CRLF and
/// blank lines all separate; surrounding blanks are trimmed. A non-blank line without a colon
/// (or with an empty name) is `ERROR_HTTP_INVALID_HEADER`.
pub fn parse_header_lines(text: &str) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for line in text.split(['\r', '\n']) {
        let line = line.trim_matches([' ', '\t']);
        if line.is_empty() {
            continue;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(Error::new(ERROR_HTTP_INVALID_HEADER)
                .with_context(format!("header line without a colon: {line:?}")));
        };
        let name = name.trim_matches([' ', '\t']);
        if name.is_empty() || name.contains([' ', '\t']) {
            return Err(Error::new(ERROR_HTTP_INVALID_HEADER));
        }
        out.push((name.to_owned(), value.trim_matches([' ', '\t']).to_owned()));
    }
    Ok(out)
}

/// Removes dot segments from the path part of a request target (RFC 3986 §5.2.4); the query
/// is left alone. `"/A/../B/./C/../../x"` becomes `"/x"`.
pub fn remove_dot_segments(target: &str) -> String {
    let (path, rest) = match target.find(['?', '#']) {
        Some(i) => target.split_at(i),
        None => (target, ""),
    };
    if !path.contains('.') {
        return target.to_owned();
    }
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').collect();
    let last = segments.len() - 1;
    for (i, seg) in segments.iter().enumerate() {
        match *seg {
            "." => {
                if i == last {
                    out.push("");
                }
            }
            ".." => {
                if out.len() > 1 || (out.len() == 1 && !out[0].is_empty()) {
                    out.pop();
                }
                if i == last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    let mut p = out.join("/");
    if path.starts_with('/') && !p.starts_with('/') {
        p.insert(0, '/');
    }
    p + rest
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warnings(h: &HeaderList) -> Vec<&str> {
        (0..).map_while(|i| h.get("Warning", i)).collect::<Vec<_>>()
    }

    #[test]
    fn modifier_sequence_matches_native_e57() {
        let mut h = HeaderList::new();
        h.apply("Warning:test1", HTTP_ADDREQ_FLAG_ADD).unwrap();
        h.apply("Warning:test2", HTTP_ADDREQ_FLAG_ADD).unwrap();
        assert_eq!(warnings(&h), ["test1", "test2"]);
        h.apply("Warning:test3", HTTP_ADDREQ_FLAG_REPLACE).unwrap();
        assert_eq!(warnings(&h), ["test2", "test3"]);
        let e = h
            .apply("Warning:test4", HTTP_ADDREQ_FLAG_ADD_IF_NEW)
            .unwrap_err();
        assert_eq!(e.code(), ERROR_HTTP_HEADER_ALREADY_EXISTS);
        h.apply("Warning:test4", HTTP_ADDREQ_FLAG_COALESCE).unwrap();
        assert_eq!(warnings(&h), ["test2, test4", "test3"]);
        h.apply("Warning:test5", HTTP_ADDREQ_FLAG_COALESCE_WITH_COMMA)
            .unwrap();
        assert_eq!(warnings(&h), ["test2, test4, test5", "test3"]);
        h.apply("Warning:test6", HTTP_ADDREQ_FLAG_COALESCE_WITH_SEMICOLON)
            .unwrap();
        assert_eq!(warnings(&h), ["test2, test4, test5; test6", "test3"]);
        h.apply(
            "Warning:test7",
            HTTP_ADDREQ_FLAG_ADD | HTTP_ADDREQ_FLAG_REPLACE,
        )
        .unwrap();
        assert_eq!(warnings(&h), ["test3", "test7"]);
    }

    #[test]
    fn replace_with_empty_value_removes_and_missing_replace_fails() {
        let mut h = HeaderList::new();
        h.apply("Authorization: Basic x\r\n", 0).unwrap();
        h.apply("Authorization:", HTTP_ADDREQ_FLAG_REPLACE).unwrap();
        assert!(!h.contains("authorization"));
        let e = h.apply("Host: x", HTTP_ADDREQ_FLAG_REPLACE).unwrap_err();
        assert_eq!(e.code(), ERROR_HTTP_HEADER_NOT_FOUND);
        let e = h.apply("X-Empty:", HTTP_ADDREQ_FLAG_ADD).unwrap_err();
        assert_eq!(e.code(), ERROR_INVALID_PARAMETER);
    }

    #[test]
    fn lenient_separators_and_colonless_lines() {
        let lines = parse_header_lines("a: 1\r\n\r\nb: 2\r\rc: 3\n\nd: 4\re: 5").unwrap();
        let names: Vec<_> = lines.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["a", "b", "c", "d", "e"]);
        let e = parse_header_lines("NoColonHere\r\n").unwrap_err();
        assert_eq!(e.code(), ERROR_HTTP_INVALID_HEADER);
    }

    #[test]
    fn editing_a_list_keeps_its_text_in_proportion() {
        let mut h = HeaderList::new();
        h.push("A", "1");
        h.push("B", "2");
        for i in 0..10_000 {
            // Coalescing into a line that is not the last one rewrites its value each time.
            h.apply(&format!("A: v{i}"), HTTP_ADDREQ_FLAG_COALESCE_WITH_COMMA)
                .unwrap();
            h.set("B", &format!("b{i}"));
        }
        let a = h.get("A", 0).unwrap();
        assert!(a.starts_with("1, v0, v1, ") && a.ends_with(", v9999"));
        assert_eq!(h.get("B", 0), Some("b9999"));
        let live: usize = h.iter().map(|(n, v)| n.len() + v.len()).sum();
        assert!(
            h.text.len() <= 2 * live + 256,
            "{} > 2 × {live}",
            h.text.len()
        );
        h.remove_all("A");
        assert_eq!(h.iter().collect::<Vec<_>>(), [("B", "b9999")]);
        assert!(h.text.len() <= 2 * 6 + 256);
    }

    #[test]
    fn lists_with_the_same_lines_are_equal_whatever_their_history() {
        let mut edited = HeaderList::new();
        edited.push("X", "old");
        edited.push("Y", "1");
        edited.set("X", "new");
        let mut fresh = HeaderList::new();
        fresh.push("X", "new");
        fresh.push("Y", "1");
        assert_eq!(edited, fresh);
        assert_eq!(format!("{fresh:?}"), r#"[("X", "new"), ("Y", "1")]"#);
    }

    #[test]
    fn dot_segments_are_removed() {
        assert_eq!(remove_dot_segments("/A/../B/./C/../../x"), "/x");
        assert_eq!(remove_dot_segments("/a/./b/?q=../x"), "/a/b/?q=../x");
        assert_eq!(remove_dot_segments("/../../x"), "/x");
        assert_eq!(remove_dot_segments("/a/b/.."), "/a/");
        assert_eq!(remove_dot_segments("/plain"), "/plain");
    }
}
