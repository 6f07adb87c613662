//! Findings JSON (docs/advisor-design.md §5.1): the stable contract read by other tools.

use super::ViewOptions;
use crate::availability::{downtime_hours, round6};
use crate::finding::Finding;
use crate::review::Review;
use serde::Serialize;
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

/// The findings document, borrowed from the review: serialized directly (a 10,000-node model
/// has tens of thousands of findings; building a `Value` tree first doubled the output time).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsonDocument<'r> {
    format_version: &'static str,
    tool: Value,
    input: Value,
    assumptions: &'r Value,
    summary: Value,
    findings: Vec<&'r Finding>,
}

pub fn json_document<'r>(review: &'r Review, view: &ViewOptions) -> JsonDocument<'r> {
    let by: serde_json::Map<String, Value> = review
        .by_severity()
        .iter()
        .map(|(s, n)| (s.as_str().to_string(), json!(n)))
        .collect();
    let findings: Vec<&Finding> = match view.top {
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
    JsonDocument {
        format_version: FORMAT_VERSION,
        tool: json!({"name": "calm-advisor", "version": env!("CARGO_PKG_VERSION"), "rulesetVersion": RULESET_VERSION}),
        input: json!({"uri": review.input, "sha256": review.input_sha256, "calmSchema": review.schema, "normalized": !review.dialect_notes.is_empty()}),
        assumptions: &review.assumptions,
        summary: json!({
            "total": review.findings.len(),
            "bySeverity": by,
            "suppressed": review.findings.iter().filter(|f| f.suppression.is_some()).count(),
            "hiddenFalsePositives": review.hidden.len(),
            "expiredSuppressions": review.expired,
            "flows": flows_summary(review),
        }),
        findings,
    }
}

/// The findings document as a JSON value (floats rounded), for callers that embed it.
pub fn document(review: &Review, view: &ViewOptions) -> Value {
    round_floats(serde_json::to_value(json_document(review, view)).unwrap_or(Value::Null))
}

pub fn render(review: &Review, view: &ViewOptions) -> String {
    to_pretty_string(&json_document(review, view))
}

/// Pretty JSON with every float rounded to 6 decimals, and a final newline.
pub fn to_pretty_string<T: Serialize + ?Sized>(value: &T) -> String {
    let mut out = Vec::with_capacity(1 << 16);
    if write_pretty(value, &mut out).is_err() {
        return String::new();
    }
    // serde_json writes UTF-8 only.
    String::from_utf8(out).unwrap_or_default()
}

/// [`to_pretty_string`] into a writer.
pub fn write_pretty<T: Serialize + ?Sized>(
    value: &T,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(
        &mut *w,
        RoundingFormatter(serde_json::ser::PrettyFormatter::new()),
    );
    value.serialize(&mut ser).map_err(std::io::Error::other)?;
    w.write_all(b"\n")
}

/// Pretty formatting, with floats rounded to 6 decimals as they are written (same text as
/// [`round_floats`] followed by pretty printing, without a second tree).
struct RoundingFormatter<'a>(serde_json::ser::PrettyFormatter<'a>);

impl serde_json::ser::Formatter for RoundingFormatter<'_> {
    fn write_f64<W: ?Sized + std::io::Write>(&mut self, w: &mut W, v: f64) -> std::io::Result<()> {
        self.0.write_f64(w, round6(v))
    }
    fn write_f32<W: ?Sized + std::io::Write>(&mut self, w: &mut W, v: f32) -> std::io::Result<()> {
        self.0.write_f64(w, round6(v as f64))
    }
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
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
