//! INTERNET_OPTION_*: inheritance (copy-on-create) and the native error for each misuse.

mod common;

use common::*;
use hinternet::consts::*;
use hinternet::raw;
use hinternet_core::options::{CharUnit, encode};
use hinternet_core::{Engine, Handle, OpenParams, OptionInput, OptionValue};

fn root(engine: &Engine, agent: Option<&str>) -> Handle {
    raw::internet_open(
        engine,
        OpenParams {
            agent: agent.map(str::to_owned),
            ..OpenParams::default()
        },
    )
    .unwrap()
}

fn dword(v: u32) -> [u8; 4] {
    v.to_le_bytes()
}

fn q(engine: &Engine, h: Option<Handle>, id: u32) -> Result<OptionValue, u32> {
    engine
        .query_option(h.map(Handle::as_raw), id)
        .map_err(|e| e.code())
}

fn s(engine: &Engine, h: Option<Handle>, id: u32, input: OptionInput<'_>) -> Result<(), u32> {
    engine
        .set_option(h.map(Handle::as_raw), id, &input)
        .map_err(|e| e.code())
}

#[test]
fn timeouts_are_copied_on_create_and_later_parent_changes_do_not_reach_children() {
    let (engine, _) = engine_with_gate(b"");
    let (_d, url) = temp_file(b"x");
    let r = root(&engine, None);
    for id in [
        INTERNET_OPTION_CONNECT_TIMEOUT,
        INTERNET_OPTION_SEND_TIMEOUT,
        INTERNET_OPTION_RECEIVE_TIMEOUT,
        INTERNET_OPTION_DATA_SEND_TIMEOUT,
        INTERNET_OPTION_DATA_RECEIVE_TIMEOUT,
        INTERNET_OPTION_CONNECT_RETRIES,
    ] {
        s(&engine, Some(r), id, OptionInput::Bytes(&dword(1234))).unwrap();
    }
    let child = open_url_sync(&engine, r, &url, 1).unwrap();
    s(
        &engine,
        Some(r),
        INTERNET_OPTION_CONNECT_TIMEOUT,
        OptionInput::Bytes(&dword(9999)),
    )
    .unwrap();
    assert_eq!(
        q(&engine, Some(r), INTERNET_OPTION_CONNECT_TIMEOUT),
        Ok(OptionValue::Dword(9999))
    );
    for id in [
        INTERNET_OPTION_CONNECT_TIMEOUT,
        INTERNET_OPTION_SEND_TIMEOUT,
        INTERNET_OPTION_RECEIVE_TIMEOUT,
        INTERNET_OPTION_DATA_SEND_TIMEOUT,
        INTERNET_OPTION_DATA_RECEIVE_TIMEOUT,
        INTERNET_OPTION_CONNECT_RETRIES,
    ] {
        assert_eq!(
            q(&engine, Some(child), id),
            Ok(OptionValue::Dword(1234)),
            "option {id}"
        );
    }
    raw::internet_close_handle(&engine, r.as_raw()).unwrap();
}

#[test]
fn a_session_starts_with_the_global_connect_timeout_of_the_moment() {
    let engine = Engine::new();
    s(
        &engine,
        None,
        INTERNET_OPTION_CONNECT_TIMEOUT,
        OptionInput::Bytes(&dword(4321)),
    )
    .unwrap();
    let r = root(&engine, None);
    s(
        &engine,
        None,
        INTERNET_OPTION_CONNECT_TIMEOUT,
        OptionInput::Bytes(&dword(1111)),
    )
    .unwrap();
    assert_eq!(
        q(&engine, Some(r), INTERNET_OPTION_CONNECT_TIMEOUT),
        Ok(OptionValue::Dword(4321))
    );
    assert_eq!(
        q(&engine, None, INTERNET_OPTION_CONNECT_TIMEOUT),
        Ok(OptionValue::Dword(1111))
    );
    raw::internet_close_handle(&engine, r.as_raw()).unwrap();
}

