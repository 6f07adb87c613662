//! The layered shape (review and render benchmarks, scale tests): actors enter through a load
//! balancer and a gateway pair; services in layers call lower layers synchronously, own
//! databases, publish to queues inside brokers; nodes are deployed in clusters; flows follow
//! actor → load balancer → gateway → service chains. No randomness source: a fixed linear
//! congruential sequence from the seed.

use crate::calm::{
    CALM_SCHEMA, composed_of, connects, deployed_in, flow, interacts, relationship, transition,
};
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

/// A layered architecture with about `nodes` nodes (never fewer than 17), the same for the same
/// `nodes` and `seed`.
pub fn layered_architecture(nodes: usize, seed: u64) -> Value {
    let mut rng = Lcg(seed ^ 0x9e37_79b9_7f4a_7c15);
    let actors = (nodes / 5000).clamp(2, 32);
    let clusters = (nodes / 200).max(1);
    let brokers = (nodes / 2000).max(1);
    let fixed = actors + 3 + clusters + brokers;
    let rest = nodes.saturating_sub(fixed).max(10);
    let n_services = rest * 6 / 10;
    let n_dbs = rest * 3 / 10;
    let n_queues = rest - n_services - n_dbs;
    let layers = 6;

    let mut ns: Vec<Value> = Vec::with_capacity(nodes);
    let mut rs: Vec<Value> = Vec::with_capacity(nodes * 2);
    let node = |id: String, t: &str, md: Value| {
        let mut n = crate::calm::node(&id, t, &id, &format!("generated {t}"));
        n["metadata"] = md;
        n
    };
    for a in 0..actors {
        ns.push(node(format!("actor-{a}"), "actor", json!({})));
    }
    ns.push(node(
        "edge-lb".into(),
        "service",
        json!({"managed": true, "sla": "99.99%", "role": "load-balancer"}),
    ));
    for g in 1..=2 {
        ns.push(node(
            format!("edge-gateway-{g}"),
            "service",
            json!({"ha-group": "edge-gateways", "role": "gateway"}),
        ));
    }
    for c in 0..clusters {
        ns.push(node(
            format!("cluster-{c}"),
            "system",
            json!({"failure-domain": "cluster"}),
        ));
    }
    for b in 0..brokers {
        ns.push(node(
            format!("broker-{b}"),
            "system",
            json!({"role": "broker", "cluster-size": if b % 2 == 0 { 3 } else { 1 }}),
        ));
    }
    let svc = |i: usize| format!("svc-{i}");
    for i in 0..n_services {
        let md = if i % 3 == 0 {
            json!({"instances": 2})
        } else {
            json!({"deployment-type": "kubernetes"})
        };
        ns.push(node(svc(i), "service", md));
    }
    for d in 0..n_dbs {
        ns.push(node(
            format!("db-{d}"),
            "database",
            json!({"backup-frequency": "daily"}),
        ));
    }
    for q in 0..n_queues {
        ns.push(node(
            format!("queue-{q}"),
            "message-queue",
            json!({"dead-letter-queue": format!("queue-{q}-dlq")}),
        ));
    }

    let mut rid = 0usize;
    let mut rel = |kind: Value, protocol: Option<&str>| {
        rid += 1;
        let mut r = relationship(&format!("r-{rid}"), "generated", kind);
        if let Some(p) = protocol {
            r["protocol"] = json!(p);
        }
        r
    };
    let layer_of = |i: usize| i * layers / n_services.max(1);
    let first_of_layer = |l: usize| (l * n_services).div_ceil(layers);
    let mut entry_rels = Vec::new();
    for a in 0..actors {
        rs.push(rel(interacts(&format!("actor-{a}"), &["edge-lb"]), None));
        entry_rels.push(
            rs.last().unwrap()["unique-id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let mut lb_to_gw = Vec::new();
    for g in 1..=2 {
        rs.push(rel(
            connects("edge-lb", &format!("edge-gateway-{g}")),
            Some("HTTPS"),
        ));
        lb_to_gw.push(
            rs.last().unwrap()["unique-id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    // Gateways route to the top layer.
    let top = first_of_layer(1).max(1);
    let mut gw_to: Vec<(usize, String)> = Vec::new();
    for i in 0..top {
        rs.push(rel(connects("edge-gateway-1", &svc(i)), Some("HTTPS")));
        gw_to.push((
            i,
            rs.last().unwrap()["unique-id"]
                .as_str()
                .unwrap()
                .to_string(),
        ));
        rs.push(rel(connects("edge-gateway-2", &svc(i)), Some("HTTPS")));
    }
    // Service calls: each service calls 1–2 services of the next layer, maybe a db, maybe a queue.
    let mut calls: Vec<Vec<(usize, String)>> = vec![Vec::new(); n_services];
    for (i, calls_of_i) in calls.iter_mut().enumerate() {
        let l = layer_of(i);
        if l + 1 < layers {
            let (lo, hi) = (first_of_layer(l + 1), first_of_layer(l + 2).min(n_services));
            if hi > lo {
                for _ in 0..1 + rng.below(2) {
                    let d = lo + rng.below(hi - lo);
                    rs.push(rel(connects(&svc(i), &svc(d)), Some("HTTPS")));
                    calls_of_i.push((
                        d,
                        rs.last().unwrap()["unique-id"]
                            .as_str()
                            .unwrap()
                            .to_string(),
                    ));
                }
            }
        }
        if n_dbs > 0 && rng.below(2) == 0 {
            rs.push(rel(
                connects(&svc(i), &format!("db-{}", rng.below(n_dbs))),
                Some("JDBC"),
            ));
        }
        if n_queues > 0 && rng.below(5) == 0 {
            let q = rng.below(n_queues);
            rs.push(rel(connects(&svc(i), &format!("queue-{q}")), Some("AMQP")));
            let consumer = rng.below(n_services);
            rs.push(rel(
                connects(&format!("queue-{q}"), &svc(consumer)),
                Some("AMQP"),
            ));
        }
    }
    // Hosting and containment.
    let mut per_cluster: Vec<Vec<String>> = vec![Vec::new(); clusters];
    for i in 0..n_services {
        per_cluster[i % clusters].push(svc(i));
    }
    for (c, members) in per_cluster.into_iter().enumerate() {
        if !members.is_empty() {
            rs.push(rel(deployed_in(&format!("cluster-{c}"), members), None));
        }
    }
    let mut per_broker: Vec<Vec<String>> = vec![Vec::new(); brokers];
    for q in 0..n_queues {
        per_broker[q % brokers].push(format!("queue-{q}"));
    }
    for (b, members) in per_broker.into_iter().enumerate() {
        if !members.is_empty() {
            rs.push(rel(composed_of(&format!("broker-{b}"), members), None));
        }
    }
    // Flows: actor → lb → gateway-1 → top service → down the call chain.
    let n_flows = (nodes / 100).clamp(1, 400);
    let mut flows = Vec::new();
    for f in 0..n_flows {
        let (start, gw_rel) = gw_to[rng.below(gw_to.len())].clone();
        let mut ts = vec![entry_rels[f % actors].clone(), lb_to_gw[0].clone(), gw_rel];
        let mut cur = start;
        while let Some((next, r)) =
            (!calls[cur].is_empty()).then(|| calls[cur][rng.below(calls[cur].len())].clone())
        {
            ts.push(r);
            cur = next;
        }
        let transitions: Vec<Value> = ts
            .iter()
            .enumerate()
            .map(|(i, r)| transition(r, i + 1, "step"))
            .collect();
        flows.push(flow(
            &format!("flow-{f}"),
            &format!("Flow {f}"),
            "generated",
            transitions,
        ));
    }
    json!({
        "$schema": CALM_SCHEMA,
        "unique-id": format!("generated-{nodes}"),
        "controls": {"availability": {"description": "target", "requirements": [{"requirement-url": "https://example.org/availability", "config": {"availability-percent": 99.9}}]}},
        "nodes": ns,
        "relationships": rs,
        "flows": flows,
    })
}
