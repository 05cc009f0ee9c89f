//! One FTP control connection: login, FEAT, the command/reply exchange with notifications,
//! timeouts and the last reply, and the opening of data connections.
//!
//! suppaftp (pinned at `=12.2.1`) speaks the protocol; nothing of it leaks out of this crate.
//! Every command goes through [`FtpSession::exchange`] (or [`FtpSession::open_data`] for the
//! data commands), which
//!
//! * sends SENDING_REQUEST before and REQUEST_SENT / RECEIVING_RESPONSE / RESPONSE_RECEIVED
//!   after the exchange, on the connect handle (suppaftp sends and reads in one call, so the
//!   last three are sent together once the reply is in);
//! * bounds the wait for the reply by the handle's receive timeout (`ERROR_INTERNET_TIMEOUT`;
//!   the connection is then unusable and later calls fail with `ERROR_FTP_DROPPED`);
//! * keeps the reply text as the session's last reply (InternetGetLastResponseInfo).
//!
//! One transfer per session: a find or file handle holds the session's transfer slot until it
//! is closed; every other call on the session fails with `ERROR_FTP_TRANSFER_IN_PROGRESS`.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use hinternet_core::consts::*;
use hinternet_core::{Error, NodeRef, Result, StatusEvent};
use suppaftp::tokio::{AsyncRustlsConnector, AsyncRustlsFtpStream, AsyncRustlsStream};
use suppaftp::{FtpError, Mode, Status};
use tokio::net::TcpStream;

use crate::errors::{map_ftp_error, reply_of, reply_text_of};
use crate::reply::{Reply, error_for_reply};

pub(crate) type Ftp = AsyncRustlsFtpStream;
/// suppaftp's data stream.
pub(crate) type DataStream = suppaftp::tokio::TransferStream<AsyncRustlsStream>;

/// The password sent for an anonymous login (no user name given), as Internet Explorer did.
pub const ANONYMOUS_PASSWORD: &str = "IEUser@";

/// What the server offered in its FEAT reply.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Features {
    /// `MLST` (and so `MLSD`).
    pub mlsd: bool,
    /// `EPSV`.
    pub epsv: bool,
    /// `UTF8`.
    pub utf8: bool,
    /// `REST STREAM`.
    pub rest_stream: bool,
    /// `MDTM`.
    pub mdtm: bool,
    /// `SIZE`.
    pub size: bool,
}

impl Features {
    /// Reads a FEAT reply (`211-Features:` / ` MLST type*;size*;` / ... / `211 End`).
    pub fn parse(reply: &Reply) -> Features {
        let mut f = Features::default();
        if reply.code() != 211 {
            return f;
        }
        for line in reply.lines().iter().skip(1) {
            let l = line.trim().to_ascii_uppercase();
            let word = l.split_whitespace().next().unwrap_or("");
            match word {
                "MLST" | "MLSD" => f.mlsd = true,
                "EPSV" => f.epsv = true,
                "UTF8" => f.utf8 = true,
                "MDTM" => f.mdtm = true,
                "SIZE" => f.size = true,
                "REST" if l.contains("STREAM") => f.rest_stream = true,
                _ => {}
            }
        }
        f
    }
}

/// The waits of a session, from the connect handle's options (0 = no limit).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timeouts {
    pub connect: Option<Duration>,
    pub receive: Option<Duration>,
    pub data_receive: Option<Duration>,
    pub data_send: Option<Duration>,
}

fn ms(v: u32) -> Option<Duration> {
    (v != 0 && v != u32::MAX).then(|| Duration::from_millis(u64::from(v)))
}

/// Runs `fut` within `limit` (`ERROR_INTERNET_TIMEOUT` when it runs out).
pub(crate) async fn within<T>(
    limit: Option<Duration>,
    what: &str,
    fut: impl Future<Output = T>,
) -> Result<T> {
    match limit {
        None => Ok(fut.await),
        Some(d) => tokio::time::timeout(d, fut).await.map_err(|_| {
            Error::new(ERROR_INTERNET_TIMEOUT).with_context(format!("FTP: waiting for {what}"))
        }),
    }
}

