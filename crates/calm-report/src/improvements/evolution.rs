//! "Architecture Evolution": before/after counts, flow availability estimates and single points
//! of failure.

use super::controls::all_control_values;
use super::list_or_none;
use crate::diff_output::md_cell;
use crate::review::{ReviewDelta, ReviewOutcome, percent};
use calm_model::Document;
use std::fmt::Write;

/// `## Architecture Evolution`.
pub(super) fn architecture_evolution(
    od: &Document,
    nd: &Document,
    (orev, nrev): (&ReviewOutcome, &ReviewOutcome),
    delta: &ReviewDelta,
) -> String {
    let mut out = String::new();
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
    out
}

fn count_transitions(doc: &Document) -> usize {
    doc.flows().map(|f| f.transitions().count()).sum()
}
