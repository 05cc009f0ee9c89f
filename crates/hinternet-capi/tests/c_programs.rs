//! C programs compiled with the system C compiler against include/wininet.h and libwininet, run
//! against real files and (in later issues) the loopback servers. With `HINTERNET_VALGRIND=1`
//! each program runs under valgrind memcheck and must report no errors and no definite leaks.

use std::path::{Path, PathBuf};
use std::process::Command;

fn lib_dir() -> PathBuf {
    // The test binary is target/<profile>/deps/<name>; `cargo test` builds the cdylib next to
    // it (`cargo build` also copies it up to target/<profile>, but that copy may be stale).
    let exe = std::env::current_exe().unwrap();
    let deps = exe.parent().unwrap().to_path_buf();
    assert!(
        deps.join("libwininet.so").exists(),
        "libwininet.so not found in {}",
        deps.display()
    );
    deps
}

fn compile(name: &str) -> PathBuf {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let src = crate_dir.join("tests/c").join(format!("{name}.c"));
    let out_dir = std::env::temp_dir().join(format!("hinternet-c-{}", std::process::id()));
    std::fs::create_dir_all(&out_dir).unwrap();
    let exe = out_dir.join(name);
    let lib = lib_dir();
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let status = Command::new(cc)
        .args([
            "-std=c11",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-g",
            "-D_POSIX_C_SOURCE=200809L",
        ])
        .arg("-I")
        .arg(crate_dir.join("include"))
        .arg("-I")
        .arg(crate_dir.join("tests/c"))
        .arg(&src)
        .arg("-o")
        .arg(&exe)
        .arg(format!("-L{}", lib.display()))
        .arg(format!("-Wl,-rpath,{}", lib.display()))
        .args(["-lwininet", "-lpthread"])
        .status()
        .expect("a C compiler (cc) is installed");
    assert!(status.success(), "compiling {name}.c failed");
    exe
}

fn run(name: &str, args: &[&str]) -> String {
    let exe = compile(name);
    let valgrind = std::env::var("HINTERNET_VALGRIND").is_ok_and(|v| v == "1");
    let mut cmd = if valgrind {
        let mut c = Command::new("valgrind");
        let supp = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/valgrind.supp");
        c.arg(format!("--suppressions={}", supp.display()));
        c.args([
            "--error-exitcode=99",
            "--leak-check=full",
            "--errors-for-leak-kinds=definite",
            "--show-leak-kinds=definite",
            "-q",
        ])
        .arg(&exe);
        c
    } else {
        Command::new(&exe)
    };
    // cargo's own LD_LIBRARY_PATH may name a stale copy first; load the one built for this run.
    let out = cmd
        .env("LD_LIBRARY_PATH", lib_dir())
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "{name} failed ({:?})\nstdout:\n{stdout}\nstderr:\n{stderr}",
        out.status
    );
    stdout
}

fn pattern(n: usize) -> Vec<u8> {
    (0..n).map(|i| ((i % 251) * 31 + 7) as u8).collect()
}

fn temp_file(bytes: &[u8]) -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data.bin");
    std::fs::write(&path, bytes).unwrap();
    let url = format!("file://{}", path.display());
    (dir, url, path.display().to_string())
}

#[test]
fn c_read_file_url_reads_the_exact_bytes() {
    let (_d, url, path) = temp_file(&pattern(200_000));
    let out = run("read_file_url", &[&url, &path]);
    assert_eq!(out.trim(), "read 200000 bytes");
}

#[test]
fn c_misuse_gets_exact_errors_and_no_crash() {
    let (_d, url, _) = temp_file(b"0123456789");
    assert_eq!(run("misuse", &[&url]).trim(), "misuse ok");
}

#[test]
fn c_options_follow_the_native_buffer_conventions() {
    assert_eq!(run("options", &[]).trim(), "options ok");
}

#[test]
fn c_async_callback_runs_on_another_thread_and_completes() {
    let (_d, url, _) = temp_file(b"hello world");
    assert_eq!(run("async_callback", &[&url]).trim(), "async ok");
}

#[test]
fn c_find_walks_a_directory_a_and_w() {
    let dir = tempfile::tempdir().unwrap();
    for n in ["alpha", "beta", "gamma"] {
        std::fs::write(dir.path().join(n), n).unwrap();
    }
    let url = format!("file://{}", dir.path().display());
    assert_eq!(
        run("find_dir", &[&url, "alpha", "beta", "gamma"]).trim(),
        "find ok"
    );
}

