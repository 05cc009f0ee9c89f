//! 10,000 concurrent async InternetOpenUrl requests against the testkit server from one root
//! handle, three rounds; prints requests per second and the peak RSS.
//!
//! Run: `cargo bench --bench open_url_load`

use std::sync::Mutex;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use hinternet::consts::*;
use hinternet::raw::{self, Outcome};
use hinternet_core::status::callback_fn;
use hinternet_core::{Engine, OpenParams, OptionInput, StatusEvent};
use hinternet_testkit::http::{Reply, Routes, TestServer};

const REQUESTS: usize = 10_000;

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn drain(engine: &Engine, h: u64) {
    loop {
        let (tx, rx) = mpsc::channel();
        let n = match raw::internet_read_file(engine, h, vec![0u8; 512], move |r| {
            let _ = tx.send(r.as_ref().map(|(n, _)| *n).unwrap_or(0));
        }) {
            Outcome::Done(r) => r.map(|(n, _)| n).unwrap_or(0),
            Outcome::Pending => rx.recv_timeout(Duration::from_secs(60)).unwrap_or(0),
        };
        if n == 0 {
            return;
        }
    }
}

fn round(engine: &Engine, server: &TestServer) -> Duration {
    let root = raw::internet_open(
        engine,
        OpenParams {
            access_type: INTERNET_OPEN_TYPE_DIRECT,
            flags: INTERNET_FLAG_ASYNC,
            ..OpenParams::default()
        },
    )
    .unwrap();
    let (tx, rx) = mpsc::channel();
    let tx = Mutex::new(tx);
    raw::internet_set_status_callback(
        engine,
        root.as_raw(),
        Some(callback_fn(move |_, _, ev| {
            if let StatusEvent::RequestComplete(r) = ev {
                let _ = tx.lock().unwrap().send(*r);
            }
        })),
    )
    .unwrap();
    let url = server.url("/item");
    let t = Instant::now();
    for i in 1..=REQUESTS {
        let _ = raw::internet_open_url(engine, root.as_raw(), &url, None, 0, i, |_| {});
    }
    for _ in 0..REQUESTS {
        let r = rx
            .recv_timeout(Duration::from_secs(120))
            .expect("completes");
        assert_eq!(r.error, 0);
        drain(engine, r.result);
        raw::internet_close_handle(engine, r.result).unwrap();
    }
    let elapsed = t.elapsed();
    raw::internet_close_handle(engine, root.as_raw()).unwrap();
    elapsed
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let engine = Engine::new();
    raw::register_builtin(&engine);
    engine
        .set_option(
            None,
            INTERNET_OPTION_MAX_CONNS_PER_SERVER,
            &OptionInput::Bytes(&64u32.to_le_bytes()),
        )
        .unwrap();
    let server =
        TestServer::start_blocking(Routes::new().route("/item", Reply::text("coffee"))).unwrap();
    for n in 1..=3 {
        let d = round(&engine, &server);
        println!(
            "round {n}: {REQUESTS} concurrent async InternetOpenUrl in {} ms ({:.0} req/s)",
            d.as_millis(),
            REQUESTS as f64 / d.as_secs_f64()
        );
    }
    println!("peak RSS {} KiB", peak_rss_kib());
}
