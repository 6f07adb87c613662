//! Property tests: random recipe sequences on generated architectures always give documents
//! without dangling references that still validate, recipes are idempotent, untouched
//! elements keep their bytes, and the JSON Patch reproduces the result.

use calm_refactor::*;
use proptest::prelude::*;
use serde::Serialize;
use serde_json::{Value, json};
use std::sync::OnceLock;

fn verifier() -> &'static Verifier {
    static V: OnceLock<Verifier> = OnceLock::new();
    V.get_or_init(Verifier::new)
}

#[derive(Debug, Clone)]
struct Arch {
    services: usize,
    databases: usize,
    actors: usize,
    /// (from service, to service or database index past the services)
    calls: Vec<(usize, usize)>,
    /// actor → service
    uses: Vec<(usize, usize)>,
    container: bool,
    indent: usize,
}

fn arch() -> impl Strategy<Value = Arch> {
    (2usize..6, 1usize..3, 1usize..3, any::<bool>(), 0usize..3).prop_flat_map(
        |(s, d, a, container, indent)| {
            let calls = proptest::collection::vec((0..s, 0..s + d), 1..8);
            let uses = proptest::collection::vec((0..a, 0..s), 1..4);
            (calls, uses).prop_map(move |(calls, uses)| Arch {
                services: s,
                databases: d,
                actors: a,
                calls,
                uses,
                container,
                indent,
            })
        },
    )
}

fn build(a: &Arch) -> String {
    let svc = |i: usize| format!("svc-{i}");
    let db = |i: usize| format!("db-{i}");
    let mut nodes = Vec::new();
    for i in 0..a.actors {
        nodes.push(json!({"unique-id": format!("user-{i}"), "node-type": "actor", "name": format!("User {i}"), "description": "a user"}));
    }
    for i in 0..a.services {
        nodes.push(json!({"unique-id": svc(i), "node-type": "service", "name": format!("Service {i}"), "description": "a service",
            "interfaces": [{"unique-id": format!("svc-{i}-http"), "protocol": "HTTPS", "port": 8000 + i}]}));
    }
    for i in 0..a.databases {
        nodes.push(json!({"unique-id": db(i), "node-type": "database", "name": format!("DB {i}"), "description": "a database",
            "interfaces": [{"unique-id": format!("db-{i}-jdbc"), "protocol": "JDBC", "port": 5432 + i}],
            "metadata": {"engine": "postgres"}}));
    }
    let mut rels = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for &(u, s) in &a.uses {
        if seen.insert(("u", u, s)) {
            rels.push(json!({"unique-id": format!("user-{u}-uses-svc-{s}"), "description": "uses",
                "relationship-type": {"interacts": {"actor": format!("user-{u}"), "nodes": [svc(s)]}}}));
        }
    }
    for &(f, t) in &a.calls {
        if f == t || !seen.insert(("c", f, t)) {
            continue;
        }
        let (dst, iface) = if t < a.services {
            (svc(t), format!("svc-{t}-http"))
        } else {
            (db(t - a.services), format!("db-{}-jdbc", t - a.services))
        };
        rels.push(json!({"unique-id": format!("svc-{f}-to-{dst}"), "description": "calls",
            "relationship-type": {"connects": {"source": {"node": svc(f)}, "destination": {"node": dst, "interfaces": [iface]}}}}));
    }
    if a.container {
        nodes.push(json!({"unique-id": "platform", "node-type": "system", "name": "Platform", "description": "everything"}));
        let members: Vec<String> = (0..a.services)
            .map(svc)
            .chain((0..a.databases).map(db))
            .collect();
        rels.push(json!({"unique-id": "platform-composition", "relationship-type": {"composed-of": {"container": "platform", "nodes": members}}}));
    }
    // One flow per actor use, following the first call chain from the used service.
    let mut flows = Vec::new();
    for (k, r) in rels
        .clone()
        .iter()
        .enumerate()
        .filter(|(_, r)| r.pointer("/relationship-type/interacts").is_some())
    {
        let mut transitions = vec![
            json!({"relationship-unique-id": r["unique-id"], "sequence-number": 1, "description": "request"}),
        ];
        let start = r["relationship-type"]["interacts"]["nodes"][0]
            .as_str()
            .unwrap()
            .to_string();
        if let Some(c) = rels.iter().find(|c| {
            c.pointer("/relationship-type/connects/source/node")
                .and_then(Value::as_str)
                == Some(&start)
        }) {
            transitions.push(json!({"relationship-unique-id": c["unique-id"], "sequence-number": 2, "description": "Query the data"}));
            transitions.push(json!({"relationship-unique-id": c["unique-id"], "sequence-number": 3, "description": "reply", "direction": "destination-to-source"}));
        }
        flows.push(json!({"unique-id": format!("flow-{k}"), "name": format!("Flow {k}"), "description": "a flow", "transitions": transitions}));
    }
    let mut doc = json!({"$schema": "https://calm.finos.org/release/1.2/meta/calm.json", "nodes": nodes, "relationships": rels});
    if !flows.is_empty() {
        doc["flows"] = Value::from(flows);
    }
    let indent: &[u8] = [&b"  "[..], &b"    "[..], &b"\t"[..]][a.indent];
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(
        &mut out,
        serde_json::ser::PrettyFormatter::with_indent(indent),
    );
    doc.serialize(&mut ser).unwrap();
    String::from_utf8(out).unwrap()
}

