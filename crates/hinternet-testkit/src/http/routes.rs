//! The route table and the scriptable replies.

use super::auth::{AuthKind, AuthSpec};
use super::server::RequestRecord;
use crate::Signal;
use bytes::Bytes;
use std::fmt;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

/// A reply computed from the request at request time.
pub type Handler = Arc<dyn Fn(&RequestRecord) -> Reply + Send + Sync>;

/// A piece of a streamed response body (see [`Reply::pieces`]).
#[derive(Clone, Debug)]
pub enum Piece {
    /// Send these bytes (as one chunk, if the body is chunked).
    Data(Bytes),
    /// Send `len` bytes of the [pattern](crate::pattern) starting at pattern offset `offset`.
    Pattern {
        /// Pattern offset of the first byte.
        offset: u64,
        /// Number of bytes.
        len: u64,
    },
    /// Wait this long (tokio time, so paused-time tests advance it instantly).
    Delay(Duration),
    /// Wait until the test fires this signal.
    Wait(Signal),
    /// Fire this signal (tells the test the body got this far).
    Fire(Signal),
    /// Fail the body here: hyper aborts the connection mid-body.
    Fail,
}

/// A content coding for [`Reply::encoded`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Encoding {
    /// `Content-Encoding: gzip` (RFC 1952).
    Gzip,
    /// `Content-Encoding: deflate`, the zlib format (RFC 1950) as HTTP defines it.
    Deflate,
    /// `Content-Encoding: deflate` but a raw deflate stream (RFC 1951), as some broken
    /// servers send.
    RawDeflate,
    /// `Content-Encoding: br` (brotli).
    Brotli,
}

impl Encoding {
    /// The `Content-Encoding` token.
    pub fn token(self) -> &'static str {
        match self {
            Encoding::Gzip => "gzip",
            Encoding::Deflate | Encoding::RawDeflate => "deflate",
            Encoding::Brotli => "br",
        }
    }

    /// Compresses `data` with this coding.
    pub fn encode(self, data: &[u8]) -> Vec<u8> {
        use flate2::Compression;
        let res: std::io::Result<Vec<u8>> = match self {
            Encoding::Gzip => {
                let mut e = flate2::write::GzEncoder::new(Vec::new(), Compression::default());
                e.write_all(data).and_then(|_| e.finish())
            }
            Encoding::Deflate => {
                let mut e = flate2::write::ZlibEncoder::new(Vec::new(), Compression::default());
                e.write_all(data).and_then(|_| e.finish())
            }
            Encoding::RawDeflate => {
                let mut e = flate2::write::DeflateEncoder::new(Vec::new(), Compression::default());
                e.write_all(data).and_then(|_| e.finish())
            }
            Encoding::Brotli => {
                let mut out = Vec::new();
                {
                    let mut w = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
                    let _ = w.write_all(data);
                }
                Ok(out)
            }
        };
        res.expect("compressing into memory cannot fail")
    }
}

/// The body of a reply, before it is turned into a response.
#[derive(Clone)]
pub(crate) enum BodySpec {
    Empty,
    Fixed(Bytes),
    Generated(u64),
    File { path: PathBuf, len: u64 },
    Pieces(Vec<Piece>),
    Echo,
    Directory(PathBuf),
    Handler(Handler),
    Sequence(Arc<(AtomicUsize, Vec<Reply>)>),
    Auth(Arc<AuthSpec>),
    Tunnel,
}

/// What a route answers: status, headers and a body, built with the constructors below
/// and refined with the `with_*`/`header` methods.
///
/// Bodies of known length (fixed, generated, files) are sent with `Content-Length`; streamed
/// pieces without a length go out chunked on HTTP/1.1. HEAD requests get the headers only.
#[derive(Clone)]
pub struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) defaults: Vec<(String, String)>,
    pub(crate) body: BodySpec,
    pub(crate) ranges: bool,
    pub(crate) last_modified: Option<SystemTime>,
    pub(crate) before: Vec<Piece>,
}

impl fmt::Debug for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let body = match &self.body {
            BodySpec::Empty => "empty".to_owned(),
            BodySpec::Fixed(b) => format!("fixed({} bytes)", b.len()),
            BodySpec::Generated(n) => format!("generated({n} bytes)"),
            BodySpec::File { path, len } => format!("file({}, {len} bytes)", path.display()),
            BodySpec::Pieces(p) => format!("pieces({})", p.len()),
            BodySpec::Echo => "echo".to_owned(),
            BodySpec::Directory(d) => format!("directory({})", d.display()),
            BodySpec::Handler(_) => "handler".to_owned(),
            BodySpec::Sequence(s) => format!("sequence({})", s.1.len()),
            BodySpec::Auth(a) => format!("auth({:?})", a.kind),
            BodySpec::Tunnel => "tunnel".to_owned(),
        };
        f.debug_struct("Reply")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &body)
            .finish()
    }
}

