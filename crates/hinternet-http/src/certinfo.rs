//! The server certificate of a TLS request, as WinINet reports it:
//! INTERNET_OPTION_SECURITY_CERTIFICATE (a fixed text layout) and
//! INTERNET_OPTION_SECURITY_CERTIFICATE_STRUCT (INTERNET_CERTIFICATE_INFO's facts). The leaf
//! certificate is read with `x509-parser`.

use std::time::{Duration, UNIX_EPOCH};

use hinternet_core::find::system_time_to_filetime;
use hinternet_core::options::CertificateInfo;
use rustls::pki_types::CertificateDer;
use x509_parser::prelude::{ASN1Time, FromDer, X509Certificate, X509Name};

/// What a TLS connection tells about itself.
#[derive(Debug, Clone, Default)]
pub(crate) struct TlsFacts {
    /// The leaf certificate the server presented.
    pub certificate: Option<CertificateDer<'static>>,
    /// The negotiated cipher suite, as text.
    pub cipher: Option<String>,
    /// The negotiated TLS version, as text.
    pub protocol: Option<String>,
}

/// A certificate time as a FILETIME.
fn filetime(t: &ASN1Time) -> u64 {
    let secs = t.timestamp();
    let at = if secs >= 0 {
        UNIX_EPOCH.checked_add(Duration::from_secs(secs.unsigned_abs()))
    } else {
        UNIX_EPOCH.checked_sub(Duration::from_secs(secs.unsigned_abs()))
    };
    at.map_or(0, system_time_to_filetime)
}

/// `MM/DD/YYYY hh:mm:ss` (UTC) of a certificate time.
fn date_text(t: &ASN1Time) -> String {
    let d = t.to_datetime();
    format!(
        "{:02}/{:02}/{:04} {:02}:{:02}:{:02}",
        u8::from(d.month()),
        d.day(),
        d.year(),
        d.hour(),
        d.minute(),
        d.second()
    )
}

fn leaf(tls: &TlsFacts) -> Option<X509Certificate<'_>> {
    let der = tls.certificate.as_ref()?;
    X509Certificate::from_der(der.as_ref())
        .ok()
        .map(|(_, cert)| cert)
}

/// The string values of a name's attributes, one per line, in order.
fn name_lines(name: &X509Name<'_>) -> String {
    name.iter_attributes()
        .filter_map(|a| a.as_str().ok())
        .collect::<Vec<_>>()
        .join("\r\n")
}

/// Windows' name for a signature algorithm (`sha256RSA`), or its dotted OID.
fn signature_name(oid: &str) -> String {
    match oid {
        "1.2.840.113549.1.1.5" => "sha1RSA",
        "1.2.840.113549.1.1.11" => "sha256RSA",
        "1.2.840.113549.1.1.12" => "sha384RSA",
        "1.2.840.113549.1.1.13" => "sha512RSA",
        "1.2.840.113549.1.1.10" => "RSASSA-PSS",
        "1.2.840.10045.4.3.2" => "sha256ECDSA",
        "1.2.840.10045.4.3.3" => "sha384ECDSA",
        "1.2.840.10045.4.3.4" => "sha512ECDSA",
        "1.3.101.112" => "Ed25519",
        other => return other.to_owned(),
    }
    .to_owned()
}

/// The bulk cipher's key size in bits, from the cipher suite's name.
fn key_bits(cipher: Option<&str>) -> u32 {
    match cipher {
        Some(c) if c.contains("AES_128") => 128,
        Some(c) if c.contains("AES_256") || c.contains("CHACHA20") => 256,
        _ => 0,
    }
}

/// The facts of INTERNET_CERTIFICATE_INFO; empty names and zero times when the certificate
/// cannot be read.
pub(crate) fn info(tls: &TlsFacts) -> CertificateInfo {
    let mut out = CertificateInfo {
        protocol: tls.protocol.clone(),
        encryption_algorithm: tls.cipher.clone(),
        key_size: key_bits(tls.cipher.as_deref()),
        ..CertificateInfo::default()
    };
    if let Some(cert) = leaf(tls) {
        out.subject = name_lines(cert.subject());
        out.issuer = name_lines(cert.issuer());
        out.start = filetime(&cert.validity().not_before);
        out.expiry = filetime(&cert.validity().not_after);
        out.signature_algorithm = Some(signature_name(
            &cert.signature_algorithm.algorithm.to_id_string(),
        ));
    }
    out
}

/// The certificate text: "Subject:", "Issuer:", "Effective Date:", "Expiration Date:",
/// "Security Protocol:", "Signature Type:", "Encryption Type:", "Privacy Strength:" lines.
pub(crate) fn describe(tls: &TlsFacts) -> String {
    let i = info(tls);
    let (nb, na) = leaf(tls)
        .map(|c| {
            (
                date_text(&c.validity().not_before),
                date_text(&c.validity().not_after),
            )
        })
        .unwrap_or_default();
    let or_null = |s: &Option<String>| s.clone().unwrap_or_else(|| "(null)".to_owned());
    let strength = match i.key_size {
        0 => "(null)".to_owned(),
        n if n >= 128 => format!("High ({n} bits)"),
        n => format!("Low ({n} bits)"),
    };
    format!(
        "Subject:\r\n{}\r\nIssuer:\r\n{}\r\nEffective Date:\t{nb}\r\nExpiration Date:\t{na}\r\nSecurity Protocol:\t{}\r\nSignature Type:\t{}\r\nEncryption Type:\t{}\r\nPrivacy Strength:\t{strength}",
        i.subject,
        i.issuer,
        or_null(&i.protocol),
        or_null(&i.signature_algorithm),
        or_null(&i.encryption_algorithm),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filetimes_and_dates_round_trip_through_the_unix_epoch() {
        let at = |secs| ASN1Time::from_timestamp(secs).unwrap();
        assert_eq!(filetime(&at(0)), 116_444_736_000_000_000);
        // 2005-01-07 12:06:35 UTC
        assert_eq!(date_text(&at(1_105_099_595)), "01/07/2005 12:06:35");
    }

    #[test]
    fn key_sizes_come_from_the_cipher_suite() {
        assert_eq!(key_bits(Some("TLS13_AES_256_GCM_SHA384")), 256);
        assert_eq!(key_bits(Some("TLS13_AES_128_GCM_SHA256")), 128);
        assert_eq!(key_bits(Some("TLS13_CHACHA20_POLY1305_SHA256")), 256);
        assert_eq!(key_bits(None), 0);
    }

    #[test]
    fn signature_algorithms_get_windows_names() {
        assert_eq!(signature_name("1.2.840.113549.1.1.11"), "sha256RSA");
        assert_eq!(signature_name("1.2.840.10045.4.3.2"), "sha256ECDSA");
        assert_eq!(signature_name("1.2.3.4"), "1.2.3.4");
    }
}
