//! The HTTP(S) leaf: InternetConnect(INTERNET_SERVICE_HTTP), HttpOpenRequest,
//! HttpAddRequestHeaders, HttpSendRequest(Ex), InternetWriteFile, HttpEndRequest,
//! HttpQueryInfo, InternetReadFile / QueryDataAvailable over the response body, and
//! InternetOpenUrl for `http:` / `https:`.
//!
//! Connections are hyper `client::conn` (HTTP/1.1, HTTP/2 when ALPN picks it) over tokio TCP or
//! tokio-rustls (ring), kept in a per-session pool keyed by (scheme, host, port, proxy, the
//! certificate checks skipped) with a per-server cap (INTERNET_OPTION_MAX_CONNS_PER_SERVER,
//! read when the server is first contacted) and an idle timeout of [`pool::IDLE_TIMEOUT`]. An
//! HTTP/1 connection returns to the pool only after its response body was read to the end; an
//! HTTP/2 connection is shared by every request to its server at once (a stream each). An HTTP/1 connection's I/O is driven by
//! whoever waits on it (the send, the body reads) on their own task rather than by a spawned
//! task, so a body frame is not handed between threads.
//!
//! Choices where the spec is open (also in docs/compatibility.md):
//! * A certificate failure ignored by a flag accepts the chain without the checks that would
//!   have come after it (webpki stops at the first failure).
//! * InternetSetFilePointer moves forward only (FILE_BEGIN / FILE_CURRENT, by discarding);
//!   backwards and FILE_END are ERROR_INTERNET_INVALID_OPERATION (there is no cache).
//! * 204 / 304 responses never have a body, whatever their Content-Length (RFC 9112; native
//!   reads such bytes).
//! * Responses without a status line (HTTP/0.9), header lines without a colon, and more than
//!   [`pool::MAX_RESPONSE_HEADERS`] headers or a head over [`pool::MAX_RESPONSE_HEAD`] bytes
//!   are ERROR_HTTP_INVALID_SERVER_RESPONSE.
//! * A body shorter than its Content-Length is ERROR_INTERNET_CONNECTION_ABORTED, a reset
//!   ERROR_INTERNET_CONNECTION_RESET, a bad chunk ERROR_HTTP_INVALID_SERVER_RESPONSE; the
//!   failure is sticky (every later read repeats it, never a clean end).
//! * Redirects: at most [`request::MAX_REDIRECTS`]; 301/302 turn non-GET/HEAD into GET, 303
//!   turns everything but HEAD into GET, 307/308 keep method and body; https -> http needs
//!   INTERNET_FLAG_IGNORE_REDIRECT_TO_HTTP (else ERROR_INTERNET_HTTPS_TO_HTTP_ON_REDIR);
//!   http -> https is followed.
//! * HttpSendRequestEx with dwBufferTotal 0 sends the body chunked.
//! * The connection cap and pool are per InternetOpen root; the cap is read when a server is
//!   first contacted in that session.
//! * The receive timeout bounds the wait for the response head and each wait for body data.
#![deny(missing_docs)]

mod auth;
mod body;
pub mod calls;
mod certinfo;
pub mod cookies;
mod error;
pub mod headers;
pub mod pool;
pub mod proxy;
pub mod query;
mod received;
pub mod request;
pub mod tls;

use std::any::Any;
use std::sync::Arc;

use async_trait::async_trait;
use hinternet_core::consts::*;
use hinternet_core::options::Secret;
use hinternet_core::registry::{ConnectRequest, Protocol, UrlRequest};
use hinternet_core::{Call, ChildParams, Handle, HandleKind, HandleOps, Result};

/// The `bytes` crate, re-exported for the body types of the API.
pub use bytes;
pub use calls::*;
pub use headers::HeaderList;
pub use query::{QueryValue, ResponseHead};
pub use request::{ConnectInfo, HttpRequest, OpenRequest};
pub use tls::add_root_certificate;

/// The HTTP connect handle's object (InternetConnect with INTERNET_SERVICE_HTTP): no network
/// until the first send.
#[derive(Debug)]
pub struct HttpConnect {
    info: Arc<ConnectInfo>,
}

impl HttpConnect {
    /// What requests under this handle connect to.
    pub fn info(&self) -> &Arc<ConnectInfo> {
        &self.info
    }
}

impl HandleOps for HttpConnect {
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The `http` / `https` protocol.
#[derive(Debug, Default)]
pub struct HttpProtocol;

#[async_trait]
impl Protocol for HttpProtocol {
    fn name(&self) -> &'static str {
        "http"
    }

    /// Forgets the session cookies of the store the root uses (see [`cookies`]) and the root's
    /// cached Basic credentials.
    fn end_browser_session(&self, session: Option<&hinternet_core::Session>) {
        cookies::end_browser_session(session);
        if let Some(s) = session {
            s.extension(auth::BasicCache::default).clear();
        }
    }

    async fn connect(&self, root: &Call, request: ConnectRequest) -> Result<Handle> {
        let info = Arc::new(ConnectInfo {
            host: request.server,
            port: request.port,
            user: request.user,
            password: request.password.map(Secret::new),
            flags: request.flags,
        });
        root.engine().create_child(
            root,
            ChildParams {
                kind: HandleKind::ConnectHttp,
                context: request.context,
                flags: request.flags,
            },
            move |_| Arc::new(HttpConnect { info }),
        )
    }

    /// InternetOpenUrl: the request handle is created directly under the root (it carries the
    /// server it talks to, so no connect handle is needed: closing it sends HANDLE_CLOSING for
    /// the request only, as native); GET with the headers argument added (ADD), then sent.
    async fn open_url(&self, root: &Call, mut request: UrlRequest) -> Result<Handle> {
        let secure = request.scheme == "https";
        let flags = request.flags | if secure { INTERNET_FLAG_SECURE } else { 0 };
        let port = if request.port != 0 {
            request.port
        } else if secure {
            443
        } else {
            80
        };
        let info = Arc::new(ConnectInfo {
            host: std::mem::take(&mut request.host),
            port,
            user: request.user.take(),
            password: request.password.take().map(Secret::new),
            flags,
        });
        let mut object = if request.path.is_empty() {
            "/".to_owned()
        } else {
            std::mem::take(&mut request.path)
        };
        object.push_str(&request.extra);
        let open = OpenRequest::new(Some("GET"), Some(&object), None, None, &[], flags);
        let engine = root.engine().clone();
        let pool = root.node().session().extension(pool::Pool::default);
        let max = engine.with_globals(|g| g.max_conns_per_server);
        let handle = engine.create_child(
            root,
            ChildParams {
                kind: HandleKind::HttpRequest,
                context: request.context,
                flags,
            },
            move |node| Arc::new(HttpRequest::new(node, pool, info, max, open)),
        )?;
        let call = engine.enter(handle.as_raw())?;
        let result = async {
            let req = calls::request_of(&call)?;
            if let Some(h) = request.headers.as_deref().filter(|h| !h.is_empty()) {
                req.add_headers(h, HTTP_ADDREQ_FLAG_ADD)?;
            }
            req.send(None, bytes::Bytes::new()).await
        }
        .await;
        call.finish().await;
        match result {
            Ok(()) => Ok(handle),
            Err(e) => {
                let _ = engine.close_async(handle.as_raw()).await;
                Err(e)
            }
        }
    }
}
