//! HttpQueryInfo: levels, modifiers (NUMBER, NUMBER64, SYSTEMTIME, REQUEST_HEADERS), CUSTOM,
//! the raw header blocks, the index walk, and the A/W size conventions of spec §0.3 and
//! behaviours D.39-54.

mod http_common;

use hinternet_core::Handle;
use hinternet_core::consts::*;
use hinternet_core::options::CharUnit;
use hinternet_testkit::http::{RawScript, RawServer, Reply, Routes, TestServer};
use http_common::Session;

fn q(
    s: &Session,
    req: Handle,
    level: u32,
    buf: Option<&mut [u8]>,
    index: Option<&mut u32>,
    unit: CharUnit,
) -> hinternet_core::Result<u32> {
    hinternet_http::http_query_info(&s.engine, req.as_raw(), level, None, buf, index, unit)
}

fn sent(routes: Routes) -> (TestServer, Session, Handle) {
    let srv = TestServer::start_blocking(routes).unwrap();
    let s = Session::new(0);
    let req = s.request(srv.port(), "GET", "/q", 0);
    s.send(req, None, b"").unwrap();
    (srv, s, req)
}

#[test]
fn status_code_text_sizes_for_a_and_w() {
    let (_srv, s, req) = sent(Routes::new().fallback(Reply::text("x")));
    let e = q(&s, req, HTTP_QUERY_STATUS_CODE, None, None, CharUnit::Ansi).unwrap_err();
    assert_eq!((e.code(), e.needed()), (ERROR_INSUFFICIENT_BUFFER, Some(4)));
    let e = q(&s, req, HTTP_QUERY_STATUS_CODE, None, None, CharUnit::Wide).unwrap_err();
    assert_eq!((e.code(), e.needed()), (ERROR_INSUFFICIENT_BUFFER, Some(8)));
    let mut b = [0xAAu8; 8];
    assert_eq!(
        q(
            &s,
            req,
            HTTP_QUERY_STATUS_CODE,
            Some(&mut b),
            None,
            CharUnit::Ansi
        )
        .unwrap(),
        3
    );
    assert_eq!(&b[..4], b"200\0");
    let mut w = [0xAAu8; 8];
    assert_eq!(
        q(
            &s,
            req,
            HTTP_QUERY_STATUS_CODE,
            Some(&mut w),
            None,
            CharUnit::Wide
        )
        .unwrap(),
        6
    );
    assert_eq!(w, [b'2', 0, b'0', 0, b'0', 0, 0, 0]);
}

#[test]
fn status_code_number_index_and_request_header_rules() {
    let (_srv, s, req) = sent(Routes::new().fallback(Reply::text("x")));
    let mut b = [0u8; 4];
    let mut idx = 0;
    let n = q(
        &s,
        req,
        HTTP_QUERY_STATUS_CODE | HTTP_QUERY_FLAG_NUMBER,
        Some(&mut b),
        Some(&mut idx),
        CharUnit::Ansi,
    )
    .unwrap();
    assert_eq!((n, u32::from_le_bytes(b), idx), (4, 200, 0));
    let mut idx = 1;
    let e = q(
        &s,
        req,
        HTTP_QUERY_STATUS_CODE,
        Some(&mut [0u8; 16]),
        Some(&mut idx),
        CharUnit::Ansi,
    )
    .unwrap_err();
    assert_eq!(e.code(), ERROR_HTTP_HEADER_NOT_FOUND);
    let e = q(
        &s,
        req,
        HTTP_QUERY_STATUS_CODE | HTTP_QUERY_FLAG_REQUEST_HEADERS,
        Some(&mut [0u8; 16]),
        None,
        CharUnit::Ansi,
    )
    .unwrap_err();
    assert_eq!(e.code(), ERROR_HTTP_INVALID_QUERY_REQUEST);
}

