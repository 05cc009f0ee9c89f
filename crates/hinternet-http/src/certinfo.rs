//! The server certificate of a TLS request, as WinINet reports it:
//! INTERNET_OPTION_SECURITY_CERTIFICATE (a fixed text layout) and
//! INTERNET_OPTION_SECURITY_CERTIFICATE_STRUCT (INTERNET_CERTIFICATE_INFO's facts). The leaf
//! certificate is read with `x509-parser`.

use hinternet_core::options::CertificateInfo;
use rustls::pki_types::CertificateDer;
use x509_parser::prelude::{FromDer, X509Certificate, X509Name};

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

/// FILETIME of 1970-01-01: 100 ns ticks since 1601-01-01.
const UNIX_EPOCH_FILETIME: i64 = 116_444_736_000_000_000;

fn filetime(unix_seconds: i64) -> u64 {
    let ticks = unix_seconds
        .saturating_mul(10_000_000)
        .saturating_add(UNIX_EPOCH_FILETIME);
    u64::try_from(ticks).unwrap_or(0)
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
    let parsed = tls
        .certificate
        .as_ref()
        .and_then(|der| X509Certificate::from_der(der.as_ref()).ok());
    if let Some((_, cert)) = parsed {
        out.subject = name_lines(cert.subject());
        out.issuer = name_lines(cert.issuer());
        out.start = filetime(cert.validity().not_before.timestamp());
        out.expiry = filetime(cert.validity().not_after.timestamp());
        out.signature_algorithm = Some(signature_name(
            &cert.signature_algorithm.algorithm.to_id_string(),
        ));
    }
    out
}

/// `MM/DD/YYYY hh:mm:ss` (UTC) of a FILETIME.
fn date_text(ft: u64) -> String {
    let secs = (ft as i64 - UNIX_EPOCH_FILETIME) / 10_000_000;
    let days = secs.div_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let t = secs.rem_euclid(86_400);
    format!(
        "{m:02}/{d:02}/{y:04} {:02}:{:02}:{:02}",
        t / 3600,
        t % 3600 / 60,
        t % 60
    )
}

/// (year, month, day) of a day count since 1970-01-01 (proleptic Gregorian).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// The certificate text: "Subject:", "Issuer:", "Effective Date:", "Expiration Date:",
/// "Security Protocol:", "Signature Type:", "Encryption Type:", "Privacy Strength:" lines.
pub(crate) fn describe(tls: &TlsFacts) -> String {
    let i = info(tls);
    let (nb, na) = if tls.certificate.is_some() && i.start != 0 {
        (date_text(i.start), date_text(i.expiry))
    } else {
        (String::new(), String::new())
    };
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
        assert_eq!(filetime(0), UNIX_EPOCH_FILETIME as u64);
        // 2005-01-07 12:06:35 UTC
        assert_eq!(date_text(filetime(1_105_099_595)), "01/07/2005 12:06:35");
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
