//! Outage triage from the model (`calm-advisor triage`): given what the on-call engineer sees
//! (nodes erroring, nodes slow, a business flow degraded, a symptom in words), answer from the
//! dependency graph and the operational metadata alone:
//!
//! - the flows affected, with their declared business impact, degraded behaviour, customer
//!   communication and SLA;
//! - the candidate causes, ranked: what all the failing nodes share upstream (dominators from
//!   the entry points: every request to them crosses it), downstream (databases, brokers, other
//!   services they all call) or underneath (deployed-in hosts); for one node, its own
//!   dependencies, replication, and the node itself;
//! - for latency, the synchronous path downstream with the latency, replication and
//!   connection-pool metadata declared on it;
//! - the declared failure modes that match;
//! - the order to investigate, with each step's health endpoint, dashboard, log query and
//!   alerts; whom to contact.
//!
//! Every statement cites the element (and metadata key) it comes from; what the model does not
//! state is listed as missing, never filled in.

use super::metadata::{FailureMode, Field, FlowField, OpsFacts, Stated, text};
use crate::context::Context;
use crate::graph::EdgeMode;
use crate::roles::Role;
use petgraph::algo::dominators::simple_fast;
use petgraph::graph::NodeIndex;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// What the on-call engineer knows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// Nodes returning errors (ids or names).
    pub failing: Vec<String>,
    /// Nodes with high latency.
    pub slow: Vec<String>,
    /// Business flows reported degraded (ids or names).
    pub flows: Vec<String>,
    /// Free text, matched against declared failure modes.
    pub symptom: Option<String>,
}

