//! A C status callback behind the engine's `StatusCallback` trait: events become the native
//! payloads (spec §0.6) for the duration of the call.

use std::any::Any;
use std::ffi::c_void;

use hinternet_core::status::{PayloadKind, StatusCallback};
use hinternet_core::{Handle, StatusEvent};

use crate::strings::{to_ansi_nul, to_wide_nul};
use crate::types::{DWORD, HINTERNET, INTERNET_ASYNC_RESULT, INTERNET_STATUS_CALLBACK};

/// A C function pointer installed with InternetSetStatusCallbackA (`wide == false`) or ...W.
#[derive(Debug, Clone, Copy)]
pub struct CCallback {
    /// The function.
    pub fp: INTERNET_STATUS_CALLBACK,
    /// Whether text payloads are UTF-16 (installed through the W function).
    pub wide: bool,
}

// SAFETY-free: a function pointer is Send + Sync.

/// The handle value as the C caller sees it.
pub fn to_hinternet(h: Handle) -> HINTERNET {
    h.as_raw() as usize as HINTERNET
}

fn text_of(event: &StatusEvent) -> &str {
    match event {
        StatusEvent::ResolvingName(s)
        | StatusEvent::NameResolved(s)
        | StatusEvent::ConnectingToServer(s)
        | StatusEvent::ConnectedToServer(s)
        | StatusEvent::Redirect(s) => s,
        _ => "",
    }
}

fn dword_of(event: &StatusEvent) -> DWORD {
    match event {
        StatusEvent::RequestSent(n)
        | StatusEvent::ResponseReceived(n)
        | StatusEvent::IntermediateResponse(n)
        | StatusEvent::StateChange(n)
        | StatusEvent::CookieSent(n)
        | StatusEvent::CookieReceived(n) => *n,
        _ => 0,
    }
}

impl StatusCallback for CCallback {
    fn notify(&self, handle: Handle, context: usize, event: &StatusEvent) {
        let Some(fp) = self.fp else { return };
        let h = to_hinternet(handle);
        let code = event.code();
        let call = |info: *mut c_void, len: usize| {
            // SAFETY: the application installed this callback for exactly this signature; the
            // payload lives until the call returns.
            unsafe { fp(h, context, code, info, len as DWORD) }
        };
        match event.payload_kind() {
            PayloadKind::None => call(std::ptr::null_mut(), 0),
            PayloadKind::Dword => {
                let mut v = dword_of(event);
                call((&raw mut v).cast(), 4);
            }
            PayloadKind::AnsiString => {
                let mut b = to_ansi_nul(text_of(event));
                call(b.as_mut_ptr().cast(), b.len());
            }
            PayloadKind::TextString if self.wide => {
                let mut w = to_wide_nul(text_of(event));
                call(w.as_mut_ptr().cast(), w.len() * 2);
            }
            PayloadKind::TextString => {
                let mut b = to_ansi_nul(text_of(event));
                call(b.as_mut_ptr().cast(), b.len());
            }
            PayloadKind::Handle => {
                let mut v = match event {
                    StatusEvent::HandleCreated(x) | StatusEvent::HandleClosing(x) => {
                        to_hinternet(*x)
                    }
                    _ => std::ptr::null_mut(),
                };
                call((&raw mut v).cast(), std::mem::size_of::<HINTERNET>());
            }
            PayloadKind::AsyncResult => {
                let mut r = match event {
                    StatusEvent::RequestComplete(r) => INTERNET_ASYNC_RESULT {
                        dwResult: r.result as usize,
                        dwError: r.error,
                    },
                    _ => INTERNET_ASYNC_RESULT {
                        dwResult: 0,
                        dwError: 0,
                    },
                };
                call(
                    (&raw mut r).cast(),
                    std::mem::size_of::<INTERNET_ASYNC_RESULT>(),
                );
            }
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
