//! Conformance of the status-callback sequences with native WinINet, by handle value through
//! the engine: each test compares the exact list of (INTERNET_STATUS_* code, payload kind) with
//! the native list of `wininet-behaviours.md` sections B (items 12-27) and C (items 28-38), for
//! HTTP and FTP, sync and async. Where the native list leaves events optional, or does not
//! describe a protocol (the FTP sequences), the test asserts our exact, deterministic list and
//! says so.

mod ftp_common;
mod http_common;

use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use hinternet::raw::{self, ConnectArgs, Outcome, ReadEx};
use hinternet_core::consts::*;
use hinternet_core::status::PayloadKind::{
    self, AnsiString, AsyncResult, Dword, Handle, TextString,
};
use hinternet_core::status::callback_fn;
use hinternet_core::{AsyncResult as Res, Engine, Handle as H, StatusEvent};
use hinternet_testkit::Signal;
use hinternet_testkit::ftp::{DEFAULT_PASSWORD, DEFAULT_USER};
use hinternet_testkit::http::{RawScript, RawServer, Reply, Routes, TestServer};
use http_common::{Entry, Log, Session, Slot, WAIT, settle};

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

/// B.13: nothing touches the network before the send: InternetConnect and HttpOpenRequest only
/// produce HANDLE_CREATED.
#[test]
fn sync_connect_and_open_request_only_announce_their_handles() {
    let srv = server();
    let s = Session::new(0);
    let c = s.connect(srv.port(), 0);
    let _ = s.open(c, "GET", "/a", 0);
    assert_eq!(seq(&s), vec![(60, Handle), (60, Handle)]);
}

/// B.12 (payloads per B.18): the first synchronous send resolves, connects, sends and receives;
/// no REQUEST_COMPLETE in sync mode.
#[test]
fn sync_first_send_reports_resolve_connect_send_receive() {
    let srv = server();
    let s = Session::new(0);
    let req = s.request(srv.port(), "GET", "/a", 0);
    s.rec.clear();
    s.send(req, None, b"").unwrap();
    assert_eq!(seq(&s), first_send());
}

/// B.16: a send on a reused keep-alive connection has no resolve or connect events.
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

/// B.15: an automatic redirect doubles the send/receive events around one REDIRECT. The
/// optional CLOSING_CONNECTION / CONNECTION_CLOSED do not occur (the connection is kept alive
/// and reused); this is our exact list.
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

/// B.17 (sync): a body-less `Connection: close` response closes the connection during the
/// request.
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

/// A.2 / B.18: closing a connect handle sends one HANDLE_CLOSING (an HINTERNET payload) per
/// handle with a non-zero context, children first.
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

/// B.14: an async send returns ERROR_IO_PENDING, emits the same sequence, then one
/// REQUEST_COMPLETE.
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

/// B.16 with B.14: async, on a reused connection, then REQUEST_COMPLETE.
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

/// B.15 (async): the redirect sequence ends with a single REQUEST_COMPLETE (the optional
/// close events do not occur, as in the sync test).
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

/// A.3: a handle whose context is 0 gets no notifications at all, even with a callback
/// installed, in either mode.
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

// ---- helpers for the tests below ----------------------------------------------------------

/// The (code, payload kind) list of some entries.
fn kinds(entries: &[Entry]) -> Seq {
    entries
        .iter()
        .map(|e| (e.event.code(), e.event.payload_kind()))
        .collect()
}

/// The INTERNET_ASYNC_RESULT of a REQUEST_COMPLETE entry.
fn result_of(e: &Entry) -> Res {
    match e.event {
        StatusEvent::RequestComplete(r) => r,
        ref other => panic!("not a REQUEST_COMPLETE: {other:?}"),
    }
}

const OK: Res = Res {
    result: 1,
    error: 0,
};

fn failed(code: u32) -> Res {
    Res {
        result: 0,
        error: code,
    }
}

fn with_complete(mut s: Seq) -> Seq {
    s.push((100, AsyncResult));
    s
}

/// A loopback port nothing listens on.
fn refused_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// Routes for the HTTP tests below.
fn http_server() -> TestServer {
    TestServer::start_blocking(
        Routes::new()
            .route("/a", Reply::text("aaaa"))
            .route("/nc", Reply::no_content().close_connection())
            .route("/eight", Reply::text("abcdefgh"))
            .route("/big", Reply::generated(20_000))
            .route("/up", Reply::text("ok")),
    )
    .unwrap()
}

/// An async session whose root reports to a [`Log`].
fn async_session() -> (Session, Log) {
    let s = Session::new(INTERNET_FLAG_ASYNC);
    let log = Log::install(&s.engine, s.root);
    (s, log)
}

/// Sends `req` asynchronously and waits for its REQUEST_COMPLETE {1, 0}.
fn send_and_wait(s: &Session, log: &Log, req: H) {
    let mark = log.mark();
    pending(s.send(req, None, b""));
    assert_eq!(result_of(&log.wait_complete_after(mark)), OK);
}

/// Waits (bounded) until `req` has body bytes buffered or its body ended: an async
/// InternetQueryDataAvailable that pends completes when data has arrived. Returns the count.
fn wait_buffered(s: &Session, log: &Log, req: H) -> u64 {
    let mark = log.mark();
    let (tx, rx) = mpsc::channel();
    match raw::internet_query_data_available(&s.engine, req.as_raw(), move |r| {
        let _ = tx.send(r.as_ref().map(|n| *n).map_err(|e| e.code()));
    }) {
        Outcome::Done(r) => r.unwrap(),
        Outcome::Pending => {
            log.wait_complete_after(mark);
            rx.recv_timeout(WAIT).unwrap().unwrap()
        }
    }
}

/// A raw HTTP server: the head (keep-alive, Content-Length `len`), `first` body bytes, a stall
/// until `go`, then `rest`.
fn stalled_body(first: &[u8], go: &Signal, rest: &[u8]) -> RawServer {
    let len = first.len() + rest.len();
    let mut head = format!("HTTP/1.1 200 OK\r\nContent-Length: {len}\r\n\r\n").into_bytes();
    head.extend_from_slice(first);
    RawServer::start_blocking(
        RawScript::new()
            .read_request()
            .write(head)
            .stall(go)
            .write(rest.to_vec()),
    )
    .unwrap()
}

// ---- HTTP: B.14, B.17, B.19-B.24 ----------------------------------------------------------

/// B.17 (async): a body-less `Connection: close` response closes during the request:
/// CLOSING_CONNECTION, CONNECTION_CLOSED, then REQUEST_COMPLETE, not at handle close.
#[test]
fn async_bodyless_close_response_closes_before_request_complete() {
    let srv = http_server();
    let (s, log) = async_session();
    let req = s.request(srv.port(), "GET", "/nc", 0);
    log.clear();
    send_and_wait(&s, &log, req);
    let mut want = first_send();
    want.extend([(50, NONE), (51, NONE), (100, AsyncResult)]);
    assert_eq!(kinds(&log.entries()), want);
}

