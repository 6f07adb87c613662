//! "Improvements Implemented": per improvement its problem, solution and benefit, then the
//! relationship changes no improvement took.

use super::{Improvement, first_sentence, md_inline, node_name};
use crate::adr::adr_label;
use crate::diff::{ElementChange, Op, Section, StructuralDiff};
use crate::review::{ReviewDelta, percent};
use calm_model::Document;
use std::fmt::Write;

/// `## Improvements Implemented`.
pub(super) fn improvements_implemented(
    od: &Document,
    nd: &Document,
    diff: &StructuralDiff,
    improvements: &[Improvement],
    delta: &ReviewDelta,
) -> String {
    let mut out = String::new();
    out.push_str("## Improvements Implemented\n\n");
    if improvements.is_empty() {
        out.push_str("No node was added or renamed.\n\n");
    }
    for (i, g) in improvements.iter().enumerate() {
        let _ = writeln!(out, "### {}. {}\n", i + 1, g.title);
        let problem = if g.resolved.is_empty() {
            "No finding of the earlier review points at this part of the architecture.".to_string()
        } else {
            let titles: Vec<String> = g
                .resolved
                .iter()
                .map(|f| format!("{} ({}, `{}`)", f.title, f.severity.as_str(), f.rule))
                .collect();
            format!(
                "{}. {}",
                titles.join("; "),
                first_sentence(&g.resolved[0].rationale, 240)
            )
        };
        let _ = writeln!(out, "- **Problem:** {}", md_inline(&problem));
        let _ = writeln!(
            out,
            "- **Solution:** {}",
            md_inline(&solution_text(od, nd, diff, g))
        );
        let _ = writeln!(
            out,
            "- **Benefit:** {}\n",
            md_inline(&benefit_text(nd, g, delta))
        );
    }
    let ungrouped: Vec<&ElementChange> = diff
        .in_section(Section::Relationship)
        .filter(|c| {
            !improvements
                .iter()
                .any(|g| g.relationships.iter().any(|r| r.id == c.id && r.op == c.op))
        })
        .collect();
    if !ungrouped.is_empty() {
        out.push_str("Other relationship changes:\n\n");
        for c in ungrouped {
            let details: Vec<String> = c
                .details
                .iter()
                .map(crate::diff_output::detail_text)
                .collect();
            let what = if details.is_empty() {
                c.summary.clone()
            } else {
                format!("{}: {}", c.id, details.join("; "))
            };
            let _ = writeln!(out, "- {} {}", c.op.as_str(), md_inline(&what));
        }
        out.push('\n');
    }
    out
}

fn solution_text(old: &Document, new: &Document, diff: &StructuralDiff, g: &Improvement) -> String {
    let mut parts: Vec<String> = Vec::new();
    let added: Vec<String> = g
        .nodes
        .iter()
        .filter(|id| {
            diff.in_section(Section::Node)
                .any(|c| &&c.id == id && c.op == Op::Added)
        })
        .map(|id| {
            let n = new.node(id);
            format!(
                "{} `{}` ({})",
                node_name(new, id),
                id,
                n.map(|n| n.node_type()).unwrap_or("")
            )
        })
        .collect();
    if !added.is_empty() {
        parts.push(format!("Added {}", added.join(", ")));
    }
    let renamed: Vec<String> = diff
        .in_section(Section::Node)
        .filter(|c| c.op == Op::Renamed && g.nodes.contains(&c.id))
        .map(|c| format!("`{}` → `{}`", c.old_id.as_deref().unwrap_or(""), c.id))
        .collect();
    if !renamed.is_empty() {
        parts.push(format!("renamed {}", renamed.join(", ")));
    }
    let mut rel_added = Vec::new();
    let mut rel_repointed = Vec::new();
    let mut rel_removed = Vec::new();
    for c in &g.relationships {
        match c.op {
            Op::Added => rel_added.push(format!("`{}`", c.id)),
            Op::Removed => rel_removed.push(format!(
                "`{}` ({})",
                c.id,
                old.relationship(&c.id)
                    .map(|r| crate::diff::relationship_shape(r.value))
                    .unwrap_or_default()
            )),
            Op::Renamed | Op::Changed
                if c.details
                    .iter()
                    .any(|d| d.path.starts_with("relationship-type")) =>
            {
                let shape = new
                    .relationship(&c.id)
                    .map(|r| crate::diff::relationship_shape(r.value))
                    .unwrap_or_default();
                rel_repointed.push(format!("`{}` now {}", c.id, shape));
            }
            _ => {}
        }
    }
    if !rel_repointed.is_empty() {
        parts.push(format!("re-pointed {}", rel_repointed.join(", ")));
    }
    if !rel_added.is_empty() {
        parts.push(format!("added relationships {}", rel_added.join(", ")));
    }
    if !rel_removed.is_empty() {
        parts.push(format!("removed {}", rel_removed.join(", ")));
    }
    // Declared properties that explain the change (metadata added on the group's nodes).
    let mut declared = Vec::new();
    for id in &g.nodes {
        let Some(n) = new.node(id) else { continue };
        let md = n.metadata();
        for key in [
            "high-availability",
            "ha-mode",
            "role",
            "replication-mode",
            "topology",
            "technology",
            "load-balancing-algorithm",
        ] {
            if let Some(v) = md.get(key) {
                let v = crate::diff::compact(v);
                let item = format!("{key} {v}");
                if !declared.contains(&item) {
                    declared.push(item);
                }
            }
        }
    }
    if !declared.is_empty() {
        parts.push(format!("declared {}", declared.join(", ")));
    }
    let mut s = parts.join("; ");
    s.push('.');
    s
}

fn benefit_text(new: &Document, g: &Improvement, delta: &ReviewDelta) -> String {
    let mut parts = Vec::new();
    if !g.resolved.is_empty() {
        let t: Vec<String> = g
            .resolved
            .iter()
            .map(|f| format!("{} ({})", f.title, f.severity.as_str()))
            .collect();
        parts.push(format!("Resolves {}", t.join("; ")));
    } else {
        parts.push("No finding resolved by this part alone".into());
    }
    // Flows that now pass through the group's nodes.
    for f in &delta.flows {
        let Some(flow) = new.flow(&f.flow) else {
            continue;
        };
        let through = flow.transitions().any(|t| {
            new.relationship(t.relationship_id())
                .is_some_and(|r| r.node_ids().iter().any(|n| g.nodes.iter().any(|x| x == n)))
        });
        if through && let (Some(b), Some(a)) = (f.before, f.after) {
            if percent(a) == percent(b) {
                continue;
            }
            let name = if f.name.is_empty() {
                f.flow.as_str()
            } else {
                f.name.as_str()
            };
            parts.push(format!(
                "{name} estimated availability {} → {}",
                percent(b),
                percent(a)
            ));
        }
    }
    if !g.adrs.is_empty() {
        let labels: Vec<String> = g.adrs.iter().map(|a| adr_label(a)).collect();
        parts.push(format!("implements {}", labels.join(", ")));
    }
    let mut s = parts.join("; ");
    s.push('.');
    s
}
