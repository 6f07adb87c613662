//! `unique-ids-must-be-unique-in-architecture`: node, relationship and interface ids are unique.

use super::array;
use crate::diagnostic::Severity;
use crate::rules::{AppliesTo, Hit, ValidationRule, ValidationRuleDoc};
use serde_json::Value;
use std::collections::HashMap;

pub static RULE: ValidationRule = ValidationRule {
    code: "unique-ids-must-be-unique-in-architecture",
    severity: Severity::Error,
    applies_to: AppliesTo::Architecture,
    summary: "Node, relationship and interface unique-ids are unique (one shared namespace).",
    docs: ValidationRuleDoc {
        what_it_does: "Collects the `unique-id` of every node, relationship and node interface, and reports each one seen before. Flows, controls and moments are not part of this namespace.",
        why_it_matters: "References by id (relationships, flows, interfaces) become ambiguous: a tool may resolve them to either element.",
        example: "\"nodes\": [ { \"unique-id\": \"api\", … }, { \"unique-id\": \"api\", … } ]",
        how_to_fix: "Rename one of the elements and update the references to it.",
    },
    check: Some(check),
};

/// Where an id was declared; turned into a pointer only when it is reported.
#[derive(Clone, Copy)]
enum Site {
    Node(usize),
    Relationship(usize),
    Interface(usize, usize),
}

impl Site {
    fn pointer(self) -> String {
        match self {
            Site::Node(i) => format!("/nodes/{i}/unique-id"),
            Site::Relationship(i) => format!("/relationships/{i}/unique-id"),
            Site::Interface(i, j) => format!("/nodes/{i}/interfaces/{j}/unique-id"),
        }
    }
}

fn id_of(v: &Value) -> Option<&str> {
    v.get("unique-id").and_then(Value::as_str)
}

fn check(doc: &Value) -> Vec<Hit> {
    let mut ids: Vec<(Site, &str)> = Vec::new();
    for (i, n) in array(doc, "nodes").iter().enumerate() {
        ids.extend(id_of(n).map(|id| (Site::Node(i), id)));
    }
    for (i, r) in array(doc, "relationships").iter().enumerate() {
        ids.extend(id_of(r).map(|id| (Site::Relationship(i), id)));
    }
    for (i, n) in array(doc, "nodes").iter().enumerate() {
        for (j, itf) in array(n, "interfaces").iter().enumerate() {
            ids.extend(id_of(itf).map(|id| (Site::Interface(i, j), id)));
        }
    }
    let mut first: HashMap<&str, Site> = HashMap::with_capacity(ids.len());
    let mut hits = Vec::new();
    for (site, id) in ids {
        match first.get(id) {
            Some(prev) => {
                let pointer = site.pointer();
                let msg = format!(
                    "Duplicate unique-id '{id}' at {pointer}; it is first used at {}.",
                    prev.pointer()
                );
                hits.push(Hit::new(pointer, msg));
            }
            None => {
                first.insert(id, site);
            }
        }
    }
    hits
}
