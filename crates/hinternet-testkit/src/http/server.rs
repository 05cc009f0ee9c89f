//! The test HTTP server: accept loop, per-connection hyper service, request log, cancel.
//!
//! Each request goes through the HTTP Server API loop: receive it (method, target, headers),
//! read its entity body to the end, record it, send the response headers, then send the
//! entity body in pieces. [`TestServer::cancel`] plays `HttpCancelHttpRequest`: it resets
//! the connection the request arrived on.

use super::respond::{self, ResBody};
use super::routes::{BodySpec, Reply, Routes};
use crate::pattern::Verifier;
use crate::rt::RuntimeThread;
use crate::tls::ServerCert;
use bytes::{Bytes, BytesMut};
use http::{Request, Response};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::collections::HashMap;
use std::fmt;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::AbortHandle;

/// One request as the server received it.
#[derive(Clone, Debug)]
pub struct RequestRecord {
    /// Request number on this server, from 1.
    pub id: u64,
    /// Number of the connection it arrived on, from 1 in accept order (equal numbers on two
    /// requests mean the client reused the connection).
    pub conn: u64,
    /// The method, e.g. `GET`.
    pub method: String,
    /// The request target as sent (origin form `/p?q`, or absolute form for proxies).
    pub target: String,
    /// The path part of the target (still percent-encoded).
    pub path: String,
    /// The query, without `?`.
    pub query: Option<String>,
    /// `HTTP/1.0`, `HTTP/1.1` or `HTTP/2.0`.
    pub version: String,
    /// The headers in arrival order; names are lower-case (hyper normalises them).
    pub headers: Vec<(String, String)>,
    /// The body, up to the server's record limit (see [`ServerBuilder::record_body_limit`]).
    pub body: Bytes,
    /// The full body length.
    pub body_len: u64,
    /// Whether the body arrived completely (false if the client went away mid-body).
    pub body_complete: bool,
    /// Whether the body is a prefix of the [pattern](crate::pattern) (true when empty) — lets
    /// tests check multi-GiB uploads without storing them.
    pub body_is_pattern: bool,
}

impl RequestRecord {
    /// The first value of a header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a header, in order.
    pub fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The body as text (lossy).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

struct ConnEntry {
    abort: AbortHandle,
    sock: Option<std::net::TcpStream>,
}

struct Shared {
    routes: Routes,
    record_limit: usize,
    log: Mutex<Vec<RequestRecord>>,
    log_cv: Condvar,
    log_notify: Notify,
    connections: AtomicU64,
    next_request: AtomicU64,
    conns: Mutex<HashMap<u64, ConnEntry>>,
    /// Signalled when a connection leaves `conns`.
    conns_cv: Condvar,
    request_conn: Mutex<HashMap<u64, u64>>,
    tunnels: Mutex<Vec<AbortHandle>>,
}

impl Shared {
    fn reset_conn(&self, conn: u64) -> bool {
        let entry = self.conns.lock().unwrap().remove(&conn);
        self.conns_cv.notify_all();
        match entry {
            Some(e) => {
                if let Some(s) = &e.sock {
                    let _ = socket2::SockRef::from(s).set_linger(Some(Duration::ZERO));
                }
                e.abort.abort();
                // The last of the two descriptors to close sends the RST (linger 0).
                drop(e.sock);
                true
            }
            None => false,
        }
    }

    fn push(&self, rec: RequestRecord) {
        self.request_conn.lock().unwrap().insert(rec.id, rec.conn);
        self.log.lock().unwrap().push(rec);
        self.log_cv.notify_all();
        self.log_notify.notify_waiters();
    }
}

/// Options for a [`TestServer`]; start with [`TestServer::builder`].
#[derive(Debug, Clone)]
pub struct ServerBuilder {
    routes: Routes,
    tls: Option<ServerCert>,
    http2: bool,
    ipv6: bool,
    keep_alive: bool,
    record_limit: usize,
}

impl ServerBuilder {
    /// Serves HTTPS with this certificate (ALPN `h2` and `http/1.1`).
    pub fn tls(mut self, cert: &ServerCert) -> Self {
        self.tls = Some(cert.clone());
        self
    }

    /// Over TLS, offers only `http/1.1` in ALPN (no HTTP/2).
    pub fn http1_only(mut self) -> Self {
        self.http2 = false;
        self
    }

    /// Binds `[::1]` instead of `127.0.0.1`.
    pub fn ipv6(mut self) -> Self {
        self.ipv6 = true;
        self
    }

    /// Whether HTTP/1 connections are kept alive between requests (default true).
    pub fn keep_alive(mut self, on: bool) -> Self {
        self.keep_alive = on;
        self
    }

