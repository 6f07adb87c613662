//! Generate a synthetic, valid CALM 1.2 architecture with N nodes, for benchmarks.
//!
//! `cargo run --release -p calm-advisor --example gen_architecture -- N OUT_DIR`
//! writes `OUT_DIR/architecture-N.json` and the control requirement schema it references
//! (`OUT_DIR/requirements/encryption.requirement.json`). The output is deterministic: actors,
//! web clients, services and databases with interfaces and metadata, a chain of connects /
//! interacts relationships (so every node is referenced), deployed-in clusters of about 50 nodes,
//! a flow per 20 nodes, and a control with an inline config on every 10th node.

use serde_json::{Value, json};
use std::path::PathBuf;

fn kind(i: usize) -> &'static str {
    match i % 10 {
        0 => "actor",
        1 | 2 => "webclient",
        3..=7 => "service",
        _ => "database",
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args
        .get(1)
        .and_then(|s| s.parse().ok())
        .expect("usage: gen_architecture N OUT_DIR");
    let out = PathBuf::from(args.get(2).expect("usage: gen_architecture N OUT_DIR"));
    std::fs::create_dir_all(out.join("requirements")).unwrap();
    let requirement = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://example.com/requirements/encryption.requirement.json",
        "type": "object",
        "properties": {
            "algorithm": { "enum": ["AES-256", "ChaCha20"] },
            "key-rotation-days": { "type": "integer", "minimum": 1 }
        },
        "required": ["algorithm", "key-rotation-days"]
    });
    std::fs::write(
        out.join("requirements/encryption.requirement.json"),
        serde_json::to_string_pretty(&requirement).unwrap(),
    )
    .unwrap();

    let clusters = n.div_ceil(50);
    let app_nodes = n.saturating_sub(clusters).max(1);
    let id = |i: usize| format!("{}-{i}", kind(i));
    let mut nodes: Vec<Value> = Vec::with_capacity(n);
    let mut relationships: Vec<Value> = Vec::new();
    for i in 0..app_nodes {
        let k = kind(i);
        let mut node = json!({
            "unique-id": id(i),
            "node-type": k,
            "name": format!("{k} {i}"),
            "description": format!("Synthetic {k} number {i}, generated for benchmarks."),
            "metadata": { "owner": format!("team-{}", i % 17), "tier": format!("tier-{}", i % 3) }
        });
        if k != "actor" {
            node["interfaces"] = json!([
                { "unique-id": format!("{}-https", id(i)), "host": format!("{}.internal.example", id(i)), "port": 443 },
                { "unique-id": format!("{}-metrics", id(i)), "host": format!("{}.internal.example", id(i)), "port": 9090 }
            ]);
        }
        if i % 10 == 5 {
            node["controls"] = json!({
                "encryption": {
                    "description": "Data at rest is encrypted",
                    "requirements": [ {
                        "requirement-url": "requirements/encryption.requirement.json",
                        "config": { "algorithm": "AES-256", "key-rotation-days": 90 }
                    } ]
                }
            });
        }
        nodes.push(node);
        if i > 0 {
            let (a, b) = (id(i - 1), id(i));
            let rel = if kind(i - 1) == "actor" {
                json!({ "unique-id": format!("rel-{i}"), "description": format!("{a} uses {b}"),
                        "relationship-type": { "interacts": { "actor": a, "nodes": [b] } } })
            } else if kind(i) == "actor" {
                // Actors have no interfaces: the system notifies the next user.
                json!({ "unique-id": format!("rel-{i}"), "description": format!("{a} notifies {b}"), "protocol": "HTTPS",
                        "relationship-type": { "connects": { "source": { "node": a }, "destination": { "node": b } } } })
            } else {
                json!({ "unique-id": format!("rel-{i}"), "description": format!("{a} calls {b}"), "protocol": "HTTPS",
                        "relationship-type": { "connects": {
                            "source": { "node": a },
                            "destination": { "node": b, "interfaces": [format!("{b}-https")] } } } })
            };
            relationships.push(rel);
        }
    }
    for c in 0..clusters {
        let members: Vec<String> = (0..app_nodes)
            .filter(|i| i % clusters == c)
            .map(id)
            .collect();
        nodes.push(json!({ "unique-id": format!("cluster-{c}"), "node-type": "network", "name": format!("Cluster {c}"),
                           "description": "Kubernetes cluster hosting fifty nodes" }));
        if !members.is_empty() {
            relationships.push(json!({ "unique-id": format!("deploy-{c}"), "description": "Deployment",
                "relationship-type": { "deployed-in": { "container": format!("cluster-{c}"), "nodes": members } } }));
        }
    }
    let flows: Vec<Value> = (1..app_nodes)
        .step_by(20)
        .map(|start| {
            let transitions: Vec<Value> = (start..(start + 5).min(app_nodes))
                .enumerate()
                .map(|(s, i)| {
                    json!({ "relationship-unique-id": format!("rel-{i}"), "sequence-number": s + 1,
                            "description": format!("Step {} of the flow", s + 1) })
                })
                .collect();
            json!({ "unique-id": format!("flow-{start}"), "name": format!("Flow {start}"),
                    "description": "A business flow across five hops", "transitions": transitions })
        })
        .collect();
    let doc = json!({
        "$schema": "https://calm.finos.org/release/1.2/meta/calm.json",
        "unique-id": format!("synthetic-{n}"),
        "name": format!("Synthetic architecture with {n} nodes"),
        "description": "Generated by gen_architecture for benchmarks",
        "nodes": nodes,
        "relationships": relationships,
        "flows": flows,
        "metadata": { "generator": "gen_architecture" }
    });
    let path = out.join(format!("architecture-{n}.json"));
    std::fs::write(&path, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    println!("{}", path.display());
}
