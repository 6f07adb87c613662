//! "Controls Added": new control requirements, controls copied, renamed and removed.

use super::{md_inline, node_name};
use crate::diff::{ElementChange, Op, Section, StructuralDiff};
use crate::diff_output::{md_cell, md_code};
use crate::requirement_text::control_requirements;
use calm_model::Document;
use serde_json::Value;
use std::fmt::Write;

/// `## Controls Added`.
pub(super) fn controls_added(od: &Document, nd: &Document, diff: &StructuralDiff) -> String {
    let mut out = String::new();
    out.push_str("## Controls Added\n\n");
    let added_controls: Vec<&ElementChange> = diff
        .in_section(Section::Control)
        .filter(|c| c.op == Op::Added)
        .collect();
    let old_controls = all_control_values(od);
    let (copies, fresh): (Vec<&ElementChange>, Vec<&ElementChange>) =
        added_controls.iter().partition(|c| {
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
    let removed_controls: Vec<&ElementChange> = diff
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
    out
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

pub(super) fn all_control_values<'a>(doc: &'a Document) -> Vec<&'a Value> {
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