impl Reply {
    fn with_body(status: u16, body: BodySpec) -> Self {
        Reply {
            status,
            headers: Vec::new(),
            defaults: Vec::new(),
            body,
            ranges: false,
            last_modified: None,
            before: Vec::new(),
        }
    }

    /// Adds a constructor default header (replaced by an explicit header of the same name).
    fn dheader(mut self, name: &str, value: impl Into<String>) -> Self {
        self.defaults.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.defaults.push((name.to_owned(), value.into()));
        self
    }

    /// `200 OK` with a fixed body and `Content-Type: application/octet-stream`.
    pub fn bytes(body: impl Into<Bytes>) -> Self {
        Self::with_body(200, BodySpec::Fixed(body.into()))
            .dheader("Content-Type", "application/octet-stream")
    }

    /// `200 OK` with a fixed text body and `Content-Type: text/plain; charset=utf-8`.
    pub fn text(body: impl Into<String>) -> Self {
        Self::with_body(200, BodySpec::Fixed(Bytes::from(body.into())))
            .dheader("Content-Type", "text/plain; charset=utf-8")
    }

    /// `200 OK` with a fixed HTML body.
    pub fn html(body: impl Into<String>) -> Self {
        Self::with_body(200, BodySpec::Fixed(Bytes::from(body.into())))
            .dheader("Content-Type", "text/html; charset=utf-8")
    }

    /// The given status with an empty body (`204`, `304` and `1xx` get no `Content-Length`).
    pub fn status(code: u16) -> Self {
        Self::with_body(code, BodySpec::Empty)
    }

    /// `204 No Content`.
    pub fn no_content() -> Self {
        Self::status(204)
    }

    /// `304 Not Modified`.
    pub fn not_modified() -> Self {
        Self::status(304)
    }

    /// `404 Not Found` with a short text body.
    pub fn not_found() -> Self {
        Self::text("not found\n").with_status(404)
    }

    /// `200 OK` with an `len`-byte [pattern](crate::pattern) body (sizes of several GiB are
    /// fine: nothing is allocated), `Content-Length`, and Range support
    /// (`Accept-Ranges: bytes`, `206`, `416`).
    pub fn generated(len: u64) -> Self {
        Self::with_body(200, BodySpec::Generated(len))
            .dheader("Content-Type", "application/octet-stream")
            .accept_ranges()
    }

    /// `200 OK` streaming the given pieces; without an explicit `Content-Length` header the
    /// body goes out chunked (HTTP/1.1).
    pub fn pieces(pieces: Vec<Piece>) -> Self {
        Self::with_body(200, BodySpec::Pieces(pieces))
            .dheader("Content-Type", "application/octet-stream")
    }

    /// `200 OK` with a chunked body, one chunk per element.
    pub fn chunked<I, B>(chunks: I) -> Self
    where
        I: IntoIterator<Item = B>,
        B: Into<Bytes>,
    {
        Self::pieces(chunks.into_iter().map(|c| Piece::Data(c.into())).collect())
    }

    /// `200 OK` sending `body` in `piece`-byte pieces with `delay` before each piece (tokio
    /// time), with `Content-Length`.
    pub fn slow(body: impl Into<Bytes>, piece: usize, delay: Duration) -> Self {
        let body: Bytes = body.into();
        let len = body.len();
        let piece = piece.max(1);
        let mut pieces = Vec::new();
        let mut at = 0;
        while at < len {
            let end = (at + piece).min(len);
            pieces.push(Piece::Delay(delay));
            pieces.push(Piece::Data(body.slice(at..end)));
            at = end;
        }
        Self::pieces(pieces).dheader("Content-Length", len.to_string())
    }

    /// A redirect (`301`, `302`, `303`, `307` or `308`) to `location`, with a short body.
    pub fn redirect(code: u16, location: impl Into<String>) -> Self {
        let location = location.into();
        Self::with_body(
            code,
            BodySpec::Fixed(Bytes::from(format!("redirecting to {location}\n"))),
        )
        .dheader("Content-Type", "text/plain")
        .dheader("Location", location)
    }

    /// An echo of the request: `200 OK`, `text/plain`, the body being the request line, the
    /// headers as received (`name: value` CRLF-terminated, then an empty line) and the
    /// request body.
    pub fn echo() -> Self {
        Self::with_body(200, BodySpec::Echo).dheader("Content-Type", "text/plain")
    }

