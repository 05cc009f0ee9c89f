//! HTTP(S) in the Rust API: [`Internet::connect_http`] gives an [`HttpConnection`]
//! (InternetConnect), whose [`request`](HttpConnection::request) builder opens a request
//! (HttpOpenRequest + HttpAddRequestHeaders) and sends it (HttpSendRequest), or streams an
//! upload ([`HttpUpload`]: HttpSendRequestEx + InternetWriteFile + HttpEndRequest). An
//! [`HttpResponse`] has the status and headers (HttpQueryInfo) and reads the body
//! (`AsyncRead`, InternetReadFile).

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use hinternet_core::consts::*;
use hinternet_core::{Engine, Error, Handle, OptionValue, Result};
use hinternet_http::bytes::Bytes;
use hinternet_http::{OpenRequest, QueryValue};
use tokio::io::{AsyncRead, AsyncReadExt, ReadBuf};

use crate::internet::Internet;
use crate::raw::ConnectArgs;
use crate::resource::{Owned, Resource};

/// InternetConnect's options for HTTP.
#[derive(Debug, Clone, Default)]
pub struct HttpConnectOptions {
    /// `INTERNET_FLAG_*` (SECURE: requests default to TLS and port 0 means 443).
    pub flags: u32,
    /// User name for authentication.
    pub user: Option<String>,
    /// Password for authentication (never printed).
    pub password: Option<String>,
    /// The connect handle's context (0: no status events for it).
    pub context: usize,
}

impl Internet {
    /// InternetConnect to an HTTP server (no network until the first request is sent); port 0
    /// is 80.
    pub async fn connect_http(&self, host: &str, port: u16) -> Result<HttpConnection> {
        self.connect_http_with(host, port, HttpConnectOptions::default())
            .await
    }

    /// InternetConnect to an HTTPS server; port 0 is 443.
    pub async fn connect_https(&self, host: &str, port: u16) -> Result<HttpConnection> {
        let options = HttpConnectOptions {
            flags: INTERNET_FLAG_SECURE,
            ..HttpConnectOptions::default()
        };
        self.connect_http_with(host, port, options).await
    }

    /// InternetConnect (HTTP) with flags, credentials and a context.
    pub async fn connect_http_with(
        &self,
        host: &str,
        port: u16,
        options: HttpConnectOptions,
    ) -> Result<HttpConnection> {
        let engine = self.engine().clone();
        let handle = crate::raw::connect_async(
            &engine,
            self.handle().as_raw(),
            ConnectArgs {
                server: Some(host),
                port,
                user: options.user.as_deref(),
                password: options.password.as_deref(),
                service: INTERNET_SERVICE_HTTP,
                flags: options.flags,
                context: options.context,
            },
        )
        .await?;
        Ok(HttpConnection {
            owned: Arc::new(Owned::new(engine, handle)),
        })
    }
}

/// An HTTP connect handle. Cheap to clone; closed when the last clone and the last request
/// made from it are gone.
#[derive(Debug, Clone)]
pub struct HttpConnection {
    owned: Arc<Owned>,
}

impl HttpConnection {
    /// The handle value.
    pub fn handle(&self) -> Handle {
        self.owned.handle()
    }

    /// A request with any verb (`"GET"`, `"POST"`, ...) on `path` (request target).
    pub fn request(&self, verb: &str, path: &str) -> HttpRequestBuilder {
        HttpRequestBuilder {
            conn: Arc::clone(&self.owned),
            verb: verb.to_owned(),
            path: path.to_owned(),
            headers: String::new(),
            body: Bytes::new(),
            flags: 0,
            context: 1,
            referrer: None,
            accept: Vec::new(),
        }
    }

    /// A GET request.
    pub fn get(&self, path: &str) -> HttpRequestBuilder {
        self.request("GET", path)
    }

    /// A POST request.
    pub fn post(&self, path: &str) -> HttpRequestBuilder {
        self.request("POST", path)
    }
}

