//! HttpOpenRequest / HttpAddRequestHeaders / HttpSendRequest(Ex) / InternetReadFile against
//! the testkit server: what goes on the wire (implicit headers, exact bytes) and what comes
//! back (exact bodies), connection reuse and the per-server cap, InternetOpenUrl, and the Rust
//! API.

mod http_common;

use hinternet::raw;
use hinternet_core::HandleKind;
use hinternet_core::consts::*;
use hinternet_testkit::http::{Reply, Routes, TestServer};
use hinternet_testkit::pattern;
use http_common::Session;

fn server(routes: Routes) -> TestServer {
    TestServer::start_blocking(routes).unwrap()
}

#[test]
fn get_returns_status_and_exact_body_and_sends_native_implicit_headers() {
    let srv = server(Routes::new().route("/hello", Reply::text("hello")));
    let s = Session::new(0);
    let req = s.request(srv.port(), "GET", "/hello", 0);
    s.send(req, None, b"").unwrap();
    assert_eq!(s.status(req), 200);
    assert_eq!(s.read_all(req).unwrap(), b"hello");
    let rec = srv.last_request().unwrap();
    assert_eq!(rec.method, "GET");
    assert_eq!(rec.target, "/hello");
    assert_eq!(
        rec.header("host"),
        Some(format!("127.0.0.1:{}", srv.port()).as_str())
    );
    assert_eq!(rec.header("user-agent"), Some("hinternet-test"));
    assert_eq!(rec.header("connection"), None);
    assert_eq!(rec.header("accept"), None);
    assert_eq!(rec.header("content-length"), None);
    assert_eq!(rec.header("pragma"), None);
    assert_eq!(rec.header("cache-control"), None);
}

#[test]
fn host_header_on_default_port_has_no_port() {
    // Port 80 is not ours to bind; the header is decided before the connect, so an explicit
    // Host is what tells: the request head shows it once sent (here: connect fails, the sent
    // head is still recorded).
    let s = Session::new(0);
    let c = s.connect_host("127.0.0.1", 80, 0);
    let req = s.open(c, "GET", "/", 0);
    let _ = s.send(req, None, b"");
    let host = s
        .query(req, HTTP_QUERY_HOST | HTTP_QUERY_FLAG_REQUEST_HEADERS)
        .unwrap_or_default();
    assert!(host.is_empty() || host == "127.0.0.1", "{host}");
}

#[test]
fn post_sends_body_and_exact_content_length() {
    let srv = server(Routes::new().route("/echo", Reply::echo()));
    let s = Session::new(0);
    let req = s.request(srv.port(), "POST", "/echo", 0);
    s.send(req, Some("Content-Type: text/plain\r\n"), b"a=1&b=2")
        .unwrap();
    let rec = srv.last_request().unwrap();
    assert_eq!(rec.body.as_ref(), b"a=1&b=2");
    assert_eq!(rec.header("content-length"), Some("7"));
    assert_eq!(rec.header("content-type"), Some("text/plain"));
    assert_eq!(s.status(req), 200);
}

#[test]
fn post_without_body_sends_content_length_zero() {
    let srv = server(Routes::new().route("/echo", Reply::echo()));
    let s = Session::new(0);
    let req = s.request(srv.port(), "POST", "/echo", 0);
    s.send(req, None, b"").unwrap();
    assert_eq!(
        srv.last_request().unwrap().header("content-length"),
        Some("0")
    );
}

