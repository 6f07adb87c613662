//! `timeline-has-no-empty-properties`: every value in the timeline is truthy.

use super::*;
use crate::diagnostic::Severity;
use crate::rules::{AppliesTo, Hit, ValidationRule, ValidationRuleDoc};

use crate::rules::util::falsy_values;

pub static RULE: ValidationRule = ValidationRule {
    code: "timeline-has-no-empty-properties",
    severity: Severity::Error,
    applies_to: AppliesTo::Timeline,
    summary: "No value in the timeline is \"\", 0, false or null.",
    docs: ValidationRuleDoc {
        what_it_does: "Reports every value, at any depth, that JavaScript treats as false: the empty string, 0, false and null.",
        why_it_matters: "Empty values in a timeline are unfinished entries (a moment without a description, an empty date).",
        example: "{ \"moments\": [ { \"unique-id\": \"v1\", \"description\": \"\" } ] }",
        how_to_fix: "Fill in the value or remove the property.",
    },
    check: Some(check),
};

fn check(doc: &Value) -> Vec<Hit> {
    falsy_values(doc, "timeline values must be non-empty and non-zero.")
}
