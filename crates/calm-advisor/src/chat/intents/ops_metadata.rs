//! Operational metadata for many elements at once (tutorial 15, steps 2–5):
//!
//! - "For each service (a, b, c), add metadata including: 1. "owner": team name … 6.
//!   "dependencies": …  Also add to the databases: 1. "backup-schedule": …" — keys per target,
//!   values derived from the model when carried out (`engine::ops_metadata`);
//! - "Add failure mode documentation to the X node metadata: "failure-modes": [ … ]  Add
//!   similar failure modes for Y and Z." — the JSON as given, then modes built for Y and Z;
//! - "For flow-id: - "business-impact": "…"" — literal values per flow;
//! - ""monitoring": { … }" at architecture level, and "each node's metadata: - "dashboard": …".
//!
//! A list item is `N. "key": …` or `- "key": …`; a quoted value alone after the colon is a
//! literal, anything else describes what to derive. A JSON object or array after `"key":` is
//! read with serde_json (it may span lines).

use super::super::intent::{Intent, OpsEntry, OpsRequest, OpsTarget, OpsValue, Parsed};
use super::super::slots::{Vocabulary, has_any};
use super::Request;
use serde_json::Value;

pub fn recognize(r: &Request) -> Option<Parsed> {
    if !r.wants_change() || !r.t.contains("metadata") {
        return None;
    }
    let req = parse(r.text, r.vocab);
    if req.entries.is_empty() {
        return None;
    }
    Some(Parsed::Understood(Intent::OpsMetadata(req)))
}

