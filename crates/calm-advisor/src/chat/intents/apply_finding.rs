//! "Apply the fix for concern 2", "fix #1", "implement the recommendation for the api gateway".

use super::super::intent::{Change, Intent, Parsed};
use super::super::slots::{self, Vocabulary, has_any};
use super::common::*;
use super::{Request, vocab};

/// "apply the fix for concern 2", "fix #1", "implement the recommendation for the api gateway".
pub(super) fn parse_apply_finding(text: &str, t: &str, vocab: &Vocabulary) -> Option<Parsed> {
    if !has_any(t, vocab::APPLY_FINDING) {
        return None;
    }
    if let Some(id) = finding_or_rule_token(text) {
        return Some(Parsed::Understood(Intent::Change(vec![
            Change::ApplyFinding { selector: id },
        ])));
    }
    let re = regex::Regex::new(
        r"(?:#|\b(?:concern|finding|recommendation|issue|number|no\.?)\s*#?)\s*(\d{1,3})\b",
    )
    .ok()?;
    if let Some(c) = re.captures(t) {
        return Some(Parsed::Understood(Intent::Change(vec![
            Change::ApplyFinding {
                selector: format!("concern:{}", &c[1]),
            },
        ])));
    }
    for (w, n) in [("first", 1), ("second", 2), ("third", 3), ("top", 1)] {
        if slots::find_word(t, &format!("{w} concern")).len()
            + slots::find_word(t, &format!("{w} recommendation")).len()
            > 0
        {
            return Some(Parsed::Understood(Intent::Change(vec![
                Change::ApplyFinding {
                    selector: format!("concern:{n}"),
                },
            ])));
        }
    }
    let ids = vocab.mentioned_ids(text);
    if ids.len() == 1 && !has_any(t, vocab::NAMES_A_RECIPE) {
        return Some(Parsed::Understood(Intent::Change(vec![
            Change::ApplyFinding {
                selector: format!("node:{}", ids[0]),
            },
        ])));
    }
    None
}

pub fn recognize(r: &Request) -> Option<Parsed> {
    if !r.wants_change() {
        return None;
    }
    parse_apply_finding(r.text, &r.t, r.vocab)
}
