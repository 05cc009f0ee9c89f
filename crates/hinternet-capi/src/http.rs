//! HTTP exports: HttpOpenRequest, HttpAddRequestHeaders, HttpSendRequest(Ex), HttpEndRequest,
//! HttpQueryInfo. String conversion and buffer conventions only; the engine (hinternet-http)
//! decides everything else.

use std::ffi::{c_char, c_void};

use hinternet::raw;
use hinternet_core::consts::*;
use hinternet_core::options::CharUnit;
use hinternet_core::{Error, Result};
use hinternet_http::OpenRequest;
use hinternet_http::bytes::Bytes;

use crate::callback::to_hinternet;
use crate::ffi::{guard, outcome};
use crate::internet::{engine, raw_of};
use crate::strings::{a_len, a_opt, w_len, w_opt};
use crate::types::*;

fn invalid_param() -> Error {
    Error::new(ERROR_INVALID_PARAMETER)
}

/// Copies a caller's body bytes (NULL only with length 0).
///
/// # Safety
/// `p` is NULL or valid for `len` bytes.
unsafe fn body_of(p: *const c_void, len: DWORD) -> Result<Bytes> {
    if len == 0 {
        return Ok(Bytes::new());
    }
    if p.is_null() {
        return Err(invalid_param());
    }
    // SAFETY: non-NULL and valid for `len` bytes (caller contract).
    let s = unsafe { std::slice::from_raw_parts(p.cast::<u8>(), len as usize) };
    Ok(Bytes::copy_from_slice(s))
}

// ---- HttpOpenRequest -----------------------------------------------------------------------

/// Reads a NULL-terminated array of strings with `read` (NULL array: none).
///
/// # Safety
/// `arr` is NULL or a NULL-terminated array of valid strings for `read`.
unsafe fn string_array<C>(
    arr: *const *const C,
    read: unsafe fn(*const C) -> Result<Option<String>>,
) -> Result<Vec<String>> {
    let mut out = Vec::new();
    if arr.is_null() {
        return Ok(out);
    }
    let mut i = 0usize;
    loop {
        // SAFETY: the array is NULL-terminated (caller contract); we stop at the NULL.
        let p = unsafe { arr.add(i).read_unaligned() };
        if p.is_null() {
            break;
        }
        // SAFETY: each entry is a valid string (caller contract).
        if let Some(s) = unsafe { read(p)? } {
            out.push(s);
        }
        i += 1;
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn open_request(
    h: HINTERNET,
    verb: Option<String>,
    object: Option<String>,
    version: Option<String>,
    referrer: Option<String>,
    accept: Vec<String>,
    flags: DWORD,
    context: DWORD_PTR,
) -> Result<HINTERNET> {
    let accept: Vec<&str> = accept.iter().map(String::as_str).collect();
    let open = OpenRequest::new(
        verb.as_deref(),
        object.as_deref(),
        version.as_deref(),
        referrer.as_deref(),
        &accept,
        flags,
    );
    raw::http_open_request(engine(), raw_of(h), open, context).map(to_hinternet)
}

/// HttpOpenRequestA.
///
/// # Safety
/// Strings are NULL or NUL-terminated; `accept` is NULL or a NULL-terminated array of strings.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "system" fn HttpOpenRequestA(
    h: HINTERNET,
    verb: LPCSTR,
    object: LPCSTR,
    version: LPCSTR,
    referrer: LPCSTR,
    accept: *const LPCSTR,
    flags: DWORD,
    context: DWORD_PTR,
) -> HINTERNET {
    guard(std::ptr::null_mut(), || {
        // SAFETY: the caller's string contracts.
        let (v, o, ver, r, a) = unsafe {
            (
                a_opt(verb)?,
                a_opt(object)?,
                a_opt(version)?,
                a_opt(referrer)?,
                string_array(accept, a_opt)?,
            )
        };
        open_request(h, v, o, ver, r, a, flags, context)
    })
}

/// HttpOpenRequestW.
///
/// # Safety
/// As HttpOpenRequestA, with UTF-16 strings.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "system" fn HttpOpenRequestW(
    h: HINTERNET,
    verb: LPCWSTR,
    object: LPCWSTR,
    version: LPCWSTR,
    referrer: LPCWSTR,
    accept: *const LPCWSTR,
    flags: DWORD,
    context: DWORD_PTR,
) -> HINTERNET {
    guard(std::ptr::null_mut(), || {
        // SAFETY: the caller's string contracts.
        let (v, o, ver, r, a) = unsafe {
            (
                w_opt(verb)?,
                w_opt(object)?,
                w_opt(version)?,
                w_opt(referrer)?,
                string_array(accept, w_opt)?,
            )
        };
        open_request(h, v, o, ver, r, a, flags, context)
    })
}