#[test]
fn before_any_send_status_is_zero_and_raw_blocks_are_empty() {
    let s = Session::new(0);
    let req = s.request(1, "GET", "/", 0);
    assert_eq!(s.number(req, HTTP_QUERY_STATUS_CODE).unwrap(), 0);
    let mut b = [0xAAu8; 8];
    assert_eq!(
        q(
            &s,
            req,
            HTTP_QUERY_RAW_HEADERS,
            Some(&mut b),
            None,
            CharUnit::Ansi
        )
        .unwrap(),
        0
    );
    assert_eq!(b[0], 0);
    let mut b = [0xAAu8; 8];
    assert_eq!(
        q(
            &s,
            req,
            HTTP_QUERY_RAW_HEADERS_CRLF,
            Some(&mut b),
            None,
            CharUnit::Ansi
        )
        .unwrap(),
        2
    );
    assert_eq!(&b[..3], b"\r\n\0");
    let e = q(
        &s,
        req,
        HTTP_QUERY_STATUS_TEXT,
        Some(&mut b),
        None,
        CharUnit::Ansi,
    )
    .unwrap_err();
    assert_eq!(e.code(), ERROR_HTTP_HEADER_NOT_FOUND);
    // Implicit headers are not there before the send (E.60).
    let e = s
        .query(req, HTTP_QUERY_HOST | HTTP_QUERY_FLAG_REQUEST_HEADERS)
        .unwrap_err();
    assert_eq!(e.code(), ERROR_HTTP_HEADER_NOT_FOUND);
}

#[test]
fn raw_headers_are_nul_separated_and_exact_length_is_one_short() {
    let (_srv, s, req) = sent(Routes::new().fallback(Reply::text("x").header("X-A", "1")));
    let mut big = vec![0u8; 4096];
    let n = q(
        &s,
        req,
        HTTP_QUERY_RAW_HEADERS,
        Some(&mut big),
        None,
        CharUnit::Ansi,
    )
    .unwrap() as usize;
    let text = &big[..n];
    assert!(
        text.starts_with(b"HTTP/1.1 200 OK\0"),
        "{:?}",
        String::from_utf8_lossy(text)
    );
    assert!(text.ends_with(b"\0"));
    assert_eq!(&big[n..n + 1], b"\0");
    assert!(text.windows(7).any(|w| w == b"X-A: 1\0"));
    let mut exact = vec![0u8; n];
    let e = q(
        &s,
        req,
        HTTP_QUERY_RAW_HEADERS,
        Some(&mut exact),
        None,
        CharUnit::Ansi,
    )
    .unwrap_err();
    assert_eq!(e.needed(), Some(n as u64 + 1));
    // W: byte lengths, always even.
    let mut w = vec![0u8; 8192];
    let nw = q(
        &s,
        req,
        HTTP_QUERY_RAW_HEADERS,
        Some(&mut w),
        None,
        CharUnit::Wide,
    )
    .unwrap();
    assert_eq!(nw as usize, n * 2);
}

#[test]
fn raw_request_headers_crlf_start_with_the_request_line() {
    let (srv, s, req) = sent(Routes::new().fallback(Reply::text("x")));
    let level = HTTP_QUERY_RAW_HEADERS_CRLF | HTTP_QUERY_FLAG_REQUEST_HEADERS;
    let e = q(&s, req, level, None, None, CharUnit::Ansi).unwrap_err();
    let need = e.needed().unwrap();
    let text = s.query(req, level).unwrap();
    assert_eq!(text.len() as u64 + 1, need);
    assert_eq!(
        text,
        format!(
            "GET /q HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nUser-Agent: hinternet-test\r\n\r\n",
            srv.port()
        )
    );
    assert_eq!(
        s.query(req, HTTP_QUERY_HOST | HTTP_QUERY_FLAG_REQUEST_HEADERS)
            .unwrap(),
        format!("127.0.0.1:{}", srv.port())
    );
}

#[test]
fn a_too_small_buffer_is_untouched_and_the_index_stays() {
    let (_srv, s, req) = sent(Routes::new().fallback(Reply::text("x").header("Server", "abcde")));
    let mut b = [0xAAu8; 5];
    let mut idx = 0;
    let e = q(
        &s,
        req,
        HTTP_QUERY_SERVER,
        Some(&mut b),
        Some(&mut idx),
        CharUnit::Ansi,
    )
    .unwrap_err();
    assert_eq!((e.code(), e.needed()), (ERROR_INSUFFICIENT_BUFFER, Some(6)));
    assert_eq!(b, [0xAA; 5]);
    assert_eq!(idx, 0);
    let mut b = [0u8; 6];
    assert_eq!(
        q(
            &s,
            req,
            HTTP_QUERY_SERVER,
            Some(&mut b),
            Some(&mut idx),
            CharUnit::Ansi
        )
        .unwrap(),
        5
    );
    assert_eq!((&b, idx), (b"abcde\0", 1));
}

