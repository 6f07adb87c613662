//! `service-runbooks.md`: one section per running component — ownership, health and monitoring,
//! dependencies as the relationships state them (and where the metadata `dependencies` list
//! disagrees), the flows it is on with their business impact, and its known failure modes.

use super::{OpsView, Table, code, criticality_word, gap, line};
use calm_analysis::graph::EdgeMode;
use calm_analysis::ops::{Field, FlowField};
use std::fmt::Write;

pub(super) fn render(v: &OpsView) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Service Runbooks: {}\n", line(&v.name));
    let _ = writeln!(
        out,
        "Generated from the architecture model by `calm-advisor report --ops`; edit the model, not \
         this file. Values cite the metadata key they come from; _not declared_ marks what to add.\n"
    );
    let components = v.components();
    if components.is_empty() {
        let _ = writeln!(
            out,
            "The model has no running components (services, gateways, load balancers, brokers): \
             add nodes with `node-type` `service` to document them.\n"
        );
        return out;
    }
    let _ = writeln!(out, "## Contents\n");
    for &n in &components {
        let _ = writeln!(out, "- {} — {}", v.title(n), v.role(n).as_str());
    }
    out.push('\n');
    for &n in &components {
        section(v, n, &mut out);
    }
    out
}

fn section(v: &OpsView, n: usize, out: &mut String) {
    let node = &v.ctx.model.nodes[n];
    let _ = writeln!(out, "---\n\n## {}\n", v.title(n));
    let _ = writeln!(
        out,
        "Role: {} (node-type {}; {}).",
        v.role(n).as_str(),
        code(&node.node_type),
        line(&v.ctx.roles[n].evidence)
    );
    out.push('\n');
    if !node.description.trim().is_empty() {
        let _ = writeln!(out, "{}\n", line(&node.description));
    }

    let _ = writeln!(out, "### Ownership\n");
    let mut t = Table::new(&["Field", "Value", "Source"]);
    for (label, f) in [
        ("Owner", Field::Owner),
        ("On-call channel", Field::Oncall),
        ("Tier", Field::Tier),
        ("Runbook", Field::Runbook),
    ] {
        let val = v.field(n, f);
        t.row(vec![label.into(), val.show(), val.source()]);
    }
    // Not a tutorial key: shown when the model states it, never asked for.
    let val = v.field(n, Field::Escalation);
    if val.stated().is_some() {
        t.row(vec!["Escalation".into(), val.show(), val.source()]);
    }
    out.push_str(&t.render());

    let _ = writeln!(out, "### Health and monitoring\n");
    let mut t = Table::new(&["Field", "Value", "Source"]);
    let val = v.field(n, Field::HealthEndpoint);
    t.row(vec![
        "Health endpoint".into(),
        val.show_code(),
        val.source(),
    ]);
    for (label, f) in [
        ("Dashboard", Field::Dashboard),
        ("Log query", Field::LogQuery),
        ("Alerts", Field::Alerts),
    ] {
        let val = v.field(n, f);
        let shown = if f == Field::LogQuery {
            val.show_code()
        } else {
            val.show()
        };
        t.row(vec![label.into(), shown, val.source()]);
    }
    out.push_str(&t.render());

    dependencies(v, n, out);
    flows(v, n, out);
    failure_modes(v, n, out);
}

/// Nodes related to `n` by a relationship: (node, direction, relationship index, mode, protocol).
type Related = (
    usize,
    String,
    Option<usize>,
    Option<EdgeMode>,
    Option<String>,
);