// ---- HttpAddRequestHeaders -----------------------------------------------------------------

/// HttpAddRequestHeadersA: `len` in bytes, -1 = NUL-terminated; NULL headers do nothing.
///
/// # Safety
/// `headers` is NULL or valid for `len` bytes (or NUL-terminated).
#[unsafe(no_mangle)]
pub unsafe extern "system" fn HttpAddRequestHeadersA(
    h: HINTERNET,
    headers: LPCSTR,
    len: DWORD,
    modifiers: DWORD,
) -> BOOL {
    guard(FALSE, || {
        // SAFETY: the caller's string contract.
        let hd = unsafe { a_len(headers, len)? };
        raw::http_add_request_headers(engine(), raw_of(h), hd.as_deref(), modifiers).map(|()| TRUE)
    })
}

/// HttpAddRequestHeadersW: `len` in UTF-16 units, 0 or -1 = NUL-terminated.
///
/// # Safety
/// `headers` is NULL or valid for `len` units (or NUL-terminated).
#[unsafe(no_mangle)]
pub unsafe extern "system" fn HttpAddRequestHeadersW(
    h: HINTERNET,
    headers: LPCWSTR,
    len: DWORD,
    modifiers: DWORD,
) -> BOOL {
    guard(FALSE, || {
        // SAFETY: the caller's string contract.
        let hd = unsafe { w_len(headers, len)? };
        raw::http_add_request_headers(engine(), raw_of(h), hd.as_deref(), modifiers).map(|()| TRUE)
    })
}

// ---- HttpSendRequest -----------------------------------------------------------------------

fn send(h: HINTERNET, headers: Option<String>, body: Bytes) -> Result<BOOL> {
    outcome(raw::http_send_request(
        engine(),
        raw_of(h),
        headers,
        body,
        |_| {},
    ))
    .map(|()| TRUE)
}

/// HttpSendRequestA: non-NULL headers with length 0 are ERROR_INVALID_PARAMETER (behaviour
/// E.66); -1 = NUL-terminated. The body is copied before the call returns.
///
/// # Safety
/// `headers` is NULL or valid for `headers_len` bytes; `body` is NULL or valid for `body_len`.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn HttpSendRequestA(
    h: HINTERNET,
    headers: LPCSTR,
    headers_len: DWORD,
    body: *const c_void,
    body_len: DWORD,
) -> BOOL {
    guard(FALSE, || {
        drop(engine().enter(raw_of(h))?);
        if !headers.is_null() && headers_len == 0 {
            return Err(invalid_param());
        }
        // SAFETY: the caller's buffer contracts.
        let (hd, b) = unsafe { (a_len(headers, headers_len)?, body_of(body, body_len)?) };
        send(h, hd, b)
    })
}

/// HttpSendRequestW: `headers_len` in UTF-16 units, 0 or -1 = NUL-terminated.
///
/// # Safety
/// As HttpSendRequestA.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn HttpSendRequestW(
    h: HINTERNET,
    headers: LPCWSTR,
    headers_len: DWORD,
    body: *const c_void,
    body_len: DWORD,
) -> BOOL {
    guard(FALSE, || {
        // SAFETY: the caller's buffer contracts.
        let (hd, b) = unsafe { (w_len(headers, headers_len)?, body_of(body, body_len)?) };
        send(h, hd, b)
    })
}

// ---- HttpSendRequestEx / HttpEndRequest ----------------------------------------------------

