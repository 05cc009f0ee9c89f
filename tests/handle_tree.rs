//! The handle tree: types, hierarchy, invalidation, stale values, HANDLE_CREATED / CLOSING.

mod common;

use common::*;
use hinternet::consts::*;
use hinternet::raw::{self, Outcome};
use hinternet_core::{Engine, Handle, OpenParams, StatusEvent};

fn root(engine: &Engine, flags: u32) -> Handle {
    raw::internet_open(
        engine,
        OpenParams {
            agent: Some("tests".into()),
            access_type: INTERNET_OPEN_TYPE_DIRECT,
            flags,
            ..OpenParams::default()
        },
    )
    .unwrap()
}

fn handle_type(engine: &Engine, h: Handle) -> u32 {
    match engine
        .query_option(Some(h.as_raw()), INTERNET_OPTION_HANDLE_TYPE)
        .unwrap()
    {
        hinternet_core::OptionValue::Dword(v) => v,
        other => panic!("{other:?}"),
    }
}

#[test]
fn handle_types_are_the_native_values() {
    let (engine, _) = engine_with_gate(b"");
    let (_d, url) = temp_file(b"abc");
    let r = root(&engine, 0);
    let f = open_url_sync(&engine, r, &url, 1).unwrap();
    assert_eq!(handle_type(&engine, r), INTERNET_HANDLE_TYPE_INTERNET);
    assert_eq!(handle_type(&engine, f), INTERNET_HANDLE_TYPE_FILE_REQUEST);
    raw::internet_close_handle(&engine, r.as_raw()).unwrap();
}

#[test]
fn handle_type_is_checked_before_parameters() {
    let (engine, _) = engine_with_gate(b"");
    let (_d, url) = temp_file(b"abc");
    let r = root(&engine, 0);
    let f = open_url_sync(&engine, r, &url, 1).unwrap();
    // InternetOpenUrl on a non-root handle with an invalid (empty) URL: the type error wins.
    let e = match raw::internet_open_url(&engine, f.as_raw(), "", None, 0, 1, |_| {}) {
        Outcome::Done(r) => r.unwrap_err(),
        Outcome::Pending => unreachable!(),
    };
    assert_eq!(e.code(), ERROR_INTERNET_INCORRECT_HANDLE_TYPE);
    // On the root, the same empty URL is a parameter error.
    let e = open_url_sync(&engine, r, "", 1).unwrap_err();
    assert_eq!(e.code(), ERROR_INVALID_PARAMETER);
    // Reading a root handle: wrong type.
    let e = raw::internet_read_file(&engine, r.as_raw(), vec![0u8; 4], |_| {})
        .into_result()
        .unwrap_err();
    assert_eq!(e.code(), ERROR_INTERNET_INCORRECT_HANDLE_TYPE);
    // Finding on a file handle: wrong type.
    let e = raw::internet_find_next_file(&engine, f.as_raw(), |_| {})
        .into_result()
        .unwrap_err();
    assert_eq!(e.code(), ERROR_INTERNET_INCORRECT_HANDLE_TYPE);
    raw::internet_close_handle(&engine, r.as_raw()).unwrap();
}

#[test]
fn null_and_garbage_handles_are_invalid() {
    let (engine, _) = engine_with_gate(b"");
    for raw_value in [0u64, 1, 0xdead_beef, u64::MAX] {
        let e = raw::internet_read_file(&engine, raw_value, vec![0u8; 4], |_| {})
            .into_result()
            .unwrap_err();
        assert_eq!(e.code(), ERROR_INVALID_HANDLE, "{raw_value:#x}");
        assert_eq!(
            raw::internet_close_handle(&engine, raw_value)
                .unwrap_err()
                .code(),
            ERROR_INVALID_HANDLE
        );
    }
}

#[test]
fn closing_parent_invalidates_children() {
    let (engine, _) = engine_with_gate(b"");
    let (_d, url) = temp_file(b"hello");
    let r = root(&engine, 0);
    let a = open_url_sync(&engine, r, &url, 1).unwrap();
    let b = open_url_sync(&engine, r, &url, 2).unwrap();
    raw::internet_close_handle(&engine, r.as_raw()).unwrap();
    for h in [a, b] {
        let e = raw::internet_read_file(&engine, h.as_raw(), vec![0u8; 4], |_| {})
            .into_result()
            .unwrap_err();
        assert_eq!(e.code(), ERROR_INVALID_HANDLE);
        assert_eq!(
            engine
                .query_option(Some(h.as_raw()), INTERNET_OPTION_HANDLE_TYPE)
                .unwrap_err()
                .code(),
            ERROR_INVALID_HANDLE
        );
        assert_eq!(
            raw::internet_close_handle(&engine, h.as_raw())
                .unwrap_err()
                .code(),
            ERROR_INVALID_HANDLE
        );
    }
    assert!(engine.table().is_empty());
    assert_eq!(engine.table().slots_in_use(), 0);
}

