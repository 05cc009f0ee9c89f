//! Every function the WinINet documentation lists as usable asynchronously works in an async
//! session (INTERNET_FLAG_ASYNC root, non-zero contexts), by handle value against the testkit
//! servers: ERROR_IO_PENDING where the call must wait (immediate success where native allows
//! it), exactly one REQUEST_COMPLETE with the exact INTERNET_ASYNC_RESULT and the context it
//! must carry (the FTP session functions: the InternetConnect handle's), the caller's outputs
//! (byte counts, handles, paths) written before REQUEST_COMPLETE is sent, and the effect on the
//! server.

mod ftp_common;
mod http_common;

use ftp_common::FtpServer;
use hinternet::raw::{self, ConnectArgs, Outcome, ReadEx};
use hinternet_core::consts::*;
use hinternet_core::{AsyncResult as Res, Engine, Handle, StatusEvent};
use hinternet_http::OpenRequest;
use hinternet_http::bytes::Bytes;
use hinternet_testkit::Signal;
use hinternet_testkit::ftp::{DEFAULT_PASSWORD, DEFAULT_USER};
use hinternet_testkit::http::{RawScript, RawServer, Reply, Routes, TestServer};
use hinternet_testkit::pattern;
use http_common::{Entry, Log, Slot};

/// The context of the connect handles.
const CONNECT_CTX: usize = 0xC0_11EC;
/// The context of the handles calls create (requests, FTP files and finds).
const CHILD_CTX: usize = 0xF1_1E5;
/// The context given to InternetOpenUrl.
const URL_CTX: usize = 0x0_0421;

const OK: Res = Res {
    result: 1,
    error: 0,
};

/// A handle-creating call's INTERNET_ASYNC_RESULT: the new handle in dwResult.
fn new_handle(h: Handle) -> Res {
    Res {
        result: h.as_raw(),
        error: 0,
    }
}

fn result_of(e: &Entry) -> Res {
    match e.event {
        StatusEvent::RequestComplete(r) => r,
        ref other => panic!("not a REQUEST_COMPLETE: {other:?}"),
    }
}

fn assert_pending<T: std::fmt::Debug>(o: Outcome<T>) {
    assert!(
        matches!(o, Outcome::Pending),
        "expected ERROR_IO_PENDING, got {o:?}"
    );
}

/// A slot filled by the call's completion, checked by the log when REQUEST_COMPLETE arrives
/// ("the outputs were written before REQUEST_COMPLETE").
fn output<T: Clone + Send + 'static>(log: &Log) -> Slot<T> {
    let slot = Slot::default();
    let probe = slot.clone();
    log.set_probe(move || probe.is_set());
    slot
}

/// An async session whose root reports to a log.
struct Async {
    engine: Engine,
    root: Handle,
    log: Log,
}

impl Async {
    fn new() -> Async {
        let engine = ftp_common::engine();
        let root = ftp_common::root(&engine, INTERNET_FLAG_ASYNC);
        let log = Log::install(&engine, root);
        Async { engine, root, log }
    }

    /// InternetConnect(FTP) as the default user: pends, completes with the new handle.
    fn ftp(&self, port: u16) -> Handle {
        let mark = self.log.mark();
        assert_pending(raw::internet_connect(
            &self.engine,
            self.root.as_raw(),
            ftp_args(port),
            |_| {},
        ));
        let done = self.log.wait_complete_after(mark);
        Handle::from_raw(result_of(&done).result).expect("the connect handle")
    }

    /// InternetConnect(HTTP): no network, so it returns at once.
    fn http(&self, port: u16) -> Handle {
        match raw::internet_connect(&self.engine, self.root.as_raw(), http_args(port), |_| {}) {
            Outcome::Done(r) => r.unwrap(),
            Outcome::Pending => panic!("an HTTP connect does not wait"),
        }
    }

    /// HttpOpenRequest with the child context.
    fn request(&self, c: Handle, verb: &str, path: &str) -> Handle {
        hinternet_http::http_open_request(
            &self.engine,
            c.as_raw(),
            OpenRequest::new(Some(verb), Some(path), None, None, &[], 0),
            CHILD_CTX,
        )
        .unwrap()
    }

    /// Runs a call that must pend and waits for its REQUEST_COMPLETE.
    fn pend<T: std::fmt::Debug>(&self, call: impl FnOnce() -> Outcome<T>) -> Entry {
        let mark = self.log.mark();
        assert_pending(call());
        self.log.wait_complete_after(mark)
    }