    /// How many body bytes of each request the log keeps (default 16 MiB; the length and
    /// the pattern check cover the whole body regardless).
    pub fn record_body_limit(mut self, bytes: usize) -> Self {
        self.record_limit = bytes;
        self
    }

    /// Starts the server on the current tokio runtime.
    ///
    /// # Errors
    /// Binding the listener failed (e.g. no IPv6 loopback).
    pub async fn start(self) -> io::Result<TestServer> {
        let ip = if self.ipv6 {
            Ipv6Addr::LOCALHOST.into()
        } else {
            Ipv4Addr::LOCALHOST.into()
        };
        let listener = TcpListener::bind(SocketAddr::new(ip, 0)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            routes: self.routes,
            record_limit: self.record_limit,
            log: Mutex::new(Vec::new()),
            log_cv: Condvar::new(),
            log_notify: Notify::new(),
            connections: AtomicU64::new(0),
            next_request: AtomicU64::new(1),
            conns: Mutex::new(HashMap::new()),
            conns_cv: Condvar::new(),
            request_conn: Mutex::new(HashMap::new()),
            tunnels: Mutex::new(Vec::new()),
        });
        let is_tls = self.tls.is_some();
        let tls = self.tls.map(|c| {
            let alpn: &[&[u8]] = if self.http2 {
                &[b"h2", b"http/1.1"]
            } else {
                &[b"http/1.1"]
            };
            tokio_rustls::TlsAcceptor::from(c.server_config(alpn))
        });
        let keep_alive = self.keep_alive;
        let sh = shared.clone();
        let accept = tokio::spawn(async move {
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    continue;
                };
                // Connections are numbered in accept order (this loop is sequential); the
                // count goes up only once the connection is registered, so that a test that
                // saw it can reset it.
                let conn = sh.connections.load(Ordering::SeqCst) + 1;
                spawn_connection(sh.clone(), conn, tcp, tls.clone(), keep_alive);
                sh.connections.store(conn, Ordering::SeqCst);
                sh.log_notify.notify_waiters();
            }
        })
        .abort_handle();
        Ok(TestServer {
            shared,
            addr,
            tls: is_tls,
            accept,
            rt: None,
        })
    }

    /// Starts the server on a private runtime thread, for tests of blocking clients.
    ///
    /// # Errors
    /// Binding the listener or starting the runtime failed.
    pub fn start_blocking(self) -> io::Result<TestServer> {
        let (mut server, rt) = RuntimeThread::start("testkit-http", move || self.start())?;
        server.rt = Some(rt);
        Ok(server)
    }
}

fn spawn_connection(
    shared: Arc<Shared>,
    conn: u64,
    tcp: TcpStream,
    tls: Option<tokio_rustls::TlsAcceptor>,
    keep_alive: bool,
) {
    let _ = tcp.set_nodelay(true);
    // Keep a second descriptor of the socket so cancel() can reset it (SO_LINGER 0).
    let (tcp, sock) = match tcp.into_std() {
        Ok(std_tcp) => {
            let dup = std_tcp.try_clone().ok();
            match TcpStream::from_std(std_tcp) {
                Ok(t) => (t, dup),
                Err(_) => return,
            }
        }
        Err(_) => return,
    };
    // Hold the table lock while spawning so the task cannot remove its entry before it
    // is inserted.
    let mut conns = shared.conns.lock().unwrap();
    let sh = shared.clone();
    let task = tokio::spawn(async move {
        let svc = {
            let sh = sh.clone();
            service_fn(move |req| handle(sh.clone(), conn, req))
        };
        match tls {
            None => {
                let _ = hyper::server::conn::http1::Builder::new()
                    .keep_alive(keep_alive)
                    .serve_connection(TokioIo::new(tcp), svc)
                    .with_upgrades()
                    .await;
            }
            Some(acceptor) => {
                if let Ok(stream) = acceptor.accept(tcp).await {
                    let mut b = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
                    b.http1().keep_alive(keep_alive);
                    let _ = b
                        .serve_connection_with_upgrades(TokioIo::new(stream), svc)
                        .await;
                }
            }
        }
        sh.conns.lock().unwrap().remove(&conn);
        sh.conns_cv.notify_all();
    });
    conns.insert(
        conn,
        ConnEntry {
            abort: task.abort_handle(),
            sock,
        },
    );
}

