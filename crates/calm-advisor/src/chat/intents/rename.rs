//! "Rename X to Y", "X should become Y".

use super::super::intent::{Change, Intent, Parsed};
use super::super::slots::{self, Vocabulary, has_any};
use super::common::*;
use super::{Request, vocab};
use calm_refactor::{Recipe, Rename};

/// "rename A to B", "A can become B", "call A B".
pub(super) fn rename_pair(text: &str, vocab: &Vocabulary) -> Option<(String, String)> {
    let t = lc(text);
    let mentions = vocab.node_mentions(text);
    let news = slots::new_ids(text, vocab);
    for &cue in vocab::RENAME_CUES {
        for at in slots::find_word(&t, cue) {
            let old = if vocab::RENAME_FORWARD_CUES.contains(&cue) {
                mentions
                    .iter()
                    .find(|m| m.start > at && m.start - at < 40)
                    .map(|m| m.id.clone())
                    .or_else(|| {
                        // An id that is not a node (relationship, interface, flow).
                        let rest = &text[at + cue.len()..];
                        rest.split_whitespace()
                            .map(|w| {
                                w.trim_matches(|c: char| {
                                    c == '"' || c == '`' || c == '\'' || c == ','
                                })
                            })
                            .find(|w| vocab.has_id(w))
                            .map(str::to_string)
                    })
            } else {
                mentions
                    .iter()
                    .rev()
                    .find(|m| m.end <= at && at - m.end < 15)
                    .map(|m| m.id.clone())
            };
            let Some(old) = old else { continue };
            let new = news.iter().find(|(p, _)| *p > at).map(|(_, s)| s.clone());
            if let Some(new) = new {
                return Some((old, new));
            }
        }
    }
    None
}

pub(super) fn parse_rename(text: &str, vocab: &Vocabulary) -> Parsed {
    match rename_pair(text, vocab) {
        Some((old, new)) => Parsed::Understood(Intent::Change(vec![Change::Recipe(
            Recipe::Rename(Rename { old, new }),
        )])),
        None => {
            let mentioned = vocab.mentioned_ids(text);
            if mentioned.is_empty() {
                Parsed::Clarify(
                    "Which id should be renamed, and to what? Say \"rename OLD to NEW\".".into(),
                )
            } else {
                Parsed::Clarify(format!(
                    "What should `{}` be renamed to? Say \"rename {} to NEW-ID\".",
                    mentioned[0], mentioned[0]
                ))
            }
        }
    }
}

pub fn recognize(r: &Request) -> Option<Parsed> {
    (r.wants_change() && has_any(&r.t, vocab::RENAME)).then(|| parse_rename(r.text, r.vocab))
}