#[test]
fn closing_twice_is_invalid_handle() {
    let (engine, _) = engine_with_gate(b"");
    let r = root(&engine, 0);
    raw::internet_close_handle(&engine, r.as_raw()).unwrap();
    assert_eq!(
        raw::internet_close_handle(&engine, r.as_raw())
            .unwrap_err()
            .code(),
        ERROR_INVALID_HANDLE
    );
}

#[test]
fn stale_handle_is_rejected_after_its_slot_is_reused() {
    let (engine, _) = engine_with_gate(b"");
    let first = root(&engine, 0);
    raw::internet_close_handle(&engine, first.as_raw()).unwrap();
    let second = root(&engine, 0);
    // The slot is reused (WinINet reuses values quickly) but the value is not.
    assert_eq!(first.as_raw() & 0xFFFF_FFFF, second.as_raw() & 0xFFFF_FFFF);
    assert_ne!(first, second);
    let e = engine
        .query_option(Some(first.as_raw()), INTERNET_OPTION_HANDLE_TYPE)
        .unwrap_err();
    assert_eq!(e.code(), ERROR_INVALID_HANDLE);
    assert_eq!(handle_type(&engine, second), INTERNET_HANDLE_TYPE_INTERNET);
    raw::internet_close_handle(&engine, second.as_raw()).unwrap();
}

#[test]
fn handle_created_and_closing_arrive_children_before_parents() {
    let (engine, _) = engine_with_gate(b"");
    let (_d, url) = temp_file(b"x");
    let rec = Recorder::default();
    let r = root(&engine, 0);
    raw::internet_set_status_callback(&engine, r.as_raw(), Some(rec.callback())).unwrap();
    let a = open_url_sync(&engine, r, &url, 11).unwrap();
    let b = open_url_sync(&engine, r, &url, 12).unwrap();
    let silent = open_url_sync(&engine, r, &url, 0).unwrap();
    // HANDLE_CREATED goes through the parent's callback with the child's context.
    let created: Vec<_> = rec
        .all()
        .into_iter()
        .filter(|s| matches!(s.event, StatusEvent::HandleCreated(_)))
        .map(|s| (s.handle, s.context, s.event))
        .collect();
    assert_eq!(
        created,
        vec![
            (r, 11, StatusEvent::HandleCreated(a)),
            (r, 12, StatusEvent::HandleCreated(b)),
        ]
    );
    rec.clear();
    raw::internet_close_handle(&engine, r.as_raw()).unwrap();
    // One HANDLE_CLOSING per descendant with a non-zero context, none for the root (context 0)
    // or the silent child; children before the parent; each with its own context.
    let closing: Vec<_> = rec
        .all()
        .into_iter()
        .map(|s| (s.handle, s.context))
        .collect();
    assert_eq!(closing, vec![(a, 11), (b, 12)]);
    assert!(!rec.closing().contains(&silent));
    assert_eq!(rec.codes(), vec![INTERNET_STATUS_HANDLE_CLOSING; 2]);
}

#[test]
fn closing_a_child_alone_leaves_the_parent_usable() {
    let (engine, _) = engine_with_gate(b"");
    let (_d, url) = temp_file(b"abcdef");
    let rec = Recorder::default();
    let r = root(&engine, 0);
    raw::internet_set_status_callback(&engine, r.as_raw(), Some(rec.callback())).unwrap();
    let a = open_url_sync(&engine, r, &url, 5).unwrap();
    raw::internet_close_handle(&engine, a.as_raw()).unwrap();
    assert_eq!(rec.closing(), vec![a]);
    let b = open_url_sync(&engine, r, &url, 6).unwrap();
    let (n, buf) = raw::internet_read_file(&engine, b.as_raw(), vec![0u8; 16], |_| {})
        .into_result()
        .unwrap();
    assert_eq!(&buf[..n], b"abcdef");
    raw::internet_close_handle(&engine, r.as_raw()).unwrap();
    assert_eq!(rec.closing(), vec![a, b]);
}