/// One turn of the request loop.
async fn handle(
    shared: Arc<Shared>,
    conn: u64,
    mut req: Request<Incoming>,
) -> Result<Response<ResBody>, io::Error> {
    let id = shared.next_request.fetch_add(1, Ordering::SeqCst);
    let upgrade = (req.method() == http::Method::CONNECT).then(|| hyper::upgrade::on(&mut req));
    let (parts, mut body) = req.into_parts();
    // Receive the entity body to the end.
    let mut kept = BytesMut::new();
    let mut len = 0u64;
    let mut verifier = Verifier::new();
    let mut complete = true;
    loop {
        match body.frame().await {
            None => break,
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    len += data.len() as u64;
                    verifier.update(&data);
                    let room = shared.record_limit.saturating_sub(kept.len());
                    kept.extend_from_slice(&data[..room.min(data.len())]);
                }
            }
            Some(Err(_)) => {
                complete = false;
                break;
            }
        }
    }
    let target = if parts.version == http::Version::HTTP_2 {
        parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| "/".to_owned())
    } else {
        parts.uri.to_string()
    };
    let rec = RequestRecord {
        id,
        conn,
        method: parts.method.as_str().to_owned(),
        target,
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        version: format!("{:?}", parts.version),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: kept.freeze(),
        body_len: len,
        body_complete: complete,
        body_is_pattern: verifier.is_ok(),
    };
    shared.push(rec.clone());
    if !complete {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "request body incomplete",
        ));
    }
    let (reply, mount) = shared.routes.find(&rec.method, &rec.path);
    let reply: Reply = reply.resolve(&rec, mount);
    for p in &reply.before {
        if let Some(Err(e)) = respond::run_control(p).await {
            return Err(e);
        }
    }
    if matches!(reply.body, BodySpec::Tunnel) {
        return Ok(tunnel(&shared, &rec.target, upgrade).await);
    }
    Ok(respond::build(reply, &rec))
}

/// Answers a CONNECT: checks and connects the loopback target, then pipes bytes both ways
/// once hyper hands over the connection.
async fn tunnel(
    shared: &Arc<Shared>,
    target: &str,
    upgrade: Option<hyper::upgrade::OnUpgrade>,
) -> Response<ResBody> {
    let status = |code: u16, text: &str| {
        respond::build(Reply::text(text).with_status(code), &empty_record())
    };
    let Some(upgrade) = upgrade else {
        return status(400, "tunnel needs CONNECT\n");
    };
    let addrs: Vec<SocketAddr> = match tokio::net::lookup_host(target).await {
        Ok(a) => a.collect(),
        Err(_) => return status(400, "bad CONNECT target\n"),
    };
    if addrs.is_empty() || !addrs.iter().all(|a| a.ip().is_loopback()) {
        return status(403, "testkit tunnels to loopback only\n");
    }
    let Ok(mut upstream) = TcpStream::connect(&addrs[..]).await else {
        return status(502, "CONNECT target unreachable\n");
    };
    let task = tokio::spawn(async move {
        if let Ok(up) = upgrade.await {
            let mut client = TokioIo::new(up);
            let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
        }
    });
    let mut tunnels = shared.tunnels.lock().unwrap();
    tunnels.retain(|t| !t.is_finished());
    tunnels.push(task.abort_handle());
    Response::new(BodyExt::boxed(
        http_body_util::Empty::<Bytes>::new().map_err(|never| match never {}),
    ))
}

fn empty_record() -> RequestRecord {
    RequestRecord {
        id: 0,
        conn: 0,
        method: String::new(),
        target: String::new(),
        path: String::new(),
        query: None,
        version: String::new(),
        headers: Vec::new(),
        body: Bytes::new(),
        body_len: 0,
        body_complete: true,
        body_is_pattern: true,
    }
}

/// A loopback HTTP(S) server answering from a [`Routes`] table, with a request log.
///
/// Dropping it stops the server and closes every connection.
pub struct TestServer {
    shared: Arc<Shared>,
    addr: SocketAddr,
    tls: bool,
    accept: AbortHandle,
    rt: Option<RuntimeThread>,
}

impl fmt::Debug for TestServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestServer")
            .field("addr", &self.addr)
            .field("tls", &self.tls)
            .finish_non_exhaustive()
    }
}

impl TestServer {
    /// A builder for a server answering from `routes`.
    pub fn builder(routes: Routes) -> ServerBuilder {
        ServerBuilder {
            routes,
            tls: None,
            http2: true,
            ipv6: false,
            keep_alive: true,
            record_limit: 16 << 20,
        }
    }

    /// Starts a plain HTTP server on 127.0.0.1 on the current tokio runtime.
    ///
    /// # Errors
    /// Binding the listener failed.
    pub async fn start(routes: Routes) -> io::Result<TestServer> {
        Self::builder(routes).start().await
    }

    /// Starts an HTTPS server (h2 + http/1.1) on 127.0.0.1 on the current runtime.
    ///
    /// # Errors
    /// Binding the listener failed.
    pub async fn start_tls(routes: Routes, cert: &ServerCert) -> io::Result<TestServer> {
        Self::builder(routes).tls(cert).start().await
    }

