//! `current-moment-must-reference-moment-in-timeline`: `current-moment` names a moment.

use super::*;
use crate::diagnostic::Severity;
use crate::rules::{AppliesTo, Hit, ValidationRule, ValidationRuleDoc};

use crate::rules::util::did_you_mean;

pub static RULE: ValidationRule = ValidationRule {
    code: "current-moment-must-reference-moment-in-timeline",
    severity: Severity::Error,
    applies_to: AppliesTo::Timeline,
    summary: "`current-moment` is the unique-id of one of the moments.",
    docs: ValidationRuleDoc {
        what_it_does: "Checks that the `current-moment` string equals the `unique-id` of a moment in `moments`.",
        why_it_matters: "Tools show the architecture \"as of now\" from the current moment; a dangling id leaves them without a present.",
        example: "{ \"current-moment\": \"v3\", \"moments\": [ { \"unique-id\": \"v1\", … }, { \"unique-id\": \"v2\", … } ] }",
        how_to_fix: "Set `current-moment` to an existing moment id, or add the moment.",
    },
    check: Some(check),
};

fn check(doc: &Value) -> Vec<Hit> {
    let Some(cur) = current_moment(doc) else {
        return Vec::new();
    };
    let ids: Vec<&str> = moments(doc).iter().filter_map(moment_id).collect();
    if ids.contains(&cur) {
        return Vec::new();
    }
    vec![Hit::new(
        "/current-moment",
        format!(
            "current-moment '{cur}' is not the unique-id of any moment.{}",
            did_you_mean(cur, ids.iter().copied())
        ),
    )]
}
