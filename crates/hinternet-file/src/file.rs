//! A local file behind a handle.

use std::any::Any;
use std::io::{Read, Seek, SeekFrom};
use std::sync::Mutex;
use std::task::{Context, Poll};

use async_trait::async_trait;
use hinternet_core::consts::*;
use hinternet_core::options::OptionValue;
use hinternet_core::{Error, HandleOps, NodeRef, Result};
use tokio::io::ReadBuf;

struct State {
    file: std::fs::File,
    pos: u64,
}

/// The operations of a `file:` handle: read, query data available, set file pointer.
pub struct FileOps {
    state: Mutex<State>,
    len: u64,
    url: String,
    _node: NodeRef,
}

impl FileOps {
    /// Wraps an open file of the given length, opened for `url`.
    pub fn new(file: std::fs::File, len: u64, url: String, node: NodeRef) -> FileOps {
        FileOps {
            state: Mutex::new(State { file, pos: 0 }),
            len,
            url,
            _node: node,
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl std::fmt::Debug for FileOps {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileOps").field("url", &self.url).finish()
    }
}

#[async_trait]
impl HandleOps for FileOps {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn poll_read(&self, _cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<Result<()>> {
        let mut s = self.state();
        let pos = s.pos;
        if pos >= self.len {
            return Poll::Ready(Ok(()));
        }
        let want = buf
            .remaining()
            .min(usize::try_from(self.len - pos).unwrap_or(usize::MAX));
        let dst = buf.initialize_unfilled_to(want);
        match s.file.read(dst) {
            Ok(n) => {
                buf.advance(n);
                s.pos += n as u64;
                Poll::Ready(Ok(()))
            }
            Err(e) => Poll::Ready(Err(Error::from_io(e))),
        }
    }

    async fn query_data_available(&self) -> Result<u64> {
        let pos = self.state().pos;
        Ok(self.len.saturating_sub(pos))
    }

    async fn set_file_pointer(&self, distance: i64, method: u32) -> Result<u64> {
        let mut s = self.state();
        let base: i128 = match method {
            FILE_BEGIN => 0,
            FILE_CURRENT => i128::from(s.pos),
            FILE_END => i128::from(self.len),
            _ => return Err(Error::new(ERROR_INVALID_PARAMETER)),
        };
        let target = base + i128::from(distance);
        if target < 0 {
            return Err(Error::new(ERROR_NEGATIVE_SEEK));
        }
        let target = u64::try_from(target).map_err(|_| Error::new(ERROR_INVALID_PARAMETER))?;
        s.file
            .seek(SeekFrom::Start(target))
            .map_err(Error::from_io)?;
        s.pos = target;
        Ok(target)
    }

    fn query_option(&self, option: u32) -> Option<Result<OptionValue>> {
        match option {
            INTERNET_OPTION_URL => Some(Ok(OptionValue::Str(self.url.clone()))),
            INTERNET_OPTION_REQUEST_FLAGS => Some(Ok(OptionValue::Dword(0))),
            _ => None,
        }
    }
}
