//! Mermaid text in the CALM widget conventions (block-architecture / flow-sequence): a
//! `flowchart` with one shape per node type, containers as `subgraph`s with the `boundary`
//! class, `connects`/`interacts` as labelled arrows; and a `sequenceDiagram` per flow.
//! For pasting into Markdown (GitHub renders it).

use crate::graph::{RGraph, Shape};
use crate::{Direction, Options, Theme, active, graph_of};
use calm_model::{Document, RelKind};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

const RESERVED: &[&str] = &[
    "end",
    "graph",
    "subgraph",
    "flowchart",
    "class",
    "classdef",
    "style",
    "linkstyle",
    "click",
    "direction",
    "default",
    "call",
    "href",
];

/// Mermaid-safe, unique identifiers for a list of CALM ids.
struct Ids(BTreeMap<String, String>);

impl Ids {
    fn new<'a>(ids: impl Iterator<Item = &'a str>) -> Ids {
        let mut used = BTreeSet::new();
        let mut map = BTreeMap::new();
        for id in ids {
            if map.contains_key(id) {
                continue;
            }
            let mut base: String = id
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '_' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            if base.is_empty()
                || base.starts_with(|c: char| c.is_ascii_digit())
                || RESERVED.contains(&base.to_ascii_lowercase().as_str())
            {
                base = format!("n_{base}");
            }
            let mut cand = base.clone();
            let mut k = 2;
            while !used.insert(cand.clone()) {
                cand = format!("{base}_{k}");
                k += 1;
            }
            map.insert(id.to_string(), cand);
        }
        Ids(map)
    }
    fn get(&self, id: &str) -> &str {
        self.0.get(id).map(String::as_str).unwrap_or("unknown")
    }
}

/// Text inside a quoted Mermaid label.
fn label(s: &str) -> String {
    s.replace('"', "#quot;").replace(['\n', '\r'], " ")
}

fn node_decl(id: &str, shape: Shape, name: &str) -> String {
    let l = label(name);
    match shape {
        Shape::Actor => format!("{id}([\"👤 {l}\"]):::actor"),
        Shape::Database | Shape::Ldap => format!("{id}[(\"🗄️ {l}\")]:::database"),
        Shape::Webclient => format!("{id}[[\"💻 {l}\"]]:::webclient"),
        Shape::Queue => {
            format!("{id}@{{shape: h-cyl, label: \"📨 {l}\"}}\n    class {id} messagebus")
        }
        Shape::Service => format!("{id}[/\"⚙️ {l}\"/]:::service"),
        Shape::System => format!("{id}[\"🏢 {l}\"]:::system"),
        _ => format!("{id}[\"{l}\"]:::node"),
    }
}

