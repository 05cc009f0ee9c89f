//! INTERNET_OPEN_TYPE_PROXY: http through the proxy in absolute form, https through a CONNECT
//! tunnel, the bypass list, and proxy credentials.

mod http_common;

use hinternet::raw;
use hinternet_core::consts::*;
use hinternet_core::{Engine, OpenParams, OptionInput};
use hinternet_testkit::http::{Reply, Routes, TestServer};
use hinternet_testkit::tls::TestCa;
use http_common::Session;

fn proxied(proxy: &str, bypass: Option<&str>) -> Session {
    http_common::trust_test_ca();
    let engine = Engine::new();
    raw::register_builtin(&engine);
    let root = engine
        .open_root(OpenParams {
            agent: Some("via-proxy".into()),
            access_type: INTERNET_OPEN_TYPE_PROXY,
            proxy: Some(proxy.into()),
            proxy_bypass: bypass.map(str::to_owned),
            flags: 0,
        })
        .unwrap();
    let rec = http_common::Recorder::default();
    Session { engine, root, rec }
}

#[test]
fn http_goes_to_the_proxy_in_absolute_form() {
    let proxy =
        TestServer::start_blocking(Routes::new().fallback(Reply::text("from proxy"))).unwrap();
    let s = proxied(&format!("127.0.0.1:{}", proxy.port()), None);
    let c = s.connect_host("origin.invalid", 8080, 0);
    let req = s.open(c, "GET", "/p?q=1", 0);
    s.send(req, None, b"").unwrap();
    assert_eq!(s.read_all(req).unwrap(), b"from proxy");
    let rec = proxy.last_request().unwrap();
    assert_eq!(rec.target, "http://origin.invalid:8080/p?q=1");
    assert_eq!(rec.header("host"), Some("origin.invalid:8080"));
    assert_eq!(rec.header("proxy-authorization"), None);
}

#[test]
fn proxy_credentials_are_sent_as_proxy_authorization() {
    let proxy = TestServer::start_blocking(Routes::new().fallback(Reply::text("ok"))).unwrap();
    let s = proxied(&format!("http=127.0.0.1:{}", proxy.port()), None);
    let c = s.connect_host("origin.invalid", 80, 0);
    let req = s.open(c, "GET", "/", 0);
    for (opt, v) in [
        (INTERNET_OPTION_PROXY_USERNAME, "pu"),
        (INTERNET_OPTION_PROXY_PASSWORD, "pp"),
    ] {
        s.engine
            .set_option(Some(req.as_raw()), opt, &OptionInput::Text(v))
            .unwrap();
    }
    s.send(req, None, b"").unwrap();
    assert_eq!(
        proxy.last_request().unwrap().header("proxy-authorization"),
        Some("Basic cHU6cHA=")
    );
}

#[test]
fn bypassed_hosts_connect_directly() {
    let proxy = TestServer::start_blocking(Routes::new().fallback(Reply::text("proxy"))).unwrap();
    let origin = TestServer::start_blocking(Routes::new().fallback(Reply::text("origin"))).unwrap();
    let s = proxied(
        &format!("127.0.0.1:{}", proxy.port()),
        Some("<local>;127.0.0.*"),
    );
    let req = s.request(origin.port(), "GET", "/", 0);
    s.send(req, None, b"").unwrap();
    assert_eq!(s.read_all(req).unwrap(), b"origin");
    assert_eq!(proxy.request_count(), 0);
}

#[test]
fn https_tunnels_through_connect() {
    let origin = TestServer::start_tls_blocking(
        Routes::new().fallback(Reply::text("secret via tunnel")),
        &TestCa::shared().server_cert(),
    )
    .unwrap();
    let proxy =
        TestServer::start_blocking(Routes::new().route_method("CONNECT", "*", Reply::tunnel()))
            .unwrap();
    let s = proxied(&format!("127.0.0.1:{}", proxy.port()), None);
    let c = s.connect_host("localhost", origin.port(), INTERNET_FLAG_SECURE);
    let req = s.open(c, "GET", "/t", INTERNET_FLAG_SECURE);
    s.send(req, None, b"").unwrap();
    assert_eq!(s.read_all(req).unwrap(), b"secret via tunnel");
    let connect = proxy.last_request().unwrap();
    assert_eq!(connect.method, "CONNECT");
    assert_eq!(connect.target, format!("localhost:{}", origin.port()));
    assert_eq!(origin.last_request().unwrap().path, "/t");
}

#[test]
fn a_407_to_connect_reaches_the_caller_and_a_resend_with_proxy_credentials_tunnels() {
    let origin = TestServer::start_tls_blocking(
        Routes::new().fallback(Reply::text("secret via tunnel")),
        &TestCa::shared().server_cert(),
    )
    .unwrap();
    let proxy = TestServer::start_blocking(Routes::new().route_method(
        "CONNECT",
        "*",
        Reply::proxy_basic_auth("gate", "pu", "pp", Reply::tunnel()),
    ))
    .unwrap();
    let s = proxied(&format!("127.0.0.1:{}", proxy.port()), None);
    let c = s.connect_host("localhost", origin.port(), INTERNET_FLAG_SECURE);
    let req = s.open(c, "GET", "/t", INTERNET_FLAG_SECURE);
    // No proxy credentials: the proxy's 407 is the response, with an empty body.
    s.send(req, None, b"").unwrap();
    assert_eq!(s.status(req), 407);
    assert!(
        s.query(req, HTTP_QUERY_PROXY_AUTHENTICATE)
            .unwrap()
            .starts_with("Basic")
    );
    assert_eq!(s.read_all(req).unwrap(), b"");
    for (opt, v) in [
        (INTERNET_OPTION_PROXY_USERNAME, "pu"),
        (INTERNET_OPTION_PROXY_PASSWORD, "pp"),
    ] {
        s.engine
            .set_option(Some(req.as_raw()), opt, &OptionInput::Text(v))
            .unwrap();
    }
    s.send(req, None, b"").unwrap();
    assert_eq!(s.status(req), 200);
    assert_eq!(s.read_all(req).unwrap(), b"secret via tunnel");
    assert_eq!(origin.last_request().unwrap().path, "/t");
}
