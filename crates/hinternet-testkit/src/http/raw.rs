//! Raw TCP peers that misbehave on purpose.
//!
//! A [`RawServer`] runs a [`RawScript`] on every accepted connection: read the request head,
//! write exact bytes, stall until the test fires a [`Signal`], reset, close early, write
//! slowly. [`scripts`] has ready-made hostile responses.

use crate::Signal;
use crate::pattern;
use crate::rt::RuntimeThread;
use bytes::Bytes;
use std::fmt;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;

/// Longest request head [`RawStep::ReadRequest`] reads before giving up.
const MAX_HEAD: usize = 1 << 20;
/// Longest request body [`RawStep::ReadRequest`] consumes (per `Content-Length`).
const MAX_BODY: u64 = 64 << 20;

/// One step of a raw script.
#[derive(Clone, Debug)]
pub enum RawStep {
    /// Read until the end of the request head (`\r\n\r\n`), then the body announced by
    /// `Content-Length`, if any; the head is logged. Ends the script if the peer closes.
    ReadRequest,
    /// Write these bytes.
    Write(Bytes),
    /// Write `data` in `piece`-byte pieces with `delay` (tokio time) before each.
    WriteSlowly {
        /// The bytes.
        data: Bytes,
        /// Piece size (at least 1).
        piece: usize,
        /// Delay before each piece.
        delay: Duration,
    },
    /// Write `len` bytes of the [`pattern`] from offset 0, in 64 KiB pieces.
    WritePattern(u64),
    /// Wait until the test fires the signal.
    Stall(Signal),
    /// Fire a signal (tells the test the script got here).
    Fire(Signal),
    /// Wait (tokio time).
    Delay(Duration),
    /// Set `SO_LINGER` to 0 and close: the peer sees a reset.
    Reset,
    /// Close the connection (FIN).
    Close,
    /// Shut down the write half only.
    ShutdownWrite,
    /// Go back to the first step (for keep-alive scripts); at most 1000 times per connection.
    Restart,
}

/// A sequence of [`RawStep`]s, built fluently.
#[derive(Clone, Debug, Default)]
pub struct RawScript {
    steps: Vec<RawStep>,
}

impl RawScript {
    /// An empty script (accept, then close).
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a step.
    pub fn step(mut self, s: RawStep) -> Self {
        self.steps.push(s);
        self
    }

    /// Appends [`RawStep::ReadRequest`].
    pub fn read_request(self) -> Self {
        self.step(RawStep::ReadRequest)
    }

    /// Appends [`RawStep::Write`].
    pub fn write(self, data: impl Into<Bytes>) -> Self {
        self.step(RawStep::Write(data.into()))
    }

    /// Appends [`RawStep::WriteSlowly`].
    pub fn write_slowly(self, data: impl Into<Bytes>, piece: usize, delay: Duration) -> Self {
        self.step(RawStep::WriteSlowly {
            data: data.into(),
            piece,
            delay,
        })
    }

    /// Appends [`RawStep::WritePattern`].
    pub fn write_pattern(self, len: u64) -> Self {
        self.step(RawStep::WritePattern(len))
    }

    /// Appends [`RawStep::Stall`].
    pub fn stall(self, until: &Signal) -> Self {
        self.step(RawStep::Stall(until.clone()))
    }

    /// Appends [`RawStep::Fire`].
    pub fn fire(self, s: &Signal) -> Self {
        self.step(RawStep::Fire(s.clone()))
    }

    /// Appends [`RawStep::Delay`].
    pub fn delay(self, d: Duration) -> Self {
        self.step(RawStep::Delay(d))
    }

    /// Appends [`RawStep::Reset`].
    pub fn reset(self) -> Self {
        self.step(RawStep::Reset)
    }

    /// Appends [`RawStep::Close`].
    pub fn close(self) -> Self {
        self.step(RawStep::Close)
    }

    /// Appends [`RawStep::ShutdownWrite`].
    pub fn shutdown_write(self) -> Self {
        self.step(RawStep::ShutdownWrite)
    }

    /// Appends [`RawStep::Restart`].
    pub fn restart(self) -> Self {
        self.step(RawStep::Restart)
    }

    /// The steps.
    pub fn steps(&self) -> &[RawStep] {
        &self.steps
    }
}

#[derive(Default)]
struct Shared {
    connections: AtomicU64,
    heads: Mutex<Vec<(u64, Bytes)>>,
    tasks: Mutex<Vec<AbortHandle>>,
}

/// A raw TCP server running scripts; see the [module docs](self).
pub struct RawServer {
    shared: Arc<Shared>,
    addr: SocketAddr,
    accept: AbortHandle,
    rt: Option<RuntimeThread>,
}

impl fmt::Debug for RawServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

