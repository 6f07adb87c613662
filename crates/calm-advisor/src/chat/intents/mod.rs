//! The recognizers, one per intent, tried in the order of [`RECOGNIZERS`].
//!
//! Each recognizer looks at one [`Request`] and either claims it (`Some`: understood, a
//! clarifying question, or — rarely — a definite "not understood") or passes (`None`), and the
//! next one is tried. **The order is the matching priority**:
//!
//! 1. whole-request commands (`confirm`, `undo`/`redo`, `help`/`quit`, `save`): the request is the
//!    command, nothing else;
//! 2. an outage investigation (`triage`: incident words and numbered questions), then a
//!    multi-element operational metadata request (`ops-metadata`: list items or JSON blocks);
//! 3. questions: `simulate` ("what happens if X fails?") before `explain` ("why ...?");
//! 4. changes, only when the request has a change verb or names a pattern without being a
//!    question ([`Request::wants_change`]), from the most specific vocabulary to the least:
//!    `apply-finding`, `decouple` (broker words), `replicate-database`, `add-load-balancer`,
//!    `add-control`, `rename`, `decouple` by "async" alone, `set-metadata`, and last
//!    `add-load-balancer` by redundancy words alone;
//! 5. read-only requests: `validate`, `diagram`, `what-changed`, then `assess` (whose words —
//!    "problems", "improve", "top" — are the most general).
//!
//! The words live in [`vocab`]; a new phrasing is usually one word there (or one cue in the
//! intent's file) and one row in that intent's paraphrase test (`tests.rs`).

use super::intent::Parsed;
use super::slots::{Vocabulary, has_any};

mod add_control;
mod apply_finding;
mod assess;
mod commands;
pub(super) mod common;
mod decouple;
mod diagram;
mod explain;
mod load_balancer;
mod ops_metadata;
mod rename;
mod replicate;
mod set_metadata;
mod simulate;
pub mod triage;
mod validate;
pub mod vocab;
mod what_changed;

#[cfg(test)]
mod tests;

/// One request as the recognizers see it.
pub struct Request<'a> {
    /// As typed (ids and paths keep their spelling).
    pub text: &'a str,
    /// Lower-cased.
    pub t: String,
    /// Lower-cased, trimmed, without the final punctuation: for whole-request commands.
    pub cmd: String,
    pub vocab: &'a Vocabulary,
}

impl Request<'_> {
    /// A change verb, or a bare pattern name that is not asked as a question.
    pub fn wants_change(&self) -> bool {
        has_any(&self.t, vocab::CHANGE_VERBS)
            || (!self.t.trim_end().ends_with('?') && has_any(&self.t, vocab::BARE_PATTERNS))
    }
}

pub type Recognizer = fn(&Request) -> Option<Parsed>;

/// The recognizers in priority order (see the module documentation).
pub const RECOGNIZERS: &[(&str, Recognizer)] = &[
    ("confirm", commands::confirm),
    ("undo-redo", commands::undo_redo),
    ("help-quit", commands::help_quit),
    ("save", commands::save),
    ("triage", triage::recognize),
    ("ops-metadata", ops_metadata::recognize),
    ("simulate", simulate::recognize),
    ("explain", explain::recognize),
    ("apply-finding", apply_finding::recognize),
    ("decouple", decouple::recognize),
    ("replicate-database", replicate::recognize),
    ("add-load-balancer", load_balancer::recognize),
    ("add-control", add_control::recognize),
    ("rename", rename::recognize),
    ("decouple-async", decouple::recognize_async),
    ("set-metadata", set_metadata::recognize),
    (
        "add-load-balancer-redundancy",
        load_balancer::recognize_redundancy,
    ),
    ("validate", validate::recognize),
    ("diagram", diagram::recognize),
    ("what-changed", what_changed::recognize),
    ("assess", assess::recognize),
];

/// Read one request: the first recognizer that claims it decides.
pub fn parse(text: &str, vocab: &Vocabulary) -> Parsed {
    let t = text.to_lowercase();
    let cmd = t
        .trim()
        .trim_end_matches(['.', '!', '?'])
        .trim()
        .to_string();
    if cmd.is_empty() {
        return Parsed::NotUnderstood;
    }
    let req = Request {
        text,
        t,
        cmd,
        vocab,
    };
    RECOGNIZERS
        .iter()
        .find_map(|(_, recognize)| recognize(&req))
        .unwrap_or(Parsed::NotUnderstood)
}
