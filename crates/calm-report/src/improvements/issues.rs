//! "Resilience Issues Identified": the findings of the earlier review this change resolves.

use super::{first_sentence, md_inline, sev_title};
use crate::diff_output::md_cell;
use calm_analysis::{Finding, Severity};
use std::fmt::Write;

/// `## Resilience Issues Identified`: high and critical ones in a table, the rest in a line.
pub(super) fn resilience_issues(resolved: &[Finding]) -> String {
    let mut out = String::new();
    out.push_str("## Resilience Issues Identified\n\n");
    // The table keeps the concerns worth a row (high and critical); lesser ones follow in a line.
    let major: Vec<&Finding> = resolved
        .iter()
        .filter(|f| f.severity >= Severity::High)
        .collect();
    let minor: Vec<&Finding> = resolved
        .iter()
        .filter(|f| f.severity < Severity::High)
        .collect();
    if resolved.is_empty() {
        out.push_str(
            "No finding of the review of the earlier version is resolved by this change.\n\n",
        );
    } else if major.is_empty() {
        out.push_str(
            "No high or critical finding of the earlier version is resolved by this change.\n\n",
        );
    } else {
        out.push_str("| Concern | Severity | Original State | Risk |\n|---------|----------|----------------|------|\n");
        for f in &major {
            let state = f
                .evidence
                .first()
                .map(|e| e.detail.clone())
                .unwrap_or_else(|| f.nodes.join(", "));
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                md_cell(&f.title),
                sev_title(f.severity),
                md_cell(&first_sentence(&state, 160)),
                md_cell(&first_sentence(&f.rationale, 200))
            );
        }
        out.push('\n');
    }
    if !minor.is_empty() {
        let list: Vec<String> = minor
            .iter()
            .map(|f| format!("{} ({})", f.title, f.severity.as_str()))
            .collect();
        let _ = writeln!(out, "Also resolved: {}.\n", md_inline(&list.join("; ")));
    }
    out
}
