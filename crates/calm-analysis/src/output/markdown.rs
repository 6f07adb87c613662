//! Markdown review (for pull requests and `docs/`): the text view's structure with tables.

use super::{ViewOptions, concerns, subject};
use crate::availability::{downtime_hours, pct};
use crate::review::Review;
use crate::rules;
use std::fmt::Write;

/// Escape text for a Markdown table cell (also used for headings): backslashes (so a `\|` in the
/// text cannot turn the escape of its pipe into an escaped backslash followed by a cell
/// boundary), pipes, the HTML-significant `<`, and line breaks (a cell is one line). The one
/// definition for `review -f markdown` and calm-report's `diff`/`report` Markdown.
pub fn md_cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace(['\n', '\r'], " ")
}

pub fn render(review: &Review, view: &ViewOptions) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Architecture review: `{}`\n", review.input);
    let counts: Vec<String> = review
        .by_severity()
        .iter()
        .map(|(s, n)| format!("{} {n}", s.as_str()))
        .collect();
    let _ = writeln!(
        out,
        "{} nodes, {} relationships, {} findings ({}).\n",
        review.node_count,
        review.relationship_count,
        review.findings.len(),
        counts.join(", ")
    );
    let groups = concerns(&review.findings);
    let shown = view.top.unwrap_or(groups.len()).min(groups.len());
    if groups.is_empty() {
        let _ = writeln!(out, "No concerns found.\n");
    } else {
        let _ = writeln!(out, "## Top concerns\n");
        for (i, g) in groups.iter().take(shown).enumerate() {
            let f = g[0];
            let code = rules::find(&f.rule).map(|r| r.meta().code).unwrap_or("");
            let heading = if g.len() == 1 {
                f.title.clone()
            } else {
                format!(
                    "{} ({}): {}",
                    rules::find(&f.rule).map(|r| r.meta().summary).unwrap_or(""),
                    g.len(),
                    g.iter().map(|x| subject(x)).collect::<Vec<_>>().join(", ")
                )
            };
            let _ = writeln!(
                out,
                "### {}. {} — {}\n",
                i + 1,
                f.severity.as_str().to_ascii_uppercase(),
                md_cell(&heading)
            );
            let _ = writeln!(out, "Rule `{}` ({code}).\n", f.rule);
            for x in g {
                if g.len() > 1 {
                    let _ = writeln!(out, "#### `{}` — {}\n", x.id, md_cell(&x.title));
                }
                let _ = writeln!(out, "**Why.** {}\n", x.rationale);
                if !x.evidence.is_empty() {
                    let _ = writeln!(out, "**Evidence.**\n");
                    for e in &x.evidence {
                        let _ = writeln!(out, "- *{}*: {}", e.kind, e.detail);
                    }
                    let _ = writeln!(out);
                }
                let _ = writeln!(out, "**Fix.** {}\n", x.recommendation);
                if let Some(fix) = &x.fix {
                    let _ = writeln!(out, "```sh\n{}\n```\n", fix.command);
                }
                let loc = x
                    .locations
                    .first()
                    .map(|l| format!(", line {}", l.start_line))
                    .unwrap_or_default();
                let sup = x
                    .suppression
                    .as_ref()
                    .map(|s| format!(", suppressed: {}", s.status))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "<sub>`{}`{loc}, severity {}, confidence {:?}{sup}</sub>\n",
                    x.id,
                    x.severity.as_str(),
                    x.confidence
                );
            }
        }
        if shown < groups.len() {
            let _ = writeln!(
                out,
                "_{} more concern(s) not shown (run without `--top`)._\n",
                groups.len() - shown
            );
        }
    }
    if !review.flows.is_empty() {
        let _ = writeln!(out, "## Availability per flow\n");
        let _ = writeln!(
            out,
            "| Flow | As modelled | With closure | Downtime/yr | Target | Status | Weakest links |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|---|---|");
        for f in &review.flows {
            let a = &f.availability;
            let t = a
                .target
                .as_ref()
                .map(|t| t.value.map(pct).unwrap_or_else(|| "opaque".into()))
                .unwrap_or_else(|| "—".into());
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {:.1} h | {} | {} | {} |",
                f.flow,
                pct(a.estimated),
                pct(a.estimated_with_closure),
                downtime_hours(a.estimated_with_closure),
                t,
                a.status,
                md_cell(&a.weakest.join(", "))
            );
        }
        let _ = writeln!(out);
    }
    if !review.expired.is_empty() {
        let _ = writeln!(out, "## Expired suppressions\n");
        for e in &review.expired {
            let _ = writeln!(
                out,
                "- `{}` ({}) expired {} ({})",
                e.selector, e.status, e.expires, e.origin
            );
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(out, "## Assumptions\n");
    if let Some(d) = review
        .assumptions
        .get("availabilityDefaults")
        .and_then(|v| v.as_object())
    {
        let items: Vec<String> = d
            .iter()
            .map(|(k, v)| format!("{k} {}", v.as_f64().map(pct).unwrap_or_default()))
            .collect();
        let _ = writeln!(
            out,
            "- Default availability when none is declared: {}.",
            items.join(", ")
        );
    }
    if let Some(notes) = review.assumptions.get("notes").and_then(|v| v.as_array()) {
        for n in notes.iter().filter_map(|n| n.as_str()) {
            let _ = writeln!(out, "- {n}");
        }
    }
    if let Some(c) = review.assumptions.get("caveat").and_then(|v| v.as_str()) {
        let _ = writeln!(out, "- {c}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::md_cell;

    #[test]
    fn cells_stay_one_cell_on_one_line() {
        assert_eq!(md_cell("a|b"), "a\\|b");
        // A backslash before a pipe must not escape the pipe's own escape.
        assert_eq!(md_cell("a\\|b"), "a\\\\\\|b");
        assert_eq!(md_cell("x<script>\r\ny"), "x&lt;script>  y");
        assert_eq!(md_cell("plain text"), "plain text");
    }
}
