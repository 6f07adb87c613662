//! Structural diff of two CALM architectures, keyed by `unique-id`.
//!
//! Elements are paired by id first; what is left is paired by content similarity so that a
//! rename (same element, new id) is reported as one rename instead of a removal plus an
//! addition. Old values are rewritten through the rename maps before they are compared, so a
//! relationship whose endpoint was merely renamed is not reported as re-pointed.

use crate::similarity::{greedy_pairs, jaccard, jaccard_sets, tokens};
use calm_model::{Document, RelKind, RelationshipRef};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Which part of the document a change is about (also the order of sections in output).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Section {
    Document,
    Node,
    Interface,
    Relationship,
    Flow,
    Transition,
    Control,
    Metadata,
    Adr,
}

impl Section {
    pub const ALL: [Section; 9] = [
        Section::Document,
        Section::Node,
        Section::Interface,
        Section::Relationship,
        Section::Flow,
        Section::Transition,
        Section::Control,
        Section::Metadata,
        Section::Adr,
    ];
    pub fn title(self) -> &'static str {
        match self {
            Section::Document => "Document",
            Section::Node => "Nodes",
            Section::Interface => "Interfaces",
            Section::Relationship => "Relationships",
            Section::Flow => "Flows",
            Section::Transition => "Flow transitions",
            Section::Control => "Controls",
            Section::Metadata => "Metadata",
            Section::Adr => "ADR links",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    Added,
    Removed,
    Renamed,
    Changed,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Added => "added",
            Op::Removed => "removed",
            Op::Renamed => "renamed",
            Op::Changed => "changed",
        }
    }
    /// One-character marker used in text output.
    pub fn marker(self) -> char {
        match self {
            Op::Added => '+',
            Op::Removed => '-',
            Op::Renamed => '>',
            Op::Changed => '~',
        }
    }
}

/// One changed value inside an element (`path` is dotted, relative to the element).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Detail {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
}

/// One added, removed, renamed or changed element.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub section: Section,
    pub op: Op,
    /// The element's id in NEW (in OLD when removed). Controls: the control key. Transitions:
    /// `relationship#sequence`. ADR links: the ADR path. Metadata: the owner.
    pub id: String,
    /// The id in OLD, for renames.
    #[serde(rename = "oldId", skip_serializing_if = "Option::is_none")]
    pub old_id: Option<String>,
    /// The element that owns this one (`architecture`, `node:ID`, `relationship:ID`, `flow:ID`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// A one-line description of the element or the change.
    pub summary: String,
    pub details: Vec<Detail>,
}

/// Old id → new id for every element paired across a rename.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Renames {
    pub nodes: BTreeMap<String, String>,
    pub relationships: BTreeMap<String, String>,
    pub interfaces: BTreeMap<String, String>,
    pub flows: BTreeMap<String, String>,
}

impl Renames {
    pub fn node<'a>(&'a self, id: &'a str) -> &'a str {
        self.nodes.get(id).map(String::as_str).unwrap_or(id)
    }
    pub fn relationship<'a>(&'a self, id: &'a str) -> &'a str {
        self.relationships.get(id).map(String::as_str).unwrap_or(id)
    }
    pub fn interface<'a>(&'a self, id: &'a str) -> &'a str {
        self.interfaces.get(id).map(String::as_str).unwrap_or(id)
    }
    pub fn flow<'a>(&'a self, id: &'a str) -> &'a str {
        self.flows.get(id).map(String::as_str).unwrap_or(id)
    }
}

/// The structural difference between two architectures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StructuralDiff {
    pub changes: Vec<Change>,
    pub renames: Renames,
}

impl StructuralDiff {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
    pub fn count(&self, section: Section, op: Op) -> usize {
        self.changes
            .iter()
            .filter(|c| c.section == section && c.op == op)
            .count()
    }
    pub fn in_section(&self, section: Section) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(move |c| c.section == section)
    }
}

