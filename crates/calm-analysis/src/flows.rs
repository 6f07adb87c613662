//! Flows: the explicit CALM flows and, for the actors they leave out (or when there are none),
//! implicit journeys, derived from the graph-level pieces alone (normalised model, roles,
//! dependency graph), with the per-node and per-relationship indices built from them.

use crate::availability::{self, FlowAvailability};
use crate::context::{Context, ReviewConfig, criticality_of, map_any};
use crate::graph::{EdgeMode, Graph};
use crate::normalize::Model;
use crate::roles::{Role, RoleInfo};

/// Per-flow analysis (an explicit CALM flow, or an implicit actor journey when there are none).
#[derive(Debug, Clone)]
pub struct FlowInfo {
    /// Index in `model.flows`; `None` for an implicit journey.
    pub index: Option<usize>,
    pub id: String,
    pub name: String,
    pub implicit: bool,
    /// Actors that start the flow.
    pub actors: Vec<usize>,
    /// Every node the transitions touch, in order of first appearance.
    pub nodes: Vec<usize>,
    /// Relationships of the flow (deduplicated, in order).
    pub relationships: Vec<usize>,
    /// Provider nodes on the request path as modelled (no actors/clients, async side cut).
    pub request_nodes: Vec<usize>,
    /// Nodes only reached through async delivery: they degrade, they do not break the flow.
    pub async_nodes: Vec<usize>,
    /// `request_nodes` plus their synchronous dependencies the flow omits (§3.6 "closure").
    pub closure: Vec<usize>,
    /// 1 (low) … 4 (critical). For an explicit flow set with `criticality_source` once the
    /// context is assembled (it may come from an availability target, which is read through a
    /// [`Context`]).
    pub criticality: u8,
    pub criticality_source: String,
    /// Supernodes whose loss breaks the flow (dominators of the flow's nodes from its entry,
    /// plus the nodes themselves), as modelled and with closure. Sorted. From the single points
    /// of failure analysis.
    pub required: Vec<usize>,
    pub required_closure: Vec<usize>,
    /// Estimated once the context is assembled.
    pub availability: FlowAvailability,
}

/// The graph-level pieces flows are derived from: the normalised model, the roles and the
/// dependency graph (borrowed; [`Context::topology`] and the build stages hand them out).
#[derive(Clone, Copy)]
pub struct Topology<'t> {
    pub model: &'t Model,
    pub roles: &'t [RoleInfo],
    pub graph: &'t Graph,
}

