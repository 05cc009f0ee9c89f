//! Session, connection and data-transfer exports: InternetOpen, InternetConnect,
//! InternetOpenUrl, InternetCloseHandle, InternetSetStatusCallback, InternetReadFile(Ex),
//! InternetWriteFile, InternetQueryDataAvailable, InternetSetFilePointer, InternetFindNextFile,
//! GetLastError / SetLastError.

use std::ffi::{c_char, c_void};
use std::sync::Arc;

use hinternet::raw::{self, ConnectArgs, ReadEx};
use hinternet_core::consts::*;
use hinternet_core::{Engine, Error, FindData, OpenParams, Result};

use crate::callback::{CCallback, to_hinternet};
use crate::ffi::{OutPtr, RawBuf, guard, outcome};
use crate::last_error;
use crate::strings::{a_len, a_opt, w_len, w_opt};
use crate::types::*;

pub(crate) fn engine() -> &'static Engine {
    hinternet::engine()
}

pub(crate) fn raw_of(h: HINTERNET) -> u64 {
    h as usize as u64
}

fn invalid_param() -> Error {
    Error::new(ERROR_INVALID_PARAMETER)
}

// ---- GetLastError / SetLastError ---------------------------------------------------------

/// GetLastError: this thread's last error (every export sets it, to 0 on success).
#[unsafe(no_mangle)]
pub extern "system" fn GetLastError() -> DWORD {
    last_error::get()
}

/// SetLastError.
#[unsafe(no_mangle)]
pub extern "system" fn SetLastError(code: DWORD) {
    last_error::set(code)
}

/// LocalFree: frees memory this library allocated for the caller (the strings of
/// INTERNET_CERTIFICATE_INFO, as native WinINet's are LocalAlloc'ed); returns NULL. NULL is
/// accepted and ignored.
///
/// # Safety
/// `mem` is NULL or a pointer this library handed out and not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn LocalFree(mem: *mut std::ffi::c_void) -> *mut std::ffi::c_void {
    // SAFETY: by the contract, `mem` is NULL or came from `malloc` (see `options::alloc_ansi`).
    unsafe { libc::free(mem) };
    std::ptr::null_mut()
}

// ---- InternetOpen ------------------------------------------------------------------------

fn open(
    agent: Option<String>,
    access: DWORD,
    proxy: Option<String>,
    bypass: Option<String>,
    flags: DWORD,
) -> Result<HINTERNET> {
    let h = raw::internet_open(
        engine(),
        OpenParams {
            agent,
            access_type: access,
            proxy,
            proxy_bypass: bypass,
            flags,
        },
    )?;
    Ok(to_hinternet(h))
}

/// InternetOpenA (A strings are UTF-8).
///
/// # Safety
/// String arguments are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn InternetOpenA(
    agent: LPCSTR,
    access: DWORD,
    proxy: LPCSTR,
    bypass: LPCSTR,
    flags: DWORD,
) -> HINTERNET {
    guard(std::ptr::null_mut(), || {
        // SAFETY: the caller passes NULL or NUL-terminated strings.
        let (a, p, b) = unsafe { (a_opt(agent)?, a_opt(proxy)?, a_opt(bypass)?) };
        open(a, access, p, b, flags)
    })
}

/// InternetOpenW.
///
/// # Safety
/// String arguments are NULL or NUL-terminated UTF-16.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn InternetOpenW(
    agent: LPCWSTR,
    access: DWORD,
    proxy: LPCWSTR,
    bypass: LPCWSTR,
    flags: DWORD,
) -> HINTERNET {
    guard(std::ptr::null_mut(), || {
        // SAFETY: the caller passes NULL or NUL-terminated strings.
        let (a, p, b) = unsafe { (w_opt(agent)?, w_opt(proxy)?, w_opt(bypass)?) };
        open(a, access, p, b, flags)
    })
}

// ---- InternetCloseHandle / InternetSetStatusCallback ---------------------------------------

/// InternetCloseHandle.
#[unsafe(no_mangle)]
pub extern "system" fn InternetCloseHandle(h: HINTERNET) -> BOOL {
    guard(FALSE, || {
        raw::internet_close_handle(engine(), raw_of(h)).map(|()| TRUE)
    })
}

