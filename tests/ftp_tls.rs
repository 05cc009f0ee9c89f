//! Explicit FTPS (AUTH TLS, PBSZ 0, PROT P), asked for with INTERNET_FLAG_SECURE on
//! InternetConnect, against the testkit's libunftp server with a certificate of the testkit
//! CA: login, listing, download and upload over TLS data channels; an untrusted certificate.

mod ftp_common;

use std::sync::Arc;

use ftp_common::*;
use hinternet::raw;
use hinternet_core::consts::*;
use hinternet_testkit::ftp::{DEFAULT_PASSWORD, DEFAULT_USER};
use hinternet_testkit::pattern;
use hinternet_testkit::tls::TestCa;

fn ftps_server() -> FtpServer {
    let cert = TestCa::shared().server_cert();
    FtpServer::builder().ftps(&cert).start_blocking().unwrap()
}

fn secure_login(e: &hinternet_core::Engine, server: &FtpServer) -> hinternet_core::Handle {
    let r = root(e, 0);
    hinternet_ftp::set_tls_client_config(e, r.as_raw(), Arc::new(TestCa::shared().client_config()))
        .unwrap();
    connect(
        e,
        r,
        server.port(),
        Some(DEFAULT_USER),
        Some(DEFAULT_PASSWORD),
        INTERNET_FLAG_PASSIVE | INTERNET_FLAG_SECURE,
        1,
    )
    .unwrap()
}

#[test]
fn explicit_ftps_lists_downloads_and_uploads_over_tls() {
    let server = ftps_server();
    let data = pattern::bytes(0, 1 << 20);
    std::fs::write(server.root().join("secret.bin"), &data).unwrap();
    let e = engine();
    let c = secure_login(&e, &server);
    assert_eq!(list_names(&e, c, None).unwrap(), ["secret.bin"]);
    let f = done(raw::ftp_open_file(
        &e,
        c.as_raw(),
        Some("secret.bin"),
        GENERIC_READ,
        0,
        0,
        |_| {},
    ))
    .unwrap();
    assert!(read_to_end(&e, f, 65536).unwrap() == data);
    raw::internet_close_handle(&e, f.as_raw()).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("up.bin");
    std::fs::write(&local, &data[..300_000]).unwrap();
    done(raw::ftp_put_file(
        &e,
        c.as_raw(),
        Some(&local),
        Some("up.bin"),
        0,
        |_| {},
    ))
    .unwrap();
    assert!(std::fs::read(server.root().join("up.bin")).unwrap() == data[..300_000]);
}

#[test]
fn an_untrusted_server_certificate_is_invalid_ca() {
    let server = ftps_server();
    let e = engine();
    let r = root(&e, 0);
    // Default roots (webpki): the testkit CA is not among them.
    let err = connect(
        &e,
        r,
        server.port(),
        Some(DEFAULT_USER),
        Some(DEFAULT_PASSWORD),
        INTERNET_FLAG_PASSIVE | INTERNET_FLAG_SECURE,
        1,
    )
    .unwrap_err();
    assert_eq!(err.code(), ERROR_INTERNET_INVALID_CA, "{err:?}");
}

#[test]
fn closing_a_tls_download_early_leaves_the_secure_session_usable() {
    let server = ftps_server();
    let data = pattern::bytes(0, 4 << 20);
    std::fs::write(server.root().join("big.bin"), &data).unwrap();
    let e = engine();
    let c = secure_login(&e, &server);
    let f = done(raw::ftp_open_file(
        &e,
        c.as_raw(),
        Some("big.bin"),
        GENERIC_READ,
        0,
        0,
        |_| {},
    ))
    .unwrap();
    let (n, buf) = done(raw::internet_read_file(
        &e,
        f.as_raw(),
        vec![0u8; 5000],
        |_| {},
    ))
    .unwrap();
    assert_eq!(&buf[..n], &data[..5000]);
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
    assert_eq!(list_names(&e, c, None).unwrap(), ["big.bin"]);
}