/// Nodes related to `n` by a relationship: (node, direction, relationship index, mode,
/// protocol). A broker also lists the producers and consumers of the queues it holds.
fn related(v: &OpsView, n: usize) -> Vec<Related> {
    let g = &v.ctx.graph;
    let mut rows: Vec<Related> = Vec::new();
    for &e in &g.out[n] {
        let e = &g.edges[e];
        rows.push((
            e.destination,
            "calls".into(),
            Some(e.relationship),
            Some(e.mode),
            e.protocol.clone(),
        ));
    }
    for &e in &g.inc[n] {
        let e = &g.edges[e];
        let dir = if e.mode == EdgeMode::Entry {
            "used by"
        } else {
            "called by"
        };
        rows.push((
            e.source,
            dir.into(),
            Some(e.relationship),
            Some(e.mode),
            e.protocol.clone(),
        ));
    }
    for &h in &g.hosts[n] {
        rows.push((h, "deployed in".into(), None, None, None));
    }
    for &h in &g.hosted[n] {
        rows.push((h, "hosts".into(), None, None, None));
    }
    for &c in &g.children[n] {
        rows.push((c, "contains".into(), None, None, None));
    }
    for &q in v.members(n).iter().skip(1) {
        for &e in &g.inc[q] {
            let e = &g.edges[e];
            let dir = format!("publishes to {}", code(v.id(q)));
            rows.push((
                e.source,
                dir,
                Some(e.relationship),
                Some(e.mode),
                e.protocol.clone(),
            ));
        }
        for &e in &g.out[q] {
            let e = &g.edges[e];
            let dir = format!("consumes from {}", code(v.id(q)));
            rows.push((
                e.destination,
                dir,
                Some(e.relationship),
                Some(e.mode),
                e.protocol.clone(),
            ));
        }
    }
    rows
}

fn dependencies(v: &OpsView, n: usize, out: &mut String) {
    let _ = writeln!(out, "### Dependencies\n");
    let rows = related(v, n);
    if rows.is_empty() {
        let _ = writeln!(
            out,
            "No relationship connects {} to another node.\n",
            code(v.id(n))
        );
    } else {
        let _ = writeln!(out, "From the relationships:\n");
        let mut t = Table::new(&[
            "Direction",
            "Node",
            "Role",
            "Relationship",
            "Mode",
            "Protocol",
        ]);
        for (m, dir, r, mode, protocol) in &rows {
            t.row(vec![
                dir.clone(),
                v.title(*m),
                v.role(*m).as_str().into(),
                r.map(|r| code(v.ctx.rel_id(r)))
                    .unwrap_or_else(|| "—".into()),
                if r.is_some() {
                    OpsView::mode_words(*mode).into()
                } else {
                    "structural".into()
                },
                protocol.clone().unwrap_or_else(|| "—".into()),
            ]);
        }
        out.push_str(&t.render());
    }
    let declared = v.facts.nodes[n].dependencies.as_ref();
    let Some(declared) = declared else {
        let _ = writeln!(
            out,
            "Metadata: {} (the relationships above are the source of truth).\n",
            gap("dependencies", v.id(n))
        );
        return;
    };
    let notes = compare_dependencies(v, n, declared, &rows);
    if notes.is_empty() {
        let _ = writeln!(
            out,
            "The metadata `dependencies` list ({}) agrees with the relationships.\n",
            line(&declared.join(", "))
        );
    } else {
        let _ = writeln!(
            out,
            "The metadata `dependencies` list ({}) disagrees with the relationships:\n",
            line(&declared.join(", "))
        );
        for note in notes {
            let _ = writeln!(out, "- {note}");
        }
        out.push('\n');
    }
}

/// Where the declared `dependencies` and the relationships disagree. A declared entry agrees when
/// it names a related node, a container (composed-of / deployed-in) of one, or a node reached
/// through a related queue or broker; a related node agrees when it, one of its containers or the
/// node on the other side of its queue is declared. Actors are never expected in the list.
fn compare_dependencies(
    v: &OpsView,
    n: usize,
    declared: &[String],
    rows: &[Related],
) -> Vec<String> {
    let ctx = v.ctx;
    let resolve = |d: &str| {
        ctx.node_idx(d).or_else(|| {
            ctx.model
                .nodes
                .iter()
                .position(|x| x.name.eq_ignore_ascii_case(d.trim()))
        })
    };
    let wider = |m: usize| {
        let mut set = vec![m];
        set.extend(ctx.graph.ancestors(m));
        set.extend(ctx.graph.host_chain(m));
        if ctx.role(m).is_messaging() {
            // The other side of a queue: producers and consumers of it.
            for &e in ctx.graph.out[m].iter().chain(&ctx.graph.inc[m]) {
                let e = &ctx.graph.edges[e];
                for x in [e.source, e.destination] {
                    if x != n && x != m && !set.contains(&x) {
                        set.push(x);
                    }
                }
            }
        }
        set
    };
    let related: Vec<(usize, Option<usize>)> = rows
        .iter()
        .filter(|(m, ..)| !ctx.role(*m).is_client_side())
        .map(|(m, _, r, ..)| (*m, *r))
        .collect();
    let mut notes = Vec::new();
    let mut resolved = Vec::new();
    for d in declared {
        match resolve(d) {
            None => {
                // A name that prefixes node ids (`api-gateway` for `api-gateway-1`, `-2`): the
                // list predates a change that split or renamed the node.
                let prefix = format!("{}-", d.trim());
                let like: Vec<String> = ctx
                    .model
                    .nodes
                    .iter()
                    .filter(|x| x.id.starts_with(&prefix))
                    .map(|x| code(&x.id))
                    .collect();
                let hint = if like.is_empty() {
                    String::new()
                } else {
                    format!(" (did it become {}?)", like.join(", "))
                };
                notes.push(format!(
                    "{} is listed but is not a node of this architecture{hint}",
                    code(d)
                ))
            }
            Some(x) => {
                resolved.push(x);
                if !related.iter().any(|(m, _)| wider(*m).contains(&x)) {
                    notes.push(format!(
                        "{} is listed but no relationship links it to {}",
                        code(d),
                        code(v.id(n))
                    ));
                }
            }
        }
    }
    let mut seen = Vec::new();
    for (m, r) in &related {
        if seen.contains(m) {
            continue;
        }
        seen.push(*m);
        if !wider(*m).iter().any(|x| resolved.contains(x)) {
            let via = r
                .map(|r| format!("relationship {}", code(ctx.rel_id(r))))
                .unwrap_or_else(|| "containment".into());
            notes.push(format!(
                "{} is related by {via} but not listed",
                code(v.id(*m))
            ));
        }
    }
    notes
}