const INVALID_CALLBACK: usize = usize::MAX;

fn set_callback(h: HINTERNET, cb: INTERNET_STATUS_CALLBACK, wide: bool) -> *mut c_void {
    let invalid = INVALID_CALLBACK as *mut c_void;
    guard(invalid, || {
        let new = cb.map(|fp| {
            Arc::new(CCallback { fp: Some(fp), wide }) as hinternet_core::status::SharedCallback
        });
        let prev = raw::internet_set_status_callback(engine(), raw_of(h), new)?;
        Ok(prev
            .and_then(|p| p.as_any().downcast_ref::<CCallback>().and_then(|c| c.fp))
            .map_or(std::ptr::null_mut(), |fp| fp as *mut c_void))
    })
}

/// InternetSetStatusCallbackA: returns the previous callback, or
/// INTERNET_INVALID_STATUS_CALLBACK for an invalid handle.
#[unsafe(no_mangle)]
pub extern "system" fn InternetSetStatusCallbackA(
    h: HINTERNET,
    cb: INTERNET_STATUS_CALLBACK,
) -> *mut c_void {
    set_callback(h, cb, false)
}

/// InternetSetStatusCallbackW: as the A form, with UTF-16 text payloads.
#[unsafe(no_mangle)]
pub extern "system" fn InternetSetStatusCallbackW(
    h: HINTERNET,
    cb: INTERNET_STATUS_CALLBACK,
) -> *mut c_void {
    set_callback(h, cb, true)
}

/// InternetSetStatusCallback: the A form.
#[unsafe(no_mangle)]
pub extern "system" fn InternetSetStatusCallback(
    h: HINTERNET,
    cb: INTERNET_STATUS_CALLBACK,
) -> *mut c_void {
    set_callback(h, cb, false)
}

// ---- InternetConnect / InternetOpenUrl ------------------------------------------------------

#[allow(clippy::too_many_arguments)]
fn connect(
    h: HINTERNET,
    server: Option<String>,
    port: INTERNET_PORT,
    user: Option<String>,
    password: Option<String>,
    service: DWORD,
    flags: DWORD,
    context: DWORD_PTR,
) -> Result<HINTERNET> {
    let args = ConnectArgs {
        server: server.as_deref(),
        port,
        user: user.as_deref(),
        password: password.as_deref(),
        service,
        flags,
        context,
    };
    let o = raw::internet_connect(engine(), raw_of(h), args, |_| {});
    outcome(o).map(to_hinternet)
}

/// InternetConnectA.
///
/// # Safety
/// String arguments are NULL or NUL-terminated.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "system" fn InternetConnectA(
    h: HINTERNET,
    server: LPCSTR,
    port: INTERNET_PORT,
    user: LPCSTR,
    password: LPCSTR,
    service: DWORD,
    flags: DWORD,
    context: DWORD_PTR,
) -> HINTERNET {
    guard(std::ptr::null_mut(), || {
        // SAFETY: the caller passes NULL or NUL-terminated strings.
        let (s, u, p) = unsafe { (a_opt(server)?, a_opt(user)?, a_opt(password)?) };
        connect(h, s, port, u, p, service, flags, context)
    })
}

/// InternetConnectW.
///
/// # Safety
/// String arguments are NULL or NUL-terminated UTF-16.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "system" fn InternetConnectW(
    h: HINTERNET,
    server: LPCWSTR,
    port: INTERNET_PORT,
    user: LPCWSTR,
    password: LPCWSTR,
    service: DWORD,
    flags: DWORD,
    context: DWORD_PTR,
) -> HINTERNET {
    guard(std::ptr::null_mut(), || {
        // SAFETY: the caller passes NULL or NUL-terminated strings.
        let (s, u, p) = unsafe { (w_opt(server)?, w_opt(user)?, w_opt(password)?) };
        connect(h, s, port, u, p, service, flags, context)
    })
}

