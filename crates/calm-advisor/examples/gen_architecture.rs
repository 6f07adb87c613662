//! Generate a synthetic, valid CALM 1.2 architecture with N nodes, for the `validate` benchmark
//! (`scripts/bench.sh`).
//!
//! `cargo run --release -p calm-advisor --example gen_architecture -- N OUT_DIR`
//! writes `OUT_DIR/architecture-N.json` and the control requirement schema it references
//! (`OUT_DIR/requirements/encryption.requirement.json`), then prints the architecture's path.
//! The generator is `calm_testkit::chain_architecture` (deterministic).

use std::path::PathBuf;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args
        .get(1)
        .and_then(|s| s.parse().ok())
        .expect("usage: gen_architecture N OUT_DIR");
    let out = PathBuf::from(args.get(2).expect("usage: gen_architecture N OUT_DIR"));
    let path = calm_testkit::write_chain_benchmark(n, &out).unwrap();
    println!("{}", path.display());
}
