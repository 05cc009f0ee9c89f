//! HttpQueryInfo as pure functions: which value a level names (status line, a header by
//! index, the raw header block, request or response side) and how it is laid into the
//! caller's buffer (spec §0.3, behaviours D.39-54). The C shim calls [`query_info`] with the
//! caller's buffer; the Rust API reads values with [`resolve`].

use hinternet_core::consts::*;
use hinternet_core::options::{CharUnit, put_fixed, put_string};
use hinternet_core::{Error, Result};

use crate::headers::HeaderList;

/// A received response head.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResponseHead {
    /// `"HTTP/1.1"`, `"HTTP/1.0"`, `"HTTP/2"`.
    pub version: String,
    /// The status code.
    pub status: u16,
    /// The reason phrase as received (may be empty).
    pub reason: String,
    /// The headers in arrival order.
    pub headers: HeaderList,
}

impl ResponseHead {
    /// The status line, e.g. `"HTTP/1.1 200 OK"` (`"HTTP/1.1 200"` without a reason).
    pub fn status_line(&self) -> String {
        if self.reason.is_empty() {
            format!("{} {}", self.version, self.status)
        } else {
            format!("{} {} {}", self.version, self.status, self.reason)
        }
    }
}

/// The request side a query may look at.
#[derive(Debug, Clone, Copy)]
pub struct RequestView<'a> {
    /// The verb.
    pub method: &'a str,
    /// The request target as sent (or as it will be sent).
    pub target: &'a str,
    /// `"HTTP/1.1"`.
    pub version: &'a str,
    /// The headers (after a send: every header that was sent, implicit ones included).
    pub headers: &'a HeaderList,
}

/// A value HttpQueryInfo answers with, before layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryValue {
    /// Text (a header value, the status line's parts, a raw header block with embedded NULs).
    Text(String),
    /// `FLAG_NUMBER` / `FLAG_NUMBER64`.
    Number(u64),
    /// `FLAG_SYSTEMTIME`: wYear, wMonth, wDayOfWeek, wDay, wHour, wMinute, wSecond,
    /// wMilliseconds.
    Time([u16; 8]),
}

