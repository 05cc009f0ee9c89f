//! Authentication: Basic on 401 with credentials from InternetConnect or
//! INTERNET_OPTION_USERNAME/PASSWORD; without credentials (or with NO_AUTH) the 401 reaches the
//! caller as a response.

mod http_common;

use hinternet::raw::{self, ConnectArgs};
use hinternet_core::consts::*;
use hinternet_core::{Handle, OptionInput};
use hinternet_testkit::http::{Reply, Routes, TestServer};
use http_common::Session;

fn server() -> TestServer {
    TestServer::start_blocking(Routes::new().route(
        "/p",
        Reply::basic_auth("realm", "user", "pass", Reply::text("in")),
    ))
    .unwrap()
}

fn connect_as(s: &Session, port: u16, user: Option<&str>, password: Option<&str>) -> Handle {
    raw::internet_connect(
        &s.engine,
        s.root.as_raw(),
        ConnectArgs {
            server: Some("127.0.0.1"),
            port,
            user,
            password,
            service: INTERNET_SERVICE_HTTP,
            context: 1,
            ..ConnectArgs::default()
        },
        |_| {},
    )
    .into_result()
    .unwrap()
}

#[test]
fn basic_credentials_from_internet_connect_answer_the_401() {
    let srv = server();
    let s = Session::new(0);
    let c = connect_as(&s, srv.port(), Some("user"), Some("pass"));
    let req = s.open(c, "GET", "/p", 0);
    s.send(req, None, b"").unwrap();
    assert_eq!(s.status(req), 200);
    assert_eq!(s.read_all(req).unwrap(), b"in");
    let reqs = srv.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].header("authorization"), None);
    assert_eq!(reqs[1].header("authorization"), Some("Basic dXNlcjpwYXNz"));
}

#[test]
fn without_credentials_the_401_reaches_the_caller() {
    let srv = server();
    let s = Session::new(0);
    let req = s.request(srv.port(), "GET", "/p", 0);
    s.send(req, None, b"").unwrap();
    assert_eq!(s.status(req), 401);
    assert!(
        s.query(req, HTTP_QUERY_WWW_AUTHENTICATE)
            .unwrap()
            .starts_with("Basic")
    );
    assert_eq!(srv.request_count(), 1);
}

#[test]
fn wrong_credentials_are_tried_once_then_the_401_is_returned() {
    let srv = server();
    let s = Session::new(0);
    let c = connect_as(&s, srv.port(), Some("user"), Some("nope"));
    let req = s.open(c, "GET", "/p", 0);
    s.send(req, None, b"").unwrap();
    assert_eq!(s.status(req), 401);
    assert_eq!(srv.request_count(), 2);
}

#[test]
fn no_auth_flag_hands_the_401_over_at_once() {
    let srv = server();
    let s = Session::new(0);
    let c = connect_as(&s, srv.port(), Some("user"), Some("pass"));
    let req = s.open(c, "GET", "/p", INTERNET_FLAG_NO_AUTH);
    s.send(req, None, b"").unwrap();
    assert_eq!(s.status(req), 401);
    assert_eq!(srv.request_count(), 1);
}

#[test]
fn credentials_set_as_options_on_the_request_are_used() {
    let srv = server();
    let s = Session::new(0);
    let req = s.request(srv.port(), "GET", "/p", 0);
    for (opt, v) in [
        (INTERNET_OPTION_USERNAME, "user"),
        (INTERNET_OPTION_PASSWORD, "pass"),
    ] {
        s.engine
            .set_option(Some(req.as_raw()), opt, &OptionInput::Text(v))
            .unwrap();
    }
    s.send(req, None, b"").unwrap();
    assert_eq!(s.status(req), 200);
}

#[test]
fn digest_credentials_answer_the_digest_challenge() {
    let srv = TestServer::start_blocking(Routes::new().route(
        "/d",
        Reply::digest_auth("dig", "user", "pass", Reply::text("digested")),
    ))
    .unwrap();
    let s = Session::new(0);
    let c = connect_as(&s, srv.port(), Some("user"), Some("pass"));
    let req = s.open(c, "GET", "/d", 0);
    s.send(req, None, b"").unwrap();
    assert_eq!(s.status(req), 200);
    assert_eq!(s.read_all(req).unwrap(), b"digested");
    let auth = srv
        .last_request()
        .unwrap()
        .header("authorization")
        .unwrap()
        .to_owned();
    assert!(
        auth.starts_with("Digest username=\"user\", realm=\"dig\""),
        "{auth}"
    );
    assert!(!auth.contains("pass"), "{auth}");
}

#[test]
fn wrong_digest_credentials_return_the_401() {
    let srv = TestServer::start_blocking(Routes::new().route(
        "/d",
        Reply::digest_auth("dig", "user", "pass", Reply::text("in")),
    ))
    .unwrap();
    let s = Session::new(0);
    let c = connect_as(&s, srv.port(), Some("user"), Some("bad"));
    let req = s.open(c, "GET", "/d", 0);
    s.send(req, None, b"").unwrap();
    assert_eq!(s.status(req), 401);
    assert_eq!(srv.request_count(), 2);
}
