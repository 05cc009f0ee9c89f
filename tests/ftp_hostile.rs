//! Bad input from FTP servers, against the testkit's scripted peer: each case asserts the
//! exact error code, that nothing hangs (stalls are held by a Signal and end in the
//! configured timeout), the state of the session and of local files, and the exact commands
//! sent.

mod ftp_common;

use std::net::Ipv4Addr;

use ftp_common::*;
use hinternet::raw;
use hinternet_core::consts::*;
use hinternet_core::{Engine, Handle, OptionInput};
use hinternet_testkit::Signal;

const LOGIN: [&str; 3] = ["USER u", "PASS p", "FEAT"];

fn set_ms(e: &Engine, h: Handle, option: u32, ms: u32) {
    e.set_option(
        Some(h.as_raw()),
        option,
        &OptionInput::Bytes(&ms.to_le_bytes()),
    )
    .unwrap();
}

/// A root with short waits: control replies and data reads 400 ms.
fn impatient_root(e: &Engine) -> Handle {
    let r = root(e, 0);
    set_ms(e, r, INTERNET_OPTION_RECEIVE_TIMEOUT, 400);
    set_ms(e, r, INTERNET_OPTION_DATA_RECEIVE_TIMEOUT, 400);
    set_ms(e, r, INTERNET_OPTION_CONNECT_TIMEOUT, 5000);
    r
}

fn session(script: FtpScript) -> (hinternet_testkit::ftp::FtpScriptServer, Engine, Handle) {
    let server = script.start_blocking().unwrap();
    let e = engine();
    let r = impatient_root(&e);
    let c = connect(
        &e,
        r,
        server.port(),
        Some("u"),
        Some("p"),
        INTERNET_FLAG_PASSIVE,
        1,
    )
    .unwrap();
    (server, e, c)
}

fn cmds(extra: &[&str]) -> Vec<String> {
    LOGIN.iter().chain(extra).map(|s| s.to_string()).collect()
}

fn retr(path: &str) -> Step {
    Step::new(&format!("RETR {path}"))
}

fn get(
    e: &Engine,
    c: Handle,
    remote: &str,
    local: &std::path::Path,
) -> Result<(), hinternet_core::Error> {
    done(raw::ftp_get_file(
        e,
        c.as_raw(),
        Some(remote),
        Some(local),
        false,
        0,
        0,
        |_| {},
    ))
}

fn dir_is_empty(d: &std::path::Path) -> bool {
    std::fs::read_dir(d).unwrap().count() == 0
}

// ---- passive-mode replies ------------------------------------------------------------------

#[test]
fn a_pasv_reply_naming_a_foreign_address_still_connects_to_the_control_peer() {
    let (server, e, c) = session(
        script_login(&[])
            .step(Step::new("TYPE I").reply("200 ok"))
            .step(Step::new("EPSV").reply("500 what"))
            .step(Step::new("PASV").pasv(Ipv4Addr::new(10, 1, 2, 3)))
            .step(
                retr("a")
                    .reply("150 go")
                    .send(&b"payload"[..])
                    .then_reply("226 ok"),
            ),
    );
    let f = done(raw::ftp_open_file(
        &e,
        c.as_raw(),
        Some("a"),
        GENERIC_READ,
        0,
        0,
        |_| {},
    ))
    .unwrap();
    assert_eq!(read_to_end(&e, f, 3).unwrap(), b"payload");
    assert_eq!(
        server.commands(),
        cmds(&["TYPE I", "EPSV", "PASV", "RETR a"])
    );
}

#[test]
fn a_pasv_reply_with_an_unroutable_address_still_connects_to_the_control_peer() {
    let (server, e, c) = session(
        script_login(&[])
            .step(Step::new("TYPE I").reply("200 ok"))
            .step(Step::new("EPSV").reply("502 no"))
            .step(Step::new("PASV").pasv(Ipv4Addr::new(0, 0, 0, 0)))
            .step(
                retr("a")
                    .reply("150 go")
                    .send(&b"xyz"[..])
                    .then_reply("226 ok"),
            ),
    );
    let f = done(raw::ftp_open_file(
        &e,
        c.as_raw(),
        Some("a"),
        GENERIC_READ,
        0,
        0,
        |_| {},
    ))
    .unwrap();
    assert_eq!(read_to_end(&e, f, 100).unwrap(), b"xyz");
    assert_eq!(
        server.commands(),
        cmds(&["TYPE I", "EPSV", "PASV", "RETR a"])
    );
}

