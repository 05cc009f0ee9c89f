//! TLS material and the HTTPS server (HTTP/1.1 and HTTP/2 by ALPN).

mod common;

use bytes::Bytes;
use common::Conn;
use hinternet_testkit::http::{Reply, Routes, TestServer};
use hinternet_testkit::tls::{ServerCert, TestCa};
use http_body_util::{BodyExt, Empty};
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls_pki_types::ServerName;
use std::sync::Arc;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

async fn connect(
    ca: &TestCa,
    addr: std::net::SocketAddr,
    name: &str,
    alpn: &[&[u8]],
) -> std::io::Result<TlsStream<TcpStream>> {
    let mut cfg = ca.client_config();
    cfg.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    let tcp = TcpStream::connect(addr).await?;
    TlsConnector::from(Arc::new(cfg))
        .connect(ServerName::try_from(name.to_owned()).unwrap(), tcp)
        .await
}

fn routes() -> Routes {
    Routes::new().route("/", Reply::text("secure"))
}

#[tokio::test]
async fn https_http1_by_name_and_ip() {
    let ca = TestCa::new();
    let s = TestServer::start_tls(routes(), &ca.server_cert())
        .await
        .unwrap();
    assert!(s.url("/").starts_with("https://127.0.0.1:"));
    for name in ["localhost", "127.0.0.1"] {
        let tls = connect(&ca, s.addr(), name, &[b"http/1.1"]).await.unwrap();
        assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"http/1.1"[..]));
        let mut c = Conn::over(tls, "localhost".into()).await;
        assert_eq!(c.get("/").await.text(), "secure");
    }
}

#[tokio::test]
async fn https_http2_by_alpn() {
    let ca = TestCa::new();
    let s = TestServer::start_tls(routes(), &ca.server_cert())
        .await
        .unwrap();
    let tls = connect(&ca, s.addr(), "localhost", &[b"h2", b"http/1.1"])
        .await
        .unwrap();
    assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"h2"[..]));
    let (mut send, conn) =
        hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(tls))
            .await
            .unwrap();
    tokio::spawn(conn);
    let req = http::Request::builder()
        .uri(format!("https://localhost:{}/", s.port()))
        .body(Empty::<Bytes>::new())
        .unwrap();
    let resp = send.send_request(req).await.unwrap();
    assert_eq!(resp.status(), 200);
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&body[..], b"secure");
    assert_eq!(s.requests()[0].version, "HTTP/2.0");
}

#[tokio::test]
async fn http1_only_server_refuses_h2() {
    let ca = TestCa::shared();
    let s = TestServer::builder(routes())
        .tls(&ca.server_cert())
        .http1_only()
        .start()
        .await
        .unwrap();
    let tls = connect(ca, s.addr(), "localhost", &[b"h2", b"http/1.1"])
        .await
        .unwrap();
    assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"http/1.1"[..]));
}

async fn rejected(ca: &TestCa, cert: ServerCert, name: &str) -> String {
    let s = TestServer::start_tls(routes(), &cert).await.unwrap();
    let err = connect(ca, s.addr(), name, &[b"http/1.1"])
        .await
        .unwrap_err();
    format!("{err:?}")
}

#[tokio::test]
async fn bad_certificates_are_rejected() {
    let ca = TestCa::new();
    let e = rejected(&ca, ca.wrong_host_cert(), "localhost").await;
    assert!(e.contains("NotValidForName"), "{e}");
    let e = rejected(&ca, ca.expired_cert(), "localhost").await;
    assert!(e.contains("Expired"), "{e}");
    let e = rejected(&ca, ca.not_yet_valid_cert(), "localhost").await;
    assert!(e.contains("NotValidYet"), "{e}");
    let e = rejected(&ca, TestCa::self_signed_unknown(), "localhost").await;
    assert!(e.contains("UnknownIssuer"), "{e}");
    // A certificate from another CA is unknown too.
    let e = rejected(&ca, TestCa::new().server_cert(), "localhost").await;
    assert!(e.contains("UnknownIssuer"), "{e}");
}

#[test]
fn pem_and_der_material() {
    let ca = TestCa::new();
    assert!(ca.cert_pem().starts_with("-----BEGIN CERTIFICATE-----"));
    assert!(!ca.cert_der().is_empty());
    let cert = ca.server_cert();
    assert_eq!(cert.chain_der().len(), 2);
    assert!(cert.key_pem().contains("PRIVATE KEY"));
    let dir = tempfile::tempdir().unwrap();
    let (c, k) = cert.write_pem_files(dir.path()).unwrap();
    assert!(c.exists() && k.exists());
    ca.write_pem(&dir.path().join("ca.pem")).unwrap();
    use rustls_pki_types::pem::PemObject;
    let parsed =
        rustls_pki_types::CertificateDer::from_pem_file(dir.path().join("ca.pem")).unwrap();
    assert_eq!(parsed, ca.cert_der());
}

#[test]
fn blocking_tls_server() {
    let ca = TestCa::shared();
    let s = TestServer::start_tls_blocking(routes(), &ca.server_cert()).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let tls = connect(ca, s.addr(), "localhost", &[b"http/1.1"])
            .await
            .unwrap();
        let mut c = Conn::over(tls, "localhost".into()).await;
        assert_eq!(c.get("/").await.text(), "secure");
    });
}

#[tokio::test]
async fn connect_tunnel_through_an_authenticating_proxy() {
    use base64::Engine;
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let ca = TestCa::shared();
    let origin = TestServer::start_tls(routes(), &ca.server_cert())
        .await
        .unwrap();
    let proxy = TestServer::start(Routes::new().route_method(
        "CONNECT",
        "*",
        Reply::proxy_basic_auth("px", "u", "p", Reply::tunnel()),
    ))
    .await
    .unwrap();
    let connect = |auth: bool| {
        let mut r = format!(
            "CONNECT localhost:{0} HTTP/1.1\r\nHost: localhost:{0}\r\n",
            origin.port()
        );
        if auth {
            let cred = base64::engine::general_purpose::STANDARD.encode("u:p");
            r.push_str(&format!("Proxy-Authorization: Basic {cred}\r\n"));
        }
        r.push_str("\r\n");
        r
    };
    // Without credentials: 407.
    let mut tcp = BufReader::new(TcpStream::connect(proxy.addr()).await.unwrap());
    tcp.get_mut()
        .write_all(connect(false).as_bytes())
        .await
        .unwrap();
    let mut line = String::new();
    tcp.read_line(&mut line).await.unwrap();
    assert!(line.starts_with("HTTP/1.1 407"), "{line}");
    // With credentials: 200, then TLS to the origin through the tunnel.
    let mut tcp = BufReader::new(TcpStream::connect(proxy.addr()).await.unwrap());
    tcp.get_mut()
        .write_all(connect(true).as_bytes())
        .await
        .unwrap();
    line.clear();
    tcp.read_line(&mut line).await.unwrap();
    assert!(line.starts_with("HTTP/1.1 200"), "{line}");
    loop {
        line.clear();
        tcp.read_line(&mut line).await.unwrap();
        if line == "\r\n" {
            break;
        }
    }
    let tcp = tcp.into_inner();
    let mut cfg = ca.client_config();
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    let tls = TlsConnector::from(Arc::new(cfg))
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .unwrap();
    let mut c = Conn::over(tls, "localhost".into()).await;
    assert_eq!(c.get("/").await.text(), "secure");
    assert_eq!(proxy.requests()[1].method, "CONNECT");
    assert_eq!(
        proxy.requests()[1].target,
        format!("localhost:{}", origin.port())
    );
}
