//! The rules a C shim applies to caller buffers, as pure functions.
//!
//! * [`ComponentRequest`] / [`crack_into`]: what InternetCrackUrl does with each
//!   pointer/length pair of `URL_COMPONENTS` (pointer mode, buffer mode, too small).
//! * [`output_rule`]: the length conventions of InternetCreateUrl, InternetCanonicalizeUrl and
//!   InternetCombineUrl for A and W.
//!
//! A shim for `InternetCrackUrlW` is then, in outline:
//!
//! ```
//! use hinternet_url::{Component, ComponentFill, ComponentRequest, crack_into};
//! // caller: L"http://host/p?q", lpszHostName = NULL, dwHostNameLength = 1 (pointer mode),
//! //         lpszUrlPath = buffer of 2 WCHARs (too small for "/p")
//! let url: Vec<u16> = "http://host/p?q".encode_utf16().collect();
//! let mut req = [ComponentRequest::Skip; 6]; // indexed like Component::ALL
//! req[1] = ComponentRequest::from_raw(true, 1, Component::HostName);
//! req[4] = ComponentRequest::from_raw(false, 2, Component::UrlPath);
//! let plan = crack_into(&url, 0, req).unwrap();
//! assert_eq!(plan.fill(Component::HostName), Some(&ComponentFill::Pointer { offset: Some(7), len: 4 }));
//! // W leaves the length alone on ERROR_INSUFFICIENT_BUFFER:
//! assert_eq!(plan.fill(Component::UrlPath), Some(&ComponentFill::TooSmall { report: None }));
//! assert_eq!(plan.error.as_ref().map(|e| e.code()), Some(hinternet_core::consts::ERROR_INSUFFICIENT_BUFFER));
//! ```

use std::borrow::Cow;

use hinternet_core::consts::*;
use hinternet_core::{Error, Result};

use crate::components::Component;
use crate::crack::{RawCrack, buffer_value, crack_units};
use crate::unit::{CharUnit, CodeUnit};

/// What the caller asked for one component of `URL_COMPONENTS`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ComponentRequest {
    /// Not wanted: pointer and length are left alone.
    Skip,
    /// Pointer NULL, length non-zero: return a pointer into the caller's URL and the length.
    Pointer,
    /// A caller buffer of `capacity` units (NUL included).
    Buffer {
        /// The buffer size in units, as the caller passed it in the length field.
        capacity: u32,
    },
}

impl ComponentRequest {
    /// Classifies a pointer/length pair of `URL_COMPONENTS`.
    ///
    /// NULL + 0 → skip; NULL + n → pointer mode; buffer + n → buffer mode. A buffer with
    /// length 0 is refused for the path and the extra info (native fails with
    /// `ERROR_INSUFFICIENT_BUFFER`; Wine's tests mark this todo_wine) and skipped for the other
    /// components (Wine).
    pub fn from_raw(pointer_is_null: bool, length: u32, component: Component) -> Self {
        match (pointer_is_null, length) {
            (true, 0) => ComponentRequest::Skip,
            (true, _) => ComponentRequest::Pointer,
            (false, 0) if !matches!(component, Component::UrlPath | Component::ExtraInfo) => {
                ComponentRequest::Skip
            }
            (false, capacity) => ComponentRequest::Buffer { capacity },
        }
    }
}

/// What to do with one component.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ComponentFill<T> {
    /// Leave pointer and length alone.
    Skip,
    /// Pointer mode: set the pointer to `url + offset` (NULL when `offset` is `None`: the
    /// component is absent) and the length to `len` units.
    Pointer {
        /// Offset into the caller's URL in units; `None` for NULL.
        offset: Option<usize>,
        /// Length in units (0 for an absent component).
        len: u32,
    },
    /// Buffer mode: write `units` and a NUL into the caller's buffer, set the length to `len`
    /// (units, NUL excluded).
    Copy {
        /// The text to copy, without the NUL.
        units: Vec<T>,
        /// The length to report.
        len: u32,
    },
    /// The buffer is too small: fail with `ERROR_INSUFFICIENT_BUFFER`; set the length to
    /// `report` when it is `Some` (A: units needed including the NUL), leave it when `None`
    /// (W, as Wine).
    TooSmall {
        /// The length to store, if any.
        report: Option<u32>,
    },
}

