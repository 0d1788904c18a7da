//! What measuring text costs: a short label, a wrapped paragraph, and
//! the same label at a new size (what a cache miss pays).

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn shaping(c: &mut Criterion) {
    let mut fonts = trellis_text::font_system();
    c.bench_function("measure short label", |b| {
        b.iter(|| trellis_text::measure(&mut fonts, black_box("Card 12345"), 14.0, None));
    });
    let paragraph = "The quick brown fox jumps over the lazy dog. ".repeat(8);
    c.bench_function("measure wrapped paragraph", |b| {
        b.iter(|| trellis_text::measure(&mut fonts, black_box(&paragraph), 14.0, Some(240.0)));
    });
    // The longest string the model allows (64 KiB), wrapped: the worst a
    // hostile label can ask of the layout.
    let longest = "Trellis lays out widgets quickly, W gap ÄÖÜ fox ".repeat(65_536 / 48);
    let mut group = c.benchmark_group("longest");
    group.sample_size(10);
    group.bench_function("measure 64 KiB wrapped at 300 px", |b| {
        b.iter(|| trellis_text::measure(&mut fonts, black_box(&longest), 14.0, Some(300.0)));
    });
    group.finish();
}

criterion_group!(benches, shaping);
criterion_main!(benches);
