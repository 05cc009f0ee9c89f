//! The C types and structs of wininet.h, with the exact Win32 widths and layouts (spec
//! wininet-types.md). `WCHAR` is `u16`; `BOOL` is `i32`.
#![allow(non_camel_case_types, non_snake_case, missing_docs)]

use std::ffi::{c_char, c_void};

pub type BOOL = i32;
pub type DWORD = u32;
pub type DWORD_PTR = usize;
pub type HINTERNET = *mut c_void;
pub type LPCSTR = *const c_char;
pub type LPSTR = *mut c_char;
pub type WCHAR = u16;
pub type LPCWSTR = *const WCHAR;
pub type LPWSTR = *mut WCHAR;
pub type LPDWORD = *mut DWORD;
pub type INTERNET_PORT = u16;

pub const TRUE: BOOL = 1;
pub const FALSE: BOOL = 0;

/// `INTERNET_STATUS_CALLBACK`; `None` is NULL.
pub type INTERNET_STATUS_CALLBACK =
    Option<unsafe extern "system" fn(HINTERNET, DWORD_PTR, DWORD, *mut c_void, DWORD)>;

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct INTERNET_ASYNC_RESULT {
    pub dwResult: DWORD_PTR,
    pub dwError: DWORD,
}

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct URL_COMPONENTS<C> {
    pub dwStructSize: DWORD,
    pub lpszScheme: *mut C,
    pub dwSchemeLength: DWORD,
    pub nScheme: i32,
    pub lpszHostName: *mut C,
    pub dwHostNameLength: DWORD,
    pub nPort: INTERNET_PORT,
    pub lpszUserName: *mut C,
    pub dwUserNameLength: DWORD,
    pub lpszPassword: *mut C,
    pub dwPasswordLength: DWORD,
    pub lpszUrlPath: *mut C,
    pub dwUrlPathLength: DWORD,
    pub lpszExtraInfo: *mut C,
    pub dwExtraInfoLength: DWORD,
}

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct INTERNET_BUFFERS<C> {
    pub dwStructSize: DWORD,
    pub Next: *mut INTERNET_BUFFERS<C>,
    pub lpcszHeader: *const C,
    pub dwHeadersLength: DWORD,
    pub dwHeadersTotal: DWORD,
    pub lpvBuffer: *mut c_void,
    pub dwBufferLength: DWORD,
    pub dwBufferTotal: DWORD,
    pub dwOffsetLow: DWORD,
    pub dwOffsetHigh: DWORD,
}

#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct FILETIME {
    pub dwLowDateTime: DWORD,
    pub dwHighDateTime: DWORD,
}

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct WIN32_FIND_DATA<C: Copy, const N: usize, const M: usize> {
    pub dwFileAttributes: DWORD,
    pub ftCreationTime: FILETIME,
    pub ftLastAccessTime: FILETIME,
    pub ftLastWriteTime: FILETIME,
    pub nFileSizeHigh: DWORD,
    pub nFileSizeLow: DWORD,
    pub dwReserved0: DWORD,
    pub dwReserved1: DWORD,
    pub cFileName: [C; N],
    pub cAlternateFileName: [C; M],
}

pub type WIN32_FIND_DATAA = WIN32_FIND_DATA<c_char, 260, 14>;
pub type WIN32_FIND_DATAW = WIN32_FIND_DATA<WCHAR, 260, 14>;

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct INTERNET_PROXY_INFO<C> {
    pub dwAccessType: DWORD,
    pub lpszProxy: *const C,
    pub lpszProxyBypass: *const C,
}

/// INTERNET_OPTION_SECURITY_CERTIFICATE_STRUCT. The strings are allocated for the caller, who
/// frees each with `LocalFree` (as native; Wine fills the A form for both entry points).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct INTERNET_CERTIFICATE_INFO {
    pub ftExpiry: FILETIME,
    pub ftStart: FILETIME,
    pub lpszSubjectInfo: *mut c_char,
    pub lpszIssuerInfo: *mut c_char,
    pub lpszProtocolName: *mut c_char,
    pub lpszSignatureAlgName: *mut c_char,
    pub lpszEncryptionAlgName: *mut c_char,
    pub dwKeySize: DWORD,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::size_of;

    #[test]
    fn struct_sizes_match_the_native_x64_layouts() {
        assert_eq!(size_of::<INTERNET_ASYNC_RESULT>(), 16);
        assert_eq!(size_of::<URL_COMPONENTS<c_char>>(), 104);
        assert_eq!(size_of::<INTERNET_BUFFERS<u16>>(), 56);
        assert_eq!(size_of::<WIN32_FIND_DATAA>(), 320);
        assert_eq!(size_of::<WIN32_FIND_DATAW>(), 592);
        assert_eq!(size_of::<INTERNET_PROXY_INFO<u16>>(), 24);
        assert_eq!(size_of::<INTERNET_CERTIFICATE_INFO>(), 64);
    }
}