/// How the session was asked to connect. Its `Debug` output never shows the password.
#[derive(Clone)]
pub struct ConnectConfig {
    /// Server name or address.
    pub host: String,
    /// Port (0 = 21, or 990 for implicit FTPS).
    pub port: u16,
    /// User name (`None` = anonymous).
    pub user: Option<String>,
    /// Password (`None`: [`ANONYMOUS_PASSWORD`] for anonymous, else empty).
    pub password: Option<String>,
    /// Passive data connections (EPSV, then PASV) instead of active ones (PORT/EPRT).
    pub passive: bool,
    /// TLS: explicit (`AUTH TLS`) or implicit (`ftps://`).
    pub tls: TlsMode,
}

impl ConnectConfig {
    /// The port to dial: the given one, else 990 for implicit FTPS and 21 otherwise.
    pub fn port_or_default(&self) -> u16 {
        match (self.port, self.tls) {
            (0, TlsMode::Implicit) => crate::protocol::IMPLICIT_FTPS_PORT,
            (0, _) => 21,
            (p, _) => p,
        }
    }
}

impl std::fmt::Debug for ConnectConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "****"))
            .field("passive", &self.passive)
            .field("tls", &self.tls)
            .finish()
    }
}

/// FTPS mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TlsMode {
    /// Plain FTP.
    #[default]
    None,
    /// `AUTH TLS` after the greeting (INTERNET_FLAG_SECURE on InternetConnect).
    Explicit,
    /// TLS from the first byte (`ftps://`, port 990).
    Implicit,
}

/// What to transfer on a data connection.
#[derive(Debug, Clone)]
pub(crate) enum DataCommand {
    /// `RETR path` (download).
    Retr(String),
    /// `STOR path` (upload).
    Stor(String),
    /// Any command that opens a download (LIST, MLSD, NLST, FtpCommand with a response).
    Download(String),
}

/// A control connection being opened.
enum Control {
    /// Plain TCP; the greeting is still to be read.
    Plain(TcpStream),
    /// Implicit FTPS: TLS set up and the greeting read (or how that failed).
    Greeted(Box<suppaftp::FtpResult<Ftp>>),
}

struct Ctl {
    ftp: Ftp,
    /// Still trying EPSV (cleared for the session after the first refusal).
    epsv: bool,
    /// The TYPE last set (`b'A'` / `b'I'`).
    current_type: Option<u8>,
    /// After an ABOR: the server may still send a late transfer reply (libunftp sends `426`
    /// after ABOR's `226`); the next command skips one such reply.
    late_reply: bool,
}

/// An FTP session (the object behind a CONNECT_FTP handle).
pub struct FtpSession {
    ctl: tokio::sync::Mutex<Option<Ctl>>,
    broken: AtomicBool,
    slot: Mutex<SlotState>,
    last_reply: Mutex<String>,
    features: Mutex<Features>,
    /// Whether the server's `150` replies to RETR carry the size (`(N bytes)`): 0 not known
    /// yet, 1 yes (a binary download then needs no SIZE first), 2 no.
    sizes_in_150: AtomicU8,
    pending_rest: Mutex<u64>,
    released: tokio::sync::Notify,
    node: OnceLock<NodeRef>,
    config: ConnectConfig,
    tls: Option<Arc<rustls::ClientConfig>>,
}

impl std::fmt::Debug for FtpSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the password.
        f.debug_struct("FtpSession")
            .field("host", &self.config.host)
            .field("port", &self.config.port)
            .field("passive", &self.config.passive)
            .field("tls", &self.config.tls)
            .finish_non_exhaustive()
    }
}

/// Who holds the transfer slot.
#[derive(Debug, Default)]
struct SlotState {
    busy: bool,
    /// The handle holding it, once it exists (none for FtpGetFile / FtpPutFile).
    holder: Option<NodeRef>,
}

impl SlotState {
    /// Taken, and not by a handle that is already closed (whose release is under way).
    fn taken_by_open_holder(&self) -> bool {
        self.busy
            && !self
                .holder
                .as_ref()
                .is_some_and(|n| n.get().is_none_or(|node| node.is_closed()))
    }
}

/// The session's transfer slot, held by a find or file handle (or by FtpGetFile / FtpPutFile
/// while they run); released on drop.
#[derive(Debug)]
pub(crate) struct TransferSlot(Arc<FtpSession>);

impl TransferSlot {
    pub(crate) fn session(&self) -> &Arc<FtpSession> {
        &self.0
    }
}

impl Drop for TransferSlot {
    fn drop(&mut self) {
        *self.0.slot_state() = SlotState::default();
        self.0.released.notify_waiters();
    }
}

