//! Redirects: which are followed and how (method and body rules), NO_AUTO_REDIRECT, the
//! limit, unsupported schemes, https -> http, cross-origin credential stripping, and
//! INTERNET_OPTION_URL after a redirect.

mod http_common;

use hinternet_core::consts::*;
use hinternet_core::{Handle, OptionValue};
use hinternet_testkit::http::raw::scripts;
use hinternet_testkit::http::{RawServer, Reply, Routes, TestServer};
use hinternet_testkit::tls::TestCa;
use http_common::Session;

fn url_of(s: &Session, h: Handle) -> String {
    match s
        .engine
        .query_option(Some(h.as_raw()), INTERNET_OPTION_URL)
        .unwrap()
    {
        OptionValue::Str(u) => u,
        other => panic!("{other:?}"),
    }
}

fn routes() -> Routes {
    Routes::new()
        .route("/target", Reply::echo())
        .route("/301", Reply::redirect(301, "/target"))
        .route("/302", Reply::redirect(302, "target"))
        .route("/303", Reply::redirect(303, "/target"))
        .route("/307", Reply::redirect(307, "/target"))
        .route("/308", Reply::redirect(308, "/target?q=1"))
}

#[test]
fn a_relative_location_is_followed_and_the_url_option_follows() {
    let srv = TestServer::start_blocking(routes()).unwrap();
    let s = Session::new(0);
    let req = s.request(srv.port(), "GET", "/302", 0);
    assert_eq!(url_of(&s, req), srv.url("/302"));
    s.send(req, None, b"").unwrap();
    assert_eq!(s.status(req), 200);
    assert_eq!(url_of(&s, req), srv.url("/target"));
    let body = String::from_utf8(s.read_all(req).unwrap()).unwrap();
    assert!(body.starts_with("GET /target HTTP/1.1\r\n"), "{body}");
}

#[test]
fn post_becomes_get_on_301_302_303_and_keeps_its_body_on_307_308() {
    let srv = TestServer::start_blocking(routes()).unwrap();
    let s = Session::new(0);
    for (path, method, body) in [
        ("/301", "GET", ""),
        ("/302", "GET", ""),
        ("/303", "GET", ""),
        ("/307", "POST", "payload"),
        ("/308", "POST", "payload"),
    ] {
        srv.clear_requests();
        let req = s.request(srv.port(), "POST", path, 0);
        s.send(req, None, b"payload").unwrap();
        assert_eq!(s.status(req), 200, "{path}");
        let reqs = srv.requests();
        assert_eq!(reqs.len(), 2, "{path}");
        assert_eq!(reqs[0].method, "POST");
        assert_eq!(reqs[1].method, method, "{path}");
        assert_eq!(reqs[1].body_text(), body, "{path}");
        s.close(req);
    }
    assert_eq!(srv.requests()[1].target, "/target?q=1");
}

#[test]
fn no_auto_redirect_hands_the_3xx_to_the_caller() {
    let srv = TestServer::start_blocking(routes()).unwrap();
    let s = Session::new(0);
    let req = s.request(srv.port(), "GET", "/302", INTERNET_FLAG_NO_AUTO_REDIRECT);
    s.rec.clear();
    s.send(req, None, b"").unwrap();
    assert_eq!(s.status(req), 302);
    assert_eq!(s.query(req, HTTP_QUERY_LOCATION).unwrap(), "target");
    assert!(!s.rec.codes().contains(&INTERNET_STATUS_REDIRECT));
    assert_eq!(srv.request_count(), 1);
}

#[test]
fn a_redirect_loop_fails_with_redirect_failed() {
    let srv =
        TestServer::start_blocking(Routes::new().route("/loop", Reply::redirect(302, "/loop")))
            .unwrap();
    let s = Session::new(0);
    let req = s.request(srv.port(), "GET", "/loop", 0);
    assert_eq!(
        s.send(req, None, b"").unwrap_err().code(),
        ERROR_HTTP_REDIRECT_FAILED
    );
    assert_eq!(srv.request_count(), 11);
}

#[test]
fn a_location_with_another_scheme_is_not_followed() {
    let raw = RawServer::start_blocking(scripts::redirect_to_unsupported_scheme()).unwrap();
    let s = Session::new(0);
    let req = s.request(raw.port(), "GET", "/", 0);
    s.send(req, None, b"").unwrap();
    assert_eq!(s.status(req), 302);
    assert_eq!(
        s.query(req, HTTP_QUERY_LOCATION).unwrap(),
        "gopher://127.0.0.1:70/1"
    );
}

#[test]
fn https_to_http_is_refused_unless_ignored() {
    http_common::trust_test_ca();
    let plain = TestServer::start_blocking(Routes::new().fallback(Reply::text("plain"))).unwrap();
    let target = plain.url("/p");
    let tls = TestServer::start_tls_blocking(
        Routes::new().fallback(Reply::redirect(302, target.clone())),
        &TestCa::shared().server_cert(),
    )
    .unwrap();
    let s = Session::new(0);
    let c = s.connect_host("localhost", tls.port(), INTERNET_FLAG_SECURE);
    let req = s.open(c, "GET", "/", INTERNET_FLAG_SECURE);
    assert_eq!(
        s.send(req, None, b"").unwrap_err().code(),
        ERROR_INTERNET_HTTPS_TO_HTTP_ON_REDIR
    );
    let req = s.open(
        c,
        "GET",
        "/",
        INTERNET_FLAG_SECURE | INTERNET_FLAG_IGNORE_REDIRECT_TO_HTTP,
    );
    s.send(req, None, b"").unwrap();
    assert_eq!(s.read_all(req).unwrap(), b"plain");
    assert_eq!(url_of(&s, req), target);
}

#[test]
fn a_cross_origin_redirect_drops_authorization() {
    let other = TestServer::start_blocking(Routes::new().fallback(Reply::text("other"))).unwrap();
    let first = TestServer::start_blocking(
        Routes::new()
            .route("/same", Reply::redirect(302, "/end"))
            .route("/away", Reply::redirect(302, other.url("/end")))
            .route("/end", Reply::text("end")),
    )
    .unwrap();
    let s = Session::new(0);
    let req = s.request(first.port(), "GET", "/same", 0);
    s.send(req, Some("Authorization: Basic dTpw\r\n"), b"")
        .unwrap();
    assert_eq!(
        first.last_request().unwrap().header("authorization"),
        Some("Basic dTpw")
    );
    let req = s.request(first.port(), "GET", "/away", 0);
    s.send(req, Some("Authorization: Basic dTpw\r\n"), b"")
        .unwrap();
    assert_eq!(s.read_all(req).unwrap(), b"other");
    let rec = other.last_request().unwrap();
    assert_eq!(rec.header("authorization"), None);
    assert_eq!(
        rec.header("host"),
        Some(format!("127.0.0.1:{}", other.port()).as_str())
    );
}

#[test]
fn open_url_follows_redirects_too() {
    let srv = TestServer::start_blocking(routes()).unwrap();
    let s = Session::new(0);
    let h = hinternet::raw::internet_open_url(
        &s.engine,
        s.root.as_raw(),
        &srv.url("/301"),
        None,
        0,
        3,
        |_| {},
    )
    .into_result()
    .unwrap();
    assert_eq!(s.status(h), 200);
    assert_eq!(url_of(&s, h), srv.url("/target"));
}
