//! InternetCrackUrl: pointer-mode spans, buffer-mode values, native error codes.
//! Vectors marked [T] come from Wine's url.c tests (run against native Windows).

use hinternet_core::consts::*;
use hinternet_url::{CharUnit, Component, Span, crack, crack_units};

type Opt = Option<&'static str>;
/// One pointer-mode row.
type PointerRow = (
    &'static str,
    &'static str,
    i32,
    u16,
    Opt,
    Opt,
    Opt,
    Opt,
    Opt,
);
/// One buffer-mode row.
type BufferRow = (&'static str, &'static str, u32, Component, bool, Opt);

/// (what it shows, url, nScheme, nPort, host, user, password, path, extra) — pointer mode,
/// extra info asked for.
#[rustfmt::skip]
const POINTER_MODE: &[PointerRow] = &[
    ("[T] path and fragment", "http://www.winehq.org/site/about#hi", INTERNET_SCHEME_HTTP, 80, Some("www.winehq.org"), None, None, Some("/site/about"), Some("#hi")),
    ("[T] query is extra info", "http://www.myserver.com/myscript.php?arg=1", INTERNET_SCHEME_HTTP, 80, Some("www.myserver.com"), None, None, Some("/myscript.php"), Some("?arg=1")),
    ("[T] query right after host: empty path present", "http://www.winehq.org?test=123", INTERNET_SCHEME_HTTP, 80, Some("www.winehq.org"), None, None, Some(""), Some("?test=123")),
    ("[T] fragment right after host: empty path present", "http://www.winehq.org#test", INTERNET_SCHEME_HTTP, 80, Some("www.winehq.org"), None, None, Some(""), Some("#test")),
    ("host only: path absent", "http://www.winehq.org", INTERNET_SCHEME_HTTP, 80, Some("www.winehq.org"), None, None, None, None),
    ("[T] scheme name is case-insensitive", "HtTp://www.winehq.org/site/about", INTERNET_SCHEME_HTTP, 80, Some("www.winehq.org"), None, None, Some("/site/about"), None),
    ("https default port 443", "https://host/", INTERNET_SCHEME_HTTPS, 443, Some("host"), None, None, Some("/"), None),
    ("upper-case https", "HTTPS://HOST", INTERNET_SCHEME_HTTPS, 443, Some("HOST"), None, None, None, None),
    ("ftp default port 21", "ftp://host/pub/file", INTERNET_SCHEME_FTP, 21, Some("host"), None, None, Some("/pub/file"), None),
    ("ftp with user, password and port", "ftp://user:pass@ftp.example.com:2121/dir/", INTERNET_SCHEME_FTP, 2121, Some("ftp.example.com"), Some("user"), Some("pass"), Some("/dir/"), None),
    ("gopher has no crack default port", "gopher://host/x", INTERNET_SCHEME_GOPHER, 0, Some("host"), None, None, Some("/x"), None),
    ("socks explicit port", "socks://proxy:1080", INTERNET_SCHEME_SOCKS, 1080, Some("proxy"), None, None, None, None),
    ("[T] file:/// has no host, raw path in pointer mode", "file:///C:/Program%20Files/Atmel/AVR%20Tools/STK500/STK500.xml", INTERNET_SCHEME_FILE, 0, None, None, None, Some("/C:/Program%20Files/Atmel/AVR%20Tools/STK500/STK500.xml"), None),
    ("[T] file://C: one-letter host is a drive", "file://C:/Program%20Files/Atmel/AVR%20Tools/STK500/STK500.xml", INTERNET_SCHEME_FILE, 0, None, None, None, Some("C:/Program%20Files/Atmel/AVR%20Tools/STK500/STK500.xml"), None),
    ("file UNC host", "file://server/share/x.txt", INTERNET_SCHEME_FILE, 0, Some("server"), None, None, Some("/share/x.txt"), None),
    ("[T] unknown scheme keeps an empty host", "fide:///C:/Program%20Files/x", INTERNET_SCHEME_UNKNOWN, 0, Some(""), None, None, Some("/C:/Program%20Files/x"), None),
    ("[T] DOS path: one-letter scheme", "c:\\file.txt", INTERNET_SCHEME_UNKNOWN, 0, None, None, None, Some("\\file.txt"), None),
    ("[T] mailto is opaque", "mailto:test@winehq.org", INTERNET_SCHEME_MAILTO, 0, None, None, None, Some("test@winehq.org"), None),
    ("[T] res host runs to the first slash", "res://mshtml.dll/blank.htm", INTERNET_SCHEME_RES, 0, Some("mshtml.dll"), None, None, Some("/blank.htm"), None),
    ("res has no port", "res://shdoclc.dll:2/x", INTERNET_SCHEME_RES, 0, Some("shdoclc.dll:2"), None, None, Some("/x"), None),
    ("[T] about:blank", "about:blank", INTERNET_SCHEME_UNKNOWN, 0, None, None, None, Some("blank"), None),
    ("javascript is opaque", "javascript:alert('x')", INTERNET_SCHEME_JAVASCRIPT, 0, None, None, None, Some("alert('x')"), None),
    ("vbscript is opaque", "vbscript:MsgBox", INTERNET_SCHEME_VBSCRIPT, 0, None, None, None, Some("MsgBox"), None),
    ("news", "news:comp.lang.c", INTERNET_SCHEME_NEWS, 0, None, None, None, Some("comp.lang.c"), None),
    ("user and password", "http://user:pass@host/p", INTERNET_SCHEME_HTTP, 80, Some("host"), Some("user"), Some("pass"), Some("/p"), None),
    ("user without password: password absent", "http://user@host/p", INTERNET_SCHEME_HTTP, 80, Some("host"), Some("user"), None, Some("/p"), None),
    ("empty password present", "http://user:@host/", INTERNET_SCHEME_HTTP, 80, Some("host"), Some("user"), Some(""), Some("/"), None),
    ("empty user with password", "http://:pass@host/", INTERNET_SCHEME_HTTP, 80, Some("host"), Some(""), Some("pass"), Some("/"), None),
    ("lone @: empty user", "http://@host/", INTERNET_SCHEME_HTTP, 80, Some("host"), Some(""), None, Some("/"), None),
    ("@ inside the password: userinfo ends at the last @", "http://user:p@ss@host/", INTERNET_SCHEME_HTTP, 80, Some("host"), Some("user"), Some("p@ss"), Some("/"), None),
    (": inside the password: user ends at the first :", "http://user:pa:ss@host/", INTERNET_SCHEME_HTTP, 80, Some("host"), Some("user"), Some("pa:ss"), Some("/"), None),
    ("@ and : inside the password", "http://u:a@b:c@host:81/", INTERNET_SCHEME_HTTP, 81, Some("host"), Some("u"), Some("a@b:c"), Some("/"), None),
    ("@ in the path is not userinfo", "http://host/a@b", INTERNET_SCHEME_HTTP, 80, Some("host"), None, None, Some("/a@b"), None),
    ("@ in the query is not userinfo", "http://host?x@y", INTERNET_SCHEME_HTTP, 80, Some("host"), None, None, Some(""), Some("?x@y")),
    ("explicit port", "http://host:8080/p", INTERNET_SCHEME_HTTP, 8080, Some("host"), None, None, Some("/p"), None),
    ("port 0 is kept", "http://host:0/", INTERNET_SCHEME_HTTP, 0, Some("host"), None, None, Some("/"), None),
    ("port 65535", "http://host:65535/", INTERNET_SCHEME_HTTP, 65535, Some("host"), None, None, Some("/"), None),
    ("empty port: default", "http://host:/p", INTERNET_SCHEME_HTTP, 80, Some("host"), None, None, Some("/p"), None),
    ("leading zeros in port", "http://host:080/", INTERNET_SCHEME_HTTP, 80, Some("host"), None, None, Some("/"), None),
    ("explicit default port on https", "https://host:443", INTERNET_SCHEME_HTTPS, 443, Some("host"), None, None, None, None),
    ("several colons: host up to the last", "http://a:b:80/", INTERNET_SCHEME_HTTP, 80, Some("a:b"), None, None, Some("/"), None),
    ("IPv6 literal with port", "http://[::1]:8080/path", INTERNET_SCHEME_HTTP, 8080, Some("[::1]"), None, None, Some("/path"), None),
    ("IPv6 literal without port", "http://[::1]/", INTERNET_SCHEME_HTTP, 80, Some("[::1]"), None, None, Some("/"), None),
    ("IPv6 literal with zone id", "http://[fe80::1%25eth0]/", INTERNET_SCHEME_HTTP, 80, Some("[fe80::1%25eth0]"), None, None, Some("/"), None),
    ("IPv6 literal with userinfo", "http://user:pw@[2001:db8::7]:99/x", INTERNET_SCHEME_HTTP, 99, Some("[2001:db8::7]"), Some("user"), Some("pw"), Some("/x"), None),
    ("empty host", "http:///path", INTERNET_SCHEME_HTTP, 80, Some(""), None, None, Some("/path"), None),
    ("only the authority marker", "http://", INTERNET_SCHEME_HTTP, 80, Some(""), None, None, None, None),
    ("scheme only", "http:", INTERNET_SCHEME_HTTP, 80, None, None, None, None, None),
    ("http without //: opaque path", "http:foo", INTERNET_SCHEME_HTTP, 80, None, None, None, Some("foo"), None),
    ("one-letter scheme", "x:y", INTERNET_SCHEME_UNKNOWN, 0, None, None, None, Some("y"), None),
    ("backslash is not a separator in the path", "http://host/a\\b", INTERNET_SCHEME_HTTP, 80, Some("host"), None, None, Some("/a\\b"), None),
    ("backslash is not a separator after the host", "http://host\\a/b", INTERNET_SCHEME_HTTP, 80, Some("host\\a"), None, None, Some("/b"), None),
    ("query and fragment together", "http://host/p?q#f", INTERNET_SCHEME_HTTP, 80, Some("host"), None, None, Some("/p"), Some("?q#f")),
    ("a ? after # still starts the extra info (Wine)", "http://host/p#f?q", INTERNET_SCHEME_HTTP, 80, Some("host"), None, None, Some("/p#f"), Some("?q")),
    ("non-ASCII path", "http://host/\u{e9}t\u{e9}", INTERNET_SCHEME_HTTP, 80, Some("host"), None, None, Some("/\u{e9}t\u{e9}"), None),
    ("non-ASCII host", "http://h\u{f6}st.example/", INTERNET_SCHEME_HTTP, 80, Some("h\u{f6}st.example"), None, None, Some("/"), None),
    ("embedded NUL ends the URL", "http://host/a\0/b", INTERNET_SCHEME_HTTP, 80, Some("host"), None, None, Some("/a"), None),
    ("NUL right after //", "http://\0host/", INTERNET_SCHEME_HTTP, 80, Some(""), None, None, None, None),
    ("[W] a newline ends the path when there is no extra info", "http://host/a\nb", INTERNET_SCHEME_HTTP, 80, Some("host"), None, None, Some("/a"), None),
    ("a newline stays in the path before the extra info", "http://host/a\nb?q", INTERNET_SCHEME_HTTP, 80, Some("host"), None, None, Some("/a\nb"), Some("?q")),
    ("percent escapes are kept in pointer mode", "http://host/a%20b?c%20d", INTERNET_SCHEME_HTTP, 80, Some("host"), None, None, Some("/a%20b"), Some("?c%20d")),
];