#[test]
fn flags_add_keep_alive_pragma_and_cache_control() {
    let srv = server(Routes::new().fallback(Reply::text("x")));
    let s = Session::new(0);
    let req = s.request(
        srv.port(),
        "GET",
        "/a",
        INTERNET_FLAG_KEEP_CONNECTION | INTERNET_FLAG_PRAGMA_NOCACHE,
    );
    s.send(req, None, b"").unwrap();
    let rec = srv.last_request().unwrap();
    assert_eq!(rec.header("connection"), Some("Keep-Alive"));
    assert_eq!(rec.header("pragma"), Some("no-cache"));
    assert_eq!(rec.header("cache-control"), None);
    // A verb other than GET/POST implies NO_CACHE_WRITE: Cache-Control: no-cache.
    let req = s.request(srv.port(), "PUT", "/b", 0);
    s.send(req, None, b"data").unwrap();
    assert_eq!(
        srv.last_request().unwrap().header("cache-control"),
        Some("no-cache")
    );
}

#[test]
fn dot_segments_are_removed_from_the_sent_path() {
    let srv = server(Routes::new().fallback(Reply::text("x")));
    let s = Session::new(0);
    let req = s.request(srv.port(), "GET", "/A/../B/./C/../../x", 0);
    s.send(req, None, b"").unwrap();
    assert_eq!(srv.last_request().unwrap().target, "/x");
}

#[test]
fn referrer_accept_types_and_added_headers_reach_the_server() {
    let srv = server(Routes::new().fallback(Reply::text("x")));
    let s = Session::new(0);
    let c = s.connect(srv.port(), 0);
    let req = hinternet_http::http_open_request(
        &s.engine,
        c.as_raw(),
        hinternet_http::OpenRequest::new(
            None,
            Some("/p q"),
            None,
            Some("http://ref.example/"),
            &["text/html", "", "application/json"],
            0,
        ),
        2,
    )
    .unwrap();
    hinternet_http::http_add_request_headers(
        &s.engine,
        req.as_raw(),
        Some("X-One: 1\r\nX-Two: 2\r\n"),
        HTTP_ADDREQ_FLAG_ADD,
    )
    .unwrap();
    s.send(req, Some("X-Three: 3"), b"").unwrap();
    let rec = srv.last_request().unwrap();
    assert_eq!(rec.target, "/p%20q");
    assert_eq!(rec.header("referer"), Some("http://ref.example/"));
    assert_eq!(rec.header("accept"), Some("text/html, application/json"));
    assert_eq!(rec.header("x-one"), Some("1"));
    assert_eq!(rec.header("x-two"), Some("2"));
    assert_eq!(rec.header("x-three"), Some("3"));
}

#[test]
fn chunked_body_is_read_exactly() {
    let srv = server(Routes::new().route("/c", Reply::chunked(vec!["abc", "defg", "h"])));
    let s = Session::new(0);
    let req = s.request(srv.port(), "GET", "/c", 0);
    s.send(req, None, b"").unwrap();
    assert_eq!(
        s.query(req, HTTP_QUERY_TRANSFER_ENCODING).unwrap(),
        "chunked"
    );
    assert_eq!(
        s.query(req, HTTP_QUERY_CONTENT_LENGTH).unwrap_err().code(),
        ERROR_HTTP_HEADER_NOT_FOUND
    );
    assert_eq!(s.read_all(req).unwrap(), b"abcdefgh");
}

#[test]
fn a_large_body_arrives_whole_and_in_order() {
    let len = 5 * 1024 * 1024 + 17;
    let srv = server(Routes::new().route("/big", Reply::generated(len)));
    let s = Session::new(0);
    let req = s.request(srv.port(), "GET", "/big", 0);
    s.send(req, None, b"").unwrap();
    assert_eq!(
        s.number(req, HTTP_QUERY_CONTENT_LENGTH).unwrap(),
        len as u32
    );
    let body = s.read_all(req).unwrap();
    assert_eq!(body.len() as u64, len);
    assert_eq!(pattern::check(0, &body), None);
}

