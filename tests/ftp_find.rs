//! FtpFindFirstFile / InternetFindNextFile: MLSD when offered and LIST otherwise, patterns,
//! ERROR_NO_MORE_FILES, missing paths, one enumeration per session.

mod ftp_common;

use ftp_common::*;
use hinternet::raw;
use hinternet_core::consts::*;

fn server_with_files() -> FtpServer {
    let server = FtpServer::start_blocking().unwrap();
    let root = server.root();
    std::fs::write(root.join("notes.txt"), b"0123456789").unwrap();
    std::fs::write(root.join("readme.md"), b"abc").unwrap();
    std::fs::create_dir(root.join("pub")).unwrap();
    std::fs::write(root.join("pub").join("welcome.msg"), b"hi").unwrap();
    server
}

#[test]
fn the_first_entry_comes_with_the_handle_and_the_rest_from_find_next() {
    let server = server_with_files();
    let e = engine();
    let (_r, c) = login(&e, &server);
    let (h, first) = done(raw::ftp_find_first_file(&e, c.as_raw(), None, 0, 9, |_| {})).unwrap();
    let kind = e
        .query_option(Some(h.as_raw()), INTERNET_OPTION_HANDLE_TYPE)
        .unwrap();
    assert_eq!(
        kind,
        hinternet_core::OptionValue::Dword(INTERNET_HANDLE_TYPE_FTP_FIND)
    );
    let mut all = vec![first];
    all.extend(rest_of(&e, h));
    all.sort_by(|a, b| a.name.cmp(&b.name));
    let names: Vec<_> = all.iter().map(|f| f.name_lossy().into_owned()).collect();
    assert_eq!(names, ["notes.txt", "pub", "readme.md"]);
    assert_eq!(all[0].size, 10);
    assert!(!all[0].is_dir());
    assert!(all[1].is_dir());
    assert!(all[0].modified.is_some());
    assert_eq!(
        code(done(raw::internet_find_next_file(&e, h.as_raw(), |_| {}))),
        ERROR_NO_MORE_FILES
    );
}

#[test]
fn wildcards_filter_the_directory_listing() {
    let server = server_with_files();
    let e = engine();
    let (_r, c) = login(&e, &server);
    assert_eq!(list_names(&e, c, Some("*.txt")).unwrap(), ["notes.txt"]);
    assert_eq!(list_names(&e, c, Some("pub/w*")).unwrap(), ["welcome.msg"]);
    assert_eq!(
        list_names(&e, c, Some("/pub/*.MSG")).unwrap(),
        ["welcome.msg"]
    );
}

#[test]
fn a_directory_path_lists_that_directory() {
    let server = server_with_files();
    let e = engine();
    let (_r, c) = login(&e, &server);
    assert_eq!(list_names(&e, c, Some("/pub")).unwrap(), ["welcome.msg"]);
    done(raw::ftp_set_current_directory(
        &e,
        c.as_raw(),
        Some("pub"),
        |_| {},
    ))
    .unwrap();
    assert_eq!(list_names(&e, c, None).unwrap(), ["welcome.msg"]);
}

#[test]
fn a_wildcard_that_matches_nothing_is_no_more_files() {
    let server = server_with_files();
    let e = engine();
    let (_r, c) = login(&e, &server);
    assert_eq!(code(list_names(&e, c, Some("*.zip"))), ERROR_NO_MORE_FILES);
    // No handle was left open: the next find works.
    assert_eq!(list_names(&e, c, Some("*.md")).unwrap(), ["readme.md"]);
}

#[test]
fn an_empty_directory_is_no_more_files() {
    let server = server_with_files();
    std::fs::create_dir(server.root().join("empty")).unwrap();
    let e = engine();
    let (_r, c) = login(&e, &server);
    assert_eq!(code(list_names(&e, c, Some("/empty"))), ERROR_NO_MORE_FILES);
}

#[test]
fn a_missing_path_is_the_servers_refusal() {
    let server = server_with_files();
    let e = engine();
    let (_r, c) = login(&e, &server);
    let err = list_names(&e, c, Some("/no/such/dir")).unwrap_err();
    assert_eq!(err.code(), ERROR_INTERNET_EXTENDED_ERROR);
    assert!(
        err.reply()
            .is_some_and(|r| r.starts_with('5') || r.starts_with('4')),
        "{err:?}"
    );
    // The session is still usable.
    assert_eq!(list_names(&e, c, Some("*.md")).unwrap(), ["readme.md"]);
}

