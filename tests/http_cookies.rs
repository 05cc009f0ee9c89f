//! Cookies: one process-wide store shared by requests and InternetGetCookie /
//! InternetSetCookie (through `hinternet_http::cookies::internet_get_cookie` /
//! `internet_set_cookie`, the entry points the C exports call), a store of its own for a root
//! built with `private_cookies()`, Set-Cookie stored and Cookie sent, the store's value
//! replacing a caller's Cookie header (E.65), INTERNET_FLAG_NO_COOKIES both ways, HttpOnly
//! cookies sent but hidden from a plain InternetGetCookie (H.103), and
//! INTERNET_OPTION_END_BROWSER_SESSION forgetting session cookies (F.86).
//!
//! The tests of this binary share the process-wide store: each uses paths of its own (cookies
//! are per host, not per port, and every server is 127.0.0.1), and they run one at a time
//! (END_BROWSER_SESSION clears every session cookie of the store).

mod http_common;

use std::io::Read;
use std::sync::{Mutex, MutexGuard};

use hinternet_core::consts::*;
use hinternet_core::{Engine, OptionInput};
use hinternet_http::cookies::{cookie_state, internet_get_cookie, internet_set_cookie};
use hinternet_testkit::http::{Reply, Routes, TestServer};
use http_common::Session;

static STORE: Mutex<()> = Mutex::new(());

fn one_at_a_time() -> MutexGuard<'static, ()> {
    STORE.lock().unwrap_or_else(|p| p.into_inner())
}

/// `/{p}/set` sets `{p}=biscuit` for `/{p}/`, `/{p}/http-only` an HttpOnly cookie,
/// `/{p}/persistent` one with Expires; `/{p}/echo` sets nothing.
fn server(p: &str) -> TestServer {
    TestServer::start_blocking(
        Routes::new()
            .route(
                format!("/{p}/set"),
                Reply::text("set").set_cookie(format!("{p}=biscuit; Path=/{p}/")),
            )
            .route(
                format!("/{p}/http-only"),
                Reply::text("set").set_cookie(format!("{p}-ho=secret; Path=/{p}/; HttpOnly")),
            )
            .route(
                format!("/{p}/persistent"),
                Reply::text("set").set_cookie(format!(
                    "{p}-keep=1; Path=/{p}/; Expires=Fri, 01 Jan 2038 00:00:00 GMT"
                )),
            )
            .fallback(Reply::echo()),
    )
    .unwrap()
}

fn get(s: &Session, port: u16, path: &str, flags: u32, headers: Option<&str>) {
    let req = s.request(port, "GET", path, flags);
    s.send(req, headers, b"").unwrap();
    s.read_all(req).unwrap();
}

/// The Cookie header of the last request the server saw.
fn sent_cookie(srv: &TestServer) -> Option<String> {
    srv.last_request()
        .unwrap()
        .header("cookie")
        .map(str::to_owned)
}

/// InternetGetCookie(Ex) on the process-wide store: the string or the error code.
fn api_get(url: &str, flags: u32) -> Result<String, u32> {
    internet_get_cookie(Some(url), flags).map_err(|e| e.code())
}

fn end_browser_session(engine: &Engine, handle: Option<u64>) {
    engine
        .set_option(
            handle,
            INTERNET_OPTION_END_BROWSER_SESSION,
            &OptionInput::Empty,
        )
        .unwrap();
}

#[test]
fn set_cookie_is_stored_and_sent_back() {
    let _one = one_at_a_time();
    let srv = server("stored");
    let s = Session::new(0);
    get(&s, srv.port(), "/stored/echo", 0, None);
    assert_eq!(sent_cookie(&srv), None);
    get(&s, srv.port(), "/stored/set", 0, None);
    get(&s, srv.port(), "/stored/echo", 0, None);
    assert_eq!(sent_cookie(&srv).as_deref(), Some("stored=biscuit"));
    // Another root of the same process shares the store.
    let other = Session::new(0);
    get(&other, srv.port(), "/stored/echo", 0, None);
    assert_eq!(sent_cookie(&srv).as_deref(), Some("stored=biscuit"));
}

