//! `pattern-has-nodes-relationships`: the pattern's `properties` declare `nodes` and `relationships`.

use super::*;
use crate::diagnostic::Severity;
#[allow(unused_imports)]
use crate::rules::util::*;
use crate::rules::{AppliesTo, ValidationRule, ValidationRuleDoc};

pub static RULE: ValidationRule = ValidationRule {
    code: "pattern-has-nodes-relationships",
    severity: Severity::Error,
    applies_to: AppliesTo::Pattern,
    summary: "A pattern's `properties` declare both `nodes` and `relationships`.",
    docs: ValidationRuleDoc {
        what_it_does: "When the pattern has a top-level `properties` object, checks that it has truthy `nodes` and `relationships` members.",
        why_it_matters: "A pattern constrains architectures through these two lists; without them it cannot generate or validate an architecture.",
        example: "{ \"$schema\": \"https://calm.finos.org/release/1.2/meta/calm.json\", \"type\": \"object\", \"properties\": { \"nodes\": { … } } }",
        how_to_fix: "Add `properties.relationships` (e.g. `{ \"type\": \"array\" }`).",
    },
    check: Some(check),
};

fn check(doc: &Value) -> Vec<Hit> {
    let Some(props) = doc.get("properties") else {
        return Vec::new();
    };
    ["nodes", "relationships"]
        .into_iter()
        .filter(|k| !props.get(*k).is_some_and(truthy))
        .map(|k| Hit::new(format!("/properties/{k}"), format!("The pattern's `properties` has no `{k}`; a pattern must declare both `nodes` and `relationships`.")))
        .collect()
}
