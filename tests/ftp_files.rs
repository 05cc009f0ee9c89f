//! FtpOpenFile + InternetReadFile / InternetWriteFile / InternetQueryDataAvailable /
//! FtpGetFileSize, closing early (ABOR), FtpGetFile (atomic local side) and FtpPutFile, resume
//! with REST, and the argument rules of H.106.

mod ftp_common;

use ftp_common::*;
use hinternet::raw;
use hinternet_core::consts::*;
use hinternet_testkit::pattern;

const MIB: usize = 1 << 20;

fn server_with(name: &str, data: &[u8]) -> FtpServer {
    let server = FtpServer::start_blocking().unwrap();
    std::fs::write(server.root().join(name), data).unwrap();
    server
}

#[test]
fn a_download_reads_the_exact_bytes_and_knows_the_size() {
    let data = pattern::bytes(0, 3 * MIB + 17);
    let server = server_with("big.bin", &data);
    let e = engine();
    let (_r, c) = login(&e, &server);
    let f = done(raw::ftp_open_file(
        &e,
        c.as_raw(),
        Some("big.bin"),
        GENERIC_READ,
        FTP_TRANSFER_TYPE_BINARY,
        3,
        |_| {},
    ))
    .unwrap();
    assert_eq!(
        raw::ftp_get_file_size(&e, f.as_raw()).unwrap(),
        data.len() as u64
    );
    let got = read_to_end(&e, f, 65536).unwrap();
    assert_eq!(got.len(), data.len());
    assert!(got == data);
    raw::internet_close_handle(&e, f.as_raw()).unwrap();
    // The session is usable after the transfer.
    done(raw::ftp_create_directory(
        &e,
        c.as_raw(),
        Some("after"),
        |_| {},
    ))
    .unwrap();
}

#[test]
fn query_data_available_reports_buffered_bytes_then_zero_at_the_end() {
    let server = server_with("s.txt", b"hello world");
    let e = engine();
    let (_r, c) = login(&e, &server);
    let f = done(raw::ftp_open_file(
        &e,
        c.as_raw(),
        Some("s.txt"),
        GENERIC_READ,
        0,
        3,
        |_| {},
    ))
    .unwrap();
    let n = done(raw::internet_query_data_available(&e, f.as_raw(), |_| {})).unwrap();
    assert!(n > 0 && n <= 11, "{n}");
    assert_eq!(read_to_end(&e, f, 4).unwrap(), b"hello world");
    assert_eq!(
        done(raw::internet_query_data_available(&e, f.as_raw(), |_| {})).unwrap(),
        0
    );
}

#[test]
fn an_upload_written_in_pieces_arrives_whole_when_the_handle_is_closed() {
    let server = FtpServer::start_blocking().unwrap();
    let e = engine();
    let (_r, c) = login(&e, &server);
    let f = done(raw::ftp_open_file(
        &e,
        c.as_raw(),
        Some("up.bin"),
        GENERIC_WRITE,
        0,
        3,
        |_| {},
    ))
    .unwrap();
    let data = pattern::bytes(0, MIB + 3);
    for chunk in data.chunks(100_000) {
        let n = done(raw::internet_write_file(
            &e,
            f.as_raw(),
            chunk.to_vec(),
            |_| {},
        ))
        .unwrap();
        assert_eq!(n, chunk.len());
    }
    assert_eq!(
        code(done(raw::ftp_delete_file(
            &e,
            c.as_raw(),
            Some("x"),
            |_| {}
        ))),
        ERROR_FTP_TRANSFER_IN_PROGRESS
    );
    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("g");
    let get = done(raw::ftp_get_file(
        &e,
        c.as_raw(),
        Some("a"),
        Some(&target),
        false,
        0,
        0,
        |_| {},
    ));
    assert_eq!(code(get), ERROR_FTP_TRANSFER_IN_PROGRESS);
    let find = done(raw::ftp_find_first_file(&e, c.as_raw(), None, 0, 0, |_| {}));
    assert_eq!(code(find), ERROR_FTP_TRANSFER_IN_PROGRESS);
    let open = done(raw::ftp_open_file(
        &e,
        c.as_raw(),
        Some("a"),
        GENERIC_READ,
        0,
        0,
        |_| {},
    ));
    assert_eq!(code(open), ERROR_FTP_TRANSFER_IN_PROGRESS);
    raw::internet_close_handle(&e, f.as_raw()).unwrap();
    assert!(std::fs::read(server.root().join("up.bin")).unwrap() == data);
    done(raw::ftp_delete_file(&e, c.as_raw(), Some("up.bin"), |_| {})).unwrap();
}

