//! Fuzz InternetCrackUrl: no panic on any input, in A and W units; spans stay inside the
//! input; every buffer-mode value and plan is computable; crack -> create -> crack keeps the
//! components where native round-trips.
#![no_main]

use hinternet_core::consts::*;
use hinternet_url::{
    CharUnit, Component, ComponentRequest, crack, crack_into, crack_units, create,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let flags = match data.first() {
        Some(b) if b & 1 == 1 => ICU_DECODE,
        Some(b) if b & 2 == 2 => ICU_ESCAPE,
        _ => 0,
    };
    // A: raw bytes, possibly invalid UTF-8.
    if let Ok(raw) = crack_units(data) {
        for c in Component::ALL {
            for extra in [false, true] {
                if let Some(s) = raw.span(c, extra) {
                    assert!(s.end() <= raw.url_len && raw.url_len <= data.len());
                }
            }
        }
        let req = [ComponentRequest::Buffer { capacity: 8 }; 6];
        let _ = crack_into(data, flags, req);
        let _ = crack_into(data, flags, [ComponentRequest::Pointer; 6]);
    }
    // W: the same bytes as u16 units (lone surrogates included).
    let wide: Vec<u16> = data
        .chunks(2)
        .map(|c| u16::from_le_bytes([c[0], c.get(1).copied().unwrap_or(0)]))
        .collect();
    if let Ok(raw) = crack_units(&wide) {
        let _ = crack_into(&wide, flags, [ComponentRequest::Buffer { capacity: 4 }; 6]);
        assert!(raw.url_len <= wide.len());
    }
    // Rust face on text.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(c) = crack(text, flags) else { return };
    for comp in Component::ALL {
        let _ = c.value(comp, true);
        let _ = c.value(comp, false);
        let _ = c.span_in(comp, true, CharUnit::Wide);
    }
    // Round trip: a URL with a host and no newline in the path comes back with the same
    // host, user, password, extra info and scheme (the port may be normalised, an empty path
    // may gain a '/').
    let p = c.parts();
    // A host that itself contains ':' (not an IPv6 literal, e.g. "h:" with an empty port)
    // cannot come back: native copies it verbatim and the ':' then reads as a port.
    let host_ok = p
        .host
        .is_some_and(|h| h.starts_with('[') || !h.contains(':'));
    if !host_ok || p.path.is_some_and(|x| x.contains('\n')) {
        return;
    }
    let Ok(again) = create(&p, 0) else { return };
    let c2 = crack(&again, 0).expect("created URL cracks");
    let q = c2.parts();
    assert_eq!(q.host, p.host, "{text:?} -> {again:?}");
    assert_eq!(q.user, p.user, "{text:?} -> {again:?}");
    assert_eq!(q.password, p.password, "{text:?} -> {again:?}");
    assert_eq!(q.extra, p.extra, "{text:?} -> {again:?}");
    assert_eq!(c2.scheme_kind(), c.scheme_kind());
});
