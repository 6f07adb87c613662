//! `timeline-moments-must-be-non-empty`: a timeline has at least one moment.

use super::*;
use crate::diagnostic::Severity;
use crate::rules::{AppliesTo, Hit, ValidationRule, ValidationRuleDoc};

pub static RULE: ValidationRule = ValidationRule {
    code: "timeline-moments-must-be-non-empty",
    severity: Severity::Warning,
    applies_to: AppliesTo::Timeline,
    summary: "A timeline defines at least one moment.",
    docs: ValidationRuleDoc {
        what_it_does: "Reports a timeline whose `moments` is missing or empty.",
        why_it_matters: "A timeline without moments says nothing about how the architecture evolves.",
        example: "{ \"moments\": [] }",
        how_to_fix: "Add the moments (architecture versions) the timeline is meant to describe.",
    },
    check: Some(check),
};

fn check(doc: &Value) -> Vec<Hit> {
    if !moments(doc).is_empty() {
        return Vec::new();
    }
    let p = if doc.get("moments").is_some() {
        "/moments"
    } else {
        ""
    };
    vec![Hit::new(
        p,
        "The timeline has no moments; add at least one.",
    )]
}
