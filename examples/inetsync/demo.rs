//! `inetsync demo`: loopback FTP and HTTP servers over a generated tree; pull over FTP and
//! over HTTP, change files on the server side, re-sync incrementally, push a change back, and
//! print what happened. Needs nothing but the built binary.

use super::cli::{EXIT_ERRORS, EXIT_OK, SyncOpts};
use super::report::Summary;
use super::{Hooks, Side, sync};
use hinternet_testkit::ftp::FtpServer;
use hinternet_testkit::http::{Routes, TestServer};
use hinternet_testkit::tree::{TreeSpec, list_files, make_tree, modify_tree};
use std::path::Path;
use std::time::{Duration, SystemTime};

/// Whether two trees hold the same files with the same bytes.
pub fn same_tree(a: &Path, b: &Path) -> std::io::Result<bool> {
    let (la, lb) = (list_files(a)?, list_files(b)?);
    if la != lb {
        return Ok(false);
    }
    for (path, _) in &la {
        if std::fs::read(a.join(path))? != std::fs::read(b.join(path))? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Sets every file's time `age` into the past (a tree last changed a while ago).
fn age_tree(root: &Path, age: Duration) -> std::io::Result<()> {
    let when = SystemTime::now() - age;
    for (path, _) in list_files(root)? {
        std::fs::File::options()
            .write(true)
            .open(root.join(&path))?
            .set_modified(when)?;
    }
    Ok(())
}

fn line(step: &str, s: &Summary) {
    println!(
        "  {step:<34} copied {:>4} ({:>9} bytes), up to date {:>4}, deleted {:>3}, errors {}, {:.2}s",
        s.copied,
        s.bytes,
        s.skipped,
        s.deleted,
        s.errors.len() + s.refused.len(),
        s.elapsed
    );
}

async fn step(
    name: &str,
    src: Side,
    dst: Side,
    opts: &SyncOpts,
    command: &str,
) -> Result<Summary, String> {
    match sync(command, src, dst, opts, Hooks::default()).await {
        Ok(s) => {
            line(name, &s);
            for e in s.errors.iter().take(5) {
                println!("    error: {e}");
            }
            Ok(s)
        }
        Err((_, msg)) => Err(format!("{name}: {msg}")),
    }
}

/// Runs the demo; the exit code.
pub async fn demo(files: usize, opts: &SyncOpts) -> u8 {
    match run(files, opts).await {
        Ok(true) => EXIT_OK,
        Ok(false) => EXIT_ERRORS,
        Err(e) => {
            eprintln!("inetsync demo: {e}");
            EXIT_ERRORS
        }
    }
}

async fn run(files: usize, base: &SyncOpts) -> Result<bool, String> {
    let tmp = std::env::temp_dir().join(format!("inetsync-demo-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let r = run_in(&tmp, files, base).await;
    let _ = std::fs::remove_dir_all(&tmp);
    r
}

async fn run_in(tmp: &Path, files: usize, base: &SyncOpts) -> Result<bool, String> {
    let io = |e: std::io::Error| e.to_string();
    let server_root = tmp.join("server");
    let spec = TreeSpec {
        files,
        ..TreeSpec::default()
    };
    let tree = make_tree(&server_root, &spec).map_err(io)?;
    age_tree(&server_root, Duration::from_secs(3600)).map_err(io)?;
    let ftp = FtpServer::builder()
        .root(&server_root)
        .start()
        .await
        .map_err(io)?;
    let http = TestServer::start(Routes::new().directory("/files/", &server_root))
        .await
        .map_err(io)?;
    println!(
        "inetsync demo: {} files, {} bytes in {} folders",
        tree.files.len(),
        tree.total_bytes(),
        tree.dirs.len()
    );
    println!("  FTP server  {}", ftp.url("/"));
    println!("  HTTP server {}", http.url("/files/"));
    let ftp_url = ftp.url_with_login("/");
    let http_url = http.url("/files/");
    let via_ftp = tmp.join("via-ftp");
    let via_http = tmp.join("via-http");
    let mut opts = base.clone();
    opts.quiet = true;
    opts.json = false;
    let mut ok = true;

    println!("1. full pulls");
    let s = step(
        "pull over FTP",
        Side::Url(ftp_url.clone()),
        Side::Local(via_ftp.clone()),
        &opts,
        "pull",
    )
    .await?;
    ok &= s.exit_code == 0;
    let s = step(
        "pull over HTTP",
        Side::Url(http_url.clone()),
        Side::Local(via_http.clone()),
        &opts,
        "pull",
    )
    .await?;
    ok &= s.exit_code == 0;
    let same = same_tree(&server_root, &via_ftp).map_err(io)?
        && same_tree(&server_root, &via_http).map_err(io)?;
    println!("  both copies identical to the server tree: {same}");
    ok &= same;

    println!("2. no-op re-sync");
    let s = step(
        "re-pull over FTP",
        Side::Url(ftp_url.clone()),
        Side::Local(via_ftp.clone()),
        &opts,
        "pull",
    )
    .await?;
    ok &= s.copied == 0;

    println!("3. server-side changes");
    let changes = modify_tree(&server_root, &tree, 20, 7).map_err(io)?;
    println!(
        "  changed {}, added {}, removed {} files on the server",
        changes.modified.len(),
        changes.added.len(),
        changes.removed.len()
    );
    let mut del = opts.clone();
    del.delete = true;
    let s = step(
        "incremental pull over FTP --delete",
        Side::Url(ftp_url.clone()),
        Side::Local(via_ftp.clone()),
        &del,
        "pull",
    )
    .await?;
    ok &= s.exit_code == 0;
    let s = step(
        "incremental pull over HTTP --delete",
        Side::Url(http_url.clone()),
        Side::Local(via_http.clone()),
        &del,
        "pull",
    )
    .await?;
    ok &= s.exit_code == 0;
    let same = same_tree(&server_root, &via_ftp).map_err(io)?
        && same_tree(&server_root, &via_http).map_err(io)?;
    println!("  both copies identical to the server tree again: {same}");
    ok &= same;

    println!("4. push a change back over FTP");
    let changed = list_files(&via_ftp).map_err(io)?;
    if let Some((path, _)) = changed.first() {
        std::fs::write(via_ftp.join(path), b"changed locally by the demo\n").map_err(io)?;
        println!("  changed {path} locally");
    }
    match step(
        "push over FTP",
        Side::Local(via_ftp.clone()),
        Side::Url(ftp_url.clone()),
        &opts,
        "push",
    )
    .await
    {
        Ok(s) => {
            let same = same_tree(&server_root, &via_ftp).map_err(io)?;
            println!("  server tree identical to the local copy: {same}");
            ok &= s.exit_code == 0 && same;
        }
        Err(e) => {
            println!("  push failed: {e}");
            ok = false;
        }
    }
    println!(
        "{}",
        if ok {
            "demo: all steps as expected"
        } else {
            "demo: some steps went wrong (see above)"
        }
    );
    Ok(ok)
}
