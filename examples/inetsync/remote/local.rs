//! A local folder as one side of a sync.
//!
//! Downloads go to `.inetsync-partial.<size>.<mtime>.<name>` in the target folder and are
//! renamed into place only once their size checks out; the size and time in the temporary
//! name say which source file a partial copy belongs to, so `--resume` continues only files
//! known to be partial copies of the current source.

use super::super::safety;
use super::{Reader, Remote, RemoteEntry, SyncError};
use hinternet::{TimePrecision, Timestamp};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::UNIX_EPOCH;
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

/// The prefix of temporary files.
pub const PARTIAL_PREFIX: &str = ".inetsync-partial.";

/// A local folder.
#[derive(Debug)]
pub struct LocalDir {
    root: PathBuf,
    partials: Mutex<Vec<PathBuf>>,
    /// Folders known to exist (made or seen by this run): no mkdir per file.
    made: Mutex<std::collections::HashSet<PathBuf>>,
}

impl LocalDir {
    /// The folder at `root` (it need not exist yet).
    pub fn new(root: impl Into<PathBuf>) -> LocalDir {
        LocalDir {
            root: root.into(),
            partials: Mutex::new(Vec::new()),
            made: Mutex::new(std::collections::HashSet::new()),
        }
    }

    /// The folder `dir` if this run has not made or seen it yet.
    fn unmade(&self, dir: &Path) -> Option<PathBuf> {
        let made = self.made.lock().unwrap_or_else(|p| p.into_inner());
        (!made.contains(dir)).then(|| dir.to_path_buf())
    }

    fn mark_made(&self, dir: PathBuf) {
        self.made
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(dir);
    }

    fn path(&self, rel: &str) -> Result<PathBuf, SyncError> {
        if rel.is_empty() {
            return Ok(self.root.clone());
        }
        safety::local_path(&self.root, rel)
            .ok_or_else(|| SyncError::fatal(format!("{rel}: refused (unsafe path)")))
    }

    fn partial_path(target: &Path, size: u64, modified: Option<Timestamp>) -> Option<PathBuf> {
        let name = target.file_name()?.to_str()?;
        let time = match modified {
            Some(t) => match t.time.duration_since(UNIX_EPOCH) {
                Ok(d) => format!("{}", d.as_secs()),
                Err(_) => "x".to_owned(),
            },
            None => "x".to_owned(),
        };
        Some(target.with_file_name(format!("{PARTIAL_PREFIX}{size}.{time}.{name}")))
    }
}

type Listed = (Vec<RemoteEntry>, Vec<PathBuf>);

fn list_dir(path: &Path, top: bool) -> Result<Listed, SyncError> {
    let shown = path.display().to_string();
    let rd = match std::fs::read_dir(path) {
        Ok(rd) => rd,
        // A destination that does not exist yet is empty.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && top => {
            return Ok((Vec::new(), Vec::new()));
        }
        Err(e) => return Err(SyncError::from_io(&shown, &e)),
    };
    let mut out = Vec::new();
    let mut partials = Vec::new();
    for e in rd {
        let e = e.map_err(|e| SyncError::from_io(&shown, &e))?;
        let bytes = e.file_name().as_encoded_bytes().to_vec();
        if bytes.starts_with(PARTIAL_PREFIX.as_bytes()) {
            partials.push(e.path());
            continue;
        }
        // Symbolic links are not followed (nor copied).
        let Ok(md) = std::fs::symlink_metadata(e.path()) else {
            continue;
        };
        if md.file_type().is_symlink() {
            continue;
        }
        let modified = md
            .modified()
            .ok()
            .map(|t| Timestamp::new(t, TimePrecision::Exact));
        out.push(RemoteEntry {
            name: bytes,
            is_dir: md.is_dir(),
            size: (!md.is_dir()).then_some(md.len()),
            modified,
        });
    }
    Ok((out, partials))
}

/// Writes a small file held in memory: temporary file, time, rename.
fn write_small(
    temp: &Path,
    target: &Path,
    data: &[u8],
    modified: Option<Timestamp>,
) -> std::io::Result<()> {
    use std::io::Write;
    let mut f = std::fs::File::create(temp)?;
    f.write_all(data)?;
    if let Some(t) = modified {
        let _ = f.set_modified(t.time);
    }
    drop(f);
    std::fs::rename(temp, target)
}

/// Files up to this size are read into memory and written in one go.
const SMALL: u64 = 1 << 20;

/// Files up to this size are written on the runtime's thread, without a trip to the blocking
/// pool: creating, writing and renaming a file this small in the page cache takes a few
/// microseconds, less than the hand-over to a pool thread and back, which was a third of
/// the tool's CPU time in a pull of 2,000 small files (docs/performance.md, Mirror).
const INLINE: u64 = 64 * 1024;

async fn io<T>(what: &str, r: std::io::Result<T>) -> Result<T, SyncError> {
    r.map_err(|e| SyncError::from_io(what, &e))
}

#[async_trait::async_trait]
impl Remote for LocalDir {
    fn describe(&self) -> String {
        self.root.display().to_string()
    }

    async fn list(&self, dir: &str) -> Result<Vec<RemoteEntry>, SyncError> {
        let path = self.path(dir)?;
        let top = dir.is_empty();
        // One trip to the blocking pool per folder, not one per entry.
        let listed = tokio::task::spawn_blocking(move || list_dir(&path, top))
            .await
            .map_err(|e| SyncError::fatal(format!("listing task: {e}")))?;
        let (entries, partials) = listed?;
        if let Ok(mut p) = self.partials.lock() {
            p.extend(partials);
        }
        Ok(entries)
    }

