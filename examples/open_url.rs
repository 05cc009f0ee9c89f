//! Reads a URL to stdout with the blocking API, printing status events on stderr.
//!
//! ```text
//! cargo run --example open_url                      # reads this repository's README.md
//! cargo run --example open_url -- file:///etc/hosts
//! ```

use std::io::{Read, Write};

use hinternet::blocking::Internet;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| format!("file://{}/README.md", env!("CARGO_MANIFEST_DIR")));
    let inet = Internet::builder()
        .agent("hinternet-open-url/0.1")
        .build()?;
    inet.on_status(|n| {
        eprintln!(
            "[status] handle {:?} context {}: {:?}",
            n.handle, n.context, n.event
        )
    });
    let mut resource = inet.open_url(&url)?;
    eprintln!("[info] {} bytes available", resource.data_available()?);
    let mut buf = vec![0u8; 64 * 1024];
    let mut out = std::io::stdout().lock();
    let mut total = 0u64;
    loop {
        let n = resource.read(&mut buf)?;
        if n == 0 {
            break;
        }
        total += n as u64;
        out.write_all(&buf[..n])?;
    }
    out.flush()?;
    resource.close()?;
    inet.close()?;
    eprintln!("[info] read {total} bytes from {url}");
    Ok(())
}