/// The parts of an INTERNET_BUFFERS HttpSendRequestEx uses: headers, first body bytes and
/// `dwBufferTotal` (the Content-Length).
///
/// # Safety
/// `b` is NULL or a valid INTERNET_BUFFERS whose pointers follow their lengths.
unsafe fn buffers_in<C>(
    b: *const INTERNET_BUFFERS<C>,
    read: unsafe fn(*const C, u32) -> Result<Option<String>>,
    zero_len_is_error: bool,
) -> Result<(Option<String>, Bytes, u64)> {
    if b.is_null() {
        return Ok((None, Bytes::new(), 0));
    }
    // SAFETY: non-NULL and valid (caller contract).
    let ib = unsafe { b.read_unaligned() };
    if ib.dwStructSize as usize != std::mem::size_of::<INTERNET_BUFFERS<C>>() {
        return Err(invalid_param());
    }
    if zero_len_is_error && !ib.lpcszHeader.is_null() && ib.dwHeadersLength == 0 {
        return Err(invalid_param());
    }
    // SAFETY: the struct's pointers are valid for their lengths (caller contract).
    let headers = unsafe { read(ib.lpcszHeader, ib.dwHeadersLength)? };
    // SAFETY: as above.
    let body = unsafe { body_of(ib.lpvBuffer, ib.dwBufferLength)? };
    Ok((headers, body, u64::from(ib.dwBufferTotal)))
}

fn send_ex(h: HINTERNET, (headers, body, total): (Option<String>, Bytes, u64)) -> Result<BOOL> {
    outcome(raw::http_send_request_ex(
        engine(),
        raw_of(h),
        headers,
        body,
        total,
        |_| {},
    ))
    .map(|()| TRUE)
}

/// HttpSendRequestExA: `lpBuffersIn` gives extra headers (length 0 with a non-NULL string:
/// ERROR_INVALID_PARAMETER), the first body bytes and `dwBufferTotal` = Content-Length.
///
/// # Safety
/// `bufs_in` is NULL or a valid INTERNET_BUFFERSA.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn HttpSendRequestExA(
    h: HINTERNET,
    bufs_in: *const INTERNET_BUFFERS<c_char>,
    _bufs_out: *mut INTERNET_BUFFERS<c_char>,
    _flags: DWORD,
    _context: DWORD_PTR,
) -> BOOL {
    guard(FALSE, || {
        drop(engine().enter(raw_of(h))?);
        // SAFETY: the caller's struct contract.
        let parts = unsafe { buffers_in(bufs_in, a_len, true)? };
        send_ex(h, parts)
    })
}

/// HttpSendRequestExW: as the A form; a header length of 0 or -1 means NUL-terminated.
///
/// # Safety
/// `bufs_in` is NULL or a valid INTERNET_BUFFERSW.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn HttpSendRequestExW(
    h: HINTERNET,
    bufs_in: *const INTERNET_BUFFERS<WCHAR>,
    _bufs_out: *mut INTERNET_BUFFERS<WCHAR>,
    _flags: DWORD,
    _context: DWORD_PTR,
) -> BOOL {
    guard(FALSE, || {
        // SAFETY: the caller's struct contract.
        let parts = unsafe { buffers_in(bufs_in, w_len, false)? };
        send_ex(h, parts)
    })
}

fn end_request(h: HINTERNET, bufs_out_is_null: bool) -> BOOL {
    guard(FALSE, || {
        if !bufs_out_is_null {
            return Err(invalid_param());
        }
        outcome(raw::http_end_request(engine(), raw_of(h), |_| {})).map(|()| TRUE)
    })
}

/// HttpEndRequestA: `lpBuffersOut` must be NULL (else ERROR_INVALID_PARAMETER).
#[unsafe(no_mangle)]
pub extern "system" fn HttpEndRequestA(
    h: HINTERNET,
    bufs_out: *mut INTERNET_BUFFERS<c_char>,
    _flags: DWORD,
    _context: DWORD_PTR,
) -> BOOL {
    end_request(h, bufs_out.is_null())
}

