//! Connections: establishing them (name resolution, TCP, TLS, the hyper handshake) with their
//! status notifications, and the per-session pool keyed by (scheme, host, port, proxy) with a
//! per-server cap (INTERNET_OPTION_MAX_CONNS_PER_SERVER) and an idle timeout.

use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, Weak};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::time::Instant;

use bytes::Bytes;

use crate::query::ResponseHead;
use hinternet_core::consts::*;
use hinternet_core::{Error, NodeRef, Result, StatusEvent};
use http_body::{Body, Frame, SizeHint};
use hyper::body::Incoming;
use hyper::client::conn::{http1, http2};
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpStream;
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, mpsc};

use crate::tls;

/// How long an idle connection may wait in the pool: shorter than the keep-alive timeouts of
/// common servers (Apache 5 s, nginx 75 s), so a pooled connection is rarely one the server is
/// closing right now.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(4);

/// A request body: whole bytes, or a stream fed by InternetWriteFile.
#[derive(Debug)]
pub enum ReqBody {
    /// The whole body (`None` once sent).
    Full(Option<Bytes>),
    /// Pieces from a channel; the body ends when the sender is dropped (HttpEndRequest).
    Stream(mpsc::Receiver<Bytes>),
}

impl Body for ReqBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<std::result::Result<Frame<Bytes>, Infallible>>> {
        match self.get_mut() {
            ReqBody::Full(b) => Poll::Ready(
                b.take()
                    .filter(|b| !b.is_empty())
                    .map(|b| Ok(Frame::data(b))),
            ),
            ReqBody::Stream(rx) => rx.poll_recv(cx).map(|o| o.map(|b| Ok(Frame::data(b)))),
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, ReqBody::Full(None))
            || matches!(self, ReqBody::Full(Some(b)) if b.is_empty())
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            ReqBody::Full(Some(b)) => SizeHint::with_exact(b.len() as u64),
            ReqBody::Full(None) => SizeHint::with_exact(0),
            ReqBody::Stream(_) => SizeHint::default(),
        }
    }
}

/// The future of a response.
pub type ResponseFuture = Pin<
    Box<
        dyn std::future::Future<
                Output = std::result::Result<http::Response<Incoming>, hyper::Error>,
            > + Send,
    >,
>;

/// The request half of a hyper connection.
pub enum Sender {
    /// HTTP/1.1.
    H1(http1::SendRequest<ReqBody>),
    /// HTTP/2 (ALPN chose it).
    H2(http2::SendRequest<ReqBody>),
}

impl Sender {
    fn is_closed(&self) -> bool {
        match self {
            Sender::H1(s) => s.is_closed(),
            Sender::H2(s) => s.is_closed(),
        }
    }

    /// Sends a request; the future resolves with the response head.
    pub fn send(&mut self, req: http::Request<ReqBody>) -> ResponseFuture {
        match self {
            Sender::H1(s) => Box::pin(s.send_request(req)),
            Sender::H2(s) => Box::pin(s.send_request(req)),
        }
    }

    /// Whether this is an HTTP/2 connection.
    pub fn is_h2(&self) -> bool {
        matches!(self, Sender::H2(_))
    }
}

/// A live connection, holding one of its server's connection slots.
pub struct Conn {
    /// Where requests go.
    pub sender: Sender,
    /// The peer address.
    pub peer: SocketAddr,
    /// Whether it came from the pool (already used for an earlier request).
    pub reused: bool,
    /// The leaf certificate the server presented (TLS only).
    pub certificate: Option<rustls::pki_types::CertificateDer<'static>>,
    /// The negotiated TLS cipher suite, as text (TLS only).
    pub cipher: Option<String>,
    /// The negotiated TLS version, as text (`"TLS 1.3"`; TLS only).
    pub protocol: Option<String>,
    /// The HTTP/1 connection's I/O, driven by whoever waits on the connection (the send, the
    /// body reads) on their own task: no hand-over between threads per body frame. `None`
    /// for HTTP/2 (its connection runs as a task) and once the connection has ended.
    pub driver: Option<Driver>,
    /// The server's connection slot, held until every handle on the connection is gone.
    _permit: Arc<OwnedSemaphorePermit>,
    /// The pool entry of its server, where it goes back when its response is done. Weak: an
    /// idle connection sits in that entry, and the entry must not keep itself alive.
    home: Weak<Slot>,
}

/// A connection's I/O future.
pub type Driver = Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

