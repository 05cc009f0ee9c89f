//! The FTP protocol's entries in the engine's table: InternetConnect with
//! `INTERNET_SERVICE_FTP` and InternetOpenUrl for `ftp://` URLs.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use hinternet_core::consts::*;
use hinternet_core::registry::{ConnectRequest, Protocol, UrlRequest};
use hinternet_core::{Call, ChildParams, Engine, Error, Handle, HandleKind, Result};

use crate::ops::{FtpConnectOps, FtpFileOps, FtpFindOps, FtpHtmlOps};
use crate::reuse::SessionEnd;
use crate::session::{ConnectConfig, DataCommand, FtpSession, TlsMode};
use crate::transfer;

/// The FTP protocol (register it for the `ftp` scheme and `INTERNET_SERVICE_FTP`).
#[derive(Debug, Default)]
pub struct FtpProtocol;

/// Per-root TLS settings of FTPS sessions.
#[derive(Debug, Default)]
struct TlsSettings {
    config: Mutex<Option<Arc<rustls::ClientConfig>>>,
}

/// Sets the TLS client configuration FTPS sessions opened under the root `root` use (for
/// example one that trusts a private CA). Without one, the Mozilla roots (webpki-roots) and
/// the process's added roots (`hinternet_core::trust`) are trusted.
///
/// # Errors
/// `ERROR_INVALID_HANDLE` for a handle that is not live.
pub fn set_tls_client_config(
    engine: &Engine,
    root: u64,
    config: Arc<rustls::ClientConfig>,
) -> Result<()> {
    let call = engine.enter(root)?;
    let settings = call.node().session().extension(TlsSettings::default);
    *settings.config.lock().unwrap_or_else(|p| p.into_inner()) = Some(config);
    Ok(())
}

fn tls_config(call: &Call) -> Option<Arc<rustls::ClientConfig>> {
    let settings = call.node().session().extension(TlsSettings::default);
    let set = settings
        .config
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    set.or_else(default_tls_config)
}

fn default_tls_config() -> Option<Arc<rustls::ClientConfig>> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for der in hinternet_core::trust::roots_der() {
        let _ = roots.add(rustls::pki_types::CertificateDer::from(der.to_vec()));
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let cfg = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .ok()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Some(Arc::new(cfg))
}

/// The port implicit FTPS listens on by convention: InternetConnect with INTERNET_FLAG_SECURE
/// and this port means TLS from the first byte.
pub const IMPLICIT_FTPS_PORT: u16 = 990;

/// Which TLS a session uses: implicit when asked for (`ftps://`, the Rust API) or when
/// INTERNET_FLAG_SECURE names port 990; explicit (`AUTH TLS`) for INTERNET_FLAG_SECURE on any
/// other port; none otherwise.
fn tls_mode(implicit: bool, port: u16, flags: u32) -> TlsMode {
    let secure = flags & INTERNET_FLAG_SECURE != 0;
    if implicit || (secure && port == IMPLICIT_FTPS_PORT) {
        TlsMode::Implicit
    } else if secure {
        TlsMode::Explicit
    } else {
        TlsMode::None
    }
}

fn config_of(
    server: String,
    port: u16,
    user: Option<String>,
    password: Option<String>,
    flags: u32,
    tls: TlsMode,
) -> ConnectConfig {
    ConnectConfig {
        host: server,
        port,
        user,
        password,
        passive: flags & INTERNET_FLAG_PASSIVE != 0,
        tls,
    }
}

