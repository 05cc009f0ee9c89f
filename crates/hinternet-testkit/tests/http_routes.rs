//! The test HTTP server's routes, checked with hyper's client.

mod common;

use common::{Conn, get, raw_exchange};
use hinternet_testkit::http::{Encoding, Piece, Reply, Routes, TestServer};
use hinternet_testkit::{Signal, pattern};
use std::io::Read;
use std::time::Duration;

#[tokio::test]
async fn fixed_text_and_404() {
    let s = TestServer::start(Routes::new().route("/hello", Reply::text("hello")))
        .await
        .unwrap();
    let r = get(s.addr(), "/hello").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.text(), "hello");
    assert_eq!(r.header("content-length"), Some("5"));
    assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
    let r = get(s.addr(), "/nope").await;
    assert_eq!(r.status, 404);
    assert!(s.url("/x").starts_with("http://127.0.0.1:"));
}

#[tokio::test]
async fn explicit_header_replaces_default() {
    let s = TestServer::start(
        Routes::new().route(
            "/h",
            Reply::text("x")
                .header("Content-Type", "text/html")
                .header("X-A", "1")
                .header("X-A", "2"),
        ),
    )
    .await
    .unwrap();
    let r = get(s.addr(), "/h").await;
    let ct: Vec<_> = r.headers.get_all("content-type").iter().collect();
    assert_eq!(ct.len(), 1);
    assert_eq!(ct[0], "text/html");
    assert_eq!(r.headers.get_all("x-a").iter().count(), 2);
}

#[tokio::test]
async fn generated_body_and_ranges() {
    let s = TestServer::start(Routes::new().route("/gen", Reply::generated(1_000_003)))
        .await
        .unwrap();
    let mut c = Conn::open(s.addr()).await;
    let r = c.get("/gen").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body.len(), 1_000_003);
    assert_eq!(pattern::check(0, &r.body), None);
    assert_eq!(r.header("accept-ranges"), Some("bytes"));

    let r = c
        .send("GET", "/gen", &[("Range", "bytes=1000-1999")], b"")
        .await;
    assert_eq!(r.status, 206);
    assert_eq!(r.header("content-range"), Some("bytes 1000-1999/1000003"));
    assert_eq!(r.body.len(), 1000);
    assert_eq!(pattern::check(1000, &r.body), None);

    let r = c.send("GET", "/gen", &[("Range", "bytes=-3")], b"").await;
    assert_eq!(r.status, 206);
    assert_eq!(&r.body[..], &pattern::bytes(1_000_000, 3)[..]);

    let r = c
        .send("GET", "/gen", &[("Range", "bytes=2000000-")], b"")
        .await;
    assert_eq!(r.status, 416);
    assert_eq!(r.header("content-range"), Some("bytes */1000003"));
    // All on one kept-alive connection.
    assert_eq!(s.connections_accepted(), 1);
    assert!(s.requests().iter().all(|q| q.conn == 1));
}

#[tokio::test]
async fn huge_generated_body_head_only() {
    let s = TestServer::start(Routes::new().route("/huge", Reply::generated(5 << 30)))
        .await
        .unwrap();
    let mut c = Conn::open(s.addr()).await;
    let r = c.send("HEAD", "/huge", &[], b"").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-length"), Some("5368709120"));
    assert!(r.body.is_empty());
    // A range near the end of the 5 GiB body.
    let r = c
        .send("GET", "/huge", &[("Range", "bytes=5368709000-")], b"")
        .await;
    assert_eq!(r.status, 206);
    assert_eq!(r.body.len(), 120);
    assert_eq!(pattern::check(5_368_709_000, &r.body), None);
}

#[tokio::test]
async fn chunked_body_is_chunked_on_the_wire() {
    let s = TestServer::start(Routes::new().route("/c", Reply::chunked(["ab", "cde", "f"])))
        .await
        .unwrap();
    let raw = raw_exchange(
        s.addr(),
        b"GET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        1 << 20,
    )
    .await
    .unwrap();
    let text = String::from_utf8_lossy(&raw).to_ascii_lowercase();
    assert!(text.contains("transfer-encoding: chunked"), "{text}");
    assert!(
        text.ends_with("2\r\nab\r\n3\r\ncde\r\n1\r\nf\r\n0\r\n\r\n"),
        "{text}"
    );
}

