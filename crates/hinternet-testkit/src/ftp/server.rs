//! A real FTP server for tests: libunftp over a local folder.

use crate::rt::RuntimeThread;
use crate::tls::ServerCert;
use async_trait::async_trait;
use libunftp::ServerBuilder;
use libunftp::options::ActivePassiveMode;
use std::fmt;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tempfile::TempDir;
use tokio::net::TcpListener;
use unftp_core::auth::{AuthenticationError, Authenticator, Credentials, Principal};
use unftp_sbe_fs::Filesystem;

/// The user name a server started without explicit users accepts.
pub const DEFAULT_USER: &str = "user";
/// The password of [`DEFAULT_USER`].
pub const DEFAULT_PASSWORD: &str = "password";

struct UserPass {
    users: Vec<(String, String)>,
    anonymous: bool,
}

impl fmt::Debug for UserPass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserPass")
            .field(
                "users",
                &self.users.iter().map(|(u, _)| u).collect::<Vec<_>>(),
            )
            .field("anonymous", &self.anonymous)
            .finish()
    }
}

#[async_trait]
impl Authenticator for UserPass {
    async fn authenticate(
        &self,
        username: &str,
        creds: &Credentials,
    ) -> Result<Principal, AuthenticationError> {
        if self.anonymous && (username == "anonymous" || username == "ftp") {
            return Ok(Principal {
                username: username.to_owned(),
            });
        }
        match self.users.iter().find(|(u, _)| u == username) {
            Some((_, p)) if creds.password.as_deref() == Some(p.as_str()) => Ok(Principal {
                username: username.to_owned(),
            }),
            Some(_) => Err(AuthenticationError::BadPassword),
            None => Err(AuthenticationError::BadUser),
        }
    }
}

/// Options for an [`FtpServer`]; start with [`FtpServer::builder`].
#[derive(Debug, Clone, Default)]
pub struct FtpServerBuilder {
    root: Option<PathBuf>,
    users: Vec<(String, String)>,
    anonymous: bool,
    passive_ports: Option<RangeInclusive<u16>>,
    ftps: Option<ServerCert>,
    implicit: bool,
    greeting: Option<&'static str>,
}

impl FtpServerBuilder {
    /// Serves this folder (default: a fresh temporary folder, removed with the server).
    pub fn root(mut self, dir: impl Into<PathBuf>) -> Self {
        self.root = Some(dir.into());
        self
    }

    /// Accepts this user/password pair (may be called several times). Without any call,
    /// [`DEFAULT_USER`]/[`DEFAULT_PASSWORD`] is accepted, unless only anonymous is wanted.
    pub fn user(mut self, name: &str, password: &str) -> Self {
        self.users.push((name.to_owned(), password.to_owned()));
        self
    }

    /// Also accepts `anonymous` and `ftp` with any password.
    pub fn anonymous(mut self, on: bool) -> Self {
        self.anonymous = on;
        self
    }

    /// The passive data port range (default libunftp's 49152..=65535).
    pub fn passive_ports(mut self, range: RangeInclusive<u16>) -> Self {
        self.passive_ports = Some(range);
        self
    }

    /// Offers explicit FTPS (`AUTH TLS`, `PBSZ`, `PROT`) with this certificate.
    pub fn ftps(mut self, cert: &ServerCert) -> Self {
        self.ftps = Some(cert.clone());
        self
    }

    /// Speaks implicit FTPS: TLS from the first byte of the control connection, presenting
    /// `cert`, then `PBSZ` / `PROT` and TLS data connections as with explicit FTPS.
    ///
    /// libunftp has no implicit mode, so a relay terminates the client's TLS and speaks
    /// explicit FTPS to libunftp (with the shared test CA's certificate) behind it; data
    /// connections go to libunftp directly.
    pub fn ftps_implicit(mut self, cert: &ServerCert) -> Self {
        self.ftps = Some(cert.clone());
        self.implicit = true;
        self
    }

    /// The `220` greeting text.
    pub fn greeting(mut self, text: &'static str) -> Self {
        self.greeting = Some(text);
        self
    }

