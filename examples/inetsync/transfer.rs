//! The executor: copies the planned files, `transfers` at a time, with retries and resume;
//! deletes extraneous files only after every transfer succeeded.

use super::plan::{Copy, Plan};
use super::progress::{FileProgress, Progress};
use super::remote::{Reader, Remote, SyncError};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, ReadBuf};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// How to execute.
#[derive(Debug, Clone, Copy, Default)]
pub struct Exec {
    /// Parallel transfers.
    pub transfers: usize,
    /// Retries per file.
    pub retries: u32,
    /// Continue known partial files.
    pub resume: bool,
    /// Delete extraneous files.
    pub delete: bool,
    /// Delete nothing if more would go.
    pub max_delete: Option<usize>,
}

/// What the executor did.
#[derive(Debug, Default)]
pub struct Done {
    /// Files copied.
    pub copied: u64,
    /// Of those, continued from a partial copy.
    pub resumed: u64,
    /// Files that failed, with the last error.
    pub failed: Vec<(String, SyncError)>,
    /// Files deleted.
    pub deleted: u64,
    /// Deletions that failed.
    pub delete_errors: Vec<SyncError>,
    /// Why deletions were skipped.
    pub delete_skipped: Option<String>,
}

/// Counts the bytes read through it.
struct Counting {
    inner: Reader,
    progress: FileProgress,
}

impl AsyncRead for Counting {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let r = self.inner.as_mut().poll_read(cx, buf);
        let n = buf.filled().len() - before;
        if n > 0 {
            self.progress.add(n as u64);
        }
        r
    }
}

async fn copy_one(
    c: &Copy,
    src: &dyn Remote,
    dst: &dyn Remote,
    exec: Exec,
    progress: &Arc<Progress>,
) -> Result<bool, SyncError> {
    let path = &c.entry.path;
    let size = c.entry.size;
    let mut fp = Some(progress.start(path, size));
    let mut attempt = 0u32;
    let result = loop {
        let offset = if exec.resume {
            dst.partial_len(path, size, c.entry.modified).await
        } else {
            0
        };
        let mut bar = fp.take().unwrap_or_else(|| progress.start(path, size));
        bar.restart(offset);
        let r = async {
            let (reader, start) = src.open_read(path, offset).await?;
            if start != offset {
                bar.restart(start);
            }
            let mut counted: Reader = Box::pin(Counting {
                inner: reader,
                progress: bar,
            });
            dst.write(path, &mut counted, size, c.entry.modified, start)
                .await
                .map(|_| start > 0)
        }
        .await;
        match r {
            Ok(resumed) => break Ok(resumed),
            Err(e) if e.retry && attempt < exec.retries => {
                attempt += 1;
                tracing::info!("{path}: {e}; retry {attempt}/{}", exec.retries);
            }
            Err(e) => break Err(e),
        }
    };
    progress.file_done();
    result
}

/// Copies the planned files, then deletes (with `exec.delete`) if nothing went wrong before
/// (`earlier_errors`: walk errors, refused names) or during the copies.
pub async fn execute(
    plan: &Plan,
    src: Arc<dyn Remote>,
    dst: Arc<dyn Remote>,
    exec: Exec,
    progress: Arc<Progress>,
    earlier_errors: usize,
) -> Done {
    let mut done = Done::default();
    let sem = Arc::new(Semaphore::new(exec.transfers.max(1)));
    let mut tasks = JoinSet::new();
    for c in plan.copies.iter().cloned() {
        let (src, dst, progress, sem) = (
            Arc::clone(&src),
            Arc::clone(&dst),
            Arc::clone(&progress),
            Arc::clone(&sem),
        );
        tasks.spawn(async move {
            let _permit = sem.acquire_owned().await;
            let r = copy_one(&c, &*src, &*dst, exec, &progress).await;
            (c.entry.path, r)
        });
    }
    while let Some(j) = tasks.join_next().await {
        match j {
            Ok((_, Ok(resumed))) => {
                done.copied += 1;
                done.resumed += u64::from(resumed);
            }
            Ok((path, Err(e))) => {
                progress.println(&format!("error: {e}"));
                done.failed.push((path, e));
            }
            Err(e) => done.failed.push((
                String::new(),
                SyncError::fatal(format!("transfer task: {e}")),
            )),
        }
    }
    done.failed.sort_by(|a, b| a.0.cmp(&b.0));
    if !exec.delete || plan.extraneous.is_empty() {
        if done.failed.is_empty() && earlier_errors == 0 {
            dst.clean_partials().await;
        }
        return done;
    }
    if !done.failed.is_empty() || earlier_errors > 0 {
        done.delete_skipped = Some(format!(
            "there were {} errors",
            done.failed.len() + earlier_errors
        ));
        return done;
    }
    if let Some(max) = exec.max_delete
        && plan.extraneous.len() > max
    {
        done.delete_skipped = Some(format!(
            "{} files would go, more than --max-delete {max}",
            plan.extraneous.len()
        ));
        return done;
    }
    for path in &plan.extraneous {
        match dst.delete(path).await {
            Ok(()) => done.deleted += 1,
            Err(e) => done.delete_errors.push(e),
        }
    }
    dst.clean_partials().await;
    done
}
