//! `pattern-has-no-placeholder-properties-numerical`: no value is the placeholder -1.

use super::*;
use crate::diagnostic::Severity;
#[allow(unused_imports)]
use crate::rules::util::*;
use crate::rules::{AppliesTo, ValidationRule, ValidationRuleDoc};

pub static RULE: ValidationRule = ValidationRule {
    code: "pattern-has-no-placeholder-properties-numerical",
    severity: Severity::Warning,
    applies_to: AppliesTo::Pattern,
    summary: "No value in the pattern is the numerical placeholder -1.",
    docs: ValidationRuleDoc {
        what_it_does: "Reports values equal to -1 (JavaScript `==`, so `\"-1\"` too).",
        why_it_matters: "A -1 constant in a pattern is copied into every generated architecture as a placeholder that someone has to find and replace.",
        example: "\"port\": { \"const\": -1 }",
        how_to_fix: "Use the real value, or leave the property unconstrained (`\"type\": \"integer\"`).",
    },
    check: Some(check),
};

fn check(doc: &Value) -> Vec<Hit> {
    let mut hits = Vec::new();
    walk(doc, &mut |path, v| {
        if loosely_minus_one(v) {
            hits.push(Hit::new(path.pointer(), "Numerical placeholder -1 in the pattern; use the real value or leave the property open."));
        }
    });
    hits
}