/// Compute the structural diff of `old` → `new`.
pub fn structural_diff(old: &Document, new: &Document) -> StructuralDiff {
    let mut renames = Renames::default();
    let mut changes = Vec::new();

    let node_pairs = pair_nodes(old, new, &mut renames);
    let rel_pairs = pair_relationships(old, new, &mut renames);
    let flow_pairs = pair_flows(old, new, &mut renames);

    document_changes(old, new, &mut changes);
    node_changes(old, new, &node_pairs, &renames, &mut changes);
    relationship_changes(old, new, &rel_pairs, &renames, &mut changes);
    flow_changes(old, new, &flow_pairs, &renames, &mut changes);
    control_changes(old, new, &renames, &mut changes);
    metadata_changes(old, new, &node_pairs, &rel_pairs, &flow_pairs, &mut changes);
    adr_changes(old, new, &renames, &mut changes);

    // Stable order: by section, keeping generation order (new-document order, then removals).
    changes.sort_by_key(|c| c.section);
    StructuralDiff { changes, renames }
}

// ---- pairing --------------------------------------------------------------------------------

/// Index pairs (old index, new index) of matched elements, plus unmatched indices.
#[derive(Debug, Default)]
struct Pairs {
    matched: Vec<(usize, usize)>,
    /// For each new index, the old index paired with it.
    old_by_new: Vec<Option<usize>>,
    removed: Vec<usize>,
    added: Vec<usize>,
}