#[derive(Debug, Clone)]
enum Step {
    Lb(usize),
    Replicate(usize, usize),
    Decouple(usize),
    Control(usize, usize),
    Rename(usize),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0usize..6).prop_map(Step::Lb),
        (0usize..3, 1usize..3).prop_map(|(d, r)| Step::Replicate(d, r)),
        (0usize..8).prop_map(Step::Decouple),
        (0usize..4, 0usize..3).prop_map(|(s, p)| Step::Control(s, p)),
        (0usize..6).prop_map(Step::Rename),
    ]
}

fn recipe_for(step: &Step, doc: &Value) -> Option<Recipe> {
    let ids = |ty: &str| -> Vec<String> {
        doc["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["node-type"] == ty)
            .map(|n| n["unique-id"].as_str().unwrap().to_string())
            .collect()
    };
    let services = ids("service");
    let w = |s: String| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
    let r = match step {
        Step::Lb(i) => {
            let t = services.get(i % services.len().max(1))?;
            Recipe::parse_args(
                "add-load-balancer",
                &w(format!("--target {t} --lb-id lb-{t}")),
            )
        }
        Step::Replicate(i, n) => {
            let dbs: Vec<String> = ids("database")
                .into_iter()
                .filter(|d| !d.contains("replica"))
                .collect();
            let t = dbs.get(i % dbs.len().max(1))?;
            Recipe::parse_args(
                "replicate-database",
                &w(format!("--target {t} --replicas {n}")),
            )
        }
        Step::Decouple(i) => {
            let calls: Vec<(String, String)> = doc["relationships"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|r| {
                    let c = r.pointer("/relationship-type/connects")?;
                    let (a, b) = (
                        c["source"]["node"].as_str()?,
                        c["destination"]["node"].as_str()?,
                    );
                    (services.iter().any(|s| s == a) && services.iter().any(|s| s == b))
                        .then(|| (a.to_string(), b.to_string()))
                })
                .collect();
            let (a, b) = calls.get(i % calls.len().max(1))?;
            Recipe::parse_args(
                "decouple",
                &w(format!(
                    "--from {a} --to {b} --broker-id broker-{a} --queue-id q-{a}-{b}"
                )),
            )
        }
        Step::Control(s, p) => {
            let preset = ["high-availability", "failover", "circuit-breaker"][*p];
            let scope = match s {
                0 => "architecture".to_string(),
                1 => format!("node:{}", services.first()?),
                2 => format!(
                    "relationship:{}",
                    doc["relationships"][0]["unique-id"].as_str()?
                ),
                _ => format!("flow:{}", doc.get("flows")?.get(0)?["unique-id"].as_str()?),
            };
            Recipe::parse_args(
                "add-control",
                &w(format!("--scope {scope} --preset {preset}")),
            )
        }
        Step::Rename(i) => {
            let t = services.get(i % services.len().max(1))?;
            Recipe::parse_args("rename", &w(format!("{t} {t}-renamed")))
        }
    };
    Some(r.expect("recipe words parse"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_recipe_sequences_stay_consistent(a in arch(), steps in proptest::collection::vec(step(), 1..5)) {
        let mut text = build(&a);
        let start: Value = serde_json::from_str(&text).unwrap();
        prop_assert!(check_references(&start).is_empty(), "generator: {:?}", check_references(&start));
        let before_errors = verifier().validation_errors("gen.json", &text).unwrap();
        for s in &steps {
            let doc: Value = serde_json::from_str(&text).unwrap();
            let Some(r) = recipe_for(s, &doc) else { continue };
            let p = match plan("gen.json", &text, &r) {
                Ok(p) => p,
                // A recipe may not fit (e.g. already-decoupled call): that must be a clear
                // refusal of the operation, never a text-edit failure.
                Err(RefactorError::Op(_)) => continue,
                Err(e) => return Err(TestCaseError::fail(format!("{s:?}: {e}"))),
            };
            prop_assert!(check_references(&p.after).is_empty(), "{:?}: {:?}", s, check_references(&p.after));
            prop_assert_eq!(serde_json::from_str::<Value>(&p.after_text).unwrap(), p.after.clone());
            prop_assert_eq!(patch::apply(&p.before, &p.patch()).unwrap(), p.after.clone());
            let again = plan("gen.json", &p.after_text, &r).unwrap();
            prop_assert!(again.is_noop(), "{:?} twice != once: {:?}", s, again.changes);
            text = p.after_text;
        }
        let after_errors = verifier().validation_errors("gen.json", &text).unwrap();
        prop_assert!(after_errors.len() <= before_errors.len(), "new validation errors: {:?}", after_errors);
        prop_assert!(after_errors.is_empty(), "validation errors: {:?}", after_errors);
    }
}
