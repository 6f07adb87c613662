//! `nodes-referenced-in-pattern-decision-must-be-in-oneof-or-anyof-block`: nodes chosen by an options decision are declared in oneOf/anyOf.

use super::*;
use crate::diagnostic::Severity;
#[allow(unused_imports)]
use crate::rules::util::*;
use crate::rules::{AppliesTo, Rule, RuleDocs};

pub static RULE: Rule = Rule {
    code: "nodes-referenced-in-pattern-decision-must-be-in-oneof-or-anyof-block",
    severity: Severity::Error,
    applies_to: AppliesTo::Pattern,
    summary: "Nodes chosen by an options decision are declared inside a oneOf/anyOf block.",
    docs: RuleDocs {
        what_it_does: "For each id in `nodes.const` inside `relationship-type.properties.options.prefixItems[*]`, reports it when the id is declared as a plain (unconditional) entry of `properties.nodes.prefixItems` and not inside a oneOf/anyOf alternative.",
        why_it_matters: "A decision selects optional elements; an element that is always present cannot be optional, so the decision has no effect.",
        example: "an options decision listing `nodes: { const: [\"x\"] }` while `x` is a plain entry of properties.nodes.prefixItems",
        how_to_fix: "Move the element's declaration into the oneOf/anyOf block of the decision.",
    },
    check: Some(check),
};

fn check(doc: &Value) -> Vec<Hit> {
    let plain: Vec<&str> = select(
        doc,
        &[
            Seg::Key("properties"),
            Seg::Key("nodes"),
            Seg::Key("prefixItems"),
            Seg::Any,
        ],
    )
    .into_iter()
    .filter_map(|(_, n)| {
        n.pointer("/properties/unique-id/const")
            .and_then(Value::as_str)
    })
    .collect();
    let mut optional: Vec<&str> = Vec::new();
    for choice in ["oneOf", "anyOf"] {
        optional.extend(
            select(
                doc,
                &[
                    Seg::Key("properties"),
                    Seg::Key("nodes"),
                    Seg::Key("prefixItems"),
                    Seg::Any,
                    Seg::Key(choice),
                    Seg::Any,
                ],
            )
            .into_iter()
            .filter_map(|(_, n)| {
                n.pointer("/properties/unique-id/const")
                    .and_then(Value::as_str)
            }),
        );
    }
    select(
        doc,
        &[Seg::Deep("relationship-type"), Seg::Key("properties"), Seg::Key("options"), Seg::Key("prefixItems"), Seg::Any, Seg::Deep("nodes"), Seg::Key("const"), Seg::Any],
    )
    .into_iter()
    .filter_map(|(p, v)| {
        let s = v.as_str()?;
        let only_plain = plain.contains(&s) && !optional.contains(&s);
        only_plain.then(|| Hit::new(p, format!("'{s}' is part of a pattern option and must be declared in a oneOf or anyOf block of properties.nodes.")))
    })
    .collect()
}