    /// HttpSendRequest (pends) and its completion {1, 0}.
    fn send(&self, req: Handle) {
        let done = self.pend(|| {
            hinternet_http::http_send_request(
                &self.engine,
                req.as_raw(),
                None,
                Bytes::new(),
                |_| {},
            )
        });
        assert_eq!(result_of(&done), OK);
    }

    /// Reads `h` to its end: reads complete at once or pend until their REQUEST_COMPLETE
    /// {1, 0} on `h` with the child context.
    fn read_all(&self, h: Handle) -> Vec<u8> {
        self.read_all_with(h, CHILD_CTX)
    }

    /// [`read_all`](Self::read_all) for a handle whose REQUEST_COMPLETE carries `context`.
    fn read_all_with(&self, h: Handle, context: usize) -> Vec<u8> {
        let mut out = Vec::new();
        for _ in 0..100_000 {
            let chunk: Slot<Vec<u8>> = Slot::default();
            let c = chunk.clone();
            let mark = self.log.mark();
            let out_now =
                raw::internet_read_file(&self.engine, h.as_raw(), vec![0u8; 65536], move |r| {
                    let (n, b) = r.as_ref().unwrap();
                    c.put(b[..*n].to_vec());
                });
            let got = match out_now {
                Outcome::Done(r) => {
                    let (n, b) = r.unwrap();
                    b[..n].to_vec()
                }
                Outcome::Pending => {
                    let done = self.log.wait_complete_after(mark);
                    assert_eq!(
                        (done.handle, done.context, result_of(&done)),
                        (h, context, OK)
                    );
                    chunk.get().unwrap()
                }
            };
            if got.is_empty() {
                return out;
            }
            out.extend_from_slice(&got);
        }
        panic!("the data did not end");
    }

    /// Closes the session and waits until each of `handles` has sent HANDLE_CLOSING (a
    /// handle's last notification); returns every REQUEST_COMPLETE seen since `mark` as
    /// (handle, context, result).
    fn finish(&self, mark: usize, handles: &[Handle]) -> Vec<(Handle, usize, Res)> {
        raw::internet_close_handle(&self.engine, self.root.as_raw()).unwrap();
        self.log.wait_until("HANDLE_CLOSING of every handle", |e| {
            handles
                .iter()
                .all(|h| e.iter().any(|x| x.event == StatusEvent::HandleClosing(*h)))
        });
        self.log
            .since(mark)
            .iter()
            .filter_map(|e| match e.event {
                StatusEvent::RequestComplete(r) => Some((e.handle, e.context, r)),
                _ => None,
            })
            .collect()
    }

    /// The HANDLE_CREATED entries seen since `mark`, as (parent, context, child).
    fn created_since(&self, mark: usize) -> Vec<(Handle, usize, Handle)> {
        self.log
            .since(mark)
            .iter()
            .filter_map(|e| match e.event {
                StatusEvent::HandleCreated(h) => Some((e.handle, e.context, h)),
                _ => None,
            })
            .collect()
    }
}

fn ftp_args(port: u16) -> ConnectArgs<'static> {
    ConnectArgs {
        server: Some("127.0.0.1"),
        port,
        user: Some(DEFAULT_USER),
        password: Some(DEFAULT_PASSWORD),
        service: INTERNET_SERVICE_FTP,
        flags: INTERNET_FLAG_PASSIVE,
        context: CONNECT_CTX,
    }
}

fn http_args(port: u16) -> ConnectArgs<'static> {
    ConnectArgs {
        server: Some("127.0.0.1"),
        port,
        service: INTERNET_SERVICE_HTTP,
        context: CONNECT_CTX,
        ..ConnectArgs::default()
    }
}

/// The REQUEST_COMPLETE of an FTP session function: on the connect handle, with the connect
/// handle's context.
fn session_complete(c: Handle, res: Res) -> (Handle, usize, Res) {
    (c, CONNECT_CTX, res)
}

fn entry_triple(e: &Entry) -> (Handle, usize, Res) {
    (e.handle, e.context, result_of(e))
}

/// A raw HTTP server: a keep-alive head with Content-Length, no body bytes until `go` fires,
/// then `body`.
fn stalled(go: &Signal, body: &[u8]) -> RawServer {
    let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len());
    RawServer::start_blocking(
        RawScript::new()
            .read_request()
            .write(head.into_bytes())
            .stall(go)
            .write(body.to_vec()),
    )
    .unwrap()
}

