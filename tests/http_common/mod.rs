//! Helpers for the HTTP tests: drive the engine by handle value the way a C program does
//! (InternetOpen, InternetConnect, HttpOpenRequest, HttpSendRequest, InternetReadFile,
//! HttpQueryInfo) and record status notifications.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use hinternet::raw::{self, ConnectArgs};
use hinternet_core::consts::*;
use hinternet_core::options::CharUnit;
use hinternet_core::status::{SharedCallback, callback_fn};
use hinternet_core::{Engine, Handle, OpenParams, Result, StatusEvent};
use hinternet_http::OpenRequest;

/// Records (handle, event) pairs.
#[derive(Clone, Default)]
pub struct Recorder {
    pub seen: Arc<Mutex<Vec<(Handle, StatusEvent)>>>,
}

impl Recorder {
    pub fn callback(&self) -> SharedCallback {
        let seen = Arc::clone(&self.seen);
        callback_fn(move |h, _ctx, e| seen.lock().unwrap().push((h, e.clone())))
    }

    pub fn codes(&self) -> Vec<u32> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .map(|(_, e)| e.code())
            .collect()
    }

    pub fn events(&self) -> Vec<StatusEvent> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .map(|(_, e)| e.clone())
            .collect()
    }

    pub fn clear(&self) {
        self.seen.lock().unwrap().clear();
    }
}

/// An engine with the built-in protocols and a root.
pub struct Session {
    pub engine: Engine,
    pub root: Handle,
    pub rec: Recorder,
}

impl Session {
    pub fn new(flags: u32) -> Session {
        Session::with_agent(flags, Some("hinternet-test"))
    }

    pub fn with_agent(flags: u32, agent: Option<&str>) -> Session {
        trust_test_ca();
        let engine = Engine::new();
        raw::register_builtin(&engine);
        let root = engine
            .open_root(OpenParams {
                agent: agent.map(str::to_owned),
                access_type: INTERNET_OPEN_TYPE_DIRECT,
                flags,
                ..OpenParams::default()
            })
            .unwrap();
        let rec = Recorder::default();
        engine
            .set_callback(root.as_raw(), Some(rec.callback()))
            .unwrap();
        Session { engine, root, rec }
    }

    pub fn connect(&self, port: u16, flags: u32) -> Handle {
        self.connect_host("127.0.0.1", port, flags)
    }

    pub fn connect_host(&self, host: &str, port: u16, flags: u32) -> Handle {
        raw::internet_connect(
            &self.engine,
            self.root.as_raw(),
            ConnectArgs {
                server: Some(host),
                port,
                service: INTERNET_SERVICE_HTTP,
                flags,
                context: 1,
                ..ConnectArgs::default()
            },
            |_| {},
        )
        .into_result()
        .unwrap()
    }

    pub fn open(&self, connect: Handle, verb: &str, path: &str, flags: u32) -> Handle {
        hinternet_http::http_open_request(
            &self.engine,
            connect.as_raw(),
            OpenRequest::new(Some(verb), Some(path), None, None, &[], flags),
            2,
        )
        .unwrap()
    }

    /// Connect + open in one go.
    pub fn request(&self, port: u16, verb: &str, path: &str, flags: u32) -> Handle {
        let c = self.connect(port, 0);
        self.open(c, verb, path, flags)
    }

    pub fn send(&self, req: Handle, headers: Option<&str>, body: &[u8]) -> Result<()> {
        hinternet_http::http_send_request(
            &self.engine,
            req.as_raw(),
            headers.map(str::to_owned),
            hinternet_http::bytes::Bytes::copy_from_slice(body),
            |_| {},
        )
        .into_result()
    }

