//! WinINet URL semantics, pure: InternetCrackUrl, InternetCreateUrl, InternetCombineUrl and
//! InternetCanonicalizeUrl.
//!
//! The rest of hinternet and the C ABI parse URLs through this crate and nowhere else.
//!
//! * Rust face: [`crack`] → [`CrackedUrl`] (borrowed slices, byte offsets, spans in UTF-16
//!   units through [`CrackedUrl::span_in`]), [`create`] from [`UrlParts`], [`combine`],
//!   [`canonicalize`]. Errors are [`hinternet_core::Error`] with the native codes.
//! * C-shim face: [`crack_units`] / [`crack_into`] run over the caller's own units (`u8` for
//!   A, `u16` for W; see [`CodeUnit`]) and return offsets in those units plus the
//!   per-component buffer rules ([`ComponentRequest`], [`ComponentFill`], [`copy_rule`]);
//!   [`output_rule`] gives the length conventions of CreateUrl, CanonicalizeUrl and
//!   CombineUrl for A and W ([`CharUnit`]).
//!
//! Where WinINet and WHATWG disagree, WinINet wins; the differences and every choice made
//! where the sources are silent are listed in `docs/compat-url.md`.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod buffer;
mod canonicalize;
mod combine;
mod components;
mod crack;
mod create;
mod escape;
mod file_path;
mod scheme;
mod unit;

pub use buffer::{
    ComponentFill, ComponentRequest, CopyOutcome, CrackPlan, OutputDecision, UrlOutputApi,
    check_output, copy_rule, crack_into, output_rule, plan,
};
pub use canonicalize::canonicalize;
pub use combine::combine;
pub use components::{Component, Span, UrlParts};
pub use crack::{CrackedUrl, RawCrack, buffer_value, crack, crack_units};
pub use create::create;
pub use escape::percent_decode;
pub use scheme::Scheme;
pub use unit::{CharUnit, CodeUnit, until_nul};
