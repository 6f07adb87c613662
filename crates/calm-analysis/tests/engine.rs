//! The engine on small synthetic graphs: dominators vs instance counting, redundancy groups,
//! shared fate, async cuts, suppression, SARIF structure, k-of-n math through the model.

use calm_analysis::output::{self, Format, ViewOptions};
use calm_analysis::suppress::Baseline;
use calm_analysis::{Context, ReviewConfig, ReviewOptions, Severity, review};
use calm_model::Document;
use serde_json::{Value, json};

fn doc(v: Value) -> Document {
    Document::from_str("synthetic.json", &serde_json::to_string_pretty(&v).unwrap()).unwrap()
}

fn node(id: &str, t: &str) -> Value {
    json!({"unique-id": id, "node-type": t, "name": id, "description": id})
}
fn node_md(id: &str, t: &str, md: Value) -> Value {
    json!({"unique-id": id, "node-type": t, "name": id, "description": id, "metadata": md})
}
fn conn(id: &str, s: &str, d: &str) -> Value {
    json!({"unique-id": id, "description": id, "protocol": "HTTPS", "relationship-type": {"connects": {"source": {"node": s}, "destination": {"node": d}}}})
}
fn conn_p(id: &str, s: &str, d: &str, p: &str) -> Value {
    json!({"unique-id": id, "description": id, "protocol": p, "relationship-type": {"connects": {"source": {"node": s}, "destination": {"node": d}}}})
}
fn interacts(id: &str, a: &str, n: &[&str]) -> Value {
    json!({"unique-id": id, "description": id, "relationship-type": {"interacts": {"actor": a, "nodes": n}}})
}
fn flow(id: &str, rels: &[&str]) -> Value {
    let t: Vec<Value> = rels.iter().enumerate().map(|(i, r)| json!({"relationship-unique-id": r, "sequence-number": i + 1, "description": "step"})).collect();
    json!({"unique-id": id, "name": id, "description": id, "transitions": t})
}
fn opts() -> ReviewOptions {
    ReviewOptions {
        today: Some("2026-11-25".into()),
        categories: vec![calm_analysis::Category::Resilience],
        ..Default::default()
    }
}
fn ids(d: &Document) -> Vec<String> {
    review(d, &opts())
        .findings
        .iter()
        .map(|f| f.id.clone())
        .collect()
}

/// user → gw → {pricing, stock} → core: gw and core dominate, stock does not (two paths).
fn diamond() -> Value {
    json!({
        "nodes": [node("user", "actor"), node("gw", "service"), node("pricing", "service"), node("stock", "service"), node("core", "service")],
        "relationships": [interacts("u-e", "user", &["gw"]), conn("e-a", "gw", "pricing"), conn("e-b", "gw", "stock"), conn("a-c", "pricing", "core"), conn("b-c", "stock", "core")],
        "flows": [flow("f", &["u-e", "e-a", "a-c"])]
    })
}

#[test]
fn spof_is_a_dominator_not_a_count() {
    let d = doc(diamond());
    let ctx = Context::build(&d, ReviewConfig::default());
    let required: Vec<&str> = ctx.flows[0]
        .required_closure
        .iter()
        .map(|s| ctx.supernode_label(*s))
        .map(|s| {
            if s == "gw" {
                "gw"
            } else if s == "core" {
                "core"
            } else if s == "pricing" {
                "pricing"
            } else {
                "other"
            }
        })
        .collect();
    // The flow names pricing, so pricing is required by the flow itself; stock is not.
    assert!(
        required.contains(&"gw") && required.contains(&"core") && required.contains(&"pricing"),
        "{required:?}"
    );
    assert!(
        !ctx.flows[0]
            .required_closure
            .iter()
            .any(|s| ctx.supernode_label(*s) == "stock")
    );
    let found = ids(&d);
    assert!(found.contains(&"spof-node@core".to_string()), "{found:?}");
    assert!(!found.iter().any(|i| i == "spof-node@stock"), "{found:?}");
    // The entry node is reported as the single ingress, not as a plain SPOF.
    assert!(
        found.contains(&"single-ingress-path@gw".to_string()),
        "{found:?}"
    );
}