/// The header name a level stands for (`None` for the status-line and raw levels).
pub fn level_header_name(level: u32) -> Option<&'static str> {
    Some(match level {
        HTTP_QUERY_MIME_VERSION => "Mime-Version",
        HTTP_QUERY_CONTENT_TYPE => "Content-Type",
        HTTP_QUERY_CONTENT_TRANSFER_ENCODING => "Content-Transfer-Encoding",
        HTTP_QUERY_CONTENT_ID => "Content-ID",
        HTTP_QUERY_CONTENT_DESCRIPTION => "Content-Description",
        HTTP_QUERY_CONTENT_LENGTH => "Content-Length",
        HTTP_QUERY_CONTENT_LANGUAGE => "Content-Language",
        HTTP_QUERY_ALLOW => "Allow",
        HTTP_QUERY_PUBLIC => "Public",
        HTTP_QUERY_DATE => "Date",
        HTTP_QUERY_EXPIRES => "Expires",
        HTTP_QUERY_LAST_MODIFIED => "Last-Modified",
        HTTP_QUERY_MESSAGE_ID => "Message-ID",
        HTTP_QUERY_URI => "URI",
        HTTP_QUERY_DERIVED_FROM => "Derived-From",
        HTTP_QUERY_COST => "Cost",
        HTTP_QUERY_LINK => "Link",
        HTTP_QUERY_PRAGMA => "Pragma",
        HTTP_QUERY_CONNECTION => "Connection",
        HTTP_QUERY_ACCEPT => "Accept",
        HTTP_QUERY_ACCEPT_CHARSET => "Accept-Charset",
        HTTP_QUERY_ACCEPT_ENCODING => "Accept-Encoding",
        HTTP_QUERY_ACCEPT_LANGUAGE => "Accept-Language",
        HTTP_QUERY_AUTHORIZATION => "Authorization",
        HTTP_QUERY_CONTENT_ENCODING => "Content-Encoding",
        HTTP_QUERY_FORWARDED => "Forwarded",
        HTTP_QUERY_FROM => "From",
        HTTP_QUERY_IF_MODIFIED_SINCE => "If-Modified-Since",
        HTTP_QUERY_LOCATION => "Location",
        HTTP_QUERY_ORIG_URI => "Orig-URI",
        HTTP_QUERY_REFERER => "Referer",
        HTTP_QUERY_RETRY_AFTER => "Retry-After",
        HTTP_QUERY_SERVER => "Server",
        HTTP_QUERY_TITLE => "Title",
        HTTP_QUERY_USER_AGENT => "User-Agent",
        HTTP_QUERY_WWW_AUTHENTICATE => "WWW-Authenticate",
        HTTP_QUERY_PROXY_AUTHENTICATE => "Proxy-Authenticate",
        HTTP_QUERY_ACCEPT_RANGES => "Accept-Ranges",
        HTTP_QUERY_SET_COOKIE => "Set-Cookie",
        HTTP_QUERY_COOKIE => "Cookie",
        HTTP_QUERY_REFRESH => "Refresh",
        HTTP_QUERY_CONTENT_DISPOSITION => "Content-Disposition",
        HTTP_QUERY_AGE => "Age",
        HTTP_QUERY_CACHE_CONTROL => "Cache-Control",
        HTTP_QUERY_CONTENT_BASE => "Content-Base",
        HTTP_QUERY_CONTENT_LOCATION => "Content-Location",
        HTTP_QUERY_CONTENT_MD5 => "Content-MD5",
        HTTP_QUERY_CONTENT_RANGE => "Content-Range",
        HTTP_QUERY_ETAG => "ETag",
        HTTP_QUERY_HOST => "Host",
        HTTP_QUERY_IF_MATCH => "If-Match",
        HTTP_QUERY_IF_NONE_MATCH => "If-None-Match",
        HTTP_QUERY_IF_RANGE => "If-Range",
        HTTP_QUERY_IF_UNMODIFIED_SINCE => "If-Unmodified-Since",
        HTTP_QUERY_MAX_FORWARDS => "Max-Forwards",
        HTTP_QUERY_PROXY_AUTHORIZATION => "Proxy-Authorization",
        HTTP_QUERY_RANGE => "Range",
        HTTP_QUERY_TRANSFER_ENCODING => "Transfer-Encoding",
        HTTP_QUERY_UPGRADE => "Upgrade",
        HTTP_QUERY_VARY => "Vary",
        HTTP_QUERY_VIA => "Via",
        HTTP_QUERY_WARNING => "Warning",
        HTTP_QUERY_EXPECT => "Expect",
        HTTP_QUERY_PROXY_CONNECTION => "Proxy-Connection",
        HTTP_QUERY_UNLESS_MODIFIED_SINCE => "Unless-Modified-Since",
        HTTP_QUERY_PROXY_SUPPORT => "Proxy-Support",
        HTTP_QUERY_AUTHENTICATION_INFO => "Authentication-Info",
        HTTP_QUERY_PASSPORT_URLS => "Passport-URLs",
        HTTP_QUERY_PASSPORT_CONFIG => "Passport-Config",
        HTTP_QUERY_X_CONTENT_TYPE_OPTIONS => "X-Content-Type-Options",
        HTTP_QUERY_P3P => "P3P",
        HTTP_QUERY_X_P2P_PEERDIST => "X-P2P-PeerDist",
        HTTP_QUERY_TRANSLATE => "Translate",
        HTTP_QUERY_X_UA_COMPATIBLE => "X-UA-Compatible",
        HTTP_QUERY_DEFAULT_STYLE => "Default-Style",
        HTTP_QUERY_X_FRAME_OPTIONS => "X-Frame-Options",
        HTTP_QUERY_X_XSS_PROTECTION => "X-XSS-Protection",
        HTTP_QUERY_SET_COOKIE2 => "Set-Cookie2",
        HTTP_QUERY_DO_NOT_TRACK => "DNT",
        HTTP_QUERY_KEEP_ALIVE => "Keep-Alive",
        HTTP_QUERY_HTTP2_SETTINGS => "HTTP2-Settings",
        HTTP_QUERY_STRICT_TRANSPORT_SECURITY => "Strict-Transport-Security",
        HTTP_QUERY_TOKEN_BINDING => "Sec-Token-Binding",
        HTTP_QUERY_INCLUDE_REFERRED_TOKEN_BINDING_ID => "Include-Referred-Token-Binding-ID",
        HTTP_QUERY_PUBLIC_KEY_PINS => "Public-Key-Pins",
        HTTP_QUERY_PUBLIC_KEY_PINS_REPORT_ONLY => "Public-Key-Pins-Report-Only",
        _ => return None,
    })
}

fn not_found() -> Error {
    Error::new(ERROR_HTTP_HEADER_NOT_FOUND)
}

/// The raw header block: `lines` each followed by `sep`, then a final `sep` for CRLF blocks
/// (`"...\r\n\r\n"`); for NUL blocks each line is followed by a NUL (the string's own NUL
/// then ends the double-NUL list).
fn raw_block<'a>(lines: impl Iterator<Item = String> + 'a, crlf: bool) -> String {
    let mut out = String::new();
    for l in lines {
        out.push_str(&l);
        out.push_str(if crlf { "\r\n" } else { "\0" });
    }
    if crlf {
        out.push_str("\r\n");
    }
    out
}