/// Builds one request (HttpOpenRequest's and HttpSendRequest's arguments).
#[derive(Debug, Clone)]
#[must_use]
pub struct HttpRequestBuilder {
    conn: Arc<Owned>,
    verb: String,
    path: String,
    headers: String,
    body: Bytes,
    flags: u32,
    context: usize,
    referrer: Option<String>,
    accept: Vec<String>,
}

impl HttpRequestBuilder {
    /// Adds a request header (HttpAddRequestHeaders with HTTP_ADDREQ_FLAG_ADD).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push_str(name);
        self.headers.push_str(": ");
        self.headers.push_str(value);
        self.headers.push_str("\r\n");
        self
    }

    /// The request body (sent with HttpSendRequest).
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// `INTERNET_FLAG_*` of HttpOpenRequest (NO_AUTO_REDIRECT, KEEP_CONNECTION, SECURE, ...).
    pub fn flags(mut self, flags: u32) -> Self {
        self.flags = flags;
        self
    }

    /// The request handle's context (default 1; 0 turns its status events off).
    pub fn context(mut self, context: usize) -> Self {
        self.context = context;
        self
    }

    /// A Referer header.
    pub fn referrer(mut self, referrer: &str) -> Self {
        self.referrer = Some(referrer.to_owned());
        self
    }

    /// An accept type (Accept header entry).
    pub fn accept(mut self, media_type: &str) -> Self {
        self.accept.push(media_type.to_owned());
        self
    }

    fn open(&self) -> Result<(Engine, Handle)> {
        let engine = self.conn.engine().clone();
        let accept: Vec<&str> = self.accept.iter().map(String::as_str).collect();
        let open = OpenRequest::new(
            Some(&self.verb),
            Some(&self.path),
            None,
            self.referrer.as_deref(),
            &accept,
            self.flags,
        );
        let handle = hinternet_http::http_open_request(
            &engine,
            self.conn.handle().as_raw(),
            open,
            self.context,
        )?;
        if !self.headers.is_empty()
            && let Err(e) = hinternet_http::http_add_request_headers(
                &engine,
                handle.as_raw(),
                Some(&self.headers),
                HTTP_ADDREQ_FLAG_ADD,
            )
        {
            let _ = engine.close_detached(handle.as_raw());
            return Err(e);
        }
        Ok((engine, handle))
    }

    /// HttpOpenRequest + HttpSendRequest: sends and waits for the response head (following
    /// redirects unless NO_AUTO_REDIRECT). Any status is a response, not an error.
    pub async fn send(self) -> Result<HttpResponse> {
        let (engine, handle) = self.open()?;
        let resource = Resource::new(engine.clone(), handle);
        hinternet_http::send_async(&engine, handle.as_raw(), None, self.body).await?;
        Ok(HttpResponse {
            resource,
            engine,
            _conn: self.conn,
        })
    }

    /// HttpOpenRequest + HttpSendRequestEx: starts a streamed upload of `total` bytes
    /// (Content-Length; 0 sends the body chunked). The builder's body goes first.
    pub async fn send_streaming(self, total: u64) -> Result<HttpUpload> {
        let (engine, handle) = self.open()?;
        let resource = Resource::new(engine.clone(), handle);
        hinternet_http::send_ex_async(&engine, handle.as_raw(), None, self.body, total).await?;
        Ok(HttpUpload {
            resource,
            engine,
            conn: self.conn,
        })
    }
}

/// A streamed upload (between HttpSendRequestEx and HttpEndRequest).
#[derive(Debug)]
pub struct HttpUpload {
    resource: Resource,
    engine: Engine,
    conn: Arc<Owned>,
}

impl HttpUpload {
    /// InternetWriteFile: sends all of `data`.
    pub async fn write_all(&mut self, data: &[u8]) -> Result<()> {
        let call = self.engine.enter(self.resource.handle().as_raw())?;
        let token = call.node().cancelled().clone();
        let r = hinternet_core::dispatch::cancellable(
            token,
            hinternet_core::calls::write_all(call.ops(), data),
        )
        .await;
        call.finish().await;
        r.map(|_| ())
    }