#[test]
fn callbacks_are_copied_to_children_at_creation() {
    let (engine, _) = engine_with_gate(b"");
    let (_d, url) = temp_file(b"x");
    let first = Recorder::default();
    let second = Recorder::default();
    let r = root(&engine, 0);
    raw::internet_set_status_callback(&engine, r.as_raw(), Some(first.callback())).unwrap();
    let a = open_url_sync(&engine, r, &url, 1).unwrap();
    // Changing the root's callback later does not reach the existing child.
    raw::internet_set_status_callback(&engine, r.as_raw(), Some(second.callback())).unwrap();
    raw::internet_close_handle(&engine, a.as_raw()).unwrap();
    assert_eq!(first.closing(), vec![a]);
    assert!(second.closing().is_empty());
    raw::internet_close_handle(&engine, r.as_raw()).unwrap();
}

#[test]
fn set_status_callback_returns_the_previous_one() {
    let (engine, _) = engine_with_gate(b"");
    let r = root(&engine, 0);
    let rec = Recorder::default();
    let cb = rec.callback();
    let prev = raw::internet_set_status_callback(&engine, r.as_raw(), Some(cb.clone())).unwrap();
    assert!(prev.is_none());
    let prev = raw::internet_set_status_callback(&engine, r.as_raw(), None).unwrap();
    assert!(std::sync::Arc::ptr_eq(&prev.unwrap(), &cb));
    let e = raw::internet_set_status_callback(&engine, 0, None).unwrap_err();
    assert_eq!(e.code(), ERROR_INVALID_HANDLE);
    raw::internet_close_handle(&engine, r.as_raw()).unwrap();
}

#[test]
fn proxy_access_without_a_proxy_is_invalid_parameter() {
    let engine = Engine::new();
    let e = raw::internet_open(
        &engine,
        OpenParams {
            access_type: INTERNET_OPEN_TYPE_PROXY,
            ..OpenParams::default()
        },
    )
    .unwrap_err();
    assert_eq!(e.code(), ERROR_INVALID_PARAMETER);
}

#[test]
fn internet_connect_checks_handle_then_type_then_arguments() {
    use hinternet::raw::ConnectArgs;
    let (engine, _) = engine_with_gate(b"");
    let (_d, url) = temp_file(b"x");
    let r = root(&engine, 0);
    let f = open_url_sync(&engine, r, &url, 1).unwrap();
    let connect = |h: u64, args: ConnectArgs<'_>| {
        raw::internet_connect(&engine, h, args, |_| {})
            .into_result()
            .unwrap_err()
            .code()
    };
    let good = ConnectArgs {
        server: Some("127.0.0.1"),
        service: INTERNET_SERVICE_HTTP,
        ..ConnectArgs::default()
    };
    assert_eq!(
        connect(
            0,
            ConnectArgs {
                server: None,
                ..good
            }
        ),
        ERROR_INVALID_HANDLE
    );
    assert_eq!(
        connect(
            f.as_raw(),
            ConnectArgs {
                server: None,
                ..good
            }
        ),
        ERROR_INTERNET_INCORRECT_HANDLE_TYPE
    );
    assert_eq!(
        connect(
            r.as_raw(),
            ConnectArgs {
                server: None,
                ..good
            }
        ),
        ERROR_INVALID_PARAMETER
    );
    assert_eq!(
        connect(
            r.as_raw(),
            ConnectArgs {
                server: Some(""),
                ..good
            }
        ),
        ERROR_INVALID_PARAMETER
    );
    assert_eq!(
        connect(
            r.as_raw(),
            ConnectArgs {
                password: Some("pw"),
                ..good
            }
        ),
        ERROR_INVALID_PARAMETER
    );
    assert_eq!(
        connect(
            r.as_raw(),
            ConnectArgs {
                user: Some(""),
                password: Some("pw"),
                ..good
            }
        ),
        ERROR_INVALID_PARAMETER
    );
    assert_eq!(
        connect(
            r.as_raw(),
            ConnectArgs {
                service: INTERNET_SERVICE_GOPHER,
                ..good
            }
        ),
        ERROR_INVALID_PARAMETER
    );
    raw::internet_close_handle(&engine, r.as_raw()).unwrap();
}
