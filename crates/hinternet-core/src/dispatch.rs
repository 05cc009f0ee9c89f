//! The one place where sync and async mode split.
//!
//! Sync mode: the operation runs to completion on the calling thread (its I/O driven by the
//! engine runtime), so status callbacks arrive on that thread during the call and there is no
//! REQUEST_COMPLETE. Async mode (INTERNET_FLAG_ASYNC on the root): an operation that cannot
//! finish at once is left running as a task and the call answers `Pending` (the front door
//! returns FALSE/NULL with ERROR_IO_PENDING); when it ends, the outputs are written and
//! INTERNET_STATUS_REQUEST_COMPLETE is sent on the handle from a worker thread.
//!
//! Every operation races the handle's cancellation token: closing the handle completes a pending
//! operation with ERROR_INTERNET_OPERATION_CANCELLED.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use tokio_util::sync::{CancellationToken, WaitForCancellationFutureOwned};

use crate::consts::ERROR_INTERNET_OPERATION_CANCELLED;
use crate::engine::Call;
use crate::status::{AsyncResult, StatusEvent};
use crate::{Error, Result};

/// How an operation behaves in async mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pend {
    /// Always answers pending and completes through REQUEST_COMPLETE (HttpSendRequest,
    /// InternetOpenUrl, the FTP session functions).
    Always,
    /// Completes at once (no REQUEST_COMPLETE) when it can finish without waiting, as reads
    /// served from buffered data do; pends otherwise.
    WhenWaiting,
}

/// What a dispatched call answered.
#[derive(Debug)]
pub enum Outcome<T> {
    /// It finished during the call.
    Done(Result<T>),
    /// It is running; REQUEST_COMPLETE follows.
    Pending,
}

impl<T> Outcome<T> {
    /// The result of a finished call; `ERROR_IO_PENDING` for a pending one.
    pub fn into_result(self) -> Result<T> {
        match self {
            Outcome::Done(r) => r,
            Outcome::Pending => Err(Error::new(crate::consts::ERROR_IO_PENDING)),
        }
    }
}

/// Runs `fut` until it ends or `token` is cancelled (then: ERROR_INTERNET_OPERATION_CANCELLED).
/// The cancellation is looked at first on every poll.
pub fn cancellable<F>(token: CancellationToken, fut: F) -> Cancellable<F> {
    Cancellable {
        cancelled: token.cancelled_owned(),
        fut,
    }
}

pin_project_lite::pin_project! {
    /// The future of [`cancellable`]. A plain struct rather than an `async fn`: an async fn
    /// keeps its argument and the local it is moved into as two fields, which doubled the size
    /// of every request future it wrapped (and the bytes copied each time one is moved).
    #[must_use = "futures do nothing unless polled"]
    pub struct Cancellable<F> {
        #[pin]
        cancelled: WaitForCancellationFutureOwned,
        #[pin]
        fut: F,
    }
}

impl<T, F: Future<Output = Result<T>>> Future for Cancellable<F> {
    type Output = Result<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<T>> {
        let this = self.project();
        if this.cancelled.poll(cx).is_ready() {
            return Poll::Ready(Err(Error::new(ERROR_INTERNET_OPERATION_CANCELLED)));
        }
        this.fut.poll(cx)
    }
}

/// Runs an operation on the handle `call` holds, in the handle's session mode.
///
/// `complete` runs only for a pending operation, when it ends: it writes the caller's outputs
/// and returns the INTERNET_ASYNC_RESULT; REQUEST_COMPLETE is sent after it returns (on the
/// call's handle, with `context` when given, else the handle's own context), and the call ends
/// (a close that happened meanwhile then sends HANDLE_CLOSING, after it).
pub fn dispatch<T, F, C>(
    call: Call,
    pend: Pend,
    context: Option<usize>,
    fut: F,
    complete: C,
) -> Outcome<T>
where
    T: Send + 'static,
    F: Future<Output = Result<T>> + Send + 'static,
    C: FnOnce(Result<T>) -> AsyncResult + Send + 'static,
{
    if !call.node().session().is_async() {
        // Polled once as it is (no cancellation wait to set up: most calls that finish at
        // once never need one), then, if it must wait, raced with the handle's close.
        let r = if call.node().is_closed() {
            Err(Error::new(ERROR_INTERNET_OPERATION_CANCELLED))
        } else {
            let engine = call.engine();
            let mut fut = std::pin::pin!(fut);
            match engine.poll_once(fut.as_mut()) {
                Some(r) => r,
                None => engine.block_on(cancellable(call.node().cancelled().clone(), fut)),
            }
        };
        drop(call);
        return Outcome::Done(r);
    }
    let engine = call.engine().clone();
    let node = std::sync::Arc::clone(call.node());
    let token = node.cancelled().clone();
    let mut fut: Pin<Box<dyn Future<Output = Result<T>> + Send>> =
        Box::pin(cancellable(token, fut));
    let rt = engine.runtime();
    if pend == Pend::WhenWaiting {
        let _enter = rt.enter();
        if let Poll::Ready(r) = fut.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
            drop(call);
            return Outcome::Done(r);
        }
    }
    rt.spawn(async move {
        let r = fut.await;
        let result = complete(r);
        let event = || StatusEvent::RequestComplete(result);
        match context {
            Some(ctx) => node.notify_as(ctx, event),
            None => node.notify(event),
        }
        call.finish().await;
    });
    Outcome::Pending
}

/// The INTERNET_ASYNC_RESULT of an operation that yields nothing but success: {1, 0} or
/// {0, code}.
pub fn bool_result<T>(r: &Result<T>) -> AsyncResult {
    match r {
        Ok(_) => AsyncResult {
            result: 1,
            error: 0,
        },
        Err(e) => AsyncResult {
            result: 0,
            error: e.code(),
        },
    }
}
