//! InternetCombineUrl. [R]: RFC 3986 section 5.4 examples; [S]: Wine's shlwapi UrlCombine
//! tests (native).

use hinternet_core::consts::*;
use hinternet_url::combine;

const RFC_BASE: &str = "http://a/b/c/d;p?q";

/// (what, relative, result) against RFC_BASE, flags 0.
#[rustfmt::skip]
const RFC: &[(&str, &str, &str)] = &[
    ("[R] one-letter scheme is a drive on Windows", "g:h", "file://g:h"),
    ("[R] other scheme", "gg:h", "gg:h"),
    ("[R] segment", "g", "http://a/b/c/g"),
    ("[R] ./segment", "./g", "http://a/b/c/g"),
    ("[R] segment/", "g/", "http://a/b/c/g/"),
    ("[R] absolute path", "/g", "http://a/g"),
    ("[R] network path (a slash is added to the bare host)", "//g", "http://g/"),
    ("[R] query only keeps the path", "?y", "http://a/b/c/d;p?y"),
    ("[R] segment and query", "g?y", "http://a/b/c/g?y"),
    ("[R] fragment only", "#s", "http://a/b/c/d;p?q#s"),
    ("[R] segment and fragment", "g#s", "http://a/b/c/g#s"),
    ("[R] segment, query, fragment", "g?y#s", "http://a/b/c/g?y#s"),
    ("[R] parameter only", ";x", "http://a/b/c/;x"),
    ("[R] segment with parameter", "g;x", "http://a/b/c/g;x"),
    ("[R] everything", "g;x?y#s", "http://a/b/c/g;x?y#s"),
    ("[R] empty reference is the base", "", "http://a/b/c/d;p?q"),
    ("[R] dot", ".", "http://a/b/c/"),
    ("[R] dot slash", "./", "http://a/b/c/"),
    ("[R] dot dot", "..", "http://a/b/"),
    ("[R] dot dot slash", "../", "http://a/b/"),
    ("[R] dot dot segment", "../g", "http://a/b/g"),
    ("[R] two levels up", "../..", "http://a/"),
    ("[R] two levels up slash", "../../", "http://a/"),
    ("[R] two levels up segment", "../../g", "http://a/g"),
    ("[R] too many ..", "../../../g", "http://a/g"),
    ("[R] far too many ..", "../../../../g", "http://a/g"),
    ("[R] /./g", "/./g", "http://a/g"),
    ("[R] /../g", "/../g", "http://a/g"),
    ("[R] g.", "g.", "http://a/b/c/g."),
    ("[R] .g", ".g", "http://a/b/c/.g"),
    ("[R] g..", "g..", "http://a/b/c/g.."),
    ("[R] ..g", "..g", "http://a/b/c/..g"),
    ("[R] ./../g", "./../g", "http://a/b/g"),
    ("[R] ./g/.", "./g/.", "http://a/b/c/g/"),
    ("[R] g/./h", "g/./h", "http://a/b/c/g/h"),
    ("[R] g/../h", "g/../h", "http://a/b/c/h"),
    ("[R] parameter with ./", "g;x=1/./y", "http://a/b/c/g;x=1/y"),
    ("[R] parameter with ../", "g;x=1/../y", "http://a/b/c/y"),
    ("[R] dots in the query stay", "g?y/./x", "http://a/b/c/g?y/./x"),
    ("[R] dot dot in the query stays", "g?y/../x", "http://a/b/c/g?y/../x"),
    ("[R] dots in the fragment stay", "g#s/./x", "http://a/b/c/g#s/./x"),
    ("[R] dot dot in the fragment stays", "g#s/../x", "http://a/b/c/g#s/../x"),
    ("[R] same scheme without // is relative (non-strict, native)", "http:g", "http://a/b/c/g"),
];

#[test]
fn rfc3986_reference_resolution() {
    for (what, rel, expected) in RFC {
        assert_eq!(
            combine(RFC_BASE, rel, 0).unwrap(),
            *expected,
            "{what}: {rel:?}"
        );
    }
}

