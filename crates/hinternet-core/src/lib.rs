//! The hinternet engine: the WinINet handle tree, the handle table, the operations trait every
//! protocol leaf implements, the sync/async dispatcher, status events, options and error codes.
//!
//! The core names no protocol: leaves register through [`registry`].
//!
//! ```text
//!  front doors:   Rust API (async / blocking)        C ABI (wininet.h)
//!                        \                             /
//!                         `---- calls / Engine -------'
//!                                    |
//!        handle table (value -> Node) | dispatcher (sync: block_on; async: task + REQUEST_COMPLETE)
//!                                    |
//!                  Node { kind, parent, children, context, options, callback, count, ops }
//!                                    |
//!                     Arc<dyn HandleOps>  (file:, http, ftp leaves)
//! ```
#![deny(missing_docs)]

pub mod calls;
pub mod consts;
pub mod dispatch;
mod engine;
pub mod error;
pub mod find;
mod handle;
mod node;
pub mod ops;
pub mod options;
pub mod registry;
pub mod status;
mod table;
pub mod trust;

pub use dispatch::{Outcome, Pend};
pub use engine::{Call, ChildParams, Engine, OpenParams, on_caller_thread};
pub use error::{Error, Result};
pub use find::{FindData, TimePrecision, Timestamp};
pub use handle::{Handle, HandleKind};
pub use node::{Node, NodeRef, Session};
pub use ops::HandleOps;
pub use options::{OptionInput, OptionValue, Options};
pub use status::{AsyncResult, StatusCallback, StatusEvent};
pub use table::Table;
