//! InternetCrackUrl, InternetCreateUrl, InternetCombineUrl, InternetCanonicalizeUrl (A and W).
//! Every URL rule and buffer convention comes from `hinternet-url`; this module only reads the
//! caller's strings and structs and writes the answers back (pointer mode points into the
//! caller's own string).

use std::ffi::c_char;

use hinternet_core::consts::*;
use hinternet_core::{Error, Result};
use hinternet_url::{
    CharUnit, CodeUnit, Component, ComponentFill, ComponentRequest, UrlOutputApi, UrlParts,
    check_output, crack_into, until_nul,
};

use crate::ffi::guard;
use crate::types::*;

fn invalid() -> Error {
    Error::new(ERROR_INVALID_PARAMETER)
}

/// The caller's units of a string: `len` units, or up to the NUL when `len` is 0.
///
/// # Safety
/// `p` is valid for `len` units, or NUL-terminated when `len` is 0.
unsafe fn units<'a, T: CodeUnit + PartialEq + Default>(p: *const T, len: u32) -> &'a [T] {
    if len == 0 {
        let mut n = 0usize;
        // SAFETY: NUL-terminated (contract).
        while unsafe { *p.add(n) } != T::default() {
            n += 1;
        }
        // SAFETY: `n` units before the NUL are readable.
        unsafe { std::slice::from_raw_parts(p, n) }
    } else {
        // SAFETY: valid for `len` units (contract).
        until_nul(unsafe { std::slice::from_raw_parts(p, len as usize) })
    }
}

fn pair<C>(uc: &mut URL_COMPONENTS<C>, c: Component) -> (&mut *mut C, &mut DWORD) {
    match c {
        Component::Scheme => (&mut uc.lpszScheme, &mut uc.dwSchemeLength),
        Component::HostName => (&mut uc.lpszHostName, &mut uc.dwHostNameLength),
        Component::UserName => (&mut uc.lpszUserName, &mut uc.dwUserNameLength),
        Component::Password => (&mut uc.lpszPassword, &mut uc.dwPasswordLength),
        Component::UrlPath => (&mut uc.lpszUrlPath, &mut uc.dwUrlPathLength),
        Component::ExtraInfo => (&mut uc.lpszExtraInfo, &mut uc.dwExtraInfoLength),
    }
}

unsafe fn crack<T>(url: *const T, len: DWORD, flags: DWORD, uc: *mut URL_COMPONENTS<T>) -> BOOL
where
    T: CodeUnit + Copy + Default + PartialEq,
{
    guard(FALSE, || {
        if url.is_null() || uc.is_null() {
            return Err(invalid());
        }
        // SAFETY: non-NULL, valid (contract).
        let uc = unsafe { &mut *uc };
        if uc.dwStructSize as usize != std::mem::size_of::<URL_COMPONENTS<T>>() {
            return Err(invalid());
        }
        // SAFETY: the caller's string contract.
        let text = unsafe { units(url, len) };
        if text.is_empty() {
            return Err(invalid());
        }
        let requests = Component::ALL.map(|c| {
            let (p, l) = pair(uc, c);
            ComponentRequest::from_raw(p.is_null(), *l, c)
        });
        let plan = crack_into(text, flags, requests)?;
        uc.nScheme = plan.scheme_kind;
        uc.nPort = plan.port;
        for (c, fill) in &plan.steps {
            let (p, l) = pair(uc, *c);
            match fill {
                ComponentFill::Skip => {}
                ComponentFill::Pointer { offset, len } => {
                    *p = match offset {
                        // SAFETY: the offset lies inside the caller's string.
                        Some(o) => unsafe { url.add(*o).cast_mut() },
                        None => std::ptr::null_mut(),
                    };
                    *l = *len;
                }
                ComponentFill::Copy { units, len } => {
                    // SAFETY: the buffer holds `*l >= units.len() + 1` units (checked by the
                    // plan's copy rule).
                    unsafe {
                        std::ptr::copy_nonoverlapping(units.as_ptr(), *p, units.len());
                        p.add(units.len()).write(T::default());
                    }
                    *l = *len;
                }
                ComponentFill::TooSmall { report } => {
                    if let Some(r) = report {
                        *l = *r;
                    }
                }
            }
        }
        match plan.error {
            Some(e) => Err(e),
            None => Ok(TRUE),
        }
    })
}

