//! String conversion between the C caller and the engine: A strings are UTF-8 (the Linux
//! "ANSI" code page), W strings UTF-16LE; both NUL-terminated unless a length is given.

use std::ffi::{CStr, c_char};

use hinternet_core::consts::ERROR_INVALID_PARAMETER;
use hinternet_core::{Error, Result};

use crate::types::WCHAR;

/// Reads an optional A string (`None` for NULL). Invalid UTF-8 is ERROR_INVALID_PARAMETER.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string.
pub unsafe fn a_opt(p: *const c_char) -> Result<Option<String>> {
    if p.is_null() {
        return Ok(None);
    }
    // SAFETY: the caller guarantees a NUL-terminated string.
    let s = unsafe { CStr::from_ptr(p) };
    s.to_str()
        .map(|s| Some(s.to_owned()))
        .map_err(|_| Error::new(ERROR_INVALID_PARAMETER).with_context("A string is not UTF-8"))
}

/// Reads an optional W string (`None` for NULL). Unpaired surrogates are
/// ERROR_INVALID_PARAMETER.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated UTF-16 string.
pub unsafe fn w_opt(p: *const WCHAR) -> Result<Option<String>> {
    if p.is_null() {
        return Ok(None);
    }
    let mut len = 0usize;
    // SAFETY: the caller guarantees a NUL terminator; we stop at it.
    while unsafe { *p.add(len) } != 0 {
        len += 1;
    }
    // SAFETY: `len` units before the NUL are readable.
    let units = unsafe { std::slice::from_raw_parts(p, len) };
    String::from_utf16(units)
        .map(Some)
        .map_err(|_| Error::new(ERROR_INVALID_PARAMETER).with_context("W string is not UTF-16"))
}

/// Reads an A string of `len` bytes, or to its NUL when `len` is `u32::MAX` (-1).
///
/// # Safety
/// `p` is NULL or valid for `len` bytes (or NUL-terminated when `len` is -1).
pub unsafe fn a_len(p: *const c_char, len: u32) -> Result<Option<String>> {
    if p.is_null() {
        return Ok(None);
    }
    if len == u32::MAX {
        // SAFETY: forwarded contract.
        return unsafe { a_opt(p) };
    }
    // SAFETY: the caller guarantees `len` readable bytes.
    let b = unsafe { std::slice::from_raw_parts(p.cast::<u8>(), len as usize) };
    let b = b.split(|&c| c == 0).next().unwrap_or_default();
    std::str::from_utf8(b)
        .map(|s| Some(s.to_owned()))
        .map_err(|_| Error::new(ERROR_INVALID_PARAMETER))
}

/// Reads a W string of `len` units, or to its NUL when `len` is `u32::MAX` (-1) or 0.
///
/// # Safety
/// `p` is NULL or valid for `len` units (or NUL-terminated).
pub unsafe fn w_len(p: *const WCHAR, len: u32) -> Result<Option<String>> {
    if p.is_null() {
        return Ok(None);
    }
    if len == u32::MAX || len == 0 {
        // SAFETY: forwarded contract.
        return unsafe { w_opt(p) };
    }
    // SAFETY: the caller guarantees `len` readable units.
    let u = unsafe { std::slice::from_raw_parts(p, len as usize) };
    let u = u.split(|&c| c == 0).next().unwrap_or_default();
    String::from_utf16(u)
        .map(Some)
        .map_err(|_| Error::new(ERROR_INVALID_PARAMETER))
}

/// UTF-16 units of `s` followed by a NUL.
pub fn to_wide_nul(s: &str) -> Vec<WCHAR> {
    s.encode_utf16().chain(std::iter::once(0)).collect()
}

/// Bytes of `s` followed by a NUL.
pub fn to_ansi_nul(s: &str) -> Vec<u8> {
    s.bytes().chain(std::iter::once(0)).collect()
}
