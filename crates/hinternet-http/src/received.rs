//! A received response head: kept as hyper parsed it, and spelled out as text
//! ([`ResponseHead`]) only when something asks for it (HttpQueryInfo, the Rust API). What the
//! request itself needs (framing, keep-alive, a redirect's Location, challenges, cookies, the
//! head's length) is read from hyper's header map without that copy.

use std::cell::OnceCell;

use crate::headers::HeaderList;
use crate::query::ResponseHead;

/// A response head, parsed; its text made on first use.
#[derive(Debug)]
pub(crate) struct Received {
    parts: Option<http::response::Parts>,
    text: OnceCell<ResponseHead>,
}

impl Received {
    /// A head as hyper parsed it.
    pub fn parsed(parts: http::response::Parts) -> Received {
        Received {
            parts: Some(parts),
            text: OnceCell::new(),
        }
    }

    /// A head that is text already (a proxy's refusal of a tunnel).
    pub fn text_only(head: ResponseHead) -> Received {
        Received {
            parts: None,
            text: OnceCell::from(head),
        }
    }

    /// The head as text.
    pub fn text(&self) -> &ResponseHead {
        self.text
            .get_or_init(|| self.parts.as_ref().map(response_head).unwrap_or_default())
    }
}

/// Status line and header block length in bytes, as RESPONSE_RECEIVED reports it:
/// `"HTTP/1.1 200 OK\r\n"`, each `"Name: value\r\n"`, the blank line.
pub(crate) fn head_len_of_parts(parts: &http::response::Parts) -> u32 {
    let lines: usize = parts
        .headers
        .iter()
        .map(|(n, v)| n.as_str().len() + v.len() + 4)
        .sum();
    let n = status_line_len(version_text(parts.version), reason_of(parts).len()) + lines + 2;
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// [`head_len_of_parts`] for a head that is text.
pub(crate) fn head_len(head: &ResponseHead) -> u32 {
    let lines: usize = head
        .headers
        .iter()
        .map(|(n, v)| n.len() + v.len() + 4)
        .sum();
    let n = status_line_len(&head.version, head.reason.len()) + lines + 2;
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// `"HTTP/1.1 200 OK\r\n"` without spelling it out.
fn status_line_len(version: &str, reason: usize) -> usize {
    version.len() + 4 + if reason == 0 { 0 } else { 1 + reason } + 2
}

/// Whether the connection can carry another request after this response's body: framed
/// (Content-Length, chunked, a status without a body, HTTP/2), not `Connection: close`, and
/// HTTP/1.0 only with `Connection: keep-alive`.
pub(crate) fn keeps_alive(parts: &http::response::Parts) -> bool {
    let h = &parts.headers;
    let has_token = |name: http::header::HeaderName, token: &str| {
        h.get_all(name).iter().any(|v| {
            String::from_utf8_lossy(v.as_bytes())
                .split(',')
                .any(|t| t.trim().eq_ignore_ascii_case(token))
        })
    };
    if has_token(http::header::CONNECTION, "close") {
        return false;
    }
    let framed = h.contains_key(http::header::CONTENT_LENGTH)
        || has_token(http::header::TRANSFER_ENCODING, "chunked")
        || matches!(parts.status.as_u16(), 100..=199 | 204 | 304)
        || parts.version == http::Version::HTTP_2;
    if !framed {
        // A close-delimited body: the connection ends with it.
        return false;
    }
    parts.version != http::Version::HTTP_10 || has_token(http::header::CONNECTION, "keep-alive")
}

/// Every value of a header as text.
pub(crate) fn values(parts: &http::response::Parts, name: http::header::HeaderName) -> Vec<String> {
    parts
        .headers
        .get_all(name)
        .iter()
        .map(|v| text_of(v.as_bytes()))
        .collect()
}

fn version_text(v: http::Version) -> &'static str {
    match v {
        http::Version::HTTP_09 => "HTTP/0.9",
        http::Version::HTTP_10 => "HTTP/1.0",
        http::Version::HTTP_2 => "HTTP/2",
        http::Version::HTTP_3 => "HTTP/3",
        _ => "HTTP/1.1",
    }
}

/// The reason phrase as received (hyper keeps it only when it is not the canonical one).
fn reason_of(parts: &http::response::Parts) -> std::borrow::Cow<'_, str> {
    match parts.extensions.get::<hyper::ext::ReasonPhrase>() {
        Some(r) => String::from_utf8_lossy(r.as_bytes()),
        None => parts.status.canonical_reason().unwrap_or("").into(),
    }
}

/// Bytes as text: as they are when UTF-8 (nearly always), else with U+FFFD for the bytes that
/// are not.
fn text_of(v: &[u8]) -> String {
    String::from_utf8_lossy(v).into_owned()
}

fn response_head(parts: &http::response::Parts) -> ResponseHead {
    let mut headers = HeaderList::with_capacity(parts.headers.len());
    for (name, value) in &parts.headers {
        headers.push_with(
            |t| push_title_cased(t, name.as_str()),
            |t| t.push_str(&String::from_utf8_lossy(value.as_bytes())),
        );
    }
    ResponseHead {
        version: version_text(parts.version).to_owned(),
        status: parts.status.as_u16(),
        reason: reason_of(parts).into_owned(),
        headers,
    }
}

/// Writes a header name as most servers spell it (hyper hands names over in lower case):
/// the first letter and each one after a `-` in upper case.
fn push_title_cased(out: &mut String, name: &str) {
    let start = out.len();
    out.push_str(name);
    let mut word = Some(start);
    while let Some(i) = word {
        if let Some(first) = out.get_mut(i..i + 1) {
            first.make_ascii_uppercase();
        }
        word = out[i..].find('-').map(|j| i + j + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(raw: &[(&str, &str)], version: http::Version) -> http::response::Parts {
        let mut b = http::Response::builder().status(200).version(version);
        for (n, v) in raw {
            b = b.header(*n, *v);
        }
        b.body(()).unwrap().into_parts().0
    }

    #[test]
    fn text_is_title_cased_in_order_and_its_length_matches() {
        let p = parts(
            &[
                ("content-length", "5"),
                ("x-a-b", "1"),
                ("set-cookie", "a=1"),
            ],
            http::Version::HTTP_11,
        );
        let r = Received::parsed(p);
        let head = r.text();
        let names: Vec<_> = head.headers.iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["Content-Length", "X-A-B", "Set-Cookie"]);
        assert_eq!(head.status_line(), "HTTP/1.1 200 OK");
        let p = parts(
            &[
                ("content-length", "5"),
                ("x-a-b", "1"),
                ("set-cookie", "a=1"),
            ],
            http::Version::HTTP_11,
        );
        assert_eq!(head_len_of_parts(&p), head_len(head));
    }

    #[test]
    fn keep_alive_follows_framing_connection_and_version() {
        let v11 = http::Version::HTTP_11;
        let v10 = http::Version::HTTP_10;
        assert!(keeps_alive(&parts(&[("content-length", "0")], v11)));
        assert!(keeps_alive(&parts(
            &[("transfer-encoding", "gzip, chunked")],
            v11
        )));
        assert!(!keeps_alive(&parts(&[], v11)), "close-delimited");
        assert!(!keeps_alive(&parts(
            &[("content-length", "0"), ("connection", "Close")],
            v11
        )));
        assert!(!keeps_alive(&parts(&[("content-length", "0")], v10)));
        assert!(keeps_alive(&parts(
            &[("content-length", "0"), ("connection", "Keep-Alive")],
            v10
        )));
    }
}
