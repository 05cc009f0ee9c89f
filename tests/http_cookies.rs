//! Cookies: a jar per InternetOpen root; Set-Cookie stored, Cookie sent, the jar's value
//! replacing a caller's Cookie header (E.65), INTERNET_FLAG_NO_COOKIES.

mod http_common;

use hinternet_core::consts::*;
use hinternet_testkit::http::{Reply, Routes, TestServer};
use http_common::Session;

fn server() -> TestServer {
    TestServer::start_blocking(
        Routes::new()
            .route(
                "/set",
                Reply::text("set").set_cookie("cookie=biscuit; Path=/"),
            )
            .route("/echo", Reply::echo()),
    )
    .unwrap()
}

fn get(s: &Session, port: u16, path: &str, flags: u32, headers: Option<&str>) {
    let req = s.request(port, "GET", path, flags);
    s.send(req, headers, b"").unwrap();
    s.read_all(req).unwrap();
}

#[test]
fn set_cookie_is_stored_and_sent_back() {
    let srv = server();
    let s = Session::new(0);
    get(&s, srv.port(), "/echo", 0, None);
    assert_eq!(srv.last_request().unwrap().header("cookie"), None);
    get(&s, srv.port(), "/set", 0, None);
    get(&s, srv.port(), "/echo", 0, None);
    assert_eq!(
        srv.last_request().unwrap().header("cookie"),
        Some("cookie=biscuit")
    );
}

#[test]
fn the_jar_replaces_the_callers_cookie_header() {
    let srv = server();
    let s = Session::new(0);
    get(&s, srv.port(), "/set", 0, None);
    get(
        &s,
        srv.port(),
        "/echo",
        0,
        Some("Cookie: cookie=not biscuit\r\n"),
    );
    assert_eq!(
        srv.last_request().unwrap().header_all("cookie"),
        ["cookie=biscuit"]
    );
}

#[test]
fn no_cookies_neither_stores_nor_sends() {
    let srv = server();
    let s = Session::new(0);
    get(&s, srv.port(), "/set", INTERNET_FLAG_NO_COOKIES, None);
    get(&s, srv.port(), "/echo", 0, None);
    assert_eq!(srv.last_request().unwrap().header("cookie"), None);
    get(&s, srv.port(), "/set", 0, None);
    get(&s, srv.port(), "/echo", INTERNET_FLAG_NO_COOKIES, None);
    assert_eq!(srv.last_request().unwrap().header("cookie"), None);
}

#[test]
fn each_root_has_its_own_jar() {
    let srv = server();
    let a = Session::new(0);
    let b = Session::new(0);
    get(&a, srv.port(), "/set", 0, None);
    get(&b, srv.port(), "/echo", 0, None);
    assert_eq!(srv.last_request().unwrap().header("cookie"), None);
}
