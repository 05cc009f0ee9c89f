//! The deterministic byte pattern of generated bodies and generated files.
//!
//! Byte `i` of a pattern stream is `((i mod 251) * 31 + 7) mod 251`. The pattern has period
//! 251 (a prime, so it never lines up with power-of-two buffer sizes), which lets servers
//! produce bodies of several GiB without allocating them and lets tests check any slice
//! (for example a Range response) knowing only its offset.

use bytes::Bytes;
use std::sync::LazyLock;

const PERIOD: u64 = 251;
/// Size of the pieces generated bodies are sent in.
pub(crate) const PIECE: usize = 64 * 1024;

/// `PIECE + PERIOD` bytes of pattern starting at offset 0; any piece of at most `PIECE`
/// bytes at any offset is a slice of it.
static TABLE: LazyLock<Bytes> = LazyLock::new(|| {
    let mut v = vec![0u8; PIECE + PERIOD as usize];
    fill(0, &mut v);
    Bytes::from(v)
});

/// The pattern byte at absolute offset `i`.
pub fn byte_at(i: u64) -> u8 {
    (((i % PERIOD) * 31 + 7) % PERIOD) as u8
}

/// Fills `buf` with the pattern bytes for offsets `offset..offset + buf.len()`.
pub fn fill(offset: u64, buf: &mut [u8]) {
    for (k, b) in buf.iter_mut().enumerate() {
        *b = byte_at(offset + k as u64);
    }
}

/// The pattern bytes for offsets `offset..offset + len` (allocates `len` bytes; for large
/// bodies use [`Verifier`] or [`check`] on the pieces instead).
pub fn bytes(offset: u64, len: usize) -> Vec<u8> {
    let mut v = vec![0u8; len];
    fill(offset, &mut v);
    v
}

/// Checks that `data` equals the pattern at `offset`; returns the index within `data` of the
/// first wrong byte, or `None` if all match.
pub fn check(offset: u64, data: &[u8]) -> Option<usize> {
    data.iter()
        .enumerate()
        .find(|&(k, &b)| b != byte_at(offset + k as u64))
        .map(|(k, _)| k)
}

/// A piece of the pattern at `offset`, of at most 64 KiB, without copying.
pub(crate) fn piece(offset: u64, len: usize) -> Bytes {
    debug_assert!(len <= PIECE);
    let start = (offset % PERIOD) as usize;
    TABLE.slice(start..start + len)
}

/// Checks a pattern stream piece by piece, as it arrives.
#[derive(Debug, Clone, Default)]
pub struct Verifier {
    offset: u64,
    first_error: Option<u64>,
}

impl Verifier {
    /// A verifier expecting the pattern from offset 0.
    pub fn new() -> Self {
        Self::default()
    }

    /// A verifier expecting the pattern from `offset` (for Range and resume tests).
    pub fn at(offset: u64) -> Self {
        Self {
            offset,
            first_error: None,
        }
    }

    /// Feeds the next piece of the stream.
    pub fn update(&mut self, data: &[u8]) {
        if self.first_error.is_none()
            && let Some(k) = check(self.offset, data)
        {
            self.first_error = Some(self.offset + k as u64);
        }
        self.offset += data.len() as u64;
    }

    /// The offset just past the last byte fed so far.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Whether every byte fed so far matched.
    pub fn is_ok(&self) -> bool {
        self.first_error.is_none()
    }

    /// The absolute offset of the first wrong byte, if any.
    pub fn first_error(&self) -> Option<u64> {
        self.first_error
    }
}
