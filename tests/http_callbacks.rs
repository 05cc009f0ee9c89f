//! Status notifications of HTTP requests in native order (behaviours B.12-19, C.35), sync and
//! async: exact lists of status codes.

mod http_common;

use std::sync::mpsc;
use std::time::Duration;

use hinternet_core::consts::*;
use hinternet_core::status::callback_fn;
use hinternet_core::{AsyncResult, StatusEvent};
use hinternet_testkit::http::{RawScript, RawServer, Reply, Routes, TestServer};
use http_common::Session;

const FULL: [u32; 8] = [10, 11, 20, 21, 30, 31, 40, 41];

fn server() -> TestServer {
    TestServer::start_blocking(
        Routes::new()
            .route("/a", Reply::text("aaaa"))
            .route("/r", Reply::redirect(302, "/a"))
            .route("/nc", Reply::no_content().close_connection()),
    )
    .unwrap()
}

#[test]
fn connect_and_open_only_announce_handles() {
    let srv = server();
    let s = Session::new(0);
    let c = s.connect(srv.port(), 0);
    let _req = s.open(c, "GET", "/a", 0);
    assert_eq!(s.rec.codes(), [60, 60]);
    assert_eq!(srv.connections_accepted(), 0);
}

#[test]
fn first_sync_send_reports_the_whole_native_sequence() {
    let srv = server();
    let s = Session::new(0);
    let req = s.request(srv.port(), "GET", "/a", 0);
    s.rec.clear();
    s.send(req, None, b"").unwrap();
    assert_eq!(s.rec.codes(), FULL);
    let ev = s.rec.events();
    assert_eq!(ev[0], StatusEvent::ResolvingName("127.0.0.1".into()));
    assert_eq!(ev[1], StatusEvent::NameResolved("127.0.0.1".into()));
    assert_eq!(ev[2], StatusEvent::ConnectingToServer("127.0.0.1".into()));
    assert_eq!(ev[3], StatusEvent::ConnectedToServer("127.0.0.1".into()));
}

#[test]
fn a_reused_connection_sends_no_connect_events() {
    let srv = server();
    let s = Session::new(0);
    let c = s.connect(srv.port(), 0);
    let req = s.open(c, "GET", "/a", 0);
    s.send(req, None, b"").unwrap();
    s.read_all(req).unwrap();
    let req2 = s.open(c, "GET", "/a", 0);
    s.rec.clear();
    s.send(req2, None, b"").unwrap();
    assert_eq!(s.rec.codes(), [30, 31, 40, 41]);
}

#[test]
fn a_new_connection_to_a_known_host_does_not_resolve_again() {
    let srv =
        TestServer::start_blocking(Routes::new().fallback(Reply::generated(1 << 20))).unwrap();
    let s = Session::new(0);
    let c = s.connect(srv.port(), 0);
    let req = s.open(c, "GET", "/", 0);
    s.send(req, None, b"").unwrap();
    s.close(req); // body unread: the connection is not reused
    let req2 = s.open(c, "GET", "/", 0);
    s.rec.clear();
    s.send(req2, None, b"").unwrap();
    assert_eq!(s.rec.codes(), [20, 21, 30, 31, 40, 41]);
}

#[test]
fn a_redirect_doubles_the_send_events_around_redirect() {
    let srv = server();
    let s = Session::new(0);
    let req = s.request(srv.port(), "GET", "/r", 0);
    s.rec.clear();
    s.send(req, None, b"").unwrap();
    let mut want = FULL.to_vec();
    want.extend([110, 30, 31, 40, 41]);
    assert_eq!(s.rec.codes(), want);
    assert!(matches!(&s.rec.events()[8], StatusEvent::Redirect(u) if u.ends_with("/a")));
    assert_eq!(s.read_all(req).unwrap(), b"aaaa");
}

#[test]
fn a_bodyless_close_response_closes_during_the_request() {
    let srv = server();
    let s = Session::new(0);
    let req = s.request(srv.port(), "GET", "/nc", 0);
    s.rec.clear();
    s.send(req, None, b"").unwrap();
    let mut want = FULL.to_vec();
    want.extend([50, 51]);
    assert_eq!(s.rec.codes(), want);
}

#[test]
fn end_of_a_close_delimited_body_reports_the_closing() {
    let raw = RawServer::start_blocking(
        RawScript::new()
            .read_request()
            .write(&b"HTTP/1.1 200 OK\r\n\r\nuntil close"[..])
            .close(),
    )
    .unwrap();
    let s = Session::new(0);
    let req = s.request(raw.port(), "GET", "/", 0);
    s.send(req, None, b"").unwrap();
    s.rec.clear();
    assert_eq!(s.read_all(req).unwrap(), b"until close");
    assert_eq!(s.rec.codes(), [50, 51]);
}

#[test]
fn a_request_with_context_zero_gets_no_notifications() {
    let srv = server();
    let s = Session::new(0);
    let c = s.connect(srv.port(), 0);
    let req = hinternet_http::http_open_request(
        &s.engine,
        c.as_raw(),
        hinternet_http::OpenRequest::new(None, Some("/a"), None, None, &[], 0),
        0,
    )
    .unwrap();
    s.rec.clear();
    s.send(req, None, b"").unwrap();
    assert_eq!(s.rec.codes(), Vec::<u32>::new());
}

