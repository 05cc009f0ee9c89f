//! Hostile peers: each case asserts the exact error code, that nothing hangs (every read loop
//! is bounded, stalls are released by signals or timeouts in paused time) and that nothing is
//! silently truncated (a short body is an error, never a complete body).

mod http_common;

use std::time::Duration;

use hinternet::raw;
use hinternet_core::Handle;
use hinternet_core::consts::*;
use hinternet_testkit::Signal;
use hinternet_testkit::http::raw::scripts;
use hinternet_testkit::http::{RawScript, RawServer};
use hinternet_testkit::pattern;
use hinternet_testkit::tls::TestCa;
use http_common::Session;
use tokio::io::AsyncReadExt;

fn serve(script: RawScript) -> (RawServer, Session, Handle) {
    let srv = RawServer::start_blocking(script).unwrap();
    let s = Session::new(0);
    let req = s.request(srv.port(), "GET", "/", 0);
    (srv, s, req)
}

fn respond(bytes: &'static [u8]) -> RawScript {
    RawScript::new().read_request().write(bytes).close()
}

fn send_err(script: RawScript) -> u32 {
    let (_srv, s, req) = serve(script);
    s.send(req, None, b"").unwrap_err().code()
}

/// Reads what arrives (InternetReadFileEx with IRF_NO_WAIT) until the end or an error:
/// (bytes read, the error code if any). A second read after an error must fail again.
fn read_until_error(s: &Session, req: Handle) -> (Vec<u8>, Option<u32>) {
    let mut got = Vec::new();
    for _ in 0..100_000 {
        let r = raw::internet_read_file_ex(
            &s.engine,
            req.as_raw(),
            vec![0u8; 4096],
            IRF_NO_WAIT,
            |_| {},
        )
        .into_result();
        match r {
            Ok(raw::ReadEx::Read(0, _)) => return (got, None),
            Ok(raw::ReadEx::Read(n, b)) => got.extend_from_slice(&b[..n]),
            Ok(raw::ReadEx::Untouched(_)) => {}
            Err(e) => {
                let again = raw::internet_read_file(&s.engine, req.as_raw(), vec![0u8; 16], |_| {})
                    .into_result()
                    .unwrap_err();
                assert_eq!(again.code(), e.code(), "the failure is sticky");
                return (got, Some(e.code()));
            }
        }
    }
    panic!("unbounded body");
}

#[test]
fn malformed_status_line_is_an_invalid_response() {
    assert_eq!(
        send_err(scripts::malformed_status_line()),
        ERROR_HTTP_INVALID_SERVER_RESPONSE
    );
}

#[test]
fn header_line_without_colon_is_an_invalid_response() {
    assert_eq!(
        send_err(scripts::header_without_colon()),
        ERROR_HTTP_INVALID_SERVER_RESPONSE
    );
}

#[test]
fn a_100_kib_header_line_is_kept_whole() {
    let (_srv, s, req) = serve(scripts::huge_header_line());
    s.send(req, None, b"").unwrap();
    let e = hinternet_http::http_query_info(
        &s.engine,
        req.as_raw(),
        HTTP_QUERY_CUSTOM,
        Some("X-Huge"),
        Some(&mut [0u8; 16]),
        None,
        hinternet_core::options::CharUnit::Ansi,
    )
    .unwrap_err();
    assert_eq!(
        (e.code(), e.needed()),
        (ERROR_INSUFFICIENT_BUFFER, Some(100 * 1024 + 1))
    );
    assert_eq!(s.read_all(req).unwrap(), b"ok");
}

#[test]
fn a_head_larger_than_256_kib_is_an_invalid_response() {
    assert_eq!(hinternet_http::pool::MAX_RESPONSE_HEAD, 256 * 1024);
    assert_eq!(
        send_err(scripts::oversized_head()),
        ERROR_HTTP_INVALID_SERVER_RESPONSE
    );
}

#[test]
fn ten_thousand_headers_exceed_the_limit() {
    assert_eq!(
        send_err(scripts::many_headers()),
        ERROR_HTTP_INVALID_SERVER_RESPONSE
    );
}

#[test]
fn a_body_shorter_than_content_length_is_an_error_not_a_complete_body() {
    let (_srv, s, req) = serve(scripts::short_body_then_close());
    s.send(req, None, b"").unwrap();
    let (got, err) = read_until_error(&s, req);
    assert_eq!(got, pattern::bytes(0, 100));
    assert_eq!(err, Some(ERROR_INTERNET_CONNECTION_ABORTED));
}