#[test]
fn a_pasv_reply_without_an_address_is_an_extended_error_and_no_retr_is_sent() {
    let (server, e, c) = session(
        script_login(&[])
            .step(Step::new("TYPE I").reply("200 ok"))
            .step(Step::new("EPSV").reply("500 what"))
            .step(Step::new("PASV").reply("227 Entering Passive Mode (garbage)"))
            .step(Step::new("PWD").reply("257 \"/\"")),
    );
    let err = done(raw::ftp_open_file(
        &e,
        c.as_raw(),
        Some("a"),
        GENERIC_READ,
        0,
        0,
        |_| {},
    ))
    .unwrap_err();
    assert_eq!(err.code(), ERROR_INTERNET_EXTENDED_ERROR);
    assert_eq!(server.commands(), cmds(&["TYPE I", "EPSV", "PASV"]));
    // The control connection is in step: the session still works.
    let pwd = done(raw::ftp_get_current_directory(
        &e,
        c.as_raw(),
        Some(260),
        false,
        |_| {},
    ))
    .unwrap();
    assert_eq!(pwd, "/");
}

#[test]
fn a_malformed_epsv_reply_falls_back_to_pasv() {
    let (server, e, c) = session(
        script_login(&[])
            .step(Step::new("TYPE I").reply("200 ok"))
            .step(Step::new("EPSV").reply("229 Entering Extended Passive Mode (|||x|)"))
            .step(Step::new("PASV").pasv(Ipv4Addr::LOCALHOST))
            .step(
                retr("a")
                    .reply("150 go")
                    .send(&b"ok"[..])
                    .then_reply("226 ok"),
            ),
    );
    let f = done(raw::ftp_open_file(
        &e,
        c.as_raw(),
        Some("a"),
        GENERIC_READ,
        0,
        0,
        |_| {},
    ))
    .unwrap();
    assert_eq!(read_to_end(&e, f, 100).unwrap(), b"ok");
    assert_eq!(
        server.commands(),
        cmds(&["TYPE I", "EPSV", "PASV", "RETR a"])
    );
}

#[test]
fn a_pasv_port_nobody_listens_on_is_cannot_connect_and_the_session_survives() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (server, e, c) = session(
        script_login(&[])
            .step(Step::new("TYPE I").reply("200 ok"))
            .step(Step::new("EPSV").reply(&format!(
                "229 Entering Extended Passive Mode (|||{closed}|)"
            )))
            .step(Step::new("PWD").reply("257 \"/x\"")),
    );
    let err = done(raw::ftp_open_file(
        &e,
        c.as_raw(),
        Some("a"),
        GENERIC_READ,
        0,
        0,
        |_| {},
    ))
    .unwrap_err();
    assert_eq!(err.code(), ERROR_INTERNET_CANNOT_CONNECT);
    let pwd = done(raw::ftp_get_current_directory(
        &e,
        c.as_raw(),
        Some(260),
        false,
        |_| {},
    ))
    .unwrap();
    assert_eq!(pwd, "/x");
    assert_eq!(server.commands(), cmds(&["TYPE I", "EPSV", "PWD"]));
}

// ---- connect and login -----------------------------------------------------------------------

#[test]
fn a_530_to_the_password_is_a_login_failure() {
    let server = FtpScript::new()
        .step(Step::new("USER").reply("331 pw please"))
        .step(Step::new("PASS").reply("530 Login incorrect."))
        .start_blocking()
        .unwrap();
    let e = engine();
    let r = impatient_root(&e);
    let err = connect(&e, r, server.port(), Some("u"), Some("secret"), 0, 1).unwrap_err();
    assert_eq!(err.code(), ERROR_INTERNET_LOGIN_FAILURE);
    assert_eq!(err.reply(), Some("530 Login incorrect.\r\n"));
    // The control connection was open: the handle's close says QUIT.
    assert_eq!(server.commands(), ["USER u", "PASS secret", "QUIT"]);
}

