//! "Remaining Concerns": what the review of the new version still reports.

use super::{first_sentence, plural, sev_title, severity_counts};
use crate::diff::StructuralDiff;
use crate::diff_output::{md_cell, md_code};
use crate::input::LoadedArchitecture;
use crate::review::{ReviewOutcome, finding_key};
use calm_analysis::{Finding, Severity};
use std::collections::BTreeSet;
use std::fmt::Write;

/// `## Remaining Concerns`: high and critical ones in a table (marked when new), the rest
/// counted.
pub(super) fn remaining_concerns(
    new: &LoadedArchitecture,
    diff: &StructuralDiff,
    (orev, nrev): (&ReviewOutcome, &ReviewOutcome),
) -> String {
    // What the earlier review reported (renamed ids mapped), to mark concerns that are new.
    let old_keys: BTreeSet<String> = orev
        .active()
        .map(|f| finding_key(f, Some(&diff.renames)))
        .collect();
    let mut out = String::new();
    out.push_str("## Remaining Concerns\n\n");
    let remaining: Vec<&Finding> = nrev.active().collect();
    let shown: Vec<&&Finding> = remaining
        .iter()
        .filter(|f| f.severity >= Severity::High)
        .collect();
    if remaining.is_empty() {
        out.push_str("The review of the new version reports no finding.\n\n");
    } else {
        if !shown.is_empty() {
            out.push_str("| Concern | Severity | Elements | Recommendation |\n|---------|----------|----------|----------------|\n");
            for f in &shown {
                let is_new = !old_keys.contains(&finding_key(f, None));
                let elements = crate::review_report::finding_elements(f, false);
                let _ = writeln!(
                    out,
                    "| {}{} | {} | {} | {} |",
                    md_cell(&f.title),
                    if is_new { " (new)" } else { "" },
                    sev_title(f.severity),
                    md_cell(&elements.join(", ")),
                    md_cell(&first_sentence(&f.recommendation, 200))
                );
            }
            out.push('\n');
        }
        let rest = remaining.len() - shown.len();
        if rest > 0 {
            let low: Vec<&Finding> = remaining
                .iter()
                .copied()
                .filter(|f| f.severity < Severity::High)
                .collect();
            let _ = writeln!(
                out,
                "Plus {} ({}); run `calm-advisor review {}` for all of them.\n",
                plural(rest, "lower-severity finding", "lower-severity findings"),
                severity_counts(&low),
                md_code(&new.label)
            );
        }
    }
    out
}