#[test]
fn context_value_is_never_inherited_and_can_be_changed() {
    let (engine, _) = engine_with_gate(b"");
    let (_d, url) = temp_file(b"x");
    let r = root(&engine, None);
    s(
        &engine,
        Some(r),
        INTERNET_OPTION_CONTEXT_VALUE,
        OptionInput::Bytes(&77usize.to_le_bytes()),
    )
    .unwrap();
    let child = open_url_sync(&engine, r, &url, 0).unwrap();
    assert_eq!(
        q(&engine, Some(child), INTERNET_OPTION_CONTEXT_VALUE),
        Ok(OptionValue::Ptr(0))
    );
    assert_eq!(
        q(&engine, Some(r), INTERNET_OPTION_CONTEXT_VALUE),
        Ok(OptionValue::Ptr(77))
    );
    // A wrong size is ERROR_INVALID_PARAMETER; the NULL handle is the wrong type.
    assert_eq!(
        s(
            &engine,
            Some(r),
            INTERNET_OPTION_CONTEXT_VALUE,
            OptionInput::Bytes(&dword(1))
        ),
        Err(ERROR_INVALID_PARAMETER)
    );
    assert_eq!(
        q(&engine, None, INTERNET_OPTION_CONTEXT_VALUE),
        Err(ERROR_INTERNET_INCORRECT_HANDLE_TYPE)
    );
    raw::internet_close_handle(&engine, r.as_raw()).unwrap();
}

#[test]
fn user_agent_is_a_session_option_with_native_buffer_sizes() {
    let (engine, _) = engine_with_gate(b"");
    let (_d, url) = temp_file(b"x");
    let r = root(&engine, Some("agent/1.0"));
    let v = q(&engine, Some(r), INTERNET_OPTION_USER_AGENT).unwrap();
    assert_eq!(v, OptionValue::Str("agent/1.0".into()));
    // A: NULL buffer -> INSUFFICIENT_BUFFER with strlen+1; success -> strlen.
    let e = encode(&v, None, CharUnit::Ansi).unwrap_err();
    assert_eq!(
        (e.code(), e.needed()),
        (ERROR_INSUFFICIENT_BUFFER, Some(10))
    );
    let mut buf = [0u8; 10];
    assert_eq!(encode(&v, Some(&mut buf), CharUnit::Ansi).unwrap(), 9);
    // W: too small -> bytes including the NUL; success -> characters.
    let e = encode(&v, Some(&mut [0u8; 4]), CharUnit::Wide).unwrap_err();
    assert_eq!(e.needed(), Some(20));
    assert_eq!(encode(&v, Some(&mut [0u8; 20]), CharUnit::Wide).unwrap(), 9);
    // Request-level handles answer with the session's agent; the NULL handle cannot.
    let child = open_url_sync(&engine, r, &url, 1).unwrap();
    assert_eq!(q(&engine, Some(child), INTERNET_OPTION_USER_AGENT), Ok(v));
    assert_eq!(
        q(&engine, None, INTERNET_OPTION_USER_AGENT),
        Err(ERROR_INTERNET_INCORRECT_HANDLE_TYPE)
    );
    // A NULL agent reads as "" (needs 1 byte).
    let r2 = root(&engine, None);
    let empty = q(&engine, Some(r2), INTERNET_OPTION_USER_AGENT).unwrap();
    assert_eq!(
        encode(&empty, None, CharUnit::Ansi).unwrap_err().needed(),
        Some(1)
    );
    // Setting: the session only.
    s(
        &engine,
        Some(r),
        INTERNET_OPTION_USER_AGENT,
        OptionInput::Text("other"),
    )
    .unwrap();
    assert_eq!(
        s(
            &engine,
            Some(child),
            INTERNET_OPTION_USER_AGENT,
            OptionInput::Text("x")
        ),
        Err(ERROR_INTERNET_INCORRECT_HANDLE_TYPE)
    );
    raw::internet_close_handle(&engine, r.as_raw()).unwrap();
    raw::internet_close_handle(&engine, r2.as_raw()).unwrap();
}

#[test]
fn unknown_options_are_invalid_option() {
    let engine = Engine::new();
    let r = root(&engine, None);
    assert_eq!(
        q(&engine, Some(r), 0xdead_beef),
        Err(ERROR_INTERNET_INVALID_OPTION)
    );
    assert_eq!(
        q(&engine, None, 0xdead_beef),
        Err(ERROR_INTERNET_INVALID_OPTION)
    );
    assert_eq!(
        s(&engine, Some(r), 0xdead_beef, OptionInput::Bytes(&dword(1))),
        Err(ERROR_INTERNET_INVALID_OPTION)
    );
    raw::internet_close_handle(&engine, r.as_raw()).unwrap();
}

