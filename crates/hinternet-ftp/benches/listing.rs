//! Listing parser throughput: 10,000 lines as vsftpd sends them (`ls -l` style, times without
//! a year), and the same as MLSD facts.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hinternet_ftp::{ListingFormat, parse_listing};

fn unix_listing(n: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..n {
        out.extend_from_slice(
            format!(
                "-rw-r--r--    1 0        0            {:>5} Nov 22 06:11 entry-{i:05}.dat\r\n",
                i * 7 % 100_000
            )
            .as_bytes(),
        );
    }
    out
}

fn mlsd_listing(n: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..n {
        out.extend_from_slice(
            format!(
                "type=file;size={};modify=20261122061100;perm=r; entry-{i:05}.dat\r\n",
                i * 7 % 100_000
            )
            .as_bytes(),
        );
    }
    out
}

fn bench(c: &mut Criterion) {
    let now = UNIX_EPOCH + Duration::from_secs(1_795_316_400);
    let now: SystemTime = now;
    let mut g = c.benchmark_group("listing");
    g.throughput(Throughput::Elements(10_000));
    let unix = unix_listing(10_000);
    g.bench_function("unix 10k lines, auto-detected", |b| {
        b.iter(|| parse_listing(&unix, ListingFormat::Auto, now).entries.len())
    });
    let mlsd = mlsd_listing(10_000);
    g.bench_function("mlsd 10k lines", |b| {
        b.iter(|| parse_listing(&mlsd, ListingFormat::Mlsx, now).entries.len())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
