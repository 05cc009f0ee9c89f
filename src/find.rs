//! `Find`: a listing as a `Stream` of entries.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use hinternet_core::consts::ERROR_NO_MORE_FILES;
use hinternet_core::{FindData, Handle, Result};

use crate::resource::Owned;

/// The entries of a find handle (InternetFindNextFile), as a `Stream`. Ends after the last entry;
/// dropping it closes the handle.
pub struct Find {
    owned: Owned,
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
        Find { owned, done: false }
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

    fn poll_next(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        // A find handle holds its entries: the next one never waits.
        let next = this
            .owned
            .engine()
            .enter(this.owned.handle().as_raw())
            .and_then(|call| call.ops().find_next_file());
        match next {
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
