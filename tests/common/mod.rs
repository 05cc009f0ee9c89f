//! Helpers shared by the integration tests: a status recorder and a `gate:` protocol whose
//! reads wait for an explicit signal (so tests can hold an operation in flight without sleeps).
#![allow(dead_code)]

use std::any::Any;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread::ThreadId;

use async_trait::async_trait;
use hinternet::raw::Outcome;
use hinternet_core::registry::{Protocol, UrlRequest};
use hinternet_core::status::{SharedCallback, callback_fn};
use hinternet_core::{
    Call, ChildParams, Engine, Handle, HandleKind, HandleOps, NodeRef, Result, StatusEvent,
};
use tokio::io::ReadBuf;

/// One recorded notification.
#[derive(Debug, Clone)]
pub struct Seen {
    pub handle: Handle,
    pub context: usize,
    pub event: StatusEvent,
    pub thread: ThreadId,
}

/// Records every notification it receives.
#[derive(Clone, Default)]
pub struct Recorder {
    pub seen: Arc<Mutex<Vec<Seen>>>,
}

impl Recorder {
    pub fn callback(&self) -> SharedCallback {
        let seen = Arc::clone(&self.seen);
        callback_fn(move |handle, context, event| {
            seen.lock().unwrap().push(Seen {
                handle,
                context,
                event: event.clone(),
                thread: std::thread::current().id(),
            })
        })
    }

    pub fn all(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    pub fn codes(&self) -> Vec<u32> {
        self.all().iter().map(|s| s.event.code()).collect()
    }

    pub fn closing(&self) -> Vec<Handle> {
        self.all()
            .iter()
            .filter_map(|s| match s.event {
                StatusEvent::HandleClosing(h) => Some(h),
                _ => None,
            })
            .collect()
    }

    pub fn created(&self) -> Vec<Handle> {
        self.all()
            .iter()
            .filter_map(|s| match s.event {
                StatusEvent::HandleCreated(h) => Some(h),
                _ => None,
            })
            .collect()
    }

    pub fn clear(&self) {
        self.seen.lock().unwrap().clear();
    }
}

/// A signal that releases waiting reads.
#[derive(Default)]
pub struct Gate {
    open: AtomicBool,
    wakers: Mutex<Vec<Waker>>,
    pub polls: AtomicUsize,
}

impl Gate {
    pub fn open(&self) {
        self.open.store(true, Ordering::SeqCst);
        for w in self.wakers.lock().unwrap().drain(..) {
            w.wake();
        }
    }
}

/// The object behind a `gate:` handle: reads wait for the gate, then return `data` once.
pub struct GateOps {
    gate: Arc<Gate>,
    data: Mutex<Vec<u8>>,
    _node: NodeRef,
}

#[async_trait]
impl HandleOps for GateOps {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn poll_read(&self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<Result<()>> {
        self.gate.polls.fetch_add(1, Ordering::SeqCst);
        if !self.gate.open.load(Ordering::SeqCst) {
            self.gate.wakers.lock().unwrap().push(cx.waker().clone());
            if !self.gate.open.load(Ordering::SeqCst) {
                return Poll::Pending;
            }
        }
        let mut data = self.data.lock().unwrap();
        let n = data.len().min(buf.remaining());
        buf.put_slice(&data[..n]);
        data.drain(..n);
        Poll::Ready(Ok(()))
    }

    async fn query_data_available(&self) -> Result<u64> {
        std::future::poll_fn(|cx| {
            if !self.gate.open.load(Ordering::SeqCst) {
                self.gate.wakers.lock().unwrap().push(cx.waker().clone());
                if !self.gate.open.load(Ordering::SeqCst) {
                    return Poll::Pending;
                }
            }
            Poll::Ready(Ok(self.data.lock().unwrap().len() as u64))
        })
        .await
    }
}

/// `gate:` URLs: every open shares the protocol's gate.
pub struct GateProtocol {
    pub gate: Arc<Gate>,
    pub data: Vec<u8>,
}

#[async_trait]
impl Protocol for GateProtocol {
    fn name(&self) -> &'static str {
        "gate"
    }

    async fn open_url(&self, root: &Call, request: UrlRequest) -> Result<Handle> {
        let gate = Arc::clone(&self.gate);
        let data = self.data.clone();
        root.engine().create_child(
            root,
            ChildParams {
                kind: HandleKind::FileRequest,
                context: request.context,
                flags: request.flags,
            },
            move |node| {
                Arc::new(GateOps {
                    gate,
                    data: Mutex::new(data),
                    _node: node,
                })
            },
        )
    }
}

/// A fresh engine with the built-in protocols and a `gate:` protocol.
pub fn engine_with_gate(data: &[u8]) -> (Engine, Arc<Gate>) {
    let engine = Engine::new();
    hinternet::raw::register_builtin(&engine);
    let gate = Arc::new(Gate::default());
    engine.registry().register(
        &["gate"],
        &[],
        Arc::new(GateProtocol {
            gate: Arc::clone(&gate),
            data: data.to_vec(),
        }),
    );
    (engine, gate)
}

/// Opens a URL by handle value and waits for it in either mode.
pub fn open_url_sync(engine: &Engine, root: Handle, url: &str, context: usize) -> Result<Handle> {
    match hinternet::raw::internet_open_url(engine, root.as_raw(), url, None, 0, context, |_| {}) {
        Outcome::Done(r) => r,
        Outcome::Pending => panic!("a sync session never pends"),
    }
}

/// A file of the given bytes in a temp dir, with its file: URL.
pub fn temp_file(bytes: &[u8]) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data.bin");
    std::fs::write(&path, bytes).unwrap();
    let url = format!("file://{}", path.display());
    (dir, url)
}
