//! The protocol table: URL schemes and InternetConnect services to the protocol leaves that
//! serve them (like curl's scheme table). The core names no protocol; the root crate registers
//! them.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use async_trait::async_trait;

use crate::consts::*;
use crate::engine::Call;
use crate::node::Session;
use crate::{Error, Handle, Result};

/// What InternetOpenUrl hands a protocol: the URL already cracked by the URL crate.
#[derive(Debug, Clone, Default)]
pub struct UrlRequest {
    /// The whole URL as given.
    pub url: String,
    /// The scheme, lower case.
    pub scheme: String,
    /// Host (empty for `file:` URLs without one).
    pub host: String,
    /// Port (0 = the scheme's default).
    pub port: u16,
    /// User name from the URL, if any.
    pub user: Option<String>,
    /// Password from the URL, if any.
    pub password: Option<String>,
    /// The path, as the protocol needs it (for `file:` a local path).
    pub path: String,
    /// The query / fragment part, if any.
    pub extra: String,
    /// Extra request headers (HTTP).
    pub headers: Option<String>,
    /// INTERNET_FLAG_*.
    pub flags: u32,
    /// The context of the returned handle.
    pub context: usize,
}

/// What InternetConnect hands a protocol.
#[derive(Debug, Clone, Default)]
pub struct ConnectRequest {
    /// Server name.
    pub server: String,
    /// Port (0 = the service's default).
    pub port: u16,
    /// User name.
    pub user: Option<String>,
    /// Password.
    pub password: Option<String>,
    /// INTERNET_FLAG_*.
    pub flags: u32,
    /// The context of the returned handle.
    pub context: usize,
    /// TLS from the first byte (implicit FTPS) rather than negotiated after the greeting. The
    /// C front door cannot say it (InternetConnect has no such flag; the FTP leaf takes
    /// INTERNET_FLAG_SECURE with port 990 to mean it); the Rust API can.
    pub implicit_tls: bool,
}

/// A protocol leaf.
#[async_trait]
pub trait Protocol: Send + Sync + 'static {
    /// A short name for diagnostics ("file", "http", "ftp").
    fn name(&self) -> &'static str;

    /// InternetOpenUrl for one of this protocol's schemes: creates the returned handle below the
    /// root `root` is a call on (the handle owns whatever connection it needs: there is no
    /// hidden connect handle, so closing it sends HANDLE_CLOSING for it alone, as native).
    async fn open_url(&self, root: &Call, request: UrlRequest) -> Result<Handle>;

    /// InternetConnect with this protocol's service.
    async fn connect(&self, _root: &Call, _request: ConnectRequest) -> Result<Handle> {
        Err(Error::new(ERROR_INTERNET_INVALID_OPERATION))
    }

    /// INTERNET_OPTION_END_BROWSER_SESSION was set: forget what this protocol keeps for the
    /// browser session (HTTP: session cookies). `session` is the state of the root the handle
    /// belongs to, `None` for the NULL handle (process-wide state).
    fn end_browser_session(&self, _session: Option<&Session>) {}
}

/// Schemes and services to protocols.
#[derive(Default)]
pub struct Registry {
    /// A handful of schemes: a list searched in order beats hashing the scheme per URL.
    schemes: RwLock<Vec<(String, Arc<dyn Protocol>)>>,
    services: RwLock<HashMap<u32, Arc<dyn Protocol>>>,
}

impl Registry {
    /// Registers `protocol` for the given (lower-case) URL schemes and InternetConnect services.
    pub fn register(&self, schemes: &[&str], services: &[u32], protocol: Arc<dyn Protocol>) {
        let mut s = self.schemes.write().unwrap_or_else(|p| p.into_inner());
        for scheme in schemes {
            let scheme = scheme.to_ascii_lowercase();
            s.retain(|(known, _)| *known != scheme);
            s.push((scheme, Arc::clone(&protocol)));
        }
        let mut v = self.services.write().unwrap_or_else(|p| p.into_inner());
        for service in services {
            v.insert(*service, Arc::clone(&protocol));
        }
    }

    /// The protocol for a scheme; `ERROR_INTERNET_UNRECOGNIZED_SCHEME` when none serves it.
    pub fn for_scheme(&self, scheme: &str) -> Result<Arc<dyn Protocol>> {
        let s = self.schemes.read().unwrap_or_else(|p| p.into_inner());
        s.iter()
            .find(|(known, _)| known.eq_ignore_ascii_case(scheme))
            .map(|(_, p)| Arc::clone(p))
            .ok_or_else(|| Error::new(ERROR_INTERNET_UNRECOGNIZED_SCHEME))
    }

    /// Every registered protocol, once each.
    pub fn protocols(&self) -> Vec<Arc<dyn Protocol>> {
        let mut out: Vec<Arc<dyn Protocol>> = Vec::new();
        let s = self.schemes.read().unwrap_or_else(|p| p.into_inner());
        let v = self.services.read().unwrap_or_else(|p| p.into_inner());
        for p in s.iter().map(|(_, p)| p).chain(v.values()) {
            if !out.iter().any(|q| Arc::ptr_eq(q, p)) {
                out.push(Arc::clone(p));
            }
        }
        out
    }

    /// The protocol for an InternetConnect service; `ERROR_INVALID_PARAMETER` when none.
    pub fn for_service(&self, service: u32) -> Result<Arc<dyn Protocol>> {
        let s = self.services.read().unwrap_or_else(|p| p.into_inner());
        s.get(&service)
            .cloned()
            .ok_or_else(|| Error::new(ERROR_INVALID_PARAMETER))
    }
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = self.schemes.read().unwrap_or_else(|p| p.into_inner());
        let mut names: Vec<_> = s.iter().map(|(n, _)| n.clone()).collect();
        names.sort();
        f.debug_struct("Registry").field("schemes", &names).finish()
    }
}
