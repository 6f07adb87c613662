//! `cargo run -p calm-analysis --example gen_arch -- NODES [SEED] > arch.json`: a layered
//! synthetic architecture (`calm_testkit::layered_architecture`) for the `review` benchmark.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let seed: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    println!(
        "{}",
        serde_json::to_string_pretty(&calm_testkit::layered_architecture(n, seed)).unwrap()
    );
}
