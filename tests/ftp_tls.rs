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

fn implicit_server(cert: &hinternet_testkit::tls::ServerCert) -> FtpServer {
    FtpServer::builder()
        .ftps_implicit(cert)
        .start_blocking()
        .unwrap()
}

fn ftps_url(server: &FtpServer, path: &str) -> String {
    server.url_with_login(path).replacen("ftp://", "ftps://", 1)
}

/// InternetOpenUrl of `path` on `server` as an ftps:// URL, from a root trusting the test CA.
fn open_ftps(
    e: &hinternet_core::Engine,
    server: &FtpServer,
    path: &str,
) -> hinternet::Result<hinternet_core::Handle> {
    let r = root(e, 0);
    hinternet_ftp::set_tls_client_config(e, r.as_raw(), Arc::new(TestCa::shared().client_config()))
        .unwrap();
    done(raw::internet_open_url(
        e,
        r.as_raw(),
        &ftps_url(server, path),
        None,
        INTERNET_FLAG_PASSIVE,
        1,
        |_| {},
    ))
}

#[test]
fn an_ftps_url_is_implicit_tls_from_the_first_byte() {
    let server = implicit_server(&TestCa::shared().server_cert());
    let data = pattern::bytes(3, 700_000);
    std::fs::write(server.root().join("implicit.bin"), &data).unwrap();
    let e = engine();
    let f = open_ftps(&e, &server, "/implicit.bin").unwrap();
    assert!(read_to_end(&e, f, 65536).unwrap() == data);
    raw::internet_close_handle(&e, f.as_raw()).unwrap();
}

#[test]
fn an_implicit_ftps_server_with_an_untrusted_certificate_is_invalid_ca() {
    let server = implicit_server(&TestCa::self_signed_unknown());
    let e = engine();
    let err = open_ftps(&e, &server, "/x").unwrap_err();
    assert_eq!(err.code(), ERROR_INTERNET_INVALID_CA, "{err:?}");
}

#[test]
fn the_rust_api_lists_downloads_and_uploads_over_implicit_ftps() {
    use hinternet::blocking;
    let server = implicit_server(&TestCa::shared().server_cert());
    let data = pattern::bytes(9, 200_000);
    std::fs::write(server.root().join("a.bin"), &data).unwrap();
    let inet = blocking::Internet::new().unwrap();
    hinternet_ftp::set_tls_client_config(
        hinternet::engine(),
        inet.handle().as_raw(),
        Arc::new(TestCa::shared().client_config()),
    )
    .unwrap();
    let ftp = inet
        .ftp("127.0.0.1")
        .port(server.port())
        .login(DEFAULT_USER, DEFAULT_PASSWORD)
        .implicit_tls(true)
        .connect()
        .unwrap();
    let names: Vec<String> = ftp
        .list(None)
        .unwrap()
        .map(|e| String::from_utf8(e.unwrap().name).unwrap())
        .collect();
    assert_eq!(names, ["a.bin"]);
    let dir = tempfile::tempdir().unwrap();
    ftp.get("a.bin", dir.path().join("a.bin")).unwrap();
    assert!(std::fs::read(dir.path().join("a.bin")).unwrap() == data);
    std::fs::write(dir.path().join("up.bin"), &data[..1000]).unwrap();
    ftp.put(dir.path().join("up.bin"), "up.bin").unwrap();
    assert!(std::fs::read(server.root().join("up.bin")).unwrap() == data[..1000]);
}
