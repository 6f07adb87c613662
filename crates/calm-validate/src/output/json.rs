//! The JSON report, in the reference CLI's shape and field order, indented by 4 spaces.

use crate::diagnostic::{Bucket, Severity};
use crate::engine::Outcome;
use serde::Serialize;

#[derive(Serialize)]
struct Output<'a> {
    code: &'a str,
    severity: Severity,
    message: &'a str,
    path: &'a str,
    #[serde(rename = "schemaPath", skip_serializing_if = "Option::is_none")]
    schema_path: Option<&'a str>,
    line_start: usize,
    line_end: usize,
    character_start: usize,
    character_end: usize,
    source: crate::diagnostic::Origin,
}

#[derive(Serialize)]
struct Outputs<'a> {
    #[serde(rename = "jsonSchemaValidationOutputs")]
    json_schema: Vec<Output<'a>>,
    #[serde(rename = "spectralSchemaValidationOutputs")]
    spectral: Vec<Output<'a>>,
    #[serde(rename = "hasErrors")]
    has_errors: bool,
    #[serde(rename = "hasWarnings")]
    has_warnings: bool,
}

pub fn render(outcome: &Outcome) -> String {
    let mut json_schema = Vec::new();
    let mut spectral = Vec::new();
    for (i, d) in outcome.report.diagnostics.iter().enumerate() {
        let o = Output {
            code: &d.code,
            severity: d.severity,
            message: &d.message,
            path: outcome.display_path(i),
            schema_path: d.schema_path.as_deref(),
            line_start: d.line_start,
            line_end: d.line_end,
            character_start: d.character_start,
            character_end: d.character_end,
            source: d.origin,
        };
        match d.bucket {
            Bucket::JsonSchema => json_schema.push(o),
            Bucket::Spectral => spectral.push(o),
        }
    }
    let out = Outputs {
        json_schema,
        spectral,
        has_errors: outcome.report.has_errors(),
        has_warnings: outcome.report.has_warnings(),
    };
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    out.serialize(&mut ser).expect("report serialises");
    let mut s = String::from_utf8(buf).expect("serde_json writes UTF-8");
    s.push('\n');
    s
}
