//! A transcript-replaying FTP peer, in the manner of curl's test servers.
//!
//! An [`FtpScript`] is a greeting plus a list of [`Step`]s. Each control connection walks
//! the steps in order: it reads a command, checks it starts with the step's expected prefix
//! (case-insensitive), and answers with the step's exact reply bytes — which may be
//! malformed on purpose (no code, odd multi-line terminators). Steps can open a passive data
//! listener (advertising any address, e.g. 10.1.2.3, while really listening on 127.0.0.1 —
//! the client must use the control connection's address), accept an active-mode target, send
//! or receive data, reset the data connection mid-transfer, stall on a [`Signal`], or never
//! send the final reply. Every command line the client sent is recorded.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use hinternet_testkit::ftp::{FtpScript, Step};
//! use std::net::Ipv4Addr;
//! let server = FtpScript::new()
//!     .login()
//!     .step(Step::new("TYPE I").reply("200 binary"))
//!     .step(Step::new("PASV").pasv(Ipv4Addr::new(10, 1, 2, 3)))
//!     .step(Step::new("RETR a.bin").reply("150 here it comes").send(&b"hello"[..]).then_reply("226 done"))
//!     .step(Step::new("QUIT").reply("221 bye").close())
//!     .start()
//!     .await?;
//! // ... run the client against server.addr(), then:
//! assert_eq!(server.commands()[0], "USER user");
//! # Ok(()) }
//! ```

use crate::Signal;
use crate::rt::RuntimeThread;
use bytes::Bytes;
use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::AbortHandle;

/// Longest command line read (longer lines are cut and recorded as they are).
const MAX_LINE: usize = 64 * 1024;
/// Most data a [`DataPlan::Receive`] keeps.
const MAX_RECEIVE: usize = 64 << 20;

/// What happens on the data connection during a step.
#[derive(Clone, Debug, Default)]
pub enum DataPlan {
    /// No data connection.
    #[default]
    None,
    /// Open the data connection, send these bytes, close it.
    Send(Bytes),
    /// Open the data connection, send the first `after` bytes of `data`, then reset it.
    SendThenReset {
        /// The bytes.
        data: Bytes,
        /// How many of them to send before the reset.
        after: usize,
    },
    /// Open the data connection and read it to the end (an upload); recorded.
    Receive,
    /// Open the data connection and keep it open without sending anything (until the
    /// step's final stall, if any, is released).
    Open,
}

#[derive(Clone, Debug)]
enum Passive {
    Pasv(Ipv4Addr),
    Epsv,
}

/// One exchange of the transcript; see [`FtpScript`].
#[derive(Clone, Debug, Default)]
pub struct Step {
    expect: String,
    reply: Vec<u8>,
    passive: Option<Passive>,
    active: bool,
    data: DataPlan,
    stall_before_data: Option<Signal>,
    stall_before_final: Option<Signal>,
    final_reply: Vec<u8>,
    fire: Option<Signal>,
    close: bool,
    reset: bool,
}

fn line(s: &str) -> Vec<u8> {
    format!("{s}\r\n").into_bytes()
}

impl Step {
    /// A step expecting a command starting with `prefix` (case-insensitive; `""` matches
    /// anything).
    pub fn new(prefix: &str) -> Self {
        Step {
            expect: prefix.to_owned(),
            ..Step::default()
        }
    }

    /// Appends a reply line (CRLF added). `{port}`, `{p1}` and `{p2}` are replaced with the
    /// passive port of this step, if it opened one.
    pub fn reply(mut self, text: &str) -> Self {
        self.reply.extend(line(text));
        self
    }

    /// Appends exact reply bytes (no terminator added) — for replies without codes, bare
    /// `\n`, odd multi-line forms.
    pub fn reply_raw(mut self, bytes: impl AsRef<[u8]>) -> Self {
        self.reply.extend_from_slice(bytes.as_ref());
        self
    }

    /// Opens a passive data listener on 127.0.0.1 and, unless [`reply`](Self::reply) was
    /// given, answers `227 Entering Passive Mode (a,b,c,d,p1,p2)` advertising `advertise`.
    pub fn pasv(mut self, advertise: Ipv4Addr) -> Self {
        self.passive = Some(Passive::Pasv(advertise));
        self
    }

    /// Opens a passive data listener on 127.0.0.1 and, unless a reply was given, answers
    /// `229 Entering Extended Passive Mode (|||port|)`.
    pub fn epsv(mut self) -> Self {
        self.passive = Some(Passive::Epsv);
        self
    }

