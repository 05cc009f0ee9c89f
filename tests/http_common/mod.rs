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
