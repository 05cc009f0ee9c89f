//! TLS: rustls (ring) with the webpki roots plus roots added at run time, per-request opt-outs
//! (`INTERNET_FLAG_IGNORE_CERT_*`, `SECURITY_FLAG_IGNORE_*`) and the mapping of certificate
//! failures to WinINet's codes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use hinternet_core::Error;
use hinternet_core::consts::*;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};

/// The security flags that opt out of certificate checks.
pub const IGNORE_MASK: u32 = SECURITY_FLAG_IGNORE_UNKNOWN_CA
    | SECURITY_FLAG_IGNORE_CERT_CN_INVALID
    | SECURITY_FLAG_IGNORE_CERT_DATE_INVALID
    | SECURITY_FLAG_IGNORE_WRONG_USAGE
    | SECURITY_FLAG_IGNORE_REVOCATION;

type ConfigCache = Mutex<HashMap<(u64, u32), Arc<ClientConfig>>>;

fn cache() -> &'static ConfigCache {
    static CACHE: std::sync::OnceLock<ConfigCache> = std::sync::OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Trusts one more root certificate (DER) for every later TLS connection of the process
/// (HTTPS and FTPS), in addition to the webpki roots (tests trust their own CA this way).
///
/// # Errors
/// `ERROR_INVALID_PARAMETER` when the certificate cannot be parsed as a trust anchor.
pub fn add_root_certificate(der: &[u8]) -> hinternet_core::Result<()> {
    let mut probe = RootCertStore::empty();
    probe
        .add(CertificateDer::from(der.to_vec()))
        .map_err(|e| Error::new(ERROR_INVALID_PARAMETER).with_source(e))?;
    hinternet_core::trust::add_root_der(der);
    Ok(())
}

/// Trusts every certificate of a PEM bundle (`-----BEGIN CERTIFICATE-----` blocks) as
/// [`add_root_certificate`] does; returns how many were added.
///
/// # Errors
/// `ERROR_INVALID_PARAMETER` when the text holds no certificate or one that cannot be a trust
/// anchor (nothing is added then).
pub fn add_root_certificates_pem(pem: &[u8]) -> hinternet_core::Result<usize> {
    use rustls::pki_types::pem::PemObject;
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<_, _>>()
        .map_err(|e| Error::new(ERROR_INVALID_PARAMETER).with_context(format!("PEM: {e}")))?;
    if certs.is_empty() {
        return Err(
            Error::new(ERROR_INVALID_PARAMETER).with_context("no certificate in the PEM text")
        );
    }
    let mut probe = RootCertStore::empty();
    for c in &certs {
        probe
            .add(c.clone())
            .map_err(|e| Error::new(ERROR_INVALID_PARAMETER).with_source(e))?;
    }
    for c in &certs {
        hinternet_core::trust::add_root_der(c);
    }
    Ok(certs.len())
}

/// The webpki roots plus the process's added ones.
pub fn root_store() -> RootCertStore {
    let mut store = RootCertStore::empty();
    store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for der in hinternet_core::trust::roots_der() {
        let _ = store.add(CertificateDer::from(der.to_vec()));
    }
    store
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The client configuration for a request with the given security flags (only the ignore
/// bits matter); ALPN offers h2 and http/1.1.
pub(crate) fn client_config(security_flags: u32) -> Result<Arc<ClientConfig>, Error> {
    let ignore = security_flags & IGNORE_MASK;
    let key = (hinternet_core::trust::generation(), ignore);
    if let Some(c) = cache().lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
        return Ok(Arc::clone(c));
    }
    let store = root_store();
    let provider = provider();
    let inner = WebPkiServerVerifier::builder_with_provider(Arc::new(store), Arc::clone(&provider))
        .build()
        .map_err(|e| Error::new(ERROR_INTERNET_SECURITY_CHANNEL_ERROR).with_source(e))?;
    let verifier = Arc::new(FlagVerifier { inner, ignore });
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::new(ERROR_INTERNET_SECURITY_CHANNEL_ERROR).with_source(e))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let config = Arc::new(config);
    cache()
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(key, Arc::clone(&config));
    Ok(config)
}

/// The WinINet code of a certificate failure and the security flag that ignores it.
pub fn classify(e: &CertificateError) -> (u32, u32) {
    match e {
        CertificateError::UnknownIssuer | CertificateError::BadSignature => {
            (ERROR_INTERNET_INVALID_CA, SECURITY_FLAG_IGNORE_UNKNOWN_CA)
        }
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => (
            ERROR_INTERNET_SEC_CERT_CN_INVALID,
            SECURITY_FLAG_IGNORE_CERT_CN_INVALID,
        ),
        CertificateError::Expired
        | CertificateError::ExpiredContext { .. }
        | CertificateError::NotValidYet
        | CertificateError::NotValidYetContext { .. } => (
            ERROR_INTERNET_SEC_CERT_DATE_INVALID,
            SECURITY_FLAG_IGNORE_CERT_DATE_INVALID,
        ),
        CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => (
            ERROR_INTERNET_SEC_INVALID_CERT,
            SECURITY_FLAG_IGNORE_WRONG_USAGE,
        ),
        CertificateError::Revoked => (ERROR_INTERNET_SEC_CERT_REVOKED, 0),
        _ => (ERROR_INTERNET_SEC_INVALID_CERT, 0),
    }
}

/// Maps a failed TLS handshake (an I/O error carrying a rustls error) to a WinINet error.
pub(crate) fn handshake_error(e: std::io::Error) -> Error {
    let code = match e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
        Some(rustls::Error::InvalidCertificate(c)) => classify(c).0,
        _ => ERROR_INTERNET_SECURITY_CHANNEL_ERROR,
    };
    Error::new(code).with_source(e)
}

#[derive(Debug)]
struct FlagVerifier {
    inner: Arc<WebPkiServerVerifier>,
    ignore: u32,
}

impl ServerCertVerifier for FlagVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        ) {
            Err(rustls::Error::InvalidCertificate(c)) => {
                let (_, flag) = classify(&c);
                if flag != 0 && self.ignore & flag != 0 {
                    // webpki stops at the first failure; an ignored one accepts the chain
                    // without the checks after it (documented in the crate docs).
                    Ok(ServerCertVerified::assertion())
                } else {
                    Err(rustls::Error::InvalidCertificate(c))
                }
            }
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}
