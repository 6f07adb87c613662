//! `referenced-interfaces-defined-on-correct-node-in-architecture`: a connects end's interfaces
//! belong to that end's node.

use super::{array, relationship_types};
use crate::diagnostic::Severity;
use crate::rules::util::{did_you_mean, quote_list};
use crate::rules::{AppliesTo, Hit, ValidationRule, ValidationRuleDoc};
use serde_json::Value;

pub static RULE: ValidationRule = ValidationRule {
    code: "referenced-interfaces-defined-on-correct-node-in-architecture",
    severity: Severity::Error,
    applies_to: AppliesTo::Architecture,
    summary: "The interfaces of a connects source/destination are defined on that very node.",
    docs: ValidationRuleDoc {
        what_it_does: "For the `source` and `destination` of each connects relationship, checks that every id in `interfaces` (and a singular `interface`) is an interface of the node named by `node`. Ends whose node does not exist are left to the node-reference rule.",
        why_it_matters: "Pointing at another node's interface wires the connection to the wrong place: ports, protocols and controls of the wrong component are assumed.",
        example: "\"destination\": { \"node\": \"api\", \"interfaces\": [\"db-port\"] }\n(`db-port` is defined on node `db`)",
        how_to_fix: "Use an interface of the node, or change `node` to the node that owns the interface.",
    },
    check: Some(check),
};

fn check(doc: &Value) -> Vec<Hit> {
    // Index the nodes by id once (first occurrence wins): a lookup per relationship end.
    let mut nodes: std::collections::HashMap<&str, &Value> = std::collections::HashMap::new();
    for n in array(doc, "nodes") {
        if let Some(id) = n.get("unique-id").and_then(Value::as_str) {
            nodes.entry(id).or_insert(n);
        }
    }
    let mut hits = Vec::new();
    for (i, rel_id, rt) in relationship_types(doc) {
        let Some(connects) = rt.get("connects") else {
            continue;
        };
        for side in ["source", "destination"] {
            let Some(end) = connects.get(side) else {
                continue;
            };
            let mut wanted: Vec<(String, &str)> = array(end, "interfaces")
                .iter()
                .enumerate()
                .filter_map(|(j, v)| v.as_str().map(|s| (format!("/interfaces/{j}"), s)))
                .collect();
            if let Some(s) = end.get("interface").and_then(Value::as_str) {
                wanted.push(("/interface".into(), s));
            }
            if wanted.is_empty() {
                continue;
            }
            let base = format!("/relationships/{i}/relationship-type/connects/{side}");
            let Some(node_id) = end.get("node").and_then(Value::as_str) else {
                hits.push(Hit::new(
                    base,
                    format!(
                        "Relationship '{rel_id}': the {side} lists interfaces but names no node."
                    ),
                ));
                continue;
            };
            let Some(node) = nodes.get(node_id).copied() else {
                continue;
            };
            let own: Vec<&str> = array(node, "interfaces")
                .iter()
                .filter_map(|x| x.get("unique-id").and_then(Value::as_str))
                .collect();
            for (suffix, id) in wanted {
                if !own.contains(&id) {
                    let msg = if own.is_empty() {
                        format!(
                            "Relationship '{rel_id}': {side} interface '{id}' is not defined on node '{node_id}', which has no interfaces."
                        )
                    } else {
                        format!(
                            "Relationship '{rel_id}': {side} interface '{id}' is not defined on node '{node_id}' (its interfaces: {}).{}",
                            quote_list(own.iter().copied(), 8),
                            did_you_mean(id, own.iter().copied())
                        )
                    };
                    hits.push(Hit::new(format!("{base}{suffix}"), msg));
                }
            }
        }
    }
    hits
}
