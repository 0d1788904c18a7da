//! Load and save of a 100,000-widget design, a move of every top-level
//! widget (what a nudge of everything costs the model, the saved file's
//! digest brought up to date included), and the model's memory per widget
//! measured with a counting allocator.
//!
//! `cargo bench -p trellis-model --bench file_io`

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};

use criterion::{Criterion, criterion_group};
use trellis_model::{Command, Document, PropKey, PropValue, generate};

/// Counts bytes in use, so the memory figure is measured, not estimated.
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        IN_USE.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        IN_USE.fetch_add(new_size, Ordering::Relaxed);
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const WIDGETS: usize = 100_000;

fn report_memory(json: &[u8]) {
    let before = IN_USE.load(Ordering::Relaxed);
    let doc = Document::from_json_bytes(json).unwrap();
    let held = IN_USE.load(Ordering::Relaxed) - before;
    println!(
        "model memory: {held} bytes for {} widgets = {} bytes per widget (loaded from a {} byte file; model's own estimate {} bytes)",
        doc.len(),
        held / doc.len(),
        json.len(),
        doc.heap_bytes()
    );
    drop(doc);
}

fn file_io(c: &mut Criterion) {
    let mut doc = generate(WIDGETS, 1);
    let json = doc.to_json_string().into_bytes();
    report_memory(&json);
    let mut group = c.benchmark_group("file_io_100k");
    group.sample_size(10);
    group.bench_function("load (parse, validate, build)", |b| {
        b.iter(|| Document::from_json_bytes(black_box(&json)).unwrap());
    });
    group.bench_function("serialize to memory", |b| {
        let mut out = Vec::with_capacity(json.len());
        b.iter(|| {
            out.clear();
            doc.write_json(&mut out).unwrap();
        });
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.trellis.json");
    group.bench_function("atomic save to disk (with fsync)", |b| b.iter(|| doc.save(&path).unwrap()));
    group.bench_function("load from disk", |b| b.iter(|| Document::load(&path).unwrap()));
    let top = doc.children(doc.root()).to_vec();
    let mut step = 1.0;
    group.bench_function("move every top-level widget", |b| {
        b.iter(|| {
            step = -step;
            let moves = top
                .iter()
                .map(|&id| {
                    let x = doc.widget(id).unwrap().number(PropKey::X) + step;
                    Command::SetProperties { id, values: vec![(PropKey::X, Some(PropValue::Number(x)))] }
                })
                .collect();
            doc.execute_all("nudge", moves).unwrap();
        });
    });
    group.finish();
}

criterion_group!(benches, file_io);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