impl Pairs {
    fn old_of(&self, new_index: usize) -> Option<usize> {
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

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

fn arr_of<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
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

fn pair_nodes(old: &Document, new: &Document, renames: &mut Renames) -> Pairs {
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

fn pair_interfaces(oi: &[Value], ni: &[Value]) -> (Pairs, Vec<(usize, usize)>) {
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
fn mapped_relationship(v: &Value, renames: &Renames) -> Value {
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

fn pair_relationships(old: &Document, new: &Document, renames: &mut Renames) -> Pairs {
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

fn pair_flows(old: &Document, new: &Document, renames: &mut Renames) -> Pairs {
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

// ---- value comparison ------------------------------------------------------------------------

/// Differences between two JSON values, recursing into objects; other values compare whole.
pub fn value_details(
    prefix: &str,
    old: Option<&Value>,
    new: Option<&Value>,
    skip: &[&str],
    out: &mut Vec<Detail>,
) {
    match (old, new) {
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            let mut keys: Vec<&String> = a.keys().collect();
            keys.extend(b.keys().filter(|k| !a.contains_key(*k)));
            for k in keys {
                if prefix.is_empty() && skip.contains(&k.as_str()) {
                    continue;
                }
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                value_details(&path, a.get(k), b.get(k), &[], out);
            }
        }
        (a, b) if a != b => {
            out.push(Detail {
                path: prefix.to_string(),
                old: a.cloned(),
                new: b.cloned(),
            });
        }
        _ => {}
    }
}

fn details_of(old: &Value, new: &Value, skip: &[&str]) -> Vec<Detail> {
    let mut out = Vec::new();
    value_details("", Some(old), Some(new), skip, &mut out);
    out
}

// ---- summaries -------------------------------------------------------------------------------

fn node_summary(v: &Value) -> String {
    let mut s = format!("{} ({})", str_of(v, "unique-id"), str_of(v, "node-type"));
    let name = str_of(v, "name");
    if !name.is_empty() {
        s.push_str(&format!(" \"{name}\""));
    }
    let ifs: Vec<&str> = arr_of(v, "interfaces")
        .iter()
        .map(|i| str_of(i, "unique-id"))
        .filter(|s| !s.is_empty())
        .collect();
    if !ifs.is_empty() {
        s.push_str(&format!(", interfaces {}", ifs.join(", ")));
    }
    s
}

/// `connects a -> b (HTTPS)`, `interacts customer -> x, y`, `composed-of c: a, b`.
pub fn relationship_shape(v: &Value) -> String {
    let r = RelationshipRef { index: 0, value: v };
    let proto = r.protocol().map(|p| format!(" ({p})")).unwrap_or_default();
    match r.kind() {
        RelKind::Connects {
            source,
            destination,
        } => format!("connects {} -> {}{proto}", source.node, destination.node),
        RelKind::Interacts { actor, nodes } => {
            format!("interacts {actor} -> {}{proto}", nodes.join(", "))
        }
        RelKind::DeployedIn { container, nodes } => {
            format!("deployed-in {container}: {}", nodes.join(", "))
        }
        RelKind::ComposedOf { container, nodes } => {
            format!("composed-of {container}: {}", nodes.join(", "))
        }
        RelKind::Options(_) => "options".to_string(),
        RelKind::Other => "relationship of unknown type".to_string(),
    }
}

fn relationship_summary(v: &Value) -> String {
    format!("{}: {}", str_of(v, "unique-id"), relationship_shape(v))
}

fn flow_summary(v: &Value) -> String {
    format!(
        "{} \"{}\" ({} transitions)",
        str_of(v, "unique-id"),
        str_of(v, "name"),
        arr_of(v, "transitions").len()
    )
}

fn transition_summary(t: &Value, rel: &str) -> String {
    let seq = t
        .get("sequence-number")
        .map(Value::to_string)
        .unwrap_or_else(|| "?".into());
    let dir = str_of(t, "direction");
    let dir = if dir.is_empty() {
        String::new()
    } else {
        format!(" ({dir})")
    };
    let desc = str_of(t, "description");
    let desc = if desc.is_empty() {
        String::new()
    } else {
        format!(": {desc}")
    };
    format!("#{seq} {rel}{dir}{desc}")
}

fn renamed_summary(old_id: &str, new_id: &str) -> String {
    format!("{old_id} -> {new_id}")
}

// ---- per-section changes ---------------------------------------------------------------------

const TOP_LEVEL_STRUCTURED: &[&str] = &[
    "nodes",
    "relationships",
    "flows",
    "controls",
    "metadata",
    "adrs",
];

fn document_changes(old: &Document, new: &Document, out: &mut Vec<Change>) {
    let details = details_of(&old.value, &new.value, TOP_LEVEL_STRUCTURED);
    if !details.is_empty() {
        out.push(Change {
            section: Section::Document,
            op: Op::Changed,
            id: "document".into(),
            old_id: None,
            scope: None,
            summary: "top-level fields".into(),
            details,
        });
    }
}

/// What comparing a paired old and new element found.
#[derive(Default)]
struct Compared {
    /// Field-level differences.
    details: Vec<Detail>,
    /// Something beside the fields changed (a flow's transitions): report a change even without
    /// field details.
    also_changed: bool,
    /// Summary of a change in place (default: the element's summary).
    changed_summary: Option<String>,
    /// Summary of a rename (default: "old → new").
    renamed_summary: Option<String>,
}

/// An element of one kind as the diff sees it.
trait Element {
    fn id(&self) -> &str;
    fn summary(&self) -> String;
}

impl Element for calm_model::NodeRef<'_> {
    fn id(&self) -> &str {
        self.unique_id()
    }
    fn summary(&self) -> String {
        node_summary(self.value)
    }
}

impl Element for RelationshipRef<'_> {
    fn id(&self) -> &str {
        self.unique_id()
    }
    fn summary(&self) -> String {
        relationship_summary(self.value)
    }
}

impl Element for calm_model::FlowRef<'_> {
    fn id(&self) -> &str {
        self.unique_id()
    }
    fn summary(&self) -> String {
        flow_summary(self.value)
    }
}

/// A node's interface.
struct Interface<'a>(&'a Value);

impl Element for Interface<'_> {
    fn id(&self) -> &str {
        str_of(self.0, "unique-id")
    }
    fn summary(&self) -> String {
        let mut parts = vec![self.id().to_string()];
        for k in ["protocol", "host", "port", "url"] {
            if let Some(x) = self.0.get(k) {
                parts.push(format!("{k} {}", compact(x)));
            }
        }
        parts.join(", ")
    }
}

/// The changes of one element kind: added, renamed or changed elements in new-document order,
/// then the removed ones. `compare` looks at each paired (old, new) element.
fn element_changes<T: Element>(
    section: Section,
    scope: Option<String>,
    (old, new): (&[T], &[T]),
    pairs: &Pairs,
    mut compare: impl FnMut(&T, &T) -> Compared,
    out: &mut Vec<Change>,
) {
    let change = |op: Op, e: &T, old_id: Option<String>, summary: String, details| Change {
        section,
        op,
        id: e.id().into(),
        old_id,
        scope: scope.clone(),
        summary,
        details,
    };
    for (j, n) in new.iter().enumerate() {
        let Some(i) = pairs.old_of(j) else {
            out.push(change(Op::Added, n, None, n.summary(), Vec::new()));
            continue;
        };
        let o = &old[i];
        let c = compare(o, n);
        let renamed = o.id() != n.id();
        if renamed {
            let summary = c
                .renamed_summary
                .unwrap_or_else(|| renamed_summary(o.id(), n.id()));
            out.push(change(
                Op::Renamed,
                n,
                Some(o.id().into()),
                summary,
                c.details,
            ));
        } else if c.also_changed || !c.details.is_empty() {
            let summary = c.changed_summary.unwrap_or_else(|| n.summary());
            out.push(change(Op::Changed, n, None, summary, c.details));
        }
    }
    for &i in &pairs.removed {
        out.push(change(
            Op::Removed,
            &old[i],
            None,
            old[i].summary(),
            Vec::new(),
        ));
    }
}

fn node_changes(
    old: &Document,
    new: &Document,
    pairs: &Pairs,
    renames: &Renames,
    out: &mut Vec<Change>,
) {
    let on: Vec<_> = old.nodes().collect();
    let nn: Vec<_> = new.nodes().collect();
    let mut iface_changes = Vec::new();
    element_changes(
        Section::Node,
        None,
        (&on, &nn),
        pairs,
        |o, n| {
            interface_changes(
                n.unique_id(),
                o.interfaces(),
                n.interfaces(),
                renames,
                &mut iface_changes,
            );
            Compared {
                details: details_of(
                    o.value,
                    n.value,
                    &["unique-id", "interfaces", "controls", "metadata"],
                ),
                ..Compared::default()
            }
        },
        out,
    );
    out.extend(iface_changes);
}

fn interface_changes(
    node: &str,
    oi: &[Value],
    ni: &[Value],
    _renames: &Renames,
    out: &mut Vec<Change>,
) {
    let (pairs, _) = pair_interfaces(oi, ni);
    let old: Vec<Interface> = oi.iter().map(Interface).collect();
    let new: Vec<Interface> = ni.iter().map(Interface).collect();
    element_changes(
        Section::Interface,
        Some(format!("node:{node}")),
        (&old, &new),
        &pairs,
        |o, n| Compared {
            details: details_of(o.0, n.0, &["unique-id"]),
            ..Compared::default()
        },
        out,
    );
}

fn relationship_changes(
    old: &Document,
    new: &Document,
    pairs: &Pairs,
    renames: &Renames,
    out: &mut Vec<Change>,
) {
    let or: Vec<_> = old.relationships().collect();
    let nr: Vec<_> = new.relationships().collect();
    element_changes(
        Section::Relationship,
        None,
        (&or, &nr),
        pairs,
        |o, n| {
            // Endpoints rewritten through the renames: a renamed endpoint is not a re-pointing.
            let mapped = mapped_relationship(o.value, renames);
            Compared {
                details: details_of(&mapped, n.value, &["unique-id", "controls", "metadata"]),
                renamed_summary: Some(format!(
                    "{}: {}",
                    renamed_summary(o.unique_id(), n.unique_id()),
                    relationship_shape(n.value)
                )),
                ..Compared::default()
            }
        },
        out,
    );
}

fn flow_changes(
    old: &Document,
    new: &Document,
    pairs: &Pairs,
    renames: &Renames,
    out: &mut Vec<Change>,
) {
    let of: Vec<_> = old.flows().collect();
    let nf: Vec<_> = new.flows().collect();
    let mut transition_out = Vec::new();
    element_changes(
        Section::Flow,
        None,
        (&of, &nf),
        pairs,
        |o, n| {
            let transitions = transition_changes(n.unique_id(), o, n, renames);
            let c = Compared {
                details: details_of(
                    o.value,
                    n.value,
                    &["unique-id", "transitions", "controls", "metadata"],
                ),
                also_changed: !transitions.is_empty(),
                changed_summary: Some(format!(
                    "{} ({} transition changes)",
                    flow_summary(n.value),
                    transitions.len()
                )),
                renamed_summary: None,
            };
            transition_out.extend(transitions);
            c
        },
        out,
    );
    out.extend(transition_out);
}

/// Align the transitions of a flow by (relationship, direction) in sequence order; the longest
/// common subsequence is "kept", the rest added or removed; kept ones may be renumbered.
fn transition_changes(
    flow_id: &str,
    old: &calm_model::FlowRef,
    new: &calm_model::FlowRef,
    renames: &Renames,
) -> Vec<Change> {
    let ot = old.ordered_transitions();
    let nt = new.ordered_transitions();
    let key = |rel: &str, t: &calm_model::TransitionRef| format!("{rel}\u{0}{}", t.is_reverse());
    let okeys: Vec<String> = ot
        .iter()
        .map(|t| key(renames.relationship(t.relationship_id()), t))
        .collect();
    let nkeys: Vec<String> = nt.iter().map(|t| key(t.relationship_id(), t)).collect();
    let scope = Some(format!("flow:{flow_id}"));
    let mut out = Vec::new();
    let mut removed = Vec::new();
    let tid = |rel: &str, t: &calm_model::TransitionRef| {
        format!(
            "{rel}#{}",
            t.sequence_number()
                .map(|s| s.to_string())
                .unwrap_or_else(|| "?".into())
        )
    };
    for op in similar::capture_diff_slices(similar::Algorithm::Myers, &okeys, &nkeys) {
        let (tag, orange, nrange) = op.as_tag_tuple();
        {
            if tag == similar::DiffTag::Equal {
                for (oi, ni) in orange.zip(nrange) {
                    let (o, n) = (&ot[oi], &nt[ni]);
                    let mut details = Vec::new();
                    let mut ov = o.value.clone();
                    if let Some(obj) = ov.as_object_mut() {
                        obj.insert(
                            "relationship-unique-id".into(),
                            Value::String(renames.relationship(o.relationship_id()).to_string()),
                        );
                    }
                    value_details("", Some(&ov), Some(n.value), &[], &mut details);
                    if !details.is_empty() {
                        out.push(Change {
                            section: Section::Transition,
                            op: Op::Changed,
                            id: tid(n.relationship_id(), n),
                            old_id: None,
                            scope: scope.clone(),
                            summary: transition_summary(n.value, n.relationship_id()),
                            details,
                        });
                    }
                }
            } else {
                for oi in orange {
                    let o = &ot[oi];
                    removed.push(Change {
                        section: Section::Transition,
                        op: Op::Removed,
                        id: tid(o.relationship_id(), o),
                        old_id: None,
                        scope: scope.clone(),
                        summary: transition_summary(o.value, o.relationship_id()),
                        details: Vec::new(),
                    });
                }
                for ni in nrange {
                    let n = &nt[ni];
                    out.push(Change {
                        section: Section::Transition,
                        op: Op::Added,
                        id: tid(n.relationship_id(), n),
                        old_id: None,
                        scope: scope.clone(),
                        summary: transition_summary(n.value, n.relationship_id()),
                        details: Vec::new(),
                    });
                }
            }
        }
    }
    out.extend(removed);
    out
}

/// Every control in the document: (scope, control key, value), old scopes mapped to new ids.
fn all_controls<'a>(
    doc: &'a Document,
    renames: Option<&Renames>,
) -> Vec<(String, &'a str, &'a Value)> {
    let mut out = Vec::new();
    for (k, v) in doc.controls() {
        out.push(("architecture".to_string(), k, v));
    }
    for n in doc.nodes() {
        let id = renames
            .map(|r| r.node(n.unique_id()))
            .unwrap_or(n.unique_id());
        for (k, v) in n.controls() {
            out.push((format!("node:{id}"), k, v));
        }
    }
    for r in doc.relationships() {
        let id = renames
            .map(|m| m.relationship(r.unique_id()))
            .unwrap_or(r.unique_id());
        for (k, v) in r.controls() {
            out.push((format!("relationship:{id}"), k, v));
        }
    }
    for f in doc.flows() {
        let id = renames
            .map(|m| m.flow(f.unique_id()))
            .unwrap_or(f.unique_id());
        for (k, v) in f.controls() {
            out.push((format!("flow:{id}"), k, v));
        }
    }
    out
}

