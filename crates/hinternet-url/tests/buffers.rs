//! The caller-buffer rules the C shim applies: URL_COMPONENTS pointer/buffer modes, and the
//! length conventions of CreateUrl / CanonicalizeUrl / CombineUrl for A and W.

use hinternet_core::consts::*;
use hinternet_url::{
    CharUnit, Component, ComponentFill, ComponentRequest, CopyOutcome, OutputDecision,
    UrlOutputApi, check_output, copy_rule, crack_into, output_rule,
};

fn idx(c: Component) -> usize {
    Component::ALL.iter().position(|k| *k == c).unwrap()
}

fn one(c: Component, r: ComponentRequest) -> [ComponentRequest; 6] {
    let mut req = [ComponentRequest::Skip; 6];
    req[idx(c)] = r;
    req
}

#[test]
fn request_classification_from_pointer_and_length() {
    use ComponentRequest::*;
    // (what, pointer is NULL, length, component, request)
    #[rustfmt::skip]
    let table = [
        ("NULL and 0: not wanted", true, 0, Component::HostName, Skip),
        ("NULL and non-zero: pointer mode", true, 1, Component::HostName, Pointer),
        ("buffer and size: buffer mode", false, 32, Component::HostName, Buffer { capacity: 32 }),
        ("buffer with size 0 for the host: skipped (Wine)", false, 0, Component::HostName, Skip),
        ("buffer with size 0 for the path: too small (native)", false, 0, Component::UrlPath, Buffer { capacity: 0 }),
        ("buffer with size 0 for the extra info: too small (native)", false, 0, Component::ExtraInfo, Buffer { capacity: 0 }),
    ];
    for (what, null, len, comp, expected) in table {
        assert_eq!(
            ComponentRequest::from_raw(null, len, comp),
            expected,
            "{what}"
        );
    }
}

#[test]
fn copy_rule_needs_room_for_the_nul() {
    // (what, value length, capacity, unit, outcome)
    #[rustfmt::skip]
    let table = [
        ("exact fit with NUL", 14, 15, CharUnit::Ansi, CopyOutcome::Fits { len: 14 }),
        ("no room for the NUL, A reports needed incl. NUL", 14, 14, CharUnit::Ansi, CopyOutcome::TooSmall { report: Some(15) }),
        ("no room for the NUL, W leaves the length", 14, 14, CharUnit::Wide, CopyOutcome::TooSmall { report: None }),
        ("empty value needs 1", 0, 1, CharUnit::Wide, CopyOutcome::Fits { len: 0 }),
        ("empty value in 0 units", 0, 0, CharUnit::Ansi, CopyOutcome::TooSmall { report: Some(1) }),
    ];
    for (what, len, cap, unit, expected) in table {
        assert_eq!(copy_rule(len, cap, unit), expected, "{what}");
    }
}

const URL: &str = "http://user:pass@www.winehq.org:8080/site/about?x=1";

#[test]
fn buffer_too_small_at_every_component() {
    // (component, value length) for URL; one unit short fails, exact fits.
    #[rustfmt::skip]
    let table = [
        (Component::Scheme, 4usize),
        (Component::HostName, 14),
        (Component::UserName, 4),
        (Component::Password, 4),
        (Component::UrlPath, 15), // extra info not asked for: "/site/about?x=1"
        (Component::ExtraInfo, 4),
    ];
    let a = URL.as_bytes();
    let w: Vec<u16> = URL.encode_utf16().collect();
    for (comp, len) in table {
        let cap = u32::try_from(len).unwrap();
        let plan = crack_into(a, 0, one(comp, ComponentRequest::Buffer { capacity: cap })).unwrap();
        assert_eq!(
            plan.fill(comp),
            Some(&ComponentFill::TooSmall {
                report: Some(cap + 1)
            }),
            "A {comp:?}"
        );
        assert_eq!(
            plan.error.as_ref().map(|e| e.code()),
            Some(ERROR_INSUFFICIENT_BUFFER),
            "A {comp:?}"
        );
        let plan =
            crack_into(&w, 0, one(comp, ComponentRequest::Buffer { capacity: cap })).unwrap();
        assert_eq!(
            plan.fill(comp),
            Some(&ComponentFill::TooSmall { report: None }),
            "W {comp:?}"
        );
        let plan = crack_into(
            a,
            0,
            one(comp, ComponentRequest::Buffer { capacity: cap + 1 }),
        )
        .unwrap();
        match plan.fill(comp) {
            Some(ComponentFill::Copy { units, len: l }) => {
                assert_eq!(*l as usize, len, "A {comp:?}");
                assert_eq!(units.len(), len);
            }
            other => panic!("{comp:?}: {other:?}"),
        }
        assert!(plan.error.is_none());
    }
}