    pub fn read_all(&self, req: Handle) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        for _ in 0..1_000_000 {
            let (n, buf) =
                raw::internet_read_file(&self.engine, req.as_raw(), vec![0u8; 65536], |_| {})
                    .into_result()?;
            if n == 0 {
                return Ok(out);
            }
            out.extend_from_slice(&buf[..n]);
        }
        panic!("body did not end");
    }

    pub fn query(&self, req: Handle, level: u32) -> Result<String> {
        self.query_index(req, level, None, 0).map(|(s, _)| s)
    }

    pub fn query_index(
        &self,
        req: Handle,
        level: u32,
        custom: Option<&str>,
        index: u32,
    ) -> Result<(String, u32)> {
        let mut buf = vec![0u8; 1 << 20];
        let mut idx = index;
        let n = hinternet_http::http_query_info(
            &self.engine,
            req.as_raw(),
            level,
            custom,
            Some(&mut buf),
            Some(&mut idx),
            CharUnit::Ansi,
        )?;
        Ok((
            String::from_utf8_lossy(&buf[..n as usize]).into_owned(),
            idx,
        ))
    }

    pub fn number(&self, req: Handle, level: u32) -> Result<u32> {
        let mut buf = [0u8; 4];
        hinternet_http::http_query_info(
            &self.engine,
            req.as_raw(),
            level | HTTP_QUERY_FLAG_NUMBER,
            None,
            Some(&mut buf),
            None,
            CharUnit::Ansi,
        )?;
        Ok(u32::from_le_bytes(buf))
    }

    pub fn status(&self, req: Handle) -> u32 {
        self.number(req, HTTP_QUERY_STATUS_CODE).unwrap()
    }

    pub fn close(&self, h: Handle) {
        self.engine.close(h.as_raw()).unwrap();
    }
}

/// Trusts the testkit's shared CA (process-wide, once).
pub fn trust_test_ca() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        hinternet_testkit::install_crypto_provider();
        let ca = hinternet_testkit::tls::TestCa::shared();
        hinternet_http::add_root_certificate(ca.cert_der().as_ref()).unwrap();
    });
}

/// One notification as a [`Log`] saw it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub handle: Handle,
    pub context: usize,
    pub event: StatusEvent,
    pub thread: std::thread::ThreadId,
    /// For REQUEST_COMPLETE: what the log's probe answered when it arrived (see
    /// [`Log::set_probe`]); `None` for other events or without a probe.
    pub probe: Option<bool>,
}

type Probe = Box<dyn Fn() -> bool + Send + Sync>;

/// A status recorder a test can wait on (bounded, without sleeps): every notification with
/// its handle, context and delivering thread.
#[derive(Clone, Default)]
pub struct Log(Arc<LogInner>);

#[derive(Default)]
struct LogInner {
    entries: Mutex<Vec<Entry>>,
    changed: std::sync::Condvar,
    probe: Mutex<Option<Probe>>,
}

/// How long a test waits for a notification before it fails.
pub const WAIT: std::time::Duration = std::time::Duration::from_secs(20);

/// The payload of the probe notifications [`settle`] sends (never recorded).
const SETTLE_PROBE: u32 = 0x5e77_1e00;

