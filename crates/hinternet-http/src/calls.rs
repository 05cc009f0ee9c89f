//! The HTTP entry points by handle value, in native check order (handle, handle type,
//! parameters), dispatched sync or async like core's calls. Both front doors come through
//! here.

use std::sync::Arc;

use bytes::Bytes;
use hinternet_core::consts::*;
use hinternet_core::dispatch::{Outcome, Pend, bool_result, cancellable, dispatch};
use hinternet_core::options::CharUnit;
use hinternet_core::{Call, ChildParams, Engine, Error, Handle, HandleKind, Result};

use crate::pool::Pool;
use crate::request::{HttpRequest, OpenRequest};
use crate::{HttpConnect, query};

/// The request object behind a call on a request handle.
pub fn request_of(call: &Call) -> Result<&HttpRequest> {
    call.ops()
        .as_any()
        .downcast_ref::<HttpRequest>()
        .ok_or_else(|| Error::new(ERROR_INTERNET_INCORRECT_HANDLE_TYPE))
}

fn enter_request(engine: &Engine, raw: u64) -> Result<Call> {
    engine.enter_kind(raw, |k| k == HandleKind::HttpRequest)
}

/// HttpOpenRequest: a request handle under an HTTP connect handle (no network). Synchronous
/// in both modes, as native.
pub fn http_open_request(
    engine: &Engine,
    connect: u64,
    open: OpenRequest,
    context: usize,
) -> Result<Handle> {
    let call = engine.enter_kind(connect, |k| k == HandleKind::ConnectHttp)?;
    let info = call
        .ops()
        .as_any()
        .downcast_ref::<HttpConnect>()
        .map(|c| Arc::clone(c.info()))
        .ok_or_else(|| Error::new(ERROR_INTERNET_INCORRECT_HANDLE_TYPE))?;
    let pool = call.node().session().extension(Pool::default);
    let max = engine.with_globals(|g| g.max_conns_per_server);
    let flags = open.flags;
    engine.create_child(
        &call,
        ChildParams {
            kind: HandleKind::HttpRequest,
            context,
            flags,
        },
        move |node| Arc::new(HttpRequest::new(node, pool, info, max, open)),
    )
}

/// HttpAddRequestHeaders (synchronous). An absent header string does nothing.
pub fn http_add_request_headers(
    engine: &Engine,
    raw: u64,
    headers: Option<&str>,
    modifiers: u32,
) -> Result<()> {
    let call = enter_request(engine, raw)?;
    match headers {
        Some(h) => request_of(&call)?.add_headers(h, modifiers),
        None => Ok(()),
    }
}

/// HttpSendRequest: always pends in async mode; `complete` runs before REQUEST_COMPLETE.
pub fn http_send_request(
    engine: &Engine,
    raw: u64,
    headers: Option<String>,
    body: Bytes,
    complete: impl FnOnce(&Result<()>) + Send + 'static,
) -> Outcome<()> {
    let call = match enter_request(engine, raw) {
        Ok(c) => c,
        Err(e) => return Outcome::Done(Err(e)),
    };
    let ops = Arc::clone(call.ops());
    let fut = async move {
        let req = ops
            .as_any()
            .downcast_ref::<HttpRequest>()
            .ok_or_else(|| Error::new(ERROR_INTERNET_INCORRECT_HANDLE_TYPE))?;
        req.send(headers.as_deref(), body).await
    };
    dispatch(call, Pend::Always, None, fut, move |r| {
        complete(&r);
        bool_result(&r)
    })
}

