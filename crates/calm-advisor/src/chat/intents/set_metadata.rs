//! "Set owner=team-a on X", "set the owner of X to team-a", "tag X with tier=1".

use super::super::intent::{Change, Intent, Parsed};
use super::super::slots::{self, Vocabulary, has_any};
use super::common::*;
use super::{Request, vocab};
use calm_refactor::Scope;

pub(super) fn parse_metadata(text: &str, t: &str, vocab: &Vocabulary) -> Option<Parsed> {
    let mut entries = key_values(text);
    let mentions = vocab.mentioned_ids(text);
    // "set the owner of X to team-a", "set X's owner to team-a".
    if entries.is_empty() {
        let re = regex::Regex::new(r#"(?i)\bset\s+(?:the\s+)?([a-z][a-z0-9 -]{0,30}?)\s+(?:of|on|for)\s+.+?\s+to\s+"?([^"\n]+?)"?\s*[.!]?$"#).unwrap();
        let re2 = regex::Regex::new(
            r#"(?i)\bset\s+.+?'s\s+([a-z][a-z0-9 -]{0,30}?)\s+to\s+"?([^"\n]+?)"?\s*[.!]?$"#,
        )
        .unwrap();
        if let Some(c) = re
            .captures(text.trim())
            .or_else(|| re2.captures(text.trim()))
        {
            let key = c[1].trim().to_lowercase().replace(' ', "-");
            entries.push((key, typed(c[2].trim())));
        }
    }
    if entries.is_empty() {
        if has_any(t, &["metadata"]) {
            return Some(Parsed::Clarify(
                "Which metadata? Give it as key=value (or \"key\": \"value\") and say which element it belongs to.".into(),
            ));
        }
        return None;
    }
    let scope = if has_any(t, vocab::METADATA_ARCHITECTURE) && mentions.is_empty() {
        Scope::Architecture
    } else if let Some(n) = mentions.first() {
        Scope::Node(n.clone())
    } else if let Some(r) = vocab
        .relationship_ids
        .iter()
        .find(|r| !slots::find_word(t, &r.to_lowercase()).is_empty())
    {
        Scope::Relationship(r.clone())
    } else {
        return Some(Parsed::Clarify(format!(
            "Which element should get {}? Name a node (e.g. {}) or say \"architecture\".",
            entries
                .iter()
                .map(|(k, _)| k.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            examples(vocab, |_| true, 3)
        )));
    };
    Some(Parsed::Understood(Intent::Change(vec![
        Change::SetMetadata { scope, entries },
    ])))
}

/// Metadata words or a `key=value`.
pub fn cue(t: &str) -> bool {
    (has_any(t, vocab::METADATA) || t.contains('=')) && has_any(t, vocab::METADATA_VERBS)
}

pub fn recognize(r: &Request) -> Option<Parsed> {
    if !(r.wants_change() && cue(&r.t)) {
        return None;
    }
    parse_metadata(r.text, &r.t, r.vocab)
}