#[test]
fn a_server_echoing_the_password_has_it_masked_in_the_error() {
    let server = FtpScript::new()
        .step(Step::new("USER").reply("331 pw please"))
        .step(Step::new("PASS").reply("530 'PASS hunter2' rejected for hunter2"))
        .start_blocking()
        .unwrap();
    let e = engine();
    let r = impatient_root(&e);
    let err = connect(&e, r, server.port(), Some("u"), Some("hunter2"), 0, 1).unwrap_err();
    assert_eq!(err.code(), ERROR_INTERNET_LOGIN_FAILURE);
    assert!(!format!("{err:?} {err}").contains("hunter2"), "{err:?}");
}

#[test]
fn a_421_after_user_fails_the_connect_with_the_reply() {
    let server = FtpScript::new()
        .step(
            Step::new("USER")
                .reply("421 Service not available, closing")
                .close(),
        )
        .start_blocking()
        .unwrap();
    let e = engine();
    let r = impatient_root(&e);
    let err = connect(&e, r, server.port(), Some("u"), Some("p"), 0, 1).unwrap_err();
    assert_eq!(err.code(), ERROR_INTERNET_EXTENDED_ERROR);
    assert_eq!(err.reply(), Some("421 Service not available, closing\r\n"));
}

#[test]
fn a_greeting_that_never_comes_times_out() {
    let server = FtpScript::new().greeting_raw("").start_blocking().unwrap();
    let e = engine();
    let r = impatient_root(&e);
    let err = connect(&e, r, server.port(), None, None, 0, 1).unwrap_err();
    assert_eq!(err.code(), ERROR_INTERNET_TIMEOUT);
}

#[test]
fn a_greeting_without_a_code_is_an_extended_error() {
    let server = FtpScript::new()
        .greeting_raw("hello there\r\n")
        .start_blocking()
        .unwrap();
    let e = engine();
    let r = impatient_root(&e);
    let err = connect(&e, r, server.port(), None, None, 0, 1).unwrap_err();
    assert_eq!(err.code(), ERROR_INTERNET_EXTENDED_ERROR);
    assert!(server.commands().is_empty());
}

// ---- replies --------------------------------------------------------------------------------

#[test]
fn multi_line_replies_with_bare_lf_and_uncoded_lines_are_read_whole() {
    let feat = "211-Features:\n MLST type*;size*;\n SIZE\nsome text without a code\r\n211 End\n";
    let server = FtpScript::new()
        .greeting_raw("220-Welcome\r\nno code here\n220 ready\r\n")
        .login()
        .step(Step::new("FEAT").reply_raw(feat))
        .step(Step::new("PWD").reply_raw("257-\"/odd\"\n is here\r\n257 done\r\n"))
        .start_blocking()
        .unwrap();
    let e = engine();
    let r = impatient_root(&e);
    let c = connect(&e, r, server.port(), Some("u"), Some("p"), 0, 1).unwrap();
    let pwd = done(raw::ftp_get_current_directory(
        &e,
        c.as_raw(),
        Some(260),
        false,
        |_| {},
    ))
    .unwrap();
    assert_eq!(pwd, "/odd");
    assert_eq!(server.commands(), cmds(&["PWD"]));
}

#[test]
fn a_reply_line_without_a_code_is_an_extended_error_and_the_session_is_dropped() {
    let (server, e, c) =
        session(script_login(&[]).step(Step::new("MKD d").reply("directory made!")));
    let err = done(raw::ftp_create_directory(&e, c.as_raw(), Some("d"), |_| {})).unwrap_err();
    assert_eq!(err.code(), ERROR_INTERNET_EXTENDED_ERROR);
    assert_eq!(
        code(done(raw::ftp_create_directory(
            &e,
            c.as_raw(),
            Some("d"),
            |_| {}
        ))),
        ERROR_FTP_DROPPED
    );
    assert_eq!(server.commands(), cmds(&["MKD d"]));
}

