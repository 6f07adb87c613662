//! `pattern-has-no-empty-properties`: every value in the pattern is truthy.

use super::*;
use crate::diagnostic::Severity;
#[allow(unused_imports)]
use crate::rules::util::*;
use crate::rules::{AppliesTo, Hit, ValidationRule, ValidationRuleDoc};

pub static RULE: ValidationRule = ValidationRule {
    code: "pattern-has-no-empty-properties",
    severity: Severity::Error,
    applies_to: AppliesTo::Pattern,
    summary: "Every value in the pattern is truthy (no \"\", 0, false or null anywhere).",
    docs: ValidationRuleDoc {
        what_it_does: "Reports every value, at any depth, that JavaScript treats as false: the empty string, 0, false and null. This includes JSON Schema keywords, so `\"additionalProperties\": false` and `\"minItems\": 0` are reported too (a quirk of the reference ruleset, kept for compatibility).",
        why_it_matters: "Empty values in a pattern are usually unfinished constants that `calm generate` would copy into every architecture.",
        example: "\"properties\": { \"name\": { \"const\": \"\" } }",
        how_to_fix: "Fill in the value or remove the keyword. For `additionalProperties: false`, consider whether the restriction is needed; the reference CLI reports it in any case.",
    },
    check: Some(check),
};

fn check(doc: &Value) -> Vec<Hit> {
    falsy_values(
        doc,
        "every value in a pattern must be non-empty and non-zero.",
    )
}
