//! Interop with a server nobody here wrote: nginx on a loopback port from a generated config
//! (static files, byte ranges, an autoindex directory, a keep-alive series).
//!
//! Runs only with `HINTERNET_INTEROP=1`; then a missing nginx is a failure, not a skip.

mod http_common;

use std::path::{Path, PathBuf};
use std::process::Command;

use hinternet_core::consts::*;
use http_common::Session;

struct Nginx {
    dir: tempfile::TempDir,
    port: u16,
}

impl Nginx {
    fn start() -> Nginx {
        let bin = ["/usr/sbin/nginx", "/usr/bin/nginx"]
            .iter()
            .map(PathBuf::from)
            .find(|p| p.exists())
            .expect("HINTERNET_INTEROP=1 needs nginx (apt-get install -y nginx)");
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("www/dir")).unwrap();
        std::fs::create_dir_all(root.join("logs")).unwrap();
        std::fs::write(
            root.join("www/file.bin"),
            hinternet_testkit::pattern::bytes(0, 100_000),
        )
        .unwrap();
        std::fs::write(root.join("www/dir/alpha.txt"), b"alpha").unwrap();
        std::fs::write(root.join("www/dir/beta.txt"), b"beta").unwrap();
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let p = root.display();
        let conf = format!(
            "worker_processes 1;\npid {p}/nginx.pid;\nerror_log {p}/logs/error.log;\n\
             events {{ worker_connections 64; }}\n\
             http {{\n access_log off;\n keepalive_requests 1000;\n\
             client_body_temp_path {p}/logs; proxy_temp_path {p}/logs; fastcgi_temp_path {p}/logs;\n\
             uwsgi_temp_path {p}/logs; scgi_temp_path {p}/logs;\n\
             server {{\n  listen 127.0.0.1:{port};\n  root {p}/www;\n  location /dir/ {{ autoindex on; }}\n }}\n}}\n"
        );
        std::fs::write(root.join("nginx.conf"), conf).unwrap();
        let _ = Command::new("chmod")
            .args(["-R", "a+rX"])
            .arg(root)
            .status();
        let st = Command::new(bin)
            .arg("-c")
            .arg(root.join("nginx.conf"))
            .arg("-p")
            .arg(root)
            .arg("-e")
            .arg(root.join("logs/error.log"))
            .status()
            .unwrap();
        assert!(st.success(), "nginx did not start");
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Nginx { dir, port };
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        panic!("nginx did not listen on {port}");
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        if let Ok(pid) = std::fs::read_to_string(self.path().join("nginx.pid")) {
            let _ = Command::new("kill").arg(pid.trim()).status();
        }
    }
}

fn enabled() -> bool {
    std::env::var("HINTERNET_INTEROP").is_ok_and(|v| v == "1")
}

#[test]
fn nginx_files_ranges_autoindex_and_keep_alive() {
    if !enabled() {
        return;
    }
    let ng = Nginx::start();
    let s = Session::new(0);
    let c = s.connect(ng.port, 0);

    let req = s.open(c, "GET", "/file.bin", 0);
    s.send(req, None, b"").unwrap();
    assert_eq!(s.status(req), 200);
    assert_eq!(s.number(req, HTTP_QUERY_CONTENT_LENGTH).unwrap(), 100_000);
    assert_eq!(
        s.read_all(req).unwrap(),
        hinternet_testkit::pattern::bytes(0, 100_000)
    );
    assert!(
        s.query(req, HTTP_QUERY_SERVER)
            .unwrap()
            .starts_with("nginx")
    );

    let req = s.open(c, "GET", "/file.bin", 0);
    s.send(req, Some("Range: bytes=1000-1999\r\n"), b"")
        .unwrap();
    assert_eq!(s.status(req), 206);
    assert_eq!(
        s.query(req, HTTP_QUERY_CONTENT_RANGE).unwrap(),
        "bytes 1000-1999/100000"
    );
    assert_eq!(
        s.read_all(req).unwrap(),
        hinternet_testkit::pattern::bytes(1000, 1000)
    );

    let req = s.open(c, "GET", "/dir/", 0);
    s.send(req, None, b"").unwrap();
    let listing = String::from_utf8(s.read_all(req).unwrap()).unwrap();
    assert!(
        listing.contains("alpha.txt") && listing.contains("beta.txt"),
        "{listing}"
    );

    let req = s.open(c, "HEAD", "/file.bin", 0);
    s.send(req, None, b"").unwrap();
    assert_eq!(s.read_all(req).unwrap(), b"");

    let req = s.open(c, "GET", "/missing", 0);
    s.send(req, None, b"").unwrap();
    assert_eq!(s.status(req), 404);
    s.read_all(req).unwrap();

    // A keep-alive series: after the first, no request connects again.
    s.rec.clear();
    for _ in 0..20 {
        let req = s.open(c, "GET", "/dir/alpha.txt", 0);
        s.send(req, None, b"").unwrap();
        assert_eq!(s.read_all(req).unwrap(), b"alpha");
        s.close(req);
    }
    let connects = s
        .rec
        .codes()
        .iter()
        .filter(|&&c| c == INTERNET_STATUS_CONNECTING_TO_SERVER)
        .count();
    assert!(
        connects <= 1,
        "{connects} connects for 20 keep-alive requests"
    );
}
