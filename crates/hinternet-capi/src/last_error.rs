//! The thread-local last-error slot (`GetLastError` / `SetLastError`) and the last server reply
//! (`InternetGetLastResponseInfo`).

use std::cell::{Cell, RefCell};

use hinternet_core::Error;

use crate::types::DWORD;

thread_local! {
    static LAST_ERROR: Cell<DWORD> = const { Cell::new(0) };
    static LAST_REPLY: RefCell<Option<(DWORD, String)>> = const { RefCell::new(None) };
}

/// Sets this thread's last error.
pub fn set(code: DWORD) {
    LAST_ERROR.with(|c| c.set(code));
}

/// This thread's last error.
pub fn get() -> DWORD {
    LAST_ERROR.with(Cell::get)
}

/// Records a failure: its code, and the server reply it carries (if any) for
/// InternetGetLastResponseInfo.
pub fn fail(e: &Error) {
    set(e.code());
    if let Some(reply) = e.reply() {
        LAST_REPLY.with(|r| *r.borrow_mut() = Some((e.code(), reply.to_owned())));
    }
}

/// Records a server reply that came with a success (FTP replies are kept either way).
pub fn set_reply(code: DWORD, text: &str) {
    LAST_REPLY.with(|r| *r.borrow_mut() = Some((code, text.to_owned())));
}

/// The last server reply recorded on this thread.
pub fn reply() -> Option<(DWORD, String)> {
    LAST_REPLY.with(|r| r.borrow().clone())
}
