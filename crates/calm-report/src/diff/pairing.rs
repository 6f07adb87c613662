//! Pairing old and new elements: by identical id first, then by content similarity among the
//! rest (a rename is one element with a new id), recording the renames.

use super::Renames;
use super::values::{arr_of, str_of};
use crate::similarity::{greedy_pairs, jaccard, jaccard_sets, tokens};
use calm_model::{Document, RelKind, RelationshipRef};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Index pairs (old index, new index) of matched elements, plus unmatched indices.
#[derive(Debug, Default)]
pub(super) struct Pairs {
    matched: Vec<(usize, usize)>,
    /// For each new index, the old index paired with it.
    old_by_new: Vec<Option<usize>>,
    pub(super) removed: Vec<usize>,
    added: Vec<usize>,
}

impl Pairs {
    pub(super) fn old_of(&self, new_index: usize) -> Option<usize> {
        self.old_by_new.get(new_index).copied().flatten()
    }
}

/// Pair by identical id, then by `score` (≥ `threshold`) among the rest.
fn pair_by<F>(
    old_ids: &[&str],
    new_ids: &[&str],
    threshold: f64,
    score: F,
) -> (Pairs, Vec<(usize, usize)>)
where
    F: Fn(usize, usize) -> f64,
{
    pair_by_candidates(
        old_ids,
        new_ids,
        threshold,
        |_, left: &[usize]| left.to_vec(),
        score,
    )
}

/// [`pair_by`], scoring only the candidates `candidates(old, unpaired new)` returns: blocking
/// keeps large documents (thousands of re-identified elements) from scoring every pair.
fn pair_by_candidates<C, F>(
    old_ids: &[&str],
    new_ids: &[&str],
    threshold: f64,
    candidates: C,
    score: F,
) -> (Pairs, Vec<(usize, usize)>)
where
    C: Fn(usize, &[usize]) -> Vec<usize>,
    F: Fn(usize, usize) -> f64,
{
    let mut pairs = Pairs::default();
    let new_pos: BTreeMap<&str, usize> = new_ids
        .iter()
        .enumerate()
        .filter(|(_, id)| !id.is_empty())
        .rev()
        .map(|(i, id)| (*id, i))
        .collect();
    let mut new_used = vec![false; new_ids.len()];
    let mut old_left = Vec::new();
    for (i, id) in old_ids.iter().enumerate() {
        match new_pos.get(id) {
            Some(&j) if !id.is_empty() && !new_used[j] => {
                new_used[j] = true;
                pairs.matched.push((i, j));
            }
            _ => old_left.push(i),
        }
    }
    let new_left: Vec<usize> = (0..new_ids.len()).filter(|j| !new_used[*j]).collect();
    let mut scores = Vec::new();
    for &i in &old_left {
        for j in candidates(i, &new_left) {
            let s = score(i, j);
            if s > 0.0 {
                scores.push((i, j, s));
            }
        }
    }
    let renamed = greedy_pairs(&scores, threshold);
    for &(i, j) in &renamed {
        pairs.matched.push((i, j));
    }
    let old_matched: BTreeSet<usize> = pairs.matched.iter().map(|p| p.0).collect();
    let new_matched: BTreeSet<usize> = pairs.matched.iter().map(|p| p.1).collect();
    pairs.removed = (0..old_ids.len())
        .filter(|i| !old_matched.contains(i))
        .collect();
    pairs.added = (0..new_ids.len())
        .filter(|j| !new_matched.contains(j))
        .collect();
    pairs.matched.sort_by_key(|p| p.1);
    pairs.old_by_new = vec![None; new_ids.len()];
    for &(i, j) in &pairs.matched {
        pairs.old_by_new[j] = Some(i);
    }
    (pairs, renamed)
}

/// A node's value without ids (its own and its interfaces'), to detect pure renames.
fn node_identity_free(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(o) = v.as_object_mut() {
        o.remove("unique-id");
        if let Some(Value::Array(ifs)) = o.get_mut("interfaces") {
            for i in ifs {
                if let Some(io) = i.as_object_mut() {
                    io.remove("unique-id");
                }
            }
        }
    }
    v
}

