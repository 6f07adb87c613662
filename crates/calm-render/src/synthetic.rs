//! Generated architectures of any size (for benchmarks and tests): actors, tiers of services
//! calling the next tiers, databases and queues, grouped into systems of about 20 nodes that are
//! themselves composed into domains. Deterministic for a given size and seed.

use serde_json::{Value, json};

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// A CALM architecture with about `nodes` nodes (at least 4).
pub fn architecture(nodes: usize, seed: u64) -> Value {
    let mut rng = Lcg(seed ^ 0x9e37_79b9_7f4a_7c15);
    let n = nodes.max(4);
    let group = 20usize;
    let systems = (n / (group + 1)).max(1);
    let domains = (systems / 6).max(1);
    let containers = systems + if systems > 1 { domains } else { 0 };
    let leaves = n.saturating_sub(containers).max(3);
    let actors = (leaves / 50).max(1);
    let mut node_list = Vec::new();
    let mut rels = Vec::new();
    let mut kinds = Vec::new();
    for i in 0..leaves {
        let (t, name) = if i < actors {
            ("actor", format!("User group {i}"))
        } else {
            match rng.below(10) {
                0 | 1 => ("database", format!("Store {i}")),
                2 => ("message-queue", format!("Queue {i}")),
                3 => ("webclient", format!("Portal {i}")),
                _ => ("service", format!("Service {i}")),
            }
        };
        kinds.push(t);
        node_list.push(json!({"unique-id": format!("n{i}"), "node-type": t, "name": name, "description": "generated"}));
    }
    // Calls go from lower to higher index (tiers), mostly to nearby nodes, sometimes far away.
    for i in 0..leaves {
        if kinds[i] == "database" {
            continue;
        }
        let fan = 1 + rng.below(3);
        for _ in 0..fan {
            let span = if rng.below(8) == 0 { leaves } else { 30 };
            let j = i + 1 + rng.below(span);
            if j >= leaves {
                continue;
            }
            let protocol = match kinds[j] {
                "database" => "JDBC",
                "message-queue" => "AMQP",
                _ => "HTTPS",
            };
            rels.push(json!({
                "unique-id": format!("r{}", rels.len()),
                "relationship-type": if kinds[i] == "actor" {
                    json!({"interacts": {"actor": format!("n{i}"), "nodes": [format!("n{j}")]}})
                } else {
                    json!({"connects": {"source": {"node": format!("n{i}")}, "destination": {"node": format!("n{j}")}}})
                },
                "protocol": protocol,
            }));
        }
    }
    let members_per_system = (leaves - actors).div_ceil(systems);
    for s in 0..systems {
        let members: Vec<String> = (actors + s * members_per_system
            ..(actors + (s + 1) * members_per_system).min(leaves))
            .map(|i| format!("n{i}"))
            .collect();
        node_list.push(json!({"unique-id": format!("sys{s}"), "node-type": "system", "name": format!("System {s}"), "description": "generated"}));
        if !members.is_empty() {
            rels.push(json!({"unique-id": format!("sys{s}-composition"), "relationship-type": {"composed-of": {"container": format!("sys{s}"), "nodes": members}}}));
        }
    }
    if systems > 1 {
        let per = systems.div_ceil(domains);
        for d in 0..domains {
            let members: Vec<String> = (d * per..((d + 1) * per).min(systems))
                .map(|s| format!("sys{s}"))
                .collect();
            node_list.push(json!({"unique-id": format!("dom{d}"), "node-type": "ecosystem", "name": format!("Domain {d}"), "description": "generated"}));
            if !members.is_empty() {
                rels.push(json!({"unique-id": format!("dom{d}-composition"), "relationship-type": {"composed-of": {"container": format!("dom{d}"), "nodes": members}}}));
            }
        }
    }
    json!({
        "$schema": "https://calm.finos.org/release/1.2/meta/calm.json",
        "metadata": {"name": format!("Generated architecture ({} nodes)", node_list.len())},
        "nodes": node_list,
        "relationships": rels,
    })
}