fn ftp_server_with(files: &[(&str, &[u8])], dirs: &[&str]) -> FtpServer {
    let server = FtpServer::start_blocking().unwrap();
    for d in dirs {
        std::fs::create_dir_all(server.root().join(d)).unwrap();
    }
    for (name, data) in files {
        std::fs::write(server.root().join(name), data).unwrap();
    }
    server
}

// ---- FTP session functions ------------------------------------------------------------------

#[test]
fn async_ftp_create_directory_completes_with_the_connect_context_and_creates_it() {
    let server = ftp_server_with(&[], &[]);
    let a = Async::new();
    let c = a.ftp(server.port());
    let mark = a.log.mark();
    let done = a.pend(|| raw::ftp_create_directory(&a.engine, c.as_raw(), Some("made"), |_| {}));
    assert_eq!(entry_triple(&done), session_complete(c, OK));
    assert!(server.root().join("made").is_dir());
    assert_eq!(a.finish(mark, &[c]), [session_complete(c, OK)]);
}

#[test]
fn async_ftp_delete_file_completes_with_the_connect_context_and_deletes_it() {
    let server = ftp_server_with(&[("gone.txt", b"x")], &[]);
    let a = Async::new();
    let c = a.ftp(server.port());
    let mark = a.log.mark();
    let done = a.pend(|| raw::ftp_delete_file(&a.engine, c.as_raw(), Some("gone.txt"), |_| {}));
    assert_eq!(entry_triple(&done), session_complete(c, OK));
    assert!(!server.root().join("gone.txt").exists());
    assert_eq!(a.finish(mark, &[c]), [session_complete(c, OK)]);
}

#[test]
fn async_ftp_remove_directory_completes_with_the_connect_context_and_removes_it() {
    let server = ftp_server_with(&[], &["empty"]);
    let a = Async::new();
    let c = a.ftp(server.port());
    let mark = a.log.mark();
    let done = a.pend(|| raw::ftp_remove_directory(&a.engine, c.as_raw(), Some("empty"), |_| {}));
    assert_eq!(entry_triple(&done), session_complete(c, OK));
    assert!(!server.root().join("empty").exists());
    assert_eq!(a.finish(mark, &[c]), [session_complete(c, OK)]);
}

#[test]
fn async_ftp_rename_file_completes_with_the_connect_context_and_renames() {
    let server = ftp_server_with(&[("old.txt", b"contents")], &[]);
    let a = Async::new();
    let c = a.ftp(server.port());
    let mark = a.log.mark();
    let done = a.pend(|| {
        raw::ftp_rename_file(
            &a.engine,
            c.as_raw(),
            Some("old.txt"),
            Some("new.txt"),
            |_| {},
        )
    });
    assert_eq!(entry_triple(&done), session_complete(c, OK));
    assert!(!server.root().join("old.txt").exists());
    assert_eq!(
        std::fs::read(server.root().join("new.txt")).unwrap(),
        b"contents"
    );
    assert_eq!(a.finish(mark, &[c]), [session_complete(c, OK)]);
}

#[test]
fn async_ftp_set_current_directory_completes_with_the_connect_context_and_changes_it() {
    let server = ftp_server_with(&[("sub/inside.txt", b"i")], &["sub"]);
    let a = Async::new();
    let c = a.ftp(server.port());
    let mark = a.log.mark();
    let done =
        a.pend(|| raw::ftp_set_current_directory(&a.engine, c.as_raw(), Some("sub"), |_| {}));
    assert_eq!(entry_triple(&done), session_complete(c, OK));
    // The server now resolves relative names in "sub".
    let done = a.pend(|| raw::ftp_delete_file(&a.engine, c.as_raw(), Some("inside.txt"), |_| {}));
    assert_eq!(entry_triple(&done), session_complete(c, OK));
    assert!(!server.root().join("sub/inside.txt").exists());
    assert_eq!(
        a.finish(mark, &[c]),
        [session_complete(c, OK), session_complete(c, OK)]
    );
}

