//! `moments-must-be-sorted-by-valid-from`: dated moments are in date order.

use super::*;
use crate::diagnostic::Severity;
use crate::rules::{AppliesTo, Hit, ValidationRule, ValidationRuleDoc};

pub static RULE: ValidationRule = ValidationRule {
    code: "moments-must-be-sorted-by-valid-from",
    severity: Severity::Error,
    applies_to: AppliesTo::Timeline,
    summary: "Moments that have a `valid-from` are listed in date order.",
    docs: ValidationRuleDoc {
        what_it_does: "Reports a moment whose `valid-from` is earlier than that of a dated moment listed before it.",
        why_it_matters: "Timelines are read in order; an out-of-order date makes \"before\" and \"after\" ambiguous.",
        example: "\"moments\": [ { \"unique-id\": \"v2\", \"valid-from\": \"2025-06-01\", … }, { \"unique-id\": \"v1\", \"valid-from\": \"2025-01-01\", … } ]",
        how_to_fix: "Reorder the moments by `valid-from`, or correct the date.",
    },
    check: Some(check),
};

fn check(doc: &Value) -> Vec<Hit> {
    let mut prev: Option<(&str, &str)> = None;
    let mut hits = Vec::new();
    for (i, m) in moments(doc).iter().enumerate() {
        let Some(date) = m.get("valid-from").and_then(Value::as_str) else {
            continue;
        };
        let id = moment_id(m).unwrap_or("?");
        if let Some((pid, pdate)) = prev {
            // ISO 8601 dates (YYYY-MM-DD) sort correctly as strings.
            if date < pdate {
                hits.push(Hit::new(
                    format!("/moments/{i}/valid-from"),
                    format!("Moment '{id}' (valid-from {date}) is listed after '{pid}' (valid-from {pdate}); moments must be sorted by valid-from."),
                ));
                continue;
            }
        }
        prev = Some((id, date));
    }
    hits
}
