//! The connection pool: a dead pooled connection is replaced (an idempotent request is sent
//! once more), idle connections expire, and connections are per session.

mod http_common;

use std::time::Duration;

use hinternet_testkit::http::{RawScript, RawServer, Reply, Routes, TestServer};
use http_common::Session;

#[test]
fn a_pooled_connection_the_server_closed_is_replaced() {
    let ok = |body: &'static [u8]| {
        RawScript::new()
            .read_request()
            .write(body)
            .read_request()
            .close()
    };
    let srv = RawServer::start_per_connection_blocking(vec![
        ok(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none"),
        ok(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ntwo"),
    ])
    .unwrap();
    let s = Session::new(0);
    let c = s.connect(srv.port(), 0);
    let req = s.open(c, "GET", "/1", 0);
    s.send(req, None, b"").unwrap();
    assert_eq!(s.read_all(req).unwrap(), b"one");
    // The first connection answers one request and closes on the next: the second request
    // must end up on a new connection and succeed.
    let req = s.open(c, "GET", "/2", 0);
    s.send(req, None, b"").unwrap();
    assert_eq!(s.read_all(req).unwrap(), b"two");
    assert_eq!(srv.connections_accepted(), 2);
}

#[test]
fn sessions_do_not_share_connections() {
    let srv = TestServer::start_blocking(Routes::new().fallback(Reply::text("x"))).unwrap();
    for _ in 0..2 {
        let s = Session::new(0);
        let req = s.request(srv.port(), "GET", "/", 0);
        s.send(req, None, b"").unwrap();
        s.read_all(req).unwrap();
    }
    assert_eq!(srv.connections_accepted(), 2);
}

#[test]
fn closing_the_root_closes_its_idle_connections() {
    let srv = TestServer::start_blocking(Routes::new().fallback(Reply::text("x"))).unwrap();
    let s = Session::new(0);
    let req = s.request(srv.port(), "GET", "/", 0);
    s.send(req, None, b"").unwrap();
    assert_eq!(s.read_all(req).unwrap(), b"x");
    s.close(req);
    // The connection waits in the root's pool...
    assert_eq!(srv.open_connections(), 1);
    s.close(s.root);
    // ...and goes with the root: the server sees it closed.
    assert!(srv.wait_for_open_connections_blocking(0, Duration::from_secs(10)));
}

#[tokio::test(start_paused = true)]
async fn idle_connections_expire_before_common_server_timeouts() {
    let srv = TestServer::start(Routes::new().fallback(Reply::text("x")))
        .await
        .unwrap();
    let inet = hinternet::Internet::builder()
        .engine(hinternet_core::Engine::new())
        .build()
        .unwrap();
    let conn = inet.connect_http("127.0.0.1", srv.port()).await.unwrap();
    conn.get("/a").send().await.unwrap().bytes().await.unwrap();
    conn.get("/b").send().await.unwrap().bytes().await.unwrap();
    assert_eq!(srv.connections_accepted(), 1);
    tokio::time::advance(hinternet_http::pool::IDLE_TIMEOUT + Duration::from_millis(1)).await;
    conn.get("/c").send().await.unwrap().bytes().await.unwrap();
    assert_eq!(srv.connections_accepted(), 2);
}

#[test]
fn waiting_for_a_busy_servers_only_connection_ends_with_the_connect_timeout() {
    use hinternet_core::OptionInput;
    use hinternet_core::consts::*;
    let srv =
        TestServer::start_blocking(Routes::new().fallback(Reply::generated(200_000))).unwrap();
    let s = Session::new(0);
    s.engine
        .set_option(
            None,
            INTERNET_OPTION_MAX_CONNS_PER_SERVER,
            &OptionInput::Bytes(&1u32.to_le_bytes()),
        )
        .unwrap();
    s.engine
        .set_option(
            Some(s.root.as_raw()),
            INTERNET_OPTION_CONNECT_TIMEOUT,
            &OptionInput::Bytes(&300u32.to_le_bytes()),
        )
        .unwrap();
    let holder = s.request(srv.port(), "GET", "/", 0);
    s.send(holder, None, b"").unwrap();
    // The holder's body is unread: its connection is the server's only one.
    let waiter = s.request(srv.port(), "GET", "/", 0);
    assert_eq!(
        s.send(waiter, None, b"").unwrap_err().code(),
        ERROR_INTERNET_TIMEOUT
    );
    assert_eq!(s.read_all(holder).unwrap().len(), 200_000);
    let next = s.request(srv.port(), "GET", "/", 0);
    s.send(next, None, b"").unwrap();
    assert_eq!(s.read_all(next).unwrap().len(), 200_000);
    assert_eq!(srv.connections_accepted(), 1);
}
