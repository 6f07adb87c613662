//! "What happens if X fails?": a failure simulation.

use super::super::intent::{Intent, Parsed};
use super::super::slots::has_any;
use super::common::examples;
use super::{Request, vocab};

pub fn recognize(r: &Request) -> Option<Parsed> {
    let t = &r.t;
    let asks = has_any(t, vocab::WHAT_IF)
        || (has_any(t, vocab::FAILURE)
            && has_any(t, vocab::QUESTION_WORDS)
            && !has_any(t, vocab::CHANGE_VERBS));
    if !asks {
        return None;
    }
    let fail: Vec<String> = r
        .vocab
        .mentioned_ids(r.text)
        .into_iter()
        .filter(|id| !r.vocab.is_type(id, "actor"))
        .collect();
    if fail.is_empty() {
        return Some(Parsed::Clarify(format!(
            "Which node should fail? For example: {}.",
            examples(r.vocab, |n| n.node_type != "actor", 4)
        )));
    }
    Some(Parsed::Understood(Intent::Simulate { fail }))
}
