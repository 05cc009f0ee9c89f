//! The cookie store, shared as native shares it: one process-wide store serves
//! InternetGetCookie(Ex) / InternetSetCookie(Ex) and every InternetOpen root, so a cookie a
//! response sets is visible to InternetGetCookie and a cookie set with InternetSetCookie is
//! sent by the next request. A root may instead have a store of its own
//! ([`use_private_store`], the Rust API's `private_cookies()`); requests under it then neither
//! see nor feed the process-wide store.
//!
//! Requests store the response's Set-Cookie headers and send the matching cookies as one
//! `Cookie` header (replacing a caller's own, as native), both unless the request has
//! INTERNET_FLAG_NO_COOKIES. INTERNET_OPTION_END_BROWSER_SESSION forgets the session cookies
//! (no Expires / Max-Age) of the store the handle's root uses (the process-wide one for the
//! NULL handle).
//!
//! Rules (spec InternetGetCookie / InternetSetCookie, behaviours H.102-103):
//! * A `domain=` with or without its leading dot is accepted when the URL's host is that
//!   domain or ends with `.domain`, and the domain has an inner dot; anything else is
//!   ERROR_INVALID_PARAMETER. Without `domain=` the cookie is for the host only.
//! * Without `path=` the cookie's path is the directory of the setting URL (up to its last
//!   `/`). A cookie matches when its path is a prefix (ASCII case-insensitive, as Wine) of the
//!   asked path: for InternetGetCookie the directory of the URL, for a request its whole path.
//! * `secure` cookies are only returned for `https:` URLs (loopback is no exception).
//! * HttpOnly: through the API a cookie with the `httponly` attribute, or one that would
//!   replace an HttpOnly cookie, needs INTERNET_COOKIE_HTTPONLY, else ERROR_INVALID_OPERATION
//!   (COOKIE_STATE_REJECT); InternetGetCookie leaves HttpOnly cookies out unless asked with
//!   INTERNET_COOKIE_HTTPONLY. Responses may set them and requests send them.
//! * Cookies with Expires live as long as the process (nothing is written to disk).

use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use cookie_store::{CookieExpiration, RawCookie};
use hinternet_core::consts::*;
use hinternet_core::{Error, Result, Session};
use url::Url;

/// Where a cookie may be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Domain {
    /// No `domain=`: this host only.
    Host(String),
    /// `domain=`: this domain and its subdomains.
    Suffix(String),
}

impl Domain {
    fn name(&self) -> &str {
        match self {
            Domain::Host(d) | Domain::Suffix(d) => d,
        }
    }

    fn matches(&self, host: &str) -> bool {
        match self {
            Domain::Host(h) => h == host,
            Domain::Suffix(d) => {
                host == d
                    || (!is_ip(host)
                        && host.len() > d.len()
                        && host.ends_with(d.as_str())
                        && host.as_bytes()[host.len() - d.len() - 1] == b'.')
            }
        }
    }
}

fn is_ip(host: &str) -> bool {
    host.starts_with('[') || host.parse::<std::net::Ipv4Addr>().is_ok()
}

#[derive(Debug, Clone)]
struct Stored {
    name: String,
    value: String,
    domain: Domain,
    path: String,
    secure: bool,
    http_only: bool,
    expires: CookieExpiration,
}

impl Stored {
    fn same_slot(&self, other: &Stored) -> bool {
        self.name == other.name
            && self.path == other.path
            && self.domain.name() == other.domain.name()
    }

    fn is_session(&self) -> bool {
        matches!(self.expires, CookieExpiration::SessionEnd)
    }
}

/// The directory of a URL path: up to and including its last `/` (`/` when there is none).
fn directory(path: &str) -> &str {
    match path.rfind('/') {
        Some(i) => &path[..=i],
        None => "/",
    }
}

fn path_matches(cookie_path: &str, path: &str) -> bool {
    path.len() >= cookie_path.len()
        && path.as_bytes()[..cookie_path.len()].eq_ignore_ascii_case(cookie_path.as_bytes())
}

fn invalid(why: &'static str) -> Error {
    Error::new(ERROR_INVALID_PARAMETER).with_context(why)
}