    /// Takes the address of a `PORT`/`EPRT` command as the active-mode data target (only
    /// loopback addresses are ever connected to). Replies `200 PORT ok` unless a reply was
    /// given.
    pub fn active(mut self) -> Self {
        self.active = true;
        self
    }

    /// Sends `data` over the data connection after the reply, then closes it.
    pub fn send(mut self, data: impl Into<Bytes>) -> Self {
        self.data = DataPlan::Send(data.into());
        self
    }

    /// Sends the first `after` bytes of `data`, then resets the data connection.
    pub fn send_then_reset(mut self, data: impl Into<Bytes>, after: usize) -> Self {
        self.data = DataPlan::SendThenReset {
            data: data.into(),
            after,
        };
        self
    }

    /// Reads the data connection to the end (STOR/APPE).
    pub fn receive(mut self) -> Self {
        self.data = DataPlan::Receive;
        self
    }

    /// Sets the data plan.
    pub fn data(mut self, plan: DataPlan) -> Self {
        self.data = plan;
        self
    }

    /// After the (150) reply and opening the data connection, waits for `s` before sending
    /// any data ("stall after 150").
    pub fn stall_before_data(mut self, s: &Signal) -> Self {
        self.stall_before_data = Some(s.clone());
        self
    }

    /// After the data transfer, waits for `s` before the final reply.
    pub fn stall_before_final(mut self, s: &Signal) -> Self {
        self.stall_before_final = Some(s.clone());
        self
    }

    /// The final reply line after the data transfer (e.g. `226 done`). Without one, no
    /// final reply is ever sent ("never send 226").
    pub fn then_reply(mut self, text: &str) -> Self {
        self.final_reply.extend(line(text));
        self
    }

    /// Exact final reply bytes.
    pub fn then_reply_raw(mut self, bytes: impl AsRef<[u8]>) -> Self {
        self.final_reply.extend_from_slice(bytes.as_ref());
        self
    }

    /// Fires `s` once the step has been matched and its reply sent.
    pub fn fire(mut self, s: &Signal) -> Self {
        self.fire = Some(s.clone());
        self
    }

    /// Closes the control connection after this step.
    pub fn close(mut self) -> Self {
        self.close = true;
        self
    }

    /// Resets the control connection after this step.
    pub fn reset(mut self) -> Self {
        self.reset = true;
        self
    }
}

/// A scripted FTP peer: a greeting and [`Step`]s. Start it with [`start`](Self::start).
#[derive(Clone, Debug)]
pub struct FtpScript {
    greeting: Vec<u8>,
    steps: Vec<Step>,
}

impl Default for FtpScript {
    fn default() -> Self {
        Self::new()
    }
}

impl FtpScript {
    /// A script greeting with `220 testkit scripted FTP` and no steps.
    pub fn new() -> Self {
        FtpScript {
            greeting: line("220 testkit scripted FTP"),
            steps: Vec::new(),
        }
    }

    /// Replaces the greeting with this line (CRLF added).
    pub fn greeting(mut self, text: &str) -> Self {
        self.greeting = line(text);
        self
    }

    /// Replaces the greeting with exact bytes (empty: send nothing on connect).
    pub fn greeting_raw(mut self, bytes: impl AsRef<[u8]>) -> Self {
        self.greeting = bytes.as_ref().to_vec();
        self
    }

    /// Appends a step.
    pub fn step(mut self, s: Step) -> Self {
        self.steps.push(s);
        self
    }

    /// Appends `USER` → `331 Password required` and `PASS` → `230 Logged in`.
    pub fn login(self) -> Self {
        self.step(Step::new("USER").reply("331 Password required"))
            .step(Step::new("PASS").reply("230 Logged in"))
    }

    /// Starts the peer on 127.0.0.1 on the current runtime.
    ///
    /// # Errors
    /// Binding failed.
    pub async fn start(self) -> io::Result<FtpScriptServer> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::default());
        let sh = shared.clone();
        let script = Arc::new(self);
        let accept = tokio::spawn(async move {
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    continue;
                };
                let n = sh.connections.fetch_add(1, Ordering::SeqCst) + 1;
                let t = tokio::spawn(run(sh.clone(), script.clone(), n, tcp));
                let mut tasks = sh.tasks.lock().unwrap();
                tasks.retain(|t| !t.is_finished());
                tasks.push(t.abort_handle());
            }
        })
        .abort_handle();
        Ok(FtpScriptServer {
            shared,
            addr,
            accept,
            rt: None,
        })
    }

    /// Starts the peer on a private runtime thread.
    ///
    /// # Errors
    /// Binding failed.
    pub fn start_blocking(self) -> io::Result<FtpScriptServer> {
        let (mut s, rt) = RuntimeThread::start("testkit-ftp-script", move || self.start())?;
        s.rt = Some(rt);
        Ok(s)
    }
}

