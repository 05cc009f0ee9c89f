//! Load: 2,000 concurrent async InternetOpenUrl requests against the testkit server from one
//! root handle. All complete, each REQUEST_COMPLETE arrives exactly once, the table is empty at
//! the end. Bounded in count and time; prints the process's peak memory.

use std::collections::HashMap;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hinternet::consts::*;
use hinternet::raw::{self, Outcome};
use hinternet_core::status::callback_fn;
use hinternet_core::{Engine, OpenParams, OptionInput, StatusEvent};
use hinternet_testkit::http::{Reply, Routes, TestServer};

const REQUESTS: usize = 2_000;

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn read_body(engine: &Engine, h: u64) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let (tx, rx) = mpsc::channel();
        let out = raw::internet_read_file(engine, h, vec![0u8; 256], move |r| {
            let _ = tx.send(
                r.as_ref()
                    .map(|(n, b)| b[..*n].to_vec())
                    .map_err(|e| e.code()),
            );
        });
        let chunk = match out {
            Outcome::Done(r) => r.map(|(n, b)| b[..n].to_vec()).unwrap(),
            Outcome::Pending => rx.recv_timeout(Duration::from_secs(60)).unwrap().unwrap(),
        };
        if chunk.is_empty() {
            return body;
        }
        body.extend_from_slice(&chunk);
    }
}

#[test]
fn two_thousand_concurrent_async_open_urls_all_complete_once() {
    let deadline = Instant::now() + Duration::from_secs(240);
    let engine = Engine::new();
    raw::register_builtin(&engine);
    engine
        .set_option(
            None,
            INTERNET_OPTION_MAX_CONNS_PER_SERVER,
            &OptionInput::Bytes(&64u32.to_le_bytes()),
        )
        .unwrap();
    let server = TestServer::start_blocking(
        Routes::new().route("/item", Reply::handler(|r| Reply::text(r.path.clone()))),
    )
    .unwrap();
    let root = raw::internet_open(
        &engine,
        OpenParams {
            access_type: INTERNET_OPEN_TYPE_DIRECT,
            flags: INTERNET_FLAG_ASYNC,
            ..OpenParams::default()
        },
    )
    .unwrap();
    // The application learns of each completion from REQUEST_COMPLETE, as a WinINet program does.
    let completes: Arc<Mutex<HashMap<usize, u32>>> = Arc::default();
    let c = Arc::clone(&completes);
    let (tx, rx) = mpsc::channel();
    let tx = Mutex::new(tx);
    raw::internet_set_status_callback(
        &engine,
        root.as_raw(),
        Some(callback_fn(move |_, ctx, ev| {
            if let StatusEvent::RequestComplete(res) = ev {
                *c.lock().unwrap().entry(ctx).or_default() += 1;
                let _ = tx.lock().unwrap().send((ctx, *res));
            }
        })),
    )
    .unwrap();
    for i in 1..=REQUESTS {
        let url = server.url(&format!("/item?{i}"));
        let out = raw::internet_open_url(&engine, root.as_raw(), &url, None, 0, i, |_| {});
        assert!(matches!(out, Outcome::Pending));
    }
    let mut done = 0;
    while done < REQUESTS {
        let left = deadline.saturating_duration_since(Instant::now());
        let (i, res) = rx
            .recv_timeout(left)
            .expect("all requests complete in time");
        assert_eq!(res.error, 0, "request {i} failed");
        let h = hinternet::Handle::from_raw(res.result).expect("a new handle");
        // The handler echoed the path: the body belongs to this request.
        assert_eq!(read_body(&engine, h.as_raw()), b"/item");
        raw::internet_close_handle(&engine, h.as_raw()).unwrap();
        done += 1;
    }
    raw::internet_close_handle(&engine, root.as_raw()).unwrap();
    // Each REQUEST_COMPLETE exactly once, for every context.
    let completes = completes.lock().unwrap();
    assert_eq!(completes.len(), REQUESTS);
    assert!(completes.values().all(|&n| n == 1));
    assert_eq!(server.request_count(), REQUESTS);
    for _ in 0..2000 {
        if engine.table().slots_in_use() == 0 {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(engine.table().slots_in_use(), 0);
    eprintln!(
        "2,000 concurrent InternetOpenUrl: peak RSS {} KiB, {} connections",
        peak_rss_kib().unwrap_or(0),
        server.connections_accepted()
    );
}
