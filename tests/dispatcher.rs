//! Sync and async modes: pending calls, REQUEST_COMPLETE, cancellation by close, per-handle
//! ordering, re-entrant callbacks.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use hinternet::consts::*;
use hinternet::raw::{self, Outcome};
use hinternet_core::status::callback_fn;
use hinternet_core::{AsyncResult, Engine, Handle, OpenParams, StatusEvent};

fn root(engine: &Engine, flags: u32) -> Handle {
    raw::internet_open(
        engine,
        OpenParams {
            flags,
            ..OpenParams::default()
        },
    )
    .unwrap()
}

/// Waits (bounded) for the REQUEST_COMPLETE recorded for `h`.
type Completion = (Handle, AsyncResult, std::thread::ThreadId);

fn wait_complete(rx: &mpsc::Receiver<Completion>) -> Completion {
    rx.recv_timeout(Duration::from_secs(10))
        .expect("REQUEST_COMPLETE within 10 s")
}

fn completion_channel(engine: &Engine, r: Handle) -> mpsc::Receiver<Completion> {
    let (tx, rx) = mpsc::channel();
    let tx = Mutex::new(tx);
    raw::internet_set_status_callback(
        engine,
        r.as_raw(),
        Some(callback_fn(move |h, _ctx, ev| {
            if let StatusEvent::RequestComplete(res) = ev {
                let _ = tx
                    .lock()
                    .unwrap()
                    .send((h, *res, std::thread::current().id()));
            }
        })),
    )
    .unwrap();
    rx
}

#[test]
fn sync_mode_read_completes_in_the_call_without_request_complete() {
    let (engine, _) = engine_with_gate(b"");
    let (_d, url) = temp_file(b"0123456789");
    let rec = Recorder::default();
    let r = root(&engine, 0);
    raw::internet_set_status_callback(&engine, r.as_raw(), Some(rec.callback())).unwrap();
    let f = open_url_sync(&engine, r, &url, 3).unwrap();
    let (n, buf) = raw::internet_read_file(&engine, f.as_raw(), vec![0u8; 4], |_| {})
        .into_result()
        .unwrap();
    assert_eq!(&buf[..n], b"0123");
    assert!(!rec.codes().contains(&INTERNET_STATUS_REQUEST_COMPLETE));
    raw::internet_close_handle(&engine, r.as_raw()).unwrap();
}

#[test]
fn async_open_url_pends_and_completes_with_the_new_handle_on_another_thread() {
    let (engine, _) = engine_with_gate(b"");
    let (_d, url) = temp_file(b"abc");
    let r = root(&engine, INTERNET_FLAG_ASYNC);
    let rx = completion_channel(&engine, r);
    let written = Arc::new(Mutex::new(None));
    let w = Arc::clone(&written);
    let out = raw::internet_open_url(&engine, r.as_raw(), &url, None, 0, 7, move |res| {
        *w.lock().unwrap() = Some(res.as_ref().map(|h| *h).map_err(|e| e.code()));
    });
    assert!(matches!(out, Outcome::Pending));
    let (h, res, thread) = wait_complete(&rx);
    assert_eq!(
        h, r,
        "REQUEST_COMPLETE for OpenUrl arrives on the handle the call was made on"
    );
    assert_ne!(thread, std::thread::current().id());
    assert_eq!(res.error, 0);
    let new = Handle::from_raw(res.result).unwrap();
    assert_eq!(*written.lock().unwrap(), Some(Ok(new)));
    raw::internet_close_handle(&engine, r.as_raw()).unwrap();
}