impl FtpSession {
    pub(crate) fn new(config: ConnectConfig, tls: Option<Arc<rustls::ClientConfig>>) -> Self {
        FtpSession {
            ctl: tokio::sync::Mutex::new(None),
            broken: AtomicBool::new(false),
            slot: Mutex::new(SlotState::default()),
            last_reply: Mutex::new(String::new()),
            features: Mutex::new(Features::default()),
            sizes_in_150: AtomicU8::new(0),
            pending_rest: Mutex::new(0),
            released: tokio::sync::Notify::new(),
            node: OnceLock::new(),
            config,
            tls,
        }
    }

    pub(crate) fn set_node(&self, node: NodeRef) {
        let _ = self.node.set(node);
    }

    /// The text of the last reply the server sent on this session (every line followed by
    /// CR LF), as InternetGetLastResponseInfo returns it.
    pub fn last_reply(&self) -> String {
        self.last_reply
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// What the server offered in FEAT.
    pub fn features(&self) -> Features {
        *self.features.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// How the session was asked to connect.
    pub(crate) fn config(&self) -> &ConnectConfig {
        &self.config
    }

    /// Whether the control connection is still good for more commands.
    pub(crate) fn is_usable(&self) -> bool {
        !self.broken.load(Ordering::Acquire)
    }

    /// Whether this server's `150` replies to RETR have been seen to carry the file's size.
    pub(crate) fn sizes_in_150(&self) -> bool {
        self.sizes_in_150.load(Ordering::Acquire) == 1
    }

    /// Records whether a `150` reply to RETR carried the size.
    pub(crate) fn saw_150(&self, with_size: bool) {
        self.sizes_in_150
            .store(if with_size { 1 } else { 2 }, Ordering::Release);
    }

    /// Whether a find or file handle (or a running get/put) holds the transfer slot.
    pub fn transfer_in_progress(&self) -> bool {
        self.slot_state().busy
    }

    /// Remembers the offset of an accepted `REST n` sent with FtpCommand, for the next
    /// download (suppaftp sends REST again right before RETR, as RFC 3659 asks).
    pub(crate) fn note_rest(&self, command: &str, reply: &Reply) {
        let mut words = command.split_whitespace();
        let verb = words.next().unwrap_or("");
        if verb.eq_ignore_ascii_case("REST")
            && reply.code() == 350
            && let Some(n) = words.next().and_then(|w| w.parse::<u64>().ok())
        {
            *self.pending_rest.lock().unwrap_or_else(|p| p.into_inner()) = n;
        }
    }

    /// Takes the offset noted by [`note_rest`](Self::note_rest) (0 when none).
    pub(crate) fn take_pending_rest(&self) -> u64 {
        std::mem::take(&mut *self.pending_rest.lock().unwrap_or_else(|p| p.into_inner()))
    }

    fn set_last(&self, text: String) {
        *self.last_reply.lock().unwrap_or_else(|p| p.into_inner()) = text;
    }

    pub(crate) fn notify(&self, make: impl FnOnce() -> StatusEvent) {
        if let Some(n) = self.node.get() {
            n.notify(make);
        }
    }

    pub(crate) fn timeouts(&self) -> Timeouts {
        let read = |n: &hinternet_core::Node| {
            n.with_options(|o| Timeouts {
                connect: ms(o.connect_timeout),
                receive: ms(o.receive_timeout),
                data_receive: ms(o.data_receive_timeout),
                data_send: ms(o.data_send_timeout),
            })
        };
        self.node
            .get()
            .and_then(NodeRef::get)
            .map(|n| read(&n))
            .unwrap_or(Timeouts {
                connect: Some(Duration::from_secs(60)),
                receive: Some(Duration::from_secs(30)),
                data_receive: Some(Duration::from_secs(60)),
                data_send: Some(Duration::from_secs(60)),
            })
    }

    fn slot_state(&self) -> std::sync::MutexGuard<'_, SlotState> {
        self.slot.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Fails with `ERROR_FTP_TRANSFER_IN_PROGRESS` while an open handle (or a running
    /// FtpGetFile / FtpPutFile) holds the transfer slot. A slot held by a handle that was
    /// closed and is being released does not count: [`wait_idle`](Self::wait_idle) waits for it.
    pub(crate) fn check_idle(&self) -> Result<()> {
        if self.slot_state().taken_by_open_holder() {
            Err(Error::new(ERROR_FTP_TRANSFER_IN_PROGRESS))
        } else {
            Ok(())
        }
    }

    /// Waits until no transfer holds the slot, when only a closing handle holds it;
    /// `ERROR_FTP_TRANSFER_IN_PROGRESS` when an open handle (or a running get/put) does.
    pub(crate) async fn wait_idle(&self) -> Result<()> {
        loop {
            let notified = self.released.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let st = self.slot_state();
                if !st.busy {
                    return Ok(());
                }
                if st.taken_by_open_holder() {
                    return Err(Error::new(ERROR_FTP_TRANSFER_IN_PROGRESS));
                }
            }
            notified.await;
        }
    }

    /// Takes the transfer slot (`ERROR_FTP_TRANSFER_IN_PROGRESS` when an open handle holds
    /// it; waits when a closing one does).
    pub(crate) async fn claim(self: &Arc<Self>) -> Result<TransferSlot> {
        loop {
            self.wait_idle().await?;
            let mut st = self.slot_state();
            if !st.busy {
                st.busy = true;
                st.holder = None;
                return Ok(TransferSlot(Arc::clone(self)));
            }
        }
    }

    /// A guard for a long operation on the control connection: if the operation's future is
    /// dropped before it ends (its handle was closed under it), the control connection is in
    /// an unknown state and the session is marked unusable (QUIT is then not attempted).
    pub(crate) fn interrupt_guard(&self) -> Interrupt<'_> {
        Interrupt(self, true)
    }

    /// Records the handle that holds the transfer slot.
    pub(crate) fn set_holder(&self, node: NodeRef) {
        self.slot_state().holder = Some(node);
    }

    async fn lock(&self) -> Result<tokio::sync::MappedMutexGuard<'_, Ctl>> {
        if self.broken.load(Ordering::Acquire) {
            return Err(dropped());
        }
        let g = self.ctl.lock().await;
        tokio::sync::MutexGuard::try_map(g, Option::as_mut).map_err(|_| dropped())
    }