/// How deep the latency path and downstream dependencies are followed.
const MAX_DEPTH: usize = 4;
/// Investigation steps shown.
const MAX_STEPS: usize = 8;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Triage {
    pub failing: Vec<String>,
    pub slow: Vec<String>,
    pub flows_reported: Vec<String>,
    pub symptom: Option<String>,
    /// Ids and flow names that are not in the model, with the closest names.
    pub unknown: Vec<Unknown>,
    pub affected_flows: Vec<AffectedFlow>,
    pub dependency_graph: Vec<DependencyPath>,
    pub causes: Vec<Cause>,
    pub latency_path: Vec<Hop>,
    pub failure_modes: Vec<MatchedFailureMode>,
    pub investigation: Vec<Step>,
    pub contacts: Vec<Contact>,
    /// Where requests from outside enter (the first server-side nodes actors and clients
    /// call): a component the model does not name (a web front end) sends its traffic there.
    pub entry_points: Vec<String>,
    /// Architecture-level monitoring links.
    pub monitoring: Vec<Stated>,
    /// What the model does not state ("payment-service declares no health endpoint").
    pub missing: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub struct Unknown {
    pub given: String,
    /// `node` or `flow`.
    pub kind: &'static str,
    pub closest: Vec<String>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Effect {
    /// The user reported this flow.
    Reported,
    /// A failing node is required by the flow: it breaks.
    Breaks,
    /// A slow node is on the flow's path.
    Slows,
    /// A failing node is only reached asynchronously: work queues, the flow degrades.
    Degrades,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Reported => "reported degraded",
            Effect::Breaks => "breaks",
            Effect::Slows => "slows down",
            Effect::Degrades => "degrades (asynchronous part waits)",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct AffectedFlow {
    pub id: String,
    pub name: String,
    pub effect: Effect,
    /// The reported nodes on this flow.
    pub because: Vec<String>,
    /// 1 (low) … 4 (critical), and what decided it.
    pub criticality: u8,
    pub criticality_source: String,
    /// An inferred journey (no declared flow): it has no metadata.
    pub inferred: bool,
    /// Provider nodes on the request path, in order.
    pub services: Vec<String>,
    /// Nodes reached only asynchronously.
    pub async_services: Vec<String>,
    pub business_impact: Option<Stated>,
    pub degraded_behavior: Option<Stated>,
    pub customer_communication: Option<Stated>,
    pub sla: Option<Stated>,
}

impl AffectedFlow {
    /// The flow's declared impact, labelled, in reading order (every text output lists these).
    pub fn impact(&self) -> [(&'static str, Option<&Stated>); 4] {
        [
            ("business impact", self.business_impact.as_ref()),
            ("degraded behaviour", self.degraded_behavior.as_ref()),
            (
                "customer communication",
                self.customer_communication.as_ref(),
            ),
            ("SLA", self.sla.as_ref()),
        ]
    }
}

/// How traffic reaches a reported node, and what it calls.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct DependencyPath {
    pub node: String,
    /// Actors and client software whose traffic reaches it.
    pub entries: Vec<String>,
    /// What every request to it crosses, from the entry inwards (a redundancy group as
    /// `a | b`).
    pub upstream: Vec<String>,
    /// Direct dependencies: (node, relationship, mode).
    pub downstream: Vec<Edge>,
}

impl DependencyPath {
    /// How requests reach the node: its entries (joined), what they all cross, the node.
    pub fn route(&self) -> Vec<String> {
        let entries = (!self.entries.is_empty()).then(|| self.entries.join(", "));
        entries
            .into_iter()
            .chain(self.upstream.iter().cloned())
            .chain(std::iter::once(self.node.clone()))
            .collect()
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Edge {
    pub to: String,
    /// The role the engine infers for `to` (`database`, `queue`, `service`, …).
    pub role: &'static str,
    pub relationship: String,
    pub mode: &'static str,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum CauseKind {
    /// Every request to the reported nodes crosses it.
    SharedUpstream,
    /// The reported nodes are deployed on it.
    SharedHost,
    /// The reported nodes all depend on it (directly or further down).
    SharedDependency,
    /// A dependency of the one reported node.
    Dependency,
    /// Replication behind a database the reported node uses.
    Replication,
    /// The reported node itself.
    Itself,
    /// Required by the reported flow.
    OnFlowPath,
    /// Reached asynchronously by the reported flow: its loss queues work.
    AsyncOnFlow,
    /// Declares a failure mode matching the symptom.
    DeclaredFailureMode,
}

impl CauseKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CauseKind::SharedUpstream => "shared upstream",
            CauseKind::SharedHost => "shared host",
            CauseKind::SharedDependency => "shared dependency",
            CauseKind::Dependency => "dependency",
            CauseKind::Replication => "replication",
            CauseKind::Itself => "the node itself",
            CauseKind::OnFlowPath => "on the flow's path",
            CauseKind::AsyncOnFlow => "asynchronous part of the flow",
            CauseKind::DeclaredFailureMode => "declared failure mode",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Cause {
    pub rank: usize,
    /// One node, or the members of a redundancy group (all must fail together).
    pub nodes: Vec<String>,
    pub kind: CauseKind,
    /// Which reported nodes or flows it explains.
    pub explains: Vec<String>,
    /// Not redundant: one failure takes it down.
    pub single_point: bool,
    pub why: String,
    /// Relationships and metadata the reasoning rests on.
    pub cites: Vec<String>,
    #[serde(skip)]
    order: (usize, usize, usize),
}

/// One hop of the synchronous path below a slow node.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Hop {
    pub depth: usize,
    pub from: String,
    pub to: String,
    pub relationship: String,
    pub mode: &'static str,
    pub protocol: Option<String>,
    /// Latency, replication and connection-pool metadata on the relationship and its ends.
    pub declared: Vec<Stated>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct MatchedFailureMode {
    #[serde(flatten)]
    pub mode: FailureMode,
    pub cite: String,
    /// Words of the report found in its symptom or likely cause.
    pub matched: Vec<String>,
    /// Nodes its likely cause names.
    pub points_to: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Step {
    pub order: usize,
    pub element: String,
    pub reason: String,
    pub health_endpoint: Option<Stated>,
    pub dashboard: Option<Stated>,
    pub log_query: Option<Stated>,
    pub alerts: Option<Stated>,
    pub runbook: Option<Stated>,
    /// `check` of the matching failure modes declared on it.
    pub checks: Vec<(String, String)>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Contact {
    pub element: String,
    pub owner: Option<Stated>,
    pub oncall: Option<Stated>,
    pub escalation: Option<Stated>,
    pub dba_contact: Option<Stated>,
    pub runbook: Option<Stated>,
}

impl Triage {
    /// Nothing in the query matched the model (every id unknown, no flow, no failure mode).
    pub fn is_unanswerable(&self) -> bool {
        self.failing.is_empty()
            && self.slow.is_empty()
            && self.flows_reported.is_empty()
            && self.failure_modes.is_empty()
    }
}

/// Triage `q` against the model.
pub fn triage(ctx: &Context, q: &Query) -> Triage {
    let facts = super::facts(ctx);
    let mut t = Triage {
        failing: Vec::new(),
        slow: Vec::new(),
        flows_reported: Vec::new(),
        symptom: q
            .symptom
            .as_ref()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty()),
        unknown: Vec::new(),
        affected_flows: Vec::new(),
        dependency_graph: Vec::new(),
        causes: Vec::new(),
        latency_path: Vec::new(),
        failure_modes: Vec::new(),
        investigation: Vec::new(),
        contacts: Vec::new(),
        entry_points: entry_points(ctx),
        monitoring: facts.monitoring.clone(),
        missing: Vec::new(),
    };
    let failing = resolve_nodes(ctx, &q.failing, &mut t.unknown);
    let slow = resolve_nodes(ctx, &q.slow, &mut t.unknown);
    let flows = resolve_flows(ctx, &q.flows, &mut t.unknown);
    t.failing = failing
        .iter()
        .map(|n| ctx.node_id(*n).to_string())
        .collect();
    t.slow = slow.iter().map(|n| ctx.node_id(*n).to_string()).collect();
    t.flows_reported = flows.iter().map(|f| ctx.flows[*f].id.clone()).collect();
    let mut observed: Vec<usize> = failing.clone();
    for n in &slow {
        if !observed.contains(n) {
            observed.push(*n);
        }
    }

    let mut missing = Missing::default();
    t.affected_flows = affected_flows(ctx, &facts, &failing, &slow, &flows, &mut missing);
    let dom = Dominance::new(ctx);
    t.dependency_graph = observed
        .iter()
        .map(|&n| dependency_path(ctx, &dom, n))
        .collect();

    // What each reported node depends on (parallel to `observed`), for the causes and for where
    // to look for failure modes.
    let reach: Vec<Reach> = observed.iter().map(|&n| downstream_of(ctx, n)).collect();
    let modes = match_failure_modes(ctx, &facts, q, &failing, &slow, &reach);
    let mut causes = Vec::new();
    if observed.len() >= 2 {
        shared_upstream(ctx, &dom, &observed, &mut causes);
    }
    if !observed.is_empty() {
        downstream_causes(ctx, &facts, &observed, &reach, &mut causes);
        for &n in &observed {
            causes.push(itself(ctx, n, observed.len()));
        }
    }
    for &f in &flows {
        flow_path_causes(ctx, f, &mut causes);
    }
    if observed.is_empty() && flows.is_empty() {
        for m in &modes {
            if let Some(n) = ctx.node_idx(&m.mode.element) {
                push_cause(
                    &mut causes,
                    Cause {
                        rank: 0,
                        nodes: vec![ctx.node_id(n).to_string()],
                        kind: CauseKind::DeclaredFailureMode,
                        explains: vec![m.mode.symptom.clone().unwrap_or_default()],
                        single_point: !ctx.is_redundant_node(n),
                        why: format!(
                            "{} declares a failure mode whose symptom matches the report",
                            ctx.node_id(n)
                        ),
                        cites: vec![m.cite.clone()],
                        order: (1, 0, 0),
                    },
                );
            }
        }
    }
    // Failure modes that name a cause as their likely cause make it more likely.
    for c in &mut causes {
        let named: Vec<&MatchedFailureMode> = modes
            .iter()
            .filter(|m| c.nodes.iter().any(|n| m.points_to.contains(n)))
            .collect();
        if let Some(m) = named.first() {
            c.why += &format!(
                "; {}'s failure mode \"{}\" names it as the likely cause",
                m.mode.element,
                m.mode.symptom.as_deref().unwrap_or("?")
            );
            c.cites.push(m.cite.clone());
            c.order.0 = c.order.0.saturating_sub(1);
        }
    }
    causes.sort_by(|a, b| {
        b.explains
            .len()
            .cmp(&a.explains.len())
            .then(a.order.0.cmp(&b.order.0))
            .then(b.single_point.cmp(&a.single_point))
            .then(a.order.1.cmp(&b.order.1))
            .then(a.order.2.cmp(&b.order.2))
            .then(a.nodes.cmp(&b.nodes))
    });
    for (i, c) in causes.iter_mut().enumerate() {
        c.rank = i + 1;
    }
    t.causes = causes;

    for &n in &slow {
        latency_path(ctx, &facts, n, &mut t.latency_path, &mut missing);
    }
    t.failure_modes = modes;
    t.investigation = investigation(ctx, &facts, &t, &slow, &mut missing);
    t.contacts = contacts(ctx, &facts, &t, &flows, &mut missing);
    if let Some(s) = &t.symptom
        && t.failure_modes.is_empty()
    {
        missing.push(format!(
            "no declared failure mode matches \"{s}\" (failure modes are read from `failure-modes` node metadata)"
        ));
    }
    t.missing = missing.0;
    t
}

/// "X declares no Y" lines, each once, in the order found.
#[derive(Default)]
struct Missing(Vec<String>);

impl Missing {
    fn push(&mut self, s: String) {
        if !self.0.contains(&s) {
            self.0.push(s);
        }
    }
}

fn resolve_nodes(ctx: &Context, given: &[String], unknown: &mut Vec<Unknown>) -> Vec<usize> {
    let mut out = Vec::new();
    for g in given.iter().map(|g| g.trim()).filter(|g| !g.is_empty()) {
        let nodes = &ctx.model.nodes;
        let found = ctx
            .node_idx(g)
            .or_else(|| nodes.iter().position(|n| n.id.eq_ignore_ascii_case(g)))
            .or_else(|| {
                nodes
                    .iter()
                    .position(|n| !n.name.is_empty() && n.name.eq_ignore_ascii_case(g))
            });
        match found {
            Some(n) if !out.contains(&n) => out.push(n),
            Some(_) => {}
            None => unknown.push(Unknown {
                given: g.to_string(),
                kind: "node",
                closest: closest(g, nodes.iter().map(|n| (n.id.as_str(), n.name.as_str()))),
            }),
        }
    }
    out
}

fn resolve_flows(ctx: &Context, given: &[String], unknown: &mut Vec<Unknown>) -> Vec<usize> {
    let mut out = Vec::new();
    for g in given.iter().map(|g| g.trim()).filter(|g| !g.is_empty()) {
        let found = ctx.flows.iter().position(|f| f.id == g).or_else(|| {
            ctx.flows
                .iter()
                .position(|f| f.id.eq_ignore_ascii_case(g) || f.name.eq_ignore_ascii_case(g))
        });
        match found {
            Some(f) if !out.contains(&f) => out.push(f),
            Some(_) => {}
            None => unknown.push(Unknown {
                given: g.to_string(),
                kind: "flow",
                closest: closest(
                    g,
                    ctx.flows.iter().map(|f| (f.id.as_str(), f.name.as_str())),
                ),
            }),
        }
    }
    out
}

/// Up to three ids whose id or name is close to `given` (normalised Damerau–Levenshtein on
/// lower case ≥ 0.5, or a shared word of 4+ letters), closest first.
fn closest<'a>(given: &str, candidates: impl Iterator<Item = (&'a str, &'a str)>) -> Vec<String> {
    let g = given.to_lowercase();
    let g_words: BTreeSet<&str> = g
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() >= 4)
        .collect();
    let mut scored: Vec<(f64, String)> = candidates
        .filter_map(|(id, name)| {
            let score = [id, name]
                .iter()
                .filter(|s| !s.is_empty())
                .map(|s| {
                    let s = s.to_lowercase();
                    let d = strsim::normalized_damerau_levenshtein(&g, &s);
                    let shared = s
                        .split(|c: char| !c.is_alphanumeric())
                        .any(|w| g_words.contains(w));
                    if shared { d.max(0.5) } else { d }
                })
                .fold(0.0, f64::max);
            (score >= 0.5).then(|| (score, id.to_string()))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(3).map(|(_, id)| id).collect()
}

fn entry_points(ctx: &Context) -> Vec<String> {
    let mut out = BTreeSet::new();
    for r in ctx.journey_roots() {
        for &e in &ctx.graph.out[r] {
            let d = ctx.graph.edges[e].destination;
            if !ctx.roles[d].role.is_client_side() {
                out.insert(ctx.node_id(d).to_string());
            }
        }
    }
    out.into_iter().collect()
}

fn node_ids(ctx: &Context, v: &[usize]) -> Vec<String> {
    v.iter().map(|n| ctx.node_id(*n).to_string()).collect()
}

fn affected_flows(
    ctx: &Context,
    facts: &OpsFacts,
    failing: &[usize],
    slow: &[usize],
    reported: &[usize],
    missing: &mut Missing,
) -> Vec<AffectedFlow> {
    let mut effects: BTreeMap<usize, (Effect, Vec<usize>)> = BTreeMap::new();
    let mut note = |f: usize, e: Effect, n: Option<usize>| {
        let entry = effects.entry(f).or_insert((e, Vec::new()));
        entry.0 = entry.0.min(e);
        if let Some(n) = n
            && !entry.1.contains(&n)
        {
            entry.1.push(n);
        }
    };
    for &f in reported {
        note(f, Effect::Reported, None);
    }
    for &n in failing {
        let s = ctx.redundancy.super_of[n];
        for &f in &ctx.node_flows[n] {
            let e = if ctx.flows[f].required_closure.binary_search(&s).is_ok() {
                Effect::Breaks
            } else {
                Effect::Degrades
            };
            note(f, e, Some(n));
        }
        for &f in &ctx.async_flows[n] {
            note(f, Effect::Degrades, Some(n));
        }
    }
    for &n in slow {
        for &f in &ctx.node_flows[n] {
            note(f, Effect::Slows, Some(n));
        }
    }
    let mut out: Vec<AffectedFlow> = effects
        .into_iter()
        .map(|(f, (effect, because))| {
            let info = &ctx.flows[f];
            let ops = info.index.and_then(|i| facts.flows.get(i));
            let get = |k: FlowField| ops.and_then(|o| o.get(k)).cloned();
            if !info.implicit {
                for k in FlowField::ALL {
                    if get(k).is_none() {
                        missing.push(format!("{} declares no {}", info.id, k.label()));
                    }
                }
            }
            let providers = |v: &[usize]| {
                v.iter()
                    .copied()
                    .filter(|n| !ctx.roles[*n].role.is_client_side())
                    .map(|n| ctx.node_id(n).to_string())
                    .collect::<Vec<_>>()
            };
            AffectedFlow {
                id: info.id.clone(),
                name: info.name.clone(),
                effect,
                because: node_ids(ctx, &because),
                criticality: info.criticality,
                criticality_source: info.criticality_source.clone(),
                inferred: info.implicit,
                services: providers(&info.request_nodes),
                async_services: providers(&info.async_nodes),
                business_impact: get(FlowField::BusinessImpact),
                degraded_behavior: get(FlowField::DegradedBehavior),
                customer_communication: get(FlowField::CustomerCommunication),
                sla: get(FlowField::Sla),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        a.effect
            .cmp(&b.effect)
            .then(b.criticality.cmp(&a.criticality))
            .then(a.inferred.cmp(&b.inferred))
            .then(a.id.cmp(&b.id))
    });
    out
}

/// Dominators of the collapsed request graph (one vertex per redundancy group) from one
/// virtual root joined to every journey root: a supernode that dominates a node is crossed by
/// every request that reaches it, from any entry.
struct Dominance {
    idom: Vec<Option<usize>>,
    root: usize,
}

impl Dominance {
    fn new(ctx: &Context) -> Dominance {
        let crate::spof::Collapsed {
            graph: mut g,
            virtual_root,
        } = crate::spof::collapsed(&ctx.graph, &ctx.redundancy);
        let sn = virtual_root.index();
        for r in ctx.journey_roots() {
            g.add_edge(virtual_root, NodeIndex::new(ctx.redundancy.super_of[r]), ());
        }
        let d = simple_fast(&g, NodeIndex::new(sn));
        let idom = (0..sn)
            .map(|s| {
                d.immediate_dominator(NodeIndex::new(s))
                    .map(|i| i.index())
                    .filter(|&i| i != s)
            })
            .collect();
        Dominance { idom, root: sn }
    }

    /// Supernodes crossed by every request to supernode `s`, outermost first (the root and
    /// client-side nodes left out). Empty when `s` is unreachable.
    fn chain(&self, ctx: &Context, s: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut cur = self.idom.get(s).copied().flatten();
        while let Some(d) = cur {
            if d == self.root {
                break;
            }
            let client = ctx.redundancy.supernodes[d]
                .iter()
                .all(|m| ctx.roles[*m].role.is_client_side());
            if !client {
                out.push(d);
            }
            cur = self.idom[d];
        }
        out.reverse();
        out
    }
}

fn group_label(ctx: &Context, s: usize) -> String {
    ctx.redundancy.supernodes[s]
        .iter()
        .map(|m| ctx.node_id(*m))
        .collect::<Vec<_>>()
        .join(" | ")
}

fn mode_word(m: EdgeMode) -> &'static str {
    m.as_str()
}

fn dependency_path(ctx: &Context, dom: &Dominance, n: usize) -> DependencyPath {
    let s = ctx.redundancy.super_of[n];
    let upstream = dom
        .chain(ctx, s)
        .into_iter()
        .map(|d| group_label(ctx, d))
        .collect();
    let mut entries: Vec<String> = ctx
        .journey_roots()
        .into_iter()
        .filter(|r| reaches(ctx, *r, n))
        .map(|r| ctx.node_id(r).to_string())
        .collect();
    entries.sort();
    let mut downstream: Vec<Edge> = ctx.graph.out[n]
        .iter()
        .map(|&e| {
            let e = &ctx.graph.edges[e];
            Edge {
                to: ctx.node_id(e.destination).to_string(),
                role: ctx.roles[e.destination].role.as_str(),
                relationship: ctx.rel_id(e.relationship).to_string(),
                mode: mode_word(e.mode),
            }
        })
        .collect();
    for h in &ctx.graph.hosts[n] {
        downstream.push(Edge {
            to: ctx.node_id(*h).to_string(),
            role: ctx.roles[*h].role.as_str(),
            relationship: membership(ctx, n, *h, true),
            mode: "hosted",
        });
    }
    DependencyPath {
        node: ctx.node_id(n).to_string(),
        entries,
        upstream,
        downstream,
    }
}

/// Does journey root `r` reach `n` over hard edges?
fn reaches(ctx: &Context, r: usize, n: usize) -> bool {
    let mut seen = vec![false; ctx.model.nodes.len()];
    let mut stack = vec![r];
    while let Some(c) = stack.pop() {
        if c == n {
            return true;
        }
        if std::mem::replace(&mut seen[c], true) {
            continue;
        }
        for &e in &ctx.graph.out[c] {
            let e = &ctx.graph.edges[e];
            if e.mode.is_hard() {
                stack.push(e.destination);
            }
        }
    }
    false
}

fn push_cause(causes: &mut Vec<Cause>, c: Cause) {
    if let Some(existing) = causes.iter_mut().find(|x| x.nodes == c.nodes) {
        // Keep the stronger explanation; remember what the other one explains too.
        if (c.explains.len(), std::cmp::Reverse(c.order.0))
            > (existing.explains.len(), std::cmp::Reverse(existing.order.0))
        {
            *existing = c;
        }
        return;
    }
    causes.push(c);
}

fn shared_upstream(ctx: &Context, dom: &Dominance, observed: &[usize], causes: &mut Vec<Cause>) {
    // Supernode → the observed nodes it dominates, with its depth (outermost first).
    let mut covers: BTreeMap<usize, (Vec<usize>, usize)> = BTreeMap::new();
    for &n in observed {
        for (depth, d) in dom
            .chain(ctx, ctx.redundancy.super_of[n])
            .into_iter()
            .enumerate()
        {
            let e = covers.entry(d).or_insert((Vec::new(), depth));
            e.0.push(n);
            e.1 = e.1.min(depth);
        }
    }
    for (s, (explained, depth)) in covers {
        if explained.len() < 2 {
            continue;
        }
        let members = &ctx.redundancy.supernodes[s];
        let single = !ctx.redundancy.super_redundant(s);
        let label = group_label(ctx, s);
        let names = node_ids(ctx, &explained).join(", ");
        let why = if single {
            format!(
                "every request to {names} passes through {label}, and it is a single instance: one fault there fails them all at once"
            )
        } else if members.len() == 1 {
            let ev = ctx.redundancy.node[members[0]]
                .evidence
                .as_deref()
                .map(|e| format!(" ({e})"))
                .unwrap_or_default();
            format!(
                "every request to {names} passes through {label}; it is declared redundant{ev}, so only a fault all its instances share (deployment, configuration, capacity) fails them all"
            )
        } else {
            format!(
                "every request to {names} passes through the redundant group {label}: all of its instances failing together (a shared deployment, configuration or capacity problem) fails them all"
            )
        };
        let cites = ctx.graph.inc[members[0]]
            .iter()
            .chain(members.iter().flat_map(|m| ctx.graph.out[*m].iter()))
            .map(|e| ctx.rel_id(ctx.graph.edges[*e].relationship).to_string())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        push_cause(
            causes,
            Cause {
                rank: 0,
                nodes: node_ids(ctx, members),
                kind: CauseKind::SharedUpstream,
                explains: node_ids(ctx, &explained),
                single_point: single,
                why,
                cites,
                order: (0, depth, 0),
            },
        );
    }
}

/// How a dependency is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Via {
    /// A synchronous call.
    Call,
    /// Publishing to a queue or broker.
    Publish,
    /// Deployed in it.
    Host,
    /// The broker a used queue is part of.
    Broker,
}

/// What `n` depends on: hard edges downstream, its hosts, and the broker around a queue it
/// uses; each with the shortest distance, how the first hop reaches it, and the path
/// (relationship ids, or words for hosting).
/// Dependency → (distance, how it is reached, path of relationship ids).
type Reach = BTreeMap<usize, (usize, Via, Vec<String>)>;

fn downstream_of(ctx: &Context, n: usize) -> Reach {
    let mut out: Reach = BTreeMap::new();
    let mut queue = VecDeque::from([(n, 0usize, Vec::<String>::new())]);
    let mut seen = BTreeSet::from([n]);
    while let Some((c, d, path)) = queue.pop_front() {
        if d >= MAX_DEPTH {
            continue;
        }
        let mut next: Vec<(usize, Via, String)> = Vec::new();
        for &e in &ctx.graph.out[c] {
            let e = &ctx.graph.edges[e];
            let via = match e.mode {
                EdgeMode::Sync => Via::Call,
                EdgeMode::Publish => Via::Publish,
                _ => continue,
            };
            next.push((e.destination, via, ctx.rel_id(e.relationship).to_string()));
        }
        for &h in &ctx.graph.hosts[c] {
            next.push((h, Via::Host, membership(ctx, c, h, true)));
        }
        if ctx.roles[c].role == Role::Queue {
            for &p in &ctx.graph.parents[c] {
                if ctx.roles[p].role == Role::Broker {
                    next.push((p, Via::Broker, membership(ctx, c, p, false)));
                }
            }
        }
        for (m, via, step) in next {
            if seen.insert(m) {
                let mut p = path.clone();
                p.push(step);
                // The first hop says how `n` reaches it; hosting anywhere makes it a host.
                let first = out.get(&c).map(|x| x.1);
                let kind = match (via, first) {
                    (Via::Host, None | Some(Via::Host)) => Via::Host,
                    (Via::Broker, _) => Via::Broker,
                    (via, None) => via,
                    (_, Some(f)) => f,
                };
                out.insert(m, (d + 1, kind, p.clone()));
                queue.push_back((m, d + 1, p));
            }
        }
    }
    out
}

/// The id of the deployed-in (or composed-of) relationship that puts `member` in `container`.
fn membership(ctx: &Context, member: usize, container: usize, deployed: bool) -> String {
    use crate::normalize::Kind;
    ctx.model
        .relationships
        .iter()
        .find(|r| match &r.kind {
            Kind::DeployedIn {
                container: c,
                nodes,
            } if deployed => *c == container && nodes.contains(&member),
            Kind::ComposedOf {
                container: c,
                nodes,
            } if !deployed => *c == container && nodes.contains(&member),
            _ => false,
        })
        .map(|r| r.id.clone())
        .unwrap_or_else(|| format!("{} in {}", ctx.node_id(member), ctx.node_id(container)))
}

fn role_words(ctx: &Context, n: usize) -> &'static str {
    match ctx.roles[n].role {
        Role::Database => "database",
        Role::Cache => "cache",
        Role::Storage => "storage",
        Role::Broker => "message broker",
        Role::Queue => "queue",
        Role::LoadBalancer => "load balancer",
        Role::Gateway => "gateway",
        Role::ExternalSystem => "external system",
        Role::Idp | Role::Directory => "identity provider",
        _ => "service",
    }
}

/// `per[i]`: what `observed[i]` depends on ([`downstream_of`]).
fn downstream_causes(
    ctx: &Context,
    facts: &OpsFacts,
    observed: &[usize],
    per: &[Reach],
    causes: &mut Vec<Cause>,
) {
    let mut all: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, d) in per.iter().enumerate() {
        for m in d.keys() {
            if !observed.contains(m) {
                all.entry(*m).or_default().push(i);
            }
        }
    }
    let single_observed = observed.len() == 1;
    for (m, who) in all {
        if !single_observed && who.len() < 2 {
            continue;
        }
        if ctx.roles[m].role.is_client_side() {
            continue;
        }
        let explained: Vec<usize> = who.iter().map(|i| observed[*i]).collect();
        let depth = who.iter().map(|i| per[*i][&m].0).max().unwrap_or(1);
        let via = per[who[0]][&m].1;
        let hosting = who.iter().any(|i| per[*i][&m].1 == Via::Host);
        let cites: Vec<String> = who
            .iter()
            .flat_map(|i| per[*i][&m].2.iter().cloned())
            .filter(|c| !c.contains(' '))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let names = node_ids(ctx, &explained).join(", ");
        let id = ctx.node_id(m);
        let what = role_words(ctx, m);
        let single = !ctx.is_redundant_node(m);
        let path = per[who[0]][&m].2.join(" → ");
        let (kind, mut why, rank_class) = if hosting {
            let k = if single_observed {
                CauseKind::Dependency
            } else {
                CauseKind::SharedHost
            };
            (
                k,
                format!(
                    "{names} run on {id} ({path}): when it fails or runs out of capacity, everything on it fails with it"
                ),
                if single_observed { 2 } else { 0 },
            )
        } else if single_observed {
            let why = match (via, depth) {
                (Via::Call, 1) => format!(
                    "{names} calls {what} {id} directly and waits for it: errors or slowness there surface as {names}'s own"
                ),
                (Via::Publish, 1) => format!(
                    "{names} publishes to {what} {id} and needs it to accept messages: when it is down or full, publishing blocks or fails"
                ),
                (Via::Broker, _) => format!(
                    "{names} publishes through {path}: a fault in {what} {id} stops the queue it uses"
                ),
                _ => format!(
                    "{names} depends on {what} {id} through {path}: a fault there propagates up the call chain"
                ),
            };
            let class = match (via, depth) {
                (Via::Call, 1) => 1,
                (_, 1) | (Via::Broker, 2) => 2,
                _ => 3,
            };
            (CauseKind::Dependency, why, class)
        } else {
            (
                CauseKind::SharedDependency,
                format!("{names} all depend on {what} {id}: one fault there explains all of them"),
                0,
            )
        };
        if !single {
            why += " (it is redundant: look for a fault its instances share)";
        }
        push_cause(
            causes,
            Cause {
                rank: 0,
                nodes: vec![id.to_string()],
                kind,
                explains: node_ids(ctx, &explained),
                single_point: single,
                why,
                cites,
                order: (rank_class, depth, 0),
            },
        );
        // Replication behind a database the observed nodes use.
        let is_primary =
            ctx.redundancy.group_of[m].and_then(|g| ctx.redundancy.groups[g].primary) == Some(m);
        if ctx.roles[m].role.is_datastore()
            && !is_primary
            && let Some(rep) = facts.nodes[m].get(Field::ReplicationLag)
        {
            let source = replication_source(ctx, m);
            let from = source.map(|s| format!(" from {s}")).unwrap_or_default();
            push_cause(
                causes,
                Cause {
                    rank: 0,
                    nodes: vec![format!("{id} replication")],
                    kind: CauseKind::Replication,
                    explains: node_ids(ctx, &explained),
                    single_point: false,
                    why: format!(
                        "{id} is replicated{from} ({} = {}): replication lag, or a replica catching up, makes reads from it slow or stale, and a lagging replica can hold connections",
                        rep.key, rep.value
                    ),
                    cites: vec![rep.cite()],
                    order: (rank_class.max(1), depth, 1),
                },
            );
        }
    }
}

/// The primary a replica replicates from, when the model says so (`replicates-from`
/// metadata, or the primary of its redundancy group).
fn replication_source(ctx: &Context, n: usize) -> Option<String> {
    if let Some(s) = ctx.model.nodes[n]
        .metadata
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("replicates-from"))
    {
        return Some(text(s.1));
    }
    let g = ctx.redundancy.group_of[n]?;
    let p = ctx.redundancy.groups[g].primary?;
    (p != n).then(|| ctx.node_id(p).to_string())
}

fn itself(ctx: &Context, n: usize, observed: usize) -> Cause {
    let id = ctx.node_id(n);
    Cause {
        rank: 0,
        nodes: vec![id.to_string()],
        kind: CauseKind::Itself,
        explains: vec![id.to_string()],
        single_point: !ctx.is_redundant_node(n),
        why: format!(
            "a fault in {id} itself (a bad deployment, exhausted resources or connection pools, its own failure modes){}",
            if observed > 1 {
                ": explains only its own symptoms"
            } else {
                ""
            }
        ),
        cites: vec![format!("{id}")],
        order: (2, 0, 0),
    }
}

fn flow_path_causes(ctx: &Context, f: usize, causes: &mut Vec<Cause>) {
    let info = &ctx.flows[f];
    let position = |s: usize| {
        info.request_nodes
            .iter()
            .chain(info.closure.iter())
            .position(|n| ctx.redundancy.super_of[*n] == s)
            .unwrap_or(usize::MAX)
    };
    for &s in &info.required_closure {
        let members = &ctx.redundancy.supernodes[s];
        if members.iter().all(|m| ctx.roles[*m].role.is_client_side()) {
            continue;
        }
        let single = !ctx.redundancy.super_redundant(s);
        let label = group_label(ctx, s);
        let why = if single {
            format!(
                "{} needs {label} and it is a single instance: if it fails, the flow stops",
                info.id
            )
        } else {
            format!(
                "{} needs {label}; it is redundant, so only a fault all its instances share stops the flow",
                info.id
            )
        };
        let cites = info
            .relationships
            .iter()
            .filter(|r| {
                let rel = &ctx.graph.by_relationship[**r];
                rel.iter().any(|e| {
                    let e = &ctx.graph.edges[*e];
                    members.contains(&e.source) || members.contains(&e.destination)
                })
            })
            .map(|r| ctx.rel_id(*r).to_string())
            .collect();
        push_cause(
            causes,
            Cause {
                rank: 0,
                nodes: node_ids(ctx, members),
                kind: CauseKind::OnFlowPath,
                explains: vec![info.id.clone()],
                single_point: single,
                why,
                cites,
                order: (0, position(s), 0),
            },
        );
    }
    for &n in &info.async_nodes {
        if ctx.roles[n].role.is_client_side() {
            continue;
        }
        let id = ctx.node_id(n);
        push_cause(
            causes,
            Cause {
                rank: 0,
                nodes: vec![id.to_string()],
                kind: CauseKind::AsyncOnFlow,
                explains: vec![info.id.clone()],
                single_point: !ctx.is_redundant_node(n),
                why: format!(
                    "{} reaches {id} asynchronously: if it fails, requests are accepted but the work waits (completion drops while submission succeeds)",
                    info.id
                ),
                cites: info
                    .relationships
                    .iter()
                    .filter(|r| {
                        ctx.graph.by_relationship[**r]
                            .iter()
                            .any(|e| ctx.graph.edges[*e].destination == n)
                    })
                    .map(|r| ctx.rel_id(*r).to_string())
                    .collect(),
                order: (1, usize::MAX, 0),
            },
        );
    }
}

fn latency_path(
    ctx: &Context,
    facts: &OpsFacts,
    n: usize,
    out: &mut Vec<Hop>,
    missing: &mut Missing,
) {
    let mut queue = VecDeque::from([(n, 0usize)]);
    let mut seen = BTreeSet::from([n]);
    let mut any_latency = false;
    while let Some((c, d)) = queue.pop_front() {
        if d >= MAX_DEPTH {
            continue;
        }
        for &e in &ctx.graph.out[c] {
            let e = &ctx.graph.edges[e];
            if !matches!(e.mode, EdgeMode::Sync | EdgeMode::Publish) {
                continue;
            }
            let rel = &ctx.model.relationships[e.relationship];
            let mut declared = Vec::new();
            for k in Field::Latency.keys() {
                if let Some((key, v)) = rel
                    .metadata
                    .iter()
                    .find(|(mk, _)| mk.eq_ignore_ascii_case(k))
                {
                    declared.push(Stated {
                        element: rel.id.clone(),
                        key: key.clone(),
                        value: text(v),
                    });
                }
            }
            for f in [Field::Latency, Field::ReplicationLag, Field::ConnectionPool] {
                if let Some(s) = facts.nodes[e.destination].get(f) {
                    declared.push(s.clone());
                }
            }
            if let Some(s) = facts.nodes[c].get(Field::ConnectionPool)
                && !declared.contains(s)
            {
                declared.push(s.clone());
            }
            any_latency |= declared.iter().any(|s| {
                Field::Latency
                    .keys()
                    .iter()
                    .any(|k| s.key.eq_ignore_ascii_case(k))
            });
            out.push(Hop {
                depth: d + 1,
                from: ctx.node_id(c).to_string(),
                to: ctx.node_id(e.destination).to_string(),
                relationship: rel.id.clone(),
                mode: mode_word(e.mode),
                protocol: e.protocol.clone(),
                declared,
            });
            if e.mode == EdgeMode::Sync && seen.insert(e.destination) {
                queue.push_back((e.destination, d + 1));
            }
        }
    }
    if !any_latency {
        missing.push(format!(
            "no latency is declared on {}'s synchronous path (add `latency` metadata to its relationships or nodes)",
            ctx.node_id(n)
        ));
    }
}

/// Words that say "errors" and "slow" in a report.
const ERROR_WORDS: &[&str] = &[
    "error",
    "errors",
    "fail",
    "failure",
    "failures",
    "failing",
    "500",
    "502",
    "503",
    "504",
    "5xx",
    "unavailable",
    "down",
    "outage",
    "timeout",
    "timeouts",
    "crash",
    "crashing",
    "refused",
];
const LATENCY_WORDS: &[&str] = &[
    "latency", "slow", "slowness", "p99", "p95", "timeout", "timeouts",
];
const STOP_WORDS: &[&str] = &[
    "the", "and", "for", "with", "from", "that", "this", "are", "not", "but", "has", "have", "our",
    "its", "into", "than", "when", "what", "all", "any", "just", "been", "after", "some", "very",
    "high", "spiked", "seeing",
];

/// Content words, lower case, a plural `s` dropped; a word right after a negation ("no errors in
/// logs", "without timeouts") is left out: the report says it is absent.
fn words(s: &str) -> BTreeSet<String> {
    let lower = s.to_lowercase();
    let tokens: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    tokens
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            !(*i > 0 && matches!(tokens[i - 1], "no" | "not" | "without" | "zero" | "never"))
        })
        .map(|(_, w)| *w)
        .filter(|w| w.len() >= 3 && !STOP_WORDS.contains(w))
        .map(|w| {
            w.strip_suffix('s')
                .filter(|x| x.len() >= 3)
                .unwrap_or(w)
                .to_string()
        })
        .collect()
}

