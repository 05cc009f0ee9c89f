//! FTP exports: FtpFindFirstFile, FtpOpenFile, FtpGetFile, FtpPutFile, FtpDeleteFile,
//! FtpRenameFile, FtpCreateDirectory, FtpRemoveDirectory, FtpSetCurrentDirectory,
//! FtpGetCurrentDirectory, FtpCommand, FtpGetFileSize. String conversion and output buffers
//! only; every check and behaviour is the FTP crate's. A call that completes at once records
//! the session's last reply for InternetGetLastResponseInfo (a failure records the reply it
//! carries, in [`guard`]).

use std::ffi::c_char;
use std::path::PathBuf;

use hinternet::raw;
use hinternet_core::consts::*;
use hinternet_core::{Error, FindData, Result};
use hinternet_ftp::calls::current_directory_to_buffer;

use crate::callback::to_hinternet;
use crate::ffi::{OutPtr, guard, outcome};
use crate::internet::{engine, fill_find_data_a, fill_find_data_w, raw_of};
use crate::last_error;
use crate::strings::{a_opt, w_opt};
use crate::types::*;

/// Records the session's last reply after a call on `h` that completed at once with success.
fn record_reply<T>(h: HINTERNET, r: Result<T>) -> Result<T> {
    if r.is_ok()
        && let Ok(text) = raw::ftp_last_response(engine(), raw_of(h))
        && !text.is_empty()
    {
        last_error::set_reply(0, &text);
    }
    r
}

/// A string reader of one character width.
type Read<C> = unsafe fn(*const C) -> Result<Option<String>>;

// ---- FtpFindFirstFile ----------------------------------------------------------------------

/// FtpFindFirstFile for both forms: `data` (may be NULL) receives the first entry, at once or
/// before REQUEST_COMPLETE.
///
/// # Safety
/// `pattern` is NULL or a valid string for `read`; `data` is NULL or valid until completion.
unsafe fn find_first<C, T: 'static>(
    h: HINTERNET,
    pattern: *const C,
    read: Read<C>,
    data: *mut T,
    fill: fn(&mut T, &FindData),
    flags: DWORD,
    context: DWORD_PTR,
) -> HINTERNET {
    guard(std::ptr::null_mut(), || {
        // SAFETY: the caller's string contract.
        let pattern = unsafe { read(pattern)? };
        let later = OutPtr(data);
        let o = raw::ftp_find_first_file(
            engine(),
            raw_of(h),
            pattern.as_deref(),
            flags,
            context,
            move |r| {
                if let Ok((_, f)) = r
                    && !later.ptr().is_null()
                {
                    // SAFETY: non-NULL and valid until REQUEST_COMPLETE (contract).
                    unsafe { fill(&mut *later.ptr(), f) };
                }
            },
        );
        let (handle, f) = record_reply(h, outcome(o))?;
        if !data.is_null() {
            // SAFETY: non-NULL, valid (contract).
            fill(unsafe { &mut *data }, &f);
        }
        Ok(to_hinternet(handle))
    })
}

/// FtpFindFirstFileA.
///
/// # Safety
/// `pattern` is NULL or NUL-terminated; `data` is NULL or a WIN32_FIND_DATAA valid until the
/// call completes.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn FtpFindFirstFileA(
    h: HINTERNET,
    pattern: LPCSTR,
    data: *mut WIN32_FIND_DATAA,
    flags: DWORD,
    context: DWORD_PTR,
) -> HINTERNET {
    // SAFETY: forwarded contract.
    unsafe { find_first(h, pattern, a_opt, data, fill_find_data_a, flags, context) }
}

/// FtpFindFirstFileW.
///
/// # Safety
/// As FtpFindFirstFileA, with a UTF-16 pattern and a WIN32_FIND_DATAW.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn FtpFindFirstFileW(
    h: HINTERNET,
    pattern: LPCWSTR,
    data: *mut WIN32_FIND_DATAW,
    flags: DWORD,
    context: DWORD_PTR,
) -> HINTERNET {
    // SAFETY: forwarded contract.
    unsafe { find_first(h, pattern, w_opt, data, fill_find_data_w, flags, context) }
}

// ---- FtpOpenFile ---------------------------------------------------------------------------