fn open_url(
    h: HINTERNET,
    url: Option<String>,
    headers: Option<String>,
    flags: DWORD,
    context: DWORD_PTR,
) -> Result<HINTERNET> {
    let url = url.unwrap_or_default();
    let o = raw::internet_open_url(
        engine(),
        raw_of(h),
        &url,
        headers.as_deref(),
        flags,
        context,
        |_| {},
    );
    outcome(o).map(to_hinternet)
}

/// InternetOpenUrlA.
///
/// # Safety
/// `url` is NULL or NUL-terminated; `headers` is NULL or valid for `headers_len` bytes (-1:
/// NUL-terminated).
#[unsafe(no_mangle)]
pub unsafe extern "system" fn InternetOpenUrlA(
    h: HINTERNET,
    url: LPCSTR,
    headers: LPCSTR,
    headers_len: DWORD,
    flags: DWORD,
    context: DWORD_PTR,
) -> HINTERNET {
    guard(std::ptr::null_mut(), || {
        // SAFETY: the caller's string contracts.
        let (u, hd) = unsafe { (a_opt(url)?, a_len(headers, headers_len)?) };
        open_url(h, u, hd, flags, context)
    })
}

/// InternetOpenUrlW.
///
/// # Safety
/// `url` is NULL or NUL-terminated; `headers` is NULL or valid for `headers_len` units (-1 or 0:
/// NUL-terminated).
#[unsafe(no_mangle)]
pub unsafe extern "system" fn InternetOpenUrlW(
    h: HINTERNET,
    url: LPCWSTR,
    headers: LPCWSTR,
    headers_len: DWORD,
    flags: DWORD,
    context: DWORD_PTR,
) -> HINTERNET {
    guard(std::ptr::null_mut(), || {
        // SAFETY: the caller's string contracts.
        let (u, hd) = unsafe { (w_opt(url)?, w_len(headers, headers_len)?) };
        open_url(h, u, hd, flags, context)
    })
}

// ---- Reading and writing -------------------------------------------------------------------

/// InternetReadFile: `*read` is set to 0 first and to the count when the read completes (at
/// once, or at REQUEST_COMPLETE in async mode).
///
/// # Safety
/// `buf` is valid for `size` bytes and `read` for a DWORD until the read completes.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn InternetReadFile(
    h: HINTERNET,
    buf: *mut c_void,
    size: DWORD,
    read: LPDWORD,
) -> BOOL {
    guard(FALSE, || {
        let out = OutPtr(read);
        // SAFETY: `read` is NULL or valid (caller contract).
        unsafe { out.write(0) };
        drop(engine().enter(raw_of(h))?);
        if read.is_null() || (buf.is_null() && size != 0) {
            return Err(invalid_param());
        }
        // SAFETY: the buffer stays valid until the read completes (WinINet contract).
        let b = unsafe { RawBuf::new(buf.cast(), size as usize) };
        let later = OutPtr(read);
        let o = raw::internet_read_file(engine(), raw_of(h), b, move |r| {
            if let Ok((n, _)) = r {
                // SAFETY: valid until REQUEST_COMPLETE (WinINet contract).
                unsafe { later.write(*n as DWORD) };
            }
        });
        let (n, _) = outcome(o)?;
        // SAFETY: as above.
        unsafe { out.write(n as DWORD) };
        Ok(TRUE)
    })
}

unsafe fn read_file_ex<C>(h: HINTERNET, bufs: *mut INTERNET_BUFFERS<C>, flags: DWORD) -> BOOL {
    guard(FALSE, || {
        if bufs.is_null() {
            return Err(invalid_param());
        }
        // SAFETY: non-NULL; the struct stays valid until the read completes (contract).
        let ib = unsafe { &mut *bufs };
        if ib.dwStructSize as usize != std::mem::size_of::<INTERNET_BUFFERS<C>>() {
            return Err(invalid_param());
        }
        if ib.lpvBuffer.is_null() && ib.dwBufferLength != 0 {
            return Err(invalid_param());
        }
        // SAFETY: as above.
        let b = unsafe { RawBuf::new(ib.lpvBuffer.cast(), ib.dwBufferLength as usize) };
        let len_out = OutPtr(&raw mut ib.dwBufferLength);
        let later = OutPtr(&raw mut ib.dwBufferLength);
        let o = raw::internet_read_file_ex(engine(), raw_of(h), b, flags, move |r| {
            if let Ok(ReadEx::Read(n, _)) = r {
                // SAFETY: valid until REQUEST_COMPLETE (contract).
                unsafe { later.write(*n as DWORD) };
            }
        });
        if let ReadEx::Read(n, _) = outcome(o)? {
            // SAFETY: as above.
            unsafe { len_out.write(n as DWORD) };
        }
        Ok(TRUE)
    })
}