/// A control's requirements keyed by requirement-url (so reordering is not a change).
fn requirements_by_url(v: &Value) -> Value {
    let mut m = Map::new();
    for (i, r) in arr_of(v, "requirements").iter().enumerate() {
        let url = str_of(r, "requirement-url");
        let key = if url.is_empty() {
            format!("#{i}")
        } else {
            url.to_string()
        };
        let mut body = r.clone();
        body.as_object_mut().map(|o| o.remove("requirement-url"));
        m.insert(key, body);
    }
    Value::Object(m)
}

fn control_for_compare(v: &Value) -> Value {
    let mut c = v.clone();
    if let Some(o) = c.as_object_mut() {
        o.insert("requirements".into(), requirements_by_url(v));
    }
    c
}

/// `description; requirement-url {config}` in one line.
pub fn control_summary(scope: &str, key: &str, v: &Value) -> String {
    let desc = str_of(v, "description");
    let mut s = format!("{key} on {scope}");
    if !desc.is_empty() {
        s.push_str(&format!(": {desc}"));
    }
    s
}

/// The requirement-urls of a control, sorted (a control re-keyed in the same scope keeps them).
fn requirement_urls(v: &Value) -> Vec<&str> {
    let mut urls: Vec<&str> = arr_of(v, "requirements")
        .iter()
        .map(|r| str_of(r, "requirement-url"))
        .filter(|u| !u.is_empty())
        .collect();
    urls.sort();
    urls
}

