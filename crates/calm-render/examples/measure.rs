//! Time the SVG of generated architectures of 1,000 and 10,000 nodes (median of a few runs).
//! `cargo run --release -p calm-render --example measure [SIZES…]`
use calm_model::Document;
use std::time::Instant;

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1_000, 10_000]
    } else {
        sizes
    };
    for n in sizes {
        let doc = Document::from_value(
            &format!("generated-{n}.json"),
            &calm_testkit::layered_architecture(n, 42),
        );
        let runs = if n > 5_000 { 3 } else { 7 };
        let mut times = Vec::new();
        let mut bytes = 0;
        for _ in 0..runs {
            let t = Instant::now();
            let svg =
                calm_render::render_svg(&doc, &calm_render::Options::default()).expect("render");
            times.push(t.elapsed().as_secs_f64());
            bytes = svg.len();
        }
        times.sort_by(f64::total_cmp);
        println!(
            "{n} nodes ({} drawn, {} relationships): median {:.3} s over {runs} runs, min {:.3} s, max {:.3} s, SVG {} KiB",
            doc.nodes().count(),
            doc.relationships().count(),
            times[runs / 2],
            times[0],
            times[runs - 1],
            bytes / 1024
        );
    }
}