#[test]
fn async_ftp_get_current_directory_writes_the_path_before_request_complete() {
    let server = ftp_server_with(&[], &["pub"]);
    let a = Async::new();
    let c = a.ftp(server.port());
    let mark = a.log.mark();
    let done =
        a.pend(|| raw::ftp_set_current_directory(&a.engine, c.as_raw(), Some("pub"), |_| {}));
    assert_eq!(entry_triple(&done), session_complete(c, OK));
    let path: Slot<String> = output(&a.log);
    let p = path.clone();
    let done = a.pend(|| {
        raw::ftp_get_current_directory(&a.engine, c.as_raw(), Some(260), false, move |r| {
            p.put(r.as_ref().unwrap().clone())
        })
    });
    assert_eq!(entry_triple(&done), session_complete(c, OK));
    assert_eq!(
        done.probe,
        Some(true),
        "the path is written before REQUEST_COMPLETE"
    );
    assert_eq!(path.get().as_deref(), Some("/pub"));
    assert_eq!(
        a.finish(mark, &[c]),
        [session_complete(c, OK), session_complete(c, OK)]
    );
}

#[test]
fn async_ftp_find_first_file_completes_with_the_find_handle_and_the_first_entry() {
    let server = ftp_server_with(&[("only.txt", b"12345")], &[]);
    let a = Async::new();
    let c = a.ftp(server.port());
    let mark = a.log.mark();
    let found: Slot<(Handle, Vec<u8>, u64)> = output(&a.log);
    let f = found.clone();
    let done = a.pend(|| {
        raw::ftp_find_first_file(&a.engine, c.as_raw(), None, 0, CHILD_CTX, move |r| {
            let (h, d) = r.as_ref().unwrap();
            f.put((*h, d.name.clone(), d.size));
        })
    });
    let (find, name, size) = found.get().unwrap();
    assert_eq!(entry_triple(&done), session_complete(c, new_handle(find)));
    assert_eq!(
        done.probe,
        Some(true),
        "the handle and entry are written before REQUEST_COMPLETE"
    );
    assert_eq!((name, size), (b"only.txt".to_vec(), 5));
    assert_eq!(a.created_since(mark), [(c, CHILD_CTX, find)]);
    assert_eq!(
        a.finish(mark, &[find, c]),
        [session_complete(c, new_handle(find))]
    );
}

#[test]
fn async_ftp_open_file_completes_with_the_file_handle_and_reads_the_file() {
    let data = pattern::bytes(11, 300_000);
    let server = ftp_server_with(&[("f.bin", &data)], &[]);
    let a = Async::new();
    let c = a.ftp(server.port());
    let mark = a.log.mark();
    let opened: Slot<Handle> = output(&a.log);
    let o = opened.clone();
    let done = a.pend(|| {
        raw::ftp_open_file(
            &a.engine,
            c.as_raw(),
            Some("f.bin"),
            GENERIC_READ,
            FTP_TRANSFER_TYPE_BINARY,
            CHILD_CTX,
            move |r| o.put(*r.as_ref().unwrap()),
        )
    });
    let f = opened.get().unwrap();
    assert_eq!(entry_triple(&done), session_complete(c, new_handle(f)));
    assert_eq!(
        done.probe,
        Some(true),
        "the handle is written before REQUEST_COMPLETE"
    );
    assert_eq!(a.created_since(mark), [(c, CHILD_CTX, f)]);
    assert!(a.read_all(f) == data);
    let completions = a.finish(mark, &[f, c]);
    let on_connect: Vec<_> = completions.iter().filter(|x| x.0 == c).collect();
    assert_eq!(on_connect, [&session_complete(c, new_handle(f))]);
    assert!(
        completions
            .iter()
            .all(|x| x.0 == c || *x == (f, CHILD_CTX, OK))
    );
}

#[test]
fn async_ftp_get_file_completes_with_the_connect_context_and_downloads_byte_for_byte() {
    let data = pattern::bytes(5, 400_000);
    let server = ftp_server_with(&[("g.bin", &data)], &[]);
    let a = Async::new();
    let c = a.ftp(server.port());
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("g.bin");
    let mark = a.log.mark();
    let done = a.pend(|| {
        raw::ftp_get_file(
            &a.engine,
            c.as_raw(),
            Some("g.bin"),
            Some(&target),
            false,
            0,
            FTP_TRANSFER_TYPE_BINARY,
            |_| {},
        )
    });
    assert_eq!(entry_triple(&done), session_complete(c, OK));
    assert!(std::fs::read(&target).unwrap() == data);
    assert_eq!(a.finish(mark, &[c]), [session_complete(c, OK)]);
}