fn control_changes(old: &Document, new: &Document, renames: &Renames, out: &mut Vec<Change>) {
    let oc = all_controls(old, Some(renames));
    let nc = all_controls(new, None);
    let oi: BTreeMap<(&str, &str), &Value> =
        oc.iter().map(|(s, k, v)| ((s.as_str(), *k), *v)).collect();
    let ni: BTreeMap<(&str, &str), &Value> =
        nc.iter().map(|(s, k, v)| ((s.as_str(), *k), *v)).collect();
    // A control whose key changed within one scope, with the same requirement-urls, is renamed.
    let mut renamed: BTreeMap<(&str, &str), &str> = BTreeMap::new();
    let mut renamed_old: BTreeSet<(&str, &str)> = BTreeSet::new();
    for (scope, key, v) in &nc {
        if oi.contains_key(&(scope.as_str(), *key)) {
            continue;
        }
        let urls = requirement_urls(v);
        if urls.is_empty() {
            continue;
        }
        let candidate = oc.iter().find(|(os, ok, ov)| {
            os == scope
                && !ni.contains_key(&(os.as_str(), *ok))
                && !renamed_old.contains(&(os.as_str(), *ok))
                && requirement_urls(ov) == urls
        });
        if let Some((os, ok, _)) = candidate {
            renamed.insert((scope.as_str(), *key), ok);
            renamed_old.insert((os.as_str(), *ok));
        }
    }
    for (scope, key, v) in &nc {
        let here = (scope.as_str(), *key);
        if let Some(old_key) = renamed.get(&here) {
            let ov = oi[&(scope.as_str(), *old_key)];
            out.push(Change {
                section: Section::Control,
                op: Op::Renamed,
                id: key.to_string(),
                old_id: Some(old_key.to_string()),
                scope: Some(scope.clone()),
                summary: format!("{old_key} -> {}", control_summary(scope, key, v)),
                details: details_of(&control_for_compare(ov), &control_for_compare(v), &[]),
            });
            continue;
        }
        match oi.get(&here) {
            None => out.push(Change {
                section: Section::Control,
                op: Op::Added,
                id: key.to_string(),
                old_id: None,
                scope: Some(scope.clone()),
                summary: control_summary(scope, key, v),
                details: requirement_details(v, true),
            }),
            Some(ov) => {
                let details = details_of(&control_for_compare(ov), &control_for_compare(v), &[]);
                if !details.is_empty() {
                    out.push(Change {
                        section: Section::Control,
                        op: Op::Changed,
                        id: key.to_string(),
                        old_id: None,
                        scope: Some(scope.clone()),
                        summary: control_summary(scope, key, v),
                        details,
                    });
                }
            }
        }
    }
    for (scope, key, v) in &oc {
        let here = (scope.as_str(), *key);
        if !ni.contains_key(&here) && !renamed_old.contains(&here) {
            out.push(Change {
                section: Section::Control,
                op: Op::Removed,
                id: key.to_string(),
                old_id: None,
                scope: Some(scope.clone()),
                summary: control_summary(scope, key, v),
                details: requirement_details(v, false),
            });
        }
    }
}

