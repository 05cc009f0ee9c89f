//! Cookie exports: InternetGetCookie, InternetSetCookie. They take no handle and use the
//! HTTP crate's process-wide jar ([`hinternet_http::cookies::process_jar`]); the size rules
//! are those of spec §0.3 and behaviour H.102.

use hinternet_core::consts::*;
use hinternet_core::{Error, Result};
use hinternet_http::cookies::process_jar;

use crate::ffi::guard;
use crate::strings::{a_opt, w_opt};
use crate::types::*;

/// Checks a cookie URL: NULL is ERROR_INVALID_PARAMETER, a string that is not a URL
/// ERROR_INTERNET_UNRECOGNIZED_SCHEME, a URL without a host (`about:blank`)
/// ERROR_INVALID_PARAMETER.
fn cookie_url(url: Option<String>) -> Result<String> {
    let url = url.ok_or_else(|| Error::new(ERROR_INVALID_PARAMETER))?;
    let cracked = hinternet_url::crack(&url, 0).map_err(|e| {
        if e.code() == ERROR_INVALID_PARAMETER {
            e
        } else {
            Error::new(ERROR_INTERNET_UNRECOGNIZED_SCHEME)
        }
    })?;
    if cracked.parts().host.is_none_or(str::is_empty) {
        return Err(Error::new(ERROR_INVALID_PARAMETER));
    }
    Ok(url)
}

fn set_cookie(url: Option<String>, name: Option<String>, data: Option<String>) -> Result<BOOL> {
    let url = cookie_url(url)?;
    let data = data.ok_or_else(|| Error::new(ERROR_INVALID_PARAMETER))?;
    let line = match name.filter(|n| !n.is_empty()) {
        Some(n) => format!("{n}={data}"),
        None => data,
    };
    if process_jar().set(&line, &url) {
        Ok(TRUE)
    } else {
        Err(Error::new(ERROR_INVALID_PARAMETER).with_context("cookie rejected for this URL"))
    }
}

/// InternetSetCookieA: `data` in Set-Cookie syntax; with a name the cookie is `name=data`.
/// A cookie the jar rejects (e.g. a `domain=` outside the URL's host) is
/// ERROR_INVALID_PARAMETER.
///
/// # Safety
/// Strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn InternetSetCookieA(url: LPCSTR, name: LPCSTR, data: LPCSTR) -> BOOL {
    guard(FALSE, || {
        // SAFETY: the caller's string contracts.
        let (u, n, d) = unsafe { (a_opt(url)?, a_opt(name)?, a_opt(data)?) };
        set_cookie(u, n, d)
    })
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
    guard(FALSE, || {
        // SAFETY: the caller's string contracts.
        let (u, n, d) = unsafe { (w_opt(url)?, w_opt(name)?, w_opt(data)?) };
        set_cookie(u, n, d)
    })
}

/// The `name=value; ...` string for `url`; none is ERROR_NO_MORE_ITEMS with `*size` 0.
///
/// # Safety
/// `size` is NULL or valid.
unsafe fn cookies_for(url: Option<String>, size: LPDWORD) -> Result<String> {
    let url = cookie_url(url)?;
    if size.is_null() {
        return Err(Error::new(ERROR_INVALID_PARAMETER));
    }
    match process_jar().header_for(&url) {
        Some(v) => Ok(v),
        None => {
            // SAFETY: non-NULL, valid (contract).
            unsafe { size.write_unaligned(0) };
            Err(Error::new(ERROR_NO_MORE_ITEMS))
        }
    }
}

/// InternetGetCookieA: `*size` in chars; success and too small both report chars including
/// the NUL; a NULL buffer returns TRUE with the size.
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
    guard(FALSE, || {
        // SAFETY: the caller's contracts.
        let v = unsafe { cookies_for(a_opt(url)?, size)? };
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

/// InternetGetCookieW: `*size` in UTF-16 units; success reports units including the NUL; a
/// NULL buffer returns TRUE with the size in **bytes**, too small reports bytes (Wine).
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
    guard(FALSE, || {
        // SAFETY: the caller's contracts.
        let v = unsafe { cookies_for(w_opt(url)?, size)? };
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