#[test]
fn simulate_counts_alternative_paths() {
    let d = doc(diamond());
    let ctx = Context::build(&d, ReviewConfig::default());
    // stock is not on the flow: failing it breaks nothing.
    let o = calm_analysis::simulate::fail(&ctx, &["stock".into()]).unwrap();
    assert!(o.flows_broken.is_empty());
    // core breaks the flow and the user's journey.
    let o = calm_analysis::simulate::fail(&ctx, &["core".into()]).unwrap();
    assert_eq!(o.flows_broken, vec!["f"]);
    assert_eq!(o.actors_affected, vec!["user"]);
    assert!(calm_analysis::simulate::fail(&ctx, &["nope".into()]).is_err());
}

#[test]
fn replicas_named_by_suffix_and_declared_instances_are_not_spofs() {
    let d = doc(json!({
        "nodes": [node("user", "actor"), node_md("lb", "load-balancer", json!({"managed": true})), node("api-1", "service"), node("api-2", "service"), node_md("worker", "service", json!({"instances": 3})), node_md("db", "database", json!({"multi-az": true, "backup-policy": "daily"}))],
        "relationships": [interacts("u-lb", "user", &["lb"]), conn("lb-1", "lb", "api-1"), conn("lb-2", "lb", "api-2"), conn("1-w", "api-1", "worker"), conn("2-w", "api-2", "worker"), conn_p("w-db", "worker", "db", "JDBC")],
        "flows": [flow("f", &["u-lb", "lb-1", "1-w", "w-db"])]
    }));
    let found = ids(&d);
    for bad in [
        "spof-node@api-1",
        "spof-node@worker",
        "datastore-no-replication@db",
        "single-ingress-path@api-1",
        "load-balancer-ha-undeclared@lb",
    ] {
        assert!(!found.iter().any(|i| i == bad), "{bad} in {found:?}");
    }
}

#[test]
fn heterogeneous_composition_is_aggregation_not_redundancy() {
    let d = doc(json!({
        "nodes": [node("user", "actor"), node("platform", "system"), node("orders", "service"), node("billing", "service")],
        "relationships": [interacts("u-o", "user", &["orders"]), conn("o-b", "orders", "billing"), json!({"unique-id": "c", "description": "c", "relationship-type": {"composed-of": {"container": "platform", "nodes": ["orders", "billing"]}}})],
        "flows": [flow("f", &["u-o", "o-b"])]
    }));
    let ctx = Context::build(&d, ReviewConfig::default());
    assert!(
        ctx.redundancy.groups.is_empty(),
        "{:?}",
        ctx.redundancy.groups
    );
    assert!(ids(&d).contains(&"spof-node@billing".to_string()));
}

#[test]
fn replicas_in_one_host_share_fate() {
    let d = doc(json!({
        "nodes": [node("user", "actor"), node_md("lb", "service", json!({"role": "load-balancer", "managed": true})), node("web-1", "service"), node("web-2", "service"), node("rack", "system"), node_md("db", "database", json!({"replicas": 2, "backup-policy": "daily"}))],
        "relationships": [interacts("u-lb", "user", &["lb"]), conn("lb-1", "lb", "web-1"), conn("lb-2", "lb", "web-2"), conn_p("1-db", "web-1", "db", "JDBC"), conn_p("2-db", "web-2", "db", "JDBC"),
            json!({"unique-id": "host", "description": "h", "relationship-type": {"deployed-in": {"container": "rack", "nodes": ["web-1", "web-2"]}}})],
        "flows": [flow("f", &["u-lb", "lb-1", "1-db"])]
    }));
    let found = ids(&d);
    assert!(
        found.contains(&"redundancy-shared-fate@rack@web-1".to_string()),
        "{found:?}"
    );
    assert!(found.contains(&"spof-node@rack".to_string()), "{found:?}");
    // Declaring two zones on the host clears both.
    let mut v: Value = serde_json::from_str(d.source.text()).unwrap();
    v["nodes"][4]["metadata"] = json!({"availability-zones": ["a", "b"]});
    let found = ids(&doc(v));
    assert!(
        !found
            .iter()
            .any(|i| i.starts_with("redundancy-shared-fate") || i == "spof-node@rack"),
        "{found:?}"
    );
}

