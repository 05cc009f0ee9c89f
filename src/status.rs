//! Status events for Rust closures.

use std::sync::Arc;

use hinternet_core::status::{SharedCallback, callback_fn};
use hinternet_core::{Handle, StatusEvent};

/// One status notification, as a Rust closure receives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// The handle it is about (for `HandleCreated`: the parent).
    pub handle: Handle,
    /// That handle's context value.
    pub context: usize,
    /// What happened.
    pub event: StatusEvent,
}

pub(crate) fn closure_callback<F>(f: F) -> SharedCallback
where
    F: Fn(&Notification) + Send + Sync + 'static,
{
    let f = Arc::new(f);
    callback_fn(move |handle, context, event| {
        f(&Notification {
            handle,
            context,
            event: event.clone(),
        })
    })
}
