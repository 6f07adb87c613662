//! `pattern-option-relationship-must-have-max-one-item`: an options relationship has at most one item.

use super::*;
use crate::diagnostic::Severity;
#[allow(unused_imports)]
use crate::rules::util::*;
use crate::rules::{AppliesTo, ValidationRule, ValidationRuleDoc};

pub static RULE: ValidationRule = ValidationRule {
    code: "pattern-option-relationship-must-have-max-one-item",
    severity: Severity::Error,
    applies_to: AppliesTo::Pattern,
    summary: "An options relationship's `prefixItems` has at most one item.",
    docs: ValidationRuleDoc {
        what_it_does: "Checks that `relationship-type.properties.options.prefixItems` has at most one entry.",
        why_it_matters: "One options relationship models one decision; more entries cannot be chosen between consistently.",
        example: "\"options\": { \"prefixItems\": [ { \"oneOf\": [ … ] }, { \"oneOf\": [ … ] } ] }",
        how_to_fix: "Split the decisions into separate options relationships.",
    },
    check: Some(check),
};

fn check(doc: &Value) -> Vec<Hit> {
    select(doc, &[Seg::Deep("relationship-type"), Seg::Key("properties"), Seg::Key("options"), Seg::Key("prefixItems")])
        .into_iter()
        .filter_map(|(p, v)| {
            let n = v.as_array().map(Vec::len)?;
            (n > 1).then(|| Hit::new(p, format!("This options relationship has {n} items in prefixItems; it may have at most one (one decision per options relationship).")))
        })
        .collect()
}