#[test]
fn custom_walks_repeated_headers_with_the_index() {
    let (_srv, s, req) = sent(
        Routes::new().fallback(
            Reply::text("x")
                .header("X-Dup", "one")
                .header("X-Dup", "two"),
        ),
    );
    let walk: Vec<_> = (0..3)
        .map(|i| s.query_index(req, HTTP_QUERY_CUSTOM, Some("x-dup"), i))
        .collect();
    assert_eq!(walk[0].as_ref().unwrap(), &("one".to_owned(), 1));
    assert_eq!(walk[1].as_ref().unwrap(), &("two".to_owned(), 2));
    assert_eq!(
        walk[2].as_ref().unwrap_err().code(),
        ERROR_HTTP_HEADER_NOT_FOUND
    );
    let e = hinternet_http::http_query_info(
        &s.engine,
        req.as_raw(),
        HTTP_QUERY_CUSTOM,
        None,
        Some(&mut [0u8; 8]),
        None,
        CharUnit::Ansi,
    )
    .unwrap_err();
    assert_eq!(e.code(), ERROR_INVALID_PARAMETER);
}

#[test]
fn raw_headers_and_status_text_do_not_move_the_index() {
    let (_srv, s, req) = sent(Routes::new().fallback(Reply::text("x")));
    for level in [
        HTTP_QUERY_RAW_HEADERS,
        HTTP_QUERY_RAW_HEADERS_CRLF,
        HTTP_QUERY_STATUS_TEXT,
        HTTP_QUERY_VERSION,
    ] {
        let (_, idx) = s.query_index(req, level, None, 0).unwrap();
        assert_eq!(idx, 0, "level {level}");
    }
    let mut idx = 0xdead_beef;
    let e = q(
        &s,
        req,
        HTTP_QUERY_FORWARDED,
        Some(&mut [0u8; 8]),
        Some(&mut idx),
        CharUnit::Ansi,
    )
    .unwrap_err();
    assert_eq!((e.code(), idx), (ERROR_HTTP_HEADER_NOT_FOUND, 0xdead_beef));
    assert_eq!(s.query(req, HTTP_QUERY_VERSION).unwrap(), "HTTP/1.1");
    assert_eq!(s.query(req, HTTP_QUERY_REQUEST_METHOD).unwrap(), "GET");
}

#[test]
fn number_needs_a_dword_and_rejects_values_above_u32() {
    let (_srv, s, req) = sent(Routes::new().fallback(Reply::generated(5 << 30)));
    let mut b = [0x11u8; 4];
    let e = q(
        &s,
        req,
        HTTP_QUERY_CONTENT_LENGTH | HTTP_QUERY_FLAG_NUMBER,
        Some(&mut b),
        None,
        CharUnit::Ansi,
    )
    .unwrap_err();
    assert_eq!(e.code(), ERROR_HTTP_INVALID_HEADER);
    assert_eq!(b, [0x11; 4]);
    let mut b8 = [0u8; 8];
    q(
        &s,
        req,
        HTTP_QUERY_CONTENT_LENGTH | HTTP_QUERY_FLAG_NUMBER64,
        Some(&mut b8),
        None,
        CharUnit::Ansi,
    )
    .unwrap();
    assert_eq!(u64::from_le_bytes(b8), 5 << 30);
    let e = q(
        &s,
        req,
        HTTP_QUERY_STATUS_CODE | HTTP_QUERY_FLAG_NUMBER,
        Some(&mut [0u8; 3]),
        None,
        CharUnit::Ansi,
    )
    .unwrap_err();
    assert_eq!((e.code(), e.needed()), (ERROR_INSUFFICIENT_BUFFER, Some(4)));
}

