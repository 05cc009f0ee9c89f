//! The file: leaf through the Rust API (async and blocking) and by handle value.

mod common;

use std::io::{Read, Seek, SeekFrom};

use common::*;
use futures_util::StreamExt;
use hinternet::consts::*;
use hinternet::{Internet, StatusEvent, blocking, error_of, raw};
use tokio::io::{AsyncReadExt, AsyncSeekExt};

fn pattern(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 31 + 7) as u8).collect()
}

#[tokio::test]
async fn async_read_returns_the_exact_bytes() {
    let data = pattern(300_000);
    let (_d, url) = temp_file(&data);
    let inet = Internet::builder().agent("t").build().unwrap();
    let mut r = inet.open_url(&url).await.unwrap();
    let mut got = Vec::new();
    r.read_to_end(&mut got).await.unwrap();
    assert_eq!(got, data);
    assert_eq!(r.kind().unwrap(), hinternet::HandleKind::FileRequest);
}

#[tokio::test]
async fn async_seek_moves_the_read_position() {
    let data = pattern(1000);
    let (_d, url) = temp_file(&data);
    let inet = Internet::new().unwrap();
    let mut r = inet.open_url(&url).await.unwrap();
    assert_eq!(r.seek(SeekFrom::Start(100)).await.unwrap(), 100);
    let mut b = [0u8; 10];
    r.read_exact(&mut b).await.unwrap();
    assert_eq!(&b[..], &data[100..110]);
    assert_eq!(r.seek(SeekFrom::Current(-20)).await.unwrap(), 90);
    assert_eq!(r.seek(SeekFrom::End(-1)).await.unwrap(), 999);
    r.read_exact(&mut b[..1]).await.unwrap();
    assert_eq!(b[0], data[999]);
    // Before the start: ERROR_NEGATIVE_SEEK, and the position is unchanged.
    let e = r.seek(SeekFrom::Current(-5000)).await.unwrap_err();
    assert_eq!(error_of(&e).unwrap().code(), ERROR_NEGATIVE_SEEK);
    assert_eq!(r.stream_position().await.unwrap(), 1000);
}

#[tokio::test]
async fn data_available_counts_down_to_zero_at_the_end() {
    let data = pattern(5000);
    let (_d, url) = temp_file(&data);
    let inet = Internet::new().unwrap();
    let r = inet.open_url(&url).await.unwrap();
    assert_eq!(r.data_available().await.unwrap(), 5000);
    let mut b = vec![0u8; 4096];
    assert_eq!(r.read_full(&mut b).await.unwrap(), 4096);
    assert_eq!(r.data_available().await.unwrap(), 904);
    assert_eq!(r.read_full(&mut b).await.unwrap(), 904);
    assert_eq!(r.data_available().await.unwrap(), 0);
    // End of data reads as success with 0 bytes, repeatedly.
    assert_eq!(r.read_full(&mut b).await.unwrap(), 0);
    assert_eq!(r.read_full(&mut b).await.unwrap(), 0);
}

#[tokio::test]
async fn missing_file_is_file_not_found_and_bad_scheme_is_unrecognized() {
    let inet = Internet::new().unwrap();
    let e = inet
        .open_url("file:///definitely/not/here.bin")
        .await
        .unwrap_err();
    assert_eq!(e.code(), ERROR_FILE_NOT_FOUND);
    let e = inet.open_url("nosuch://x/y").await.unwrap_err();
    assert_eq!(e.code(), ERROR_INTERNET_UNRECOGNIZED_SCHEME);
}

