//! The request handle (HttpOpenRequest / InternetOpenUrl): request headers, the send with its
//! implicit headers, redirects and status notifications, the streamed upload of
//! HttpSendRequestEx, and the response (head for HttpQueryInfo, body for InternetReadFile).

use std::any::Any;
use std::borrow::Cow;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use hinternet_core::consts::*;
use hinternet_core::options::{OptionInput, OptionValue, Options, Secret};
use hinternet_core::{Error, HandleOps, NodeRef, Result, StatusEvent};
use http_body::Body;
use hyper::body::Incoming;
use tokio::io::ReadBuf;
use tokio::sync::mpsc;
use tokio_util::sync::PollSender;

use crate::body::{BodyState, Coding, Return, send_notes};
use crate::headers::{HeaderList, remove_dot_segments};
use crate::pool::{Checkout, Conn, ConnectParams, Pool, PoolKey, ReqBody, timeout_of};
use crate::query::{RequestView, ResponseHead};
use crate::received::{Received, head_len, head_len_of_parts, keeps_alive, values};

/// The most redirects followed for one send; one more is ERROR_HTTP_REDIRECT_FAILED.
pub const MAX_REDIRECTS: u32 = 10;

/// How much of a redirect response's body is drained to keep its connection.
const DRAIN_LIMIT: usize = 64 * 1024;

/// What a connect handle (or a request made by InternetOpenUrl) knows.
pub struct ConnectInfo {
    /// Server name.
    pub host: String,
    /// Port (0 = the scheme's default).
    pub port: u16,
    /// User name from InternetConnect / the URL.
    pub user: Option<String>,
    /// Password from InternetConnect / the URL.
    pub password: Option<Secret>,
    /// The connect handle's INTERNET_FLAG_*.
    pub flags: u32,
}

impl std::fmt::Debug for ConnectInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectInfo")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("flags", &self.flags)
            .finish_non_exhaustive()
    }
}

type UploadResult = (
    std::result::Result<http::Response<Incoming>, hyper::Error>,
    Option<crate::pool::Driver>,
);

struct Upload {
    tx: PollSender<Bytes>,
    /// Drives the connection during the upload (InternetWriteFile calls do not), gets the
    /// response head, and hands the connection's driver back when `stop` is dropped.
    task: tokio::task::JoinHandle<UploadResult>,
    stop: tokio::sync::oneshot::Sender<()>,
    conn: Conn,
}

fn poll_driver(d: &mut Option<crate::pool::Driver>, cx: &mut Context<'_>) {
    if let Some(f) = d.as_mut()
        && f.as_mut().poll(cx).is_ready()
    {
        *d = None;
    }
}

struct ReqState {
    verb: Cow<'static, str>,
    object: String,
    version: Cow<'static, str>,
    flags: u32,
    headers: HeaderList,
    sent: Option<(String, HeaderList)>,
    response: Option<Received>,
    secure: bool,
    host: String,
    port: u16,
    security_flags: u32,
    upload: Option<Upload>,
    tls: Option<crate::certinfo::TlsFacts>,
    /// The Authorization value of an authentication exchange in progress (Basic).
    auth: Option<String>,
    /// `auth` came from the root's [`BasicCache`](crate::auth::BasicCache), not from an
    /// answer to this request's 401.
    auth_cached: bool,
    /// The last HttpSendRequestEx failed: HttpEndRequest then completes with
    /// ERROR_INTERNET_OPERATION_CANCELLED, as native (B.21).
    ex_failed: bool,
}

impl ReqState {
    fn url(&self) -> String {
        let scheme = if self.secure { "https" } else { "http" };
        format!(
            "{scheme}://{}{}{}",
            self.host,
            PortSuffix(self.secure, self.port),
            self.object
        )
    }
}

/// `":port"` after a host when the port is not the scheme's default (`secure`: https), else
/// nothing.
struct PortSuffix(bool, u16);

impl PortSuffix {
    /// The port, when it is not the scheme's default.
    fn shown(&self) -> Option<u16> {
        let default = if self.0 { 443 } else { 80 };
        (self.1 != default).then_some(self.1)
    }

    /// Appends the suffix (the port as digits: no formatting machinery per request).
    fn push_to(&self, out: &mut String) {
        let Some(mut port) = self.shown() else {
            return;
        };
        out.push(':');
        let mut digits = [0u8; 5];
        let mut at = digits.len();
        loop {
            at -= 1;
            digits[at] = b'0' + (port % 10) as u8;
            port /= 10;
            if port == 0 {
                break;
            }
        }
        out.extend(digits[at..].iter().map(|&d| char::from(d)));
    }
}

impl std::fmt::Display for PortSuffix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.shown() {
            Some(port) => write!(f, ":{port}"),
            None => Ok(()),
        }
    }
}