#[derive(Default)]
struct Shared {
    connections: AtomicU64,
    commands: Mutex<Vec<(u64, String)>>,
    received: Mutex<Vec<Bytes>>,
    mismatches: Mutex<Vec<String>>,
    completed: AtomicU64,
    notify: Notify,
    tasks: Mutex<Vec<AbortHandle>>,
}

enum DataSource {
    Listener(TcpListener),
    Connect(SocketAddr),
}

fn parse_port(arg: &str) -> Option<SocketAddr> {
    let n: Vec<u16> = arg
        .trim()
        .split(',')
        .map(|p| p.trim().parse().ok())
        .collect::<Option<_>>()?;
    if n.len() != 6 || n.iter().any(|&x| x > 255) {
        return None;
    }
    let ip = Ipv4Addr::new(n[0] as u8, n[1] as u8, n[2] as u8, n[3] as u8);
    Some(SocketAddr::new(ip.into(), n[4] * 256 + n[5]))
}

fn parse_eprt(arg: &str) -> Option<SocketAddr> {
    let arg = arg.trim();
    let d = arg.chars().next()?;
    let parts: Vec<&str> = arg.split(d).collect();
    if parts.len() < 4 {
        return None;
    }
    let ip: IpAddr = parts[2].parse().ok()?;
    let port: u16 = parts[3].parse().ok()?;
    Some(SocketAddr::new(ip, port))
}

async fn open_data(src: Option<DataSource>) -> Option<TcpStream> {
    match src? {
        DataSource::Listener(l) => l.accept().await.ok().map(|(s, _)| s),
        DataSource::Connect(a) if a.ip().is_loopback() => TcpStream::connect(a).await.ok(),
        DataSource::Connect(_) => None,
    }
}

async fn run(shared: Arc<Shared>, script: Arc<FtpScript>, conn: u64, tcp: TcpStream) {
    let _ = serve(&shared, &script, conn, tcp).await;
    shared.notify.notify_waiters();
}

async fn serve(shared: &Shared, script: &FtpScript, conn: u64, tcp: TcpStream) -> io::Result<()> {
    let (rd, mut wr) = tcp.into_split();
    let mut rd = BufReader::new(rd);
    wr.write_all(&script.greeting).await?;
    let mut data_src: Option<DataSource> = None;
    let mut idx = 0;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let n = (&mut rd)
            .take(MAX_LINE as u64)
            .read_until(b'\n', &mut buf)
            .await?;
        if n == 0 {
            return Ok(());
        }
        let cmd = String::from_utf8_lossy(&buf)
            .trim_end_matches(['\r', '\n'])
            .to_owned();
        shared.commands.lock().unwrap().push((conn, cmd.clone()));
        shared.notify.notify_waiters();
        let Some(step) = script.steps.get(idx) else {
            if cmd.to_ascii_uppercase().starts_with("QUIT") {
                wr.write_all(b"221 Goodbye\r\n").await?;
                return Ok(());
            }
            wr.write_all(b"502 testkit script has ended\r\n").await?;
            continue;
        };
        let matches = cmd
            .get(..step.expect.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(&step.expect));
        if !matches {
            shared.mismatches.lock().unwrap().push(format!(
                "step {idx}: expected {:?}, got {cmd:?}",
                step.expect
            ));
            wr.write_all(b"500 testkit script: unexpected command\r\n")
                .await?;
            continue;
        }
        idx += 1;
        let mut reply = step.reply.clone();
        if let Some(p) = &step.passive {
            let l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
            let port = l.local_addr()?.port();
            data_src = Some(DataSource::Listener(l));
            if reply.is_empty() {
                reply = match p {
                    Passive::Pasv(ip) => {
                        let o = ip.octets();
                        line(&format!(
                            "227 Entering Passive Mode ({},{},{},{},{},{})",
                            o[0],
                            o[1],
                            o[2],
                            o[3],
                            port >> 8,
                            port & 0xff
                        ))
                    }
                    Passive::Epsv => {
                        line(&format!("229 Entering Extended Passive Mode (|||{port}|)"))
                    }
                };
            } else {
                let text = String::from_utf8_lossy(&reply)
                    .replace("{port}", &port.to_string())
                    .replace("{p1}", &(port >> 8).to_string())
                    .replace("{p2}", &(port & 0xff).to_string());
                reply = text.into_bytes();
            }
        }
        if step.active {
            let (verb, arg) = cmd.split_once(' ').unwrap_or((&cmd, ""));
            let target = if verb.eq_ignore_ascii_case("EPRT") {
                parse_eprt(arg)
            } else {
                parse_port(arg)
            };
            data_src = target.map(DataSource::Connect);
            if reply.is_empty() {
                reply = line(if target.is_some() {
                    "200 PORT ok"
                } else {
                    "501 bad PORT argument"
                });
            }
        }
        wr.write_all(&reply).await?;
        if let Some(s) = &step.fire {
            s.fire();
        }
        if !matches!(step.data, DataPlan::None) {
            let data = open_data(data_src.take()).await;
            if let Some(s) = &step.stall_before_data {
                s.wait().await;
            }
            if let Some(mut d) = data {
                match &step.data {
                    DataPlan::None => {}
                    DataPlan::Send(b) => {
                        let _ = d.write_all(b).await;
                        let _ = d.shutdown().await;
                    }
                    DataPlan::SendThenReset { data, after } => {
                        let n = (*after).min(data.len());
                        let _ = d.write_all(&data[..n]).await;
                        let _ = d.flush().await;
                        let _ = d.set_zero_linger();
                    }
                    DataPlan::Receive => {
                        let mut got = Vec::new();
                        let _ = (&mut d)
                            .take(MAX_RECEIVE as u64)
                            .read_to_end(&mut got)
                            .await;
                        shared.received.lock().unwrap().push(Bytes::from(got));
                    }
                    DataPlan::Open => {
                        if let Some(s) = &step.stall_before_final {
                            s.wait().await;
                        }
                    }
                }
                drop(d);
            }
        }
        if let Some(s) = &step.stall_before_final {
            s.wait().await;
        }
        if !step.final_reply.is_empty() {
            wr.write_all(&step.final_reply).await?;
        }
        if idx == script.steps.len() {
            shared.completed.fetch_add(1, Ordering::SeqCst);
        }
        if step.reset {
            let tcp = rd.into_inner().reunite(wr).map_err(io::Error::other)?;
            tcp.set_zero_linger()?;
            return Ok(());
        }
        if step.close {
            let _ = wr.shutdown().await;
            return Ok(());
        }
    }
}