/// How alike two lists of interfaces are, by protocol and port (1 when both have none).
fn interface_similarity(a: &[Value], b: &[Value]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let sig = |v: &Value| {
        format!(
            "{}|{}",
            str_of(v, "protocol"),
            v.get("port").map(Value::to_string).unwrap_or_default()
        )
    };
    let sa: BTreeSet<String> = a.iter().map(sig).collect();
    let sb: BTreeSet<String> = b.iter().map(sig).collect();
    let inter = sa.intersection(&sb).count() as f64;
    let union = sa.union(&sb).count() as f64;
    if union == 0.0 { 0.0 } else { inter / union }
}

/// When a node is cloned into instances, the original conventionally becomes the first one
/// (`api-gateway` → `api-gateway-1`, `db` → `db-primary`); without this, clones tie.
fn first_instance_bonus(old_id: &str, new_id: &str) -> f64 {
    let Some(rest) = new_id.strip_prefix(old_id) else {
        return 0.0;
    };
    let rest = rest.trim_start_matches(['-', '_', '.']);
    if [
        "1", "01", "a", "primary", "main", "blue", "active", "leader",
    ]
    .contains(&rest.to_ascii_lowercase().as_str())
    {
        0.05
    } else {
        0.0
    }
}

/// What node pairing compares, computed once per node.
struct NodeFeatures {
    node_type: String,
    /// The node without ids, serialised: equal keys mean a pure rename.
    content: String,
    id: BTreeSet<String>,
    name: BTreeSet<String>,
    description: BTreeSet<String>,
}

impl NodeFeatures {
    fn of(n: &calm_model::NodeRef) -> NodeFeatures {
        NodeFeatures {
            node_type: n.node_type().to_string(),
            content: serde_json::to_string(&node_identity_free(n.value)).unwrap_or_default(),
            id: tokens(n.unique_id()),
            name: tokens(n.name()),
            description: tokens(n.description()),
        }
    }

    /// Blocking keys: same type and (same content, or a shared id/name token).
    fn keys(&self) -> Vec<String> {
        let mut k = vec![format!("{}\u{0}c\u{0}{}", self.node_type, self.content)];
        k.extend(
            self.id
                .iter()
                .chain(&self.name)
                .map(|t| format!("{}\u{0}t\u{0}{t}", self.node_type)),
        );
        k
    }
}

/// New elements sharing a key with an old one, from an inverted index key → new indices.
/// Keys held by more than `MAX_BLOCK` new elements (e.g. the token `service`) only count when
/// nothing more specific matched, so thousands of re-identified nodes are not all compared.
fn block_candidates(
    old_keys: &[String],
    index: &BTreeMap<String, Vec<usize>>,
    left: &[usize],
) -> Vec<usize> {
    const MAX_BLOCK: usize = 64;
    let left: BTreeSet<usize> = left.iter().copied().collect();
    let mut out = BTreeSet::new();
    let mut fallback = BTreeSet::new();
    for k in old_keys {
        if let Some(list) = index.get(k) {
            let target = if list.len() <= MAX_BLOCK {
                &mut out
            } else {
                &mut fallback
            };
            target.extend(list.iter().copied().filter(|j| left.contains(j)));
        }
    }
    if out.is_empty() && fallback.len() <= 4 * MAX_BLOCK {
        out = fallback;
    }
    out.into_iter().collect()
}

pub(super) fn pair_nodes(old: &Document, new: &Document, renames: &mut Renames) -> Pairs {
    let on: Vec<_> = old.nodes().collect();
    let nn: Vec<_> = new.nodes().collect();
    let oids: Vec<&str> = on.iter().map(|n| n.unique_id()).collect();
    let nids: Vec<&str> = nn.iter().map(|n| n.unique_id()).collect();
    let of: Vec<NodeFeatures> = on.iter().map(NodeFeatures::of).collect();
    let nf: Vec<NodeFeatures> = nn.iter().map(NodeFeatures::of).collect();
    let mut index: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (j, f) in nf.iter().enumerate() {
        for k in f.keys() {
            let e = index.entry(k).or_default();
            if e.last() != Some(&j) {
                e.push(j);
            }
        }
    }
    let (pairs, renamed) = pair_by_candidates(
        &oids,
        &nids,
        0.5,
        |i, left| block_candidates(&of[i].keys(), &index, left),
        |i, j| {
            let (a, b) = (&of[i], &nf[j]);
            if a.node_type != b.node_type {
                return 0.0;
            }
            if a.content == b.content {
                return 1.0;
            }
            0.35 * jaccard_sets(&a.id, &b.id)
                + 0.25 * jaccard_sets(&a.name, &b.name)
                + 0.2 * jaccard_sets(&a.description, &b.description)
                + 0.2 * interface_similarity(on[i].interfaces(), nn[j].interfaces())
                + first_instance_bonus(oids[i], nids[j])
        },
    );
    for (i, j) in renamed {
        renames
            .nodes
            .insert(oids[i].to_string(), nids[j].to_string());
    }
    // Interfaces of paired nodes.
    for &(i, j) in &pairs.matched {
        let (oi, ni) = (on[i].interfaces(), nn[j].interfaces());
        let (ip, iren) = pair_interfaces(oi, ni);
        let _ = ip;
        for (a, b) in iren {
            renames.interfaces.insert(
                str_of(&oi[a], "unique-id").to_string(),
                str_of(&ni[b], "unique-id").to_string(),
            );
        }
    }
    pairs
}

