//! An FTP(S) server as one side of a sync, through hinternet's `FtpSession`.
//!
//! A small pool of logged-in sessions (one transfer per session, as in WinINet): listings
//! come from the listing API (MLSD when the server offers it, LIST otherwise, as `FindData`
//! with the time's precision); downloads use `open_read_at` (REST to resume); uploads go to a
//! temporary name, are checked with SIZE and renamed into place, and get their time with
//! MFMT where the server has it.

use super::super::target::Target;
use super::{Reader, Remote, RemoteEntry, SyncError};
use hinternet::{FtpSession, Internet, Timestamp};
use std::collections::HashSet;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt, ReadBuf};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Prefix of upload temporaries.
const UPLOAD_PREFIX: &str = ".inetsync-partial.";

#[derive(Debug)]
struct Pool {
    inet: Internet,
    target: Target,
    idle: Mutex<Vec<FtpSession>>,
    slots: Arc<Semaphore>,
}

/// A session borrowed from the pool; given back when dropped unless it failed.
struct Lease {
    pool: Arc<Pool>,
    session: Option<FtpSession>,
    broken: bool,
    _permit: OwnedSemaphorePermit,
}

impl Lease {
    fn session(&self) -> &FtpSession {
        self.session.as_ref().expect("present until dropped")
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Some(s) = self.session.take()
            && !self.broken
            && let Ok(mut idle) = self.pool.idle.lock()
        {
            idle.push(s);
        }
    }
}

impl Pool {
    async fn connect(&self) -> Result<FtpSession, SyncError> {
        let t = &self.target;
        // ftps:// is implicit FTPS (port 990), as with curl and lftp, unless --explicit-tls.
        let tls = t.scheme == "ftps";
        let implicit = tls && !t.explicit_tls;
        let port = match (t.port, implicit) {
            (0, true) => 990,
            (0, false) => 21,
            (p, _) => p,
        };
        let mut c = self
            .inet
            .ftp(&t.host)
            .port(port)
            .secure(tls && !implicit)
            .implicit_tls(implicit);
        if let Some(u) = &t.user {
            c = c.login(u, t.password.as_deref().unwrap_or(""));
        }
        c.connect()
            .await
            .map_err(|e| SyncError::from_engine(&t.display(), &e))
    }

    async fn lease(self: &Arc<Self>) -> Result<Lease, SyncError> {
        let permit = Arc::clone(&self.slots)
            .acquire_owned()
            .await
            .map_err(|_| SyncError::fatal("session pool closed"))?;
        let idle = self.idle.lock().ok().and_then(|mut v| v.pop());
        let session = match idle {
            Some(s) => s,
            None => self.connect().await?,
        };
        Ok(Lease {
            pool: Arc::clone(self),
            session: Some(session),
            broken: false,
            _permit: permit,
        })
    }
}

/// An FTP folder.
#[derive(Debug)]
pub struct FtpRemote {
    pool: Arc<Pool>,
    /// The folder, decoded, ending in '/'.
    root: String,
    mfmt: bool,
    writable: bool,
    made_dirs: Mutex<HashSet<String>>,
}

/// A download holding its session until it is dropped; then the file handle is closed
/// (which frees the session's transfer slot) before the session goes back to the pool.
struct LeasedReader {
    inner: Option<hinternet::Resource>,
    lease: Option<Lease>,
}

impl AsyncRead for LeasedReader {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let Some(inner) = self.inner.as_mut() else {
            return Poll::Ready(Ok(()));
        };
        let r = Pin::new(inner).poll_read(cx, buf);
        if let Poll::Ready(Err(_)) = &r
            && let Some(l) = self.lease.as_mut()
        {
            l.broken = true;
        }
        r
    }
}

impl Drop for LeasedReader {
    fn drop(&mut self) {
        let (Some(inner), Some(mut lease)) = (self.inner.take(), self.lease.take()) else {
            return;
        };
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => {
                rt.spawn(async move {
                    if inner.close().await.is_err() {
                        lease.broken = true;
                    }
                    drop(lease);
                });
            }
            Err(_) => lease.broken = true,
        }
    }
}

