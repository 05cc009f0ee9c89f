//! The transcript-replaying FTP peer.

#[path = "common/ftp.rs"]
mod ftp;

use ftp::Control;
use hinternet_testkit::Signal;
use hinternet_testkit::ftp::{FtpScript, Step};
use std::net::Ipv4Addr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

async fn connect(addr: std::net::SocketAddr) -> Control<TcpStream> {
    let mut c = Control::new(TcpStream::connect(addr).await.unwrap());
    assert_eq!(c.reply().await.0, 220);
    c
}

#[tokio::test]
async fn transcript_with_foreign_pasv_address() {
    let s = FtpScript::new()
        .login()
        .step(Step::new("TYPE I").reply("200 binary"))
        .step(Step::new("PASV").pasv(Ipv4Addr::new(10, 1, 2, 3)))
        .step(
            Step::new("RETR a.bin")
                .reply("150 here")
                .send(&b"payload"[..])
                .then_reply("226 done"),
        )
        .step(Step::new("QUIT").reply("221 bye").close())
        .start()
        .await
        .unwrap();
    let mut c = connect(s.addr()).await;
    assert_eq!(c.cmd("USER joe").await.0, 331);
    assert_eq!(c.cmd("PASS pw").await.0, 230);
    assert_eq!(c.cmd("TYPE I").await.0, 200);
    let (code, text) = c.cmd("PASV").await;
    assert_eq!(code, 227);
    assert!(text.contains("(10,1,2,3,"), "{text}");
    // Ignore the advertised address: connect to the control peer's address.
    let data = c.pasv_addr_from(&text, s.addr());
    let mut d = TcpStream::connect(data).await.unwrap();
    assert_eq!(c.cmd("RETR a.bin").await.0, 150);
    let mut got = Vec::new();
    d.read_to_end(&mut got).await.unwrap();
    assert_eq!(got, b"payload");
    assert_eq!(c.reply().await.0, 226);
    assert_eq!(c.cmd("QUIT").await.0, 221);
    assert_eq!(
        s.transcript(),
        "USER joe\nPASS pw\nTYPE I\nPASV\nRETR a.bin\nQUIT"
    );
    assert!(s.mismatches().is_empty());
    assert_eq!(s.completed(), 1);
}

trait PasvAddr {
    fn pasv_addr_from(&self, text: &str, control: std::net::SocketAddr) -> std::net::SocketAddr;
}

impl<S> PasvAddr for Control<S> {
    fn pasv_addr_from(&self, text: &str, control: std::net::SocketAddr) -> std::net::SocketAddr {
        let inside = &text[text.find('(').unwrap() + 1..text.find(')').unwrap()];
        let n: Vec<u16> = inside
            .split(',')
            .map(|x| x.trim().parse().unwrap())
            .collect();
        std::net::SocketAddr::new(control.ip(), n[4] * 256 + n[5])
    }
}

#[tokio::test]
async fn mismatch_gets_500_and_is_recorded() {
    let s = FtpScript::new()
        .step(Step::new("USER").reply("331 ok"))
        .start()
        .await
        .unwrap();
    let mut c = connect(s.addr()).await;
    assert_eq!(c.cmd("SYST").await.0, 500);
    assert_eq!(c.cmd("USER x").await.0, 331);
    assert_eq!(c.cmd("NOOP").await.0, 502); // script ended
    assert_eq!(s.mismatches().len(), 1);
    assert_eq!(s.commands(), ["SYST", "USER x", "NOOP"]);
}

#[tokio::test]
async fn raw_replies_are_sent_verbatim() {
    let s = FtpScript::new()
        .greeting_raw("220-multi\n220-line with bare LF\r\r\n220 end\r\n")
        .step(Step::new("USER").reply_raw("no code at all\r\n"))
        .start()
        .await
        .unwrap();
    let mut tcp = TcpStream::connect(s.addr()).await.unwrap();
    let mut buf = vec![0u8; 256];
    let mut got = Vec::new();
    while !got.ends_with(b"220 end\r\n") {
        let n = tcp.read(&mut buf).await.unwrap();
        assert!(n > 0);
        got.extend_from_slice(&buf[..n]);
    }
    assert_eq!(got, b"220-multi\n220-line with bare LF\r\r\n220 end\r\n");
    tcp.write_all(b"USER a\r\n").await.unwrap();
    let n = tcp.read(&mut buf).await.unwrap();
    assert_eq!(&buf[..n], b"no code at all\r\n");
}