impl Topology<'_> {
    /// Where journeys start: actors that use something, and client software (a CLI, an IDE
    /// extension, an app) that nothing calls and no actor reaches. Sorted.
    pub fn journey_roots(&self) -> Vec<usize> {
        let mut roots: Vec<usize> = self
            .graph
            .actors
            .iter()
            .copied()
            .filter(|a| !self.graph.out[*a].is_empty())
            .collect();
        let reached = self.request_closure(&roots);
        let mut seen = vec![false; self.model.nodes.len()];
        for n in reached {
            seen[n] = true;
        }
        for (n, &in_journey) in seen.iter().enumerate() {
            if self.roles[n].role == Role::Client
                && !in_journey
                && self.graph.inc[n].is_empty()
                && !self.graph.out[n].is_empty()
            {
                roots.push(n);
            }
        }
        // Server-side entry nodes that nothing calls and no journey reaches: their callers are
        // not modelled (a backend-for-frontend whose apps are not wired to it, a worker that
        // polls). Their requests are journeys too. Only when the model has some journey root
        // already; without any, `implicit_journeys` starts from every such node anyway.
        if !roots.is_empty() {
            let reached = self.request_closure(&roots);
            for n in reached {
                seen[n] = true;
            }
            for (n, &in_journey) in seen.iter().enumerate() {
                if !in_journey
                    && self.graph.inc[n].is_empty()
                    && self.graph.out[n]
                        .iter()
                        .any(|e| self.graph.edges[*e].mode.is_hard())
                    && self.graph.children[n].is_empty()
                    && self.graph.hosted[n].is_empty()
                    && !self.roles[n].role.is_client_side()
                    && self.roles[n].role != Role::Actor
                    && !self.roles[n].side_effect
                {
                    roots.push(n);
                }
            }
        }
        roots.sort_unstable();
        roots
    }

    /// The flow's request nodes plus the synchronous dependencies the flow omits (§3.6 closure).
    /// Routing nodes (load balancers, gateways, WAF, CDN) are not expanded: each request takes
    /// one of their routes, and the flow's transitions already say which.
    pub fn flow_closure(&self, request: &[usize]) -> Vec<usize> {
        let mut seen = vec![false; self.model.nodes.len()];
        let mut out: Vec<usize> = Vec::new();
        for r in request {
            if !seen[*r] {
                seen[*r] = true;
                out.push(*r);
            }
        }
        let mut i = 0;
        while i < out.len() {
            let n = out[i];
            i += 1;
            if matches!(
                self.roles[n].role,
                Role::LoadBalancer | Role::Gateway | Role::Waf | Role::Cdn
            ) {
                continue;
            }
            for e in &self.graph.out[n] {
                let e = &self.graph.edges[*e];
                if matches!(e.mode, EdgeMode::Sync | EdgeMode::Publish) && !seen[e.destination] {
                    seen[e.destination] = true;
                    out.push(e.destination);
                }
            }
        }
        out
    }

    /// The request path an inferred journey follows from `start`: hard (entry, sync, publish)
    /// edges, without entering side-effect sinks (telemetry, audit, notification) and without
    /// going past a broker or queue (delivery is asynchronous). In BFS order.
    pub fn request_closure(&self, start: &[usize]) -> Vec<usize> {
        self.walk(
            start,
            |n| start.contains(&n) || !self.roles[n].role.is_messaging(),
            |e| e.mode.is_hard() && !self.roles[e.destination].side_effect,
        )
    }

    /// Breadth-first walk from `start`: leaves a node only when `expand` says so, and follows
    /// the edges `follow` accepts. `start` first, then each node once, in BFS order.
    fn walk(
        &self,
        start: &[usize],
        expand: impl Fn(usize) -> bool,
        follow: impl Fn(&crate::graph::Edge) -> bool,
    ) -> Vec<usize> {
        let mut seen = vec![false; self.model.nodes.len()];
        let mut out = Vec::new();
        let mut queue = std::collections::VecDeque::new();
        for s in start {
            if !seen[*s] {
                seen[*s] = true;
                out.push(*s);
                queue.push_back(*s);
            }
        }
        while let Some(n) = queue.pop_front() {
            if !expand(n) {
                continue;
            }
            for e in &self.graph.out[n] {
                let e = &self.graph.edges[*e];
                if follow(e) && !seen[e.destination] {
                    seen[e.destination] = true;
                    out.push(e.destination);
                    queue.push_back(e.destination);
                }
            }
        }
        out
    }

    /// The edge brings traffic in from the client side: an actor's `interacts`, or a call from
    /// client software (browser app, CLI, IDE extension).
    pub fn is_entry_edge(&self, e: &crate::graph::Edge) -> bool {
        e.mode == EdgeMode::Entry || self.roles[e.source].role.is_client_side()
    }

    /// `start` plus everything reachable over hard (sync/publish) edges, in BFS order.
    pub fn sync_closure(&self, start: &[usize]) -> Vec<usize> {
        self.walk(
            start,
            |_| true,
            |e| matches!(e.mode, EdgeMode::Sync | EdgeMode::Publish | EdgeMode::Entry),
        )
    }

    /// Explicit CALM flows, in model order (criticality, required sets and availability come
    /// later: see [`FlowInfo`]).
    fn explicit_flows(&self) -> Vec<FlowInfo> {
        let mut out = Vec::new();
        for (fi, f) in self.model.flows.iter().enumerate() {
            let mut nodes: Vec<usize> = Vec::new();
            let mut rels: Vec<usize> = Vec::new();
            let mut actors: Vec<usize> = Vec::new();
            let mut request: Vec<usize> = Vec::new();
            let mut asyncs: Vec<usize> = Vec::new();
            let push = |v: &mut Vec<usize>, n: usize| {
                if !v.contains(&n) {
                    v.push(n);
                }
            };
            for t in f.transitions.iter().filter(|t| !t.reverse) {
                let Some(r) = t.relationship else { continue };
                push(&mut rels, r);
                for e in self.graph.by_relationship[r]
                    .iter()
                    .map(|i| &self.graph.edges[*i])
                {
                    let (s, d) = (e.source, e.destination);
                    push(&mut nodes, s);
                    push(&mut nodes, d);
                    if self.roles[s].role.is_client_side() {
                        push(&mut actors, s);
                    } else if !asyncs.contains(&s) {
                        push(&mut request, s);
                    }
                    let src_async = asyncs.contains(&s);
                    if self.roles[d].role.is_client_side() {
                        continue;
                    }
                    if src_async || matches!(e.mode, EdgeMode::Deliver | EdgeMode::Batch) {
                        if !request.contains(&d) {
                            push(&mut asyncs, d);
                        }
                    } else {
                        push(&mut request, d);
                    }
                }
            }
            // Reverse-only transitions still name their nodes.
            for t in f.transitions.iter().filter(|t| t.reverse) {
                if let Some(r) = t.relationship {
                    push(&mut rels, r);
                }
            }
            request.retain(|n| {
                !matches!(self.roles[*n].role, Role::DataAsset)
                    || self.roles[*n].role.is_messaging()
            });
            let closure = self.flow_closure(&request);
            out.push(FlowInfo {
                index: Some(fi),
                id: f.id.clone(),
                name: f.name.clone(),
                implicit: false,
                actors,
                nodes,
                relationships: rels,
                request_nodes: request,
                async_nodes: asyncs,
                closure,
                criticality: 0,
                criticality_source: String::new(),
                required: Vec::new(),
                required_closure: Vec::new(),
                availability: FlowAvailability::default(),
            });
        }
        out
    }

    /// No flows: one implicit journey per journey root (actor or client software), or per entry
    /// node when there are neither. Caps the journeys at `config.max_implicit_flows`, with a note in `notes` when it does.
    fn implicit_journeys(
        &self,
        covered: &[usize],
        config: &ReviewConfig,
        notes: &mut Vec<String>,
    ) -> Vec<FlowInfo> {
        let mut roots: Vec<usize> = self.journey_roots();
        let no_actors = roots.is_empty() && covered.is_empty();
        roots.retain(|r| covered.binary_search(r).is_err());
        if roots.is_empty() && !no_actors {
            return Vec::new();
        }
        if no_actors {
            roots = (0..self.model.nodes.len())
                .filter(|n| {
                    self.graph.inc[*n].is_empty()
                        && !self.graph.out[*n].is_empty()
                        && self.graph.children[*n].is_empty()
                        && self.graph.hosted[*n].is_empty()
                })
                .collect();
        }
        if roots.len() > config.max_implicit_flows {
            notes.push(format!(
                "{} entry points without flows: implicit journeys capped at {}",
                roots.len(),
                config.max_implicit_flows
            ));
            roots.truncate(config.max_implicit_flows);
        }
        let mut out = Vec::new();
        for r in roots {
            let reach = self.request_closure(&[r]);
            let request: Vec<usize> = reach
                .iter()
                .copied()
                .filter(|n| *n != r && !self.roles[*n].role.is_client_side())
                .collect();
            let server_root = !self.roles[r].role.is_client_side();
            if request.is_empty() && !no_actors {
                continue;
            }
            // A server-side root (an entry node nothing calls) is itself on its request path.
            let request = if no_actors || server_root {
                std::iter::once(r).chain(request).collect()
            } else {
                request
            };
            let rels: Vec<usize> = {
                let mut v: Vec<usize> = self.graph.out[r]
                    .iter()
                    .map(|e| self.graph.edges[*e].relationship)
                    .collect();
                v.dedup();
                v
            };
            let actors = if no_actors || server_root {
                Vec::new()
            } else {
                vec![r]
            };
            let (criticality, source) = (2, "default (implicit journey)".to_string());
            out.push(FlowInfo {
                index: None,
                id: format!("journey:{}", self.model.nodes[r].id),
                name: format!(
                    "{} journey (implicit)",
                    self.model.nodes[r]
                        .name
                        .clone()
                        .max(self.model.nodes[r].id.clone())
                ),
                implicit: true,
                actors,
                nodes: std::iter::once(r).chain(request.iter().copied()).collect(),
                relationships: rels,
                closure: request.clone(),
                request_nodes: request,
                async_nodes: Vec::new(),
                criticality,
                criticality_source: source,
                required: Vec::new(),
                required_closure: Vec::new(),
                availability: FlowAvailability::default(),
            });
        }
        out
    }
}