    /// Serves a local folder under the route's prefix (use a route ending in `*`): nginx-like
    /// autoindex pages for directories (`<a href="name">name</a>`, date, size), files with
    /// `Last-Modified`, `If-Modified-Since` (`304`) and Range support, `301` to add the
    /// trailing slash of a directory, `404` for missing files, `403` for `..`.
    pub fn directory(dir: impl Into<PathBuf>) -> Self {
        Self::with_body(200, BodySpec::Directory(dir.into()))
    }

    /// A reply computed from each request.
    pub fn handler<F>(f: F) -> Self
    where
        F: Fn(&RequestRecord) -> Reply + Send + Sync + 'static,
    {
        Self::with_body(200, BodySpec::Handler(Arc::new(f)))
    }

    /// The n-th request to the route gets the n-th reply; once they are used up, the last
    /// one repeats.
    ///
    /// # Panics
    /// If `replies` is empty.
    pub fn sequence(replies: Vec<Reply>) -> Self {
        assert!(
            !replies.is_empty(),
            "Reply::sequence needs at least one reply"
        );
        Self::with_body(
            200,
            BodySpec::Sequence(Arc::new((AtomicUsize::new(0), replies))),
        )
    }

    fn auth(kind: AuthKind, proxy: bool, realm: &str, user: &str, pass: &str, ok: Reply) -> Self {
        Self::with_body(
            200,
            BodySpec::Auth(Arc::new(AuthSpec::new(kind, proxy, realm, user, pass, ok))),
        )
    }

    /// `401` with `WWW-Authenticate: Basic realm="…"` unless the request carries
    /// `Authorization: Basic` with exactly `user`/`pass`; then `ok`.
    pub fn basic_auth(realm: &str, user: &str, pass: &str, ok: Reply) -> Self {
        Self::auth(AuthKind::Basic, false, realm, user, pass, ok)
    }

    /// `401` with `WWW-Authenticate: Digest realm, nonce, opaque, qop="auth", algorithm=MD5`
    /// unless the request carries a Digest `Authorization` whose response checks out (MD5,
    /// with or without qop=auth) for `user`/`pass`; then `ok`.
    pub fn digest_auth(realm: &str, user: &str, pass: &str, ok: Reply) -> Self {
        Self::auth(AuthKind::Digest, false, realm, user, pass, ok)
    }

    /// Like [`basic_auth`](Self::basic_auth) in the proxy role: `407` with
    /// `Proxy-Authenticate`, checking `Proxy-Authorization`.
    pub fn proxy_basic_auth(realm: &str, user: &str, pass: &str, ok: Reply) -> Self {
        Self::auth(AuthKind::Basic, true, realm, user, pass, ok)
    }

    /// Like [`digest_auth`](Self::digest_auth) in the proxy role (`407`).
    pub fn proxy_digest_auth(realm: &str, user: &str, pass: &str, ok: Reply) -> Self {
        Self::auth(AuthKind::Digest, true, realm, user, pass, ok)
    }

    /// `200 OK` with `body` compressed with `encoding` and the matching `Content-Encoding`.
    pub fn encoded(encoding: Encoding, body: impl AsRef<[u8]>) -> Self {
        Self::bytes(encoding.encode(body.as_ref()))
            .dheader("Content-Encoding", encoding.token())
            .dheader("Content-Type", "text/plain")
    }

    /// The proxy role's answer to `CONNECT host:port`: `200`, then the connection becomes a
    /// byte tunnel to that address. Only loopback targets are connected (others get `403`;
    /// unreachable ones `502`). Route it with `route_method("CONNECT", "*", Reply::tunnel())`,
    /// optionally inside [`proxy_basic_auth`](Self::proxy_basic_auth).
    pub fn tunnel() -> Self {
        Self::with_body(200, BodySpec::Tunnel)
    }

    /// Replaces the status code.
    pub fn with_status(mut self, code: u16) -> Self {
        self.status = code;
        self
    }

    /// Adds a header. Headers set here replace the defaults of the same name (such as
    /// `Content-Type` or `Content-Length`); repeating a name sends it several times.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Removes every header of this name set so far.
    pub fn without_header(mut self, name: &str) -> Self {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.defaults.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self
    }

    /// Adds a `Set-Cookie` header.
    pub fn set_cookie(self, cookie: impl Into<String>) -> Self {
        self.header("Set-Cookie", cookie)
    }

    /// Adds `Connection: close`: the server closes the connection after this response.
    pub fn close_connection(self) -> Self {
        self.header("Connection", "close")
    }

    /// Honours `Range: bytes=…` (single ranges) on a body of known length, and sends
    /// `Accept-Ranges: bytes`.
    pub fn accept_ranges(mut self) -> Self {
        self.ranges = true;
        self
    }