/// The outcome of the buffer-mode copy rule for a value of `value_len` units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CopyOutcome {
    /// It fits: copy it plus a NUL and report `len` (NUL excluded).
    Fits {
        /// The length to report.
        len: u32,
    },
    /// It does not fit (`capacity < value_len + 1`).
    TooSmall {
        /// A: the units needed including the NUL; W: `None` (length left unchanged).
        report: Option<u32>,
    },
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The buffer-mode rule of InternetCrackUrl for one component: a value of `value_len` units
/// needs `value_len + 1` units of buffer.
pub fn copy_rule(value_len: usize, capacity: u32, unit: CharUnit) -> CopyOutcome {
    let needed = value_len.saturating_add(1);
    if (capacity as usize) < needed {
        CopyOutcome::TooSmall {
            report: match unit {
                CharUnit::Ansi => Some(to_u32(needed)),
                CharUnit::Wide => None,
            },
        }
    } else {
        CopyOutcome::Fits {
            len: to_u32(value_len),
        }
    }
}

/// Everything InternetCrackUrl writes, computed ahead of time.
#[derive(Debug)]
pub struct CrackPlan<T> {
    /// `nScheme`, to store on success.
    pub scheme_kind: i32,
    /// `nPort`, to store on success.
    pub port: u16,
    /// Per component, in [`Component::FILL_ORDER`]; stops after the first
    /// [`ComponentFill::TooSmall`].
    pub steps: Vec<(Component, ComponentFill<T>)>,
    /// `Some(ERROR_INSUFFICIENT_BUFFER)` when a component did not fit: return FALSE with it
    /// after applying the steps (and do not store `nScheme` / `nPort`).
    pub error: Option<Error>,
}

impl<T> CrackPlan<T> {
    /// The step for one component, if it was reached.
    pub fn fill(&self, c: Component) -> Option<&ComponentFill<T>> {
        self.steps.iter().find(|(k, _)| *k == c).map(|(_, f)| f)
    }
}

fn index(c: Component) -> usize {
    Component::ALL.iter().position(|k| *k == c).unwrap_or(0)
}

/// InternetCrackUrl for a C caller: parses `url` (the caller's units; pass the slice up to
/// `dwUrlLength`, or up to the NUL when it is 0 — a NUL inside the slice ends the URL too) and
/// applies the per-component rules. `requests` is indexed like [`Component::ALL`].
///
/// Left to the shim: NULL URL or struct and (A) `dwStructSize != sizeof(URL_COMPONENTSA)` →
/// ERROR_INVALID_PARAMETER; then for each step write `url + offset` / copy `units` and a NUL /
/// store the length; on success store `nScheme` and `nPort`.
///
/// Errors (FALSE + last error): those of [`crack_units`]. A buffer that is too small is not an
/// `Err` but a plan with `error` set, because the components before it are still written.
pub fn crack_into<T: CodeUnit>(
    url: &[T],
    flags: u32,
    requests: [ComponentRequest; 6],
) -> Result<CrackPlan<T>> {
    let crack = crack_units(url)?;
    Ok(plan(url, &crack, flags, requests))
}