/// The flows of a model, with the indices that need nothing but the flows.
pub struct Flows {
    pub flows: Vec<FlowInfo>,
    /// Per node: indices of the flows whose request path or closure contains it (sorted).
    pub node_flows: Vec<Vec<usize>>,
    /// Per relationship: indices of the explicit flows that use it (sorted).
    pub rel_flows: Vec<Vec<usize>>,
    /// Per node: indices of the flows whose `async_nodes` contain it (sorted).
    pub async_flows: Vec<Vec<usize>>,
    /// Distinct entry sets (a flow's `actors`), and per flow the index of its entry set.
    pub entry_sets: Vec<Vec<usize>>,
    pub flow_entry_set: Vec<usize>,
    /// Notes about analysis limits (the cap on implicit journeys).
    pub notes: Vec<String>,
}

impl Flows {
    /// The explicit flows, then implicit journeys for the journey roots no flow covers (for
    /// every root when the model has no flows), and their indices.
    pub fn derive(topology: Topology, config: &ReviewConfig) -> Flows {
        let mut notes = Vec::new();
        let mut flows = topology.explicit_flows();
        if flows.is_empty() {
            flows = topology.implicit_journeys(&[], config, &mut notes);
        } else {
            // Journey roots that no declared flow starts from (an actor the flows leave out)
            // still have journeys: inferred ones, so that their weak points are seen too.
            let mut covered: Vec<usize> = Vec::new();
            for f in &flows {
                covered.extend(f.actors.iter().copied());
                covered.extend(f.request_nodes.iter().copied());
            }
            covered.sort_unstable();
            covered.dedup();
            let extra = topology.implicit_journeys(&covered, config, &mut notes);
            flows.extend(extra);
        }
        let nodes = topology.model.nodes.len();
        let node_flows = flow_index(&flows, nodes, |f| f.closure.iter().chain(&f.request_nodes));
        let rel_flows = flow_index(&flows, topology.model.relationships.len(), |f| {
            f.relationships.iter()
        });
        let async_flows = flow_index(&flows, nodes, |f| f.async_nodes.iter());
        let mut entry_sets: Vec<Vec<usize>> = Vec::new();
        let mut flow_entry_set = Vec::new();
        let mut set_index: std::collections::BTreeMap<Vec<usize>, usize> = Default::default();
        for f in &flows {
            let mut key = f.actors.clone();
            key.sort_unstable();
            let next = set_index.len();
            let i = *set_index.entry(key.clone()).or_insert(next);
            if i == entry_sets.len() {
                entry_sets.push(key);
            }
            flow_entry_set.push(i);
        }
        Flows {
            flows,
            node_flows,
            rel_flows,
            async_flows,
            entry_sets,
            flow_entry_set,
            notes,
        }
    }
}