    /// Sends `Last-Modified` and answers `304` to a matching `If-Modified-Since`.
    pub fn last_modified(mut self, t: SystemTime) -> Self {
        self.last_modified = Some(t);
        self
    }

    /// Runs these pieces (delays, waits, signals; data pieces are ignored) before the
    /// response headers are sent — e.g. `Piece::Wait(signal)` to hold a response until the
    /// test has cancelled or timed out.
    pub fn before_headers(mut self, pieces: Vec<Piece>) -> Self {
        self.before = pieces;
        self
    }

    /// Resolves handler, sequence and auth replies for this request.
    pub(crate) fn resolve(&self, req: &RequestRecord, mount: &str) -> Reply {
        let mut reply = self.clone();
        for _ in 0..16 {
            let next = match &reply.body {
                BodySpec::Handler(h) => h(req),
                BodySpec::Sequence(s) => {
                    let i = s.0.fetch_add(1, Ordering::SeqCst).min(s.1.len() - 1);
                    s.1[i].clone()
                }
                BodySpec::Auth(a) => a.answer(req),
                BodySpec::Directory(d) => super::dir::serve(d, mount, req),
                _ => return reply,
            };
            reply = merge(&reply, next);
        }
        Reply::text("testkit: reply nesting too deep\n").with_status(500)
    }
}

/// Outer settings (headers, before-pieces) carry over onto the resolved inner reply.
fn merge(outer: &Reply, mut inner: Reply) -> Reply {
    let mut headers = outer.headers.clone();
    headers.append(&mut inner.headers);
    inner.headers = headers;
    if inner.before.is_empty() {
        inner.before = outer.before.clone();
    }
    inner
}

#[derive(Clone, Debug)]
struct Route {
    method: Option<String>,
    path: String,
    prefix: bool,
    reply: Reply,
}

/// The route table of a [`TestServer`](super::TestServer).
///
/// Paths match the request path exactly (the query is ignored), or as a prefix when the
/// route ends in `*` (`"/files/*"`). The first matching route wins; unmatched requests get
/// the fallback (`404` by default).
#[derive(Clone, Debug)]
pub struct Routes {
    routes: Vec<Route>,
    fallback: Reply,
}

impl Default for Routes {
    fn default() -> Self {
        Self::new()
    }
}

impl Routes {
    /// An empty table (everything is `404`).
    pub fn new() -> Self {
        Routes {
            routes: Vec::new(),
            fallback: Reply::not_found(),
        }
    }

    /// Adds a route for any method.
    pub fn route(self, path: impl Into<String>, reply: Reply) -> Self {
        self.add(None, path.into(), reply)
    }

    /// Adds a route for one method (e.g. `"PUT"`).
    pub fn route_method(self, method: &str, path: impl Into<String>, reply: Reply) -> Self {
        self.add(Some(method.to_ascii_uppercase()), path.into(), reply)
    }

    /// Serves the folder `dir` under `prefix` (e.g. `"/files/"`), see [`Reply::directory`].
    pub fn directory(self, prefix: &str, dir: impl Into<PathBuf>) -> Self {
        let mut p = prefix.trim_end_matches('*').to_owned();
        if !p.ends_with('/') {
            p.push('/');
        }
        // Also match the bare prefix without its slash, so it can be redirected.
        let bare = p.trim_end_matches('/').to_owned();
        let dir = dir.into();
        let mut r = self.add(None, format!("{p}*"), Reply::directory(dir.clone()));
        if !bare.is_empty() {
            r = r.add(None, bare.clone(), Reply::redirect(301, p.clone()));
        }
        r
    }

    /// Sets the reply for requests no route matches.
    pub fn fallback(mut self, reply: Reply) -> Self {
        self.fallback = reply;
        self
    }

    fn add(mut self, method: Option<String>, path: String, reply: Reply) -> Self {
        let (path, prefix) = match path.strip_suffix('*') {
            Some(p) => (p.to_owned(), true),
            None => (path, false),
        };
        self.routes.push(Route {
            method,
            path,
            prefix,
            reply,
        });
        self
    }

    /// The reply for a request and the prefix it was mounted on.
    pub(crate) fn find(&self, method: &str, path: &str) -> (&Reply, &str) {
        for r in &self.routes {
            if let Some(m) = &r.method
                && m != method
            {
                continue;
            }
            let hit = if r.prefix {
                path.starts_with(&r.path)
            } else {
                path == r.path
            };
            if hit {
                return (&r.reply, &r.path);
            }
        }
        (&self.fallback, "")
    }
}
