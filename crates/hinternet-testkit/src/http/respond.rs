//! Turns a resolved [`Reply`] into a hyper response: the "send the response headers, then
//! send the entity body in pieces" half of the request loop.

use super::routes::{BodySpec, Piece, Reply};
use super::server::RequestRecord;
use crate::pattern;
use bytes::Bytes;
use futures_util::stream;
use http::{HeaderName, HeaderValue, Response, StatusCode};
use http_body_util::{BodyExt, Empty, Full, StreamBody, combinators::BoxBody};
use hyper::body::Frame;
use std::collections::VecDeque;
use std::io;
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::io::{AsyncReadExt, AsyncSeekExt};

/// The response body type of the test server.
pub(crate) type ResBody = BoxBody<Bytes, io::Error>;

fn empty() -> ResBody {
    BodyExt::boxed(Empty::<Bytes>::new().map_err(|never| match never {}))
}

fn full(b: Bytes) -> ResBody {
    BodyExt::boxed(Full::new(b).map_err(|never| match never {}))
}

fn pattern_body(start: u64, len: u64) -> ResBody {
    let s = stream::unfold((start, start + len), |(at, end)| async move {
        if at >= end {
            return None;
        }
        let n = ((end - at) as usize).min(pattern::PIECE);
        Some((Ok(Frame::data(pattern::piece(at, n))), (at + n as u64, end)))
    });
    BodyExt::boxed(StreamBody::new(s))
}

fn file_body(path: PathBuf, start: u64, len: u64) -> ResBody {
    let s = stream::unfold(
        (None::<tokio::fs::File>, path, start, len),
        |(file, path, at, left)| async move {
            if left == 0 {
                return None;
            }
            let mut f = match file {
                Some(f) => f,
                None => {
                    let mut f = match tokio::fs::File::open(&path).await {
                        Ok(f) => f,
                        Err(e) => return Some((Err(e), (None, path, at, 0))),
                    };
                    if let Err(e) = f.seek(io::SeekFrom::Start(at)).await {
                        return Some((Err(e), (None, path, at, 0)));
                    }
                    f
                }
            };
            let mut buf = vec![0u8; (left as usize).min(64 * 1024)];
            match f.read(&mut buf).await {
                Ok(0) => Some((
                    Err(io::Error::new(io::ErrorKind::UnexpectedEof, "file shrank")),
                    (None, path, at, 0),
                )),
                Ok(n) => {
                    buf.truncate(n);
                    Some((
                        Ok(Frame::data(Bytes::from(buf))),
                        (Some(f), path, at + n as u64, left - n as u64),
                    ))
                }
                Err(e) => Some((Err(e), (None, path, at, 0))),
            }
        },
    );
    BodyExt::boxed(StreamBody::new(s))
}

/// Runs control pieces (delays, waits, fires); returns the data of a data piece, or an
/// error for `Fail`.
pub(crate) async fn run_control(p: &Piece) -> Option<io::Result<Bytes>> {
    match p {
        Piece::Delay(d) => tokio::time::sleep(*d).await,
        Piece::Wait(s) => s.wait().await,
        Piece::Fire(s) => s.fire(),
        Piece::Fail => {
            return Some(Err(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "testkit: body failed on purpose",
            )));
        }
        Piece::Data(b) => return Some(Ok(b.clone())),
        Piece::Pattern { .. } => {}
    }
    None
}

fn pieces_body(pieces: Vec<Piece>) -> ResBody {
    // Expand pattern pieces into 64 KiB data pieces lazily.
    let s = stream::unfold(VecDeque::from(pieces), |mut q| async move {
        while let Some(p) = q.pop_front() {
            if let Piece::Pattern { offset, len } = p {
                if len == 0 {
                    continue;
                }
                let n = (len as usize).min(pattern::PIECE);
                if len > n as u64 {
                    q.push_front(Piece::Pattern {
                        offset: offset + n as u64,
                        len: len - n as u64,
                    });
                }
                return Some((Ok(Frame::data(pattern::piece(offset, n))), q));
            }
            match run_control(&p).await {
                Some(Ok(b)) => return Some((Ok(Frame::data(b)), q)),
                Some(Err(e)) => return Some((Err(e), VecDeque::new())),
                None => {}
            }
        }
        None
    });
    BodyExt::boxed(StreamBody::new(s))
}

/// Parses a single `bytes=` range against a body of `len` bytes.
/// `Ok(None)`: no usable Range header (serve everything); `Err(())`: unsatisfiable.
fn parse_range(h: Option<&str>, len: u64) -> Result<Option<(u64, u64)>, ()> {
    let Some(h) = h else { return Ok(None) };
    let Some(spec) = h.trim().strip_prefix("bytes=") else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None);
    }
    let Some((a, b)) = spec.trim().split_once('-') else {
        return Ok(None);
    };
    let (a, b) = (a.trim(), b.trim());
    let (start, end) = if a.is_empty() {
        let Ok(n) = b.parse::<u64>() else {
            return Ok(None);
        };
        if n == 0 {
            return Err(());
        }
        (len.saturating_sub(n), len.saturating_sub(1))
    } else {
        let Ok(s) = a.parse::<u64>() else {
            return Ok(None);
        };
        let e = if b.is_empty() {
            len.saturating_sub(1)
        } else {
            match b.parse::<u64>() {
                Ok(e) if e >= s => e.min(len.saturating_sub(1)),
                _ => return Ok(None),
            }
        };
        (s, e)
    };
    if len == 0 || start >= len {
        return Err(());
    }
    Ok(Some((start, end)))
}