/// The architecture as a Mermaid `flowchart` (honours direction, focus, flow and findings).
pub fn flowchart(doc: &Document, opts: &Options) -> String {
    let g = graph_of(doc, opts);
    let ids = Ids::new(g.nodes.iter().map(|n| n.id.as_str()));
    let mut s = String::new();
    s.push_str("%%{init: {\"flowchart\": {\"htmlLabels\": false}}}%%\n");
    let dir = if opts.direction == Direction::LeftRight {
        "LR"
    } else {
        "TB"
    };
    let _ = writeln!(s, "flowchart {dir}");
    let dark = opts.theme == Theme::Dark;
    let defs: &[(&str, &str, &str)] = &[
        ("actor", "#dbeafe", "#1d4ed8"),
        ("service", "#dcfce7", "#15803d"),
        ("database", "#ffedd5", "#c2410c"),
        ("webclient", "#cffafe", "#0e7490"),
        ("messagebus", "#fce7f3", "#be185d"),
        ("system", "#ede9fe", "#6d28d9"),
        ("node", "#f3f4f6", "#4b5563"),
    ];
    for (class, fill, stroke) in defs {
        let color = if dark { "#e6edf3" } else { "#1f2328" };
        let fill = if dark { "#2b2d31" } else { fill };
        let _ = writeln!(
            s,
            "    classDef {class} fill:{fill},stroke:{stroke},color:{color}"
        );
    }
    let _ = writeln!(s, "    classDef boundary fill:none,stroke-dasharray:5 4");
    let _ = writeln!(s, "    classDef highlight stroke:#7c3aed,stroke-width:3px");
    for (sev, color, w) in [
        ("critical", "#b91c1c", 4),
        ("high", "#ea580c", 3),
        ("medium", "#ca8a04", 2),
        ("low", "#2563eb", 2),
    ] {
        let _ = writeln!(
            s,
            "    classDef sev-{sev} stroke:{color},stroke-width:{w}px"
        );
    }
    let roots: Vec<usize> = (0..g.nodes.len())
        .filter(|&i| g.nodes[i].parent.is_none())
        .collect();
    for r in roots {
        write_node(&mut s, &g, &ids, r, 1);
    }
    let mut flow_edges = Vec::new();
    let flow_rels: BTreeSet<&str> = opts
        .flow
        .as_deref()
        .and_then(|f| doc.flow(f))
        .map(|f| f.transitions().map(|t| t.relationship_id()).collect())
        .unwrap_or_default();
    for (k, e) in g.edges.iter().enumerate() {
        let arrow = if e.is_async { "-.->" } else { "-->" };
        let (a, b) = (ids.get(&g.nodes[e.from].id), ids.get(&g.nodes[e.to].id));
        if e.label.trim().is_empty() {
            let _ = writeln!(s, "    {a} {arrow} {b}");
        } else {
            let _ = writeln!(s, "    {a} {arrow}|\"{}\"| {b}", label(e.label.trim()));
        }
        if flow_rels.contains(e.rel_id.as_str()) {
            flow_edges.push(k);
        }
    }
    let containers: Vec<&str> = (0..g.nodes.len())
        .filter(|&i| g.is_container(i))
        .map(|i| ids.get(&g.nodes[i].id))
        .collect();
    if !containers.is_empty() {
        let _ = writeln!(s, "    class {} boundary", containers.join(","));
    }
    if !flow_edges.is_empty() {
        let list: Vec<String> = flow_edges.iter().map(|k| k.to_string()).collect();
        let _ = writeln!(
            s,
            "    linkStyle {} stroke:#7c3aed,stroke-width:3px",
            list.join(",")
        );
        if let Some(f) = opts.flow.as_deref().and_then(|f| doc.flow(f)) {
            let mut nodes = BTreeSet::new();
            for t in f.transitions() {
                if let Some(r) = doc.relationship(t.relationship_id())
                    && matches!(
                        r.kind(),
                        RelKind::Connects { .. } | RelKind::Interacts { .. }
                    )
                {
                    nodes.extend(
                        r.node_ids()
                            .into_iter()
                            .filter(|n| g.index.contains_key(*n))
                            .map(|n| ids.get(n).to_string()),
                    );
                }
            }
            if !nodes.is_empty() {
                let _ = writeln!(
                    s,
                    "    class {} highlight",
                    nodes.into_iter().collect::<Vec<_>>().join(",")
                );
            }
        }
    }
    if let Some(findings) = &opts.findings {
        let mut worst: BTreeMap<&str, calm_analysis::Severity> = BTreeMap::new();
        for f in active(findings) {
            for n in &f.nodes {
                if g.index.contains_key(n) {
                    let e = worst.entry(n.as_str()).or_insert(f.severity);
                    *e = (*e).max(f.severity);
                }
            }
        }
        let mut by_sev: BTreeMap<calm_analysis::Severity, Vec<&str>> = BTreeMap::new();
        for (n, sev) in worst {
            by_sev.entry(sev).or_default().push(ids.get(n));
        }
        for (sev, list) in by_sev.iter().rev() {
            if *sev >= calm_analysis::Severity::Low {
                let _ = writeln!(s, "    class {} sev-{}", list.join(","), sev.as_str());
            }
        }
        for n in crate::spof_nodes(findings) {
            if g.index.contains_key(&n) {
                let _ = writeln!(s, "    %% single point of failure: {n}");
            }
        }
    }
    s
}

