//! Review benchmarks: the tutorial file and generated architectures (criterion).
//! Whole-process timings (load + review + JSON) for 10k/100k nodes are measured with
//! `scripts`-free commands documented in the report: `gen_arch N > f.json` then
//! `/usr/bin/time review_file f.json json` (examples of this crate, release build).

use calm_analysis::output::{self, Format, ViewOptions};
use calm_analysis::{ReviewOptions, review};
use calm_model::Document;
use criterion::{Criterion, criterion_group, criterion_main};
use std::path::PathBuf;

fn bench(c: &mut Criterion) {
    let opts = ReviewOptions {
        today: Some("2026-11-25".into()),
        ..Default::default()
    };
    let tutorial = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/ecommerce-platform.day13.json");
    if let Ok(text) = std::fs::read_to_string(&tutorial) {
        c.bench_function("review tutorial day13 (parse + review + json)", |b| {
            b.iter(|| {
                let d = Document::from_str("day13.json", &text).unwrap();
                output::render(&review(&d, &opts), Format::Json, &ViewOptions::default())
            })
        });
    }
    let text = serde_json::to_string_pretty(&calm_testkit::layered_architecture(1000, 1)).unwrap();
    let mut g = c.benchmark_group("generated");
    g.sample_size(10);
    g.bench_function("review 1k nodes (parse + review + json)", |b| {
        b.iter(|| {
            let d = Document::from_str("gen.json", &text).unwrap();
            output::render(&review(&d, &opts), Format::Json, &ViewOptions::default())
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
