//! `unique-ids-must-be-unique-in-pattern`: declared unique-ids are unique.

use super::*;
use crate::diagnostic::Severity;
#[allow(unused_imports)]
use crate::rules::util::*;
use crate::rules::{AppliesTo, ValidationRule, ValidationRuleDoc};

pub static RULE: ValidationRule = ValidationRule {
    code: "unique-ids-must-be-unique-in-pattern",
    severity: Severity::Error,
    applies_to: AppliesTo::Pattern,
    summary: "Every `unique-id` const in the pattern is unique, except between alternatives of one oneOf/anyOf.",
    docs: ValidationRuleDoc {
        what_it_does: "Collects every `\"unique-id\": { \"const\": … }` anywhere in the pattern and reports a repeated id. Alternatives of the same oneOf/anyOf block may share an id, since only one of them is ever instantiated.",
        why_it_matters: "Generated architectures would contain two elements with one id, which breaks every reference to them.",
        example: "two entries of `properties.nodes.prefixItems` with `\"unique-id\": { \"const\": \"api\" }`",
        how_to_fix: "Rename one of the elements.",
    },
    check: Some(check),
};

/// The pointer up to the last oneOf/anyOf keyword followed by an index, if any.
fn choice_group(pointer: &str) -> Option<&str> {
    let tokens: Vec<(usize, &str)> = pointer
        .match_indices('/')
        .map(|(i, _)| i)
        .zip(pointer.split('/').skip(1))
        .collect();
    let mut group = None;
    for w in tokens.windows(2) {
        if (w[0].1 == "oneOf" || w[0].1 == "anyOf") && w[1].1.parse::<usize>().is_ok() {
            group = Some(&pointer[..w[1].0]);
        }
    }
    group
}

fn check(doc: &Value) -> Vec<Hit> {
    let mut seen: std::collections::HashMap<String, (Option<String>, String)> =
        std::collections::HashMap::new();
    let mut hits = Vec::new();
    for (p, v) in select(doc, &[Seg::Deep("unique-id"), Seg::Key("const")]) {
        let Some(id) = v
            .as_str()
            .map(str::to_string)
            .or_else(|| (!v.is_null()).then(|| v.to_string()))
        else {
            continue;
        };
        let group = choice_group(&p).map(str::to_string);
        match seen.get(&id) {
            Some((g, first)) => {
                if group.is_some() && group == *g {
                    continue;
                }
                hits.push(Hit::new(
                    p.clone(),
                    format!("Duplicate unique-id '{id}' at {p}; it is first declared at {first}."),
                ));
            }
            None => {
                seen.insert(id, (group, p));
            }
        }
    }
    hits
}

#[cfg(test)]
mod tests {
    #[test]
    fn groups() {
        assert_eq!(
            super::choice_group("/a/oneOf/1/properties/unique-id/const"),
            Some("/a/oneOf")
        );
        assert_eq!(super::choice_group("/a/b/unique-id/const"), None);
    }
}
