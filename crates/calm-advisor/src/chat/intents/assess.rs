//! "What are the top 3 resilience concerns?", "review the security".

use super::super::intent::{Intent, Parsed};
use super::super::slots::{self, has_any};
use super::{Request, vocab};

pub fn recognize(r: &Request) -> Option<Parsed> {
    has_any(&r.t, vocab::ASSESS).then(|| {
        Parsed::Understood(Intent::Assess {
            categories: categories(&r.t),
            top: slots::top_n(r.text),
        })
    })
}

/// The categories a request names; none (every category) for "everything".
pub fn categories(t: &str) -> Vec<String> {
    if has_any(t, vocab::ALL_CATEGORIES) {
        return Vec::new();
    }
    vocab::CATEGORIES
        .iter()
        .filter(|(_, words)| has_any(t, words))
        .map(|(name, _)| name.to_string())
        .collect()
}
