//! Acceptance: the tutorial's Day 14 changes applied to the Day 13 architecture give the
//! structure of `day14-expected.json`, validate, and clear the three original concerns.

use calm_refactor::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;

fn fixture(name: &str) -> Option<String> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures")
        .join(name);
    match std::fs::read_to_string(&p) {
        Ok(t) => Some(t),
        Err(_) => {
            println!("skipped: {} not found", p.display());
            None
        }
    }
}

fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_string).collect()
}

/// The tutorial's Day 14 steps as recipe calls.
fn day14_steps() -> Vec<Recipe> {
    [
        ("add-load-balancer", "--target api-gateway --names api-gateway-1,api-gateway-2"),
        ("replicate-database", "--target order-database"),
        (
            "decouple",
            "--from order-service --to payment-service --broker-id message-broker --queue-id order-queue --port 5672 --adr docs/adr/0001-use-message-queue-for-async-processing.md",
        ),
        ("add-control", "--scope architecture --preset high-availability"),
        ("add-control", "--scope node:order-database-cluster --preset failover"),
        ("add-control", "--scope node:order-service --preset circuit-breaker"),
    ]
    .iter()
    .map(|(r, a)| Recipe::parse_args(r, &words(a)).unwrap())
    .collect()
}

fn apply_all(text: &str, verifier: Option<&Verifier>) -> (String, Vec<Verification>) {
    let mut text = text.to_string();
    let mut checks = Vec::new();
    for r in day14_steps() {
        let p = plan("ecommerce-platform.json", &text, &r)
            .unwrap_or_else(|e| panic!("{}: {e}", r.name()));
        assert!(!p.is_noop(), "{} changed nothing", r.name());
        if let Some(v) = verifier {
            let check = v.verify(&p, None);
            assert!(check.ok(), "{}: {:?}", r.name(), check.blocking());
            checks.push(check);
        }
        text = p.after_text;
    }
    (text, checks)
}

