//! InternetGetLastResponseInfo, InternetAttemptConnect, InternetCheckConnection,
//! InternetLockRequestFile / InternetUnlockRequestFile, InternetErrorDlg, InternetSetOptionEx.
//! The Windows-only pieces (dialogs, the URL cache) give the documented no-UI / not-supported
//! answers listed in docs/compatibility.md.

use std::ffi::c_void;
use std::time::Duration;

use hinternet_core::consts::*;
use hinternet_core::{Error, Result};

use crate::ffi::guard;
use crate::internet::{engine, raw_of};
use crate::last_error;
use crate::strings::{a_opt, w_opt};
use crate::types::*;

unsafe fn last_response<C: Copy + From<u8>>(
    error: LPDWORD,
    buf: *mut C,
    len: LPDWORD,
    units: impl Fn(&str) -> Vec<C>,
) -> BOOL {
    // This call reports on the previous one: it must not clear the stored reply, and it sets
    // the last error only on failure.
    let saved = last_error::get();
    let r = guard(FALSE, || {
        if error.is_null() || len.is_null() {
            return Err(Error::new(ERROR_INVALID_PARAMETER));
        }
        let (code, text) = last_error::reply().unwrap_or((0, String::new()));
        let text = units(&text);
        // SAFETY: non-NULL, valid (contract).
        let cap = unsafe { len.read_unaligned() } as usize;
        // SAFETY: non-NULL, valid (contract).
        unsafe { error.write_unaligned(code) };
        if buf.is_null() || cap == 0 {
            // SAFETY: as above.
            unsafe { len.write_unaligned(text.len() as u32) };
            if text.is_empty() {
                return Ok(TRUE);
            }
            return Err(Error::insufficient_buffer(text.len() as u64));
        }
        // A buffer too small for the whole text gets as much as fits, NUL-terminated (native).
        let n = text.len().min(cap - 1);
        // SAFETY: `buf` is valid for `cap` units (contract) and `n + 1 <= cap`.
        unsafe {
            std::ptr::copy_nonoverlapping(text.as_ptr(), buf, n);
            buf.add(n).write(C::from(0));
            len.write_unaligned(n as u32);
        }
        Ok(TRUE)
    });
    if r == TRUE {
        last_error::set(saved);
    }
    r
}

/// InternetGetLastResponseInfoA: the last server reply text recorded on this thread.
///
/// # Safety
/// `error` and `len` are NULL or valid; `buf` is NULL or valid for `*len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn InternetGetLastResponseInfoA(
    error: LPDWORD,
    buf: LPSTR,
    len: LPDWORD,
) -> BOOL {
    // SAFETY: forwarded contract.
    unsafe { last_response(error, buf.cast::<u8>(), len, |s| s.as_bytes().to_vec()) }
}

/// InternetGetLastResponseInfoW.
///
/// # Safety
/// As the A form, with `*len` in UTF-16 units.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn InternetGetLastResponseInfoW(
    error: LPDWORD,
    buf: LPWSTR,
    len: LPDWORD,
) -> BOOL {
    // SAFETY: forwarded contract.
    unsafe { last_response(error, buf, len, |s| s.encode_utf16().collect()) }
}

/// InternetAttemptConnect: there is nothing to dial; ERROR_SUCCESS (returned, not set).
#[unsafe(no_mangle)]
pub extern "system" fn InternetAttemptConnect(_reserved: DWORD) -> DWORD {
    ERROR_SUCCESS
}

fn check_connection(url: Option<String>, flags: DWORD) -> Result<BOOL> {
    let Some(url) = url else {
        // No URL: native consults a "nearest server" database; there is none here.
        return Ok(TRUE);
    };
    let not_connected = || Error::new(ERROR_NOT_CONNECTED);
    let cracked = hinternet_url::crack(&url, 0).map_err(|_| not_connected())?;
    let parts = cracked.parts();
    let host = parts
        .host
        .filter(|h| !h.is_empty())
        .ok_or_else(not_connected)?;
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let port = if parts.port == 0 { 80 } else { parts.port };
    let _ = flags; // With or without FLAG_ICC_FORCE_CONNECTION: a real TCP connect (no ping).
    let connected = engine().block_on(async move {
        tokio::time::timeout(
            Duration::from_secs(10),
            tokio::net::TcpStream::connect((host.as_str(), port)),
        )
        .await
        .is_ok_and(|r| r.is_ok())
    });
    if connected {
        Ok(TRUE)
    } else {
        Err(not_connected())
    }
}

