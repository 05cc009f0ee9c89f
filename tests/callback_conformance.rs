//! Conformance of the status-callback sequences with native WinINet (behaviours B.12-19, C.25,
//! C.35), by handle value through the engine: each test compares the exact list of
//! (INTERNET_STATUS_* code, payload kind) with the native list.

mod http_common;

use std::time::{Duration, Instant};

use hinternet_core::StatusEvent;
use hinternet_core::consts::*;
use hinternet_core::status::PayloadKind::{
    self, AnsiString, AsyncResult, Dword, Handle, TextString,
};
use hinternet_testkit::http::{Reply, Routes, TestServer};
use http_common::Session;

type Seq = Vec<(u32, PayloadKind)>;

const NONE: PayloadKind = PayloadKind::None;

fn seq(s: &Session) -> Seq {
    s.rec
        .events()
        .iter()
        .map(|e| (e.code(), e.payload_kind()))
        .collect()
}

/// The native first-contact send: resolve, connect, send, receive (B.12).
fn first_send() -> Seq {
    vec![
        (10, TextString),
        (11, AnsiString),
        (20, AnsiString),
        (21, AnsiString),
        (30, NONE),
        (31, Dword),
        (40, NONE),
        (41, Dword),
    ]
}

/// A send on a reused keep-alive connection (B.16).
fn reused_send() -> Seq {
    vec![(30, NONE), (31, Dword), (40, NONE), (41, Dword)]
}

fn server() -> TestServer {
    TestServer::start_blocking(
        Routes::new()
            .route("/a", Reply::text("aaaa"))
            .route("/r", Reply::redirect(302, "/a"))
            .route("/nc", Reply::no_content().close_connection()),
    )
    .unwrap()
}

/// Waits (bounded) until the recorder has seen `n` REQUEST_COMPLETEs.
fn wait_completes(s: &Session, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        let seen = s
            .rec
            .events()
            .iter()
            .filter(|e| matches!(e, StatusEvent::RequestComplete(_)))
            .count();
        if seen >= n {
            return;
        }
        std::thread::yield_now();
    }
    panic!("REQUEST_COMPLETE did not arrive");
}

fn pending<T: std::fmt::Debug>(r: hinternet_core::Result<T>) {
    assert_eq!(r.unwrap_err().code(), ERROR_IO_PENDING);
}

#[test]
fn sync_connect_and_open_request_only_announce_their_handles() {
    let srv = server();
    let s = Session::new(0);
    let c = s.connect(srv.port(), 0);
    let _ = s.open(c, "GET", "/a", 0);
    assert_eq!(seq(&s), vec![(60, Handle), (60, Handle)]);
}

#[test]
fn sync_first_send_reports_resolve_connect_send_receive() {
    let srv = server();
    let s = Session::new(0);
    let req = s.request(srv.port(), "GET", "/a", 0);
    s.rec.clear();
    s.send(req, None, b"").unwrap();
    assert_eq!(seq(&s), first_send());
}

#[test]
fn sync_send_on_a_reused_connection_skips_resolve_and_connect() {
    let srv = server();
    let s = Session::new(0);
    let c = s.connect(srv.port(), 0);
    let a = s.open(c, "GET", "/a", 0);
    s.send(a, None, b"").unwrap();
    s.read_all(a).unwrap();
    let b = s.open(c, "GET", "/a", 0);
    s.rec.clear();
    s.send(b, None, b"").unwrap();
    assert_eq!(seq(&s), reused_send());
}

#[test]
fn sync_redirect_puts_redirect_between_two_rounds() {
    let srv = server();
    let s = Session::new(0);
    let req = s.request(srv.port(), "GET", "/r", 0);
    s.rec.clear();
    s.send(req, None, b"").unwrap();
    let mut want = first_send();
    want.push((110, TextString));
    want.extend(reused_send());
    assert_eq!(seq(&s), want);
}

#[test]
fn sync_bodyless_close_response_closes_during_the_request() {
    let srv = server();
    let s = Session::new(0);
    let req = s.request(srv.port(), "GET", "/nc", 0);
    s.rec.clear();
    s.send(req, None, b"").unwrap();
    let mut want = first_send();
    want.extend([(50, NONE), (51, NONE)]);
    assert_eq!(seq(&s), want);
}

