//! `architecture-has-nodes-relationships`: top-level `nodes` and `relationships` exist.

use crate::diagnostic::Severity;
use crate::rules::util::truthy;
use crate::rules::{AppliesTo, Hit, ValidationRule, ValidationRuleDoc};
use serde_json::Value;

pub static RULE: ValidationRule = ValidationRule {
    code: "architecture-has-nodes-relationships",
    severity: Severity::Error,
    applies_to: AppliesTo::Architecture,
    summary: "The architecture has top-level `nodes` and `relationships`.",
    docs: ValidationRuleDoc {
        what_it_does: "Checks that the document has a `nodes` and a `relationships` member. Empty arrays are accepted; a missing member (or `null`, `false`, `0`, `\"\"`) is not.",
        why_it_matters: "Every CALM tool starts from these two lists; without them the file is not an architecture.",
        example: "{ \"nodes\": [] }",
        how_to_fix: "Add the missing member, e.g. `\"relationships\": []`.",
    },
    check: Some(check),
};

fn check(doc: &Value) -> Vec<Hit> {
    ["nodes", "relationships"]
        .into_iter()
        .filter(|k| !doc.get(*k).is_some_and(truthy))
        .map(|k| {
            let what = if doc.get(k).is_some() { "is empty or null" } else { "is missing" };
            Hit::new(format!("/{k}"), format!("The top-level `{k}` member {what}; an architecture needs both `nodes` and `relationships` (an empty array is fine)."))
        })
        .collect()
}