#[test]
fn the_store_replaces_the_callers_cookie_header() {
    let _one = one_at_a_time();
    let srv = server("replace");
    let s = Session::new(0);
    get(&s, srv.port(), "/replace/set", 0, None);
    get(
        &s,
        srv.port(),
        "/replace/echo",
        0,
        Some("Cookie: replace=not biscuit\r\n"),
    );
    assert_eq!(
        srv.last_request().unwrap().header_all("cookie"),
        ["replace=biscuit"]
    );
}

#[test]
fn a_received_cookie_is_returned_by_internet_get_cookie() {
    let _one = one_at_a_time();
    let srv = server("received");
    let s = Session::new(0);
    let url = srv.url("/received/page");
    assert_eq!(api_get(&url, 0), Err(ERROR_NO_MORE_ITEMS));
    get(&s, srv.port(), "/received/set", 0, None);
    assert_eq!(api_get(&url, 0).as_deref(), Ok("received=biscuit"));
    // Cookies are per host and path, not per port; the directory of the URL is matched.
    assert_eq!(
        api_get("http://127.0.0.1/received/", 0).as_deref(),
        Ok("received=biscuit")
    );
    assert_eq!(
        api_get("http://127.0.0.1/received", 0),
        Err(ERROR_NO_MORE_ITEMS)
    );
    assert_eq!(
        api_get("http://localhost/received/", 0),
        Err(ERROR_NO_MORE_ITEMS)
    );
}

#[test]
fn a_received_http_only_cookie_is_sent_but_hidden_from_a_plain_get() {
    let _one = one_at_a_time();
    let srv = server("ho");
    let s = Session::new(0);
    get(&s, srv.port(), "/ho/http-only", 0, None);
    let url = srv.url("/ho/");
    assert_eq!(api_get(&url, 0), Err(ERROR_NO_MORE_ITEMS));
    assert_eq!(
        api_get(&url, INTERNET_COOKIE_HTTPONLY).as_deref(),
        Ok("ho-ho=secret")
    );
    get(&s, srv.port(), "/ho/echo", 0, None);
    assert_eq!(sent_cookie(&srv).as_deref(), Some("ho-ho=secret"));
    // A plain InternetSetCookie cannot replace it; with INTERNET_COOKIE_HTTPONLY it can.
    let r = internet_set_cookie(Some(&url), Some("ho-ho"), Some("plain; path=/ho/"), 0);
    assert_eq!(r.as_ref().unwrap_err().code(), ERROR_INVALID_OPERATION);
    assert_eq!(cookie_state(&r), COOKIE_STATE_REJECT);
    let r = internet_set_cookie(
        Some(&url),
        Some("ho-ho"),
        Some("replaced; path=/ho/; httponly"),
        INTERNET_COOKIE_HTTPONLY,
    );
    assert_eq!(cookie_state(&r), COOKIE_STATE_ACCEPT);
    get(&s, srv.port(), "/ho/echo", 0, None);
    assert_eq!(sent_cookie(&srv).as_deref(), Some("ho-ho=replaced"));
}