#[test]
fn an_invalid_chunk_size_fails_after_the_good_chunk() {
    let (_srv, s, req) = serve(scripts::invalid_chunk_size());
    s.send(req, None, b"").unwrap();
    let (got, err) = read_until_error(&s, req);
    assert_eq!(got, b"hello");
    assert_eq!(err, Some(ERROR_HTTP_INVALID_SERVER_RESPONSE));
}

#[test]
fn a_chunk_size_that_overflows_is_invalid() {
    let (_srv, s, req) = serve(respond(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\nx\r\n0\r\n\r\n",
    ));
    s.send(req, None, b"").unwrap();
    let (got, err) = read_until_error(&s, req);
    assert_eq!(got, b"");
    assert_eq!(err, Some(ERROR_HTTP_INVALID_SERVER_RESPONSE));
}

#[test]
fn a_chunked_body_cut_before_the_last_chunk_is_an_error() {
    let (_srv, s, req) = serve(respond(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n5\r\nwor",
    ));
    s.send(req, None, b"").unwrap();
    let (got, err) = read_until_error(&s, req);
    assert!(got.starts_with(b"hello") && got.len() < 10, "{got:?}");
    assert_eq!(err, Some(ERROR_INTERNET_CONNECTION_ABORTED));
}

#[test]
fn a_reset_mid_body_is_connection_reset_after_the_bytes_that_came() {
    let (_srv, s, req) = serve(scripts::reset_mid_body());
    s.send(req, None, b"").unwrap();
    let (got, err) = read_until_error(&s, req);
    assert!(got.len() <= 64 * 1024);
    assert_eq!(pattern::check(0, &got), None);
    assert_eq!(err, Some(ERROR_INTERNET_CONNECTION_RESET));
}

#[test]
fn a_redirect_loop_stops_at_the_limit() {
    let srv = RawServer::start_per_connection_blocking(vec![scripts::redirect_loop(); 12]).unwrap();
    let s = Session::new(0);
    let req = s.request(srv.port(), "GET", "/loop", 0);
    assert_eq!(
        s.send(req, None, b"").unwrap_err().code(),
        ERROR_HTTP_REDIRECT_FAILED
    );
    assert_eq!(srv.connections_accepted(), 11);
}

#[test]
fn a_redirect_to_an_unsupported_scheme_returns_the_3xx() {
    let (_srv, s, req) = serve(scripts::redirect_to_unsupported_scheme());
    s.send(req, None, b"").unwrap();
    assert_eq!(s.status(req), 302);
}

#[test]
fn a_redirect_to_an_unparsable_location_is_an_invalid_url() {
    assert_eq!(
        send_err(respond(
            b"HTTP/1.1 302 Found\r\nLocation: http://[::1\r\nContent-Length: 0\r\n\r\n"
        )),
        ERROR_INTERNET_INVALID_URL
    );
}

#[test]
fn a_response_without_status_line_is_invalid() {
    assert_eq!(
        send_err(scripts::no_status_line()),
        ERROR_HTTP_INVALID_SERVER_RESPONSE
    );
}

#[test]
fn a_close_before_any_response_is_invalid() {
    assert_eq!(
        send_err(RawScript::new().read_request().close()),
        ERROR_HTTP_INVALID_SERVER_RESPONSE
    );
}

#[test]
fn a_reset_before_any_response_is_connection_reset() {
    assert_eq!(
        send_err(RawScript::new().read_request().reset()),
        ERROR_INTERNET_CONNECTION_RESET
    );
}

#[test]
fn a_non_numeric_content_length_is_invalid() {
    assert_eq!(
        send_err(respond(
            b"HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\nxxxxxxxxxx"
        )),
        ERROR_HTTP_INVALID_SERVER_RESPONSE
    );
}

#[test]
fn conflicting_content_lengths_are_invalid() {
    assert_eq!(
        send_err(respond(
            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc"
        )),
        ERROR_HTTP_INVALID_SERVER_RESPONSE
    );
}

#[test]
fn a_nul_in_a_header_value_is_invalid() {
    assert_eq!(
        send_err(respond(
            b"HTTP/1.1 200 OK\r\nServer: a\0b\r\nContent-Length: 0\r\n\r\n"
        )),
        ERROR_HTTP_INVALID_SERVER_RESPONSE
    );
}