#[test]
fn pointer_mode_components() {
    for &(what, url, kind, port, host, user, pass, path, extra) in POINTER_MODE {
        let c = crack(url, 0).unwrap_or_else(|e| panic!("{what}: {url:?}: {e}"));
        let p = c.parts();
        assert_eq!(c.scheme_kind(), kind, "{what}: nScheme");
        assert_eq!(c.port(), port, "{what}: nPort");
        assert_eq!(p.host, host, "{what}: host");
        assert_eq!(p.user, user, "{what}: user");
        assert_eq!(p.password, pass, "{what}: password");
        assert_eq!(p.path, path, "{what}: path");
        assert_eq!(p.extra, extra, "{what}: extra");
        let scheme_len = url.find(':').unwrap_or(0);
        assert_eq!(p.scheme, url.get(..scheme_len), "{what}: scheme");
    }
}

/// (what, url, expected error code)
#[rustfmt::skip]
const ERRORS: &[(&str, &str, u32)] = &[
    ("empty URL", "", ERROR_INVALID_PARAMETER),
    ("NUL at the start is an empty URL", "\0http://host/", ERROR_INVALID_PARAMETER),
    ("[T] no scheme at all", "www.winehq.org/site/about", ERROR_INTERNET_UNRECOGNIZED_SCHEME),
    ("empty scheme name", "://host/", ERROR_INTERNET_UNRECOGNIZED_SCHEME),
    ("character outside the scheme set before :", "ht tp://host/", ERROR_INTERNET_UNRECOGNIZED_SCHEME),
    ("colon only after a slash", "/path:x", ERROR_INTERNET_UNRECOGNIZED_SCHEME),
    ("port 65536", "http://host:65536/", ERROR_INTERNET_INVALID_URL),
    ("port with letters", "http://host:abc/", ERROR_INTERNET_INVALID_URL),
    ("port with sign", "http://host:+80/", ERROR_INTERNET_INVALID_URL),
    ("port overflowing u64", "http://host:99999999999999999999999/", ERROR_INTERNET_INVALID_URL),
    ("unclosed IPv6 literal", "http://[::1/", ERROR_INTERNET_INVALID_URL),
    ("text after an IPv6 literal", "http://[::1]x/", ERROR_INTERNET_INVALID_URL),
    ("bad port after an IPv6 literal", "http://[::1]:x/", ERROR_INTERNET_INVALID_URL),
];