/// InternetReadFileExA.
///
/// # Safety
/// `bufs` is NULL or a valid INTERNET_BUFFERSA whose buffer stays valid until completion.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn InternetReadFileExA(
    h: HINTERNET,
    bufs: *mut INTERNET_BUFFERS<c_char>,
    flags: DWORD,
    _context: DWORD_PTR,
) -> BOOL {
    // SAFETY: forwarded contract.
    unsafe { read_file_ex(h, bufs, flags) }
}

/// InternetReadFileExW.
///
/// # Safety
/// As InternetReadFileExA.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn InternetReadFileExW(
    h: HINTERNET,
    bufs: *mut INTERNET_BUFFERS<WCHAR>,
    flags: DWORD,
    _context: DWORD_PTR,
) -> BOOL {
    // SAFETY: forwarded contract.
    unsafe { read_file_ex(h, bufs, flags) }
}

/// InternetWriteFile.
///
/// # Safety
/// `buf` is valid for `size` bytes and `written` for a DWORD until the write completes.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn InternetWriteFile(
    h: HINTERNET,
    buf: *const c_void,
    size: DWORD,
    written: LPDWORD,
) -> BOOL {
    guard(FALSE, || {
        let out = OutPtr(written);
        // SAFETY: NULL or valid (contract).
        unsafe { out.write(0) };
        drop(engine().enter(raw_of(h))?);
        if written.is_null() || (buf.is_null() && size != 0) {
            return Err(invalid_param());
        }
        // SAFETY: the buffer stays valid until the write completes (contract); it is only read.
        let b = unsafe { RawBuf::new(buf.cast_mut().cast(), size as usize) };
        let later = OutPtr(written);
        let o = raw::internet_write_file(engine(), raw_of(h), b, move |r| {
            if let Ok(n) = r {
                // SAFETY: valid until REQUEST_COMPLETE.
                unsafe { later.write(*n as DWORD) };
            }
        });
        let n = outcome(o)?;
        // SAFETY: as above.
        unsafe { out.write(n as DWORD) };
        Ok(TRUE)
    })
}

/// InternetQueryDataAvailable. `available` may be NULL.
///
/// # Safety
/// `available` is NULL or valid for a DWORD until the call completes.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn InternetQueryDataAvailable(
    h: HINTERNET,
    available: LPDWORD,
    _flags: DWORD,
    _context: DWORD_PTR,
) -> BOOL {
    guard(FALSE, || {
        let out = OutPtr(available);
        let later = OutPtr(available);
        let o = raw::internet_query_data_available(engine(), raw_of(h), move |r| {
            if let Ok(n) = r {
                // SAFETY: valid until REQUEST_COMPLETE.
                unsafe { later.write(u32::try_from(*n).unwrap_or(u32::MAX)) };
            }
        });
        match outcome(o) {
            Ok(n) => {
                // SAFETY: NULL or valid.
                unsafe { out.write(u32::try_from(n).unwrap_or(u32::MAX)) };
                Ok(TRUE)
            }
            Err(e) => {
                if e.is_pending() {
                    // SAFETY: NULL or valid.
                    unsafe { out.write(0) };
                }
                Err(e)
            }
        }
    })
}