/// B.19: HttpSendRequestEx / InternetWriteFile / HttpEndRequest in async mode. HANDLE_CREATED
/// for the connect and the request on the caller's thread; SendRequestEx on another thread
/// (no proxy detection or cookies here, so the optional events do not occur): RESOLVING ...
/// REQUEST_SENT, REQUEST_COMPLETE; InternetWriteFile synchronous on the caller's thread:
/// SENDING_REQUEST, REQUEST_SENT; EndRequest on another thread: RECEIVING_RESPONSE,
/// RESPONSE_RECEIVED, REQUEST_COMPLETE; closing the session: the optional CLOSING_CONNECTION /
/// CONNECTION_CLOSED occur (the unread response body holds the connection), then two
/// HANDLE_CLOSING, the request's first.
#[test]
fn async_send_request_ex_write_and_end_request_follow_the_native_sequence_and_threads() {
    let srv = http_server();
    let (s, log) = async_session();
    let me = std::thread::current().id();
    let c = s.connect(srv.port(), 0);
    let req = s.open(c, "POST", "/up", 0);
    let created = log.entries();
    assert_eq!(kinds(&created), [(60, Handle), (60, Handle)]);
    assert!(created.iter().all(|e| e.thread == me));
    log.clear();

    let out = hinternet_http::http_send_request_ex(
        &s.engine,
        req.as_raw(),
        None,
        hinternet_http::bytes::Bytes::new(),
        3,
        |_| {},
    );
    assert!(matches!(out, Outcome::Pending));
    let sent = log.wait_count(100, 1);
    assert_eq!(
        kinds(&sent),
        with_complete(vec![
            (10, TextString),
            (11, AnsiString),
            (20, AnsiString),
            (21, AnsiString),
            (30, NONE),
            (31, Dword),
        ])
    );
    assert!(sent.iter().all(|e| e.thread != me));
    assert_eq!(result_of(sent.last().unwrap()), OK);

    settle(&s.engine, req);
    log.clear();
    match raw::internet_write_file(&s.engine, req.as_raw(), b"abc".to_vec(), |_| {}) {
        Outcome::Done(Ok(3)) => {}
        other => panic!("{other:?}"),
    }
    let written = log.entries();
    assert_eq!(kinds(&written), [(30, NONE), (31, Dword)]);
    assert!(written.iter().all(|e| e.thread == me));
    log.clear();

    let out = hinternet_http::http_end_request(&s.engine, req.as_raw(), |_| {});
    assert!(matches!(out, Outcome::Pending));
    let ended = log.wait_count(100, 1);
    assert_eq!(kinds(&ended), [(40, NONE), (41, Dword), (100, AsyncResult)]);
    assert!(ended.iter().all(|e| e.thread != me));
    assert_eq!(result_of(&ended[2]), OK);
    assert_eq!(srv.last_request().unwrap().body.as_ref(), b"abc");

    log.clear();
    s.close(s.root);
    let closed = log.wait_count(70, 2);
    assert_eq!(
        kinds(&closed),
        [(50, NONE), (51, NONE), (70, Handle), (70, Handle)]
    );
    let order: Vec<H> = closed.iter().skip(2).map(|e| e.handle).collect();
    assert_eq!(order, [req, c]);
}

/// B.20: async notifications come from a thread other than the caller's — every notification
/// of a pending HttpSendRequest, REQUEST_COMPLETE included.
#[test]
fn async_send_notifications_come_from_another_thread() {
    let srv = http_server();
    let (s, log) = async_session();
    let req = s.request(srv.port(), "GET", "/a", 0);
    log.clear();
    send_and_wait(&s, &log, req);
    let seen = log.entries();
    assert_eq!(kinds(&seen), with_complete(first_send()));
    let me = std::thread::current().id();
    assert!(seen.iter().all(|e| e.thread != me));
}

/// B.22: a callback may call back into the API: HttpAddRequestHeaders from inside the
/// SENDING_REQUEST callback succeeds, and the header shows in
/// RAW_HEADERS_CRLF | FLAG_REQUEST_HEADERS at REQUEST_SENT. The sequence is unchanged.
#[test]
fn add_request_headers_from_the_sending_request_callback_shows_at_request_sent() {
    let srv = http_server();
    let s = Session::new(INTERNET_FLAG_ASYNC);
    s.engine.set_callback(s.root.as_raw(), None).unwrap();
    let req = s.request(srv.port(), "GET", "/a", 0);
    let log = Log::default();
    let inner = log.callback();
    let added: Slot<Result<(), u32>> = Slot::default();
    let shown: Slot<bool> = Slot::default();
    let (a, sh) = (added.clone(), shown.clone());
    let engine = s.engine.clone();
    s.engine
        .set_callback(
            req.as_raw(),
            Some(callback_fn(move |h, ctx, ev| {
                match ev {
                    StatusEvent::SendingRequest => a.put(
                        hinternet_http::http_add_request_headers(
                            &engine,
                            h.as_raw(),
                            Some("winetest: winetest"),
                            HTTP_ADDREQ_FLAG_ADD,
                        )
                        .map_err(|e| e.code()),
                    ),
                    StatusEvent::RequestSent(_) => {
                        let mut buf = vec![0u8; 8192];
                        let n = hinternet_http::http_query_info(
                            &engine,
                            h.as_raw(),
                            HTTP_QUERY_RAW_HEADERS_CRLF | HTTP_QUERY_FLAG_REQUEST_HEADERS,
                            None,
                            Some(&mut buf),
                            None,
                            hinternet_core::options::CharUnit::Ansi,
                        )
                        .unwrap();
                        let text = String::from_utf8_lossy(&buf[..n as usize]).into_owned();
                        sh.put(text.contains("winetest: winetest"));
                    }
                    _ => {}
                }
                inner.notify(h, ctx, ev);
            })),
        )
        .unwrap();
    pending(s.send(req, None, b""));
    let seen = log.wait_count(100, 1);
    assert_eq!(kinds(&seen), with_complete(first_send()));
    assert_eq!(added.get(), Some(Ok(())));
    assert_eq!(shown.get(), Some(true));
    // Closing the root drops the callback (and the engine it holds).
    s.close(s.root);
}

/// B.23: a callback installed on a request handle only (none on its parents) still receives
/// that request's notifications, and only those: the send sequence, then its HANDLE_CLOSING.
#[test]
fn a_callback_on_the_request_handle_only_receives_its_notifications() {
    let srv = http_server();
    let s = Session::new(0);
    s.engine.set_callback(s.root.as_raw(), None).unwrap();
    let req = s.request(srv.port(), "GET", "/a", 0);
    let log = Log::install(&s.engine, req);
    s.send(req, None, b"").unwrap();
    assert_eq!(kinds(&log.entries()), first_send());
    s.close(s.root);
    let all = log.wait_count(70, 1);
    let mut want = first_send();
    want.extend([(50, NONE), (51, NONE), (70, Handle)]);
    assert_eq!(kinds(&all), want);
    assert!(all.iter().all(|e| e.handle == req && e.context == 2));
}