/// InternetCheckConnectionA: TRUE when a TCP connection to the URL's host and port succeeds,
/// else FALSE with ERROR_NOT_CONNECTED.
///
/// # Safety
/// `url` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn InternetCheckConnectionA(
    url: LPCSTR,
    flags: DWORD,
    _reserved: DWORD,
) -> BOOL {
    guard(FALSE, || {
        // SAFETY: contract.
        let url = unsafe { a_opt(url) }.map_err(|_| Error::new(ERROR_NOT_CONNECTED))?;
        check_connection(url, flags)
    })
}

/// InternetCheckConnectionW.
///
/// # Safety
/// `url` is NULL or NUL-terminated UTF-16.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn InternetCheckConnectionW(
    url: LPCWSTR,
    flags: DWORD,
    _reserved: DWORD,
) -> BOOL {
    guard(FALSE, || {
        // SAFETY: contract.
        let url = unsafe { w_opt(url) }.map_err(|_| Error::new(ERROR_NOT_CONNECTED))?;
        check_connection(url, flags)
    })
}

/// InternetLockRequestFile: there is no cache, so no request has a cache file: FALSE with
/// ERROR_FILE_NOT_FOUND for a valid handle (ERROR_INVALID_HANDLE otherwise).
///
/// # Safety
/// `lock` is NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn InternetLockRequestFile(
    h: HINTERNET,
    lock: *mut *mut c_void,
) -> BOOL {
    guard(FALSE, || {
        drop(engine().enter(raw_of(h))?);
        if !lock.is_null() {
            // SAFETY: non-NULL, valid (contract).
            unsafe { lock.write_unaligned(std::ptr::null_mut()) };
        }
        Err(Error::new(ERROR_FILE_NOT_FOUND))
    })
}

/// InternetUnlockRequestFile: no lock is ever handed out, so every value is invalid.
#[unsafe(no_mangle)]
pub extern "system" fn InternetUnlockRequestFile(_lock: *mut c_void) -> BOOL {
    guard(FALSE, || Err(Error::new(ERROR_INVALID_HANDLE)))
}

/// InternetErrorDlg: there is no UI. A bad request handle is ERROR_INVALID_HANDLE; otherwise
/// the answer is ERROR_CANCELLED (the user "declined"), as a dialog-less build must.
#[unsafe(no_mangle)]
pub extern "system" fn InternetErrorDlg(
    _hwnd: *mut c_void,
    request: HINTERNET,
    _error: DWORD,
    _flags: DWORD,
    _data: *mut *mut c_void,
) -> DWORD {
    let r = guard(ERROR_INVALID_HANDLE, || {
        drop(engine().enter(raw_of(request))?);
        Ok(ERROR_CANCELLED)
    });
    last_error::set(0);
    r
}

/// InternetSetOptionExA: as InternetSetOptionA (`flags` — ISO_GLOBAL / ISO_REGISTRY — have no
/// registry to act on).
///
/// # Safety
/// As InternetSetOptionA.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn InternetSetOptionExA(
    h: HINTERNET,
    option: DWORD,
    buf: *mut c_void,
    len: DWORD,
    _flags: DWORD,
) -> BOOL {
    // SAFETY: forwarded contract.
    unsafe { crate::options::InternetSetOptionA(h, option, buf, len) }
}

/// InternetSetOptionExW.
///
/// # Safety
/// As InternetSetOptionW.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn InternetSetOptionExW(
    h: HINTERNET,
    option: DWORD,
    buf: *mut c_void,
    len: DWORD,
    _flags: DWORD,
) -> BOOL {
    // SAFETY: forwarded contract.
    unsafe { crate::options::InternetSetOptionW(h, option, buf, len) }
}