#[test]
fn closing_a_download_early_aborts_it_and_the_session_stays_usable() {
    let data = pattern::bytes(0, 8 * MIB);
    let server = server_with("big.bin", &data);
    let e = engine();
    let (_r, c) = login(&e, &server);
    for _ in 0..3 {
        let f = done(raw::ftp_open_file(
            &e,
            c.as_raw(),
            Some("big.bin"),
            GENERIC_READ,
            0,
            3,
            |_| {},
        ))
        .unwrap();
        let (n, buf) = done(raw::internet_read_file(
            &e,
            f.as_raw(),
            vec![0u8; 1000],
            |_| {},
        ))
        .unwrap();
        assert_eq!(&buf[..n], &data[..1000]);
        raw::internet_close_handle(&e, f.as_raw()).unwrap();
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
}

#[test]
fn open_file_argument_errors_are_invalid_parameters() {
    let server = server_with("a", b"a");
    let e = engine();
    let (r, c) = login(&e, &server);
    let h = c.as_raw();
    let open = |name: Option<&str>, access: u32, flags: u32| {
        code(done(raw::ftp_open_file(
            &e,
            h,
            name,
            access,
            flags,
            0,
            |_| {},
        )))
    };
    assert_eq!(open(None, GENERIC_READ, 0), ERROR_INVALID_PARAMETER);
    assert_eq!(open(Some("a"), 0, 0), ERROR_INVALID_PARAMETER);
    assert_eq!(
        open(Some("a"), GENERIC_READ | GENERIC_WRITE, 0),
        ERROR_INVALID_PARAMETER
    );
    assert_eq!(open(Some("a"), GENERIC_READ, 3), ERROR_INVALID_PARAMETER);
    assert_eq!(
        code(done(raw::ftp_open_file(
            &e,
            r.as_raw(),
            None,
            0,
            0,
            0,
            |_| {}
        ))),
        ERROR_INTERNET_INCORRECT_HANDLE_TYPE
    );
    // Nothing was left open.
    done(raw::ftp_open_file(
        &e,
        h,
        Some("a"),
        GENERIC_READ,
        0,
        0,
        |_| {},
    ))
    .unwrap();
}

#[test]
fn opening_a_missing_file_is_an_extended_error() {
    let server = FtpServer::start_blocking().unwrap();
    let e = engine();
    let (_r, c) = login(&e, &server);
    let r = done(raw::ftp_open_file(
        &e,
        c.as_raw(),
        Some("missing"),
        GENERIC_READ,
        0,
        0,
        |_| {},
    ));
    // libunftp answers RETR of a missing file with 150 then 550: the error then shows at the
    // end of the data instead.
    let err = match r {
        Err(e) => e,
        Ok(f) => read_to_end(&e, f, 100).unwrap_err(),
    };
    assert_eq!(err.code(), ERROR_INTERNET_EXTENDED_ERROR);
    assert!(err.reply().unwrap().starts_with("550"), "{err:?}");
}

#[test]
fn get_file_downloads_into_place_and_fail_if_exists_is_checked_first() {
    let data = pattern::bytes(7, 2 * MIB);
    let server = server_with("f.bin", &data);
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("f.bin");
    let e = engine();
    let (_r, c) = login(&e, &server);
    let h = c.as_raw();
    done(raw::ftp_get_file(
        &e,
        h,
        Some("f.bin"),
        Some(&target),
        true,
        FILE_ATTRIBUTE_NORMAL,
        0,
        |_| {},
    ))
    .unwrap();
    assert!(std::fs::read(&target).unwrap() == data);
    // Exists: refused before the server is asked, even for a missing remote file.
    assert_eq!(
        code(done(raw::ftp_get_file(
            &e,
            h,
            Some("missing"),
            Some(&target),
            true,
            0,
            0,
            |_| {}
        ))),
        ERROR_FILE_EXISTS
    );
    // Overwrite allowed.
    std::fs::write(&target, b"old").unwrap();
    done(raw::ftp_get_file(
        &e,
        h,
        Some("f.bin"),
        Some(&target),
        false,
        0,
        0,
        |_| {},
    ))
    .unwrap();
    assert!(std::fs::read(&target).unwrap() == data);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left"
    );
}