/// [`crack_into`] for an already parsed URL.
pub fn plan<T: CodeUnit>(
    url: &[T],
    crack: &RawCrack,
    flags: u32,
    requests: [ComponentRequest; 6],
) -> CrackPlan<T> {
    let extra_wanted = requests[index(Component::ExtraInfo)] != ComponentRequest::Skip;
    let mut steps = Vec::with_capacity(6);
    let mut error = None;
    for c in Component::FILL_ORDER {
        let fill = match requests[index(c)] {
            ComponentRequest::Skip => ComponentFill::Skip,
            ComponentRequest::Pointer => match crack.span(c, extra_wanted) {
                Some(s) => ComponentFill::Pointer {
                    offset: Some(s.offset),
                    len: to_u32(s.len),
                },
                None => ComponentFill::Pointer {
                    offset: None,
                    len: 0,
                },
            },
            ComponentRequest::Buffer { capacity } => {
                let value =
                    buffer_value(url, crack, c, extra_wanted, flags).unwrap_or(Cow::Borrowed(&[]));
                match copy_rule(value.len(), capacity, T::UNIT) {
                    CopyOutcome::Fits { len } => ComponentFill::Copy {
                        units: value.into_owned(),
                        len,
                    },
                    CopyOutcome::TooSmall { report } => {
                        error = Some(Error::insufficient_buffer(u64::from(
                            report.unwrap_or(to_u32(value.len().saturating_add(1))),
                        )));
                        ComponentFill::TooSmall { report }
                    }
                }
            }
        };
        let stop = matches!(fill, ComponentFill::TooSmall { .. });
        steps.push((c, fill));
        if stop {
            break;
        }
    }
    CrackPlan {
        scheme_kind: crack.scheme_kind,
        port: crack.port,
        steps,
        error,
    }
}

/// The URL-producing functions, for [`output_rule`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UrlOutputApi {
    /// InternetCreateUrlA/W.
    CreateUrl,
    /// InternetCanonicalizeUrlA/W.
    Canonicalize,
    /// InternetCombineUrlA/W.
    Combine,
}

/// What to do with the caller's output buffer and length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputDecision {
    /// Copy the result plus a NUL; store `len` (units, NUL excluded); return TRUE.
    Write {
        /// The length to store.
        len: u32,
    },
    /// Return FALSE with `ERROR_INSUFFICIENT_BUFFER` and store `report` in the length.
    TooSmall {
        /// The length to store (see [`output_rule`]).
        report: u32,
    },
    /// Return FALSE with `ERROR_INVALID_PARAMETER`; the length is left alone.
    InvalidParameter,
}

/// The length conventions of the URL-producing functions.
///
/// `result_len` is the result's length in the caller's unit (see [`CharUnit::len_of`]),
/// `buffer_is_null` whether the output pointer is NULL, `capacity` the caller's length value
/// (units). The result needs `result_len + 1` units.
///
/// | API | NULL buffer | too small: length becomes | success: length becomes |
/// |---|---|---|---|
/// | CreateUrlA | too small | chars needed incl. NUL | chars excl. NUL |
/// | CreateUrlW | too small | **bytes** needed incl. NUL | chars excl. NUL |
/// | CanonicalizeUrlA/W | ERROR_INVALID_PARAMETER (also for length 0) | chars needed incl. NUL | chars excl. NUL |
/// | CombineUrlA/W | too small | chars needed incl. NUL | chars excl. NUL |
pub fn output_rule(
    api: UrlOutputApi,
    unit: CharUnit,
    result_len: usize,
    buffer_is_null: bool,
    capacity: u32,
) -> OutputDecision {
    if api == UrlOutputApi::Canonicalize && (buffer_is_null || capacity == 0) {
        return OutputDecision::InvalidParameter;
    }
    let needed = result_len.saturating_add(1);
    if buffer_is_null || (capacity as usize) < needed {
        let report = match (api, unit) {
            (UrlOutputApi::CreateUrl, CharUnit::Wide) => needed.saturating_mul(2),
            _ => needed,
        };
        OutputDecision::TooSmall {
            report: to_u32(report),
        }
    } else {
        OutputDecision::Write {
            len: to_u32(result_len),
        }
    }
}

/// [`output_rule`] applied to a result: `Ok(len)` to report after copying `result` and a NUL,
/// or the error with the size to report (`Error::needed`).
pub fn check_output(
    api: UrlOutputApi,
    unit: CharUnit,
    result: &str,
    buffer_is_null: bool,
    capacity: u32,
) -> Result<u32> {
    match output_rule(api, unit, unit.len_of(result), buffer_is_null, capacity) {
        OutputDecision::Write { len } => Ok(len),
        OutputDecision::TooSmall { report } => Err(Error::insufficient_buffer(u64::from(report))),
        OutputDecision::InvalidParameter => Err(Error::new(ERROR_INVALID_PARAMETER)),
    }
}
