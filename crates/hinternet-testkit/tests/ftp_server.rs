//! The libunftp-based FTP server, driven over raw control connections.

#[path = "common/ftp.rs"]
mod ftp;

use ftp::Control;
use hinternet_testkit::ftp::{DEFAULT_PASSWORD, DEFAULT_USER, FtpServer};
use hinternet_testkit::pattern;
use hinternet_testkit::tls::TestCa;
use rustls_pki_types::ServerName;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

async fn login(s: &FtpServer) -> Control<TcpStream> {
    let mut c = Control::new(TcpStream::connect(s.addr()).await.unwrap());
    assert_eq!(c.reply().await.0, 220);
    assert_eq!(c.cmd(&format!("USER {DEFAULT_USER}")).await.0, 331);
    assert_eq!(c.cmd(&format!("PASS {DEFAULT_PASSWORD}")).await.0, 230);
    c
}

#[tokio::test]
async fn login_pwd_quit_and_bad_password() {
    let s = FtpServer::start().await.unwrap();
    assert!(s.url("/").starts_with("ftp://127.0.0.1:"));
    let mut c = login(&s).await;
    let (code, text) = c.cmd("PWD").await;
    assert_eq!(code, 257, "{text}");
    assert!(text.contains("\"/\""));
    assert_eq!(c.cmd("QUIT").await.0, 221);

    let mut c = Control::new(TcpStream::connect(s.addr()).await.unwrap());
    c.reply().await;
    assert_eq!(c.cmd("USER user").await.0, 331);
    assert_eq!(c.cmd("PASS wrong").await.0, 530);
    assert_eq!(s.connections_accepted(), 2);
}

#[tokio::test]
async fn anonymous_and_extra_users() {
    let s = FtpServer::builder()
        .user("alice", "a1")
        .anonymous(true)
        .start()
        .await
        .unwrap();
    for (u, p, want) in [
        ("anonymous", "x@y", 230),
        ("alice", "a1", 230),
        ("user", "password", 530),
    ] {
        let mut c = Control::new(TcpStream::connect(s.addr()).await.unwrap());
        c.reply().await;
        c.cmd(&format!("USER {u}")).await;
        assert_eq!(c.cmd(&format!("PASS {p}")).await.0, want, "{u}");
    }
}

#[tokio::test]
async fn passive_retr_stor_and_list() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("data.bin"), pattern::bytes(0, 200_000)).unwrap();
    let s = FtpServer::builder().root(dir.path()).start().await.unwrap();
    assert_eq!(s.root(), dir.path());
    let mut c = login(&s).await;
    assert_eq!(c.cmd("TYPE I").await.0, 200);

    let data = c.pasv(s.addr()).await;
    let mut d = TcpStream::connect(data).await.unwrap();
    assert_eq!(c.cmd("RETR data.bin").await.0, 150);
    let mut got = Vec::new();
    d.read_to_end(&mut got).await.unwrap();
    assert_eq!(c.reply().await.0, 226);
    assert_eq!(got.len(), 200_000);
    assert_eq!(pattern::check(0, &got), None);

    let data = c.pasv(s.addr()).await;
    let mut d = TcpStream::connect(data).await.unwrap();
    assert_eq!(c.cmd("STOR up.txt").await.0, 150);
    d.write_all(b"uploaded").await.unwrap();
    d.shutdown().await.unwrap();
    drop(d);
    assert_eq!(c.reply().await.0, 226);
    assert_eq!(
        std::fs::read(dir.path().join("up.txt")).unwrap(),
        b"uploaded"
    );

    let data = c.pasv(s.addr()).await;
    let mut d = TcpStream::connect(data).await.unwrap();
    assert_eq!(c.cmd("LIST").await.0, 150);
    let mut listing = String::new();
    d.read_to_string(&mut listing).await.unwrap();
    assert_eq!(c.reply().await.0, 226);
    assert!(
        listing.contains("data.bin") && listing.contains("up.txt"),
        "{listing}"
    );
}

