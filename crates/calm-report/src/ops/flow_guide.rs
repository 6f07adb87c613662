//! `flow-support-guide.md`: per flow (most critical first) its description, business impact,
//! path (each transition with its relationship, ends and the engine's sync/async reading), the
//! running components on it, and a troubleshooting checklist built from the model: health
//! endpoints in path order, queues to check on asynchronous hops, databases and replicas to
//! check, declared circuit breakers, the failure modes declared on the flow's nodes, and the
//! degraded mode to fall back to.

use super::{OpsView, Table, code, criticality_word, gap, line};
use calm_analysis::evidence::declared;
use calm_analysis::graph::EdgeMode;
use calm_analysis::normalize::Kind;
use calm_analysis::ops::{Field, FlowField};
use calm_analysis::roles::Role;
use serde_json::Value;
use std::fmt::Write;

pub(super) fn render(v: &OpsView) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Business Flow Support Guide: {}\n", line(&v.name));
    let _ = writeln!(
        out,
        "Generated from the architecture model by `calm-advisor report --ops`; edit the model, not \
         this file. Flows are ordered most critical first; _not declared_ marks what to add.\n"
    );
    let flows = v.flows_by_criticality();
    if flows.is_empty() {
        let _ = writeln!(
            out,
            "The model declares no flows: add `flows` whose `transitions` follow the \
             relationships of each business process, with `business-impact`, `sla`, \
             `degraded-behavior` and `customer-communication` metadata.\n"
        );
        return out;
    }
    let _ = writeln!(out, "## Contents\n");
    for &f in &flows {
        let fi = v.flow(f);
        let _ = writeln!(
            out,
            "- {} ({}) — {}",
            line(&fi.name),
            code(&fi.id),
            criticality_word(fi.criticality)
        );
    }
    out.push('\n');
    for f in flows {
        section(v, f, &mut out);
    }
    out
}

fn section(v: &OpsView, f: usize, out: &mut String) {
    let fi = v.flow(f);
    let _ = writeln!(out, "---\n\n## {} ({})\n", line(&fi.name), code(&fi.id));
    let flow_ref = v.ctx.doc.flow(&fi.id);
    let description = flow_ref.as_ref().map(|r| r.description()).unwrap_or("");
    if description.trim().is_empty() {
        let _ = writeln!(out, "**Description:** {}\n", gap("description", &fi.id));
    } else {
        let _ = writeln!(out, "**Description:** {}\n", line(description));
    }
    let _ = writeln!(
        out,
        "**Criticality:** {} ({}).\n",
        criticality_word(fi.criticality),
        line(&fi.criticality_source)
    );

    let _ = writeln!(out, "### Business impact\n");
    let mut t = Table::new(&["Aspect", "Details", "Source"]);
    for (label, field) in [
        ("Impact", FlowField::BusinessImpact),
        ("SLA", FlowField::Sla),
        ("Degraded mode", FlowField::DegradedBehavior),
        ("Customer message", FlowField::CustomerCommunication),
    ] {
        let val = v.flow_field(f, field);
        t.row(vec![label.into(), val.show(), val.source()]);
    }
    out.push_str(&t.render());

    path(v, f, flow_ref.map(|r| r.value), out);
    services(v, f, out);
    checklist(v, f, out);
}

