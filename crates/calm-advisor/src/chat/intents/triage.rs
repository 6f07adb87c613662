//! Outage investigations (tutorial 15, steps 7–9): "I'm receiving alerts that … Based on my
//! architecture: 1. What services are involved …? 2. …".
//!
//! The situation (the text before the numbered questions) gives the query: the nodes it names
//! are failing, or slow when it speaks of latency; id-like words that are not in the model
//! (`web-frontend`) are passed on so the triage reports them as unknown; with no node named, the
//! declared flow whose words the request shares most is the one reported degraded. The numbered
//! questions are kept to be answered one by one (`chat::triage_answer`).

use super::super::intent::{Intent, Parsed};
use super::super::slots::{Vocabulary, has_any};
use super::Request;
use calm_analysis::ops::Query;

/// Words that describe an incident in progress.
const INCIDENT: &[&str] = &[
    "alert",
    "alerts",
    "outage",
    "incident",
    "spiked",
    "spike",
    "errors across",
    "seeing errors",
    "root cause",
    "customers report",
    "has dropped",
    "have dropped",
    "is down",
    "are down",
    "timing out",
    "latency has",
];
const LATENCY: &[&str] = &["latency", "slow", "spiked to", "timing out", "p99"];
const ERRORS: &[&str] = &[
    "error", "errors", "failing", "failures", "down", "503", "500",
];
/// Last parts of a hyphenated word that make it a component name (`web-frontend`).
const COMPONENT_WORDS: &[&str] = &[
    "frontend", "front", "ui", "web", "app", "service", "svc", "api", "gateway", "db", "database",
    "queue", "cache", "worker", "server", "backend", "portal", "proxy", "broker",
];

pub fn recognize(r: &Request) -> Option<Parsed> {
    // The incident is in the situation (a change request may say "if X is down" in passing),
    // and numbered items, if any, are questions, not steps.
    let (situation, questions) = split(r.text);
    if !has_any(&situation.to_lowercase(), INCIDENT) {
        return None;
    }
    if questions.is_empty() && !has_any(&r.t, &["investigate", "root cause", "triage"]) {
        return None;
    }
    if !questions.is_empty() && !questions.iter().any(|q| q.trim_end().ends_with('?')) {
        return None;
    }
    Some(Parsed::Understood(Intent::Triage {
        query: query(&situation, r.text, r.vocab),
        questions,
    }))
}

/// The text before the first numbered line, and the numbered lines.
fn split(text: &str) -> (String, Vec<String>) {
    let re = regex::Regex::new(r"^\s*\d+[.)]\s+(.+)$").unwrap();
    let mut situation = Vec::new();
    let mut questions = Vec::new();
    for line in text.lines() {
        if let Some(c) = re.captures(line) {
            questions.push(c[1].trim().to_string());
        } else if questions.is_empty() {
            situation.push(line.trim());
        }
    }
    (situation.join(" ").trim().to_string(), questions)
}

pub fn query(situation: &str, whole: &str, vocab: &Vocabulary) -> Query {
    let s = situation.to_lowercase();
    let nodes = vocab.mentioned_ids(situation);
    let mut unknown: Vec<String> = Vec::new();
    let re = regex::Regex::new(r"\b[a-z][a-z0-9]*(?:-[a-z0-9]+)+\b").unwrap();
    for m in re.find_iter(&s) {
        let w = m.as_str();
        let last = w.rsplit('-').next().unwrap_or(w);
        if COMPONENT_WORDS.contains(&last)
            && !vocab.all_ids.iter().any(|id| id.eq_ignore_ascii_case(w))
            && !unknown.iter().any(|u| u == w)
        {
            unknown.push(w.to_string());
        }
    }
    let slow = has_any(&s, LATENCY) && !has_errors(&s);
    let mut q = Query {
        symptom: Some(situation.to_string()).filter(|x| !x.is_empty()),
        ..Query::default()
    };
    let named: Vec<String> = nodes.into_iter().chain(unknown).collect();
    if slow {
        q.slow = named;
    } else {
        q.failing = named;
    }
    let lower = whole.to_lowercase();
    q.flows = vocab
        .flow_ids
        .iter()
        .filter(|f| lower.contains(&f.to_lowercase()))
        .cloned()
        .collect();
    if q.flows.is_empty() && q.failing.is_empty() && q.slow.is_empty() {
        q.flows = best_flow(&lower, vocab).into_iter().collect();
    }
    q
}

/// Errors reported, not denied ("No errors in logs" is not an error report).
fn has_errors(s: &str) -> bool {
    let words: Vec<&str> = s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words.iter().enumerate().any(|(i, w)| {
        ERRORS.contains(w) && !(i > 0 && matches!(words[i - 1], "no" | "not" | "without" | "zero"))
    })
}

fn stem(w: &str) -> &str {
    w.strip_suffix('s').filter(|x| x.len() >= 3).unwrap_or(w)
}

/// The flow whose id and name share the most words with the request (generic words like
/// "flow" and "process" left out); none when nothing is shared.
fn best_flow(lower: &str, vocab: &Vocabulary) -> Option<String> {
    const GENERIC: &[&str] = &["flow", "process", "processing", "the", "and", "of"];
    let words: std::collections::BTreeSet<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() >= 3)
        .map(stem)
        .collect();
    let mut best: Option<(usize, &String)> = None;
    for (i, f) in vocab.flow_ids.iter().enumerate() {
        let name = vocab.flow_names.get(i).map(String::as_str).unwrap_or("");
        let own: std::collections::BTreeSet<String> = format!("{f} {name}")
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() >= 3 && !GENERIC.contains(w))
            .map(|w| stem(w).to_string())
            .collect();
        let score = own.iter().filter(|w| words.contains(w.as_str())).count();
        if score > 0 && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, f));
        }
    }
    best.map(|(_, f)| f.clone())
}
