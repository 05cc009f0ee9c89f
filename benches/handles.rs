//! Engine micro-benchmarks: handle create + close, lookup, status dispatch with and without a
//! callback, and bytes per idle handle (a counting allocator).
//!
//! Run: `cargo bench --bench handles`

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering};

use criterion::{Criterion, criterion_group, criterion_main};
use hinternet_core::ops::NoOps;
use hinternet_core::status::callback_fn;
use hinternet_core::{ChildParams, Engine, HandleKind, OpenParams, StatusEvent};

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: forwards to the system allocator unchanged and only counts bytes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn child_params(context: usize) -> ChildParams {
    ChildParams {
        kind: HandleKind::FileRequest,
        context,
        flags: 0,
    }
}

fn benches(c: &mut Criterion) {
    let engine = Engine::new();
    let root = engine.open_root(OpenParams::default()).unwrap();

    c.bench_function("root create + close", |b| {
        b.iter(|| {
            let h = engine.open_root(OpenParams::default()).unwrap();
            engine.close(black_box(h).as_raw()).unwrap();
        })
    });

    c.bench_function("child create + close", |b| {
        b.iter(|| {
            let call = engine.enter(root.as_raw()).unwrap();
            let h = engine
                .create_child(&call, child_params(0), |_| Arc::new(NoOps))
                .unwrap();
            drop(call);
            engine.close(black_box(h).as_raw()).unwrap();
        })
    });

    c.bench_function("lookup (enter + leave)", |b| {
        b.iter(|| drop(engine.enter(black_box(root.as_raw())).unwrap()))
    });

    let call = engine.enter(root.as_raw()).unwrap();
    let quiet = engine
        .create_child(&call, child_params(0), |_| Arc::new(NoOps))
        .unwrap();
    let loud = engine
        .create_child(&call, child_params(7), |_| Arc::new(NoOps))
        .unwrap();
    drop(call);
    let quiet_node = engine.node(quiet.as_raw()).unwrap();
    c.bench_function("status dispatch, no callback", |b| {
        b.iter(|| black_box(&quiet_node).notify(|| StatusEvent::SendingRequest))
    });
    let hits = Arc::new(AtomicUsize::new(0));
    let h2 = Arc::clone(&hits);
    engine
        .set_callback(
            loud.as_raw(),
            Some(callback_fn(move |_, _, _| {
                h2.fetch_add(1, Ordering::Relaxed);
            })),
        )
        .unwrap();
    let loud_node = engine.node(loud.as_raw()).unwrap();
    c.bench_function("status dispatch, with callback", |b| {
        b.iter(|| black_box(&loud_node).notify(|| StatusEvent::RequestSent(1)))
    });
    drop((quiet_node, loud_node));

    // Bytes per idle handle: 10,000 idle children of one root.
    const N: usize = 10_000;
    let call = engine.enter(root.as_raw()).unwrap();
    let before = LIVE.load(Ordering::SeqCst);
    let handles: Vec<_> = (0..N)
        .map(|i| {
            engine
                .create_child(&call, child_params(i + 1), |_| Arc::new(NoOps))
                .unwrap()
        })
        .collect();
    let after = LIVE.load(Ordering::SeqCst);
    drop(call);
    println!(
        "bytes per idle handle: {} (over {N} handles)",
        (after - before) / N as isize
    );
    for h in handles {
        engine.close(h.as_raw()).unwrap();
    }
    engine.close(root.as_raw()).unwrap();
}

criterion_group!(handles, benches);
criterion_main!(handles);
