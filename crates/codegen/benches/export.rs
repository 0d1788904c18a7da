//! What exporting costs: the HTML/CSS page, the Slint component and the
//! egui module of a 100,000-widget design (the target is under one
//! second each), from a laid-out geometry.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use trellis_codegen::{EguiSource, ExportSource, SlintSource, export_egui, export_html, export_slint};
use trellis_geometry::{FontMeasurer, Geometry};
use trellis_model::Theme;

fn export(c: &mut Criterion) {
    let doc = trellis_model::generate(100_000, 1);
    let geometry = Geometry::new(&doc, FontMeasurer::shared());
    let source = ExportSource { file_name: "bench.trellis.json".into(), design_dir: None, theme: Theme::LIGHT };
    let mut group = c.benchmark_group("export");
    group.sample_size(10);
    group.bench_function("html 100k widgets", |b| {
        b.iter(|| export_html(black_box(&doc), &geometry, &source).expect("a generated design exports"));
    });
    let slint = SlintSource {
        file_name: "bench.trellis.json".into(),
        component: None,
        design_dir: None,
        out_dir: None,
        theme: Theme::LIGHT,
    };
    group.bench_function("slint 100k widgets", |b| {
        b.iter(|| export_slint(black_box(&doc), &geometry, &slint));
    });
    let egui = EguiSource {
        file_name: "bench.trellis.json".into(),
        type_name: None,
        design_dir: None,
        out_dir: None,
        theme: Theme::LIGHT,
    };
    group.bench_function("egui 100k widgets", |b| {
        b.iter(|| export_egui(black_box(&doc), &geometry, &egui).expect("a generated design exports"));
    });
    group.finish();
}

criterion_group!(benches, export);
criterion_main!(benches);
