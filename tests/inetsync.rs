//! inetsync against the testkit servers: full pulls over FTP and HTTP, no-op re-pulls,
//! change detection, --delete safety, --dry-run, hostile names, an interrupted run finished by
//! the next one, usage and connection exit codes. The tool's unit tests (planner, filters,
//! index pages, names) run here too, since the tool is included as a module.

#[allow(dead_code)]
#[path = "../examples/inetsync/tool.rs"]
mod inetsync;

use hinternet_testkit::Signal;
use hinternet_testkit::ftp::FtpServer;
use hinternet_testkit::http::{Reply, Routes, TestServer};
use hinternet_testkit::tree::{Tree, TreeSpec, list_files, make_tree, modify_tree};
use inetsync::demo::same_tree;
use inetsync::report::Summary;
use inetsync::{Hooks, run_args};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

fn aged_tree(root: &Path, spec: &TreeSpec) -> Tree {
    let tree = make_tree(root, spec).unwrap();
    let when = SystemTime::now() - Duration::from_secs(7200);
    for (p, _) in list_files(root).unwrap() {
        std::fs::File::options()
            .write(true)
            .open(root.join(p))
            .unwrap()
            .set_modified(when)
            .unwrap();
    }
    tree
}

async fn pull(src: &str, dst: &Path, extra: &[&str]) -> (u8, Summary) {
    let d = dst.to_str().unwrap();
    let mut args = vec!["pull", src, d, "-q"];
    args.extend_from_slice(extra);
    let (code, s) = run_args(&args, Hooks::default()).await;
    (code, s.expect("a summary"))
}