/// A request handle's protocol object.
pub struct HttpRequest {
    node: NodeRef,
    pool: Arc<Pool>,
    info: Arc<ConnectInfo>,
    max_conns: u32,
    state: Mutex<ReqState>,
    body: Mutex<BodyState>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// HttpOpenRequest's arguments, after the defaults were applied.
#[derive(Debug, Clone, Default)]
pub struct OpenRequest {
    /// The verb (`"GET"` when none was given).
    pub verb: Cow<'static, str>,
    /// The request target (`"/"` when none was given).
    pub object: String,
    /// `"HTTP/1.1"` when none was given.
    pub version: Cow<'static, str>,
    /// A Referer header.
    pub referrer: Option<String>,
    /// Accept types (empty entries skipped).
    pub accept_types: Vec<String>,
    /// INTERNET_FLAG_*.
    pub flags: u32,
}

impl OpenRequest {
    /// Applies HttpOpenRequest's defaults: NULL/"" verb is GET (a verb other than GET/POST adds
    /// NO_CACHE_WRITE | RELOAD), NULL/"" object is "/", spaces in the object become `%20`,
    /// NULL/"" version is HTTP/1.1.
    pub fn new(
        verb: Option<&str>,
        object: Option<&str>,
        version: Option<&str>,
        referrer: Option<&str>,
        accept_types: &[&str],
        flags: u32,
    ) -> OpenRequest {
        let verb = common(
            verb.filter(|v| !v.is_empty()).unwrap_or("GET"),
            &["GET", "POST", "HEAD"],
        );
        let mut flags = flags;
        if verb != "GET" && verb != "POST" {
            flags |= INTERNET_FLAG_NO_CACHE_WRITE | INTERNET_FLAG_RELOAD;
        }
        let object = object
            .filter(|o| !o.is_empty())
            .unwrap_or("/")
            .replace(' ', "%20");
        OpenRequest {
            verb,
            object,
            version: common(
                version.filter(|v| !v.is_empty()).unwrap_or("HTTP/1.1"),
                &["HTTP/1.1", "HTTP/1.0"],
            ),
            referrer: referrer.filter(|r| !r.is_empty()).map(str::to_owned),
            accept_types: accept_types
                .iter()
                .filter(|a| !a.is_empty())
                .map(|a| (*a).to_owned())
                .collect(),
            flags,
        }
    }
}

/// `text` as one of the `known` spellings without a copy when it is one (case matters: a
/// verb or version is sent as given).
fn common(text: &str, known: &[&'static str]) -> Cow<'static, str> {
    match known.iter().find(|k| **k == text) {
        Some(k) => Cow::Borrowed(k),
        None => Cow::Owned(text.to_owned()),
    }
}

struct Plan<'a> {
    method: &'a str,
    body: Option<Bytes>,
    streaming_total: Option<u64>,
}

enum Next {
    Done,
    Follow,
}

/// Whether INTERNET_OPTION_HTTP_DECODING is on for the handle.
fn decoding_on(opts: &Options) -> bool {
    matches!(
        opts.extra.get(&INTERNET_OPTION_HTTP_DECODING),
        Some(OptionValue::Dword(v)) if *v != 0
    )
}

fn is_idempotent(method: &str) -> bool {
    matches!(
        method,
        "GET" | "HEAD" | "PUT" | "DELETE" | "OPTIONS" | "TRACE"
    )
}

impl HttpRequest {
    /// A request handle's object for `open` on the server `info` names.
    pub fn new(
        node: NodeRef,
        pool: Arc<Pool>,
        info: Arc<ConnectInfo>,
        max_conns: u32,
        open: OpenRequest,
    ) -> HttpRequest {
        let secure =
            open.flags & INTERNET_FLAG_SECURE != 0 || info.flags & INTERNET_FLAG_SECURE != 0;
        let port = if info.port != 0 {
            info.port
        } else if info.flags & INTERNET_FLAG_SECURE != 0 || open.flags & INTERNET_FLAG_SECURE != 0 {
            443
        } else {
            80
        };
        let mut headers = HeaderList::new();
        if let Some(r) = &open.referrer {
            headers.push("Referer", r);
        }
        if !open.accept_types.is_empty() {
            headers.push("Accept", &open.accept_types.join(", "));
        }
        let security_flags = open.flags
            & (SECURITY_FLAG_IGNORE_CERT_CN_INVALID | SECURITY_FLAG_IGNORE_CERT_DATE_INVALID);
        HttpRequest {
            node,
            pool,
            max_conns,
            state: Mutex::new(ReqState {
                verb: open.verb,
                object: open.object,
                version: open.version,
                flags: open.flags,
                headers,
                sent: None,
                response: None,
                secure,
                host: info.host.clone(),
                port,
                security_flags,
                upload: None,
                tls: None,
                auth: None,
                auth_cached: false,
                ex_failed: false,
            }),
            info,
            body: Mutex::new(BodyState::default()),
        }
    }

    fn options(&self) -> Arc<Options> {
        self.node.get().map(|n| n.options()).unwrap_or_default()
    }

    /// HttpAddRequestHeaders.
    pub fn add_headers(&self, text: &str, modifiers: u32) -> Result<()> {
        lock(&self.state).headers.apply(text, modifiers)
    }

    /// HttpQueryInfo against this request's state (see [`crate::query::query_info`]).
    pub fn with_heads<R>(
        &self,
        info_level: u32,
        f: impl FnOnce(&RequestView<'_>, Option<&ResponseHead>) -> Result<R>,
    ) -> Result<R> {
        let st = lock(&self.state);
        let want_request = info_level & HTTP_QUERY_FLAG_REQUEST_HEADERS != 0;
        if st.upload.is_some() && !want_request {
            return Err(Error::new(ERROR_INTERNET_INCORRECT_HANDLE_STATE));
        }
        let (target, headers) = match &st.sent {
            Some((t, h)) => (t.as_str(), h),
            None => (st.object.as_str(), &st.headers),
        };
        let view = RequestView {
            method: &st.verb,
            target,
            version: &st.version,
            headers,
        };
        f(&view, st.response.as_ref().map(Received::text))
    }

    /// The response head, once a response arrived.
    pub fn response(&self) -> Option<ResponseHead> {
        lock(&self.state)
            .response
            .as_ref()
            .map(|r| r.text().clone())
    }

    /// INTERNET_OPTION_URL: the current URL (after redirects).
    pub fn url(&self) -> String {
        lock(&self.state).url()
    }

    fn reset(&self, extra: Option<&str>) -> Result<Cow<'static, str>> {
        let mut st = lock(&self.state);
        if let Some(h) = extra {
            st.headers
                .apply(h, HTTP_ADDREQ_FLAG_ADD | HTTP_ADDREQ_FLAG_REPLACE)?;
        }
        st.response = None;
        st.upload = None;
        st.sent = None;
        st.ex_failed = false;
        if st.auth.is_none()
            && st.flags & INTERNET_FLAG_NO_AUTH == 0
            && let Some(cache) = self.basic_cache()
            && let Some(known) = cache.get(st.secure, &st.host, st.port)
        {
            st.auth = Some(known);
            st.auth_cached = true;
        }
        let verb = st.verb.clone();
        drop(st);
        // A previous response's unread body goes with its connection.
        *lock(&self.body) = BodyState::default();
        Ok(verb)
    }

    /// Builds the request for `plan` from the current state, recording what is sent.
    fn build(
        &self,
        plan: &Plan<'_>,
        opts: &Options,
        h2: bool,
        absolute: bool,
    ) -> Result<(http::Request<ReqBody>, u32)> {
        let mut st = lock(&self.state);
        let target = remove_dot_segments(&st.object);
        let user = &st.headers;
        // Room for the implicit headers and the caller's: the list does not grow.
        let mut sent = HeaderList::with_capacity(user.len() + 4);
        if !user.contains("Host") {
            let suffix = PortSuffix(st.secure, st.port);
            sent.push_with(
                |t| t.push_str("Host"),
                |t| {
                    t.push_str(&st.host);
                    suffix.push_to(t);
                },
            );
        }
        if !user.contains("Content-Length") {
            match (plan.streaming_total, &plan.body) {
                (Some(0), _) => {}
                (Some(total), _) => sent.push_fmt("Content-Length", format_args!("{total}")),
                (None, body) => {
                    let n = body.as_ref().map_or(0, Bytes::len);
                    if n != 0 || plan.method != "GET" {
                        sent.push_fmt("Content-Length", format_args!("{n}"));
                    }
                }
            }
        }
        if !user.contains("User-Agent")
            && let Some(agent) = opts.user_agent.as_deref().filter(|a| !a.is_empty())
        {
            sent.push("User-Agent", agent);
        }
        if st.flags & INTERNET_FLAG_PRAGMA_NOCACHE != 0 && !user.contains("Pragma") {
            sent.push("Pragma", "no-cache");
        }
        if st.flags & INTERNET_FLAG_NO_CACHE_WRITE != 0
            && plan.method != "GET"
            && !user.contains("Cache-Control")
        {
            sent.push("Cache-Control", "no-cache");
        }
        let decoding = decoding_on(opts);
        if decoding && !user.contains("Accept-Encoding") {
            sent.push("Accept-Encoding", "gzip, deflate, br");
        }
        let cookie = if st.flags & INTERNET_FLAG_NO_COOKIES == 0 {
            // No URL to build and parse while the store is empty (most requests).
            self.jar()
                .filter(|j| !j.is_empty())
                .and_then(|j| j.header_for(&st.url()))
        } else {
            None
        };
        for (n, v) in user.iter() {
            if cookie.is_some() && n.eq_ignore_ascii_case("Cookie") {
                continue;
            }
            sent.push(n, v);
        }
        if st.flags & INTERNET_FLAG_KEEP_CONNECTION != 0 && !user.contains("Connection") {
            sent.push("Connection", "Keep-Alive");
        }
        if let Some(a) = &st.auth
            && !user.contains("Authorization")
        {
            sent.push("Authorization", a);
        }
        if let Some(c) = cookie {
            sent.push("Cookie", &c);
        }
        if absolute
            && !user.contains("Proxy-Authorization")
            && let Some(a) = Self::proxy_auth(opts)
        {
            sent.push("Proxy-Authorization", &a);
        }
        let uri = if h2 || absolute {
            let scheme = if st.secure { "https" } else { "http" };
            format!(
                "{scheme}://{}{}{}",
                st.host,
                PortSuffix(st.secure, st.port),
                target
            )
        } else {
            target.clone()
        };
        let method = http::Method::from_bytes(plan.method.as_bytes())
            .map_err(|e| Error::new(ERROR_INVALID_PARAMETER).with_source(e))?;
        let uri = http::Uri::try_from(uri)
            .map_err(|e| Error::new(ERROR_INTERNET_INVALID_URL).with_source(e))?;
        // HTTP/2 has no Host (its :authority comes from the URI) and no connection headers.
        let headers = sent.to_header_map(|name| {
            !(h2 && ["Host", "Connection", "Keep-Alive", "Transfer-Encoding"]
                .iter()
                .any(|h| name.eq_ignore_ascii_case(h)))
        })?;
        let body = match plan.streaming_total {
            Some(_) => ReqBody::Full(None), // replaced by the caller
            None => ReqBody::Full(plan.body.clone()),
        };
        let mut req = http::Request::new(body);
        *req.method_mut() = method;
        *req.uri_mut() = uri;
        *req.headers_mut() = headers;
        let n = plan.method.len()
            + target.len()
            + st.version.len()
            + 4
            + sent
                .iter()
                .map(|(n, v)| n.len() + v.len() + 4)
                .sum::<usize>()
            + plan.body.as_ref().map_or(0, Bytes::len);
        st.sent = Some((target, sent));
        Ok((req, u32::try_from(n).unwrap_or(u32::MAX)))
    }

    /// Where the request goes: its pool key (direct, through an http proxy in absolute form,
    /// or tunnelled through a proxy for https) and whether the target is in absolute form.
    fn route(&self, opts: &Options) -> (PoolKey, bool) {
        let st = lock(&self.state);
        match crate::proxy::select(&opts.proxy, st.secure, &st.host) {
            Some(p) if !st.secure => (
                PoolKey {
                    secure: false,
                    host: p.host.clone(),
                    port: p.port,
                    proxy: Some(p.authority()),
                    ignore: 0,
                },
                true,
            ),
            p => (
                PoolKey {
                    secure: st.secure,
                    host: st.host.clone(),
                    port: st.port,
                    proxy: p.map(|p| p.authority()),
                    ignore: if st.secure {
                        st.security_flags & crate::tls::IGNORE_MASK
                    } else {
                        0
                    },
                },
                false,
            ),
        }
    }

    /// A proxy that refused the CONNECT tunnel (407 without or with wrong proxy credentials,
    /// 403, ...): its answer becomes the request's response, with an empty body, so the
    /// caller can read the status and Proxy-Authenticate and send again with credentials, as
    /// native does. Any other failure stays a failure.
    fn proxy_refusal_as_response(&self, e: Error) -> Result<()> {
        let refused = std::error::Error::source(&e)
            .and_then(|s| s.downcast_ref::<crate::pool::TunnelRefused>());
        let Some(refused) = refused else {
            return Err(e);
        };
        let hlen = head_len(&refused.head);
        lock(&self.state).response = Some(Received::text_only(refused.head.clone()));
        *lock(&self.body) = BodyState::default();
        self.node.notify(|| StatusEvent::ResponseReceived(hlen));
        Ok(())
    }

    /// Keeps Basic credentials the server accepted, and forgets cached ones it refused (the
    /// request then answers the 401 with its own credentials, if it has any).
    fn note_basic_outcome(&self, status: u16) {
        let Some(cache) = self.basic_cache() else {
            return;
        };
        let mut st = lock(&self.state);
        if status == 401 {
            if st.auth_cached {
                cache.forget(st.secure, &st.host, st.port);
                st.auth = None;
                st.auth_cached = false;
            }
        } else if status != 407
            && let Some(a) = st.auth.as_deref()
        {
            cache.remember(st.secure, &st.host, st.port, a);
        }
    }

    /// The root's cache of accepted Basic credentials.
    fn basic_cache(&self) -> Option<Arc<crate::auth::BasicCache>> {
        self.node
            .get()
            .map(|n| n.session().extension(crate::auth::BasicCache::default))
    }

    /// The cookie store of this request's root (the process-wide one unless the root has its
    /// own).
    fn jar(&self) -> Option<Arc<crate::cookies::CookieJar>> {
        self.node
            .get()
            .map(|n| crate::cookies::store_of(n.session()))
    }

    fn proxy_auth(opts: &Options) -> Option<String> {
        let user = opts.proxy_username.as_deref().filter(|u| !u.is_empty())?;
        let pass = opts.proxy_password.as_ref().map_or("", |p| p.expose());
        Some(crate::auth::basic(user, pass))
    }

    async fn open_conn(&self, key: &PoolKey, opts: &Options) -> Result<Conn> {
        let security_flags = lock(&self.state).security_flags;
        // Waiting for one of the server's connections to come free is bounded by the connect
        // timeout: a caller that leaves bodies unread must not hang forever.
        let checkout = self.pool.checkout(key, self.max_conns);
        let checkout = match timeout_of(opts.connect_timeout) {
            Some(d) => tokio::time::timeout(d, checkout).await.map_err(|_| {
                Error::new(ERROR_INTERNET_TIMEOUT).with_context(format!(
                    "all {} connections to the server stayed busy",
                    self.max_conns
                ))
            })?,
            None => checkout.await,
        };
        let mut conn = match checkout {
            Checkout::Reused(c) => c,
            Checkout::New(free) => {
                let params = ConnectParams {
                    connect_timeout: timeout_of(opts.connect_timeout),
                    security_flags,
                    proxy_auth: Self::proxy_auth(opts),
                };
                // Boxed: setting up a connection (TCP, TLS, a proxy tunnel, the HTTP
                // handshake) is the largest state by far, and every request future that
                // holds it inline is copied whole each time it moves (docs/performance.md).
                let conn = Box::pin(crate::pool::connect(
                    &self.pool, key, free, params, &self.node,
                ))
                .await?;
                self.pool.share(key, &conn);
                conn
            }
        };
        if let Err(e) = conn.ready().await {
            if conn.reused {
                // Died in the pool: a fresh one.
                drop(conn);
                return Box::pin(self.open_conn(key, opts)).await;
            }
            return Err(crate::error::from_hyper(e));
        }
        if key.secure {
            let mut st = lock(&self.state);
            st.security_flags |= SECURITY_FLAG_SECURE | SECURITY_FLAG_STRENGTH_STRONG;
            st.tls = Some(crate::certinfo::TlsFacts {
                certificate: conn.certificate.clone(),
                cipher: conn.cipher.clone(),
                protocol: conn.protocol.clone(),
            });
        }
        Ok(conn)
    }

    fn recv_timeout(opts: &Options) -> Option<Duration> {
        timeout_of(opts.receive_timeout)
    }

    /// Sends `plan` and waits for the response head; an idempotent request whose reused
    /// connection turns out dead is sent once more on a new connection.
    async fn exchange(
        &self,
        plan: &Plan<'_>,
        opts: &Options,
    ) -> Result<(http::Response<Incoming>, Conn)> {
        let (key, absolute) = self.route(opts);
        let mut retried = false;
        loop {
            let mut conn = self.open_conn(&key, opts).await?;
            // SENDING_REQUEST before the request is built: a header its callback adds is sent
            // (B.22).
            self.node.notify(|| StatusEvent::SendingRequest);
            let (req, sent_len) = self.build(plan, opts, conn.sender.is_h2(), absolute)?;
            let fut = conn.sender.send(req);
            let fut = conn.drive(fut);
            self.node.notify(|| StatusEvent::RequestSent(sent_len));
            self.node.notify(|| StatusEvent::ReceivingResponse);
            let r = match Self::recv_timeout(opts) {
                Some(d) => match tokio::time::timeout(d, fut).await {
                    Ok(r) => r,
                    Err(_) => return Err(Error::new(ERROR_INTERNET_TIMEOUT)),
                },
                None => fut.await,
            };
            match r {
                Ok(resp) => return Ok((resp, conn)),
                Err(e)
                    if conn.reused
                        && !retried
                        && is_idempotent(plan.method)
                        && crate::error::is_stale_connection(&e) =>
                {
                    retried = true;
                }
                Err(e) => return Err(crate::error::from_hyper(e)),
            }
        }
    }

    /// HttpSendRequest: sends with `extra` headers merged (ADD | REPLACE) and `body`, follows
    /// redirects, and leaves the response ready to be queried and read.
    pub async fn send(&self, extra: Option<&str>, body: Bytes) -> Result<()> {
        let method = self.reset(extra)?;
        self.drive(method, Some(body), None).await
    }

    async fn drive(
        &self,
        mut method: Cow<'static, str>,
        mut body: Option<Bytes>,
        mut first: Option<(http::Response<Incoming>, Conn)>,
    ) -> Result<()> {
        let opts = self.options();
        let mut redirects = 0;
        let mut auth_tried = false;
        loop {
            let (resp, conn) = match first.take() {
                Some(f) => f,
                None => {
                    let plan = Plan {
                        method: &method,
                        body: body.clone(),
                        streaming_total: None,
                    };
                    match self.exchange(&plan, &opts).await {
                        Ok(sent) => sent,
                        Err(e) => return self.proxy_refusal_as_response(e),
                    }
                }
            };
            match self
                .after_response(
                    resp,
                    conn,
                    &opts,
                    (&mut method, &mut body),
                    &mut redirects,
                    &mut auth_tried,
                )
                .await?
            {
                Next::Done => return Ok(()),
                Next::Follow => {}
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn after_response(
        &self,
        resp: http::Response<Incoming>,
        mut conn: Conn,
        opts: &Options,
        (method, body): (&mut Cow<'static, str>, &mut Option<Bytes>),
        redirects: &mut u32,
        auth_tried: &mut bool,
    ) -> Result<Next> {
        let (mut parts, mut incoming) = resp.into_parts();
        let coding = parts
            .headers
            .get(http::header::CONTENT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .and_then(Coding::of)
            .filter(|_| decoding_on(opts));
        if coding.is_some() {
            // Decoded bodies lose their coding and length headers (D.53).
            parts.headers.remove(http::header::CONTENT_ENCODING);
            parts.headers.remove(http::header::CONTENT_LENGTH);
        }
        let reusable = keeps_alive(&parts);
        let hlen = head_len_of_parts(&parts);
        let status = parts.status.as_u16();
        let location = values(&parts, http::header::LOCATION).into_iter().next();
        let challenges = values(&parts, http::header::WWW_AUTHENTICATE);
        let set_cookies = values(&parts, http::header::SET_COOKIE);
        let flags = {
            let mut st = lock(&self.state);
            st.response = Some(Received::parsed(parts));
            st.flags
        };
        // The URL is spelled out only for what needs it (cookies, Digest, a redirect).
        let current_url = || self.url();
        if flags & INTERNET_FLAG_NO_COOKIES == 0
            && !set_cookies.is_empty()
            && let Some(jar) = self.jar()
        {
            let url = current_url();
            for v in &set_cookies {
                // A server may set HttpOnly cookies; one the store refuses is ignored.
                let _ = jar.set(v, &url, INTERNET_COOKIE_HTTPONLY);
            }
        }
        self.node.notify(|| StatusEvent::ResponseReceived(hlen));
        self.note_basic_outcome(status);
        if status == 401
            && !challenges.is_empty()
            && !*auth_tried
            && flags & INTERNET_FLAG_NO_AUTH == 0
        {
            let user = opts.username.clone().or_else(|| self.info.user.clone());
            let pass = opts
                .password
                .as_ref()
                .or(self.info.password.as_ref())
                .map(|p| p.expose().to_owned());
            if let Some(user) = user.filter(|u| !u.is_empty()) {
                let pass = pass.unwrap_or_default();
                let target = remove_dot_segments(&lock(&self.state).object);
                let cnonce = crate::auth::md5_hex(
                    format!("{:?}{}", std::time::SystemTime::now(), current_url()).as_bytes(),
                );
                let scheme_of = |c: &String| c.trim_start().to_ascii_lowercase();
                let answer = challenges
                    .iter()
                    .find(|c| scheme_of(c).starts_with("digest"))
                    .and_then(|c| {
                        crate::auth::digest(c, &user, &pass, method, &target, &cnonce[..16])
                    })
                    .or_else(|| {
                        challenges
                            .iter()
                            .any(|c| scheme_of(c).starts_with("basic"))
                            .then(|| crate::auth::basic(&user, &pass))
                    });
                let Some(answer) = answer else {
                    return self.finish_response(incoming, conn, opts, reusable, coding);
                };
                *auth_tried = true;
                let drained = drain(&mut incoming, &mut conn, Self::recv_timeout(opts)).await;
                if drained && reusable {
                    Pool::checkin(conn);
                } else {
                    drop(conn);
                }
                let mut st = lock(&self.state);
                st.auth = Some(answer);
                st.response = None;
                return Ok(Next::Follow);
            }
        }
        if matches!(status, 301 | 302 | 303 | 307 | 308)
            && flags & INTERNET_FLAG_NO_AUTO_REDIRECT == 0
            && let Some(loc) = location
            && let Some(next) = redirect_target(&current_url(), &loc)?
        {
            let was_secure = lock(&self.state).secure;
            if was_secure && !next.secure && flags & INTERNET_FLAG_IGNORE_REDIRECT_TO_HTTP == 0 {
                return Err(Error::new(ERROR_INTERNET_HTTPS_TO_HTTP_ON_REDIR));
            }
            *redirects += 1;
            if *redirects > MAX_REDIRECTS {
                return Err(Error::new(ERROR_HTTP_REDIRECT_FAILED)
                    .with_context(format!("more than {MAX_REDIRECTS} redirects")));
            }
            // Drain a small body so the connection can be reused; otherwise drop it.
            let drained = drain(&mut incoming, &mut conn, Self::recv_timeout(opts)).await;
            if drained && reusable {
                Pool::checkin(conn);
            } else {
                drop(conn);
            }
            let url = next.url.clone();
            self.node.notify(|| StatusEvent::Redirect(url));
            if (status == 303 && method != "HEAD")
                || (matches!(status, 301 | 302) && method != "GET" && method != "HEAD")
            {
                *method = Cow::Borrowed("GET");
                *body = None;
            }
            let mut st = lock(&self.state);
            let same_origin = st.secure == next.secure
                && st.host.eq_ignore_ascii_case(&next.host)
                && st.port == next.port;
            if !same_origin {
                st.headers.remove_all("Authorization");
                st.auth = None;
                st.auth_cached = false;
            }
            st.secure = next.secure;
            st.host = next.host;
            st.port = next.port;
            st.object = next.object;
            st.verb = method.clone();
            st.response = None;
            return Ok(Next::Follow);
        }
        self.finish_response(incoming, conn, opts, reusable, coding)
    }

    /// Makes the response body readable; its connection returns to the pool at its end.
    fn finish_response(
        &self,
        incoming: Incoming,
        conn: Conn,
        opts: &Options,
        reusable: bool,
        coding: Option<Coding>,
    ) -> Result<Next> {
        let ret = Return { conn, reusable };
        let mut b = match coding {
            Some(c) => BodyState::decoded(incoming, c, Some(ret), Self::recv_timeout(opts)),
            None => BodyState::new(incoming, Some(ret), Self::recv_timeout(opts)),
        };
        b.set_announce(self.node.get().is_some_and(|n| n.session().is_async()));
        let notes = b.take_notes();
        *lock(&self.body) = b;
        send_notes(&self.node, notes);
        Ok(Next::Done)
    }

    /// HttpSendRequestEx: connects and starts the request with `initial` body bytes; the rest
    /// comes through InternetWriteFile; `total` becomes the Content-Length (0: chunked, unless
    /// the caller added a Content-Length).
    pub async fn send_ex(&self, extra: Option<&str>, initial: Bytes, total: u64) -> Result<()> {
        let method = self.reset(extra)?;
        let r = self.start_upload(method, initial, total).await;
        lock(&self.state).ex_failed = r.is_err();
        r
    }

    async fn start_upload(
        &self,
        method: Cow<'static, str>,
        initial: Bytes,
        total: u64,
    ) -> Result<()> {
        let opts = self.options();
        let (key, absolute) = self.route(&opts);
        let mut conn = self.open_conn(&key, &opts).await?;
        let plan = Plan {
            method: &method,
            body: None,
            streaming_total: Some(total),
        };
        self.node.notify(|| StatusEvent::SendingRequest);
        let (mut req, sent_len) = self.build(&plan, &opts, conn.sender.is_h2(), absolute)?;
        let (tx, rx) = mpsc::channel::<Bytes>(4);
        *req.body_mut() = ReqBody::Stream(rx);
        let mut fut = conn.sender.send(req);
        let mut driver = conn.driver.take();
        let (stop, mut stop_rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let resp = std::future::poll_fn(|cx| {
                poll_driver(&mut driver, cx);
                fut.as_mut().poll(cx)
            })
            .await;
            std::future::poll_fn(|cx| {
                poll_driver(&mut driver, cx);
                std::pin::Pin::new(&mut stop_rx).poll(cx).map(|_| ())
            })
            .await;
            (resp, driver)
        });
        let n = initial.len();
        if n > 0 && tx.send(initial).await.is_err() {
            return Err(Error::new(ERROR_INTERNET_CONNECTION_ABORTED));
        }
        let sent = sent_len.saturating_add(u32::try_from(n).unwrap_or(u32::MAX));
        self.node.notify(|| StatusEvent::RequestSent(sent));
        lock(&self.state).upload = Some(Upload {
            tx: PollSender::new(tx),
            task,
            stop,
            conn,
        });
        Ok(())
    }

    /// HttpEndRequest: ends the upload and reads the response (following redirects that turn
    /// the request into a GET).
    pub async fn end_request(&self) -> Result<()> {
        let (up, method) = {
            let mut st = lock(&self.state);
            let up = st.upload.take().ok_or_else(|| {
                Error::new(if st.ex_failed {
                    ERROR_INTERNET_OPERATION_CANCELLED
                } else {
                    ERROR_INTERNET_INCORRECT_HANDLE_STATE
                })
            })?;
            (up, st.verb.clone())
        };
        let Upload {
            tx,
            task,
            stop,
            mut conn,
        } = up;
        drop(tx);
        drop(stop);
        let opts = self.options();
        self.node.notify(|| StatusEvent::ReceivingResponse);
        let wait = async {
            match task.await {
                Ok((r, driver)) => {
                    conn.driver = driver;
                    r.map_err(crate::error::from_hyper)
                }
                Err(_) => Err(Error::new(ERROR_INTERNET_CONNECTION_ABORTED)),
            }
        };
        let resp = match Self::recv_timeout(&opts) {
            Some(d) => tokio::time::timeout(d, wait)
                .await
                .map_err(|_| Error::new(ERROR_INTERNET_TIMEOUT))??,
            None => wait.await?,
        };
        self.drive(method, None, Some((resp, conn))).await
    }

    fn poll_fill_locked(&self, cx: &mut Context<'_>) -> Poll<Result<usize>> {
        let mut b = lock(&self.body);
        let r = b.poll_fill(cx).map(|r| r.map(|()| b.buffered()));
        let notes = b.take_notes();
        drop(b);
        send_notes(&self.node, notes);
        r
    }
}

struct RedirectTarget {
    url: String,
    secure: bool,
    host: String,
    port: u16,
    object: String,
}

/// Resolves a Location against the current URL through the URL crate (InternetCombineUrl's
/// rules, then InternetCrackUrl's). `Ok(None)`: a scheme we do not follow (the 3xx goes to the
/// caller, as native); `ERROR_INTERNET_INVALID_URL` for an unusable target.
fn redirect_target(current: &str, location: &str) -> Result<Option<RedirectTarget>> {
    let invalid = || Error::new(ERROR_INTERNET_INVALID_URL);
    let combined = hinternet_url::combine(current, location.trim(), 0).map_err(|_| invalid())?;
    // The fragment stays with the client; it is neither sent nor part of the request's URL.
    let url = match combined.find('#') {
        Some(i) => combined[..i].to_owned(),
        None => combined,
    };
    let cracked = hinternet_url::crack(&url, 0).map_err(|_| invalid())?;
    let secure = match cracked.scheme_kind() {
        INTERNET_SCHEME_HTTP => false,
        INTERNET_SCHEME_HTTPS => true,
        _ => return Ok(None),
    };
    let parts = cracked.parts();
    let host = parts.host.filter(|h| !h.is_empty()).ok_or_else(invalid)?;
    let port = match cracked.port() {
        0 if secure => 443,
        0 => 80,
        p => p,
    };
    let mut object = parts
        .path
        .filter(|p| !p.is_empty())
        .unwrap_or("/")
        .to_owned();
    object.push_str(parts.extra.unwrap_or(""));
    Ok(Some(RedirectTarget {
        host: host.to_owned(),
        url,
        secure,
        port,
        object,
    }))
}

/// Reads a redirect's body to its end if it is small; true when it ended.
async fn drain(body: &mut Incoming, conn: &mut Conn, timeout: Option<Duration>) -> bool {
    let work = async {
        let mut seen = 0usize;
        loop {
            if body.is_end_stream() {
                return true;
            }
            match conn.drive(http_body_util::BodyExt::frame(body)).await {
                None => return true,
                Some(Ok(f)) => {
                    seen += f.data_ref().map_or(0, Bytes::len);
                    if seen > DRAIN_LIMIT {
                        return false;
                    }
                }
                Some(Err(_)) => return false,
            }
        }
    };
    match timeout {
        Some(d) => tokio::time::timeout(d, work).await.unwrap_or(false),
        None => work.await,
    }
}

#[async_trait]
impl HandleOps for HttpRequest {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn poll_read(&self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<Result<()>> {
        let mut b = lock(&self.body);
        let r = b.poll_read(cx, buf);
        let notes = b.take_notes();
        drop(b);
        send_notes(&self.node, notes);
        r
    }

    fn poll_write(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<Result<usize>> {
        let mut st = lock(&self.state);
        let Some(up) = st.upload.as_mut() else {
            return Poll::Ready(Err(Error::new(ERROR_INTERNET_INCORRECT_HANDLE_STATE)));
        };
        match up.tx.poll_reserve(cx) {
            Poll::Ready(Ok(())) => {
                let n = buf.len();
                if up.tx.send_item(Bytes::copy_from_slice(buf)).is_err() {
                    return Poll::Ready(Err(Error::new(ERROR_INTERNET_CONNECTION_ABORTED)));
                }
                drop(st);
                let sent = u32::try_from(n).unwrap_or(u32::MAX);
                self.node.notify(|| StatusEvent::SendingRequest);
                self.node.notify(|| StatusEvent::RequestSent(sent));
                Poll::Ready(Ok(n))
            }
            Poll::Ready(Err(_)) => Poll::Ready(Err(Error::new(ERROR_INTERNET_CONNECTION_ABORTED))),
            Poll::Pending => Poll::Pending,
        }
    }

    async fn query_data_available(&self) -> Result<u64> {
        let cap = self.options().read_buffer_size.max(1) as usize;
        let n = std::future::poll_fn(|cx| self.poll_fill_locked(cx)).await?;
        Ok(n.min(cap) as u64)
    }

    async fn set_file_pointer(&self, distance: i64, method: u32) -> Result<u64> {
        if lock(&self.state).flags & INTERNET_FLAG_NO_CACHE_WRITE != 0 {
            return Err(Error::new(ERROR_INTERNET_INVALID_OPERATION));
        }
        let pos = lock(&self.body).pos;
        let target: i128 = match method {
            FILE_BEGIN => i128::from(distance),
            FILE_CURRENT => i128::from(pos) + i128::from(distance),
            _ => return Err(Error::new(ERROR_INTERNET_INVALID_OPERATION)),
        };
        if target < 0 {
            return Err(Error::new(ERROR_NEGATIVE_SEEK));
        }
        let target = target as u64;
        if target < pos {
            // No cache to go back to: only forward moves within the stream.
            return Err(Error::new(ERROR_INTERNET_INVALID_OPERATION));
        }
        loop {
            let cur = lock(&self.body).pos;
            if cur >= target {
                return Ok(cur);
            }
            let n = std::future::poll_fn(|cx| self.poll_fill_locked(cx)).await?;
            if n == 0 {
                // The body ended before the target: stay at the end.
                return Ok(lock(&self.body).pos);
            }
            lock(&self.body).skip_buffered(target - cur);
        }
    }

    fn query_option(&self, option: u32) -> Option<Result<OptionValue>> {
        let st = lock(&self.state);
        Some(Ok(match option {
            INTERNET_OPTION_URL => OptionValue::Str(st.url()),
            INTERNET_OPTION_REQUEST_FLAGS => OptionValue::Dword(if st.response.is_some() {
                0
            } else {
                INTERNET_REQFLAG_NO_HEADERS
            }),
            INTERNET_OPTION_SECURITY_FLAGS => OptionValue::Dword(st.security_flags),
            INTERNET_OPTION_SECURITY_CERTIFICATE => {
                return Some(match &st.tls {
                    Some(tls) => Ok(OptionValue::Str(crate::certinfo::describe(tls))),
                    None => Err(Error::new(ERROR_INTERNET_INVALID_OPERATION)),
                });
            }
            INTERNET_OPTION_SECURITY_CERTIFICATE_STRUCT => {
                return Some(match &st.tls {
                    Some(tls) => Ok(OptionValue::Certificate(Box::new(crate::certinfo::info(
                        tls,
                    )))),
                    None => Err(Error::new(ERROR_INTERNET_INVALID_OPERATION)),
                });
            }
            _ => return None,
        }))
    }

    fn set_option(&self, option: u32, value: &OptionInput<'_>) -> Option<Result<()>> {
        match option {
            INTERNET_OPTION_SECURITY_FLAGS => Some(match value {
                OptionInput::Bytes(b) if b.len() == 4 => {
                    let v = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
                    if v & SECURITY_FLAG_SECURE != 0 {
                        return Some(Err(Error::new(ERROR_INTERNET_OPTION_NOT_SETTABLE)));
                    }
                    lock(&self.state).security_flags |= v;
                    Ok(())
                }
                _ => Err(Error::new(ERROR_INTERNET_BAD_OPTION_LENGTH)),
            }),
            _ => None,
        }
    }

    async fn close(&self) {
        let up = lock(&self.state).upload.take();
        if let Some(up) = up {
            up.task.abort();
        }
        let body = std::mem::take(&mut *lock(&self.body));
        let closes = body.holds_connection();
        drop(body);
        if closes {
            // The rest of the body cannot be drained without waiting: the connection goes.
            send_notes(
                &self.node,
                crate::body::Notes {
                    closed: true,
                    ..Default::default()
                },
            );
        }
    }
}

impl std::fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpRequest")
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::PortSuffix;

    fn suffix(secure: bool, port: u16) -> (String, String) {
        let mut pushed = String::new();
        PortSuffix(secure, port).push_to(&mut pushed);
        (pushed, PortSuffix(secure, port).to_string())
    }

    #[test]
    fn port_suffix_is_empty_for_the_default_port_and_digits_otherwise() {
        for (secure, port, want) in [
            (false, 80, ""),
            (true, 443, ""),
            (false, 443, ":443"),
            (true, 80, ":80"),
            (false, 0, ":0"),
            (false, 8, ":8"),
            (false, 18090, ":18090"),
            (true, 65535, ":65535"),
        ] {
            let (pushed, shown) = suffix(secure, port);
            assert_eq!(pushed, want, "push_to {secure} {port}");
            assert_eq!(shown, want, "Display {secure} {port}");
        }
    }
}
