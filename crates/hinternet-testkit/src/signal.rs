//! A one-shot, cloneable trigger.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::Notify;

/// A one-shot trigger shared between a test and a server.
///
/// Scripted peers wait on a `Signal` (for example to stall a response until the test has
/// observed a timeout or cancelled a request) and may fire one to tell the test that they
/// reached a point of the script. Firing is sticky: once fired, every current and future
/// [`wait`](Signal::wait) returns at once. Clones share the same state.
#[derive(Clone, Default)]
pub struct Signal {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    fired: AtomicBool,
    notify: Notify,
}

impl Signal {
    /// Creates a signal that has not fired.
    pub fn new() -> Self {
        Self::default()
    }

    /// Fires the signal, releasing every waiter. Callable from any thread, with or without a
    /// runtime.
    pub fn fire(&self) {
        self.inner.fired.store(true, Ordering::SeqCst);
        self.inner.notify.notify_waiters();
    }

    /// Whether the signal has fired.
    pub fn is_fired(&self) -> bool {
        self.inner.fired.load(Ordering::SeqCst)
    }

    /// Waits until the signal fires (returns at once if it already has).
    ///
    /// # Cancel safety
    /// Cancel safe: dropping the future loses nothing.
    pub async fn wait(&self) {
        loop {
            let notified = self.inner.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.is_fired() {
                return;
            }
            notified.await;
        }
    }

    /// Blocks the calling thread until the signal fires or `timeout` passes; returns whether
    /// it fired. Must not be called from inside an async task.
    pub fn wait_blocking(&self, timeout: std::time::Duration) -> bool {
        let deadline = std::time::Instant::now() + timeout;
        // Bounded polling: a blocking helper for tests of blocking clients only.
        while !self.is_fired() {
            if std::time::Instant::now() >= deadline {
                return false;
            }
            std::thread::park_timeout(std::time::Duration::from_millis(2));
        }
        true
    }
}

impl fmt::Debug for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signal")
            .field("fired", &self.is_fired())
            .finish()
    }
}