#[test]
fn async_ftp_put_file_completes_with_the_connect_context_and_uploads_byte_for_byte() {
    let data = pattern::bytes(9, 400_000);
    let server = ftp_server_with(&[], &[]);
    let a = Async::new();
    let c = a.ftp(server.port());
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("p.bin");
    std::fs::write(&local, &data).unwrap();
    let mark = a.log.mark();
    let done = a.pend(|| {
        raw::ftp_put_file(
            &a.engine,
            c.as_raw(),
            Some(&local),
            Some("p.bin"),
            FTP_TRANSFER_TYPE_BINARY,
            |_| {},
        )
    });
    assert_eq!(entry_triple(&done), session_complete(c, OK));
    assert!(std::fs::read(server.root().join("p.bin")).unwrap() == data);
    assert_eq!(a.finish(mark, &[c]), [session_complete(c, OK)]);
}

#[test]
fn async_internet_find_next_file_returns_at_once_from_the_listing() {
    let server = ftp_server_with(&[("a.txt", b"a"), ("b.txt", b"bb"), ("c.txt", b"ccc")], &[]);
    let a = Async::new();
    let c = a.ftp(server.port());
    let mark = a.log.mark();
    let found: Slot<(Handle, Vec<u8>)> = Slot::default();
    let f = found.clone();
    a.pend(|| {
        raw::ftp_find_first_file(&a.engine, c.as_raw(), None, 0, CHILD_CTX, move |r| {
            let (h, d) = r.as_ref().unwrap();
            f.put((*h, d.name.clone()));
        })
    });
    let (find, first) = found.get().unwrap();
    let mut names = vec![first];
    // The listing is stored with the handle: InternetFindNextFile never waits, so it returns
    // TRUE at once (no ERROR_IO_PENDING, no REQUEST_COMPLETE), then ERROR_NO_MORE_FILES.
    for _ in 0..2 {
        match raw::internet_find_next_file(&a.engine, find.as_raw(), |_| {}) {
            Outcome::Done(Ok(d)) => names.push(d.name),
            other => panic!("{other:?}"),
        }
    }
    match raw::internet_find_next_file(&a.engine, find.as_raw(), |_| {}) {
        Outcome::Done(Err(e)) => assert_eq!(e.code(), ERROR_NO_MORE_FILES),
        other => panic!("{other:?}"),
    }
    names.sort();
    assert_eq!(
        names,
        [b"a.txt".to_vec(), b"b.txt".to_vec(), b"c.txt".to_vec()]
    );
    assert_eq!(
        a.finish(mark, &[find, c]),
        [session_complete(c, new_handle(find))]
    );
}

#[test]
fn async_internet_write_file_pends_and_writes_the_count_before_request_complete() {
    const LEN: usize = 24 << 20;
    let data = pattern::bytes(1, LEN);
    let server = ftp_server_with(&[], &[]);
    let a = Async::new();
    let c = a.ftp(server.port());
    let mark = a.log.mark();
    let opened: Slot<Handle> = Slot::default();
    let o = opened.clone();
    a.pend(|| {
        raw::ftp_open_file(
            &a.engine,
            c.as_raw(),
            Some("w.bin"),
            GENERIC_WRITE,
            FTP_TRANSFER_TYPE_BINARY,
            CHILD_CTX,
            move |r| o.put(*r.as_ref().unwrap()),
        )
    });
    let f = opened.get().unwrap();
    // Far more than the socket buffers hold: the write must wait for the server.
    let written: Slot<usize> = output(&a.log);
    let w = written.clone();
    let payload = data.clone();
    let done = a.pend(|| {
        raw::internet_write_file(&a.engine, f.as_raw(), payload, move |r| {
            w.put(*r.as_ref().unwrap())
        })
    });
    assert_eq!(entry_triple(&done), (f, CHILD_CTX, OK));
    assert_eq!(
        done.probe,
        Some(true),
        "the count is written before REQUEST_COMPLETE"
    );
    assert_eq!(written.get(), Some(LEN));
    // Closing the file handle ends the upload (226) before its HANDLE_CLOSING.
    raw::internet_close_handle(&a.engine, f.as_raw()).unwrap();
    a.log.wait_until("the file's HANDLE_CLOSING", |e| {
        e.iter().any(|x| x.event == StatusEvent::HandleClosing(f))
    });
    let stored = std::fs::read(server.root().join("w.bin")).unwrap();
    assert_eq!(stored.len(), LEN);
    assert!(stored == data);
    assert_eq!(
        a.finish(mark, &[f, c]),
        [session_complete(c, new_handle(f)), (f, CHILD_CTX, OK)]
    );
}

// ---- InternetConnect, InternetOpenUrl -------------------------------------------------------