#[test]
fn head_has_no_body() {
    let srv = server(Routes::new().route("/h", Reply::text("not sent")));
    let s = Session::new(0);
    let req = s.request(srv.port(), "HEAD", "/h", 0);
    s.send(req, None, b"").unwrap();
    assert_eq!(s.status(req), 200);
    let mut avail = None;
    let _ = raw::internet_query_data_available(&s.engine, req.as_raw(), |_| {})
        .into_result()
        .map(|n| avail = Some(n));
    assert_eq!(avail, Some(0));
    assert_eq!(s.read_all(req).unwrap(), b"");
    // End of data keeps reading as success with 0 bytes.
    assert_eq!(s.read_all(req).unwrap(), b"");
}

#[test]
fn a_read_body_returns_its_connection_for_the_next_request() {
    let srv = server(Routes::new().fallback(Reply::text("body")));
    let s = Session::new(0);
    let c = s.connect(srv.port(), 0);
    for _ in 0..3 {
        let req = s.open(c, "GET", "/k", 0);
        s.send(req, None, b"").unwrap();
        assert_eq!(s.read_all(req).unwrap(), b"body");
        s.close(req);
    }
    let conns: Vec<u64> = srv.requests().iter().map(|r| r.conn).collect();
    assert_eq!(conns, [1, 1, 1]);
    assert_eq!(srv.connections_accepted(), 1);
}

#[test]
fn an_unread_body_does_not_return_its_connection() {
    let srv = server(Routes::new().fallback(Reply::generated(1 << 20)));
    let s = Session::new(0);
    let c = s.connect(srv.port(), 0);
    let req = s.open(c, "GET", "/k", 0);
    s.send(req, None, b"").unwrap();
    s.close(req);
    let req = s.open(c, "GET", "/k", 0);
    s.send(req, None, b"").unwrap();
    assert_eq!(s.read_all(req).unwrap().len(), 1 << 20);
    assert_eq!(srv.connections_accepted(), 2);
}

#[test]
fn resending_on_the_same_handle_gives_a_fresh_response() {
    let srv = server(Routes::new().route(
        "/seq",
        Reply::sequence(vec![
            Reply::text("one"),
            Reply::text("two").with_status(210),
        ]),
    ));
    let s = Session::new(0);
    let req = s.request(srv.port(), "GET", "/seq", 0);
    s.send(req, None, b"").unwrap();
    assert_eq!(s.status(req), 200);
    s.send(req, None, b"").unwrap();
    assert_eq!(s.status(req), 210);
    assert_eq!(s.read_all(req).unwrap(), b"two");
}

#[test]
fn send_request_ex_streams_the_body_with_content_length() {
    let srv = server(Routes::new().route("/up", Reply::echo()));
    let s = Session::new(0);
    let req = s.request(srv.port(), "POST", "/up", 0);
    hinternet_http::http_send_request_ex(
        &s.engine,
        req.as_raw(),
        None,
        hinternet_http::bytes::Bytes::from_static(b"first-"),
        18,
        |_| {},
    )
    .into_result()
    .unwrap();
    // Between SendRequestEx and EndRequest, response headers are not there yet.
    assert_eq!(
        s.query(req, HTTP_QUERY_STATUS_CODE).unwrap_err().code(),
        ERROR_INTERNET_INCORRECT_HANDLE_STATE
    );
    for piece in [&b"second"[..], b"-third"] {
        let n = raw::internet_write_file(&s.engine, req.as_raw(), piece.to_vec(), |_| {})
            .into_result()
            .unwrap();
        assert_eq!(n, piece.len());
    }
    hinternet_http::http_end_request(&s.engine, req.as_raw(), |_| {})
        .into_result()
        .unwrap();
    assert_eq!(s.status(req), 200);
    let rec = srv.last_request().unwrap();
    assert_eq!(rec.body.as_ref(), b"first-second-third");
    assert_eq!(rec.header("content-length"), Some("18"));
    assert!(rec.body_complete);
}

