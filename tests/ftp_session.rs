//! InternetConnect(FTP) and the session functions: login (named, anonymous, refused), FEAT
//! and OPTS UTF8, directories, delete, rename, FtpCommand, the last reply, and the exact
//! commands sent (scripted peer) — by handle value, as a C program drives WinINet.

mod ftp_common;

use ftp_common::*;
use hinternet::raw;
use hinternet_core::consts::*;
use hinternet_testkit::ftp::DEFAULT_USER;

#[test]
fn connect_logs_in_and_returns_a_connect_ftp_handle() {
    let server = FtpServer::start_blocking().unwrap();
    let e = engine();
    let (r, c) = login(&e, &server);
    let kind = e
        .query_option(Some(c.as_raw()), INTERNET_OPTION_HANDLE_TYPE)
        .unwrap();
    assert_eq!(
        kind,
        hinternet_core::OptionValue::Dword(INTERNET_HANDLE_TYPE_CONNECT_FTP)
    );
    raw::internet_close_handle(&e, r.as_raw()).unwrap();
}

#[test]
fn a_wrong_password_is_a_login_failure_with_the_reply_text() {
    let server = FtpServer::start_blocking().unwrap();
    let e = engine();
    let r = root(&e, 0);
    let err = connect(
        &e,
        r,
        server.port(),
        Some(DEFAULT_USER),
        Some("nope"),
        INTERNET_FLAG_PASSIVE,
        1,
    )
    .unwrap_err();
    assert_eq!(err.code(), ERROR_INTERNET_LOGIN_FAILURE);
    assert!(err.reply().unwrap().starts_with("530"), "{err:?}");
    assert!(!format!("{err:?}{err}").contains("nope"));
}

#[test]
fn a_password_without_a_user_is_an_invalid_parameter() {
    let e = engine();
    let r = root(&e, 0);
    assert_eq!(
        code(connect(&e, r, 21, None, Some("pw"), 0, 1)),
        ERROR_INVALID_PARAMETER
    );
}

#[test]
fn a_refused_connection_is_cannot_connect() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let e = engine();
    let r = root(&e, 0);
    assert_eq!(
        code(connect(&e, r, port, None, None, 0, 1)),
        ERROR_INTERNET_CANNOT_CONNECT
    );
}

#[test]
fn anonymous_login_sends_anonymous_and_the_ie_password_then_feat() {
    let script = script_login(&[" SIZE", " MDTM"]).start_blocking().unwrap();
    let e = engine();
    let r = root(&e, 0);
    let c = connect(&e, r, script.port(), None, None, INTERNET_FLAG_PASSIVE, 1).unwrap();
    assert_eq!(
        script.commands(),
        ["USER anonymous", "PASS IEUser@", "FEAT"]
    );
    raw::internet_close_handle(&e, c.as_raw()).unwrap();
    assert_eq!(script.commands().last().unwrap(), "QUIT");
}

#[test]
fn a_user_without_a_password_sends_an_empty_password() {
    let script = script_login(&[]).start_blocking().unwrap();
    let e = engine();
    let r = root(&e, 0);
    connect(
        &e,
        r,
        script.port(),
        Some("bob"),
        None,
        INTERNET_FLAG_PASSIVE,
        1,
    )
    .unwrap();
    assert_eq!(&script.commands()[..2], ["USER bob", "PASS "]);
}

#[test]
fn utf8_is_turned_on_when_feat_offers_it() {
    let script = script_login(&[" UTF8", " MLST type*;size*;modify*;"])
        .start_blocking()
        .unwrap();
    let e = engine();
    let r = root(&e, 0);
    connect(
        &e,
        r,
        script.port(),
        Some("u"),
        Some("p"),
        INTERNET_FLAG_PASSIVE,
        1,
    )
    .unwrap();
    assert_eq!(
        script.commands(),
        ["USER u", "PASS p", "FEAT", "OPTS UTF8 ON"]
    );
    assert!(script.mismatches().is_empty(), "{:?}", script.mismatches());
}