#[test]
fn async_edges_cut_the_request_path() {
    let d = doc(json!({
        "controls": {"sla": {"description": "target", "requirements": [{"requirement-url": "https://x.example/sla", "config": {"availability-percent": 99.0}}]}},
        "nodes": [node("user", "actor"), node_md("api", "service", json!({"instances": 2})), node_md("bus", "message-broker", json!({"cluster-size": 3})), node("mailer", "service")],
        "relationships": [interacts("u-a", "user", &["api"]), conn_p("a-bus", "api", "bus", "AMQP"), conn_p("bus-m", "bus", "mailer", "AMQP")],
        "flows": [flow("f", &["u-a", "a-bus", "bus-m"])]
    }));
    let ctx = Context::build(&d, ReviewConfig::default());
    let f = &ctx.flows[0];
    let names = |v: &[usize]| {
        v.iter()
            .map(|n| ctx.node_id(*n).to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&f.request_nodes), vec!["api", "bus"]);
    assert_eq!(names(&f.async_nodes), vec!["mailer"]);
    let o = calm_analysis::simulate::fail(&ctx, &["mailer".into()]).unwrap();
    assert!(o.flows_broken.is_empty());
    assert_eq!(o.flows_degraded, vec!["f"]);
    // api: 2 × 0.999 in parallel; bus: 3 instances; mailer not counted.
    let a = &f.availability;
    assert!(
        (a.estimated_with_closure - (1.0 - 0.001f64.powi(2)) * (1.0 - 0.001f64.powi(3))).abs()
            < 1e-6,
        "{a:?}"
    );
    assert_eq!(a.status, "meets-target");
    let found = ids(&d);
    assert!(
        found.contains(&"consumer-without-dead-letter@bus-m".to_string()),
        "{found:?}"
    );
}

#[test]
fn availability_below_inline_target_names_weakest_links() {
    // Five serial single components at the 99.9 % default: 0.999^5 = 0.995010.
    let mut nodes = vec![node("user", "actor")];
    let mut rels = vec![interacts("u-s0", "user", &["s0"])];
    let mut steps = vec!["u-s0".to_string()];
    for i in 0..5 {
        nodes.push(node(&format!("s{i}"), "service"));
        if i > 0 {
            rels.push(conn(
                &format!("r{i}"),
                &format!("s{}", i - 1),
                &format!("s{i}"),
            ));
            steps.push(format!("r{i}"));
        }
    }
    let steps: Vec<&str> = steps.iter().map(String::as_str).collect();
    let d = doc(json!({
        "controls": {"high-availability": {"description": "uptime", "requirements": [{"requirement-url": "https://x.example/sla", "config": {"availability-percent": 99.9}}]}},
        "nodes": nodes, "relationships": rels, "flows": [flow("f", &steps)]
    }));
    let r = review(&d, &opts());
    let f = r
        .findings
        .iter()
        .find(|f| f.id == "flow-availability-below-target@f")
        .expect("RES-17");
    let m = &f.metrics["availability"];
    assert_eq!(
        format!("{:.6}", m["estimatedWithClosure"].as_f64().unwrap()),
        "0.995010"
    );
    assert_eq!(
        format!("{:.6}", m["requiredPerComponent"].as_f64().unwrap()),
        "0.999800"
    );
    assert_eq!(f.severity, Severity::High, "gap below one nine");
    assert_eq!(m["weakestLinks"].as_array().unwrap().len(), 3);
    assert!(m["afterFix"][0]["estimated"].as_f64().unwrap() > 0.995010);
    assert!(r.assumptions["availabilityDefaults"]["service"].as_f64() == Some(0.999));
}

