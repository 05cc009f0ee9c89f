//! Timeouts with paused tokio time: the receive timeout bounds the wait for the response head
//! and each wait for body data (idle, not a total deadline) and fires as
//! ERROR_INTERNET_TIMEOUT.

mod http_common;

use std::time::Duration;

use hinternet::Internet;
use hinternet_core::consts::*;
use hinternet_testkit::Signal;
use hinternet_testkit::http::raw::scripts;
use hinternet_testkit::http::{RawServer, Reply, Routes, TestServer};
use tokio::io::AsyncReadExt;

fn session(receive: Duration) -> Internet {
    let inet = Internet::builder()
        .engine(hinternet_core::Engine::new())
        .build()
        .unwrap();
    inet.set_timeout(INTERNET_OPTION_RECEIVE_TIMEOUT, receive)
        .unwrap();
    inet
}

#[tokio::test(start_paused = true)]
async fn no_response_head_within_the_receive_timeout_is_a_timeout() {
    let release = Signal::new();
    let srv = RawServer::start(scripts::no_response(&release))
        .await
        .unwrap();
    let inet = session(Duration::from_secs(5));
    let conn = inet.connect_http("127.0.0.1", srv.port()).await.unwrap();
    let e = conn.get("/").send().await.unwrap_err();
    assert_eq!(e.code(), ERROR_INTERNET_TIMEOUT);
    release.fire();
}

#[tokio::test(start_paused = true)]
async fn a_body_that_stops_flowing_times_out_after_the_data_already_read() {
    let (sent, release) = (Signal::new(), Signal::new());
    let srv = RawServer::start(scripts::endless_body(&sent, &release))
        .await
        .unwrap();
    let inet = session(Duration::from_secs(5));
    let conn = inet.connect_http("127.0.0.1", srv.port()).await.unwrap();
    let mut resp = conn.get("/").send().await.unwrap();
    let mut got = vec![0u8; 64 * 1024];
    resp.read_exact(&mut got).await.unwrap();
    assert_eq!(hinternet_testkit::pattern::check(0, &got), None);
    let e = resp.read(&mut [0u8; 16]).await.unwrap_err();
    assert_eq!(
        hinternet::error_of(&e).unwrap().code(),
        ERROR_INTERNET_TIMEOUT
    );
    release.fire();
}

#[tokio::test(start_paused = true)]
async fn the_receive_timeout_is_per_read_not_a_total_deadline() {
    // 8 pieces, 3 s apart: 24 s in all, each gap under the 5 s timeout.
    let body = vec![b'z'; 8 * 100];
    let srv = TestServer::start(Routes::new().route(
        "/slow",
        Reply::slow(body.clone(), 100, Duration::from_secs(3)),
    ))
    .await
    .unwrap();
    let inet = session(Duration::from_secs(5));
    let conn = inet.connect_http("127.0.0.1", srv.port()).await.unwrap();
    let start = tokio::time::Instant::now();
    let resp = conn.get("/slow").send().await.unwrap();
    let got = resp.bytes().await.unwrap();
    assert_eq!(got, body);
    assert!(
        start.elapsed() >= Duration::from_secs(21),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test(start_paused = true)]
async fn a_slow_gap_longer_than_the_timeout_fails_the_read() {
    let srv = TestServer::start(Routes::new().route(
        "/slow",
        Reply::slow(vec![b'z'; 300], 100, Duration::from_secs(9)),
    ))
    .await
    .unwrap();
    let inet = session(Duration::from_secs(5));
    let conn = inet.connect_http("127.0.0.1", srv.port()).await.unwrap();
    let resp = conn.get("/slow").send().await;
    let e = match resp {
        Ok(r) => r.bytes().await.unwrap_err(),
        Err(e) => e,
    };
    assert_eq!(e.code(), ERROR_INTERNET_TIMEOUT);
}