#[test]
fn a_failed_get_file_leaves_no_file_under_the_target_name() {
    let server = FtpServer::start_blocking().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("x.bin");
    let e = engine();
    let (_r, c) = login(&e, &server);
    let err = done(raw::ftp_get_file(
        &e,
        c.as_raw(),
        Some("missing"),
        Some(&target),
        false,
        0,
        0,
        |_| {},
    ))
    .unwrap_err();
    assert_eq!(err.code(), ERROR_INTERNET_EXTENDED_ERROR);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn get_file_checks_names_before_the_handle() {
    let e = engine();
    assert_eq!(
        code(done(raw::ftp_get_file(
            &e,
            0,
            None,
            Some(std::path::Path::new("x")),
            false,
            0,
            0,
            |_| {}
        ))),
        ERROR_INVALID_PARAMETER
    );
    assert_eq!(
        code(done(raw::ftp_get_file(
            &e,
            0,
            Some("x"),
            None,
            false,
            0,
            0,
            |_| {}
        ))),
        ERROR_INVALID_PARAMETER
    );
    assert_eq!(
        code(done(raw::ftp_get_file(
            &e,
            0,
            Some("x"),
            Some(std::path::Path::new("y")),
            false,
            0,
            0,
            |_| {}
        ))),
        ERROR_INVALID_HANDLE
    );
}

#[test]
fn put_file_uploads_and_a_missing_local_file_is_file_not_found() {
    let server = FtpServer::start_blocking().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("l.bin");
    let data = pattern::bytes(3, MIB / 2);
    std::fs::write(&local, &data).unwrap();
    let e = engine();
    let (_r, c) = login(&e, &server);
    let h = c.as_raw();
    done(raw::ftp_put_file(
        &e,
        h,
        Some(&local),
        Some("r.bin"),
        0,
        |_| {},
    ))
    .unwrap();
    assert!(std::fs::read(server.root().join("r.bin")).unwrap() == data);
    assert_eq!(
        code(done(raw::ftp_put_file(
            &e,
            h,
            Some(&dir.path().join("nope")),
            Some("r2"),
            0,
            |_| {}
        ))),
        ERROR_FILE_NOT_FOUND
    );
    assert!(!server.root().join("r2").exists());
}

#[test]
fn a_download_resumes_from_an_offset_given_with_rest() {
    let data = pattern::bytes(0, 100_000);
    let server = server_with("r.bin", &data);
    let e = engine();
    let (_r, c) = login(&e, &server);
    done(raw::ftp_command(
        &e,
        c.as_raw(),
        false,
        0,
        Some("REST 40000"),
        0,
        |_| {},
    ))
    .unwrap();
    let f = done(raw::ftp_open_file(
        &e,
        c.as_raw(),
        Some("r.bin"),
        GENERIC_READ,
        0,
        0,
        |_| {},
    ))
    .unwrap();
    let got = read_to_end(&e, f, 8192).unwrap();
    assert!(got == data[40_000..]);
    raw::internet_close_handle(&e, f.as_raw()).unwrap();
    let f = done(raw::open_file_at(
        &e,
        c.as_raw(),
        Some("r.bin"),
        GENERIC_READ,
        0,
        0,
        99_990,
        |_| {},
    ))
    .unwrap();
    assert_eq!(read_to_end(&e, f, 8192).unwrap(), &data[99_990..]);
}

#[test]
fn a_download_in_active_mode_reads_the_exact_bytes() {
    let data = pattern::bytes(0, MIB);
    let server = server_with("a.bin", &data);
    let e = engine();
    let r = root(&e, 0);
    let c = connect(
        &e,
        r,
        server.port(),
        Some(hinternet_testkit::ftp::DEFAULT_USER),
        Some(hinternet_testkit::ftp::DEFAULT_PASSWORD),
        0,
        1,
    )
    .unwrap();
    let f = done(raw::ftp_open_file(
        &e,
        c.as_raw(),
        Some("a.bin"),
        GENERIC_READ,
        0,
        0,
        |_| {},
    ))
    .unwrap();
    assert!(read_to_end(&e, f, 65536).unwrap() == data);
}

#[test]
fn open_url_reads_an_ftp_file_with_the_credentials_of_the_url() {
    let data = pattern::bytes(0, 70_000);
    let server = server_with("u.bin", &data);
    let e = engine();
    let r = root(&e, 0);
    let url = server.url_with_login("/u.bin");
    let f = done(raw::internet_open_url(
        &e,
        r.as_raw(),
        &url,
        None,
        INTERNET_FLAG_PASSIVE,
        4,
        |_| {},
    ))
    .unwrap();
    let kind = e
        .query_option(Some(f.as_raw()), INTERNET_OPTION_HANDLE_TYPE)
        .unwrap();
    assert_eq!(
        kind,
        hinternet_core::OptionValue::Dword(INTERNET_HANDLE_TYPE_FTP_FILE)
    );
    assert!(read_to_end(&e, f, 4096).unwrap() == data);
    raw::internet_close_handle(&e, f.as_raw()).unwrap();
}

#[test]
fn open_url_of_a_directory_gives_a_find_handle() {
    let server = server_with("d.txt", b"d");
    std::fs::create_dir(server.root().join("sub")).unwrap();
    std::fs::write(server.root().join("sub").join("in.txt"), b"in").unwrap();
    let e = engine();
    let r = root(&e, 0);
    let url = server.url_with_login("/sub/");
    let h = done(raw::internet_open_url(
        &e,
        r.as_raw(),
        &url,
        None,
        INTERNET_FLAG_PASSIVE | INTERNET_FLAG_RAW_DATA,
        4,
        |_| {},
    ))
    .unwrap();
    let first = done(raw::internet_find_next_file(&e, h.as_raw(), |_| {})).unwrap();
    assert_eq!(first.name, b"in.txt");
    assert_eq!(
        code(done(raw::internet_find_next_file(&e, h.as_raw(), |_| {}))),
        ERROR_NO_MORE_FILES
    );
}

fn handle_type(e: &hinternet_core::Engine, h: hinternet_core::Handle) -> u32 {
    match e.query_option(Some(h.as_raw()), INTERNET_OPTION_HANDLE_TYPE) {
        Ok(hinternet_core::OptionValue::Dword(t)) => t,
        other => panic!("handle type: {other:?}"),
    }
}

#[test]
fn open_url_of_a_directory_without_raw_data_reads_an_html_listing() {
    let server = server_with("d.txt", b"d");
    std::fs::create_dir(server.root().join("sub")).unwrap();
    std::fs::write(server.root().join("sub").join("a&b.txt"), vec![7u8; 1500]).unwrap();
    std::fs::create_dir(server.root().join("sub").join("deeper")).unwrap();
    let e = engine();
    let r = root(&e, 0);
    let h = done(raw::internet_open_url(
        &e,
        r.as_raw(),
        &server.url_with_login("/sub/"),
        None,
        INTERNET_FLAG_PASSIVE,
        4,
        |_| {},
    ))
    .unwrap();
    assert_eq!(handle_type(&e, h), INTERNET_HANDLE_TYPE_FTP_FIND_HTML);
    let page = String::from_utf8(read_to_end(&e, h, 4096).unwrap()).unwrap();
    assert!(page.starts_with("<HTML>\n"), "{page}");
    assert!(
        page.contains("<TITLE>FTP directory /sub/ at 127.0.0.1</TITLE>"),
        "{page}"
    );
    assert!(page.contains("<A HREF=\"..\">Up to higher level directory</A>\n"));
    assert!(
        page.contains(" Directory <A HREF=\"deeper/\">deeper</A>\n"),
        "{page}"
    );
    assert!(
        page.contains(" 1,500 <A HREF=\"a%26b.txt\">a&amp;b.txt</A>\n"),
        "{page}"
    );
    assert!(page.ends_with("</BODY>\n</HTML>\n"), "{page}");
    // An HTML listing is read, not walked.
    assert_eq!(
        code(done(raw::internet_find_next_file(&e, h.as_raw(), |_| {}))),
        ERROR_INTERNET_INCORRECT_HANDLE_TYPE
    );
    raw::internet_close_handle(&e, h.as_raw()).unwrap();
}

#[test]
fn an_html_listing_is_read_in_whole_lines_and_a_buffer_too_small_for_one_is_insufficient() {
    let server = server_with("a-file-with-a-long-enough-name.txt", b"x");
    let e = engine();
    let r = root(&e, 0);
    let h = done(raw::internet_open_url(
        &e,
        r.as_raw(),
        &server.url_with_login("/"),
        None,
        INTERNET_FLAG_PASSIVE,
        4,
        |_| {},
    ))
    .unwrap();
    let whole = {
        let h2 = done(raw::internet_open_url(
            &e,
            r.as_raw(),
            &server.url_with_login("/"),
            None,
            INTERNET_FLAG_PASSIVE,
            4,
            |_| {},
        ))
        .unwrap();
        read_to_end(&e, h2, 1 << 16).unwrap()
    };
    // Too small for the first line ("<HTML>\n" is 7 bytes): nothing is consumed.
    let err = done(raw::internet_read_file(
        &e,
        h.as_raw(),
        vec![0u8; 3],
        |_| {},
    ))
    .unwrap_err();
    assert_eq!(err.code(), ERROR_INSUFFICIENT_BUFFER);
    assert_eq!(err.needed(), Some(7));
    // Every read ends at a line end; together they are the page.
    let mut got = Vec::new();
    loop {
        let (n, buf) = done(raw::internet_read_file(
            &e,
            h.as_raw(),
            vec![0u8; 120],
            |_| {},
        ))
        .unwrap();
        if n == 0 {
            break;
        }
        assert_eq!(buf[n - 1], b'\n', "a read ended mid-line");
        got.extend_from_slice(&buf[..n]);
    }
    assert_eq!(got, whole);
    let line = String::from_utf8_lossy(&whole);
    assert!(
        line.contains("a-file-with-a-long-enough-name.txt</A>\n"),
        "{line}"
    );
}

/// A server whose 150 reply gives the size is asked SIZE only for the first download of the
/// session; FtpGetFileSize still knows every size.
#[test]
fn size_is_asked_only_until_the_150_reply_is_seen_to_carry_it() {
    use hinternet_testkit::ftp::Step;
    let retr = |name: &str, body: &'static [u8]| {
        Step::new(&format!("RETR {name}"))
            .reply(&format!(
                "150 Opening BINARY mode data connection for {name} ({} bytes).",
                body.len()
            ))
            .send(body)
            .then_reply("226 Transfer complete.")
    };
    let server = script_login(&[" SIZE", " EPSV"])
        .step(Step::new("TYPE I").reply("200 ok"))
        .step(Step::new("SIZE a").reply("213 5"))
        .step(Step::new("EPSV").epsv())
        .step(retr("a", b"aaaaa"))
        .step(Step::new("EPSV").epsv())
        .step(retr("b", b"bbb"))
        .start_blocking()
        .unwrap();
    let e = engine();
    let r = root(&e, 0);
    let c = connect(
        &e,
        r,
        server.port(),
        Some("u"),
        Some("p"),
        INTERNET_FLAG_PASSIVE,
        0,
    )
    .unwrap();
    for (name, data) in [("a", &b"aaaaa"[..]), ("b", &b"bbb"[..])] {
        let f = done(raw::ftp_open_file(
            &e,
            c.as_raw(),
            Some(name),
            GENERIC_READ,
            FTP_TRANSFER_TYPE_BINARY,
            0,
            |_| {},
        ))
        .unwrap();
        assert_eq!(
            hinternet_ftp::calls::ftp_get_file_size(&e, f.as_raw()).unwrap(),
            data.len() as u64
        );
        assert_eq!(read_to_end(&e, f, 4096).unwrap(), data);
        raw::internet_close_handle(&e, f.as_raw()).unwrap();
    }
    assert!(server.mismatches().is_empty(), "{:?}", server.mismatches());
    let sizes = server
        .commands()
        .iter()
        .filter(|c| c.starts_with("SIZE"))
        .count();
    assert_eq!(sizes, 1, "{:?}", server.commands());
}

