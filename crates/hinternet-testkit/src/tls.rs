//! Throw-away TLS material: a test CA and server certificates, good and bad.
//!
//! ```no_run
//! use hinternet_testkit::tls::TestCa;
//! let ca = TestCa::new();
//! let good = ca.server_cert();        // localhost, 127.0.0.1, ::1, signed by `ca`
//! let trust_me = ca.cert_der();       // add this as a trusted root in the client
//! let bad = TestCa::self_signed_unknown(); // UnknownIssuer for a client trusting `ca`
//! # let _ = (good, trust_me, bad);
//! ```

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, SanType,
};
use rustls::{ClientConfig, RootCertStore, ServerConfig};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// A certificate authority made up for one test run.
///
/// Generating keys is cheap (ECDSA P-256 with ring), but [`TestCa::shared`] gives a
/// process-wide instance when tests don't care which CA they use.
pub struct TestCa {
    issuer: Issuer<'static, KeyPair>,
    cert_der: CertificateDer<'static>,
    cert_pem: String,
}

impl fmt::Debug for TestCa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestCa").finish_non_exhaustive()
    }
}

/// A server certificate chain and its private key.
#[derive(Clone)]
pub struct ServerCert {
    chain: Vec<CertificateDer<'static>>,
    key_der: Vec<u8>,
    cert_pem: String,
    key_pem: String,
}

impl fmt::Debug for ServerCert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerCert")
            .field("chain_len", &self.chain.len())
            .finish_non_exhaustive()
    }
}

/// The names every good server certificate covers.
fn loopback_names() -> (Vec<String>, Vec<IpAddr>) {
    (
        vec!["localhost".to_owned()],
        vec![
            IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(Ipv6Addr::LOCALHOST),
        ],
    )
}

fn leaf_params(
    dns: &[String],
    ips: &[IpAddr],
    cn: &str,
) -> Result<CertificateParams, rcgen::Error> {
    let mut params = CertificateParams::new(dns.to_vec())?;
    for ip in ips {
        params.subject_alt_names.push(SanType::IpAddress(*ip));
    }
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, cn);
    params.distinguished_name = dn;
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    Ok(params)
}

fn ca_params(cn: &str) -> CertificateParams {
    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, cn);
    dn.push(DnType::OrganizationName, "hinternet testkit");
    params.distinguished_name = dn;
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    params
}

impl TestCa {
    /// Generates a new CA (named "hinternet testkit CA …" with a unique suffix).
    ///
    /// # Panics
    /// If key generation fails (it does not with ring).
    pub fn new() -> Self {
        Self::try_new().expect("generating the test CA")
    }

    fn try_new() -> Result<Self, rcgen::Error> {
        let key = KeyPair::generate()?;
        // A distinct name per CA, so a client trusting one CA never mistakes another for it.
        static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let params = ca_params(&format!(
            "hinternet testkit CA {}-{n}-{nanos}",
            std::process::id()
        ));
        let cert = params.self_signed(&key)?;
        Ok(TestCa {
            cert_der: cert.der().clone(),
            cert_pem: cert.pem(),
            issuer: Issuer::new(params, key),
        })
    }