#[test]
fn read_only_options_are_not_settable() {
    let engine = Engine::new();
    let r = root(&engine, None);
    for id in [
        INTERNET_OPTION_HANDLE_TYPE,
        INTERNET_OPTION_PARENT_HANDLE,
        INTERNET_OPTION_CALLBACK,
        INTERNET_OPTION_URL,
        INTERNET_OPTION_REQUEST_FLAGS,
    ] {
        assert_eq!(
            s(&engine, Some(r), id, OptionInput::Bytes(&dword(1))),
            Err(ERROR_INTERNET_OPTION_NOT_SETTABLE),
            "option {id}"
        );
    }
    // CALLBACK with a NULL handle: the wrong handle type.
    assert_eq!(
        s(
            &engine,
            None,
            INTERNET_OPTION_CALLBACK,
            OptionInput::Bytes(&[0; 8])
        ),
        Err(ERROR_INTERNET_INCORRECT_HANDLE_TYPE)
    );
    // CALLBACK can be queried.
    assert_eq!(
        q(&engine, Some(r), INTERNET_OPTION_CALLBACK),
        Ok(OptionValue::Callback)
    );
    raw::internet_close_handle(&engine, r.as_raw()).unwrap();
}

#[test]
fn max_conns_are_global_only() {
    let engine = Engine::new();
    let r = root(&engine, None);
    assert_eq!(
        q(&engine, None, INTERNET_OPTION_MAX_CONNS_PER_SERVER),
        Ok(OptionValue::Dword(2))
    );
    assert_eq!(
        q(&engine, None, INTERNET_OPTION_MAX_CONNS_PER_1_0_SERVER),
        Ok(OptionValue::Dword(4))
    );
    for id in [
        INTERNET_OPTION_MAX_CONNS_PER_SERVER,
        INTERNET_OPTION_MAX_CONNS_PER_1_0_SERVER,
    ] {
        assert_eq!(
            q(&engine, Some(r), id),
            Err(ERROR_INTERNET_INVALID_OPERATION)
        );
        assert_eq!(
            s(&engine, Some(r), id, OptionInput::Bytes(&dword(3))),
            Err(ERROR_INTERNET_INVALID_OPERATION)
        );
        assert_eq!(
            s(&engine, None, id, OptionInput::Bytes(&dword(0))),
            Err(ERROR_BAD_ARGUMENTS)
        );
        assert_eq!(
            s(&engine, None, id, OptionInput::Bytes(&[1, 0])),
            Err(ERROR_INTERNET_BAD_OPTION_LENGTH)
        );
        s(&engine, None, id, OptionInput::Bytes(&dword(8))).unwrap();
        assert_eq!(q(&engine, None, id), Ok(OptionValue::Dword(8)));
    }
    raw::internet_close_handle(&engine, r.as_raw()).unwrap();
}

#[test]
fn timeout_size_and_zero_errors_depend_on_the_handle_kind() {
    let (engine, _) = engine_with_gate(b"");
    let (_d, url) = temp_file(b"x");
    let r = root(&engine, None);
    let child = open_url_sync(&engine, r, &url, 1).unwrap();
    // Session: wrong size -> BAD_OPTION_LENGTH; connect timeout 0 -> BAD_ARGUMENTS.
    assert_eq!(
        s(
            &engine,
            Some(r),
            INTERNET_OPTION_CONNECT_TIMEOUT,
            OptionInput::Bytes(&[1, 2])
        ),
        Err(ERROR_INTERNET_BAD_OPTION_LENGTH)
    );
    assert_eq!(
        s(
            &engine,
            Some(r),
            INTERNET_OPTION_CONNECT_TIMEOUT,
            OptionInput::Bytes(&dword(0))
        ),
        Err(ERROR_BAD_ARGUMENTS)
    );
    // Request-level: wrong size or no buffer -> INVALID_PARAMETER.
    assert_eq!(
        s(
            &engine,
            Some(child),
            INTERNET_OPTION_RECEIVE_TIMEOUT,
            OptionInput::Bytes(&[1, 2])
        ),
        Err(ERROR_INVALID_PARAMETER)
    );
    assert_eq!(
        s(
            &engine,
            Some(child),
            INTERNET_OPTION_SEND_TIMEOUT,
            OptionInput::Empty
        ),
        Err(ERROR_INVALID_PARAMETER)
    );
    raw::internet_close_handle(&engine, r.as_raw()).unwrap();
}

#[test]
fn dword_queries_need_four_bytes_and_report_four() {
    let engine = Engine::new();
    let r = root(&engine, None);
    let v = q(&engine, Some(r), INTERNET_OPTION_HANDLE_TYPE).unwrap();
    let e = encode(&v, Some(&mut [0u8; 3]), CharUnit::Ansi).unwrap_err();
    assert_eq!((e.code(), e.needed()), (ERROR_INSUFFICIENT_BUFFER, Some(4)));
    let mut b = [0u8; 4];
    assert_eq!(encode(&v, Some(&mut b), CharUnit::Ansi).unwrap(), 4);
    assert_eq!(u32::from_le_bytes(b), INTERNET_HANDLE_TYPE_INTERNET);
    raw::internet_close_handle(&engine, r.as_raw()).unwrap();
}

