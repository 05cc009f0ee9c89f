//! Request header lists and HttpAddRequestHeaders' modifier semantics (pure; no I/O).

use hinternet_core::consts::*;
use hinternet_core::{Error, Result};

/// An ordered list of header lines (`name`, `value`), names compared without regard to case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeaderList {
    entries: Vec<(String, String)>,
}

impl HeaderList {
    /// An empty list.
    pub fn new() -> Self {
        HeaderList::default()
    }

    /// An empty list with room for `n` lines.
    pub fn with_capacity(n: usize) -> Self {
        HeaderList {
            entries: Vec::with_capacity(n),
        }
    }

    /// The lines in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// The number of lines.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The `index`-th value of the header `name` (0-based).
    pub fn get(&self, name: &str, index: usize) -> Option<&str> {
        self.entries
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .nth(index)
            .map(|(_, v)| v.as_str())
    }

    /// Whether a header of that name is present.
    pub fn contains(&self, name: &str) -> bool {
        self.position(name).is_some()
    }

    fn position(&self, name: &str) -> Option<usize> {
        self.entries
            .iter()
            .position(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    /// Appends a line (duplicates allowed).
    pub fn push(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.entries.push((name.into(), value.into()));
    }

    /// Sets a header: replaces the value of the first line of that name in place, or appends.
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        match self.position(name) {
            Some(i) => self.entries[i].1 = value.into(),
            None => self.push(name, value),
        }
    }

    /// Removes every line of that name.
    pub fn remove_all(&mut self, name: &str) {
        self.entries.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
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
                    self.entries.remove(i);
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
                let v = &mut self.entries[i].1;
                v.push_str(sep);
                v.push_str(value);
            }
            _ => self.push(name, value),
        }
        Ok(())
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
    fn dot_segments_are_removed() {
        assert_eq!(remove_dot_segments("/A/../B/./C/../../x"), "/x");
        assert_eq!(remove_dot_segments("/a/./b/?q=../x"), "/a/b/?q=../x");
        assert_eq!(remove_dot_segments("/../../x"), "/x");
        assert_eq!(remove_dot_segments("/a/b/.."), "/a/");
        assert_eq!(remove_dot_segments("/plain"), "/plain");
    }
}
