//! "Diagrams": before/after images and Mermaid diagrams, when the report has them.

use super::Diagrams;
use std::fmt::Write;

/// `## Diagrams` (nothing when there are none).
pub(super) fn diagrams(diagrams: &Diagrams) -> String {
    let mut out = String::new();
    if diagrams.mermaid.is_some() || diagrams.images.is_some() {
        out.push_str("## Diagrams\n\n");
        if let Some((b, a)) = &diagrams.images {
            let _ = writeln!(
                out,
                "| Before | After |\n|--------|-------|\n| ![Before]({b}) | ![After]({a}) |\n"
            );
        }
        if let Some((b, a)) = &diagrams.mermaid {
            let _ = writeln!(out, "### Before\n\n```mermaid\n{}\n```\n", b.trim_end());
            let _ = writeln!(out, "### After\n\n```mermaid\n{}\n```\n", a.trim_end());
        }
    }
    out
}