#[test]
fn closing_a_connect_handle_sends_handle_closing_children_first() {
    let srv = server();
    let s = Session::new(0);
    let c = s.connect(srv.port(), 0);
    let req = s.open(c, "GET", "/a", 0);
    s.send(req, None, b"").unwrap();
    s.read_all(req).unwrap();
    s.rec.clear();
    s.close(c);
    assert_eq!(seq(&s), vec![(70, Handle), (70, Handle)]);
    let order: Vec<_> = s
        .rec
        .events()
        .iter()
        .filter_map(|e| match e {
            StatusEvent::HandleClosing(h) => Some(*h),
            _ => None,
        })
        .collect();
    assert_eq!(order, vec![req, c]);
}

#[test]
fn async_send_pends_and_ends_with_one_request_complete() {
    let srv = server();
    let s = Session::new(INTERNET_FLAG_ASYNC);
    let req = s.request(srv.port(), "GET", "/a", 0);
    s.rec.clear();
    pending(s.send(req, None, b""));
    wait_completes(&s, 1);
    let mut want = first_send();
    want.push((100, AsyncResult));
    assert_eq!(seq(&s), want);
}

#[test]
fn async_send_on_a_reused_connection_skips_resolve_and_connect() {
    let srv = server();
    let s = Session::new(INTERNET_FLAG_ASYNC);
    let c = s.connect(srv.port(), 0);
    let a = s.open(c, "GET", "/a", 0);
    pending(s.send(a, None, b""));
    wait_completes(&s, 1);
    drain_async(&s, a);
    let b = s.open(c, "GET", "/a", 0);
    s.rec.clear();
    pending(s.send(b, None, b""));
    wait_completes(&s, 1);
    let mut want = reused_send();
    want.push((100, AsyncResult));
    assert_eq!(seq(&s), want);
}

#[test]
fn async_redirect_has_a_single_request_complete_at_the_end() {
    let srv = server();
    let s = Session::new(INTERNET_FLAG_ASYNC);
    let req = s.request(srv.port(), "GET", "/r", 0);
    s.rec.clear();
    pending(s.send(req, None, b""));
    wait_completes(&s, 1);
    let mut want = first_send();
    want.push((110, TextString));
    want.extend(reused_send());
    want.push((100, AsyncResult));
    assert_eq!(seq(&s), want);
}

#[test]
fn a_request_with_context_zero_gets_no_notifications_in_either_mode() {
    let srv = server();
    for flags in [0, INTERNET_FLAG_ASYNC] {
        let s = Session::new(flags);
        let c = s.connect(srv.port(), 0);
        let req = hinternet_http::http_open_request(
            &s.engine,
            c.as_raw(),
            hinternet_http::OpenRequest::new(None, Some("/a"), None, None, &[], 0),
            0,
        )
        .unwrap();
        s.rec.clear();
        let r = s.send(req, None, b"");
        if flags == 0 {
            r.unwrap();
        } else {
            pending(r);
            // Nothing to wait for: with context 0 no REQUEST_COMPLETE is sent. The request
            // still runs; its server sees it.
            assert!(srv.wait_for_requests_blocking(1, Duration::from_secs(20)));
        }
        assert_eq!(seq(&s), Vec::new());
    }
}

/// Reads an async request's body to the end, waiting for pending reads (bounded).
fn drain_async(s: &Session, req: hinternet_core::Handle) {
    for _ in 0..10_000 {
        let (tx, rx) = std::sync::mpsc::channel();
        let out = hinternet::raw::internet_read_file(
            &s.engine,
            req.as_raw(),
            vec![0u8; 65536],
            move |r| {
                let _ = tx.send(r.as_ref().map(|(n, _)| *n).unwrap_or(0));
            },
        );
        let n = match out {
            hinternet::raw::Outcome::Done(r) => r.map(|(n, _)| n).unwrap(),
            hinternet::raw::Outcome::Pending => rx.recv_timeout(Duration::from_secs(20)).unwrap(),
        };
        if n == 0 {
            return;
        }
    }
    panic!("body did not end");
}