#[test]
fn a_421_greeting_fails_the_connect_with_the_reply() {
    let script = FtpScript::new()
        .greeting("421 Too many users")
        .start_blocking()
        .unwrap();
    let e = engine();
    let r = root(&e, 0);
    let err = connect(&e, r, script.port(), None, None, 0, 1).unwrap_err();
    assert_eq!(err.code(), ERROR_INTERNET_EXTENDED_ERROR);
    assert_eq!(err.reply(), Some("421 Too many users\r\n"));
}

#[test]
fn directories_are_created_entered_printed_and_removed() {
    let server = FtpServer::start_blocking().unwrap();
    let e = engine();
    let (_r, c) = login(&e, &server);
    let h = c.as_raw();
    done(raw::ftp_create_directory(&e, h, Some("d1"), |_| {})).unwrap();
    assert!(server.root().join("d1").is_dir());
    done(raw::ftp_set_current_directory(&e, h, Some("d1"), |_| {})).unwrap();
    let pwd = done(raw::ftp_get_current_directory(
        &e,
        h,
        Some(260),
        false,
        |_| {},
    ))
    .unwrap();
    assert_eq!(pwd, "/d1");
    done(raw::ftp_set_current_directory(&e, h, Some("/"), |_| {})).unwrap();
    done(raw::ftp_remove_directory(&e, h, Some("d1"), |_| {})).unwrap();
    assert!(!server.root().join("d1").exists());
}

#[test]
fn server_refusals_are_extended_errors_with_the_last_reply() {
    let server = FtpServer::start_blocking().unwrap();
    let e = engine();
    let (_r, c) = login(&e, &server);
    let h = c.as_raw();
    let err = done(raw::ftp_remove_directory(&e, h, Some("missing"), |_| {})).unwrap_err();
    assert_eq!(err.code(), ERROR_INTERNET_EXTENDED_ERROR);
    let text = raw::ftp_last_response(&e, h).unwrap();
    assert!(text.starts_with("550"), "{text:?}");
    assert_eq!(err.reply(), Some(text.as_str()));
    let err = done(raw::ftp_delete_file(&e, h, Some("missing.txt"), |_| {})).unwrap_err();
    assert_eq!(err.code(), ERROR_INTERNET_EXTENDED_ERROR);
    let err = done(raw::ftp_rename_file(
        &e,
        h,
        Some("missing.txt"),
        Some("x"),
        |_| {},
    ))
    .unwrap_err();
    assert_eq!(err.code(), ERROR_INTERNET_EXTENDED_ERROR);
    // The session is still usable.
    done(raw::ftp_create_directory(&e, h, Some("ok"), |_| {})).unwrap();
}

#[test]
fn files_are_renamed_and_deleted() {
    let server = FtpServer::start_blocking().unwrap();
    std::fs::write(server.root().join("a.txt"), b"alpha").unwrap();
    let e = engine();
    let (_r, c) = login(&e, &server);
    let h = c.as_raw();
    done(raw::ftp_rename_file(
        &e,
        h,
        Some("a.txt"),
        Some("b.txt"),
        |_| {},
    ))
    .unwrap();
    assert_eq!(
        std::fs::read(server.root().join("b.txt")).unwrap(),
        b"alpha"
    );
    done(raw::ftp_delete_file(&e, h, Some("b.txt"), |_| {})).unwrap();
    assert!(!server.root().join("b.txt").exists());
}

