//! Fuzz InternetCombineUrl and InternetCanonicalizeUrl: no panic on any pair of inputs and
//! any flags; results never contain a NUL; canonicalisation is idempotent when nothing is
//! encoded or decoded.
#![no_main]

use hinternet_core::consts::*;
use hinternet_url::{canonicalize, combine};
use libfuzzer_sys::fuzz_target;

const FLAGS: [u32; 8] = [
    0,
    ICU_NO_ENCODE,
    ICU_DECODE,
    ICU_NO_META,
    ICU_ENCODE_SPACES_ONLY,
    ICU_BROWSER_MODE,
    ICU_ENCODE_PERCENT,
    ICU_DECODE | ICU_NO_ENCODE | ICU_NO_META,
];

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let flags = FLAGS[usize::from(sel & 7)];
    let text = String::from_utf8_lossy(rest);
    let (base, rel) = text.split_once('\u{1}').unwrap_or((&text, ""));
    let combined = combine(base, rel, flags).expect("combine never fails");
    assert!(!combined.contains('\0'));
    let c = canonicalize(base, flags).expect("canonicalize never fails");
    assert!(!c.contains('\0'));
    let once = canonicalize(base, ICU_NO_ENCODE | ICU_NO_META).unwrap();
    let twice = canonicalize(&once, ICU_NO_ENCODE | ICU_NO_META).unwrap();
    assert_eq!(once, twice, "{base:?}");
});