/// B.24 and A.9: async InternetOpenUrl returns ERROR_IO_PENDING; the request handle is
/// announced (through the root's callback, with the call's context), the request runs, and
/// REQUEST_COMPLETE carries the new handle in dwResult. Closing it sends HANDLE_CLOSING for
/// the request only.
#[test]
fn async_open_url_pends_and_completes_with_the_new_handle() {
    let srv = http_server();
    let (s, log) = async_session();
    let out = raw::internet_open_url(
        &s.engine,
        s.root.as_raw(),
        &srv.url("/eight"),
        None,
        0,
        5,
        |_| {},
    );
    assert!(matches!(out, Outcome::Pending));
    let seen = log.wait_count(100, 1);
    let mut want = vec![(60, Handle)];
    want.extend(first_send());
    assert_eq!(kinds(&seen), with_complete(want));
    let StatusEvent::HandleCreated(h) = seen[0].event else {
        unreachable!()
    };
    assert_eq!((seen[0].handle, seen[0].context), (s.root, 5));
    let done = seen.last().unwrap();
    assert_eq!((done.handle, done.context), (s.root, 5));
    assert_eq!(
        result_of(done),
        Res {
            result: h.as_raw(),
            error: 0
        }
    );
    // Read the body to its end so that closing involves the request alone.
    assert_eq!(wait_buffered(&s, &log, h), 8);
    match raw::internet_read_file(&s.engine, h.as_raw(), vec![0u8; 8], |_| {}) {
        Outcome::Done(Ok((8, _))) => {}
        other => panic!("{other:?}"),
    }
    log.clear();
    s.close(h);
    let closed = log.wait_count(70, 1);
    assert_eq!(kinds(&closed), [(70, Handle)]);
    assert_eq!(closed[0].handle, h);
}

/// B.21 with a refused connection instead of a DNS failure (only loopback targets): async
/// HttpSendRequestEx reports RESOLVING_NAME, NAME_RESOLVED, CONNECTING_TO_SERVER, then
/// REQUEST_COMPLETE {0, ERROR_INTERNET_CANNOT_CONNECT}; a later HttpEndRequest still returns
/// ERROR_IO_PENDING and completes with {0, ERROR_INTERNET_OPERATION_CANCELLED}, its only
/// notification.
#[test]
fn async_refused_send_request_ex_then_end_request_completes_cancelled() {
    let port = refused_port();
    let (s, log) = async_session();
    let req = s.request(port, "POST", "/", 0);
    log.clear();
    let out = hinternet_http::http_send_request_ex(
        &s.engine,
        req.as_raw(),
        None,
        hinternet_http::bytes::Bytes::new(),
        3,
        |_| {},
    );
    assert!(matches!(out, Outcome::Pending));
    let seen = log.wait_count(100, 1);
    assert_eq!(
        kinds(&seen),
        with_complete(vec![(10, TextString), (11, AnsiString), (20, AnsiString)])
    );
    assert_eq!(result_of(&seen[3]), failed(ERROR_INTERNET_CANNOT_CONNECT));
    log.clear();
    let out = hinternet_http::http_end_request(&s.engine, req.as_raw(), |_| {});
    assert!(matches!(out, Outcome::Pending));
    let seen = log.wait_count(100, 1);
    assert_eq!(kinds(&seen), [(100, AsyncResult)]);
    assert_eq!(
        result_of(&seen[0]),
        failed(ERROR_INTERNET_OPERATION_CANCELLED)
    );
}

/// B.12 / B.14 for a refused connection, sync: resolve, connect attempt, then the call fails
/// with ERROR_INTERNET_CANNOT_CONNECT (no REQUEST_COMPLETE in sync mode).
#[test]
fn sync_refused_connection_fails_after_connecting_to_server() {
    let port = refused_port();
    let s = Session::new(0);
    let req = s.request(port, "GET", "/", 0);
    s.rec.clear();
    let e = s.send(req, None, b"").unwrap_err();
    assert_eq!(e.code(), ERROR_INTERNET_CANNOT_CONNECT);
    assert_eq!(
        seq(&s),
        [(10, TextString), (11, AnsiString), (20, AnsiString)]
    );
}

/// B.14 for a refused connection, async: ERROR_IO_PENDING, the same events, then
/// REQUEST_COMPLETE with dwResult 0 and dwError ERROR_INTERNET_CANNOT_CONNECT.
#[test]
fn async_refused_connection_completes_with_cannot_connect() {
    let port = refused_port();
    let (s, log) = async_session();
    let req = s.request(port, "GET", "/", 0);
    log.clear();
    pending(s.send(req, None, b""));
    let seen = log.wait_count(100, 1);
    assert_eq!(
        kinds(&seen),
        with_complete(vec![(10, TextString), (11, AnsiString), (20, AnsiString)])
    );
    assert_eq!(result_of(&seen[3]), failed(ERROR_INTERNET_CANNOT_CONNECT));
}

// ---- HTTP: C (async I/O) -------------------------------------------------------------------

/// C.25: a read that must wait sends RECEIVING_RESPONSE before it returns ERROR_IO_PENDING;
/// when data arrives, RESPONSE_RECEIVED (a DWORD) then REQUEST_COMPLETE. A read served from
/// buffered data sends nothing.
#[test]
fn async_read_that_waits_reports_receiving_before_pending_then_received_and_complete() {
    let go = Signal::new();
    let srv = stalled_body(b"abc", &go, b"defg");
    let (s, log) = async_session();
    let req = s.request(srv.port(), "GET", "/", 0);
    send_and_wait(&s, &log, req);
    assert_eq!(wait_buffered(&s, &log, req), 3);
    settle(&s.engine, req);
    log.clear();
    match raw::internet_read_file(&s.engine, req.as_raw(), vec![0u8; 3], |_| {}) {
        Outcome::Done(Ok((3, b))) => assert_eq!(b, b"abc"),
        other => panic!("{other:?}"),
    }
    assert_eq!(kinds(&log.entries()), []);
    let got: Slot<Vec<u8>> = Slot::default();
    let g = got.clone();
    let out = raw::internet_read_file(&s.engine, req.as_raw(), vec![0u8; 4], move |r| {
        let (n, b) = r.as_ref().unwrap();
        g.put(b[..*n].to_vec());
    });
    assert!(matches!(out, Outcome::Pending));
    assert_eq!(kinds(&log.entries()), [(40, NONE)]);
    go.fire();
    let seen = log.wait_count(100, 1);
    assert_eq!(kinds(&seen), [(40, NONE), (41, Dword), (100, AsyncResult)]);
    assert_eq!(seen[1].event, StatusEvent::ResponseReceived(4));
    assert_eq!(result_of(&seen[2]), OK);
    assert_eq!(got.get().unwrap(), b"defg");
}

/// C.28: a waiting async InternetReadFile returns ERROR_IO_PENDING; the byte count reaches the
/// caller at completion, before REQUEST_COMPLETE is sent.
#[test]
fn async_read_writes_the_count_before_request_complete() {
    let go = Signal::new();
    let srv = stalled_body(b"", &go, b"xyz");
    let (s, log) = async_session();
    let req = s.request(srv.port(), "GET", "/", 0);
    send_and_wait(&s, &log, req);
    settle(&s.engine, req);
    log.clear();
    let count: Slot<usize> = Slot::default();
    let probe = count.clone();
    log.set_probe(move || probe.is_set());
    let c = count.clone();
    let out = raw::internet_read_file(&s.engine, req.as_raw(), vec![0u8; 8], move |r| {
        c.put(r.as_ref().unwrap().0);
    });
    assert!(matches!(out, Outcome::Pending));
    assert!(!count.is_set());
    go.fire();
    let seen = log.wait_count(100, 1);
    assert_eq!(kinds(&seen), [(40, NONE), (41, Dword), (100, AsyncResult)]);
    assert_eq!(
        seen[2].probe,
        Some(true),
        "count written before REQUEST_COMPLETE"
    );
    assert_eq!(count.get(), Some(3));
}

