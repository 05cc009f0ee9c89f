//! The response body of a request handle: reads copy out of the current `Bytes` frame (no
//! allocation per read), a per-read idle timeout (INTERNET_OPTION_RECEIVE_TIMEOUT), and the
//! connection goes back to the pool only once the body has been read to its end.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Buf, Bytes};
use hinternet_core::consts::*;
use hinternet_core::{Error, NodeRef, Result, StatusEvent};
use http_body::Body;
use hyper::body::Incoming;
use tokio::io::{AsyncRead, ReadBuf};
use tokio::time::{Instant, Sleep};

use crate::pool::{Conn, Pool};

/// Where a finished body's connection goes.
pub(crate) struct Return {
    pub conn: Conn,
    /// False when the response said the connection closes (`Connection: close`, HTTP/1.0).
    pub reusable: bool,
}

/// The body being read.
#[derive(Default)]
pub(crate) struct BodyState {
    body: Option<Incoming>,
    current: Bytes,
    done: bool,
    ret: Option<Return>,
    timeout: Option<Duration>,
    timer: Option<Pin<Box<Sleep>>>,
    armed: bool,
    /// Bytes handed to the caller so far.
    pub pos: u64,
    /// Set when the connection closed at the end (CLOSING/CLOSED to send after unlocking).
    closed_now: bool,
    /// A failure is sticky: every later read reports it again (never a clean end).
    failed: Option<u32>,
    /// Content decoding (INTERNET_OPTION_HTTP_DECODING): the decoded body, read through
    /// `scratch` into `current`.
    decoder: Option<Pin<Box<dyn AsyncRead + Send>>>,
    scratch: Vec<u8>,
    /// Async sessions announce waits: RECEIVING_RESPONSE when a read must wait, then
    /// RESPONSE_RECEIVED with the byte count when data comes (C.25).
    announce: bool,
    waited: bool,
    note_waiting: bool,
    note_received: Option<u32>,
}

/// Notifications a body read produced, to be sent once the caller's locks are released.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Notes {
    /// A read started waiting (RECEIVING_RESPONSE).
    pub waiting: bool,
    /// Data came after a wait (RESPONSE_RECEIVED).
    pub received: Option<u32>,
    /// The connection closed at the end of the body (CLOSING / CLOSED).
    pub closed: bool,
}

/// A content coding the leaf decodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Coding {
    Gzip,
    Deflate,
    Brotli,
}

impl Coding {
    /// The coding a Content-Encoding value names, if decodable.
    pub fn of(value: &str) -> Option<Coding> {
        match value.trim().to_ascii_lowercase().as_str() {
            "gzip" | "x-gzip" => Some(Coding::Gzip),
            "deflate" => Some(Coding::Deflate),
            "br" => Some(Coding::Brotli),
            _ => None,
        }
    }
}

fn decode_error(e: std::io::Error) -> Error {
    match e.get_ref().and_then(|i| i.downcast_ref::<Error>()) {
        Some(inner) => Error::new(inner.code()),
        None => Error::new(ERROR_INTERNET_DECODING_FAILED).with_source(e),
    }
}

impl BodyState {
    /// A body to read from `body`, whose connection returns through `ret`.
    pub fn new(body: Incoming, ret: Option<Return>, timeout: Option<Duration>) -> BodyState {
        let done = body.is_end_stream();
        let mut s = BodyState {
            body: Some(body),
            timeout,
            ..BodyState::default()
        };
        s.ret = ret;
        if done {
            s.finish();
        }
        s
    }

    /// A body decoded from `coding` as it is read.
    pub fn decoded(
        body: Incoming,
        coding: Coding,
        ret: Option<Return>,
        timeout: Option<Duration>,
    ) -> BodyState {
        use async_compression::tokio::bufread::{BrotliDecoder, GzipDecoder, ZlibDecoder};
        use futures_util::TryStreamExt;
        let stream = http_body_util::BodyDataStream::new(body)
            .map_err(|e| std::io::Error::other(crate::error::from_hyper_body(e)));
        let reader = tokio_util::io::StreamReader::new(stream);
        let decoder: Pin<Box<dyn AsyncRead + Send>> = match coding {
            Coding::Gzip => Box::pin(GzipDecoder::new(reader)),
            Coding::Deflate => Box::pin(ZlibDecoder::new(reader)),
            Coding::Brotli => Box::pin(BrotliDecoder::new(reader)),
        };
        BodyState {
            decoder: Some(decoder),
            ret,
            timeout,
            ..BodyState::default()
        }
    }

    /// Whether an unfinished body still holds its connection (closing the handle then closes
    /// the connection).
    pub fn holds_connection(&self) -> bool {
        self.ret.is_some() && !self.done
    }

    /// Turns on the wait notifications (async sessions).
    pub fn set_announce(&mut self, on: bool) {
        self.announce = on;
    }

    /// The notifications produced since the last call (the caller sends them once its locks
    /// are released).
    pub fn take_notes(&mut self) -> Notes {
        Notes {
            waiting: std::mem::take(&mut self.note_waiting),
            received: self.note_received.take(),
            closed: std::mem::take(&mut self.closed_now),
        }
    }

    fn got(&mut self, n: usize) {
        self.armed = false;
        if self.waited {
            self.waited = false;
            self.note_received = Some(u32::try_from(n).unwrap_or(u32::MAX));
        }
    }