/// HttpSendRequestEx: connects and sends the head and `initial` body bytes; `total`
/// (dwBufferTotal) becomes the Content-Length (0: chunked).
pub fn http_send_request_ex(
    engine: &Engine,
    raw: u64,
    headers: Option<String>,
    initial: Bytes,
    total: u64,
    complete: impl FnOnce(&Result<()>) + Send + 'static,
) -> Outcome<()> {
    let call = match enter_request(engine, raw) {
        Ok(c) => c,
        Err(e) => return Outcome::Done(Err(e)),
    };
    let ops = Arc::clone(call.ops());
    let fut = async move {
        let req = ops
            .as_any()
            .downcast_ref::<HttpRequest>()
            .ok_or_else(|| Error::new(ERROR_INTERNET_INCORRECT_HANDLE_TYPE))?;
        req.send_ex(headers.as_deref(), initial, total).await
    };
    dispatch(call, Pend::Always, None, fut, move |r| {
        complete(&r);
        bool_result(&r)
    })
}

/// HttpEndRequest: ends the upload and receives the response.
pub fn http_end_request(
    engine: &Engine,
    raw: u64,
    complete: impl FnOnce(&Result<()>) + Send + 'static,
) -> Outcome<()> {
    let call = match enter_request(engine, raw) {
        Ok(c) => c,
        Err(e) => return Outcome::Done(Err(e)),
    };
    let ops = Arc::clone(call.ops());
    let fut = async move {
        let req = ops
            .as_any()
            .downcast_ref::<HttpRequest>()
            .ok_or_else(|| Error::new(ERROR_INTERNET_INCORRECT_HANDLE_TYPE))?;
        req.end_request().await
    };
    dispatch(call, Pend::Always, None, fut, move |r| {
        complete(&r);
        bool_result(&r)
    })
}

/// HttpQueryInfo (synchronous): lays the value into `buf` with the A or W size rules and
/// returns the length to report; `custom` is the header name for `HTTP_QUERY_CUSTOM` (the C
/// shim reads it from the caller's buffer first). See [`query::query_info`].
pub fn http_query_info(
    engine: &Engine,
    raw: u64,
    info_level: u32,
    custom: Option<&str>,
    buf: Option<&mut [u8]>,
    index: Option<&mut u32>,
    unit: CharUnit,
) -> Result<u32> {
    let call = enter_request(engine, raw)?;
    request_of(&call)?.with_heads(info_level, |req, resp| {
        query::query_info(info_level, custom, req, resp, buf, index, unit)
    })
}

/// HttpQueryInfo as a value (for the Rust API).
pub fn http_query_value(
    engine: &Engine,
    raw: u64,
    info_level: u32,
    custom: Option<&str>,
    index: u32,
) -> Result<query::QueryValue> {
    let call = enter_request(engine, raw)?;
    request_of(&call)?.with_heads(info_level, |req, resp| {
        query::resolve(info_level, custom, req, resp, index).map(|(v, _)| v)
    })
}

/// HttpSendRequest for async Rust callers: runs in the caller's task (so paused tokio time
/// drives its timeouts), cancelled when the handle is closed.
pub async fn send_async(
    engine: &Engine,
    raw: u64,
    headers: Option<&str>,
    body: Bytes,
) -> Result<()> {
    let call = enter_request(engine, raw)?;
    let token = call.node().cancelled().clone();
    let r = cancellable(token, async {
        request_of(&call)?.send(headers, body).await
    })
    .await;
    call.finish().await;
    r
}

/// HttpSendRequestEx for async Rust callers.
pub async fn send_ex_async(
    engine: &Engine,
    raw: u64,
    headers: Option<&str>,
    initial: Bytes,
    total: u64,
) -> Result<()> {
    let call = enter_request(engine, raw)?;
    let token = call.node().cancelled().clone();
    let r = cancellable(token, async {
        request_of(&call)?.send_ex(headers, initial, total).await
    })
    .await;
    call.finish().await;
    r
}

/// HttpEndRequest for async Rust callers.
pub async fn end_request_async(engine: &Engine, raw: u64) -> Result<()> {
    let call = enter_request(engine, raw)?;
    let token = call.node().cancelled().clone();
    let r = cancellable(token, async { request_of(&call)?.end_request().await }).await;
    call.finish().await;
    r
}