async fn read_request(s: &mut TcpStream) -> io::Result<Option<Bytes>> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    // Byte at a time so nothing after the head is consumed by accident.
    loop {
        if head.len() >= MAX_HEAD {
            return Ok(Some(Bytes::from(head)));
        }
        if s.read(&mut byte).await? == 0 {
            return Ok(None);
        }
        head.push(byte[0]);
        if head.ends_with(b"\r\n\r\n") || head.ends_with(b"\n\n") {
            break;
        }
    }
    let text = String::from_utf8_lossy(&head).to_ascii_lowercase();
    let len = text
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(0)
        .min(MAX_BODY);
    let mut left = len;
    let mut buf = vec![0u8; 16 * 1024];
    while left > 0 {
        let n = (left as usize).min(buf.len());
        let got = s.read(&mut buf[..n]).await?;
        if got == 0 {
            break;
        }
        left -= got as u64;
    }
    Ok(Some(Bytes::from(head)))
}

async fn run_script(shared: Arc<Shared>, conn: u64, mut s: TcpStream, script: RawScript) {
    let mut i = 0;
    let mut restarts = 0;
    while i < script.steps.len() {
        let res: io::Result<bool> = async {
            match &script.steps[i] {
                RawStep::ReadRequest => match read_request(&mut s).await? {
                    Some(h) => shared.heads.lock().unwrap().push((conn, h)),
                    None => return Ok(false),
                },
                RawStep::Write(b) => {
                    s.write_all(b).await?;
                    s.flush().await?;
                }
                RawStep::WriteSlowly { data, piece, delay } => {
                    for chunk in data.chunks((*piece).max(1)) {
                        tokio::time::sleep(*delay).await;
                        s.write_all(chunk).await?;
                        s.flush().await?;
                    }
                }
                RawStep::WritePattern(len) => {
                    let mut at = 0u64;
                    while at < *len {
                        let n = ((*len - at) as usize).min(pattern::PIECE);
                        s.write_all(&pattern::piece(at, n)).await?;
                        at += n as u64;
                    }
                }
                RawStep::Stall(sig) => sig.wait().await,
                RawStep::Fire(sig) => sig.fire(),
                RawStep::Delay(d) => tokio::time::sleep(*d).await,
                RawStep::Reset => {
                    s.set_zero_linger()?;
                    return Ok(false);
                }
                RawStep::Close => {
                    let _ = s.shutdown().await;
                    return Ok(false);
                }
                RawStep::ShutdownWrite => s.shutdown().await?,
                RawStep::Restart => {
                    restarts += 1;
                    if restarts > 1000 {
                        return Ok(false);
                    }
                    i = usize::MAX;
                }
            }
            Ok(true)
        }
        .await;
        match res {
            Ok(true) => i = i.wrapping_add(1),
            _ => break,
        }
    }
    drop(s);
}

impl RawServer {
    /// Starts a raw server on 127.0.0.1 running `script` on every connection.
    ///
    /// # Errors
    /// Binding failed.
    pub async fn start(script: RawScript) -> io::Result<RawServer> {
        Self::start_per_connection(vec![script]).await
    }

