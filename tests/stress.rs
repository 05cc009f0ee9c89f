//! A bounded stress test of the handle table: 4 threads x 20,000 random create / close /
//! parent-close operations with callbacks set. At the end the table is empty, every
//! HANDLE_CLOSING arrived exactly once, and nothing deadlocked.

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use hinternet::raw;
use hinternet_core::status::callback_fn;
use hinternet_core::{Handle, OpenParams, StatusEvent};

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn random_create_close_and_parent_close_from_four_threads() {
    const THREADS: u64 = 4;
    const OPS: usize = 20_000;
    let (engine, _) = engine_with_gate(b"");
    let (_d, url) = temp_file(b"stress");
    // Every HANDLE_CLOSING, counted per (handle value).
    let closing: Arc<Mutex<HashMap<u64, u32>>> = Arc::default();
    let created: Arc<Mutex<Vec<u64>>> = Arc::default();
    let (c1, c2) = (Arc::clone(&closing), Arc::clone(&created));
    let callback = callback_fn(move |_, _, ev| match ev {
        StatusEvent::HandleClosing(h) => *c1.lock().unwrap().entry(h.as_raw()).or_default() += 1,
        StatusEvent::HandleCreated(h) => c2.lock().unwrap().push(h.as_raw()),
        _ => {}
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    std::thread::scope(|s| {
        for t in 0..THREADS {
            let engine = &engine;
            let url = &url;
            let callback = callback.clone();
            s.spawn(move || {
                let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (t + 1));
                let mut roots: Vec<Handle> = Vec::new();
                let mut children: Vec<Handle> = Vec::new();
                for i in 0..OPS {
                    assert!(
                        Instant::now() < deadline,
                        "stress loop ran past its time bound"
                    );
                    match rng.next() % 10 {
                        0..=1 => {
                            let r = raw::internet_open(engine, OpenParams::default()).unwrap();
                            raw::internet_set_status_callback(
                                engine,
                                r.as_raw(),
                                Some(callback.clone()),
                            )
                            .unwrap();
                            roots.push(r);
                        }
                        2..=5 if !roots.is_empty() => {
                            let r = roots[(rng.next() as usize) % roots.len()];
                            // Context is never 0 here, so every child must see HANDLE_CLOSING.
                            if let Ok(h) = open_url_sync(engine, r, url, i + 1) {
                                children.push(h);
                            }
                        }
                        6..=7 if !children.is_empty() => {
                            let k = (rng.next() as usize) % children.len();
                            let h = children.swap_remove(k);
                            // May already be invalid when its root was closed first.
                            let _ = raw::internet_close_handle(engine, h.as_raw());
                        }
                        8 if !roots.is_empty() => {
                            let k = (rng.next() as usize) % roots.len();
                            let r = roots.swap_remove(k);
                            raw::internet_close_handle(engine, r.as_raw()).unwrap();
                        }
                        _ => {
                            if let Some(&h) = children.last() {
                                let _ = raw::internet_read_file(
                                    engine,
                                    h.as_raw(),
                                    vec![0u8; 8],
                                    |_| {},
                                );
                            }
                        }
                    }
                }
                for r in roots {
                    raw::internet_close_handle(engine, r.as_raw()).unwrap();
                }
            });
        }
    });
    assert!(
        engine.table().is_empty(),
        "{} handles left",
        engine.table().len()
    );
    assert_eq!(engine.table().slots_in_use(), 0);
    let created = created.lock().unwrap().clone();
    let closing = closing.lock().unwrap().clone();
    assert!(
        created.len() > 1000,
        "the mix created children ({})",
        created.len()
    );
    // Every created child (context != 0) got exactly one HANDLE_CLOSING; roots (context 0)
    // none.
    assert_eq!(closing.len(), created.len());
    for h in &created {
        assert_eq!(closing.get(h), Some(&1), "handle {h:#x}");
    }
}