#[tokio::test(start_paused = true)]
async fn slow_body_uses_tokio_time() {
    let s = TestServer::start(Routes::new().route(
        "/slow",
        Reply::slow(&b"0123456789"[..], 2, Duration::from_secs(30)),
    ))
    .await
    .unwrap();
    let start = tokio::time::Instant::now();
    let r = get(s.addr(), "/slow").await;
    assert_eq!(r.text(), "0123456789");
    assert_eq!(r.header("content-length"), Some("10"));
    // Five pieces, 30 s before each, on paused (auto-advancing) time.
    assert!(start.elapsed() >= Duration::from_secs(150));
}

#[tokio::test]
async fn pieces_wait_on_signals() {
    let reached = Signal::new();
    let release = Signal::new();
    let s = TestServer::start(Routes::new().route(
        "/p",
        Reply::pieces(vec![
            Piece::Data("first".into()),
            Piece::Fire(reached.clone()),
            Piece::Wait(release.clone()),
            Piece::Pattern {
                offset: 0,
                len: 100_000,
            },
        ]),
    ))
    .await
    .unwrap();
    let addr = s.addr();
    let t = tokio::spawn(async move { get(addr, "/p").await });
    reached.wait().await;
    assert!(!t.is_finished());
    release.fire();
    let r = t.await.unwrap();
    assert_eq!(&r.body[..5], b"first");
    assert_eq!(pattern::check(0, &r.body[5..]), None);
    assert_eq!(r.body.len(), 100_005);
}

#[tokio::test]
async fn failing_body_aborts_the_connection() {
    let s = TestServer::start(
        Routes::new().route(
            "/f",
            Reply::pieces(vec![Piece::Data("part".into()), Piece::Fail])
                .header("Content-Length", "100"),
        ),
    )
    .await
    .unwrap();
    let mut c = Conn::open(s.addr()).await;
    assert!(c.try_send("GET", "/f", &[], b"").await.is_err());
}

#[tokio::test]
async fn redirects() {
    let mut routes = Routes::new();
    for code in [301u16, 302, 303, 307, 308] {
        routes = routes.route(format!("/r{code}"), Reply::redirect(code, "/target"));
    }
    let s = TestServer::start(routes).await.unwrap();
    let mut c = Conn::open(s.addr()).await;
    for code in [301u16, 302, 303, 307, 308] {
        let r = c.get(&format!("/r{code}")).await;
        assert_eq!(r.status, code);
        assert_eq!(r.header("location"), Some("/target"));
    }
}

fn b64(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(s)
}

#[tokio::test]
async fn basic_auth_and_proxy_auth() {
    let s = TestServer::start(
        Routes::new()
            .route(
                "/basic",
                Reply::basic_auth("realm1", "alice", "s3cret", Reply::text("welcome")),
            )
            .route(
                "/proxy",
                Reply::proxy_basic_auth("px", "bob", "pw", Reply::text("via proxy")),
            ),
    )
    .await
    .unwrap();
    let mut c = Conn::open(s.addr()).await;
    let r = c.get("/basic").await;
    assert_eq!(r.status, 401);
    assert_eq!(r.header("www-authenticate"), Some("Basic realm=\"realm1\""));
    let good = format!("Basic {}", b64("alice:s3cret"));
    let bad = format!("Basic {}", b64("alice:wrong"));
    let r = c
        .send("GET", "/basic", &[("Authorization", &bad)], b"")
        .await;
    assert_eq!(r.status, 401);
    let r = c
        .send("GET", "/basic", &[("Authorization", &good)], b"")
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.text(), "welcome");

    let r = c.get("/proxy").await;
    assert_eq!(r.status, 407);
    assert_eq!(r.header("proxy-authenticate"), Some("Basic realm=\"px\""));
    let px = format!("Basic {}", b64("bob:pw"));
    let r = c
        .send("GET", "/proxy", &[("Proxy-Authorization", &px)], b"")
        .await;
    assert_eq!(r.status, 200);
}

fn md5_hex(s: &str) -> String {
    use md5::{Digest, Md5};
    Md5::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn param<'a>(h: &'a str, k: &str) -> &'a str {
    let i = h.find(&format!("{k}=\"")).unwrap() + k.len() + 2;
    let j = h[i..].find('"').unwrap();
    &h[i..i + j]
}