impl Conn {
    /// Another handle on the same HTTP/2 connection (`None` for HTTP/1, which carries one
    /// request at a time).
    fn share(&self) -> Option<Conn> {
        match &self.sender {
            Sender::H2(s) => Some(Conn {
                sender: Sender::H2(s.clone()),
                peer: self.peer,
                reused: self.reused,
                certificate: self.certificate.clone(),
                cipher: self.cipher.clone(),
                protocol: self.protocol.clone(),
                driver: None,
                _permit: Arc::clone(&self._permit),
                home: Weak::clone(&self.home),
            }),
            Sender::H1(_) => None,
        }
    }

    /// Polls the connection's I/O (reads the socket, writes the request) on the caller's task.
    pub fn poll_drive(&mut self, cx: &mut Context<'_>) {
        if let Some(d) = self.driver.as_mut()
            && d.as_mut().poll(cx).is_ready()
        {
            self.driver = None;
        }
    }

    /// Waits for the connection to take a request, driving it meanwhile.
    pub async fn ready(&mut self) -> std::result::Result<(), hyper::Error> {
        std::future::poll_fn(|cx| {
            self.poll_drive(cx);
            match &mut self.sender {
                Sender::H1(s) => s.poll_ready(cx),
                Sender::H2(s) => s.poll_ready(cx),
            }
        })
        .await
    }

    /// Runs `fut` to its end while driving the connection.
    pub async fn drive<F: std::future::Future>(&mut self, fut: F) -> F::Output {
        let mut fut = std::pin::pin!(fut);
        std::future::poll_fn(|cx| {
            self.poll_drive(cx);
            fut.as_mut().poll(cx)
        })
        .await
    }
}

impl std::fmt::Debug for Conn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Conn")
            .field("peer", &self.peer)
            .field("reused", &self.reused)
            .finish_non_exhaustive()
    }
}

/// Which server a connection reaches.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PoolKey {
    /// TLS.
    pub secure: bool,
    /// Host name as given.
    pub host: String,
    /// Port.
    pub port: u16,
    /// The proxy the connection goes through, if any.
    pub proxy: Option<String>,
    /// The certificate checks the connection skipped (`SECURITY_FLAG_IGNORE_*`, 0 for plain
    /// HTTP): a connection made while ignoring a bad certificate is never reused by a request
    /// that did not ask to ignore it.
    pub ignore: u32,
}

struct Slot {
    sem: Arc<Semaphore>,
    idle: Mutex<Vec<(Conn, Instant)>>,
    /// HTTP/2 connections: every request to the server shares them (one stream each), with
    /// the time each was last handed out.
    shared: Mutex<Vec<(Conn, Instant)>>,
    notify: Notify,
}

/// The per-session pool (one per InternetOpen root).
#[derive(Default)]
pub struct Pool {
    slots: Mutex<HashMap<PoolKey, Arc<Slot>>>,
    /// The entry used last: most sessions talk to one server, and comparing one key is much
    /// cheaper than hashing it.
    recent: Mutex<Option<(PoolKey, Arc<Slot>)>>,
    contacted: Mutex<HashSet<(String, u16)>>,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool").finish_non_exhaustive()
    }
}

/// What a checkout found.
pub enum Checkout {
    /// An idle connection to reuse.
    Reused(Conn),
    /// A free slot: make a new connection with it ([`connect`]).
    New(FreeSlot),
}