    /// Starts a raw server whose n-th connection runs `scripts[n]` (the last script repeats).
    ///
    /// # Errors
    /// Binding failed, or `scripts` is empty.
    pub async fn start_per_connection(scripts: Vec<RawScript>) -> io::Result<RawServer> {
        if scripts.is_empty() {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "no scripts"));
        }
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::default());
        let sh = shared.clone();
        let accept = tokio::spawn(async move {
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    continue;
                };
                let n = sh.connections.fetch_add(1, Ordering::SeqCst);
                let script = scripts[(n as usize).min(scripts.len() - 1)].clone();
                let t = tokio::spawn(run_script(sh.clone(), n + 1, tcp, script));
                let mut tasks = sh.tasks.lock().unwrap();
                tasks.retain(|t| !t.is_finished());
                tasks.push(t.abort_handle());
            }
        })
        .abort_handle();
        Ok(RawServer {
            shared,
            addr,
            accept,
            rt: None,
        })
    }

    /// Like [`start`](Self::start) on a private runtime thread.
    ///
    /// # Errors
    /// Binding failed.
    pub fn start_blocking(script: RawScript) -> io::Result<RawServer> {
        Self::start_per_connection_blocking(vec![script])
    }

    /// Like [`start_per_connection`](Self::start_per_connection) on a private runtime thread.
    ///
    /// # Errors
    /// Binding failed, or `scripts` is empty.
    pub fn start_per_connection_blocking(scripts: Vec<RawScript>) -> io::Result<RawServer> {
        let (mut s, rt) =
            RuntimeThread::start("testkit-raw", move || Self::start_per_connection(scripts))?;
        s.rt = Some(rt);
        Ok(s)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `http://127.0.0.1:PORT` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Connections accepted so far.
    pub fn connections_accepted(&self) -> u64 {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// The request heads read so far, with their connection numbers (from 1).
    pub fn requests(&self) -> Vec<(u64, Bytes)> {
        self.shared.heads.lock().unwrap().clone()
    }

    /// The request heads as text (lossy).
    pub fn request_texts(&self) -> Vec<String> {
        self.requests()
            .iter()
            .map(|(_, h)| String::from_utf8_lossy(h).into_owned())
            .collect()
    }

    /// Stops accepting and drops every connection; also done on drop.
    pub fn shutdown(&mut self) {
        self.accept.abort();
        for t in self.shared.tasks.lock().unwrap().drain(..) {
            t.abort();
        }
        if let Some(mut rt) = self.rt.take() {
            rt.stop();
        }
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Ready-made hostile responses. Each reads the request first, and all but the stalling
/// ones close the connection afterwards.
pub mod scripts {
    use super::RawScript;
    use crate::Signal;

    fn respond(bytes: impl Into<bytes::Bytes>) -> RawScript {
        RawScript::new().read_request().write(bytes).close()
    }

    /// `HTTP/1.1 2x0 Maybe` — a status line whose code is not three digits.
    pub fn malformed_status_line() -> RawScript {
        respond(&b"HTTP/1.1 2x0 Maybe\r\nContent-Length: 2\r\n\r\nok"[..])
    }

    /// A header line without a colon.
    pub fn header_without_colon() -> RawScript {
        respond(&b"HTTP/1.1 200 OK\r\nThisLineHasNoColon\r\nContent-Length: 2\r\n\r\nok"[..])
    }

    /// A single 100 KiB header line (`X-Huge: aaaa…`).
    pub fn huge_header_line() -> RawScript {
        let mut r = b"HTTP/1.1 200 OK\r\nX-Huge: ".to_vec();
        r.extend(std::iter::repeat_n(b'a', 100 * 1024));
        r.extend_from_slice(b"\r\nContent-Length: 2\r\n\r\nok");
        respond(r)
    }

    /// A header line of 300 KiB: a head larger than clients accept.
    pub fn oversized_head() -> RawScript {
        let mut r = b"HTTP/1.1 200 OK\r\nX-Huge: ".to_vec();
        r.extend(std::iter::repeat_n(b'a', 300 * 1024));
        r.extend_from_slice(b"\r\nContent-Length: 2\r\n\r\nok");
        respond(r)
    }

    /// 10,000 header lines (`X-Header-N: v`).
    pub fn many_headers() -> RawScript {
        let mut r = b"HTTP/1.1 200 OK\r\n".to_vec();
        for i in 0..10_000 {
            r.extend_from_slice(format!("X-Header-{i}: v\r\n").as_bytes());
        }
        r.extend_from_slice(b"Content-Length: 2\r\n\r\nok");
        respond(r)
    }

    /// `Content-Length: 1000` but only 100 pattern bytes, then close.
    pub fn short_body_then_close() -> RawScript {
        RawScript::new()
            .read_request()
            .write(&b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"[..])
            .write_pattern(100)
            .close()
    }

    /// A chunked body whose second chunk size is `zz`.
    pub fn invalid_chunk_size() -> RawScript {
        respond(
            &b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\nxxxx\r\n0\r\n\r\n"[..],
        )
    }

    /// A close-delimited body (no length) that sends 64 KiB of pattern, fires `sent`, and
    /// then never ends until `release` fires (then closes).
    pub fn endless_body(sent: &Signal, release: &Signal) -> RawScript {
        RawScript::new()
            .read_request()
            .write(&b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n"[..])
            .write_pattern(64 * 1024)
            .fire(sent)
            .stall(release)
            .close()
    }

    /// Headers promising 1 MiB (`Content-Length`), 64 KiB of pattern, then a reset.
    pub fn reset_mid_body() -> RawScript {
        RawScript::new()
            .read_request()
            .write(&b"HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\n\r\n"[..])
            .write_pattern(64 * 1024)
            .reset()
    }

    /// `302` to `/loop` on every request (each connection answers one request and closes).
    pub fn redirect_loop() -> RawScript {
        respond(
            &b"HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"[..],
        )
    }

    /// `302` to a `gopher://` URL.
    pub fn redirect_to_unsupported_scheme() -> RawScript {
        respond(
            &b"HTTP/1.1 302 Found\r\nLocation: gopher://127.0.0.1:70/1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"[..],
        )
    }

    /// A body with no status line or headers at all (HTTP/0.9 style), then close.
    pub fn no_status_line() -> RawScript {
        respond(&b"this is a body without any status line\r\n"[..])
    }

    /// Accepts, reads the request, then sends nothing until `release` fires (then closes).
    pub fn no_response(release: &Signal) -> RawScript {
        RawScript::new().read_request().stall(release).close()
    }

    /// Accepts and resets at once, before reading anything.
    pub fn reset_on_accept() -> RawScript {
        RawScript::new().reset()
    }
}
