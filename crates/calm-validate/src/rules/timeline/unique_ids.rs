//! `unique-ids-must-be-unique-in-timeline`: moment ids are unique.

use super::*;
use crate::diagnostic::Severity;
use crate::rules::{AppliesTo, Hit, ValidationRule, ValidationRuleDoc};

pub static RULE: ValidationRule = ValidationRule {
    code: "unique-ids-must-be-unique-in-timeline",
    severity: Severity::Error,
    applies_to: AppliesTo::Timeline,
    summary: "Every moment has its own unique-id.",
    docs: ValidationRuleDoc {
        what_it_does: "Reports a moment whose `unique-id` was already used by an earlier moment.",
        why_it_matters: "`current-moment` and links between moments refer to moments by id; duplicates make them ambiguous.",
        example: "\"moments\": [ { \"unique-id\": \"v1\", … }, { \"unique-id\": \"v1\", … } ]",
        how_to_fix: "Give each moment its own id.",
    },
    check: Some(check),
};

fn check(doc: &Value) -> Vec<Hit> {
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut hits = Vec::new();
    for (i, m) in moments(doc).iter().enumerate() {
        let Some(id) = moment_id(m) else { continue };
        if let Some(first) = seen.get(id) {
            hits.push(Hit::new(
                format!("/moments/{i}/unique-id"),
                format!("Duplicate moment unique-id '{id}' (first used by moment {first})."),
            ));
        } else {
            seen.insert(id, i);
        }
    }
    hits
}