/// InternetCrackUrlA.
///
/// # Safety
/// `url` is valid for `len` bytes (NUL-terminated when 0); `uc` is NULL or a valid
/// URL_COMPONENTSA whose buffers hold their stated lengths.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn InternetCrackUrlA(
    url: LPCSTR,
    len: DWORD,
    flags: DWORD,
    uc: *mut URL_COMPONENTS<c_char>,
) -> BOOL {
    // SAFETY: forwarded contract; c_char and u8 have the same layout.
    unsafe { crack::<u8>(url.cast(), len, flags, uc.cast()) }
}

/// InternetCrackUrlW.
///
/// # Safety
/// As InternetCrackUrlA, with UTF-16 units.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn InternetCrackUrlW(
    url: LPCWSTR,
    len: DWORD,
    flags: DWORD,
    uc: *mut URL_COMPONENTS<WCHAR>,
) -> BOOL {
    // SAFETY: forwarded contract.
    unsafe { crack::<u16>(url, len, flags, uc) }
}

/// Reads one URL_COMPONENTS string for CreateUrl: NULL = absent, length 0 = NUL-terminated.
unsafe fn component<T>(
    p: *mut T,
    len: DWORD,
    decode: fn(&[T]) -> Result<String>,
) -> Result<Option<String>>
where
    T: CodeUnit + Copy + Default + PartialEq,
{
    if p.is_null() {
        return Ok(None);
    }
    // SAFETY: the caller's contract for the component.
    decode(unsafe { units(p.cast_const(), len) }).map(Some)
}

fn decode_a(u: &[u8]) -> Result<String> {
    String::from_utf8(u.to_vec()).map_err(|_| invalid())
}

fn decode_w(u: &[u16]) -> Result<String> {
    String::from_utf16(u).map_err(|_| invalid())
}

/// Writes `s` (+ NUL) to the caller's buffer with the output rules of `api`, or reports the
/// size needed through `len`.
unsafe fn output<T: Copy + Default>(
    api: UrlOutputApi,
    s: &str,
    buf: *mut T,
    len: LPDWORD,
    unit: CharUnit,
    encode: fn(&str) -> Vec<T>,
) -> Result<BOOL> {
    // SAFETY: non-NULL (checked by callers), valid.
    let cap = unsafe { len.read_unaligned() };
    match check_output(api, unit, s, buf.is_null(), cap) {
        Ok(n) => {
            let v = encode(s);
            // SAFETY: the buffer holds `cap > v.len()` units (checked by the output rule).
            unsafe {
                std::ptr::copy_nonoverlapping(v.as_ptr(), buf, v.len());
                buf.add(v.len()).write(T::default());
                len.write_unaligned(n);
            }
            Ok(TRUE)
        }
        Err(e) => {
            if let Some(n) = e.needed() {
                // SAFETY: as above.
                unsafe { len.write_unaligned(n as u32) };
            }
            Err(e)
        }
    }
}

fn enc_a(s: &str) -> Vec<u8> {
    s.as_bytes().to_vec()
}

fn enc_w(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
}

#[allow(clippy::too_many_arguments)]
unsafe fn create<T>(
    uc: *const URL_COMPONENTS<T>,
    flags: DWORD,
    buf: *mut T,
    len: LPDWORD,
    unit: CharUnit,
    decode: fn(&[T]) -> Result<String>,
    encode: fn(&str) -> Vec<T>,
) -> BOOL
where
    T: CodeUnit + Copy + Default + PartialEq,
{
    guard(FALSE, || {
        if uc.is_null() || len.is_null() {
            return Err(invalid());
        }
        // SAFETY: non-NULL, valid (contract).
        let uc = unsafe { &*uc };
        if uc.dwStructSize as usize != std::mem::size_of::<URL_COMPONENTS<T>>() {
            return Err(invalid());
        }
        // SAFETY: each component's contract.
        let (scheme, host, user, password, path, extra) = unsafe {
            (
                component(uc.lpszScheme, uc.dwSchemeLength, decode)?,
                component(uc.lpszHostName, uc.dwHostNameLength, decode)?,
                component(uc.lpszUserName, uc.dwUserNameLength, decode)?,
                component(uc.lpszPassword, uc.dwPasswordLength, decode)?,
                component(uc.lpszUrlPath, uc.dwUrlPathLength, decode)?,
                component(uc.lpszExtraInfo, uc.dwExtraInfoLength, decode)?,
            )
        };
        let parts = UrlParts {
            scheme: scheme.as_deref(),
            scheme_kind: uc.nScheme,
            host: host.as_deref(),
            port: uc.nPort,
            user: user.as_deref(),
            password: password.as_deref(),
            path: path.as_deref(),
            extra: extra.as_deref(),
        };
        let url = hinternet_url::create(&parts, flags)?;
        // SAFETY: `len` checked non-NULL; `buf` holds `*len` units (contract).
        unsafe { output(UrlOutputApi::CreateUrl, &url, buf, len, unit, encode) }
    })
}