    /// A process-wide CA shared by all callers.
    pub fn shared() -> &'static TestCa {
        static CA: OnceLock<TestCa> = OnceLock::new();
        CA.get_or_init(TestCa::new)
    }

    /// The CA certificate, DER-encoded (for `RootCertStore::add`).
    pub fn cert_der(&self) -> CertificateDer<'static> {
        self.cert_der.clone()
    }

    /// The CA certificate, PEM-encoded.
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// Writes the CA certificate as PEM to `path`.
    ///
    /// # Errors
    /// I/O errors from writing the file.
    pub fn write_pem(&self, path: &Path) -> io::Result<()> {
        std::fs::write(path, &self.cert_pem)
    }

    /// A rustls root store containing only this CA.
    pub fn root_store(&self) -> RootCertStore {
        let mut roots = RootCertStore::empty();
        roots
            .add(self.cert_der())
            .expect("the test CA certificate is well-formed");
        roots
    }

    /// A rustls client configuration (ring provider) trusting only this CA, offering ALPN
    /// h2 and http/1.1 — convenient for the testkit's own tests and for client tests that
    /// need a reference client.
    pub fn client_config(&self) -> ClientConfig {
        crate::install_crypto_provider();
        let mut cfg = ClientConfig::builder()
            .with_root_certificates(self.root_store())
            .with_no_client_auth();
        cfg.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        cfg
    }

    fn issue(&self, params: CertificateParams) -> Result<ServerCert, rcgen::Error> {
        let key = KeyPair::generate()?;
        let cert = params.signed_by(&key, &self.issuer)?;
        Ok(ServerCert {
            chain: vec![cert.der().clone(), self.cert_der.clone()],
            key_der: key.serialize_der(),
            cert_pem: format!("{}{}", cert.pem(), self.cert_pem),
            key_pem: key.serialize_pem(),
        })
    }

    /// A valid server certificate for `localhost`, `127.0.0.1` and `::1`.
    pub fn server_cert(&self) -> ServerCert {
        let (dns, ips) = loopback_names();
        self.issue(leaf_params(&dns, &ips, "localhost").expect("params"))
            .expect("issuing the server certificate")
    }

    /// A server certificate for the given names (DNS names and IP literals mixed).
    pub fn cert_for(&self, names: &[&str]) -> ServerCert {
        let mut dns = Vec::new();
        let mut ips = Vec::new();
        for n in names {
            match n.parse::<IpAddr>() {
                Ok(ip) => ips.push(ip),
                Err(_) => dns.push((*n).to_owned()),
            }
        }
        let cn = names.first().copied().unwrap_or("testkit");
        self.issue(leaf_params(&dns, &ips, cn).expect("params"))
            .expect("issuing the certificate")
    }

    /// A certificate signed by this CA but for `wrong.host.invalid` only, so a client
    /// connecting to localhost/127.0.0.1 must reject it for a name mismatch.
    pub fn wrong_host_cert(&self) -> ServerCert {
        self.cert_for(&["wrong.host.invalid"])
    }

    /// A certificate for the loopback names, signed by this CA, that expired in 2001.
    pub fn expired_cert(&self) -> ServerCert {
        let (dns, ips) = loopback_names();
        let mut params = leaf_params(&dns, &ips, "localhost").expect("params");
        params.not_before = rcgen::date_time_ymd(2000, 1, 1);
        params.not_after = rcgen::date_time_ymd(2001, 1, 1);
        self.issue(params).expect("issuing the expired certificate")
    }

    /// A certificate for the loopback names that is not yet valid (from 2100).
    pub fn not_yet_valid_cert(&self) -> ServerCert {
        let (dns, ips) = loopback_names();
        let mut params = leaf_params(&dns, &ips, "localhost").expect("params");
        params.not_before = rcgen::date_time_ymd(2100, 1, 1);
        params.not_after = rcgen::date_time_ymd(2101, 1, 1);
        self.issue(params).expect("issuing the future certificate")
    }

    /// A self-signed certificate for the loopback names from no known CA, so a client must
    /// reject it as an unknown issuer.
    pub fn self_signed_unknown() -> ServerCert {
        let (dns, ips) = loopback_names();
        let params = leaf_params(&dns, &ips, "localhost").expect("params");
        let key = KeyPair::generate().expect("key");
        let cert = params.self_signed(&key).expect("self-signed certificate");
        ServerCert {
            chain: vec![cert.der().clone()],
            key_der: key.serialize_der(),
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        }
    }
}

impl Default for TestCa {
    fn default() -> Self {
        Self::new()
    }
}

impl ServerCert {
    /// The certificate chain (leaf first), DER-encoded.
    pub fn chain_der(&self) -> &[CertificateDer<'static>] {
        &self.chain
    }

    /// The leaf certificate, DER-encoded.
    pub fn leaf_der(&self) -> &CertificateDer<'static> {
        &self.chain[0]
    }

    /// The chain as PEM (leaf first).
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// The private key as PKCS#8 PEM.
    pub fn key_pem(&self) -> &str {
        &self.key_pem
    }

    /// The private key, PKCS#8 DER.
    pub fn key_der(&self) -> PrivateKeyDer<'static> {
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key_der.clone()))
    }

    /// Writes `cert.pem` and `key.pem` into `dir`; returns their paths (libunftp's FTPS
    /// configuration takes files).
    ///
    /// # Errors
    /// I/O errors from writing the files.
    pub fn write_pem_files(&self, dir: &Path) -> io::Result<(PathBuf, PathBuf)> {
        let cert = dir.join("cert.pem");
        let key = dir.join("key.pem");
        std::fs::write(&cert, &self.cert_pem)?;
        std::fs::write(&key, &self.key_pem)?;
        Ok((cert, key))
    }

    /// A rustls server configuration (ring provider) presenting this certificate and
    /// offering the given ALPN protocols (e.g. `[b"h2", b"http/1.1"]`).
    pub fn server_config(&self, alpn: &[&[u8]]) -> Arc<ServerConfig> {
        crate::install_crypto_provider();
        let mut cfg = ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(self.chain.clone(), self.key_der())
            .expect("the generated certificate and key match");
        cfg.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
        Arc::new(cfg)
    }
}
