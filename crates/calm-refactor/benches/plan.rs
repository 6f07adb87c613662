//! How long planning and verifying a recipe takes on the tutorial's Day 13 architecture
//! (`cargo bench -p calm-refactor`). Skips when the shared fixtures are absent.

use calm_refactor::{Recipe, Verifier, plan};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_string).collect()
}

fn bench(c: &mut Criterion) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/fixtures/ecommerce-platform.day13.json"
    );
    let Ok(text) = std::fs::read_to_string(path) else {
        println!("skipped: {path} not found");
        return;
    };
    let lb = Recipe::parse_args(
        "add-load-balancer",
        &words("--target api-gateway --names api-gateway-1,api-gateway-2"),
    )
    .unwrap();
    let mq = Recipe::parse_args(
        "decouple",
        &words("--from order-service --to payment-service --queue-id order-queue"),
    )
    .unwrap();
    c.bench_function("plan add-load-balancer (day13)", |b| {
        b.iter(|| plan("a.json", black_box(&text), &lb).unwrap())
    });
    c.bench_function("plan decouple (day13)", |b| {
        b.iter(|| plan("a.json", black_box(&text), &mq).unwrap())
    });
    let verifier = Verifier::new();
    let p = plan("a.json", &text, &lb).unwrap();
    c.bench_function(
        "verify add-load-balancer (validate + idempotence + 2 reviews)",
        |b| b.iter(|| verifier.verify(black_box(&p), None)),
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