#[tokio::test]
async fn a_directory_lists_as_find_entries_in_name_order() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("b.txt"), b"bb").unwrap();
    std::fs::write(dir.path().join("a.txt"), b"a").unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let inet = Internet::new().unwrap();
    let mut find = inet
        .find(&format!("file://{}", dir.path().display()))
        .await
        .unwrap();
    let mut entries = Vec::new();
    while let Some(e) = find.next().await {
        entries.push(e.unwrap());
    }
    let names: Vec<_> = entries
        .iter()
        .map(|e| e.name_lossy().into_owned())
        .collect();
    assert_eq!(names, ["a.txt", "b.txt", "sub"]);
    assert_eq!(entries[1].size, 2);
    assert!(entries[2].is_dir());
    assert_eq!(entries[0].attributes, FILE_ATTRIBUTE_NORMAL);
    assert_eq!(
        entries[0].modified.unwrap().precision,
        hinternet::TimePrecision::Exact
    );
    // After the last entry the stream stays finished.
    assert!(find.next().await.is_none());
}

#[test]
fn find_next_by_handle_value_ends_with_no_more_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("only"), b"1").unwrap();
    let (engine, _) = engine_with_gate(b"");
    let r = raw::internet_open(&engine, Default::default()).unwrap();
    let f = open_url_sync(&engine, r, &format!("file://{}", dir.path().display()), 1).unwrap();
    let e = raw::internet_find_next_file(&engine, f.as_raw(), |_| {})
        .into_result()
        .unwrap();
    assert_eq!(e.name, b"only");
    let end = raw::internet_find_next_file(&engine, f.as_raw(), |_| {})
        .into_result()
        .unwrap_err();
    assert_eq!(end.code(), ERROR_NO_MORE_FILES);
    raw::internet_close_handle(&engine, r.as_raw()).unwrap();
}

#[test]
fn set_file_pointer_by_handle_value_follows_the_native_rules() {
    let (_d, url) = temp_file(&pattern(100));
    let (engine, _) = engine_with_gate(b"");
    let r = raw::internet_open(&engine, Default::default()).unwrap();
    let f = open_url_sync(&engine, r, &url, 1).unwrap();
    let h = f.as_raw();
    assert_eq!(
        raw::internet_set_file_pointer(&engine, h, 10, FILE_BEGIN).unwrap(),
        10
    );
    assert_eq!(
        raw::internet_set_file_pointer(&engine, h, 5, FILE_CURRENT).unwrap(),
        15
    );
    assert_eq!(
        raw::internet_set_file_pointer(&engine, h, -10, FILE_END).unwrap(),
        90
    );
    assert_eq!(
        raw::internet_set_file_pointer(&engine, h, -91, FILE_CURRENT)
            .unwrap_err()
            .code(),
        ERROR_NEGATIVE_SEEK
    );
    assert_eq!(
        raw::internet_set_file_pointer(&engine, h, 0, 7)
            .unwrap_err()
            .code(),
        ERROR_INVALID_PARAMETER
    );
    assert_eq!(
        raw::internet_set_file_pointer(&engine, 0, 0, FILE_BEGIN)
            .unwrap_err()
            .code(),
        ERROR_INVALID_HANDLE
    );
    assert_eq!(
        raw::internet_set_file_pointer(&engine, r.as_raw(), 0, FILE_BEGIN)
            .unwrap_err()
            .code(),
        ERROR_INTERNET_INCORRECT_HANDLE_TYPE
    );
    let (n, buf) = raw::internet_read_file(&engine, h, vec![0u8; 20], |_| {})
        .into_result()
        .unwrap();
    assert_eq!(&buf[..n], &pattern(100)[90..]);
    raw::internet_close_handle(&engine, r.as_raw()).unwrap();
}

#[test]
fn blocking_read_and_seek_implement_std_io() {
    let data = pattern(70_000);
    let (_d, url) = temp_file(&data);
    let inet = blocking::Internet::new().unwrap();
    let mut r = inet.open_url(&url).unwrap();
    let mut got = Vec::new();
    r.read_to_end(&mut got).unwrap();
    assert_eq!(got, data);
    r.seek(SeekFrom::Start(5)).unwrap();
    let mut b = [0u8; 3];
    r.read_exact(&mut b).unwrap();
    assert_eq!(&b[..], &data[5..8]);
    r.close().unwrap();
    inet.close().unwrap();
}

