//! The per-session cookie jar (cookie_store): Set-Cookie from responses is stored unless the
//! request has INTERNET_FLAG_NO_COOKIES, and the matching cookies are sent as one `Cookie`
//! header (replacing a caller's own Cookie header, as native does).

use std::sync::Mutex;

use cookie_store::CookieStore;

/// One InternetOpen root's cookies.
#[derive(Default)]
pub struct CookieJar {
    store: Mutex<CookieStore>,
}

impl std::fmt::Debug for CookieJar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CookieJar").finish_non_exhaustive()
    }
}

impl CookieJar {
    fn store(&self) -> std::sync::MutexGuard<'_, CookieStore> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Stores the cookie of one Set-Cookie header received for `url`; returns whether it was
    /// accepted.
    pub fn set(&self, set_cookie: &str, url: &str) -> bool {
        match url::Url::parse(url) {
            Ok(u) => self.store().parse(set_cookie, &u).is_ok(),
            Err(_) => false,
        }
    }

    /// The `Cookie` header value for a request to `url` (`None` when no cookie matches).
    pub fn header_for(&self, url: &str) -> Option<String> {
        let u = url::Url::parse(url).ok()?;
        let store = self.store();
        let v: Vec<String> = store
            .get_request_values(&u)
            .map(|(n, v)| format!("{n}={v}"))
            .collect();
        (!v.is_empty()).then(|| v.join("; "))
    }

    /// Forgets every cookie (INTERNET_OPTION_END_BROWSER_SESSION).
    pub fn clear(&self) {
        self.store().clear();
    }
}

/// The process-wide jar of InternetGetCookie / InternetSetCookie, which take no handle.
pub fn process_jar() -> &'static CookieJar {
    static JAR: std::sync::OnceLock<CookieJar> = std::sync::OnceLock::new();
    JAR.get_or_init(CookieJar::default)
}
