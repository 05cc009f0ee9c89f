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

#[test]
fn accepted_basic_credentials_are_sent_at_once_to_the_same_server_until_the_session_ends() {
    let srv = server();
    let s = Session::new(0);
    let with_login = connect_as(&s, srv.port(), Some("user"), Some("pass"));
    let first = s.open(with_login, "GET", "/p", 0);
    s.send(first, None, b"").unwrap();
    assert_eq!(s.status(first), 200);
    assert_eq!(s.read_all(first).unwrap(), b"in");
    // A request of another connect handle, without credentials of its own: no 401 round trip.
    let anonymous = connect_as(&s, srv.port(), None, None);
    let second = s.open(anonymous, "GET", "/p", 0);
    s.send(second, None, b"").unwrap();
    assert_eq!(s.status(second), 200);
    assert_eq!(s.read_all(second).unwrap(), b"in");
    let reqs = srv.requests();
    assert_eq!(reqs.len(), 3);
    assert_eq!(reqs[2].header("authorization"), Some("Basic dXNlcjpwYXNz"));
    // NO_AUTH keeps a request out of it.
    let plain = s.open(anonymous, "GET", "/p", INTERNET_FLAG_NO_AUTH);
    s.send(plain, None, b"").unwrap();
    assert_eq!(s.status(plain), 401);
    s.read_all(plain).unwrap();
    assert_eq!(srv.requests()[3].header("authorization"), None);
    // END_BROWSER_SESSION forgets them.
    s.engine
        .set_option(
            Some(s.root.as_raw()),
            INTERNET_OPTION_END_BROWSER_SESSION,
            &OptionInput::Bytes(&[]),
        )
        .unwrap();
    let after = s.open(anonymous, "GET", "/p", 0);
    s.send(after, None, b"").unwrap();
    assert_eq!(s.status(after), 401);
    assert_eq!(srv.requests()[4].header("authorization"), None);
}

#[test]
fn cached_credentials_the_server_refuses_are_forgotten() {
    let srv = TestServer::start_blocking(
        Routes::new()
            .route(
                "/a",
                Reply::basic_auth("realm", "user", "pass", Reply::text("a")),
            )
            .route(
                "/b",
                Reply::basic_auth("realm", "other", "secret", Reply::text("b")),
            ),
    )
    .unwrap();
    let s = Session::new(0);
    let c = connect_as(&s, srv.port(), Some("user"), Some("pass"));
    let a = s.open(c, "GET", "/a", 0);
    s.send(a, None, b"").unwrap();
    assert_eq!(s.status(a), 200);
    assert_eq!(s.read_all(a).unwrap(), b"a");
    // /b wants other credentials: the cached ones get a 401, are dropped, and the request
    // (with no credentials of its own) hands the 401 to the caller.
    let anonymous = connect_as(&s, srv.port(), None, None);
    let b = s.open(anonymous, "GET", "/b", 0);
    s.send(b, None, b"").unwrap();
    assert_eq!(s.status(b), 401);
    s.read_all(b).unwrap();
    let again = s.open(anonymous, "GET", "/a", 0);
    s.send(again, None, b"").unwrap();
    assert_eq!(
        s.status(again),
        401,
        "the refused credentials were forgotten"
    );
}