/// HttpEndRequestW: `lpBuffersOut` must be NULL (else ERROR_INVALID_PARAMETER).
#[unsafe(no_mangle)]
pub extern "system" fn HttpEndRequestW(
    h: HINTERNET,
    bufs_out: *mut INTERNET_BUFFERS<WCHAR>,
    _flags: DWORD,
    _context: DWORD_PTR,
) -> BOOL {
    end_request(h, bufs_out.is_null())
}

// ---- HttpQueryInfo -------------------------------------------------------------------------

/// HttpQueryInfo for both forms: `*len` is the buffer size in bytes on input; on success it
/// receives the engine's reported length (A: chars, W: bytes, without the NUL; numbers 4), on
/// ERROR_INSUFFICIENT_BUFFER the size needed. `HTTP_QUERY_CUSTOM` reads the header name from
/// the buffer first.
///
/// # Safety
/// `buf` is NULL or valid for `*len` bytes; `len` and `index` are NULL or valid DWORDs.
unsafe fn query_info(
    h: HINTERNET,
    level: DWORD,
    buf: *mut c_void,
    len: LPDWORD,
    index: LPDWORD,
    unit: CharUnit,
) -> BOOL {
    guard(FALSE, || {
        drop(engine().enter(raw_of(h))?);
        if len.is_null() {
            return Err(invalid_param());
        }
        let custom = if level & 0xFFFF == HTTP_QUERY_CUSTOM {
            if buf.is_null() {
                return Err(invalid_param());
            }
            // SAFETY: on input the buffer holds the NUL-terminated header name (contract).
            let name = unsafe {
                match unit {
                    CharUnit::Ansi => a_opt(buf.cast())?,
                    CharUnit::Wide => w_opt(buf.cast())?,
                }
            };
            Some(name.unwrap_or_default())
        } else {
            None
        };
        // SAFETY: non-NULL, valid (contract).
        let size = unsafe { len.read_unaligned() } as usize;
        let slice = if buf.is_null() {
            None
        } else {
            // SAFETY: valid for `size` bytes (contract).
            Some(unsafe { std::slice::from_raw_parts_mut(buf.cast::<u8>(), size) })
        };
        let mut at = if index.is_null() {
            0
        } else {
            // SAFETY: non-NULL, valid (contract).
            unsafe { index.read_unaligned() }
        };
        let idx = (!index.is_null()).then_some(&mut at);
        let r = raw::http_query_info(
            engine(),
            raw_of(h),
            level,
            custom.as_deref(),
            slice,
            idx,
            unit,
        );
        match r {
            Ok(n) => {
                // SAFETY: non-NULL, valid (contract).
                unsafe { len.write_unaligned(n) };
                if !index.is_null() {
                    // SAFETY: non-NULL, valid (contract).
                    unsafe { index.write_unaligned(at) };
                }
                Ok(TRUE)
            }
            Err(e) => {
                if let Some(need) = e.needed() {
                    // SAFETY: non-NULL, valid (contract).
                    unsafe { len.write_unaligned(u32::try_from(need).unwrap_or(u32::MAX)) };
                }
                Err(e)
            }
        }
    })
}

/// HttpQueryInfoA: string lengths in chars (success: without the NUL; too small: with it).
///
/// # Safety
/// `buf` is NULL or valid for `*len` bytes; `len` and `index` are NULL or valid DWORDs.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn HttpQueryInfoA(
    h: HINTERNET,
    level: DWORD,
    buf: *mut c_void,
    len: LPDWORD,
    index: LPDWORD,
) -> BOOL {
    // SAFETY: forwarded contract.
    unsafe { query_info(h, level, buf, len, index, CharUnit::Ansi) }
}

/// HttpQueryInfoW: string lengths in bytes (success: without the NUL; too small: with it).
///
/// # Safety
/// As HttpQueryInfoA.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn HttpQueryInfoW(
    h: HINTERNET,
    level: DWORD,
    buf: *mut c_void,
    len: LPDWORD,
    index: LPDWORD,
) -> BOOL {
    // SAFETY: forwarded contract.
    unsafe { query_info(h, level, buf, len, index, CharUnit::Wide) }
}