/// The requirements of an added/removed control as details, one per requirement.
fn requirement_details(v: &Value, added: bool) -> Vec<Detail> {
    let mut out = Vec::new();
    if let Value::Object(m) = requirements_by_url(v) {
        for (url, body) in m {
            let path = format!("requirements.{url}");
            let d = if added {
                Detail {
                    path,
                    old: None,
                    new: Some(body),
                }
            } else {
                Detail {
                    path,
                    old: Some(body),
                    new: None,
                }
            };
            out.push(d);
        }
    }
    out
}

fn metadata_changes(
    old: &Document,
    new: &Document,
    nodes: &Pairs,
    rels: &Pairs,
    flows: &Pairs,
    out: &mut Vec<Change>,
) {
    let mut push = |scope: String, om: Map<String, Value>, nm: Map<String, Value>| {
        let details = details_of(&Value::Object(om), &Value::Object(nm), &[]);
        if !details.is_empty() {
            out.push(Change {
                section: Section::Metadata,
                op: Op::Changed,
                id: scope.clone(),
                old_id: None,
                scope: Some(scope.clone()),
                summary: format!("metadata of {scope}"),
                details,
            });
        }
    };
    push(
        "architecture".into(),
        old.metadata().to_map(),
        new.metadata().to_map(),
    );
    let on: Vec<_> = old.nodes().collect();
    for (j, n) in new.nodes().enumerate() {
        if let Some(i) = nodes.old_of(j) {
            push(
                format!("node:{}", n.unique_id()),
                on[i].metadata().to_map(),
                n.metadata().to_map(),
            );
        }
    }
    let or: Vec<_> = old.relationships().collect();
    for (j, r) in new.relationships().enumerate() {
        if let Some(i) = rels.old_of(j) {
            push(
                format!("relationship:{}", r.unique_id()),
                or[i].metadata().to_map(),
                r.metadata().to_map(),
            );
        }
    }
    let of: Vec<_> = old.flows().collect();
    for (j, f) in new.flows().enumerate() {
        if let Some(i) = flows.old_of(j) {
            push(
                format!("flow:{}", f.unique_id()),
                of[i].metadata().to_map(),
                f.metadata().to_map(),
            );
        }
    }
}