#[async_trait]
impl Protocol for FtpProtocol {
    fn name(&self) -> &'static str {
        "ftp"
    }

    /// InternetConnect(FTP): the CONNECT_FTP handle is created first (HANDLE_CREATED), then
    /// the session resolves, connects, logs in and asks FEAT. A failure closes the handle.
    async fn connect(&self, root: &Call, request: ConnectRequest) -> Result<Handle> {
        let tls = tls_mode(request.implicit_tls, request.port, request.flags);
        let config = config_of(
            request.server,
            request.port,
            request.user,
            request.password,
            request.flags,
            tls,
        );
        let session = Arc::new(FtpSession::new(config, tls_config(root)));
        let s = Arc::clone(&session);
        let params = ChildParams {
            kind: HandleKind::ConnectFtp,
            context: request.context,
            flags: request.flags,
        };
        let engine = root.engine().clone();
        let handle = engine.create_child(root, params, move |node| {
            s.set_node(node);
            Arc::new(FtpConnectOps { session: s })
        })?;
        if let Err(e) = session.connect().await {
            let _ = engine.close_async(handle.as_raw()).await;
            return Err(e);
        }
        Ok(handle)
    }

    /// InternetOpenUrl(`ftp://[user[:password]@]host[:port]/path`): a session of its own
    /// (passive when INTERNET_FLAG_PASSIVE is given), then RETR of the path (an FTP_FILE handle)
    /// or, for a path ending in `/`, the listing of that directory: an FTP_FIND handle with
    /// INTERNET_FLAG_RAW_DATA, else an FTP_FIND_HTML handle that reads as an HTML page (the
    /// session is then ended at once). The handle owns the session: closing it ends the
    /// transfer and sends QUIT.
    /// No handle for the session is exposed and it sends no notifications.
    async fn open_url(&self, root: &Call, request: UrlRequest) -> Result<Handle> {
        if request.host.is_empty() {
            return Err(Error::new(ERROR_INTERNET_INVALID_URL));
        }
        let ascii = request.flags & FTP_TRANSFER_TYPE_MASK == FTP_TRANSFER_TYPE_ASCII;
        let tls = tls_mode(request.scheme == "ftps", request.port, request.flags);
        let config = config_of(
            request.host.clone(),
            request.port,
            request.user.clone(),
            request.password.clone(),
            request.flags,
            tls,
        );
        let existing_connect = request.flags & INTERNET_FLAG_EXISTING_CONNECT != 0;
        if existing_connect && let Some((session, end)) = crate::reuse::existing(root, &config) {
            match open_on(root, &request, ascii, Arc::clone(&session), end).await {
                // A kept session the server has dropped meanwhile: log in anew below.
                Err(_) if !session.is_usable() => {}
                r => return r,
            }
        }
        let end = crate::reuse::fresh_end(root, &config, existing_connect);
        let session = Arc::new(FtpSession::new(config, tls_config(root)));
        session.connect().await?;
        open_on(root, &request, ascii, session, end).await
    }
}

/// The handle InternetOpenUrl returns for `request`, on a logged-in `session`: a listing
/// (FTP_FIND, or FTP_FIND_HTML without INTERNET_FLAG_RAW_DATA) or a download (FTP_FILE).
/// `end` says what closing it does with the session; on failure it is done at once.
async fn open_on(
    root: &Call,
    request: &UrlRequest,
    ascii: bool,
    session: Arc<FtpSession>,
    end: SessionEnd,
) -> Result<Handle> {
    let is_dir = request.path.is_empty() || request.path.ends_with('/');
    let params = |kind| ChildParams {
        kind,
        context: request.context,
        flags: request.flags,
    };
    let engine = root.engine().clone();
    // Taken by the handle that is made; still here when the open fails.
    let mut end = Some(end);
    let mut take_end = || end.take().unwrap_or(SessionEnd::Keep);
    let r = async {
        if is_dir {
            let slot = session.claim().await?;
            let search = transfer::Search {
                target: Some(if request.path.is_empty() {
                    "/".to_owned()
                } else {
                    request.path.clone()
                }),
                filter: None,
            };
            let listing = transfer::list(&session, &search).await?;
            if request.flags & INTERNET_FLAG_RAW_DATA == 0 {
                drop(slot);
                let dir = search.target.as_deref().unwrap_or("/");
                let entries: Vec<_> = listing.entries.into_iter().collect();
                let page = crate::ops::html::render(&request.host, dir, &entries);
                take_end().run(&session).await;
                let ops = Arc::new(FtpHtmlOps::new(page));
                return engine.create_child(root, params(HandleKind::FtpFindHtml), move |_| ops);
            }
            let ops = Arc::new(FtpFindOps::new(
                listing.entries,
                slot,
                listing.unparsed,
                listing.flagged,
            ));
            ops.end_with(take_end());
            engine.create_child(root, params(HandleKind::FtpFind), move |_| ops)
        } else {
            let slot = session.claim().await?;
            let size = if session.features().size {
                session.size_of(&request.path, ascii).await?
            } else {
                None
            };
            let (stream, _) = session
                .open_data(DataCommand::Retr(request.path.clone()), ascii, 0)
                .await?;
            let ops = Arc::new(FtpFileOps::new(slot, stream, false, size));
            ops.end_with(take_end());
            engine.create_child(root, params(HandleKind::FtpFile), move |_| ops)
        }
    }
    .await;
    if r.is_err()
        && let Some(end) = end.take()
    {
        end.run(&session).await;
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secure_on_port_990_or_an_explicit_request_means_implicit_tls() {
        assert_eq!(tls_mode(false, 21, 0), TlsMode::None);
        assert_eq!(tls_mode(false, 0, INTERNET_FLAG_SECURE), TlsMode::Explicit);
        assert_eq!(
            tls_mode(false, 2121, INTERNET_FLAG_SECURE),
            TlsMode::Explicit
        );
        assert_eq!(
            tls_mode(false, 990, INTERNET_FLAG_SECURE),
            TlsMode::Implicit
        );
        assert_eq!(tls_mode(false, 990, 0), TlsMode::None);
        assert_eq!(tls_mode(true, 4990, 0), TlsMode::Implicit);
    }
}
