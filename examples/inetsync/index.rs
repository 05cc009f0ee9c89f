//! Directory index pages (nginx autoindex, Apache mod_autoindex, the testkit's autoindex) to
//! entries: links to names directly under the page's folder, with the date and size shown next
//! to them when they can be read exactly.

use hinternet::{TimePrecision, Timestamp};
use std::time::{Duration, UNIX_EPOCH};

/// One link of an index page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexEntry {
    /// The name, percent-decoded (bytes, not yet checked for safety).
    pub name: Vec<u8>,
    /// The link ends in '/'.
    pub is_dir: bool,
    /// Size when shown in bytes (nginx, testkit); `None` for "1.2K", "-" or nothing.
    pub size: Option<u64>,
    /// Date and time shown next to the link (minute precision, taken as UTC).
    pub modified: Option<Timestamp>,
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn timestamp(
    y: i64,
    mo: u32,
    d: u32,
    h: u32,
    mi: u32,
    s: u32,
    p: TimePrecision,
) -> Option<Timestamp> {
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let days = days_from_civil(y, mo, d);
    let secs = days * 86_400 + i64::from(h * 3600 + mi * 60 + s);
    let secs = u64::try_from(secs).ok()?;
    Some(Timestamp::new(UNIX_EPOCH + Duration::from_secs(secs), p))
}

fn month(name: &str) -> Option<u32> {
    const M: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let l = name.to_ascii_lowercase();
    M.iter().position(|m| *m == l).map(|i| i as u32 + 1)
}

/// `22-Nov-2026 03:56` (nginx) or `2026-11-22 03:56` (Apache), minute precision.
fn parse_date(date: &str, time: &str) -> Option<Timestamp> {
    let (h, mi) = time.split_once(':')?;
    let (h, mi): (u32, u32) = (h.parse().ok()?, mi.get(..2)?.parse().ok()?);
    let parts: Vec<&str> = date.split('-').collect();
    if parts.len() != 3 {
        return None;
    }
    if let Some(mo) = month(parts[1]) {
        timestamp(
            parts[2].parse().ok()?,
            mo,
            parts[0].parse().ok()?,
            h,
            mi,
            0,
            TimePrecision::Minute,
        )
    } else {
        timestamp(
            parts[0].parse().ok()?,
            parts[1].parse().ok()?,
            parts[2].parse().ok()?,
            h,
            mi,
            0,
            TimePrecision::Minute,
        )
    }
}

/// Parses an HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`), second precision.
pub fn parse_http_date(s: &str) -> Option<Timestamp> {
    let f: Vec<&str> = s.split_whitespace().collect();
    if f.len() != 6 {
        return None;
    }
    let hms: Vec<u32> = f[4].split(':').filter_map(|x| x.parse().ok()).collect();
    if hms.len() != 3 {
        return None;
    }
    timestamp(
        f[3].parse().ok()?,
        month(f[2])?,
        f[1].parse().ok()?,
        hms[0],
        hms[1],
        hms[2],
        TimePrecision::Second,
    )
}

fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&nbsp;", " ")
}

fn html_unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Reads the date and size shown after a link (up to the next link or line end).
fn facts(tail: &str) -> (Option<Timestamp>, Option<u64>) {
    let text = strip_tags(tail);
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut modified = None;
    let mut size = None;
    for (i, w) in words.iter().enumerate() {
        if modified.is_none()
            && let Some(t) = words.get(i + 1)
            && let Some(ts) = parse_date(w, t)
        {
            modified = Some(ts);
            if let Some(sz) = words.get(i + 2) {
                size = sz.parse::<u64>().ok();
            }
            break;
        }
    }
    (modified, size)
}

/// The entries of an index page served at the absolute path `page_path` (ending in '/').
/// Links outside the folder (parents, other hosts, queries, deeper paths) are ignored.
pub fn parse(html: &str, page_path: &str) -> Vec<IndexEntry> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let lower = html.to_ascii_lowercase();
    let mut pos = 0;
    // Bounded: every round moves `pos` forward.
    while let Some(found) = lower[pos..].find("<a ") {
        let start = pos + found;
        let Some(tag_end) = lower[start..].find('>').map(|i| start + i) else {
            break;
        };
        pos = tag_end + 1;
        let tag = &html[start..tag_end];
        let Some(href) = attr(tag, "href") else {
            continue;
        };
        let close = lower[pos..].find("</a>").map_or(html.len(), |i| pos + i);
        let after = close + 4;
        let tail_end = [
            lower.get(after..).and_then(|t| t.find("<a ")),
            lower.get(after..).and_then(|t| t.find('\n')),
            lower.get(after..).and_then(|t| t.find("</tr>")),
        ]
        .into_iter()
        .flatten()
        .min()
        .map_or(html.len(), |i| after + i);
        let tail = html.get(after.min(html.len())..tail_end).unwrap_or("");
        let href = html_unescape(&href);
        let Some(rel) = relative(&href, page_path) else {
            continue;
        };
        let is_dir = rel.ends_with('/');
        let name = rel.trim_end_matches('/');
        if name.is_empty() || name.contains('/') {
            continue;
        }
        let (modified, size) = facts(tail);
        let entry = IndexEntry {
            name: super::target::percent_decode(name),
            is_dir,
            size: if is_dir { None } else { size },
            modified,
        };
        if seen.insert(entry.name.clone()) {
            out.push(entry);
        }
    }
    out
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find(name) {
        let at = from + i;
        from = at + name.len();
        let before_ok = at == 0 || lower.as_bytes()[at - 1].is_ascii_whitespace();
        let rest = lower[from..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let vstart = tag.len() - rest.len() + 1;
        let v = tag[vstart..].trim_start();
        return match v.chars().next()? {
            q @ ('"' | '\'') => v[1..].split(q).next().map(str::to_owned),
            _ => v.split_whitespace().next().map(str::to_owned),
        };
    }
    None
}

