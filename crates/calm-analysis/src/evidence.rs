//! Declared evidence: one meaning of "the model declares X" for every rule.
//!
//! A rule asks whether a mitigation (a circuit breaker, TLS, authentication, a dead-letter
//! queue…) is declared on an element, given the metadata keys and control words that name it.
//! The answer is one of:
//! - [`Declared::Present`]: a metadata key or control config key with a value that is not
//!   negative, or a control whose id, description or requirement URL names it;
//! - [`Declared::Absent`]: the key is there with a negative value (`false`, `"none"`,
//!   `"disabled"`, `0`…): the modeller says it is *not* there — never evidence;
//! - [`Declared::Unstated`]: nothing says either way.
//!
//! Prose (a description that mentions the mitigation) is not a declaration: rules that want to
//! soften a finding on it ask [`in_prose`] separately and say so in the finding.

use crate::normalize::{Control, tokens};
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Declared {
    /// Where it is declared, e.g. ``metadata `circuit-breaker: true` ``.
    Present(String),
    /// Where it is declared absent.
    Absent(String),
    Unstated,
}

impl Declared {
    /// The evidence text when present.
    pub fn present(self) -> Option<String> {
        match self {
            Declared::Present(s) => Some(s),
            _ => None,
        }
    }
    pub fn is_present(&self) -> bool {
        matches!(self, Declared::Present(_))
    }
}

/// `false`, `null`, `0`, `""`, `"none"`, `"no"`, `"false"`, `"disabled"`, `"off"`, `"n/a"`,
/// `[]`, `{}` or `{"enabled": false}`: a value that says "not present".
pub fn is_negative(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        // The whole value, or its first word: "none - the transfer fails" says none.
        Value::String(s) => {
            let t = s.trim().to_ascii_lowercase();
            let first = t
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '/'))
                .next()
                .unwrap_or("");
            matches!(
                t.as_str(),
                "" | "none" | "no" | "false" | "disabled" | "off" | "n/a" | "not-configured"
            ) || matches!(
                first,
                "none" | "no" | "not" | "false" | "disabled" | "off" | "n/a" | "planned"
            )
        }
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => {
            o.is_empty()
                || o.get("enabled")
                    .is_some_and(|e| matches!(e, Value::Bool(false)))
        }
    }
}

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn key_matches(k: &str, keys: &[&str]) -> bool {
    keys.iter().any(|x| k.eq_ignore_ascii_case(x))
}

/// First of `words` whose tokens appear in sequence in `text`.
pub fn first_word<'w>(text: &str, words: &[&'w str]) -> Option<&'w str> {
    let hay = tokens(text);
    words.iter().copied().find(|w| {
        let wt = tokens(w);
        !wt.is_empty()
            && hay
                .windows(wt.len())
                .any(|win| win.iter().zip(&wt).all(|(a, b)| a == b))
    })
}

/// Is a mitigation named by `keys` (metadata/config keys) or `words` (control names) declared
/// in this metadata map or these controls? Keys are looked up at the top level and one level
/// down (`resilience: {circuit-breaker: …}`); the first match decides.
pub fn declared(
    metadata: &Map<String, Value>,
    controls: &[Control],
    keys: &[&str],
    words: &[&str],
) -> Declared {
    let mut absent: Option<String> = None;
    let mut judge = |place: String, v: &Value| -> Option<Declared> {
        if is_negative(v) {
            absent.get_or_insert(format!("{place}: {}", show(v)));
            None
        } else {
            Some(Declared::Present(format!("{place}: {}", show(v))))
        }
    };
    for (k, v) in metadata {
        if key_matches(k, keys) {
            if let Some(d) = judge(format!("metadata `{k}`"), v) {
                return d;
            }
        } else if let Value::Object(inner) = v {
            for (k2, v2) in inner {
                if key_matches(k2, keys)
                    && let Some(d) = judge(format!("metadata `{k}.{k2}`"), v2)
                {
                    return d;
                }
            }
        }
    }
    for c in controls {
        for (k, v) in c.config_entries() {
            if key_matches(k, keys) {
                if let Some(d) = judge(format!("control `{}` config `{k}`", c.id), v) {
                    return d;
                }
            } else if let Value::Object(inner) = v {
                for (k2, v2) in inner {
                    if key_matches(k2, keys)
                        && let Some(d) = judge(format!("control `{}` config `{k}.{k2}`", c.id), v2)
                    {
                        return d;
                    }
                }
            }
        }
    }
    // A control named for the mitigation, unless the model said it is off.
    if absent.is_none() {
        for c in controls {
            if let Some(w) = first_word(&c.haystack(), words) {
                return Declared::Present(format!("control `{}` ({w})", c.id));
            }
        }
    }
    match absent {
        Some(a) => Declared::Absent(a),
        None => Declared::Unstated,
    }
}

/// Words that negate a mention just before it ("no TLS", "without authentication").
const NEGATIONS: &[&str] = &[
    "no",
    "not",
    "without",
    "none",
    "lacks",
    "plain",
    "unencrypted",
    "unauthenticated",
];

/// A description that states a mitigation in words (`is_word` says which tokens name it), not
/// negated by one of the three words before it: not a declaration, but a sign the modeller means
/// it (rules lower severity or confidence on it and say so). Returns the start of the text.
pub fn in_prose(text: &str, is_word: impl Fn(&str) -> bool) -> Option<String> {
    let t = tokens(text);
    let hit = t.iter().enumerate().any(|(i, w)| {
        is_word(w)
            && !t[i.saturating_sub(3)..i]
                .iter()
                .any(|n| NEGATIONS.contains(&n.as_str()))
    });
    hit.then(|| text.chars().take(120).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn present_absent_unstated() {
        let keys = &["circuit-breaker", "fallback"];
        let words = &["circuit-breaker"];
        assert!(declared(&map(json!({"circuit-breaker": true})), &[], keys, words).is_present());
        assert!(
            declared(
                &map(json!({"resilience": {"fallback": "cached"}})),
                &[],
                keys,
                words
            )
            .is_present()
        );
        // Declared absent is never evidence.
        for v in [
            json!(false),
            json!("none"),
            json!("disabled"),
            json!({"enabled": false}),
        ] {
            assert!(matches!(
                declared(&map(json!({"circuit-breaker": v})), &[], keys, words),
                Declared::Absent(_)
            ));
        }
        assert_eq!(
            declared(&map(json!({"owner": "x"})), &[], keys, words),
            Declared::Unstated
        );
    }

    #[test]
    fn words_are_token_sequences() {
        assert_eq!(
            first_word("Orders API – Circuit Breaker policy", &["circuit-breaker"]),
            Some("circuit-breaker")
        );
        assert_eq!(first_word("breaker circuit", &["circuit-breaker"]), None);
        let tls = |w: &str| w == "tls";
        assert!(in_prose("link protected by TLS 1.3", tls).is_some());
        assert!(in_prose("sent without TLS", tls).is_none());
    }
}