/// Parses one Set-Cookie line received from (or set for) `url`.
fn parse(line: &str, url: &Url) -> Result<Stored> {
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| invalid("the URL has no host"))?
        .to_ascii_lowercase();
    let raw = RawCookie::parse(line).map_err(|_| invalid("not a cookie"))?;
    let domain = match raw.domain().map(|d| d.trim().to_ascii_lowercase()) {
        None => Domain::Host(host),
        Some(d) if d.is_empty() => Domain::Host(host),
        Some(d) => {
            let suffix = Domain::Suffix(d.clone());
            let legal = d == host || (d.contains('.') && suffix.matches(&host));
            if !legal {
                return Err(invalid("the cookie's domain is not the URL's host's"));
            }
            suffix
        }
    };
    let path = match raw.path() {
        Some(p) if p.starts_with('/') => p.to_owned(),
        _ => directory(url.path()).to_owned(),
    };
    let expires = if let Some(max_age) = raw.max_age() {
        CookieExpiration::from(max_age)
    } else if let Some(e) = raw.expires() {
        CookieExpiration::from(e)
    } else {
        CookieExpiration::SessionEnd
    };
    Ok(Stored {
        name: raw.name().to_owned(),
        value: raw.value().to_owned(),
        domain,
        path,
        secure: raw.secure().unwrap_or(false),
        http_only: raw.http_only().unwrap_or(false),
        expires,
    })
}

/// One cookie store: the process-wide one, or a root's own.
#[derive(Default)]
pub struct CookieJar {
    cookies: Mutex<Vec<Stored>>,
}

impl std::fmt::Debug for CookieJar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CookieJar").finish_non_exhaustive()
    }
}

impl CookieJar {
    /// Whether no cookie is stored: requests then skip the URL parse of the lookup.
    pub fn is_empty(&self) -> bool {
        self.cookies().is_empty()
    }

    fn cookies(&self) -> MutexGuard<'_, Vec<Stored>> {
        self.cookies.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Stores the cookie of one Set-Cookie line for `url`. `flags` are InternetSetCookieEx's:
    /// only INTERNET_COOKIE_HTTPONLY matters (it allows setting and replacing HttpOnly
    /// cookies; responses store with it). An expired cookie deletes the one it names.
    ///
    /// # Errors
    /// ERROR_INVALID_PARAMETER for a line that is not a cookie, a URL without a host or a
    /// foreign `domain=`; ERROR_INVALID_OPERATION for the HttpOnly rules.
    pub fn set(&self, line: &str, url: &str, flags: u32) -> Result<()> {
        let url = Url::parse(url).map_err(|_| invalid("not a URL"))?;
        let new = parse(line, &url)?;
        let may_http_only = flags & INTERNET_COOKIE_HTTPONLY != 0;
        if new.http_only && !may_http_only {
            return Err(Error::new(ERROR_INVALID_OPERATION)
                .with_context("an HttpOnly cookie needs INTERNET_COOKIE_HTTPONLY"));
        }
        let mut cookies = self.cookies();
        cookies.retain(|c| !c.expires.is_expired());
        let old = cookies.iter().position(|c| c.same_slot(&new));
        if let Some(i) = old
            && cookies[i].http_only
            && !may_http_only
        {
            return Err(Error::new(ERROR_INVALID_OPERATION)
                .with_context("replacing an HttpOnly cookie needs INTERNET_COOKIE_HTTPONLY"));
        }
        match old {
            _ if new.expires.is_expired() => {
                if let Some(i) = old {
                    cookies.remove(i);
                }
            }
            Some(i) => cookies[i] = new,
            None => cookies.push(new),
        }
        Ok(())
    }

    /// `name=value; ...` of the cookies for `url` whose path is a prefix of `path`.
    fn joined(&self, url: &Url, path: &str, http_only: bool) -> Option<String> {
        let host = url.host_str()?.to_ascii_lowercase();
        let secure = url.scheme().eq_ignore_ascii_case("https");
        let cookies = self.cookies();
        let v: Vec<String> = cookies
            .iter()
            .filter(|c| {
                !c.expires.is_expired()
                    && c.domain.matches(&host)
                    && path_matches(&c.path, path)
                    && (secure || !c.secure)
                    && (http_only || !c.http_only)
            })
            .map(|c| format!("{}={}", c.name, c.value))
            .collect();
        (!v.is_empty()).then(|| v.join("; "))
    }

    /// The `Cookie` header value for a request to `url` (HttpOnly cookies included); `None`
    /// when no cookie matches.
    pub fn header_for(&self, url: &str) -> Option<String> {
        let u = Url::parse(url).ok()?;
        self.joined(&u, u.path(), true)
    }

