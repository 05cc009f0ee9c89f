//! Remote URLs: scheme, credentials, host, port, folder path.

/// A parsed remote URL.
#[derive(Clone, PartialEq, Eq)]
pub struct Target {
    /// `ftp`, `ftps`, `http` or `https`.
    pub scheme: String,
    /// User name, percent-decoded.
    pub user: Option<String>,
    /// Password, percent-decoded.
    pub password: Option<String>,
    /// Host name or address (IPv6 without brackets).
    pub host: String,
    /// Port (0: the scheme's default).
    pub port: u16,
    /// The folder, percent-encoded as given, always starting and ending with '/'.
    pub path: String,
    /// `ftps` means explicit FTPS (AUTH TLS) rather than implicit (--explicit-tls).
    pub explicit_tls: bool,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.display())
    }
}

/// Decodes `%XX` escapes into bytes (malformed escapes stay as they are).
pub fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

/// Percent-encodes a path component for a URL.
pub fn percent_encode(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for &c in name.as_bytes() {
        if c.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&c) {
            out.push(c as char);
        } else {
            out.push_str(&format!("%{c:02X}"));
        }
    }
    out
}

/// Percent-encodes a relative `/`-separated path.
pub fn encode_path(rel: &str) -> String {
    rel.split('/')
        .map(percent_encode)
        .collect::<Vec<_>>()
        .join("/")
}

impl Target {
    /// Parses `scheme://[user[:password]@]host[:port][/path]`.
    ///
    /// # Errors
    /// A message for a malformed URL or an unsupported scheme.
    pub fn parse(url: &str) -> Result<Target, String> {
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| "not a URL (scheme://host/path)".to_owned())?;
        let scheme = scheme.to_ascii_lowercase();
        if !matches!(scheme.as_str(), "ftp" | "ftps" | "http" | "https") {
            return Err(format!(
                "unsupported scheme {scheme:?} (ftp, ftps, http, https)"
            ));
        }
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let path = path.split(['?', '#']).next().unwrap_or("/");
        let (userinfo, hostport) = match authority.rfind('@') {
            Some(i) => (Some(&authority[..i]), &authority[i + 1..]),
            None => (None, authority),
        };
        let (user, password) = match userinfo {
            Some(ui) => {
                let (u, p) = match ui.split_once(':') {
                    Some((u, p)) => (u, Some(p)),
                    None => (ui, None),
                };
                let dec = |s: &str| String::from_utf8_lossy(&percent_decode(s)).into_owned();
                (Some(dec(u)), p.map(dec))
            }
            None => (None, None),
        };
        let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
            let end = v6.find(']').ok_or("unclosed '[' in host")?;
            let port = v6[end + 1..].strip_prefix(':');
            (v6[..end].to_owned(), port)
        } else {
            match hostport.rsplit_once(':') {
                Some((h, p)) => (h.to_owned(), Some(p)),
                None => (hostport.to_owned(), None),
            }
        };
        if host.is_empty() {
            return Err("no host in URL".into());
        }
        let port = match port {
            Some("") | None => 0,
            Some(p) => p.parse().map_err(|_| format!("bad port {p:?}"))?,
        };
        let mut path = path.to_owned();
        if !path.ends_with('/') {
            path.push('/');
        }
        Ok(Target {
            scheme,
            user: user.filter(|u| !u.is_empty()),
            password,
            host,
            port,
            path,
            explicit_tls: false,
        })
    }

    /// The URL without credentials.
    pub fn display(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        let port = if self.port == 0 {
            String::new()
        } else {
            format!(":{}", self.port)
        };
        format!("{}://{host}{port}{}", self.scheme, self.path)
    }

    /// The path of a relative file or folder under the target, percent-encoded.
    pub fn join(&self, rel: &str) -> String {
        if rel.is_empty() {
            self.path.clone()
        } else {
            format!("{}{}", self.path, encode_path(rel))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_credentials_host_port_and_path() {
        let t = Target::parse("ftp://me:s%40cret@127.0.0.1:2121/pub/x").unwrap();
        assert_eq!(t.user.as_deref(), Some("me"));
        assert_eq!(t.password.as_deref(), Some("s@cret"));
        assert_eq!((t.host.as_str(), t.port), ("127.0.0.1", 2121));
        assert_eq!(t.path, "/pub/x/");
        assert_eq!(t.display(), "ftp://127.0.0.1:2121/pub/x/");
        assert!(!format!("{t:?}").contains("cret"));
        let t = Target::parse("http://[::1]:8080").unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.path.as_str()),
            ("::1", 8080, "/")
        );
        assert_eq!(t.join("a b/c"), "/a%20b/c");
    }

    #[test]
    fn rejects_other_schemes_and_bad_ports() {
        assert!(Target::parse("gopher://h/").is_err());
        assert!(Target::parse("ftp://h:99999/").is_err());
        assert!(Target::parse("ftp:///x").is_err());
        assert!(Target::parse("/tmp/x").is_err());
    }
}
