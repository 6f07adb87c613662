//! The "architecture improvements" report (`calm-advisor report --before OLD --after NEW`):
//! the concerns the change resolved, one improvement per group of structural changes, the
//! controls it added, before/after figures, ADR alignment, what remains, and diagrams.
//!
//! Every sentence is built from the two documents, the structural diff and the two reviews.

use crate::adr::{AdrStatus, adr_label, adr_status};
use crate::diff::{Change, Op, Section, StructuralDiff};
use crate::diff_output::{md_cell, md_code};
use crate::input::LoadedArchitecture;
use crate::requirement_text::control_requirements;
use crate::review::{Review, compare_reviews, finding_key, percent};
use crate::similarity::jaccard;
use calm_analysis::{Finding, Severity};
use calm_model::{Document, RelKind, RelationshipRef};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
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
    pub relationships: Vec<Change>,
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

/// Where a control sits, for the Level column (`Architecture`, or the element's name).
fn level_name(doc: &Document, scope: &str) -> String {
    match scope.split_once(':') {
        Some(("node", id)) => node_name(doc, id),
        Some(("relationship", id)) => format!("Relationship {id}"),
        Some(("flow", id)) => doc
            .flow(id)
            .map(|f| f.name().to_string())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| format!("Flow {id}")),
        _ => "Architecture".to_string(),
    }
}

fn control_value<'a>(doc: &'a Document, scope: &str, key: &str) -> Option<&'a Value> {
    let controls = match scope.split_once(':') {
        Some(("node", id)) => doc.node(id).map(|n| n.value),
        Some(("relationship", id)) => doc.relationship(id).map(|r| r.value),
        Some(("flow", id)) => doc.flow(id).map(|f| f.value),
        _ => Some(&doc.value),
    }?;
    controls.get("controls")?.get(key)
}

fn all_control_values<'a>(doc: &'a Document) -> Vec<&'a Value> {
    let mut out: Vec<&Value> = doc.controls().map(|c| c.1).collect();
    let of = |v: &'a Value| {
        v.get("controls")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|m| m.values())
    };
    out.extend(doc.nodes().flat_map(|n| of(n.value)));
    out.extend(doc.relationships().flat_map(|r| of(r.value)));
    out.extend(doc.flows().flat_map(|f| of(f.value)));
    out
}

/// Pairs of nodes a relationship ties together for grouping: both ends of `connects` and
/// `interacts`; container and member for `composed-of` / `deployed-in` (members of one container
/// are not tied to each other, or a platform-wide composition would merge everything).
fn grouping_edges(r: RelationshipRef) -> Vec<(String, String)> {
    match r.kind() {
        RelKind::ComposedOf { container, nodes } | RelKind::DeployedIn { container, nodes } => {
            nodes
                .iter()
                .map(|n| (container.to_string(), n.to_string()))
                .collect()
        }
        _ => {
            let ids = r.node_ids();
            ids.iter()
                .skip(1)
                .map(|n| (ids[0].to_string(), n.to_string()))
                .collect()
        }
    }
}

fn rel_nodes(v: &Value) -> Vec<String> {
    RelationshipRef { index: 0, value: v }
        .node_ids()
        .iter()
        .map(|s| s.to_string())
        .collect()
}

