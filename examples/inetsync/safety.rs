//! Name safety: what a remote name may be before it becomes a local path.

/// Why a remote name or path was refused.
pub fn check_component(name: &[u8]) -> Result<&str, &'static str> {
    if name.is_empty() {
        return Err("empty name");
    }
    if name == b"." || name == b".." {
        return Err("'.' or '..'");
    }
    if name.contains(&0) {
        return Err("NUL in name");
    }
    if name.contains(&b'/') {
        return Err("'/' in name");
    }
    if name.contains(&b'\\') {
        return Err("'\\' in name");
    }
    if name.len() >= 2 && name[1] == b':' && name[0].is_ascii_alphabetic() {
        return Err("drive letter");
    }
    if name.iter().any(|&b| b < 0x20 || b == 0x7f) {
        return Err("control character in name");
    }
    std::str::from_utf8(name).map_err(|_| "name is not UTF-8")
}

/// Checks a relative `/`-separated path: every component must pass [`check_component`], and
/// the path must not be absolute.
pub fn check_rel_path(path: &str) -> Result<(), &'static str> {
    if path.is_empty() {
        return Err("empty path");
    }
    if path.starts_with('/') {
        return Err("absolute path");
    }
    for c in path.split('/') {
        check_component(c.as_bytes())?;
    }
    Ok(())
}

/// Joins a checked relative path onto `root`; `None` for a path that fails [`check_rel_path`].
pub fn local_path(root: &std::path::Path, rel: &str) -> Option<std::path::PathBuf> {
    check_rel_path(rel).ok()?;
    let mut p = root.to_path_buf();
    for c in rel.split('/') {
        p.push(c);
    }
    Some(p)
}

/// Strips `user:password@` from a URL for display.
pub fn redact_url(url: &str) -> String {
    match url.find("://") {
        Some(i) => {
            let rest = &url[i + 3..];
            let end = rest.find('/').unwrap_or(rest.len());
            match rest[..end].rfind('@') {
                Some(at) => format!("{}{}", &url[..i + 3], &rest[at + 1..]),
                None => url.to_owned(),
            }
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_components_are_refused() {
        for n in [
            &b""[..],
            b".",
            b"..",
            b"a/b",
            b"a\\b",
            b"a\0b",
            b"C:evil",
            b"/etc",
            b"x\ny",
        ] {
            assert!(check_component(n).is_err(), "{n:?}");
        }
        assert_eq!(check_component(b"a..b"), Ok("a..b"));
        assert_eq!(check_component(b"ok name.txt"), Ok("ok name.txt"));
    }

    #[test]
    fn paths_stay_under_the_root() {
        let root = std::path::Path::new("/tmp/t");
        assert!(local_path(root, "../x").is_none());
        assert!(local_path(root, "/x").is_none());
        assert!(local_path(root, "a//b").is_none());
        assert!(local_path(root, "a/./b").is_none());
        assert_eq!(local_path(root, "a/b").unwrap(), root.join("a").join("b"));
    }

    #[test]
    fn credentials_are_redacted() {
        assert_eq!(redact_url("ftp://u:p@h:21/x@y"), "ftp://h:21/x@y");
        assert_eq!(redact_url("http://h/a"), "http://h/a");
    }
}