#[test]
fn synchronous_cycle_and_deep_chain() {
    let mut nodes = vec![node("user", "actor")];
    let mut rels = vec![interacts("u-0", "user", &["c0"])];
    let mut steps = vec!["u-0".to_string()];
    for i in 0..7 {
        nodes.push(node_md(
            &format!("c{i}"),
            "service",
            json!({"instances": 2}),
        ));
        if i > 0 {
            rels.push(conn(
                &format!("h{i}"),
                &format!("c{}", i - 1),
                &format!("c{i}"),
            ));
            steps.push(format!("h{i}"));
        }
    }
    rels.push(conn("back", "c6", "c4"));
    let steps: Vec<&str> = steps.iter().map(String::as_str).collect();
    let d = doc(json!({"nodes": nodes, "relationships": rels, "flows": [flow("f", &steps)]}));
    let found = ids(&d);
    assert!(
        found.contains(&"circular-sync-dependency@c4@c5@c6".to_string()),
        "{found:?}"
    );
    assert!(
        found.contains(&"sync-chain-too-deep@f".to_string()),
        "{found:?}"
    );
}

#[test]
fn in_model_suppression_is_inherited_and_expires() {
    let mut v = diamond();
    v["nodes"][4]["metadata"] = json!({"calm-advisor": {"suppress": [{"rule": "spof-node", "status": "accepted", "owner": "team-core", "expires": "2099-01-01", "justification": "restart in 30 s is fine"}]}});
    let d = doc(v.clone());
    let r = review(&d, &opts());
    let f = r
        .findings
        .iter()
        .find(|f| f.id == "spof-node@core")
        .unwrap();
    let s = f.suppression.as_ref().unwrap();
    assert_eq!(
        (s.status.as_str(), s.source.as_str(), s.owner.as_deref()),
        ("accepted", "in-model", Some("team-core"))
    );
    assert_eq!(
        r.failing(Severity::Info),
        r.findings
            .iter()
            .filter(|f| f.suppression.is_none())
            .count()
    );
    // Expired: ignored and reported.
    v["nodes"][4]["metadata"]["calm-advisor"]["suppress"][0]["expires"] = json!("2020-01-01");
    let r = review(&doc(v.clone()), &opts());
    assert!(
        r.findings
            .iter()
            .find(|f| f.id == "spof-node@core")
            .unwrap()
            .suppression
            .is_none()
    );
    assert_eq!(r.expired.len(), 1);
    assert_eq!(r.expired[0].expires, "2020-01-01");
    // Inherited from a containing composed-of parent; false-positive hides the finding.
    let mut w = diamond();
    w["nodes"].as_array_mut().unwrap().push(node_md(
        "area",
        "system",
        json!({"calm-advisor": {"suppress": [{"rule": "spof-node", "status": "false-positive"}]}}),
    ));
    w["relationships"].as_array_mut().unwrap().push(json!({"unique-id": "area-c", "description": "c", "relationship-type": {"composed-of": {"container": "area", "nodes": ["core", "pricing"]}}}));
    let r = review(&doc(w), &opts());
    assert!(
        r.finding("spof-node@core")
            .is_some_and(|f| f.suppression.as_ref().unwrap().status == "false-positive")
    );
    assert!(!r.findings.iter().any(|f| f.id == "spof-node@core"));
}