/// Group added and renamed nodes into improvements, connected through changed relationships.
pub fn group_improvements(
    old: &Document,
    new: &Document,
    diff: &StructuralDiff,
    resolved: &[Finding],
) -> Vec<Improvement> {
    let changed_nodes: Vec<String> = new
        .nodes()
        .map(|n| n.unique_id().to_string())
        .filter(|id| {
            diff.in_section(Section::Node)
                .any(|c| &c.id == id && matches!(c.op, Op::Added | Op::Renamed))
        })
        .collect();
    // Union-find over changed nodes; parent by index.
    let mut parent: Vec<usize> = (0..changed_nodes.len()).collect();
    fn find(p: &mut Vec<usize>, x: usize) -> usize {
        let mut r = x;
        while p[r] != r {
            r = p[r];
        }
        p[x] = r;
        r
    }
    let idx = |id: &str| changed_nodes.iter().position(|n| n == id);
    let rel_changes: Vec<&Change> = diff
        .in_section(Section::Relationship)
        .filter(|c| c.op != Op::Removed)
        .collect();
    for c in &rel_changes {
        let Some(r) = new.relationship(&c.id) else {
            continue;
        };
        for (a, b) in grouping_edges(r) {
            if let (Some(a), Some(b)) = (idx(&a), idx(&b)) {
                let (a, b) = (find(&mut parent, a), find(&mut parent, b));
                if a != b {
                    parent[a.max(b)] = a.min(b);
                }
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for (i, id) in changed_nodes.iter().enumerate() {
        let root = find(&mut parent, i);
        groups.entry(root).or_default().push(id.clone());
    }
    let mut improvements: Vec<Improvement> = groups
        .into_values()
        .map(|nodes| Improvement {
            title: String::new(),
            nodes,
            relationships: Vec::new(),
            resolved: Vec::new(),
            adrs: BTreeSet::new(),
        })
        .collect();

    // Attach relationship changes: those touching a group's nodes (a container relationship
    // belongs to the group of its container; one whose container did not change belongs to none).
    for c in &rel_changes {
        let Some(r) = new.relationship(&c.id) else {
            continue;
        };
        let ends: Vec<String> = match r.kind() {
            RelKind::ComposedOf { container, .. } | RelKind::DeployedIn { container, .. } => {
                vec![container.to_string()]
            }
            _ => rel_nodes(r.value),
        };
        if let Some(g) = improvements
            .iter_mut()
            .find(|g| ends.iter().any(|e| g.nodes.contains(e)))
        {
            g.relationships.push((*c).clone());
        }
    }
    // Removed relationships go to the group that now links both of their (renamed) endpoints.
    for c in diff
        .in_section(Section::Relationship)
        .filter(|c| c.op == Op::Removed)
    {
        let Some(r) = old.relationship(&c.id) else {
            continue;
        };
        let ends: Vec<String> = rel_nodes(r.value)
            .iter()
            .map(|n| diff.renames.node(n).to_string())
            .collect();
        let best = improvements
            .iter()
            .enumerate()
            .map(|(i, g)| {
                (
                    i,
                    ends.iter()
                        .filter(|e| neighbours(new, g).contains(e.as_str()) || g.nodes.contains(e))
                        .count(),
                )
            })
            .filter(|(_, n)| *n >= 2.min(ends.len()))
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)));
        if let Some((i, _)) = best {
            improvements[i].relationships.push(c.clone());
        }
    }
    // ADR links of each group's elements.
    for c in diff.in_section(Section::Adr).filter(|c| c.op == Op::Added) {
        let Some(scope) = &c.scope else { continue };
        for g in improvements.iter_mut() {
            let hit = match scope.split_once(':') {
                Some(("node", id)) => g.nodes.iter().any(|n| n == id),
                Some(("relationship", id)) => g.relationships.iter().any(|r| r.id == id),
                _ => false,
            };
            if hit {
                g.adrs.insert(c.id.clone());
            }
        }
    }
    // Resolved findings: to the group holding their (renamed) node, else the group best
    // connected to their nodes and relationships.
    for f in resolved {
        let nodes: Vec<String> = f
            .nodes
            .iter()
            .map(|n| diff.renames.node(n).to_string())
            .collect();
        let rels: Vec<String> = f
            .relationships
            .iter()
            .map(|r| diff.renames.relationship(r).to_string())
            .collect();
        let direct = improvements
            .iter()
            .position(|g| nodes.iter().any(|n| g.nodes.contains(n)));
        let chosen = direct.or_else(|| {
            improvements
                .iter()
                .enumerate()
                .map(|(i, g)| {
                    let nb = neighbours(new, g);
                    let score = nodes.iter().filter(|n| nb.contains(n.as_str())).count()
                        + 2 * rels
                            .iter()
                            .filter(|r| {
                                g.relationships
                                    .iter()
                                    .any(|c| &c.id == *r || c.old_id.as_deref() == Some(r.as_str()))
                            })
                            .count();
                    (i, score)
                })
                .filter(|(_, s)| *s > 0)
                .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
                .map(|(i, _)| i)
        });
        if let Some(i) = chosen {
            improvements[i].resolved.push(f.clone());
        }
    }
    for g in improvements.iter_mut() {
        g.title = improvement_title(old, new, diff, g);
    }
    // Improvements that resolve the most severe findings first; then document order.
    improvements.sort_by_key(|g| std::cmp::Reverse(g.resolved.iter().map(|f| f.severity).max()));
    improvements
}

