//! The hinternet engine: the WinINet handle tree, the handle table, the operations trait every
//! protocol leaf implements, the sync/async dispatcher, status events, options and error codes.
//!
//! The core names no protocol: leaves register through [`registry`].
#![deny(missing_docs)]

pub mod consts;
pub mod error;
pub mod find;

pub use error::{Error, Result};
pub use find::{FindData, TimePrecision, Timestamp};
