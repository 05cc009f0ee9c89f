//! Fetches an http(s) URL the way a WinINet program does: InternetOpenUrl, then blocking
//! InternetReadFile with a 64 KiB buffer until it returns 0 bytes. Prints the byte count.
//!
//! ```text
//! http_get URL                     one GET
//! http_get --repeat N URL          N GETs one after the other (keep-alive connection reuse)
//! http_get --concurrent N URL      N GETs at once through the async Rust API
//! http_get --concurrent N --total M URL
//!                                  M GETs, N at a time (keep-alive, N connections)
//! http_get --async URL             one GET through the async Rust API (current-thread runtime)
//! ```

use hinternet::raw;
use hinternet_core::consts::*;
use hinternet_core::{Engine, OpenParams, OptionInput};

fn fetch(engine: &Engine, root: u64, url: &str, buf: Vec<u8>) -> hinternet::Result<(u64, Vec<u8>)> {
    let h = raw::internet_open_url(engine, root, url, None, INTERNET_FLAG_RELOAD, 0, |_| {})
        .into_result()?;
    let mut total = 0u64;
    let mut buf = buf;
    loop {
        let (n, b) = raw::internet_read_file(engine, h.as_raw(), buf, |_| {}).into_result()?;
        buf = b;
        if n == 0 {
            break;
        }
        total += n as u64;
    }
    raw::internet_close_handle(engine, h.as_raw())?;
    Ok((total, buf))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mode, n, total, url) = match args.as_slice() {
        [url] => ("once", 1, 1, url.clone()),
        [flag, n, url] if flag == "--repeat" => ("repeat", n.parse()?, 1, url.clone()),
        [flag, n, url] if flag == "--concurrent" => {
            let n = n.parse()?;
            ("concurrent", n, n, url.clone())
        }
        [flag, n, t, m, url] if flag == "--concurrent" && t == "--total" => {
            ("concurrent", n.parse()?, m.parse()?, url.clone())
        }
        [flag, url] if flag == "--async" => ("async", 1, 1, url.clone()),
        _ => {
            eprintln!("usage: http_get [--repeat N | --concurrent N [--total M]] URL");
            std::process::exit(2);
        }
    };
    let engine = hinternet::engine().clone();
    if mode == "concurrent" {
        let max: u32 = n.max(1);
        engine.set_option(
            None,
            INTERNET_OPTION_MAX_CONNS_PER_SERVER,
            &OptionInput::Bytes(&max.to_le_bytes()),
        )?;
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?;
        let total = rt.block_on(async move {
            use std::sync::atomic::{AtomicU32, Ordering};
            use tokio::io::AsyncReadExt;
            let inet = hinternet::Internet::new()?;
            // N workers take requests from one counter until M were made.
            let next = std::sync::Arc::new(AtomicU32::new(0));
            let mut tasks = Vec::new();
            for _ in 0..n {
                let (inet, url, next) = (inet.clone(), url.clone(), next.clone());
                tasks.push(tokio::spawn(async move {
                    let mut buf = vec![0u8; 64 * 1024];
                    let mut bytes = 0u64;
                    while next.fetch_add(1, Ordering::Relaxed) < total {
                        let mut r = inet.open_url(&url).await?;
                        loop {
                            let k = r.read(&mut buf).await.map_err(|e| {
                                hinternet::error_of(&e)
                                    .map(|x| hinternet::Error::new(x.code()))
                                    .unwrap_or_else(|| hinternet::Error::from_io(e))
                            })?;
                            if k == 0 {
                                break;
                            }
                            bytes += k as u64;
                        }
                    }
                    Ok::<u64, hinternet::Error>(bytes)
                }));
            }
            let mut total = 0;
            for t in tasks {
                total += t
                    .await
                    .map_err(|_| hinternet::Error::new(ERROR_INTERNET_INTERNAL_ERROR))??;
            }
            Ok::<u64, hinternet::Error>(total)
        })?;
        println!("{total}");
        return Ok(());
    }
    if mode == "async" {
        // One GET through the async Rust API on a current-thread runtime: the connection task
        // and the reads share one thread.
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let total = rt.block_on(async move {
            use tokio::io::AsyncReadExt;
            let inet = hinternet::Internet::new()?;
            let mut r = inet.open_url(&url).await?;
            let mut buf = vec![0u8; 64 * 1024];
            let mut total = 0u64;
            loop {
                let k = r.read(&mut buf).await.map_err(hinternet::Error::from_io)?;
                if k == 0 {
                    break;
                }
                total += k as u64;
            }
            Ok::<u64, hinternet::Error>(total)
        })?;
        println!("{total}");
        return Ok(());
    }
    let root = engine.open_root(OpenParams {
        agent: Some("http_get/1.0".into()),
        access_type: INTERNET_OPEN_TYPE_DIRECT,
        ..OpenParams::default()
    })?;
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0;
    for _ in 0..n {
        let (t, b) = fetch(&engine, root.as_raw(), &url, buf)?;
        buf = b;
        total += t;
    }
    println!("{total}");
    raw::internet_close_handle(&engine, root.as_raw())?;
    Ok(())
}
