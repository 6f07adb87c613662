//! `referenced-interfaces-defined-on-correct-node-in-pattern`: interfaces of a constant connects end belong to its node.

use super::*;
use crate::diagnostic::Severity;
#[allow(unused_imports)]
use crate::rules::util::*;
use crate::rules::{AppliesTo, ValidationRule, ValidationRuleDoc};

pub static RULE: ValidationRule = ValidationRule {
    code: "referenced-interfaces-defined-on-correct-node-in-pattern",
    severity: Severity::Error,
    applies_to: AppliesTo::Pattern,
    summary: "Interfaces of each end of a constant connects relationship are declared on that end's node.",
    docs: ValidationRuleDoc {
        what_it_does: "For each end under `relationship-type.const.connects` that lists `interfaces`, finds the declared node with that id and checks that every listed interface is declared on it. Unknown nodes are left to the node-reference rules.",
        why_it_matters: "Pointing at another node's interface wires generated architectures to the wrong component.",
        example: "\"source\": { \"node\": \"web\", \"interfaces\": [\"db-port\"] }\n(`db-port` belongs to node `db`)",
        how_to_fix: "Use an interface declared on the node, or change the node.",
    },
    check: Some(check),
};

fn check(doc: &Value) -> Vec<Hit> {
    let nodes = node_candidates(doc);
    let mut hits = Vec::new();
    for (p, end) in select(
        doc,
        &[
            Seg::Deep("relationship-type"),
            Seg::Key("const"),
            Seg::Key("connects"),
            Seg::Any,
        ],
    ) {
        let Some(wanted) = end.get("interfaces").and_then(Value::as_array) else {
            continue;
        };
        let Some(node_id) = end.get("node").and_then(Value::as_str) else {
            hits.push(Hit::new(
                p,
                "This connects end lists interfaces but names no node.",
            ));
            continue;
        };
        let Some((_, node)) = nodes.iter().find(|(id, _)| *id == node_id) else {
            continue;
        };
        let own = node_interface_ids(node);
        for (j, w) in wanted.iter().enumerate() {
            let Some(w) = w.as_str() else { continue };
            if !own.contains(&w) {
                let msg = if own.is_empty() {
                    format!(
                        "Interface '{w}' is not declared on node '{node_id}', which declares no interfaces."
                    )
                } else {
                    format!(
                        "Interface '{w}' is not declared on node '{node_id}' (its interfaces: {}).",
                        quote_list(own.iter().copied(), 8)
                    )
                };
                hits.push(Hit::new(format!("{p}/interfaces/{j}"), msg));
            }
        }
    }
    hits
}
