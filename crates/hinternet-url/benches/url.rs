//! Nanoseconds per call for crack, create, combine and canonicalize of typical URLs.
//!
//! Run: `cargo bench -p hinternet-url --bench url`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use hinternet_url::{
    Component, ComponentRequest, canonicalize, combine, crack, crack_into, create,
};

const URLS: [&str; 4] = [
    "http://www.example.com/index.html",
    "https://user:secret@api.example.com:8443/v1/items/42?fields=name,price&sort=desc#top",
    "ftp://anonymous@ftp.example.org/pub/linux/kernel/v6.x/linux-6.1.tar.xz",
    "http://[2001:db8::1]:8080/a/b/c.cgi?x=1",
];

fn bench(c: &mut Criterion) {
    for (i, url) in URLS.iter().enumerate() {
        c.bench_function(&format!("crack/{i}"), |b| {
            b.iter(|| crack(black_box(url), 0).map(|u| u.port()))
        });
    }
    let wide: Vec<u16> = URLS[1].encode_utf16().collect();
    c.bench_function("crack_into/wide_buffers", |b| {
        b.iter(|| {
            crack_into(
                black_box(&wide),
                0,
                [ComponentRequest::Buffer { capacity: 256 }; 6],
            )
        })
    });
    let parts = crack(URLS[1], 0).map(|u| u.parts());
    c.bench_function("create/1", |b| {
        b.iter(|| parts.as_ref().map(|p| create(black_box(p), 0)))
    });
    let rels = [
        ("page2.html"),
        ("../img/logo.png?v=3"),
        ("/abs/path"),
        ("//cdn.example.com/x.js"),
    ];
    for (i, rel) in rels.iter().enumerate() {
        c.bench_function(&format!("combine/{i}"), |b| {
            b.iter(|| {
                combine(
                    black_box("http://www.example.com/docs/guide/intro.html"),
                    black_box(rel),
                    0,
                )
            })
        });
    }
    c.bench_function("canonicalize/dots_and_spaces", |b| {
        b.iter(|| {
            canonicalize(
                black_box("http://www.example.com/a/./b/../c d/e f.html?q=1 2"),
                0,
            )
        })
    });
    let _ = Component::ALL;
}

criterion_group!(benches, bench);
criterion_main!(benches);
