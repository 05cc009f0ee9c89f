//! Cookie exports: InternetGetCookie(Ex), InternetSetCookie(Ex), A and W. They take no handle
//! and use the HTTP leaf's process-wide store — the one requests use too
//! ([`hinternet_http::cookies`]); the size rules are those of spec §0.3 and behaviour H.102,
//! the HttpOnly rules those of H.103.

use hinternet_core::consts::*;
use hinternet_core::{Error, Result};
use hinternet_http::cookies::{cookie_state, internet_get_cookie, internet_set_cookie};

use crate::ffi::guard;
use crate::strings::{a_opt, w_opt};
use crate::types::*;

/// InternetSetCookieEx's body: the state is written to `state` (COOKIE_STATE_ACCEPT,
/// COOKIE_STATE_REJECT with ERROR_INVALID_OPERATION, COOKIE_STATE_UNKNOWN for bad arguments).
fn set_ex(strings: impl FnOnce() -> Result<[Option<String>; 3]>, flags: DWORD) -> DWORD {
    let mut state = COOKIE_STATE_UNKNOWN;
    guard(COOKIE_STATE_UNKNOWN, || {
        let [u, n, d] = strings()?;
        let r = internet_set_cookie(u.as_deref(), n.as_deref(), d.as_deref(), flags);
        state = cookie_state(&r);
        r.map(|()| COOKIE_STATE_ACCEPT)
    });
    state
}

/// InternetSetCookieA: `data` in Set-Cookie syntax; with a name the cookie is `name=data`.
/// A `domain=` outside the URL's host is ERROR_INVALID_PARAMETER; an HttpOnly cookie (or one
/// replacing an HttpOnly cookie) ERROR_INVALID_OPERATION.
///
/// # Safety
/// Strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn InternetSetCookieA(url: LPCSTR, name: LPCSTR, data: LPCSTR) -> BOOL {
    // SAFETY: forwarded contract.
    let state = unsafe { InternetSetCookieExA(url, name, data, 0, 0) };
    BOOL::from(state == COOKIE_STATE_ACCEPT)
}

/// InternetSetCookieW.
///
/// # Safety
/// Strings are NULL or NUL-terminated UTF-16.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn InternetSetCookieW(
    url: LPCWSTR,
    name: LPCWSTR,
    data: LPCWSTR,
) -> BOOL {
    // SAFETY: forwarded contract.
    let state = unsafe { InternetSetCookieExW(url, name, data, 0, 0) };
    BOOL::from(state == COOKIE_STATE_ACCEPT)
}

/// InternetSetCookieExA: as InternetSetCookieA, returning an InternetCookieState.
/// INTERNET_COOKIE_HTTPONLY allows HttpOnly cookies; other flags and `reserved` are ignored.
///
/// # Safety
/// Strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn InternetSetCookieExA(
    url: LPCSTR,
    name: LPCSTR,
    data: LPCSTR,
    flags: DWORD,
    _reserved: DWORD_PTR,
) -> DWORD {
    set_ex(
        // SAFETY: the caller's string contracts.
        || unsafe { Ok([a_opt(url)?, a_opt(name)?, a_opt(data)?]) },
        flags,
    )
}

/// InternetSetCookieExW.
///
/// # Safety
/// Strings are NULL or NUL-terminated UTF-16.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn InternetSetCookieExW(
    url: LPCWSTR,
    name: LPCWSTR,
    data: LPCWSTR,
    flags: DWORD,
    _reserved: DWORD_PTR,
) -> DWORD {
    set_ex(
        // SAFETY: the caller's string contracts.
        || unsafe { Ok([w_opt(url)?, w_opt(name)?, w_opt(data)?]) },
        flags,
    )
}

/// The `name=value; ...` string for `url`. URL errors come first, then a NULL `size` is
/// ERROR_INVALID_PARAMETER; no cookie is ERROR_NO_MORE_ITEMS with `*size` 0.
///
/// # Safety
/// `size` is NULL or valid.
unsafe fn cookies_for(url: Option<String>, size: LPDWORD, flags: DWORD) -> Result<String> {
    let r = internet_get_cookie(url.as_deref(), flags);
    if let Err(e) = &r
        && e.code() != ERROR_NO_MORE_ITEMS
    {
        return r;
    }
    if size.is_null() {
        return Err(Error::new(ERROR_INVALID_PARAMETER));
    }
    if r.is_err() {
        // SAFETY: non-NULL, valid (contract).
        unsafe { size.write_unaligned(0) };
    }
    r
}

