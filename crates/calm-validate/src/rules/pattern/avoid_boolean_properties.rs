//! `avoid-boolean-properties`: no `type` is boolean.

use super::*;
use crate::diagnostic::Severity;
#[allow(unused_imports)]
use crate::rules::util::*;
use crate::rules::{AppliesTo, ValidationRule, ValidationRuleDoc};

pub static RULE: ValidationRule = ValidationRule {
    code: "avoid-boolean-properties",
    severity: Severity::Warning,
    applies_to: AppliesTo::Pattern,
    summary: "Patterns avoid boolean-typed properties.",
    docs: ValidationRuleDoc {
        what_it_does: "Reports every `type` keyword whose string value contains `boolean`.",
        why_it_matters: "Booleans are closed for extension: when a third state appears (e.g. `partially-encrypted`), every architecture must change. An enum can grow.",
        example: "\"encrypted\": { \"type\": \"boolean\" }",
        how_to_fix: "Use an enum of strings, e.g. `{ \"enum\": [\"none\", \"at-rest\", \"in-transit\"] }`.",
    },
    check: Some(check),
};

fn check(doc: &Value) -> Vec<Hit> {
    select(doc, &[Seg::Deep("type")])
        .into_iter()
        .filter(|(_, v)| v.as_str().is_some_and(|s| s.contains("boolean")))
        .map(|(p, _)| Hit::new(p, "Boolean property: booleans are closed for extension; consider an enum of strings instead."))
        .collect()
}