fn match_failure_modes(
    ctx: &Context,
    facts: &OpsFacts,
    q: &Query,
    failing: &[usize],
    slow: &[usize],
    reach: &[Reach],
) -> Vec<MatchedFailureMode> {
    let mut query: BTreeSet<String> = q.symptom.as_deref().map(words).unwrap_or_default();
    if !failing.is_empty() {
        query.extend(ERROR_WORDS.iter().flat_map(|w| words(w)));
    }
    if !slow.is_empty() {
        query.extend(LATENCY_WORDS.iter().flat_map(|w| words(w)));
    }
    // Words of the model's own ids and names identify elements; they do not describe a symptom
    // ("order-service latency" must not match an "Order validation" failure mode).
    for n in &ctx.model.nodes {
        for w in words(&n.id).into_iter().chain(words(&n.name)) {
            query.remove(&w);
        }
    }
    if !failing.is_empty() || !slow.is_empty() {
        // The report's own words still count when they are symptoms ("errors", "latency").
        if !failing.is_empty() {
            query.extend(ERROR_WORDS.iter().flat_map(|w| words(w)));
        }
        if !slow.is_empty() {
            query.extend(LATENCY_WORDS.iter().flat_map(|w| words(w)));
        }
    }
    if query.is_empty() {
        return Vec::new();
    }
    // Where to look: the reported nodes (and what they depend on), else the whole model.
    let mut scope: Vec<usize> = failing.iter().chain(slow).copied().collect();
    for r in reach {
        scope.extend(r.keys().copied());
    }
    if scope.is_empty() {
        scope = (0..ctx.model.nodes.len()).collect();
    }
    let reported: BTreeSet<usize> = failing.iter().chain(slow).copied().collect();
    let mut seen = BTreeSet::new();
    let mut out: Vec<(usize, bool, usize, MatchedFailureMode)> = Vec::new();
    for (pos, &n) in scope.iter().enumerate() {
        if !seen.insert(n) {
            continue;
        }
        for m in &facts.nodes[n].failure_modes {
            let symptom = m.symptom.as_deref().map(words).unwrap_or_default();
            let cause = m.likely_cause.as_deref().map(words).unwrap_or_default();
            let hits: Vec<String> = query
                .iter()
                .filter(|w| symptom.contains(*w) || cause.contains(*w))
                .cloned()
                .collect();
            if hits.is_empty() {
                continue;
            }
            let score = hits.iter().filter(|w| symptom.contains(*w)).count() * 2
                + hits.iter().filter(|w| cause.contains(*w)).count();
            let points_to = m
                .likely_cause
                .as_deref()
                .map(|c| nodes_named(ctx, c, n))
                .unwrap_or_default();
            out.push((
                score,
                reported.contains(&n),
                pos,
                MatchedFailureMode {
                    cite: m.cite(),
                    mode: m.clone(),
                    matched: hits,
                    points_to,
                },
            ));
        }
    }
    out.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then(b.0.cmp(&a.0))
            .then(a.2.cmp(&b.2))
            .then(a.3.mode.index.cmp(&b.3.mode.index))
    });
    out.into_iter().map(|(_, _, _, m)| m).collect()
}

