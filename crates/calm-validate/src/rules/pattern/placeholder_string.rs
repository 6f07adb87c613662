//! `pattern-has-no-placeholder-properties-string`: no string is a `[[ PLACEHOLDER ]]`.

use super::*;
use crate::diagnostic::Severity;
#[allow(unused_imports)]
use crate::rules::util::*;
use crate::rules::{AppliesTo, ValidationRule, ValidationRuleDoc};

pub static RULE: ValidationRule = ValidationRule {
    code: "pattern-has-no-placeholder-properties-string",
    severity: Severity::Warning,
    applies_to: AppliesTo::Pattern,
    summary: "No string in the pattern is a `[[ PLACEHOLDER ]]`.",
    docs: ValidationRuleDoc {
        what_it_does: "Reports strings of the form `[[ NAME ]]` (upper-case letters and underscores).",
        why_it_matters: "A placeholder constant in a pattern ends up in every generated architecture.",
        example: "\"name\": { \"const\": \"[[ NAME ]]\" }",
        how_to_fix: "Use the real value, or leave the property unconstrained.",
    },
    check: Some(check),
};

fn check(doc: &Value) -> Vec<Hit> {
    let mut hits = Vec::new();
    walk(doc, &mut |path, v| {
        if let Some(s) = v.as_str().filter(|s| is_placeholder(s, "")) {
            hits.push(Hit::new(path.pointer(), format!("String placeholder \"{s}\" in the pattern; use the real value or leave the property open.")));
        }
    });
    hits
}