    /// A failure that leaves the control connection out of step (timeout, I/O error, a reply
    /// that could not be read): later calls fail with `ERROR_FTP_DROPPED`.
    fn fail(&self, e: &Error) {
        let c = e.code();
        if c == ERROR_INTERNET_TIMEOUT
            || c == ERROR_INTERNET_CONNECTION_ABORTED
            || c == ERROR_INTERNET_CONNECTION_RESET
            || (c == ERROR_INTERNET_EXTENDED_ERROR && e.reply().is_none())
        {
            self.broken.store(true, Ordering::Release);
        }
    }

    // ---- connecting ------------------------------------------------------------------------

    /// Resolves, connects, reads the greeting, secures (FTPS), logs in, asks FEAT and turns
    /// UTF-8 on when offered. Status events on the connect handle in native order.
    pub(crate) async fn connect(&self) -> Result<()> {
        let t = self.timeouts();
        let cfg = &self.config;
        let port = cfg.port_or_default();
        self.notify(|| StatusEvent::ResolvingName(cfg.host.clone()));
        let addrs = within(t.connect, "the name to resolve", resolve(&cfg.host, port)).await??;
        let mut ip = addrs[0].ip().to_string();
        self.notify(|| StatusEvent::NameResolved(ip.clone()));
        self.notify(|| StatusEvent::ConnectingToServer(ip.clone()));
        // Each address in turn (a name may resolve to ::1 and 127.0.0.1).
        let mut last = None;
        let mut connected = None;
        for addr in &addrs {
            ip = addr.ip().to_string();
            match within(t.connect, "the connection", self.open_control(*addr)).await? {
                Ok(pending) => {
                    connected = Some(pending);
                    break;
                }
                Err(e) => last = Some((*addr, e)),
            }
        }
        let control = match (connected, last) {
            (Some(control), _) => control,
            (None, Some((addr, e))) => {
                return Err(Error::new(ERROR_INTERNET_CANNOT_CONNECT)
                    .with_context(format!("connecting to {addr}"))
                    .with_source(e));
            }
            (None, None) => return Err(Error::new(ERROR_INTERNET_CANNOT_CONNECT)),
        };
        self.notify(|| StatusEvent::ConnectedToServer(ip.clone()));
        self.notify(|| StatusEvent::ReceivingResponse);
        let greeting = async {
            match control {
                Control::Plain(tcp) => Ftp::connect_with_stream(tcp).await,
                Control::Greeted(r) => *r,
            }
        };
        let mut ftp = match within(t.receive, "the greeting", greeting).await? {
            Ok(f) => f,
            Err(e) => {
                if let Some(text) = reply_text_of(&e) {
                    self.set_last(text);
                }
                return Err(map_ftp_error(e).with_context("FTP greeting"));
            }
        };
        let welcome = ftp.get_welcome_msg().unwrap_or_default().to_owned();
        self.notify(|| StatusEvent::ResponseReceived(len32(welcome.len())));
        self.set_last(welcome);
        if cfg.tls == TlsMode::Explicit {
            self.notify(|| StatusEvent::SendingRequest);
            let connector = self.connector()?;
            ftp = within(t.receive, "AUTH TLS", ftp.into_secure(connector, &cfg.host))
                .await?
                .map_err(map_ftp_error)?;
            self.notify(|| StatusEvent::RequestSent(10));
            self.notify(|| StatusEvent::ReceivingResponse);
            self.notify(|| StatusEvent::ResponseReceived(0));
        }
        ftp.set_passive_nat_workaround(true);
        let data_connect = t.connect;
        ftp = ftp.passive_stream_builder(move |addr: SocketAddr| {
            Box::pin(async move { connect_data(addr, data_connect).await })
        });
        if !cfg.passive {
            ftp = ftp.active_mode(t.connect.unwrap_or(Duration::from_secs(60)));
        }
        *self.ctl.lock().await = Some(Ctl {
            ftp,
            epsv: true,
            current_type: None,
            late_reply: false,
        });
        if cfg.tls == TlsMode::Implicit {
            // RFC 4217's data protection, as `AUTH TLS` is followed by in explicit mode.
            for line in ["PBSZ 0", "PROT P"] {
                let reply = self.exchange(line).await?;
                if !reply.is_completion() {
                    return Err(error_for_reply(&reply));
                }
            }
        }
        self.login().await?;
        let feat = self.exchange("FEAT").await?;
        let features = Features::parse(&feat);
        *self.features.lock().unwrap_or_else(|p| p.into_inner()) = features;
        if features.utf8 {
            // A refusal is not an error: names are then sent as they are.
            self.exchange("OPTS UTF8 ON").await?;
        }
        Ok(())
    }

