//! InternetCanonicalizeUrl. [T]: Wine's wininet tests; [S]: Wine's shlwapi UrlCanonicalize /
//! UrlEscape tests (both run against native Windows).

use hinternet_core::consts::*;
use hinternet_url::canonicalize;

/// (what, url, flags, result)
#[rustfmt::skip]
const CASES: &[(&str, &str, u32, &str)] = &[
    ("[T] plain URL is unchanged", "http://swupmf.adobe.com/manifest/50/win/AdobeUpdater.upd", 0, "http://swupmf.adobe.com/manifest/50/win/AdobeUpdater.upd"),
    ("[T] trailing space cut even in browser mode", "http://www.winehq.org/index.php?x= ", ICU_BROWSER_MODE, "http://www.winehq.org/index.php?x="),
    ("[T] file URL decoded to a DOS path", "file:///C:/Program%20Files/Atmel/AVR%20Tools/STK500/STK500.xml", ICU_DECODE | ICU_NO_ENCODE, "file://C:\\Program Files\\Atmel\\AVR Tools\\STK500\\STK500.xml"),
    ("[S] .. after two segments back to the root", "http://www.winehq.org/tests/../tests/../..", 0, "http://www.winehq.org/"),
    ("[S] /.. alone is kept", "http://www.winehq.org/..", 0, "http://www.winehq.org/.."),
    ("[S] two .. climb two segments", "http://www.winehq.org/tests/tests2/../../tests", 0, "http://www.winehq.org/tests"),
    ("[S] .. then a segment", "http://www.winehq.org/tests/../tests", 0, "http://www.winehq.org/tests"),
    ("[S] trailing newline cut", "http://www.winehq.org/tests\n", 0, "http://www.winehq.org/tests"),
    ("[S] trailing CR cut", "http://www.winehq.org/tests\r", ICU_NO_META, "http://www.winehq.org/tests"),
    ("[S] trailing slash kept", "http://www.winehq.org/tests/../tests/", 0, "http://www.winehq.org/tests/"),
    ("[S] trailing .. leaves a slash", "http://www.winehq.org/tests/..", 0, "http://www.winehq.org/"),
    ("[S] .. before the query", "http://www.winehq.org/tests/..?query=x&return=y", 0, "http://www.winehq.org/?query=x&return=y"),
    ("[S] ../ before the query", "http://www.winehq.org/tests/../?query=x&return=y", 0, "http://www.winehq.org/?query=x&return=y"),
    ("[S] tabs removed everywhere", "\tht\ttp\t://www\t.w\tineh\t\tq.or\tg\t/\ttests/..\t?\tquer\ty=x\t\t&re\tturn=y\t\t", 0, "http://www.winehq.org/?query=x&return=y"),
    ("[S] .. before the fragment", "http://www.winehq.org/tests/..#example=x&return=y", 0, "http://www.winehq.org/#example=x&return=y"),
    ("[S] backslash is a separator in http paths", "http://www.winehq.org/tests\\../#example=x&return=y", 0, "http://www.winehq.org/#example=x&return=y"),
    ("[S] ICU_NO_META keeps dot segments", "http://www.winehq.org/tests/../tests/", ICU_NO_META, "http://www.winehq.org/tests/../tests/"),
    ("[S] spaces escaped in the path, not in the query", "http://www.winehq.org/tests/foo bar?foo bar", 0, "http://www.winehq.org/tests/foo%20bar?foo bar"),
    ("[S] ICU_ENCODE_SPACES_ONLY escapes spaces everywhere", "http://www.winehq.org/tests/foo bar?a b", ICU_ENCODE_SPACES_ONLY, "http://www.winehq.org/tests/foo%20bar?a%20b"),
    ("ICU_ENCODE_SPACES_ONLY leaves other unsafe characters", "http://h/a<b> c", ICU_ENCODE_SPACES_ONLY, "http://h/a<b>%20c"),
    ("[S] ICU_DECODE with ICU_NO_ENCODE decodes", "http://www.winehq.org/tests/foo%20bar", ICU_DECODE | ICU_NO_ENCODE, "http://www.winehq.org/tests/foo bar"),
    ("ICU_DECODE alone re-encodes", "http://www.winehq.org/tests/foo%20bar", ICU_DECODE, "http://www.winehq.org/tests/foo%20bar"),
    ("ICU_DECODE decodes the query too", "http://h/p?x=%41%20", ICU_DECODE | ICU_NO_ENCODE, "http://h/p?x=A "),
    ("ICU_DECODE turns %2F into a slash after simplifying", "http://h/a/%2E%2E/b%2Fc", ICU_DECODE | ICU_NO_ENCODE, "http://h/a/../b/c"),
    ("ICU_DECODE never decodes %00", "http://h/a%00b", ICU_DECODE | ICU_NO_ENCODE, "http://h/a%00b"),
    ("ICU_DECODE keeps non-UTF-8 escapes", "http://h/%E9", ICU_DECODE | ICU_NO_ENCODE, "http://h/%E9"),
    ("ICU_DECODE decodes UTF-8 and re-escapes it", "http://h/%c3%a9", ICU_DECODE, "http://h/%C3%A9"),
    ("[S] host-only URL gets a slash", "http://www.winehq.org", 0, "http://www.winehq.org/"),
    ("host with port gets a slash", "http://h:8080", 0, "http://h:8080/"),
    ("no slash added before a query", "http://h?q", 0, "http://h?q"),
    ("[S] empty host is kept", "http:///www.winehq.org", 0, "http:///www.winehq.org"),
    ("[S] four slashes kept", "http:////www.winehq.org", 0, "http:////www.winehq.org"),
    ("ICU_ENCODE_PERCENT escapes %", "http://h/a%20b", ICU_ENCODE_PERCENT, "http://h/a%2520b"),
    ("ICU_ENCODE_PERCENT leaves the query", "http://h/a%b?c%d", ICU_ENCODE_PERCENT, "http://h/a%25b?c%d"),
    ("ICU_NO_ENCODE with ICU_ENCODE_PERCENT escapes only %", "http://h/a b%", ICU_NO_ENCODE | ICU_ENCODE_PERCENT, "http://h/a b%25"),
    ("% is left alone by default", "http://h/100%", 0, "http://h/100%"),
    ("ICU_NO_ENCODE leaves spaces", "http://h/a b", ICU_NO_ENCODE, "http://h/a b"),
    ("ICU_BROWSER_MODE changes nothing else", "http://h/a b/../c?d e", ICU_BROWSER_MODE, "http://h/c?d e"),
    ("[S] path without scheme unchanged", "/uri-res/N2R?urn:sha1:B3K", ICU_BROWSER_MODE, "/uri-res/N2R?urn:sha1:B3K"),
    ("[S] relative .. removed", "A/../B", 0, "B"),
    ("[S] leading .. of a relative path kept", "../A", 0, "../A"),
    ("[S] single word", "A", 0, "A"),
    ("[S] file_test.html is relative", "file_test.html", 0, "file_test.html"),
    ("[S] DOS path becomes a file URL", "c:\\dir\\file", 0, "file://c:\\dir\\file"),
    ("[S] drive-relative DOS path", "c:dir\\file", 0, "file://c:dir\\file"),
    ("[S] file:/// drive URL", "file:///C:/user/file", 0, "file://C:\\user\\file"),
    ("[S] file://C: drive URL", "file://C:/user/file", 0, "file://C:\\user\\file"),
    ("[S] file://// drive URL", "file:////C:/user/file", 0, "file://C:\\user\\file"),
    ("file URL .. removed", "file://C:/user/file/../asdf", 0, "file://C:\\user\\asdf"),
    ("[S] file://host is UNC", "file://home/user/file", 0, "file://\\\\home\\user\\file"),
    ("[S] file:/// without drive is rooted", "file:///home/user/file", 0, "file://\\home\\user\\file"),
    ("[S] file://// is UNC", "file:////home/user/file", 0, "file://\\\\home\\user\\file"),
    ("[S] file:///// is UNC", "file://///home/user/file", 0, "file://\\\\home\\user\\file"),
    ("file://localhost/ is dropped", "file://localhost/C:/x", 0, "file://C:\\x"),
    ("file path: spaces and # escaped, backslashes stay", "file:///C:/a b#c", 0, "file://C:\\a%20b%23c"),
    ("file path: query stays", "file:///C:/a.htm?x y", 0, "file://C:\\a.htm?x y"),
    ("file path: %20 kept without ICU_DECODE", "file:///C:/a%20b", 0, "file://C:\\a%20b"),
    ("mailto: no dot removal, query unescaped", "mailto:someone@example.com?subject=hi there", 0, "mailto:someone@example.com?subject=hi there"),
    ("mailto: spaces before ? escaped", "mailto:a b@example.com", 0, "mailto:a%20b@example.com"),
    ("javascript: no dot removal", "javascript:alert('a/../b')", 0, "javascript:alert('a/../b')"),
    ("javascript: spaces escaped", "javascript:alert('hi there')", 0, "javascript:alert('hi%20there')"),
    ("about:blank unchanged", "about:blank", 0, "about:blank"),
    ("[S] http without // is still simplified", "http:www.winehq.org/dir/../index.html", 0, "http:www.winehq.org/index.html"),
    ("non-ASCII escaped as UTF-8", "http://h/\u{e9}\u{20ac}", 0, "http://h/%C3%A9%E2%82%AC"),
    ("non-ASCII kept with ICU_NO_ENCODE", "http://h/\u{e9}", ICU_NO_ENCODE, "http://h/\u{e9}"),
    ("non-ASCII in the query kept", "http://h/?q=\u{e9}", 0, "http://h/?q=\u{e9}"),
    ("[S] unsafe punctuation escaped", "http://h/^&`{}|[]\"<>", 0, "http://h/%5E%26%60%7B%7D%7C%5B%5D%22%3C%3E"),
    ("[S] unsafe characters in the host escaped", "http://f o^/x", 0, "http://f%20o%5E/x"),
    ("IPv6 brackets kept in the host", "http://[::1]:8080/a b", 0, "http://[::1]:8080/a%20b"),
    ("IPv6 brackets kept after userinfo", "http://u@[::1]/", 0, "http://u@[::1]/"),
    ("userinfo space escaped", "http://user:pa ss@host/", 0, "http://user:pa%20ss@host/"),
    ("[S] ftp backslash escaped", "ftp://h/a\\b", 0, "ftp://h/a%5Cb"),
    ("https backslashes are slashes", "https://host\\a\\..\\b", 0, "https://host/b"),
    ("[S] unknown scheme backslash escaped", "foo://foo/bar\\baz", 0, "foo://foo/bar%5Cbaz"),
    ("trailing /. leaves a slash", "http://h/a/./b/.", 0, "http://h/a/b/"),
    ("empty segments kept", "http://h/a//b/../c", 0, "http://h/a//c"),
    ("too many .. stop at the root", "http://h/a/../../../b", 0, "http://h/b"),
    ("leading /../ dropped when more follows", "http://h/../b", 0, "http://h/b"),
    ("dot segments in the query kept", "http://h/a/?x=/../y", 0, "http://h/a/?x=/../y"),
    ("scheme and host case kept", "HTTP://HOST/A/../B", 0, "HTTP://HOST/B"),
    ("escapes keep their case", "http://h/%7e", 0, "http://h/%7e"),
    ("control character escaped", "http://h/a\u{1}b", 0, "http://h/a%01b"),
    ("DEL escaped", "http://h/a\u{7f}", 0, "http://h/a%7F"),
    ("CR in the middle escaped", "http://h/a\rb", 0, "http://h/a%0Db"),
    ("embedded NUL ends the URL", "http://h/a\0b c", 0, "http://h/a"),
    ("empty URL gives empty", "", 0, ""),
    ("blanks only give empty", "  \t \n", 0, ""),
    ("leading spaces kept and escaped", " http://h/", 0, "%20http://h/"),
];

#[test]
fn canonicalizes_like_native() {
    for (what, url, flags, expected) in CASES {
        assert_eq!(
            canonicalize(url, *flags).unwrap(),
            *expected,
            "{what}: {url:?}"
        );
    }
}

#[test]
fn canonicalizing_twice_escapes_percent_only_with_encode_percent() {
    let once = canonicalize("http://h/a b", 0).unwrap();
    assert_eq!(canonicalize(&once, 0).unwrap(), "http://h/a%20b");
    assert_eq!(
        canonicalize(&once, ICU_ENCODE_PERCENT).unwrap(),
        "http://h/a%2520b"
    );
}

#[test]
fn urls_at_and_beyond_internet_max_url_length() {
    let max = INTERNET_MAX_URL_LENGTH as usize;
    for total in [max, max + 1, 4 * max] {
        let url = format!("http://h/{}", "a".repeat(total - 9));
        assert_eq!(canonicalize(&url, 0).unwrap(), url);
    }
    let spaced = format!("http://h/{}", " x".repeat(max));
    assert_eq!(canonicalize(&spaced, 0).unwrap().len(), 9 + 4 * max);
}
