//! Grouping the structural changes into improvements: connected groups of added and renamed
//! nodes, with the relationship changes, ADR links and resolved findings around them.

use super::{Improvement, node_name};
use crate::adr::adr_label;
use crate::diff::{ElementChange, Op, Section, StructuralDiff};
use crate::similarity::jaccard;
use calm_analysis::Finding;
use calm_model::{Document, RelKind, RelationshipRef};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

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
    fn find(p: &mut [usize], x: usize) -> usize {
        let mut r = x;
        while p[r] != r {
            r = p[r];
        }
        p[x] = r;
        r
    }
    let idx = |id: &str| changed_nodes.iter().position(|n| n == id);
    let rel_changes: Vec<&ElementChange> = diff
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
    let renamed: Vec<&ElementChange> = diff
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
