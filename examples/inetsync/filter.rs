//! `--include` / `--exclude` globs.
//!
//! A pattern with a `/` matches the whole relative path (`*` does not cross `/`, `**` does);
//! a pattern without one matches the file name in any folder. With includes given, a file must
//! match one of them; a file matching any exclude is left out. Excluded files are neither
//! copied nor deleted.

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

/// A compiled include/exclude filter.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    include: Option<(GlobSet, GlobSet)>,
    exclude: Option<(GlobSet, GlobSet)>,
}

fn compile(patterns: &[String]) -> Result<Option<(GlobSet, GlobSet)>, String> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut full = GlobSetBuilder::new();
    let mut base = GlobSetBuilder::new();
    for p in patterns {
        let glob = GlobBuilder::new(p.trim_start_matches('/'))
            .literal_separator(true)
            .build()
            .map_err(|e| format!("bad glob {p:?}: {e}"))?;
        if p.contains('/') {
            full.add(glob);
        } else {
            base.add(glob);
        }
    }
    let build = |b: GlobSetBuilder| b.build().map_err(|e| format!("bad globs: {e}"));
    Ok(Some((build(full)?, build(base)?)))
}

fn matches(set: &(GlobSet, GlobSet), path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    set.0.is_match(path) || set.1.is_match(name)
}

impl Filter {
    /// Compiles the patterns.
    ///
    /// # Errors
    /// A message naming a malformed pattern.
    pub fn new(include: &[String], exclude: &[String]) -> Result<Filter, String> {
        Ok(Filter {
            include: compile(include)?,
            exclude: compile(exclude)?,
        })
    }

    /// Whether the file at this relative path takes part in the sync.
    pub fn allows(&self, path: &str) -> bool {
        if let Some(inc) = &self.include
            && !matches(inc, path)
        {
            return false;
        }
        !self.exclude.as_ref().is_some_and(|exc| matches(exc, path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(inc: &[&str], exc: &[&str]) -> Filter {
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        Filter::new(&s(inc), &s(exc)).unwrap()
    }

    #[test]
    fn no_patterns_allow_everything() {
        assert!(f(&[], &[]).allows("a/b/c.txt"));
    }

    #[test]
    fn name_patterns_match_in_any_folder_and_path_patterns_the_whole_path() {
        let x = f(&[], &["*.log"]);
        assert!(!x.allows("a.log"));
        assert!(!x.allows("d/e/a.log"));
        assert!(x.allows("a.txt"));
        let y = f(&["docs/*.txt"], &[]);
        assert!(y.allows("docs/a.txt"));
        assert!(!y.allows("docs/sub/a.txt"));
        assert!(!y.allows("a.txt"));
        let z = f(&["docs/**"], &["secret*"]);
        assert!(z.allows("docs/sub/a.txt"));
        assert!(!z.allows("docs/sub/secret.txt"));
    }

    #[test]
    fn a_bad_glob_is_an_error() {
        assert!(Filter::new(&["a[".into()], &[]).is_err());
    }
}