fn truncate_secs(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Builds the response for `reply` (already resolved) to `req`.
pub(crate) fn build(reply: Reply, req: &RequestRecord) -> Response<ResBody> {
    let mut status = reply.status;
    let mut extra: Vec<(String, String)> = Vec::new();
    let known_len = match &reply.body {
        BodySpec::Empty => Some(0),
        BodySpec::Fixed(b) => Some(b.len() as u64),
        BodySpec::Generated(n) => Some(*n),
        BodySpec::File { len, .. } => Some(*len),
        BodySpec::Echo => None,
        _ => None,
    };
    let mut not_modified = false;
    if let Some(lm) = reply.last_modified {
        extra.push(("Last-Modified".into(), httpdate::fmt_http_date(lm)));
        if let Some(ims) = req
            .header("if-modified-since")
            .and_then(|v| httpdate::parse_http_date(v).ok())
            && truncate_secs(lm) <= truncate_secs(ims)
            && (200..300).contains(&status)
        {
            not_modified = true;
            status = 304;
        }
    }
    let mut range = None;
    if reply.ranges
        && let Some(len) = known_len
    {
        extra.push(("Accept-Ranges".into(), "bytes".into()));
        if status == 200 && !not_modified {
            match parse_range(req.header("range"), len) {
                Ok(Some((s, e))) => {
                    status = 206;
                    extra.push(("Content-Range".into(), format!("bytes {s}-{e}/{len}")));
                    range = Some((s, e + 1 - s));
                }
                Ok(None) => {}
                Err(()) => {
                    status = 416;
                    extra.push(("Content-Range".into(), format!("bytes */{len}")));
                    range = Some((0, 0));
                }
            }
        }
    }
    let no_body = not_modified || status == 204 || status == 304 || (100..200).contains(&status);
    let body = if no_body {
        empty()
    } else {
        match reply.body {
            BodySpec::Empty => empty(),
            BodySpec::Fixed(b) => match range {
                Some((s, n)) => full(b.slice(s as usize..(s + n) as usize)),
                None => full(b),
            },
            BodySpec::Generated(len) => {
                let (s, n) = range.unwrap_or((0, len));
                pattern_body(s, n)
            }
            BodySpec::File { path, len } => {
                let (s, n) = range.unwrap_or((0, len));
                if n == 0 {
                    empty()
                } else {
                    file_body(path, s, n)
                }
            }
            BodySpec::Pieces(p) => pieces_body(p),
            BodySpec::Echo => full(echo_text(req)),
            _ => full(Bytes::from_static(b"testkit: unresolved reply\n")),
        }
    };
    let content_length = if no_body {
        None
    } else {
        match (range, known_len) {
            (Some((_, n)), _) => Some(n),
            (None, Some(n)) => Some(n),
            (None, None) => None,
        }
    };
    let mut resp = Response::new(body);
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let user_names: Vec<String> = reply
        .headers
        .iter()
        .map(|(n, _)| n.to_ascii_lowercase())
        .collect();
    let h = resp.headers_mut();
    let mut add = |n: &str, v: &str| {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(n.as_bytes()),
            HeaderValue::from_str(v),
        ) {
            h.append(n, v);
        }
    };
    let mut defaults = reply.defaults.clone();
    if let Some(n) = content_length {
        defaults.retain(|(k, _)| !k.eq_ignore_ascii_case("content-length"));
        defaults.push(("Content-Length".into(), n.to_string()));
    }
    if no_body {
        defaults.retain(|(k, _)| !k.eq_ignore_ascii_case("content-length"));
    }
    for (n, v) in defaults.iter().chain(extra.iter()) {
        if !user_names.contains(&n.to_ascii_lowercase()) {
            add(n, v);
        }
    }
    for (n, v) in &reply.headers {
        add(n, v);
    }
    resp
}

/// The echo body: request line, headers, empty line, body.
pub(crate) fn echo_text(req: &RequestRecord) -> Bytes {
    let mut out = format!("{} {} {}\r\n", req.method, req.target, req.version).into_bytes();
    for (n, v) in &req.headers {
        out.extend_from_slice(format!("{n}: {v}\r\n").as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(&req.body);
    Bytes::from(out)
}

#[cfg(test)]
mod tests {
    use super::parse_range;

    #[test]
    fn ranges() {
        assert_eq!(parse_range(Some("bytes=0-9"), 100), Ok(Some((0, 9))));
        assert_eq!(parse_range(Some("bytes=90-"), 100), Ok(Some((90, 99))));
        assert_eq!(parse_range(Some("bytes=-10"), 100), Ok(Some((90, 99))));
        assert_eq!(parse_range(Some("bytes=50-500"), 100), Ok(Some((50, 99))));
        assert_eq!(parse_range(Some("bytes=100-"), 100), Err(()));
        assert_eq!(parse_range(Some("bytes=0-1,5-6"), 100), Ok(None));
        assert_eq!(parse_range(None, 100), Ok(None));
    }
}
