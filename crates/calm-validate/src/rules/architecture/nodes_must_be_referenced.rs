//! `architecture-nodes-must-be-referenced`: every node takes part in some relationship.

use super::items;
use crate::diagnostic::Severity;
use crate::rules::util::{strings_below, values_named};
use crate::rules::{AppliesTo, Hit, ValidationRule, ValidationRuleDoc};
use serde_json::Value;
use std::collections::HashSet;

pub static RULE: ValidationRule = ValidationRule {
    code: "architecture-nodes-must-be-referenced",
    severity: Severity::Warning,
    applies_to: AppliesTo::Architecture,
    summary: "Every node is referenced by at least one relationship.",
    docs: ValidationRuleDoc {
        what_it_does: "Reports each node whose `unique-id` does not appear as any string inside any `relationship-type`.",
        why_it_matters: "An unconnected node is either forgotten (a missing relationship) or dead weight; either way the diagram and any impact analysis are incomplete.",
        example: "{ \"nodes\": [ { \"unique-id\": \"audit-log\", … } ], \"relationships\": [] }",
        how_to_fix: "Add the relationship that uses the node (connects, interacts, deployed-in or composed-of), or remove the node.",
    },
    check: Some(check),
};

fn check(doc: &Value) -> Vec<Hit> {
    let mut referenced: HashSet<&str> = HashSet::new();
    for rt in values_named(doc, "relationship-type") {
        strings_below(rt, &mut referenced);
    }
    items(doc, "nodes")
        .into_iter()
        .filter_map(|(i, n)| {
            let id = n.get("unique-id").and_then(Value::as_str)?;
            (!referenced.contains(id)).then(|| {
                Hit::new(
                    format!("/nodes/{i}/unique-id"),
                    format!("Node with ID '{id}' is not referenced by any relationships."),
                )
            })
        })
        .collect()
}