/// Finds the value `info_level` names. `custom` is the header name for `HTTP_QUERY_CUSTOM`.
/// Returns the value and whether a success advances `*lpdwIndex`.
pub fn resolve(
    info_level: u32,
    custom: Option<&str>,
    request: &RequestView<'_>,
    response: Option<&ResponseHead>,
    index: u32,
) -> Result<(QueryValue, bool)> {
    let level = info_level & 0xFFFF;
    let want_request = info_level & HTTP_QUERY_FLAG_REQUEST_HEADERS != 0;
    let text = |s: String| Ok((QueryValue::Text(s), false));
    match level {
        HTTP_QUERY_STATUS_CODE => {
            if want_request {
                return Err(Error::new(ERROR_HTTP_INVALID_QUERY_REQUEST));
            }
            if index > 0 {
                return Err(not_found());
            }
            let code = response.map_or(0, |r| r.status);
            if info_level & (HTTP_QUERY_FLAG_NUMBER | HTTP_QUERY_FLAG_NUMBER64) != 0 {
                return Ok((QueryValue::Number(u64::from(code)), false));
            }
            return text(code.to_string());
        }
        HTTP_QUERY_STATUS_TEXT => {
            if want_request {
                return Err(Error::new(ERROR_HTTP_INVALID_QUERY_REQUEST));
            }
            return match response {
                Some(r) => text(r.reason.clone()),
                None => Err(not_found()),
            };
        }
        HTTP_QUERY_VERSION => {
            return match (want_request, response) {
                (true, _) => text(request.version.to_owned()),
                (false, Some(r)) => text(r.version.clone()),
                (false, None) => Err(not_found()),
            };
        }
        HTTP_QUERY_REQUEST_METHOD => return text(request.method.to_owned()),
        HTTP_QUERY_RAW_HEADERS | HTTP_QUERY_RAW_HEADERS_CRLF => {
            let crlf = level == HTTP_QUERY_RAW_HEADERS_CRLF;
            let block = if want_request {
                let first = format!("{} {} {}", request.method, request.target, request.version);
                raw_block(
                    std::iter::once(first)
                        .chain(request.headers.iter().map(|(n, v)| format!("{n}: {v}"))),
                    crlf,
                )
            } else {
                match response {
                    Some(r) => raw_block(
                        std::iter::once(r.status_line())
                            .chain(r.headers.iter().map(|(n, v)| format!("{n}: {v}"))),
                        crlf,
                    ),
                    None if crlf => "\r\n".to_owned(),
                    None => String::new(),
                }
            };
            return text(block);
        }
        _ => {}
    }
    let name = if level == HTTP_QUERY_CUSTOM {
        custom.ok_or_else(|| Error::new(ERROR_INVALID_PARAMETER))?
    } else {
        level_header_name(level).ok_or_else(not_found)?
    };
    let headers = if want_request {
        request.headers
    } else {
        response.map(|r| &r.headers).ok_or_else(not_found)?
    };
    let value = headers
        .get(name, index as usize)
        .ok_or_else(not_found)?
        .to_owned();
    let v = if info_level & (HTTP_QUERY_FLAG_NUMBER | HTTP_QUERY_FLAG_NUMBER64) != 0 {
        let n: u64 = value
            .trim()
            .parse()
            .map_err(|_| Error::new(ERROR_HTTP_INVALID_HEADER))?;
        QueryValue::Number(n)
    } else if info_level & HTTP_QUERY_FLAG_SYSTEMTIME != 0 {
        QueryValue::Time(
            parse_http_date(&value).ok_or_else(|| Error::new(ERROR_HTTP_INVALID_HEADER))?,
        )
    } else {
        QueryValue::Text(value)
    };
    Ok((v, true))
}

/// Lays `value` into the caller's buffer with HttpQueryInfo's size rules and returns the
/// length to report on success. Too small (or no buffer): `ERROR_INSUFFICIENT_BUFFER` whose
/// [`Error::needed`] is the length to report (A: chars + NUL; W: bytes including the NUL;
/// numbers: 4 or 8). A number that does not fit a DWORD: `ERROR_HTTP_INVALID_HEADER`.
pub fn encode(
    value: &QueryValue,
    info_level: u32,
    buf: Option<&mut [u8]>,
    unit: CharUnit,
) -> Result<u32> {
    match value {
        QueryValue::Number(n) => {
            let bytes: Vec<u8> = if info_level & HTTP_QUERY_FLAG_NUMBER64 != 0 {
                n.to_le_bytes().to_vec()
            } else {
                let v = u32::try_from(*n).map_err(|_| Error::new(ERROR_HTTP_INVALID_HEADER))?;
                v.to_le_bytes().to_vec()
            };
            put_fixed(&bytes, buf)
        }
        QueryValue::Time(t) => {
            let bytes: Vec<u8> = t.iter().flat_map(|v| v.to_le_bytes()).collect();
            put_fixed(&bytes, buf)
        }
        // HttpQueryInfoW counts its success length in bytes, unlike InternetQueryOptionW.
        QueryValue::Text(s) => put_string(s, buf, unit).map(|n| match unit {
            CharUnit::Ansi => n,
            CharUnit::Wide => n * 2,
        }),
    }
}