/// C.29: without IRF_NO_WAIT a read waits until the buffer is full: with "xx" buffered a
/// 4-byte read pends and completes with "xxyy" once more bytes come.
#[test]
fn async_read_with_part_buffered_waits_to_fill_the_buffer() {
    let go = Signal::new();
    let srv = stalled_body(b"xx", &go, b"yy");
    let (s, log) = async_session();
    let req = s.request(srv.port(), "GET", "/", 0);
    send_and_wait(&s, &log, req);
    assert_eq!(wait_buffered(&s, &log, req), 2);
    settle(&s.engine, req);
    log.clear();
    let got: Slot<Vec<u8>> = Slot::default();
    let g = got.clone();
    let out = raw::internet_read_file(&s.engine, req.as_raw(), vec![0u8; 4], move |r| {
        let (n, b) = r.as_ref().unwrap();
        g.put(b[..*n].to_vec());
    });
    assert!(matches!(out, Outcome::Pending));
    go.fire();
    let seen = log.wait_count(100, 1);
    assert_eq!(kinds(&seen), [(40, NONE), (41, Dword), (100, AsyncResult)]);
    assert_eq!(got.get().unwrap(), b"xxyy");
}

/// C.30: IRF_NO_WAIT with nothing buffered returns ERROR_IO_PENDING without touching the
/// buffer (RECEIVING_RESPONSE before it returns, C.25); at completion the buffer and its length
/// are unchanged; the next IRF_NO_WAIT read returns the data at once, and at the end of the
/// data TRUE with 0 bytes — both without notifications.
#[test]
fn async_no_wait_read_pends_untouched_then_returns_the_data() {
    let go = Signal::new();
    let srv = stalled_body(b"", &go, b"abc");
    let (s, log) = async_session();
    let req = s.request(srv.port(), "GET", "/", 0);
    send_and_wait(&s, &log, req);
    settle(&s.engine, req);
    log.clear();
    let untouched: Slot<bool> = Slot::default();
    let u = untouched.clone();
    let out = raw::internet_read_file_ex(
        &s.engine,
        req.as_raw(),
        vec![0xEEu8; 8],
        IRF_NO_WAIT,
        move |r| u.put(matches!(r, Ok(ReadEx::Untouched(b)) if b == &vec![0xEE; 8])),
    );
    assert!(matches!(out, Outcome::Pending));
    assert_eq!(kinds(&log.entries()), [(40, NONE)]);
    go.fire();
    let seen = log.wait_count(100, 1);
    assert_eq!(kinds(&seen), [(40, NONE), (41, Dword), (100, AsyncResult)]);
    assert_eq!(result_of(&seen[2]), OK);
    assert_eq!(untouched.get(), Some(true));
    settle(&s.engine, req);
    log.clear();
    match raw::internet_read_file_ex(&s.engine, req.as_raw(), vec![0u8; 8], IRF_NO_WAIT, |_| {}) {
        Outcome::Done(Ok(ReadEx::Read(3, b))) => assert_eq!(&b[..3], b"abc"),
        other => panic!("{other:?}"),
    }
    match raw::internet_read_file_ex(&s.engine, req.as_raw(), vec![0u8; 8], IRF_NO_WAIT, |_| {}) {
        Outcome::Done(Ok(ReadEx::Read(0, _))) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(kinds(&log.entries()), []);
}

/// C.31 and C.25: IRF_ASYNC and flags 0 behave the same for InternetReadFileEx on an async
/// session: served from buffered data, both complete at once with no notifications.
#[test]
fn read_ex_with_irf_async_or_no_flags_completes_at_once_from_buffered_data() {
    let srv = http_server();
    let (s, log) = async_session();
    let req = s.request(srv.port(), "GET", "/eight", 0);
    send_and_wait(&s, &log, req);
    assert_eq!(wait_buffered(&s, &log, req), 8);
    log.clear();
    for (flags, want) in [(0, b"abcd"), (IRF_ASYNC, b"efgh")] {
        match raw::internet_read_file_ex(&s.engine, req.as_raw(), vec![0u8; 4], flags, |_| {}) {
            Outcome::Done(Ok(ReadEx::Read(4, b))) => assert_eq!(&b, want),
            other => panic!("flags {flags}: {other:?}"),
        }
    }
    assert_eq!(kinds(&log.entries()), []);
}

/// C.32: the first read after an async send can complete synchronously when the body arrived
/// with the headers: TRUE, no REQUEST_COMPLETE, no notification at all.
#[test]
fn first_read_after_an_async_send_completes_synchronously() {
    let srv = http_server();
    let (s, log) = async_session();
    let req = s.request(srv.port(), "GET", "/a", 0);
    send_and_wait(&s, &log, req);
    log.clear();
    match raw::internet_read_file(&s.engine, req.as_raw(), vec![0u8; 100], |_| {}) {
        Outcome::Done(Ok((4, b))) => assert_eq!(&b[..4], b"aaaa"),
        other => panic!("{other:?}"),
    }
    assert_eq!(kinds(&log.entries()), []);
}

/// C.33: an async InternetQueryDataAvailable with nothing buffered pends (RECEIVING_RESPONSE
/// first, C.25); at completion REQUEST_COMPLETE.dwError holds the number of bytes available,
/// and the count reaches the caller before it.
#[test]
fn async_query_data_available_pends_and_completes_with_the_count_in_dw_error() {
    let go = Signal::new();
    let srv = stalled_body(b"", &go, b"abc");
    let (s, log) = async_session();
    let req = s.request(srv.port(), "GET", "/", 0);
    send_and_wait(&s, &log, req);
    settle(&s.engine, req);
    log.clear();
    let avail: Slot<u64> = Slot::default();
    let probe = avail.clone();
    log.set_probe(move || probe.is_set());
    let a = avail.clone();
    let out = raw::internet_query_data_available(&s.engine, req.as_raw(), move |r| {
        a.put(*r.as_ref().unwrap());
    });
    assert!(matches!(out, Outcome::Pending));
    assert_eq!(kinds(&log.entries()), [(40, NONE)]);
    go.fire();
    let seen = log.wait_count(100, 1);
    assert_eq!(kinds(&seen), [(40, NONE), (41, Dword), (100, AsyncResult)]);
    assert_eq!(
        result_of(&seen[2]),
        Res {
            result: 1,
            error: 3
        }
    );
    assert_eq!(seen[2].probe, Some(true));
    assert_eq!(avail.get(), Some(3));
}

/// C.34: InternetQueryDataAvailable with data buffered returns the count at once (TRUE), at
/// most the bytes sent, without notifications.
#[test]
fn query_data_available_with_data_buffered_returns_at_once() {
    let srv = http_server();
    let (s, log) = async_session();
    let req = s.request(srv.port(), "GET", "/big", 0);
    send_and_wait(&s, &log, req);
    wait_buffered(&s, &log, req);
    log.clear();
    match raw::internet_query_data_available(&s.engine, req.as_raw(), |_| {}) {
        Outcome::Done(Ok(n)) => assert!(n > 0 && n <= 20_000, "{n}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(kinds(&log.entries()), []);
}

/// C.35 (with B.25): InternetQueryDataAvailable at the end of a close-delimited body pends
/// (RECEIVING_RESPONSE), and when the server closes: CLOSING_CONNECTION, CONNECTION_CLOSED,
/// then REQUEST_COMPLETE with 0 available.
#[test]
fn async_query_data_available_at_the_end_reports_the_close_then_zero() {
    let go = Signal::new();
    let srv = RawServer::start_blocking(
        RawScript::new()
            .read_request()
            .write(&b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\ndata"[..])
            .stall(&go)
            .close(),
    )
    .unwrap();
    let (s, log) = async_session();
    let req = s.request(srv.port(), "GET", "/", 0);
    send_and_wait(&s, &log, req);
    assert_eq!(wait_buffered(&s, &log, req), 4);
    match raw::internet_read_file(&s.engine, req.as_raw(), vec![0u8; 4], |_| {}) {
        Outcome::Done(Ok((4, b))) => assert_eq!(b, b"data"),
        other => panic!("{other:?}"),
    }
    settle(&s.engine, req);
    log.clear();
    let out = raw::internet_query_data_available(&s.engine, req.as_raw(), |_| {});
    assert!(matches!(out, Outcome::Pending));
    go.fire();
    let seen = log.wait_count(100, 1);
    assert_eq!(
        kinds(&seen),
        [(40, NONE), (50, NONE), (51, NONE), (100, AsyncResult)]
    );
    assert_eq!(
        result_of(&seen[3]),
        Res {
            result: 1,
            error: 0
        }
    );
}

/// C.37: the end of data reads as success, again and again: a HEAD response's reads return
/// TRUE with 0 bytes at once, without notifications.
#[test]
fn reads_at_the_end_of_a_head_response_return_zero_at_once() {
    let srv = http_server();
    let (s, log) = async_session();
    let req = s.request(srv.port(), "HEAD", "/a", 0);
    log.clear();
    send_and_wait(&s, &log, req);
    assert_eq!(kinds(&log.entries()), with_complete(first_send()));
    log.clear();
    for _ in 0..3 {
        match raw::internet_read_file(&s.engine, req.as_raw(), vec![0u8; 16], |_| {}) {
            Outcome::Done(Ok((0, _))) => {}
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(kinds(&log.entries()), []);
}

// ---- FTP ----------------------------------------------------------------------------------

/// One FTP command: SENDING_REQUEST, REQUEST_SENT (DWORD), RECEIVING_RESPONSE,
/// RESPONSE_RECEIVED (DWORD).
fn commands(n: usize) -> Seq {
    let one = [(30, NONE), (31, Dword), (40, NONE), (41, Dword)];
    one.iter().copied().cycle().take(4 * n).collect()
}

/// Reading a transfer's completion reply: RECEIVING_RESPONSE, RESPONSE_RECEIVED.
fn completion_reply() -> Seq {
    vec![(40, NONE), (41, Dword)]
}

/// The FTP connect: HANDLE_CREATED (through the parent), resolve and connect (strings, B.18),
/// the greeting, then `n` command exchanges (the login is one, FEAT another, ...).
fn ftp_connect(n: usize) -> Seq {
    let mut v = vec![
        (60, Handle),
        (10, TextString),
        (11, AnsiString),
        (20, AnsiString),
        (21, AnsiString),
        (40, NONE),
        (41, Dword),
    ];
    v.extend(commands(n));
    v
}

/// Command exchanges of a libunftp login (USER/PASS, FEAT, OPTS UTF8 ON).
const LOGIN_COMMANDS: usize = 3;

/// Command exchanges of a download from libunftp: TYPE I, SIZE, RETR (the EPSV that opens the
/// data connection is part of the RETR exchange, not one of its own).
const RETR_COMMANDS: usize = 3;

/// A sync session logged in to `port` with context 7, reporting to a log.
fn ftp_sync(port: u16) -> (Engine, H, H, Log) {
    let e = ftp_common::engine();
    let r = ftp_common::root(&e, 0);
    let log = Log::install(&e, r);
    let c = ftp_common::connect(
        &e,
        r,
        port,
        Some(DEFAULT_USER),
        Some(DEFAULT_PASSWORD),
        INTERNET_FLAG_PASSIVE,
        7,
    )
    .unwrap();
    (e, r, c, log)
}

/// An async session logged in to `port` (user/password given) with context 7.
fn ftp_async_login(port: u16, user: &str, password: &str) -> (Engine, H, H, Log) {
    let e = ftp_common::engine();
    let r = ftp_common::root(&e, INTERNET_FLAG_ASYNC);
    let log = Log::install(&e, r);
    let out = raw::internet_connect(
        &e,
        r.as_raw(),
        ConnectArgs {
            server: Some("127.0.0.1"),
            port,
            user: Some(user),
            password: Some(password),
            service: INTERNET_SERVICE_FTP,
            flags: INTERNET_FLAG_PASSIVE,
            context: 7,
        },
        |_| {},
    );
    assert!(matches!(out, Outcome::Pending), "an FTP connect waits");
    let done = log.wait_complete_after(0);
    let c = H::from_raw(result_of(&done).result).expect("the new connect handle");
    (e, r, c, log)
}

fn ftp_async(port: u16) -> (Engine, H, H, Log) {
    ftp_async_login(port, DEFAULT_USER, DEFAULT_PASSWORD)
}

/// The result of a sync call.
fn done<T>(o: Outcome<T>) -> hinternet_core::Result<T> {
    ftp_common::done(o)
}

fn assert_pending<T: std::fmt::Debug>(o: Outcome<T>) {
    assert!(matches!(o, Outcome::Pending), "{o:?}");
}

/// The REQUEST_COMPLETE of an FTP session function: on the connect handle, with its context.
fn assert_session_complete(e: &Entry, c: H, want: Res) {
    assert_eq!((e.handle, e.context, result_of(e)), (c, 7, want));
}

/// B.27 and the sync FTP connect (B.12/B.13 for FTP, payloads per B.18): InternetSetStatusCallback
/// returns NULL the first time and the old callback afterwards; InternetConnect(FTP) announces
/// the handle, then resolves, connects, reads the greeting and sends the login commands, all on
/// the new handle with its context. (The native list is described for HTTP only; this is our
/// exact list.)
#[test]
fn sync_ftp_connect_sequence_and_set_status_callback_returns_the_previous_callback() {
    let server = ftp_common::FtpServer::start_blocking().unwrap();
    let e = ftp_common::engine();
    let r = ftp_common::root(&e, 0);
    let log = Log::default();
    let cb = log.callback();
    let prev = raw::internet_set_status_callback(&e, r.as_raw(), Some(Arc::clone(&cb))).unwrap();
    assert!(prev.is_none());
    let c = ftp_common::connect(
        &e,
        r,
        server.port(),
        Some(DEFAULT_USER),
        Some(DEFAULT_PASSWORD),
        INTERNET_FLAG_PASSIVE,
        7,
    )
    .unwrap();
    let seen = log.entries();
    assert_eq!(kinds(&seen), ftp_connect(LOGIN_COMMANDS));
    assert_eq!(
        (seen[0].handle, seen[0].context, &seen[0].event),
        (r, 7, &StatusEvent::HandleCreated(c))
    );
    assert!(seen[1..].iter().all(|e| e.handle == c && e.context == 7));
    let me = std::thread::current().id();
    assert!(seen.iter().all(|e| e.thread == me));
    let prev = raw::internet_set_status_callback(&e, r.as_raw(), None)
        .unwrap()
        .expect("the previous callback");
    assert!(Arc::ptr_eq(&prev, &cb));
}

/// B.14 / B.24 / B.20 for InternetConnect(FTP) in async mode: ERROR_IO_PENDING, the same
/// sequence, then REQUEST_COMPLETE on the root with the call's context and the new handle in
/// dwResult. The call is polled once on the caller's thread up to the TCP connect, so
/// HANDLE_CREATED (on the caller's thread, as in B.19), RESOLVING_NAME, NAME_RESOLVED and
/// CONNECTING_TO_SERVER arrive there; everything from CONNECTED_TO_SERVER on comes from
/// another thread (B.20). (Our exact split; the native lists describe HTTP only.)
#[test]
fn async_ftp_connect_pends_and_completes_with_the_new_handle_on_the_root() {
    let server = ftp_common::FtpServer::start_blocking().unwrap();
    let (_e, r, c, log) = ftp_async(server.port());
    let seen = log.entries();
    assert_eq!(kinds(&seen), with_complete(ftp_connect(LOGIN_COMMANDS)));
    assert_eq!(seen[0].event, StatusEvent::HandleCreated(c));
    let last = seen.last().unwrap();
    assert_eq!(
        (last.handle, last.context, result_of(last)),
        (
            r,
            7,
            Res {
                result: c.as_raw(),
                error: 0
            }
        )
    );
    let me = std::thread::current().id();
    assert!(seen[..4].iter().all(|e| e.thread == me));
    assert!(seen[4..].iter().all(|e| e.thread != me));
}

fn ftp_server_with(files: &[(&str, &[u8])]) -> ftp_common::FtpServer {
    let server = ftp_common::FtpServer::start_blocking().unwrap();
    for (name, data) in files {
        std::fs::write(server.root().join(name), data).unwrap();
    }
    server
}

/// Command exchanges of a listing on libunftp: TYPE A, then the listing command (its EPSV
/// included).
const LIST_COMMANDS: usize = 2;

/// FtpFindFirstFile / InternetFindNextFile, sync: the listing's commands and completion reply
/// on the connect handle, then HANDLE_CREATED for the find handle (through the connect
/// handle, with the find's context); InternetFindNextFile is served from the listing without
/// notifications; closing the find handle sends its HANDLE_CLOSING only. (Our exact list; the
/// native list covers HTTP.)
#[test]
fn sync_ftp_find_first_file_then_find_next_file() {
    let server = ftp_server_with(&[("a.txt", b"a"), ("b.txt", b"bb")]);
    let (e, _r, c, log) = ftp_sync(server.port());
    log.clear();
    let (find, first) = done(raw::ftp_find_first_file(
        &e,
        c.as_raw(),
        None,
        0,
        11,
        |_| {},
    ))
    .unwrap();
    let mut want = commands(LIST_COMMANDS);
    want.extend(completion_reply());
    want.push((60, Handle));
    let seen = log.entries();
    assert_eq!(kinds(&seen), want);
    let created = seen.last().unwrap();
    assert_eq!(
        (created.handle, created.context, &created.event),
        (c, 11, &StatusEvent::HandleCreated(find))
    );
    log.clear();
    let second = done(raw::internet_find_next_file(&e, find.as_raw(), |_| {})).unwrap();
    let mut names = vec![first.name, second.name];
    names.sort();
    assert_eq!(names, [b"a.txt".to_vec(), b"b.txt".to_vec()]);
    let end = done(raw::internet_find_next_file(&e, find.as_raw(), |_| {})).unwrap_err();
    assert_eq!(end.code(), ERROR_NO_MORE_FILES);
    assert_eq!(kinds(&log.entries()), []);
    raw::internet_close_handle(&e, find.as_raw()).unwrap();
    let closed = log.wait_count(70, 1);
    assert_eq!(kinds(&closed), [(70, Handle)]);
    assert_eq!((closed[0].handle, closed[0].context), (find, 11));
}

/// FtpFindFirstFile / InternetFindNextFile, async (B.14, B.24 for a handle-creating call):
/// ERROR_IO_PENDING, the listing's notifications, HANDLE_CREATED, then REQUEST_COMPLETE on the
/// connect handle with its context and the find handle in dwResult; InternetFindNextFile
/// completes at once from the stored listing (no REQUEST_COMPLETE), ERROR_NO_MORE_FILES at
/// the end.
#[test]
fn async_ftp_find_first_file_completes_with_the_find_handle_and_find_next_is_immediate() {
    let server = ftp_server_with(&[("a.txt", b"a"), ("b.txt", b"bb")]);
    let (e, _r, c, log) = ftp_async(server.port());
    log.clear();
    assert_pending(raw::ftp_find_first_file(
        &e,
        c.as_raw(),
        None,
        0,
        11,
        |_| {},
    ));
    let seen = log.wait_count(100, 1);
    let mut want = commands(LIST_COMMANDS);
    want.extend(completion_reply());
    want.push((60, Handle));
    assert_eq!(kinds(&seen), with_complete(want));
    let StatusEvent::HandleCreated(find) = seen[seen.len() - 2].event else {
        unreachable!()
    };
    assert_eq!(seen[seen.len() - 2].context, 11);
    assert_session_complete(
        seen.last().unwrap(),
        c,
        Res {
            result: find.as_raw(),
            error: 0,
        },
    );
    log.clear();
    match raw::internet_find_next_file(&e, find.as_raw(), |_| {}) {
        Outcome::Done(Ok(_)) => {}
        other => panic!("{other:?}"),
    }
    match raw::internet_find_next_file(&e, find.as_raw(), |_| {}) {
        Outcome::Done(Err(err)) => assert_eq!(err.code(), ERROR_NO_MORE_FILES),
        other => panic!("{other:?}"),
    }
    assert_eq!(kinds(&log.entries()), []);
}

/// FtpOpenFile + InternetReadFile + close, sync: the transfer's commands, HANDLE_CREATED for
/// the file handle; reads send nothing until the end of the data, where the completion reply
/// is read (on the connect handle); closing sends the file's HANDLE_CLOSING. (Our exact list.)
#[test]
fn sync_ftp_open_file_reads_and_close() {
    let data = hinternet_testkit::pattern::bytes(0, 100_000);
    let server = ftp_server_with(&[("f.bin", &data)]);
    let (e, _r, c, log) = ftp_sync(server.port());
    log.clear();
    let f = done(raw::ftp_open_file(
        &e,
        c.as_raw(),
        Some("f.bin"),
        GENERIC_READ,
        FTP_TRANSFER_TYPE_BINARY,
        9,
        |_| {},
    ))
    .unwrap();
    let mut want = commands(RETR_COMMANDS);
    want.push((60, Handle));
    assert_eq!(kinds(&log.entries()), want);
    log.clear();
    let got = ftp_common::read_to_end(&e, f, 65536).unwrap();
    assert!(got == data);
    let seen = log.entries();
    assert_eq!(kinds(&seen), completion_reply());
    assert!(seen.iter().all(|e| e.handle == c));
    log.clear();
    raw::internet_close_handle(&e, f.as_raw()).unwrap();
    let closed = log.wait_count(70, 1);
    assert_eq!(kinds(&closed), [(70, Handle)]);
    assert_eq!((closed[0].handle, closed[0].context), (f, 9));
}

/// A scripted server whose `RETR f` answers 150 and sends `data` only once `go` fires.
fn stalled_retr(go: &Signal, data: &'static [u8]) -> ftp_common::FtpScript {
    ftp_common::script_login(&[])
        .step(ftp_common::Step::new("TYPE I").reply("200 ok"))
        .step(ftp_common::Step::new("EPSV").epsv())
        .step(
            ftp_common::Step::new("RETR f")
                .reply("150 go")
                .stall_before_data(go)
                .send(data)
                .then_reply("226 done"),
        )
}

/// FtpOpenFile + InternetReadFile + close, async: FtpOpenFile pends and completes on the
/// connect handle (its context) with the file handle in dwResult; a read that must wait pends
/// and completes on the file handle with the file's context after the completion reply; the
/// read at the end completes at once; closing sends HANDLE_CLOSING.
#[test]
fn async_ftp_open_file_reads_and_close() {
    let go = Signal::new();
    let script = stalled_retr(&go, b"hello").start_blocking().unwrap();
    let (e, _r, c, log) = ftp_async_login(script.port(), "u", "p");
    log.clear();
    assert_pending(raw::ftp_open_file(
        &e,
        c.as_raw(),
        Some("f"),
        GENERIC_READ,
        0,
        9,
        |_| {},
    ));
    let seen = log.wait_count(100, 1);
    // TYPE I, then RETR (with its EPSV).
    let mut want = commands(2);
    want.push((60, Handle));
    assert_eq!(kinds(&seen), with_complete(want));
    let StatusEvent::HandleCreated(f) = seen[seen.len() - 2].event else {
        unreachable!()
    };
    assert_session_complete(
        seen.last().unwrap(),
        c,
        Res {
            result: f.as_raw(),
            error: 0,
        },
    );
    log.clear();
    let got: Slot<Vec<u8>> = Slot::default();
    let g = got.clone();
    assert_pending(raw::internet_read_file(
        &e,
        f.as_raw(),
        vec![0u8; 64],
        move |r| {
            let (n, b) = r.as_ref().unwrap();
            g.put(b[..*n].to_vec());
        },
    ));
    go.fire();
    // The completion reply is read before the read completes. Its notifications go to the
    // connect handle, the completion to the file handle: each handle's notifications are in
    // order, but two handles deliver independently (docs/architecture.md, Notifications), so
    // both are awaited and each handle's sequence is checked on its own.
    log.wait_count(100, 1);
    let seen = log.wait_count(41, 1);
    let on = |h: H| -> Vec<Entry> { seen.iter().filter(|e| e.handle == h).cloned().collect() };
    assert_eq!(kinds(&on(c)), completion_reply());
    let on_f = on(f);
    assert_eq!(kinds(&on_f), with_complete(vec![]));
    assert_eq!(seen.len(), 3);
    let last = &on_f[0];
    assert_eq!((last.handle, last.context, result_of(last)), (f, 9, OK));
    assert_eq!(got.get().unwrap(), b"hello");
    log.clear();
    match raw::internet_read_file(&e, f.as_raw(), vec![0u8; 64], |_| {}) {
        Outcome::Done(Ok((0, _))) => {}
        other => panic!("{other:?}"),
    }
    raw::internet_close_handle(&e, f.as_raw()).unwrap();
    let closed = log.wait_count(70, 1);
    assert_eq!(kinds(&closed), [(70, Handle)]);
    assert_eq!(closed[0].handle, f);
}

/// Closing an FTP file handle during a pending async read (C.28 / A.1): the read completes
/// with {0, ERROR_INTERNET_OPERATION_CANCELLED} on the file handle, the transfer is aborted
/// (ABOR: one command exchange on the connect handle), then HANDLE_CLOSING is the file
/// handle's last notification.
#[test]
fn closing_an_ftp_file_handle_mid_read_cancels_the_read_then_closes() {
    let go = Signal::new();
    let script = stalled_retr(&go, b"late")
        .step(ftp_common::Step::new("ABOR").reply("226 aborted"))
        .start_blocking()
        .unwrap();
    let (e, _r, c, log) = ftp_async_login(script.port(), "u", "p");
    let mark = log.mark();
    assert_pending(raw::ftp_open_file(
        &e,
        c.as_raw(),
        Some("f"),
        GENERIC_READ,
        0,
        9,
        |_| {},
    ));
    let f = H::from_raw(result_of(&log.wait_complete_after(mark)).result).unwrap();
    log.clear();
    assert_pending(raw::internet_read_file(
        &e,
        f.as_raw(),
        vec![0u8; 64],
        |_| {},
    ));
    // The close may wait for the ABOR's reply (when the cancelled read has already let go of
    // the handle, the releases run on this call), and the stalled server answers only once it
    // is let go: close on another thread, and let the server go once the ABOR is being sent.
    let closer = {
        let e = e.clone();
        std::thread::spawn(move || raw::internet_close_handle(&e, f.as_raw()))
    };
    log.wait_until("the ABOR", |seen| {
        seen.iter()
            .any(|x| x.handle == c && x.event.code() == INTERNET_STATUS_SENDING_REQUEST)
    });
    go.fire();
    closer.join().unwrap().unwrap();
    // The file handle's notifications and the ABOR exchange's (connect handle) are each in
    // order; the two handles deliver independently (docs/architecture.md, Notifications).
    log.wait_count(70, 1);
    let abor = commands(1);
    let seen = log.wait_until("the ABOR exchange", |seen| {
        seen.iter().filter(|x| x.handle == c).count() >= abor.len()
    });
    let on = |h: H| -> Vec<Entry> { seen.iter().filter(|e| e.handle == h).cloned().collect() };
    assert_eq!(kinds(&on(c)), abor);
    let on_f = on(f);
    assert_eq!(kinds(&on_f), [(100, AsyncResult), (70, Handle)]);
    assert_eq!(seen.len(), abor.len() + 2);
    assert_eq!(
        (on_f[0].context, result_of(&on_f[0])),
        (9, failed(ERROR_INTERNET_OPERATION_CANCELLED))
    );
}

/// FtpGetFile, sync: the transfer's commands and its completion reply, all on the connect
/// handle; no handle is created. (Our exact list.)
#[test]
fn sync_ftp_get_file_sequence() {
    let data = hinternet_testkit::pattern::bytes(7, 50_000);
    let server = ftp_server_with(&[("g.bin", &data)]);
    let (e, _r, c, log) = ftp_sync(server.port());
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("g.bin");
    log.clear();
    done(raw::ftp_get_file(
        &e,
        c.as_raw(),
        Some("g.bin"),
        Some(&target),
        false,
        0,
        FTP_TRANSFER_TYPE_BINARY,
        |_| {},
    ))
    .unwrap();
    let mut want = commands(RETR_COMMANDS - 1);
    want.extend(completion_reply());
    let seen = log.entries();
    assert_eq!(kinds(&seen), want);
    assert!(seen.iter().all(|e| e.handle == c && e.context == 7));
    assert!(std::fs::read(&target).unwrap() == data);
}

/// FtpGetFile, async: the same notifications, then REQUEST_COMPLETE {1, 0} on the connect
/// handle with its context.
#[test]
fn async_ftp_get_file_sequence() {
    let data = hinternet_testkit::pattern::bytes(7, 50_000);
    let server = ftp_server_with(&[("g.bin", &data)]);
    let (e, _r, c, log) = ftp_async(server.port());
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("g.bin");
    log.clear();
    assert_pending(raw::ftp_get_file(
        &e,
        c.as_raw(),
        Some("g.bin"),
        Some(&target),
        false,
        0,
        FTP_TRANSFER_TYPE_BINARY,
        |_| {},
    ));
    let seen = log.wait_count(100, 1);
    let mut want = commands(RETR_COMMANDS - 1);
    want.extend(completion_reply());
    assert_eq!(kinds(&seen), with_complete(want));
    assert_session_complete(seen.last().unwrap(), c, OK);
    assert!(std::fs::read(&target).unwrap() == data);
}

/// FtpPutFile, async: TYPE I, STOR (with its EPSV), the completion reply, then REQUEST_COMPLETE {1, 0}
/// on the connect handle with its context.
#[test]
fn async_ftp_put_file_sequence() {
    let data = hinternet_testkit::pattern::bytes(3, 70_000);
    let server = ftp_common::FtpServer::start_blocking().unwrap();
    let (e, _r, c, log) = ftp_async(server.port());
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("p.bin");
    std::fs::write(&local, &data).unwrap();
    log.clear();
    assert_pending(raw::ftp_put_file(
        &e,
        c.as_raw(),
        Some(&local),
        Some("p.bin"),
        FTP_TRANSFER_TYPE_BINARY,
        |_| {},
    ));
    let seen = log.wait_count(100, 1);
    let mut want = commands(2);
    want.extend(completion_reply());
    assert_eq!(kinds(&seen), with_complete(want));
    assert_session_complete(seen.last().unwrap(), c, OK);
    assert!(std::fs::read(server.root().join("p.bin")).unwrap() == data);
}

/// The session functions, one call each, and how many command exchanges each makes.
enum SessionCall {
    Mkdir(&'static str),
    Cwd(&'static str),
    Pwd,
    Rename(&'static str, &'static str),
    Delete(&'static str),
    Rmdir(&'static str),
}

impl SessionCall {
    fn exchanges(&self) -> usize {
        match self {
            SessionCall::Rename(..) => 2,
            _ => 1,
        }
    }

    fn call(&self, e: &Engine, c: H) -> Outcome<()> {
        let c = c.as_raw();
        match *self {
            SessionCall::Mkdir(d) => raw::ftp_create_directory(e, c, Some(d), |_| {}),
            SessionCall::Cwd(d) => raw::ftp_set_current_directory(e, c, Some(d), |_| {}),
            SessionCall::Pwd => {
                match raw::ftp_get_current_directory(e, c, Some(260), false, |_| {}) {
                    Outcome::Done(r) => Outcome::Done(r.map(|_| ())),
                    Outcome::Pending => Outcome::Pending,
                }
            }
            SessionCall::Rename(a, b) => raw::ftp_rename_file(e, c, Some(a), Some(b), |_| {}),
            SessionCall::Delete(f) => raw::ftp_delete_file(e, c, Some(f), |_| {}),
            SessionCall::Rmdir(d) => raw::ftp_remove_directory(e, c, Some(d), |_| {}),
        }
    }
}

const SESSION_CALLS: [SessionCall; 7] = [
    SessionCall::Mkdir("d"),
    SessionCall::Cwd("d"),
    SessionCall::Pwd,
    SessionCall::Cwd("/"),
    SessionCall::Rename("x", "y"),
    SessionCall::Delete("y"),
    SessionCall::Rmdir("d"),
];

/// The FTP session functions, sync: one command exchange each (two for rename, RNFR + RNTO),
/// on the connect handle with its context, and no REQUEST_COMPLETE (B.12's rule for sync
/// calls). (Our exact list.)
#[test]
fn sync_ftp_session_functions_report_their_command_exchanges() {
    let server = ftp_server_with(&[("x", b"x")]);
    let (e, _r, c, log) = ftp_sync(server.port());
    for call in &SESSION_CALLS {
        log.clear();
        done(call.call(&e, c)).unwrap();
        let seen = log.entries();
        assert_eq!(kinds(&seen), commands(call.exchanges()));
        assert!(seen.iter().all(|e| e.handle == c && e.context == 7));
    }
}

/// The FTP session functions, async (B.14): each returns ERROR_IO_PENDING, reports its command
/// exchanges, then REQUEST_COMPLETE {1, 0} on the connect handle with the connect handle's
/// context.
#[test]
fn async_ftp_session_functions_complete_with_the_connect_context() {
    let server = ftp_server_with(&[("x", b"x")]);
    let (e, _r, c, log) = ftp_async(server.port());
    for call in &SESSION_CALLS {
        log.clear();
        assert_pending(call.call(&e, c));
        let seen = log.wait_count(100, 1);
        assert_eq!(kinds(&seen), with_complete(commands(call.exchanges())));
        assert!(seen.iter().all(|e| e.handle == c && e.context == 7));
        assert_session_complete(seen.last().unwrap(), c, OK);
    }
    assert!(!server.root().join("d").exists());
    assert!(!server.root().join("x").exists());
}

/// B.20 for FTP: every notification of a pending async session function comes from a thread
/// other than the caller's.
#[test]
fn async_ftp_session_notifications_come_from_another_thread() {
    let server = ftp_common::FtpServer::start_blocking().unwrap();
    let (e, _r, c, log) = ftp_async(server.port());
    log.clear();
    assert_pending(raw::ftp_create_directory(&e, c.as_raw(), Some("t"), |_| {}));
    let seen = log.wait_count(100, 1);
    assert_eq!(kinds(&seen), with_complete(commands(1)));
    let me = std::thread::current().id();
    assert!(seen.iter().all(|e| e.thread != me));
}

/// A refused FTP command (H.104), sync: its command exchange, then the call fails with
/// ERROR_INTERNET_EXTENDED_ERROR.
#[test]
fn sync_refused_ftp_command_reports_its_exchange_and_fails() {
    let server = ftp_common::FtpServer::start_blocking().unwrap();
    let (e, _r, c, log) = ftp_sync(server.port());
    log.clear();
    let err = done(raw::ftp_delete_file(
        &e,
        c.as_raw(),
        Some("missing"),
        |_| {},
    ))
    .unwrap_err();
    assert_eq!(err.code(), ERROR_INTERNET_EXTENDED_ERROR);
    assert_eq!(kinds(&log.entries()), commands(1));
}

/// A refused FTP command, async (B.14): ERROR_IO_PENDING, its exchange, then REQUEST_COMPLETE
/// {0, ERROR_INTERNET_EXTENDED_ERROR} on the connect handle with its context.
#[test]
fn async_refused_ftp_command_completes_with_extended_error() {
    let server = ftp_common::FtpServer::start_blocking().unwrap();
    let (e, _r, c, log) = ftp_async(server.port());
    log.clear();
    assert_pending(raw::ftp_delete_file(
        &e,
        c.as_raw(),
        Some("missing"),
        |_| {},
    ));
    let seen = log.wait_count(100, 1);
    assert_eq!(kinds(&seen), with_complete(commands(1)));
    assert_session_complete(
        seen.last().unwrap(),
        c,
        failed(ERROR_INTERNET_EXTENDED_ERROR),
    );
}
