//! A local directory behind a find handle.

use std::any::Any;
use std::collections::VecDeque;
use std::path::Path;
use std::sync::Mutex;

use async_trait::async_trait;
use hinternet_core::consts::*;
use hinternet_core::{Error, FindData, HandleOps, Result, TimePrecision, Timestamp};

/// The operations of a find over a local directory: entries in name order, then
/// `ERROR_NO_MORE_FILES`.
#[derive(Debug)]
pub struct DirOps {
    entries: Mutex<VecDeque<FindData>>,
}

impl DirOps {
    /// A find over the given entries.
    pub fn new(entries: Vec<FindData>) -> DirOps {
        DirOps {
            entries: Mutex::new(entries.into()),
        }
    }
}

#[async_trait]
impl HandleOps for DirOps {
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
}

/// The find data of a local file or directory (symbolic links are followed; a dangling link is
/// described as itself).
pub fn local_find_data(name: &[u8], meta: &std::fs::Metadata) -> FindData {
    let mut fd = FindData::new(name, if meta.is_dir() { 0 } else { meta.len() });
    fd.attributes = if meta.is_dir() {
        FILE_ATTRIBUTE_DIRECTORY
    } else {
        FILE_ATTRIBUTE_NORMAL
    };
    if meta.permissions().readonly() {
        fd.attributes = (fd.attributes & !FILE_ATTRIBUTE_NORMAL) | FILE_ATTRIBUTE_READONLY;
    }
    let exact = |t: std::io::Result<std::time::SystemTime>| {
        t.ok().map(|t| Timestamp::new(t, TimePrecision::Exact))
    };
    fd.modified = exact(meta.modified());
    fd.created = exact(meta.created());
    fd.accessed = exact(meta.accessed());
    fd
}

#[cfg(unix)]
fn name_bytes(name: &std::ffi::OsStr) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    name.as_bytes().to_vec()
}

#[cfg(not(unix))]
fn name_bytes(name: &std::ffi::OsStr) -> Vec<u8> {
    name.to_string_lossy().into_owned().into_bytes()
}

/// Lists a directory, sorted by name.
pub(crate) async fn read_dir_sorted(path: &Path) -> Result<Vec<FindData>> {
    let mut rd = tokio::fs::read_dir(path).await.map_err(Error::from_io)?;
    let mut out = Vec::new();
    while let Some(entry) = rd.next_entry().await.map_err(Error::from_io)? {
        let meta = match tokio::fs::metadata(entry.path()).await {
            Ok(m) => m,
            Err(_) => match tokio::fs::symlink_metadata(entry.path()).await {
                Ok(m) => m,
                Err(_) => continue,
            },
        };
        out.push(local_find_data(&name_bytes(&entry.file_name()), &meta));
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}
