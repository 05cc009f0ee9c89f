//! The Rust face of FTP sessions: `Internet::ftp(..).connect()` → `FtpSession` (async, and
//! blocking), listing streams / iterators, readers and writers, get/put, the file operations;
//! timeouts under paused tokio time.

mod ftp_common;

use std::time::Duration;

use ftp_common::{FtpScript, FtpServer, Step, script_login};
use futures_util::StreamExt;
use hinternet::consts::*;
use hinternet::{Internet, InternetBuilder};
use hinternet_testkit::Signal;
use hinternet_testkit::ftp::{DEFAULT_PASSWORD, DEFAULT_USER};
use hinternet_testkit::pattern;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn inet() -> Internet {
    InternetBuilder::default()
        .engine(ftp_common::engine())
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_async_session_lists_reads_writes_and_manages_files() {
    let server = FtpServer::start().await.unwrap();
    let data = pattern::bytes(0, 300_000);
    std::fs::write(server.root().join("a.bin"), &data).unwrap();
    let inet = inet();
    let ftp = inet
        .ftp("127.0.0.1")
        .port(server.port())
        .login(DEFAULT_USER, DEFAULT_PASSWORD)
        .connect()
        .await
        .unwrap();

    let names: Vec<String> = ftp
        .list(None)
        .await
        .unwrap()
        .map(|e| e.unwrap().name_lossy().into_owned())
        .collect()
        .await;
    assert_eq!(names, ["a.bin"]);
    assert_eq!(
        ftp.list(Some("*.zip"))
            .await
            .unwrap()
            .collect_all()
            .await
            .unwrap()
            .len(),
        0
    );

    let mut got = Vec::new();
    ftp.open_read("a.bin")
        .await
        .unwrap()
        .read_to_end(&mut got)
        .await
        .unwrap();
    assert!(got == data);
    let mut tail = Vec::new();
    ftp.open_read_at("a.bin", 299_000)
        .await
        .unwrap()
        .read_to_end(&mut tail)
        .await
        .unwrap();
    assert!(tail == data[299_000..]);

    let mut w = ftp.open_write("b.bin").await.unwrap();
    w.write_all(&data[..1000]).await.unwrap();
    assert_eq!(
        ftp.mkdir("busy").await.unwrap_err().code(),
        ERROR_FTP_TRANSFER_IN_PROGRESS
    );
    w.finish().await.unwrap();
    assert!(std::fs::read(server.root().join("b.bin")).unwrap() == data[..1000]);

    assert_eq!(ftp.size("a.bin").await.unwrap(), 300_000);
    assert!(ftp.modified("a.bin").await.is_ok());
    ftp.mkdir("d").await.unwrap();
    ftp.cwd("d").await.unwrap();
    assert_eq!(ftp.pwd().await.unwrap(), "/d");
    ftp.cwd("/").await.unwrap();
    ftp.rename("b.bin", "d/c.bin").await.unwrap();
    ftp.delete("d/c.bin").await.unwrap();
    ftp.rmdir("d").await.unwrap();
    assert!(ftp.command("NOOP").await.unwrap().starts_with("200"));

    let dir = tempfile::tempdir().unwrap();
    ftp.get("a.bin", dir.path().join("a.bin")).await.unwrap();
    assert!(std::fs::read(dir.path().join("a.bin")).unwrap() == data);
    ftp.put(dir.path().join("a.bin"), "copy.bin").await.unwrap();
    assert!(std::fs::read(server.root().join("copy.bin")).unwrap() == data);
    let err = ftp.delete("nope").await.unwrap_err();
    assert_eq!(err.code(), ERROR_INTERNET_EXTENDED_ERROR);
    assert!(ftp.last_reply().unwrap().starts_with("550"));
    ftp.close().await.unwrap();
}

#[test]
fn a_blocking_session_lists_reads_and_writes() {
    use std::io::{Read, Write};
    let server = FtpServer::start_blocking().unwrap();
    std::fs::write(server.root().join("x.txt"), b"hello").unwrap();
    let inet = hinternet::blocking::Internet::builder()
        .engine(ftp_common::engine())
        .build()
        .unwrap();
    let ftp = inet
        .ftp("127.0.0.1")
        .port(server.port())
        .login(DEFAULT_USER, DEFAULT_PASSWORD)
        .connect()
        .unwrap();
    let names: Vec<_> = ftp.list(None).unwrap().map(|e| e.unwrap().name).collect();
    assert_eq!(names, [b"x.txt".to_vec()]);
    let mut s = String::new();
    ftp.open_read("x.txt")
        .unwrap()
        .read_to_string(&mut s)
        .unwrap();
    assert_eq!(s, "hello");
    let mut w = ftp.open_write("y.txt").unwrap();
    w.write_all(b"world").unwrap();
    w.finish().unwrap();
    assert_eq!(
        std::fs::read(server.root().join("y.txt")).unwrap(),
        b"world"
    );
    assert_eq!(ftp.pwd().unwrap(), "/");
    ftp.close().unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_stalled_reply_times_out_after_the_receive_timeout_in_paused_time() {
    let stall = Signal::new();
    let script = script_login(&[])
        .step(
            Step::new("MKD d")
                .stall_before_final(&stall)
                .then_reply("257 late"),
        )
        .start()
        .await
        .unwrap();
    let inet = inet();
    inet.set_timeout(INTERNET_OPTION_RECEIVE_TIMEOUT, Duration::from_secs(30))
        .unwrap();
    let ftp = inet
        .ftp("127.0.0.1")
        .port(script.port())
        .login("u", "p")
        .connect()
        .await
        .unwrap();
    let start = tokio::time::Instant::now();
    let err = ftp.mkdir("d").await.unwrap_err();
    assert_eq!(err.code(), ERROR_INTERNET_TIMEOUT);
    assert!(start.elapsed() >= Duration::from_secs(30));
    stall.fire();
}

#[tokio::test(start_paused = true)]
async fn a_download_that_stalls_times_out_after_the_data_receive_timeout_in_paused_time() {
    let stall = Signal::new();
    let script = script_login(&[])
        .step(Step::new("TYPE I").reply("200 ok"))
        .step(Step::new("EPSV").epsv())
        .step(
            Step::new("RETR f")
                .reply("150 go")
                .stall_before_data(&stall)
                .send(&b"x"[..]),
        )
        .start()
        .await
        .unwrap();
    let inet = inet();
    inet.set_timeout(
        INTERNET_OPTION_DATA_RECEIVE_TIMEOUT,
        Duration::from_secs(45),
    )
    .unwrap();
    let ftp = inet
        .ftp("127.0.0.1")
        .port(script.port())
        .login("u", "p")
        .connect()
        .await
        .unwrap();
    let mut r = ftp.open_read("f").await.unwrap();
    let start = tokio::time::Instant::now();
    let mut buf = [0u8; 10];
    let err = r.read(&mut buf).await.unwrap_err();
    assert_eq!(
        hinternet::error_of(&err).unwrap().code(),
        ERROR_INTERNET_TIMEOUT
    );
    assert!(start.elapsed() >= Duration::from_secs(45));
    stall.fire();
}

#[tokio::test(start_paused = true)]
async fn a_connect_to_a_silent_server_times_out_in_paused_time() {
    let script = FtpScript::new().greeting_raw("").start().await.unwrap();
    let inet = inet();
    inet.set_timeout(INTERNET_OPTION_RECEIVE_TIMEOUT, Duration::from_secs(20))
        .unwrap();
    let err = inet
        .connect_ftp("127.0.0.1", script.port())
        .await
        .unwrap_err();
    assert_eq!(err.code(), ERROR_INTERNET_TIMEOUT);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_a_reader_mid_transfer_aborts_it_and_the_next_call_waits_for_the_release() {
    let server = FtpServer::start().await.unwrap();
    let data = pattern::bytes(0, 4 << 20);
    std::fs::write(server.root().join("big.bin"), &data).unwrap();
    let inet = inet();
    let ftp = inet
        .ftp("127.0.0.1")
        .port(server.port())
        .login(DEFAULT_USER, DEFAULT_PASSWORD)
        .connect()
        .await
        .unwrap();
    for _ in 0..3 {
        let mut r = ftp.open_read("big.bin").await.unwrap();
        let mut head = [0u8; 1000];
        r.read_exact(&mut head).await.unwrap();
        assert_eq!(&head[..], &data[..1000]);
        drop(r);
        // The reader's handle is closed; its release (ABOR) runs in the background and the
        // next call waits for it instead of failing with ERROR_FTP_TRANSFER_IN_PROGRESS.
        assert_eq!(ftp.pwd().await.unwrap(), "/");
        let names: Vec<_> = ftp.list(None).await.unwrap().collect_all().await.unwrap();
        assert_eq!(names.len(), 1);
    }
    // While a reader is open, the session is busy.
    let _r = ftp.open_read("big.bin").await.unwrap();
    assert_eq!(
        ftp.pwd().await.unwrap_err().code(),
        ERROR_FTP_TRANSFER_IN_PROGRESS
    );
}
