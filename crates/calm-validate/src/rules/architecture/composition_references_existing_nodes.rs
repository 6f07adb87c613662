//! `composition-relationships-reference-existing-nodes-in-architecture`: `nodes` lists of
//! interacts / deployed-in / composed-of name existing nodes.

use super::{array, node_ids, relationship_types};
use crate::diagnostic::Severity;
use crate::rules::util::{Step, children, did_you_mean, ptr};
use crate::rules::{AppliesTo, Hit, ValidationRule, ValidationRuleDoc};
use serde_json::Value;

pub static RULE: ValidationRule = ValidationRule {
    code: "composition-relationships-reference-existing-nodes-in-architecture",
    severity: Severity::Error,
    applies_to: AppliesTo::Architecture,
    summary: "Every id in a relationship's `nodes` list (interacts, deployed-in, composed-of) is an existing node.",
    docs: ValidationRuleDoc {
        what_it_does: "Checks each string in `relationship-type.*.nodes` against the node ids.",
        why_it_matters: "A container that claims to hold a node that does not exist hides a modelling error: deployment and ownership views become wrong.",
        example: "\"composed-of\": { \"container\": \"shop\", \"nodes\": [\"cart\", \"checkout\"] }\n(with no node `checkout`)",
        how_to_fix: "Correct the id, add the node, or drop it from the list.",
    },
    check: Some(check),
};

fn check(doc: &Value) -> Vec<Hit> {
    let ids = node_ids(doc);
    let mut hits = Vec::new();
    for (i, rel_id, rt) in relationship_types(doc) {
        for (step, kind) in children(rt) {
            for (j, n) in array(kind, "nodes").iter().enumerate() {
                let Some(id) = n.as_str().filter(|s| !s.is_empty()) else {
                    continue;
                };
                if !ids.contains(id) {
                    hits.push(Hit::new(
                        ptr(&format!("/relationships/{i}/relationship-type"), &[step, Step::Key("nodes"), Step::Index(j)]),
                        format!(
                            "Relationship '{rel_id}' lists node '{id}', which is not the unique-id of any node.{}",
                            did_you_mean(id, ids.iter().copied())
                        ),
                    ));
                }
            }
        }
    }
    hits
}
