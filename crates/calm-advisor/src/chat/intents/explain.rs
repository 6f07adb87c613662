//! "Why is X a problem?", "explain finding-id", "why do you recommend a load balancer?".

use super::super::intent::{Intent, Parsed};
use super::super::slots::has_any;
use super::common::finding_or_rule_token;
use super::{Request, vocab};

/// Concept words → the recipe whose findings explain it.
const CONCEPTS: &[(&[&str], &str)] = &[
    (vocab::CONCEPT_LOAD_BALANCER, "add-load-balancer"),
    (vocab::CONCEPT_REPLICATION, "replicate-database"),
    (vocab::CONCEPT_DECOUPLE, "decouple"),
    (vocab::CONCEPT_CONTROL, "add-control"),
];

pub fn recognize(r: &Request) -> Option<Parsed> {
    let t = &r.t;
    if !(t.trim_start().starts_with("why") || has_any(t, vocab::EXPLAIN)) {
        return None;
    }
    if let Some(id) = finding_or_rule_token(r.text) {
        return Some(Parsed::Understood(Intent::Explain { target: id }));
    }
    let ids = r.vocab.mentioned_ids(r.text);
    // "Why do you recommend a load balancer?": the findings whose fix is that recipe.
    if ids.is_empty()
        && let Some((_, recipe)) = CONCEPTS.iter().find(|(words, _)| has_any(t, words))
    {
        return Some(Parsed::Understood(Intent::Explain {
            target: format!("recipe:{recipe}"),
        }));
    }
    Some(match ids.first() {
        None => Parsed::Clarify(
            "Which element or finding should I explain? Name a node (e.g. \"why is the api gateway a problem?\") or a finding id from the assessment.".into(),
        ),
        Some(id) => Parsed::Understood(Intent::Explain { target: id.clone() }),
    })
}
