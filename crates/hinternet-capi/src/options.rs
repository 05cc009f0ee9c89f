//! InternetQueryOption / InternetSetOption (A and W): the engine answers; this module lays the
//! value into the caller's buffer (core's `options::encode` size rules, plus the pointer layouts
//! only C has: the callback pointer and INTERNET_PROXY_INFO with its strings after the struct).

use std::ffi::{c_char, c_void};

use hinternet_core::consts::*;
use hinternet_core::options::{CharUnit, OptionType, ProxyInfo, encode, option_type};
use hinternet_core::{Error, OptionInput, OptionValue, Result};

use crate::callback::CCallback;
use crate::ffi::guard;
use crate::internet::{engine, raw_of};
use crate::strings::{a_opt, to_ansi_nul, to_wide_nul, w_opt};
use crate::types::*;

fn handle_opt(h: HINTERNET) -> Option<u64> {
    (!h.is_null()).then(|| raw_of(h))
}

/// Writes `bytes` into the caller's buffer or reports the size needed.
fn put(bytes: &[u8], buf: *mut c_void, cap: u32) -> Result<u32> {
    if buf.is_null() || (cap as usize) < bytes.len() {
        return Err(Error::insufficient_buffer(bytes.len() as u64));
    }
    // SAFETY: `buf` is valid for `cap` bytes (caller contract) and `cap >= bytes.len()`.
    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), buf.cast::<u8>(), bytes.len()) };
    Ok(bytes.len() as u32)
}

fn callback_pointer(h: HINTERNET) -> Result<usize> {
    let cb = engine().callback(raw_of(h))?;
    Ok(cb
        .and_then(|c| c.as_any().downcast_ref::<CCallback>().and_then(|c| c.fp))
        .map_or(0, |fp| fp as usize))
}

/// INTERNET_PROXY_INFO followed by its strings, pointers aimed into the caller's buffer.
fn put_proxy(p: &ProxyInfo, buf: *mut c_void, cap: u32, unit: CharUnit) -> Result<u32> {
    let enc = |s: &Option<String>| -> Option<Vec<u8>> {
        s.as_ref().map(|s| match unit {
            CharUnit::Ansi => to_ansi_nul(s),
            CharUnit::Wide => to_wide_nul(s)
                .iter()
                .flat_map(|u| u.to_le_bytes())
                .collect(),
        })
    };
    let (proxy, bypass) = (enc(&p.proxy), enc(&p.bypass));
    let head = std::mem::size_of::<INTERNET_PROXY_INFO<u8>>();
    let need = head + proxy.as_ref().map_or(0, Vec::len) + bypass.as_ref().map_or(0, Vec::len);
    if buf.is_null() || (cap as usize) < need {
        return Err(Error::insufficient_buffer(need as u64));
    }
    let base = buf.cast::<u8>();
    let mut at = head;
    let mut place = |s: &Option<Vec<u8>>| -> *const u8 {
        match s {
            None => std::ptr::null(),
            Some(b) => {
                // SAFETY: `need <= cap` bytes of `buf` are writable; `at + b.len() <= need`.
                let dst = unsafe { base.add(at) };
                // SAFETY: as above.
                unsafe { std::ptr::copy_nonoverlapping(b.as_ptr(), dst, b.len()) };
                at += b.len();
                dst
            }
        }
    };
    let info = INTERNET_PROXY_INFO::<u8> {
        dwAccessType: p.access_type,
        lpszProxy: place(&proxy),
        lpszProxyBypass: place(&bypass),
    };
    // SAFETY: the head fits (`need >= head`); unaligned write for safety.
    unsafe { base.cast::<INTERNET_PROXY_INFO<u8>>().write_unaligned(info) };
    Ok(need as u32)
}

/// A NUL-terminated copy of `s` from `malloc` (freed by the caller with `LocalFree`); NULL for
/// `None` or when memory runs out.
fn alloc_ansi(s: Option<&str>) -> *mut std::ffi::c_char {
    let Some(s) = s else {
        return std::ptr::null_mut();
    };
    let bytes = to_ansi_nul(s);
    // SAFETY: malloc of a non-zero size; NULL is handled.
    let p = unsafe { libc::malloc(bytes.len()) }.cast::<u8>();
    if !p.is_null() {
        // SAFETY: `p` holds `bytes.len()` writable bytes.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), p, bytes.len()) };
    }
    p.cast()
}

/// INTERNET_CERTIFICATE_INFO into the caller's buffer (exactly its size or more), with
/// allocated A strings.
fn put_certificate(
    c: &hinternet_core::options::CertificateInfo,
    buf: *mut c_void,
    cap: u32,
) -> Result<u32> {
    let need = std::mem::size_of::<INTERNET_CERTIFICATE_INFO>();
    if buf.is_null() || (cap as usize) < need {
        return Err(Error::insufficient_buffer(need as u64));
    }
    let ft = |t: u64| FILETIME {
        dwLowDateTime: t as u32,
        dwHighDateTime: (t >> 32) as u32,
    };
    let info = INTERNET_CERTIFICATE_INFO {
        ftExpiry: ft(c.expiry),
        ftStart: ft(c.start),
        lpszSubjectInfo: alloc_ansi(Some(&c.subject)),
        lpszIssuerInfo: alloc_ansi(Some(&c.issuer)),
        lpszProtocolName: alloc_ansi(c.protocol.as_deref()),
        lpszSignatureAlgName: alloc_ansi(c.signature_algorithm.as_deref()),
        lpszEncryptionAlgName: alloc_ansi(c.encryption_algorithm.as_deref()),
        dwKeySize: c.key_size,
    };
    // SAFETY: `buf` holds at least `need` bytes (checked); unaligned write for safety.
    unsafe {
        buf.cast::<INTERNET_CERTIFICATE_INFO>()
            .write_unaligned(info)
    };
    Ok(need as u32)
}

