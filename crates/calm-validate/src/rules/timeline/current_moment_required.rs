//! `current-moment-required-when-moments-non-empty`: a timeline with moments names its current moment.

use super::*;
use crate::diagnostic::Severity;
use crate::rules::{AppliesTo, Hit, ValidationRule, ValidationRuleDoc};

pub static RULE: ValidationRule = ValidationRule {
    code: "current-moment-required-when-moments-non-empty",
    severity: Severity::Warning,
    applies_to: AppliesTo::Timeline,
    summary: "A timeline with moments has a `current-moment`.",
    docs: ValidationRuleDoc {
        what_it_does: "Reports a timeline whose `moments` is non-empty but which has no `current-moment`.",
        why_it_matters: "Without a current moment, tools cannot tell which moment describes the system today.",
        example: "{ \"moments\": [ { \"unique-id\": \"v1\", … } ] }",
        how_to_fix: "Add `\"current-moment\": \"<id of the moment in effect>\"`.",
    },
    check: Some(check),
};

fn check(doc: &Value) -> Vec<Hit> {
    if moments(doc).is_empty() || doc.get("current-moment").is_some() {
        return Vec::new();
    }
    let last = moments(doc).iter().rev().find_map(moment_id).unwrap_or("?");
    vec![Hit::new(
        "",
        format!(
            "The timeline has {} moments but no current-moment (the latest listed is '{last}').",
            moments(doc).len()
        ),
    )]
}