fn open_file(
    h: HINTERNET,
    name: Option<String>,
    access: DWORD,
    flags: DWORD,
    context: DWORD_PTR,
) -> Result<HINTERNET> {
    let o = raw::ftp_open_file(
        engine(),
        raw_of(h),
        name.as_deref(),
        access,
        flags,
        context,
        |_| {},
    );
    record_reply(h, outcome(o)).map(to_hinternet)
}

/// FtpOpenFileA.
///
/// # Safety
/// `name` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn FtpOpenFileA(
    h: HINTERNET,
    name: LPCSTR,
    access: DWORD,
    flags: DWORD,
    context: DWORD_PTR,
) -> HINTERNET {
    guard(std::ptr::null_mut(), || {
        // SAFETY: the caller's string contract.
        let n = unsafe { a_opt(name)? };
        open_file(h, n, access, flags, context)
    })
}

/// FtpOpenFileW.
///
/// # Safety
/// `name` is NULL or NUL-terminated UTF-16.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn FtpOpenFileW(
    h: HINTERNET,
    name: LPCWSTR,
    access: DWORD,
    flags: DWORD,
    context: DWORD_PTR,
) -> HINTERNET {
    guard(std::ptr::null_mut(), || {
        // SAFETY: the caller's string contract.
        let n = unsafe { w_opt(name)? };
        open_file(h, n, access, flags, context)
    })
}

// ---- FtpGetFile / FtpPutFile ---------------------------------------------------------------

fn get_file(
    h: HINTERNET,
    remote: Option<String>,
    local: Option<String>,
    fail_if_exists: BOOL,
    attributes: DWORD,
    flags: DWORD,
) -> Result<BOOL> {
    let local = local.map(PathBuf::from);
    let o = raw::ftp_get_file(
        engine(),
        raw_of(h),
        remote.as_deref(),
        local.as_deref(),
        fail_if_exists != FALSE,
        attributes,
        flags,
        |_| {},
    );
    record_reply(h, outcome(o)).map(|()| TRUE)
}

/// FtpGetFileA: downloads `remote` into the local file `local` (a UTF-8 path).
///
/// # Safety
/// String arguments are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn FtpGetFileA(
    h: HINTERNET,
    remote: LPCSTR,
    local: LPCSTR,
    fail_if_exists: BOOL,
    attributes: DWORD,
    flags: DWORD,
    _context: DWORD_PTR,
) -> BOOL {
    guard(FALSE, || {
        // SAFETY: the caller's string contracts.
        let (r, l) = unsafe { (a_opt(remote)?, a_opt(local)?) };
        get_file(h, r, l, fail_if_exists, attributes, flags)
    })
}

/// FtpGetFileW.
///
/// # Safety
/// String arguments are NULL or NUL-terminated UTF-16.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn FtpGetFileW(
    h: HINTERNET,
    remote: LPCWSTR,
    local: LPCWSTR,
    fail_if_exists: BOOL,
    attributes: DWORD,
    flags: DWORD,
    _context: DWORD_PTR,
) -> BOOL {
    guard(FALSE, || {
        // SAFETY: the caller's string contracts.
        let (r, l) = unsafe { (w_opt(remote)?, w_opt(local)?) };
        get_file(h, r, l, fail_if_exists, attributes, flags)
    })
}

fn put_file(
    h: HINTERNET,
    local: Option<String>,
    remote: Option<String>,
    flags: DWORD,
) -> Result<BOOL> {
    let local = local.map(PathBuf::from);
    let o = raw::ftp_put_file(
        engine(),
        raw_of(h),
        local.as_deref(),
        remote.as_deref(),
        flags,
        |_| {},
    );
    record_reply(h, outcome(o)).map(|()| TRUE)
}

/// FtpPutFileA: uploads the local file `local` (a UTF-8 path) to `remote`.
///
/// # Safety
/// String arguments are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn FtpPutFileA(
    h: HINTERNET,
    local: LPCSTR,
    remote: LPCSTR,
    flags: DWORD,
    _context: DWORD_PTR,
) -> BOOL {
    guard(FALSE, || {
        // SAFETY: the caller's string contracts.
        let (l, r) = unsafe { (a_opt(local)?, a_opt(remote)?) };
        put_file(h, l, r, flags)
    })
}