#[test]
fn send_request_ex_without_total_sends_chunked() {
    let srv = server(Routes::new().route("/up", Reply::echo()));
    let s = Session::new(0);
    let req = s.request(srv.port(), "PUT", "/up", 0);
    hinternet_http::http_send_request_ex(
        &s.engine,
        req.as_raw(),
        None,
        hinternet_http::bytes::Bytes::new(),
        0,
        |_| {},
    )
    .into_result()
    .unwrap();
    raw::internet_write_file(&s.engine, req.as_raw(), b"abc".to_vec(), |_| {})
        .into_result()
        .unwrap();
    hinternet_http::http_end_request(&s.engine, req.as_raw(), |_| {})
        .into_result()
        .unwrap();
    let rec = srv.last_request().unwrap();
    assert_eq!(rec.header("transfer-encoding"), Some("chunked"));
    assert_eq!(rec.body.as_ref(), b"abc");
}

#[test]
fn write_file_without_send_request_ex_is_the_wrong_state() {
    let srv = server(Routes::new().fallback(Reply::text("x")));
    let s = Session::new(0);
    let req = s.request(srv.port(), "POST", "/", 0);
    let e = raw::internet_write_file(&s.engine, req.as_raw(), b"abc".to_vec(), |_| {})
        .into_result()
        .unwrap_err();
    assert_eq!(e.code(), ERROR_INTERNET_INCORRECT_HANDLE_STATE);
}