/// Whether a metadata key holds an ADR link (`adr`, `adrs`, `…-adr`, `adr-…`).
pub fn is_adr_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k == "adr"
        || k == "adrs"
        || k.ends_with("-adr")
        || k.starts_with("adr-")
        || k == "decision-record"
}

/// Every ADR link in element metadata: (scope, path), old scopes mapped to new ids.
pub fn adr_links(doc: &Document, renames: Option<&Renames>) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    let mut take = |scope: String, md: calm_model::Metadata| {
        for (k, v) in md.iter() {
            if !is_adr_key(k) {
                continue;
            }
            let values: Vec<&str> = match v {
                Value::String(s) => vec![s.as_str()],
                Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            for s in values {
                out.insert((scope.clone(), s.to_string()));
            }
        }
    };
    take("architecture".into(), doc.metadata());
    for n in doc.nodes() {
        let id = renames
            .map(|r| r.node(n.unique_id()))
            .unwrap_or(n.unique_id());
        take(format!("node:{id}"), n.metadata());
    }
    for r in doc.relationships() {
        let id = renames
            .map(|m| m.relationship(r.unique_id()))
            .unwrap_or(r.unique_id());
        take(format!("relationship:{id}"), r.metadata());
    }
    for f in doc.flows() {
        let id = renames
            .map(|m| m.flow(f.unique_id()))
            .unwrap_or(f.unique_id());
        take(format!("flow:{id}"), f.metadata());
    }
    out
}

fn adr_changes(old: &Document, new: &Document, renames: &Renames, out: &mut Vec<Change>) {
    let oa: Vec<&str> = old.adrs().collect();
    let na: Vec<&str> = new.adrs().collect();
    for a in &na {
        if !oa.contains(a) {
            out.push(Change {
                section: Section::Adr,
                op: Op::Added,
                id: a.to_string(),
                old_id: None,
                scope: Some("architecture".into()),
                summary: format!("adrs lists {a}"),
                details: Vec::new(),
            });
        }
    }
    for a in &oa {
        if !na.contains(a) {
            out.push(Change {
                section: Section::Adr,
                op: Op::Removed,
                id: a.to_string(),
                old_id: None,
                scope: Some("architecture".into()),
                summary: format!("adrs no longer lists {a}"),
                details: Vec::new(),
            });
        }
    }
    let ol = adr_links(old, Some(renames));
    let nl = adr_links(new, None);
    for (scope, path) in nl.difference(&ol) {
        out.push(Change {
            section: Section::Adr,
            op: Op::Added,
            id: path.clone(),
            old_id: None,
            scope: Some(scope.clone()),
            summary: format!("{scope} links {path}"),
            details: Vec::new(),
        });
    }
    for (scope, path) in ol.difference(&nl) {
        out.push(Change {
            section: Section::Adr,
            op: Op::Removed,
            id: path.clone(),
            old_id: None,
            scope: Some(scope.clone()),
            summary: format!("{scope} no longer links {path}"),
            details: Vec::new(),
        });
    }
}

/// Compact one-line JSON for messages (strings unquoted).
pub fn compact(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}