/// FtpPutFileW.
///
/// # Safety
/// String arguments are NULL or NUL-terminated UTF-16.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn FtpPutFileW(
    h: HINTERNET,
    local: LPCWSTR,
    remote: LPCWSTR,
    flags: DWORD,
    _context: DWORD_PTR,
) -> BOOL {
    guard(FALSE, || {
        // SAFETY: the caller's string contracts.
        let (l, r) = unsafe { (w_opt(local)?, w_opt(remote)?) };
        put_file(h, l, r, flags)
    })
}

/// FtpGetFileEx: FtpGetFile with an A (UTF-8) remote name and a W (UTF-16) local path.
///
/// # Safety
/// String arguments are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn FtpGetFileEx(
    h: HINTERNET,
    remote: LPCSTR,
    local: LPCWSTR,
    fail_if_exists: BOOL,
    attributes: DWORD,
    flags: DWORD,
    _context: DWORD_PTR,
) -> BOOL {
    guard(FALSE, || {
        // SAFETY: the caller's string contracts.
        let (r, l) = unsafe { (a_opt(remote)?, w_opt(local)?) };
        get_file(h, r, l, fail_if_exists, attributes, flags)
    })
}

/// FtpPutFileEx: FtpPutFile with a W (UTF-16) local path and an A (UTF-8) remote name.
///
/// # Safety
/// String arguments are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn FtpPutFileEx(
    h: HINTERNET,
    local: LPCWSTR,
    remote: LPCSTR,
    flags: DWORD,
    _context: DWORD_PTR,
) -> BOOL {
    guard(FALSE, || {
        // SAFETY: the caller's string contracts.
        let (l, r) = unsafe { (w_opt(local)?, a_opt(remote)?) };
        put_file(h, l, r, flags)
    })
}

// ---- One-name session commands -------------------------------------------------------------

type OneName = fn(
    &hinternet_core::Engine,
    u64,
    Option<&str>,
    Box<dyn FnOnce(&Result<()>) + Send>,
) -> hinternet::raw::Outcome<()>;

/// Runs a one-name session command (DELE, MKD, RMD, CWD).
///
/// # Safety
/// `name` is NULL or a valid string for `read`.
unsafe fn one_name<C>(h: HINTERNET, name: *const C, read: Read<C>, f: OneName) -> BOOL {
    guard(FALSE, || {
        // SAFETY: the caller's string contract.
        let n = unsafe { read(name)? };
        let o = f(engine(), raw_of(h), n.as_deref(), Box::new(|_| {}));
        record_reply(h, outcome(o)).map(|()| TRUE)
    })
}