/// Per element (`len` of them): the indices of the flows whose `members` contain it, in flow
/// order, each once.
pub(crate) fn flow_index<'f, I>(
    flows: &'f [FlowInfo],
    len: usize,
    members: impl Fn(&'f FlowInfo) -> I,
) -> Vec<Vec<usize>>
where
    I: Iterator<Item = &'f usize>,
{
    let mut index = vec![Vec::new(); len];
    for (fi, f) in flows.iter().enumerate() {
        for n in members(f) {
            if index[*n].last() != Some(&fi) {
                index[*n].push(fi);
            }
        }
    }
    index
}

/// Criticality of the explicit flow `fi` (index in `model.flows`) and where it comes from:
/// flow metadata, else an availability target of 99.9 % or more, else the default.
pub(crate) fn flow_criticality(ctx: &Context, fi: usize) -> (u8, String) {
    let f = &ctx.model.flows[fi];
    let keys = [
        "business-criticality",
        "criticality",
        "tier",
        "sla-tier",
        "priority",
    ];
    if let Some((k, v)) = map_any(&f.metadata, &keys)
        && let Some(c) = criticality_of(v)
    {
        return (
            c,
            format!("flow metadata {k}: {}", crate::redundancy::compact(v)),
        );
    }
    if let Some((t, src)) = availability::flow_target(ctx, fi)
        && t.value.is_some_and(|v| v >= 0.999)
    {
        return (
            4,
            format!(
                "availability target {} ({src})",
                availability::pct(t.value.unwrap_or(0.0))
            ),
        );
    }
    (2, "default (no criticality declared)".into())
}
