//! Benchmarks of the structural diff and the improvements report: the tutorial pair and a
//! generated 3,000-node pair (10 % of nodes renamed). Run with `cargo bench -p calm-report`.

use calm_model::Document;
use calm_report::structural_diff;
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};

/// A deterministic architecture of `n` services in a random-looking tree, with 50 flows.
fn synthetic(n: usize, renamed: bool) -> Document {
    let id = |i: usize| {
        if renamed && i.is_multiple_of(10) {
            format!("service-{i}-v2")
        } else {
            format!("svc-{i}")
        }
    };
    let nodes: Vec<Value> = (0..n)
        .map(|i| {
            json!({"unique-id": id(i), "node-type": "service", "name": format!("Service {i}"),
                   "description": format!("Does thing {i}"),
                   "interfaces": [{"unique-id": format!("{}-http", id(i)), "protocol": "HTTPS", "port": 8000 + i % 50}],
                   "metadata": {"owner": format!("team-{}", i % 7)}})
        })
        .collect();
    let rels: Vec<Value> = (1..n)
        .map(|i| {
            let j = (i * 7919) % i;
            json!({"unique-id": format!("r-{j}-{i}"), "description": "calls",
                   "relationship-type": {"connects": {"source": {"node": id(j)}, "destination": {"node": id(i)}}}})
        })
        .collect();
    let flows: Vec<Value> = (0..50)
        .map(|k| {
            let t: Vec<Value> = (0..20)
                .map(|s| json!({"relationship-unique-id": rels[(k * 37 + s) % rels.len()]["unique-id"], "sequence-number": s + 1, "description": "x"}))
                .collect();
            json!({"unique-id": format!("f{k}"), "name": format!("Flow {k}"), "description": "d", "transitions": t})
        })
        .collect();
    Document::from_value(
        "synthetic.json",
        &json!({"nodes": nodes, "relationships": rels, "flows": flows}),
    )
}

fn bench(c: &mut Criterion) {
    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures");
    if let (Ok(a), Ok(b)) = (
        Document::load_path(&shared.join("ecommerce-platform.day13.json")),
        Document::load_path(&shared.join("ecommerce-platform.day14-expected.json")),
    ) {
        c.bench_function("diff tutorial day13 -> day14", |bn| {
            bn.iter(|| structural_diff(&a, &b))
        });
    }
    let (a, b) = (synthetic(3000, false), synthetic(3000, true));
    let mut g = c.benchmark_group("large");
    g.sample_size(10);
    g.bench_function("diff 3000 nodes, 300 renamed", |bn| {
        bn.iter(|| structural_diff(&a, &b))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
