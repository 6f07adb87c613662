//! "Put a load balancer in front of X with 2 instances", "make X redundant".

use super::super::intent::{Change, Intent, Parsed};
use super::super::slots::{self, Vocabulary, has_any};
use super::common::*;
use super::{Request, vocab};
use calm_refactor::{AddLoadBalancer, Recipe};

pub(super) fn parse_load_balancer(text: &str, t: &str, vocab: &Vocabulary) -> Parsed {
    let news = slots::new_ids(text, vocab);
    let is_lb = |s: &str| {
        s.contains("balancer") || s.starts_with("lb") || s.ends_with("-lb") || s.contains("-lb-")
    };
    // "a load-balancer called front-lb": a specific name beats the generic phrase.
    let lb_names: Vec<String> = news
        .iter()
        .map(|(_, s)| s.clone())
        .filter(|s| is_lb(s))
        .collect();
    // A new id written right before "load balancer" ("a \"front-door\" load balancer") or right
    // after "called"/"named" near it names the load balancer too.
    let named_lb = news.iter().map(|(p, id)| (*p, id.clone())).find(|(p, id)| {
        let (Some(before), Some(after)) = (t.get(..*p), t.get(p + id.len()..)) else {
            return false;
        };
        let after = after
            .trim_start_matches(['"', '\'', '`', '\u{201d}'])
            .trim_start();
        let before = before
            .trim_end_matches(['"', '\'', '`', '\u{201c}'])
            .trim_end();
        after.starts_with("load balancer")
            || after.starts_with("load-balancer")
            || after.starts_with("lb")
            || ((before.ends_with("called") || before.ends_with("named"))
                && before
                    .rfind("balancer")
                    .is_some_and(|b| before.len() - b < 30))
    });
    let lb_id = named_lb
        .map(|(_, id)| id)
        .or_else(|| {
            lb_names
                .iter()
                .find(|s| *s != "load-balancer" && *s != "load-balancers")
                .cloned()
        })
        .or(lb_names.first().cloned())
        .unwrap_or_else(|| calm_refactor::recipes::DEFAULT_LB_ID.to_string());
    let candidates: Vec<String> = vocab
        .mentioned_ids(text)
        .into_iter()
        .filter(|id| !vocab.is_type(id, "actor") && id != &lb_id && !vocab.is_type(id, "system"))
        .collect();
    let target = match pick_target(text, t, &candidates, vocab) {
        Ok(x) => x,
        Err(q) => return Parsed::Clarify(q),
    };
    let Some(target) = target else {
        return Parsed::Clarify(format!(
            "Which node should go behind the load balancer? For example: {}.",
            examples(vocab, |n| n.node_type == "service", 4)
        ));
    };
    // Instances: new ids other than the load balancer's, preferring ones derived from the target.
    let mut instances: Vec<String> = news
        .iter()
        .map(|(_, s)| s.clone())
        .filter(|s| !is_lb(s) && s != &lb_id)
        .collect();
    let stem = target.trim_end_matches(|c: char| c.is_ascii_digit() || c == '-');
    let derived: Vec<String> = instances
        .iter()
        .filter(|s| s.starts_with(stem) || s.contains(stem))
        .cloned()
        .collect();
    if !derived.is_empty() {
        instances = derived;
    }
    let count = slots::count_before(text, vocab::INSTANCE_NOUNS)
        .map(|n| n as usize)
        .unwrap_or(if instances.len() >= 2 {
            instances.len()
        } else {
            2
        });
    if instances.len() > count {
        instances.truncate(count);
    }
    if !instances.is_empty() && instances.len() < count {
        return Parsed::Clarify(format!(
            "You named {} but asked for {count} instances of `{target}`: what are the other ids? (or say \"{count} instances\" without names)",
            instances.join(", ")
        ));
    }
    let lb_type = node_type_near(text, "balancer")
        .unwrap_or_else(|| calm_refactor::recipes::DEFAULT_LB_TYPE.to_string());
    Parsed::Understood(Intent::Change(vec![Change::Recipe(
        Recipe::AddLoadBalancer(AddLoadBalancer {
            target,
            instances: count,
            names: instances,
            lb_id,
            lb_type,
        }),
    )]))
}

/// A load balancer named.
pub fn recognize(r: &Request) -> Option<Parsed> {
    (r.wants_change() && has_any(&r.t, vocab::LOAD_BALANCER))
        .then(|| parse_load_balancer(r.text, &r.t, r.vocab))
}

/// Redundancy asked for without naming a load balancer ("make X redundant"): the last change
/// tried. A request that reads as metadata ("set ... redundancy=...") is not one.
pub fn recognize_redundancy(r: &Request) -> Option<Parsed> {
    (r.wants_change() && !super::set_metadata::cue(&r.t) && has_any(&r.t, vocab::REDUNDANCY))
        .then(|| parse_load_balancer(r.text, &r.t, r.vocab))
}