    fn connector(&self) -> Result<AsyncRustlsConnector> {
        let cfg = self.tls.clone().ok_or_else(|| {
            Error::new(ERROR_INTERNET_SECURITY_CHANNEL_ERROR).with_context("no TLS configuration")
        })?;
        Ok(AsyncRustlsConnector::from(
            tokio_rustls::TlsConnector::from(cfg),
        ))
    }

    /// The control connection to `addr`: TCP; for implicit FTPS also the TLS handshake and
    /// the greeting (suppaftp's implicit mode opens the connection itself).
    async fn open_control(&self, addr: SocketAddr) -> std::io::Result<Control> {
        if self.config.tls != TlsMode::Implicit {
            let tcp = TcpStream::connect(addr).await?;
            let _ = tcp.set_nodelay(true);
            return Ok(Control::Plain(tcp));
        }
        let connector = self
            .connector()
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        match Ftp::connect_secure_implicit(addr, connector, &self.config.host).await {
            Err(FtpError::ConnectionError(e)) => Err(e),
            r => Ok(Control::Greeted(Box::new(r))),
        }
    }

    async fn login(&self) -> Result<()> {
        let cfg = &self.config;
        let (user, pass) = match (&cfg.user, &cfg.password) {
            (None, p) => (
                "anonymous".to_owned(),
                p.clone().unwrap_or_else(|| ANONYMOUS_PASSWORD.to_owned()),
            ),
            (Some(u), p) => (u.clone(), p.clone().unwrap_or_default()),
        };
        let t = self.timeouts();
        let mut ctl = self.lock().await?;
        self.notify(|| StatusEvent::SendingRequest);
        let r = within(t.receive, "the login replies", ctl.ftp.login(&user, &pass)).await;
        drop(ctl);
        let r = match r {
            Ok(r) => r,
            Err(e) => {
                self.broken.store(true, Ordering::Release);
                return Err(e);
            }
        };
        match r {
            Ok(()) => {
                self.after_reply(user.len() + pass.len() + 12, 0);
                self.set_last(String::new());
                Ok(())
            }
            Err(FtpError::UnexpectedResponse(resp)) => {
                let mut reply = reply_of(&resp);
                reply.redact(&pass);
                self.after_reply(user.len() + pass.len() + 12, resp.body.len());
                self.set_last(reply.text());
                Err(error_for_reply(&reply).with_context("FTP login"))
            }
            Err(e) => {
                let e = map_ftp_error(e).with_context("FTP login");
                self.fail(&e);
                Err(e)
            }
        }
    }