fn node_types(doc: &Value) -> BTreeSet<(String, String)> {
    doc["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["unique-id"].as_str().unwrap().to_string(),
                n["node-type"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A relationship by what it connects, not by its id.
fn endpoints(r: &Value) -> String {
    let rt = &r["relationship-type"];
    if let Some(c) = rt.get("connects") {
        return format!(
            "connects {} -> {}",
            c["source"]["node"].as_str().unwrap(),
            c["destination"]["node"].as_str().unwrap()
        );
    }
    for (k, one) in [
        ("interacts", "actor"),
        ("composed-of", "container"),
        ("deployed-in", "container"),
    ] {
        if let Some(c) = rt.get(k) {
            let mut members: Vec<&str> = c["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m.as_str().unwrap())
                .collect();
            members.sort();
            return format!("{k} {} [{}]", c[one].as_str().unwrap(), members.join(","));
        }
    }
    panic!("unknown relationship {r}")
}

fn all_endpoints(doc: &Value) -> BTreeSet<String> {
    doc["relationships"]
        .as_array()
        .unwrap()
        .iter()
        .map(endpoints)
        .collect()
}

/// Each flow as the list of hops it walks (`from>to`), in sequence order.
fn flow_paths(doc: &Value) -> Vec<(String, Vec<String>)> {
    let rels = doc["relationships"].as_array().unwrap();
    let mut out = Vec::new();
    for f in doc["flows"].as_array().unwrap() {
        let mut ts: Vec<&Value> = f["transitions"].as_array().unwrap().iter().collect();
        ts.sort_by_key(|t| t["sequence-number"].as_i64().unwrap());
        let hops = ts
            .iter()
            .map(|t| {
                let r = rels
                    .iter()
                    .find(|r| r["unique-id"] == t["relationship-unique-id"])
                    .expect("transition relationship exists");
                let e = endpoints(r);
                let e = e.split_once(' ').unwrap().1.to_string();
                let (a, b) = e
                    .split_once(" -> ")
                    .map(|(a, b)| (a.to_string(), b.to_string()))
                    .unwrap_or((e.clone(), String::new()));
                if t["direction"] == "destination-to-source" {
                    format!("{b}>{a}")
                } else {
                    format!("{a}>{b}")
                }
            })
            .collect();
        out.push((f["unique-id"].as_str().unwrap().to_string(), hops));
    }
    out
}

fn control_configs(doc: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut add = |scope: &str, c: &Value| {
        for (id, ctl) in c.as_object().into_iter().flatten() {
            for r in ctl["requirements"].as_array().into_iter().flatten() {
                out.insert(format!(
                    "{scope}/{id}: {}",
                    r.get("config").map(|c| c.to_string()).unwrap_or_default()
                ));
            }
        }
    };
    if let Some(c) = doc.get("controls") {
        add("arch", c);
    }
    for n in doc["nodes"].as_array().unwrap() {
        if let Some(c) = n.get("controls") {
            add(n["unique-id"].as_str().unwrap(), c);
        }
    }
    for f in doc["flows"].as_array().unwrap() {
        if let Some(c) = f.get("controls") {
            add(f["unique-id"].as_str().unwrap(), c);
        }
    }
    out
}

#[test]
fn day14_has_the_structure_of_the_expected_file() {
    let (Some(day13), Some(expected)) = (
        fixture("ecommerce-platform.day13.json"),
        fixture("ecommerce-platform.day14-expected.json"),
    ) else {
        return;
    };
    let (after, _) = apply_all(&day13, None);
    let mine: Value = serde_json::from_str(&after).unwrap();
    let want: Value = serde_json::from_str(&expected).unwrap();

    assert_eq!(node_types(&mine), node_types(&want), "node ids and types");
    assert_eq!(
        all_endpoints(&mine),
        all_endpoints(&want),
        "relationship endpoints"
    );
    assert_eq!(mine["relationships"].as_array().unwrap().len(), 16);
    assert_eq!(
        flow_paths(&mine),
        flow_paths(&want),
        "flows walk the new paths"
    );
    assert_eq!(
        control_configs(&mine),
        control_configs(&want),
        "control values"
    );
    assert!(
        check_references(&mine).is_empty(),
        "{:?}",
        check_references(&mine)
    );
    assert_eq!(
        mine["adrs"], want["adrs"],
        "the ADR was already listed; not added twice"
    );

    // The tutorial's own checks (Advent day 14 deliverables).
    for needle in [
        "load-balancer",
        "api-gateway-1",
        "api-gateway-2",
        "message-broker",
        "replica",
        "high-availability",
        "failover",
    ] {
        assert!(after.contains(needle), "grep {needle}");
    }
}

#[test]
fn day14_validates_and_each_step_is_idempotent() {
    let Some(day13) = fixture("ecommerce-platform.day13.json") else {
        return;
    };
    let verifier = Verifier::new();
    let (after, checks) = apply_all(&day13, Some(&verifier));
    assert_eq!(
        verifier.validation_errors("after.json", &after).unwrap(),
        Vec::<String>::new()
    );
    // Idempotence is part of verify(); running everything again is a no-op too.
    for r in day14_steps() {
        assert!(
            plan("x.json", &after, &r).unwrap().is_noop(),
            "{} is not idempotent",
            r.name()
        );
    }
    assert_eq!(checks.len(), 6);
}

#[test]
fn day14_resolves_the_three_original_concerns() {
    let Some(day13) = fixture("ecommerce-platform.day13.json") else {
        return;
    };
    let verifier = Verifier::new();
    let before = verifier.findings("before.json", &day13).unwrap();
    let (after_text, _) = apply_all(&day13, None);
    let after = verifier.findings("after.json", &after_text).unwrap();
    let has = |fs: &[calm_analysis::Finding], rule: &str, node: &str| {
        fs.iter()
            .any(|f| f.rule == rule && f.nodes.iter().any(|n| n == node))
    };
    let rules = |fs: &[calm_analysis::Finding]| fs.iter().map(|f| f.id.clone()).collect::<Vec<_>>();
    // 1. the single API gateway; 2. the single order database; 3. payment failures cascade.
    let gateway = before.iter().find(|f| {
        f.nodes.iter().any(|n| n == "api-gateway")
            && f.category == calm_analysis::Category::Resilience
    });
    assert!(
        gateway.is_some(),
        "day13 review should flag api-gateway: {:?}",
        rules(&before)
    );
    assert!(
        has(&before, "datastore-no-replication", "order-database"),
        "{:?}",
        rules(&before)
    );
    let cascade = before.iter().any(|f| {
        f.rule == "cascading-sync-dependency" && f.nodes.iter().any(|n| n == "payment-service")
    });
    assert!(cascade, "{:?}", rules(&before));

    for gw in [
        "api-gateway",
        "api-gateway-1",
        "api-gateway-2",
        "load-balancer",
    ] {
        assert!(
            !has(&after, "single-ingress-path", gw) && !has(&after, "spof-node", gw),
            "{gw} still a SPOF: {:?}",
            rules(&after)
        );
    }
    for db in [
        "order-database",
        "order-database-primary",
        "order-database-cluster",
    ] {
        assert!(
            !has(&after, "datastore-no-replication", db),
            "{:?}",
            rules(&after)
        );
    }
    assert!(
        !after.iter().any(|f| f.rule == "cascading-sync-dependency"
            && f.nodes.iter().any(|n| n == "payment-service")),
        "{:?}",
        rules(&after)
    );
}
