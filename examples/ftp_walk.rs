//! FTP from the command line, four ways:
//!
//! ```text
//! cargo run --example ftp_walk -- walk ftp://[user:password@]host[:port]/dir/   # the tree, recursively
//! cargo run --example ftp_walk -- get  ftp://host:port/path/file                # read it, report MiB/s
//! cargo run --example ftp_walk -- put  local-file ftp://host:port/path/name     # FtpPutFile
//! cargo run --example ftp_walk -- list ftp://host:port/dir/                     # count the entries
//! ```
//!
//! `walk` uses the blocking Rust API (`FtpSession::list`); `get` is InternetOpenUrl +
//! InternetReadFile with one 64 KiB buffer, blocking, as a C program would do it (the bench
//! `benches/ftp_vs_curl.sh` times it against curl); `put` is InternetConnect + FtpPutFile;
//! `list` is FtpFindFirstFile + InternetFindNextFile. Passive mode throughout.

use std::time::Instant;

use hinternet::consts::*;
use hinternet::raw::{self, ConnectArgs, Outcome};
use hinternet_core::OpenParams;

struct FtpUrl {
    user: Option<String>,
    password: Option<String>,
    host: String,
    port: u16,
    path: String,
}

fn parse(url: &str) -> Result<FtpUrl, String> {
    let rest = url
        .strip_prefix("ftp://")
        .ok_or_else(|| format!("not an ftp:// URL: {url}"))?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let (creds, hostport) = match authority.rfind('@') {
        Some(i) => (Some(&authority[..i]), &authority[i + 1..]),
        None => (None, authority),
    };
    let (user, password) = match creds {
        Some(c) => match c.split_once(':') {
            Some((u, p)) => (Some(u.to_owned()), Some(p.to_owned())),
            None => (Some(c.to_owned()), None),
        },
        None => (None, None),
    };
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => (
            h.to_owned(),
            p.parse().map_err(|_| format!("bad port {p}"))?,
        ),
        None => (hostport.to_owned(), 21),
    };
    Ok(FtpUrl {
        user,
        password,
        host,
        port,
        path: path.to_owned(),
    })
}

fn done<T>(o: Outcome<T>) -> hinternet::Result<T> {
    o.into_result()
}

fn walk(url: &FtpUrl) -> hinternet::Result<()> {
    let inet = hinternet::blocking::Internet::new()?;
    let mut conn = inet.ftp(&url.host).port(url.port);
    if let Some(u) = &url.user {
        conn = conn.login(u, url.password.as_deref().unwrap_or(""));
    }
    let ftp = conn.connect()?;
    let mut stack = vec![url.path.trim_end_matches('/').to_owned()];
    let (mut files, mut bytes) = (0u64, 0u64);
    while let Some(dir) = stack.pop() {
        let listing = if dir.is_empty() { "/" } else { dir.as_str() };
        let entries: Vec<_> = ftp.list(Some(listing))?.collect::<Result<_, _>>()?;
        for e in entries {
            if e.has_unsafe_name() {
                eprintln!("skipping unsafe name {:?} in {listing}", e.name_lossy());
                continue;
            }
            let path = format!("{dir}/{}", e.name_lossy());
            if e.is_dir() {
                println!("{path}/");
                stack.push(path);
            } else {
                println!("{path}  {} bytes", e.size);
                files += 1;
                bytes += e.size;
            }
        }
    }
    eprintln!("{files} files, {bytes} bytes");
    ftp.close()
}

fn get(url: &str) -> hinternet::Result<()> {
    let engine = hinternet::engine();
    let root = raw::internet_open(engine, OpenParams::default())?;
    let start = Instant::now();
    let h = done(raw::internet_open_url(
        engine,
        root.as_raw(),
        url,
        None,
        INTERNET_FLAG_PASSIVE,
        0,
        |_| {},
    ))?;
    // 64 KiB unless FTP_WALK_BUFFER says otherwise (bytes).
    let size = std::env::var("FTP_WALK_BUFFER")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64 * 1024);
    let mut buf = vec![0u8; size];
    let mut total = 0u64;
    loop {
        let (n, b) = done(raw::internet_read_file(engine, h.as_raw(), buf, |_| {}))?;
        buf = b;
        if n == 0 {
            break;
        }
        total += n as u64;
    }
    raw::internet_close_handle(engine, root.as_raw())?;
    report("read", total, start);
    Ok(())
}

fn connect(url: &FtpUrl) -> hinternet::Result<(hinternet::Handle, hinternet::Handle)> {
    let engine = hinternet::engine();
    let root = raw::internet_open(engine, OpenParams::default())?;
    let c = done(raw::internet_connect(
        engine,
        root.as_raw(),
        ConnectArgs {
            server: Some(&url.host),
            port: url.port,
            user: url.user.as_deref(),
            password: url.password.as_deref(),
            service: INTERNET_SERVICE_FTP,
            flags: INTERNET_FLAG_PASSIVE,
            context: 0,
        },
        |_| {},
    ))?;
    Ok((root, c))
}

fn put(local: &str, url: &FtpUrl) -> hinternet::Result<()> {
    let engine = hinternet::engine();
    let start = Instant::now();
    let (root, c) = connect(url)?;
    let path = std::path::Path::new(local);
    done(raw::ftp_put_file(
        engine,
        c.as_raw(),
        Some(path),
        Some(&url.path),
        FTP_TRANSFER_TYPE_BINARY,
        |_| {},
    ))?;
    raw::internet_close_handle(engine, root.as_raw())?;
    let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    report("wrote", len, start);
    Ok(())
}

fn list(url: &FtpUrl) -> hinternet::Result<()> {
    let engine = hinternet::engine();
    let start = Instant::now();
    let (root, c) = connect(url)?;
    let (h, _) = done(raw::ftp_find_first_file(
        engine,
        c.as_raw(),
        Some(&url.path),
        0,
        0,
        |_| {},
    ))?;
    let mut n = 1u64;
    while done(raw::internet_find_next_file(engine, h.as_raw(), |_| {})).is_ok() {
        n += 1;
    }
    raw::internet_close_handle(engine, root.as_raw())?;
    eprintln!("{n} entries in {:.3} s", start.elapsed().as_secs_f64());
    Ok(())
}

fn report(what: &str, bytes: u64, start: Instant) {
    let s = start.elapsed().as_secs_f64();
    eprintln!(
        "{what} {bytes} bytes in {s:.3} s ({:.1} MiB/s)",
        bytes as f64 / (1024.0 * 1024.0) / s.max(1e-9)
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let r = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["walk", url] => parse(url).map_err(hinternet_err).and_then(|u| walk(&u)),
        ["get", url] => get(url),
        ["put", local, url] => parse(url)
            .map_err(hinternet_err)
            .and_then(|u| put(local, &u)),
        ["list", url] => parse(url).map_err(hinternet_err).and_then(|u| list(&u)),
        _ => {
            eprintln!("usage: ftp_walk walk|list URL | get URL | put LOCAL URL");
            std::process::exit(2);
        }
    };
    if let Err(e) = r {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn hinternet_err(text: String) -> hinternet::Error {
    hinternet::Error::new(ERROR_INTERNET_INVALID_URL).with_context(text)
}
