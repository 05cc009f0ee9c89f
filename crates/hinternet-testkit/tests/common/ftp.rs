//! A minimal FTP control-connection client for the testkit's own tests.
#![allow(dead_code)]

use std::net::SocketAddr;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};

pub struct Control<S> {
    io: BufReader<S>,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Control<S> {
    pub fn new(s: S) -> Self {
        Control {
            io: BufReader::new(s),
        }
    }

    pub fn into_inner(self) -> S {
        self.io.into_inner()
    }

    /// Reads one (possibly multi-line) reply; returns (code, full text).
    pub async fn reply(&mut self) -> (u16, String) {
        let mut all = String::new();
        let mut first = String::new();
        self.io.read_line(&mut first).await.unwrap();
        all.push_str(&first);
        let code: u16 = first.get(..3).and_then(|c| c.parse().ok()).unwrap_or(0);
        if first.as_bytes().get(3) == Some(&b'-') {
            for _ in 0..1000 {
                let mut l = String::new();
                if self.io.read_line(&mut l).await.unwrap() == 0 {
                    break;
                }
                all.push_str(&l);
                if l.starts_with(&format!("{code} ")) {
                    break;
                }
            }
        }
        (code, all)
    }

    pub async fn send(&mut self, cmd: &str) {
        self.io
            .get_mut()
            .write_all(format!("{cmd}\r\n").as_bytes())
            .await
            .unwrap();
    }

    pub async fn cmd(&mut self, cmd: &str) -> (u16, String) {
        self.send(cmd).await;
        self.reply().await
    }

    /// PASV, returning the data address (the port from the reply, the IP of `control`).
    pub async fn pasv(&mut self, control: SocketAddr) -> SocketAddr {
        let (code, text) = self.cmd("PASV").await;
        assert_eq!(code, 227, "{text}");
        let inside = &text[text.find('(').unwrap() + 1..text.find(')').unwrap()];
        let n: Vec<u16> = inside
            .split(',')
            .map(|x| x.trim().parse().unwrap())
            .collect();
        SocketAddr::new(control.ip(), n[4] * 256 + n[5])
    }
}
