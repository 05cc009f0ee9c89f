//! Helpers shared by the tests/ftp_*.rs files: an engine with the built-in protocols, roots,
//! synchronous unwrapping of outcomes, a status recorder and an FTP login through the raw
//! (handle-value) calls, the way a C program drives WinINet.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use hinternet::raw::{self, ConnectArgs, Outcome};
use hinternet_core::consts::*;
use hinternet_core::status::{SharedCallback, callback_fn};
use hinternet_core::{Engine, Error, FindData, Handle, OpenParams, StatusEvent};

pub use hinternet_testkit::ftp::{FtpScript, FtpServer, Step};

/// A fresh engine with the built-in protocols.
pub fn engine() -> Engine {
    let e = Engine::new();
    raw::register_builtin(&e);
    e
}

/// InternetOpen with `flags`.
pub fn root(engine: &Engine, flags: u32) -> Handle {
    raw::internet_open(
        engine,
        OpenParams {
            flags,
            ..OpenParams::default()
        },
    )
    .unwrap()
}

/// The result of a sync-session call.
pub fn done<T>(o: Outcome<T>) -> Result<T, Error> {
    match o {
        Outcome::Done(r) => r,
        Outcome::Pending => panic!("a sync session never pends"),
    }
}

/// The error code of a failed call.
pub fn code<T: std::fmt::Debug>(r: Result<T, Error>) -> u32 {
    r.expect_err("the call should fail").code()
}

/// InternetConnect(FTP) on 127.0.0.1:`port`.
pub fn connect(
    engine: &Engine,
    root: Handle,
    port: u16,
    user: Option<&str>,
    password: Option<&str>,
    flags: u32,
    context: usize,
) -> Result<Handle, Error> {
    done(raw::internet_connect(
        engine,
        root.as_raw(),
        ConnectArgs {
            server: Some("127.0.0.1"),
            port,
            user,
            password,
            service: INTERNET_SERVICE_FTP,
            flags,
            context,
        },
        |_| {},
    ))
}

/// A session logged in to a testkit server as its default user, passive.
pub fn login(engine: &Engine, server: &FtpServer) -> (Handle, Handle) {
    let r = root(engine, 0);
    let c = connect(
        engine,
        r,
        server.port(),
        Some(hinternet_testkit::ftp::DEFAULT_USER),
        Some(hinternet_testkit::ftp::DEFAULT_PASSWORD),
        INTERNET_FLAG_PASSIVE,
        1,
    )
    .expect("login");
    (r, c)
}

/// FtpFindFirstFile + InternetFindNextFile until ERROR_NO_MORE_FILES; names sorted.
pub fn list_names(engine: &Engine, c: Handle, pattern: Option<&str>) -> Result<Vec<String>, Error> {
    let (h, first) = done(raw::ftp_find_first_file(
        engine,
        c.as_raw(),
        pattern,
        0,
        0,
        |_| {},
    ))?;
    let mut names = vec![first.name_lossy().into_owned()];
    loop {
        match done(raw::internet_find_next_file(engine, h.as_raw(), |_| {})) {
            Ok(e) => names.push(e.name_lossy().into_owned()),
            Err(e) => {
                assert_eq!(e.code(), ERROR_NO_MORE_FILES);
                break;
            }
        }
    }
    raw::internet_close_handle(engine, h.as_raw()).unwrap();
    names.sort();
    Ok(names)
}

/// All entries of a find handle after the first.
pub fn rest_of(engine: &Engine, h: Handle) -> Vec<FindData> {
    let mut out = Vec::new();
    while let Ok(e) = done(raw::internet_find_next_file(engine, h.as_raw(), |_| {})) {
        out.push(e);
    }
    out
}

/// Reads a file handle to its end with InternetReadFile and a buffer of `chunk` bytes.
pub fn read_to_end(engine: &Engine, h: Handle, chunk: usize) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    loop {
        let (n, buf) = done(raw::internet_read_file(
            engine,
            h.as_raw(),
            vec![0u8; chunk],
            |_| {},
        ))?;
        if n == 0 {
            return Ok(out);
        }
        out.extend_from_slice(&buf[..n]);
    }
}

/// Records (handle, context, event) of every notification.
#[derive(Clone, Default)]
pub struct Recorder(pub Arc<Mutex<Vec<(Handle, usize, StatusEvent)>>>);

impl Recorder {
    pub fn callback(&self) -> SharedCallback {
        let seen = Arc::clone(&self.0);
        callback_fn(move |h, ctx, ev| seen.lock().unwrap().push((h, ctx, ev.clone())))
    }

    pub fn events(&self) -> Vec<(Handle, usize, StatusEvent)> {
        self.0.lock().unwrap().clone()
    }

    pub fn codes(&self) -> Vec<u32> {
        self.events().iter().map(|(_, _, e)| e.code()).collect()
    }

    pub fn clear(&self) {
        self.0.lock().unwrap().clear();
    }
}

/// `USER`/`PASS` and a FEAT answered with `features` (each a line like " MLST type*;").
pub fn script_login(features: &[&str]) -> FtpScript {
    let mut feat = String::from("211-Features:\r\n");
    for f in features {
        feat.push_str(f);
        feat.push_str("\r\n");
    }
    feat.push_str("211 End\r\n");
    let s = FtpScript::new()
        .login()
        .step(Step::new("FEAT").reply_raw(feat));
    if features.iter().any(|f| f.trim() == "UTF8") {
        s.step(Step::new("OPTS UTF8 ON").reply("200 UTF8 on"))
    } else {
        s
    }
}
