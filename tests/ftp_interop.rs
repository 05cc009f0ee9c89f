//! Interoperability with vsftpd, a server nobody here wrote. Runs only with
//! `HINTERNET_INTEROP=1` (and then fails if vsftpd is missing): starts `/usr/sbin/vsftpd` on a
//! loopback port from a generated configuration (anonymous read, a writable `incoming/`,
//! a passive port range, `isolate=NO isolate_network=NO seccomp_sandbox=NO`,
//! `background=NO`; run as root), then lists, gets, puts, renames, deletes, resumes and
//! aborts through the raw (handle-value) calls.
//!
//! ```text
//! HINTERNET_INTEROP=1 cargo test --test ftp_interop
//! ```

mod ftp_common;

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use ftp_common::*;
use hinternet::raw;
use hinternet_core::consts::*;
use hinternet_testkit::pattern;

/// A vsftpd child process serving a temporary folder; killed when dropped.
struct Vsftpd {
    child: Child,
    port: u16,
    root: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Vsftpd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn chown_ftp(path: &Path) {
    let ok = Command::new("chown")
        .arg("ftp:ftp")
        .arg(path)
        .status()
        .unwrap()
        .success();
    assert!(ok, "chown ftp {}", path.display());
}

fn start_vsftpd() -> Vsftpd {
    start_vsftpd_with("")
}

/// vsftpd with `extra` appended to its configuration.
fn start_vsftpd_with(extra: &str) -> Vsftpd {
    let bin = Path::new("/usr/sbin/vsftpd");
    assert!(
        bin.exists(),
        "HINTERNET_INTEROP=1 but vsftpd is missing (apt-get install -y vsftpd)"
    );
    let dir = tempfile::Builder::new()
        .prefix("hinternet-vsftpd-")
        .tempdir()
        .unwrap();
    let root = dir.path().join("anon");
    std::fs::create_dir(&root).unwrap();
    std::fs::set_permissions(&root, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    std::fs::set_permissions(
        dir.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let incoming = root.join("incoming");
    std::fs::create_dir(&incoming).unwrap();
    chown_ftp(&incoming);
    let port = free_port();
    let pasv = free_port();
    let conf = dir.path().join("vsftpd.conf");
    std::fs::write(
        &conf,
        format!(
            "listen=YES\nlisten_address=127.0.0.1\nlisten_port={port}\nbackground=NO\n\
             anonymous_enable=YES\nlocal_enable=NO\nno_anon_password=YES\nanon_root={root}\n\
             write_enable=YES\nanon_upload_enable=YES\nanon_mkdir_write_enable=YES\n\
             anon_other_write_enable=YES\nanon_umask=022\n\
             pasv_enable=YES\npasv_min_port={pasv}\npasv_max_port={pasv_max}\n\
             port_enable=YES\nconnect_from_port_20=NO\n\
             isolate=NO\nisolate_network=NO\nseccomp_sandbox=NO\n\
             xferlog_enable=NO\nuse_localtime=NO\n{extra}",
            root = root.display(),
            pasv_max = pasv.saturating_add(20),
        ),
    )
    .unwrap();
    let child = Command::new(bin)
        .arg(&conf)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut server = Vsftpd {
        child,
        port,
        root,
        _dir: dir,
    };
    // Wait (bounded) until it accepts connections.
    for _ in 0..500 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return server;
        }
        if let Ok(Some(status)) = server.child.try_wait() {
            panic!("vsftpd exited: {status}");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("vsftpd did not start");
}

fn enabled() -> bool {
    std::env::var("HINTERNET_INTEROP").is_ok_and(|v| v == "1")
}

#[test]
fn vsftpd_list_get_put_rename_delete_resume_and_abort() {
    if !enabled() {
        eprintln!("skipped: set HINTERNET_INTEROP=1 to run against vsftpd");
        return;
    }
    let server = start_vsftpd();
    let data = pattern::bytes(0, 5 << 20);
    std::fs::write(server.root.join("big.bin"), &data).unwrap();
    std::fs::write(server.root.join("hello.txt"), b"hello vsftpd\n").unwrap();
    let e = engine();
    let r = root(&e, 0);
    let c = connect(&e, r, server.port, None, None, INTERNET_FLAG_PASSIVE, 1).unwrap();
    let h = c.as_raw();

    // list
    assert_eq!(
        list_names(&e, c, None).unwrap(),
        ["big.bin", "hello.txt", "incoming"]
    );
    assert_eq!(list_names(&e, c, Some("*.txt")).unwrap(), ["hello.txt"]);

    // get (atomic local side)
    let local = tempfile::tempdir().unwrap();
    let target = local.path().join("big.bin");
    done(raw::ftp_get_file(
        &e,
        h,
        Some("big.bin"),
        Some(&target),
        true,
        0,
        0,
        |_| {},
    ))
    .unwrap();
    assert!(std::fs::read(&target).unwrap() == data);

    // put
    let up = local.path().join("up.bin");
    std::fs::write(&up, &data[..1 << 20]).unwrap();
    done(raw::ftp_put_file(
        &e,
        h,
        Some(&up),
        Some("incoming/up.bin"),
        0,
        |_| {},
    ))
    .unwrap();
    assert!(std::fs::read(server.root.join("incoming/up.bin")).unwrap() == data[..1 << 20]);

    // rename, delete
    done(raw::ftp_rename_file(
        &e,
        h,
        Some("incoming/up.bin"),
        Some("incoming/moved.bin"),
        |_| {},
    ))
    .unwrap();
    assert!(server.root.join("incoming/moved.bin").exists());
    done(raw::ftp_delete_file(
        &e,
        h,
        Some("incoming/moved.bin"),
        |_| {},
    ))
    .unwrap();
    assert!(!server.root.join("incoming/moved.bin").exists());
    let err = done(raw::ftp_delete_file(
        &e,
        h,
        Some("incoming/missing"),
        |_| {},
    ))
    .unwrap_err();
    assert_eq!(err.code(), ERROR_INTERNET_EXTENDED_ERROR);
    assert!(raw::ftp_last_response(&e, h).unwrap().starts_with("550"));

    // resume
    let f = done(raw::open_file_at(
        &e,
        h,
        Some("big.bin"),
        GENERIC_READ,
        0,
        0,
        4_000_000,
        |_| {},
    ))
    .unwrap();
    assert!(read_to_end(&e, f, 65536).unwrap() == data[4_000_000..]);
    raw::internet_close_handle(&e, f.as_raw()).unwrap();
    done(raw::ftp_command(
        &e,
        h,
        false,
        0,
        Some("REST 5000000"),
        0,
        |_| {},
    ))
    .unwrap();
    let f = done(raw::ftp_open_file(
        &e,
        h,
        Some("big.bin"),
        GENERIC_READ,
        0,
        0,
        |_| {},
    ))
    .unwrap();
    assert!(read_to_end(&e, f, 65536).unwrap() == data[5_000_000..]);
    raw::internet_close_handle(&e, f.as_raw()).unwrap();

    // abort (close early), then the session is usable
    for _ in 0..3 {
        let f = done(raw::ftp_open_file(
            &e,
            h,
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
            vec![0u8; 4096],
            |_| {},
        ))
        .unwrap();
        assert_eq!(&buf[..n], &data[..4096]);
        raw::internet_close_handle(&e, f.as_raw()).unwrap();
        let pwd = done(raw::ftp_get_current_directory(
            &e,
            h,
            Some(260),
            false,
            |_| {},
        ))
        .unwrap();
        assert_eq!(pwd, "/");
    }

    // active mode too
    let c2 = connect(&e, r, server.port, None, None, 0, 1).unwrap();
    let f = done(raw::ftp_open_file(
        &e,
        c2.as_raw(),
        Some("hello.txt"),
        GENERIC_READ,
        0,
        0,
        |_| {},
    ))
    .unwrap();
    assert_eq!(read_to_end(&e, f, 100).unwrap(), b"hello vsftpd\n");
    raw::internet_close_handle(&e, r.as_raw()).unwrap();
}

#[test]
fn vsftpd_implicit_ftps_with_session_reuse_downloads_and_lists() {
    use hinternet_testkit::tls::TestCa;
    if !enabled() {
        eprintln!("skipped: set HINTERNET_INTEROP=1 to run against vsftpd");
        return;
    }
    let certs = tempfile::tempdir().unwrap();
    let (cert, key) = TestCa::shared()
        .server_cert()
        .write_pem_files(certs.path())
        .unwrap();
    // require_ssl_reuse: a data connection must resume the control connection's TLS session.
    let server = start_vsftpd_with(&format!(
        "ssl_enable=YES\nimplicit_ssl=YES\nallow_anon_ssl=YES\nforce_anon_logins_ssl=YES\n\
         force_anon_data_ssl=YES\nrequire_ssl_reuse=YES\nssl_ciphers=HIGH\n\
         rsa_cert_file={}\nrsa_private_key_file={}\n",
        cert.display(),
        key.display()
    ));
    let data = pattern::bytes(5, 3 << 20);
    std::fs::write(server.root.join("secure.bin"), &data).unwrap();
    let e = engine();
    let r = root(&e, 0);
    hinternet_ftp::set_tls_client_config(
        &e,
        r.as_raw(),
        std::sync::Arc::new(TestCa::shared().client_config()),
    )
    .unwrap();
    let url = format!("ftps://127.0.0.1:{}/secure.bin", server.port);
    let f = done(raw::internet_open_url(
        &e,
        r.as_raw(),
        &url,
        None,
        INTERNET_FLAG_PASSIVE,
        1,
        |_| {},
    ))
    .unwrap();
    assert!(read_to_end(&e, f, 65536).unwrap() == data);
    raw::internet_close_handle(&e, f.as_raw()).unwrap();

    let listing = format!("ftps://127.0.0.1:{}/", server.port);
    let d = done(raw::internet_open_url(
        &e,
        r.as_raw(),
        &listing,
        None,
        INTERNET_FLAG_PASSIVE | INTERNET_FLAG_RAW_DATA,
        1,
        |_| {},
    ))
    .unwrap();
    let first = done(raw::internet_find_next_file(&e, d.as_raw(), |_| {})).unwrap();
    assert!(first.name == b"incoming" || first.name == b"secure.bin");
    raw::internet_close_handle(&e, d.as_raw()).unwrap();
}