/// Runs a session call again while the session's previous transfer is still being closed in
/// the background (a dropped listing closes its handle asynchronously); bounded.
async fn settle<T, Fut>(mut f: impl FnMut() -> Fut) -> hinternet::Result<T>
where
    Fut: std::future::Future<Output = hinternet::Result<T>>,
{
    let mut tries = 0u32;
    loop {
        match f().await {
            Err(e)
                if e.code() == hinternet::consts::ERROR_FTP_TRANSFER_IN_PROGRESS && tries < 500 =>
            {
                tries += 1;
                if tries < 50 {
                    tokio::task::yield_now().await;
                } else {
                    tokio::time::sleep(std::time::Duration::from_millis(1)).await;
                }
            }
            r => {
                if tries > 0 {
                    tracing::debug!("session busy: {tries} retries");
                }
                return r;
            }
        }
    }
}

fn mfmt_time(t: Timestamp) -> Option<String> {
    let secs = t.time.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    Some(format!(
        "{y:04}{m:02}{d:02}{:02}{:02}{:02}",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    ))
}

impl FtpRemote {
    /// Logs in once (so that an unreachable server is reported at once) and keeps the session
    /// for the pool of at most `sessions`.
    ///
    /// # Errors
    /// Connect and login failures (`connect` set).
    pub async fn connect(
        inet: &Internet,
        target: Target,
        sessions: usize,
        writable: bool,
    ) -> Result<FtpRemote, SyncError> {
        let root = String::from_utf8_lossy(&super::super::target::percent_decode(&target.path))
            .into_owned();
        let pool = Arc::new(Pool {
            inet: inet.clone(),
            target,
            idle: Mutex::new(Vec::new()),
            slots: Arc::new(Semaphore::new(sessions.max(1))),
        });
        let lease = pool.lease().await?;
        let mfmt = if writable {
            match settle(|| lease.session().command("FEAT")).await {
                Ok(text) => text.lines().any(|l| l.trim().eq_ignore_ascii_case("MFMT")),
                Err(_) => false,
            }
        } else {
            false
        };
        drop(lease);
        Ok(FtpRemote {
            pool,
            root,
            mfmt,
            writable,
            made_dirs: Mutex::new(HashSet::new()),
        })
    }

    fn abs(&self, rel: &str) -> String {
        format!("{}{rel}", self.root)
    }

    /// Creates the folders above `rel` (and the target folder itself) once per run.
    async fn make_parents(&self, lease: &Lease, rel: &str) {
        let full = self.abs(rel);
        let mut dir = String::new();
        let parts: Vec<&str> = full.split('/').collect();
        for part in &parts[..parts.len().saturating_sub(1)] {
            dir.push_str(part);
            dir.push('/');
            if dir == "/" || part.is_empty() {
                continue;
            }
            let known = self
                .made_dirs
                .lock()
                .map(|d| d.contains(&dir))
                .unwrap_or(false);
            if !known {
                // Fails harmlessly when it exists.
                let d = dir.trim_end_matches('/');
                let _ = settle(|| lease.session().mkdir(d)).await;
                if let Ok(mut d) = self.made_dirs.lock() {
                    d.insert(dir.clone());
                }
            }
        }
    }
}

#[async_trait::async_trait]
impl Remote for FtpRemote {
    fn describe(&self) -> String {
        self.pool.target.display()
    }

    async fn list(&self, dir: &str) -> Result<Vec<RemoteEntry>, SyncError> {
        let mut lease = self.pool.lease().await?;
        let path = self.abs(dir);
        let shown = format!("{}{dir}", self.pool.target.display());
        let listed = match settle(|| lease.session().list(Some(&path))).await {
            Ok(l) => l.collect_all().await,
            Err(e) => Err(e),
        };
        let all = match listed {
            Ok(all) => all,
            Err(e) if e.code() == hinternet::consts::ERROR_INTERNET_EXTENDED_ERROR => {
                // The session is fine; the folder is missing. A push target may not exist yet.
                if self.writable && dir.is_empty() {
                    return Ok(Vec::new());
                }
                return Err(SyncError::from_engine(&shown, &e));
            }
            Err(e) => {
                lease.broken = true;
                return Err(SyncError::from_engine(&shown, &e));
            }
        };
        // A listed folder is not proof that it exists: vsftpd lists a missing one as empty.
        if !all.is_empty()
            && let Ok(mut d) = self.made_dirs.lock()
        {
            let mut p = path.clone();
            if !p.ends_with('/') {
                p.push('/');
            }
            d.insert(p);
        }
        Ok(all
            .into_iter()
            .filter(|f| f.name != b"." && f.name != b".." && f.link_target.is_none())
            .filter(|f| !f.name.starts_with(UPLOAD_PREFIX.as_bytes()))
            .map(|f| RemoteEntry {
                is_dir: f.is_dir(),
                size: (!f.is_dir()).then_some(f.size),
                modified: f.modified,
                name: f.name,
            })
            .collect())
    }