#[test]
fn async_internet_connect_ftp_pends_with_the_new_handle_and_http_returns_at_once() {
    let server = ftp_server_with(&[], &[]);
    let http = TestServer::start_blocking(Routes::new().fallback(Reply::text("x"))).unwrap();
    let a = Async::new();
    let mark = a.log.mark();
    let made: Slot<Handle> = output(&a.log);
    let m = made.clone();
    let done = a.pend(|| {
        raw::internet_connect(
            &a.engine,
            a.root.as_raw(),
            ftp_args(server.port()),
            move |r| m.put(*r.as_ref().unwrap()),
        )
    });
    let c = made.get().unwrap();
    // Reported on the root handle the call was made on, with the context given to the call.
    assert_eq!(entry_triple(&done), (a.root, CONNECT_CTX, new_handle(c)));
    assert_eq!(
        done.probe,
        Some(true),
        "the handle is written before REQUEST_COMPLETE"
    );
    assert_eq!(a.created_since(mark), [(a.root, CONNECT_CTX, c)]);
    assert_eq!(server.connections_accepted(), 1);
    // The session is logged in: a session function works on it.
    let done = a.pend(|| raw::ftp_create_directory(&a.engine, c.as_raw(), Some("in"), |_| {}));
    assert_eq!(entry_triple(&done), session_complete(c, OK));
    assert!(server.root().join("in").is_dir());

    // HTTP: InternetConnect touches no network (B.13) and never has to wait.
    let before = a.log.mark();
    let h = a.http(http.port());
    assert_eq!(a.created_since(before), [(a.root, CONNECT_CTX, h)]);
    assert_eq!(http.connections_accepted(), 0);
    assert_eq!(
        a.finish(mark, &[c, h]),
        [
            (a.root, CONNECT_CTX, new_handle(c)),
            session_complete(c, OK)
        ]
    );
}

#[test]
fn async_internet_open_url_pends_and_completes_with_the_new_handle() {
    let srv =
        TestServer::start_blocking(Routes::new().route("/g", Reply::generated(100_000))).unwrap();
    let ftp = ftp_server_with(&[("u.bin", &pattern::bytes(3, 70_000))], &[]);
    let a = Async::new();
    let mark = a.log.mark();
    let mut opened = Vec::new();
    for (url, want) in [
        (srv.url("/g"), pattern::bytes(0, 100_000)),
        (ftp.url_with_login("/u.bin"), pattern::bytes(3, 70_000)),
    ] {
        let before = a.log.mark();
        let made: Slot<Handle> = output(&a.log);
        let m = made.clone();
        let done = a.pend(|| {
            raw::internet_open_url(
                &a.engine,
                a.root.as_raw(),
                &url,
                None,
                0,
                URL_CTX,
                move |r| m.put(*r.as_ref().unwrap()),
            )
        });
        let h = made.get().unwrap();
        assert_eq!(
            entry_triple(&done),
            (a.root, URL_CTX, new_handle(h)),
            "{url}"
        );
        assert_eq!(
            done.probe,
            Some(true),
            "the handle is written before REQUEST_COMPLETE"
        );
        // Announced through the root's callback with the call's context, and nothing else
        // (the FTP URL's session has no handle of its own).
        assert_eq!(a.created_since(before), [(a.root, URL_CTX, h)], "{url}");
        assert_eq!(a.read_all_url(h), want, "{url}");
        opened.push(h);
    }
    assert_eq!(srv.request_count(), 1);
    let completions = a.finish(mark, &opened);
    let on_root: Vec<_> = completions.iter().filter(|x| x.0 == a.root).collect();
    assert_eq!(
        on_root,
        [
            &(a.root, URL_CTX, new_handle(opened[0])),
            &(a.root, URL_CTX, new_handle(opened[1]))
        ]
    );
}

impl Async {
    /// [`read_all`](Self::read_all) for a handle opened with the URL context.
    fn read_all_url(&self, h: Handle) -> Vec<u8> {
        self.read_all_with(h, URL_CTX)
    }
}

// ---- HTTP -----------------------------------------------------------------------------------

#[test]
fn async_http_open_request_returns_the_handle_at_once() {
    let srv = TestServer::start_blocking(Routes::new().route("/o", Reply::text("open"))).unwrap();
    let a = Async::new();
    let c = a.http(srv.port());
    let mark = a.log.mark();
    // HttpOpenRequest touches no network: it returns the handle at once in async mode too,
    // announced through the connect handle with the request's context, with no
    // REQUEST_COMPLETE.
    let req = a.request(c, "GET", "/o");
    assert_eq!(a.created_since(mark), [(c, CHILD_CTX, req)]);
    assert_eq!(srv.connections_accepted(), 0);
    a.send(req);
    assert_eq!(a.read_all(req), b"open");
    assert_eq!(srv.last_request().unwrap().path, "/o");
    assert_eq!(a.finish(mark, &[req, c]), [(req, CHILD_CTX, OK)]);
}