fn open_url_read(
    e: &hinternet_core::Engine,
    r: hinternet_core::Handle,
    url: &str,
    flags: u32,
) -> Vec<u8> {
    let h = done(raw::internet_open_url(
        e,
        r.as_raw(),
        url,
        None,
        INTERNET_FLAG_PASSIVE | flags,
        3,
        |_| {},
    ))
    .unwrap();
    let data = read_to_end(e, h, 4096).unwrap();
    raw::internet_close_handle(e, h.as_raw()).unwrap();
    data
}

#[test]
fn existing_connect_reuses_the_session_an_earlier_url_handle_gave_back() {
    let server = server_with("one.txt", b"first");
    std::fs::write(server.root().join("two.txt"), b"second").unwrap();
    let e = engine();
    let r = root(&e, 0);
    let flag = INTERNET_FLAG_EXISTING_CONNECT;
    assert_eq!(
        open_url_read(&e, r, &server.url_with_login("/one.txt"), flag),
        b"first"
    );
    assert_eq!(
        open_url_read(&e, r, &server.url_with_login("/two.txt"), flag),
        b"second"
    );
    let listing = done(raw::internet_open_url(
        &e,
        r.as_raw(),
        &server.url_with_login("/"),
        None,
        INTERNET_FLAG_PASSIVE | INTERNET_FLAG_RAW_DATA | flag,
        3,
        |_| {},
    ))
    .unwrap();
    raw::internet_close_handle(&e, listing.as_raw()).unwrap();
    assert_eq!(
        server.connections_accepted(),
        1,
        "one login served all three"
    );
    // Without the flag every URL logs in anew.
    assert_eq!(
        open_url_read(&e, r, &server.url_with_login("/one.txt"), 0),
        b"first"
    );
    assert_eq!(server.connections_accepted(), 2);
}