thread_local! {
    static PROBED_HERE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

impl Log {
    /// A log installed as the callback of `h` (children created later copy it).
    pub fn install(engine: &Engine, h: Handle) -> Log {
        let log = Log::default();
        engine
            .set_callback(h.as_raw(), Some(log.callback()))
            .unwrap();
        log
    }

    pub fn callback(&self) -> SharedCallback {
        let log = self.clone();
        callback_fn(move |handle, context, event| {
            if *event == StatusEvent::StateChange(SETTLE_PROBE) {
                PROBED_HERE.with(|p| p.set(true));
                return;
            }
            let probe = match event {
                StatusEvent::RequestComplete(_) => {
                    log.0.probe.lock().unwrap().as_ref().map(|p| p())
                }
                _ => None,
            };
            log.0.entries.lock().unwrap().push(Entry {
                handle,
                context,
                event: event.clone(),
                thread: std::thread::current().id(),
                probe,
            });
            log.0.changed.notify_all();
        })
    }

    /// Runs `f` whenever a REQUEST_COMPLETE arrives and keeps its answer in the entry (e.g.
    /// "the caller's outputs were already written").
    pub fn set_probe(&self, f: impl Fn() -> bool + Send + Sync + 'static) {
        *self.0.probe.lock().unwrap() = Some(Box::new(f));
    }

    pub fn entries(&self) -> Vec<Entry> {
        self.0.entries.lock().unwrap().clone()
    }

    /// The number of entries so far (a mark for [`since`](Self::since)).
    pub fn mark(&self) -> usize {
        self.0.entries.lock().unwrap().len()
    }

    pub fn since(&self, mark: usize) -> Vec<Entry> {
        self.0.entries.lock().unwrap()[mark..].to_vec()
    }

    pub fn clear(&self) {
        self.0.entries.lock().unwrap().clear();
    }

    /// Waits (at most [`WAIT`]) until `done` holds for the entries; returns them.
    pub fn wait_until(&self, what: &str, done: impl Fn(&[Entry]) -> bool) -> Vec<Entry> {
        let deadline = std::time::Instant::now() + WAIT;
        let mut g = self.0.entries.lock().unwrap();
        loop {
            if done(&g) {
                return g.clone();
            }
            let now = std::time::Instant::now();
            if now >= deadline {
                let codes: Vec<u32> = g.iter().map(|e| e.event.code()).collect();
                panic!("timed out waiting for {what}; notifications so far: {codes:?}");
            }
            g = self.0.changed.wait_timeout(g, deadline - now).unwrap().0;
        }
    }

    /// Waits until `n` notifications with `code` have arrived; returns all entries.
    pub fn wait_count(&self, code: u32, n: usize) -> Vec<Entry> {
        self.wait_until(&format!("{n} x status {code}"), |e| {
            e.iter().filter(|e| e.event.code() == code).count() >= n
        })
    }

    /// Waits for the first REQUEST_COMPLETE at or after `mark`.
    pub fn wait_complete_after(&self, mark: usize) -> Entry {
        let all = self.wait_until("REQUEST_COMPLETE", |e| {
            e.iter()
                .skip(mark)
                .any(|e| matches!(e.event, StatusEvent::RequestComplete(_)))
        });
        all.into_iter()
            .skip(mark)
            .find(|e| matches!(e.event, StatusEvent::RequestComplete(_)))
            .unwrap()
    }
}

/// Waits (bounded) until no delivery is under way on `h`'s notification queue, so that the
/// notifications of the next synchronous call are delivered on the calling thread: a probe
/// sent from this thread is delivered here only when the queue is idle (a worker that has
/// just delivered REQUEST_COMPLETE may still be finishing its delivery loop). [`Log`]s drop
/// the probes.
pub fn settle(engine: &Engine, h: Handle) {
    let node = engine.node(h.as_raw()).unwrap();
    let deadline = std::time::Instant::now() + WAIT;
    while std::time::Instant::now() < deadline {
        PROBED_HERE.with(|p| p.set(false));
        node.notify(|| StatusEvent::StateChange(SETTLE_PROBE));
        if PROBED_HERE.with(std::cell::Cell::get) {
            return;
        }
        std::thread::yield_now();
    }
    panic!("the notification queue of {h:?} never went idle");
}

/// A value a completion closure writes for the test to read.
#[derive(Clone)]
pub struct Slot<T>(Arc<Mutex<Option<T>>>);

impl<T> Default for Slot<T> {
    fn default() -> Self {
        Slot(Arc::new(Mutex::new(None)))
    }
}

impl<T: Clone> Slot<T> {
    pub fn put(&self, v: T) {
        *self.0.lock().unwrap() = Some(v);
    }

    pub fn get(&self) -> Option<T> {
        self.0.lock().unwrap().clone()
    }

    pub fn is_set(&self) -> bool {
        self.0.lock().unwrap().is_some()
    }
}
