//! An HTTP(S) server as a read-only source: folders through their index pages, files by GET
//! (with `Range` to resume), sizes and times from the index or a HEAD request.

use super::super::index;
use super::super::target::Target;
use super::{Reader, Remote, RemoteEntry, SyncError};
use hinternet::{HttpConnectOptions, HttpConnection, HttpResponse, Internet, Timestamp};
use tokio::io::AsyncReadExt;

/// Index pages larger than this are refused.
const MAX_INDEX: u64 = 32 << 20;

/// An HTTP(S) folder.
#[derive(Debug)]
pub struct HttpRemote {
    target: Target,
    conn: HttpConnection,
}

fn status_error(path: &str, r: &HttpResponse) -> SyncError {
    let status = r.status();
    let msg = format!("{path}: HTTP {status} {}", r.reason());
    if status >= 500 || status == 408 || status == 429 {
        SyncError::transient(msg)
    } else {
        SyncError::fatal(msg)
    }
}

impl HttpRemote {
    /// Connects (no network until the first request).
    ///
    /// # Errors
    /// When the engine refuses the connect handle.
    pub async fn connect(inet: &Internet, target: Target) -> Result<HttpRemote, SyncError> {
        let secure = target.scheme == "https";
        let options = HttpConnectOptions {
            flags: if secure {
                hinternet::consts::INTERNET_FLAG_SECURE
            } else {
                0
            },
            user: target.user.clone(),
            password: target.password.clone(),
            context: 1,
        };
        let conn = inet
            .connect_http_with(&target.host, target.port, options)
            .await
            .map_err(|e| SyncError::from_engine(&target.display(), &e))?;
        Ok(HttpRemote { target, conn })
    }

    async fn get(&self, path: &str, range_from: u64) -> Result<HttpResponse, SyncError> {
        let mut req = self.conn.get(path).flags(
            hinternet::consts::INTERNET_FLAG_RELOAD
                | hinternet::consts::INTERNET_FLAG_NO_CACHE_WRITE,
        );
        let range;
        if range_from > 0 {
            range = format!("bytes={range_from}-");
            req = req.header("Range", &range);
        }
        req.send()
            .await
            .map_err(|e| SyncError::from_engine(path, &e))
    }
}

#[async_trait::async_trait]
impl Remote for HttpRemote {
    fn describe(&self) -> String {
        self.target.display()
    }

    async fn list(&self, dir: &str) -> Result<Vec<RemoteEntry>, SyncError> {
        let mut page = self.target.join(dir);
        if !page.ends_with('/') {
            page.push('/');
        }
        let r = self.get(&page, 0).await?;
        if r.status() != 200 {
            return Err(status_error(&page, &r));
        }
        // Redirected elsewhere (another folder, another host): not under the start URL.
        let landed = r.url();
        let host = if self.target.host.contains(':') {
            format!("[{}]", self.target.host)
        } else {
            self.target.host.clone()
        };
        let under = landed.ends_with(&page) && landed.contains(&host);
        if !landed.is_empty() && !under {
            return Err(SyncError::fatal(format!(
                "{page}: redirected outside the start URL, to {}",
                super::super::safety::redact_url(&landed)
            )));
        }
        let mut body = Vec::new();
        let mut limited = r.take(MAX_INDEX + 1);
        limited
            .read_to_end(&mut body)
            .await
            .map_err(|e| SyncError::from_io(&page, &e))?;
        if body.len() as u64 > MAX_INDEX {
            return Err(SyncError::fatal(format!("{page}: index page too large")));
        }
        let html = String::from_utf8_lossy(&body);
        Ok(index::parse(&html, &page)
            .into_iter()
            .map(|e| RemoteEntry {
                name: e.name,
                is_dir: e.is_dir,
                size: e.size,
                modified: e.modified,
            })
            .collect())
    }

    async fn stat(&self, path: &str) -> Result<(u64, Option<Timestamp>), SyncError> {
        let p = self.target.join(path);
        let r = self
            .conn
            .request("HEAD", &p)
            .send()
            .await
            .map_err(|e| SyncError::from_engine(&p, &e))?;
        if r.status() != 200 {
            return Err(status_error(&p, &r));
        }
        let size = r
            .header("Content-Length")
            .and_then(|v| v.trim().parse().ok())
            .ok_or_else(|| SyncError::fatal(format!("{p}: no Content-Length")))?;
        let t = r
            .header("Last-Modified")
            .and_then(|v| index::parse_http_date(&v));
        Ok((size, t))
    }

    async fn open_read(&self, path: &str, offset: u64) -> Result<(Reader, u64), SyncError> {
        let p = self.target.join(path);
        let r = self.get(&p, offset).await?;
        match r.status() {
            206 if offset > 0 => {
                let ok = r
                    .header("Content-Range")
                    .is_some_and(|v| v.trim().starts_with(&format!("bytes {offset}-")));
                if !ok {
                    return Err(SyncError::transient(format!(
                        "{p}: unexpected Content-Range"
                    )));
                }
                Ok((Box::pin(r), offset))
            }
            200 => Ok((Box::pin(r), 0)),
            _ => Err(status_error(&p, &r)),
        }
    }

    async fn write(
        &self,
        path: &str,
        _data: &mut Reader,
        _size: u64,
        _modified: Option<Timestamp>,
        _resume_from: u64,
    ) -> Result<u64, SyncError> {
        Err(SyncError::fatal(format!(
            "{path}: HTTP targets are read-only"
        )))
    }

    async fn delete(&self, path: &str) -> Result<(), SyncError> {
        Err(SyncError::fatal(format!(
            "{path}: HTTP targets are read-only"
        )))
    }
}
