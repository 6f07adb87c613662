//! `connects-relationship-references-existing-nodes-in-pattern`: `connects.source.node` constants name declared nodes.

use super::*;
use crate::diagnostic::Severity;
#[allow(unused_imports)]
use crate::rules::util::*;
use crate::rules::{AppliesTo, ValidationRule, ValidationRuleDoc};

pub static RULE: ValidationRule = ValidationRule {
    code: "connects-relationship-references-existing-nodes-in-pattern",
    severity: Severity::Error,
    applies_to: AppliesTo::Pattern,
    summary: "The source node of every constant connects relationship is a node declared in the pattern.",
    docs: ValidationRuleDoc {
        what_it_does: "For every `connects.source.node` string (as found in `relationship-type.const` objects), checks that a node with that `unique-id` const is declared in `properties.nodes`. Only the source is checked, as in the reference ruleset.",
        why_it_matters: "Architectures generated from the pattern would contain a relationship to a node that does not exist.",
        example: "\"relationship-type\": { \"const\": { \"connects\": { \"source\": { \"node\": \"web\" }, \"destination\": { \"node\": \"api\" } } } }\n(no node `web` in properties.nodes)",
        how_to_fix: "Declare the node in `properties.nodes.prefixItems`, or correct the id.",
    },
    check: Some(check),
};

fn check(doc: &Value) -> Vec<Hit> {
    let sel = select(
        doc,
        &[Seg::Deep("connects"), Seg::Key("source"), Seg::Key("node")],
    );
    check_node_refs(doc, sel, "Connects source node")
}
