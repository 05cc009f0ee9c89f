//! HttpAddRequestHeaders through the handle API: every modifier combination and its native
//! error (behaviours E.57-59), the request headers as sent (E.60-64).

mod http_common;

use hinternet_core::Handle;
use hinternet_core::consts::*;
use hinternet_testkit::http::{Reply, Routes, TestServer};
use http_common::Session;

fn add(s: &Session, req: Handle, text: &str, flags: u32) -> hinternet_core::Result<()> {
    hinternet_http::http_add_request_headers(&s.engine, req.as_raw(), Some(text), flags)
}

fn warnings(s: &Session, req: Handle) -> Vec<String> {
    let mut out = Vec::new();
    for i in 0..10 {
        match s.query_index(
            req,
            HTTP_QUERY_WARNING | HTTP_QUERY_FLAG_REQUEST_HEADERS,
            None,
            i,
        ) {
            Ok((v, _)) => out.push(v),
            Err(e) => {
                assert_eq!(e.code(), ERROR_HTTP_HEADER_NOT_FOUND);
                break;
            }
        }
    }
    out
}

#[test]
fn the_native_modifier_sequence_on_warning() {
    let s = Session::new(0);
    let req = s.request(1, "GET", "/", 0);
    add(&s, req, "Warning:test1", HTTP_ADDREQ_FLAG_ADD).unwrap();
    add(&s, req, "Warning:test2", HTTP_ADDREQ_FLAG_ADD).unwrap();
    assert_eq!(warnings(&s, req), ["test1", "test2"]);
    add(&s, req, "Warning:test3", HTTP_ADDREQ_FLAG_REPLACE).unwrap();
    assert_eq!(warnings(&s, req), ["test2", "test3"]);
    let e = add(&s, req, "Warning:test4", HTTP_ADDREQ_FLAG_ADD_IF_NEW).unwrap_err();
    assert_eq!(e.code(), ERROR_HTTP_HEADER_ALREADY_EXISTS);
    add(&s, req, "Warning:test4", HTTP_ADDREQ_FLAG_COALESCE).unwrap();
    assert_eq!(warnings(&s, req), ["test2, test4", "test3"]);
    add(
        &s,
        req,
        "Warning:test5",
        HTTP_ADDREQ_FLAG_COALESCE_WITH_COMMA,
    )
    .unwrap();
    add(
        &s,
        req,
        "Warning:test6",
        HTTP_ADDREQ_FLAG_COALESCE_WITH_SEMICOLON,
    )
    .unwrap();
    assert_eq!(warnings(&s, req), ["test2, test4, test5; test6", "test3"]);
    add(
        &s,
        req,
        "Warning:test7",
        HTTP_ADDREQ_FLAG_ADD | HTTP_ADDREQ_FLAG_REPLACE,
    )
    .unwrap();
    assert_eq!(warnings(&s, req), ["test3", "test7"]);
}

#[test]
fn replace_with_empty_removes_and_bad_lines_fail() {
    let s = Session::new(0);
    let req = s.request(1, "GET", "/", 0);
    add(&s, req, "Authorization: Basic abc\r\n", 0).unwrap();
    add(&s, req, "Authorization:", HTTP_ADDREQ_FLAG_REPLACE).unwrap();
    let e = s
        .query(
            req,
            HTTP_QUERY_AUTHORIZATION | HTTP_QUERY_FLAG_REQUEST_HEADERS,
        )
        .unwrap_err();
    assert_eq!(e.code(), ERROR_HTTP_HEADER_NOT_FOUND);
    assert_eq!(
        add(&s, req, "X-Missing: v", HTTP_ADDREQ_FLAG_REPLACE)
            .unwrap_err()
            .code(),
        ERROR_HTTP_HEADER_NOT_FOUND
    );
    assert_eq!(
        add(&s, req, "NoColon", 0).unwrap_err().code(),
        ERROR_HTTP_INVALID_HEADER
    );
    assert_eq!(
        add(&s, req, "X-Empty:", 0).unwrap_err().code(),
        ERROR_INVALID_PARAMETER
    );
    // Lenient separators: blank lines, stray CRs and LFs.
    add(&s, req, "A: 1\r\n\r\nB: 2\r\rC: 3\n\nD: 4", 0).unwrap();
    for name in ["A", "B", "C", "D"] {
        let (v, _) = s
            .query_index(
                req,
                HTTP_QUERY_CUSTOM | HTTP_QUERY_FLAG_REQUEST_HEADERS,
                Some(name),
                0,
            )
            .unwrap();
        assert!(!v.is_empty());
    }
}

#[test]
fn caller_host_and_content_length_override_the_implicit_ones() {
    let srv = TestServer::start_blocking(Routes::new().fallback(Reply::echo())).unwrap();
    let s = Session::new(0);
    let req = s.request(srv.port(), "POST", "/h", 0);
    add(&s, req, "Host: example.test", HTTP_ADDREQ_FLAG_ADD).unwrap();
    s.send(req, None, b"abc").unwrap();
    let rec = srv.last_request().unwrap();
    assert_eq!(rec.header_all("host"), ["example.test"]);
    assert_eq!(rec.header("content-length"), Some("3"));
    // INTERNET_OPTION_URL keeps the original host.
    match s
        .engine
        .query_option(Some(req.as_raw()), INTERNET_OPTION_URL)
        .unwrap()
    {
        hinternet_core::OptionValue::Str(u) => assert_eq!(u, srv.url("/h")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn send_headers_merge_with_add_replace() {
    let srv = TestServer::start_blocking(Routes::new().fallback(Reply::echo())).unwrap();
    let s = Session::new(0);
    let req = s.request(srv.port(), "GET", "/m", 0);
    add(&s, req, "X-Mode: old", 0).unwrap();
    s.send(req, Some("X-Mode: new\r\nX-Other: o\r\n"), b"")
        .unwrap();
    let rec = srv.last_request().unwrap();
    assert_eq!(rec.header_all("x-mode"), ["new"]);
    assert_eq!(rec.header("x-other"), Some("o"));
}

#[test]
fn no_user_agent_is_sent_without_an_agent() {
    let srv = TestServer::start_blocking(Routes::new().fallback(Reply::echo())).unwrap();
    let s = Session::with_agent(0, None);
    let req = s.request(srv.port(), "GET", "/", 0);
    s.send(req, None, b"").unwrap();
    assert_eq!(srv.last_request().unwrap().header("user-agent"), None);
}