/// One of a server's connection slots, taken for a new connection.
pub struct FreeSlot {
    permit: OwnedSemaphorePermit,
    home: Arc<Slot>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Pool {
    fn slot(&self, key: &PoolKey, max: u32) -> Arc<Slot> {
        let mut recent = lock(&self.recent);
        if let Some((k, slot)) = recent.as_ref()
            && k == key
        {
            return Arc::clone(slot);
        }
        let slot = Arc::clone(lock(&self.slots).entry(key.clone()).or_insert_with(|| {
            Arc::new(Slot {
                sem: Arc::new(Semaphore::new(max.max(1) as usize)),
                idle: Mutex::new(Vec::new()),
                shared: Mutex::new(Vec::new()),
                notify: Notify::new(),
            })
        }));
        *recent = Some((key.clone(), Arc::clone(&slot)));
        slot
    }

    /// Takes an idle connection to `key`, or a free slot for a new one, waiting while the
    /// server's `max` connections are all busy.
    pub async fn checkout(&self, key: &PoolKey, max: u32) -> Checkout {
        let slot = self.slot(key, max);
        loop {
            {
                let mut shared = lock(&slot.shared);
                shared.retain(|(c, since)| since.elapsed() < IDLE_TIMEOUT && !c.sender.is_closed());
                if let Some((conn, since)) = shared.last_mut()
                    && let Some(mut c) = conn.share()
                {
                    *since = Instant::now();
                    c.reused = true;
                    return Checkout::Reused(c);
                }
            }
            let notified = slot.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let mut idle = lock(&slot.idle);
                while let Some((conn, since)) = idle.pop() {
                    if since.elapsed() < IDLE_TIMEOUT && !conn.sender.is_closed() {
                        let mut conn = conn;
                        conn.reused = true;
                        return Checkout::Reused(conn);
                    }
                }
            }
            tokio::select! {
                p = Arc::clone(&slot.sem).acquire_owned() => {
                    if let Ok(permit) = p {
                        return Checkout::New(FreeSlot { permit, home: Arc::clone(&slot) });
                    }
                }
                _ = &mut notified => {}
            }
        }
    }

    /// Makes a new HTTP/2 connection available to every later request to `key` (HTTP/1
    /// connections are not shared).
    pub fn share(&self, key: &PoolKey, conn: &Conn) {
        if let Some(c) = conn.share() {
            let slot = lock(&self.slots).get(key).cloned();
            if let Some(slot) = slot {
                lock(&slot.shared).push((c, Instant::now()));
            }
        }
    }

    /// Gives a connection whose response was read to the end back to its server's pool entry
    /// for reuse (an HTTP/2 one is shared already: only this request's handle on it goes).
    pub fn checkin(conn: Conn) {
        if conn.sender.is_closed() || conn.sender.is_h2() {
            return;
        }
        // A pool that is gone (its root closed) takes nothing back: the connection closes.
        let Some(slot) = conn.home.upgrade() else {
            return;
        };
        lock(&slot.idle).push((conn, Instant::now()));
        slot.notify.notify_one();
    }

    /// Drops every idle connection (INTERNET_OPTION_SETTINGS_CHANGED); shared HTTP/2
    /// connections close once their last request is done.
    pub fn flush(&self) {
        for slot in lock(&self.slots).values() {
            lock(&slot.idle).clear();
            lock(&slot.shared).clear();
        }
    }

    /// True the first time a host is contacted in this session (NAME_RESOLVED is sent only
    /// then, as native does).
    fn first_contact(&self, host: &str, port: u16) -> bool {
        lock(&self.contacted).insert((host.to_ascii_lowercase(), port))
    }
}

/// The timeouts and flags a new connection needs.
#[derive(Debug, Clone)]
pub struct ConnectParams {
    /// `Proxy-Authorization` value for a CONNECT tunnel.
    pub proxy_auth: Option<String>,
    /// Connect timeout (TCP + TLS), `None` = none.
    pub connect_timeout: Option<Duration>,
    /// Security flags (the ignore bits opt out of certificate checks).
    pub security_flags: u32,
}

/// A timeout option in milliseconds as a duration (0 and `u32::MAX` mean none).
pub fn timeout_of(ms: u32) -> Option<Duration> {
    (ms != 0 && ms != u32::MAX).then(|| Duration::from_millis(u64::from(ms)))
}

async fn with_timeout<T>(
    d: Option<Duration>,
    fut: impl std::future::Future<Output = Result<T>>,
) -> Result<T> {
    match d {
        Some(d) => match tokio::time::timeout(d, fut).await {
            Ok(r) => r,
            Err(_) => Err(Error::new(ERROR_INTERNET_TIMEOUT)),
        },
        None => fut.await,
    }
}