    async fn stat(&self, path: &str) -> Result<(u64, Option<Timestamp>), SyncError> {
        let mut lease = self.pool.lease().await?;
        let abs = self.abs(path);
        let size = settle(|| lease.session().size(&abs)).await.map_err(|e| {
            lease.broken = e.code() != hinternet::consts::ERROR_INTERNET_EXTENDED_ERROR;
            SyncError::from_engine(path, &e)
        })?;
        let t = lease.session().modified(&abs).await.ok();
        Ok((size, t))
    }

    async fn open_read(&self, path: &str, offset: u64) -> Result<(Reader, u64), SyncError> {
        let mut lease = self.pool.lease().await?;
        let abs = self.abs(path);
        match settle(|| lease.session().open_read_at(&abs, offset)).await {
            Ok(inner) => Ok((
                Box::pin(LeasedReader {
                    inner: Some(inner),
                    lease: Some(lease),
                }),
                offset,
            )),
            Err(e) => {
                lease.broken = e.code() != hinternet::consts::ERROR_INTERNET_EXTENDED_ERROR;
                Err(SyncError::from_engine(path, &e))
            }
        }
    }

    async fn write(
        &self,
        path: &str,
        data: &mut Reader,
        size: u64,
        modified: Option<Timestamp>,
        _resume_from: u64,
    ) -> Result<u64, SyncError> {
        let mut lease = self.pool.lease().await?;
        self.make_parents(&lease, path).await;
        let (dir, name) = match path.rsplit_once('/') {
            Some((d, n)) => (format!("{d}/"), n),
            None => (String::new(), path),
        };
        let temp = self.abs(&format!("{dir}{UPLOAD_PREFIX}{name}"));
        let fin = self.abs(path);
        let engine_err = |lease: &mut Lease, e: hinternet::Error| {
            lease.broken = e.code() != hinternet::consts::ERROR_INTERNET_EXTENDED_ERROR;
            SyncError::from_engine(path, &e)
        };
        let mut up = match settle(|| lease.session().open_write(&temp)).await {
            Ok(u) => u,
            Err(e) => return Err(engine_err(&mut lease, e)),
        };
        let mut buf = vec![0u8; (size.clamp(4096, 256 * 1024)) as usize];
        let mut sent = 0u64;
        loop {
            let n = match data.read(&mut buf).await {
                Ok(n) => n,
                Err(e) => {
                    lease.broken = true;
                    return Err(SyncError::from_io(path, &e));
                }
            };
            if n == 0 {
                break;
            }
            if let Err(e) = up.write_all(&buf[..n]).await {
                lease.broken = true;
                return Err(SyncError::from_io(path, &e));
            }
            sent += n as u64;
        }
        if let Err(e) = up.finish().await {
            return Err(engine_err(&mut lease, e));
        }
        let stored = match settle(|| lease.session().size(&temp)).await {
            Ok(n) => n,
            Err(e) => return Err(engine_err(&mut lease, e)),
        };
        if stored != size || sent != size {
            let _ = lease.session().delete(&temp).await;
            return Err(SyncError::transient(format!(
                "{path}: server has {stored} of {size} bytes after the upload"
            )));
        }
        if let Err(e) = settle(|| lease.session().rename(&temp, &fin)).await {
            // Some servers refuse to rename over an existing file.
            let _ = lease.session().delete(&fin).await;
            if lease.session().rename(&temp, &fin).await.is_err() {
                return Err(engine_err(&mut lease, e));
            }
        }
        if self.mfmt
            && let Some(t) = modified.and_then(mfmt_time)
        {
            let _ = lease.session().command(&format!("MFMT {t} {fin}")).await;
        }
        Ok(size)
    }

    async fn delete(&self, path: &str) -> Result<(), SyncError> {
        let mut lease = self.pool.lease().await?;
        let abs = self.abs(path);
        match settle(|| lease.session().delete(&abs)).await {
            Ok(()) => Ok(()),
            Err(e) => {
                lease.broken = e.code() != hinternet::consts::ERROR_INTERNET_EXTENDED_ERROR;
                Err(SyncError::from_engine(path, &e))
            }
        }
    }

    fn keeps_times(&self) -> bool {
        self.mfmt
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn mfmt_times_are_utc_calendar_times() {
        let t = Timestamp::new(
            UNIX_EPOCH + Duration::from_secs(1_795_319_820 + 5),
            hinternet::TimePrecision::Second,
        );
        assert_eq!(mfmt_time(t).unwrap(), "20261122035705");
    }
}