/// Nodes whose id or name (as words) appears in `text`, other than `except`.
fn nodes_named(ctx: &Context, text: &str, except: usize) -> Vec<String> {
    let t: Vec<String> = text
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    let contains = |phrase: &str| {
        let p: Vec<&str> = phrase
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        !p.is_empty()
            && t.windows(p.len())
                .any(|w| w.iter().zip(&p).all(|(a, b)| a == b))
    };
    ctx.model
        .nodes
        .iter()
        .enumerate()
        .filter(|(i, n)| {
            *i != except
                && !ctx.roles[*i].role.is_client_side()
                && (contains(&n.id.to_lowercase()) || contains(&n.name.to_lowercase()))
        })
        .map(|(_, n)| n.id.clone())
        .collect()
}

fn investigation(
    ctx: &Context,
    facts: &OpsFacts,
    t: &Triage,
    slow: &[usize],
    missing: &mut Missing,
) -> Vec<Step> {
    let mut order: Vec<(usize, String)> = Vec::new();
    let add = |n: usize, reason: String, order: &mut Vec<(usize, String)>| {
        if !order.iter().any(|(m, _)| *m == n) && !ctx.roles[n].role.is_client_side() {
            order.push((n, reason));
        }
    };
    // Latency is measured at the slow node: start from its own dashboard.
    for &n in slow {
        add(
            n,
            "reported slow: confirm where the time goes".into(),
            &mut order,
        );
    }
    for c in &t.causes {
        for id in &c.nodes {
            let id = id.strip_suffix(" replication").unwrap_or(id);
            if let Some(n) = ctx.node_idx(id) {
                add(
                    n,
                    format!("cause #{} ({})", c.rank, c.kind.as_str()),
                    &mut order,
                );
            }
        }
    }
    for id in &t.failing {
        if let Some(n) = ctx.node_idx(id) {
            add(n, "reported failing".into(), &mut order);
        }
    }
    order.truncate(MAX_STEPS);
    order
        .into_iter()
        .enumerate()
        .map(|(i, (n, reason))| {
            let ops = &facts.nodes[n];
            let id = ctx.node_id(n);
            let role = ctx.roles[n].role;
            if ops.get(Field::HealthEndpoint).is_none()
                && !role.is_datastore()
                && !role.is_messaging()
            {
                missing.push(format!("{id} declares no health endpoint"));
            }
            if ops.get(Field::Dashboard).is_none() {
                missing.push(format!("{id} declares no dashboard"));
            }
            let checks = t
                .failure_modes
                .iter()
                .filter(|m| m.mode.element == id)
                .filter_map(|m| m.mode.check.clone().map(|c| (m.cite.clone(), c)))
                .collect();
            Step {
                order: i + 1,
                element: id.to_string(),
                reason,
                health_endpoint: ops.get(Field::HealthEndpoint).cloned(),
                dashboard: ops.get(Field::Dashboard).cloned(),
                log_query: ops.get(Field::LogQuery).cloned(),
                alerts: ops.get(Field::Alerts).cloned(),
                runbook: ops.get(Field::Runbook).cloned(),
                checks,
            }
        })
        .collect()
}