/// The part of `href` under `page_path`, or `None` for links elsewhere.
fn relative(href: &str, page_path: &str) -> Option<String> {
    if href.is_empty() || href.starts_with('?') || href.starts_with('#') {
        return None;
    }
    let href = href.split(['?', '#']).next()?;
    if href.contains("://") || href.starts_with("//") {
        return None;
    }
    let rel = if let Some(abs) = href.strip_prefix(page_path) {
        abs
    } else if href.starts_with('/') {
        return None;
    } else {
        href.strip_prefix("./").unwrap_or(href)
    };
    if rel.starts_with("../") || rel == ".." || rel.starts_with('/') {
        return None;
    }
    Some(rel.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[IndexEntry]) -> Vec<(String, bool, Option<u64>)> {
        v.iter()
            .map(|e| {
                (
                    String::from_utf8_lossy(&e.name).into_owned(),
                    e.is_dir,
                    e.size,
                )
            })
            .collect()
    }

    #[test]
    fn nginx_and_testkit_autoindex() {
        let html = "<html>\r\n<head><title>Index of /pub/</title></head>\r\n<body>\r\n\
            <h1>Index of /pub/</h1><hr><pre><a href=\"../\">../</a>\r\n\
            <a href=\"dir01/\">dir01/</a>                                            22-Nov-2026 03:56                   -\r\n\
            <a href=\"a%20b.txt\">a b.txt</a>                                            22-Nov-2026 03:57                1234\r\n\
            <a href=\"%2E%2E%2Fx\">../x</a>                                            22-Nov-2026 03:57                1\r\n\
            </pre><hr></body>\r\n</html>\r\n";
        let e = parse(html, "/pub/");
        assert_eq!(
            names(&e),
            [
                ("dir01".into(), true, None),
                ("a b.txt".into(), false, Some(1234)),
                ("../x".into(), false, Some(1)),
            ]
        );
        let t = e[1].modified.unwrap();
        assert_eq!(t.precision, TimePrecision::Minute);
        assert_eq!(
            t.time.duration_since(UNIX_EPOCH).unwrap().as_secs(),
            1_795_319_820
        );
    }

    #[test]
    fn apache_fancy_index_sizes_are_not_exact() {
        let html = r#"<table><tr><th><a href="?C=N;O=D">Name</a></th></tr>
<tr><td valign="top"><img src="/icons/back.gif" alt="[PARENTDIR]"></td><td><a href="/pub/">Parent Directory</a></td><td>&nbsp;</td></tr>
<tr><td valign="top"><img src="/icons/text.gif" alt="[TXT]"></td><td><a href="notes.txt">notes.txt</a></td><td align="right">2026-11-22 03:56  </td><td align="right">1.2K</td></tr>
<tr><td valign="top"><img src="/icons/text.gif" alt="[TXT]"></td><td><a href="tiny">tiny</a></td><td align="right">2026-11-22 03:56  </td><td align="right">12</td></tr>
<tr><td valign="top"><img src="/icons/folder.gif" alt="[DIR]"></td><td><a href="sub/">sub/</a></td><td align="right">2026-11-21 10:00  </td><td align="right">  - </td></tr>
</table>"#;
        let e = parse(html, "/pub/x/");
        assert_eq!(
            names(&e),
            [
                ("notes.txt".into(), false, None),
                ("tiny".into(), false, Some(12)),
                ("sub".into(), true, None)
            ]
        );
        assert!(e[0].modified.is_some());
    }

    #[test]
    fn links_elsewhere_are_ignored() {
        let html = r#"<a href="http://evil/x">x</a><a href="/other/y">y</a><a href="../z">z</a>
<a href="/pub/ok">ok</a><a href="./ok2">ok2</a><a href="deep/er">d</a><a href='q'>q</a>"#;
        assert_eq!(
            names(&parse(html, "/pub/")),
            [
                ("ok".into(), false, None),
                ("ok2".into(), false, None),
                ("q".into(), false, None)
            ]
        );
        assert!(parse("<a href", "/").is_empty());
        assert!(parse("<a x>", "/").is_empty());
    }

    #[test]
    fn http_dates() {
        let t = parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(
            t.time.duration_since(UNIX_EPOCH).unwrap().as_secs(),
            784_111_777
        );
        assert!(parse_http_date("garbage").is_none());
    }
}