pub(super) fn pair_interfaces(oi: &[Value], ni: &[Value]) -> (Pairs, Vec<(usize, usize)>) {
    let oids: Vec<&str> = oi.iter().map(|v| str_of(v, "unique-id")).collect();
    let nids: Vec<&str> = ni.iter().map(|v| str_of(v, "unique-id")).collect();
    pair_by(&oids, &nids, 0.5, |i, j| {
        let (a, b) = (&oi[i], &ni[j]);
        if node_identity_free(a) == node_identity_free(b) {
            return 1.0;
        }
        let same_proto = str_of(a, "protocol") == str_of(b, "protocol");
        let same_port = a.get("port").is_some() && a.get("port") == b.get("port");
        match (same_proto, same_port) {
            (true, true) => 0.8,
            (true, false) => 0.3 + 0.4 * jaccard(oids[i], nids[j]),
            _ => 0.0,
        }
    })
}

/// The relationship with old node/interface ids rewritten to their new ids.
pub(super) fn mapped_relationship(v: &Value, renames: &Renames) -> Value {
    let mut v = v.clone();
    let Some(rt) = v
        .get_mut("relationship-type")
        .and_then(Value::as_object_mut)
    else {
        return v;
    };
    let map_str = |s: &mut Value, f: &dyn Fn(&str) -> String| {
        if let Value::String(x) = s {
            *x = f(x);
        }
    };
    let node = |s: &str| renames.node(s).to_string();
    let iface = |s: &str| renames.interface(s).to_string();
    for (kind, body) in rt.iter_mut() {
        let Some(body) = body.as_object_mut() else {
            continue;
        };
        match kind.as_str() {
            "connects" => {
                for side in ["source", "destination"] {
                    if let Some(ep) = body.get_mut(side).and_then(Value::as_object_mut) {
                        if let Some(n) = ep.get_mut("node") {
                            map_str(n, &node);
                        }
                        if let Some(Value::Array(ifs)) = ep.get_mut("interfaces") {
                            ifs.iter_mut().for_each(|i| map_str(i, &iface));
                        }
                        if let Some(i) = ep.get_mut("interface") {
                            map_str(i, &iface);
                        }
                    }
                }
            }
            _ => {
                for key in ["actor", "container"] {
                    if let Some(n) = body.get_mut(key) {
                        map_str(n, &node);
                    }
                }
                if let Some(Value::Array(ns)) = body.get_mut("nodes") {
                    ns.iter_mut().for_each(|n| map_str(n, &node));
                }
            }
        }
    }
    v
}

fn rel_kind_name(r: &RelationshipRef) -> &'static str {
    match r.kind() {
        RelKind::Interacts { .. } => "interacts",
        RelKind::Connects { .. } => "connects",
        RelKind::DeployedIn { .. } => "deployed-in",
        RelKind::ComposedOf { .. } => "composed-of",
        RelKind::Options(_) => "options",
        RelKind::Other => "other",
    }
}

/// (first endpoint, other endpoints) of a relationship, after id mapping.
fn rel_ends(v: &Value) -> (String, Vec<String>) {
    let r = RelationshipRef { index: 0, value: v };
    let ids: Vec<String> = r.node_ids().iter().map(|s| s.to_string()).collect();
    match ids.split_first() {
        Some((f, rest)) => {
            let mut rest = rest.to_vec();
            rest.sort();
            (f.clone(), rest)
        }
        None => (String::new(), Vec::new()),
    }
}