/// Nodes (outside the group) that NEW ties to the group's nodes (see [`grouping_edges`]).
fn neighbours(new: &Document, g: &Improvement) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let inside = |n: &str| g.nodes.iter().any(|x| x == n);
    for r in new.relationships() {
        for (a, b) in grouping_edges(r) {
            if inside(&a) && !inside(&b) {
                out.insert(b);
            } else if inside(&b) && !inside(&a) {
                out.insert(a);
            }
        }
    }
    out
}

/// `Load Balancer + redundant API Gateway`: added nodes by name; an added node of the same type
/// and a similar id as a renamed one is a new instance of it, so the pair reads "redundant X".
fn improvement_title(
    old: &Document,
    new: &Document,
    diff: &StructuralDiff,
    g: &Improvement,
) -> String {
    let renamed: Vec<&Change> = diff
        .in_section(Section::Node)
        .filter(|c| c.op == Op::Renamed && g.nodes.contains(&c.id))
        .collect();
    let mut parts: Vec<String> = Vec::new();
    let mut redundant: Vec<String> = Vec::new();
    for id in &g.nodes {
        let is_renamed = renamed.iter().any(|c| &c.id == id);
        if is_renamed {
            continue;
        }
        let n = new.node(id);
        let sibling = renamed.iter().find(|c| {
            let r = new.node(&c.id);
            match (n, r) {
                (Some(a), Some(b)) => a.node_type() == b.node_type() && jaccard(id, &c.id) >= 0.5,
                _ => false,
            }
        });
        match sibling {
            Some(c) => {
                let old_id = c.old_id.as_deref().unwrap_or(&c.id);
                let name = old
                    .node(old_id)
                    .map(|n| n.name().to_string())
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| old_id.to_string());
                if !redundant.contains(&name) {
                    redundant.push(name);
                }
            }
            None => parts.push(node_name(new, id)),
        }
    }
    for c in &renamed {
        let old_id = c.old_id.as_deref().unwrap_or(&c.id);
        let name = old
            .node(old_id)
            .map(|n| n.name().to_string())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| old_id.to_string());
        if !redundant.contains(&name) && !parts.is_empty() {
            continue;
        }
        if !redundant.contains(&name) {
            parts.push(format!("{name} renamed"));
        }
    }
    parts.extend(redundant.into_iter().map(|n| format!("redundant {n}")));
    let mut title = parts.join(" + ");
    if !g.adrs.is_empty() {
        let labels: Vec<String> = g.adrs.iter().map(|a| adr_label(a)).collect();
        title.push_str(&format!(" ({} implementation)", labels.join(", ")));
    }
    if title.is_empty() {
        title = "Structural change".into();
    }
    title
}

fn count_transitions(doc: &Document) -> usize {
    doc.flows().map(|f| f.transitions().count()).sum()
}

fn severity_counts(findings: &[&Finding]) -> String {
    calm_analysis::finding::severity_summary(findings.iter().copied())
}