#[test]
fn baseline_by_id_and_fingerprint() {
    let d = doc(diamond());
    let before = review(&d, &opts());
    let fp = before
        .findings
        .iter()
        .find(|f| f.id == "spof-node@core")
        .unwrap()
        .fingerprint
        .clone();
    let b = Baseline::parse("b.json", &json!({"suppressions": [{"fingerprint": fp, "status": "mitigated", "owner": "sre"}, {"id": "single-ingress-path@gw", "status": "accepted"}]})).unwrap();
    let r = review(
        &d,
        &ReviewOptions {
            baseline: Some(b),
            ..opts()
        },
    );
    assert_eq!(
        r.finding("spof-node@core")
            .unwrap()
            .suppression
            .as_ref()
            .unwrap()
            .status,
        "mitigated"
    );
    assert_eq!(
        r.finding("single-ingress-path@gw")
            .unwrap()
            .suppression
            .as_ref()
            .unwrap()
            .source,
        "baseline"
    );
    assert!(
        Baseline::parse(
            "b.json",
            &json!({"suppressions": [{"id": "x", "status": "maybe"}]})
        )
        .unwrap_err()
        .contains("/suppressions/0/status")
    );
}

#[test]
fn fingerprints_do_not_depend_on_lines() {
    let d = doc(diamond());
    let compact = Document::from_str(
        "synthetic.json",
        &serde_json::to_string(&diamond()).unwrap(),
    )
    .unwrap();
    let keys = |d: &Document| -> Vec<(String, String, usize)> {
        review(d, &opts())
            .findings
            .iter()
            .map(|f| {
                (
                    f.id.clone(),
                    f.fingerprint.clone(),
                    f.locations[0].start_line,
                )
            })
            .collect()
    };
    let (a, b) = (keys(&d), keys(&compact));
    assert_eq!(
        a.iter().map(|x| (&x.0, &x.1)).collect::<Vec<_>>(),
        b.iter().map(|x| (&x.0, &x.1)).collect::<Vec<_>>()
    );
    assert_ne!(
        a.iter().map(|x| x.2).collect::<Vec<_>>(),
        b.iter().map(|x| x.2).collect::<Vec<_>>()
    );
}

/// The SARIF 2.1.0 schema's required structure: version, runs[].tool.driver.name, results with
/// message.text, ruleId within driver.rules, levels from the enum, regions with 1-based lines.
#[test]
fn sarif_has_the_required_structure() {
    let d = doc(diamond());
    let s: Value = serde_json::from_str(&output::render(
        &review(&d, &opts()),
        Format::Sarif,
        &ViewOptions::default(),
    ))
    .unwrap();
    assert_eq!(s["version"], "2.1.0");
    assert!(s["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &s["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "calm-advisor");
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    for r in run["tool"]["driver"]["rules"].as_array().unwrap() {
        assert!(
            r["shortDescription"]["text"].is_string()
                && r["defaultConfiguration"]["level"].is_string()
        );
    }
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        assert!(r["message"]["text"].as_str().is_some_and(|t| !t.is_empty()));
        let id = r["ruleId"].as_str().unwrap();
        assert_eq!(rules[r["ruleIndex"].as_u64().unwrap() as usize], id);
        assert!(["none", "note", "warning", "error"].contains(&r["level"].as_str().unwrap()));
        assert_eq!(r["kind"], "fail");
        let rank = r["rank"].as_f64().unwrap();
        assert!((0.0..=100.0).contains(&rank));
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert!(
            region["startLine"].as_u64().unwrap() >= 1
                && region["startColumn"].as_u64().unwrap() >= 1
        );
        assert!(
            r["partialFingerprints"]["calmAdvisor/v1"]
                .as_str()
                .unwrap()
                .starts_with("sha256:")
        );
    }
}

#[test]
fn dominators_scale_without_quadratic_blowup() {
    // A generated architecture with many entry points must finish and honour the root cap.
    let v = calm_testkit::layered_architecture(3000, 7);
    let d = doc(v);
    let ctx = Context::build(
        &d,
        ReviewConfig {
            max_dominator_roots: 1,
            ..Default::default()
        },
    );
    assert!(
        ctx.notes
            .iter()
            .any(|n| n.contains("share one virtual root")),
        "{:?}",
        ctx.notes
    );
    assert!(!ctx.flows.is_empty());
}