#[test]
fn credentials_and_proxy_options_live_on_their_handle_kinds() {
    let (engine, _) = engine_with_gate(b"");
    let (_d, url) = temp_file(b"x");
    let r = root(&engine, None);
    let child = open_url_sync(&engine, r, &url, 1).unwrap();
    assert_eq!(
        s(
            &engine,
            Some(r),
            INTERNET_OPTION_USERNAME,
            OptionInput::Text("u")
        ),
        Err(ERROR_INTERNET_INCORRECT_HANDLE_TYPE)
    );
    assert_eq!(
        s(
            &engine,
            Some(r),
            INTERNET_OPTION_PROXY_USERNAME,
            OptionInput::Text("u")
        ),
        Err(ERROR_INTERNET_INCORRECT_HANDLE_TYPE)
    );
    s(
        &engine,
        Some(child),
        INTERNET_OPTION_USERNAME,
        OptionInput::Text("user"),
    )
    .unwrap();
    s(
        &engine,
        Some(child),
        INTERNET_OPTION_PASSWORD,
        OptionInput::Text("s3cret"),
    )
    .unwrap();
    assert_eq!(
        q(&engine, Some(child), INTERNET_OPTION_USERNAME),
        Ok(OptionValue::Str("user".into()))
    );
    // Passwords never show in Debug output.
    let pw = q(&engine, Some(child), INTERNET_OPTION_PASSWORD).unwrap();
    assert!(!format!("{pw:?}").contains("s3cret"));
    // PROXY is a session (or global) option.
    assert!(matches!(
        q(&engine, Some(r), INTERNET_OPTION_PROXY),
        Ok(OptionValue::Proxy(_))
    ));
    assert!(matches!(
        q(&engine, None, INTERNET_OPTION_PROXY),
        Ok(OptionValue::Proxy(_))
    ));
    assert_eq!(
        q(&engine, Some(child), INTERNET_OPTION_PROXY),
        Err(ERROR_INTERNET_INCORRECT_HANDLE_TYPE)
    );
    assert_eq!(
        s(
            &engine,
            Some(r),
            INTERNET_OPTION_PROXY,
            OptionInput::Bytes(&[0; 2])
        ),
        Err(ERROR_INVALID_PARAMETER)
    );
    raw::internet_close_handle(&engine, r.as_raw()).unwrap();
}

#[test]
fn parent_handle_url_and_buffer_sizes_are_answered() {
    let (engine, _) = engine_with_gate(b"");
    let (_d, url) = temp_file(b"x");
    let r = root(&engine, None);
    let child = open_url_sync(&engine, r, &url, 1).unwrap();
    assert_eq!(
        q(&engine, Some(child), INTERNET_OPTION_PARENT_HANDLE),
        Ok(OptionValue::Handle(Some(r)))
    );
    assert_eq!(
        q(&engine, Some(r), INTERNET_OPTION_PARENT_HANDLE),
        Ok(OptionValue::Handle(None))
    );
    assert_eq!(
        q(&engine, Some(child), INTERNET_OPTION_URL),
        Ok(OptionValue::Str(url.clone()))
    );
    s(
        &engine,
        Some(r),
        INTERNET_OPTION_READ_BUFFER_SIZE,
        OptionInput::Bytes(&dword(65536)),
    )
    .unwrap();
    s(
        &engine,
        Some(r),
        INTERNET_OPTION_WRITE_BUFFER_SIZE,
        OptionInput::Bytes(&dword(4096)),
    )
    .unwrap();
    assert_eq!(
        q(&engine, Some(r), INTERNET_OPTION_READ_BUFFER_SIZE),
        Ok(OptionValue::Dword(65536))
    );
    assert_eq!(
        q(&engine, Some(r), INTERNET_OPTION_WRITE_BUFFER_SIZE),
        Ok(OptionValue::Dword(4096))
    );
    // A closed handle: INVALID_HANDLE.
    raw::internet_close_handle(&engine, r.as_raw()).unwrap();
    assert_eq!(
        q(&engine, Some(child), INTERNET_OPTION_URL),
        Err(ERROR_INVALID_HANDLE)
    );
}