#[tokio::test]
async fn digest_auth() {
    let s = TestServer::start(Routes::new().route(
        "/d",
        Reply::digest_auth("dig", "carol", "pass", Reply::text("digest ok")),
    ))
    .await
    .unwrap();
    let mut c = Conn::open(s.addr()).await;
    let r = c.get("/d?x=1").await;
    assert_eq!(r.status, 401);
    let ch = r.header("www-authenticate").unwrap().to_owned();
    assert!(ch.starts_with("Digest "));
    let nonce = param(&ch, "nonce");
    let ha1 = md5_hex("carol:dig:pass");
    let ha2 = md5_hex("GET:/d?x=1");
    let resp = md5_hex(&format!("{ha1}:{nonce}:00000001:abcdef:auth:{ha2}"));
    let auth = format!(
        "Digest username=\"carol\", realm=\"dig\", nonce=\"{nonce}\", uri=\"/d?x=1\", qop=auth, nc=00000001, cnonce=\"abcdef\", response=\"{resp}\", opaque=\"{}\"",
        param(&ch, "opaque")
    );
    let r = c
        .send("GET", "/d?x=1", &[("Authorization", &auth)], b"")
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.text(), "digest ok");
    let wrong = auth.replace(&resp, &md5_hex("nope"));
    let r = c
        .send("GET", "/d?x=1", &[("Authorization", &wrong)], b"")
        .await;
    assert_eq!(r.status, 401);
}

#[tokio::test]
async fn cookies_and_encodings() {
    let text = "hello compressed world ".repeat(100);
    let s = TestServer::start(
        Routes::new()
            .route(
                "/cookie",
                Reply::text("c").set_cookie("a=1; Path=/").set_cookie("b=2"),
            )
            .route("/gz", Reply::encoded(Encoding::Gzip, &text))
            .route("/df", Reply::encoded(Encoding::Deflate, &text))
            .route("/br", Reply::encoded(Encoding::Brotli, &text)),
    )
    .await
    .unwrap();
    let mut c = Conn::open(s.addr()).await;
    let r = c.get("/cookie").await;
    let cookies: Vec<_> = r.headers.get_all("set-cookie").iter().collect();
    assert_eq!(cookies, ["a=1; Path=/", "b=2"]);

    let r = c.get("/gz").await;
    assert_eq!(r.header("content-encoding"), Some("gzip"));
    let mut out = String::new();
    flate2::read::GzDecoder::new(&r.body[..])
        .read_to_string(&mut out)
        .unwrap();
    assert_eq!(out, text);

    let r = c.get("/df").await;
    assert_eq!(r.header("content-encoding"), Some("deflate"));
    let mut out = String::new();
    flate2::read::ZlibDecoder::new(&r.body[..])
        .read_to_string(&mut out)
        .unwrap();
    assert_eq!(out, text);

    let r = c.get("/br").await;
    assert_eq!(r.header("content-encoding"), Some("br"));
    let mut out = String::new();
    brotli::Decompressor::new(&r.body[..], 4096)
        .read_to_string(&mut out)
        .unwrap();
    assert_eq!(out, text);
}

#[tokio::test]
async fn head_204_304() {
    let s = TestServer::start(
        Routes::new()
            .route("/t", Reply::text("twelve bytes"))
            .route("/204", Reply::no_content())
            .route("/304", Reply::not_modified()),
    )
    .await
    .unwrap();
    let mut c = Conn::open(s.addr()).await;
    let r = c.send("HEAD", "/t", &[], b"").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-length"), Some("12"));
    assert!(r.body.is_empty());
    let r = c.get("/204").await;
    assert_eq!(r.status, 204);
    assert!(r.header("content-length").is_none());
    let r = c.get("/304").await;
    assert_eq!(r.status, 304);
    // The connection is still usable.
    assert_eq!(c.get("/t").await.text(), "twelve bytes");
}

#[tokio::test]
async fn echo_and_request_log() {
    let s = TestServer::start(Routes::new().route("/echo", Reply::echo()))
        .await
        .unwrap();
    let mut c = Conn::open(s.addr()).await;
    let r = c
        .send("POST", "/echo?q=1", &[("X-Test", "yes")], b"payload")
        .await;
    let t = r.text();
    assert!(t.starts_with("POST /echo?q=1 HTTP/1.1\r\n"), "{t}");
    assert!(t.contains("x-test: yes\r\n"));
    assert!(t.ends_with("\r\n\r\npayload"));
    let log = s.requests();
    assert_eq!(log.len(), 1);
    let q = &log[0];
    assert_eq!(q.id, 1);
    assert_eq!(q.conn, 1);
    assert_eq!(q.method, "POST");
    assert_eq!(q.path, "/echo");
    assert_eq!(q.query.as_deref(), Some("q=1"));
    assert_eq!(q.header("X-Test"), Some("yes"));
    assert_eq!(q.body_len, 7);
    assert_eq!(q.body_text(), "payload");
    assert!(q.body_complete);
}