    /// What InternetGetCookieEx returns for `url`: the cookies for the URL's directory,
    /// HttpOnly ones only with INTERNET_COOKIE_HTTPONLY in `flags`.
    pub fn get(&self, url: &str, flags: u32) -> Option<String> {
        let u = Url::parse(url).ok()?;
        self.joined(
            &u,
            directory(u.path()),
            flags & INTERNET_COOKIE_HTTPONLY != 0,
        )
    }

    /// Forgets the session cookies (those without Expires / Max-Age) and expired ones
    /// (INTERNET_OPTION_END_BROWSER_SESSION).
    pub fn end_session(&self) {
        self.cookies()
            .retain(|c| !c.is_session() && !c.expires.is_expired());
    }
}

/// The process-wide store: InternetGetCookie / InternetSetCookie (which take no handle) and
/// every root without a store of its own.
pub fn process_store() -> &'static Arc<CookieJar> {
    static STORE: OnceLock<Arc<CookieJar>> = OnceLock::new();
    STORE.get_or_init(Arc::default)
}

/// A root's choice of store (a session extension): unset = the process-wide store.
#[derive(Default)]
struct RootStore(OnceLock<Arc<CookieJar>>);

/// Gives the root whose session this is a cookie store of its own, separate from the
/// process-wide one and from every other root's (the Rust API's `private_cookies()`). Meant
/// for a new root, before its first request; a root that already has its own keeps it.
pub fn use_private_store(session: &Session) {
    let _ = session.extension(RootStore::default).0.set(Arc::default());
}

/// The store the requests under the root whose session this is use.
pub fn store_of(session: &Session) -> Arc<CookieJar> {
    match session.extension(RootStore::default).0.get() {
        Some(own) => Arc::clone(own),
        None => Arc::clone(process_store()),
    }
}

/// INTERNET_OPTION_END_BROWSER_SESSION: forgets the session cookies of the store the root
/// uses, or of the process-wide store for the NULL handle (`None`).
pub fn end_browser_session(session: Option<&Session>) {
    match session {
        Some(s) => store_of(s).end_session(),
        None => process_store().end_session(),
    }
}

/// Checks the URL of InternetGetCookie / InternetSetCookie: NULL is ERROR_INVALID_PARAMETER,
/// a string that is not a URL ERROR_INTERNET_UNRECOGNIZED_SCHEME, a URL without a host
/// (`about:blank`) ERROR_INVALID_PARAMETER.
fn cookie_url(url: Option<&str>) -> Result<&str> {
    let url = url.ok_or_else(|| Error::new(ERROR_INVALID_PARAMETER))?;
    let cracked = hinternet_url::crack(url, 0).map_err(|e| {
        if e.code() == ERROR_INVALID_PARAMETER {
            e
        } else {
            Error::new(ERROR_INTERNET_UNRECOGNIZED_SCHEME)
        }
    })?;
    if cracked.parts().host.is_none_or(str::is_empty) {
        return Err(Error::new(ERROR_INVALID_PARAMETER));
    }
    Ok(url)
}

/// InternetGetCookieEx (InternetGetCookie is `flags` 0): the `name=value; ...` string of the
/// process-wide store for `url`. INTERNET_COOKIE_HTTPONLY adds HttpOnly cookies; other flags
/// are ignored.
///
/// # Errors
/// The URL errors of `cookie_url`; ERROR_NO_MORE_ITEMS when no cookie matches.
pub fn internet_get_cookie(url: Option<&str>, flags: u32) -> Result<String> {
    let url = cookie_url(url)?;
    process_store()
        .get(url, flags)
        .ok_or_else(|| Error::new(ERROR_NO_MORE_ITEMS))
}

/// InternetSetCookieEx (InternetSetCookie is `flags` 0): stores `data` (Set-Cookie syntax;
/// with a `name` the cookie is `name=data`) in the process-wide store.
/// INTERNET_COOKIE_HTTPONLY allows HttpOnly cookies; other flags are ignored. See
/// [`cookie_state`] for the InternetCookieState of the result.
///
/// # Errors
/// ERROR_INVALID_PARAMETER for a NULL URL or data, a URL without a host or a foreign
/// `domain=`; ERROR_INTERNET_UNRECOGNIZED_SCHEME for a string that is not a URL;
/// ERROR_INVALID_OPERATION for the HttpOnly rules.
pub fn internet_set_cookie(
    url: Option<&str>,
    name: Option<&str>,
    data: Option<&str>,
    flags: u32,
) -> Result<()> {
    let url = cookie_url(url)?;
    let data = data.ok_or_else(|| Error::new(ERROR_INVALID_PARAMETER))?;
    let line = match name.filter(|n| !n.is_empty()) {
        Some(n) => format!("{n}={data}"),
        None => data.to_owned(),
    };
    process_store().set(&line, url, flags)
}