#[test]
fn async_read_of_buffered_data_completes_at_once() {
    let (engine, gate) = engine_with_gate(b"ready");
    gate.open();
    let r = root(&engine, INTERNET_FLAG_ASYNC);
    let rx = completion_channel(&engine, r);
    let out = raw::internet_open_url(&engine, r.as_raw(), "gate://x/", None, 0, 9, |_| {});
    assert!(matches!(out, Outcome::Pending));
    let (_, res, _) = wait_complete(&rx);
    let f = res.result;
    // Install the channel on the file too (children copied the callback at creation).
    match raw::internet_read_file(&engine, f, vec![0u8; 5], |_| panic!("no completion")) {
        Outcome::Done(Ok((n, buf))) => assert_eq!(&buf[..n], b"ready"),
        other => panic!("expected an immediate read, got {other:?}"),
    }
    assert!(
        rx.try_recv().is_err(),
        "no REQUEST_COMPLETE for a read served at once"
    );
    raw::internet_close_handle(&engine, r.as_raw()).unwrap();
}

#[test]
fn async_read_that_must_wait_pends_and_fills_the_buffer_later() {
    let (engine, gate) = engine_with_gate(b"late data");
    let r = root(&engine, INTERNET_FLAG_ASYNC);
    let rx = completion_channel(&engine, r);
    let _ = raw::internet_open_url(&engine, r.as_raw(), "gate://x/", None, 0, 9, |_| {});
    let f = wait_complete(&rx).1.result;
    let got = Arc::new(Mutex::new(None));
    let g = Arc::clone(&got);
    let out = raw::internet_read_file(&engine, f, vec![0u8; 64], move |res| {
        let (n, buf) = res.as_ref().unwrap();
        *g.lock().unwrap() = Some(buf[..*n].to_vec());
    });
    assert!(matches!(out, Outcome::Pending));
    assert!(got.lock().unwrap().is_none());
    gate.open();
    let (h, res, thread) = wait_complete(&rx);
    assert_eq!(h.as_raw(), f);
    assert_eq!(
        res,
        AsyncResult {
            result: 1,
            error: 0
        }
    );
    assert_ne!(thread, std::thread::current().id());
    // The count and bytes were written before REQUEST_COMPLETE was sent.
    assert_eq!(got.lock().unwrap().as_deref(), Some(&b"late data"[..]));
    raw::internet_close_handle(&engine, r.as_raw()).unwrap();
}