/// InternetGetCookieA / ExA: `*size` in chars; success and too small both report chars
/// including the NUL; a NULL buffer returns TRUE with the size.
///
/// # Safety
/// As InternetGetCookieA.
unsafe fn get_a(url: LPCSTR, data: LPSTR, size: LPDWORD, flags: DWORD) -> BOOL {
    guard(FALSE, || {
        // SAFETY: the caller's contracts.
        let v = unsafe { cookies_for(a_opt(url)?, size, flags)? };
        let need = v.len() + 1;
        // SAFETY: `size` checked non-NULL by `cookies_for`.
        let cap = unsafe { size.read_unaligned() } as usize;
        // SAFETY: as above.
        unsafe { size.write_unaligned(need as DWORD) };
        if data.is_null() {
            return Ok(TRUE);
        }
        if cap < need {
            return Err(Error::insufficient_buffer(need as u64));
        }
        // SAFETY: valid for `cap >= need` chars (contract).
        let out = unsafe { std::slice::from_raw_parts_mut(data.cast::<u8>(), need) };
        out[..v.len()].copy_from_slice(v.as_bytes());
        out[v.len()] = 0;
        Ok(TRUE)
    })
}

/// InternetGetCookieW / ExW: `*size` in UTF-16 units; success reports units including the
/// NUL; a NULL buffer returns TRUE with the size in **bytes**, too small reports bytes (Wine).
///
/// # Safety
/// As InternetGetCookieW.
unsafe fn get_w(url: LPCWSTR, data: LPWSTR, size: LPDWORD, flags: DWORD) -> BOOL {
    guard(FALSE, || {
        // SAFETY: the caller's contracts.
        let v = unsafe { cookies_for(w_opt(url)?, size, flags)? };
        let units: Vec<WCHAR> = crate::strings::to_wide_nul(&v);
        let need = units.len();
        // SAFETY: `size` checked non-NULL by `cookies_for`.
        let cap = unsafe { size.read_unaligned() } as usize;
        if data.is_null() {
            // SAFETY: as above.
            unsafe { size.write_unaligned((need * 2) as DWORD) };
            return Ok(TRUE);
        }
        if cap < need {
            // SAFETY: as above.
            unsafe { size.write_unaligned((need * 2) as DWORD) };
            return Err(Error::insufficient_buffer((need * 2) as u64));
        }
        // SAFETY: valid for `cap >= need` units (contract).
        let out = unsafe { std::slice::from_raw_parts_mut(data, need) };
        out.copy_from_slice(&units);
        // SAFETY: as above.
        unsafe { size.write_unaligned(need as DWORD) };
        Ok(TRUE)
    })
}

/// InternetGetCookieA: the cookies for `url` except HttpOnly ones; the name is ignored.
///
/// # Safety
/// `url` is NULL or NUL-terminated; `data` is NULL or valid for `*size` chars; `size` is NULL
/// or valid.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn InternetGetCookieA(
    url: LPCSTR,
    _name: LPCSTR,
    data: LPSTR,
    size: LPDWORD,
) -> BOOL {
    // SAFETY: forwarded contract.
    unsafe { get_a(url, data, size, 0) }
}

/// InternetGetCookieW.
///
/// # Safety
/// `url` is NULL or NUL-terminated UTF-16; `data` is NULL or valid for `*size` units; `size`
/// is NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn InternetGetCookieW(
    url: LPCWSTR,
    _name: LPCWSTR,
    data: LPWSTR,
    size: LPDWORD,
) -> BOOL {
    // SAFETY: forwarded contract.
    unsafe { get_w(url, data, size, 0) }
}

/// InternetGetCookieExA: as InternetGetCookieA; INTERNET_COOKIE_HTTPONLY adds HttpOnly
/// cookies, other flags and `reserved` are ignored.
///
/// # Safety
/// As InternetGetCookieA.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn InternetGetCookieExA(
    url: LPCSTR,
    _name: LPCSTR,
    data: LPSTR,
    size: LPDWORD,
    flags: DWORD,
    _reserved: *mut std::ffi::c_void,
) -> BOOL {
    // SAFETY: forwarded contract.
    unsafe { get_a(url, data, size, flags) }
}

/// InternetGetCookieExW.
///
/// # Safety
/// As InternetGetCookieW.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn InternetGetCookieExW(
    url: LPCWSTR,
    _name: LPCWSTR,
    data: LPWSTR,
    size: LPDWORD,
    flags: DWORD,
    _reserved: *mut std::ffi::c_void,
) -> BOOL {
    // SAFETY: forwarded contract.
    unsafe { get_w(url, data, size, flags) }
}