    fn after_reply(&self, sent: usize, received: usize) {
        self.notify(|| StatusEvent::RequestSent(len32(sent)));
        self.notify(|| StatusEvent::ReceivingResponse);
        self.notify(|| StatusEvent::ResponseReceived(len32(received)));
    }

    // ---- commands --------------------------------------------------------------------------

    /// Sends one command line and reads its reply, whatever its code (the caller judges it).
    pub(crate) async fn exchange(&self, line: &str) -> Result<Reply> {
        self.wait_idle().await?;
        let mut ctl = self.lock().await?;
        self.exchange_locked(&mut ctl, line).await
    }

    async fn exchange_locked(&self, ctl: &mut Ctl, line: &str) -> Result<Reply> {
        if line.contains(['\r', '\n']) {
            return Err(Error::new(ERROR_INVALID_PARAMETER));
        }
        let t = self.timeouts();
        self.notify(|| StatusEvent::SendingRequest);
        let r = within(t.receive, "a reply", ctl.ftp.custom_command(line, &[])).await;
        let r = match r {
            Ok(r) => r,
            Err(e) => {
                self.broken.store(true, Ordering::Release);
                return Err(e);
            }
        };
        let r = match r {
            Ok(resp) | Err(FtpError::UnexpectedResponse(resp))
                if ctl.late_reply && matches!(reply_of(&resp).code(), 225 | 226 | 426) =>
            {
                // The late reply of an aborted transfer: this command's own reply follows.
                ctl.late_reply = false;
                match within(t.receive, "a reply", ctl.ftp.read_response_in(&[])).await {
                    Ok(r) => r,
                    Err(e) => {
                        self.broken.store(true, Ordering::Release);
                        return Err(e);
                    }
                }
            }
            r => r,
        };
        ctl.late_reply = false;
        match r {
            Ok(resp) | Err(FtpError::UnexpectedResponse(resp)) => {
                let reply = reply_of(&resp);
                self.after_reply(line.len() + 2, resp.body.len());
                self.set_last(reply.text());
                Ok(reply)
            }
            Err(e) => {
                let e = map_ftp_error(e);
                self.fail(&e);
                Err(e)
            }
        }
    }

    /// Sends a command and requires a reply `ok` accepts; any other reply is the mapped error.
    pub(crate) async fn command_expect(&self, line: &str, ok: &[u16]) -> Result<Reply> {
        let reply = self.exchange(line).await?;
        if ok.contains(&reply.code()) {
            Ok(reply)
        } else {
            Err(error_for_reply(&reply))
        }
    }

    /// Sets TYPE A or I unless it is already set.
    async fn set_type(&self, ctl: &mut Ctl, ty: u8) -> Result<()> {
        if ctl.current_type == Some(ty) {
            return Ok(());
        }
        let line = if ty == b'A' { "TYPE A" } else { "TYPE I" };
        let reply = self.exchange_locked(ctl, line).await?;
        if !reply.is_completion() {
            return Err(error_for_reply(&reply));
        }
        ctl.current_type = Some(ty);
        Ok(())
    }

    /// `SIZE path` → the size, `None` when the server has no SIZE or refuses it.
    pub(crate) async fn size_of(&self, path: &str, ascii: bool) -> Result<Option<u64>> {
        let mut ctl = self.lock().await?;
        self.set_type(&mut ctl, if ascii { b'A' } else { b'I' })
            .await?;
        let reply = self
            .exchange_locked(&mut ctl, &format!("SIZE {path}"))
            .await?;
        if reply.code() != 213 {
            return Ok(None);
        }
        Ok(reply.message().trim().parse::<u64>().ok())
    }

