//! InternetCreateUrl. Vectors marked [T] come from Wine's InternetCreateUrlA_test (native).

use hinternet_core::consts::*;
use hinternet_url::{UrlParts, crack, create};

/// One row of URL_COMPONENTS, in the order of its fields (a table constructor).
#[allow(clippy::too_many_arguments)]
const fn parts(
    scheme: Option<&'static str>,
    kind: i32,
    host: Option<&'static str>,
    port: u16,
    user: Option<&'static str>,
    password: Option<&'static str>,
    path: Option<&'static str>,
    extra: Option<&'static str>,
) -> UrlParts<'static> {
    UrlParts {
        scheme,
        scheme_kind: kind,
        host,
        port,
        user,
        password,
        path,
        extra,
    }
}

const H: i32 = INTERNET_SCHEME_HTTP;
const WHQ: Option<&str> = Some("www.winehq.org");
const ABOUT: Option<&str> = Some("/site/about");

/// (what, components, flags, URL)
#[rustfmt::skip]
const CREATED: &[(&str, UrlParts<'static>, u32, &str)] = &[
    ("[T] CREATE_URL1: user, password, default port left out", parts(Some("http"), H, WHQ, 80, Some("username"), Some("password"), ABOUT, None), 0, "http://username:password@www.winehq.org/site/about"),
    ("[T] CREATE_URL2: user only", parts(Some("http"), H, WHQ, 80, Some("username"), None, ABOUT, None), 0, "http://username@www.winehq.org/site/about"),
    ("[T] nScheme used when no scheme string", parts(None, H, WHQ, 80, None, None, ABOUT, None), 0, "http://www.winehq.org/site/about"),
    ("INTERNET_SCHEME_DEFAULT is http", parts(None, INTERNET_SCHEME_DEFAULT, WHQ, 0, None, None, ABOUT, None), 0, "http://www.winehq.org/site/about"),
    ("[T] scheme string wins over nScheme", parts(Some("https"), H, WHQ, 443, None, None, ABOUT, None), 0, "https://www.winehq.org/site/about"),
    ("[T] unknown scheme keeps port 80 and //", parts(Some("nhttp"), H, WHQ, 80, Some("username"), Some("password"), ABOUT, None), 0, "nhttp://username:password@www.winehq.org:80/site/about"),
    ("[T] non-default port 42", parts(Some("http"), H, WHQ, 42, Some("username"), Some("password"), ABOUT, None), 0, "http://username:password@www.winehq.org:42/site/about"),
    ("[T] https with a user", parts(Some("https"), INTERNET_SCHEME_HTTPS, WHQ, 443, Some("username"), Some("password"), ABOUT, None), 0, "https://username:password@www.winehq.org/site/about"),
    ("https on port 80 shows it", parts(None, INTERNET_SCHEME_HTTPS, WHQ, 80, None, None, ABOUT, None), 0, "https://www.winehq.org:80/site/about"),
    ("ftp default port left out", parts(None, INTERNET_SCHEME_FTP, Some("ftp.x"), 21, Some("u"), Some("p"), Some("/pub"), None), 0, "ftp://u:p@ftp.x/pub"),
    ("gopher default port 70 left out", parts(None, INTERNET_SCHEME_GOPHER, Some("g.x"), 70, None, None, Some("/1"), None), 0, "gopher://g.x/1"),
    ("port 0 left out", parts(None, H, Some("h"), 0, None, None, Some("/"), None), 0, "http://h/"),
    ("port 65535 shown", parts(None, H, Some("h"), 65535, None, None, Some("/"), None), 0, "http://h:65535/"),
    ("upper-case scheme string still knows its default port", parts(Some("HTTP"), H, Some("h"), 80, None, None, Some("/"), None), 0, "HTTP://h/"),
    ("[T] CREATE_URL9: opaque scheme without host: no //", parts(Some("about"), INTERNET_SCHEME_UNKNOWN, None, 0, None, None, Some("blank"), None), 0, "about:blank"),
    ("[T] CREATE_URL10: opaque scheme with host: // and /", parts(Some("about"), INTERNET_SCHEME_UNKNOWN, Some("host"), 0, None, None, Some("blank"), None), 0, "about://host/blank"),
    ("mailto without host", parts(None, INTERNET_SCHEME_MAILTO, None, 0, None, None, Some("someone@example.com"), Some("?subject=hi")), 0, "mailto:someone@example.com?subject=hi"),
    ("javascript without host", parts(None, INTERNET_SCHEME_JAVASCRIPT, None, 0, None, None, Some("void(0)"), None), 0, "javascript:void(0)"),
    ("file without host keeps //", parts(None, INTERNET_SCHEME_FILE, None, 0, None, None, Some("/C:/x.txt"), None), 0, "file:///C:/x.txt"),
    ("http without host keeps //", parts(None, H, None, 80, None, None, Some("/x"), None), 0, "http:///x"),
    ("slash inserted before a relative path", parts(None, H, Some("h"), 80, None, None, Some("site/about"), None), 0, "http://h/site/about"),
    ("slash inserted for an empty path", parts(None, H, Some("h"), 80, None, None, Some(""), Some("?q")), 0, "http://h/?q"),
    ("no path: no slash before extra info", parts(None, H, Some("h"), 80, None, None, None, Some("?q")), 0, "http://h?q"),
    ("host only", parts(None, H, WHQ, 80, None, None, None, None), 0, "http://www.winehq.org"),
    ("extra info verbatim", parts(None, H, Some("h"), 80, None, None, Some("/p"), Some("?a=1&b=2#frag")), 0, "http://h/p?a=1&b=2#frag"),
    ("IPv6 host with port", parts(None, H, Some("[::1]"), 8080, None, None, Some("/x"), None), 0, "http://[::1]:8080/x"),
    ("empty user and password", parts(None, H, Some("h"), 80, Some(""), Some(""), Some("/"), None), 0, "http://:@h/"),
    ("@ and : in the password are copied verbatim", parts(None, H, Some("h"), 80, Some("u"), Some("p@s:s"), Some("/"), None), 0, "http://u:p@s:s@h/"),
    ("ICU_ESCAPE escapes spaces in path and extra", parts(None, H, Some("h"), 80, None, None, Some("/a b"), Some("?x=a b&c=d")), ICU_ESCAPE, "http://h/a%20b?x=a%20b&c=d"),
    ("ICU_ESCAPE escapes non-ASCII as UTF-8", parts(None, H, Some("h"), 80, None, None, Some("/\u{e9}"), None), ICU_ESCAPE, "http://h/%C3%A9"),
    ("ICU_ESCAPE keeps reserved characters and escapes", parts(None, H, Some("h"), 80, None, None, Some("/a%20b;c"), Some("?q#f")), ICU_ESCAPE, "http://h/a%20b;c?q#f"),
    ("ICU_ESCAPE escapes unsafe punctuation", parts(None, H, Some("h"), 80, None, None, Some("/<\"{|}^`\\>"), None), ICU_ESCAPE, "http://h/%3C%22%7B%7C%7D%5E%60%5C%3E"),
    ("ICU_ESCAPE leaves user and host alone", parts(None, H, Some("h h"), 80, Some("a b"), None, Some("/"), None), ICU_ESCAPE, "http://a b@h h/"),
    ("without ICU_ESCAPE nothing is escaped", parts(None, H, Some("h"), 80, None, None, Some("/a b"), None), 0, "http://h/a b"),
    ("ICU_USERNAME is ignored", parts(None, H, Some("h"), 80, Some("me"), None, Some("/"), None), ICU_USERNAME, "http://me@h/"),
    ("an empty scheme string falls back to nScheme", parts(Some(""), INTERNET_SCHEME_FTP, Some("h"), 21, None, None, Some("/"), None), 0, "ftp://h/"),
];

#[test]
fn creates_urls_from_components() {
    for (what, p, flags, url) in CREATED {
        assert_eq!(
            create(p, *flags).unwrap_or_else(|e| panic!("{what}: {e}")),
            *url,
            "{what}"
        );
    }
}

/// (what, components, error)
#[rustfmt::skip]
const REFUSED: &[(&str, UrlParts<'static>, u32)] = &[
    ("[T] password without user name", parts(None, H, Some("h"), 80, None, Some("pw"), Some("/"), None), ERROR_INVALID_PARAMETER),
    ("INTERNET_SCHEME_UNKNOWN without a scheme string", parts(None, INTERNET_SCHEME_UNKNOWN, Some("h"), 0, None, None, None, None), ERROR_INVALID_PARAMETER),
    ("INTERNET_SCHEME_PARTIAL without a scheme string", parts(None, INTERNET_SCHEME_PARTIAL, Some("h"), 0, None, None, None, None), ERROR_INVALID_PARAMETER),
    ("nScheme out of range", parts(None, 42, Some("h"), 0, None, None, None, None), ERROR_INVALID_PARAMETER),
];

#[test]
fn refuses_inconsistent_components() {
    for (what, p, code) in REFUSED {
        assert_eq!(create(p, 0).unwrap_err().code(), *code, "{what}");
    }
}

#[test]
fn creates_urls_beyond_internet_max_url_length() {
    let path = format!("/{}", "p".repeat(INTERNET_MAX_URL_LENGTH as usize));
    let p = parts(None, H, Some("h"), 80, None, None, None, None);
    let p = UrlParts {
        path: Some(&path),
        ..p
    };
    assert_eq!(create(&p, 0).unwrap().len(), "http://h".len() + path.len());
}

/// URLs that come back unchanged from create(crack(url)).
#[rustfmt::skip]
const ROUND_TRIPS: &[&str] = &[
    "http://www.winehq.org/site/about#hi",
    "http://username:password@www.winehq.org/site/about",
    "https://u@h:8443/a/b?c=d#e",
    "ftp://user:pass@ftp.example.com:2121/dir/",
    "http://[::1]:8080/path",
    "http://www.winehq.org",
    "mailto:test@winehq.org",
    "javascript:alert('x')",
    "file:///C:/Program%20Files/x.txt",
    "http://u:p@ss@host/",
    "http://u:pa:ss@host/",
    "http://h\u{f6}st/\u{e9}?\u{e9}",
    "res://mshtml.dll/blank.htm",
    "about:blank",
    "news:comp.lang.c",
];

#[test]
fn crack_then_create_round_trips() {
    for url in ROUND_TRIPS {
        let c = crack(url, 0).unwrap();
        assert_eq!(create(&c.parts(), 0).unwrap(), *url);
    }
}

/// URLs native normalises on the way through: (input, create(crack(input))).
#[rustfmt::skip]
const NORMALISED: &[(&str, &str)] = &[
    ("http://host:80/", "http://host/"),
    ("http://host?q", "http://host/?q"),
    ("http://host:/p", "http://host/p"),
    ("HTTPS://HOST:443", "HTTPS://HOST"),
    ("http://h:0/", "http://h/"),
];

#[test]
fn crack_then_create_normalises_like_native() {
    for (url, out) in NORMALISED {
        let c = crack(url, 0).unwrap();
        assert_eq!(create(&c.parts(), 0).unwrap(), *out, "{url}");
    }
}
