//! Basic and Digest (MD5) challenges and credential checks, for origin (401) and proxy (407).

use super::routes::Reply;
use super::server::RequestRecord;
use base64::Engine;
use md5::{Digest, Md5};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AuthKind {
    Basic,
    Digest,
}

pub(crate) struct AuthSpec {
    pub(crate) kind: AuthKind,
    proxy: bool,
    realm: String,
    user: String,
    pass: String,
    nonce: String,
    opaque: String,
    ok: Reply,
}

fn md5_hex(s: &str) -> String {
    let d = Md5::digest(s.as_bytes());
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// Splits `k=v, k="v, with comma"` parameter lists.
pub(crate) fn parse_params(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && (b[i] == b' ' || b[i] == b',' || b[i] == b'\t') {
            i += 1;
        }
        let ks = i;
        while i < b.len() && b[i] != b'=' && b[i] != b',' {
            i += 1;
        }
        let key = s[ks..i].trim().to_ascii_lowercase();
        let mut val = String::new();
        if i < b.len() && b[i] == b'=' {
            i += 1;
            if i < b.len() && b[i] == b'"' {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' && i + 1 < b.len() {
                        i += 1;
                    }
                    val.push(b[i] as char);
                    i += 1;
                }
                i += 1;
            } else {
                let vs = i;
                while i < b.len() && b[i] != b',' {
                    i += 1;
                }
                val = s[vs..i].trim().to_owned();
            }
        }
        if !key.is_empty() {
            out.push((key, val));
        }
    }
    out
}

impl AuthSpec {
    pub(crate) fn new(
        kind: AuthKind,
        proxy: bool,
        realm: &str,
        user: &str,
        pass: &str,
        ok: Reply,
    ) -> Self {
        static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        AuthSpec {
            kind,
            proxy,
            realm: realm.to_owned(),
            user: user.to_owned(),
            pass: pass.to_owned(),
            nonce: md5_hex(&format!("testkit-nonce-{n}-{realm}")),
            opaque: md5_hex(&format!("testkit-opaque-{n}")),
            ok,
        }
    }

    fn request_header<'a>(&self, req: &'a RequestRecord) -> Option<&'a str> {
        req.header(if self.proxy {
            "proxy-authorization"
        } else {
            "authorization"
        })
    }

    fn check(&self, req: &RequestRecord) -> bool {
        let Some(value) = self.request_header(req) else {
            return false;
        };
        let (scheme, rest) = value.trim().split_once(' ').unwrap_or((value, ""));
        match self.kind {
            AuthKind::Basic => {
                if !scheme.eq_ignore_ascii_case("basic") {
                    return false;
                }
                let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(rest.trim())
                else {
                    return false;
                };
                decoded == format!("{}:{}", self.user, self.pass).as_bytes()
            }
            AuthKind::Digest => {
                if !scheme.eq_ignore_ascii_case("digest") {
                    return false;
                }
                let params = parse_params(rest);
                let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
                if get("username") != Some(&self.user)
                    || get("realm") != Some(&self.realm)
                    || get("nonce") != Some(&self.nonce)
                {
                    return false;
                }
                let Some(uri) = get("uri") else {
                    return false;
                };
                if uri != req.target && uri != req.path {
                    return false;
                }
                if let Some(alg) = get("algorithm")
                    && !alg.eq_ignore_ascii_case("md5")
                {
                    return false;
                }
                let ha1 = md5_hex(&format!("{}:{}:{}", self.user, self.realm, self.pass));
                let ha2 = md5_hex(&format!("{}:{}", req.method, uri));
                let expected = match get("qop") {
                    Some(qop) if qop.eq_ignore_ascii_case("auth") => {
                        let (Some(nc), Some(cnonce)) = (get("nc"), get("cnonce")) else {
                            return false;
                        };
                        md5_hex(&format!("{ha1}:{}:{nc}:{cnonce}:auth:{ha2}", self.nonce))
                    }
                    Some(_) => return false,
                    None => md5_hex(&format!("{ha1}:{}:{ha2}", self.nonce)),
                };
                get("response").is_some_and(|r| r.eq_ignore_ascii_case(&expected))
            }
        }
    }

    fn challenge(&self) -> Reply {
        let (code, header) = if self.proxy {
            (407, "Proxy-Authenticate")
        } else {
            (401, "WWW-Authenticate")
        };
        let value = match self.kind {
            AuthKind::Basic => format!("Basic realm=\"{}\"", self.realm),
            AuthKind::Digest => format!(
                "Digest realm=\"{}\", qop=\"auth\", algorithm=MD5, nonce=\"{}\", opaque=\"{}\"",
                self.realm, self.nonce, self.opaque
            ),
        };
        Reply::text(if self.proxy {
            "proxy authentication required\n"
        } else {
            "unauthorized\n"
        })
        .with_status(code)
        .header(header, value)
    }

    pub(crate) fn answer(&self, req: &RequestRecord) -> Reply {
        if self.check(req) {
            self.ok.clone()
        } else {
            self.challenge()
        }
    }
}