/// The Markdown report. `reviews` are (OLD, NEW) reviews.
pub fn improvements_report(
    old: &LoadedArchitecture,
    new: &LoadedArchitecture,
    diff: &StructuralDiff,
    reviews: (&Review, &Review),
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
    let old_keys: BTreeSet<String> = orev
        .active()
        .map(|f| finding_key(f, Some(&diff.renames)))
        .collect();
    let improvements = group_improvements(od, nd, diff, &resolved);
    let mut out = String::new();
    let title = opts
        .title
        .clone()
        .unwrap_or_else(|| "Architecture Improvements".to_string());
    let _ = writeln!(out, "# {}\n", title.replace(['\n', '\r'], " "));

    // Overview
    out.push_str("## Overview\n\n");
    let _ = writeln!(
        out,
        "This document compares `{}` (before) with `{}` (after). It was generated by calm-advisor from the two documents and its review of each.\n",
        md_code(&old.label),
        md_code(&new.label)
    );
    let (na, nr, nn) = (
        diff.count(Section::Node, Op::Added),
        diff.count(Section::Node, Op::Removed),
        diff.count(Section::Node, Op::Renamed),
    );
    let rel_changed = diff.in_section(Section::Relationship).count();
    let oa: Vec<&Finding> = orev.active().collect();
    let na_f: Vec<&Finding> = nrev.active().collect();
    let _ = writeln!(
        out,
        "- Structure: nodes {na} added, {nr} removed, {nn} renamed; {}; {}; {} added.",
        plural(rel_changed, "relationship change", "relationship changes"),
        plural(
            diff.in_section(Section::Transition).count(),
            "flow transition change",
            "flow transition changes"
        ),
        plural(
            diff.count(Section::Control, Op::Added),
            "control",
            "controls"
        )
    );
    let _ = writeln!(
        out,
        "- Findings before: {}; after: {}.",
        severity_counts(&oa),
        severity_counts(&na_f)
    );
    let _ = writeln!(
        out,
        "- This change resolves {} and introduces {}.\n",
        plural(delta.resolved.len(), "finding", "findings"),
        delta.introduced.len()
    );

    // Resilience issues identified
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

    // Improvements implemented
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
            md_inline(&benefit_text(nd, g, &delta))
        );
    }
    let ungrouped: Vec<&Change> = diff
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

    // Controls added
    out.push_str("## Controls Added\n\n");
    let added_controls: Vec<&Change> = diff
        .in_section(Section::Control)
        .filter(|c| c.op == Op::Added)
        .collect();
    let old_controls = all_control_values(od);
    let (copies, fresh): (Vec<&Change>, Vec<&Change>) = added_controls.iter().partition(|c| {
        let scope = c.scope.as_deref().unwrap_or("architecture");
        control_value(nd, scope, &c.id).is_some_and(|v| old_controls.contains(&v))
    });
    if fresh.is_empty() {
        out.push_str("No new control requirement.\n\n");
    } else {
        out.push_str("| Control | Level | Requirement |\n|---------|-------|-------------|\n");
        for c in &fresh {
            let scope = c.scope.as_deref().unwrap_or("architecture");
            let reqs = control_value(nd, scope, &c.id)
                .map(control_requirements)
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                md_cell(&c.id),
                md_cell(&level_name(nd, scope)),
                md_cell(&reqs.join("; "))
            );
        }
        out.push('\n');
    }
    if !copies.is_empty() {
        let list: Vec<String> = copies
            .iter()
            .map(|c| {
                format!(
                    "`{}` on {}",
                    md_code(&c.id),
                    level_name(nd, c.scope.as_deref().unwrap_or("architecture"))
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "Copied unchanged from existing elements: {}.\n",
            md_inline(&list.join(", "))
        );
    }
    let renamed_controls: Vec<String> = diff
        .in_section(Section::Control)
        .filter(|c| c.op == Op::Renamed)
        .map(|c| {
            let scope = c.scope.as_deref().unwrap_or("architecture");
            let reqs = control_value(nd, scope, &c.id)
                .map(control_requirements)
                .unwrap_or_default();
            format!(
                "`{}` → `{}` on {} ({})",
                md_code(c.old_id.as_deref().unwrap_or("")),
                md_code(&c.id),
                level_name(nd, scope),
                reqs.join("; ")
            )
        })
        .collect();
    if !renamed_controls.is_empty() {
        let _ = writeln!(
            out,
            "Renamed: {}.\n",
            md_inline(&renamed_controls.join(", "))
        );
    }
    let removed_controls: Vec<&Change> = diff
        .in_section(Section::Control)
        .filter(|c| c.op == Op::Removed)
        .collect();
    if !removed_controls.is_empty() {
        let list: Vec<String> = removed_controls
            .iter()
            .map(|c| {
                format!(
                    "`{}` on {}",
                    md_code(&c.id),
                    c.scope.as_deref().unwrap_or("architecture")
                )
            })
            .collect();
        let _ = writeln!(out, "Removed: {}.\n", md_inline(&list.join(", ")));
    }

    // Architecture evolution
    out.push_str(
        "## Architecture Evolution\n\n| Metric | Before | After |\n|--------|-------:|------:|\n",
    );
    let rows = [
        ("Nodes", od.nodes().count(), nd.nodes().count()),
        (
            "Relationships",
            od.relationships().count(),
            nd.relationships().count(),
        ),
        ("Flows", od.flows().count(), nd.flows().count()),
        (
            "Flow transitions",
            count_transitions(od),
            count_transitions(nd),
        ),
        (
            "Controls",
            all_control_values(od).len(),
            all_control_values(nd).len(),
        ),
        (
            "Single points of failure",
            orev.single_points_of_failure().len(),
            nrev.single_points_of_failure().len(),
        ),
    ];
    for (m, b, a) in rows {
        let _ = writeln!(out, "| {m} | {b} | {a} |");
    }
    for f in &delta.flows {
        let fmt = |a: Option<f64>| a.map(percent).unwrap_or_else(|| "n/a".into());
        let target = f
            .target
            .map(|t| format!(" (target {})", percent(t)))
            .unwrap_or_default();
        let name = if f.name.is_empty() {
            f.flow.clone()
        } else {
            f.name.clone()
        };
        let _ = writeln!(
            out,
            "| Availability: {}{} | {} | {} |",
            md_cell(&name),
            target,
            fmt(f.before),
            fmt(f.after)
        );
    }
    out.push('\n');
    let spof_b: Vec<String> = orev.single_points_of_failure().into_iter().collect();
    let spof_a: Vec<String> = nrev.single_points_of_failure().into_iter().collect();
    let _ = writeln!(
        out,
        "- **Before:** single points of failure: {}.",
        list_or_none(&spof_b)
    );
    let _ = writeln!(
        out,
        "- **After:** single points of failure: {}.",
        list_or_none(&spof_a)
    );
    out.push_str("- Availability figures are estimates of the review engine (independent failures, default component availabilities where the model declares none).\n\n");

    // ADRs
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

    // Remaining concerns
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
                let mut elements: Vec<String> = f
                    .nodes
                    .iter()
                    .map(|n| format!("`{}`", md_code(n)))
                    .collect();
                if elements.is_empty() {
                    elements = f
                        .flows
                        .iter()
                        .map(|n| format!("`{}`", md_code(n)))
                        .collect();
                }
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

    // Diagrams
    if opts.diagrams.mermaid.is_some() || opts.diagrams.images.is_some() {
        out.push_str("## Diagrams\n\n");
        if let Some((b, a)) = &opts.diagrams.images {
            let _ = writeln!(
                out,
                "| Before | After |\n|--------|-------|\n| ![Before]({b}) | ![After]({a}) |\n"
            );
        }
        if let Some((b, a)) = &opts.diagrams.mermaid {
            let _ = writeln!(out, "### Before\n\n```mermaid\n{}\n```\n", b.trim_end());
            let _ = writeln!(out, "### After\n\n```mermaid\n{}\n```\n", a.trim_end());
        }
    }

    // All changes, folded.
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

fn benefit_text(new: &Document, g: &Improvement, delta: &crate::review::ReviewDelta) -> String {
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