#[test]
fn an_internet_set_cookie_cookie_is_sent_by_the_next_request() {
    let _one = one_at_a_time();
    let srv = server("api");
    let s = Session::new(0);
    let r = internet_set_cookie(
        Some("http://127.0.0.1/api/"),
        Some("api"),
        Some("set-by-api"),
        0,
    );
    assert_eq!(cookie_state(&r), COOKIE_STATE_ACCEPT);
    internet_set_cookie(
        Some("http://127.0.0.1/api/"),
        None,
        Some("api-ho=1; httponly"),
        INTERNET_COOKIE_HTTPONLY,
    )
    .unwrap();
    get(&s, srv.port(), "/api/echo", 0, None);
    assert_eq!(
        sent_cookie(&srv).as_deref(),
        Some("api=set-by-api; api-ho=1")
    );
    // Not outside its path, and a secure cookie never over http.
    internet_set_cookie(
        Some("http://127.0.0.1/api/"),
        None,
        Some("api-secure=1; secure"),
        0,
    )
    .unwrap();
    get(&s, srv.port(), "/elsewhere/echo", 0, None);
    assert_eq!(sent_cookie(&srv), None);
    get(&s, srv.port(), "/api/echo", 0, None);
    assert_eq!(
        sent_cookie(&srv).as_deref(),
        Some("api=set-by-api; api-ho=1")
    );
}

#[test]
fn no_cookies_neither_stores_nor_sends() {
    let _one = one_at_a_time();
    let srv = server("none");
    let s = Session::new(0);
    let url = srv.url("/none/");
    get(&s, srv.port(), "/none/set", INTERNET_FLAG_NO_COOKIES, None);
    assert_eq!(api_get(&url, 0), Err(ERROR_NO_MORE_ITEMS));
    get(&s, srv.port(), "/none/echo", 0, None);
    assert_eq!(sent_cookie(&srv), None);
    get(&s, srv.port(), "/none/set", 0, None);
    get(&s, srv.port(), "/none/echo", INTERNET_FLAG_NO_COOKIES, None);
    assert_eq!(sent_cookie(&srv), None);
    internet_set_cookie(Some(&url), Some("none-api"), Some("1"), 0).unwrap();
    get(&s, srv.port(), "/none/echo", INTERNET_FLAG_NO_COOKIES, None);
    assert_eq!(sent_cookie(&srv), None);
    get(&s, srv.port(), "/none/echo", 0, None);
    assert_eq!(
        sent_cookie(&srv).as_deref(),
        Some("none=biscuit; none-api=1")
    );
}

fn blocking_get(inet: &hinternet::blocking::Internet, port: u16, path: &str) {
    let mut r = inet
        .connect_http("127.0.0.1", port)
        .unwrap()
        .get(path)
        .unwrap();
    let mut body = Vec::new();
    r.read_to_end(&mut body).unwrap();
}

#[test]
fn private_cookies_keep_a_root_to_itself() {
    let _one = one_at_a_time();
    let srv = server("private");
    let build = |private: bool| {
        let b = hinternet::blocking::Internet::builder().engine(Engine::new());
        let b = if private { b.private_cookies() } else { b };
        b.build().unwrap()
    };
    let own = build(true);
    let shared = build(false);
    let url = srv.url("/private/");
    blocking_get(&own, srv.port(), "/private/set");
    // Neither the process-wide store nor a shared root sees it ...
    assert_eq!(api_get(&url, 0), Err(ERROR_NO_MORE_ITEMS));
    blocking_get(&shared, srv.port(), "/private/echo");
    assert_eq!(sent_cookie(&srv), None);
    // ... nor another private root; its own requests send it.
    blocking_get(&build(true), srv.port(), "/private/echo");
    assert_eq!(sent_cookie(&srv), None);
    blocking_get(&own, srv.port(), "/private/echo");
    assert_eq!(sent_cookie(&srv).as_deref(), Some("private=biscuit"));
    // InternetSetCookie feeds the shared roots only.
    internet_set_cookie(Some(&url), Some("private-api"), Some("1"), 0).unwrap();
    blocking_get(&own, srv.port(), "/private/echo");
    assert_eq!(sent_cookie(&srv).as_deref(), Some("private=biscuit"));
    blocking_get(&shared, srv.port(), "/private/echo");
    assert_eq!(sent_cookie(&srv).as_deref(), Some("private-api=1"));
}