    async fn stat(&self, path: &str) -> Result<(u64, Option<Timestamp>), SyncError> {
        let p = self.path(path)?;
        let md = io(path, tokio::fs::metadata(&p).await).await?;
        let t = md
            .modified()
            .ok()
            .map(|t| Timestamp::new(t, TimePrecision::Exact));
        Ok((md.len(), t))
    }

    async fn open_read(&self, path: &str, offset: u64) -> Result<(Reader, u64), SyncError> {
        let p = self.path(path)?;
        let mut f = io(path, tokio::fs::File::open(&p).await).await?;
        if offset > 0 {
            io(path, f.seek(std::io::SeekFrom::Start(offset)).await).await?;
        }
        Ok((Box::pin(f), offset))
    }

    async fn write(
        &self,
        path: &str,
        data: &mut Reader,
        size: u64,
        modified: Option<Timestamp>,
        resume_from: u64,
    ) -> Result<u64, SyncError> {
        let target = self.path(path)?;
        let unmade = target.parent().and_then(|p| self.unmade(p));
        let small = resume_from == 0 && size <= SMALL;
        if let Some(parent) = unmade.as_ref().filter(|_| !small) {
            io(path, tokio::fs::create_dir_all(parent).await).await?;
            self.mark_made(parent.clone());
        }
        let temp = Self::partial_path(&target, size, modified)
            .ok_or_else(|| SyncError::fatal(format!("{path}: not a usable file name")))?;
        if small {
            let mut buf = Vec::with_capacity(size as usize + 1);
            // At most one byte more than expected, to notice a longer file.
            if let Err(e) = (&mut *data).take(size + 1).read_to_end(&mut buf).await {
                return Err(SyncError::from_io(path, &e));
            }
            if buf.len() as u64 != size {
                return Err(SyncError::transient(format!(
                    "{path}: got {} bytes, the listing said {size}",
                    buf.len()
                )));
            }
            // The folder (first time only), the file, its time, the rename: in one trip to the
            // blocking pool, or right here for a tiny file (see INLINE).
            let write = move |dir: Option<PathBuf>, t: PathBuf, dest: PathBuf, buf: Vec<u8>| {
                if let Some(d) = &dir {
                    std::fs::create_dir_all(d)?;
                }
                write_small(&t, &dest, &buf, modified)
            };
            let r = if size <= INLINE {
                write(unmade.clone(), temp, target, buf)
            } else {
                let dir = unmade.clone();
                tokio::task::spawn_blocking(move || write(dir, temp, target, buf))
                    .await
                    .map_err(|e| SyncError::fatal(format!("{path}: write task: {e}")))?
            };
            io(path, r).await?;
            if let Some(d) = unmade {
                self.mark_made(d);
            }
            return Ok(size);
        }
        let mut file = if resume_from > 0 {
            let f = io(
                path,
                tokio::fs::OpenOptions::new().append(true).open(&temp).await,
            )
            .await?;
            let len = io(path, f.metadata().await).await?.len();
            if len != resume_from {
                return Err(SyncError::transient(format!(
                    "{path}: partial copy changed under us"
                )));
            }
            f
        } else {
            io(path, tokio::fs::File::create(&temp).await).await?
        };
        let mut written = resume_from;
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            let n = match data.read(&mut buf).await {
                Ok(n) => n,
                Err(e) => {
                    let _ = file.flush().await;
                    return Err(SyncError::from_io(path, &e));
                }
            };
            if n == 0 {
                break;
            }
            written += n as u64;
            if written > size {
                drop(file);
                let _ = tokio::fs::remove_file(&temp).await;
                return Err(SyncError::transient(format!(
                    "{path}: more data than the listed size {size}"
                )));
            }
            io(path, file.write_all(&buf[..n]).await).await?;
        }
        io(path, file.flush().await).await?;
        if written != size {
            return Err(SyncError::transient(format!(
                "{path}: got {written} of {size} bytes"
            )));
        }
        let std_file = file.into_std().await;
        if let Some(t) = modified {
            let _ = std_file.set_modified(t.time);
        }
        drop(std_file);
        io(path, tokio::fs::rename(&temp, &target).await).await?;
        Ok(written)
    }

    async fn partial_len(&self, path: &str, size: u64, modified: Option<Timestamp>) -> u64 {
        if modified.is_none() {
            return 0;
        }
        let Ok(target) = self.path(path) else {
            return 0;
        };
        let Some(temp) = Self::partial_path(&target, size, modified) else {
            return 0;
        };
        match tokio::fs::metadata(&temp).await {
            Ok(md) if md.is_file() && md.len() < size => md.len(),
            _ => 0,
        }
    }

    async fn clean_partials(&self) {
        let list = match self.partials.lock() {
            Ok(mut p) => std::mem::take(&mut *p),
            Err(_) => return,
        };
        for p in list {
            let _ = tokio::fs::remove_file(&p).await;
        }
    }

    async fn delete(&self, path: &str) -> Result<(), SyncError> {
        let p = self.path(path)?;
        io(path, tokio::fs::remove_file(&p).await).await
    }

    fn keeps_times(&self) -> bool {
        true
    }
}