fn flows(v: &OpsView, n: usize, out: &mut String) {
    let _ = writeln!(out, "### Flows\n");
    let on: Vec<usize> = v
        .flows_by_criticality()
        .into_iter()
        .filter(|&f| {
            let fi = v.flow(f);
            v.members(n).iter().any(|m| {
                fi.nodes.contains(m) || fi.closure.contains(m) || fi.async_nodes.contains(m)
            })
        })
        .collect();
    if on.is_empty() {
        let _ = writeln!(out, "{} is on no declared flow.\n", code(v.id(n)));
        return;
    }
    let mut t = Table::new(&["Flow", "Criticality", "Part", "Business impact"]);
    for f in on {
        let fi = v.flow(f);
        let ms = v.members(n);
        let any = |set: &[usize]| ms.iter().any(|m| set.contains(m));
        let part = if any(&fi.request_nodes) {
            "request path (its loss breaks the flow)"
        } else if any(&fi.async_nodes) {
            "asynchronous (its loss delays the flow)"
        } else if any(&fi.closure) {
            "dependency of the request path"
        } else {
            "on the path"
        };
        t.row(vec![
            format!("{} ({})", fi.name, code(&fi.id)),
            criticality_word(fi.criticality).into(),
            part.into(),
            v.flow_field(f, FlowField::BusinessImpact).show(),
        ]);
    }
    out.push_str(&t.render());
}

fn failure_modes(v: &OpsView, n: usize, out: &mut String) {
    let _ = writeln!(out, "### Known failure modes\n");
    let modes = &v.facts.nodes[n].failure_modes;
    if modes.is_empty() {
        let _ = writeln!(
            out,
            "{} (each with `symptom`, `likely-cause`, `check`, `remediation`, `escalation`).\n",
            gap("failure-modes", v.id(n))
        );
        return;
    }
    for (i, fm) in modes.iter().enumerate() {
        let title = fm
            .symptom
            .clone()
            .unwrap_or_else(|| format!("Failure mode {}", i + 1));
        let _ = writeln!(out, "#### {}. {}\n", i + 1, line(&title));
        let mut t = Table::new(&["Aspect", "Details"]);
        let entry = format!("{}[{}]", v.id(n), fm.index);
        let missing =
            |key: &str| format!("_not declared: add `{key}` to {}_", entry.replace('`', "'"));
        for (label, key, val) in [
            ("Symptom", "symptom", &fm.symptom),
            ("Likely cause", "likely-cause", &fm.likely_cause),
            ("How to check", "check", &fm.check),
            ("Remediation", "remediation", &fm.remediation),
            ("Escalation", "escalation", &fm.escalation),
        ] {
            t.row(vec![
                label.into(),
                val.clone().unwrap_or_else(|| missing(key)),
            ]);
        }
        out.push_str(&t.render());
        let _ = writeln!(out, "Source: {}\n", code(&fm.cite()));
    }
}
