//! The FTP_FIND handle: a listing read whole by FtpFindFirstFile, stepped through by
//! InternetFindNextFile. It holds the session's transfer slot until it is closed, as native
//! WinINet does (other FTP calls on the session fail with ERROR_FTP_TRANSFER_IN_PROGRESS).

use std::any::Any;
use std::collections::VecDeque;
use std::sync::Mutex;

use async_trait::async_trait;
use hinternet_core::consts::ERROR_NO_MORE_FILES;
use hinternet_core::{Error, FindData, HandleOps, Result};

use crate::reuse::SessionEnd;
use crate::session::TransferSlot;

/// The operations of an FTP_FIND handle.
#[derive(Debug)]
pub struct FtpFindOps {
    entries: Mutex<VecDeque<FindData>>,
    slot: Mutex<Option<TransferSlot>>,
    unparsed: usize,
    flagged: usize,
    end: Mutex<SessionEnd>,
}

impl FtpFindOps {
    pub(crate) fn new(
        entries: VecDeque<FindData>,
        slot: TransferSlot,
        unparsed: usize,
        flagged: usize,
    ) -> Self {
        FtpFindOps {
            entries: Mutex::new(entries),
            slot: Mutex::new(Some(slot)),
            unparsed,
            flagged,
            end: Mutex::new(SessionEnd::Keep),
        }
    }

    /// What closing the handle does with its session (a handle InternetOpenUrl made: QUIT,
    /// or back to the root's cache).
    pub(crate) fn end_with(&self, end: SessionEnd) {
        *self.end.lock().unwrap_or_else(|p| p.into_inner()) = end;
    }

    /// Listing lines that could not be parsed (skipped, never fatal).
    pub fn unparsed_lines(&self) -> usize {
        self.unparsed
    }

    /// Entries whose names are unsafe as local file names (`/`, `\`, NUL, drive prefix).
    pub fn flagged_entries(&self) -> usize {
        self.flagged
    }
}

#[async_trait]
impl HandleOps for FtpFindOps {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn find_next_file(&self) -> Result<FindData> {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .pop_front()
            .ok_or_else(|| Error::new(ERROR_NO_MORE_FILES))
    }

    async fn close(&self) {
        let slot = self.slot.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(slot) = slot {
            let session = std::sync::Arc::clone(slot.session());
            drop(slot);
            let end = std::mem::replace(
                &mut *self.end.lock().unwrap_or_else(|p| p.into_inner()),
                SessionEnd::Keep,
            );
            end.run(&session).await;
        }
    }
}
