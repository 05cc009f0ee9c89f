//! Status notifications of FTP sessions, sync and async, compared as exact lists: the connect
//! sequence (HANDLE_CREATED, RESOLVING_NAME ... CONNECTED_TO_SERVER, then per command
//! SENDING_REQUEST / REQUEST_SENT / RECEIVING_RESPONSE / RESPONSE_RECEIVED), and the
//! REQUEST_COMPLETE of async session functions on the connect handle with its context.

mod ftp_common;

use std::sync::Mutex;
use std::sync::mpsc;
use std::time::Duration;

use ftp_common::*;
use hinternet::raw::{self, ConnectArgs, Outcome};
use hinternet_core::consts::*;
use hinternet_core::status::callback_fn;
use hinternet_core::{AsyncResult, Handle, StatusEvent};

/// One command's four notifications.
const COMMAND: [u32; 4] = [
    INTERNET_STATUS_SENDING_REQUEST,
    INTERNET_STATUS_REQUEST_SENT,
    INTERNET_STATUS_RECEIVING_RESPONSE,
    INTERNET_STATUS_RESPONSE_RECEIVED,
];

fn connect_sequence(commands: usize) -> Vec<u32> {
    let mut v = vec![
        INTERNET_STATUS_HANDLE_CREATED,
        INTERNET_STATUS_RESOLVING_NAME,
        INTERNET_STATUS_NAME_RESOLVED,
        INTERNET_STATUS_CONNECTING_TO_SERVER,
        INTERNET_STATUS_CONNECTED_TO_SERVER,
        INTERNET_STATUS_RECEIVING_RESPONSE,
        INTERNET_STATUS_RESPONSE_RECEIVED,
    ];
    for _ in 0..commands {
        v.extend(COMMAND);
    }
    v
}

#[test]
fn a_sync_connect_notifies_in_native_order_on_the_new_handle() {
    let script = script_login(&[" SIZE"])
        .step(Step::new("MKD d").reply("257 \"/d\" created"))
        .start_blocking()
        .unwrap();
    let e = engine();
    let r = root(&e, 0);
    let rec = Recorder::default();
    raw::internet_set_status_callback(&e, r.as_raw(), Some(rec.callback())).unwrap();
    let c = connect(
        &e,
        r,
        script.port(),
        Some("u"),
        Some("p"),
        INTERNET_FLAG_PASSIVE,
        7,
    )
    .unwrap();
    // Login (USER/PASS) is one exchange through the FTP library, FEAT another.
    assert_eq!(rec.codes(), connect_sequence(2));
    let ev = rec.events();
    assert_eq!(ev[0], (r, 7, StatusEvent::HandleCreated(c)));
    assert_eq!(
        ev[1],
        (c, 7, StatusEvent::ResolvingName("127.0.0.1".into()))
    );
    assert_eq!(ev[2], (c, 7, StatusEvent::NameResolved("127.0.0.1".into())));
    assert_eq!(
        ev[3],
        (c, 7, StatusEvent::ConnectingToServer("127.0.0.1".into()))
    );
    assert_eq!(
        ev[4],
        (c, 7, StatusEvent::ConnectedToServer("127.0.0.1".into()))
    );
    assert!(ev[1..].iter().all(|(h, ctx, _)| *h == c && *ctx == 7));
    rec.clear();
    done(raw::ftp_create_directory(&e, c.as_raw(), Some("d"), |_| {})).unwrap();
    assert_eq!(rec.codes(), COMMAND);
    assert_eq!(rec.events()[1].2, StatusEvent::RequestSent(7));
    assert_eq!(rec.events()[3].2, StatusEvent::ResponseReceived(18));
    rec.clear();
    raw::internet_close_handle(&e, c.as_raw()).unwrap();
    assert_eq!(
        rec.codes(),
        [
            INTERNET_STATUS_CLOSING_CONNECTION,
            INTERNET_STATUS_CONNECTION_CLOSED,
            INTERNET_STATUS_HANDLE_CLOSING
        ]
    );
}

