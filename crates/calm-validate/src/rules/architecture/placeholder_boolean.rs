//! `architecture-has-no-placeholder-properties-boolean`: no string is a `[[ BOOLEAN_… ]]`.

use crate::diagnostic::Severity;
use crate::rules::util::{is_placeholder, walk};
use crate::rules::{AppliesTo, Hit, ValidationRule, ValidationRuleDoc};
use serde_json::Value;

pub static RULE: ValidationRule = ValidationRule {
    code: "architecture-has-no-placeholder-properties-boolean",
    severity: Severity::Warning,
    applies_to: AppliesTo::Architecture,
    summary: "No string is a boolean placeholder `[[ BOOLEAN_NAME ]]`.",
    docs: ValidationRuleDoc {
        what_it_does: "Reports strings of the form `[[ BOOLEAN_NAME ]]`, which `calm generate` writes for boolean values a pattern leaves open. Such a string also matches the string-placeholder rule.",
        why_it_matters: "The value should be `true` or `false`; a placeholder string is neither, and consumers will treat it as truthy.",
        example: "\"metadata\": { \"encrypted\": \"[[ BOOLEAN_ENCRYPTED ]]\" }",
        how_to_fix: "Replace the placeholder with `true` or `false`.",
    },
    check: Some(check),
};

fn check(doc: &Value) -> Vec<Hit> {
    let mut hits = Vec::new();
    walk(doc, &mut |path, v| {
        if let Some(s) = v.as_str().filter(|s| is_placeholder(s, "BOOLEAN_")) {
            let what = path
                .last_key()
                .map(|k| format!("`{k}`"))
                .unwrap_or_else(|| "An array item".into());
            hits.push(Hit::new(path.pointer(), format!("{what} is still the boolean placeholder \"{s}\"; replace it with true or false.")));
        }
    });
    hits
}