    fn prepare(self) -> io::Result<Prepared> {
        crate::install_crypto_provider();
        let (root, tmp) = match self.root {
            Some(r) => (r, None),
            None => {
                let t = tempfile::Builder::new().prefix("testkit-ftp-").tempdir()?;
                (t.path().to_path_buf(), Some(t))
            }
        };
        // Implicit mode: libunftp (behind the relay) always gets the shared CA's good
        // certificate; the client sees `ftps` on the relay.
        let (backend_cert, implicit_front) = match (&self.ftps, self.implicit) {
            (Some(c), true) => (
                Some(crate::tls::TestCa::shared().server_cert()),
                Some(c.server_config(&[])),
            ),
            (c, _) => (c.clone(), None),
        };
        let (cert_files, cert_dir) = match &backend_cert {
            Some(c) => {
                let d = tempfile::Builder::new().prefix("testkit-ftps-").tempdir()?;
                (Some(c.write_pem_files(d.path())?), Some(d))
            }
            None => (None, None),
        };
        let mut users = self.users;
        if users.is_empty() && !self.anonymous {
            users.push((DEFAULT_USER.to_owned(), DEFAULT_PASSWORD.to_owned()));
        }
        Ok(Prepared {
            config: Arc::new(Config {
                root: root.clone(),
                auth: Arc::new(UserPass {
                    users,
                    anonymous: self.anonymous,
                }),
                passive_ports: self.passive_ports,
                cert_files,
                implicit_front,
                greeting: self.greeting,
            }),
            root,
            tmp,
            cert_dir,
            tls: self.ftps.is_some(),
        })
    }

    /// Starts the server. It always runs on its own runtime thread, so that
    /// [`FtpServer::stop`] can drop every control and data connection at once.
    ///
    /// # Errors
    /// Creating the folder, writing the certificate files, binding or configuring failed.
    pub async fn start(self) -> io::Result<FtpServer> {
        let p = self.prepare()?;
        let config = p.config.clone();
        let (ready, rt) = RuntimeThread::start_async("testkit-ftp", move || serve(config)).await?;
        Ok(p.into_server(ready, rt))
    }

    /// Like [`start`](Self::start), for callers without a runtime.
    ///
    /// # Errors
    /// As for [`start`](Self::start).
    pub fn start_blocking(self) -> io::Result<FtpServer> {
        let p = self.prepare()?;
        let config = p.config.clone();
        let (ready, rt) = RuntimeThread::start("testkit-ftp", move || serve(config))?;
        Ok(p.into_server(ready, rt))
    }
}

struct Config {
    root: PathBuf,
    auth: Arc<UserPass>,
    passive_ports: Option<RangeInclusive<u16>>,
    cert_files: Option<(PathBuf, PathBuf)>,
    /// Implicit FTPS: the TLS configuration the relay presents to clients.
    implicit_front: Option<Arc<rustls::ServerConfig>>,
    greeting: Option<&'static str>,
}

impl Config {
    fn build(&self) -> io::Result<libunftp::Server<Filesystem, unftp_core::auth::DefaultUser>> {
        let root = self.root.clone();
        let auth: Arc<dyn Authenticator + Send + Sync> = self.auth.clone();
        let mut b = ServerBuilder::with_authenticator(
            Box::new(move || Filesystem::new(root.clone()).expect("FTP root folder exists")),
            auth,
        )
        .active_passive_mode(ActivePassiveMode::ActiveAndPassive);
        if let Some(r) = &self.passive_ports {
            b = b.passive_ports(r.clone());
        }
        if let Some((c, k)) = &self.cert_files {
            b = b.ftps(c.clone(), k.clone());
        }
        if let Some(g) = self.greeting {
            b = b.greeting(g);
        }
        b.build().map_err(io::Error::other)
    }
}

struct Ready {
    addr: SocketAddr,
    connections: Arc<AtomicU64>,
}

async fn serve(config: Arc<Config>) -> io::Result<Ready> {
    if !config.root.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("FTP root {} is not a folder", config.root.display()),
        ));
    }
    // Fail early on a bad configuration (e.g. unreadable certificate files).
    drop(config.build()?);
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
    let connections = Arc::new(AtomicU64::new(0));
    let tls = config.cert_files.is_some();
    let backend = listener.local_addr()?;
    let implicit = config.implicit_front.clone();
    let counter = connections.clone();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                continue;
            };
            if !tls {
                counter.fetch_add(1, Ordering::SeqCst);
            }
            match config.build() {
                Ok(server) => {
                    tokio::spawn(async move {
                        let _ = server.service(tcp).await;
                    });
                }
                Err(_) => drop(tcp),
            }
        }
    });
    if !tls {
        return Ok(Ready {
            addr: backend,
            connections,
        });
    }
    // FTPS: clients connect through a small relay; see `auth_tls_relay` and `implicit_relay`.
    let front = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
    let addr = front.local_addr()?;
    let counter = connections.clone();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = front.accept().await else {
                continue;
            };
            counter.fetch_add(1, Ordering::SeqCst);
            match &implicit {
                Some(front) => tokio::spawn(implicit_relay(tcp, backend, front.clone())),
                None => tokio::spawn(auth_tls_relay(tcp, backend)),
            };
        }
    });
    Ok(Ready { addr, connections })
}

