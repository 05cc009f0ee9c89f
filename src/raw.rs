//! WinINet entry points by handle value, for front doors that speak WinINet (the C shim) and
//! for tests that drive the engine the way a C program does. The handle-generic ones come from
//! the core; the URL-aware ones (InternetOpenUrl) live here, where the URL crate and the
//! protocol table meet.

pub use hinternet_core::calls::*;
pub use hinternet_core::dispatch::{Outcome, Pend};
pub use hinternet_ftp::calls::*;
pub use hinternet_http::calls::*;

use hinternet_core::consts::*;
use hinternet_core::dispatch::dispatch;
use hinternet_core::registry::{ConnectRequest, Protocol, UrlRequest};
use hinternet_core::status::AsyncResult;
use hinternet_core::{Engine, Error, Handle, HandleKind, Result};
use std::sync::Arc;

/// Cracks a URL for InternetOpenUrl and finds the protocol that serves its scheme.
fn prepare_open_url(
    engine: &Engine,
    url: &str,
    headers: Option<&str>,
    flags: u32,
    context: usize,
) -> Result<(Arc<dyn Protocol>, UrlRequest)> {
    if url.is_empty() {
        return Err(Error::new(ERROR_INVALID_PARAMETER));
    }
    let mut request = crate_url_request(url)?;
    let protocol = engine.registry().for_scheme(&request.scheme)?;
    request.headers = headers.map(str::to_owned);
    request.flags = flags;
    request.context = context;
    Ok((protocol, request))
}

/// The URL as a protocol needs it, through the URL crate.
fn crate_url_request(url: &str) -> Result<UrlRequest> {
    hinternet_url_request(url)
}

/// Runs a protocol operation made on a root handle (InternetOpenUrl, InternetConnect): the
/// handle and its type are checked first (ERROR_INVALID_HANDLE, then
/// ERROR_INTERNET_INCORRECT_HANDLE_TYPE), then `prepare` checks the arguments; `run` gets its
/// own call on the root for the protocol to create children under. REQUEST_COMPLETE goes to
/// the root with the call's `context` and the new handle in `dwResult`.
fn on_root<R, F>(
    engine: &Engine,
    root: u64,
    pend: Pend,
    context: usize,
    prepare: impl FnOnce() -> Result<(Arc<dyn Protocol>, R)>,
    run: impl FnOnce(Arc<dyn Protocol>, Arc<hinternet_core::Call>, R) -> F,
    complete: impl FnOnce(&Result<Handle>) + Send + 'static,
) -> Outcome<Handle>
where
    F: std::future::Future<Output = Result<Handle>> + Send + 'static,
{
    let prepared = engine
        .enter_kind(root, |k| k == HandleKind::Internet)
        .and_then(|call| {
            let (protocol, request) = prepare()?;
            let inner = engine.enter(root)?;
            Ok((call, inner, protocol, request))
        });
    let (call, inner, protocol, request) = match prepared {
        Ok(p) => p,
        Err(e) => return Outcome::Done(Err(e)),
    };
    let inner = Arc::new(inner);
    let fut = run(protocol, Arc::clone(&inner), request);
    let fut = async move {
        let r = fut.await;
        drop(inner);
        r
    };
    dispatch(call, pend, Some(context), fut, move |r| {
        complete(&r);
        handle_result(&r)
    })
}

/// InternetOpenUrl, by handle value. Checks in native order: the handle (ERROR_INVALID_HANDLE),
/// its type (must be a root: ERROR_INTERNET_INCORRECT_HANDLE_TYPE), the URL. In async mode it
/// always pends; REQUEST_COMPLETE carries the new handle in `dwResult`.
pub fn internet_open_url(
    engine: &Engine,
    root: u64,
    url: &str,
    headers: Option<&str>,
    flags: u32,
    context: usize,
    complete: impl FnOnce(&Result<Handle>) + Send + 'static,
) -> Outcome<Handle> {
    on_root(
        engine,
        root,
        Pend::Always,
        context,
        || prepare_open_url(engine, url, headers, flags, context),
        |protocol, inner, request| async move { protocol.open_url(&inner, request).await },
        complete,
    )
}

/// InternetOpenUrl for async Rust callers: the same checks, awaited in the caller's task.
pub async fn open_url_async(
    engine: &Engine,
    root: u64,
    url: &str,
    headers: Option<&str>,
    flags: u32,
    context: usize,
) -> Result<Handle> {
    let call = engine.enter_kind(root, |k| k == HandleKind::Internet)?;
    let (protocol, request) = prepare_open_url(engine, url, headers, flags, context)?;
    let token = call.node().cancelled().clone();
    let r = hinternet_core::dispatch::cancellable(token, protocol.open_url(&call, request)).await;
    call.finish().await;
    r
}