    /// Opens a data connection for `cmd` (TYPE as asked, EPSV → PASV fallback or PORT/EPRT,
    /// REST when `offset` > 0) and returns the stream and the preliminary reply, if known.
    pub(crate) async fn open_data(
        &self,
        cmd: DataCommand,
        ascii: bool,
        offset: u64,
    ) -> Result<(DataStream, Option<Reply>)> {
        let t = self.timeouts();
        let mut ctl = self.lock().await?;
        self.set_type(&mut ctl, if ascii { b'A' } else { b'I' })
            .await?;
        let off = usize::try_from(offset).map_err(|_| Error::new(ERROR_INVALID_PARAMETER))?;
        let line = match &cmd {
            DataCommand::Retr(p) => format!("RETR {p}"),
            DataCommand::Stor(p) => format!("STOR {p}"),
            DataCommand::Download(c) => c.clone(),
        };
        if line.contains(['\r', '\n']) {
            return Err(Error::new(ERROR_INVALID_PARAMETER));
        }
        if ctl.late_reply {
            // Let a control command take the late reply of an aborted transfer first.
            self.exchange_locked(&mut ctl, "NOOP").await?;
        }
        let mut attempts = 0;
        loop {
            attempts += 1;
            let trying_epsv = self.config.passive && ctl.epsv;
            if self.config.passive {
                ctl.ftp.set_mode(if trying_epsv {
                    Mode::ExtendedPassive
                } else {
                    Mode::Passive
                });
            }
            let _ = ctl.ftp.resume_transfer(off).await;
            self.notify(|| StatusEvent::SendingRequest);
            let opening = [Status::AboutToSend, Status::AlreadyOpen];
            let fut = async {
                match &cmd {
                    DataCommand::Stor(p) => ctl.ftp.put_with_stream(p).await.map(|s| (None, s)),
                    _ => ctl
                        .ftp
                        .custom_data_command(&line, &opening)
                        .await
                        .map(|(r, s)| (Some(r), s)),
                }
            };
            let r = match within(t.receive, "the transfer to start", fut).await {
                Ok(r) => r,
                Err(e) => {
                    self.broken.store(true, Ordering::Release);
                    return Err(e);
                }
            };
            match r {
                Ok((resp, stream)) => {
                    ack_now(&ctl).await;
                    let reply = resp.as_ref().map(reply_of);
                    self.after_reply(line.len() + 2, resp.as_ref().map_or(0, |r| r.body.len()));
                    if let Some(r) = &reply {
                        self.set_last(r.text());
                    }
                    return Ok((stream, reply));
                }
                Err(FtpError::UnexpectedResponse(resp)) => {
                    let reply = reply_of(&resp);
                    self.after_reply(line.len() + 2, resp.body.len());
                    self.set_last(reply.text());
                    // EPSV refused (not understood / not implemented / unusable 229):
                    // fall back to PASV for the rest of the session.
                    let epsv_refused = matches!(reply.code(), 229 | 500 | 502 | 504 | 522);
                    if trying_epsv && epsv_refused && attempts == 1 {
                        ctl.epsv = false;
                        continue;
                    }
                    return Err(error_for_reply(&reply));
                }
                Err(e) => {
                    let e = map_ftp_error(e);
                    if e.code() != ERROR_FTP_TRANSFER_IN_PROGRESS
                        && e.code() != ERROR_INTERNET_CANNOT_CONNECT
                    {
                        self.fail(&e);
                    }
                    return Err(e);
                }
            }
        }
    }

    /// Ends a transfer: shuts the data connection down and reads the completion reply.
    pub(crate) async fn finish(&self, stream: DataStream) -> Result<()> {
        let t = self.timeouts();
        self.notify(|| StatusEvent::ReceivingResponse);
        let r = match within(
            t.receive,
            "the transfer's completion reply",
            stream.finish(),
        )
        .await
        {
            Ok(r) => r,
            Err(e) => {
                self.broken.store(true, Ordering::Release);
                return Err(e);
            }
        };
        match r {
            Ok(()) => {
                self.notify(|| StatusEvent::ResponseReceived(0));
                Ok(())
            }
            Err(FtpError::UnexpectedResponse(resp)) => {
                let reply = reply_of(&resp);
                self.notify(|| StatusEvent::ResponseReceived(len32(resp.body.len())));
                self.set_last(reply.text());
                Err(error_for_reply(&reply))
            }
            Err(e) => {
                let e = map_ftp_error(e);
                self.fail(&e);
                Err(e)
            }
        }
    }

