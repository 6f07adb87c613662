//! `architecture-has-no-placeholder-properties-numerical`: no value is the placeholder `-1`.

use crate::diagnostic::Severity;
use crate::rules::util::{loosely_minus_one, walk};
use crate::rules::{AppliesTo, Hit, ValidationRule, ValidationRuleDoc};
use serde_json::Value;

pub static RULE: ValidationRule = ValidationRule {
    code: "architecture-has-no-placeholder-properties-numerical",
    severity: Severity::Warning,
    applies_to: AppliesTo::Architecture,
    summary: "No value is the numerical placeholder -1.",
    docs: ValidationRuleDoc {
        what_it_does: "Reports values equal to -1 (as JavaScript's `==` compares them, so `\"-1\"` counts too). `calm generate` writes -1 for numbers it cannot know, such as ports.",
        why_it_matters: "A generated placeholder that was never filled in means the architecture does not yet describe the real system.",
        example: "\"interfaces\": [ { \"unique-id\": \"api-port\", \"port\": -1 } ]",
        how_to_fix: "Replace -1 with the real value.",
    },
    check: Some(check),
};

fn check(doc: &Value) -> Vec<Hit> {
    let mut hits = Vec::new();
    walk(doc, &mut |path, v| {
        if loosely_minus_one(v) {
            let what = path
                .last_key()
                .map(|k| format!("`{k}`"))
                .unwrap_or_else(|| "An array item".into());
            hits.push(Hit::new(
                path.pointer(),
                format!("{what} is the numerical placeholder -1; replace it with the real value."),
            ));
        }
    });
    hits
}
