//! SARIF 2.1.0 (docs/advisor-design.md §6). Hand-built with serde_json: the subset we emit is small
//! and a typed SARIF crate would add a dependency for no behaviour.

use crate::finding::{Confidence, Finding, Severity};
use crate::review::Review;
use crate::rules::{self, RuleMeta};
use serde_json::{Value, json};

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

fn pascal(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

fn descriptor(m: &RuleMeta) -> Value {
    let mut props = json!({
        "category": m.category.as_str(),
        "tags": std::iter::once("calm".to_string()).chain(m.tags.iter().map(|t| t.to_string())).collect::<Vec<_>>(),
        "precision": "high",
        "problem.severity": match m.default_severity { Severity::Critical | Severity::High => "error", Severity::Medium => "warning", _ => "recommendation" },
        "legacyCode": m.code,
    });
    if m.category == crate::finding::Category::Security {
        props["security-severity"] = json!(match m.default_severity {
            Severity::Critical => "9.5",
            Severity::High => "8.0",
            Severity::Medium => "5.5",
            _ => "2.0",
        });
    }
    json!({
        "id": m.id,
        "name": pascal(m.id),
        "shortDescription": {"text": m.summary},
        "fullDescription": {"text": m.doc.what},
        "help": {"text": format!("{}\n\nHow to fix: {}", m.doc.why, m.doc.how_to_fix), "markdown": format!("**Why it matters.** {}\n\n**How to fix.** {}\n\n**False positives.** {}", m.doc.why, m.doc.how_to_fix, m.false_positives())},
        // A reference may carry a note after the address ("https://… (rule name)"); helpUri must
        // be a bare URI.
        "helpUri": m.doc.references.first().and_then(|r| r.split_whitespace().next()).unwrap_or("https://calm.finos.org"),
        "defaultConfiguration": {"level": level(m.default_severity)},
        "properties": props,
    })
}

fn rank(f: &Finding) -> f64 {
    let base = f.likelihood as f64 * f.impact as f64 / 16.0 * 100.0;
    (base * 10.0).round() / 10.0
}

fn result(review: &Review, f: &Finding, rule_index: usize) -> Value {
    let primary = f.locations.first();
    let first_sentence = f
        .rationale
        .split(". ")
        .next()
        .unwrap_or("")
        .trim_end_matches('.');
    let mut locations = Vec::new();
    if let Some(l) = primary {
        locations.push(json!({
            "physicalLocation": {
                "artifactLocation": {"uri": review.input, "uriBaseId": "SRCROOT"},
                "region": {"startLine": l.start_line, "startColumn": l.start_column, "endLine": l.end_line, "endColumn": l.end_column},
            },
            "logicalLocations": [{
                "name": l.unique_id.clone().unwrap_or_else(|| l.kind.clone()),
                "fullyQualifiedName": match &l.unique_id { Some(id) => format!("{}s/{id}", l.kind), None => l.json_pointer.clone() },
                "kind": l.kind,
            }],
        }));
    }
    let related: Vec<Value> = f
        .nodes
        .iter()
        .map(|n| ("node", n))
        .chain(f.relationships.iter().map(|r| ("relationship", r)))
        .chain(f.flows.iter().map(|x| ("flow", x)))
        .enumerate()
        .map(|(i, (kind, id))| json!({"id": i, "logicalLocations": [{"name": id, "fullyQualifiedName": format!("{kind}s/{id}"), "kind": kind}], "message": {"text": format!("related {kind} {id}")}}))
        .collect();
    let mut r = json!({
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "kind": "fail",
        "level": level(f.severity),
        "message": {"text": format!("{}. {}.", f.title, first_sentence), "markdown": format!("**{}**\n\n{}\n\n{}", f.title, f.rationale, f.recommendation)},
        "rank": rank(f),
        "locations": locations,
        "partialFingerprints": {"calmAdvisor/v1": f.fingerprint},
        "fingerprints": {"calmAdvisor/v1": f.fingerprint},
        "properties": {
            "findingId": f.id,
            "severity": f.severity.as_str(),
            "likelihood": f.likelihood,
            "impact": f.impact,
            "confidence": match f.confidence { Confidence::High => "high", Confidence::Medium => "medium", Confidence::Low => "low" },
            "evidence": f.evidence,
            "metrics": f.metrics,
            "fix": f.fix,
        },
    });
    if !related.is_empty() {
        r["relatedLocations"] = Value::Array(related);
    }
    if let Some(s) = &f.suppression {
        r["suppressions"] = json!([{
            "kind": if s.source == "baseline" { "external" } else { "inSource" },
            "status": if s.status == "accepted" { "accepted" } else { "underReview" },
            "justification": s.justification.clone().unwrap_or_else(|| s.status.clone()),
        }]);
    }
    r
}

pub fn document(review: &Review) -> Value {
    let all = rules::registry();
    let metas: Vec<&'static RuleMeta> = all.iter().map(|r| r.meta()).collect();
    let results: Vec<Value> = review
        .findings
        .iter()
        .map(|f| {
            result(
                review,
                f,
                metas.iter().position(|m| m.id == f.rule).unwrap_or(0),
            )
        })
        .collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "calm-advisor",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/finos/architecture-as-code",
                "rules": metas.iter().map(|m| descriptor(m)).collect::<Vec<_>>(),
            }},
            "originalUriBaseIds": {"SRCROOT": {"uri": "./"}},
            "artifacts": [{"location": {"uri": review.input, "uriBaseId": "SRCROOT"}, "hashes": {"sha-256": review.input_sha256.trim_start_matches("sha256:")}}],
            "invocations": [{"executionSuccessful": true}],
            "results": results,
            "properties": {"flows": super::json::flows_summary(review), "assumptions": review.assumptions},
        }],
    })
}

pub fn render(review: &Review) -> String {
    super::json::to_pretty_string(&document(review))
}