#[test]
fn a_preliminary_reply_to_a_control_command_is_an_extended_error() {
    let (_server, e, c) = session(
        script_login(&[])
            .step(Step::new("MKD d").reply("150 what?"))
            .step(Step::new("PWD").reply("257 \"/\"")),
    );
    let err = done(raw::ftp_create_directory(&e, c.as_raw(), Some("d"), |_| {})).unwrap_err();
    assert_eq!(err.code(), ERROR_INTERNET_EXTENDED_ERROR);
    assert_eq!(err.reply(), Some("150 what?\r\n"));
}

#[test]
fn a_reply_that_never_comes_times_out_and_drops_the_session() {
    let stall = Signal::new();
    let (server, e, c) = session(
        script_login(&[]).step(
            Step::new("MKD d")
                .stall_before_final(&stall)
                .then_reply("257 late"),
        ),
    );
    let err = done(raw::ftp_create_directory(&e, c.as_raw(), Some("d"), |_| {})).unwrap_err();
    assert_eq!(err.code(), ERROR_INTERNET_TIMEOUT);
    stall.fire();
    assert_eq!(
        code(done(raw::ftp_create_directory(
            &e,
            c.as_raw(),
            Some("d"),
            |_| {}
        ))),
        ERROR_FTP_DROPPED
    );
    assert_eq!(server.commands(), cmds(&["MKD d"]));
}

#[test]
fn a_control_connection_closed_mid_session_fails_the_call_without_hanging() {
    let (_server, e, c) = session(script_login(&[]).step(Step::new("MKD d").close()));
    let err = done(raw::ftp_create_directory(&e, c.as_raw(), Some("d"), |_| {})).unwrap_err();
    assert_eq!(err.code(), ERROR_INTERNET_CONNECTION_ABORTED);
}

#[test]
fn a_pwd_reply_without_quotes_gives_its_text() {
    let (_server, e, c) = session(script_login(&[]).step(Step::new("PWD").reply("257 /plain")));
    let pwd = done(raw::ftp_get_current_directory(
        &e,
        c.as_raw(),
        Some(260),
        false,
        |_| {},
    ))
    .unwrap();
    assert_eq!(pwd, "/plain");
}

// ---- listings -------------------------------------------------------------------------------

fn listing_script(listing: &'static [u8]) -> FtpScript {
    script_login(&[])
        .step(Step::new("TYPE A").reply("200 ok"))
        .step(Step::new("EPSV").epsv())
        .step(
            Step::new("LIST")
                .reply("150 here")
                .send(listing)
                .then_reply("226 done"),
        )
}

#[test]
fn garbage_listing_lines_are_skipped_and_counted() {
    let (_server, e, c) = session(listing_script(
        b"total 3\r\n\x00\x01\x02 garbage\r\n-rw-r--r-- 1 u g 5 Jan  1  2020 good.txt\r\nthis is not a listing\r\n-rw-r--r-- 1 u g notanumber Jan  1  2020 bad\r\n",
    ));
    let (h, first) = done(raw::ftp_find_first_file(&e, c.as_raw(), None, 0, 0, |_| {})).unwrap();
    assert_eq!(first.name, b"good.txt");
    assert_eq!(first.size, 5);
    assert!(rest_of(&e, h).is_empty());
    assert_eq!(raw::ftp_find_stats(&e, h.as_raw()).unwrap(), (3, 0));
}

#[test]
fn a_listing_of_nothing_but_garbage_is_no_more_files() {
    let (_server, e, c) = session(listing_script(b"garbage\r\nmore garbage\r\n"));
    assert_eq!(
        code(done(raw::ftp_find_first_file(
            &e,
            c.as_raw(),
            None,
            0,
            0,
            |_| {}
        ))),
        ERROR_NO_MORE_FILES
    );
    // The transfer slot was released: the next call reaches the server (whose script has
    // ended, so it refuses).
    assert_eq!(
        code(done(raw::ftp_create_directory(
            &e,
            c.as_raw(),
            Some("d"),
            |_| {}
        ))),
        ERROR_INTERNET_EXTENDED_ERROR
    );
}

