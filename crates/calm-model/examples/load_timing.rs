//! Times the stages of loading a document: `cargo run --release -p calm-model --example load_timing FILE`.
use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).expect("usage: load_timing FILE");
    let t = Instant::now();
    let text = std::fs::read_to_string(&path).expect("readable file");
    let read = t.elapsed();
    let t = Instant::now();
    let value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let parse = t.elapsed();
    drop(value);
    let t = Instant::now();
    let doc = calm_model::Document::from_str(&path, &text).expect("loads");
    let full = t.elapsed();
    println!(
        "read {read:?}, serde_json {parse:?}, Document::from_str {full:?}, {} nodes",
        doc.nodes().count()
    );
}