    /// HttpEndRequest: ends the body and waits for the response.
    pub async fn finish(self) -> Result<HttpResponse> {
        hinternet_http::end_request_async(&self.engine, self.resource.handle().as_raw()).await?;
        Ok(HttpResponse {
            resource: self.resource,
            engine: self.engine,
            _conn: self.conn,
        })
    }
}

/// A response: status and headers (HttpQueryInfo), the body as `AsyncRead`
/// (InternetReadFile). Dropping it closes the request handle.
#[derive(Debug)]
pub struct HttpResponse {
    resource: Resource,
    engine: Engine,
    _conn: Arc<Owned>,
}

impl HttpResponse {
    /// The request handle.
    pub fn handle(&self) -> Handle {
        self.resource.handle()
    }

    /// HttpQueryInfo as a value: `level` is `HTTP_QUERY_*` with modifiers; `custom` names the
    /// header for `HTTP_QUERY_CUSTOM`; `index` picks among repeated headers.
    pub fn query(&self, level: u32, custom: Option<&str>, index: u32) -> Result<QueryValue> {
        hinternet_http::http_query_value(&self.engine, self.handle().as_raw(), level, custom, index)
    }

    fn text(&self, level: u32) -> Result<String> {
        match self.query(level, None, 0)? {
            QueryValue::Text(s) => Ok(s),
            QueryValue::Number(n) => Ok(n.to_string()),
            QueryValue::Time(_) => Err(Error::new(ERROR_HTTP_INVALID_QUERY_REQUEST)),
        }
    }

    /// The status code.
    pub fn status(&self) -> u16 {
        self.text(HTTP_QUERY_STATUS_CODE)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
    }

    /// The reason phrase.
    pub fn reason(&self) -> String {
        self.text(HTTP_QUERY_STATUS_TEXT).unwrap_or_default()
    }

    /// The response headers in order (names as most servers spell them).
    pub fn headers(&self) -> Vec<(String, String)> {
        let raw = self.text(HTTP_QUERY_RAW_HEADERS).unwrap_or_default();
        raw.split('\0')
            .skip(1)
            .filter_map(|l| l.split_once(": "))
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
            .collect()
    }

    /// The first value of a response header.
    pub fn header(&self, name: &str) -> Option<String> {
        match self.query(HTTP_QUERY_CUSTOM, Some(name), 0) {
            Ok(QueryValue::Text(s)) => Some(s),
            _ => None,
        }
    }

    /// INTERNET_OPTION_SECURITY_CERTIFICATE_STRUCT: the server certificate's names, validity
    /// and algorithms, and the connection's protocol and cipher (`None` without TLS).
    pub fn certificate(&self) -> Option<crate::CertificateInfo> {
        match self
            .resource
            .query_option(INTERNET_OPTION_SECURITY_CERTIFICATE_STRUCT)
        {
            Ok(OptionValue::Certificate(c)) => Some(*c),
            _ => None,
        }
    }

    /// INTERNET_OPTION_URL: the URL the response came from (after redirects).
    pub fn url(&self) -> String {
        match self.resource.query_option(INTERNET_OPTION_URL) {
            Ok(OptionValue::Str(s)) => s,
            _ => String::new(),
        }
    }

    /// The underlying resource (reads, data available, options).
    pub fn resource(&self) -> &Resource {
        &self.resource
    }

    /// Reads the whole body.
    pub async fn bytes(mut self) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        self.resource.read_to_end(&mut out).await.map_err(|e| {
            match crate::error_of(&e).map(Error::code) {
                Some(code) => Error::new(code).with_source(e),
                None => Error::from_io(e),
            }
        })?;
        Ok(out)
    }

    /// InternetCloseHandle on the request.
    pub async fn close(self) -> Result<()> {
        self.resource.close().await
    }
}

impl AsyncRead for HttpResponse {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().resource).poll_read(cx, buf)
    }
}