#[tokio::test]
async fn active_mode_connects_back() {
    let s = FtpServer::start().await.unwrap();
    std::fs::write(s.root().join("a.txt"), b"active!").unwrap();
    let mut c = login(&s).await;
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let p = l.local_addr().unwrap().port();
    let (code, text) = c
        .cmd(&format!("PORT 127,0,0,1,{},{}", p >> 8, p & 0xff))
        .await;
    assert_eq!(code, 200, "{text}");
    c.send("RETR a.txt").await;
    let (mut d, _) = l.accept().await.unwrap();
    assert_eq!(c.reply().await.0, 150);
    let mut got = Vec::new();
    d.read_to_end(&mut got).await.unwrap();
    assert_eq!(got, b"active!");
    assert_eq!(c.reply().await.0, 226);
}

#[tokio::test]
async fn explicit_ftps() {
    let ca = TestCa::new();
    let s = FtpServer::builder()
        .ftps(&ca.server_cert())
        .start()
        .await
        .unwrap();
    assert!(s.is_tls());
    let mut c = Control::new(TcpStream::connect(s.addr()).await.unwrap());
    c.reply().await;
    let (code, text) = c.cmd("AUTH TLS").await;
    assert_eq!(code, 234, "{text}");
    let mut cfg = ca.client_config();
    cfg.alpn_protocols.clear();
    let tls = tokio_rustls::TlsConnector::from(Arc::new(cfg))
        .connect(ServerName::try_from("localhost").unwrap(), c.into_inner())
        .await
        .unwrap();
    let mut c = Control::new(tls);
    assert_eq!(c.cmd("USER user").await.0, 331);
    assert_eq!(c.cmd("PASS password").await.0, 230);
    assert_eq!(c.cmd("PBSZ 0").await.0, 200);
    assert_eq!(c.cmd("PROT P").await.0, 200);
    assert_eq!(c.cmd("PWD").await.0, 257);
    // A protected data channel.
    std::fs::write(s.root().join("secret.bin"), pattern::bytes(0, 100_000)).unwrap();
    assert_eq!(c.cmd("TYPE I").await.0, 200);
    let data = c.pasv(s.addr()).await;
    let d = TcpStream::connect(data).await.unwrap();
    assert_eq!(c.cmd("RETR secret.bin").await.0, 150);
    let mut cfg = ca.client_config();
    cfg.alpn_protocols.clear();
    let mut d = tokio_rustls::TlsConnector::from(Arc::new(cfg))
        .connect(ServerName::try_from("localhost").unwrap(), d)
        .await
        .unwrap();
    let mut got = Vec::new();
    // libunftp may end the data channel without close_notify; keep what arrived.
    let _ = d.read_to_end(&mut got).await;
    assert_eq!(got.len(), 100_000);
    assert_eq!(pattern::check(0, &got), None);
    assert_eq!(c.reply().await.0, 226);
}

#[tokio::test]
async fn stop_mid_transfer_closes_everything() {
    let mut s = FtpServer::start().await.unwrap();
    std::fs::write(s.root().join("big.bin"), pattern::bytes(0, 32 << 20)).unwrap();
    let addr = s.addr();
    let mut c = login(&s).await;
    c.cmd("TYPE I").await;
    let data = c.pasv(addr).await;
    let mut d = TcpStream::connect(data).await.unwrap();
    assert_eq!(c.cmd("RETR big.bin").await.0, 150);
    let mut buf = vec![0u8; 4096];
    let n = d.read(&mut buf).await.unwrap();
    assert!(n > 0);
    s.stop().await;
    assert!(!s.is_running());
    // The data connection ends well short of 32 MiB (EOF or reset), the port refuses.
    let mut total = n;
    loop {
        match d.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(k) => total += k,
        }
    }
    assert!(total < 32 << 20, "the whole file arrived after stop");
    assert!(TcpStream::connect(addr).await.is_err());
    s.stop().await; // idempotent
}

#[test]
fn blocking_server_from_a_plain_thread() {
    use std::io::{BufRead, BufReader, Write};
    let mut s = FtpServer::start_blocking().unwrap();
    let tcp = std::net::TcpStream::connect(s.addr()).unwrap();
    let mut r = BufReader::new(tcp.try_clone().unwrap());
    let mut w = tcp;
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    assert!(line.starts_with("220"), "{line}");
    w.write_all(b"USER user\r\n").unwrap();
    line.clear();
    r.read_line(&mut line).unwrap();
    assert!(line.starts_with("331"), "{line}");
    let addr = s.addr();
    s.stop_blocking();
    assert!(std::net::TcpStream::connect(addr).is_err());
}