#[test]
fn end_browser_session_forgets_the_session_cookies_of_the_roots_store() {
    let _one = one_at_a_time();
    let srv = server("end");
    let s = Session::new(0);
    let url = srv.url("/end/");
    get(&s, srv.port(), "/end/set", 0, None);
    get(&s, srv.port(), "/end/persistent", 0, None);
    internet_set_cookie(Some(&url), Some("end-api"), Some("1"), 0).unwrap();
    assert_eq!(
        api_get(&url, 0).as_deref(),
        Ok("end=biscuit; end-keep=1; end-api=1")
    );

    // A private root's END_BROWSER_SESSION clears its own store only.
    let own = hinternet::blocking::Internet::builder()
        .engine(Engine::new())
        .private_cookies()
        .build()
        .unwrap();
    blocking_get(&own, srv.port(), "/end/set");
    blocking_get(&own, srv.port(), "/end/persistent");
    own.set_option(INTERNET_OPTION_END_BROWSER_SESSION, &OptionInput::Empty)
        .unwrap();
    blocking_get(&own, srv.port(), "/end/echo");
    assert_eq!(sent_cookie(&srv).as_deref(), Some("end-keep=1"));
    assert_eq!(
        api_get(&url, 0).as_deref(),
        Ok("end=biscuit; end-keep=1; end-api=1")
    );

    // On a root that uses the process-wide store (here its request handle) it clears that.
    let req = s.request(srv.port(), "GET", "/end/echo", 0);
    end_browser_session(&s.engine, Some(req.as_raw()));
    assert_eq!(api_get(&url, 0).as_deref(), Ok("end-keep=1"));
    s.send(req, None, b"").unwrap();
    s.read_all(req).unwrap();
    assert_eq!(sent_cookie(&srv).as_deref(), Some("end-keep=1"));

    // The NULL handle clears the process-wide store too.
    internet_set_cookie(Some(&url), Some("end-again"), Some("1"), 0).unwrap();
    end_browser_session(&s.engine, None);
    assert_eq!(api_get(&url, 0).as_deref(), Ok("end-keep=1"));
}

#[test]
fn internet_get_and_set_cookie_argument_errors() {
    let _one = one_at_a_time();
    let code = |r: hinternet_core::Result<()>| r.unwrap_err().code();
    assert_eq!(api_get("about:blank", 0), Err(ERROR_INVALID_PARAMETER));
    assert_eq!(
        internet_get_cookie(None, 0).unwrap_err().code(),
        ERROR_INVALID_PARAMETER
    );
    assert_eq!(
        api_get("not a url", 0),
        Err(ERROR_INTERNET_UNRECOGNIZED_SCHEME)
    );
    let url = Some("http://args.example.test/");
    assert_eq!(
        code(internet_set_cookie(url, None, None, 0)),
        ERROR_INVALID_PARAMETER
    );
    assert_eq!(
        code(internet_set_cookie(url, None, Some("no-pair"), 0)),
        ERROR_INVALID_PARAMETER
    );
    let r = internet_set_cookie(url, None, Some("d=1; domain=elsewhere.test"), 0);
    assert_eq!(cookie_state(&r), COOKIE_STATE_UNKNOWN);
    assert_eq!(code(r), ERROR_INVALID_PARAMETER);
    let r = internet_set_cookie(url, None, Some("h=1; httponly"), 0);
    assert_eq!(cookie_state(&r), COOKIE_STATE_REJECT);
    assert_eq!(code(r), ERROR_INVALID_OPERATION);
    // Flags other than INTERNET_COOKIE_HTTPONLY are ignored.
    let r = internet_set_cookie(
        url,
        None,
        Some("t=1"),
        INTERNET_COOKIE_THIRD_PARTY | INTERNET_FLAG_RESTRICTED_ZONE | 0x8000_0000,
    );
    assert_eq!(cookie_state(&r), COOKIE_STATE_ACCEPT);
    assert_eq!(
        api_get("http://args.example.test/", INTERNET_COOKIE_NON_SCRIPT).as_deref(),
        Ok("t=1")
    );
}