#[test]
fn null_or_empty_names_are_invalid_parameters_after_the_handle_checks() {
    let server = FtpServer::start_blocking().unwrap();
    let e = engine();
    let (r, c) = login(&e, &server);
    let h = c.as_raw();
    assert_eq!(
        code(done(raw::ftp_create_directory(&e, h, None, |_| {}))),
        ERROR_INVALID_PARAMETER
    );
    assert_eq!(
        code(done(raw::ftp_delete_file(&e, h, Some(""), |_| {}))),
        ERROR_INVALID_PARAMETER
    );
    assert_eq!(
        code(done(raw::ftp_rename_file(&e, h, Some("a"), None, |_| {}))),
        ERROR_INVALID_PARAMETER
    );
    assert_eq!(
        code(done(raw::ftp_command(&e, h, false, 0, None, 0, |_| {}))),
        ERROR_INVALID_PARAMETER
    );
    assert_eq!(
        code(done(raw::ftp_command(&e, h, false, 0, Some(""), 0, |_| {}))),
        ERROR_INVALID_PARAMETER
    );
    // The root is a live handle of the wrong type: its type is checked before the name.
    assert_eq!(
        code(done(raw::ftp_create_directory(
            &e,
            r.as_raw(),
            None,
            |_| {}
        ))),
        ERROR_INTERNET_INCORRECT_HANDLE_TYPE
    );
    assert_eq!(
        code(done(raw::ftp_delete_file(&e, 0, Some("x"), |_| {}))),
        ERROR_INVALID_HANDLE
    );
}

#[test]
fn get_current_directory_checks_its_buffer_arguments() {
    let server = FtpServer::start_blocking().unwrap();
    let e = engine();
    let (_r, c) = login(&e, &server);
    let h = c.as_raw();
    assert_eq!(
        code(done(raw::ftp_get_current_directory(
            &e,
            h,
            None,
            false,
            |_| {}
        ))),
        ERROR_INVALID_PARAMETER
    );
    assert_eq!(
        code(done(raw::ftp_get_current_directory(
            &e,
            h,
            Some(0),
            false,
            |_| {}
        ))),
        ERROR_INVALID_PARAMETER
    );
    assert_eq!(
        code(done(raw::ftp_get_current_directory(
            &e,
            h,
            Some(5),
            true,
            |_| {}
        ))),
        ERROR_INSUFFICIENT_BUFFER
    );
    assert_eq!(
        code(done(raw::ftp_get_current_directory(
            &e,
            0,
            None,
            true,
            |_| {}
        ))),
        ERROR_INVALID_HANDLE
    );
}

#[test]
fn ftp_command_without_response_accepts_positive_replies_and_maps_refusals() {
    let server = FtpServer::start_blocking().unwrap();
    let e = engine();
    let (_r, c) = login(&e, &server);
    let h = c.as_raw();
    assert_eq!(
        done(raw::ftp_command(&e, h, false, 0, Some("TYPE I"), 0, |_| {})).unwrap(),
        None
    );
    assert!(raw::ftp_last_response(&e, h).unwrap().starts_with("200"));
    done(raw::ftp_command(&e, h, false, 0, Some("PWD"), 0, |_| {})).unwrap();
    let err = done(raw::ftp_command(&e, h, false, 0, Some("XYZZY"), 0, |_| {})).unwrap_err();
    assert_eq!(err.code(), ERROR_INTERNET_EXTENDED_ERROR);
    assert!(err.reply().unwrap().starts_with('5'), "{err:?}");
}

#[test]
fn ftp_command_with_response_reads_the_data_connection() {
    let server = FtpServer::start_blocking().unwrap();
    std::fs::write(server.root().join("n1"), b"1").unwrap();
    let e = engine();
    let (_r, c) = login(&e, &server);
    let h = c.as_raw();
    let f = done(raw::ftp_command(
        &e,
        h,
        true,
        FTP_TRANSFER_TYPE_ASCII,
        Some("NLST"),
        5,
        |_| {},
    ))
    .unwrap()
    .expect("a data handle");
    // One transfer at a time while the data handle is open.
    assert_eq!(
        code(done(raw::ftp_create_directory(&e, h, Some("x"), |_| {}))),
        ERROR_FTP_TRANSFER_IN_PROGRESS
    );
    let data = read_to_end(&e, f, 100).unwrap();
    assert_eq!(String::from_utf8_lossy(&data).trim(), "n1");
    raw::internet_close_handle(&e, f.as_raw()).unwrap();
    done(raw::ftp_create_directory(&e, h, Some("x"), |_| {})).unwrap();
}