/// Cracks `url` into what a protocol needs, through the URL crate: scheme (lower case), host,
/// port (explicit or the scheme's default), credentials and path percent-decoded, extra info.
fn hinternet_url_request(url: &str) -> Result<UrlRequest> {
    let cracked = hinternet_url::crack(url, 0)?;
    let parts = cracked.parts();
    let scheme = parts
        .scheme
        .filter(|s| !s.is_empty())
        .ok_or_else(|| Error::new(ERROR_INTERNET_UNRECOGNIZED_SCHEME))?;
    let decode = |s: Option<&str>| s.map(|v| hinternet_url::percent_decode(v).into_owned());
    Ok(UrlRequest {
        url: cracked.url().to_owned(),
        scheme: scheme.to_ascii_lowercase(),
        host: parts.host.unwrap_or_default().to_owned(),
        port: parts.port,
        user: decode(parts.user),
        password: decode(parts.password),
        path: decode(parts.path).unwrap_or_default(),
        extra: parts.extra.unwrap_or_default().to_owned(),
        ..UrlRequest::default()
    })
}

/// InternetConnect's arguments.
#[derive(Debug, Clone, Copy, Default)]
pub struct ConnectArgs<'a> {
    /// Server name or address literal (`None` = NULL).
    pub server: Option<&'a str>,
    /// Port (0 = the service's default).
    pub port: u16,
    /// User name (`None` = NULL).
    pub user: Option<&'a str>,
    /// Password (`None` = NULL).
    pub password: Option<&'a str>,
    /// `INTERNET_SERVICE_*`.
    pub service: u32,
    /// `INTERNET_FLAG_*`.
    pub flags: u32,
    /// The context of the new handle.
    pub context: usize,
}

/// The checks of InternetConnect after the handle's: a server name is required; a password
/// without a user name is a parameter error; the service must be one a protocol serves.
fn prepare_connect(
    engine: &Engine,
    args: &ConnectArgs<'_>,
) -> Result<(Arc<dyn Protocol>, ConnectRequest)> {
    let server = args
        .server
        .filter(|s| !s.is_empty())
        .ok_or_else(|| Error::new(ERROR_INVALID_PARAMETER))?;
    let user = args.user.filter(|u| !u.is_empty());
    if user.is_none() && args.password.is_some_and(|p| !p.is_empty()) {
        return Err(Error::new(ERROR_INVALID_PARAMETER));
    }
    let protocol = engine.registry().for_service(args.service)?;
    Ok((
        protocol,
        ConnectRequest {
            server: server.to_owned(),
            port: args.port,
            user: user.map(str::to_owned),
            password: args.password.map(str::to_owned),
            flags: args.flags,
            context: args.context,
            implicit_tls: false,
        },
    ))
}

/// InternetConnect, by handle value. Checks in native order: the handle
/// (`ERROR_INVALID_HANDLE`), its type (a root: `ERROR_INTERNET_INCORRECT_HANDLE_TYPE`), then
/// the arguments. A connect that needs no network (HTTP) completes at once in both modes; one
/// that logs in (FTP) pends in async mode and completes with the new handle in `dwResult`.
pub fn internet_connect(
    engine: &Engine,
    root: u64,
    args: ConnectArgs<'_>,
    complete: impl FnOnce(&Result<Handle>) + Send + 'static,
) -> Outcome<Handle> {
    on_root(
        engine,
        root,
        Pend::WhenWaiting,
        args.context,
        || prepare_connect(engine, &args),
        |protocol, inner, request| async move { protocol.connect(&inner, request).await },
        complete,
    )
}

/// InternetConnect for async Rust callers.
pub async fn connect_async(engine: &Engine, root: u64, args: ConnectArgs<'_>) -> Result<Handle> {
    connect_async_with(engine, root, args, false).await
}

/// [`connect_async`] with TLS from the first byte (implicit FTPS) when `implicit_tls`.
pub(crate) async fn connect_async_with(
    engine: &Engine,
    root: u64,
    args: ConnectArgs<'_>,
    implicit_tls: bool,
) -> Result<Handle> {
    let call = engine.enter_kind(root, |k| k == HandleKind::Internet)?;
    let (protocol, mut request) = prepare_connect(engine, &args)?;
    request.implicit_tls = implicit_tls;
    let token = call.node().cancelled().clone();
    let r = hinternet_core::dispatch::cancellable(token, protocol.connect(&call, request)).await;
    call.finish().await;
    r
}

/// The INTERNET_ASYNC_RESULT of a call that creates a handle: {handle, 0} or {0, code}.
pub fn handle_result(r: &Result<Handle>) -> AsyncResult {
    match r {
        Ok(h) => AsyncResult {
            result: h.as_raw(),
            error: 0,
        },
        Err(e) => AsyncResult {
            result: 0,
            error: e.code(),
        },
    }
}

/// Registers the built-in protocols on an engine (the process-wide engine has them already).
pub fn register_builtin(engine: &Engine) {
    crate::protocols::register_all(engine);
}