#[tokio::test]
async fn epsv_stall_after_150_and_no_226() {
    let release = Signal::new();
    let replied = Signal::new();
    let s = FtpScript::new()
        .step(Step::new("EPSV").epsv())
        .step(
            Step::new("LIST")
                .reply("150 listing")
                .fire(&replied)
                .stall_before_data(&release)
                .send(&b"-rw-r--r-- 1 a a 5 Jan 01 2020 x\r\n"[..]),
        )
        .start()
        .await
        .unwrap();
    let mut c = connect(s.addr()).await;
    let (code, text) = c.cmd("EPSV").await;
    assert_eq!(code, 229);
    let port: u16 = text
        .split("|||")
        .nth(1)
        .unwrap()
        .trim_end_matches([')', '|', '\r', '\n'])
        .trim_end_matches('|')
        .parse()
        .unwrap();
    let mut d = TcpStream::connect((s.addr().ip(), port)).await.unwrap();
    assert_eq!(c.cmd("LIST").await.0, 150);
    replied.wait().await;
    let read = tokio::spawn(async move {
        let mut v = Vec::new();
        d.read_to_end(&mut v).await.unwrap();
        v
    });
    assert!(!read.is_finished());
    release.fire();
    let v = read.await.unwrap();
    assert!(v.starts_with(b"-rw-r--r--"));
    // No final reply: the script has ended, the next command gets 502.
    assert_eq!(c.cmd("NOOP").await.0, 502);
}

#[tokio::test]
async fn reset_data_mid_transfer_and_receive_upload() {
    let s = FtpScript::new()
        .step(Step::new("PASV").pasv(Ipv4Addr::LOCALHOST))
        .step(
            Step::new("RETR")
                .reply("150 go")
                .send_then_reset(vec![1u8; 100_000], 1000)
                .then_reply("426 reset"),
        )
        .step(Step::new("PASV").pasv(Ipv4Addr::LOCALHOST))
        .step(
            Step::new("STOR")
                .reply("150 send")
                .receive()
                .then_reply("226 got it"),
        )
        .start()
        .await
        .unwrap();
    let mut c = connect(s.addr()).await;
    let data = c.pasv(s.addr()).await;
    let mut d = TcpStream::connect(data).await.unwrap();
    assert_eq!(c.cmd("RETR f").await.0, 150);
    let mut got = 0;
    let mut buf = vec![0u8; 4096];
    let end = loop {
        match d.read(&mut buf).await {
            Ok(0) => break Ok(()),
            Ok(n) => got += n,
            Err(e) => break Err(e),
        }
    };
    assert_eq!(end.unwrap_err().kind(), std::io::ErrorKind::ConnectionReset);
    assert!(got <= 1000);
    assert_eq!(c.reply().await.0, 426);

    let data = c.pasv(s.addr()).await;
    let mut d = TcpStream::connect(data).await.unwrap();
    assert_eq!(c.cmd("STOR up").await.0, 150);
    d.write_all(b"upload body").await.unwrap();
    d.shutdown().await.unwrap();
    drop(d);
    assert_eq!(c.reply().await.0, 226);
    assert_eq!(s.received(), [bytes::Bytes::from_static(b"upload body")]);
}

#[tokio::test]
async fn active_port_target() {
    let s = FtpScript::new()
        .step(Step::new("PORT").active())
        .step(
            Step::new("NLST")
                .reply("150 names")
                .send(&b"a\r\nb\r\n"[..])
                .then_reply("226 ok"),
        )
        .start()
        .await
        .unwrap();
    let mut c = connect(s.addr()).await;
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let p = l.local_addr().unwrap().port();
    assert_eq!(
        c.cmd(&format!("PORT 127,0,0,1,{},{}", p >> 8, p & 0xff))
            .await
            .0,
        200
    );
    c.send("NLST").await;
    let (mut d, _) = l.accept().await.unwrap();
    assert_eq!(c.reply().await.0, 150);
    let mut v = Vec::new();
    d.read_to_end(&mut v).await.unwrap();
    assert_eq!(v, b"a\r\nb\r\n");
    assert_eq!(c.reply().await.0, 226);
}

#[test]
fn blocking_script_server() {
    use std::io::{BufRead, BufReader, Write};
    let s = FtpScript::new()
        .greeting("220 hi")
        .step(Step::new("USER").reply("230 in").close())
        .start_blocking()
        .unwrap();
    let tcp = std::net::TcpStream::connect(s.addr()).unwrap();
    let mut r = BufReader::new(tcp.try_clone().unwrap());
    let mut w = tcp;
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    assert_eq!(line, "220 hi\r\n");
    w.write_all(b"USER u\r\n").unwrap();
    line.clear();
    r.read_line(&mut line).unwrap();
    assert_eq!(line, "230 in\r\n");
    line.clear();
    assert_eq!(r.read_line(&mut line).unwrap(), 0);
    assert_eq!(s.commands(), ["USER u"]);
}
