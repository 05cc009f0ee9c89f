//! Walks one side into a flat, sorted listing, `checkers` folders at a time.

use super::plan::Entry;
use super::remote::{Remote, SyncError};
use super::safety;
use futures_util::StreamExt;
use std::sync::Arc;
use tokio::task::JoinSet;

/// Folders deeper than this are not walked (a guard against link loops).
pub const MAX_DEPTH: usize = 64;

/// The files of one side.
#[derive(Debug, Default)]
pub struct Listing {
    /// Files, sorted by path.
    pub files: Vec<Entry>,
    /// Names refused as unsafe: (parent folder / name as listed, reason).
    pub refused: Vec<(String, &'static str)>,
    /// Folders or files that could not be listed or examined.
    pub errors: Vec<SyncError>,
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_owned()
    } else {
        format!("{dir}/{name}")
    }
}

/// Walks `remote` from its root.
pub async fn walk(remote: Arc<dyn Remote>, checkers: usize) -> Listing {
    let checkers = checkers.max(1);
    let mut out = Listing::default();
    let mut queue: Vec<(String, usize)> = vec![(String::new(), 0)];
    let mut tasks = JoinSet::new();
    let mut unknown: Vec<Entry> = Vec::new();
    loop {
        while tasks.len() < checkers
            && let Some((dir, depth)) = queue.pop()
        {
            let r = Arc::clone(&remote);
            tasks.spawn(async move {
                let listed = r.list(&dir).await;
                (dir, depth, listed)
            });
        }
        let Some(joined) = tasks.join_next().await else {
            break;
        };
        let (dir, depth, listed) = match joined {
            Ok(v) => v,
            Err(e) => {
                out.errors
                    .push(SyncError::fatal(format!("listing task failed: {e}")));
                continue;
            }
        };
        let entries = match listed {
            Ok(e) => e,
            Err(e) => {
                out.errors.push(e);
                continue;
            }
        };
        for e in entries {
            let name = match safety::check_component(&e.name) {
                Ok(n) => n.to_owned(),
                Err(why) => {
                    let shown = join(
                        &dir,
                        &String::from_utf8_lossy(&e.name).escape_debug().to_string(),
                    );
                    out.refused.push((shown, why));
                    continue;
                }
            };
            let path = join(&dir, &name);
            if e.is_dir {
                if depth + 1 >= MAX_DEPTH {
                    out.errors
                        .push(SyncError::fatal(format!("{path}: folders nested too deep")));
                } else {
                    queue.push((path, depth + 1));
                }
            } else {
                let entry = Entry {
                    path,
                    size: e.size.unwrap_or(0),
                    modified: e.modified,
                };
                if e.size.is_some() {
                    out.files.push(entry);
                } else {
                    unknown.push(entry);
                }
            }
        }
    }
    // Sizes the listing did not give (HTTP index pages with "1.2K"): ask per file.
    let stats = futures_util::stream::iter(unknown.into_iter().map(|mut entry| {
        let r = Arc::clone(&remote);
        async move {
            match r.stat(&entry.path).await {
                Ok((size, t)) => {
                    entry.size = size;
                    if t.is_some() {
                        entry.modified = t;
                    }
                    Ok(entry)
                }
                Err(e) => Err(e),
            }
        }
    }))
    .buffer_unordered(checkers)
    .collect::<Vec<_>>()
    .await;
    for s in stats {
        match s {
            Ok(e) => out.files.push(e),
            Err(e) => out.errors.push(e),
        }
    }
    out.files
        .sort_by(|a, b| a.path.as_bytes().cmp(b.path.as_bytes()));
    out.refused.sort();
    out
}