/// InternetSetFilePointer: returns the new position's low 32 bits (and the high part through
/// `high` when given), or INVALID_SET_FILE_POINTER with the last error set.
///
/// # Safety
/// `high` is NULL or valid for reads and writes of a LONG.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn InternetSetFilePointer(
    h: HINTERNET,
    distance: i32,
    high: *mut i32,
    method: DWORD,
    _context: DWORD_PTR,
) -> DWORD {
    guard(INVALID_SET_FILE_POINTER, || {
        let d = if high.is_null() {
            i64::from(distance)
        } else {
            // SAFETY: non-NULL, valid (contract).
            let hi = unsafe { high.read_unaligned() };
            (i64::from(hi) << 32) | i64::from(distance as u32)
        };
        let d = if method == FILE_BEGIN && high.is_null() {
            i64::from(distance as u32)
        } else {
            d
        };
        let pos = raw::internet_set_file_pointer(engine(), raw_of(h), d, method)?;
        if !high.is_null() {
            // SAFETY: non-NULL, valid (contract).
            unsafe { high.write_unaligned((pos >> 32) as i32) };
        }
        Ok(pos as u32)
    })
}

// ---- InternetFindNextFile ------------------------------------------------------------------

fn filetime(t: Option<hinternet_core::Timestamp>) -> FILETIME {
    let v = t.map_or(0, |t| t.to_filetime());
    FILETIME {
        dwLowDateTime: v as u32,
        dwHighDateTime: (v >> 32) as u32,
    }
}

fn fill_common<C: Copy, const N: usize, const M: usize>(
    d: &mut WIN32_FIND_DATA<C, N, M>,
    f: &FindData,
) {
    let modified = f.modified;
    d.dwFileAttributes = f.attributes;
    d.ftLastWriteTime = filetime(modified);
    d.ftCreationTime = filetime(f.created.or(modified));
    d.ftLastAccessTime = filetime(f.accessed.or(modified));
    d.nFileSizeHigh = (f.size >> 32) as u32;
    d.nFileSizeLow = f.size as u32;
    d.dwReserved0 = 0;
    d.dwReserved1 = 0;
}

/// Fills a WIN32_FIND_DATAA: the name's bytes as listed (truncated to MAX_PATH - 1).
pub(crate) fn fill_find_data_a(d: &mut WIN32_FIND_DATAA, f: &FindData) {
    fill_common(d, f);
    d.cFileName = [0; 260];
    d.cAlternateFileName = [0; 14];
    for (dst, &b) in d.cFileName.iter_mut().zip(f.name.iter().take(259)) {
        *dst = b as c_char;
    }
}

/// Fills a WIN32_FIND_DATAW: the name decoded as UTF-8 (lossy) into UTF-16.
pub(crate) fn fill_find_data_w(d: &mut WIN32_FIND_DATAW, f: &FindData) {
    fill_common(d, f);
    d.cFileName = [0; 260];
    d.cAlternateFileName = [0; 14];
    let name: Vec<u16> = f.name_lossy().encode_utf16().take(259).collect();
    d.cFileName[..name.len()].copy_from_slice(&name);
}

unsafe fn find_next<T: 'static>(h: HINTERNET, data: *mut T, fill: fn(&mut T, &FindData)) -> BOOL {
    guard(FALSE, || {
        drop(engine().enter(raw_of(h))?);
        if data.is_null() {
            return Err(invalid_param());
        }
        let later = OutPtr(data);
        let o = raw::internet_find_next_file(engine(), raw_of(h), move |r| {
            if let Ok(f) = r {
                // SAFETY: valid until REQUEST_COMPLETE (contract); written in place.
                unsafe { fill(&mut *later.ptr(), f) };
            }
        });
        let f = outcome(o)?;
        // SAFETY: non-NULL, valid (contract).
        fill(unsafe { &mut *data }, &f);
        Ok(TRUE)
    })
}

/// InternetFindNextFileA.
///
/// # Safety
/// `data` is NULL or points to a WIN32_FIND_DATAA valid until the call completes.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn InternetFindNextFileA(h: HINTERNET, data: *mut c_void) -> BOOL {
    // SAFETY: forwarded contract.
    unsafe { find_next(h, data.cast::<WIN32_FIND_DATAA>(), fill_find_data_a) }
}

/// InternetFindNextFileW.
///
/// # Safety
/// `data` is NULL or points to a WIN32_FIND_DATAW valid until the call completes.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn InternetFindNextFileW(h: HINTERNET, data: *mut c_void) -> BOOL {
    // SAFETY: forwarded contract.
    unsafe { find_next(h, data.cast::<WIN32_FIND_DATAW>(), fill_find_data_w) }
}