/// A running [`FtpScript`]; dropping it stops the peer.
pub struct FtpScriptServer {
    shared: Arc<Shared>,
    addr: SocketAddr,
    accept: AbortHandle,
    rt: Option<RuntimeThread>,
}

impl fmt::Debug for FtpScriptServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FtpScriptServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl FtpScriptServer {
    /// The control address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The control port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `ftp://127.0.0.1:PORT` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("ftp://{}{path}", self.addr)
    }

    /// Every command line received (without CRLF), from all connections, in order.
    pub fn commands(&self) -> Vec<String> {
        self.shared
            .commands
            .lock()
            .unwrap()
            .iter()
            .map(|(_, c)| c.clone())
            .collect()
    }

    /// Command lines with their connection numbers (from 1).
    pub fn commands_by_connection(&self) -> Vec<(u64, String)> {
        self.shared.commands.lock().unwrap().clone()
    }

    /// The commands joined with `\n` (for snapshot-style asserts).
    pub fn transcript(&self) -> String {
        self.commands().join("\n")
    }

    /// Data received by [`DataPlan::Receive`] steps, in order.
    pub fn received(&self) -> Vec<Bytes> {
        self.shared.received.lock().unwrap().clone()
    }

    /// Commands that did not match the expected step (each got a `500`).
    pub fn mismatches(&self) -> Vec<String> {
        self.shared.mismatches.lock().unwrap().clone()
    }

    /// How many connections got through the whole script.
    pub fn completed(&self) -> u64 {
        self.shared.completed.load(Ordering::SeqCst)
    }

    /// Control connections accepted so far.
    pub fn connections_accepted(&self) -> u64 {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// Waits until at least `n` command lines have been received.
    ///
    /// # Cancel safety
    /// Cancel safe.
    pub async fn wait_for_commands(&self, n: usize) {
        loop {
            let notified = self.shared.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.shared.commands.lock().unwrap().len() >= n {
                return;
            }
            notified.await;
        }
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

impl Drop for FtpScriptServer {
    fn drop(&mut self) {
        self.shutdown();
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_eprt, parse_port};

    #[test]
    fn port_arguments() {
        assert_eq!(
            parse_port("127,0,0,1,4,1").unwrap().to_string(),
            "127.0.0.1:1025"
        );
        assert!(parse_port("127,0,0,1,4").is_none());
        assert!(parse_port("300,0,0,1,4,1").is_none());
        assert_eq!(
            parse_eprt("|2|::1|5282|").unwrap().to_string(),
            "[::1]:5282"
        );
    }
}
