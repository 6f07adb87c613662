//! `group-relationship-references-existing-nodes-in-pattern`: ids in a relationship's `nodes` list are declared nodes.

use super::*;
use crate::diagnostic::Severity;
#[allow(unused_imports)]
use crate::rules::util::*;
use crate::rules::{AppliesTo, ValidationRule, ValidationRuleDoc};

pub static RULE: ValidationRule = ValidationRule {
    code: "group-relationship-references-existing-nodes-in-pattern",
    severity: Severity::Error,
    applies_to: AppliesTo::Pattern,
    summary: "Node ids listed in a relationship's `nodes` array are declared in the pattern.",
    docs: ValidationRuleDoc {
        what_it_does: "For every string item of a `nodes` array anywhere under a `relationship-type`, checks that the pattern declares a node with that id.",
        why_it_matters: "Grouping relationships (interacts, deployed-in, composed-of) over missing nodes make every generated architecture invalid.",
        example: "\"relationship-type\": { \"const\": { \"deployed-in\": { \"container\": \"k8s\", \"nodes\": [\"api\", \"ghost\"] } } }",
        how_to_fix: "Declare the node or remove it from the list.",
    },
    check: Some(check),
};

fn check(doc: &Value) -> Vec<Hit> {
    let sel = select(
        doc,
        &[Seg::Deep("relationship-type"), Seg::Deep("nodes"), Seg::Any],
    );
    // `[*]` on an object would yield its member values; only array items are node ids.
    let sel = sel
        .into_iter()
        .filter(|(p, _)| {
            p.rsplit('/')
                .next()
                .is_some_and(|t| t.parse::<usize>().is_ok())
        })
        .collect();
    check_node_refs(doc, sel, "Grouped node")
}