    /// Aborts a transfer: ABOR, drop the data connection, read the abort replies (`426` and
    /// `226`, or `226`). Some servers send one more transfer reply a little later (libunftp
    /// sends `426` after ABOR's `226`): it is awaited for a short grace period, and if it
    /// comes later still, the next command skips it.
    pub(crate) async fn abort(&self, stream: DataStream) {
        let t = self.timeouts();
        let Ok(mut ctl) = self.lock().await else {
            return;
        };
        self.notify(|| StatusEvent::SendingRequest);
        let r = within(t.receive, "the ABOR replies", ctl.ftp.abort(stream)).await;
        self.after_reply(6, 0);
        match r {
            Ok(Ok(())) | Ok(Err(FtpError::UnexpectedResponse(_))) => {}
            _ => {
                self.broken.store(true, Ordering::Release);
                return;
            }
        }
        // A late reply that Nagle holds until the last one is acknowledged comes at once.
        ack_now(&ctl).await;
        let late = tokio::time::timeout(ABORT_GRACE, ctl.ftp.read_response_in(&[])).await;
        ctl.late_reply = match late {
            Err(_) => true,
            Ok(Ok(_)) | Ok(Err(FtpError::UnexpectedResponse(_))) => false,
            Ok(Err(_)) => {
                self.broken.store(true, Ordering::Release);
                false
            }
        };
    }

    /// QUIT and close (for the connect handle's close).
    pub(crate) async fn quit(&self) {
        let mut g = self.ctl.lock().await;
        if let Some(mut ctl) = g.take()
            && !self.broken.load(Ordering::Acquire)
        {
            self.notify(|| StatusEvent::ClosingConnection);
            let _ = tokio::time::timeout(Duration::from_secs(2), ctl.ftp.quit()).await;
            self.notify(|| StatusEvent::ConnectionClosed);
        }
        self.broken.store(true, Ordering::Release);
    }
}

/// Acknowledges at once what the control connection has received (TCP_QUICKACK, on Linux).
/// After a `150` the server's next reply (`226`) comes without a command of ours to carry the
/// acknowledgement; a server that leaves Nagle's algorithm on (libunftp does) holds that reply
/// until our delayed ACK fires, up to 40 ms per transfer. Measured on the demo's FTP pull of
/// 300 files from libunftp: 3.56 s before, 0.11 s after.
async fn ack_now(ctl: &Ctl) {
    #[cfg(target_os = "linux")]
    {
        let sock = ctl.ftp.get_ref().await;
        // Only an optimisation: a refusal changes nothing else.
        let _ = rustix::net::sockopt::set_tcp_quickack(&*sock, true);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = ctl;
}

/// See [`FtpSession::interrupt_guard`].
pub(crate) struct Interrupt<'a>(&'a FtpSession, bool);

impl Interrupt<'_> {
    /// The operation ended (well or not) without being interrupted.
    pub(crate) fn disarm(mut self) {
        self.1 = false;
    }
}

impl Drop for Interrupt<'_> {
    fn drop(&mut self) {
        if self.1 {
            self.0.broken.store(true, Ordering::Release);
        }
    }
}

/// How long an abort waits for a late transfer reply.
const ABORT_GRACE: Duration = Duration::from_millis(250);

fn dropped() -> Error {
    Error::new(ERROR_FTP_DROPPED).with_context("the FTP control connection is no longer usable")
}

pub(crate) fn len32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

async fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>> {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|e| {
            Error::new(ERROR_INTERNET_NAME_NOT_RESOLVED)
                .with_context(format!("resolving {host}"))
                .with_source(e)
        })?
        .collect();
    if addrs.is_empty() {
        return Err(
            Error::new(ERROR_INTERNET_NAME_NOT_RESOLVED).with_context(format!("resolving {host}"))
        );
    }
    Ok(addrs)
}

async fn connect_data(addr: SocketAddr, limit: Option<Duration>) -> suppaftp::FtpResult<TcpStream> {
    let connect = TcpStream::connect(addr);
    let r = match limit {
        None => connect.await,
        Some(d) => match tokio::time::timeout(d, connect).await {
            Ok(r) => r,
            Err(_) => Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "data connection timed out",
            )),
        },
    };
    r.map_err(FtpError::ConnectionError)
}