fn contacts(
    ctx: &Context,
    facts: &OpsFacts,
    t: &Triage,
    flows: &[usize],
    missing: &mut Missing,
) -> Vec<Contact> {
    let mut ids: Vec<usize> = Vec::new();
    let mut add = |n: usize| {
        if !ids.contains(&n) && !ctx.roles[n].role.is_client_side() {
            ids.push(n);
        }
    };
    for s in &t.investigation {
        if let Some(n) = ctx.node_idx(&s.element) {
            add(n);
        }
    }
    for &f in flows {
        for &n in ctx.flows[f]
            .request_nodes
            .iter()
            .chain(&ctx.flows[f].async_nodes)
        {
            add(n);
        }
    }
    for m in &t.failure_modes {
        for p in &m.points_to {
            if let Some(n) = ctx.node_idx(p) {
                add(n);
            }
        }
    }
    ids.into_iter()
        .map(|n| {
            let ops = &facts.nodes[n];
            let id = ctx.node_id(n);
            let db = ctx.roles[n].role.is_datastore();
            if ops.get(Field::Owner).is_none() {
                missing.push(format!("{id} declares no owner"));
            }
            if ops.get(Field::Oncall).is_none() && !db {
                missing.push(format!("{id} declares no on-call channel"));
            }
            if db && ops.get(Field::DbaContact).is_none() {
                missing.push(format!("{id} declares no DBA contact"));
            }
            Contact {
                element: id.to_string(),
                owner: ops.get(Field::Owner).cloned(),
                oncall: ops.get(Field::Oncall).cloned(),
                escalation: ops.get(Field::Escalation).cloned(),
                dba_contact: ops.get(Field::DbaContact).cloned(),
                runbook: ops.get(Field::Runbook).cloned(),
            }
        })
        .collect()
}