fn write_node(s: &mut String, g: &RGraph, ids: &Ids, i: usize, depth: usize) {
    let n = &g.nodes[i];
    let pad = "    ".repeat(depth);
    let id = ids.get(&n.id);
    if n.children.is_empty() {
        for line in node_decl(id, n.shape, &n.name).lines() {
            let _ = writeln!(s, "{pad}{}", line.trim_start());
        }
    } else {
        let _ = writeln!(s, "{pad}subgraph {id}[\"{}\"]", label(&n.name));
        let _ = writeln!(s, "{pad}    direction TB");
        for &c in &n.children {
            write_node(s, g, ids, c, depth + 1);
        }
        let _ = writeln!(s, "{pad}end");
    }
}

/// A flow as a Mermaid `sequenceDiagram` (`None` when there is no such flow). Transitions go in
/// sequence-number order; `destination-to-source` ones are drawn as dashed replies.
pub fn sequence(doc: &Document, flow_id: &str) -> Option<String> {
    let flow = doc.flow(flow_id)?;
    let steps = flow.ordered_transitions();
    let mut order: Vec<&str> = Vec::new();
    let mut messages = Vec::new();
    for t in &steps {
        let Some(r) = doc.relationship(t.relationship_id()) else {
            continue;
        };
        let (a, b) = match r.kind() {
            RelKind::Connects {
                source,
                destination,
            } => (source.node, destination.node),
            RelKind::Interacts { actor, nodes } => match nodes.first() {
                Some(n) => (actor, *n),
                None => continue,
            },
            _ => continue,
        };
        let (from, to) = if t.is_reverse() { (b, a) } else { (a, b) };
        for p in [from, to] {
            if !order.contains(&p) {
                order.push(p);
            }
        }
        let seq = t
            .sequence_number()
            .map(|n| format!("{n}. "))
            .unwrap_or_default();
        let text = if t.description().is_empty() {
            r.description()
        } else {
            t.description()
        };
        messages.push((from, to, t.is_reverse(), format!("{seq}{text}")));
    }
    let ids = Ids::new(order.iter().copied());
    let mut s = String::from("sequenceDiagram\n");
    let title = if flow.name().is_empty() {
        flow.unique_id()
    } else {
        flow.name()
    };
    let _ = writeln!(s, "    title {}", seq_text(title));
    for p in &order {
        let (kind, name) = match doc.node(p) {
            Some(n) => (
                if Shape::of(n.node_type()) == Shape::Actor {
                    "actor"
                } else {
                    "participant"
                },
                if n.name().is_empty() { *p } else { n.name() },
            ),
            None => ("participant", *p),
        };
        let _ = writeln!(s, "    {kind} {} as {}", ids.get(p), seq_text(name));
    }
    for (from, to, reverse, text) in messages {
        let arrow = if reverse { "-->>" } else { "->>" };
        let _ = writeln!(
            s,
            "    {}{arrow}{}: {}",
            ids.get(from),
            ids.get(to),
            seq_text(&text)
        );
    }
    Some(s)
}

fn seq_text(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
        .replace(';', "#59;")
        .replace('#', "#35;")
        .replace("#35;59;", "#59;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_safe_and_unique() {
        let ids = Ids::new(["a-b", "a_b", "end", "1x"].into_iter());
        assert_eq!(ids.get("a-b"), "a_b");
        assert_eq!(ids.get("a_b"), "a_b_2");
        assert_eq!(ids.get("end"), "n_end");
        assert_eq!(ids.get("1x"), "n_1x");
    }

    #[test]
    fn sequence_text_escapes() {
        assert_eq!(seq_text("a;b #1"), "a#59;b #35;1");
    }
}
