//! `moments-after-current-moment-may-not-have-valid-from`: moments after the current one have no `valid-from`.

use super::*;
use crate::diagnostic::Severity;
use crate::rules::{AppliesTo, Hit, ValidationRule, ValidationRuleDoc};

pub static RULE: ValidationRule = ValidationRule {
    code: "moments-after-current-moment-may-not-have-valid-from",
    severity: Severity::Warning,
    applies_to: AppliesTo::Timeline,
    summary: "Moments listed after the current moment do not have a `valid-from` date yet.",
    docs: ValidationRuleDoc {
        what_it_does: "For the moments that come after `current-moment` in `moments`, reports each one that has a `valid-from`.",
        why_it_matters: "Moments after the current one are planned; a `valid-from` claims they are already in effect, contradicting `current-moment`.",
        example: "{ \"current-moment\": \"v1\", \"moments\": [ { \"unique-id\": \"v1\", … }, { \"unique-id\": \"v2\", \"valid-from\": \"2025-01-01\", … } ] }",
        how_to_fix: "Move `current-moment` forward to the moment now in effect, or remove the planned moment's `valid-from`.",
    },
    check: Some(check),
};

fn check(doc: &Value) -> Vec<Hit> {
    let Some(cur) = current_moment(doc) else {
        return Vec::new();
    };
    let ms = moments(doc);
    let Some(pos) = ms.iter().position(|m| moment_id(m) == Some(cur)) else {
        return Vec::new();
    };
    ms.iter()
        .skip(pos + 1)
        .filter(|m| m.get("valid-from").is_some())
        .map(|m| {
            let id = moment_id(m).unwrap_or("?");
            let date = m
                .get("valid-from")
                .map(|v| v.to_string())
                .unwrap_or_default();
            Hit::new(
                "/current-moment",
                format!(
                    "Moment '{id}' comes after current-moment '{cur}' but has valid-from {date}."
                ),
            )
        })
        .collect()
}
