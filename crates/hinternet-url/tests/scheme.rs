//! Scheme names, INTERNET_SCHEME_* values and default ports.

use hinternet_core::consts::*;
use hinternet_url::{CharUnit, Scheme, percent_decode, until_nul};

#[test]
fn scheme_names_map_to_internet_scheme_values() {
    // (name as written, value, crack default port)
    #[rustfmt::skip]
    let table = [
        ("ftp", INTERNET_SCHEME_FTP, 21), ("FTP", INTERNET_SCHEME_FTP, 21),
        ("gopher", INTERNET_SCHEME_GOPHER, 0), ("http", INTERNET_SCHEME_HTTP, 80),
        ("Https", INTERNET_SCHEME_HTTPS, 443), ("file", INTERNET_SCHEME_FILE, 0),
        ("news", INTERNET_SCHEME_NEWS, 0), ("mailto", INTERNET_SCHEME_MAILTO, 0),
        ("socks", INTERNET_SCHEME_SOCKS, 0), ("javascript", INTERNET_SCHEME_JAVASCRIPT, 0),
        ("vbscript", INTERNET_SCHEME_VBSCRIPT, 0), ("res", INTERNET_SCHEME_RES, 0),
        ("about", INTERNET_SCHEME_UNKNOWN, 0), ("httpx", INTERNET_SCHEME_UNKNOWN, 0),
        ("", INTERNET_SCHEME_UNKNOWN, 0), ("h\u{e9}", INTERNET_SCHEME_UNKNOWN, 0),
    ];
    for (name, raw, port) in table {
        let s = Scheme::from_name(name);
        assert_eq!((s.raw(), s.crack_default_port()), (raw, port), "{name}");
        assert_eq!(Scheme::from_raw(raw), Some(s), "{name}");
    }
    assert_eq!(Scheme::from_raw(12), None);
    assert_eq!(
        Scheme::from_raw(INTERNET_SCHEME_PARTIAL),
        Some(Scheme::Partial)
    );
    assert_eq!(Scheme::Http.name(), Some("http"));
    assert_eq!(Scheme::Default.name(), None);
}

#[test]
fn create_default_ports_and_opaque_schemes() {
    #[rustfmt::skip]
    let table = [
        (Scheme::Http, 80, true), (Scheme::Http, 8080, false), (Scheme::Https, 443, true),
        (Scheme::Ftp, 21, true), (Scheme::Gopher, 70, true), (Scheme::Unknown, 80, false),
        (Scheme::Mailto, 0, true), (Scheme::Socks, 1080, false),
    ];
    for (s, port, default) in table {
        assert_eq!(s.port_is_default(port), default, "{s:?} {port}");
    }
    let opaque: Vec<bool> = [
        Scheme::Http,
        Scheme::File,
        Scheme::Mailto,
        Scheme::Unknown,
        Scheme::Res,
    ]
    .iter()
    .map(|s| s.is_opaque_for_create())
    .collect();
    assert_eq!(opaque, [false, false, true, true, true]);
}

#[test]
fn unit_helpers_count_like_the_a_and_w_entry_points() {
    let s = "a\u{e9}\u{1F600}";
    assert_eq!((CharUnit::Ansi.len_of(s), CharUnit::Wide.len_of(s)), (7, 4));
    assert_eq!(
        (
            CharUnit::Ansi.bytes_per_unit(),
            CharUnit::Wide.bytes_per_unit()
        ),
        (1, 2)
    );
    assert_eq!(CharUnit::Wide.offset_in(s, 3), 2);
    assert_eq!(until_nul(b"ab\0cd".as_slice()), b"ab");
    assert_eq!(until_nul(&[0x61u16, 0, 0x62]), &[0x61u16]);
    assert_eq!(percent_decode("a%20b%E9%00"), "a b%E9%00");
}
