//! "Add a circuit breaker on X", "failover with RTO 5 minutes", "a 99.95% availability
//! requirement", "SLO of 99.9%", "latency SLA of 200 ms for the booking flow".

use super::super::intent::{Change, Intent, Parsed, Scope};
use super::super::slots::{self, Vocabulary, has_any};
use super::common::*;
use super::{Request, vocab};
use calm_refactor::{AddControl, ControlPreset, Recipe};
use regex::Regex;
use serde_json::{Value, json};
use std::sync::LazyLock;

/// The controls a request asks for: one per list item (or the whole request), each with its
/// scope, preset and values.
pub(super) fn parse_controls(text: &str, vocab: &Vocabulary) -> Parsed {
    let (header, items) = slots::list_items(text);
    let items: Vec<String> = if items.is_empty() {
        vec![text.to_string()]
    } else {
        items
    };
    let base = slots::url_base(text);
    let mut changes = Vec::new();
    for item in &items {
        let it = lc(item);
        let preset = preset_of(&it);
        let named = slots::quoted(item)
            .into_iter()
            .map(|(_, q)| q)
            .find(|q| slots::looks_like_id(q) && !vocab.has_id(q) && !q.contains('.'));
        let id = match (named, preset) {
            (Some(n), _) => n,
            (None, Some(p)) => p.to_string(),
            (None, None) => {
                if items.len() == 1 {
                    return Parsed::Clarify(
                        "Which control? I know high-availability (uptime %), failover (RTO/RPO), circuit-breaker (failures in a window) and latency (ms); for another, give its id in quotes and its values as key=value.".into(),
                    );
                }
                continue;
            }
        };
        // Scope: architecture-level words, else the element named in the item.
        let mut scope = None;
        if has_any(&it, vocab::ARCHITECTURE_SCOPE) {
            scope = Some(Scope::Architecture);
        }
        if scope.is_none() {
            let nodes = vocab.mentioned_ids(item);
            if let Some(n) = nodes.first() {
                scope = Some(Scope::Node(n.clone()));
            } else if let Some(r) = vocab
                .relationship_ids
                .iter()
                .find(|r| !slots::find_word(&it, &r.to_lowercase()).is_empty())
            {
                scope = Some(Scope::Relationship(r.clone()));
            } else if let Some(f) = vocab.flow_ids.iter().find(|f| names_flow(&it, f)) {
                scope = Some(Scope::Flow(f.clone()));
            }
        }
        let scope = match scope {
            Some(s) => s,
            None if preset == Some("high-availability") => Scope::Architecture,
            None => {
                let what = if preset == Some("failover") {
                    "database or cluster"
                } else {
                    "service"
                };
                return Parsed::Clarify(format!(
                    "Which {what} should carry the `{id}` control? For example: {}.",
                    examples(
                        vocab,
                        |n| if preset == Some("failover") {
                            n.node_type == "database" || n.id.contains("cluster")
                        } else {
                            n.node_type == "service"
                        },
                        4
                    )
                ));
            }
        };
        let mut config: Vec<(String, Value)> = Vec::new();
        match preset {
            Some("high-availability") => {
                if let Some(p) = slots::percent(item).or_else(|| slots::nines(item)) {
                    config.push(("availability-percent".into(), number(p)));
                }
            }
            Some("failover") => {
                for &(label, key) in vocab::RTO_LABELS {
                    if config.iter().any(|(k, _)| k.starts_with(key)) {
                        continue;
                    }
                    if let Some(secs) = slots::duration_after(item, label) {
                        if secs >= 60.0 && (secs % 60.0) == 0.0 {
                            config.push((format!("{key}-minutes"), number(secs / 60.0)));
                        } else {
                            config.push((format!("{key}-seconds"), number(secs)));
                        }
                    }
                }
                if has_any(&it, &["automatic", "automatically", "auto"]) {
                    config.push(("failover-mode".into(), json!("automatic")));
                } else if has_any(&it, &["manual", "manually"]) {
                    config.push(("failover-mode".into(), json!("manual")));
                }
            }
            Some("circuit-breaker") => {
                if let Some((n, w)) = slots::failures_in_window(item) {
                    config.push(("failure-threshold".into(), json!(n)));
                    config.push(("failure-window-seconds".into(), number(w)));
                } else if let Some(n) = slots::failure_threshold(item) {
                    config.push(("failure-threshold".into(), json!(n)));
                }
                for &label in vocab::OPEN_STATE_LABELS {
                    if let Some(s) = slots::duration_after(item, label) {
                        config.push(("open-state-duration-seconds".into(), number(s)));
                        break;
                    }
                }
            }
            Some(LATENCY) => config.extend(latency_config(item)),
            _ => {}
        }
        config.extend(key_values(item));
        let requirement_url = explicit_url(item).or_else(|| {
            let b = base.clone()?;
            if b.matches('/').count() > 2 {
                return Some(b);
            }
            // Only a host was named ("pointing to internal-policy.example.com"): keep the
            // preset's policy path on that host; the preset's own URL when the host is its own.
            match preset.and_then(|p| calm_refactor::ControlPreset::parse(p).ok()) {
                Some(p) => {
                    let default = p.requirement_url();
                    let path = default.splitn(4, '/').nth(3).unwrap_or("");
                    let swapped = format!("{b}/{path}");
                    (swapped != default).then_some(swapped)
                }
                None => Some(format!("{b}/controls/{id}")),
            }
        });
        let _ = &header;
        changes.push(Change::Recipe(Recipe::AddControl(AddControl {
            scope,
            id: Some(id),
            requirement_url,
            description: None,
            config: config
                .iter()
                .map(|(k, v)| format!("{k}={}", calm_refactor::recipes::value_word(v)))
                .collect(),
            preset: preset.and_then(|p| ControlPreset::parse(p).ok()),
        })));
    }
    if changes.is_empty() {
        return Parsed::NotUnderstood;
    }
    Parsed::Understood(Intent::Change(changes))
}

