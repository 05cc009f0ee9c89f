//! INTERNET_OPTION_HTTP_DECODING: gzip / deflate / br bodies come back decoded, with
//! Content-Encoding and Content-Length gone from the headers (D.53); off, the bytes are
//! returned as sent.

mod http_common;

use hinternet_core::consts::*;
use hinternet_core::{Handle, OptionInput};
use hinternet_testkit::http::{Encoding, Reply, Routes, TestServer};
use http_common::Session;

const TEXT: &[u8] = b"the quick brown fox jumps over the lazy dog, again and again and again";

fn server() -> TestServer {
    TestServer::start_blocking(
        Routes::new()
            .route(
                "/gz",
                Reply::encoded(Encoding::Gzip, TEXT).header("Content-Type", "text/plain"),
            )
            .route("/zz", Reply::encoded(Encoding::Deflate, TEXT))
            .route("/br", Reply::encoded(Encoding::Brotli, TEXT))
            .route(
                "/bad",
                Reply::bytes(&b"this is not gzip at all"[..]).header("Content-Encoding", "gzip"),
            ),
    )
    .unwrap()
}

fn decoding(s: &Session, h: Handle) {
    s.engine
        .set_option(
            Some(h.as_raw()),
            INTERNET_OPTION_HTTP_DECODING,
            &OptionInput::Bytes(&1u32.to_le_bytes()),
        )
        .unwrap();
}

#[test]
fn gzip_deflate_and_brotli_are_decoded_and_their_headers_removed() {
    let srv = server();
    let s = Session::new(0);
    decoding(&s, s.root);
    for path in ["/gz", "/zz", "/br"] {
        let req = s.request(srv.port(), "GET", path, 0);
        s.send(req, None, b"").unwrap();
        assert_eq!(s.read_all(req).unwrap(), TEXT, "{path}");
        for level in [HTTP_QUERY_CONTENT_ENCODING, HTTP_QUERY_CONTENT_LENGTH] {
            assert_eq!(
                s.query(req, level).unwrap_err().code(),
                ERROR_HTTP_HEADER_NOT_FOUND,
                "{path}"
            );
        }
        let raw = s.query(req, HTTP_QUERY_RAW_HEADERS_CRLF).unwrap();
        assert!(
            !raw.to_ascii_lowercase().contains("content-encoding"),
            "{raw}"
        );
    }
    let req = s.request(srv.port(), "GET", "/gz", 0);
    s.send(req, None, b"").unwrap();
    assert_eq!(s.query(req, HTTP_QUERY_CONTENT_TYPE).unwrap(), "text/plain");
    assert_eq!(
        srv.last_request().unwrap().header("accept-encoding"),
        Some("gzip, deflate, br")
    );
}

#[test]
fn decoding_set_on_the_request_handle_works_too() {
    let srv = server();
    let s = Session::new(0);
    let req = s.request(srv.port(), "GET", "/gz", 0);
    decoding(&s, req);
    s.send(req, None, b"").unwrap();
    assert_eq!(s.read_all(req).unwrap(), TEXT);
}

#[test]
fn without_the_option_the_coded_bytes_are_returned() {
    let srv = server();
    let s = Session::new(0);
    let req = s.request(srv.port(), "GET", "/gz", 0);
    s.send(req, None, b"").unwrap();
    assert_eq!(s.query(req, HTTP_QUERY_CONTENT_ENCODING).unwrap(), "gzip");
    assert_eq!(s.read_all(req).unwrap(), Encoding::Gzip.encode(TEXT));
    assert_eq!(srv.last_request().unwrap().header("accept-encoding"), None);
}

#[test]
fn a_corrupt_coded_body_fails_with_decoding_failed() {
    let srv = server();
    let s = Session::new(0);
    decoding(&s, s.root);
    let req = s.request(srv.port(), "GET", "/bad", 0);
    s.send(req, None, b"").unwrap();
    assert_eq!(
        s.read_all(req).unwrap_err().code(),
        ERROR_INTERNET_DECODING_FAILED
    );
}
