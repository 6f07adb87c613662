//! SVG of generated architectures (layout + drawing), 100 and 1,000 nodes.
//! `cargo bench -p calm-render`; the 10,000-node time is measured by
//! `cargo run --release -p calm-render --example measure`.

use calm_model::Document;
use calm_render::{Options, render_svg};
use criterion::{Criterion, criterion_group, criterion_main};

fn svg_of_generated(c: &mut Criterion) {
    let mut group = c.benchmark_group("render_svg");
    group.sample_size(10);
    for n in [100usize, 1_000] {
        let doc = Document::from_value(
            &format!("generated-{n}.json"),
            &calm_testkit::layered_architecture(n, 42),
        );
        group.bench_function(format!("{n}_nodes"), |b| {
            b.iter(|| render_svg(&doc, &Options::default()).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, svg_of_generated);
criterion_main!(benches);
