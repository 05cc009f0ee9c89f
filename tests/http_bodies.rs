//! Response bodies: InternetQueryDataAvailable, reads over Content-Length / chunked /
//! close-delimited bodies, 204 / 304 / HEAD, and InternetSetFilePointer (forward only: there
//! is no cache to go back to).

mod http_common;

use hinternet::raw;
use hinternet_core::Handle;
use hinternet_core::consts::*;
use hinternet_testkit::http::{RawScript, RawServer, Reply, Routes, TestServer};
use hinternet_testkit::pattern;
use http_common::Session;

fn qda(s: &Session, h: Handle) -> hinternet_core::Result<u64> {
    raw::internet_query_data_available(&s.engine, h.as_raw(), |_| {}).into_result()
}

fn seek(s: &Session, h: Handle, d: i64, m: u32) -> hinternet_core::Result<u64> {
    raw::internet_set_file_pointer(&s.engine, h.as_raw(), d, m)
}

fn server() -> TestServer {
    TestServer::start_blocking(
        Routes::new()
            .route("/big", Reply::generated(200_000))
            .route("/chunked", Reply::chunked(vec![vec![b'c'; 30_000]]))
            .route("/204", Reply::no_content())
            .route("/304", Reply::not_modified()),
    )
    .unwrap()
}

#[test]
fn data_available_is_capped_by_the_read_buffer_and_zero_at_the_end() {
    let srv = server();
    let s = Session::new(0);
    for path in ["/big", "/chunked"] {
        let req = s.request(srv.port(), "GET", path, 0);
        s.send(req, None, b"").unwrap();
        let n = qda(&s, req).unwrap();
        assert!(n > 0 && n <= 8192, "{path}: {n}");
        s.read_all(req).unwrap();
        assert_eq!(qda(&s, req).unwrap(), 0);
    }
}

#[test]
fn no_content_and_not_modified_have_no_body() {
    let srv = server();
    let s = Session::new(0);
    for (path, code) in [("/204", 204), ("/304", 304)] {
        let req = s.request(srv.port(), "GET", path, 0);
        s.send(req, None, b"").unwrap();
        assert_eq!(s.status(req), code);
        assert_eq!(qda(&s, req).unwrap(), 0);
        assert_eq!(s.read_all(req).unwrap(), b"");
    }
}

#[test]
fn a_close_delimited_body_is_read_to_the_close() {
    let raw = RawServer::start_blocking(
        RawScript::new()
            .read_request()
            .write(&b"HTTP/1.0 200 OK\r\n\r\n"[..])
            .write_pattern(70_000)
            .close(),
    )
    .unwrap();
    let s = Session::new(0);
    let req = s.request(raw.port(), "GET", "/", 0);
    s.send(req, None, b"").unwrap();
    assert_eq!(s.read_all(req).unwrap(), pattern::bytes(0, 70_000));
}

#[test]
fn set_file_pointer_moves_forward_and_refuses_to_go_back() {
    let srv = server();
    let s = Session::new(0);
    let req = s.request(srv.port(), "GET", "/big", 0);
    s.send(req, None, b"").unwrap();
    assert_eq!(seek(&s, req, 1000, FILE_BEGIN).unwrap(), 1000);
    assert_eq!(seek(&s, req, 500, FILE_CURRENT).unwrap(), 1500);
    let (n, buf) = raw::internet_read_file(&s.engine, req.as_raw(), vec![0u8; 100], |_| {})
        .into_result()
        .unwrap();
    assert_eq!(&buf[..n], pattern::bytes(1500, 100).as_slice());
    assert_eq!(seek(&s, req, 0, FILE_CURRENT).unwrap(), 1600);
    assert_eq!(
        seek(&s, req, 10, FILE_BEGIN).unwrap_err().code(),
        ERROR_INTERNET_INVALID_OPERATION
    );
    assert_eq!(
        seek(&s, req, -5000, FILE_CURRENT).unwrap_err().code(),
        ERROR_NEGATIVE_SEEK
    );
    assert_eq!(
        seek(&s, req, 0, FILE_END).unwrap_err().code(),
        ERROR_INTERNET_INVALID_OPERATION
    );
    // Past the end: stays at the end.
    assert_eq!(seek(&s, req, 1_000_000, FILE_BEGIN).unwrap(), 200_000);
    assert_eq!(s.read_all(req).unwrap(), b"");
}

#[test]
fn set_file_pointer_on_a_no_cache_write_request_is_invalid() {
    let srv = server();
    let s = Session::new(0);
    let req = s.request(srv.port(), "GET", "/big", INTERNET_FLAG_NO_CACHE_WRITE);
    s.send(req, None, b"").unwrap();
    assert_eq!(
        seek(&s, req, 0, FILE_BEGIN).unwrap_err().code(),
        ERROR_INTERNET_INVALID_OPERATION
    );
}

#[test]
fn async_reads_of_buffered_data_complete_at_once() {
    let srv = server();
    let s = Session::new(INTERNET_FLAG_ASYNC);
    let req = s.request(srv.port(), "GET", "/big", 0);
    let (tx, rx) = std::sync::mpsc::channel();
    let out = hinternet_http::http_send_request(
        &s.engine,
        req.as_raw(),
        None,
        hinternet_http::bytes::Bytes::new(),
        move |r| {
            let _ = tx.send(r.is_ok());
        },
    );
    assert!(matches!(out, raw::Outcome::Pending));
    assert!(rx.recv_timeout(std::time::Duration::from_secs(10)).unwrap());
    let mut got = Vec::new();
    for _ in 0..100_000 {
        let (tx, rx) = std::sync::mpsc::channel();
        let out = raw::internet_read_file(&s.engine, req.as_raw(), vec![0u8; 8192], move |r| {
            let _ = tx.send(
                r.as_ref()
                    .map(|(n, b)| b[..*n].to_vec())
                    .map_err(|e| e.code()),
            );
        });
        let chunk = match out {
            raw::Outcome::Done(r) => r.map(|(n, b)| b[..n].to_vec()).unwrap(),
            raw::Outcome::Pending => rx
                .recv_timeout(std::time::Duration::from_secs(10))
                .unwrap()
                .unwrap(),
        };
        if chunk.is_empty() {
            break;
        }
        got.extend_from_slice(&chunk);
    }
    assert_eq!(got, pattern::bytes(0, 200_000));
}
