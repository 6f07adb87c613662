//! The "architecture improvements" report (`calm-advisor report --before OLD --after NEW`):
//! the concerns the change resolved, one improvement per group of structural changes, the
//! controls it added, before/after figures, ADR alignment, what remains, and diagrams.
//!
//! Every sentence is built from the two documents, the structural diff and the two reviews.

mod adrs;
mod all_changes;
mod controls;
mod diagrams;
mod evolution;
mod grouping;
mod implemented;
mod issues;
mod overview;
mod remaining;

pub use grouping::group_improvements;

use crate::diff::{ElementChange, StructuralDiff};
use crate::diff_output::md_code;
use crate::input::LoadedArchitecture;
use crate::review::{ReviewOutcome, compare_reviews};
use calm_analysis::{Finding, Severity};
use calm_model::Document;
use std::collections::BTreeSet;
use std::fmt::Write;

/// Diagrams and images for the report.
#[derive(Debug, Clone, Default)]
pub struct Diagrams {
    /// Mermaid source of the before and after diagrams.
    pub mermaid: Option<(String, String)>,
    /// Relative links to before/after images (from `--images`).
    pub images: Option<(String, String)>,
}

/// Options of the improvements report.
#[derive(Debug, Clone, Default)]
pub struct ImprovementsOptions {
    pub title: Option<String>,
    pub diagrams: Diagrams,
}

/// One improvement: a connected group of changed nodes with the changes around them.
#[derive(Debug, Clone)]
pub struct Improvement {
    pub title: String,
    /// Nodes (new ids) added or renamed in this group, in document order.
    pub nodes: Vec<String>,
    /// Relationship changes attached to this group.
    pub relationships: Vec<ElementChange>,
    /// Resolved findings (from OLD) this group addresses.
    pub resolved: Vec<Finding>,
    /// ADR paths linked by elements of this group.
    pub adrs: BTreeSet<String>,
}

fn sev_title(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "Critical",
        Severity::High => "High",
        Severity::Medium => "Medium",
        Severity::Low => "Low",
        Severity::Info => "Info",
    }
}

/// First sentence of a text (up to `max` characters).
fn first_sentence(s: &str, max: usize) -> String {
    let s = s.trim();
    let end = s.find(". ").map(|i| i + 1).unwrap_or(s.len());
    let mut out: String = s[..end].to_string();
    if out.chars().count() > max {
        out = out.chars().take(max - 3).collect::<String>() + "...";
    }
    out
}

fn node_name(doc: &Document, id: &str) -> String {
    doc.node(id)
        .map(|n| {
            if n.name().is_empty() {
                id.to_string()
            } else {
                n.name().to_string()
            }
        })
        .unwrap_or_else(|| id.to_string())
}

fn severity_counts(findings: &[&Finding]) -> String {
    calm_analysis::finding::severity_summary(findings.iter().copied())
}

/// The Markdown report. `reviews` are (OLD, NEW) reviews.
pub fn improvements_report(
    old: &LoadedArchitecture,
    new: &LoadedArchitecture,
    diff: &StructuralDiff,
    reviews: (&ReviewOutcome, &ReviewOutcome),
    opts: &ImprovementsOptions,
) -> String {
    let (od, nd) = (&old.doc, &new.doc);
    let (orev, nrev) = reviews;
    let delta = compare_reviews(&diff.renames, orev, nrev);
    let resolved: Vec<Finding> = orev
        .active()
        .filter(|f| delta.resolved.iter().any(|r| r.id == f.id))
        .cloned()
        .collect();
    let improvements = group_improvements(od, nd, diff, &resolved);
    [
        heading(opts),
        overview::overview(old, new, diff, reviews, &delta),
        issues::resilience_issues(&resolved),
        implemented::improvements_implemented(od, nd, diff, &improvements, &delta),
        controls::controls_added(od, nd, diff),
        evolution::architecture_evolution(od, nd, reviews, &delta),
        adrs::adr_alignment(od, new, diff),
        remaining::remaining_concerns(new, diff, reviews),
        diagrams::diagrams(&opts.diagrams),
        all_changes::all_changes(diff),
    ]
    .concat()
}

/// `# Title` (the report's title option, or "Architecture Improvements").
fn heading(opts: &ImprovementsOptions) -> String {
    let mut out = String::new();
    let title = opts
        .title
        .clone()
        .unwrap_or_else(|| "Architecture Improvements".to_string());
    let _ = writeln!(out, "# {}\n", title.replace(['\n', '\r'], " "));
    out
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn list_or_none(v: &[String]) -> String {
    if v.is_empty() {
        "none".into()
    } else {
        v.iter()
            .map(|s| format!("`{}`", md_code(s)))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Escape Markdown-significant characters in running text (not table cells).
fn md_inline(s: &str) -> String {
    s.replace('<', "&lt;").replace(['\n', '\r'], " ")
}