#[test]
fn open_url_returns_a_request_handle_that_reads_the_body() {
    let srv = server(Routes::new().route("/u", Reply::text("from url")));
    let s = Session::new(0);
    let h = raw::internet_open_url(
        &s.engine,
        s.root.as_raw(),
        &srv.url("/u?x=1"),
        Some("X-Extra: yes\r\n"),
        0,
        5,
        |_| {},
    )
    .into_result()
    .unwrap();
    assert_eq!(
        s.engine.node(h.as_raw()).unwrap().kind(),
        HandleKind::HttpRequest
    );
    assert_eq!(s.read_all(h).unwrap(), b"from url");
    let rec = srv.last_request().unwrap();
    assert_eq!(rec.target, "/u?x=1");
    assert_eq!(rec.header("x-extra"), Some("yes"));
    match s
        .engine
        .query_option(Some(h.as_raw()), INTERNET_OPTION_URL)
        .unwrap()
    {
        hinternet_core::OptionValue::Str(u) => assert_eq!(u, srv.url("/u?x=1")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn open_url_to_a_closed_port_cannot_connect() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let s = Session::new(0);
    let e = raw::internet_open_url(
        &s.engine,
        s.root.as_raw(),
        &format!("http://127.0.0.1:{port}/"),
        None,
        0,
        5,
        |_| {},
    )
    .into_result()
    .unwrap_err();
    assert_eq!(e.code(), ERROR_INTERNET_CANNOT_CONNECT);
}

#[test]
fn request_flags_option_says_no_headers_until_a_response() {
    let srv = server(Routes::new().fallback(Reply::text("x")));
    let s = Session::new(0);
    let req = s.request(srv.port(), "GET", "/", 0);
    let flags = |s: &Session| {
        s.engine
            .query_option(Some(req.as_raw()), INTERNET_OPTION_REQUEST_FLAGS)
            .unwrap()
    };
    assert_eq!(
        flags(&s),
        hinternet_core::OptionValue::Dword(INTERNET_REQFLAG_NO_HEADERS)
    );
    s.send(req, None, b"").unwrap();
    assert_eq!(flags(&s), hinternet_core::OptionValue::Dword(0));
}

#[test]
fn wrong_handle_types_fail_before_parameters() {
    let s = Session::new(0);
    let e = hinternet_http::http_open_request(
        &s.engine,
        s.root.as_raw(),
        hinternet_http::OpenRequest::default(),
        1,
    )
    .unwrap_err();
    assert_eq!(e.code(), ERROR_INTERNET_INCORRECT_HANDLE_TYPE);
    let c = s.connect(1, 0);
    let e = hinternet_http::http_add_request_headers(&s.engine, c.as_raw(), None, 0).unwrap_err();
    assert_eq!(e.code(), ERROR_INTERNET_INCORRECT_HANDLE_TYPE);
    let e = s.send(c, None, b"").unwrap_err();
    assert_eq!(e.code(), ERROR_INTERNET_INCORRECT_HANDLE_TYPE);
    let e = s
        .send(hinternet_core::Handle::from_raw(12345).unwrap(), None, b"")
        .unwrap_err();
    assert_eq!(e.code(), ERROR_INVALID_HANDLE);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rust_api_get_post_and_streamed_upload() {
    use tokio::io::AsyncReadExt;
    http_common::trust_test_ca();
    let srv = TestServer::start(
        Routes::new()
            .route("/hello", Reply::text("hello").header("X-Test", "yes"))
            .route("/echo", Reply::echo()),
    )
    .await
    .unwrap();
    let inet = hinternet::Internet::builder()
        .agent("rust-api")
        .engine(hinternet_core::Engine::new())
        .build()
        .unwrap();
    let conn = inet.connect_http("127.0.0.1", srv.port()).await.unwrap();
    let mut resp = conn.get("/hello").send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.reason(), "OK");
    assert_eq!(resp.header("x-test").as_deref(), Some("yes"));
    assert!(
        resp.headers()
            .iter()
            .any(|(n, v)| n == "X-Test" && v == "yes")
    );
    let mut body = String::new();
    resp.read_to_string(&mut body).await.unwrap();
    assert_eq!(body, "hello");

    let resp = conn
        .post("/echo")
        .header("X-A", "1")
        .body(&b"payload"[..])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    drop(resp);
    let rec = srv.last_request().unwrap();
    assert_eq!(rec.body.as_ref(), b"payload");
    assert_eq!(rec.header("user-agent"), Some("rust-api"));
    assert_eq!(rec.header("x-a"), Some("1"));

    let mut up = conn
        .request("PUT", "/echo")
        .send_streaming(6)
        .await
        .unwrap();
    up.write_all(b"abc").await.unwrap();
    up.write_all(b"def").await.unwrap();
    let resp = up.finish().await.unwrap();
    assert_eq!(resp.status(), 200);
    drop(resp);
    assert_eq!(srv.last_request().unwrap().body.as_ref(), b"abcdef");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_conns_per_server_caps_concurrent_connections() {
    http_common::trust_test_ca();
    let srv = TestServer::start(Routes::new().fallback(Reply::generated(4 << 20)))
        .await
        .unwrap();
    let inet = hinternet::Internet::builder()
        .engine(hinternet_core::Engine::new())
        .build()
        .unwrap();
    let conn = inet.connect_http("127.0.0.1", srv.port()).await.unwrap();
    let first = conn.get("/1").send().await.unwrap();
    let second = conn.get("/2").send().await.unwrap();
    let third = conn.get("/3").send();
    tokio::pin!(third);
    for _ in 0..50 {
        assert!(futures_util::poll!(third.as_mut()).is_pending());
        tokio::task::yield_now().await;
    }
    assert_eq!(srv.request_count(), 2);
    drop(first);
    let third = third.await.unwrap();
    assert_eq!(third.status(), 200);
    assert_eq!(srv.request_count(), 3);
    drop((second, third));
}

#[test]
fn blocking_api_reads_with_std_io() {
    use std::io::Read;
    let srv = server(Routes::new().route("/b", Reply::text("blocking body")));
    http_common::trust_test_ca();
    let inet = hinternet::blocking::Internet::builder()
        .engine(hinternet_core::Engine::new())
        .build()
        .unwrap();
    let conn = inet.connect_http("127.0.0.1", srv.port()).unwrap();
    let mut resp = conn.get("/b").unwrap();
    assert_eq!(resp.status(), 200);
    let mut s = String::new();
    resp.read_to_string(&mut s).unwrap();
    assert_eq!(s, "blocking body");
}
