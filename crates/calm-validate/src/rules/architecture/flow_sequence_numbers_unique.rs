//! `flow-transitions-have-unique-sequence-numbers`: no two transitions of a flow share a number.

use super::array;
use crate::diagnostic::Severity;
use crate::rules::{AppliesTo, Hit, ValidationRule, ValidationRuleDoc};
use serde_json::Value;

pub static RULE: ValidationRule = ValidationRule {
    code: "flow-transitions-have-unique-sequence-numbers",
    severity: Severity::Error,
    applies_to: AppliesTo::Architecture,
    summary: "Within each flow, transition sequence numbers are unique.",
    docs: ValidationRuleDoc {
        what_it_does: "Reports a transition whose `sequence-number` was already used by an earlier transition of the same flow.",
        why_it_matters: "The order of the steps becomes ambiguous, so sequence diagrams and simulations may show them in any order.",
        example: "\"transitions\": [ { \"sequence-number\": 1, … }, { \"sequence-number\": 1, … } ]",
        how_to_fix: "Renumber the transitions 1, 2, 3, … in the order they happen.",
    },
    check: Some(check),
};

fn check(doc: &Value) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (f, flow) in array(doc, "flows").iter().enumerate() {
        let flow_id = flow.get("unique-id").and_then(Value::as_str).unwrap_or("?");
        let mut seen: Vec<(&Value, usize)> = Vec::new();
        for (t, tr) in array(flow, "transitions").iter().enumerate() {
            let Some(n) = tr.get("sequence-number") else {
                continue;
            };
            if let Some((_, first)) = seen.iter().find(|(v, _)| *v == n) {
                hits.push(Hit::new(
                    format!("/flows/{f}/transitions/{t}/sequence-number"),
                    format!("Flow '{flow_id}': sequence-number {n} is used twice (transitions {first} and {t})."),
                ));
            } else {
                seen.push((n, t));
            }
        }
    }
    hits
}
