//! `pattern-nodes-must-be-referenced`: every declared node takes part in a relationship.

use super::*;
use crate::diagnostic::Severity;
#[allow(unused_imports)]
use crate::rules::util::*;
use crate::rules::{AppliesTo, ValidationRule, ValidationRuleDoc};

pub static RULE: ValidationRule = ValidationRule {
    code: "pattern-nodes-must-be-referenced",
    severity: Severity::Warning,
    applies_to: AppliesTo::Pattern,
    summary: "Every node declared in the pattern is referenced by some relationship.",
    docs: ValidationRuleDoc {
        what_it_does: "For node ids declared in `properties.nodes.prefixItems[*]`, `items.oneOf[*]` and `items.anyOf[*]`, checks that the id appears as a string somewhere under a `relationship-type`.",
        why_it_matters: "Unconnected nodes in a pattern produce unconnected nodes in every architecture generated from it.",
        example: "a pattern declaring nodes `web`, `api`, `audit` with relationships only between `web` and `api`",
        how_to_fix: "Add a relationship that uses the node, or remove the node.",
    },
    check: Some(check),
};

fn check(doc: &Value) -> Vec<Hit> {
    let mut referenced = std::collections::HashSet::new();
    for (_, rt) in select(doc, &[Seg::Deep("relationship-type")]) {
        strings_below(rt, &mut referenced);
    }
    let mut hits = Vec::new();
    for path in [
        vec![
            Seg::Key("properties"),
            Seg::Key("nodes"),
            Seg::Key("prefixItems"),
            Seg::Any,
        ],
        vec![
            Seg::Key("properties"),
            Seg::Key("nodes"),
            Seg::Key("items"),
            Seg::Key("oneOf"),
            Seg::Any,
        ],
        vec![
            Seg::Key("properties"),
            Seg::Key("nodes"),
            Seg::Key("items"),
            Seg::Key("anyOf"),
            Seg::Any,
        ],
    ] {
        for (p, node) in select(doc, &path) {
            let Some(id) = node
                .pointer("/properties/unique-id/const")
                .and_then(Value::as_str)
            else {
                continue;
            };
            if !referenced.contains(id) {
                hits.push(Hit::new(
                    format!("{p}/properties/unique-id/const"),
                    format!("Node with ID '{id}' is not referenced by any relationships."),
                ));
            }
        }
    }
    hits
}