/// The size rule of FLAG_NUMBER on a header (spec HttpQueryInfo, behaviour D.48; Wine
/// `*lpdwBufferLength != sizeof(DWORD)`): a buffer of any length but exactly 4 bytes is
/// ERROR_HTTP_INVALID_HEADER, with the buffer and the length left alone. A NULL buffer still
/// gets ERROR_INSUFFICIENT_BUFFER with 4 (spec §0.3), and STATUS_CODE only needs room for a
/// DWORD (less: ERROR_INSUFFICIENT_BUFFER with 4, D.39). FLAG_NUMBER64 has no such rule.
fn check_number_length(info_level: u32, buf: Option<&[u8]>) -> Result<()> {
    let number = info_level & HTTP_QUERY_FLAG_NUMBER != 0
        && info_level & HTTP_QUERY_FLAG_NUMBER64 == 0
        && info_level & 0xFFFF != HTTP_QUERY_STATUS_CODE;
    match buf {
        Some(b) if number && b.len() != 4 => Err(Error::new(ERROR_HTTP_INVALID_HEADER)
            .with_context("FLAG_NUMBER needs a buffer length of exactly 4")),
        _ => Ok(()),
    }
}

/// HttpQueryInfo in one call: resolves the level, lays the value into `buf`, and advances
/// `*index` only on the success of a named-header lookup. Returns the length to report.
pub fn query_info(
    info_level: u32,
    custom: Option<&str>,
    request: &RequestView<'_>,
    response: Option<&ResponseHead>,
    buf: Option<&mut [u8]>,
    index: Option<&mut u32>,
    unit: CharUnit,
) -> Result<u32> {
    let at = index.as_deref().copied().unwrap_or(0);
    let (value, advances) = resolve(info_level, custom, request, response, at)?;
    check_number_length(info_level, buf.as_deref())?;
    let n = encode(&value, info_level, buf, unit)?;
    if advances && let Some(i) = index {
        *i = at + 1;
    }
    Ok(n)
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn month_of(s: &str) -> Option<u16> {
    let s = s.get(..3)?.to_ascii_lowercase();
    MONTHS.iter().position(|m| *m == s).map(|i| i as u16 + 1)
}

fn day_of_week(y: u16, m: u16, d: u16) -> u16 {
    const T: [u16; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
    let y = if m < 3 { y - 1 } else { y };
    (y + y / 4 - y / 100 + y / 400 + T[(m - 1) as usize] + d) % 7
}

/// Parses an HTTP date (RFC 1123, RFC 850, asctime) into SYSTEMTIME fields (UTC).
pub fn parse_http_date(s: &str) -> Option<[u16; 8]> {
    let tokens: Vec<&str> = s
        .split([' ', ',', '-', ':'])
        .filter(|t| !t.is_empty())
        .collect();
    let num = |t: &str| t.parse::<u16>().ok();
    let (day, month, year, h, mi, sec) = if tokens.len() >= 7 && month_of(tokens[1]).is_some() {
        // asctime: Sun Nov  6 08:49:37 1994
        (
            num(tokens[2])?,
            month_of(tokens[1])?,
            num(tokens[6])?,
            num(tokens[3])?,
            num(tokens[4])?,
            num(tokens[5])?,
        )
    } else if tokens.len() >= 7 {
        let mut y = num(tokens[3])?;
        if tokens[3].len() == 2 {
            y += if y < 70 { 2000 } else { 1900 };
        }
        (
            num(tokens[1])?,
            month_of(tokens[2])?,
            y,
            num(tokens[4])?,
            num(tokens[5])?,
            num(tokens[6])?,
        )
    } else {
        return None;
    };
    if !(1..=31).contains(&day) || h > 23 || mi > 59 || sec > 60 || year < 1601 {
        return None;
    }
    Some([
        year,
        month,
        day_of_week(year, month, day),
        day,
        h,
        mi,
        sec,
        0,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_all_three_forms() {
        let want = Some([1994, 11, 0, 6, 8, 49, 37, 0]);
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), want);
        assert_eq!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), want);
        assert_eq!(parse_http_date("Sun Nov  6 08:49:37 1994"), want);
        assert_eq!(parse_http_date("garbage"), None);
    }
}