#[test]
fn closing_during_an_in_flight_async_read_cancels_it() {
    let (engine, _gate) = engine_with_gate(b"never");
    let rec = Recorder::default();
    let r = root(&engine, INTERNET_FLAG_ASYNC);
    let rx = completion_channel(&engine, r);
    let _ = raw::internet_open_url(&engine, r.as_raw(), "gate://x/", None, 0, 9, |_| {});
    let f = wait_complete(&rx).1.result;
    raw::internet_set_status_callback(&engine, f, Some(rec.callback())).unwrap();
    let out = raw::internet_read_file(&engine, f, vec![0u8; 8], |_| {});
    assert!(matches!(out, Outcome::Pending));
    raw::internet_close_handle(&engine, f).unwrap();
    // The handle is invalid at once.
    let e = raw::internet_read_file(&engine, f, vec![0u8; 8], |_| {})
        .into_result()
        .unwrap_err();
    assert_eq!(e.code(), ERROR_INVALID_HANDLE);
    // The pending read completes with OPERATION_CANCELLED, then HANDLE_CLOSING comes last.
    for _ in 0..1000 {
        if rec.codes().len() >= 2 {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let seen = rec.all();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_eq!(
        seen[0].event,
        StatusEvent::RequestComplete(AsyncResult {
            result: 0,
            error: ERROR_INTERNET_OPERATION_CANCELLED
        })
    );
    assert_eq!(
        seen[1].event,
        StatusEvent::HandleClosing(Handle::from_raw(f).unwrap())
    );
    raw::internet_close_handle(&engine, r.as_raw()).unwrap();
    assert_eq!(engine.table().slots_in_use(), 0);
}

#[test]
fn closing_the_root_during_a_pending_read_invalidates_everything_at_once() {
    let (engine, _gate) = engine_with_gate(b"never");
    let r = root(&engine, INTERNET_FLAG_ASYNC);
    let rx = completion_channel(&engine, r);
    let _ = raw::internet_open_url(&engine, r.as_raw(), "gate://x/", None, 0, 9, |_| {});
    let f = wait_complete(&rx).1.result;
    assert!(matches!(
        raw::internet_read_file(&engine, f, vec![0u8; 8], |_| {}),
        Outcome::Pending
    ));
    raw::internet_close_handle(&engine, r.as_raw()).unwrap();
    assert_eq!(
        raw::internet_close_handle(&engine, f).unwrap_err().code(),
        ERROR_INVALID_HANDLE
    );
    let (h, res, _) = wait_complete(&rx);
    assert_eq!(h.as_raw(), f);
    assert_eq!(res.error, ERROR_INTERNET_OPERATION_CANCELLED);
}

#[test]
fn sync_read_blocked_in_another_thread_is_cancelled_by_close() {
    let (engine, _gate) = engine_with_gate(b"never");
    let r = root(&engine, 0);
    let f = open_url_sync(&engine, r, "gate://x/", 1).unwrap();
    let e2 = engine.clone();
    let reader = std::thread::spawn(move || {
        raw::internet_read_file(&e2, f.as_raw(), vec![0u8; 8], |_| {})
            .into_result()
            .map(|(n, _)| n)
    });
    // Wait until the read is really waiting on the gate (explicit signal, no timing guess).
    while _gate.polls.load(Ordering::SeqCst) == 0 {
        std::thread::yield_now();
    }
    raw::internet_close_handle(&engine, f.as_raw()).unwrap();
    let e = reader.join().unwrap().unwrap_err();
    assert_eq!(e.code(), ERROR_INTERNET_OPERATION_CANCELLED);
    raw::internet_close_handle(&engine, r.as_raw()).unwrap();
}

#[test]
fn notifications_for_one_handle_never_overlap() {
    let (engine, _) = engine_with_gate(b"");
    let (_d, url) = temp_file(b"x");
    let r = root(&engine, 0);
    let busy = Arc::new(Mutex::new(std::collections::HashSet::new()));
    let overlaps = Arc::new(AtomicUsize::new(0));
    let count = Arc::new(AtomicUsize::new(0));
    let (b, o, c) = (Arc::clone(&busy), Arc::clone(&overlaps), Arc::clone(&count));
    raw::internet_set_status_callback(
        &engine,
        r.as_raw(),
        Some(callback_fn(move |h, _, _| {
            if !b.lock().unwrap().insert(h) {
                o.fetch_add(1, Ordering::SeqCst);
            }
            // Stay inside long enough that a concurrent delivery for the same handle would be
            // caught.
            for _ in 0..200 {
                std::hint::spin_loop();
                std::thread::yield_now();
            }
            c.fetch_add(1, Ordering::SeqCst);
            b.lock().unwrap().remove(&h);
        })),
    )
    .unwrap();
    // Four threads create children of the same root at once: every HANDLE_CREATED is delivered
    // through the root's queue.
    std::thread::scope(|s| {
        for t in 0..4 {
            let engine = &engine;
            let url = &url;
            s.spawn(move || {
                for i in 0..50 {
                    let h = open_url_sync(engine, r, url, 1 + t * 100 + i).unwrap();
                    raw::internet_close_handle(engine, h.as_raw()).unwrap();
                }
            });
        }
    });
    assert_eq!(overlaps.load(Ordering::SeqCst), 0);
    // 200 HANDLE_CREATED on the root's queue (HANDLE_CLOSING runs on each child's own queue).
    assert_eq!(count.load(Ordering::SeqCst), 400);
    raw::internet_close_handle(&engine, r.as_raw()).unwrap();
}

#[test]
fn a_callback_may_call_back_into_the_api_without_deadlock() {
    let (engine, _) = engine_with_gate(b"");
    let (_d, url) = temp_file(b"abc");
    let r = root(&engine, 0);
    let e2 = engine.clone();
    let inner_results = Arc::new(Mutex::new(Vec::new()));
    let ir = Arc::clone(&inner_results);
    raw::internet_set_status_callback(
        &engine,
        r.as_raw(),
        Some(callback_fn(move |h, _ctx, ev| match ev {
            StatusEvent::HandleCreated(child) => {
                // Query the new handle and the parent from inside the callback.
                let t = e2.query_option(Some(child.as_raw()), INTERNET_OPTION_HANDLE_TYPE);
                ir.lock().unwrap().push(format!("{t:?}"));
                let _ = e2.query_option(Some(h.as_raw()), INTERNET_OPTION_HANDLE_TYPE);
            }
            StatusEvent::HandleClosing(closed) => {
                // Calls on a handle that is being torn down fail with INVALID_HANDLE.
                let e = e2
                    .query_option(Some(closed.as_raw()), INTERNET_OPTION_HANDLE_TYPE)
                    .unwrap_err();
                ir.lock().unwrap().push(format!("closing:{}", e.code()));
            }
            _ => {}
        })),
    )
    .unwrap();
    let f = open_url_sync(&engine, r, &url, 4).unwrap();
    raw::internet_close_handle(&engine, f.as_raw()).unwrap();
    let got = inner_results.lock().unwrap().clone();
    assert_eq!(
        got,
        vec!["Ok(Dword(14))".to_string(), "closing:6".to_string()]
    );
    raw::internet_close_handle(&engine, r.as_raw()).unwrap();
}

#[test]
fn a_callback_may_close_the_handle_it_is_told_about() {
    let (engine, _) = engine_with_gate(b"");
    let (_d, url) = temp_file(b"abc");
    let r = root(&engine, 0);
    let e2 = engine.clone();
    let rec = Recorder::default();
    let inner = rec.callback();
    raw::internet_set_status_callback(
        &engine,
        r.as_raw(),
        Some(callback_fn(move |h, ctx, ev| {
            inner.notify(h, ctx, ev);
            if let StatusEvent::HandleCreated(child) = ev {
                e2.close(child.as_raw()).unwrap();
            }
        })),
    )
    .unwrap();
    let f = open_url_sync(&engine, r, &url, 4).unwrap();
    assert_eq!(rec.created(), vec![f]);
    assert_eq!(rec.closing(), vec![f]);
    raw::internet_close_handle(&engine, r.as_raw()).unwrap();
    assert_eq!(engine.table().slots_in_use(), 0);
}

#[test]
fn a_request_complete_callback_may_close_handles_from_the_worker_thread() {
    let (engine, _) = engine_with_gate(b"");
    let (_d, url) = temp_file(b"abc");
    let r = root(&engine, INTERNET_FLAG_ASYNC);
    let e2 = engine.clone();
    let (tx, rx) = mpsc::channel();
    let tx = Mutex::new(tx);
    raw::internet_set_status_callback(
        &engine,
        r.as_raw(),
        Some(callback_fn(move |h, _, ev| match ev {
            StatusEvent::RequestComplete(res) => {
                // Close the new handle and the root from inside the worker's callback.
                let a = e2.close(res.result);
                let b = e2.close(h.as_raw());
                let _ = tx.lock().unwrap().send((a.is_ok(), b.is_ok()));
            }
            StatusEvent::HandleClosing(_) => {
                let _ = tx.lock().unwrap().send((true, true));
            }
            _ => {}
        })),
    )
    .unwrap();
    let out = raw::internet_open_url(&engine, r.as_raw(), &url, None, 0, 7, |_| {});
    assert!(matches!(out, Outcome::Pending));
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(10)).unwrap(),
        (true, true)
    );
    for _ in 0..1000 {
        if engine.table().slots_in_use() == 0 {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(engine.table().is_empty());
    assert_eq!(engine.table().slots_in_use(), 0);
}