#[test]
fn a_connect_with_context_zero_sends_nothing() {
    let script = script_login(&[]).start_blocking().unwrap();
    let e = engine();
    let r = root(&e, 0);
    let rec = Recorder::default();
    raw::internet_set_status_callback(&e, r.as_raw(), Some(rec.callback())).unwrap();
    let c = connect(
        &e,
        r,
        script.port(),
        Some("u"),
        Some("p"),
        INTERNET_FLAG_PASSIVE,
        0,
    )
    .unwrap();
    raw::internet_close_handle(&e, c.as_raw()).unwrap();
    assert!(rec.codes().is_empty(), "{:?}", rec.codes());
}

#[test]
fn a_failed_login_closes_the_new_handle() {
    let script = FtpScript::new()
        .step(Step::new("USER").reply("331 pw"))
        .step(Step::new("PASS").reply("530 Login incorrect"))
        .start_blocking()
        .unwrap();
    let e = engine();
    let r = root(&e, 0);
    let rec = Recorder::default();
    raw::internet_set_status_callback(&e, r.as_raw(), Some(rec.callback())).unwrap();
    let err = connect(&e, r, script.port(), Some("u"), Some("bad"), 0, 3).unwrap_err();
    assert_eq!(err.code(), ERROR_INTERNET_LOGIN_FAILURE);
    let mut want = connect_sequence(1);
    // The control connection was open: closing the handle sends QUIT first.
    want.extend([
        INTERNET_STATUS_CLOSING_CONNECTION,
        INTERNET_STATUS_CONNECTION_CLOSED,
        INTERNET_STATUS_HANDLE_CLOSING,
    ]);
    assert_eq!(rec.codes(), want);
}

type Completion = (Handle, usize, AsyncResult);

fn completions(e: &hinternet_core::Engine, r: Handle) -> (Recorder, mpsc::Receiver<Completion>) {
    let rec = Recorder::default();
    let inner = rec.callback();
    let (tx, rx) = mpsc::channel();
    let tx = Mutex::new(tx);
    raw::internet_set_status_callback(
        e,
        r.as_raw(),
        Some(callback_fn(move |h, ctx, ev| {
            inner.notify(h, ctx, ev);
            if let StatusEvent::RequestComplete(res) = ev {
                let _ = tx.lock().unwrap().send((h, ctx, *res));
            }
        })),
    )
    .unwrap();
    (rec, rx)
}

fn wait(rx: &mpsc::Receiver<Completion>) -> Completion {
    rx.recv_timeout(Duration::from_secs(20))
        .expect("REQUEST_COMPLETE")
}

#[test]
fn async_connect_and_session_functions_complete_on_the_connect_handle_with_its_context() {
    let script = script_login(&[])
        .step(Step::new("MKD d").reply("257 \"/d\" created"))
        .step(Step::new("RMD x").reply("550 No such directory"))
        .start_blocking()
        .unwrap();
    let e = engine();
    let r = root(&e, INTERNET_FLAG_ASYNC);
    let (rec, rx) = completions(&e, r);
    let args = ConnectArgs {
        server: Some("127.0.0.1"),
        port: script.port(),
        user: Some("u"),
        password: Some("p"),
        service: INTERNET_SERVICE_FTP,
        flags: INTERNET_FLAG_PASSIVE,
        context: 7,
    };
    // InternetConnect pends only when it has to wait (it may finish within its first poll).
    let out = raw::internet_connect(&e, r.as_raw(), args, |_| {});
    let mut want = connect_sequence(2);
    let c = match out {
        Outcome::Pending => {
            let (h, ctx, res) = wait(&rx);
            assert_eq!((h, ctx, res.error), (r, 7, 0));
            want.push(INTERNET_STATUS_REQUEST_COMPLETE);
            Handle::from_raw(res.result).unwrap()
        }
        Outcome::Done(res) => res.unwrap(),
    };
    assert_eq!(rec.codes(), want);
    rec.clear();

    assert!(matches!(
        raw::ftp_create_directory(&e, c.as_raw(), Some("d"), |_| {}),
        Outcome::Pending
    ));
    assert_eq!(
        wait(&rx),
        (
            c,
            7,
            AsyncResult {
                result: 1,
                error: 0
            }
        )
    );
    let mut want = COMMAND.to_vec();
    want.push(INTERNET_STATUS_REQUEST_COMPLETE);
    assert_eq!(rec.codes(), want);

    let (tx, written) = mpsc::channel();
    let out = raw::ftp_remove_directory(&e, c.as_raw(), Some("x"), move |r| {
        let _ = tx.send(
            r.as_ref()
                .map_err(|e| (e.code(), e.reply().map(str::to_owned)))
                .copied_err(),
        );
    });
    assert!(matches!(out, Outcome::Pending));
    assert_eq!(
        wait(&rx),
        (
            c,
            7,
            AsyncResult {
                result: 0,
                error: ERROR_INTERNET_EXTENDED_ERROR
            }
        )
    );
    let (code, reply) = written
        .recv_timeout(Duration::from_secs(5))
        .unwrap()
        .unwrap_err();
    assert_eq!(code, ERROR_INTERNET_EXTENDED_ERROR);
    assert_eq!(reply.as_deref(), Some("550 No such directory\r\n"));
}

