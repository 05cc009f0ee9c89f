//! nginx-like autoindex listings and file serving from a local folder.

use super::routes::{BodySpec, Reply};
use super::server::RequestRecord;
use std::path::{Component, Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// Decodes `%XX` escapes; `None` for malformed escapes or non-UTF-8 results.
pub(crate) fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Percent-encodes a file name for an `href`.
pub(crate) fn percent_encode(name: &str) -> String {
    let mut out = String::new();
    for &c in name.as_bytes() {
        if c.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&c) {
            out.push(c as char);
        } else {
            out.push_str(&format!("%{c:02X}"));
        }
    }
    out
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `22-Nov-2026 03:24` in UTC, as nginx's autoindex prints dates.
pub(crate) fn nginx_date(t: SystemTime) -> String {
    let secs = t
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    const MON: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{:02}-{}-{} {:02}:{:02}",
        d,
        MON[(m - 1) as usize],
        y,
        rem / 3600,
        (rem % 3600) / 60
    )
}

fn content_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("txt") => "text/plain",
        Some("html" | "htm") => "text/html",
        Some("json") => "application/json",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    }
}

/// Renders the autoindex page of `dir` for the URL path `url_path` (ending in `/`).
pub(crate) fn listing(dir: &Path, url_path: &str) -> std::io::Result<String> {
    let mut dirs = Vec::new();
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let md = entry.metadata()?;
        let mtime = md.modified().unwrap_or(UNIX_EPOCH);
        if md.is_dir() {
            dirs.push((name, mtime));
        } else {
            files.push((name, mtime, md.len()));
        }
    }
    dirs.sort();
    files.sort();
    let title = html_escape(url_path);
    let mut html = format!(
        "<html>\r\n<head><title>Index of {title}</title></head>\r\n<body>\r\n<h1>Index of {title}</h1><hr><pre><a href=\"../\">../</a>\r\n"
    );
    let mut line = |href: String, text: String, mtime: SystemTime, size: String| {
        let pad = 51usize.saturating_sub(text.chars().count()).max(1);
        html.push_str(&format!(
            "<a href=\"{href}\">{}</a>{}{} {:>19}\r\n",
            html_escape(&text),
            " ".repeat(pad),
            nginx_date(mtime),
            size
        ));
    };
    for (name, mtime) in dirs {
        line(
            format!("{}/", percent_encode(&name)),
            format!("{name}/"),
            mtime,
            "-".to_owned(),
        );
    }
    for (name, mtime, len) in files {
        line(percent_encode(&name), name, mtime, len.to_string());
    }
    html.push_str("</pre><hr></body>\r\n</html>\r\n");
    Ok(html)
}

/// Answers a request under `mount` from the folder `root`.
pub(crate) fn serve(root: &Path, mount: &str, req: &RequestRecord) -> Reply {
    let rest = req.path.strip_prefix(mount).unwrap_or("");
    let Some(rel) = percent_decode(rest) else {
        return Reply::text("bad path\n").with_status(400);
    };
    let mut full = PathBuf::from(root);
    for comp in Path::new(&rel).components() {
        match comp {
            Component::Normal(c) => full.push(c),
            Component::CurDir => {}
            _ => return Reply::text("forbidden\n").with_status(403),
        }
    }
    let Ok(md) = std::fs::metadata(&full) else {
        return Reply::not_found();
    };
    if md.is_dir() {
        if !req.path.ends_with('/') {
            return Reply::redirect(301, format!("{}/", req.path));
        }
        return match listing(&full, &req.path) {
            Ok(html) => Reply::html(html),
            Err(e) => Reply::text(format!("listing failed: {e}\n")).with_status(500),
        };
    }
    let mut reply = Reply::status(200)
        .last_modified(md.modified().unwrap_or(UNIX_EPOCH))
        .accept_ranges();
    reply.body = BodySpec::File {
        path: full.clone(),
        len: md.len(),
    };
    reply
        .defaults
        .push(("Content-Type".into(), content_type(&full).into()));
    reply
}