#[test]
fn interim_100_continue_responses_are_skipped() {
    let (_srv, s, req) = serve(respond(
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 100 Continue\r\nX-A: b\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
    ));
    s.send(req, None, b"").unwrap();
    assert_eq!(s.status(req), 200);
    assert_eq!(s.read_all(req).unwrap(), b"ok");
}

#[test]
fn nothing_listening_cannot_connect() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let s = Session::new(0);
    let req = s.request(port, "GET", "/", 0);
    assert_eq!(
        s.send(req, None, b"").unwrap_err().code(),
        ERROR_INTERNET_CANNOT_CONNECT
    );
}

#[test]
fn a_body_past_content_length_is_not_read_as_data() {
    let (_srv, s, req) = serve(respond(
        b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcGARBAGE",
    ));
    s.send(req, None, b"").unwrap();
    assert_eq!(s.read_all(req).unwrap(), b"abc");
}

fn tls_err(cert: &hinternet_testkit::tls::ServerCert) -> u32 {
    http_common::trust_test_ca();
    let srv = hinternet_testkit::http::TestServer::start_tls_blocking(
        hinternet_testkit::http::Routes::new(),
        cert,
    )
    .unwrap();
    let s = Session::new(0);
    let c = s.connect_host("localhost", srv.port(), INTERNET_FLAG_SECURE);
    let req = s.open(c, "GET", "/", INTERNET_FLAG_SECURE);
    s.send(req, None, b"").unwrap_err().code()
}

#[test]
fn tls_untrusted_certificate() {
    assert_eq!(
        tls_err(&TestCa::self_signed_unknown()),
        ERROR_INTERNET_INVALID_CA
    );
}

#[test]
fn tls_wrong_host_certificate() {
    assert_eq!(
        tls_err(&TestCa::shared().wrong_host_cert()),
        ERROR_INTERNET_SEC_CERT_CN_INVALID
    );
}

#[test]
fn tls_expired_certificate() {
    assert_eq!(
        tls_err(&TestCa::shared().expired_cert()),
        ERROR_INTERNET_SEC_CERT_DATE_INVALID
    );
}

#[test]
fn tls_not_yet_valid_certificate() {
    assert_eq!(
        tls_err(&TestCa::shared().not_yet_valid_cert()),
        ERROR_INTERNET_SEC_CERT_DATE_INVALID
    );
}

#[tokio::test(start_paused = true)]
async fn a_body_that_never_ends_hits_the_receive_timeout() {
    let (sent, release) = (Signal::new(), Signal::new());
    let srv = RawServer::start(scripts::endless_body(&sent, &release))
        .await
        .unwrap();
    let inet = hinternet::Internet::builder()
        .engine(hinternet_core::Engine::new())
        .build()
        .unwrap();
    inet.set_timeout(INTERNET_OPTION_RECEIVE_TIMEOUT, Duration::from_secs(3))
        .unwrap();
    let conn = inet.connect_http("127.0.0.1", srv.port()).await.unwrap();
    let mut resp = conn.get("/").send().await.unwrap();
    let mut all = Vec::new();
    let e = resp.read_to_end(&mut all).await.unwrap_err();
    assert_eq!(all.len(), 64 * 1024);
    assert_eq!(
        hinternet::error_of(&e).unwrap().code(),
        ERROR_INTERNET_TIMEOUT
    );
    release.fire();
}

#[tokio::test(start_paused = true)]
async fn closing_the_handle_cancels_a_read_waiting_on_a_stalled_body() {
    let (sent, release) = (Signal::new(), Signal::new());
    let srv = RawServer::start(scripts::endless_body(&sent, &release))
        .await
        .unwrap();
    let inet = hinternet::Internet::builder()
        .engine(hinternet_core::Engine::new())
        .build()
        .unwrap();
    let conn = inet.connect_http("127.0.0.1", srv.port()).await.unwrap();
    let resp = conn.get("/").send().await.unwrap();
    let engine = inet.engine().clone();
    let h = resp.handle();
    let read = async move {
        let mut resp = resp;
        let mut all = Vec::new();
        resp.read_to_end(&mut all).await
    };
    let closer = async move {
        sent.wait().await;
        engine.close_async(h.as_raw()).await.unwrap();
    };
    let (r, ()) = tokio::join!(read, closer);
    let e = r.unwrap_err();
    let code = hinternet::error_of(&e).unwrap().code();
    assert!(
        code == ERROR_INTERNET_OPERATION_CANCELLED || code == ERROR_INVALID_HANDLE,
        "{code}"
    );
    release.fire();
}