/// `N. "key": rest` or `- "key": rest` (also without quotes around the key).
fn list_item(line: &str) -> Option<(String, String)> {
    let re = regex::Regex::new(r#"^\s*(?:\d+[.)]|[-*])\s*"?([A-Za-z][A-Za-z0-9-]*)"?\s*:\s*(.*)$"#)
        .unwrap();
    let c = re.captures(line)?;
    Some((c[1].to_string(), c[2].trim().to_string()))
}

/// A JSON value starting at the beginning of `text` (it may run over several lines).
fn json_at(text: &str) -> Option<Value> {
    let mut it = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    it.next()?.ok()
}

/// `"key": {` or `"key": [` at the start of a line: the key and the offset of the value.
fn json_block(text: &str, line_start: usize, line: &str) -> Option<(String, Value)> {
    let re = regex::Regex::new(r#"^\s*"([A-Za-z][A-Za-z0-9-]*)"\s*:\s*([\[{])"#).unwrap();
    let c = re.captures(line)?;
    let at = line_start + c.get(2)?.start();
    Some((c[1].to_string(), json_at(&text[at..])?))
}

/// The first quoted example in a description (`e.g., "/health" or …`).
fn example(desc: &str) -> Option<String> {
    let lower = desc.to_lowercase();
    let at = lower.find("e.g").or_else(|| lower.find("example"))?;
    let rest = &desc[at..];
    let open = rest.find('"')?;
    let close = rest[open + 1..].find('"')?;
    Some(rest[open + 1..open + 1 + close].to_string())
}

/// A value that is one JSON string (or number/bool) and nothing else.
fn literal(rest: &str) -> Option<Value> {
    let rest = rest.trim().trim_end_matches(',');
    if !(rest.starts_with('"') && rest.ends_with('"') && rest.len() >= 2) {
        return None;
    }
    json_at(rest).filter(|v| v.is_string())
}

pub fn parse(text: &str, vocab: &Vocabulary) -> OpsRequest {
    let mut entries = Vec::new();
    let mut target: Option<OpsTarget> = None;
    let mut offset = 0;
    let mut skip_until = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        if start < skip_until {
            continue;
        }
        let l = line.trim_end();
        let lower = l.to_lowercase();
        if let Some((key, value)) = json_block(text, start, l) {
            let t = target.clone().unwrap_or(OpsTarget::Architecture);
            // Skip the lines the JSON value spans.
            let body = &text[start..];
            skip_until = start + body.find(['{', '[']).unwrap_or(0) + json_len(body);
            entries.push(OpsEntry {
                target: t,
                key,
                value: OpsValue::Literal(value),
            });
            continue;
        }
        if let Some((key, rest)) = list_item(l) {
            let Some(t) = target.clone() else { continue };
            let value = match literal(&rest) {
                Some(v) => OpsValue::Literal(v),
                None => OpsValue::Derive {
                    example: example(&rest),
                },
            };
            entries.push(OpsEntry {
                target: t,
                key,
                value,
            });
            continue;
        }
        // A line that says what the next items are for.
        if lower.contains("similar failure mode") {
            let ids = vocab.mentioned_ids(l);
            if !ids.is_empty() {
                entries.push(OpsEntry {
                    target: OpsTarget::Nodes(ids),
                    key: "failure-modes".into(),
                    value: OpsValue::SimilarFailureModes,
                });
            }
            continue;
        }
        if let Some(f) = flow_named(&lower, vocab) {
            target = Some(OpsTarget::Flow(f));
            continue;
        }
        if has_any(
            &lower,
            &[
                "architecture level",
                "architecture-level",
                "to the architecture",
            ],
        ) {
            target = Some(OpsTarget::Architecture);
            continue;
        }
        if lower.contains("database") && lower.trim_end().ends_with(':') {
            target = Some(OpsTarget::Databases);
            continue;
        }
        let ids = vocab.mentioned_ids(l);
        if !ids.is_empty() {
            target = Some(OpsTarget::Nodes(ids));
            continue;
        }
        if has_any(
            &lower,
            &[
                "each node",
                "each service",
                "every service",
                "every node",
                "all services",
            ],
        ) {
            target = Some(OpsTarget::Services);
        }
    }
    OpsRequest { entries }
}

/// Byte length of the JSON value at the start of `body` (after its first `{` or `[`).
fn json_len(body: &str) -> usize {
    let from = body.find(['{', '[']).unwrap_or(0);
    let mut it = serde_json::Deserializer::from_str(&body[from..]).into_iter::<Value>();
    match it.next() {
        Some(Ok(_)) => it.byte_offset(),
        _ => 0,
    }
}

/// "For order-processing-flow:" names a flow.
fn flow_named(lower: &str, vocab: &Vocabulary) -> Option<String> {
    let t = lower.trim();
    if !(t.starts_with("for ") && t.ends_with(':')) {
        return None;
    }
    let name = t.trim_start_matches("for ").trim_end_matches(':').trim();
    vocab
        .flow_ids
        .iter()
        .find(|f| f.to_lowercase() == name)
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab() -> Vocabulary {
        let doc = calm_model::Document::from_str(
            "t.json",
            r#"{"nodes":[
              {"unique-id":"triage-api","node-type":"service","name":"Triage API","description":""},
              {"unique-id":"ward-db","node-type":"database","name":"Ward DB","description":""},
              {"unique-id":"bed-service","node-type":"service","name":"Bed Service","description":""}],
              "relationships":[],
              "flows":[{"unique-id":"admit-patient","name":"Admit","description":"","transitions":[]}]}"#,
        )
        .unwrap();
        Vocabulary::of(&doc)
    }

    #[test]
    fn lists_literals_json_blocks_and_targets() {
        let v = vocab();
        let text = "Add ops metadata. For each service (triage-api, bed-service), add metadata including:\n\n1. \"owner\": team name (e.g., \"ward-team\")\n2. \"health-endpoint\": URL (e.g., \"/health\")\n\nAlso add to the databases:\n1. \"dba-contact\": DBA team\n\nFor admit-patient:\n- \"sla\": \"99.5%\"\n\nAdd this to the architecture level:\n\n\"monitoring\": {\n  \"grafana-dashboard\": \"https://g/d/x\"\n}\n\nAdd similar failure modes for bed-service.\n";
        let r = parse(text, &v);
        let keys: Vec<(&str, &OpsTarget)> = r
            .entries
            .iter()
            .map(|e| (e.key.as_str(), &e.target))
            .collect();
        let nodes = OpsTarget::Nodes(vec!["triage-api".into(), "bed-service".into()]);
        assert_eq!(
            keys,
            vec![
                ("owner", &nodes),
                ("health-endpoint", &nodes),
                ("dba-contact", &OpsTarget::Databases),
                ("sla", &OpsTarget::Flow("admit-patient".into())),
                ("monitoring", &OpsTarget::Architecture),
                (
                    "failure-modes",
                    &OpsTarget::Nodes(vec!["bed-service".into()])
                ),
            ]
        );
        assert_eq!(
            r.entries[0].value,
            OpsValue::Derive {
                example: Some("ward-team".into())
            }
        );
        assert_eq!(
            r.entries[3].value,
            OpsValue::Literal(serde_json::json!("99.5%"))
        );
        assert_eq!(
            r.entries[4].value,
            OpsValue::Literal(serde_json::json!({"grafana-dashboard": "https://g/d/x"}))
        );
    }
}