/// Opens a new connection for `key` (resolving the host, connecting, TLS, hyper handshake),
/// sending RESOLVING_NAME / NAME_RESOLVED (first contact only) and CONNECTING_TO_SERVER /
/// CONNECTED_TO_SERVER on `node`.
pub async fn connect(
    pool: &Pool,
    key: &PoolKey,
    slot: FreeSlot,
    params: ConnectParams,
    node: &NodeRef,
) -> Result<Conn> {
    let FreeSlot { permit, home } = slot;
    let first = pool.first_contact(&key.host, key.port);
    if first {
        node.notify(|| StatusEvent::ResolvingName(key.host.clone()));
    }
    let host = key
        .host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    // An https request through a proxy dials the proxy and tunnels with CONNECT.
    let tunnel = key.secure && key.proxy.is_some();
    let (dial_host, dial_port) = match key.proxy.as_deref().filter(|_| tunnel) {
        Some(p) => {
            let (h, port) = p
                .rsplit_once(':')
                .and_then(|(h, port)| Some((h, port.parse::<u16>().ok()?)))
                .ok_or_else(|| Error::new(ERROR_INTERNET_INVALID_PROXY_REQUEST))?;
            (
                h.trim_start_matches('[').trim_end_matches(']').to_owned(),
                port,
            )
        }
        None => (host.clone(), key.port),
    };
    let addrs: Vec<SocketAddr> = with_timeout(params.connect_timeout, async {
        tokio::net::lookup_host((dial_host.as_str(), dial_port))
            .await
            .map(|a| a.collect())
            .map_err(|e| Error::new(ERROR_INTERNET_NAME_NOT_RESOLVED).with_source(e))
    })
    .await?;
    let Some(first_addr) = addrs.first().copied() else {
        return Err(Error::new(ERROR_INTERNET_NAME_NOT_RESOLVED));
    };
    if first {
        node.notify(|| StatusEvent::NameResolved(first_addr.ip().to_string()));
    }
    let mut last_err = Error::new(ERROR_INTERNET_CANNOT_CONNECT);
    let mut tcp = None;
    for addr in &addrs {
        node.notify(|| StatusEvent::ConnectingToServer(addr.ip().to_string()));
        let r = with_timeout(params.connect_timeout, async {
            TcpStream::connect(addr)
                .await
                .map_err(|e| Error::new(ERROR_INTERNET_CANNOT_CONNECT).with_source(e))
        })
        .await;
        match r {
            Ok(s) => {
                tcp = Some((s, *addr));
                break;
            }
            Err(e) => last_err = e,
        }
    }
    let Some((mut tcp, peer)) = tcp else {
        return Err(last_err);
    };
    let _ = tcp.set_nodelay(true);
    node.notify(|| StatusEvent::ConnectedToServer(peer.ip().to_string()));
    if tunnel {
        with_timeout(
            params.connect_timeout,
            connect_tunnel(&mut tcp, &key.host, key.port, params.proxy_auth.as_deref()),
        )
        .await?;
    }
    if key.secure {
        let config = tls::client_config(params.security_flags)?;
        let name = rustls::pki_types::ServerName::try_from(host.clone())
            .map_err(|e| Error::new(ERROR_INTERNET_INVALID_URL).with_source(e))?;
        let connector = tokio_rustls::TlsConnector::from(config);
        let stream = with_timeout(params.connect_timeout, async {
            connector
                .connect(name, tcp)
                .await
                .map_err(tls::handshake_error)
        })
        .await?;
        let (_, session) = stream.get_ref();
        let certificate = session
            .peer_certificates()
            .and_then(|c| c.first())
            .map(|c| c.clone().into_owned());
        let protocol = session.protocol_version().map(|v| match v {
            rustls::ProtocolVersion::TLSv1_3 => "TLS 1.3".to_owned(),
            rustls::ProtocolVersion::TLSv1_2 => "TLS 1.2".to_owned(),
            other => format!("{other:?}"),
        });
        let cipher = session
            .negotiated_cipher_suite()
            .map(|s| format!("{:?}", s.suite()));
        let h2 = session.alpn_protocol() == Some(b"h2");
        let (sender, driver) = handshake(TokioIo::new(stream), h2).await?;
        Ok(Conn {
            sender,
            peer,
            reused: false,
            certificate,
            cipher,
            protocol,
            driver,
            _permit: Arc::new(permit),
            home: Arc::downgrade(&home),
        })
    } else {
        let (sender, driver) = handshake(TokioIo::new(tcp), false).await?;
        Ok(Conn {
            sender,
            peer,
            reused: false,
            certificate: None,
            cipher: None,
            protocol: None,
            driver,
            _permit: Arc::new(permit),
            home: Arc::downgrade(&home),
        })
    }
}