#[test]
fn systemtime_parses_the_http_date() {
    let (_srv, s, req) = sent(
        Routes::new().fallback(Reply::text("x").header("Expires", "Sun, 06 Nov 1994 08:49:37 GMT")),
    );
    let mut b = [0u8; 16];
    let n = q(
        &s,
        req,
        HTTP_QUERY_EXPIRES | HTTP_QUERY_FLAG_SYSTEMTIME,
        Some(&mut b),
        None,
        CharUnit::Ansi,
    )
    .unwrap();
    assert_eq!(n, 16);
    let fields: Vec<u16> = b
        .chunks(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    assert_eq!(fields, [1994, 11, 0, 6, 8, 49, 37, 0]);
}

/// FLAG_NUMBER on a header needs a buffer length of exactly 4 (D.48; spec HttpQueryInfo: Wine
/// `*lpdwBufferLength != sizeof(DWORD)` is ERROR_HTTP_INVALID_HEADER): longer and shorter
/// buffers fail without being written and without a size to report (the C shim then leaves
/// `*lpdwBufferLength` alone). A NULL buffer reports 4 (§0.3). STATUS_CODE only needs room
/// for a DWORD (D.39): more is fine, less is ERROR_INSUFFICIENT_BUFFER with 4.
#[test]
fn number_on_a_header_needs_exactly_four_bytes() {
    let (_srv, s, req) = sent(Routes::new().fallback(Reply::text("hello")));
    for unit in [CharUnit::Ansi, CharUnit::Wide] {
        let level = HTTP_QUERY_CONTENT_LENGTH | HTTP_QUERY_FLAG_NUMBER;
        for len in [0usize, 1, 3, 5, 8, 64] {
            let mut b = vec![0x11u8; len];
            let e = q(&s, req, level, Some(&mut b), None, unit).unwrap_err();
            assert_eq!(
                (e.code(), e.needed()),
                (ERROR_HTTP_INVALID_HEADER, None),
                "length {len}"
            );
            assert!(b.iter().all(|&x| x == 0x11), "length {len} written");
        }
        let e = q(&s, req, level, None, None, unit).unwrap_err();
        assert_eq!((e.code(), e.needed()), (ERROR_INSUFFICIENT_BUFFER, Some(4)));
        let mut b = [0x11u8; 4];
        let mut idx = 0;
        assert_eq!(
            q(&s, req, level, Some(&mut b), Some(&mut idx), unit).unwrap(),
            4
        );
        assert_eq!((u32::from_le_bytes(b), idx), (5, 1));
        // A missing header is still "not found", whatever the length.
        let e = q(
            &s,
            req,
            HTTP_QUERY_LOCATION | HTTP_QUERY_FLAG_NUMBER,
            Some(&mut [0u8; 8]),
            None,
            unit,
        )
        .unwrap_err();
        assert_eq!(e.code(), ERROR_HTTP_HEADER_NOT_FOUND);

        let status = HTTP_QUERY_STATUS_CODE | HTTP_QUERY_FLAG_NUMBER;
        let mut b8 = [0x11u8; 8];
        assert_eq!(q(&s, req, status, Some(&mut b8), None, unit).unwrap(), 4);
        assert_eq!(b8, [200, 0, 0, 0, 0x11, 0x11, 0x11, 0x11]);
        for small in [None, Some(&mut [0u8; 0][..]), Some(&mut [0u8; 3][..])] {
            let e = q(&s, req, status, small, None, unit).unwrap_err();
            assert_eq!((e.code(), e.needed()), (ERROR_INSUFFICIENT_BUFFER, Some(4)));
        }
    }
}

fn raw_status(response: &'static [u8]) -> (RawServer, Session, Handle) {
    let srv =
        RawServer::start_blocking(RawScript::new().read_request().write(response).close()).unwrap();
    let s = Session::new(0);
    let req = s.request(srv.port(), "GET", "/", 0);
    s.send(req, None, b"").unwrap();
    (srv, s, req)
}

#[test]
fn status_lines_with_odd_reasons() {
    let (_a, s, req) = raw_status(b"HTTP/1.1 404 Fail\r\nContent-Length: 0\r\n\r\n");
    assert_eq!(
        (s.status(req), s.query(req, HTTP_QUERY_STATUS_TEXT).unwrap()),
        (404, "Fail".to_owned())
    );
    let (_b, s, req) = raw_status(b"HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n");
    assert_eq!(
        (s.status(req), s.query(req, HTTP_QUERY_STATUS_TEXT).unwrap()),
        (200, String::new())
    );
    let (_c, s, req) = raw_status(b"HTTP/1.1 410 \r\nContent-Length: 0\r\n\r\n");
    assert_eq!(
        (s.status(req), s.query(req, HTTP_QUERY_STATUS_TEXT).unwrap()),
        (410, String::new())
    );
}
