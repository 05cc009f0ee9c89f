//! The misbehaving raw peers.

mod common;

use common::{Conn, raw_exchange};
use hinternet_testkit::http::raw::scripts;
use hinternet_testkit::http::{RawScript, RawServer};
use hinternet_testkit::{Signal, pattern};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const REQ: &[u8] = b"GET /x HTTP/1.1\r\nHost: a\r\n\r\n";

async fn exchange(script: RawScript) -> (Vec<u8>, RawServer) {
    let s = RawServer::start(script).await.unwrap();
    let out = raw_exchange(s.addr(), REQ, 64 << 20).await.unwrap();
    (out, s)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[tokio::test]
async fn exact_bytes_and_request_log() {
    let (out, s) = exchange(RawScript::new().read_request().write(&b"HELLO"[..]).close()).await;
    assert_eq!(out, b"HELLO");
    assert_eq!(s.connections_accepted(), 1);
    assert_eq!(s.request_texts(), [text(REQ)]);
}

#[tokio::test]
async fn hostile_heads() {
    let (out, _s) = exchange(scripts::malformed_status_line()).await;
    assert!(out.starts_with(b"HTTP/1.1 2x0 Maybe\r\n"));
    let (out, _s) = exchange(scripts::header_without_colon()).await;
    assert!(text(&out).contains("\r\nThisLineHasNoColon\r\n"));
    let (out, _s) = exchange(scripts::huge_header_line()).await;
    assert!(out.len() > 100 * 1024);
    let (out, _s) = exchange(scripts::many_headers()).await;
    assert_eq!(text(&out).matches("X-Header-").count(), 10_000);
    let (out, _s) = exchange(scripts::no_status_line()).await;
    assert!(out.starts_with(b"this is a body"));
    let (out, _s) = exchange(scripts::invalid_chunk_size()).await;
    assert!(text(&out).contains("\r\nzz\r\n"));
    let (out, _s) = exchange(scripts::redirect_to_unsupported_scheme()).await;
    assert!(text(&out).contains("Location: gopher://"));
}

#[tokio::test]
async fn hyper_rejects_the_hostile_heads() {
    // (hyper's default limits accept a 100 KiB header line, so that one is not listed.)
    for (i, script) in [
        scripts::malformed_status_line(),
        scripts::header_without_colon(),
        scripts::many_headers(),
        scripts::invalid_chunk_size(),
        scripts::short_body_then_close(),
        scripts::reset_mid_body(),
    ]
    .into_iter()
    .enumerate()
    {
        let s = RawServer::start(script).await.unwrap();
        let mut c = Conn::open(s.addr()).await;
        let res = c.try_send("GET", "/", &[], b"").await;
        assert!(res.is_err(), "script {i} was accepted");
    }
}

#[tokio::test]
async fn short_body_then_close() {
    let (out, _s) = exchange(scripts::short_body_then_close()).await;
    let head_end = out.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    assert_eq!(out.len() - head_end, 100);
    assert_eq!(pattern::check(0, &out[head_end..]), None);
}

#[tokio::test]
async fn reset_mid_body() {
    let s = RawServer::start(scripts::reset_mid_body()).await.unwrap();
    let mut tcp = TcpStream::connect(s.addr()).await.unwrap();
    tcp.write_all(REQ).await.unwrap();
    let mut got = 0usize;
    let mut buf = vec![0u8; 65536];
    let err = loop {
        match tcp.read(&mut buf).await {
            Ok(0) => panic!("clean EOF instead of a reset after {got} bytes"),
            Ok(n) => got += n,
            Err(e) => break e,
        }
    };
    assert_eq!(err.kind(), std::io::ErrorKind::ConnectionReset);
    assert!(got <= 64 * 1024 + 100);
}

#[tokio::test]
async fn endless_body_stalls_until_released() {
    let sent = Signal::new();
    let release = Signal::new();
    let s = RawServer::start(scripts::endless_body(&sent, &release))
        .await
        .unwrap();
    let addr = s.addr();
    let t = tokio::spawn(async move { raw_exchange(addr, REQ, usize::MAX).await });
    sent.wait().await;
    assert!(!t.is_finished());
    release.fire();
    let out = t.await.unwrap().unwrap();
    assert!(out.len() > 64 * 1024);
}

#[tokio::test]
async fn redirect_loop_on_every_connection() {
    let s = RawServer::start(scripts::redirect_loop()).await.unwrap();
    for _ in 0..3 {
        let mut c = Conn::open(s.addr()).await;
        let r = c.get("/loop").await;
        assert_eq!(r.status, 302);
        assert_eq!(r.header("location"), Some("/loop"));
    }
    assert_eq!(s.connections_accepted(), 3);
}

#[tokio::test]
async fn per_connection_scripts_and_restart() {
    let s = RawServer::start_per_connection(vec![
        RawScript::new().reset(),
        RawScript::new()
            .read_request()
            .write(&b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"[..])
            .restart(),
    ])
    .await
    .unwrap();
    let first = raw_exchange(s.addr(), REQ, 1024).await;
    assert!(first.is_err() || first.unwrap().is_empty());
    let mut c = Conn::open(s.addr()).await;
    assert_eq!(c.get("/").await.text(), "ok");
    assert_eq!(c.get("/").await.text(), "ok");
    assert_eq!(s.connections_accepted(), 2);
}

#[tokio::test(start_paused = true)]
async fn slow_writes_use_tokio_time() {
    let start = tokio::time::Instant::now();
    let (out, _s) = exchange(
        RawScript::new()
            .read_request()
            .write_slowly(&b"abcdef"[..], 2, Duration::from_secs(60))
            .close(),
    )
    .await;
    assert_eq!(out, b"abcdef");
    assert!(start.elapsed() >= Duration::from_secs(180));
}

#[test]
fn blocking_raw_server() {
    use std::io::{Read, Write};
    let s = RawServer::start_blocking(scripts::no_status_line()).unwrap();
    let mut tcp = std::net::TcpStream::connect(s.addr()).unwrap();
    tcp.write_all(REQ).unwrap();
    let mut out = Vec::new();
    tcp.read_to_end(&mut out).unwrap();
    assert!(out.starts_with(b"this is a body"));
}