#[test]
fn unsafe_names_are_reported_as_sent_and_flagged() {
    let (_server, e, c) = session(listing_script(
        b"-rw-r--r-- 1 u g 1 Jan  1  2020 a/b\r\n-rw-r--r-- 1 u g 2 Jan  1  2020 ../etc/passwd\r\n-rw-r--r-- 1 u g 3 Jan  1  2020 nul\x00name\r\n-rw-r--r-- 1 u g 4 Jan  1  2020 ..\r\n-rw-r--r-- 1 u g 5 Jan  1  2020 fine\r\n",
    ));
    let (h, first) = done(raw::ftp_find_first_file(&e, c.as_raw(), None, 0, 0, |_| {})).unwrap();
    let mut all = vec![first];
    all.extend(rest_of(&e, h));
    let names: Vec<&[u8]> = all.iter().map(|f| f.name.as_slice()).collect();
    assert_eq!(
        names,
        [&b"a/b"[..], b"../etc/passwd", b"nul\x00name", b"fine"]
    );
    assert!(all[..3].iter().all(|f| f.has_unsafe_name()));
    assert!(!all[3].has_unsafe_name());
    assert_eq!(raw::ftp_find_stats(&e, h.as_raw()).unwrap(), (0, 3));
}

// ---- transfers ------------------------------------------------------------------------------

fn retr_script(step: Step) -> FtpScript {
    script_login(&[])
        .step(Step::new("TYPE I").reply("200 ok"))
        .step(Step::new("EPSV").epsv())
        .step(step)
        .step(Step::new("PWD").reply("257 \"/after\""))
}

#[test]
fn a_550_in_the_middle_of_a_retr_fails_the_last_read_and_get_file_leaves_no_file() {
    let step = || {
        retr("f")
            .reply("150 go")
            .send(&b"partial"[..])
            .then_reply("550 Read error")
    };
    let (_server, e, c) = session(retr_script(step()));
    let f = done(raw::ftp_open_file(
        &e,
        c.as_raw(),
        Some("f"),
        GENERIC_READ,
        0,
        0,
        |_| {},
    ))
    .unwrap();
    let err = read_to_end(&e, f, 100).unwrap_err();
    assert_eq!(err.code(), ERROR_INTERNET_EXTENDED_ERROR);
    assert_eq!(err.reply(), Some("550 Read error\r\n"));
    raw::internet_close_handle(&e, f.as_raw()).unwrap();
    let pwd = done(raw::ftp_get_current_directory(
        &e,
        c.as_raw(),
        Some(260),
        false,
        |_| {},
    ))
    .unwrap();
    assert_eq!(pwd, "/after");

    let (_server, e, c) = session(retr_script(step()));
    let dir = tempfile::tempdir().unwrap();
    let err = get(&e, c, "f", &dir.path().join("f")).unwrap_err();
    assert_eq!(err.code(), ERROR_INTERNET_EXTENDED_ERROR);
    assert!(dir_is_empty(dir.path()));
}

#[test]
fn a_data_connection_reset_mid_transfer_leaves_no_partial_file() {
    let data = vec![7u8; 256 * 1024];
    let (server, e, c) = session(retr_script(
        retr("f")
            .reply("150 go")
            .send_then_reset(data, 100_000)
            .then_reply("426 Connection reset"),
    ));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("f"), b"old contents").unwrap();
    let err = get(&e, c, "f", &dir.path().join("f")).unwrap_err();
    assert!(
        [
            ERROR_INTERNET_CONNECTION_RESET,
            ERROR_INTERNET_CONNECTION_ABORTED
        ]
        .contains(&err.code()),
        "{err:?}"
    );
    // The old file is untouched and no temporary file is left.
    assert_eq!(
        std::fs::read(dir.path().join("f")).unwrap(),
        b"old contents"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    // The session is usable: the 426 is drained before the next command's reply.
    let pwd = done(raw::ftp_get_current_directory(
        &e,
        c.as_raw(),
        Some(260),
        false,
        |_| {},
    ))
    .unwrap();
    assert_eq!(pwd, "/after");
    assert_eq!(
        server.commands(),
        cmds(&["TYPE I", "EPSV", "RETR f", "PWD"])
    );
}