#[tokio::test]
async fn upload_pattern_is_checked_and_connections_counted() {
    let s = TestServer::builder(Routes::new().route("/up", Reply::status(201)))
        .record_body_limit(10)
        .start()
        .await
        .unwrap();
    let body = pattern::bytes(0, 300_000);
    let mut c1 = Conn::open(s.addr()).await;
    assert_eq!(c1.send("PUT", "/up", &[], &body).await.status, 201);
    assert_eq!(c1.send("PUT", "/up", &[], b"not pattern").await.status, 201);
    let mut c2 = Conn::open(s.addr()).await;
    assert_eq!(c2.send("PUT", "/up", &[], b"").await.status, 201);
    let log = s.requests();
    assert_eq!(log[0].body_len, 300_000);
    assert_eq!(log[0].body.len(), 10);
    assert!(log[0].body_is_pattern);
    assert!(!log[1].body_is_pattern);
    assert_eq!([log[0].conn, log[1].conn, log[2].conn], [1, 1, 2]);
    assert_eq!(s.connections_accepted(), 2);
}

#[tokio::test]
async fn sequence_handler_and_method_routes() {
    let s = TestServer::start(
        Routes::new()
            .route(
                "/seq",
                Reply::sequence(vec![Reply::status(503), Reply::text("ok")]),
            )
            .route(
                "/h",
                Reply::handler(|r| Reply::text(format!("you sent {}", r.method))),
            )
            .route_method("DELETE", "/m", Reply::status(202))
            .route("/m", Reply::status(405))
            .fallback(Reply::status(418)),
    )
    .await
    .unwrap();
    let mut c = Conn::open(s.addr()).await;
    assert_eq!(c.get("/seq").await.status, 503);
    assert_eq!(c.get("/seq").await.status, 200);
    assert_eq!(c.get("/seq").await.status, 200);
    assert_eq!(
        c.send("PATCH", "/h", &[], b"").await.text(),
        "you sent PATCH"
    );
    assert_eq!(c.send("DELETE", "/m", &[], b"").await.status, 202);
    assert_eq!(c.get("/m").await.status, 405);
    assert_eq!(c.get("/elsewhere").await.status, 418);
}

#[tokio::test]
async fn cancel_resets_the_connection() {
    let hold = Signal::new();
    let s = TestServer::start(Routes::new().route(
        "/hold",
        Reply::text("late").before_headers(vec![Piece::Wait(hold.clone())]),
    ))
    .await
    .unwrap();
    let addr = s.addr();
    let t = tokio::spawn(async move {
        let mut c = Conn::open(addr).await;
        c.try_send("GET", "/hold", &[], b"").await
    });
    s.wait_for_requests(1).await;
    let id = s.requests()[0].id;
    assert!(s.cancel(id));
    let res = t.await.unwrap();
    assert!(res.is_err(), "{res:?}");
    assert_eq!(s.open_connections(), 0);
}

#[tokio::test]
async fn ipv6_loopback() {
    let Ok(s) = TestServer::builder(Routes::new().route("/", Reply::text("six")))
        .ipv6()
        .start()
        .await
    else {
        // No IPv6 loopback on this machine.
        return;
    };
    assert!(s.url("/").starts_with("http://[::1]:"));
    assert_eq!(get(s.addr(), "/").await.text(), "six");
}

#[test]
fn blocking_server_from_a_plain_thread() {
    use std::io::Write;
    let s = TestServer::start_blocking(Routes::new().route("/b", Reply::text("blocking"))).unwrap();
    let mut tcp = std::net::TcpStream::connect(s.addr()).unwrap();
    tcp.write_all(b"GET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut out = String::new();
    tcp.read_to_string(&mut out).unwrap();
    assert!(out.starts_with("HTTP/1.1 200 OK\r\n"), "{out}");
    assert!(out.ends_with("blocking"));
    assert!(s.wait_for_requests_blocking(1, Duration::from_secs(10)));
    assert_eq!(s.requests()[0].path, "/b");
}

#[tokio::test]
async fn reset_a_connection_mid_upload() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let s = TestServer::start(Routes::new().route("/up", Reply::status(201)))
        .await
        .unwrap();
    let mut tcp = tokio::net::TcpStream::connect(s.addr()).await.unwrap();
    tcp.write_all(b"PUT /up HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\npartial")
        .await
        .unwrap();
    s.wait_for_connections(1).await;
    assert!(s.reset_connection(1));
    let mut buf = [0u8; 16];
    let r = tcp.read(&mut buf).await;
    assert!(matches!(r, Ok(0) | Err(_)), "{r:?}");
    assert_eq!(s.request_count(), 0);
}
