//! `group-relationship-with-const-nodes-references-existing-nodes-in-pattern`: ids in a `nodes.const` list are declared nodes.

use super::*;
use crate::diagnostic::Severity;
#[allow(unused_imports)]
use crate::rules::util::*;
use crate::rules::{AppliesTo, ValidationRule, ValidationRuleDoc};

pub static RULE: ValidationRule = ValidationRule {
    code: "group-relationship-with-const-nodes-references-existing-nodes-in-pattern",
    severity: Severity::Error,
    applies_to: AppliesTo::Pattern,
    summary: "Node ids in a `nodes: { const: [...] }` list under a relationship-type are declared in the pattern.",
    docs: ValidationRuleDoc {
        what_it_does: "For every string in `nodes.const` anywhere under a `relationship-type`, checks that the pattern declares a node with that id.",
        why_it_matters: "The constant list is copied into every generated architecture; a missing node makes them all invalid.",
        example: "\"nodes\": { \"const\": [\"api\", \"ghost\"] }",
        how_to_fix: "Declare the node or remove it from the list.",
    },
    check: Some(check),
};

fn check(doc: &Value) -> Vec<Hit> {
    let sel = select(
        doc,
        &[
            Seg::Deep("relationship-type"),
            Seg::Deep("nodes"),
            Seg::Key("const"),
            Seg::Any,
        ],
    );
    check_node_refs(doc, sel, "Grouped node")
}
