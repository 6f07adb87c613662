//! `relationship-references-existing-nodes-in-pattern`: `actor` / `container` constants name declared nodes.

use super::*;
use crate::diagnostic::Severity;
#[allow(unused_imports)]
use crate::rules::util::*;
use crate::rules::{AppliesTo, ValidationRule, ValidationRuleDoc};

pub static RULE: ValidationRule = ValidationRule {
    code: "relationship-references-existing-nodes-in-pattern",
    severity: Severity::Error,
    applies_to: AppliesTo::Pattern,
    summary: "`actor` and `container` values in relationship-type constants are declared nodes.",
    docs: ValidationRuleDoc {
        what_it_does: "For every object two levels below a `relationship-type` (e.g. `relationship-type.const.interacts`), checks that a string `actor` or `container` is the id of a node declared in the pattern.",
        why_it_matters: "Generated architectures would reference a node that does not exist.",
        example: "\"relationship-type\": { \"const\": { \"interacts\": { \"actor\": \"customer\", \"nodes\": [\"web\"] } } }\n(no node `customer` declared)",
        how_to_fix: "Declare the node in `properties.nodes`, or correct the id.",
    },
    check: Some(check),
};

fn check(doc: &Value) -> Vec<Hit> {
    let mut sel = Vec::new();
    // A string two levels below a relationship-type is checked as a node id itself (Spectral
    // passes primitive targets to the function without applying the `field`).
    sel.extend(
        select(doc, &[Seg::Deep("relationship-type"), Seg::Any, Seg::Any])
            .into_iter()
            .filter(|(_, v)| v.is_string()),
    );
    for field in ["actor", "container"] {
        sel.extend(select(
            doc,
            &[
                Seg::Deep("relationship-type"),
                Seg::Any,
                Seg::Any,
                Seg::Key(field),
            ],
        ));
    }
    sel.sort_by(|a, b| a.0.cmp(&b.0));
    check_node_refs(doc, sel, "Relationship endpoint")
}
