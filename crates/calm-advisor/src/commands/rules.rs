//! `calm-advisor rules`: every review rule with its code, category and default severity.

use crate::cli::{ListFormat, RulesArgs};
use crate::common::{CmdResult, write_output};
use serde_json::json;
use std::fmt::Write;

pub fn run(args: &RulesArgs) -> CmdResult {
    let rules = calm_analysis::rules::registry();
    let text = match args.format {
        ListFormat::Json => {
            let list: Vec<_> = rules
                .iter()
                .map(|r| {
                    let m = r.meta();
                    json!({"id": m.id, "code": m.code, "category": m.category.as_str(), "defaultSeverity": m.default_severity.as_str(), "summary": m.summary, "tags": m.tags})
                })
                .collect();
            let mut s = serde_json::to_string_pretty(&json!({"rules": list})).unwrap_or_default();
            s.push('\n');
            s
        }
        ListFormat::Text => {
            let mut s = String::new();
            let w = rules.iter().map(|r| r.meta().id.len()).max().unwrap_or(10);
            let _ = writeln!(
                s,
                "{:<8} {:<w$} {:<14} {:<9} summary",
                "code", "rule", "category", "severity"
            );
            for r in &rules {
                let m = r.meta();
                let _ = writeln!(
                    s,
                    "{:<8} {:<w$} {:<14} {:<9} {}",
                    m.code,
                    m.id,
                    m.category.as_str(),
                    m.default_severity.as_str(),
                    m.summary
                );
            }
            let _ = writeln!(
                s,
                "\n{} rules. `calm-advisor explain RULE` prints a rule's documentation.",
                rules.len()
            );
            s
        }
    };
    write_output(None, text.as_bytes())?;
    Ok(crate::cli::exit::OK)
}