#[test]
fn c_wide_entry_points_work() {
    let (_d, url, _) = temp_file(b"abcdefgh");
    assert_eq!(run("wide", &[&url]).trim(), "wide ok");
}

#[test]
fn c_misc_functions_give_the_documented_answers() {
    let listening = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let open_url = format!(
        "http://127.0.0.1:{}/",
        listening.local_addr().unwrap().port()
    );
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed_url = format!("http://127.0.0.1:{}/", closed.local_addr().unwrap().port());
    drop(closed);
    let (_d, file_url, _) = temp_file(b"x");
    assert_eq!(
        run("misc", &[&open_url, &closed_url, &file_url]).trim(),
        "misc ok"
    );
}

#[test]
fn c_url_functions_point_into_the_callers_string_and_follow_the_size_rules() {
    assert_eq!(run("crack_url", &[]).trim(), "url ok");
}

// ---- HTTP against the testkit server ---------------------------------------------------------

use hinternet_testkit::Signal;
use hinternet_testkit::http::{Piece, Reply, Routes, TestServer};

const BODY_LEN: usize = 150_000;

fn http_server(slow: &Signal) -> TestServer {
    let routes = Routes::new()
        .route("/data", Reply::bytes(pattern(BODY_LEN)))
        .route(
            "/headers",
            Reply::text("hello")
                .header("X-Dup", "one")
                .header("X-Dup", "two"),
        )
        .route("/echo", Reply::echo())
        .route(
            "/slow",
            Reply::pieces(vec![
                Piece::Data("first".into()),
                Piece::Wait(slow.clone()),
                Piece::Data("rest".into()),
            ]),
        );
    TestServer::start_blocking(routes).unwrap()
}

#[test]
fn c_http_get_through_open_url_reads_the_exact_bytes() {
    let s = http_server(&Signal::new());
    let out = run("http_get", &[&s.url("/data"), &BODY_LEN.to_string()]);
    assert_eq!(out.trim(), format!("get {BODY_LEN} bytes"));
}

#[test]
fn c_http_query_info_follows_the_size_rules_a_and_w() {
    let s = http_server(&Signal::new());
    let port = s.port().to_string();
    assert_eq!(run("http_query", &["127.0.0.1", &port]).trim(), "query ok");
    let sent = s
        .requests()
        .into_iter()
        .find(|r| r.header("X-Sent").is_some())
        .expect("the A request reached the server");
    assert_eq!(sent.header("X-Test"), Some("one"));
    assert_eq!(sent.header("Accept"), Some("text/plain, text/html"));
}

#[test]
fn c_certificate_struct_has_the_facts_and_strings_freed_with_local_free() {
    use hinternet_testkit::tls::TestCa;
    let s = TestServer::start_tls_blocking(
        Routes::new().fallback(Reply::text("tls")),
        &TestCa::shared().server_cert(),
    )
    .unwrap();
    assert_eq!(
        run("cert_struct", &[&s.port().to_string()]).trim(),
        "cert ok"
    );
}

#[test]
fn c_http_send_request_ex_uploads_the_body() {
    let s = http_server(&Signal::new());
    let port = s.port().to_string();
    let out = run("http_upload", &["127.0.0.1", &port, "/echo"]);
    assert_eq!(out.trim(), "upload 30000 bytes");
    let reqs = s.requests();
    let r = reqs
        .iter()
        .find(|r| r.header("X-Upload").is_some())
        .expect("the streamed upload reached the server");
    assert_eq!(r.method, "POST");
    assert_eq!(r.header("X-Upload"), Some("c"));
    assert_eq!(r.body.len(), 30_000);
    let last = reqs.last().unwrap();
    assert_eq!(&last.body[..], b"posted-body");
}

#[test]
fn c_http_async_send_pends_and_completes_on_another_thread() {
    let s = http_server(&Signal::new());
    let port = s.port().to_string();
    let out = run(
        "http_async",
        &["127.0.0.1", &port, "/data", &BODY_LEN.to_string()],
    );
    assert!(out.starts_with("async http ok"), "{out}");
}

