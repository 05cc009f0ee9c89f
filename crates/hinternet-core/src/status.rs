//! Status notifications: the typed events the engine emits, their `INTERNET_STATUS_*` codes and
//! payload shapes, and the callback trait both front doors plug into.

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use crate::Handle;
use crate::consts::*;

/// The result carried by `INTERNET_STATUS_REQUEST_COMPLETE` (`INTERNET_ASYNC_RESULT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AsyncResult {
    /// `dwResult`: 1 / a new handle value on success, 0 on failure.
    pub result: u64,
    /// `dwError`: 0 on success (or, for InternetQueryDataAvailable, the byte count), else the code.
    pub error: u32,
}

/// One status notification, as a typed value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StatusEvent {
    /// Looking up the host name (payload: the name).
    ResolvingName(String),
    /// The name resolved (payload: the address as text).
    NameResolved(String),
    /// Connecting to the address (payload: the address as text).
    ConnectingToServer(String),
    /// Connected to the address (payload: the address as text).
    ConnectedToServer(String),
    /// Sending a request or command.
    SendingRequest,
    /// The request was sent (payload: bytes sent).
    RequestSent(u32),
    /// Waiting for the response.
    ReceivingResponse,
    /// A response (or a piece of the body) arrived (payload: bytes received).
    ResponseReceived(u32),
    /// Closing the connection to the server.
    ClosingConnection,
    /// The connection to the server is closed.
    ConnectionClosed,
    /// A child handle was created (payload: the new handle).
    HandleCreated(Handle),
    /// The handle is going away; always its last notification (payload: the handle).
    HandleClosing(Handle),
    /// Proxy detection in progress.
    DetectingProxy,
    /// An asynchronous operation finished.
    RequestComplete(AsyncResult),
    /// An automatic redirect is about to be followed (payload: the new URL).
    Redirect(String),
    /// An interim 1xx response arrived (payload: its status code).
    IntermediateResponse(u32),
    /// The connection state changed (payload: INTERNET_STATE_* bits).
    StateChange(u32),
    /// Cookies were sent (payload: count).
    CookieSent(u32),
    /// Cookies were received (payload: count).
    CookieReceived(u32),
}

/// How a notification's payload is presented to a C callback (`lpvStatusInformation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayloadKind {
    /// NULL, length 0.
    None,
    /// A `DWORD`, length 4.
    Dword,
    /// An ANSI string, length strlen+1, whatever the callback's A/W flavour (IP addresses).
    AnsiString,
    /// A string in the callback's flavour: ANSI for the A callback, UTF-16 for the W one.
    TextString,
    /// An `HINTERNET`, length sizeof(HINTERNET).
    Handle,
    /// An `INTERNET_ASYNC_RESULT`, length sizeof(INTERNET_ASYNC_RESULT).
    AsyncResult,
}

impl StatusEvent {
    /// The `INTERNET_STATUS_*` code.
    pub fn code(&self) -> u32 {
        match self {
            StatusEvent::ResolvingName(_) => INTERNET_STATUS_RESOLVING_NAME,
            StatusEvent::NameResolved(_) => INTERNET_STATUS_NAME_RESOLVED,
            StatusEvent::ConnectingToServer(_) => INTERNET_STATUS_CONNECTING_TO_SERVER,
            StatusEvent::ConnectedToServer(_) => INTERNET_STATUS_CONNECTED_TO_SERVER,
            StatusEvent::SendingRequest => INTERNET_STATUS_SENDING_REQUEST,
            StatusEvent::RequestSent(_) => INTERNET_STATUS_REQUEST_SENT,
            StatusEvent::ReceivingResponse => INTERNET_STATUS_RECEIVING_RESPONSE,
            StatusEvent::ResponseReceived(_) => INTERNET_STATUS_RESPONSE_RECEIVED,
            StatusEvent::ClosingConnection => INTERNET_STATUS_CLOSING_CONNECTION,
            StatusEvent::ConnectionClosed => INTERNET_STATUS_CONNECTION_CLOSED,
            StatusEvent::HandleCreated(_) => INTERNET_STATUS_HANDLE_CREATED,
            StatusEvent::HandleClosing(_) => INTERNET_STATUS_HANDLE_CLOSING,
            StatusEvent::DetectingProxy => INTERNET_STATUS_DETECTING_PROXY,
            StatusEvent::RequestComplete(_) => INTERNET_STATUS_REQUEST_COMPLETE,
            StatusEvent::Redirect(_) => INTERNET_STATUS_REDIRECT,
            StatusEvent::IntermediateResponse(_) => INTERNET_STATUS_INTERMEDIATE_RESPONSE,
            StatusEvent::StateChange(_) => INTERNET_STATUS_STATE_CHANGE,
            StatusEvent::CookieSent(_) => INTERNET_STATUS_COOKIE_SENT,
            StatusEvent::CookieReceived(_) => INTERNET_STATUS_COOKIE_RECEIVED,
        }
    }