/// `Result<&(), (u32, Option<String>)>` → owned.
trait CopiedErr {
    fn copied_err(self) -> Result<(), (u32, Option<String>)>;
}

impl CopiedErr for Result<&(), (u32, Option<String>)> {
    fn copied_err(self) -> Result<(), (u32, Option<String>)> {
        self.map(|_| ())
    }
}

#[test]
fn async_find_first_file_completes_with_the_find_handle_and_the_entry() {
    let script = script_login(&[])
        .step(Step::new("TYPE A").reply("200 ok"))
        .step(Step::new("EPSV").epsv())
        .step(
            Step::new("LIST")
                .reply("150 here")
                .send(&b"-rw-r--r-- 1 u g 3 Jan  1  2020 a\r\n"[..])
                .then_reply("226 done"),
        )
        .start_blocking()
        .unwrap();
    let e = engine();
    let r = root(&e, INTERNET_FLAG_ASYNC);
    let (rec, rx) = completions(&e, r);
    let c = match raw::internet_connect(
        &e,
        r.as_raw(),
        ConnectArgs {
            server: Some("127.0.0.1"),
            port: script.port(),
            user: Some("u"),
            password: Some("p"),
            service: INTERNET_SERVICE_FTP,
            flags: INTERNET_FLAG_PASSIVE,
            context: 7,
        },
        |_| {},
    ) {
        Outcome::Pending => Handle::from_raw(wait(&rx).2.result).unwrap(),
        Outcome::Done(r) => r.unwrap(),
    };
    rec.clear();
    let (tx, entry) = mpsc::channel();
    let out = raw::ftp_find_first_file(&e, c.as_raw(), None, 0, 11, move |r| {
        let _ = tx.send(
            r.as_ref()
                .map(|(h, f)| (*h, f.name.clone()))
                .map_err(|e| e.code()),
        );
    });
    assert!(matches!(out, Outcome::Pending));
    let (h, ctx, res) = wait(&rx);
    assert_eq!((h, ctx, res.error), (c, 7, 0));
    let (find, name) = entry.recv_timeout(Duration::from_secs(5)).unwrap().unwrap();
    assert_eq!(res.result, find.as_raw());
    assert_eq!(name, b"a");
    let ev = rec.events();
    let created = ev
        .iter()
        .find(|(_, _, e)| matches!(e, StatusEvent::HandleCreated(_)))
        .unwrap();
    assert_eq!(created, &(c, 11, StatusEvent::HandleCreated(find)));
}