#[test]
fn c_http_closing_the_root_cancels_a_pending_read() {
    let slow = Signal::new();
    let s = http_server(&slow);
    let port = s.port().to_string();
    let out = run("http_cancel", &["127.0.0.1", &port, "/slow"]);
    slow.fire();
    assert_eq!(out.trim(), "cancel ok");
}

// ---- FTP against the testkit server ----------------------------------------------------------

use hinternet_testkit::ftp::{DEFAULT_PASSWORD, DEFAULT_USER, FtpServer};

const ALPHA_LEN: usize = 70_000;

fn ftp_server(root: &Path) -> FtpServer {
    std::fs::write(root.join("alpha"), pattern(ALPHA_LEN)).unwrap();
    std::fs::write(root.join("beta"), b"beta").unwrap();
    std::fs::create_dir(root.join("sub")).unwrap();
    FtpServer::builder().root(root).start_blocking().unwrap()
}

#[test]
fn c_ftp_find_walks_the_listing_a_and_w() {
    let root = tempfile::tempdir().unwrap();
    let s = ftp_server(root.path());
    let port = s.port().to_string();
    let len = ALPHA_LEN.to_string();
    let args = [
        "127.0.0.1",
        &port,
        DEFAULT_USER,
        DEFAULT_PASSWORD,
        &len,
        "alpha",
        "beta",
        "sub",
    ];
    assert_eq!(run("ftp_find", &args).trim(), "ftp find ok");
}

#[test]
fn c_ftp_get_put_open_and_commands() {
    let root = tempfile::tempdir().unwrap();
    let local = tempfile::tempdir().unwrap();
    let s = ftp_server(root.path());
    let port = s.port().to_string();
    let len = ALPHA_LEN.to_string();
    let dir = local.path().display().to_string();
    let args = [
        "127.0.0.1",
        &port,
        DEFAULT_USER,
        DEFAULT_PASSWORD,
        &len,
        &dir,
    ];
    assert_eq!(run("ftp_files", &args).trim(), "ftp files ok");
    assert_eq!(
        std::fs::read(root.path().join("uploaded")).unwrap(),
        pattern(ALPHA_LEN)
    );
    assert_eq!(
        std::fs::read(local.path().join("alpha.copy")).unwrap(),
        pattern(ALPHA_LEN)
    );
    assert_eq!(
        std::fs::read(root.path().join("written")).unwrap(),
        b"written through FtpOpenFile\n"
    );
    assert!(!root.path().join("newdir").exists());
}

// ---- Cookies ---------------------------------------------------------------------------------

#[test]
fn c_cookies_set_and_read_back() {
    assert_eq!(run("cookies", &[]).trim(), "cookies ok");
}

#[test]
fn c_cookies_ex_http_only_sizes_and_one_store_with_requests() {
    let s = TestServer::start_blocking(
        Routes::new()
            .route(
                "/cookie/set",
                Reply::text("set")
                    .set_cookie("srv=1; Path=/cookie/")
                    .set_cookie("srv-ho=1; Path=/cookie/; HttpOnly"),
            )
            .route(
                "/cookie/other",
                Reply::text("set").set_cookie("other=1; Path=/cookie/"),
            )
            .fallback(Reply::echo()),
    )
    .unwrap();
    let base = s.url("");
    assert_eq!(run("cookies_ex", &[&base]).trim(), "cookies ex ok");
    let echoes: Vec<_> = s
        .requests()
        .into_iter()
        .filter(|r| r.path == "/cookie/echo")
        .collect();
    assert_eq!(echoes.len(), 2);
    assert_eq!(echoes[0].header("cookie"), Some("srv=1; srv-ho=1; api=2"));
    assert_eq!(echoes[1].header("cookie"), None);
}

#[test]
fn c_ftp_async_calls_fill_the_callers_outputs_before_completion() {
    let root = tempfile::tempdir().unwrap();
    let s = ftp_server(root.path());
    let port = s.port().to_string();
    let args = ["127.0.0.1", &port, DEFAULT_USER, DEFAULT_PASSWORD];
    assert_eq!(run("ftp_async", &args).trim(), "ftp async ok");
}

#[test]
fn c_http_ftp_cookie_misuse_gets_exact_errors() {
    let s = http_server(&Signal::new());
    let port = s.port().to_string();
    assert_eq!(
        run("http_ftp_misuse", &["127.0.0.1", &port]).trim(),
        "misuse ok"
    );
}
