//! The geometry kernels on a 100,000-widget design: each query, and the
//! incremental and full layouts. `trellis bench geometry` reports the same
//! figures beside a linear scan; this is the criterion view of them.
//!
//! `cargo bench -p trellis-geometry --bench kernels`

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use trellis_geometry::benchmark::Fixture;
use trellis_geometry::{FixedAdvanceMeasurer, FontMeasurer, Geometry, Marquee, SnapQuery};

const WIDGETS: usize = 100_000;

fn queries(c: &mut Criterion) {
    let mut fx = Fixture::new(WIDGETS, 1);
    let points: Vec<_> = (0..1024).map(|_| fx.point()).collect();
    let rects: Vec<_> = (0..256).map(|_| fx.marquee_rect()).collect();
    let snaps: Vec<_> = (0..256).map(|_| fx.snap_inputs()).collect();
    let dragged = fx.widget();
    let root = fx.doc.root();
    let mut group = c.benchmark_group("queries_100k");
    let mut i = 0;
    group.bench_function("hit test", |b| {
        b.iter(|| {
            i = (i + 1) % points.len();
            black_box(fx.geometry.hit_test(points[i]))
        });
    });
    group.bench_function("drop target", |b| {
        b.iter(|| {
            i = (i + 1) % points.len();
            black_box(fx.geometry.drop_target(&fx.doc, points[i], &[dragged]))
        });
    });
    group.bench_function("marquee touching 400x300", |b| {
        b.iter(|| {
            i = (i + 1) % rects.len();
            black_box(fx.geometry.marquee(rects[i], Marquee::Touching))
        });
    });
    group.bench_function("snap", |b| {
        b.iter(|| {
            i = (i + 1) % snaps.len();
            let (rect, card) = snaps[i];
            let q = SnapQuery { rect, moving: &[card], parent: root, threshold_px: 8.0, zoom: 1.0, grid: Some(8.0) };
            black_box(fx.geometry.snap(&fx.doc, &q))
        });
    });
    group.finish();
}

fn layout(c: &mut Criterion) {
    let mut fx = Fixture::new(WIDGETS, 1);
    let mut group = c.benchmark_group("layout_100k");
    group.bench_function("update after moving one absolute card", |b| {
        b.iter(|| {
            fx.move_a_card();
            black_box(fx.geometry.update(&fx.doc))
        });
    });
    group.sample_size(20);
    group.bench_function("update after a nudge of everything", |b| {
        b.iter(|| {
            fx.nudge_everything();
            black_box(fx.geometry.update(&fx.doc))
        });
    });
    group.sample_size(10);
    group.bench_function("full layout (real text, measured before)", |b| {
        b.iter(|| Geometry::new(&fx.doc, FontMeasurer::shared()));
    });
    group.bench_function("full layout (real text, every text shaped anew)", |b| {
        b.iter(|| Geometry::new(&fx.doc, Arc::new(FontMeasurer::default())));
    });
    // The fixed-advance unit-test measurer: what layout costs with text free.
    group.bench_function("full layout (fixed-advance text)", |b| {
        b.iter(|| Geometry::new(&fx.doc, Arc::new(FixedAdvanceMeasurer::default())));
    });
    group.bench_function("full layout (every island through taffy)", |b| {
        b.iter(|| Geometry::without_memo(&fx.doc, FontMeasurer::shared()));
    });
    group.bench_function("update after a new text in a card's title", |b| {
        let mut n = 0;
        b.iter(|| {
            n += 1;
            fx.edit_a_text(n);
            black_box(fx.geometry.update(&fx.doc))
        });
    });
    group.finish();
}

criterion_group!(benches, queries, layout);
criterion_main!(benches);
