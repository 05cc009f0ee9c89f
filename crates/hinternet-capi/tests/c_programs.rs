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