#[test]
fn pointer_mode_gives_offsets_into_the_callers_string() {
    let w: Vec<u16> = URL.encode_utf16().collect();
    let mut req = [ComponentRequest::Pointer; 6];
    req[idx(Component::ExtraInfo)] = ComponentRequest::Pointer;
    let plan = crack_into(&w, 0, req).unwrap();
    #[rustfmt::skip]
    let expect = [
        (Component::Scheme, 0, 4),
        (Component::UserName, 7, 4),
        (Component::Password, 12, 4),
        (Component::HostName, 17, 14),
        (Component::UrlPath, 36, 11),
        (Component::ExtraInfo, 47, 4),
    ];
    for (comp, off, len) in expect {
        assert_eq!(
            plan.fill(comp),
            Some(&ComponentFill::Pointer {
                offset: Some(off),
                len
            }),
            "{comp:?}"
        );
    }
    assert_eq!((plan.scheme_kind, plan.port), (INTERNET_SCHEME_HTTP, 8080));
}

#[test]
fn absent_components_are_null_in_pointer_mode_and_empty_in_buffer_mode() {
    let url = b"http://host/";
    let plan = crack_into(url, 0, one(Component::UserName, ComponentRequest::Pointer)).unwrap();
    assert_eq!(
        plan.fill(Component::UserName),
        Some(&ComponentFill::Pointer {
            offset: None,
            len: 0
        })
    );
    let plan = crack_into(
        url,
        0,
        one(
            Component::UserName,
            ComponentRequest::Buffer { capacity: 8 },
        ),
    )
    .unwrap();
    assert_eq!(
        plan.fill(Component::UserName),
        Some(&ComponentFill::Copy {
            units: vec![],
            len: 0
        })
    );
}

#[test]
fn path_includes_the_query_when_extra_info_is_not_requested() {
    let plan = crack_into(
        b"http://host/p?q".as_slice(),
        0,
        one(Component::UrlPath, ComponentRequest::Pointer),
    )
    .unwrap();
    assert_eq!(
        plan.fill(Component::UrlPath),
        Some(&ComponentFill::Pointer {
            offset: Some(11),
            len: 4
        })
    );
}

#[test]
fn zero_sized_path_buffer_is_too_small() {
    let req = one(
        Component::UrlPath,
        ComponentRequest::from_raw(false, 0, Component::UrlPath),
    );
    let plan = crack_into(b"http://host/p".as_slice(), 0, req).unwrap();
    assert_eq!(
        plan.fill(Component::UrlPath),
        Some(&ComponentFill::TooSmall { report: Some(3) })
    );
}

#[test]
fn filling_stops_at_the_first_component_that_does_not_fit() {
    let mut req = [ComponentRequest::Buffer { capacity: 64 }; 6];
    req[idx(Component::UserName)] = ComponentRequest::Buffer { capacity: 2 };
    let plan = crack_into(URL.as_bytes(), 0, req).unwrap();
    let order: Vec<Component> = plan.steps.iter().map(|(c, _)| *c).collect();
    assert_eq!(
        order,
        vec![Component::ExtraInfo, Component::Scheme, Component::UserName]
    );
}

#[test]
fn file_path_in_buffer_mode_is_a_dos_path_in_wide_units() {
    let url: Vec<u16> = "file:///C:/a%20b/c".encode_utf16().collect();
    let plan = crack_into(
        &url,
        0,
        one(
            Component::UrlPath,
            ComponentRequest::Buffer { capacity: 64 },
        ),
    )
    .unwrap();
    let expect: Vec<u16> = "C:\\a b\\c".encode_utf16().collect();
    assert_eq!(
        plan.fill(Component::UrlPath),
        Some(&ComponentFill::Copy {
            units: expect,
            len: 8
        })
    );
}