#[test]
fn async_send_pends_then_completes_from_a_worker_thread() {
    let srv = server();
    let s = Session::new(INTERNET_FLAG_ASYNC);
    let (tx, rx) = mpsc::channel();
    let tx = std::sync::Mutex::new(tx);
    s.engine
        .set_callback(
            s.root.as_raw(),
            Some(callback_fn(move |_, _, e| {
                let _ = tx
                    .lock()
                    .unwrap()
                    .send((e.clone(), std::thread::current().id()));
            })),
        )
        .unwrap();
    let req = s.request(srv.port(), "GET", "/a", 0);
    let out = hinternet_http::http_send_request(
        &s.engine,
        req.as_raw(),
        None,
        hinternet_http::bytes::Bytes::new(),
        |_| {},
    );
    assert!(matches!(out, hinternet::raw::Outcome::Pending));
    let mut codes = Vec::new();
    let me = std::thread::current().id();
    loop {
        let (e, thread) = rx
            .recv_timeout(Duration::from_secs(10))
            .expect("notification");
        codes.push(e.code());
        if let StatusEvent::RequestComplete(r) = e {
            assert_eq!(
                r,
                AsyncResult {
                    result: 1,
                    error: 0
                }
            );
            assert_ne!(thread, me);
            break;
        }
    }
    assert_eq!(codes, [60, 60, 10, 11, 20, 21, 30, 31, 40, 41, 100]);
}

#[test]
fn async_failure_completes_with_the_error_code() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let s = Session::new(INTERNET_FLAG_ASYNC);
    let (tx, rx) = mpsc::channel();
    let tx = std::sync::Mutex::new(tx);
    s.engine
        .set_callback(
            s.root.as_raw(),
            Some(callback_fn(move |_, _, e| {
                let _ = tx.lock().unwrap().send(e.clone());
            })),
        )
        .unwrap();
    let req = s.request(port, "GET", "/", 0);
    let out = hinternet_http::http_send_request(
        &s.engine,
        req.as_raw(),
        None,
        hinternet_http::bytes::Bytes::new(),
        |_| {},
    );
    assert!(matches!(out, hinternet::raw::Outcome::Pending));
    loop {
        if let StatusEvent::RequestComplete(r) = rx.recv_timeout(Duration::from_secs(10)).unwrap() {
            assert_eq!(
                r,
                AsyncResult {
                    result: 0,
                    error: ERROR_INTERNET_CANNOT_CONNECT
                }
            );
            break;
        }
    }
}

#[test]
fn an_async_read_that_waits_announces_receiving_then_received() {
    use hinternet_testkit::Signal;
    use hinternet_testkit::http::Piece;
    let more = Signal::new();
    let srv = TestServer::start_blocking(Routes::new().route(
        "/p",
        Reply::pieces(vec![
            Piece::Data(hinternet_http::bytes::Bytes::from_static(b"abc")),
            Piece::Wait(more.clone()),
            Piece::Data(hinternet_http::bytes::Bytes::from_static(b"defg")),
        ]),
    ))
    .unwrap();
    let s = Session::new(INTERNET_FLAG_ASYNC);
    let (tx, rx) = mpsc::channel();
    let tx = std::sync::Mutex::new(tx);
    s.engine
        .set_callback(
            s.root.as_raw(),
            Some(callback_fn(move |_, _, e| {
                let _ = tx.lock().unwrap().send(e.clone());
            })),
        )
        .unwrap();
    let req = s.request(srv.port(), "GET", "/p", 0);
    let _ = hinternet_http::http_send_request(
        &s.engine,
        req.as_raw(),
        None,
        hinternet_http::bytes::Bytes::new(),
        |_| {},
    );
    while !matches!(
        rx.recv_timeout(Duration::from_secs(10)).unwrap(),
        StatusEvent::RequestComplete(_)
    ) {}
    // Read 3 bytes at a time; each read that pends is followed until its REQUEST_COMPLETE.
    // The read after "abc" must wait for the signal: RECEIVING, RECEIVED(4), COMPLETE.
    let mut got = Vec::new();
    let mut waited_read = None;
    for _ in 0..1000 {
        let (dtx, drx) = mpsc::channel();
        let out =
            hinternet::raw::internet_read_file(&s.engine, req.as_raw(), vec![0u8; 3], move |r| {
                let _ = dtx.send(r.as_ref().map(|(n, b)| b[..*n].to_vec()).unwrap());
            });
        let chunk = match out {
            hinternet::raw::Outcome::Done(r) => r.map(|(n, b)| b[..n].to_vec()).unwrap(),
            hinternet::raw::Outcome::Pending => {
                let after_abc = got == b"abc" && waited_read.is_none();
                if after_abc {
                    more.fire();
                }
                let mut events = Vec::new();
                loop {
                    let e = rx.recv_timeout(Duration::from_secs(10)).unwrap();
                    let done = matches!(e, StatusEvent::RequestComplete(_));
                    events.push(e);
                    if done {
                        break;
                    }
                }
                if after_abc {
                    waited_read = Some(events);
                }
                drx.recv_timeout(Duration::from_secs(10)).unwrap()
            }
        };
        if chunk.is_empty() {
            break;
        }
        got.extend_from_slice(&chunk);
    }
    assert_eq!(got, b"abcdefg");
    let events = waited_read.expect("the read after abc waited");
    assert_eq!(
        events,
        [
            StatusEvent::ReceivingResponse,
            StatusEvent::ResponseReceived(4),
            StatusEvent::RequestComplete(AsyncResult {
                result: 1,
                error: 0
            })
        ]
    );
}

#[test]
fn closing_a_request_with_an_unread_body_closes_its_connection() {
    let srv =
        TestServer::start_blocking(Routes::new().fallback(Reply::generated(1 << 20))).unwrap();
    let s = Session::new(0);
    let req = s.request(srv.port(), "GET", "/", 0);
    s.send(req, None, b"").unwrap();
    s.rec.clear();
    s.close(req);
    assert_eq!(s.rec.codes(), [50, 51, 70]);
}