#[test]
fn a_server_that_stalls_after_150_times_out_the_read() {
    let stall = Signal::new();
    let (_server, e, c) = session(retr_script(
        retr("f")
            .reply("150 go")
            .stall_before_data(&stall)
            .send(&b"late"[..])
            .then_reply("226 ok"),
    ));
    let f = done(raw::ftp_open_file(
        &e,
        c.as_raw(),
        Some("f"),
        GENERIC_READ,
        0,
        0,
        |_| {},
    ))
    .unwrap();
    let err = done(raw::internet_read_file(
        &e,
        f.as_raw(),
        vec![0u8; 10],
        |_| {},
    ))
    .unwrap_err();
    assert_eq!(err.code(), ERROR_INTERNET_TIMEOUT);
    stall.fire();
    let dir = tempfile::tempdir().unwrap();
    raw::internet_close_handle(&e, f.as_raw()).unwrap();
    let _ = get(&e, c, "f", &dir.path().join("f"));
    assert!(dir_is_empty(dir.path()));
}

#[test]
fn a_226_that_never_comes_times_out_get_file_and_leaves_no_file() {
    let stall = Signal::new();
    let (_server, e, c) = session(retr_script(
        retr("f")
            .reply("150 go")
            .send(&b"all the data"[..])
            .stall_before_final(&stall),
    ));
    let dir = tempfile::tempdir().unwrap();
    let err = get(&e, c, "f", &dir.path().join("f")).unwrap_err();
    assert_eq!(err.code(), ERROR_INTERNET_TIMEOUT);
    assert!(dir_is_empty(dir.path()));
    stall.fire();
}

#[test]
fn a_retr_refused_with_550_is_an_extended_error_and_the_session_survives() {
    let (server, e, c) = session(retr_script(retr("nope").reply("550 No such file")));
    let err = done(raw::ftp_open_file(
        &e,
        c.as_raw(),
        Some("nope"),
        GENERIC_READ,
        0,
        0,
        |_| {},
    ))
    .unwrap_err();
    assert_eq!(err.code(), ERROR_INTERNET_EXTENDED_ERROR);
    assert_eq!(err.reply(), Some("550 No such file\r\n"));
    assert_eq!(
        raw::ftp_last_response(&e, c.as_raw()).unwrap(),
        "550 No such file\r\n"
    );
    let pwd = done(raw::ftp_get_current_directory(
        &e,
        c.as_raw(),
        Some(260),
        false,
        |_| {},
    ))
    .unwrap();
    assert_eq!(pwd, "/after");
    assert_eq!(
        server.commands(),
        cmds(&["TYPE I", "EPSV", "RETR nope", "PWD"])
    );
}

#[test]
fn a_425_to_retr_is_cannot_connect() {
    let (_server, e, c) = session(retr_script(
        retr("f").reply("425 Can't open data connection"),
    ));
    let err = done(raw::ftp_open_file(
        &e,
        c.as_raw(),
        Some("f"),
        GENERIC_READ,
        0,
        0,
        |_| {},
    ))
    .unwrap_err();
    assert_eq!(err.code(), ERROR_INTERNET_CANNOT_CONNECT);
}

#[test]
fn a_huge_reply_is_refused_without_hanging() {
    let mut big = String::from("257-\"/\"\r\n");
    for _ in 0..6000 {
        big.push_str(" filler filler filler filler filler filler filler filler filler filler\r\n");
    }
    big.push_str("257 end\r\n");
    let (_server, e, c) = session(script_login(&[]).step(Step::new("PWD").reply_raw(big)));
    let err = done(raw::ftp_get_current_directory(
        &e,
        c.as_raw(),
        Some(260),
        false,
        |_| {},
    ))
    .unwrap_err();
    assert_eq!(err.code(), ERROR_INTERNET_EXTENDED_ERROR);
    assert_eq!(
        code(done(raw::ftp_get_current_directory(
            &e,
            c.as_raw(),
            Some(260),
            false,
            |_| {}
        ))),
        ERROR_FTP_DROPPED
    );
}
