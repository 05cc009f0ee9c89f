//! The FTP_FIND_HTML handle: InternetOpenUrl of an `ftp://` directory without
//! INTERNET_FLAG_RAW_DATA reads as an HTML page listing the directory, in the shape Internet
//! Explorer's FTP view had (a header, one `<A HREF>` line per entry with its date, time and size
//! or `Directory`, a footer).
//!
//! Reads hand out whole lines, as the documentation describes: a read returns as many complete
//! lines as fit in the caller's buffer, and a buffer too small for the next line fails with
//! ERROR_INSUFFICIENT_BUFFER (the needed size attached) without consuming anything, so a retry
//! with a larger buffer goes on where the listing stopped.

use std::any::Any;
use std::sync::Mutex;
use std::task::{Context, Poll};

use async_trait::async_trait;
use hinternet_core::consts::*;
use hinternet_core::find::filetime_to_system_time;
use hinternet_core::{Error, FindData, HandleOps, Result};
use tokio::io::ReadBuf;

/// The operations of an FTP_FIND_HTML handle: the rendered page and the read position.
#[derive(Debug)]
pub struct FtpHtmlOps {
    page: Vec<u8>,
    pos: Mutex<usize>,
}

impl FtpHtmlOps {
    /// A handle reading `page`.
    pub(crate) fn new(page: Vec<u8>) -> Self {
        FtpHtmlOps {
            page,
            pos: Mutex::new(0),
        }
    }

