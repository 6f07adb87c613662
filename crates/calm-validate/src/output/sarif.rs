//! SARIF 2.1.0, for GitHub code scanning: one run, the rules that fired (with their docs), and
//! one result per diagnostic with a physical region (1-based lines and columns) and the JSON
//! pointer as a logical location.

use crate::diagnostic::Severity;
use crate::engine::Outcome;
use crate::rules;
use serde_json::{Value, json};

pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub fn render(outcome: &Outcome) -> String {
    let diags = &outcome.report.diagnostics;
    let mut codes: Vec<&str> = diags.iter().map(|d| d.code.as_str()).collect();
    codes.sort();
    codes.dedup();
    let rule_objects: Vec<Value> = codes.iter().map(|c| rule_object(c)).collect();
    let results: Vec<Value> = diags
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let line = d.line_start.max(1);
            let end_line = d.line_end.max(line);
            let start_col = d.character_start + 1;
            let end_col = if end_line == line { (d.character_end + 1).max(start_col) } else { d.character_end + 1 };
            json!({
                "ruleId": d.code,
                "ruleIndex": codes.binary_search(&d.code.as_str()).unwrap_or(0),
                "level": level(d.severity),
                "message": { "text": d.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&d.file) },
                        "region": {
                            "startLine": line,
                            "startColumn": start_col,
                            "endLine": end_line,
                            "endColumn": end_col,
                        }
                    },
                    "logicalLocations": [{ "fullyQualifiedName": outcome.display_path(i), "kind": "object" }]
                }],
                "properties": { "source": d.origin, "jsonPointer": if d.pointer.is_empty() { "/" } else { d.pointer.as_str() } }
            })
        })
        .collect();
    let doc = json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "calm-advisor",
                "informationUri": "https://github.com/finos/architecture-as-code",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rule_objects,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("SARIF serialises");
    s.push('\n');
    s
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

fn uri(file: &str) -> String {
    let f = file.replace('\\', "/");
    f.strip_prefix("./").map(str::to_string).unwrap_or(f)
}

fn rule_object(code: &str) -> Value {
    match rules::find(code) {
        Some(r) => json!({
            "id": r.code,
            "name": r.code,
            "shortDescription": { "text": r.summary },
            "fullDescription": { "text": r.docs.what_it_does },
            "help": {
                "text": format!("{}\n\nHow to fix: {}", r.docs.why_it_matters, r.docs.how_to_fix),
                "markdown": format!("{}\n\n**Why it matters.** {}\n\n**How to fix.** {}", r.docs.what_it_does, r.docs.why_it_matters, r.docs.how_to_fix),
            },
            "defaultConfiguration": { "level": level(r.severity) },
        }),
        None => json!({ "id": code, "name": code, "shortDescription": { "text": code } }),
    }
}
