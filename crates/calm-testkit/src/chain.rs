//! The chain shape (validate benchmark): actors, web clients, services and databases with
//! interfaces and metadata, a chain of connects / interacts relationships (so every node is
//! referenced), deployed-in clusters of about 50 nodes, a flow per 20 nodes, and a control with an
//! inline config on every 10th node, checked against [`encryption_requirement`].

use crate::calm::{CALM_SCHEMA, connects, deployed_in, flow, interacts, relationship, transition};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// Where the controls of [`chain_architecture`] point, relative to the architecture file.
pub const ENCRYPTION_REQUIREMENT_PATH: &str = "requirements/encryption.requirement.json";

/// The control requirement schema the generated controls' configs are validated against.
pub fn encryption_requirement() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://example.com/requirements/encryption.requirement.json",
        "type": "object",
        "properties": {
            "algorithm": { "enum": ["AES-256", "ChaCha20"] },
            "key-rotation-days": { "type": "integer", "minimum": 1 }
        },
        "required": ["algorithm", "key-rotation-days"]
    })
}

/// Writes `DIR/requirements/encryption.requirement.json` and `DIR/architecture-N.json` (the
/// [`chain_architecture`] of `nodes` nodes, pretty-printed); returns the architecture's path.
pub fn write_chain_benchmark(nodes: usize, dir: &Path) -> std::io::Result<PathBuf> {
    let requirement = dir.join(ENCRYPTION_REQUIREMENT_PATH);
    if let Some(parent) = requirement.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&requirement, pretty(&encryption_requirement()))?;
    let path = dir.join(format!("architecture-{nodes}.json"));
    std::fs::write(&path, pretty(&chain_architecture(nodes)))?;
    Ok(path)
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).expect("a JSON value serializes")
}

fn kind(i: usize) -> &'static str {
    match i % 10 {
        0 => "actor",
        1 | 2 => "webclient",
        3..=7 => "service",
        _ => "database",
    }
}

/// A relationship with its `protocol` before `relationship-type` (this shape's key order).
fn with_protocol(id: &str, description: &str, protocol: &str, kind: Value) -> Value {
    json!({"unique-id": id, "description": description, "protocol": protocol, "relationship-type": kind})
}

/// A valid chain-shaped architecture with `n` nodes (exactly `n` from 2 on), the same for the
/// same `n`.
pub fn chain_architecture(n: usize) -> Value {
    let clusters = n.div_ceil(50);
    let app_nodes = n.saturating_sub(clusters).max(1);
    let id = |i: usize| format!("{}-{i}", kind(i));
    let mut nodes: Vec<Value> = Vec::with_capacity(n);
    let mut relationships: Vec<Value> = Vec::new();
    for i in 0..app_nodes {
        let k = kind(i);
        let mut node = crate::calm::node(
            &id(i),
            k,
            &format!("{k} {i}"),
            &format!("Synthetic {k} number {i}, generated for benchmarks."),
        );
        node["metadata"] =
            json!({ "owner": format!("team-{}", i % 17), "tier": format!("tier-{}", i % 3) });
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
                        "requirement-url": ENCRYPTION_REQUIREMENT_PATH,
                        "config": { "algorithm": "AES-256", "key-rotation-days": 90 }
                    } ]
                }
            });
        }
        nodes.push(node);
        if i > 0 {
            let (a, b) = (id(i - 1), id(i));
            let rid = format!("rel-{i}");
            let rel = if kind(i - 1) == "actor" {
                relationship(&rid, &format!("{a} uses {b}"), interacts(&a, &[&b]))
            } else if kind(i) == "actor" {
                // Actors have no interfaces: the system notifies the next user.
                with_protocol(
                    &rid,
                    &format!("{a} notifies {b}"),
                    "HTTPS",
                    connects(&a, &b),
                )
            } else {
                let mut to_https = connects(&a, &b);
                to_https["connects"]["destination"]["interfaces"] = json!([format!("{b}-https")]);
                with_protocol(&rid, &format!("{a} calls {b}"), "HTTPS", to_https)
            };
            relationships.push(rel);
        }
    }
    for c in 0..clusters {
        let members: Vec<String> = (0..app_nodes)
            .filter(|i| i % clusters == c)
            .map(id)
            .collect();
        let container = format!("cluster-{c}");
        nodes.push(crate::calm::node(
            &container,
            "network",
            &format!("Cluster {c}"),
            "Kubernetes cluster hosting fifty nodes",
        ));
        if !members.is_empty() {
            relationships.push(relationship(
                &format!("deploy-{c}"),
                "Deployment",
                deployed_in(&container, members),
            ));
        }
    }
    let flows: Vec<Value> = (1..app_nodes)
        .step_by(20)
        .map(|start| {
            let transitions: Vec<Value> = (start..(start + 5).min(app_nodes))
                .enumerate()
                .map(|(s, i)| {
                    transition(
                        &format!("rel-{i}"),
                        s + 1,
                        &format!("Step {} of the flow", s + 1),
                    )
                })
                .collect();
            flow(
                &format!("flow-{start}"),
                &format!("Flow {start}"),
                "A business flow across five hops",
                transitions,
            )
        })
        .collect();
    json!({
        "$schema": CALM_SCHEMA,
        "unique-id": format!("synthetic-{n}"),
        "name": format!("Synthetic architecture with {n} nodes"),
        "description": "Generated by gen_architecture for benchmarks",
        "nodes": nodes,
        "relationships": relationships,
        "flows": flows,
        "metadata": { "generator": "gen_architecture" }
    })
}
