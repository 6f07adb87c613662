//! "All Changes": every structural change, folded.

use super::md_inline;
use crate::diff::StructuralDiff;
use std::fmt::Write;

/// `## All Changes`, in a `<details>` block.
pub(super) fn all_changes(diff: &StructuralDiff) -> String {
    let mut out = String::new();
    out.push_str("## All Changes\n\n<details>\n<summary>Every structural change (from <code>calm-advisor diff</code>)</summary>\n\n");
    for c in &diff.changes {
        let scope = c
            .scope
            .as_deref()
            .map(|s| format!(" ({s})"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "- {} {}: {}{}",
            c.op.as_str(),
            c.section.title().to_lowercase(),
            md_inline(&c.summary),
            md_inline(&scope)
        );
    }
    out.push_str("\n</details>\n");
    out
}
