//! The diff as text (terminal), Markdown (PR comments) or JSON (tools).

use crate::diff::{Detail, ElementChange, Op, Section, StructuralDiff, compact};
use crate::review::ReviewDelta;
use calm_analysis::availability::pct;
use serde::Serialize;
use serde_json::Value;
use std::fmt::Write;

/// A complete diff: structure plus, when both reviews ran, the findings delta.
#[derive(Debug, Clone, Serialize)]
pub struct ArchitectureDiff {
    pub old: String,
    pub new: String,
    pub identical: bool,
    pub summary: Vec<SectionCounts>,
    pub changes: Vec<ElementChange>,
    pub renames: crate::diff::Renames,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review: Option<ReviewDelta>,
}

/// Counts per section, for the summary line and JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SectionCounts {
    pub section: Section,
    pub added: usize,
    pub removed: usize,
    pub renamed: usize,
    pub changed: usize,
}

impl ArchitectureDiff {
    pub fn new(
        old: &str,
        new: &str,
        structural: StructuralDiff,
        review: Option<ReviewDelta>,
    ) -> Self {
        let summary = Section::ALL
            .iter()
            .map(|&s| SectionCounts {
                section: s,
                added: structural.count(s, Op::Added),
                removed: structural.count(s, Op::Removed),
                renamed: structural.count(s, Op::Renamed),
                changed: structural.count(s, Op::Changed),
            })
            .filter(|c| c.added + c.removed + c.renamed + c.changed > 0)
            .collect();
        ArchitectureDiff {
            old: old.to_string(),
            new: new.to_string(),
            identical: structural.is_empty(),
            summary,
            changes: structural.changes,
            renames: structural.renames,
            review,
        }
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "diff {} -> {}", self.old, self.new);
        if self.identical {
            out.push_str("No structural differences.\n");
        } else {
            let _ = writeln!(out, "{}", self.summary_line());
            for section in Section::ALL {
                let changes: Vec<&ElementChange> = self
                    .changes
                    .iter()
                    .filter(|c| c.section == section)
                    .collect();
                if changes.is_empty() {
                    continue;
                }
                let _ = writeln!(out, "\n{}", section.title());
                let mut last_scope: Option<&str> = None;
                let scoped = matches!(section, Section::Interface | Section::Transition);
                for c in changes {
                    let indent = if scoped { "    " } else { "  " };
                    if scoped && c.scope.as_deref() != last_scope {
                        let _ = writeln!(out, "  {}", c.scope.as_deref().unwrap_or(""));
                        last_scope = c.scope.as_deref();
                    }
                    let _ = writeln!(out, "{indent}{} {}", c.op.marker(), c.summary);
                    for d in &c.details {
                        let _ = writeln!(out, "{indent}    {}", detail_text(d));
                    }
                }
            }
        }
        if let Some(r) = &self.review {
            review_text(r, &mut out);
        }
        out
    }

    pub fn summary_line(&self) -> String {
        let parts: Vec<String> = self
            .summary
            .iter()
            .map(|c| {
                let mut bits = Vec::new();
                for (n, w) in [
                    (c.added, "added"),
                    (c.removed, "removed"),
                    (c.renamed, "renamed"),
                    (c.changed, "changed"),
                ] {
                    if n > 0 {
                        bits.push(format!("{n} {w}"));
                    }
                }
                format!("{}: {}", c.section.title().to_lowercase(), bits.join(", "))
            })
            .collect();
        parts.join("; ")
    }

    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "## Architecture diff\n\n`{}` → `{}`\n",
            md_code(&self.old),
            md_code(&self.new)
        );
        if self.identical {
            out.push_str("No structural differences.\n");
        } else {
            out.push_str(
                "| Section | Added | Removed | Renamed | Changed |\n|---|---:|---:|---:|---:|\n",
            );
            for c in &self.summary {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} |",
                    c.section.title(),
                    c.added,
                    c.removed,
                    c.renamed,
                    c.changed
                );
            }
            for section in Section::ALL {
                let changes: Vec<&ElementChange> = self
                    .changes
                    .iter()
                    .filter(|c| c.section == section)
                    .collect();
                if changes.is_empty() {
                    continue;
                }
                let _ = writeln!(out, "\n### {}\n", section.title());
                out.push_str("| Change | Element | Details |\n|---|---|---|\n");
                for c in changes {
                    let element = match &c.scope {
                        Some(s) if !matches!(section, Section::Metadata) => {
                            format!("{} ({s})", c.summary)
                        }
                        _ => c.summary.clone(),
                    };
                    let details: Vec<String> =
                        c.details.iter().map(|d| md_cell(&detail_text(d))).collect();
                    let _ = writeln!(
                        out,
                        "| {} | {} | {} |",
                        c.op.as_str(),
                        md_cell(&element),
                        details.join("<br>")
                    );
                }
            }
        }
        if let Some(r) = &self.review {
            review_markdown(r, &mut out);
        }
        out
    }
}

