//! INTERNET_OPTION_SECURITY_CERTIFICATE: the server certificate in WinINet's fixed text
//! layout, from a minimal DER walk (subject, issuer, validity) of the leaf certificate.

use rustls::pki_types::CertificateDer;

/// One DER element: (tag, contents, rest).
fn tlv(d: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = d.split_first()?;
    let (&l0, rest) = rest.split_first()?;
    let (len, rest) = if l0 < 0x80 {
        (l0 as usize, rest)
    } else {
        let n = (l0 & 0x7F) as usize;
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n].iter().fold(0usize, |a, &b| (a << 8) | b as usize);
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    Some((tag, &rest[..len], &rest[len..]))
}

/// The string attribute values of an X.501 Name, in order.
fn name_values(name: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut sets = name;
    while let Some((_, set, rest)) = tlv(sets) {
        sets = rest;
        let mut atvs = set;
        while let Some((_, atv, rest)) = tlv(atvs) {
            atvs = rest;
            if let Some((_, _oid, after)) = tlv(atv)
                && let Some((tag, value, _)) = tlv(after)
                && matches!(tag, 0x0C | 0x13 | 0x14 | 0x16 | 0x1E)
            {
                out.push(String::from_utf8_lossy(value).into_owned());
            }
        }
    }
    out
}

fn time_text(tag: u8, v: &[u8]) -> String {
    let s = String::from_utf8_lossy(v);
    // UTCTime YYMMDDHHMMSSZ / GeneralizedTime YYYYMMDDHHMMSSZ
    let (y, rest) = if tag == 0x17 && s.len() >= 12 {
        let yy: u32 = s[..2].parse().unwrap_or(0);
        (if yy < 50 { 2000 + yy } else { 1900 + yy }, &s[2..])
    } else if s.len() >= 14 {
        (s[..4].parse().unwrap_or(0), &s[4..])
    } else {
        return s.into_owned();
    };
    let p = |i: usize| rest.get(i..i + 2).unwrap_or("00");
    format!("{}/{}/{} {}:{}:{}", p(0), p(2), y, p(4), p(6), p(8))
}

struct Parsed {
    subject: Vec<String>,
    issuer: Vec<String>,
    not_before: String,
    not_after: String,
}

fn parse(der: &[u8]) -> Option<Parsed> {
    let (_, cert, _) = tlv(der)?;
    let (_, tbs, _) = tlv(cert)?;
    let mut rest = tbs;
    let (tag, _, r) = tlv(rest)?;
    if tag == 0xA0 {
        rest = r;
    }
    let (_, _serial, r) = tlv(rest)?;
    let (_, _alg, r) = tlv(r)?;
    let (_, issuer, r) = tlv(r)?;
    let (_, validity, r) = tlv(r)?;
    let (_, subject, _) = tlv(r)?;
    let (t1, nb, vr) = tlv(validity)?;
    let (t2, na, _) = tlv(vr)?;
    Some(Parsed {
        subject: name_values(subject),
        issuer: name_values(issuer),
        not_before: time_text(t1, nb),
        not_after: time_text(t2, na),
    })
}

/// The certificate text: "Subject:", "Issuer:", "Effective Date:", "Expiration Date:",
/// "Security Protocol:", "Signature Type:", "Encryption Type:", "Privacy Strength:" lines.
pub fn describe(cert: Option<&CertificateDer<'_>>, cipher: Option<&str>) -> String {
    let p = cert.and_then(|c| parse(c.as_ref()));
    let (subject, issuer, nb, na) = match &p {
        Some(p) => (
            p.subject.join("\r\n"),
            p.issuer.join("\r\n"),
            p.not_before.as_str(),
            p.not_after.as_str(),
        ),
        None => (String::new(), String::new(), "", ""),
    };
    format!(
        "Subject:\r\n{subject}\r\nIssuer:\r\n{issuer}\r\nEffective Date:\t{nb}\r\nExpiration Date:\t{na}\r\nSecurity Protocol:\t(null)\r\nSignature Type:\t(null)\r\nEncryption Type:\t{}\r\nPrivacy Strength:\tHigh (256 bits)",
        cipher.unwrap_or("(null)")
    )
}
