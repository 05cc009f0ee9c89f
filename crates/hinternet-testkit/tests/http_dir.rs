//! The autoindex directory listing and file serving.

mod common;

use common::Conn;
use hinternet_testkit::http::{Routes, TestServer};

#[tokio::test]
async fn listing_files_and_conditionals() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), b"alpha").unwrap();
    std::fs::write(dir.path().join("with space.bin"), vec![7u8; 1234]).unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(dir.path().join("sub/inner.txt"), b"inner").unwrap();
    let s = TestServer::start(Routes::new().directory("/files/", dir.path()))
        .await
        .unwrap();
    let mut c = Conn::open(s.addr()).await;

    let r = c.get("/files/").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    let html = r.text();
    assert!(html.contains("<title>Index of /files/</title>"), "{html}");
    assert!(html.contains("<a href=\"../\">../</a>"));
    assert!(html.contains("<a href=\"sub/\">sub/</a>"));
    assert!(html.contains("<a href=\"a.txt\">a.txt</a>"));
    assert!(html.contains("<a href=\"with%20space.bin\">with space.bin</a>"));
    let line = html.lines().find(|l| l.contains("a.txt")).unwrap();
    assert!(line.trim_end().ends_with(" 5"), "{line}");
    // Directories come first, as with nginx.
    assert!(html.find("sub/").unwrap() < html.find("a.txt").unwrap());

    let r = c.get("/files/a.txt").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.text(), "alpha");
    assert_eq!(r.header("content-type"), Some("text/plain"));
    let lm = r.header("last-modified").unwrap().to_owned();
    assert_eq!(r.header("accept-ranges"), Some("bytes"));

    let r = c
        .send("GET", "/files/a.txt", &[("If-Modified-Since", &lm)], b"")
        .await;
    assert_eq!(r.status, 304);
    assert!(r.body.is_empty());

    let r = c
        .send(
            "GET",
            "/files/with%20space.bin",
            &[("Range", "bytes=1000-")],
            b"",
        )
        .await;
    assert_eq!(r.status, 206);
    assert_eq!(r.body.len(), 234);
    assert_eq!(r.header("content-range"), Some("bytes 1000-1233/1234"));

    let r = c.get("/files/sub").await;
    assert_eq!(r.status, 301);
    assert_eq!(r.header("location"), Some("/files/sub/"));
    let r = c.get("/files/sub/inner.txt").await;
    assert_eq!(r.text(), "inner");
    let r = c.get("/files").await;
    assert_eq!(r.status, 301);
    assert_eq!(c.get("/files/missing").await.status, 404);
    assert_eq!(c.get("/files/../etc/passwd").await.status, 403);
    assert_eq!(c.get("/files/%2e%2e/x").await.status, 403);
}
