//! The `file:` leaf: a local file as a readable, seekable WinINet handle
//! (`INTERNET_HANDLE_TYPE_FILE_REQUEST`), and a local directory as a find handle yielding
//! `WIN32_FIND_DATA`-shaped entries. The mirror tool uses it as its local side.
//!
//! Reads go straight to the file with the standard library (local files are served from the
//! page cache; no thread hop per read).
#![deny(missing_docs)]

mod dir;
mod file;

use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use hinternet_core::consts::*;
use hinternet_core::registry::{Protocol, UrlRequest};
use hinternet_core::{Call, ChildParams, Error, Handle, HandleKind, Result};

pub use dir::{DirOps, local_find_data};
pub use file::FileOps;

/// The `file:` protocol.
#[derive(Debug, Default)]
pub struct FileProtocol;

#[async_trait]
impl Protocol for FileProtocol {
    fn name(&self) -> &'static str {
        "file"
    }

    async fn open_url(&self, root: &Call, request: UrlRequest) -> Result<Handle> {
        if !request.host.is_empty() && !request.host.eq_ignore_ascii_case("localhost") {
            // A remote host in a file: URL would be a UNC share on Windows; there is none here.
            return Err(Error::new(ERROR_INTERNET_INVALID_URL)
                .with_context(format!("file: URL names host {:?}", request.host)));
        }
        let path = PathBuf::from(&request.path);
        if request.path.is_empty() {
            return Err(Error::new(ERROR_INTERNET_INVALID_URL));
        }
        let params = ChildParams {
            kind: HandleKind::FileRequest,
            context: request.context,
            flags: request.flags,
        };
        let engine = root.engine().clone();
        let meta = tokio::fs::metadata(&path)
            .await
            .map_err(|e| Error::from_io(e).with_context(format!("opening {}", path.display())))?;
        if meta.is_dir() {
            let entries = dir::read_dir_sorted(&path).await?;
            engine.create_child(root, params, |_| Arc::new(DirOps::new(entries)))
        } else {
            let file = std::fs::File::open(&path).map_err(|e| {
                Error::from_io(e).with_context(format!("opening {}", path.display()))
            })?;
            let url = request.url.clone();
            engine.create_child(root, params, move |node| {
                Arc::new(FileOps::new(file, meta.len(), url, node))
            })
        }
    }
}