#[test]
fn async_http_send_request_pends_and_completes_on_the_request() {
    let srv = TestServer::start_blocking(Routes::new().route("/s", Reply::echo())).unwrap();
    let a = Async::new();
    let c = a.http(srv.port());
    let req = a.request(c, "POST", "/s");
    let mark = a.log.mark();
    let body = pattern::bytes(2, 50_000);
    let done = a.pend(|| {
        hinternet_http::http_send_request(
            &a.engine,
            req.as_raw(),
            Some("X-Test: async\r\n".to_owned()),
            Bytes::from(body.clone()),
            |_| {},
        )
    });
    assert_eq!(entry_triple(&done), (req, CHILD_CTX, OK));
    let seen = srv.last_request().unwrap();
    assert_eq!((seen.method.as_str(), seen.path.as_str()), ("POST", "/s"));
    assert_eq!(seen.header("x-test"), Some("async"));
    assert!(seen.body.as_ref() == body.as_slice());
    let completions = a.finish(mark, &[req, c]);
    assert_eq!(completions, [(req, CHILD_CTX, OK)]);
}

#[test]
fn async_http_send_request_ex_pends_and_the_upload_arrives_byte_for_byte() {
    let srv = TestServer::start_blocking(Routes::new().route("/x", Reply::text("got it"))).unwrap();
    let a = Async::new();
    let c = a.http(srv.port());
    let req = a.request(c, "PUT", "/x");
    let body = pattern::bytes(4, 30_000);
    let mark = a.log.mark();
    let done = a.pend(|| {
        hinternet_http::http_send_request_ex(
            &a.engine,
            req.as_raw(),
            None,
            Bytes::copy_from_slice(&body[..10_000]),
            body.len() as u64,
            |_| {},
        )
    });
    assert_eq!(entry_triple(&done), (req, CHILD_CTX, OK));
    for piece in body[10_000..].chunks(5_000) {
        let w = a.log.mark();
        match raw::internet_write_file(&a.engine, req.as_raw(), piece.to_vec(), |_| {}) {
            Outcome::Done(r) => assert_eq!(r.unwrap(), piece.len()),
            Outcome::Pending => {
                assert_eq!(result_of(&a.log.wait_complete_after(w)), OK);
            }
        }
    }
    let done = a.pend(|| hinternet_http::http_end_request(&a.engine, req.as_raw(), |_| {}));
    assert_eq!(entry_triple(&done), (req, CHILD_CTX, OK));
    let seen = srv.last_request().unwrap();
    assert_eq!(seen.header("content-length"), Some("30000"));
    assert!(seen.body.as_ref() == body.as_slice());
    let completions = a.finish(mark, &[req, c]);
    assert_eq!(completions.first(), Some(&(req, CHILD_CTX, OK)));
    assert_eq!(completions.last(), Some(&(req, CHILD_CTX, OK)));
    assert!(completions.iter().all(|x| *x == (req, CHILD_CTX, OK)));
}

#[test]
fn async_http_end_request_pends_and_completes_after_the_upload() {
    let srv = TestServer::start_blocking(Routes::new().route("/e", Reply::text("done"))).unwrap();
    let a = Async::new();
    let c = a.http(srv.port());
    let req = a.request(c, "POST", "/e");
    let mark = a.log.mark();
    let done = a.pend(|| {
        hinternet_http::http_send_request_ex(&a.engine, req.as_raw(), None, Bytes::new(), 5, |_| {})
    });
    assert_eq!(result_of(&done), OK);
    match raw::internet_write_file(&a.engine, req.as_raw(), b"hello".to_vec(), |_| {}) {
        Outcome::Done(r) => assert_eq!(r.unwrap(), 5),
        other => panic!("a small write does not wait: {other:?}"),
    }
    let done = a.pend(|| hinternet_http::http_end_request(&a.engine, req.as_raw(), |_| {}));
    assert_eq!(entry_triple(&done), (req, CHILD_CTX, OK));
    assert_eq!(srv.last_request().unwrap().body.as_ref(), b"hello");
    assert_eq!(a.read_all(req), b"done");
    let completions = a.finish(mark, &[req, c]);
    assert_eq!(completions.first(), Some(&(req, CHILD_CTX, OK)));
    assert!(completions.iter().all(|x| *x == (req, CHILD_CTX, OK)));
}