/// The description of the transition with this relationship id and sequence number.
fn transition_description(flow: Option<&Value>, rel: &str, seq: i64) -> String {
    flow.and_then(|f| f.get("transitions"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|t| {
            t.get("relationship-unique-id").and_then(Value::as_str) == Some(rel)
                && t.get("sequence-number").and_then(Value::as_i64) == Some(seq)
        })
        .and_then(|t| t.get("description"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

/// The two ends of a relationship as the document states them (source/actor first).
fn ends(v: &OpsView, r: usize) -> Option<(usize, Vec<usize>)> {
    match &v.ctx.model.relationships[r].kind {
        Kind::Connects {
            source,
            destination,
            ..
        } => Some((*source, vec![*destination])),
        Kind::Interacts { actor, nodes } => Some((*actor, nodes.clone())),
        Kind::DeployedIn { container, nodes } | Kind::ComposedOf { container, nodes } => {
            Some((*container, nodes.clone()))
        }
        _ => None,
    }
}

fn path(v: &OpsView, f: usize, flow: Option<&Value>, out: &mut String) {
    let _ = writeln!(out, "### Flow path\n");
    let Some(index) = v.flow(f).index else {
        return;
    };
    let transitions = &v.ctx.model.flows[index].transitions;
    if transitions.is_empty() {
        let _ = writeln!(out, "{}\n", gap("transitions", &v.flow(f).id));
        return;
    }
    let mut t = Table::new(&["Step", "Relationship", "From → To", "Description", "Mode"]);
    for tr in transitions {
        let desc = transition_description(flow, &tr.relationship_id, tr.sequence);
        let desc = if desc.trim().is_empty() {
            "—".to_string()
        } else {
            desc
        };
        let (hop, mode) = match tr.relationship.and_then(|r| ends(v, r).map(|e| (r, e))) {
            Some((r, (a, bs))) => {
                let a = code(v.id(a));
                let b = bs
                    .iter()
                    .map(|&b| code(v.id(b)))
                    .collect::<Vec<_>>()
                    .join(", ");
                let mode = v.mode(r);
                if tr.reverse {
                    let m = match mode {
                        Some(EdgeMode::Sync) | Some(EdgeMode::Entry) => "response".to_string(),
                        m => format!("response ({})", OpsView::mode_words(m)),
                    };
                    (format!("{b} → {a}"), m)
                } else {
                    (format!("{a} → {b}"), OpsView::mode_words(mode).to_string())
                }
            }
            None => (
                "_relationship not found in the model_".to_string(),
                "—".to_string(),
            ),
        };
        t.row(vec![
            tr.sequence.to_string(),
            code(&tr.relationship_id),
            hop,
            desc,
            mode,
        ]);
    }
    out.push_str(&t.render());
}

/// Nodes of the flow in path order: the nodes its transitions touch, then the synchronous
/// dependencies the flow leaves out (its closure).
fn flow_nodes(v: &OpsView, f: usize) -> Vec<usize> {
    let fi = v.flow(f);
    let mut nodes: Vec<usize> = Vec::new();
    for &n in fi.nodes.iter().chain(&fi.closure) {
        if !nodes.contains(&n) {
            nodes.push(n);
        }
        // The broker that runs a queue on the path, right after it.
        if let Some(b) = v.broker_of(n)
            && v.runs(b)
            && !nodes.contains(&b)
        {
            nodes.push(b);
        }
    }
    nodes
}

fn part(v: &OpsView, f: usize, n: usize) -> &'static str {
    let fi = v.flow(f);
    let ms = v.members(n);
    let any = |set: &[usize]| ms.iter().any(|m| set.contains(m));
    if any(&fi.request_nodes) {
        "request path"
    } else if any(&fi.async_nodes) {
        "asynchronous"
    } else if any(&fi.nodes) {
        "on the path"
    } else {
        "dependency (not in the transitions)"
    }
}

fn services(v: &OpsView, f: usize, out: &mut String) {
    let _ = writeln!(out, "### Services in this flow\n");
    let comps: Vec<usize> = flow_nodes(v, f)
        .into_iter()
        .filter(|&n| v.runs(n))
        .collect();
    if comps.is_empty() {
        let _ = writeln!(out, "No running component is on this flow.\n");
        return;
    }
    let mut t = Table::new(&["Service", "Part", "Health endpoint", "On-call", "Owner"]);
    for n in comps {
        t.row(vec![
            v.title(n),
            part(v, f, n).into(),
            v.field(n, Field::HealthEndpoint).show_code(),
            v.field(n, Field::Oncall).show(),
            v.field(n, Field::Owner).show(),
        ]);
    }
    out.push_str(&t.render());
}

fn checklist(v: &OpsView, f: usize, out: &mut String) {
    let _ = writeln!(out, "### Troubleshooting checklist\n");
    let _ = writeln!(out, "When this flow is degraded:\n");
    let nodes = flow_nodes(v, f);
    let mut items: Vec<(String, Vec<String>)> = Vec::new();

    // 1. Health endpoints, in path order.
    let comps: Vec<usize> = nodes.iter().copied().filter(|&n| v.runs(n)).collect();
    if !comps.is_empty() {
        let lines = comps
            .iter()
            .map(|&n| {
                let h = v.field(n, Field::HealthEndpoint);
                let oncall = v.field(n, Field::Oncall);
                match (h.stated(), oncall.stated()) {
                    (Some(_), Some(_)) => format!(
                        "{}: {} (on-call {})",
                        code(v.id(n)),
                        h.show_code(),
                        line(&oncall.show())
                    ),
                    (Some(_), None) => format!(
                        "{}: {}; {}",
                        code(v.id(n)),
                        h.show_code(),
                        line(&oncall.show())
                    ),
                    (None, _) => format!("{}: {}", code(v.id(n)), h.show()),
                }
            })
            .collect();
        items.push(("Check the health endpoints in path order".into(), lines));
    }

    // 2. Asynchronous hops: queue depth and consumers.
    let hops = async_hops(v, f);
    if !hops.is_empty() {
        items.push((
            "Check queue depth and consumer lag on the asynchronous hops".into(),
            hops,
        ));
    }

    // 3. Databases and replicas.
    let dbs = databases(v, &nodes);
    if !dbs.is_empty() {
        items.push(("Check the data stores and their replication".into(), dbs));
    }

    // 4. Declared circuit breakers on the flow's nodes and relationships.
    let breakers = circuit_breakers(v, f, &nodes);
    if !breakers.is_empty() {
        items.push((
            "Check the circuit breakers declared on this flow (open? falling back?)".into(),
            breakers,
        ));
    }

    // 5. Failure modes declared on the flow's nodes.
    let mut modes = Vec::new();
    let mut undeclared = Vec::new();
    for &n in &nodes {
        let fms = &v.facts.nodes[n].failure_modes;
        if fms.is_empty() && v.runs(n) {
            undeclared.push(v.id(n).to_string());
        }
        for fm in fms {
            let mut s = format!(
                "{}: **{}**",
                code(v.id(n)),
                line(fm.symptom.as_deref().unwrap_or("(no symptom stated)"))
            );
            if let Some(c) = &fm.likely_cause {
                s.push_str(&format!(" — likely cause: {}", line(c)));
            }
            if let Some(c) = &fm.check {
                s.push_str(&format!("; check: {}", line(c)));
            }
            if let Some(c) = &fm.remediation {
                s.push_str(&format!("; remediation: {}", line(c)));
            }
            if let Some(c) = &fm.escalation {
                s.push_str(&format!("; escalation: {}", line(c)));
            }
            s.push_str(&format!(" ({})", code(&fm.cite())));
            modes.push(s);
        }
    }
    if !undeclared.is_empty() {
        modes.push(format!(
            "_not declared: add `failure-modes` to {}_",
            undeclared.join(", ")
        ));
    }
    if !modes.is_empty() {
        items.push((
            "Match the symptoms against the failure modes declared on this flow's nodes".into(),
            modes,
        ));
    }

    // 6. Degraded mode and customer communication.
    let degraded = v.flow_field(f, FlowField::DegradedBehavior);
    let comms = v.flow_field(f, FlowField::CustomerCommunication);
    items.push((
        "While it is being restored".into(),
        vec![
            format!("degraded mode: {}", line(&degraded.show())),
            format!("tell customers: {}", line(&comms.show())),
        ],
    ));

    for (i, (title, lines)) in items.iter().enumerate() {
        let _ = writeln!(out, "{}. **{title}:**", i + 1);
        for l in lines {
            let _ = writeln!(out, "   - {l}");
        }
    }
    out.push('\n');
}

/// A queue or broker on the flow, with its producers and consumers as the transitions state them.
struct QueueHop {
    queue: usize,
    producers: Vec<usize>,
    consumers: Vec<usize>,
    relationships: Vec<String>,
}

/// Queues and brokers the flow passes through (producers and consumers as its transitions
/// state them), then asynchronous calls between components that go through no queue.
fn async_hops(v: &OpsView, f: usize) -> Vec<String> {
    let Some(index) = v.flow(f).index else {
        return Vec::new();
    };
    let mut queues: Vec<QueueHop> = Vec::new();
    let mut direct = Vec::new();
    for tr in &v.ctx.model.flows[index].transitions {
        let Some(r) = tr.relationship else { continue };
        let Kind::Connects {
            source,
            destination,
            ..
        } = v.ctx.model.relationships[r].kind
        else {
            continue;
        };
        let mode = v.mode(r);
        let messaging = |n: usize| v.role(n).is_messaging();
        let (q, other, into) = if messaging(destination) {
            (destination, source, true)
        } else if messaging(source) {
            (source, destination, false)
        } else {
            if matches!(mode, Some(EdgeMode::Deliver | EdgeMode::Publish)) {
                let line = format!(
                    "{} → {} is asynchronous (relationship {}): check what {} has not yet received",
                    code(v.id(source)),
                    code(v.id(destination)),
                    code(&tr.relationship_id),
                    code(v.id(destination))
                );
                if !direct.contains(&line) {
                    direct.push(line);
                }
            }
            continue;
        };
        let entry = match queues.iter().position(|e| e.queue == q) {
            Some(i) => &mut queues[i],
            None => {
                queues.push(QueueHop {
                    queue: q,
                    producers: Vec::new(),
                    consumers: Vec::new(),
                    relationships: Vec::new(),
                });
                queues.last_mut().expect("just pushed")
            }
        };
        let list = if into {
            &mut entry.producers
        } else {
            &mut entry.consumers
        };
        if !list.contains(&other) {
            list.push(other);
        }
        let rel = code(&tr.relationship_id);
        if !entry.relationships.contains(&rel) {
            entry.relationships.push(rel);
        }
    }
    let names = |ns: &[usize]| {
        if ns.is_empty() {
            "none on this flow".to_string()
        } else {
            ns.iter()
                .map(|&n| code(v.id(n)))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let mut lines: Vec<String> = queues
        .iter()
        .map(|hop| {
            let (q, producers, consumers, rels) = (
                &hop.queue,
                &hop.producers,
                &hop.consumers,
                &hop.relationships,
            );
            let broker = match v.broker_of(*q) {
                Some(b) if v.role(*q) == Role::Queue => format!(" on broker {}", code(v.id(b))),
                _ => String::new(),
            };
            let mut s = format!(
                "{} ({}{broker}): queue depth, consumer count and lag; producers {}, consumers {} (relationships {})",
                code(v.id(*q)),
                v.role(*q).as_str(),
                names(producers),
                names(consumers),
                rels.join(", ")
            );
            if let Some((k, val)) = v.ctx.metadata_any(*q, &["dead-letter-queue", "dlq"])
                && !calm_analysis::evidence::is_negative(val)
            {
                s.push_str(&format!(
                    "; dead-letter queue declared ({})",
                    code(&format!("{}.metadata.{k}", v.id(*q)))
                ));
            }
            s
        })
        .collect();
    lines.extend(direct);
    lines
}

/// Each data store of the flow, with the replication to check when it has replicas (members of
/// the same composed-of group, or replication declared in its metadata) and who to call.
fn databases(v: &OpsView, nodes: &[usize]) -> Vec<String> {
    let mut lines = Vec::new();
    for &n in nodes {
        let role = v.role(n);
        if !role.is_datastore() {
            continue;
        }
        let siblings: Vec<usize> = v.ctx.graph.parents[n]
            .iter()
            .flat_map(|&p| v.ctx.graph.children[p].iter().copied())
            .filter(|&s| s != n && v.role(s) == role)
            .collect();
        let declared = v.facts.nodes[n].get(Field::ReplicationLag);
        let mut s = format!("{} ({})", code(v.id(n)), role.as_str());
        if !siblings.is_empty() {
            let group: Vec<String> = v.ctx.graph.parents[n]
                .iter()
                .map(|&p| code(v.id(p)))
                .collect();
            s.push_str(&format!(
                ": check replication lag with {} (group {})",
                siblings
                    .iter()
                    .map(|&x| code(v.id(x)))
                    .collect::<Vec<_>>()
                    .join(", "),
                group.join(", ")
            ));
            if let Some(d) = declared {
                s.push_str(&format!(
                    "; declared {}: {}",
                    code(&d.cite()),
                    line(&d.value)
                ));
            }
        } else if let Some(d) = declared {
            s.push_str(&format!(
                ": check replication ({}: {})",
                code(&d.cite()),
                line(&d.value)
            ));
        } else {
            s.push_str(": no replica declared; check availability, connections and slow queries");
        }
        if role == Role::Database {
            let dba = v.field(n, Field::DbaContact);
            s.push_str(&format!("; DBA: {}", line(&dba.show())));
        }
        lines.push(s);
    }
    lines
}

/// Circuit breakers the model declares on the flow's nodes and relationships.
fn circuit_breakers(v: &OpsView, f: usize, nodes: &[usize]) -> Vec<String> {
    let keys = ["circuit-breaker", "circuit-breakers", "circuitbreaker"];
    let words = ["circuit breaker", "circuit-breaker"];
    let mut lines = Vec::new();
    for &n in nodes {
        let node = &v.ctx.model.nodes[n];
        if let Some(ev) = declared(&node.metadata, &node.controls, &keys, &words).present() {
            lines.push(format!("{}: {}", code(v.id(n)), line(&ev)));
        }
    }
    for &r in &v.flow(f).relationships {
        let rel = &v.ctx.model.relationships[r];
        if let Some(ev) = declared(&rel.metadata, &rel.controls, &keys, &words).present() {
            lines.push(format!("{}: {}", code(&rel.id), line(&ev)));
        }
    }
    lines
}
