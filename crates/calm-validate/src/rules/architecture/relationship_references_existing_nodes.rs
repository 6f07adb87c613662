//! `relationship-references-existing-nodes-in-architecture`: `actor` and `container` name nodes.

use super::{node_ids, relationship_types};
use crate::diagnostic::Severity;
use crate::rules::util::{Step, children, did_you_mean, ptr};
use crate::rules::{AppliesTo, Hit, ValidationRule, ValidationRuleDoc};
use serde_json::Value;

pub static RULE: ValidationRule = ValidationRule {
    code: "relationship-references-existing-nodes-in-architecture",
    severity: Severity::Error,
    applies_to: AppliesTo::Architecture,
    summary: "The `actor` of interacts and the `container` of deployed-in / composed-of are existing nodes.",
    docs: ValidationRuleDoc {
        what_it_does: "For every relationship, checks that `relationship-type.*.actor` and `relationship-type.*.container` are the `unique-id` of a node in `nodes`.",
        why_it_matters: "A relationship to a node that does not exist is a dangling edge: diagrams drop it and flows through it cannot be traced.",
        example: "{ \"unique-id\": \"r\", \"relationship-type\": { \"interacts\": { \"actor\": \"customer\", \"nodes\": [\"web\"] } } }\n(with no node `customer`)",
        how_to_fix: "Correct the id (see the suggestion in the message), or add the missing node.",
    },
    check: Some(check),
};

fn check(doc: &Value) -> Vec<Hit> {
    let ids = node_ids(doc);
    let mut hits = Vec::new();
    for (i, rel_id, rt) in relationship_types(doc) {
        for (step, kind) in children(rt) {
            // Spectral hands a string target to the function as is (the `field` is not applied).
            if let Some(id) = kind.as_str().filter(|s| !s.is_empty() && !ids.contains(*s)) {
                hits.push(Hit::new(
                    ptr(&format!("/relationships/{i}/relationship-type"), &[step]),
                    format!("Relationship '{rel_id}': '{id}' is not the unique-id of any node (expected an object with an actor or container)."),
                ));
            }
            for field in ["actor", "container"] {
                if let Some(id) = kind
                    .get(field)
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
                    && !ids.contains(id)
                {
                    let kind_name = match step {
                        Step::Key(k) => k.to_string(),
                        Step::Index(i) => i.to_string(),
                    };
                    hits.push(Hit::new(
                            ptr(&format!("/relationships/{i}/relationship-type"), &[step, Step::Key(field)]),
                            format!(
                                "Relationship '{rel_id}' ({kind_name}): {field} '{id}' is not the unique-id of any node.{}",
                                did_you_mean(id, ids.iter().copied())
                            ),
                        ));
                }
            }
        }
    }
    hits
}