#[test]
fn async_internet_read_file_pends_and_writes_the_count_before_request_complete() {
    let go = Signal::new();
    let srv = stalled(&go, b"0123456789");
    let a = Async::new();
    let c = a.http(srv.port());
    let req = a.request(c, "GET", "/");
    a.send(req);
    let mark = a.log.mark();
    let got: Slot<(usize, Vec<u8>)> = output(&a.log);
    let g = got.clone();
    assert_pending(raw::internet_read_file(
        &a.engine,
        req.as_raw(),
        vec![0u8; 10],
        move |r| {
            let (n, b) = r.as_ref().unwrap();
            g.put((*n, b.clone()));
        },
    ));
    go.fire();
    let done = a.log.wait_complete_after(mark);
    assert_eq!(entry_triple(&done), (req, CHILD_CTX, OK));
    assert_eq!(
        done.probe,
        Some(true),
        "the count is written before REQUEST_COMPLETE"
    );
    assert_eq!(got.get(), Some((10, b"0123456789".to_vec())));
    // Served from the end of the data: TRUE with 0 bytes at once.
    match raw::internet_read_file(&a.engine, req.as_raw(), vec![0u8; 10], |_| {}) {
        Outcome::Done(Ok((0, _))) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(a.finish(mark, &[req, c]), [(req, CHILD_CTX, OK)]);
}

#[test]
fn async_internet_read_file_ex_pends_and_fills_the_buffer_at_completion() {
    let go = Signal::new();
    let srv = stalled(&go, b"abcdef");
    let a = Async::new();
    let c = a.http(srv.port());
    let req = a.request(c, "GET", "/");
    a.send(req);
    let mark = a.log.mark();
    let got: Slot<(usize, Vec<u8>)> = output(&a.log);
    let g = got.clone();
    assert_pending(raw::internet_read_file_ex(
        &a.engine,
        req.as_raw(),
        vec![0u8; 6],
        IRF_ASYNC,
        move |r| match r.as_ref().unwrap() {
            ReadEx::Read(n, b) => g.put((*n, b.clone())),
            ReadEx::Untouched(_) => panic!("a read without IRF_NO_WAIT fills the buffer"),
        },
    ));
    go.fire();
    let done = a.log.wait_complete_after(mark);
    assert_eq!(entry_triple(&done), (req, CHILD_CTX, OK));
    assert_eq!(
        done.probe,
        Some(true),
        "the count is written before REQUEST_COMPLETE"
    );
    assert_eq!(got.get(), Some((6, b"abcdef".to_vec())));
    match raw::internet_read_file_ex(&a.engine, req.as_raw(), vec![0u8; 6], IRF_NO_WAIT, |_| {}) {
        Outcome::Done(Ok(ReadEx::Read(0, _))) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(a.finish(mark, &[req, c]), [(req, CHILD_CTX, OK)]);
}

#[test]
fn async_internet_query_data_available_pends_with_the_count_in_dw_error() {
    let go = Signal::new();
    let srv = stalled(&go, b"seven!!");
    let a = Async::new();
    let c = a.http(srv.port());
    let req = a.request(c, "GET", "/");
    a.send(req);
    let mark = a.log.mark();
    let avail: Slot<u64> = output(&a.log);
    let v = avail.clone();
    assert_pending(raw::internet_query_data_available(
        &a.engine,
        req.as_raw(),
        move |r| v.put(*r.as_ref().unwrap()),
    ));
    go.fire();
    let done = a.log.wait_complete_after(mark);
    // Native reports the number of bytes available in dwError.
    assert_eq!(
        entry_triple(&done),
        (
            req,
            CHILD_CTX,
            Res {
                result: 1,
                error: 7
            }
        )
    );
    assert_eq!(
        done.probe,
        Some(true),
        "the count is written before REQUEST_COMPLETE"
    );
    assert_eq!(avail.get(), Some(7));
    // The bytes are buffered now: they are read at once.
    match raw::internet_read_file(&a.engine, req.as_raw(), vec![0u8; 7], |_| {}) {
        Outcome::Done(Ok((7, b))) => assert_eq!(b, b"seven!!"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        a.finish(mark, &[req, c]),
        [(
            req,
            CHILD_CTX,
            Res {
                result: 1,
                error: 7
            }
        )]
    );
}
