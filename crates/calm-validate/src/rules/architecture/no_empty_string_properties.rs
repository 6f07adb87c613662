//! `architecture-has-no-empty-string-properties`: no string anywhere is `""`.

use crate::diagnostic::Severity;
use crate::rules::util::walk;
use crate::rules::{AppliesTo, Hit, ValidationRule, ValidationRuleDoc};
use serde_json::Value;

pub static RULE: ValidationRule = ValidationRule {
    code: "architecture-has-no-empty-string-properties",
    severity: Severity::Error,
    applies_to: AppliesTo::Architecture,
    summary: "No string value in the architecture is empty.",
    docs: ValidationRuleDoc {
        what_it_does: "Reports every string value, at any depth, that is the empty string. `false` and `0` are fine.",
        why_it_matters: "An empty string is almost always a field somebody meant to fill in (a description, a host, an owner); it passes the schema but says nothing.",
        example: "{ \"unique-id\": \"api\", \"node-type\": \"service\", \"name\": \"API\", \"description\": \"\" }",
        how_to_fix: "Fill in the value, or remove the property if it is optional.",
    },
    check: Some(check),
};

fn check(doc: &Value) -> Vec<Hit> {
    let mut hits = Vec::new();
    walk(doc, &mut |path, v| {
        if v.as_str() == Some("") {
            let what = path
                .last_key()
                .map(|k| format!("`{k}`"))
                .unwrap_or_else(|| "An array item".into());
            hits.push(Hit::new(
                path.pointer(),
                format!("{what} is an empty string; give it a value or remove it."),
            ));
        }
    });
    hits
}