macro_rules! one_name_exports {
    ($(#[$doc:meta])* $a:ident, $w:ident, $engine_fn:path) => {
        $(#[$doc])*
        ///
        /// # Safety
        /// The name is NULL or NUL-terminated.
        #[unsafe(no_mangle)]
        pub unsafe extern "system" fn $a(h: HINTERNET, name: LPCSTR) -> BOOL {
            // SAFETY: forwarded contract.
            unsafe { one_name(h, name, a_opt, |e, r, n, c| $engine_fn(e, r, n, c)) }
        }

        $(#[$doc])*
        ///
        /// # Safety
        /// The name is NULL or NUL-terminated UTF-16.
        #[unsafe(no_mangle)]
        pub unsafe extern "system" fn $w(h: HINTERNET, name: LPCWSTR) -> BOOL {
            // SAFETY: forwarded contract.
            unsafe { one_name(h, name, w_opt, |e, r, n, c| $engine_fn(e, r, n, c)) }
        }
    };
}

one_name_exports!(
    /// FtpDeleteFile (`DELE`).
    FtpDeleteFileA, FtpDeleteFileW, raw::ftp_delete_file
);
one_name_exports!(
    /// FtpCreateDirectory (`MKD`).
    FtpCreateDirectoryA, FtpCreateDirectoryW, raw::ftp_create_directory
);
one_name_exports!(
    /// FtpRemoveDirectory (`RMD`).
    FtpRemoveDirectoryA, FtpRemoveDirectoryW, raw::ftp_remove_directory
);
one_name_exports!(
    /// FtpSetCurrentDirectory (`CWD`).
    FtpSetCurrentDirectoryA, FtpSetCurrentDirectoryW, raw::ftp_set_current_directory
);

/// FtpRenameFile for both forms.
///
/// # Safety
/// Both names are NULL or valid strings for `read`.
unsafe fn rename<C>(h: HINTERNET, from: *const C, to: *const C, read: Read<C>) -> BOOL {
    guard(FALSE, || {
        // SAFETY: the caller's string contracts.
        let (f, t) = unsafe { (read(from)?, read(to)?) };
        let o = raw::ftp_rename_file(engine(), raw_of(h), f.as_deref(), t.as_deref(), |_| {});
        record_reply(h, outcome(o)).map(|()| TRUE)
    })
}

/// FtpRenameFileA (`RNFR` + `RNTO`).
///
/// # Safety
/// Both names are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn FtpRenameFileA(h: HINTERNET, from: LPCSTR, to: LPCSTR) -> BOOL {
    // SAFETY: forwarded contract.
    unsafe { rename(h, from, to, a_opt) }
}

/// FtpRenameFileW (`RNFR` + `RNTO`).
///
/// # Safety
/// Both names are NULL or NUL-terminated UTF-16.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn FtpRenameFileW(h: HINTERNET, from: LPCWSTR, to: LPCWSTR) -> BOOL {
    // SAFETY: forwarded contract.
    unsafe { rename(h, from, to, w_opt) }
}

// ---- FtpGetCurrentDirectory ----------------------------------------------------------------

/// Copies `path` into the caller's buffer of `*len` units with the FTP crate's rules and
/// updates `*len` (characters written including the NUL; on ERROR_INSUFFICIENT_BUFFER the
/// characters needed).
///
/// # Safety
/// `buf` is NULL or valid for `*len` units; `len` is valid.
unsafe fn put_directory<T: Copy>(path: &[T], nul: T, buf: *mut T, len: LPDWORD) -> Result<()> {
    // SAFETY: valid (contract; checked non-NULL by the engine before).
    let cap = unsafe { len.read_unaligned() } as usize;
    let slice = if buf.is_null() {
        None
    } else {
        // SAFETY: valid for `cap` units (contract).
        Some(unsafe { std::slice::from_raw_parts_mut(buf, cap) })
    };
    match current_directory_to_buffer(path, nul, slice) {
        Ok(n) => {
            // SAFETY: as above.
            unsafe { len.write_unaligned(n) };
            Ok(())
        }
        Err(e) => {
            if let Some(need) = e.needed() {
                // SAFETY: as above.
                unsafe { len.write_unaligned(u32::try_from(need).unwrap_or(u32::MAX)) };
            }
            Err(e)
        }
    }
}

/// FtpGetCurrentDirectory for both forms; `units` turns the path into the caller's units.
///
/// # Safety
/// `buf` is NULL or valid for `*len` units and `len` NULL or valid, until completion.
unsafe fn current_directory<T: Copy + Default + 'static>(
    h: HINTERNET,
    buf: *mut T,
    len: LPDWORD,
    units: fn(&str) -> Vec<T>,
) -> BOOL {
    guard(FALSE, || {
        let length = if len.is_null() {
            None
        } else {
            // SAFETY: non-NULL, valid (contract).
            Some(unsafe { len.read_unaligned() })
        };
        let (later_buf, later_len) = (OutPtr(buf), OutPtr(len));
        let o =
            raw::ftp_get_current_directory(engine(), raw_of(h), length, buf.is_null(), move |r| {
                if let Ok(path) = r {
                    // SAFETY: valid until REQUEST_COMPLETE (contract); the engine checked the
                    // length pointer before pending.
                    let _ = unsafe {
                        put_directory(&units(path), T::default(), later_buf.ptr(), later_len.ptr())
                    };
                }
            });
        let path = record_reply(h, outcome(o))?;
        // SAFETY: the engine checked `len` (non-NULL) before succeeding; `buf` per contract.
        unsafe { put_directory(&units(&path), T::default(), buf, len)? };
        Ok(TRUE)
    })
}