/// What relationship pairing compares, computed once per relationship (old ones after their
/// endpoints are mapped through the node renames).
struct RelFeatures {
    kind: &'static str,
    content: String,
    first: String,
    rest: Vec<String>,
    id: BTreeSet<String>,
    description: BTreeSet<String>,
}

impl RelFeatures {
    fn of(v: &Value) -> RelFeatures {
        let r = RelationshipRef { index: 0, value: v };
        let mut free = v.clone();
        if let Some(o) = free.as_object_mut() {
            o.remove("unique-id");
        }
        let (first, rest) = rel_ends(v);
        RelFeatures {
            kind: rel_kind_name(&r),
            content: serde_json::to_string(&free).unwrap_or_default(),
            first,
            rest,
            id: tokens(r.unique_id()),
            description: tokens(r.description()),
        }
    }
}

pub(super) fn pair_relationships(old: &Document, new: &Document, renames: &mut Renames) -> Pairs {
    let or: Vec<_> = old.relationships().collect();
    let nr: Vec<_> = new.relationships().collect();
    let of: Vec<RelFeatures> = or
        .iter()
        .map(|r| RelFeatures::of(&mapped_relationship(r.value, renames)))
        .collect();
    let nf: Vec<RelFeatures> = nr.iter().map(|r| RelFeatures::of(r.value)).collect();
    let oids: Vec<&str> = or.iter().map(|r| r.unique_id()).collect();
    let nids: Vec<&str> = nr.iter().map(|r| r.unique_id()).collect();
    // A relationship only pairs with one of the same kind from the same origin.
    let mut index: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
    for (j, f) in nf.iter().enumerate() {
        index.entry((f.kind, f.first.as_str())).or_default().push(j);
    }
    let (pairs, renamed) = pair_by_candidates(
        &oids,
        &nids,
        0.45,
        |i, left| {
            let Some(list) = index.get(&(of[i].kind, of[i].first.as_str())) else {
                return Vec::new();
            };
            list.iter()
                .copied()
                .filter(|j| left.binary_search(j).is_ok())
                .collect()
        },
        |i, j| {
            let (a, b) = (&of[i], &nf[j]);
            if a.content == b.content {
                return 1.0;
            }
            let id = jaccard_sets(&a.id, &b.id);
            if a.rest == b.rest {
                // Same endpoints: the same relationship, re-described or re-id'd.
                return 0.9 + 0.1 * id;
            }
            // Same origin, different target: a re-pointed relationship when id and wording agree.
            0.5 * id + 0.5 * jaccard_sets(&a.description, &b.description)
        },
    );
    for (i, j) in renamed {
        renames
            .relationships
            .insert(oids[i].to_string(), nids[j].to_string());
    }
    pairs
}

fn flow_rel_signature(v: &Value, renames: Option<&Renames>) -> String {
    arr_of(v, "transitions")
        .iter()
        .map(|t| {
            let r = str_of(t, "relationship-unique-id");
            renames.map(|m| m.relationship(r)).unwrap_or(r).to_string()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

pub(super) fn pair_flows(old: &Document, new: &Document, renames: &mut Renames) -> Pairs {
    let of: Vec<_> = old.flows().collect();
    let nf: Vec<_> = new.flows().collect();
    let oids: Vec<&str> = of.iter().map(|f| f.unique_id()).collect();
    let nids: Vec<&str> = nf.iter().map(|f| f.unique_id()).collect();
    let snapshot = renames.clone();
    let (pairs, renamed) = pair_by(&oids, &nids, 0.5, |i, j| {
        let (a, b) = (&of[i], &nf[j]);
        0.3 * jaccard(a.unique_id(), b.unique_id())
            + 0.3 * jaccard(a.name(), b.name())
            + 0.2 * jaccard(a.description(), b.description())
            + 0.2
                * jaccard(
                    &flow_rel_signature(a.value, Some(&snapshot)),
                    &flow_rel_signature(b.value, None),
                )
    });
    for (i, j) in renamed {
        renames
            .flows
            .insert(oids[i].to_string(), nids[j].to_string());
    }
    pairs
}