    /// Starts a plain HTTP server on a private runtime thread (callable without a runtime).
    ///
    /// # Errors
    /// Binding the listener failed.
    pub fn start_blocking(routes: Routes) -> io::Result<TestServer> {
        Self::builder(routes).start_blocking()
    }

    /// Starts an HTTPS server on a private runtime thread.
    ///
    /// # Errors
    /// Binding the listener failed.
    pub fn start_tls_blocking(routes: Routes, cert: &ServerCert) -> io::Result<TestServer> {
        Self::builder(routes).tls(cert).start_blocking()
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Whether the server speaks TLS.
    pub fn is_tls(&self) -> bool {
        self.tls
    }

    /// `http://127.0.0.1:PORT` + `path` (`https`, `[::1]` as configured).
    pub fn url(&self, path: &str) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}{path}", self.addr)
    }

    /// Like [`url`](Self::url) with another host name, e.g. `localhost`.
    pub fn url_with_host(&self, host: &str, path: &str) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{host}:{}{path}", self.addr.port())
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared.log.lock().unwrap().clone()
    }

    /// The most recent request, if any.
    pub fn last_request(&self) -> Option<RequestRecord> {
        self.shared.log.lock().unwrap().last().cloned()
    }

    /// Number of requests received so far.
    pub fn request_count(&self) -> usize {
        self.shared.log.lock().unwrap().len()
    }

    /// Forgets the request log (counters keep counting).
    pub fn clear_requests(&self) {
        self.shared.log.lock().unwrap().clear();
    }

    /// Number of TCP connections accepted so far.
    pub fn connections_accepted(&self) -> u64 {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// Number of connections currently open.
    pub fn open_connections(&self) -> usize {
        self.shared.conns.lock().unwrap().len()
    }

    /// Blocks until at most `n` connections are open or `timeout` passed; returns whether
    /// they are. Not for use inside async code.
    pub fn wait_for_open_connections_blocking(&self, n: usize, timeout: Duration) -> bool {
        let conns = self.shared.conns.lock().unwrap();
        let (conns, _) = self
            .shared
            .conns_cv
            .wait_timeout_while(conns, timeout, |c| c.len() > n)
            .unwrap();
        conns.len() <= n
    }

    /// Waits until at least `n` requests have been received (their bodies read).
    ///
    /// # Cancel safety
    /// Cancel safe.
    pub async fn wait_for_requests(&self, n: usize) {
        loop {
            let notified = self.shared.log_notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.request_count() >= n {
                return;
            }
            notified.await;
        }
    }

    /// Waits until at least `n` connections have been accepted (before any request on them
    /// is complete — e.g. to reset a connection in the middle of an upload).
    ///
    /// # Cancel safety
    /// Cancel safe.
    pub async fn wait_for_connections(&self, n: u64) {
        loop {
            let notified = self.shared.log_notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.connections_accepted() >= n {
                return;
            }
            notified.await;
        }
    }

    /// Blocks until at least `n` requests have been received or `timeout` passed; returns
    /// whether they arrived. Not for use inside async code.
    pub fn wait_for_requests_blocking(&self, n: usize, timeout: Duration) -> bool {
        let log = self.shared.log.lock().unwrap();
        let (log, _) = self
            .shared
            .log_cv
            .wait_timeout_while(log, timeout, |l| l.len() < n)
            .unwrap();
        log.len() >= n
    }

    /// Cancels a request, like `HttpCancelHttpRequest`: the connection it arrived on is
    /// reset (RST). Returns false if that connection is already gone.
    pub fn cancel(&self, request_id: u64) -> bool {
        let conn = self
            .shared
            .request_conn
            .lock()
            .unwrap()
            .get(&request_id)
            .copied();
        conn.is_some_and(|c| self.shared.reset_conn(c))
    }

    /// Resets one connection by number.
    pub fn reset_connection(&self, conn: u64) -> bool {
        self.shared.reset_conn(conn)
    }

    /// Resets every open connection (the listener keeps accepting).
    pub fn reset_all(&self) {
        let ids: Vec<u64> = self.shared.conns.lock().unwrap().keys().copied().collect();
        for c in ids {
            self.shared.reset_conn(c);
        }
    }

    /// Stops accepting and closes every connection; also done on drop.
    pub fn shutdown(&mut self) {
        self.accept.abort();
        let entries: Vec<ConnEntry> = self
            .shared
            .conns
            .lock()
            .unwrap()
            .drain()
            .map(|(_, e)| e)
            .collect();
        for e in entries {
            e.abort.abort();
        }
        for t in self.shared.tunnels.lock().unwrap().drain(..) {
            t.abort();
        }
        if let Some(mut rt) = self.rt.take() {
            rt.stop();
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.shutdown();
    }
}
