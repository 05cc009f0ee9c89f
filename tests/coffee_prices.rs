//! The coffee-prices scenario as a test of the dispatcher's two modes, asserted by ordering
//! (explicit signals and the servers' request logs), not by wall-clock thresholds.

use std::sync::mpsc;
use std::time::Duration;

use hinternet::consts::*;
use hinternet::raw::{self, Outcome};
use hinternet_core::{Engine, Handle, OpenParams};
use hinternet_testkit::Signal;
use hinternet_testkit::http::{Piece, Reply, Routes, TestServer};

fn root(engine: &Engine, flags: u32) -> Handle {
    raw::internet_open(
        engine,
        OpenParams {
            access_type: INTERNET_OPEN_TYPE_DIRECT,
            flags,
            ..OpenParams::default()
        },
    )
    .unwrap()
}

fn price_server(price: &str, before: Vec<Piece>) -> TestServer {
    TestServer::start_blocking(Routes::new().route(
        "/price",
        Reply::text(price.to_owned()).before_headers(before),
    ))
    .unwrap()
}

#[test]
fn async_requests_are_in_flight_together_and_complete_in_server_order() {
    let release_slow = Signal::new();
    let slow = price_server("3.10", vec![Piece::Wait(release_slow.clone())]);
    let fast = price_server("2.95", vec![]);
    let engine = hinternet::engine();
    let r = root(engine, INTERNET_FLAG_ASYNC);
    let (tx, rx) = mpsc::channel();
    for (ctx, url) in [(1usize, slow.url("/price")), (2, fast.url("/price"))] {
        let tx = tx.clone();
        let out = raw::internet_open_url(engine, r.as_raw(), &url, None, 0, ctx, move |res| {
            let _ = tx.send((ctx, res.as_ref().map(|h| *h).map_err(|e| e.code())));
        });
        assert!(
            matches!(out, Outcome::Pending),
            "async InternetOpenUrl pends"
        );
    }
    // The slow server holds its answer; the fast one completes while the slow request is out.
    let (first, res) = rx.recv_timeout(Duration::from_secs(30)).unwrap();
    assert_eq!(first, 2);
    res.unwrap();
    assert!(slow.wait_for_requests_blocking(1, Duration::from_secs(30)));
    assert!(rx.try_recv().is_err(), "the slow request is still pending");
    release_slow.fire();
    let (second, res) = rx.recv_timeout(Duration::from_secs(30)).unwrap();
    assert_eq!(second, 1);
    res.unwrap();
    raw::internet_close_handle(engine, r.as_raw()).unwrap();
}

#[test]
fn sync_requests_go_one_after_the_other() {
    let slow = price_server("3.10", vec![Piece::Delay(Duration::from_millis(200))]);
    let fast = price_server("2.95", vec![]);
    let engine = hinternet::engine();
    let r = root(engine, 0);
    let a = raw::internet_open_url(engine, r.as_raw(), &slow.url("/price"), None, 0, 1, |_| {})
        .into_result()
        .unwrap();
    // The first call returned only after the slow server answered, and nothing reached the
    // second server meanwhile.
    assert_eq!(slow.request_count(), 1);
    assert_eq!(fast.request_count(), 0);
    let b = raw::internet_open_url(engine, r.as_raw(), &fast.url("/price"), None, 0, 2, |_| {})
        .into_result()
        .unwrap();
    assert_eq!(fast.request_count(), 1);
    for (h, want) in [(a, "3.10"), (b, "2.95")] {
        let (n, buf) = raw::internet_read_file(engine, h.as_raw(), vec![0u8; 64], |_| {})
            .into_result()
            .unwrap();
        assert_eq!(&buf[..n], want.as_bytes());
    }
    raw::internet_close_handle(engine, r.as_raw()).unwrap();
}
