//! Character units: what a length or an offset counts in the A and the W entry points.
//!
//! WinINet counts "TCHARs": bytes for the A functions (UTF-8 on Linux, our choice of code page)
//! and UTF-16 code units for the W functions. [`CharUnit`] names the two; [`CodeUnit`] lets the
//! parser run directly over the caller's own units, so that offsets it reports can be applied
//! to the caller's string without any conversion, even when that string is not valid UTF-8 /
//! UTF-16.

use std::borrow::Cow;

pub use hinternet_core::options::CharUnit;

mod sealed {
    pub trait Sealed {}
    impl Sealed for u8 {}
    impl Sealed for u16 {}
}

/// A code unit of a caller's string: `u8` for A strings, `u16` for W strings.
///
/// The URL parser only ever looks at ASCII delimiters, so it works on either unit directly and
/// reports offsets and lengths in that unit.
pub trait CodeUnit: Copy + Eq + Default + std::fmt::Debug + sealed::Sealed + 'static {
    /// Which unit this is.
    const UNIT: CharUnit;

    /// The ASCII byte this unit stands for, if it is ASCII (`< 0x80`).
    fn ascii(self) -> Option<u8>;

    /// The unit for an ASCII byte.
    fn from_ascii(b: u8) -> Self;

    /// Appends `s` encoded in this unit.
    fn push_str(out: &mut Vec<Self>, s: &str);

    /// Decodes units into text; invalid sequences become U+FFFD.
    fn to_text(units: &[Self]) -> Cow<'_, str>;

    /// Encodes text into units (no NUL added).
    fn encode(s: &str) -> Vec<Self> {
        let mut v = Vec::with_capacity(s.len());
        Self::push_str(&mut v, s);
        v
    }

    /// True if this unit is the ASCII character `c`.
    fn is(self, c: u8) -> bool {
        self.ascii() == Some(c)
    }
}

impl CodeUnit for u8 {
    const UNIT: CharUnit = CharUnit::Ansi;

    fn ascii(self) -> Option<u8> {
        self.is_ascii().then_some(self)
    }

    fn from_ascii(b: u8) -> Self {
        b
    }

    fn push_str(out: &mut Vec<Self>, s: &str) {
        out.extend_from_slice(s.as_bytes());
    }

    fn to_text(units: &[Self]) -> Cow<'_, str> {
        String::from_utf8_lossy(units)
    }
}

impl CodeUnit for u16 {
    const UNIT: CharUnit = CharUnit::Wide;

    fn ascii(self) -> Option<u8> {
        u8::try_from(self).ok().filter(u8::is_ascii)
    }

    fn from_ascii(b: u8) -> Self {
        u16::from(b)
    }

    fn push_str(out: &mut Vec<Self>, s: &str) {
        out.extend(s.encode_utf16());
    }

    fn to_text(units: &[Self]) -> Cow<'_, str> {
        Cow::Owned(String::from_utf16_lossy(units))
    }
}

/// The extent of a caller's URL: the units before the first NUL.
///
/// WinINet treats a NUL inside the given length as the end of the URL. (A length argument of
/// 0 means "NUL-terminated": the C shim finds the terminator itself and passes the slice.)
pub fn until_nul<T: CodeUnit>(units: &[T]) -> &[T] {
    match units.iter().position(|u| u.is(0)) {
        Some(n) => units.get(..n).unwrap_or(units),
        None => units,
    }
}
