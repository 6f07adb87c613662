//! Property test: random mutations of real corpus documents (delete, replace, retype values,
//! inject CALM keys in odd places) never make the engine, the rules or the writers panic.
//! Skips with a message when `../shared/calm-corpus` is absent.

use calm_model::Document;
use calm_validate::output::{self, Format};
use calm_validate::{Config, Validator, rules};
use proptest::prelude::*;
use serde_json::{Value, json};
use std::path::Path;
use std::sync::OnceLock;

fn corpus_documents() -> &'static Vec<Value> {
    static DOCS: OnceLock<Vec<Value>> = OnceLock::new();
    DOCS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/calm-corpus");
        let Ok(text) = std::fs::read_to_string(root.join("verdicts.json")) else {
            return Vec::new();
        };
        let verdicts: Vec<Value> = serde_json::from_str(&text).unwrap();
        let mut paths: Vec<String> = verdicts
            .iter()
            .flat_map(|c| c["repo_paths"].as_array().cloned().unwrap_or_default())
            .filter_map(|p| p.as_str().map(str::to_string))
            .collect();
        paths.sort();
        paths.dedup();
        paths
            .iter()
            .filter_map(|p| std::fs::read_to_string(root.join(p)).ok())
            .filter(|t| t.len() < 60_000)
            .filter_map(|t| serde_json::from_str(&t).ok())
            .collect()
    })
}

/// Every pointer in a document (root excluded).
fn pointers(v: &Value, base: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                let p = format!("{base}/{}", calm_model::escape_token(k));
                out.push(p.clone());
                pointers(c, p, out);
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                let p = format!("{base}/{i}");
                out.push(p.clone());
                pointers(c, p, out);
            }
        }
        _ => {}
    }
}

fn odd_value(k: u8) -> Value {
    match k % 12 {
        0 => Value::Null,
        1 => json!(false),
        2 => json!(0),
        3 => json!(-1),
        4 => json!(""),
        5 => json!("[[ BOOLEAN_X ]]"),
        6 => json!([]),
        7 => json!({}),
        8 => {
            json!({ "connects": { "source": "x", "destination": { "node": 3, "interfaces": [null] } } })
        }
        9 => json!([{ "unique-id": "a" }, { "unique-id": "a" }]),
        10 => json!({ "$ref": "#/nope", "const": ["a"], "oneOf": 1 }),
        _ => json!(1e308),
    }
}

fn mutate(doc: &mut Value, selector: u32, op: u8, payload: u8) {
    let mut ps = Vec::new();
    pointers(doc, String::new(), &mut ps);
    if ps.is_empty() {
        *doc = odd_value(payload);
        return;
    }
    let p = ps[selector as usize % ps.len()].clone();
    let (parent_ptr, last) = p.rsplit_once('/').unwrap();
    let last = last.replace("~1", "/").replace("~0", "~");
    match op % 4 {
        0 => {
            // delete
            if let Some(parent) = doc.pointer_mut(parent_ptr) {
                match parent {
                    Value::Object(m) => {
                        m.shift_remove(&last);
                    }
                    Value::Array(a) => {
                        if let Ok(i) = last.parse::<usize>()
                            && i < a.len()
                        {
                            a.remove(i);
                        }
                    }
                    _ => {}
                }
            }
        }
        1 => {
            if let Some(v) = doc.pointer_mut(&p) {
                *v = odd_value(payload);
            }
        }
        2 => {
            // retype
            if let Some(v) = doc.pointer_mut(&p) {
                *v = match v.take() {
                    Value::Object(m) => Value::Array(m.into_iter().map(|(_, v)| v).collect()),
                    Value::Array(a) => Value::Object(
                        a.into_iter()
                            .enumerate()
                            .map(|(i, v)| (i.to_string(), v))
                            .collect(),
                    ),
                    Value::String(s) => json!(s.len()),
                    Value::Number(n) => json!(n.to_string()),
                    other => json!([other]),
                };
            }
        }
        _ => {
            // inject a CALM key into an object
            if let Some(Value::Object(m)) = doc.pointer_mut(&p) {
                let key = [
                    "unique-id",
                    "relationship-type",
                    "nodes",
                    "interfaces",
                    "controls",
                    "details",
                    "moments",
                    "prefixItems",
                    "options",
                ][payload as usize % 9];
                m.insert(key.to_string(), odd_value(payload / 9));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    #[test]
    fn mutated_corpus_documents_never_panic(
        index in any::<u32>(),
        mutations in prop::collection::vec((any::<u32>(), any::<u8>(), any::<u8>()), 1..6),
    ) {
        let docs = corpus_documents();
        if docs.is_empty() {
            return Ok(());
        }
        let mut doc = docs[index as usize % docs.len()].clone();
        for (selector, op, payload) in mutations {
            mutate(&mut doc, selector, op, payload);
        }
        for rule in rules::catalogue() {
            let _ = rule.check(&doc);
        }
        let engine = Validator::new(Config::default()).unwrap();
        let document = Document::from_value("mutated.json", &doc);
        if let Ok(outcome) = engine.validate_architecture_doc(document.clone(), None) {
            for f in [Format::Json, Format::Pretty, Format::Junit, Format::Sarif] {
                let _ = output::render(&outcome, f, true);
            }
        }
        // As a pattern for a generic architecture, too.
        let arch = Document::from_value("arch.json", &json!({ "nodes": [], "relationships": [] }));
        let _ = engine.validate_architecture_doc(arch, Some(document));
    }
}

#[test]
fn corpus_is_present_or_skipped() {
    if corpus_documents().is_empty() {
        println!(
            "SKIPPED: ../shared/calm-corpus is absent; the mutation property test ran on nothing"
        );
    } else {
        assert!(corpus_documents().len() > 100);
    }
}