    fn pos(&self) -> std::sync::MutexGuard<'_, usize> {
        self.pos.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The length of the complete lines of `rest` that fit in `room` bytes, or the length of the
/// first line when not even that fits.
fn whole_lines(rest: &[u8], room: usize) -> std::result::Result<usize, usize> {
    let mut fit = 0;
    for (i, _) in rest.iter().enumerate().filter(|(_, b)| **b == b'\n') {
        if i + 1 > room {
            break;
        }
        fit = i + 1;
    }
    if fit == 0 && !rest.is_empty() {
        let first = rest
            .iter()
            .position(|b| *b == b'\n')
            .map_or(rest.len(), |i| i + 1);
        if first > room {
            return Err(first);
        }
        return Ok(first);
    }
    Ok(fit)
}

#[async_trait]
impl HandleOps for FtpHtmlOps {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn poll_read(&self, _cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<Result<()>> {
        let mut pos = self.pos();
        let rest = &self.page[*pos..];
        match whole_lines(rest, buf.remaining()) {
            Ok(n) => {
                buf.put_slice(&rest[..n]);
                *pos += n;
                Poll::Ready(Ok(()))
            }
            Err(needed) => Poll::Ready(Err(Error::insufficient_buffer(needed as u64))),
        }
    }

    async fn query_data_available(&self) -> Result<u64> {
        Ok((self.page.len() - *self.pos()) as u64)
    }
}

/// Renders the listing of `dir` (the URL path, `/`-terminated) on `host` as HTML.
pub(crate) fn render(host: &str, dir: &str, entries: &[FindData]) -> Vec<u8> {
    let title = format!(
        "FTP directory {} at {}",
        escape_text(dir),
        escape_text(host)
    );
    let mut page = String::with_capacity(256 + entries.len() * 96);
    page.push_str("<HTML>\n");
    page.push_str("<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=UTF-8\">\n");
    page.push_str(&format!("<HEAD><TITLE>{title}</TITLE></HEAD>\n"));
    page.push_str("<BODY>\n");
    page.push_str(&format!("<H2>{title}</H2>\n"));
    page.push_str("<HR>\n<PRE>\n");
    if dir != "/" {
        page.push_str("<A HREF=\"..\">Up to higher level directory</A>\n");
    }
    for e in entries {
        let name = String::from_utf8_lossy(&e.name);
        let is_dir = e.attributes & FILE_ATTRIBUTE_DIRECTORY != 0;
        let when = e
            .modified
            .map(|t| date_time(t.to_filetime()))
            .unwrap_or_else(|| " ".repeat(19));
        let what = if is_dir {
            format!("{:>14}", "Directory")
        } else {
            format!("{:>14}", grouped(e.size))
        };
        let href = format!("{}{}", escape_href(&name), if is_dir { "/" } else { "" });
        page.push_str(&format!(
            "{when} {what} <A HREF=\"{}\">{}</A>\n",
            escape_text(&href),
            escape_text(&name)
        ));
    }
    page.push_str("</PRE>\n<HR>\n</BODY>\n</HTML>\n");
    page.into_bytes()
}

/// `MM/DD/YYYY hh:mmAM` in UTC.
fn date_time(filetime: u64) -> String {
    let secs = filetime_to_system_time(filetime)
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let (y, m, d) = crate::listing::civil::civil_from_days(secs.div_euclid(86_400));
    let day_secs = secs.rem_euclid(86_400);
    let (hour, minute) = (day_secs / 3600, day_secs % 3600 / 60);
    let (h12, half) = match hour {
        0 => (12, "AM"),
        1..=11 => (hour, "AM"),
        12 => (12, "PM"),
        _ => (hour - 12, "PM"),
    };
    format!("{m:02}/{d:02}/{y:04} {h12:02}:{minute:02}{half}")
}

/// A size with thousands separators: `1,048,576`.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Text with `<`, `>`, `&` and `"` as entities.
fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// A name as a relative URL path segment: every byte but the unreserved ones percent-encoded
/// (so `/`, `?`, `#` and spaces in names cannot change what the link points at).
fn escape_href(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use hinternet_core::{TimePrecision, Timestamp};
    use std::time::{Duration, UNIX_EPOCH};

    fn entry(name: &str, size: u64, dir: bool, secs: u64) -> FindData {
        let mut e = FindData::new(name, size);
        if dir {
            e.attributes = FILE_ATTRIBUTE_DIRECTORY;
        }
        e.modified = Some(Timestamp::new(
            UNIX_EPOCH + Duration::from_secs(secs),
            TimePrecision::Minute,
        ));
        e
    }

    #[test]
    fn a_listing_renders_one_linked_line_per_entry() {
        let page = render(
            "127.0.0.1",
            "/pub/",
            &[
                entry("sub", 0, true, 0),
                entry("a b&c.txt", 1_048_576, false, 1_700_000_000),
            ],
        );
        let text = String::from_utf8(page).unwrap();
        assert!(text.starts_with("<HTML>\n"));
        assert!(text.contains("<A HREF=\"..\">Up to higher level directory</A>\n"));
        assert!(
            text.contains("01/01/1970 12:00AM      Directory <A HREF=\"sub/\">sub</A>\n"),
            "{text}"
        );
        assert!(
            text.contains(
                "11/14/2023 10:13PM      1,048,576 <A HREF=\"a%20b%26c.txt\">a b&amp;c.txt</A>\n"
            ),
            "{text}"
        );
        assert!(text.ends_with("</HTML>\n"));
    }

    #[test]
    fn hostile_names_cannot_break_out_of_the_link() {
        let page = render("h", "/", &[entry("\"><script>x", 1, false, 0)]);
        let text = String::from_utf8(page).unwrap();
        assert!(text.contains("<A HREF=\"%22%3E%3Cscript%3Ex\">&quot;&gt;&lt;script&gt;x</A>"));
        assert!(!text.contains("Up to higher"));
    }

    #[test]
    fn reads_hand_out_whole_lines_only() {
        assert_eq!(whole_lines(b"ab\ncd\n", 4), Ok(3));
        assert_eq!(whole_lines(b"ab\ncd\n", 6), Ok(6));
        assert_eq!(whole_lines(b"abcd\ne\n", 3), Err(5));
        assert_eq!(whole_lines(b"", 3), Ok(0));
    }

    #[test]
    fn sizes_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }
}