#[test]
fn async_open_file_and_reads_complete_through_request_complete() {
    let data = hinternet_testkit::pattern::bytes(0, 200_000);
    let server = FtpServer::start_blocking().unwrap();
    std::fs::write(server.root().join("a.bin"), &data).unwrap();
    let e = engine();
    let r = root(&e, INTERNET_FLAG_ASYNC);
    let (_rec, rx) = completions(&e, r);
    let c = match raw::internet_connect(
        &e,
        r.as_raw(),
        ConnectArgs {
            server: Some("127.0.0.1"),
            port: server.port(),
            user: Some(hinternet_testkit::ftp::DEFAULT_USER),
            password: Some(hinternet_testkit::ftp::DEFAULT_PASSWORD),
            service: INTERNET_SERVICE_FTP,
            flags: INTERNET_FLAG_PASSIVE,
            context: 7,
        },
        |_| {},
    ) {
        Outcome::Pending => Handle::from_raw(wait(&rx).2.result).unwrap(),
        Outcome::Done(r) => r.unwrap(),
    };
    let out = raw::ftp_open_file(&e, c.as_raw(), Some("a.bin"), GENERIC_READ, 0, 9, |_| {});
    assert!(matches!(out, Outcome::Pending));
    let (h, ctx, res) = wait(&rx);
    assert_eq!((h, ctx, res.error), (c, 7, 0));
    let f = Handle::from_raw(res.result).unwrap();
    let mut got = Vec::new();
    for _ in 0..10_000 {
        let (tx, filled) = mpsc::channel();
        let n = match raw::internet_read_file(&e, f.as_raw(), vec![0u8; 65536], move |r| {
            let _ = tx.send(
                r.as_ref()
                    .map(|(n, b)| b[..*n].to_vec())
                    .map_err(|e| e.code()),
            );
        }) {
            Outcome::Done(r) => {
                let (n, b) = r.unwrap();
                got.extend_from_slice(&b[..n]);
                n
            }
            Outcome::Pending => {
                let (h, ctx, res) = wait(&rx);
                assert_eq!(
                    (h, ctx, res),
                    (
                        f,
                        9,
                        AsyncResult {
                            result: 1,
                            error: 0
                        }
                    )
                );
                let chunk = filled
                    .recv_timeout(Duration::from_secs(5))
                    .unwrap()
                    .unwrap();
                got.extend_from_slice(&chunk);
                chunk.len()
            }
        };
        if n == 0 {
            break;
        }
    }
    assert!(got == data);
    raw::internet_close_handle(&e, r.as_raw()).unwrap();
}

