//! `unique-ids-must-be-unique-in-architecture`: node, relationship and interface ids are unique.

use super::array;
use crate::diagnostic::Severity;
use crate::rules::{AppliesTo, Hit, Rule, RuleDocs};
use serde_json::Value;
use std::collections::HashMap;

pub static RULE: Rule = Rule {
    code: "unique-ids-must-be-unique-in-architecture",
    severity: Severity::Error,
    applies_to: AppliesTo::Architecture,
    summary: "Node, relationship and interface unique-ids are unique (one shared namespace).",
    docs: RuleDocs {
        what_it_does: "Collects the `unique-id` of every node, relationship and node interface, and reports each one seen before. Flows, controls and moments are not part of this namespace.",
        why_it_matters: "References by id (relationships, flows, interfaces) become ambiguous: a tool may resolve them to either element.",
        example: "\"nodes\": [ { \"unique-id\": \"api\", … }, { \"unique-id\": \"api\", … } ]",
        how_to_fix: "Rename one of the elements and update the references to it.",
    },
    check: Some(check),
};

fn check(doc: &Value) -> Vec<Hit> {
    let mut ids: Vec<(String, &str)> = Vec::new();
    for (i, n) in array(doc, "nodes").iter().enumerate() {
        if let Some(id) = n.get("unique-id").and_then(Value::as_str) {
            ids.push((format!("/nodes/{i}/unique-id"), id));
        }
    }
    for (i, r) in array(doc, "relationships").iter().enumerate() {
        if let Some(id) = r.get("unique-id").and_then(Value::as_str) {
            ids.push((format!("/relationships/{i}/unique-id"), id));
        }
    }
    for (i, n) in array(doc, "nodes").iter().enumerate() {
        for (j, itf) in array(n, "interfaces").iter().enumerate() {
            if let Some(id) = itf.get("unique-id").and_then(Value::as_str) {
                ids.push((format!("/nodes/{i}/interfaces/{j}/unique-id"), id));
            }
        }
    }
    let mut first: HashMap<&str, &str> = HashMap::new();
    let mut hits = Vec::new();
    for (pointer, id) in &ids {
        match first.get(id) {
            Some(prev) => hits.push(Hit::new(
                pointer.clone(),
                format!("Duplicate unique-id '{id}' at {pointer}; it is first used at {prev}."),
            )),
            None => {
                first.insert(id, pointer);
            }
        }
    }
    hits
}