/// InternetSetCookieEx's result for an [`internet_set_cookie`] outcome: COOKIE_STATE_ACCEPT,
/// COOKIE_STATE_REJECT for a cookie refused by the HttpOnly rules (ERROR_INVALID_OPERATION),
/// COOKIE_STATE_UNKNOWN for every other failure (bad arguments).
pub fn cookie_state(r: &Result<()>) -> u32 {
    match r {
        Ok(()) => COOKIE_STATE_ACCEPT,
        Err(e) if e.code() == ERROR_INVALID_OPERATION => COOKIE_STATE_REJECT,
        Err(_) => COOKIE_STATE_UNKNOWN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "http://testing.example.com/";

    #[test]
    fn domains_paths_and_secure_follow_wine() {
        let j = CookieJar::default();
        j.set("A=B; domain=testing.example.com", URL, 0).unwrap();
        assert_eq!(
            j.set("C=D; domain=somethingelse.com", URL, 0)
                .unwrap_err()
                .code(),
            ERROR_INVALID_PARAMETER
        );
        j.set("E=F; domain=example.com", URL, 0).unwrap();
        j.set("G=H; domain=.example.com; invalid=attr; path=/foo", URL, 0)
            .unwrap();
        assert_eq!(
            j.set("I=J; domain=.com", URL, 0).unwrap_err().code(),
            ERROR_INVALID_PARAMETER
        );
        j.set("K=L; domain=.example.com; path=/foo", URL, 0)
            .unwrap();
        j.set("M=N; domain=.example.com; path=/foo/", URL, 0)
            .unwrap();
        j.set("O=P; secure; path=/bar", URL, 0).unwrap();
        let get = |u: &str| j.get(u, 0).unwrap_or_default();
        assert_eq!(get("http://testing.example.com"), "A=B; E=F");
        assert_eq!(get("http://testing.example.com/foobar"), "A=B; E=F");
        assert_eq!(
            get("http://testing.example.com/foobar/"),
            "A=B; E=F; G=H; K=L"
        );
        assert_eq!(
            get("http://testing.example.com/foo/bar"),
            "A=B; E=F; G=H; K=L; M=N"
        );
        assert_eq!(get("http://testing.example.com/bar/foo"), "A=B; E=F");
        assert_eq!(get("https://testing.example.com/bar/foo"), "A=B; E=F; O=P");
        assert_eq!(get("http://other.example.com/foo/"), "E=F; G=H; K=L; M=N");
        // Requests match on the whole path.
        assert_eq!(
            j.header_for("http://testing.example.com/foobar").unwrap(),
            "A=B; E=F; G=H; K=L"
        );
    }

    #[test]
    fn http_only_rules() {
        let j = CookieJar::default();
        let e = j.set("h=1; httponly", URL, 0).unwrap_err();
        assert_eq!(e.code(), ERROR_INVALID_OPERATION);
        j.set("h=1; httponly", URL, INTERNET_COOKIE_HTTPONLY)
            .unwrap();
        assert_eq!(j.get(URL, 0), None);
        assert_eq!(j.get(URL, INTERNET_COOKIE_HTTPONLY).unwrap(), "h=1");
        assert_eq!(j.header_for(URL).unwrap(), "h=1");
        let e = j.set("h=2", URL, 0).unwrap_err();
        assert_eq!(e.code(), ERROR_INVALID_OPERATION);
        j.set("h=3", URL, INTERNET_COOKIE_HTTPONLY).unwrap();
        assert_eq!(j.get(URL, 0).unwrap(), "h=3");
    }

    #[test]
    fn expiry_and_end_of_session() {
        let j = CookieJar::default();
        j.set("s=1", URL, 0).unwrap();
        j.set("p=2; expires=Fri, 01 Jan 2038 00:00:00 GMT", URL, 0)
            .unwrap();
        j.set("m=3; max-age=3600", URL, 0).unwrap();
        assert_eq!(j.get(URL, 0).unwrap(), "s=1; p=2; m=3");
        j.set("m=gone; max-age=0", URL, 0).unwrap();
        j.set("x=gone; expires=Thu, 01 Jan 1970 00:00:00 GMT", URL, 0)
            .unwrap();
        assert_eq!(j.get(URL, 0).unwrap(), "s=1; p=2");
        j.end_session();
        assert_eq!(j.get(URL, 0).unwrap(), "p=2");
    }
}