#[test]
fn closing_the_session_during_an_async_get_file_cancels_it_and_leaves_no_file() {
    let stall = hinternet_testkit::Signal::new();
    let script = script_login(&[])
        .step(Step::new("TYPE I").reply("200 ok"))
        .step(Step::new("EPSV").epsv())
        .step(
            Step::new("RETR f")
                .reply("150 go")
                .fire(&stall.clone())
                .stall_before_data(&hinternet_testkit::Signal::new())
                .send(&b"never"[..]),
        )
        .start_blocking()
        .unwrap();
    let e = engine();
    let r = root(&e, INTERNET_FLAG_ASYNC);
    let (rec, rx) = completions(&e, r);
    let c = match raw::internet_connect(
        &e,
        r.as_raw(),
        ConnectArgs {
            server: Some("127.0.0.1"),
            port: script.port(),
            user: Some("u"),
            password: Some("p"),
            service: INTERNET_SERVICE_FTP,
            flags: INTERNET_FLAG_PASSIVE,
            context: 7,
        },
        |_| {},
    ) {
        Outcome::Pending => Handle::from_raw(wait(&rx).2.result).unwrap(),
        Outcome::Done(r) => r.unwrap(),
    };
    // The connect handle copied the root's callback; give it one that also reports closing.
    let (ctx_tx, closings) = mpsc::channel();
    let ctx_tx = Mutex::new(ctx_tx);
    let inner = raw::internet_set_status_callback(&e, c.as_raw(), None)
        .unwrap()
        .unwrap();
    raw::internet_set_status_callback(
        &e,
        c.as_raw(),
        Some(callback_fn(move |h, ctx, ev| {
            inner.notify(h, ctx, ev);
            if let StatusEvent::HandleClosing(closed) = ev {
                let _ = ctx_tx.lock().unwrap().send(*closed);
            }
        })),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("f");
    let out = raw::ftp_get_file(
        &e,
        c.as_raw(),
        Some("f"),
        Some(&target),
        false,
        0,
        0,
        |_| {},
    );
    assert!(matches!(out, Outcome::Pending));
    // The server has answered 150 and stalls: close the session under the pending call.
    assert!(stall.wait_blocking(Duration::from_secs(10)));
    rec.clear();
    raw::internet_close_handle(&e, c.as_raw()).unwrap();
    assert_eq!(
        wait(&rx),
        (
            c,
            7,
            AsyncResult {
                result: 0,
                error: ERROR_INTERNET_OPERATION_CANCELLED
            }
        )
    );
    // HANDLE_CLOSING follows REQUEST_COMPLETE as the handle's last notification.
    let closing = closings.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(closing, c);
    let codes = rec.codes();
    assert_eq!(codes.first(), Some(&INTERNET_STATUS_REQUEST_COMPLETE));
    assert_eq!(codes.last(), Some(&INTERNET_STATUS_HANDLE_CLOSING));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

/// A callback of a blocking call closes an FTP download of another session on the same thread:
/// the close returns at once, the ABOR finishes on a helper thread (the blocked caller drives
/// its I/O meanwhile), HANDLE_CLOSING arrives, and the aborted session is usable again.
#[test]
fn closing_a_download_from_a_callback_during_a_blocking_call_aborts_it() {
    use hinternet_testkit::ftp::{DEFAULT_PASSWORD, DEFAULT_USER};
    let server = FtpServer::builder().start_blocking().unwrap();
    std::fs::write(server.root().join("big.bin"), vec![1u8; 8 << 20]).unwrap();
    let e = engine();
    let r = root(&e, 0);
    let login = (Some(DEFAULT_USER), Some(DEFAULT_PASSWORD));
    let busy = connect(
        &e,
        r,
        server.port(),
        login.0,
        login.1,
        INTERNET_FLAG_PASSIVE,
        0,
    )
    .unwrap();
    let other = connect(
        &e,
        r,
        server.port(),
        login.0,
        login.1,
        INTERNET_FLAG_PASSIVE,
        5,
    )
    .unwrap();
    let file = done(raw::ftp_open_file(
        &e,
        busy.as_raw(),
        Some("big.bin"),
        GENERIC_READ,
        FTP_TRANSFER_TYPE_BINARY,
        7,
        |_| {},
    ))
    .unwrap();
    let (n, _) = done(raw::internet_read_file(
        &e,
        file.as_raw(),
        vec![0u8; 4096],
        |_| {},
    ))
    .unwrap();
    assert_eq!(n, 4096);

    let (closed_tx, closed_rx) = mpsc::channel();
    let closed_tx = Mutex::new(closed_tx);
    let engine2 = e.clone();
    let once = std::sync::atomic::AtomicBool::new(false);
    let cb = callback_fn(move |h, _ctx, ev| match ev {
        StatusEvent::SendingRequest
            if h == other && !once.swap(true, std::sync::atomic::Ordering::SeqCst) =>
        {
            // Re-entrant close of a handle of another session, during a blocking call.
            engine2.close(file.as_raw()).unwrap();
        }
        StatusEvent::HandleClosing(c) if *c == file => {
            let _ = closed_tx.lock().unwrap().send(());
        }
        _ => {}
    });
    raw::internet_set_status_callback(&e, other.as_raw(), Some(cb.clone())).unwrap();
    raw::internet_set_status_callback(&e, file.as_raw(), Some(cb)).unwrap();
    let pwd = done(raw::ftp_get_current_directory(
        &e,
        other.as_raw(),
        Some(260),
        false,
        |_| {},
    ));
    assert_eq!(pwd.unwrap(), "/");
    closed_rx
        .recv_timeout(Duration::from_secs(20))
        .expect("HANDLE_CLOSING of the aborted download");
    // The aborted session's transfer slot is free again.
    let pwd = done(raw::ftp_get_current_directory(
        &e,
        busy.as_raw(),
        Some(260),
        false,
        |_| {},
    ));
    assert_eq!(pwd.unwrap(), "/");
}