#[test]
fn existing_connect_uses_an_idle_connect_handle_with_the_same_login_and_leaves_it_usable() {
    use hinternet_testkit::ftp::{DEFAULT_PASSWORD, DEFAULT_USER};
    let server = server_with("f.txt", b"payload");
    let e = engine();
    let r = root(&e, 0);
    let c = connect(
        &e,
        r,
        server.port(),
        Some(DEFAULT_USER),
        Some(DEFAULT_PASSWORD),
        INTERNET_FLAG_PASSIVE,
        0,
    )
    .unwrap();
    let url = server.url_with_login("/f.txt");
    assert_eq!(
        open_url_read(&e, r, &url, INTERNET_FLAG_EXISTING_CONNECT),
        b"payload"
    );
    assert_eq!(server.connections_accepted(), 1);
    // The connect handle still owns a working session.
    let pwd = done(raw::ftp_get_current_directory(
        &e,
        c.as_raw(),
        Some(260),
        false,
        |_| {},
    ));
    assert_eq!(pwd.unwrap(), "/");
    // While its session is busy with a transfer, a new URL logs in on its own.
    let busy = done(raw::ftp_open_file(
        &e,
        c.as_raw(),
        Some("f.txt"),
        GENERIC_READ,
        FTP_TRANSFER_TYPE_BINARY,
        0,
        |_| {},
    ))
    .unwrap();
    assert_eq!(
        open_url_read(&e, r, &url, INTERNET_FLAG_EXISTING_CONNECT),
        b"payload"
    );
    assert_eq!(server.connections_accepted(), 2);
    raw::internet_close_handle(&e, busy.as_raw()).unwrap();
}

/// A kept session the server dropped meanwhile is noticed on its first command, and the open
/// logs in anew instead of failing.
#[test]
fn existing_connect_logs_in_anew_when_the_kept_session_was_dropped() {
    use hinternet_testkit::ftp::Step;
    let retr = || {
        Step::new("RETR /a")
            .reply("150 here")
            .send(&b"abc"[..])
            .then_reply("226 done")
    };
    let server = script_login(&[" EPSV"])
        .step(Step::new("TYPE I").reply("200 ok"))
        .step(Step::new("EPSV").epsv())
        .step(retr())
        // The second open's first command finds the connection gone.
        .step(Step::new("EPSV").close())
        .start_blocking()
        .unwrap();
    let e = engine();
    let r = root(&e, 0);
    let url = format!("ftp://u:p@127.0.0.1:{}/a", server.port());
    assert_eq!(
        open_url_read(&e, r, &url, INTERNET_FLAG_EXISTING_CONNECT),
        b"abc"
    );
    assert_eq!(
        open_url_read(&e, r, &url, INTERNET_FLAG_EXISTING_CONNECT),
        b"abc"
    );
    assert_eq!(server.connections_accepted(), 2);
    assert!(server.mismatches().is_empty(), "{:?}", server.mismatches());
}