/// (what, base, relative, flags, result)
#[rustfmt::skip]
const CASES: &[(&str, &str, &str, u32, &str)] = &[
    ("[S] last segment replaced", "http://www.winehq.org/tests", "tests1", 0, "http://www.winehq.org/tests1"),
    ("[S] escapes in the host kept", "http://www.%77inehq.org/tests", "tests1", 0, "http://www.%77inehq.org/tests1"),
    ("[S] .. from a directory", "http://www.winehq.org/tests/", "../tests3", 0, "http://www.winehq.org/tests3"),
    ("[S] .. from a document at the root", "http://www.winehq.org/tests", "../tests2", 0, "http://www.winehq.org/tests2"),
    ("[S] sibling document", "http://www.winehq.org/tests/test1", "test2", 0, "http://www.winehq.org/tests/test2"),
    ("[S] base simplified first", "http://www.winehq.org/tests/../tests", "tests4", 0, "http://www.winehq.org/tests4"),
    ("[S] base directory simplified first", "http://www.winehq.org/tests/../tests/", "tests5", 0, "http://www.winehq.org/tests/tests5"),
    ("[S] absolute path with ..", "http://www.winehq.org/tests/../tests/", "/tests6/..", 0, "http://www.winehq.org/"),
    ("[S] relative with .. from a simplified base", "http://www.winehq.org/tests/../tests/..", "tests7/..", 0, "http://www.winehq.org/"),
    ("[S] query of the base dropped", "http://www.winehq.org/tests/?query=x&return=y", "tests8", 0, "http://www.winehq.org/tests/tests8"),
    ("[S] fragment of the base dropped", "http://www.winehq.org/tests/#example", "tests9", 0, "http://www.winehq.org/tests/tests9"),
    ("[S] ICU_NO_META keeps .. of the relative", "http://www.winehq.org/tests/../tests/", "/tests10/..", ICU_NO_META, "http://www.winehq.org/tests10/.."),
    ("[S] ICU_NO_META keeps .. of the base", "http://www.winehq.org/tests/../", "tests11", ICU_NO_META, "http://www.winehq.org/tests/../tests11"),
    ("[S] empty fragment", "http://www.winehq.org/test12", "#", 0, "http://www.winehq.org/test12#"),
    ("[S] fragment replaced", "http://www.winehq.org/test13#aaa", "#bbb", 0, "http://www.winehq.org/test13#bbb"),
    ("[S] fragment with slashes replaced", "http://www.winehq.org/test14#aaa/bbb#ccc", "#", 0, "http://www.winehq.org/test14#"),
    ("[S] slashes in the base query ignored", "http://www.winehq.org/tests/?query=x/y/z", "tests15", 0, "http://www.winehq.org/tests/tests15"),
    ("[S] slashes in query and fragment ignored", "http://www.winehq.org/tests/?query=x/y/z#example=x/y/z", "tests16", 0, "http://www.winehq.org/tests/tests16"),
    ("[S] escapes in the relative kept", "http://www.winehq.org/test/", "test%20file.txt", 0, "http://www.winehq.org/test/test%20file.txt"),
    ("[S] opaque base, same scheme: relative wins", "foo:today", "foo:calendar", 0, "foo:calendar"),
    ("[S] other scheme wins", "foo:today", "bar:calendar", 0, "bar:calendar"),
    ("[S] rooted base, same scheme", "foo:/today", "foo:calendar", 0, "foo:/calendar"),
    ("[S] scheme compared and written in lower case", "Foo:/today/", "fOo:calendar", 0, "foo:/today/calendar"),
    ("[S] scheme with opaque path wins", "outbind://xxxxxxxxx", "http:wine16/dir", 0, "http:wine16/dir"),
    ("[S] file base: sibling as a DOS path", "file:///C:\\dir\\file.txt", "test.txt", 0, "file://C:\\dir\\test.txt"),
    ("[S] file base: # is part of a .txt name", "file:///C:\\dir\\file.txt#hash\\hash", "test.txt", ICU_NO_ENCODE, "file://C:\\dir\\file.txt#hash\\test.txt"),
    ("[S] file base: # after .html starts a fragment", "file:///C:\\dir\\file.html#hash\\hash", "test.html", 0, "file://C:\\dir\\test.html"),
    ("[S] file base: # after .htm starts a fragment", "file:///C:\\dir\\file.htm#hash\\hash", "test.htm", 0, "file://C:\\dir\\test.htm"),
    ("[S] DOS base and DOS relative", "C:\\winehq\\winehq.txt", "C:\\Test\\test.txt", 0, "file://C:\\Test\\test.txt"),
    ("backslashes in an http relative are slashes", "http://host/a/b", "..\\c", 0, "http://host/c"),
    ("double backslash is a network path for http", "http://host/a/b", "\\\\other\\x", 0, "http://other/x"),
    ("mailto base: relative replaces the address", "mailto:a@b.com", "x@y.com", 0, "mailto:x@y.com"),
    ("javascript base: relative replaces the body", "javascript:void(0)", "page.html", 0, "javascript:page.html"),
    ("base without scheme: the relative as is", "/a/b", "c", 0, "c"),
    ("scheme-relative reference keeps https", "https://example.com/x", "//cdn.example.com/lib.js", 0, "https://cdn.example.com/lib.js"),
    ("IPv6 base", "http://[::1]:8080/a/b", "../c", 0, "http://[::1]:8080/c"),
    ("spaces in the relative escaped", "http://host/dir/", "a b.html", 0, "http://host/dir/a%20b.html"),
    ("ICU_NO_ENCODE leaves spaces", "http://host/dir/", "a b.html", ICU_NO_ENCODE, "http://host/dir/a b.html"),
    ("ICU_DECODE decodes the result", "http://host/dir/", "a%20b.html", ICU_DECODE | ICU_NO_ENCODE, "http://host/dir/a b.html"),
    ("ICU_ENCODE_SPACES_ONLY", "http://host/dir/", "a b<.html?c d", ICU_ENCODE_SPACES_ONLY, "http://host/dir/a%20b<.html?c%20d"),
    ("ICU_ENCODE_PERCENT", "http://host/dir/", "a%20b", ICU_ENCODE_PERCENT, "http://host/dir/a%2520b"),
    ("ICU_BROWSER_MODE", "http://host/dir/", "x y?a b", ICU_BROWSER_MODE, "http://host/dir/x%20y?a b"),
    ("absolute relative URL wins", "http://host/dir/", "https://other/x", 0, "https://other/x"),
    ("base without path", "http://host", "a", 0, "http://host/a"),
    ("base with only a query", "http://host?q", "a", 0, "http://host/a"),
    ("base document with a fragment", "http://host/dir/page.htm#frag", "x", 0, "http://host/dir/x"),
    ("relative with leading colon is left alone", "http://host/dir/", ":x", 0, ":x"),
    ("NUL ends the relative", "http://host/dir/", "g\0h", 0, "http://host/dir/g"),
    ("NUL ends the base", "http://host/dir/\0junk", "g", 0, "http://host/dir/g"),
    ("non-ASCII relative escaped", "http://host/dir/", "\u{e9}", 0, "http://host/dir/%C3%A9"),
    ("ftp base", "ftp://ftp.example.com/pub/a/", "../b/c.txt", 0, "ftp://ftp.example.com/pub/b/c.txt"),
    ("empty base and relative", "", "", 0, ""),
];

#[test]
fn combines_like_native() {
    for (what, base, rel, flags, expected) in CASES {
        assert_eq!(
            combine(base, rel, *flags).unwrap(),
            *expected,
            "{what}: {base:?} + {rel:?}"
        );
    }
}

#[test]
fn long_urls_beyond_internet_max_url_length_combine() {
    let max = INTERNET_MAX_URL_LENGTH as usize;
    let base = format!("http://h/{}/x", "d".repeat(max));
    let r = combine(&base, "y", 0).unwrap();
    assert_eq!(r, format!("http://h/{}/y", "d".repeat(max)));
}
