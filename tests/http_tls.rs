//! HTTPS: rustls with the testkit CA as an added root; certificate failures mapped to WinINet
//! codes; per-request opt-outs (INTERNET_FLAG_IGNORE_CERT_*, SECURITY_FLAG_IGNORE_*); security
//! flags and certificate text after the send; HTTP/2 when ALPN picks it.

mod http_common;

use hinternet_core::consts::*;
use hinternet_core::{Handle, OptionInput, OptionValue};
use hinternet_testkit::http::{Reply, Routes, TestServer};
use hinternet_testkit::tls::{ServerCert, TestCa};
use http_common::Session;

fn tls_server(cert: &ServerCert) -> TestServer {
    TestServer::start_tls_blocking(Routes::new().fallback(Reply::text("secret")), cert).unwrap()
}

fn secure_request(s: &Session, port: u16, host: &str, flags: u32) -> Handle {
    let c = s.connect_host(host, port, INTERNET_FLAG_SECURE);
    s.open(c, "GET", "/", flags | INTERNET_FLAG_SECURE)
}

fn dword(s: &Session, h: Handle, option: u32) -> u32 {
    match s.engine.query_option(Some(h.as_raw()), option).unwrap() {
        OptionValue::Dword(v) => v,
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_trusted_server_works_and_reports_secure_flags_and_certificate() {
    http_common::trust_test_ca();
    let srv = tls_server(&TestCa::shared().server_cert());
    let s = Session::new(0);
    let req = secure_request(&s, srv.port(), "localhost", 0);
    s.send(req, None, b"").unwrap();
    assert_eq!(s.status(req), 200);
    assert_eq!(s.read_all(req).unwrap(), b"secret");
    let flags = dword(&s, req, INTERNET_OPTION_SECURITY_FLAGS);
    assert_eq!(
        flags & (SECURITY_FLAG_SECURE | SECURITY_FLAG_STRENGTH_STRONG),
        SECURITY_FLAG_SECURE | SECURITY_FLAG_STRENGTH_STRONG
    );
    let text = match s
        .engine
        .query_option(Some(req.as_raw()), INTERNET_OPTION_SECURITY_CERTIFICATE)
        .unwrap()
    {
        OptionValue::Str(t) => t,
        other => panic!("{other:?}"),
    };
    assert!(text.starts_with("Subject:\r\n"), "{text}");
    assert!(text.contains("localhost"), "{text}");
    assert!(text.contains("\r\nIssuer:\r\n"), "{text}");
    assert!(text.contains("Effective Date:\t"), "{text}");
}

#[test]
fn certificate_text_on_a_plain_request_is_an_invalid_operation() {
    let srv = TestServer::start_blocking(Routes::new().fallback(Reply::text("x"))).unwrap();
    let s = Session::new(0);
    let req = s.request(srv.port(), "GET", "/", 0);
    s.send(req, None, b"").unwrap();
    let e = s
        .engine
        .query_option(Some(req.as_raw()), INTERNET_OPTION_SECURITY_CERTIFICATE)
        .unwrap_err();
    assert_eq!(e.code(), ERROR_INTERNET_INVALID_OPERATION);
}

#[test]
fn an_unknown_ca_is_invalid_ca_unless_ignored_by_security_flags() {
    let srv = tls_server(&TestCa::self_signed_unknown());
    let s = Session::new(0);
    let req = secure_request(&s, srv.port(), "localhost", 0);
    assert_eq!(
        s.send(req, None, b"").unwrap_err().code(),
        ERROR_INTERNET_INVALID_CA
    );
    assert_eq!(
        dword(&s, req, INTERNET_OPTION_REQUEST_FLAGS),
        INTERNET_REQFLAG_NO_HEADERS
    );
    s.engine
        .set_option(
            Some(req.as_raw()),
            INTERNET_OPTION_SECURITY_FLAGS,
            &OptionInput::Bytes(&SECURITY_FLAG_IGNORE_UNKNOWN_CA.to_le_bytes()),
        )
        .unwrap();
    s.send(req, None, b"").unwrap();
    assert_eq!(s.read_all(req).unwrap(), b"secret");
}

#[test]
fn a_wrong_host_is_cn_invalid_unless_the_request_ignores_it() {
    http_common::trust_test_ca();
    let srv = tls_server(&TestCa::shared().wrong_host_cert());
    let s = Session::new(0);
    let req = secure_request(&s, srv.port(), "localhost", 0);
    assert_eq!(
        s.send(req, None, b"").unwrap_err().code(),
        ERROR_INTERNET_SEC_CERT_CN_INVALID
    );
    let req = secure_request(
        &s,
        srv.port(),
        "localhost",
        INTERNET_FLAG_IGNORE_CERT_CN_INVALID,
    );
    s.send(req, None, b"").unwrap();
    assert_eq!(s.read_all(req).unwrap(), b"secret");
}

#[test]
fn an_expired_certificate_is_date_invalid_unless_the_request_ignores_it() {
    http_common::trust_test_ca();
    let srv = tls_server(&TestCa::shared().expired_cert());
    let s = Session::new(0);
    let req = secure_request(&s, srv.port(), "localhost", 0);
    assert_eq!(
        s.send(req, None, b"").unwrap_err().code(),
        ERROR_INTERNET_SEC_CERT_DATE_INVALID
    );
    let req = secure_request(
        &s,
        srv.port(),
        "localhost",
        INTERNET_FLAG_IGNORE_CERT_DATE_INVALID,
    );
    s.send(req, None, b"").unwrap();
    assert_eq!(s.status(req), 200);
}

#[test]
fn tls_against_a_plain_port_is_a_security_channel_error() {
    let srv = TestServer::start_blocking(Routes::new().fallback(Reply::text("x"))).unwrap();
    let s = Session::new(0);
    let req = secure_request(&s, srv.port(), "127.0.0.1", 0);
    assert_eq!(
        s.send(req, None, b"").unwrap_err().code(),
        ERROR_INTERNET_SECURITY_CHANNEL_ERROR
    );
}

#[test]
fn alpn_h2_is_used_when_the_server_offers_it() {
    http_common::trust_test_ca();
    let srv = TestServer::start_tls_blocking(
        Routes::new().route("/h2", Reply::text("over h2")),
        &TestCa::shared().server_cert(),
    )
    .unwrap();
    let s = Session::new(0);
    let c = s.connect_host("localhost", srv.port(), INTERNET_FLAG_SECURE);
    let req = s.open(c, "GET", "/h2", INTERNET_FLAG_SECURE);
    s.send(req, None, b"").unwrap();
    assert_eq!(s.query(req, HTTP_QUERY_VERSION).unwrap(), "HTTP/2");
    assert_eq!(s.read_all(req).unwrap(), b"over h2");
    assert_eq!(srv.last_request().unwrap().version, "HTTP/2.0");
}

#[test]
fn http1_only_servers_get_http11_over_tls() {
    http_common::trust_test_ca();
    let srv = TestServer::builder(Routes::new().fallback(Reply::text("one")))
        .tls(&TestCa::shared().server_cert())
        .http1_only()
        .start_blocking()
        .unwrap();
    let s = Session::new(0);
    let req = secure_request(&s, srv.port(), "localhost", 0);
    s.send(req, None, b"").unwrap();
    assert_eq!(s.query(req, HTTP_QUERY_VERSION).unwrap(), "HTTP/1.1");
    assert_eq!(
        s.query(req, HTTP_QUERY_HOST | HTTP_QUERY_FLAG_REQUEST_HEADERS)
            .unwrap(),
        format!("localhost:{}", srv.port())
    );
}

#[test]
fn security_flag_secure_cannot_be_set() {
    let s = Session::new(0);
    let req = s.request(1, "GET", "/", 0);
    let e = s
        .engine
        .set_option(
            Some(req.as_raw()),
            INTERNET_OPTION_SECURITY_FLAGS,
            &OptionInput::Bytes(&SECURITY_FLAG_SECURE.to_le_bytes()),
        )
        .unwrap_err();
    assert_eq!(e.code(), ERROR_INTERNET_OPTION_NOT_SETTABLE);
}

#[test]
fn a_connection_that_ignored_a_bad_certificate_is_not_reused_by_a_request_that_did_not() {
    let srv = tls_server(&TestCa::self_signed_unknown());
    let s = Session::new(0);
    let lax = secure_request(&s, srv.port(), "localhost", 0);
    s.engine
        .set_option(
            Some(lax.as_raw()),
            INTERNET_OPTION_SECURITY_FLAGS,
            &OptionInput::Bytes(&SECURITY_FLAG_IGNORE_UNKNOWN_CA.to_le_bytes()),
        )
        .unwrap();
    s.send(lax, None, b"").unwrap();
    assert_eq!(s.read_all(lax).unwrap(), b"secret");
    // The lax request's connection is back in the pool; a strict request must not get it.
    let strict = secure_request(&s, srv.port(), "localhost", 0);
    assert_eq!(
        s.send(strict, None, b"").unwrap_err().code(),
        ERROR_INTERNET_INVALID_CA
    );
    // Another lax request does reuse it.
    let again = secure_request(&s, srv.port(), "localhost", 0);
    s.engine
        .set_option(
            Some(again.as_raw()),
            INTERNET_OPTION_SECURITY_FLAGS,
            &OptionInput::Bytes(&SECURITY_FLAG_IGNORE_UNKNOWN_CA.to_le_bytes()),
        )
        .unwrap();
    s.send(again, None, b"").unwrap();
    assert_eq!(s.read_all(again).unwrap(), b"secret");
    assert_eq!(
        srv.connections_accepted(),
        2,
        "the strict request dialled its own"
    );
}

#[test]
fn requests_to_an_http2_server_share_one_connection_even_while_a_body_is_unread() {
    http_common::trust_test_ca();
    let srv = TestServer::start_tls_blocking(
        Routes::new()
            .route("/big", Reply::generated(1 << 20))
            .route("/small", Reply::text("small")),
        &TestCa::shared().server_cert(),
    )
    .unwrap();
    let s = Session::new(0);
    let c = s.connect_host("localhost", srv.port(), INTERNET_FLAG_SECURE);
    let big = s.open(c, "GET", "/big", INTERNET_FLAG_SECURE);
    s.send(big, None, b"").unwrap();
    assert_eq!(s.query(big, HTTP_QUERY_VERSION).unwrap(), "HTTP/2");
    // The big body is still unread: an HTTP/1 connection would be busy, an HTTP/2 one is not.
    let mut requests = Vec::new();
    for _ in 0..3 {
        let r = s.open(c, "GET", "/small", INTERNET_FLAG_SECURE);
        s.send(r, None, b"").unwrap();
        requests.push(r);
    }
    for r in requests {
        assert_eq!(s.read_all(r).unwrap(), b"small");
    }
    assert_eq!(s.read_all(big).unwrap().len(), 1 << 20);
    assert_eq!(srv.connections_accepted(), 1);
}

#[test]
fn the_certificate_struct_gives_names_validity_algorithms_and_key_size() {
    http_common::trust_test_ca();
    let srv = tls_server(&TestCa::shared().server_cert());
    let s = Session::new(0);
    let req = secure_request(&s, srv.port(), "localhost", 0);
    s.send(req, None, b"").unwrap();
    let info = match s
        .engine
        .query_option(
            Some(req.as_raw()),
            INTERNET_OPTION_SECURITY_CERTIFICATE_STRUCT,
        )
        .unwrap()
    {
        OptionValue::Certificate(c) => c,
        other => panic!("{other:?}"),
    };
    assert_eq!(info.subject, "localhost");
    assert!(info.issuer.contains("hinternet testkit"), "{}", info.issuer);
    assert!(info.expiry > info.start && info.start > 116_444_736_000_000_000);
    assert_eq!(info.signature_algorithm.as_deref(), Some("sha256ECDSA"));
    assert!(matches!(
        info.protocol.as_deref(),
        Some("TLS 1.3" | "TLS 1.2")
    ));
    assert!(matches!(info.key_size, 128 | 256), "{}", info.key_size);
    // The text form carries the same facts.
    let text = match s
        .engine
        .query_option(Some(req.as_raw()), INTERNET_OPTION_SECURITY_CERTIFICATE)
        .unwrap()
    {
        OptionValue::Str(t) => t,
        other => panic!("{other:?}"),
    };
    assert!(
        text.starts_with("Subject:\r\nlocalhost\r\nIssuer:\r\n"),
        "{text}"
    );
    assert!(text.contains("Signature Type:\tsha256ECDSA"), "{text}");
    assert!(text.contains(&format!("Privacy Strength:\tHigh ({} bits)", info.key_size)));
    // A plain request has no certificate.
    let plain = s.request(srv.port(), "GET", "/", 0);
    assert_eq!(
        s.engine
            .query_option(
                Some(plain.as_raw()),
                INTERNET_OPTION_SECURITY_CERTIFICATE_STRUCT
            )
            .unwrap_err()
            .code(),
        ERROR_INTERNET_INVALID_OPERATION
    );
}

#[tokio::test]
async fn the_rust_api_reports_the_servers_certificate() {
    http_common::trust_test_ca();
    let srv = TestServer::start_tls(
        Routes::new().fallback(Reply::text("secret")),
        &TestCa::shared().server_cert(),
    )
    .await
    .unwrap();
    let inet = hinternet::Internet::new().unwrap();
    let conn = inet.connect_https("localhost", srv.port()).await.unwrap();
    let resp = conn.get("/").send().await.unwrap();
    let cert = resp
        .certificate()
        .expect("a TLS response has a certificate");
    assert_eq!(cert.subject, "localhost");
    assert!(cert.expiry > cert.start);
    let plain = TestServer::start(Routes::new().fallback(Reply::text("x")))
        .await
        .unwrap();
    let conn = inet.connect_http("127.0.0.1", plain.port()).await.unwrap();
    assert!(conn.get("/").send().await.unwrap().certificate().is_none());
}
