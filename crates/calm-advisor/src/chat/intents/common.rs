//! Helpers shared by several recognizers: slot pickers, examples for questions, value typing.

use super::super::slots::{self, Vocabulary};
use serde_json::{Value, json};

pub(super) fn lc(text: &str) -> String {
    text.to_lowercase()
}

/// A finding id (`rule@element`) or a rule id in backticks/quotes.
pub(super) fn finding_or_rule_token(text: &str) -> Option<String> {
    text.split(|c: char| c.is_whitespace() || c == '`' || c == '"' || c == '?' || c == ',')
        .find(|w| w.contains('@') && w.len() > 3 && !w.starts_with('@'))
        .map(|w| w.trim_end_matches(['.', ')']).to_string())
}

pub(super) fn examples(
    vocab: &Vocabulary,
    keep: impl Fn(&slots::NodeInfo) -> bool,
    n: usize,
) -> String {
    let v: Vec<String> = vocab
        .nodes
        .iter()
        .filter(|x| keep(x))
        .take(n)
        .map(|x| x.id.clone())
        .collect();
    if v.is_empty() {
        "(no nodes)".into()
    } else {
        v.join(", ")
    }
}

pub(super) fn one_of(ids: &[String]) -> String {
    match ids.len() {
        0 => String::new(),
        1 => ids[0].clone(),
        _ => format!(
            "{} or {}",
            ids[..ids.len() - 1].join(", "),
            ids[ids.len() - 1]
        ),
    }
}

/// The node-type given for the thing named `near` ("load-balancer" node (type: service)).
pub(super) fn node_type_near(text: &str, near: &str) -> Option<String> {
    let lower = text.to_lowercase();
    let at = lower.find(near)?;
    let window: String = lower[at..].chars().take(80).collect();
    let ty = slots::node_type(&window)?;
    // The spec's node types, and two the chat also understands.
    const MORE: &[&str] = &["message-queue", "messagebus"];
    (calm_model::spec::NODE_TYPES.contains(&ty.as_str()) || MORE.contains(&ty.as_str()))
        .then_some(ty)
}

/// Choose the one node a request is about: Ok(None) when none is mentioned, Err(question) when
/// several are and nothing in the sentence singles one out.
pub(super) fn pick_target(
    text: &str,
    t: &str,
    candidates: &[String],
    vocab: &Vocabulary,
) -> Result<Option<String>, String> {
    match candidates.len() {
        0 => Ok(None),
        1 => Ok(Some(candidates[0].clone())),
        _ => {
            // "X is a single point of failure", "in front of X", "for X", "of X": the first
            // candidate mentioned right before/after those phrases wins.
            let mentions = vocab.node_mentions(text);
            for cue in [
                "in front of",
                "behind",
                "single point of failure",
                "instances of",
                "for the",
                "for",
            ] {
                if let Some(cue_at) = t.find(cue) {
                    let after = mentions.iter().find(|m| {
                        m.start >= cue_at && candidates.contains(&m.id) && m.start - cue_at < 40
                    });
                    let before = mentions.iter().rev().find(|m| {
                        m.end <= cue_at && candidates.contains(&m.id) && cue_at - m.end < 20
                    });
                    let pick = if cue == "single point of failure" {
                        before.or(after)
                    } else {
                        after.or(before)
                    };
                    if let Some(m) = pick {
                        return Ok(Some(m.id.clone()));
                    }
                }
            }
            // The first sentence usually names the subject.
            let first_sentence = t.split(['.', '\n', ':']).next().unwrap_or("");
            let in_first: Vec<&String> = candidates
                .iter()
                .filter(|c| vocab.mentioned_ids(first_sentence).contains(c))
                .collect();
            if in_first.len() == 1 {
                return Ok(Some(in_first[0].clone()));
            }
            Err(format!("Which node do you mean: {}?", one_of(candidates)))
        }
    }
}

pub(super) fn is_database(vocab: &Vocabulary, id: &str) -> bool {
    vocab.is_type(id, "database")
        || id.contains("database")
        || id.ends_with("-db")
        || id.contains("-db-")
}

/// A full URL with a path in the text (used as the requirement URL as is).
pub(super) fn explicit_url(text: &str) -> Option<String> {
    let b = slots::url_base(text)?;
    (b.starts_with("http") && b.matches('/').count() > 2 && text.contains("http")).then_some(b)
}

pub(super) fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        json!(x as i64)
    } else {
        json!(x)
    }
}

/// `key=value` and `"key": "value"` pairs.
pub(super) fn key_values(text: &str) -> Vec<(String, Value)> {
    let re = regex::Regex::new(r#"(?:"([a-z][a-z0-9-]*)"\s*:\s*(?:"([^"]*)"|(-?\d+(?:\.\d+)?|true|false))|\b([a-z][a-z0-9-]*)=(?:"([^"]*)"|([^\s,;]+)))"#).unwrap();
    let mut out = Vec::new();
    for c in re.captures_iter(text) {
        let (k, v) = if let Some(k) = c.get(1) {
            let v = match (c.get(2), c.get(3)) {
                (Some(s), _) => json!(s.as_str()),
                (None, Some(n)) => typed(n.as_str()),
                _ => continue,
            };
            (k.as_str().to_string(), v)
        } else {
            let k = c.get(4).unwrap().as_str().to_string();
            let v = match (c.get(5), c.get(6)) {
                (Some(s), _) => json!(s.as_str()),
                (None, Some(n)) => typed(n.as_str().trim_end_matches('.')),
                _ => continue,
            };
            (k, v)
        };
        out.push((k, v));
    }
    out
}

pub(super) fn typed(s: &str) -> Value {
    if let Ok(i) = s.parse::<i64>() {
        return json!(i);
    }
    if let Ok(f) = s.parse::<f64>() {
        return json!(f);
    }
    match s {
        "true" => json!(true),
        "false" => json!(false),
        _ => json!(s),
    }
}