    /// The payload shape native WinINet uses for this code.
    pub fn payload_kind(&self) -> PayloadKind {
        match self {
            StatusEvent::ResolvingName(_) | StatusEvent::Redirect(_) => PayloadKind::TextString,
            StatusEvent::NameResolved(_)
            | StatusEvent::ConnectingToServer(_)
            | StatusEvent::ConnectedToServer(_) => PayloadKind::AnsiString,
            StatusEvent::RequestSent(_)
            | StatusEvent::ResponseReceived(_)
            | StatusEvent::IntermediateResponse(_)
            | StatusEvent::StateChange(_)
            | StatusEvent::CookieSent(_)
            | StatusEvent::CookieReceived(_) => PayloadKind::Dword,
            StatusEvent::HandleCreated(_) | StatusEvent::HandleClosing(_) => PayloadKind::Handle,
            StatusEvent::RequestComplete(_) => PayloadKind::AsyncResult,
            StatusEvent::SendingRequest
            | StatusEvent::ReceivingResponse
            | StatusEvent::ClosingConnection
            | StatusEvent::ConnectionClosed
            | StatusEvent::DetectingProxy => PayloadKind::None,
        }
    }
}

/// A status callback: what InternetSetStatusCallback installs.
///
/// Called with the handle the notification is about (for HANDLE_CREATED: the parent), that
/// handle's context value and the event. It may run on any thread, never twice at once for the
/// same handle, and no engine lock is held while it runs, so it may call back into the API.
pub trait StatusCallback: Send + Sync + 'static {
    /// Delivers one notification.
    fn notify(&self, handle: Handle, context: usize, event: &StatusEvent);

    /// For front doors that need their own representation back (the C shim's function pointer).
    fn as_any(&self) -> &dyn Any;
}

/// A shared status callback.
pub type SharedCallback = Arc<dyn StatusCallback>;

impl fmt::Debug for dyn StatusCallback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StatusCallback")
    }
}

/// A [`StatusCallback`] made from a closure.
pub struct FnCallback<F>(pub F);

impl<F> StatusCallback for FnCallback<F>
where
    F: Fn(Handle, usize, &StatusEvent) + Send + Sync + 'static,
{
    fn notify(&self, handle: Handle, context: usize, event: &StatusEvent) {
        (self.0)(handle, context, event)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl<F> fmt::Debug for FnCallback<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FnCallback")
    }
}

/// Wraps a closure as a shared status callback.
pub fn callback_fn<F>(f: F) -> SharedCallback
where
    F: Fn(Handle, usize, &StatusEvent) + Send + Sync + 'static,
{
    Arc::new(FnCallback(f))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_payloads_match_the_spec_table() {
        assert_eq!(StatusEvent::ResolvingName("h".into()).code(), 10);
        assert_eq!(
            StatusEvent::RequestSent(3).payload_kind(),
            PayloadKind::Dword
        );
        let h = Handle::new(1, 0);
        assert_eq!(StatusEvent::HandleClosing(h).code(), 70);
        let done = StatusEvent::RequestComplete(AsyncResult {
            result: 1,
            error: 0,
        });
        assert_eq!(done.code(), 100);
        assert_eq!(done.payload_kind(), PayloadKind::AsyncResult);
        assert_eq!(
            StatusEvent::NameResolved("127.0.0.1".into()).payload_kind(),
            PayloadKind::AnsiString
        );
    }
}
