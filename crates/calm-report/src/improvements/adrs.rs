//! "Alignment with ADRs": the status of every ADR the architecture lists (before or after).

use crate::adr::{AdrStatus, adr_label, adr_status};
use crate::diff::StructuralDiff;
use crate::diff_output::{md_cell, md_code};
use crate::input::LoadedArchitecture;
use calm_model::Document;
use std::fmt::Write;

/// `## Alignment with ADRs`.
pub(super) fn adr_alignment(
    od: &Document,
    new: &LoadedArchitecture,
    diff: &StructuralDiff,
) -> String {
    let nd = &new.doc;
    let mut out = String::new();
    out.push_str("## Alignment with ADRs\n\n");
    let mut adrs: Vec<String> = nd.adrs().map(str::to_string).collect();
    for a in od.adrs() {
        if !adrs.iter().any(|x| x == a) {
            adrs.push(a.to_string());
        }
    }
    if adrs.is_empty() {
        out.push_str("The architecture lists no ADRs (`adrs`).\n\n");
    } else {
        out.push_str(
            "| ADR | Status | Linked from | File |\n|-----|--------|-------------|------|\n",
        );
        for a in &adrs {
            let s = adr_status(a, od, nd, diff, new);
            let status = match s.status {
                AdrStatus::Implemented => "Implemented by this change ✅",
                AdrStatus::AlreadyLinked => "Already linked before this change",
                AdrStatus::Mentioned => "Mentioned in descriptions, not linked",
                AdrStatus::NotLinked => "Not linked from any element ⚠️",
                AdrStatus::Dropped => "Removed from `adrs` by this change",
            };
            let file = match &s.file_title {
                Some(Some(t)) => format!("present: {t}"),
                Some(None) => "present".to_string(),
                None => "not found next to the architecture or in its repository".to_string(),
            };
            let linked = if s.linked_from.is_empty() {
                "-".to_string()
            } else {
                s.linked_from.join(", ")
            };
            let _ = writeln!(
                out,
                "| **{}** `{}` | {} | {} | {} |",
                md_cell(&adr_label(a)),
                md_code(a),
                status,
                md_cell(&linked),
                md_cell(&file)
            );
        }
        out.push('\n');
    }
    out
}