/// InternetCreateUrlA.
///
/// # Safety
/// `uc` is NULL or a valid URL_COMPONENTSA; `buf` is NULL or valid for `*len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn InternetCreateUrlA(
    uc: *const URL_COMPONENTS<c_char>,
    flags: DWORD,
    buf: LPSTR,
    len: LPDWORD,
) -> BOOL {
    // SAFETY: forwarded contract; c_char and u8 have the same layout.
    unsafe {
        create::<u8>(
            uc.cast(),
            flags,
            buf.cast(),
            len,
            CharUnit::Ansi,
            decode_a,
            enc_a,
        )
    }
}

/// InternetCreateUrlW.
///
/// # Safety
/// As InternetCreateUrlA, with UTF-16 units.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn InternetCreateUrlW(
    uc: *const URL_COMPONENTS<WCHAR>,
    flags: DWORD,
    buf: LPWSTR,
    len: LPDWORD,
) -> BOOL {
    // SAFETY: forwarded contract.
    unsafe { create::<u16>(uc, flags, buf, len, CharUnit::Wide, decode_w, enc_w) }
}

unsafe fn text<T>(p: *const T, decode: fn(&[T]) -> Result<String>) -> Result<String>
where
    T: CodeUnit + Copy + Default + PartialEq,
{
    if p.is_null() {
        return Err(invalid());
    }
    // SAFETY: NUL-terminated (contract).
    decode(unsafe { units(p, 0) })
}

/// InternetCanonicalizeUrlA.
///
/// # Safety
/// `url` is NULL or NUL-terminated; `buf` is NULL or valid for `*len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn InternetCanonicalizeUrlA(
    url: LPCSTR,
    buf: LPSTR,
    len: LPDWORD,
    flags: DWORD,
) -> BOOL {
    guard(FALSE, || {
        if len.is_null() {
            return Err(invalid());
        }
        // SAFETY: contracts as documented.
        unsafe {
            let u = text(url.cast::<u8>(), decode_a)?;
            let r = hinternet_url::canonicalize(&u, flags)?;
            output(
                UrlOutputApi::Canonicalize,
                &r,
                buf.cast::<u8>(),
                len,
                CharUnit::Ansi,
                enc_a,
            )
        }
    })
}

/// InternetCanonicalizeUrlW.
///
/// # Safety
/// As the A form, with UTF-16 units.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn InternetCanonicalizeUrlW(
    url: LPCWSTR,
    buf: LPWSTR,
    len: LPDWORD,
    flags: DWORD,
) -> BOOL {
    guard(FALSE, || {
        if len.is_null() {
            return Err(invalid());
        }
        // SAFETY: contracts as documented.
        unsafe {
            let u = text(url, decode_w)?;
            let r = hinternet_url::canonicalize(&u, flags)?;
            output(
                UrlOutputApi::Canonicalize,
                &r,
                buf,
                len,
                CharUnit::Wide,
                enc_w,
            )
        }
    })
}

/// InternetCombineUrlA.
///
/// # Safety
/// `base` and `relative` are NULL or NUL-terminated; `buf` is NULL or valid for `*len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn InternetCombineUrlA(
    base: LPCSTR,
    relative: LPCSTR,
    buf: LPSTR,
    len: LPDWORD,
    flags: DWORD,
) -> BOOL {
    guard(FALSE, || {
        if len.is_null() {
            return Err(invalid());
        }
        // SAFETY: contracts as documented.
        unsafe {
            let b = text(base.cast::<u8>(), decode_a)?;
            let r = text(relative.cast::<u8>(), decode_a)?;
            let out = hinternet_url::combine(&b, &r, flags)?;
            output(
                UrlOutputApi::Combine,
                &out,
                buf.cast::<u8>(),
                len,
                CharUnit::Ansi,
                enc_a,
            )
        }
    })
}

/// InternetCombineUrlW.
///
/// # Safety
/// As the A form, with UTF-16 units.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn InternetCombineUrlW(
    base: LPCWSTR,
    relative: LPCWSTR,
    buf: LPWSTR,
    len: LPDWORD,
    flags: DWORD,
) -> BOOL {
    guard(FALSE, || {
        if len.is_null() {
            return Err(invalid());
        }
        // SAFETY: contracts as documented.
        unsafe {
            let b = text(base, decode_w)?;
            let r = text(relative, decode_w)?;
            let out = hinternet_url::combine(&b, &r, flags)?;
            output(UrlOutputApi::Combine, &out, buf, len, CharUnit::Wide, enc_w)
        }
    })
}