#[test]
fn a_second_find_while_one_is_open_is_transfer_in_progress() {
    let server = server_with_files();
    let e = engine();
    let (_r, c) = login(&e, &server);
    let (h, _) = done(raw::ftp_find_first_file(&e, c.as_raw(), None, 0, 0, |_| {})).unwrap();
    assert_eq!(
        code(done(raw::ftp_find_first_file(
            &e,
            c.as_raw(),
            None,
            0,
            0,
            |_| {}
        ))),
        ERROR_FTP_TRANSFER_IN_PROGRESS
    );
    assert_eq!(
        code(done(raw::ftp_get_current_directory(
            &e,
            c.as_raw(),
            Some(260),
            false,
            |_| {}
        ))),
        ERROR_FTP_TRANSFER_IN_PROGRESS
    );
    raw::internet_close_handle(&e, h.as_raw()).unwrap();
    done(raw::ftp_find_first_file(&e, c.as_raw(), None, 0, 0, |_| {})).unwrap();
}

#[test]
fn mlsd_is_used_when_feat_offers_mlst() {
    let script = script_login(&[" MLST type*;size*;modify*;", " EPSV"])
        .step(Step::new("TYPE A").reply("200 ok"))
        .step(Step::new("EPSV").epsv())
        .step(
            Step::new("MLSD")
                .reply("150 here")
                .send(&b"type=file;size=5;modify=20240102030405; a.txt\r\ntype=dir;modify=20240102030405; sub\r\n"[..])
                .then_reply("226 done"),
        )
        .start_blocking()
        .unwrap();
    let e = engine();
    let r = root(&e, 0);
    let c = connect(
        &e,
        r,
        script.port(),
        Some("u"),
        Some("p"),
        INTERNET_FLAG_PASSIVE,
        1,
    )
    .unwrap();
    let (h, first) = done(raw::ftp_find_first_file(&e, c.as_raw(), None, 0, 0, |_| {})).unwrap();
    assert_eq!(first.name, b"a.txt");
    assert_eq!(first.size, 5);
    let rest = rest_of(&e, h);
    assert_eq!(rest.len(), 1);
    assert!(rest[0].is_dir());
    assert_eq!(
        script.commands(),
        ["USER u", "PASS p", "FEAT", "TYPE A", "EPSV", "MLSD"]
    );
}

#[test]
fn list_is_used_without_mlst_and_pasv_replaces_a_refused_epsv_for_the_session() {
    let listing = &b"-rw-r--r--   1 ftp ftp  1234 Mar  5  2019 notes.txt\r\n"[..];
    let script = script_login(&[])
        .step(Step::new("TYPE A").reply("200 ok"))
        .step(Step::new("EPSV").reply("502 EPSV not implemented"))
        .step(Step::new("PASV").pasv(std::net::Ipv4Addr::LOCALHOST))
        .step(
            Step::new("LIST")
                .reply("150 here")
                .send(listing)
                .then_reply("226 done"),
        )
        .step(Step::new("PASV").pasv(std::net::Ipv4Addr::LOCALHOST))
        .step(
            Step::new("LIST /x")
                .reply("150 here")
                .send(listing)
                .then_reply("226 done"),
        )
        .start_blocking()
        .unwrap();
    let e = engine();
    let r = root(&e, 0);
    let c = connect(
        &e,
        r,
        script.port(),
        Some("u"),
        Some("p"),
        INTERNET_FLAG_PASSIVE,
        1,
    )
    .unwrap();
    assert_eq!(list_names(&e, c, None).unwrap(), ["notes.txt"]);
    assert_eq!(list_names(&e, c, Some("/x")).unwrap(), ["notes.txt"]);
    assert_eq!(
        script.commands(),
        [
            "USER u", "PASS p", "FEAT", "TYPE A", "EPSV", "PASV", "LIST", "PASV", "LIST /x"
        ]
    );
}

#[test]
fn active_mode_lists_through_port_when_passive_is_off() {
    let server = server_with_files();
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
    assert_eq!(list_names(&e, c, Some("*.md")).unwrap(), ["readme.md"]);
}