/// Asks the proxy on `tcp` for a tunnel to `host:port` (CONNECT) and reads its answer.
async fn connect_tunnel(
    tcp: &mut TcpStream,
    host: &str,
    port: u16,
    auth: Option<&str>,
) -> Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut req = format!("CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n");
    if let Some(a) = auth {
        req.push_str("Proxy-Authorization: ");
        req.push_str(a);
        req.push_str("\r\n");
    }
    req.push_str("\r\n");
    tcp.write_all(req.as_bytes())
        .await
        .map_err(|e| Error::new(ERROR_INTERNET_CANNOT_CONNECT).with_source(e))?;
    let mut head = Vec::with_capacity(256);
    let mut byte = [0u8; 1];
    // Byte by byte, so that nothing of the tunnel is consumed here.
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() > 64 * 1024 {
            return Err(Error::new(ERROR_HTTP_INVALID_SERVER_RESPONSE));
        }
        let n = tcp
            .read(&mut byte)
            .await
            .map_err(|e| Error::new(ERROR_INTERNET_CONNECTION_ABORTED).with_source(e))?;
        if n == 0 {
            return Err(Error::new(ERROR_HTTP_INVALID_SERVER_RESPONSE));
        }
        head.push(byte[0]);
    }
    let refused = tunnel_answer(&head)?;
    match refused {
        None => Ok(()),
        Some(head) => Err(Error::new(ERROR_INTERNET_CANNOT_CONNECT)
            .with_context(format!(
                "the proxy refused the tunnel with status {}",
                head.status
            ))
            .with_source(TunnelRefused { head })),
    }
}

/// The proxy's answer to CONNECT: `None` for 2xx (the tunnel is open), else its head.
fn tunnel_answer(bytes: &[u8]) -> Result<Option<ResponseHead>> {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut parsed = httparse::Response::new(&mut headers);
    match parsed.parse(bytes) {
        Ok(httparse::Status::Complete(_)) => {}
        _ => return Err(Error::new(ERROR_HTTP_INVALID_SERVER_RESPONSE)),
    }
    let status = parsed
        .code
        .ok_or_else(|| Error::new(ERROR_HTTP_INVALID_SERVER_RESPONSE))?;
    if (200..300).contains(&status) {
        return Ok(None);
    }
    let mut list = crate::headers::HeaderList::new();
    for h in parsed.headers.iter() {
        list.push(h.name, &String::from_utf8_lossy(h.value));
    }
    Ok(Some(ResponseHead {
        version: format!("HTTP/1.{}", parsed.version.unwrap_or(1)),
        status,
        reason: parsed.reason.unwrap_or("").to_owned(),
        headers: list,
    }))
}

/// A proxy's answer other than 2xx to CONNECT. The request hands it to its caller as the
/// response (a 407 asks for INTERNET_OPTION_PROXY_USERNAME / PASSWORD), as native does.
#[derive(Debug)]
pub struct TunnelRefused {
    /// The proxy's status line and headers.
    pub head: ResponseHead,
}

impl std::fmt::Display for TunnelRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the proxy answered CONNECT with {}", self.head.status)
    }
}

impl std::error::Error for TunnelRefused {}

/// Most response headers accepted; more is ERROR_HTTP_INVALID_SERVER_RESPONSE.
pub const MAX_RESPONSE_HEADERS: usize = 1000;

/// The largest response head accepted (status line and headers, in bytes; browsers allow as
/// much), and the most a connection buffers ahead of the reader. A larger head is
/// ERROR_HTTP_INVALID_SERVER_RESPONSE. Buffering 1 MiB instead cost 10 % more CPU on a 1 GiB
/// download (the data left the cache between the kernel's copy and ours; docs/performance.md).
pub const MAX_RESPONSE_HEAD: usize = 256 * 1024;

async fn handshake<T>(io: TokioIo<T>, h2: bool) -> Result<(Sender, Option<Driver>)>
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    if h2 {
        let (sender, conn) = http2::handshake(TokioExecutor::new(), io)
            .await
            .map_err(crate::error::from_hyper)?;
        tokio::spawn(async move {
            let _ = conn.await;
        });
        Ok((Sender::H2(sender), None))
    } else {
        let (sender, conn) = http1::Builder::new()
            .title_case_headers(true)
            .max_headers(MAX_RESPONSE_HEADERS)
            .max_header_size(MAX_RESPONSE_HEAD)
            .max_buf_size(MAX_RESPONSE_HEAD)
            .handshake(io)
            .await
            .map_err(crate::error::from_hyper)?;
        let driver: Driver = Box::pin(async move {
            let _ = conn.await;
        });
        Ok((Sender::H1(sender), Some(driver)))
    }
}
