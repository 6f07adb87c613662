//! `pattern-option-relationship-must-only-have-oneof-or-anyof-items`: each option has exactly one of oneOf/anyOf.

use super::*;
use crate::diagnostic::Severity;
#[allow(unused_imports)]
use crate::rules::util::*;
use crate::rules::{AppliesTo, ValidationRule, ValidationRuleDoc};

pub static RULE: ValidationRule = ValidationRule {
    code: "pattern-option-relationship-must-only-have-oneof-or-anyof-items",
    severity: Severity::Error,
    applies_to: AppliesTo::Pattern,
    summary: "Each options item of a pattern has exactly one of `oneOf` or `anyOf`.",
    docs: ValidationRuleDoc {
        what_it_does: "For each item of `relationship-type.properties.options.prefixItems`, checks that it has `oneOf` or `anyOf`, but not both.",
        why_it_matters: "`oneOf` means pick exactly one choice and `anyOf` means pick any; with neither there is no decision, with both it is ambiguous.",
        example: "\"options\": { \"prefixItems\": [ { \"oneOf\": [ … ], \"anyOf\": [ … ] } ] }",
        how_to_fix: "Keep exactly one of the two keywords.",
    },
    check: Some(check),
};

fn check(doc: &Value) -> Vec<Hit> {
    select(
        doc,
        &[
            Seg::Deep("relationship-type"),
            Seg::Key("properties"),
            Seg::Key("options"),
            Seg::Key("prefixItems"),
            Seg::Any,
        ],
    )
    .into_iter()
    .filter_map(|(p, item)| {
        let one = item.get("oneOf").is_some();
        let any = item.get("anyOf").is_some();
        match (one, any) {
            (true, true) => Some(Hit::new(
                p,
                "This option has both `oneOf` and `anyOf`; it must have exactly one of them.",
            )),
            (false, false) => Some(Hit::new(
                p,
                "This option has neither `oneOf` nor `anyOf`; it must have exactly one of them.",
            )),
            _ => None,
        }
    })
    .collect()
}