fn ansi_units(s: &str) -> Vec<c_char> {
    s.bytes().map(|b| b as c_char).collect()
}

fn wide_units(s: &str) -> Vec<WCHAR> {
    s.encode_utf16().collect()
}

/// FtpGetCurrentDirectoryA: `*len` in chars, receives the chars written including the NUL.
///
/// # Safety
/// `buf` is NULL or valid for `*len` chars; `len` is NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn FtpGetCurrentDirectoryA(
    h: HINTERNET,
    buf: LPSTR,
    len: LPDWORD,
) -> BOOL {
    // SAFETY: forwarded contract.
    unsafe { current_directory(h, buf, len, ansi_units) }
}

/// FtpGetCurrentDirectoryW: `*len` in UTF-16 units, receives the units written including the
/// NUL.
///
/// # Safety
/// `buf` is NULL or valid for `*len` units; `len` is NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn FtpGetCurrentDirectoryW(
    h: HINTERNET,
    buf: LPWSTR,
    len: LPDWORD,
) -> BOOL {
    // SAFETY: forwarded contract.
    unsafe { current_directory(h, buf, len, wide_units) }
}

// ---- FtpCommand ----------------------------------------------------------------------------

fn command(
    h: HINTERNET,
    expect: BOOL,
    flags: DWORD,
    cmd: Option<String>,
    context: DWORD_PTR,
    out: *mut HINTERNET,
) -> Result<BOOL> {
    let expect = expect != FALSE;
    if expect && out.is_null() {
        drop(engine().enter(raw_of(h))?);
        return Err(Error::new(ERROR_INVALID_PARAMETER));
    }
    let later = OutPtr(out);
    let o = raw::ftp_command(
        engine(),
        raw_of(h),
        expect,
        flags,
        cmd.as_deref(),
        context,
        move |r| {
            if let Ok(Some(handle)) = r {
                // SAFETY: NULL or valid until REQUEST_COMPLETE (contract).
                unsafe { later.write(to_hinternet(*handle)) };
            }
        },
    );
    let handle = record_reply(h, outcome(o))?;
    if let Some(handle) = handle {
        // SAFETY: NULL or valid (contract).
        unsafe { OutPtr(out).write(to_hinternet(handle)) };
    }
    Ok(TRUE)
}

/// FtpCommandA: with `fExpectResponse`, `*phFtpCommand` receives the data handle.
///
/// # Safety
/// `cmd` is NULL or NUL-terminated; `out` is NULL or valid until completion.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn FtpCommandA(
    h: HINTERNET,
    expect: BOOL,
    flags: DWORD,
    cmd: LPCSTR,
    context: DWORD_PTR,
    out: *mut HINTERNET,
) -> BOOL {
    guard(FALSE, || {
        // SAFETY: the caller's string contract.
        let c = unsafe { a_opt(cmd)? };
        command(h, expect, flags, c, context, out)
    })
}

/// FtpCommandW.
///
/// # Safety
/// `cmd` is NULL or NUL-terminated UTF-16; `out` is NULL or valid until completion.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn FtpCommandW(
    h: HINTERNET,
    expect: BOOL,
    flags: DWORD,
    cmd: LPCWSTR,
    context: DWORD_PTR,
    out: *mut HINTERNET,
) -> BOOL {
    guard(FALSE, || {
        // SAFETY: the caller's string contract.
        let c = unsafe { w_opt(cmd)? };
        command(h, expect, flags, c, context, out)
    })
}

// ---- FtpGetFileSize ------------------------------------------------------------------------

/// FtpGetFileSize: the low DWORD of the file's size (high DWORD through `high`, which may be
/// NULL); INVALID_FILE_SIZE (0xFFFFFFFF) with the last error set on failure.
///
/// # Safety
/// `high` is NULL or valid for a DWORD.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn FtpGetFileSize(h: HINTERNET, high: LPDWORD) -> DWORD {
    guard(u32::MAX, || {
        let size = raw::ftp_get_file_size(engine(), raw_of(h))?;
        // SAFETY: NULL or valid (contract).
        unsafe { OutPtr(high).write((size >> 32) as u32) };
        Ok(size as u32)
    })
}
