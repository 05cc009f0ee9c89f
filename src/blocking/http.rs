//! Blocking HTTP(S): the same handles as [`crate::HttpConnection`], with `std::io::Read` on
//! the response.

use std::io;

use hinternet_core::{Engine, Handle, Result};
use hinternet_http::QueryValue;
use hinternet_http::bytes::Bytes;

pub use crate::http::HttpConnectOptions;

impl super::Internet {
    /// InternetConnect to an HTTP server (port 0 = 80).
    pub fn connect_http(&self, host: &str, port: u16) -> Result<HttpConnection> {
        self.connect_http_with(host, port, HttpConnectOptions::default())
    }

    /// InternetConnect (HTTP) with flags, credentials and a context.
    pub fn connect_http_with(
        &self,
        host: &str,
        port: u16,
        options: HttpConnectOptions,
    ) -> Result<HttpConnection> {
        let engine = self.0.engine().clone();
        let inet = self.0.clone();
        let host = host.to_owned();
        let inner =
            engine.block_on(async move { inet.connect_http_with(&host, port, options).await })?;
        Ok(HttpConnection { engine, inner })
    }
}

/// A blocking HTTP connect handle.
#[derive(Debug, Clone)]
pub struct HttpConnection {
    engine: Engine,
    inner: crate::HttpConnection,
}

impl HttpConnection {
    /// The handle value.
    pub fn handle(&self) -> Handle {
        self.inner.handle()
    }

    /// Sends a request: `verb` on `path` with `headers` (`"Name: value\r\n..."`) and `body`.
    pub fn send(
        &self,
        verb: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: impl Into<Bytes>,
    ) -> Result<HttpResponse> {
        let mut b = self.inner.request(verb, path).body(body);
        for (n, v) in headers {
            b = b.header(n, v);
        }
        let inner = self.engine.block_on(b.send())?;
        Ok(HttpResponse {
            engine: self.engine.clone(),
            inner: Some(inner),
        })
    }

    /// A GET without extra headers.
    pub fn get(&self, path: &str) -> Result<HttpResponse> {
        self.send("GET", path, &[], Bytes::new())
    }
}

/// A blocking response: status, headers, and the body as `std::io::Read`.
#[derive(Debug)]
pub struct HttpResponse {
    engine: Engine,
    inner: Option<crate::HttpResponse>,
}

impl HttpResponse {
    fn inner(&self) -> &crate::HttpResponse {
        self.inner.as_ref().expect("present until close")
    }

    /// The request handle.
    pub fn handle(&self) -> Handle {
        self.inner().handle()
    }

    /// The status code.
    pub fn status(&self) -> u16 {
        self.inner().status()
    }

    /// The response headers in order.
    pub fn headers(&self) -> Vec<(String, String)> {
        self.inner().headers()
    }

    /// The first value of a response header.
    pub fn header(&self, name: &str) -> Option<String> {
        self.inner().header(name)
    }

    /// HttpQueryInfo as a value.
    pub fn query(&self, level: u32, custom: Option<&str>, index: u32) -> Result<QueryValue> {
        self.inner().query(level, custom, index)
    }

    /// InternetCloseHandle on the request.
    pub fn close(mut self) -> Result<()> {
        let r = self.inner.take().expect("present until close");
        self.engine.block_on(r.close())
    }
}

impl io::Read for HttpResponse {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        use tokio::io::AsyncReadExt;
        let engine = self.engine.clone();
        let r = self.inner.as_mut().expect("present until close");
        engine.block_on(r.read(buf))
    }
}