/// The control id of a latency requirement: no preset, the TraderX `latency` requirement.
const LATENCY: &str = "latency";

/// Which preset an item asks for (`latency` is a plain control id, see [`LATENCY`]).
fn preset_of(it: &str) -> Option<&'static str> {
    if has_any(it, vocab::PRESET_CIRCUIT_BREAKER) {
        Some("circuit-breaker")
    } else if has_any(it, vocab::PRESET_FAILOVER) {
        Some("failover")
    } else if has_any(it, vocab::LATENCY) && !has_any(it, vocab::AVAILABILITY) {
        Some(LATENCY)
    } else if has_any(it, vocab::PRESET_HIGH_AVAILABILITY) {
        Some("high-availability")
    } else {
        None
    }
}

/// "200 ms", "0.5 s" → `max-latency-ms`; "p99" → `percentile`.
fn latency_config(item: &str) -> Vec<(String, Value)> {
    static MS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?)\b").unwrap()
    });
    static PERCENTILE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)\bp(\d{2}(?:\.\d+)?)\b").unwrap());
    let mut config = Vec::new();
    if let Some(c) = MS.captures(item)
        && let Ok(n) = c[1].parse::<f64>()
    {
        let ms = if c[2].to_lowercase().starts_with('m') {
            n
        } else {
            n * 1000.0
        };
        config.push(("max-latency-ms".to_string(), number(ms)));
    }
    if let Some(c) = PERCENTILE.captures(item) {
        config.push(("percentile".to_string(), json!(format!("p{}", &c[1]))));
    }
    config
}

/// A request stated as a requirement on a measure: "a 99.95% availability requirement",
/// "an availability target of 99.9%", "RTO of 5 minutes", "latency SLA of 200 ms". Questions
/// about requirements ("what availability target should we set?") are not requests.
fn requirement_cue(t: &str) -> bool {
    has_any(t, vocab::MEASURES)
        && (has_any(t, vocab::REQUIREMENT)
            || slots::percent(t).is_some()
            || slots::nines(t).is_some())
        && !vocab::QUESTION_STARTS
            .iter()
            .any(|q| t.trim_start().starts_with(q))
}

pub fn recognize(r: &Request) -> Option<Parsed> {
    let t = &r.t;
    let asked = (r.wants_change() && (has_any(t, vocab::CONTROL) || requirement_cue(t)))
        // A requirement stated with its value and no verb: "latency SLA of 200 ms for X".
        || (requirement_cue(t)
            && !t.trim_end().ends_with('?')
            && t.chars().any(|c| c.is_ascii_digit()));
    asked.then(|| parse_controls(r.text, r.vocab))
}

/// "book-trip-flow", or "the book-trip flow" / "the book trip flow".
fn names_flow(it: &str, flow: &str) -> bool {
    let f = flow.to_lowercase();
    if !slots::find_word(it, &f).is_empty() {
        return true;
    }
    let stem = f.trim_end_matches("-flow");
    stem != f
        && [stem.to_string(), stem.replace('-', " ")]
            .iter()
            .any(|s| !slots::find_word(it, &format!("{s} flow")).is_empty())
}