/// Truncate long values so one detail stays on one readable line.
fn short(v: &Value) -> String {
    let s = match v {
        Value::String(s) => format!("\"{s}\""),
        other => compact(other),
    };
    if s.chars().count() > 160 {
        let cut: String = s.chars().take(157).collect();
        format!("{cut}...")
    } else {
        s
    }
}

/// `path: old -> new`; string lists as `+a -b`.
pub fn detail_text(d: &Detail) -> String {
    if d.path.is_empty() {
        let whole = Detail {
            path: "(document)".into(),
            old: d.old.clone(),
            new: d.new.clone(),
        };
        return detail_text(&whole);
    }
    match (&d.old, &d.new) {
        (Some(Value::Array(a)), Some(Value::Array(b)))
            if a.iter().chain(b.iter()).all(Value::is_string) =>
        {
            let mut bits: Vec<String> = Vec::new();
            for x in b.iter().filter(|x| !a.contains(x)) {
                bits.push(format!("+{}", compact(x)));
            }
            for x in a.iter().filter(|x| !b.contains(x)) {
                bits.push(format!("-{}", compact(x)));
            }
            if bits.is_empty() {
                bits.push("reordered".into());
            }
            format!("{}: {}", d.path, bits.join(" "))
        }
        (Some(o), Some(n)) => format!("{}: {} -> {}", d.path, short(o), short(n)),
        (None, Some(n)) => format!("{}: added {}", d.path, short(n)),
        (Some(o), None) => format!("{}: removed {}", d.path, short(o)),
        (None, None) => d.path.clone(),
    }
}

fn review_text(r: &ReviewDelta, out: &mut String) {
    let _ = writeln!(out, "\nFindings");
    if r.introduced.is_empty() && r.resolved.is_empty() && r.escalated.is_empty() {
        out.push_str("  no finding introduced or resolved\n");
    }
    for f in &r.resolved {
        let _ = writeln!(
            out,
            "  resolved   [{}] {}: {}",
            f.severity.as_str(),
            f.id,
            f.title
        );
    }
    for f in &r.introduced {
        let _ = writeln!(
            out,
            "  introduced [{}] {}: {}",
            f.severity.as_str(),
            f.id,
            f.title
        );
    }
    if !r.flows.is_empty() {
        let _ = writeln!(out, "\nFlow availability (estimated)");
        for f in &r.flows {
            let _ = writeln!(
                out,
                "  {}: {}",
                f.flow,
                availability_change(f.before, f.after, f.target)
            );
        }
    }
}

pub fn availability_change(before: Option<f64>, after: Option<f64>, target: Option<f64>) -> String {
    let fmt = |a: Option<f64>| a.map(pct).unwrap_or_else(|| "n/a".into());
    let mut s = format!("{} -> {}", fmt(before), fmt(after));
    if let Some(t) = target {
        s.push_str(&format!(" (target {})", pct(t)));
    }
    s
}

fn review_markdown(r: &ReviewDelta, out: &mut String) {
    out.push_str("\n### Findings\n\n");
    if r.introduced.is_empty() && r.resolved.is_empty() && r.escalated.is_empty() {
        out.push_str("No finding introduced or resolved.\n");
    } else {
        out.push_str("| Status | Severity | Finding | Title |\n|---|---|---|---|\n");
        for (status, list) in [("resolved", &r.resolved), ("introduced", &r.introduced)] {
            for f in list {
                let _ = writeln!(
                    out,
                    "| {status} | {} | `{}` | {} |",
                    f.severity.as_str(),
                    md_code(&f.id),
                    md_cell(&f.title)
                );
            }
        }
        for e in &r.escalated {
            let f = &e.finding;
            let _ = writeln!(
                out,
                "| escalated | {} → {} | `{}` | {} |",
                e.from.as_str(),
                f.severity.as_str(),
                md_code(&f.id),
                md_cell(&f.title)
            );
        }
    }
    if !r.flows.is_empty() {
        out.push_str("\n### Flow availability (estimated)\n\n| Flow | Before | After | Target |\n|---|---:|---:|---:|\n");
        let fmt = |a: Option<f64>| a.map(pct).unwrap_or_else(|| "n/a".into());
        for f in &r.flows {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                md_cell(&f.flow),
                fmt(f.before),
                fmt(f.after),
                fmt(f.target)
            );
        }
    }
}

/// Markdown table-cell escaping, defined once in calm-analysis (shared with `review -f markdown`);
/// re-exported here for this crate's report modules, which import it from `diff_output`.
pub use calm_analysis::output::markdown::md_cell;

/// Text inside backticks cannot hold a backtick; swap it for a quote.
pub fn md_code(s: &str) -> String {
    s.replace('`', "'")
}