/// How long the relay holds client bytes back after a `234` reply.
const AUTH_TLS_HOLD: std::time::Duration = std::time::Duration::from_millis(100);

/// Whether `chunk` has a line starting with `234` (`at_line_start` carries over between
/// chunks).
fn has_234_line(chunk: &[u8], at_line_start: &mut bool) -> bool {
    let mut found = false;
    for (i, &b) in chunk.iter().enumerate() {
        if *at_line_start && chunk[i..].starts_with(b"234") {
            found = true;
        }
        *at_line_start = b == b'\n';
    }
    found
}

/// Relays one FTPS control connection to libunftp.
///
/// libunftp 0.24 answers `AUTH TLS` with `234` and only then switches its control loop to
/// TLS, via an internal message; a client that sends its ClientHello at once (as every
/// client does) can race that switch, and libunftp then reads the ClientHello as a
/// command or drops it (seen in about 1 of 20 handshakes). The relay closes the race: after
/// forwarding a `234` reply to the client it holds the client's next bytes back briefly,
/// long enough for libunftp to switch. Everything else is passed through unchanged.
async fn auth_tls_relay(client: tokio::net::TcpStream, backend: SocketAddr) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let Ok(server) = tokio::net::TcpStream::connect(backend).await else {
        return;
    };
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let (mut cr, mut cw) = client.into_split();
    let (mut sr, mut sw) = server.into_split();
    let hold: Arc<std::sync::Mutex<Option<tokio::time::Instant>>> = Arc::default();
    let hold2 = hold.clone();
    let down = async move {
        let mut buf = vec![0u8; 16 * 1024];
        let mut at_line_start = true;
        loop {
            let n = match sr.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            if has_234_line(&buf[..n], &mut at_line_start) {
                *hold2.lock().unwrap() = Some(tokio::time::Instant::now() + AUTH_TLS_HOLD);
            }
            if cw.write_all(&buf[..n]).await.is_err() {
                break;
            }
        }
        let _ = cw.shutdown().await;
    };
    let up = async move {
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            let n = match cr.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            let until = hold.lock().unwrap().take();
            if let Some(until) = until {
                tokio::time::sleep_until(until).await;
            }
            if sw.write_all(&buf[..n]).await.is_err() {
                break;
            }
        }
        let _ = sw.shutdown().await;
    };
    tokio::join!(down, up);
}

/// Reads one FTP reply (all its lines) from `r`.
async fn read_reply<R: tokio::io::AsyncBufRead + Unpin>(r: &mut R) -> io::Result<Vec<u8>> {
    use tokio::io::AsyncBufReadExt;
    let mut reply = Vec::new();
    loop {
        let start = reply.len();
        if r.read_until(b'\n', &mut reply).await? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        let line = &reply[start..];
        if line.len() >= 4 && line[..3].iter().all(u8::is_ascii_digit) && line[3] == b' ' {
            return Ok(reply);
        }
    }
}

/// Relays one implicit-FTPS control connection: TLS with the client from the first byte;
/// towards libunftp, the greeting is read, `AUTH TLS` sent and TLS set up (after the same hold
/// as `auth_tls_relay`, for the same libunftp race), then the greeting is passed on and bytes
/// flow both ways.
async fn implicit_relay(
    client: tokio::net::TcpStream,
    backend: SocketAddr,
    front: Arc<rustls::ServerConfig>,
) {
    use tokio::io::AsyncWriteExt;
    let run = async {
        let _ = client.set_nodelay(true);
        let mut client = tokio_rustls::TlsAcceptor::from(front)
            .accept(client)
            .await?;
        let server = tokio::net::TcpStream::connect(backend).await?;
        let _ = server.set_nodelay(true);
        let mut server = tokio::io::BufReader::new(server);
        let greeting = read_reply(&mut server).await?;
        server.get_mut().write_all(b"AUTH TLS\r\n").await?;
        if !read_reply(&mut server).await?.starts_with(b"234") {
            return Err(io::Error::other("libunftp refused AUTH TLS"));
        }
        tokio::time::sleep(AUTH_TLS_HOLD).await;
        let ca = Arc::new(crate::tls::TestCa::shared().client_config());
        let name = rustls_pki_types::ServerName::try_from("localhost").map_err(io::Error::other)?;
        let mut server = tokio_rustls::TlsConnector::from(ca)
            .connect(name, server.into_inner())
            .await?;
        client.write_all(&greeting).await?;
        tokio::io::copy_bidirectional(&mut client, &mut server).await?;
        io::Result::Ok(())
    };
    let _ = run.await;
}