unsafe fn query(
    h: HINTERNET,
    option: DWORD,
    buf: *mut c_void,
    len: LPDWORD,
    unit: CharUnit,
) -> BOOL {
    guard(FALSE, || {
        if len.is_null() {
            return Err(Error::new(ERROR_INVALID_PARAMETER));
        }
        // SAFETY: non-NULL, valid (contract).
        let cap = unsafe { len.read_unaligned() };
        let value = engine().query_option(handle_opt(h), option)?;
        let written = match &value {
            OptionValue::Callback => put(&callback_pointer(h)?.to_le_bytes(), buf, cap),
            OptionValue::Proxy(p) => put_proxy(p, buf, cap, unit),
            OptionValue::Certificate(c) => put_certificate(c, buf, cap),
            other => {
                let slice = if buf.is_null() {
                    None
                } else {
                    // SAFETY: valid for `cap` bytes (contract).
                    Some(unsafe { std::slice::from_raw_parts_mut(buf.cast::<u8>(), cap as usize) })
                };
                encode(other, slice, unit)
            }
        };
        match written {
            Ok(n) => {
                // SAFETY: non-NULL, valid.
                unsafe { len.write_unaligned(n) };
                Ok(TRUE)
            }
            Err(e) => {
                if let Some(n) = e.needed() {
                    // SAFETY: non-NULL, valid.
                    unsafe { len.write_unaligned(n as u32) };
                }
                Err(e)
            }
        }
    })
}

/// InternetQueryOptionA.
///
/// # Safety
/// `buf` is NULL or valid for `*len` bytes; `len` is NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn InternetQueryOptionA(
    h: HINTERNET,
    option: DWORD,
    buf: *mut c_void,
    len: LPDWORD,
) -> BOOL {
    // SAFETY: forwarded contract.
    unsafe { query(h, option, buf, len, CharUnit::Ansi) }
}

/// InternetQueryOptionW.
///
/// # Safety
/// As InternetQueryOptionA.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn InternetQueryOptionW(
    h: HINTERNET,
    option: DWORD,
    buf: *mut c_void,
    len: LPDWORD,
) -> BOOL {
    // SAFETY: forwarded contract.
    unsafe { query(h, option, buf, len, CharUnit::Wide) }
}

unsafe fn set(h: HINTERNET, option: DWORD, buf: *mut c_void, len: DWORD, unit: CharUnit) -> BOOL {
    guard(FALSE, || {
        let text;
        let input = match option_type(option) {
            Some(OptionType::Str) => {
                // SAFETY: string options are NUL-terminated strings (the length is ignored, as
                // native does).
                text = unsafe {
                    match unit {
                        CharUnit::Ansi => a_opt(buf.cast::<c_char>().cast_const())?,
                        CharUnit::Wide => w_opt(buf.cast::<WCHAR>().cast_const())?,
                    }
                }
                .ok_or_else(|| Error::new(ERROR_INVALID_PARAMETER))?;
                OptionInput::Text(&text)
            }
            Some(OptionType::Proxy) => {
                if buf.is_null() || (len as usize) < std::mem::size_of::<INTERNET_PROXY_INFO<u8>>()
                {
                    return Err(Error::new(ERROR_INVALID_PARAMETER));
                }
                // SAFETY: the buffer holds an INTERNET_PROXY_INFO (size checked).
                let info = unsafe { buf.cast::<INTERNET_PROXY_INFO<u8>>().read_unaligned() };
                // SAFETY: its strings are NULL or NUL-terminated (contract).
                let (proxy, bypass) = unsafe {
                    match unit {
                        CharUnit::Ansi => (
                            a_opt(info.lpszProxy.cast())?,
                            a_opt(info.lpszProxyBypass.cast())?,
                        ),
                        CharUnit::Wide => (
                            w_opt(info.lpszProxy.cast())?,
                            w_opt(info.lpszProxyBypass.cast())?,
                        ),
                    }
                };
                OptionInput::Proxy(ProxyInfo {
                    access_type: info.dwAccessType,
                    proxy,
                    bypass,
                })
            }
            _ if buf.is_null() => OptionInput::Empty,
            // SAFETY: valid for `len` bytes (contract).
            _ => OptionInput::Bytes(unsafe {
                std::slice::from_raw_parts(buf.cast::<u8>(), len as usize)
            }),
        };
        engine()
            .set_option(handle_opt(h), option, &input)
            .map(|()| TRUE)
    })
}

/// InternetSetOptionA.
///
/// # Safety
/// `buf` is NULL or valid for `len` bytes (a NUL-terminated string for string options).
#[unsafe(no_mangle)]
pub unsafe extern "system" fn InternetSetOptionA(
    h: HINTERNET,
    option: DWORD,
    buf: *mut c_void,
    len: DWORD,
) -> BOOL {
    // SAFETY: forwarded contract.
    unsafe { set(h, option, buf, len, CharUnit::Ansi) }
}

/// InternetSetOptionW.
///
/// # Safety
/// As InternetSetOptionA, with UTF-16 strings.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn InternetSetOptionW(
    h: HINTERNET,
    option: DWORD,
    buf: *mut c_void,
    len: DWORD,
) -> BOOL {
    // SAFETY: forwarded contract.
    unsafe { set(h, option, buf, len, CharUnit::Wide) }
}