fn tree_of(root: &Path) -> Vec<(String, u64)> {
    list_files(root).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ftp_full_pull_then_a_no_op_re_pull_then_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("server");
    let tree = aged_tree(&root, &TreeSpec::small());
    let server = FtpServer::builder().root(&root).start().await.unwrap();
    let url = server.url_with_login("/");
    let dst = tmp.path().join("copy");

    let (code, s) = pull(&url, &dst, &[]).await;
    assert_eq!(code, 0, "{s:?}");
    assert_eq!(s.copied, tree.files.len() as u64);
    assert_eq!(s.bytes, tree.total_bytes());
    assert!(same_tree(&root, &dst).unwrap());

    let (code, s) = pull(&url, &dst, &[]).await;
    assert_eq!((code, s.copied, s.bytes), (0, 0, 0), "{s:?}");
    assert_eq!(s.skipped, tree.files.len() as u64);

    let changes = modify_tree(&root, &tree, 6, 3).unwrap();
    let (code, s) = pull(&url, &dst, &["--delete"]).await;
    assert_eq!(code, 0, "{s:?}");
    assert_eq!(
        s.copied as usize,
        changes.modified.len() + changes.added.len(),
        "{s:?}"
    );
    assert_eq!(s.deleted as usize, changes.removed.len());
    assert!(same_tree(&root, &dst).unwrap());
    for p in &changes.removed {
        assert!(!dst.join(p).exists(), "{p}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_full_pull_from_an_autoindex_then_a_no_op_re_pull() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("server");
    let tree = aged_tree(&root, &TreeSpec::small());
    let server = TestServer::start(Routes::new().directory("/files/", &root))
        .await
        .unwrap();
    let url = server.url("/files/");
    let dst = tmp.path().join("copy");
    let (code, s) = pull(&url, &dst, &["--transfers", "3"]).await;
    assert_eq!(code, 0, "{s:?}");
    assert_eq!(s.copied, tree.files.len() as u64);
    assert!(same_tree(&root, &dst).unwrap());
    let (code, s) = pull(&url, &dst, &[]).await;
    assert_eq!((code, s.copied), (0, 0), "{s:?}");
    // A changed file of the same size is found by its time (minute precision on the index).
    let victim = &tree.files.iter().find(|f| f.size > 10).unwrap().path;
    let mut data = std::fs::read(root.join(victim)).unwrap();
    data[0] ^= 0xff;
    std::fs::write(root.join(victim), &data).unwrap();
    let (code, s) = pull(&url, &dst, &[]).await;
    assert_eq!((code, s.copied), (0, 1), "{s:?}");
    assert_eq!(std::fs::read(dst.join(victim)).unwrap(), data);
}

fn index(entries: &[(&str, u64)]) -> String {
    let mut html = String::from("<html><body><pre><a href=\"../\">../</a>\r\n");
    for (href, size) in entries {
        html.push_str(&format!(
            "<a href=\"{href}\">x</a>         01-Jan-2024 10:00        {size}\r\n"
        ));
    }
    html.push_str("</pre></body></html>\r\n");
    html
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_aborts_every_deletion() {
    let tmp = tempfile::tempdir().unwrap();
    let server = TestServer::start(
        Routes::new()
            .route("/site/", Reply::html(index(&[("a.txt", 3), ("b.txt", 3)])))
            .route("/site/a.txt", Reply::text("aaa"))
            .route("/site/b.txt", Reply::status(500)),
    )
    .await
    .unwrap();
    let dst = tmp.path().join("copy");
    std::fs::create_dir_all(&dst).unwrap();
    std::fs::write(dst.join("old.txt"), b"keep me").unwrap();
    let url = server.url("/site/");
    let (code, s) = pull(&url, &dst, &["--delete", "--retries", "0"]).await;
    assert_eq!(code, 1, "{s:?}");
    assert_eq!(s.copied, 1);
    assert_eq!(s.deleted, 0);
    assert!(s.delete_skipped.is_some());
    assert_eq!(std::fs::read(dst.join("old.txt")).unwrap(), b"keep me");
    assert_eq!(std::fs::read(dst.join("a.txt")).unwrap(), b"aaa");
    assert!(!dst.join("b.txt").exists());
    assert_eq!(
        tree_of(&dst).len(),
        2,
        "no temporary file is left under a real name"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_delete_keeps_everything_when_too_many_would_go() {
    let tmp = tempfile::tempdir().unwrap();
    let (src, dst) = (tmp.path().join("src"), tmp.path().join("dst"));
    std::fs::create_dir_all(&src).unwrap();
    std::fs::create_dir_all(&dst).unwrap();
    std::fs::write(src.join("a"), b"1").unwrap();
    for n in ["x", "y", "z"] {
        std::fs::write(dst.join(n), b"old").unwrap();
    }
    let (code, s) = pull(
        src.to_str().unwrap(),
        &dst,
        &["--delete", "--max-delete", "2"],
    )
    .await;
    assert_eq!((code, s.deleted), (1, 0), "{s:?}");
    assert_eq!(tree_of(&dst).len(), 4);
    let (code, s) = pull(
        src.to_str().unwrap(),
        &dst,
        &["--delete", "--max-delete", "3"],
    )
    .await;
    assert_eq!((code, s.deleted), (0, 3), "{s:?}");
    assert_eq!(tree_of(&dst), [("a".to_owned(), 1)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("server");
    let tree = aged_tree(&root, &TreeSpec::small());
    let server = FtpServer::builder().root(&root).start().await.unwrap();
    let dst = tmp.path().join("copy");
    std::fs::create_dir_all(&dst).unwrap();
    std::fs::write(dst.join("extra.txt"), b"extra").unwrap();
    let before = tree_of(&dst);
    let (code, s) = pull(
        &server.url_with_login("/"),
        &dst,
        &["--dry-run", "--delete", "--json"],
    )
    .await;
    assert_eq!(code, 0, "{s:?}");
    assert!(s.dry_run);
    assert_eq!(s.planned, tree.files.len() as u64);
    assert_eq!((s.copied, s.deleted, s.extraneous), (0, 0, 1));
    assert_eq!(s.bytes, tree.total_bytes());
    assert_eq!(tree_of(&dst), before);
    let json: serde_json::Value = serde_json::from_str(&s.json()).unwrap();
    assert_eq!(json["planned"], tree.files.len() as u64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_names_are_refused_and_nothing_lands_outside_the_target() {
    let tmp = tempfile::tempdir().unwrap();
    let html = index(&[
        ("%2E%2E%2Fevil", 4),
        ("..%5Cevil2", 4),
        ("C:evil3", 4),
        ("bad%00nul", 4),
        ("%2Fetc%2Fpasswd", 4),
        ("good", 4),
    ]);
    let mut routes = Routes::new().route("/site/", Reply::html(html));
    for p in ["/site/good", "/evil", "/site/..%5Cevil2", "/site/C:evil3"] {
        routes = routes.route(p, Reply::text("data"));
    }
    let server = TestServer::start(routes).await.unwrap();
    let dst = tmp.path().join("inner").join("copy");
    let (code, s) = pull(&server.url("/site/"), &dst, &[]).await;
    assert_eq!(code, 1, "{s:?}");
    assert_eq!(s.copied, 1);
    assert_eq!(s.refused.len(), 5, "{:?}", s.refused);
    assert_eq!(tree_of(&dst), [("good".to_owned(), 4)]);
    let around: Vec<_> = tree_of(tmp.path()).into_iter().map(|(p, _)| p).collect();
    assert_eq!(around, ["inner/copy/good"]);
}

#[test]
fn a_run_interrupted_mid_file_is_finished_by_the_next_run() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("server");
    std::fs::create_dir_all(root.join("sub")).unwrap();
    let big: Vec<u8> = (0..24u32 << 20).map(|i| (i % 251) as u8).collect();
    std::fs::write(root.join("sub/big.bin"), &big).unwrap();
    std::fs::write(root.join("small.txt"), b"small").unwrap();
    let mut server = FtpServer::builder().root(&root).start_blocking().unwrap();
    let url = server.url_with_login("/");
    let dst = tmp.path().join("copy");

    let reached = Signal::new();
    let stopped = Signal::new();
    let hook = {
        let (reached, stopped) = (reached.clone(), stopped.clone());
        Arc::new(move |path: &str, done: u64| {
            if path == "sub/big.bin" && done >= 1 << 20 && !reached.is_fired() {
                reached.fire();
                // Hold this transfer until the server is gone.
                stopped.wait_blocking(Duration::from_secs(60));
            }
        })
    };
    let d = dst.clone();
    let u = url.clone();
    let run = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let args = [
                "pull",
                &u,
                d.to_str().unwrap(),
                "-q",
                "--retries",
                "0",
                "--transfers",
                "1",
            ];
            run_args(
                &args,
                Hooks {
                    on_bytes: Some(hook),
                },
            )
            .await
        })
    });
    assert!(
        reached.wait_blocking(Duration::from_secs(60)),
        "the transfer never started"
    );
    server.stop_blocking();
    stopped.fire();
    let (code, s) = run.join().unwrap();
    let s = s.unwrap();
    assert_eq!(code, 1, "{s:?}");
    assert!(
        !dst.join("sub/big.bin").exists(),
        "a partial file under its real name"
    );

    let server = FtpServer::builder().root(&root).start_blocking().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (code, s) = rt.block_on(async {
        let d = dst.to_str().unwrap();
        run_args(
            &["pull", &server.url_with_login("/"), d, "-q", "--resume"],
            Hooks::default(),
        )
        .await
    });
    let s = s.unwrap();
    assert_eq!((code, s.resumed, s.errors.len()), (0, 1, 0), "{s:?}");
    assert!(
        s.bytes < big.len() as u64,
        "the partial copy was continued: {s:?}"
    );
    assert!(same_tree(&root, &dst).unwrap());
    assert_eq!(std::fs::read(dst.join("sub/big.bin")).unwrap(), big);
    let names: Vec<_> = std::fs::read_dir(dst.join("sub"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["big.bin"], "no temporary file is left");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_round_trip_over_ftp() {
    let tmp = tempfile::tempdir().unwrap();
    let local = tmp.path().join("local");
    let tree = aged_tree(&local, &TreeSpec::small());
    let server_root = tmp.path().join("server");
    std::fs::create_dir_all(&server_root).unwrap();
    let server = FtpServer::builder()
        .root(&server_root)
        .start()
        .await
        .unwrap();
    let url = server.url_with_login("/mirror/");
    let l = local.to_str().unwrap();
    let push = |extra: &'static [&'static str]| {
        let url = url.clone();
        async move {
            let mut args = vec!["push", l, url.as_str(), "-q"];
            args.extend_from_slice(extra);
            let (code, s) = run_args(&args, Hooks::default()).await;
            (code, s.unwrap())
        }
    };
    let (code, s) = push(&[]).await;
    assert_eq!((code, s.copied), (0, tree.files.len() as u64), "{s:?}");
    assert!(same_tree(&local, &server_root.join("mirror")).unwrap());

    let (code, s) = push(&[]).await;
    assert_eq!((code, s.copied), (0, 0), "a no-op push: {s:?}");

    let changed = &tree.files[0].path;
    std::fs::write(
        local.join(changed),
        b"changed locally, and longer than before...",
    )
    .unwrap();
    let gone = &tree.files[1].path;
    std::fs::remove_file(local.join(gone)).unwrap();
    let (code, s) = push(&["--delete"]).await;
    assert_eq!((code, s.copied, s.deleted), (0, 1, 1), "{s:?}");
    assert!(same_tree(&local, &server_root.join("mirror")).unwrap());

    // And back: a pull of what was pushed is identical too.
    let back = tmp.path().join("back");
    let (code, s) = pull(&url, &back, &[]).await;
    assert_eq!((code, s.copied), (0, tree.files.len() as u64 - 1), "{s:?}");
    assert!(same_tree(&local, &back).unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn include_and_exclude_limit_what_is_copied() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    std::fs::create_dir_all(src.join("d")).unwrap();
    for p in ["a.txt", "b.log", "d/c.txt", "d/e.bin"] {
        std::fs::write(src.join(p), p).unwrap();
    }
    let dst = tmp.path().join("dst");
    let (code, s) = pull(
        src.to_str().unwrap(),
        &dst,
        &["--include", "*.txt", "--exclude", "d/*"],
    )
    .await;
    assert_eq!((code, s.copied), (0, 1), "{s:?}");
    assert_eq!(tree_of(&dst), [("a.txt".to_owned(), 5)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_errors_exit_2_and_unreachable_servers_exit_3() {
    assert_eq!(run_args(&["pull"], Hooks::default()).await.0, 2);
    assert_eq!(run_args(&["frobnicate"], Hooks::default()).await.0, 2);
    assert_eq!(
        run_args(&["pull", "gopher://x/", "/tmp/x"], Hooks::default())
            .await
            .0,
        2
    );
    assert_eq!(
        run_args(&["push", "/tmp", "http://127.0.0.1/"], Hooks::default())
            .await
            .0,
        2
    );
    assert_eq!(
        run_args(&["pull", "a", "b", "--transfers", "0"], Hooks::default())
            .await
            .0,
        2
    );
    assert_eq!(run_args(&["--help"], Hooks::default()).await.0, 0);
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("x");
    for url in [
        format!("ftp://127.0.0.1:{port}/"),
        format!("http://127.0.0.1:{port}/"),
    ] {
        let (code, _) = run_args(
            &["pull", &url, d.to_str().unwrap(), "-q", "--retries", "0"],
            Hooks::default(),
        )
        .await;
        assert_eq!(code, 3, "{url}");
    }
    assert!(!d.exists());
}

/// Against servers nobody here wrote: vsftpd and nginx from Debian's packages, started with
/// generated configurations (needs root). Runs only with HINTERNET_INTEROP=1.
mod interop {
    use super::*;
    use std::process::{Child, Command, Stdio};

    struct Daemon(Child);

    impl Drop for Daemon {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }

    fn enabled() -> bool {
        std::env::var("HINTERNET_INTEROP").is_ok_and(|v| v == "1")
    }

    fn free_port() -> u16 {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    }

    /// Waits (bounded) until a freshly started daemon accepts connections.
    fn wait_listening(port: u16) {
        for _ in 0..500 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("nothing listens on {port}");
    }

    fn vsftpd(anon_root: &Path, conf_dir: &Path) -> (Daemon, u16) {
        let port = free_port();
        let pasv = free_port();
        let conf = conf_dir.join("vsftpd.conf");
        std::fs::write(
            &conf,
            format!(
                "listen=YES\nlisten_address=127.0.0.1\nlisten_port={port}\nbackground=NO\n\
                 anonymous_enable=YES\nlocal_enable=NO\nno_anon_password=YES\nanon_root={}\n\
                 write_enable=YES\nanon_upload_enable=YES\nanon_mkdir_write_enable=YES\n\
                 anon_other_write_enable=YES\nanon_umask=022\npasv_enable=YES\n\
                 pasv_min_port={pasv}\npasv_max_port={}\nisolate=NO\nisolate_network=NO\n\
                 seccomp_sandbox=NO\nxferlog_enable=NO\nmax_per_ip=50\n",
                anon_root.display(),
                pasv.saturating_add(100)
            ),
        )
        .unwrap();
        let child = Command::new("/usr/sbin/vsftpd")
            .arg(&conf)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("vsftpd (apt-get install -y vsftpd)");
        wait_listening(port);
        (Daemon(child), port)
    }

    fn nginx(root: &Path, conf_dir: &Path) -> (Daemon, u16) {
        let port = free_port();
        let d = conf_dir.display();
        let conf = conf_dir.join("nginx.conf");
        std::fs::write(
            &conf,
            format!(
                "daemon off;\nmaster_process off;\nworker_processes 1;\npid {d}/nginx.pid;\n\
                 error_log {d}/error.log;\nevents {{ worker_connections 128; }}\nhttp {{\n\
                 access_log off;\nclient_body_temp_path {d};\nproxy_temp_path {d};\n\
                 fastcgi_temp_path {d};\nuwsgi_temp_path {d};\nscgi_temp_path {d};\n\
                 server {{ listen 127.0.0.1:{port}; root {}; autoindex on; }}\n}}\n",
                root.display()
            ),
        )
        .unwrap();
        let child = Command::new("/usr/sbin/nginx")
            .arg("-c")
            .arg(&conf)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nginx (apt-get install -y nginx)");
        wait_listening(port);
        (Daemon(child), port)
    }

    fn chmod_r(p: &Path, mode: u32) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
        if p.is_dir() {
            for e in std::fs::read_dir(p).unwrap() {
                let e = e.unwrap();
                let m = if e.path().is_dir() { 0o755 } else { 0o644 };
                chmod_r(&e.path(), m);
            }
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn vsftpd_pull_change_delete_and_push() {
        if !enabled() {
            eprintln!("skipped: set HINTERNET_INTEROP=1 (needs root, vsftpd)");
            return;
        }
        let tmp = tempfile::tempdir().unwrap();
        let anon = tmp.path().join("anon");
        let tree_root = anon.join("tree");
        let tree = aged_tree(&tree_root, &TreeSpec::small());
        let incoming = anon.join("incoming");
        std::fs::create_dir_all(&incoming).unwrap();
        chmod_r(tmp.path(), 0o755);
        std::fs::set_permissions(
            &incoming,
            std::os::unix::fs::PermissionsExt::from_mode(0o777),
        )
        .unwrap();
        let (_d, port) = vsftpd(&anon, tmp.path());
        let url = format!("ftp://127.0.0.1:{port}/tree/");
        let dst = tmp.path().join("copy");
        let (code, s) = pull(&url, &dst, &[]).await;
        assert_eq!((code, s.copied), (0, tree.files.len() as u64), "{s:?}");
        assert!(same_tree(&tree_root, &dst).unwrap());
        let (code, s) = pull(&url, &dst, &[]).await;
        assert_eq!((code, s.copied), (0, 0), "{s:?}");
        let changes = modify_tree(&tree_root, &tree, 6, 5).unwrap();
        chmod_r(&tree_root, 0o755);
        let (code, s) = pull(&url, &dst, &["--delete"]).await;
        assert_eq!(code, 0, "{s:?}");
        assert_eq!(s.deleted as usize, changes.removed.len());
        assert!(same_tree(&tree_root, &dst).unwrap());

        let up = format!("ftp://127.0.0.1:{port}/incoming/m/");
        let (code, s) = run_args(
            &["push", dst.to_str().unwrap(), &up, "-q"],
            Hooks::default(),
        )
        .await;
        let s = s.unwrap();
        assert_eq!(code, 0, "{s:?}");
        assert!(same_tree(&dst, &incoming.join("m")).unwrap());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn nginx_autoindex_pull_and_no_op() {
        if !enabled() {
            eprintln!("skipped: set HINTERNET_INTEROP=1 (needs nginx)");
            return;
        }
        let tmp = tempfile::tempdir().unwrap();
        let www = tmp.path().join("www");
        let tree = aged_tree(&www.join("tree"), &TreeSpec::small());
        chmod_r(tmp.path(), 0o755);
        let (_d, port) = nginx(&www, tmp.path());
        let url = format!("http://127.0.0.1:{port}/tree/");
        let dst = tmp.path().join("copy");
        let (code, s) = pull(&url, &dst, &["--transfers", "4"]).await;
        assert_eq!((code, s.copied), (0, tree.files.len() as u64), "{s:?}");
        assert!(same_tree(&www.join("tree"), &dst).unwrap());
        let (code, s) = pull(&url, &dst, &[]).await;
        assert_eq!((code, s.copied), (0, 0), "{s:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_names_in_an_ftp_listing_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("server");
    std::fs::create_dir_all(root.join("d")).unwrap();
    // Legal names on the server's file system, dangerous ones on a client's.
    for n in ["..\\evil", "C:evil", "d/..\\x", "ok"] {
        std::fs::write(root.join(n), b"data").unwrap();
    }
    let server = FtpServer::builder().root(&root).start().await.unwrap();
    let dst = tmp.path().join("copy");
    let (code, s) = pull(&server.url_with_login("/"), &dst, &["--delete"]).await;
    assert_eq!(code, 1, "{s:?}");
    assert_eq!(s.copied, 1);
    assert_eq!(s.refused.len(), 3, "{:?}", s.refused);
    assert_eq!(tree_of(&dst), [("ok".to_owned(), 4)]);
    let around: Vec<_> = tree_of(tmp.path()).into_iter().map(|(p, _)| p).collect();
    assert!(
        around
            .iter()
            .all(|p| p.starts_with("server/") || p == "copy/ok"),
        "{around:?}"
    );
}

#[test]
fn an_interrupted_http_download_resumes_with_a_range_request() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("server");
    std::fs::create_dir_all(&root).unwrap();
    let big: Vec<u8> = (0..24u32 << 20).map(|i| (i % 253) as u8).collect();
    std::fs::write(root.join("big.bin"), &big).unwrap();
    let when = SystemTime::now() - Duration::from_secs(7200);
    std::fs::File::options()
        .write(true)
        .open(root.join("big.bin"))
        .unwrap()
        .set_modified(when)
        .unwrap();
    let mut server = TestServer::start_blocking(Routes::new().directory("/f/", &root)).unwrap();
    let url = server.url("/f/");
    let dst = tmp.path().join("copy");
    let reached = Signal::new();
    let stopped = Signal::new();
    let hook = {
        let (reached, stopped) = (reached.clone(), stopped.clone());
        Arc::new(move |_: &str, done: u64| {
            if done >= 1 << 20 && !reached.is_fired() {
                reached.fire();
                stopped.wait_blocking(Duration::from_secs(60));
            }
        })
    };
    let (d, u) = (dst.clone(), url.clone());
    let run = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let args = ["pull", &u, d.to_str().unwrap(), "-q", "--retries", "0"];
            run_args(
                &args,
                Hooks {
                    on_bytes: Some(hook),
                },
            )
            .await
        })
    });
    assert!(reached.wait_blocking(Duration::from_secs(60)));
    server.shutdown();
    stopped.fire();
    let (code, s) = run.join().unwrap();
    assert_eq!(code, 1, "{s:?}");
    assert!(!dst.join("big.bin").exists());

    let server = TestServer::start_blocking(Routes::new().directory("/f/", &root)).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (code, s) = rt.block_on(async {
        let d = dst.to_str().unwrap();
        run_args(
            &["pull", &server.url("/f/"), d, "-q", "--resume"],
            Hooks::default(),
        )
        .await
    });
    let s = s.unwrap();
    assert_eq!((code, s.copied, s.resumed), (0, 1, 1), "{s:?}");
    assert!(s.bytes < big.len() as u64, "{s:?}");
    assert_eq!(std::fs::read(dst.join("big.bin")).unwrap(), big);
    assert_eq!(tree_of(&dst), [("big.bin".to_owned(), big.len() as u64)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_from_options_and_netrc_and_a_refused_login_exits_3() {
    use hinternet_testkit::ftp::{DEFAULT_PASSWORD, DEFAULT_USER};
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("server");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("f"), b"x").unwrap();
    let server = FtpServer::builder().root(&root).start().await.unwrap();
    let url = server.url("/");
    let dst = tmp.path().join("a");
    let (code, s) = pull(
        &url,
        &dst,
        &["--user", DEFAULT_USER, "--password", DEFAULT_PASSWORD],
    )
    .await;
    assert_eq!((code, s.copied), (0, 1), "{s:?}");
    assert!(!s.json().contains(DEFAULT_PASSWORD));
    let netrc = tmp.path().join("netrc");
    std::fs::write(
        &netrc,
        format!("machine 127.0.0.1 login {DEFAULT_USER} password {DEFAULT_PASSWORD}\n"),
    )
    .unwrap();
    let dst = tmp.path().join("b");
    let (code, s) = pull(&url, &dst, &["--netrc", netrc.to_str().unwrap()]).await;
    assert_eq!((code, s.copied), (0, 1), "{s:?}");
    let bad = url.replace("ftp://", "ftp://user:wrong@");
    let d = tmp.path().join("c");
    let (code, s) = run_args(&["pull", &bad, d.to_str().unwrap(), "-q"], Hooks::default()).await;
    assert_eq!(code, 3);
    assert!(s.is_none());
}

/// Writes the testkit CA as a PEM file for --ca-file.
fn ca_file(dir: &Path) -> String {
    let path = dir.join("ca.pem");
    hinternet_testkit::tls::TestCa::shared()
        .write_pem(&path)
        .unwrap();
    path.to_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ftps_pulls_over_implicit_and_explicit_tls_with_a_ca_file() {
    use hinternet_testkit::tls::TestCa;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("server");
    let tree = aged_tree(&root, &TreeSpec::small());
    let ca = ca_file(tmp.path());

    let implicit = FtpServer::builder()
        .root(&root)
        .ftps_implicit(&TestCa::shared().server_cert())
        .start()
        .await
        .unwrap();
    let url = implicit
        .url_with_login("/")
        .replacen("ftp://", "ftps://", 1);
    let dst = tmp.path().join("implicit");
    let (code, s) = pull(&url, &dst, &["--ca-file", &ca]).await;
    assert_eq!(code, 0, "{s:?}");
    assert_eq!(s.copied, tree.files.len() as u64);
    assert!(same_tree(&root, &dst).unwrap());

    let explicit = FtpServer::builder()
        .root(&root)
        .ftps(&TestCa::shared().server_cert())
        .start()
        .await
        .unwrap();
    let url = explicit
        .url_with_login("/")
        .replacen("ftp://", "ftps://", 1);
    let dst = tmp.path().join("explicit");
    let (code, s) = pull(&url, &dst, &["--ca-file", &ca, "--explicit-tls"]).await;
    assert_eq!(code, 0, "{s:?}");
    assert!(same_tree(&root, &dst).unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_pull_from_an_autoindex_with_a_ca_file() {
    use hinternet_testkit::tls::TestCa;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("server");
    let tree = aged_tree(&root, &TreeSpec::small());
    let server = TestServer::start_tls(
        Routes::new().directory("/files/", &root),
        &TestCa::shared().server_cert(),
    )
    .await
    .unwrap();
    let url = server.url("/files/");
    assert!(url.starts_with("https://"), "{url}");
    let dst = tmp.path().join("copy");
    let ca = ca_file(tmp.path());
    let (code, s) = pull(&url, &dst, &["--ca-file", &ca, "--transfers", "2"]).await;
    assert_eq!(code, 0, "{s:?}");
    assert_eq!(s.copied, tree.files.len() as u64);
    assert!(same_tree(&root, &dst).unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ca_file_without_certificates_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let bogus = tmp.path().join("bogus.pem");
    std::fs::write(&bogus, "not a certificate\n").unwrap();
    let dst = tmp.path().join("copy");
    let args = [
        "pull",
        "ftps://127.0.0.1:1/",
        dst.to_str().unwrap(),
        "-q",
        "--ca-file",
        bogus.to_str().unwrap(),
    ];
    let (code, _) = run_args(&args, Hooks::default()).await;
    assert_eq!(code, 2);
    assert!(!dst.exists());
}
