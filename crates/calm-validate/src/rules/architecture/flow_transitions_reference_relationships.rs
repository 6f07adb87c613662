//! `flow-transitions-references-existing-relationship-in-architecture`: transitions name
//! existing relationships.

use super::array;
use crate::diagnostic::Severity;
use crate::rules::util::did_you_mean;
use crate::rules::{AppliesTo, Hit, ValidationRule, ValidationRuleDoc};
use serde_json::Value;
use std::collections::BTreeSet;

pub static RULE: ValidationRule = ValidationRule {
    code: "flow-transitions-references-existing-relationship-in-architecture",
    severity: Severity::Error,
    applies_to: AppliesTo::Architecture,
    summary: "Every flow transition's `relationship-unique-id` names an existing relationship.",
    docs: ValidationRuleDoc {
        what_it_does: "Checks `flows[*].transitions[*].relationship-unique-id` against the relationship ids.",
        why_it_matters: "A flow step over a relationship that does not exist cannot be traced, drawn or simulated.",
        example: "\"transitions\": [ { \"relationship-unique-id\": \"web-to-api\", \"sequence-number\": 1, \"description\": \"…\" } ]\n(with no relationship `web-to-api`)",
        how_to_fix: "Correct the id (see the suggestion), or add the relationship.",
    },
    check: Some(check),
};

fn check(doc: &Value) -> Vec<Hit> {
    let rels: BTreeSet<&str> = array(doc, "relationships")
        .iter()
        .filter_map(|r| r.get("unique-id").and_then(Value::as_str))
        .collect();
    let mut hits = Vec::new();
    for (f, flow) in array(doc, "flows").iter().enumerate() {
        let flow_id = flow.get("unique-id").and_then(Value::as_str).unwrap_or("?");
        for (t, tr) in array(flow, "transitions").iter().enumerate() {
            let Some(id) = tr.get("relationship-unique-id").and_then(Value::as_str) else {
                continue;
            };
            if !rels.contains(id) {
                hits.push(Hit::new(
                    format!("/flows/{f}/transitions/{t}/relationship-unique-id"),
                    format!(
                        "Flow '{flow_id}' transition {} uses relationship '{id}', which does not exist.{}",
                        tr.get("sequence-number").map(|s| s.to_string()).unwrap_or_else(|| format!("#{t}")),
                        did_you_mean(id, rels.iter().copied())
                    ),
                ));
            }
        }
    }
    hits
}