#[test]
fn errors_carry_the_native_codes() {
    for &(what, url, code) in ERRORS {
        let e = crack(url, 0).expect_err(what);
        assert_eq!(e.code(), code, "{what}: {url:?}");
    }
}

/// (what, url, flags, component, extra_wanted, buffer-mode text)
#[rustfmt::skip]
const BUFFER_VALUES: &[BufferRow] = &[
    ("[T] file:/// path becomes a decoded DOS path", "file:///C:/Program%20Files/Atmel/AVR%20Tools/STK500/STK500.xml", 0, Component::UrlPath, true, Some("C:\\Program Files\\Atmel\\AVR Tools\\STK500\\STK500.xml")),
    ("[T] file://C: path only swaps slashes", "file://C:/Program%20Files/Atmel/AVR%20Tools/STK500/STK500.xml", 0, Component::UrlPath, true, Some("C:\\Program%20Files\\Atmel\\AVR%20Tools\\STK500\\STK500.xml")),
    ("[T] file://C: path with spaces", "file://C:/Program Files/Atmel/AVR Tools/STK500/STK500.xml", 0, Component::UrlPath, true, Some("C:\\Program Files\\Atmel\\AVR Tools\\STK500\\STK500.xml")),
    ("file://C: with ICU_DECODE is decoded", "file://C:/Program%20Files/x", ICU_DECODE, Component::UrlPath, true, Some("C:\\Program Files\\x")),
    ("file UNC host goes into the path", "file://server/share/x.txt", 0, Component::UrlPath, true, Some("\\\\server\\share\\x.txt")),
    ("file localhost is dropped", "file://localhost/C:/x", 0, Component::UrlPath, true, Some("C:\\x")),
    ("file rooted path without drive", "file:///foo/bar", 0, Component::UrlPath, true, Some("\\foo\\bar")),
    ("file four slashes: UNC", "file:////server/share", 0, Component::UrlPath, true, Some("\\\\server\\share")),
    ("file drive with bar", "file:///C|/x", 0, Component::UrlPath, true, Some("C:\\x")),
    ("file path ending in \\. gets a backslash", "file:///C:/dir/.", 0, Component::UrlPath, true, Some("C:\\dir\\.\\")),
    ("file path ending in \\.. gets a backslash", "file:///C:/dir/..", 0, Component::UrlPath, true, Some("C:\\dir\\..\\")),
    ("unknown scheme path is not converted", "fide:///C:/a%20b", 0, Component::UrlPath, true, Some("/C:/a%20b")),
    ("no flags: escapes stay", "http://host/a%20b", 0, Component::UrlPath, true, Some("/a%20b")),
    ("ICU_DECODE decodes the path", "http://host/a%20b", ICU_DECODE, Component::UrlPath, true, Some("/a b")),
    ("ICU_ESCAPE also decodes", "http://host/a%20b", ICU_ESCAPE, Component::UrlPath, true, Some("/a b")),
    ("ICU_DECODE decodes the user", "http://a%40b:p%3Aw@host/", ICU_DECODE, Component::UserName, true, Some("a@b")),
    ("ICU_DECODE decodes the password", "http://a%40b:p%3Aw@host/", ICU_DECODE, Component::Password, true, Some("p:w")),
    ("ICU_DECODE decodes the extra info", "http://host/?q=%41%42", ICU_DECODE, Component::ExtraInfo, true, Some("?q=AB")),
    ("ICU_DECODE leaves the scheme", "http://host/", ICU_DECODE, Component::Scheme, true, Some("http")),
    ("UTF-8 escapes decode to text", "http://host/%C3%A9", ICU_DECODE, Component::UrlPath, true, Some("/\u{e9}")),
    ("a lone non-UTF-8 escape stays escaped", "http://host/%E9x", ICU_DECODE, Component::UrlPath, true, Some("/%E9x")),
    ("an invalid byte inside a run stays escaped", "http://host/%41%FF%42", ICU_DECODE, Component::UrlPath, true, Some("/A%FFB")),
    ("a broken escape is left alone", "http://host/%4", ICU_DECODE, Component::UrlPath, true, Some("/%4")),
    ("extra not asked for: query stays in the path", "http://host/p?q#f", 0, Component::UrlPath, false, Some("/p?q#f")),
    ("extra not asked for: newline cuts the path", "http://host/a\nb?c", 0, Component::UrlPath, false, Some("/a")),
    ("absent component has no value", "http://host/", 0, Component::UserName, true, None),
];

