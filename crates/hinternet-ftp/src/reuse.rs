//! INTERNET_FLAG_EXISTING_CONNECT for `ftp://` URLs: InternetOpenUrl may use an FTP session
//! that is already logged in to the same server as the same user, instead of logging in again.
//!
//! Where such a session comes from, in order: the root's cache of sessions that earlier
//! EXISTING_CONNECT handles gave back when they were closed, then an idle CONNECT_FTP handle
//! (InternetConnect) below the same root. A session from the cache is given back again when the
//! new handle closes; a connect handle's session stays with its handle. Without the flag, every
//! InternetOpenUrl logs in anew and its handle sends QUIT when closed, as before.

use std::sync::{Arc, Mutex};

use hinternet_core::{Call, HandleKind};

use crate::ops::FtpConnectOps;
use crate::session::{ConnectConfig, FtpSession, TlsMode};

/// Sessions kept per server in a root's cache.
const KEEP_PER_SERVER: usize = 4;

/// What makes two sessions interchangeable: the same server, login and transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SessionKey {
    host: String,
    port: u16,
    user: Option<String>,
    password: Option<String>,
    tls: TlsMode,
    passive: bool,
}

impl SessionKey {
    pub(crate) fn of(c: &ConnectConfig) -> SessionKey {
        SessionKey {
            host: c.host.to_ascii_lowercase(),
            port: c.port_or_default(),
            user: c.user.clone(),
            password: c.password.clone(),
            tls: c.tls,
            passive: c.passive,
        }
    }
}

/// A root's sessions given back by closed EXISTING_CONNECT handles.
#[derive(Default)]
pub(crate) struct UrlSessions {
    idle: Mutex<Vec<(SessionKey, Arc<FtpSession>)>>,
}

impl std::fmt::Debug for UrlSessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UrlSessions").finish_non_exhaustive()
    }
}

impl UrlSessions {
    fn idle(&self) -> std::sync::MutexGuard<'_, Vec<(SessionKey, Arc<FtpSession>)>> {
        self.idle.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A cached session for `key` that is still usable.
    fn take(&self, key: &SessionKey) -> Option<Arc<FtpSession>> {
        let mut idle = self.idle();
        idle.retain(|(_, s)| s.is_usable());
        let at = idle.iter().rposition(|(k, _)| k == key)?;
        Some(idle.swap_remove(at).1)
    }

    /// Keeps `session` for the next EXISTING_CONNECT open; QUIT when it is broken, busy or the
    /// server already has enough sessions kept.
    pub(crate) async fn give_back(&self, key: SessionKey, session: Arc<FtpSession>) {
        let kept = session.is_usable() && !session.transfer_in_progress() && {
            let mut idle = self.idle();
            let n = idle.iter().filter(|(k, _)| *k == key).count();
            if n < KEEP_PER_SERVER {
                idle.push((key, Arc::clone(&session)));
                true
            } else {
                false
            }
        };
        if !kept {
            session.quit().await;
        }
    }
}

/// What closing a handle made by InternetOpenUrl does with its session.
pub(crate) enum SessionEnd {
    /// Nothing: the session is a connect handle's.
    Keep,
    /// QUIT: the handle owns its session.
    Quit,
    /// Back into the root's cache (INTERNET_FLAG_EXISTING_CONNECT).
    GiveBack(Arc<UrlSessions>, SessionKey),
}

impl std::fmt::Debug for SessionEnd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SessionEnd::Keep => "Keep",
            SessionEnd::Quit => "Quit",
            SessionEnd::GiveBack(..) => "GiveBack",
        })
    }
}

impl SessionEnd {
    /// Ends the handle's use of `session`.
    pub(crate) async fn run(self, session: &Arc<FtpSession>) {
        match self {
            SessionEnd::Keep => {}
            SessionEnd::Quit => session.quit().await,
            SessionEnd::GiveBack(cache, key) => cache.give_back(key, Arc::clone(session)).await,
        }
    }
}

/// An existing session for `config` under the root `root`, and what closing the new handle
/// must do with it.
pub(crate) fn existing(
    root: &Call,
    config: &ConnectConfig,
) -> Option<(Arc<FtpSession>, SessionEnd)> {
    let key = SessionKey::of(config);
    let cache = root.node().session().extension(UrlSessions::default);
    if let Some(s) = cache.take(&key) {
        return Some((s, SessionEnd::GiveBack(cache, key)));
    }
    root.node()
        .open_children()
        .into_iter()
        .filter(|n| n.kind() == HandleKind::ConnectFtp)
        .filter_map(|n| {
            let ops = n.ops().as_any().downcast_ref::<FtpConnectOps>()?;
            Some(Arc::clone(&ops.session))
        })
        .find(|s| s.is_usable() && !s.transfer_in_progress() && SessionKey::of(s.config()) == key)
        .map(|s| (s, SessionEnd::Keep))
}

/// What closing a fresh session's handle does: give it back to the root's cache with
/// EXISTING_CONNECT, QUIT otherwise.
pub(crate) fn fresh_end(root: &Call, config: &ConnectConfig, existing_connect: bool) -> SessionEnd {
    if existing_connect {
        let cache = root.node().session().extension(UrlSessions::default);
        SessionEnd::GiveBack(cache, SessionKey::of(config))
    } else {
        SessionEnd::Quit
    }
}
