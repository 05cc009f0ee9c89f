//! The HTTP(S) leaf (in progress).