    fn pending(&mut self, cx: &mut Context<'_>) -> Poll<Result<()>> {
        if self.announce && !self.waited {
            self.waited = true;
            self.note_waiting = true;
        }
        self.poll_timer(cx)
    }

    fn finish(&mut self) {
        self.done = true;
        self.body = None;
        self.timer = None;
        if let Some(r) = self.ret.take() {
            if r.reusable {
                Pool::checkin(r.conn);
            } else {
                self.closed_now = true;
            }
        }
    }

    fn fail(&mut self, e: Error) -> Poll<Result<()>> {
        self.failed = Some(e.code());
        self.decoder = None;
        self.done = true;
        self.body = None;
        self.ret = None;
        self.timer = None;
        Poll::Ready(Err(e))
    }

    /// Makes bytes available in `current` (or reaches the end): `Ready(Ok)` when either holds.
    pub fn poll_fill(&mut self, cx: &mut Context<'_>) -> Poll<Result<()>> {
        loop {
            if !self.current.is_empty() {
                return Poll::Ready(Ok(()));
            }
            if let Some(code) = self.failed {
                return Poll::Ready(Err(Error::new(code)));
            }
            if self.done {
                return Poll::Ready(Ok(()));
            }
            if let Some(dec) = self.decoder.as_mut() {
                if self.scratch.is_empty() {
                    self.scratch = vec![0; 16 * 1024];
                }
                if let Some(r) = self.ret.as_mut() {
                    r.conn.poll_drive(cx);
                }
                let mut rb = ReadBuf::new(&mut self.scratch);
                match dec.as_mut().poll_read(cx, &mut rb) {
                    Poll::Ready(Ok(())) => {
                        let n = rb.filled().len();
                        if n == 0 {
                            self.decoder = None;
                            self.finish();
                        } else {
                            self.got(n);
                            self.current = Bytes::copy_from_slice(&self.scratch[..n]);
                        }
                        continue;
                    }
                    Poll::Ready(Err(e)) => return self.fail(decode_error(e)),
                    Poll::Pending => return self.pending(cx),
                }
            }
            let Some(body) = self.body.as_mut() else {
                self.done = true;
                return Poll::Ready(Ok(()));
            };
            let mut polled = Pin::new(&mut *body).poll_frame(cx);
            if polled.is_pending()
                && let Some(r) = self.ret.as_mut()
                && r.conn.driver.is_some()
            {
                // HTTP/1: read the socket on this task, then look again.
                r.conn.poll_drive(cx);
                polled = Pin::new(&mut *body).poll_frame(cx);
            }
            match polled {
                Poll::Ready(Some(Ok(frame))) => {
                    if let Ok(data) = frame.into_data() {
                        self.got(data.len());
                        self.current = data;
                    }
                }
                Poll::Ready(Some(Err(e))) => return self.fail(crate::error::from_hyper_body(e)),
                Poll::Ready(None) => self.finish(),
                Poll::Pending => return self.pending(cx),
            }
        }
    }

    fn poll_timer(&mut self, cx: &mut Context<'_>) -> Poll<Result<()>> {
        let Some(d) = self.timeout else {
            return Poll::Pending;
        };
        let deadline = Instant::now() + d;
        let timer = self
            .timer
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        if !self.armed {
            timer.as_mut().reset(deadline);
            self.armed = true;
        }
        match timer.as_mut().poll(cx) {
            Poll::Ready(()) => self.fail(
                Error::new(ERROR_INTERNET_TIMEOUT)
                    .with_context("no body data within the receive timeout"),
            ),
            Poll::Pending => Poll::Pending,
        }
    }

    /// Copies what is buffered into `buf`, waiting for a frame when nothing is.
    pub fn poll_read(&mut self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<Result<()>> {
        if buf.remaining() == 0 {
            return Poll::Ready(Ok(()));
        }
        match self.poll_fill(cx) {
            Poll::Ready(Ok(())) => {}
            other => return other,
        }
        let n = self.current.len().min(buf.remaining());
        buf.put_slice(&self.current[..n]);
        self.current.advance(n);
        self.pos += n as u64;
        if self.current.is_empty() {
            // Let go of the connection's read buffer at once, so that hyper can read the next
            // bytes into the same memory instead of a fresh allocation (fresh pages cost the
            // kernel a clearing pass each).
            self.current = Bytes::new();
        }
        if self.current.is_empty() && !self.done {
            // Notice the end of the body now, so the connection goes back to the pool as
            // soon as the last byte is read.
            if self.body.as_ref().is_some_and(Body::is_end_stream) {
                self.finish();
            }
        }
        Poll::Ready(Ok(()))
    }

    /// Bytes readable without waiting (after a fill).
    pub fn buffered(&self) -> usize {
        self.current.len()
    }

    /// Discards up to `n` bytes that are buffered now; returns how many.
    pub fn skip_buffered(&mut self, n: u64) -> u64 {
        let k = (self.current.len() as u64).min(n);
        self.current.advance(k as usize);
        self.pos += k;
        k
    }
}

/// Sends the notifications a body read produced.
pub(crate) fn send_notes(node: &NodeRef, notes: Notes) {
    if notes.waiting {
        node.notify(|| StatusEvent::ReceivingResponse);
    }
    if let Some(n) = notes.received {
        node.notify(|| StatusEvent::ResponseReceived(n));
    }
    if notes.closed {
        node.notify(|| StatusEvent::ClosingConnection);
        node.notify(|| StatusEvent::ConnectionClosed);
    }
}
