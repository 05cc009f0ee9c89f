//! InternetReadFileEx: IRF_NO_WAIT never waits for more data; without it a read fills the
//! buffer; both complete at once when served from buffered data.

mod common;

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use hinternet::consts::*;
use hinternet::raw::{self, Outcome, ReadEx};
use hinternet_core::status::callback_fn;
use hinternet_core::{AsyncResult, Engine, Handle, OpenParams, StatusEvent};

fn async_file(engine: &Engine) -> (Handle, u64, mpsc::Receiver<(Handle, AsyncResult)>) {
    let r = raw::internet_open(
        engine,
        OpenParams {
            flags: INTERNET_FLAG_ASYNC,
            ..OpenParams::default()
        },
    )
    .unwrap();
    let (tx, rx) = mpsc::channel();
    let tx = Mutex::new(tx);
    raw::internet_set_status_callback(
        engine,
        r.as_raw(),
        Some(callback_fn(move |h, _, ev| {
            if let StatusEvent::RequestComplete(res) = ev {
                let _ = tx.lock().unwrap().send((h, *res));
            }
        })),
    )
    .unwrap();
    assert!(matches!(
        raw::internet_open_url(engine, r.as_raw(), "gate://x/", None, 0, 5, |_| {}),
        Outcome::Pending
    ));
    let (_, res) = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    (r, res.result, rx)
}

#[test]
fn no_wait_read_with_nothing_buffered_pends_and_leaves_the_buffer_untouched() {
    let (engine, gate) = engine_with_gate(b"abc");
    let (r, f, rx) = async_file(&engine);
    let seen = Arc::new(Mutex::new(None));
    let s = Arc::clone(&seen);
    let out = raw::internet_read_file_ex(&engine, f, vec![0xEEu8; 8], IRF_NO_WAIT, move |res| {
        *s.lock().unwrap() = Some(matches!(res, Ok(ReadEx::Untouched(b)) if b == &vec![0xEE; 8]));
    });
    assert!(matches!(out, Outcome::Pending));
    gate.open();
    let (h, res) = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(
        (h.as_raw(), res),
        (
            f,
            AsyncResult {
                result: 1,
                error: 0
            }
        )
    );
    assert_eq!(*seen.lock().unwrap(), Some(true));
    // The data is still there for the next no-wait read, which completes at once.
    match raw::internet_read_file_ex(&engine, f, vec![0u8; 8], IRF_NO_WAIT, |_| {}) {
        Outcome::Done(Ok(ReadEx::Read(n, b))) => assert_eq!(&b[..n], b"abc"),
        other => panic!("{other:?}"),
    }
    // At the end of the data: TRUE with 0 bytes, at once.
    match raw::internet_read_file_ex(&engine, f, vec![0u8; 8], IRF_NO_WAIT, |_| {}) {
        Outcome::Done(Ok(ReadEx::Read(0, _))) => {}
        other => panic!("{other:?}"),
    }
    raw::internet_close_handle(&engine, r.as_raw()).unwrap();
}

#[test]
fn read_without_no_wait_fills_the_buffer_or_reaches_the_end() {
    let (engine, gate) = engine_with_gate(b"0123456789abcd");
    gate.open();
    let (r, f, _rx) = async_file(&engine);
    for flags in [0, IRF_ASYNC, IRF_SYNC] {
        match raw::internet_read_file_ex(&engine, f, vec![0u8; 4], flags, |_| {}) {
            Outcome::Done(Ok(ReadEx::Read(n, _))) => assert_eq!(n, 4, "flags {flags}"),
            other => panic!("{other:?}"),
        }
    }
    match raw::internet_read_file_ex(&engine, f, vec![0u8; 100], 0, |_| {}) {
        Outcome::Done(Ok(ReadEx::Read(n, b))) => assert_eq!(&b[..n], b"cd"),
        other => panic!("{other:?}"),
    }
    raw::internet_close_handle(&engine, r.as_raw()).unwrap();
}

#[test]
fn read_ex_on_a_bad_handle_is_invalid_handle() {
    let (engine, _) = engine_with_gate(b"");
    let e = raw::internet_read_file_ex(&engine, 0, vec![0u8; 4], 0, |_| {})
        .into_result()
        .unwrap_err();
    assert_eq!(e.code(), ERROR_INVALID_HANDLE);
}
