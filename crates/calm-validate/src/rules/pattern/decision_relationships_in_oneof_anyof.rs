//! `relationships-referenced-in-pattern-decision-must-be-in-oneof-or-anyof-block`: relationships chosen by an options decision are declared in oneOf/anyOf.

use super::*;
use crate::diagnostic::Severity;
#[allow(unused_imports)]
use crate::rules::util::*;
use crate::rules::{AppliesTo, ValidationRule, ValidationRuleDoc};

pub static RULE: ValidationRule = ValidationRule {
    code: "relationships-referenced-in-pattern-decision-must-be-in-oneof-or-anyof-block",
    severity: Severity::Error,
    applies_to: AppliesTo::Pattern,
    summary: "Relationships chosen by an options decision are declared inside a oneOf/anyOf block.",
    docs: ValidationRuleDoc {
        what_it_does: "For each id in `relationships.const` inside `relationship-type.properties.options.prefixItems[*]`, reports it when the id is declared as a plain (unconditional) entry of `properties.relationships.prefixItems` and not inside a oneOf/anyOf alternative.",
        why_it_matters: "A decision selects optional elements; an element that is always present cannot be optional, so the decision has no effect.",
        example: "an options decision listing `relationships: { const: [\"x\"] }` while `x` is a plain entry of properties.relationships.prefixItems",
        how_to_fix: "Move the element's declaration into the oneOf/anyOf block of the decision.",
    },
    check: Some(check),
};

fn check(doc: &Value) -> Vec<Hit> {
    decision_elements_not_in_choice(doc, "relationships")
}
