//! `connects-relationship-references-existing-nodes-in-architecture`: both ends of a connects exist.

use super::{node_ids, relationship_types};
use crate::diagnostic::Severity;
use crate::rules::util::{Step, children, did_you_mean, ptr};
use crate::rules::{AppliesTo, Hit, ValidationRule, ValidationRuleDoc};
use serde_json::Value;

pub static RULE: ValidationRule = ValidationRule {
    code: "connects-relationship-references-existing-nodes-in-architecture",
    severity: Severity::Error,
    applies_to: AppliesTo::Architecture,
    summary: "The `source.node` and `destination.node` of every connects relationship are existing nodes.",
    docs: ValidationRuleDoc {
        what_it_does: "For every `connects` relationship, checks that the `node` of each end (source and destination) is the `unique-id` of a node.",
        why_it_matters: "A connection to a missing node cannot be drawn, secured or traced through flows.",
        example: "\"connects\": { \"source\": { \"node\": \"web\" }, \"destination\": { \"node\": \"order-svc\" } }\n(with no node `order-svc`)",
        how_to_fix: "Correct the node id (see the suggestion in the message), or add the node.",
    },
    check: Some(check),
};

fn check(doc: &Value) -> Vec<Hit> {
    let ids = node_ids(doc);
    let mut hits = Vec::new();
    for (i, rel_id, rt) in relationship_types(doc) {
        let Some(connects) = rt.get("connects") else {
            continue;
        };
        for (step, end) in children(connects) {
            // A string end (`"destination": "idp"`) is checked as the node id itself, as Spectral
            // does when the target has no `node` field.
            if let Some(id) = end.as_str().filter(|s| !s.is_empty() && !ids.contains(*s)) {
                hits.push(Hit::new(
                    ptr(&format!("/relationships/{i}/relationship-type/connects"), &[step]),
                    format!("Relationship '{rel_id}': '{id}' is not the unique-id of any node (an end should be an object like {{\"node\": \"{id}\"}})."),
                ));
            }
            if let Some(id) = end
                .get("node")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                && !ids.contains(id)
            {
                let side = match step {
                    Step::Key(k) => k.to_string(),
                    Step::Index(i) => i.to_string(),
                };
                hits.push(Hit::new(
                        ptr(&format!("/relationships/{i}/relationship-type/connects"), &[step, Step::Key("node")]),
                        format!(
                            "Relationship '{rel_id}': {side} node '{id}' is not the unique-id of any node.{}",
                            did_you_mean(id, ids.iter().copied())
                        ),
                    ));
            }
        }
    }
    hits
}
