//! Findings JSON (advisor-design.md §5.1): the stable contract read by other tools.

use super::ViewOptions;
use crate::availability::{downtime_hours, round6};
use crate::review::Review;
use serde_json::{Value, json};

pub const FORMAT_VERSION: &str = "1.0.0";
pub const RULESET_VERSION: &str = "2026.11";

/// Per-flow availability summary lines.
pub fn flows_summary(review: &Review) -> Value {
    Value::Array(
        review
            .flows
            .iter()
            .map(|f| {
                let a = &f.availability;
                json!({
                    "flow": f.flow,
                    "name": f.name,
                    "implicit": f.implicit,
                    "criticality": f.criticality,
                    "actors": f.actors,
                    "target": a.target.as_ref().and_then(|t| t.value).map(round6),
                    "targetSource": a.target.as_ref().map(|t| t.source.clone()),
                    "estimated": a.estimated,
                    "estimatedWithClosure": a.estimated_with_closure,
                    "downtimeHoursPerYear": round6(downtime_hours(a.estimated_with_closure)),
                    "status": a.status,
                    "confidence": if a.assumed_share > 0.5 { "low" } else { "medium" },
                    "weakestLinks": a.weakest,
                    "factors": a.factors.iter().map(|x| json!({"component": x.label, "availability": round6(x.availability), "assumed": x.assumed, "how": x.how})).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}

pub fn document(review: &Review, view: &ViewOptions) -> Value {
    let by: serde_json::Map<String, Value> = review
        .by_severity()
        .iter()
        .map(|(s, n)| (s.as_str().to_string(), json!(n)))
        .collect();
    let findings: Vec<&crate::finding::Finding> = match view.top {
        Some(n) => {
            let keep: Vec<String> = super::concerns(&review.findings)
                .into_iter()
                .take(n)
                .map(|g| g[0].rule.clone())
                .collect();
            review
                .findings
                .iter()
                .filter(|f| keep.contains(&f.rule))
                .collect()
        }
        None => review.findings.iter().collect(),
    };
    json!({
        "formatVersion": FORMAT_VERSION,
        "tool": {"name": "calm-advisor", "version": env!("CARGO_PKG_VERSION"), "rulesetVersion": RULESET_VERSION},
        "input": {"uri": review.input, "sha256": review.input_sha256, "calmSchema": review.schema, "normalized": !review.dialect_notes.is_empty()},
        "assumptions": review.assumptions,
        "summary": {
            "total": review.findings.len(),
            "bySeverity": by,
            "suppressed": review.findings.iter().filter(|f| f.suppression.is_some()).count(),
            "hiddenFalsePositives": review.hidden.len(),
            "expiredSuppressions": review.expired,
            "flows": flows_summary(review),
        },
        "findings": findings,
    })
}

pub fn render(review: &Review, view: &ViewOptions) -> String {
    let mut s =
        serde_json::to_string_pretty(&round_floats(document(review, view))).unwrap_or_default();
    s.push('\n');
    s
}

/// Round every float to 6 decimals (stable output across platforms).
pub fn round_floats(v: Value) -> Value {
    match v {
        Value::Number(n) if n.is_f64() => n
            .as_f64()
            .map(|f| json!(round6(f)))
            .unwrap_or(Value::Number(n)),
        Value::Array(a) => Value::Array(a.into_iter().map(round_floats).collect()),
        Value::Object(o) => {
            Value::Object(o.into_iter().map(|(k, v)| (k, round_floats(v))).collect())
        }
        other => other,
    }
}
