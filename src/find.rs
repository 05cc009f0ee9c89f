//! `Find`: a listing as a `Stream` of entries.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use hinternet_core::consts::ERROR_NO_MORE_FILES;
use hinternet_core::{FindData, Handle, Result};
use sync_wrapper::SyncWrapper;

use crate::resource::Owned;

type NextFuture = Pin<Box<dyn Future<Output = Result<FindData>> + Send>>;

/// The entries of a find handle (InternetFindNextFile), as a `Stream`. Ends after the last entry;
/// dropping it closes the handle.
pub struct Find {
    owned: Owned,
    next: Option<SyncWrapper<NextFuture>>,
    done: bool,
}

impl std::fmt::Debug for Find {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Find")
            .field("handle", &self.owned.handle())
            .finish_non_exhaustive()
    }
}

impl Find {
    pub(crate) fn new(owned: Owned) -> Find {
        Find {
            owned,
            next: None,
            done: false,
        }
    }

    /// The handle value.
    pub fn handle(&self) -> Handle {
        self.owned.handle()
    }

    /// The next entry; `Ok(None)` after the last one.
    pub async fn next_entry(&mut self) -> Result<Option<FindData>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx))
            .await
            .transpose()
    }

    /// Collects the remaining entries.
    pub async fn collect_all(mut self) -> Result<Vec<FindData>> {
        let mut out = Vec::new();
        while let Some(e) = self.next_entry().await? {
            out.push(e);
        }
        Ok(out)
    }

    /// InternetCloseHandle.
    pub async fn close(self) -> Result<()> {
        self.owned.close_async().await
    }
}

impl Stream for Find {
    type Item = Result<FindData>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        if this.next.is_none() {
            let call = match this.owned.engine().enter(this.owned.handle().as_raw()) {
                Ok(c) => c,
                Err(e) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(e)));
                }
            };
            let token = call.node().cancelled().clone();
            let ops = std::sync::Arc::clone(call.ops());
            this.next = Some(SyncWrapper::new(Box::pin(async move {
                let r = hinternet_core::dispatch::cancellable(token, ops.find_next_file()).await;
                call.finish().await;
                r
            })));
        }
        let fut = this.next.as_mut().expect("set above");
        match fut.get_mut().as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(r) => {
                this.next = None;
                match r {
                    Ok(e) => Poll::Ready(Some(Ok(e))),
                    Err(e) if e.code() == ERROR_NO_MORE_FILES => {
                        this.done = true;
                        Poll::Ready(None)
                    }
                    Err(e) => {
                        this.done = true;
                        Poll::Ready(Some(Err(e)))
                    }
                }
            }
        }
    }
}
