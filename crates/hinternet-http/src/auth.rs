//! Server authentication answers: Basic (RFC 7617) and Digest with MD5 and `qop=auth`
//! (RFC 7616 / 2617), as pure functions. Credentials appear only in the returned header value.
//! Base64 and MD5 come from the `base64` and `md-5` crates.

/// Standard base64 (for Basic credentials).
pub fn base64(data: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(data)
}

/// MD5 (RFC 1321) as lower-case hex.
pub fn md5_hex(data: &[u8]) -> String {
    use md5::Digest as _;
    md5::Md5::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The `Authorization` value of Basic credentials.
pub fn basic(user: &str, password: &str) -> String {
    format!("Basic {}", base64(format!("{user}:{password}").as_bytes()))
}

/// Basic credentials a server accepted, per InternetOpen root: later requests to the same
/// server (scheme, host, port) send them at once instead of waiting for a 401, as native
/// WinINet does. A request with INTERNET_FLAG_NO_AUTH never uses them; a 401 to them forgets
/// them; INTERNET_OPTION_END_BROWSER_SESSION clears them. Digest answers are not kept (each
/// depends on the server's nonce).
#[derive(Default)]
pub struct BasicCache {
    by_server: std::sync::Mutex<std::collections::HashMap<(bool, String, u16), String>>,
}

impl std::fmt::Debug for BasicCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the credentials.
        f.debug_struct("BasicCache").finish_non_exhaustive()
    }
}

impl BasicCache {
    fn map(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<(bool, String, u16), String>> {
        self.by_server.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn key(secure: bool, host: &str, port: u16) -> (bool, String, u16) {
        (secure, host.to_ascii_lowercase(), port)
    }

    /// The accepted `Authorization` value for a server, if any.
    pub fn get(&self, secure: bool, host: &str, port: u16) -> Option<String> {
        let map = self.map();
        if map.is_empty() {
            // The common case: no key to build.
            return None;
        }
        map.get(&Self::key(secure, host, port)).cloned()
    }

    /// Keeps a Basic `Authorization` value the server accepted.
    pub fn remember(&self, secure: bool, host: &str, port: u16, value: &str) {
        if value.starts_with("Basic ") {
            self.map()
                .insert(Self::key(secure, host, port), value.to_owned());
        }
    }

    /// Forgets a server's credentials (it refused them).
    pub fn forget(&self, secure: bool, host: &str, port: u16) {
        self.map().remove(&Self::key(secure, host, port));
    }

    /// Forgets every server's credentials.
    pub fn clear(&self) {
        self.map().clear();
    }
}

/// The parameters of one challenge (`Digest realm="x", nonce="y", ...`), names lower-cased.
pub fn challenge_params(challenge: &str) -> Vec<(String, String)> {
    let rest = challenge.trim().split_once(' ').map_or("", |(_, r)| r);
    let mut out = Vec::new();
    let mut s = rest.trim_start();
    while !s.is_empty() {
        let Some((name, after)) = s.split_once('=') else {
            break;
        };
        let name = name
            .trim()
            .trim_start_matches(',')
            .trim()
            .to_ascii_lowercase();
        let after = after.trim_start();
        let (value, next) = if let Some(q) = after.strip_prefix('"') {
            match q.find('"') {
                Some(end) => (q[..end].to_owned(), &q[end + 1..]),
                None => (q.to_owned(), ""),
            }
        } else {
            match after.find(',') {
                Some(end) => (after[..end].trim().to_owned(), &after[end..]),
                None => (after.trim().to_owned(), ""),
            }
        };
        out.push((name, value));
        s = next.trim_start().trim_start_matches(',').trim_start();
    }
    out
}

/// The Authorization value answering a Digest challenge for `method` on `uri`.
pub fn digest(
    challenge: &str,
    user: &str,
    pass: &str,
    method: &str,
    uri: &str,
    cnonce: &str,
) -> Option<String> {
    let p = challenge_params(challenge);
    let get = |n: &str| p.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
    let realm = get("realm")?;
    let nonce = get("nonce")?;
    if get("algorithm").is_some_and(|a| !a.eq_ignore_ascii_case("md5")) {
        return None;
    }
    let ha1 = md5_hex(format!("{user}:{realm}:{pass}").as_bytes());
    let ha2 = md5_hex(format!("{method}:{uri}").as_bytes());
    let qop_auth = get("qop").is_some_and(|q| q.split(',').any(|t| t.trim() == "auth"));
    let nc = "00000001";
    let response = if qop_auth {
        md5_hex(format!("{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}").as_bytes())
    } else {
        md5_hex(format!("{ha1}:{nonce}:{ha2}").as_bytes())
    };
    let mut v = format!(
        "Digest username=\"{user}\", realm=\"{realm}\", nonce=\"{nonce}\", uri=\"{uri}\", response=\"{response}\", algorithm=MD5"
    );
    if qop_auth {
        v.push_str(&format!(", qop=auth, nc={nc}, cnonce=\"{cnonce}\""));
    }
    if let Some(o) = get("opaque") {
        v.push_str(&format!(", opaque=\"{o}\""));
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        let v = [
            "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy",
        ];
        for (i, want) in v.iter().enumerate() {
            assert_eq!(base64(&b"foobar"[..i]), *want);
        }
    }

    #[test]
    fn md5_matches_rfc1321_vectors() {
        assert_eq!(md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(md5_hex(b"abc"), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(
            md5_hex(
                b"12345678901234567890123456789012345678901234567890123456789012345678901234567890"
            ),
            "57edf4a22be3c955ac49da2e2107b67a"
        );
    }

    #[test]
    fn digest_matches_the_rfc2617_example() {
        let ch = r#"Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41""#;
        let v = digest(
            ch,
            "Mufasa",
            "Circle Of Life",
            "GET",
            "/dir/index.html",
            "0a4f113b",
        )
        .unwrap();
        assert!(
            v.contains("response=\"6629fae49393a05397450978507c4ef1\""),
            "{v}"
        );
        assert!(v.contains("opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""));
    }
}
