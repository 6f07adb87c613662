//! `architecture-has-no-placeholder-properties-string`: no string is a `[[ PLACEHOLDER ]]`.

use crate::diagnostic::Severity;
use crate::rules::util::{is_placeholder, walk};
use crate::rules::{AppliesTo, Hit, ValidationRule, ValidationRuleDoc};
use serde_json::Value;

pub static RULE: ValidationRule = ValidationRule {
    code: "architecture-has-no-placeholder-properties-string",
    severity: Severity::Warning,
    applies_to: AppliesTo::Architecture,
    summary: "No string is a `[[ PLACEHOLDER ]]` left by `calm generate`.",
    docs: ValidationRuleDoc {
        what_it_does: "Reports strings of the form `[[ NAME ]]` (upper-case letters and underscores between double brackets).",
        why_it_matters: "`calm generate` writes these for values a pattern does not fix; left in place they mean the architecture is unfinished.",
        example: "{ \"unique-id\": \"db\", \"node-type\": \"database\", \"name\": \"[[ NAME ]]\", \"description\": \"Orders\" }",
        how_to_fix: "Replace the placeholder with the real value.",
    },
    check: Some(check),
};

fn check(doc: &Value) -> Vec<Hit> {
    let mut hits = Vec::new();
    walk(doc, &mut |path, v| {
        if let Some(s) = v.as_str().filter(|s| is_placeholder(s, "")) {
            let what = path
                .last_key()
                .map(|k| format!("`{k}`"))
                .unwrap_or_else(|| "An array item".into());
            hits.push(Hit::new(
                path.pointer(),
                format!("{what} is still the placeholder \"{s}\"; replace it with the real value."),
            ));
        }
    });
    hits
}