#[test]
fn decoded_value_in_wide_units() {
    let url: Vec<u16> = "http://host/%C3%A9%E2%82%AC".encode_utf16().collect();
    let plan = crack_into(
        &url,
        ICU_DECODE,
        one(Component::UrlPath, ComponentRequest::Buffer { capacity: 4 }),
    )
    .unwrap();
    let expect: Vec<u16> = "/\u{e9}\u{20ac}".encode_utf16().collect();
    assert_eq!(
        plan.fill(Component::UrlPath),
        Some(&ComponentFill::Copy {
            units: expect,
            len: 3
        })
    );
}

#[test]
fn crack_into_reports_parse_errors() {
    let e = crack_into(b"nocolon".as_slice(), 0, [ComponentRequest::Skip; 6]).unwrap_err();
    assert_eq!(e.code(), ERROR_INTERNET_UNRECOGNIZED_SCHEME);
}

#[test]
fn output_length_conventions() {
    use OutputDecision::*;
    use UrlOutputApi::*;
    // (what, api, unit, result length, buffer NULL, capacity, decision)
    #[rustfmt::skip]
    let table = [
        ("[T] CreateUrlA NULL buffer: chars incl. NUL", CreateUrl, CharUnit::Ansi, 50, true, 0, TooSmall { report: 51 }),
        ("[T] CreateUrlA one short", CreateUrl, CharUnit::Ansi, 50, false, 50, TooSmall { report: 51 }),
        ("[T] CreateUrlA fits: chars excl. NUL", CreateUrl, CharUnit::Ansi, 50, false, 51, Write { len: 50 }),
        ("[W] CreateUrlW too small: bytes incl. NUL", CreateUrl, CharUnit::Wide, 50, false, 50, TooSmall { report: 102 }),
        ("CreateUrlW NULL buffer: bytes", CreateUrl, CharUnit::Wide, 50, true, 1000, TooSmall { report: 102 }),
        ("CreateUrlW fits: chars", CreateUrl, CharUnit::Wide, 50, false, 51, Write { len: 50 }),
        ("[T] Canonicalize size 1", Canonicalize, CharUnit::Ansi, 56, false, 1, TooSmall { report: 57 }),
        ("[T] Canonicalize no room for NUL", Canonicalize, CharUnit::Ansi, 56, false, 56, TooSmall { report: 57 }),
        ("[T] Canonicalize exact", Canonicalize, CharUnit::Ansi, 56, false, 57, Write { len: 56 }),
        ("Canonicalize larger buffer", Canonicalize, CharUnit::Wide, 56, false, 256, Write { len: 56 }),
        ("[T] Canonicalize NULL buffer", Canonicalize, CharUnit::Ansi, 56, true, 256, InvalidParameter),
        ("Canonicalize size 0", Canonicalize, CharUnit::Wide, 56, false, 0, InvalidParameter),
        ("CanonicalizeW counts chars", Canonicalize, CharUnit::Wide, 56, false, 56, TooSmall { report: 57 }),
        ("Combine NULL buffer: too small", Combine, CharUnit::Ansi, 20, true, 0, TooSmall { report: 21 }),
        ("CombineW too small counts chars", Combine, CharUnit::Wide, 20, false, 20, TooSmall { report: 21 }),
        ("Combine fits", Combine, CharUnit::Wide, 20, false, 21, Write { len: 20 }),
    ];
    for (what, api, unit, len, null, cap, expected) in table {
        assert_eq!(output_rule(api, unit, len, null, cap), expected, "{what}");
    }
}

#[test]
fn check_output_counts_in_the_callers_unit() {
    let s = "http://h/\u{e9}\u{1F600}"; // 9 ASCII + 2 + 4 bytes; 9 + 1 + 2 UTF-16 units
    assert_eq!(
        check_output(UrlOutputApi::Canonicalize, CharUnit::Ansi, s, false, 16).unwrap(),
        15
    );
    assert_eq!(
        check_output(UrlOutputApi::Canonicalize, CharUnit::Wide, s, false, 13).unwrap(),
        12
    );
    let e = check_output(UrlOutputApi::CreateUrl, CharUnit::Wide, s, false, 12).unwrap_err();
    assert_eq!(
        (e.code(), e.needed()),
        (ERROR_INSUFFICIENT_BUFFER, Some(26))
    );
}