struct Prepared {
    config: Arc<Config>,
    root: PathBuf,
    tmp: Option<TempDir>,
    cert_dir: Option<TempDir>,
    tls: bool,
}

impl Prepared {
    fn into_server(self, ready: Ready, rt: RuntimeThread) -> FtpServer {
        FtpServer {
            addr: ready.addr,
            connections: ready.connections,
            root: self.root,
            tls: self.tls,
            rt: Some(rt),
            _tmp: self.tmp,
            _cert_dir: self.cert_dir,
        }
    }
}

/// A libunftp FTP(S) server on 127.0.0.1 serving a folder.
///
/// With FTPS, the control connection passes through a small relay that works around a
/// libunftp race on `AUTH TLS` (see the source of `auth_tls_relay`); data connections
/// always go straight to libunftp.
///
/// Active (PORT/EPRT) and passive (PASV/EPSV) modes are enabled. It runs on its own
/// runtime thread; [`stop`](Self::stop) (or drop) shuts that runtime down, which closes the
/// listener and every control and data connection, mid-transfer included.
pub struct FtpServer {
    addr: SocketAddr,
    connections: Arc<AtomicU64>,
    root: PathBuf,
    tls: bool,
    rt: Option<RuntimeThread>,
    _tmp: Option<TempDir>,
    _cert_dir: Option<TempDir>,
}

impl fmt::Debug for FtpServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FtpServer")
            .field("addr", &self.addr)
            .field("root", &self.root)
            .field("tls", &self.tls)
            .field("running", &self.is_running())
            .finish()
    }
}

impl FtpServer {
    /// A builder with the defaults (temporary folder, [`DEFAULT_USER`], no TLS).
    pub fn builder() -> FtpServerBuilder {
        FtpServerBuilder::default()
    }

    /// Starts a server with the defaults.
    ///
    /// # Errors
    /// As for [`FtpServerBuilder::start`].
    pub async fn start() -> io::Result<FtpServer> {
        Self::builder().start().await
    }

    /// Starts a server with the defaults, without a runtime.
    ///
    /// # Errors
    /// As for [`FtpServerBuilder::start`].
    pub fn start_blocking() -> io::Result<FtpServer> {
        Self::builder().start_blocking()
    }

    /// The control connection address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The control connection port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The folder being served.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether FTPS is offered.
    pub fn is_tls(&self) -> bool {
        self.tls
    }

    /// `ftp://127.0.0.1:PORT` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("ftp://{}{path}", self.addr)
    }

    /// `ftp://USER:PASS@127.0.0.1:PORT` + `path` for the default user.
    pub fn url_with_login(&self, path: &str) -> String {
        format!(
            "ftp://{DEFAULT_USER}:{DEFAULT_PASSWORD}@{}{path}",
            self.addr
        )
    }

    /// Control connections accepted so far.
    pub fn connections_accepted(&self) -> u64 {
        self.connections.load(Ordering::SeqCst)
    }

    /// Whether the server is still running.
    pub fn is_running(&self) -> bool {
        self.rt.is_some()
    }

    /// Stops the server: when this returns, the port no longer accepts and every control and
    /// data connection is closed. Idempotent.
    pub async fn stop(&mut self) {
        if let Some(mut rt) = self.rt.take() {
            rt.stop_async().await;
        }
    }

    /// Like [`stop`](Self::stop), for callers without a runtime.
    pub fn stop_blocking(&mut self) {
        if let Some(mut rt) = self.rt.take() {
            rt.stop();
        }
    }
}

impl Drop for FtpServer {
    fn drop(&mut self) {
        self.stop_blocking();
    }
}

#[cfg(test)]
mod tests {
    use super::has_234_line;

    #[test]
    fn finds_234_at_line_starts_only() {
        let mut s = true;
        assert!(has_234_line(b"234 Upgrading\r\n", &mut s));
        assert!(!has_234_line(b"200 x 234\r\n", &mut s));
        assert!(!has_234_line(b"200 partial", &mut s));
        assert!(!has_234_line(b" 234\r\n", &mut s));
        assert!(has_234_line(b"234 y\r\n", &mut s));
    }
}
