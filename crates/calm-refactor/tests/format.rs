//! Acceptance: each step's diff leaves every untouched node, relationship and flow
//! byte-identical, on files with tab and 4-space indentation and compact one-line arrays, and
//! new parts follow the file's indentation. The fixtures are not the tutorial's: other ids,
//! node types (a database with array metadata, a deployed-in cluster) and shapes.

use calm_model::Document;
use calm_refactor::*;
use serde_json::Value;

const TABS: &str = include_str!("fixtures/trading-tabs.json");
const FOUR: &str = include_str!("fixtures/trading-4space.json");

fn recipe(name: &str, args: &str) -> Recipe {
    Recipe::parse_args(
        name,
        &args
            .split_whitespace()
            .map(str::to_string)
            .collect::<Vec<_>>(),
    )
    .unwrap()
}

fn steps() -> Vec<Recipe> {
    vec![
        recipe("add-load-balancer", "--target trade-api --lb-id trade-lb"),
        recipe(
            "replicate-database",
            "--target trade-store --replicas 2 --mode sync --primary-id trade-store --cluster-id trade-store-ha",
        ),
        recipe(
            "decouple",
            "--from trade-api-1 --to settlement --broker kafka --adr docs/adr/0007-async-settlement.md",
        ),
        recipe(
            "add-control",
            "--scope relationship:api-risk --preset circuit-breaker --config failure-threshold=3 open-state-duration-seconds=120",
        ),
        recipe(
            "add-control",
            "--scope flow:book-trade --id audit --requirement-url https://example.org/audit --config retention-days=3650",
        ),
        recipe("rename", "risk-engine risk-service"),
    ]
}

/// Source text of every top-level element (by unique-id) of `doc`.
fn element_texts(doc: &Document) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for key in ["nodes", "relationships", "flows"] {
        for (i, v) in doc.value[key].as_array().into_iter().flatten().enumerate() {
            let loc = doc.locate(&format!("/{key}/{i}"));
            let id = v["unique-id"].as_str().unwrap_or("").to_string();
            out.push((
                format!("{key}/{id}"),
                doc.source.text()[loc.start..loc.end].to_string(),
                v.clone(),
            ));
        }
    }
    out
}

fn check_untouched_identical(before: &str, after: &str) -> usize {
    let b = Document::from_str("b.json", before).unwrap();
    let a = Document::from_str("a.json", after).unwrap();
    let after_elems = element_texts(&a);
    let mut same = 0;
    for (id, text, value) in element_texts(&b) {
        if let Some((_, t2, v2)) = after_elems.iter().find(|(i, _, _)| *i == id)
            && *v2 == value
        {
            assert_eq!(*t2, text, "{id} is unchanged in value but its text changed");
            same += 1;
        }
    }
    same
}

fn run_steps(original: &str, indent: &str) {
    let verifier = Verifier::new();
    let mut text = original.to_string();
    for r in steps() {
        let p = plan("trading.json", &text, &r).unwrap_or_else(|e| panic!("{}: {e}", r.name()));
        assert!(!p.is_noop(), "{} changed nothing", r.name());
        let v = verifier.verify(&p, None);
        assert!(v.ok(), "{}: {:?}", r.name(), v.blocking());
        let same = check_untouched_identical(&p.before_text, &p.after_text);
        assert!(same > 0, "{}: nothing stayed identical", r.name());
        // Every added line is indented with the file's own unit (no foreign indentation).
        let diff = p.unified_diff();
        for line in diff
            .lines()
            .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
        {
            let body = &line[1..];
            let lead: String = body.chars().take_while(|c| c.is_whitespace()).collect();
            assert!(
                lead.is_empty() || lead.replace(indent, "").is_empty(),
                "{}: line `{line}` not indented with {indent:?}",
                r.name()
            );
        }
        // The JSON Patch reproduces the same document.
        assert_eq!(
            patch::apply(&p.before, &p.patch()).unwrap(),
            p.after,
            "{}: patch",
            r.name()
        );
        text = p.after_text;
    }
    // Untouched top-level members keep their text.
    assert!(
        text.starts_with("{\n")
            && text.contains(&format!("{indent}\"unique-id\": \"trading-platform\""))
    );
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert!(
        check_references(&doc).is_empty(),
        "{:?}",
        check_references(&doc)
    );
}

#[test]
fn tabs_fixture_keeps_untouched_bytes() {
    run_steps(TABS, "\t");
}

#[test]
fn four_space_fixture_keeps_untouched_bytes() {
    run_steps(FOUR, "    ");
}

