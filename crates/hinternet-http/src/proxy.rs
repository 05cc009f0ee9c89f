//! Proxy selection for INTERNET_OPEN_TYPE_PROXY: the proxy list (`"host:port"`,
//! `"http=host:port https=host:port"`, optionally with `http://`) and the bypass list
//! (`"<local>"` for dotless names, `*` wildcards), as pure functions.

use hinternet_core::consts::INTERNET_OPEN_TYPE_PROXY;
use hinternet_core::options::ProxyInfo;

/// A proxy to go through: host and port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proxy {
    /// The proxy's host.
    pub host: String,
    /// The proxy's port (80 when the list gives none).
    pub port: u16,
}

impl Proxy {
    /// `"host:port"`.
    pub fn authority(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
}

fn parse_server(s: &str) -> Option<Proxy> {
    let s = s
        .trim()
        .trim_start_matches("http://")
        .trim_start_matches("https://")
        .trim_end_matches('/');
    if s.is_empty() {
        return None;
    }
    if let Some(rest) = s.strip_prefix('[') {
        let (h, after) = rest.split_once(']')?;
        let port = after
            .strip_prefix(':')
            .and_then(|p| p.parse().ok())
            .unwrap_or(80);
        return Some(Proxy {
            host: format!("[{h}]"),
            port,
        });
    }
    match s.rsplit_once(':') {
        Some((h, p)) => Some(Proxy {
            host: h.to_owned(),
            port: p.parse().ok()?,
        }),
        None => Some(Proxy {
            host: s.to_owned(),
            port: 80,
        }),
    }
}

fn glob(pattern: &str, text: &str) -> bool {
    let p = pattern.to_ascii_lowercase();
    let t = text.to_ascii_lowercase();
    let parts: Vec<&str> = p.split('*').collect();
    if parts.len() == 1 {
        return p == t;
    }
    let mut pos = 0;
    for (i, part) in parts.iter().enumerate() {
        if part.is_empty() {
            continue;
        }
        if i == 0 {
            if !t.starts_with(part) {
                return false;
            }
            pos = part.len();
        } else if i == parts.len() - 1 {
            return t.len() >= pos + part.len() && t.ends_with(part);
        } else {
            match t[pos..].find(part) {
                Some(k) => pos += k + part.len(),
                None => return false,
            }
        }
    }
    true
}

/// Whether `host` is in the bypass list.
pub fn bypassed(bypass: Option<&str>, host: &str) -> bool {
    let Some(list) = bypass else { return false };
    list.split([';', ' ', ',', '\t'])
        .filter(|e| !e.is_empty())
        .any(|e| {
            if e.eq_ignore_ascii_case("<local>") {
                !host.contains('.') && !host.contains(':')
            } else {
                let e = e
                    .trim_start_matches("http://")
                    .trim_start_matches("https://");
                glob(e, host)
            }
        })
}

/// The proxy for a request to `host` (TLS or not) under `info`, or `None` for a direct
/// connection.
pub fn select(info: &ProxyInfo, secure: bool, host: &str) -> Option<Proxy> {
    if info.access_type != INTERNET_OPEN_TYPE_PROXY {
        return None;
    }
    if bypassed(info.bypass.as_deref(), host) {
        return None;
    }
    let list = info.proxy.as_deref()?;
    let want = if secure { "https" } else { "http" };
    let mut generic = None;
    for entry in list.split([' ', ';']).filter(|e| !e.is_empty()) {
        match entry.split_once('=') {
            Some((scheme, server)) if scheme.eq_ignore_ascii_case(want) => {
                return parse_server(server);
            }
            Some(_) => {}
            None => {
                if generic.is_none() {
                    generic = parse_server(entry);
                }
            }
        }
    }
    generic
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(proxy: &str, bypass: Option<&str>) -> ProxyInfo {
        ProxyInfo {
            access_type: INTERNET_OPEN_TYPE_PROXY,
            proxy: Some(proxy.into()),
            bypass: bypass.map(str::to_owned),
        }
    }

    #[test]
    fn per_scheme_and_generic_entries() {
        let i = info("http=p1:8080 https=p2:8443", None);
        assert_eq!(select(&i, false, "h").unwrap().authority(), "p1:8080");
        assert_eq!(select(&i, true, "h").unwrap().authority(), "p2:8443");
        let i = info("http://gen:3128", None);
        assert_eq!(select(&i, true, "h").unwrap().authority(), "gen:3128");
        let i = info("ftp=f:21", None);
        assert_eq!(select(&i, false, "h"), None);
    }

    #[test]
    fn bypass_list_with_local_and_wildcards() {
        let i = info("p:1", Some("<local>;*.example.com 10.*"));
        assert_eq!(select(&i, false, "intranet"), None);
        assert_eq!(select(&i, false, "www.example.com"), None);
        assert_eq!(select(&i, false, "10.1.2.3"), None);
        assert!(select(&i, false, "example.org").is_some());
    }
}