#[test]
fn buffer_mode_values() {
    for &(what, url, flags, comp, extra_wanted, expected) in BUFFER_VALUES {
        let c = crack(url, flags).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(c.value(comp, extra_wanted).as_deref(), expected, "{what}");
    }
}

#[test]
fn path_with_extra_keeps_the_query_when_extra_is_not_asked_for() {
    let c = crack("http://host/p?q", 0).unwrap();
    assert_eq!(c.path_with_extra(), Some("/p?q"));
    assert_eq!(c.get(Component::UrlPath), Some("/p"));
}

#[test]
fn spans_are_counted_in_the_callers_units() {
    // (what, component, byte span, UTF-16 span)
    let url = "http://h\u{e9}st/\u{1F600}/p?\u{e9}";
    let c = crack(url, 0).unwrap();
    #[rustfmt::skip]
    let table = [
        ("host with a 2-byte char", Component::HostName, Span { offset: 7, len: 5 }, Span { offset: 7, len: 4 }),
        ("path with an astral char", Component::UrlPath, Span { offset: 12, len: 7 }, Span { offset: 11, len: 5 }),
        ("extra after both", Component::ExtraInfo, Span { offset: 19, len: 3 }, Span { offset: 16, len: 2 }),
    ];
    for (what, comp, bytes, wide) in table {
        assert_eq!(c.span_in(comp, true, CharUnit::Ansi), Some(bytes), "{what}");
        assert_eq!(c.span_in(comp, true, CharUnit::Wide), Some(wide), "{what}");
        // The W parser over UTF-16 units finds the same spans directly.
        let w: Vec<u16> = url.encode_utf16().collect();
        assert_eq!(
            crack_units(&w).unwrap().span(comp, true),
            Some(wide),
            "{what} (u16)"
        );
    }
}

#[test]
fn wide_parser_copes_with_lone_surrogates_and_ansi_with_invalid_utf8() {
    let mut w: Vec<u16> = "http://h".encode_utf16().collect();
    w.push(0xD800);
    w.extend("x/p".encode_utf16());
    let r = crack_units(&w).unwrap();
    assert_eq!(r.host, Some(Span { offset: 7, len: 3 }));
    assert_eq!(r.path, Some(Span { offset: 10, len: 2 }));
    let a: &[u8] = b"http://h\xFFx/p";
    let r = crack_units(a).unwrap();
    assert_eq!(r.host, Some(Span { offset: 7, len: 3 }));
}

#[test]
fn urls_at_and_beyond_internet_max_url_length_crack() {
    let max = INTERNET_MAX_URL_LENGTH as usize;
    for total in [max - 1, max, max + 1, 3 * max] {
        let url = format!("http://www.winehq.org/{}", "x".repeat(total - 22));
        assert_eq!(url.len(), total);
        let c = crack(&url, 0).unwrap();
        assert_eq!(c.get(Component::UrlPath).map(str::len), Some(total - 21));
    }
}
