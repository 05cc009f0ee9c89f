//! The WinINet documentation's asynchronous example, on loopback: two "coffee price" servers,
//! one slow. The synchronous version fetches one price and then the other, so it takes about
//! the sum of the two delays; the asynchronous version sends both requests at once
//! (InternetOpenUrl answers ERROR_IO_PENDING) and compares the prices when both
//! REQUEST_COMPLETEs are in, so it takes about as long as the slower server.
//!
//! ```text
//! cargo run --example coffee_prices
//! ```

use std::sync::mpsc;
use std::time::{Duration, Instant};

use hinternet::consts::*;
use hinternet::raw::{self, Outcome};
use hinternet_core::{Engine, Handle, OpenParams};
use hinternet_testkit::http::{Piece, Reply, Routes, TestServer};

const SLOW: Duration = Duration::from_millis(700);
const FAST: Duration = Duration::from_millis(300);

fn server(price: &str, delay: Duration) -> TestServer {
    let reply = Reply::text(price.to_owned()).before_headers(vec![Piece::Delay(delay)]);
    TestServer::start_blocking(Routes::new().route("/price", reply)).expect("a loopback port")
}

/// Reads a whole body by handle value, in either session mode: a read that pends completes
/// through its completion closure, which hands the bytes back here.
fn read_all(engine: &Engine, h: u64) -> hinternet::Result<String> {
    let mut text = Vec::new();
    loop {
        let (tx, rx) = mpsc::channel();
        let out = raw::internet_read_file(engine, h, vec![0u8; 4096], move |r| {
            let _ = tx.send(
                r.as_ref()
                    .map(|(n, b)| b[..*n].to_vec())
                    .map_err(|e| e.code()),
            );
        });
        let chunk = match out {
            Outcome::Done(r) => r.map(|(n, b)| b[..n].to_vec())?,
            Outcome::Pending => rx
                .recv()
                .expect("the read completes")
                .map_err(hinternet::Error::new)?,
        };
        if chunk.is_empty() {
            return Ok(String::from_utf8_lossy(&text).into_owned());
        }
        text.extend_from_slice(&chunk);
    }
}

fn open(engine: &Engine, flags: u32) -> hinternet::Result<Handle> {
    raw::internet_open(
        engine,
        OpenParams {
            agent: Some("coffee-prices/1.0".into()),
            access_type: INTERNET_OPEN_TYPE_DIRECT,
            flags,
            ..OpenParams::default()
        },
    )
}

/// One price after the other.
fn synchronous(urls: &[String]) -> hinternet::Result<Vec<String>> {
    let engine = hinternet::engine();
    let root = open(engine, 0)?;
    let mut prices = Vec::new();
    for url in urls {
        let h =
            raw::internet_open_url(engine, root.as_raw(), url, None, 0, 1, |_| {}).into_result()?;
        prices.push(read_all(engine, h.as_raw())?);
        raw::internet_close_handle(engine, h.as_raw())?;
    }
    raw::internet_close_handle(engine, root.as_raw())?;
    Ok(prices)
}

/// Both requests at once; compare when both are in.
fn asynchronous(urls: &[String]) -> hinternet::Result<Vec<String>> {
    let engine = hinternet::engine();
    let root = open(engine, INTERNET_FLAG_ASYNC)?;
    let (tx, rx) = mpsc::channel();
    for (i, url) in urls.iter().enumerate() {
        let later = tx.clone();
        let out = raw::internet_open_url(engine, root.as_raw(), url, None, 0, i + 1, move |r| {
            let _ = later.send((i, r.as_ref().map(|h| *h).map_err(|e| e.code())));
        });
        match out {
            Outcome::Pending => eprintln!("request {} pending (ERROR_IO_PENDING)", i + 1),
            Outcome::Done(r) => tx
                .send((i, r.map_err(|e| e.code())))
                .expect("receiver lives"),
        }
    }
    let mut handles = vec![None; urls.len()];
    for _ in urls {
        let (i, r) = rx.recv().expect("every request completes");
        eprintln!("request {} complete", i + 1);
        handles[i] = Some(r.map_err(hinternet::Error::new)?);
    }
    let mut prices = Vec::new();
    for h in handles.into_iter().flatten() {
        prices.push(read_all(engine, h.as_raw())?);
        raw::internet_close_handle(engine, h.as_raw())?;
    }
    raw::internet_close_handle(engine, root.as_raw())?;
    Ok(prices)
}

fn main() -> hinternet::Result<()> {
    let slow = server("Slow Beans: 3.10", SLOW);
    let fast = server("Fast Roast: 2.95", FAST);
    let urls = vec![slow.url("/price"), fast.url("/price")];

    let t = Instant::now();
    let prices = synchronous(&urls)?;
    let sync_time = t.elapsed();
    println!(
        "synchronous:  {prices:?} in {} ms (the delays add up to {} ms)",
        sync_time.as_millis(),
        (SLOW + FAST).as_millis()
    );

    let t = Instant::now();
    let prices = asynchronous(&urls)?;
    let async_time = t.elapsed();
    println!(
        "asynchronous: {prices:?} in {} ms (the slower server takes {} ms)",
        async_time.as_millis(),
        SLOW.as_millis()
    );
    let cheaper = prices.iter().min_by(|a, b| {
        let p = |s: &String| {
            s.rsplit(' ')
                .next()
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(f64::MAX)
        };
        p(a).total_cmp(&p(b))
    });
    println!("cheaper: {}", cheaper.map_or("?", String::as_str));
    Ok(())
}