#[test]
fn blocking_find_is_an_iterator() {
    let dir = tempfile::tempdir().unwrap();
    for n in ["x", "y", "z"] {
        std::fs::write(dir.path().join(n), n).unwrap();
    }
    let inet = blocking::Internet::new().unwrap();
    let names: Vec<_> = inet
        .find(&format!("file://{}", dir.path().display()))
        .unwrap()
        .map(|e| e.unwrap().name)
        .collect();
    assert_eq!(names, [b"x".to_vec(), b"y".to_vec(), b"z".to_vec()]);
}

#[test]
fn blocking_callbacks_arrive_on_the_calling_thread_during_the_call() {
    let (_d, url) = temp_file(b"abc");
    let inet = blocking::Internet::new().unwrap();
    let me = std::thread::current().id();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let s = std::sync::Arc::clone(&seen);
    inet.on_status(move |n| {
        s.lock()
            .unwrap()
            .push((n.event.clone(), std::thread::current().id()))
    });
    let r = inet.open_url(&url).unwrap();
    let h = r.handle();
    r.close().unwrap();
    let seen = seen.lock().unwrap().clone();
    assert_eq!(
        seen.iter().map(|(e, _)| e.clone()).collect::<Vec<_>>(),
        vec![StatusEvent::HandleCreated(h), StatusEvent::HandleClosing(h)]
    );
    assert!(seen.iter().all(|(_, t)| *t == me));
}

#[tokio::test(flavor = "current_thread")]
async fn blocking_api_inside_a_current_thread_runtime_does_not_deadlock() {
    let (_d, url) = temp_file(&pattern(10_000));
    let inet = blocking::Internet::new().unwrap();
    let mut r = inet.open_url(&url).unwrap();
    let mut got = Vec::new();
    r.read_to_end(&mut got).unwrap();
    assert_eq!(got, pattern(10_000));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocking_api_inside_a_multi_thread_runtime_does_not_deadlock() {
    let (_d, url) = temp_file(&pattern(10_000));
    let inet = blocking::Internet::new().unwrap();
    let mut r = inet.open_url(&url).unwrap();
    let mut got = Vec::new();
    r.read_to_end(&mut got).unwrap();
    assert_eq!(got, pattern(10_000));
    inet.close().unwrap();
}

#[tokio::test]
async fn closing_the_internet_invalidates_open_resources() {
    let (_d, url) = temp_file(b"abcdef");
    let inet = Internet::new().unwrap();
    let mut r = inet.open_url(&url).await.unwrap();
    inet.close().await.unwrap();
    let mut b = [0u8; 4];
    let e = r.read(&mut b).await.unwrap_err();
    assert_eq!(error_of(&e).unwrap().code(), ERROR_INVALID_HANDLE);
}

#[tokio::test]
async fn dropping_a_resource_closes_its_handle() {
    let (_d, url) = temp_file(b"abc");
    let engine = hinternet_core::Engine::new();
    let inet = Internet::builder().engine(engine.clone()).build().unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    inet.on_status(move |n| {
        let _ = tx.send(n.event.clone());
    });
    let r = inet.open_url(&url).await.unwrap();
    let h = r.handle();
    assert_eq!(rx.recv().await, Some(StatusEvent::HandleCreated(h)));
    drop(r);
    assert_eq!(rx.recv().await, Some(StatusEvent::HandleClosing(h)));
    assert_eq!(
        engine
            .query_option(Some(h.as_raw()), INTERNET_OPTION_HANDLE_TYPE)
            .unwrap_err()
            .code(),
        ERROR_INVALID_HANDLE
    );
    drop(inet);
}

#[tokio::test]
async fn percent_escapes_in_file_urls_are_decoded_to_the_local_name() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("with space%.txt"), b"spaced").unwrap();
    let url = format!("file://{}/with%20space%25.txt", dir.path().display());
    let inet = Internet::new().unwrap();
    let mut r = inet.open_url(&url).await.unwrap();
    let mut got = String::new();
    r.read_to_string(&mut got).await.unwrap();
    assert_eq!(got, "spaced");
}