#[test]
fn recipes_on_a_non_tutorial_shape() {
    let mut text = TABS.to_string();
    for r in steps() {
        text = plan("t.json", &text, &r).unwrap().after_text;
    }
    let d: Value = serde_json::from_str(&text).unwrap();
    let node = |id: &str| {
        d["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["unique-id"] == id)
            .cloned()
    };
    let rel_between = |a: &str, b: &str| {
        d["relationships"].as_array().unwrap().iter().any(|r| {
            r.pointer("/relationship-type/connects/source/node")
                .and_then(Value::as_str)
                == Some(a)
                && r.pointer("/relationship-type/connects/destination/node")
                    .and_then(Value::as_str)
                    == Some(b)
        })
    };
    // Load balancer: both actors go through it; both instances exist, with distinct interfaces.
    assert!(node("trade-api").is_none());
    let i1 = node("trade-api-1").unwrap();
    let i2 = node("trade-api-2").unwrap();
    assert_eq!(i1["interfaces"].as_array().unwrap().len(), 2);
    assert_ne!(
        i1["interfaces"][0]["unique-id"],
        i2["interfaces"][0]["unique-id"]
    );
    for actor in ["trader-uses-api", "ops-uses-api"] {
        let r = d["relationships"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["unique-id"] == actor)
            .unwrap();
        assert_eq!(
            r["relationship-type"]["interacts"]["nodes"],
            serde_json::json!(["trade-lb"])
        );
    }
    assert!(rel_between("trade-lb", "trade-api-1") && rel_between("trade-lb", "trade-api-2"));
    // Outgoing calls duplicated per instance (risk renamed afterwards, store replicated).
    assert!(
        rel_between("trade-api-1", "risk-service") && rel_between("trade-api-2", "risk-service")
    );
    // Both instances are deployed in the cluster.
    let dep = d["relationships"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unique-id"] == "deployment")
        .unwrap();
    let members: Vec<&str> = dep["relationship-type"]["deployed-in"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    for m in [
        "trade-lb",
        "trade-api-1",
        "trade-api-2",
        "trade-store",
        "trade-store-replica-1",
        "trade-store-replica-2",
    ] {
        assert!(members.contains(&m), "{m} not deployed: {members:?}");
    }
    // Replication kept the id as primary; array metadata got an appended entry.
    let primary = node("trade-store").unwrap();
    assert!(
        primary["metadata"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["role"] == "primary" && m["replication-mode"] == "sync")
    );
    assert!(
        rel_between("risk-service", "trade-store-replica-1"),
        "reader gets a replica relationship"
    );
    // The positions flow reads, so it moved to the replica, request and response.
    let flows = d["flows"].as_array().unwrap();
    let positions = flows
        .iter()
        .find(|f| f["unique-id"] == "positions")
        .unwrap();
    for t in positions["transitions"].as_array().unwrap() {
        assert_ne!(t["relationship-unique-id"], "risk-store");
    }
    // Kafka broker on 9092, TCP relationships; settlement step split, numbering contiguous.
    let broker = node("message-broker").unwrap();
    assert_eq!(broker["interfaces"][0]["port"], 9092);
    assert!(node("trade-api-1-queue").is_some());
    let book = flows
        .iter()
        .find(|f| f["unique-id"] == "book-trade")
        .unwrap();
    let seqs: Vec<i64> = book["transitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["sequence-number"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, (1..=seqs.len() as i64).collect::<Vec<_>>());
    assert!(
        d["adrs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a == "docs/adr/0007-async-settlement.md")
    );
    // Controls at relationship and flow scope, with overrides typed.
    let api_risk = d["relationships"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unique-id"] == "api-risk")
        .unwrap();
    let cfg = &api_risk["controls"]["circuit-breaker"]["requirements"][0]["config"];
    assert_eq!(cfg["failure-threshold"], 3);
    assert_eq!(cfg["open-state-duration-seconds"], 120);
    assert_eq!(cfg["failure-window-seconds"], 30);
    assert_eq!(
        book["controls"]["audit"]["requirements"][0]["config"]["retention-days"],
        3650
    );
}

#[test]
fn errors_are_clear_and_change_nothing() {
    let cases = [
        (
            "add-load-balancer",
            "--target nope",
            "no node with unique-id `nope`",
        ),
        (
            "add-load-balancer",
            "--target trader",
            "not something a load balancer can front",
        ),
        (
            "decouple",
            "--from trader --to settlement",
            "no `connects` relationship from trader to settlement",
        ),
        (
            "add-control",
            "--scope node:ghost --preset failover",
            "no node with unique-id `ghost`",
        ),
        (
            "add-control",
            "--scope galaxy:x --preset failover",
            "scope kind `galaxy`",
        ),
        (
            "add-control",
            "--preset failover --scope flow:nope",
            "no flow with unique-id `nope`",
        ),
        ("rename", "trade-api trade-store", "already used"),
        (
            "replicate-database",
            "--target trade-store --cluster-id trade-api",
            "already used",
        ),
    ];
    for (r, a, msg) in cases {
        let err = Recipe::parse_args(
            r,
            &a.split_whitespace().map(str::to_string).collect::<Vec<_>>(),
        )
        .and_then(|rec| {
            plan("t.json", TABS, &rec)
                .map_err(|e| OpError::Invalid(e.to_string()))
                .map(|_| ())
        })
        .expect_err(a);
        assert!(err.to_string().contains(msg), "{r} {a}: {err}");
    }
}

#[test]
fn existing_nodes_are_not_hijacked() {
    let cases = [
        (
            "add-load-balancer",
            "--target trade-api --lb-id settlement",
            "not a load balancer",
        ),
        (
            "add-load-balancer",
            "--target trade-api --names trade-api,settlement",
            "already used",
        ),
        (
            "add-load-balancer",
            "--target trade-api --names risk-engine,trade-api-2",
            "already used",
        ),
    ];
    for (r, a, msg) in cases {
        let rec = Recipe::parse_args(
            r,
            &a.split_whitespace().map(str::to_string).collect::<Vec<_>>(),
        )
        .unwrap();
        let err = plan("t.json", TABS, &rec).expect_err(a);
        assert!(err.to_string().contains(msg), "{r} {a}: {err}");
    }
}

#[test]
fn second_load_balancer_gets_its_own_id() {
    let mut text = TABS.to_string();
    for (r, a) in [
        ("add-load-balancer", "--target trade-api"),
        ("add-load-balancer", "--target risk-engine"),
    ] {
        let rec = Recipe::parse_args(
            r,
            &a.split_whitespace().map(str::to_string).collect::<Vec<_>>(),
        )
        .unwrap();
        let p = plan("t.json", &text, &rec).unwrap();
        assert!(!p.is_noop());
        assert!(check_references(&p.after).is_empty());
        // Twice is once, also for the second load balancer.
        assert!(
            plan("t.json", &p.after_text, &rec).unwrap().is_noop(),
            "{a}"
        );
        text = p.after_text;
    }
    let d: Value = serde_json::from_str(&text).unwrap();
    let ids: Vec<&str> = d["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["unique-id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"load-balancer") && ids.contains(&"risk-engine-load-balancer"),
        "{ids:?}"
    );
    // The front door's load balancer is not re-pointed at itself: no connects from a node to itself
    // and no relationship from the instances of trade-api back to the first load balancer.
    for r in d["relationships"].as_array().unwrap() {
        if let Some(c) = r.pointer("/relationship-type/connects") {
            assert_ne!(c["source"]["node"], c["destination"]["node"]);
            if c["destination"]["node"] == "load-balancer" {
                panic!("something calls the front load balancer: {r}");
            }
        }
    }
}

#[test]
fn controls_without_preset_get_a_default_requirement_url() {
    let rec = recipe(
        "add-control",
        "--scope node:trade-store --id disaster-recovery --config backup-frequency=daily",
    );
    let p = plan("t.json", TABS, &rec).unwrap();
    let node = p.after["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["unique-id"] == "trade-store")
        .unwrap();
    assert_eq!(
        node["controls"]["disaster-recovery"]["requirements"][0]["requirement-url"],
        "https://calm.finos.org/traderx/control-requirement/disaster-recovery"
    );
}

#[test]
fn byte_order_mark_is_kept() {
    let text = format!("\u{feff}{FOUR}");
    let p = plan("t.json", &text, &recipe("rename", "ops operations")).unwrap();
    assert!(p.after_text.starts_with('\u{feff}'));
    assert!(!p.unified_diff().contains("-\u{feff}{"));
}

#[test]
fn rename_reaches_timeline_moments() {
    let timeline = r#"{
  "$schema": "https://calm.finos.org/release/1.2/meta/calm-timeline.json",
  "current-moment": "v1",
  "moments": [
    {"unique-id": "v1", "node-type": "moment", "name": "V1", "description": "first",
     "details": {"detailed-architecture": "arch-v1.json"}}
  ]
}"#;
    let p = plan("timeline.json", timeline, &recipe("rename", "v1 launch")).unwrap();
    assert_eq!(p.after["current-moment"], "launch");
    assert_eq!(p.after["moments"][0]["unique-id"], "launch");
    assert_eq!(
        p.after["moments"][0]["details"]["detailed-architecture"],
        "arch-v1.json"
    );
}

/// Instances of a node whose name ends in a number (`svc-12`, as generated or scripted models
/// name them) are told apart as `svc 1`, `svc 2`, not `svc- 1`.
#[test]
fn instances_of_a_numbered_name_get_clean_names() {
    let text = r#"{
  "nodes": [
    {"unique-id": "client", "node-type": "actor", "name": "client", "description": "c"},
    {"unique-id": "svc-12", "node-type": "service", "name": "svc-12", "description": "s",
     "interfaces": [{"unique-id": "svc-12-http", "protocol": "HTTPS", "port": 443}]}
  ],
  "relationships": [
    {"unique-id": "uses", "relationship-type": {"interacts": {"actor": "client", "nodes": ["svc-12"]}}}
  ]
}"#;
    let p = plan(
        "t.json",
        text,
        &recipe("add-load-balancer", "--target svc-12"),
    )
    .unwrap();
    let names: Vec<&str> = p.after["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["unique-id"].as_str().unwrap().starts_with("svc-12-"))
        .map(|n| n["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["svc 1", "svc 2"]);
}
