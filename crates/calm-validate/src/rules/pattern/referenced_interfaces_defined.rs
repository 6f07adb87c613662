//! `referenced-interfaces-defined-in-pattern`: interfaces named by constant connects are declared.

use super::*;
use crate::diagnostic::Severity;
#[allow(unused_imports)]
use crate::rules::util::*;
use crate::rules::{AppliesTo, ValidationRule, ValidationRuleDoc};

pub static RULE: ValidationRule = ValidationRule {
    code: "referenced-interfaces-defined-in-pattern",
    severity: Severity::Error,
    applies_to: AppliesTo::Pattern,
    summary: "Interfaces named in `relationship-type.const.connects.*.interfaces` are declared on some node of the pattern.",
    docs: ValidationRuleDoc {
        what_it_does: "Collects the interface ids declared on the pattern's nodes (`properties.interfaces.prefixItems[*].properties.unique-id.const`) and checks each interface named by a constant connects relationship.",
        why_it_matters: "Generated architectures would reference an interface that does not exist.",
        example: "\"destination\": { \"node\": \"api\", \"interfaces\": [\"api-htps\"] }",
        how_to_fix: "Declare the interface on the node, or correct the id.",
    },
    check: Some(check),
};

fn check(doc: &Value) -> Vec<Hit> {
    let mut ifs: Vec<&str> = node_candidates(doc)
        .into_iter()
        .flat_map(|(_, n)| node_interface_ids(n))
        .collect();
    ifs.sort();
    ifs.dedup();
    select(
        doc,
        &[
            Seg::Deep("relationship-type"),
            Seg::Key("const"),
            Seg::Key("connects"),
            Seg::Any,
            Seg::Key("interfaces"),
            Seg::Any,
        ],
    )
    .into_iter()
    .filter_map(|(p, v)| {
        let s = v.as_str()?;
        ifs.binary_search(&s).is_err().then(|| {
            Hit::new(
                p,
                format!(
                    "Interface '{s}' is not declared on any node of the pattern.{}",
                    did_you_mean(s, ifs.iter().copied())
                ),
            )
        })
    })
    .collect()
}
