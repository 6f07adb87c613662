//! [`Context`]: everything a rule reads (normalised model, roles, graph, redundancy, flows with
//! their required supernodes and availability), plus lookup helpers and the finding builder.

use crate::availability::{self, FlowAvailability};
use crate::blast::{self, Blast};
use crate::finding::{
    Category, Confidence, Evidence, Finding, FindingLocation, FixSuggestion, Severity,
};
use crate::graph::{EdgeMode, Graph};
use crate::normalize::{Control, Model};
use crate::redundancy::Redundancy;
use crate::roles::{self, Role, RoleInfo};
use crate::rules::RuleMeta;
use crate::spof::{self, Spof};
use calm_model::Document;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// Tunables of the review (defaults from advisor-design.md; every default that feeds a number in
/// the output is listed under `assumptions`).
#[derive(Debug, Clone)]
pub struct ReviewConfig {
    /// Longest acceptable synchronous chain (hops) before RES-08 fires.
    pub max_sync_depth: usize,
    /// Entry points analysed with their own dominator tree; the rest share one virtual root
    /// (dominators are O(V²) per entry in the worst case).
    pub max_dominator_roots: usize,
    /// Cap on synthesized implicit flows when the model has none.
    pub max_implicit_flows: usize,
}

impl Default for ReviewConfig {
    fn default() -> Self {
        ReviewConfig {
            max_sync_depth: 4,
            max_dominator_roots: 64,
            max_implicit_flows: 200,
        }
    }
}

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
    /// 1 (low) … 4 (critical).
    pub criticality: u8,
    pub criticality_source: String,
    /// Supernodes whose loss breaks the flow (dominators of the flow's nodes from its entry,
    /// plus the nodes themselves), as modelled and with closure. Sorted.
    pub required: Vec<usize>,
    pub required_closure: Vec<usize>,
    pub availability: FlowAvailability,
}

/// Everything a rule needs.
pub struct Context<'a> {
    pub doc: &'a Document,
    pub model: Model,
    pub roles: Vec<RoleInfo>,
    pub graph: Graph,
    pub redundancy: Redundancy,
    pub flows: Vec<FlowInfo>,
    pub spof: Spof,
    /// Per node: indices of the flows whose request path or closure contains it (sorted).
    pub node_flows: Vec<Vec<usize>>,
    /// Per supernode: indices of the flows whose `required_closure` contains it (sorted).
    pub super_flows: Vec<Vec<usize>>,
    /// Per relationship: indices of the explicit flows that use it (sorted).
    pub rel_flows: Vec<Vec<usize>>,
    /// Per node: indices of the flows whose `async_nodes` contain it (sorted); lets a blast find
    /// degraded flows without scanning every flow.
    pub async_flows: Vec<Vec<usize>>,
    /// Per supernode: actors whose journey requires it (sorted); same purpose for actors.
    pub super_actors: Vec<Vec<usize>>,
    /// Distinct entry sets (a flow's `actors`), and per flow the index of its entry set: flows
    /// that start from the same actors share one reachability walk in a multi-node blast.
    pub entry_sets: Vec<Vec<usize>>,
    pub flow_entry_set: Vec<usize>,
    pub config: ReviewConfig,
    /// Availability factors per supernode, filled on first use.
    pub factor_cache: availability::FactorCache,
    /// Notes about analysis limits (caps hit, implicit flows), printed as assumptions.
    pub notes: Vec<String>,
}

impl<'a> Context<'a> {
    pub fn build(doc: &'a Document, config: ReviewConfig) -> Context<'a> {
        let model = Model::build(doc);
        let roles = roles::infer(&model);
        let graph = Graph::build(&model, &roles);
        let redundancy = Redundancy::build(&model, &roles, &graph);
        let mut ctx = Context {
            doc,
            model,
            roles,
            graph,
            redundancy,
            flows: Vec::new(),
            spof: Spof::default(),
            node_flows: Vec::new(),
            super_flows: Vec::new(),
            rel_flows: Vec::new(),
            async_flows: Vec::new(),
            super_actors: Vec::new(),
            entry_sets: Vec::new(),
            flow_entry_set: Vec::new(),
            factor_cache: availability::FactorCache::default(),
            config,
            notes: Vec::new(),
        };
        ctx.flows = ctx.flow_infos();
        let mut node_flows = vec![Vec::new(); ctx.model.nodes.len()];
        for (fi, f) in ctx.flows.iter().enumerate() {
            for n in f.closure.iter().chain(&f.request_nodes) {
                if node_flows[*n].last() != Some(&fi) {
                    node_flows[*n].push(fi);
                }
            }
        }
        ctx.node_flows = node_flows;
        let mut rel_flows = vec![Vec::new(); ctx.model.relationships.len()];
        for (fi, f) in ctx.flows.iter().enumerate() {
            for r in &f.relationships {
                if rel_flows[*r].last() != Some(&fi) {
                    rel_flows[*r].push(fi);
                }
            }
        }
        ctx.rel_flows = rel_flows;
        let mut set_index: std::collections::BTreeMap<Vec<usize>, usize> = Default::default();
        for f in &ctx.flows {
            let mut key = f.actors.clone();
            key.sort_unstable();
            let next = set_index.len();
            let i = *set_index.entry(key.clone()).or_insert(next);
            if i == ctx.entry_sets.len() {
                ctx.entry_sets.push(key);
            }
            ctx.flow_entry_set.push(i);
        }
        ctx.spof = spof::analyse(&ctx);
        for (fi, req) in ctx.spof.required.clone().into_iter().enumerate() {
            ctx.flows[fi].required = req.0;
            ctx.flows[fi].required_closure = req.1;
        }
        let mut super_flows = vec![Vec::new(); ctx.redundancy.supernodes.len()];
        for (fi, f) in ctx.flows.iter().enumerate() {
            for s in &f.required_closure {
                super_flows[*s].push(fi);
            }
        }
        ctx.super_flows = super_flows;
        let mut async_flows = vec![Vec::new(); ctx.model.nodes.len()];
        for (fi, f) in ctx.flows.iter().enumerate() {
            for n in &f.async_nodes {
                if async_flows[*n].last() != Some(&fi) {
                    async_flows[*n].push(fi);
                }
            }
        }
        ctx.async_flows = async_flows;
        let mut super_actors = vec![Vec::new(); ctx.redundancy.supernodes.len()];
        for (a, req) in &ctx.spof.journeys {
            for s in req {
                super_actors[*s].push(*a);
            }
        }
        for v in &mut super_actors {
            v.sort_unstable();
            v.dedup();
        }
        ctx.super_actors = super_actors;
        ctx.factor_cache = availability::FactorCache::new(ctx.redundancy.supernodes.len());
        for fi in 0..ctx.flows.len() {
            ctx.flows[fi].availability =
                availability::estimate_flow(&ctx, fi, &availability::Overrides::default());
        }
        let notes = ctx.spof.notes.clone();
        ctx.notes.extend(notes);
        ctx
    }

    // ---- lookups ----

    pub fn node_id(&self, n: usize) -> &str {
        &self.model.nodes[n].id
    }
    pub fn role(&self, n: usize) -> Role {
        self.roles[n].role
    }
    /// The node is in a redundancy group or declares ≥ 2 instances.
    pub fn is_redundant_node(&self, n: usize) -> bool {
        self.redundancy.is_redundant(n)
    }
    pub fn node_idx(&self, id: &str) -> Option<usize> {
        self.model.node_idx(id)
    }
    pub fn rel_id(&self, r: usize) -> &str {
        &self.model.relationships[r].id
    }
    /// A readable label: `Name (id)` or the id.
    pub fn label(&self, n: usize) -> String {
        let nd = &self.model.nodes[n];
        if nd.name.is_empty() || nd.name == nd.id {
            nd.id.clone()
        } else {
            format!("{} ({})", nd.name, nd.id)
        }
    }
    pub fn supernode_label(&self, s: usize) -> String {
        let m = &self.redundancy.supernodes[s];
        if m.len() == 1 {
            self.node_id(m[0]).to_string()
        } else {
            format!(
                "[{}]",
                m.iter()
                    .map(|i| self.node_id(*i))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    }

    /// First metadata key present on the node (case-insensitive), with its value.
    pub fn metadata_any(&self, node: usize, keys: &[&str]) -> Option<(String, &Value)> {
        map_any(&self.model.nodes[node].metadata, keys)
    }
    /// First inline control config key present on the node's controls.
    pub fn config_any(&self, node: usize, keys: &[&str]) -> Option<(String, String, &Value)> {
        controls_any(&self.model.nodes[node].controls, keys)
    }
    /// Controls of the architecture, a node, a relationship or a flow whose id, description or
    /// requirement-url contains one of `words`.
    pub fn controls_matching<'c>(controls: &'c [Control], words: &[&str]) -> Vec<&'c Control> {
        controls
            .iter()
            .filter(|c| {
                let h = c.haystack();
                words.iter().any(|w| h.contains(w))
            })
            .collect()
    }
    /// Hard (request-path) successors of a node: sync, publish and entry edges.
    pub fn hard_successors(&self, n: usize) -> impl Iterator<Item = usize> + '_ {
        self.graph.out[n]
            .iter()
            .map(|e| &self.graph.edges[*e])
            .filter(|e| e.mode.is_hard())
            .map(|e| e.destination)
    }
    /// Flows (explicit or implicit) that include the node on their request path or closure.
    /// (Precomputed: `ctx.node_flows[n]` is the same list without a copy.)
    pub fn flows_with(&self, n: usize) -> Vec<usize> {
        self.node_flows[n].clone()
    }
    /// What breaks and degrades when `nodes` fail together.
    pub fn blast(&self, nodes: &[usize]) -> Blast {
        blast::blast(self, nodes)
    }
    /// Whether any flow is explicit.
    pub fn has_explicit_flows(&self) -> bool {
        self.flows.iter().any(|f| !f.implicit)
    }

    /// Start a finding of `rule` about the elements `ids` (the first is the primary element; the
    /// id of the finding is `rule@ids[0]@ids[1]…`).
    pub fn finding(&self, rule: &'static RuleMeta, ids: &[&str]) -> FindingBuilder<'_, 'a> {
        FindingBuilder {
            ctx: self,
            rule,
            ids: ids.iter().map(|s| s.to_string()).collect(),
            variant: String::new(),
            title: String::new(),
            likelihood: 3,
            impact: 3,
            cap: None,
            confidence: Confidence::High,
            nodes: Vec::new(),
            relationships: Vec::new(),
            flows: Vec::new(),
            evidence: Vec::new(),
            metrics: Map::new(),
            rationale: String::new(),
            recommendation: String::new(),
            fix: None,
            weight: 0,
        }
    }

    fn location_of(&self, id: &str) -> FindingLocation {
        let (kind, pointer) = if let Some(i) = self.model.node_idx(id) {
            ("node", self.model.nodes[i].pointer.clone())
        } else if let Some(i) = self.model.rel_idx(id) {
            ("relationship", self.model.relationships[i].pointer.clone())
        } else if let Some(i) = self.model.flow_idx(id) {
            ("flow", self.model.flows[i].pointer.clone())
        } else if id.starts_with("/controls")
            || id.starts_with("/nodes/")
            || id.starts_with("/relationships/")
            || id.starts_with("/flows/")
        {
            ("control", id.to_string())
        } else {
            ("architecture", String::new())
        };
        let loc = self.doc.locate(&pointer);
        FindingLocation {
            kind: kind.to_string(),
            unique_id: (kind != "architecture" && kind != "control").then(|| id.to_string()),
            json_pointer: pointer,
            start_line: loc.line_start.max(1),
            start_column: loc.character_start + 1,
            end_line: loc.line_end.max(1),
            end_column: loc.character_end + 1,
        }
    }

    fn flow_infos(&mut self) -> Vec<FlowInfo> {
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
            let (criticality, source) = self.flow_criticality(fi);
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
                criticality,
                criticality_source: source,
                required: Vec::new(),
                required_closure: Vec::new(),
                availability: FlowAvailability::default(),
            });
        }
        if out.is_empty() {
            out = self.implicit_journeys(&[]);
        } else {
            // Journey roots that no declared flow starts from (an actor the flows leave out)
            // still have journeys: inferred ones, so that their weak points are seen too.
            let mut covered: Vec<usize> = Vec::new();
            for f in &out {
                covered.extend(f.actors.iter().copied());
                covered.extend(f.request_nodes.iter().copied());
            }
            covered.sort_unstable();
            covered.dedup();
            let extra = self.implicit_journeys(&covered);
            out.extend(extra);
        }
        out
    }

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
        for n in 0..self.model.nodes.len() {
            if self.roles[n].role == Role::Client
                && !seen[n]
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
            for n in 0..self.model.nodes.len() {
                if !seen[n]
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

    /// No flows: one implicit journey per journey root (actor or client software), or per entry
    /// node when there are neither.
    fn implicit_journeys(&mut self, covered: &[usize]) -> Vec<FlowInfo> {
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
        if roots.len() > self.config.max_implicit_flows {
            self.notes.push(format!(
                "{} entry points without flows: implicit journeys capped at {}",
                roots.len(),
                self.config.max_implicit_flows
            ));
            roots.truncate(self.config.max_implicit_flows);
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
            if !start.contains(&n) && self.roles[n].role.is_messaging() {
                continue;
            }
            for e in &self.graph.out[n] {
                let e = &self.graph.edges[*e];
                let d = e.destination;
                if e.mode.is_hard() && !seen[d] && !self.roles[d].side_effect {
                    seen[d] = true;
                    out.push(d);
                    queue.push_back(d);
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
            for e in &self.graph.out[n] {
                let e = &self.graph.edges[*e];
                if matches!(e.mode, EdgeMode::Sync | EdgeMode::Publish | EdgeMode::Entry)
                    && !seen[e.destination]
                {
                    seen[e.destination] = true;
                    out.push(e.destination);
                    queue.push_back(e.destination);
                }
            }
        }
        out
    }

    fn flow_criticality(&self, fi: usize) -> (u8, String) {
        let f = &self.model.flows[fi];
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
        if let Some((t, src)) = availability::flow_target(self, fi)
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
}

/// Criticality 1–4 from `critical`, `tier-0`, `high`, `medium`, …
pub fn criticality_of(v: &Value) -> Option<u8> {
    let s = crate::redundancy::compact(v).to_ascii_lowercase();
    Some(match s.as_str() {
        "critical" | "mission-critical" | "tier-0" | "tier0" | "tier-1" | "tier1" | "0" | "1"
        | "p0" | "p1" => 4,
        "high" | "important" => 3,
        "medium" | "tier-2" | "tier2" | "2" | "p2" | "normal" => 2,
        "low" | "tier-3" | "tier3" | "3" | "p3" | "non-critical" => 1,
        _ => return None,
    })
}

pub fn map_any<'v>(map: &'v Map<String, Value>, keys: &[&str]) -> Option<(String, &'v Value)> {
    keys.iter().find_map(|k| {
        map.iter()
            .find(|(mk, _)| mk.eq_ignore_ascii_case(k))
            .map(|(mk, v)| (mk.clone(), v))
    })
}

/// First config key of `keys` in `controls`: (control id, key, value).
pub fn controls_any<'v>(
    controls: &'v [Control],
    keys: &[&str],
) -> Option<(String, String, &'v Value)> {
    for k in keys {
        for c in controls {
            for (ck, v) in c.config_entries() {
                if ck.eq_ignore_ascii_case(k) {
                    return Some((c.id.clone(), ck.to_string(), v));
                }
            }
        }
    }
    None
}

/// Severity from likelihood × impact (advisor-design.md §3.7).
pub fn severity_of(likelihood: u8, impact: u8) -> Severity {
    match likelihood as u32 * impact as u32 {
        12.. => Severity::Critical,
        8..=11 => Severity::High,
        4..=7 => Severity::Medium,
        2..=3 => Severity::Low,
        _ => Severity::Info,
    }
}

/// `sha256:` + hex of `calm-advisor/v1|rule|sorted ids|variant` (line independent).
pub fn fingerprint(rule: &str, ids: &[String], variant: &str) -> String {
    let mut sorted: Vec<&str> = ids.iter().map(String::as_str).collect();
    sorted.sort_unstable();
    let input = format!("calm-advisor/v1|{rule}|{}|{variant}", sorted.join(","));
    let digest = Sha256::digest(input.as_bytes());
    let mut hex = String::with_capacity(71);
    hex.push_str("sha256:");
    for b in digest.iter() {
        hex.push_str(&format!("{b:02x}"));
    }
    hex
}

/// Builds a [`Finding`]: fills id, fingerprint, locations, severity and references.
pub struct FindingBuilder<'c, 'a> {
    ctx: &'c Context<'a>,
    rule: &'static RuleMeta,
    ids: Vec<String>,
    variant: String,
    title: String,
    likelihood: u8,
    impact: u8,
    cap: Option<Severity>,
    confidence: Confidence,
    nodes: Vec<String>,
    relationships: Vec<String>,
    flows: Vec<String>,
    evidence: Vec<Evidence>,
    metrics: Map<String, Value>,
    rationale: String,
    recommendation: String,
    fix: Option<FixSuggestion>,
    weight: u32,
}

impl FindingBuilder<'_, '_> {
    pub fn title(mut self, t: impl Into<String>) -> Self {
        self.title = t.into();
        self
    }
    /// Likelihood and impact, each 1–4.
    pub fn score(mut self, likelihood: u8, impact: u8) -> Self {
        self.likelihood = likelihood.clamp(1, 4);
        self.impact = impact.clamp(1, 4);
        self
    }
    /// Never report above this severity.
    pub fn cap(mut self, s: Severity) -> Self {
        self.cap = Some(s);
        self
    }
    pub fn confidence(mut self, c: Confidence) -> Self {
        self.confidence = c;
        self
    }
    /// Lower confidence to at most `c`.
    pub fn confidence_at_most(mut self, c: Confidence) -> Self {
        self.confidence = self.confidence.min(c);
        self
    }
    /// Distinguishes findings of one rule on the same ids (part of the fingerprint).
    pub fn variant(mut self, v: impl Into<String>) -> Self {
        self.variant = v.into();
        self
    }
    pub fn nodes<I: IntoIterator<Item = S>, S: Into<String>>(mut self, ids: I) -> Self {
        self.nodes.extend(ids.into_iter().map(Into::into));
        self
    }
    pub fn relationships<I: IntoIterator<Item = S>, S: Into<String>>(mut self, ids: I) -> Self {
        self.relationships.extend(ids.into_iter().map(Into::into));
        self
    }
    pub fn flows<I: IntoIterator<Item = S>, S: Into<String>>(mut self, ids: I) -> Self {
        self.flows.extend(ids.into_iter().map(Into::into));
        self
    }
    pub fn evidence(mut self, kind: &str, detail: impl Into<String>) -> Self {
        self.evidence.push(Evidence {
            kind: kind.to_string(),
            detail: detail.into(),
        });
        self
    }
    /// Add evidence only when `cond` holds (keeps builder chains flat).
    pub fn evidence_if(self, cond: bool, kind: &str, detail: impl Into<String>) -> Self {
        if cond {
            self.evidence(kind, detail)
        } else {
            self
        }
    }
    pub fn metric(mut self, key: &str, v: Value) -> Self {
        self.metrics.insert(key.to_string(), v);
        self
    }
    pub fn rationale(mut self, t: impl Into<String>) -> Self {
        self.rationale = t.into();
        self
    }
    pub fn recommendation(mut self, t: impl Into<String>) -> Self {
        self.recommendation = t.into();
        self
    }
    /// The recommended `calm-advisor fix` recipe call.
    pub fn fix(
        mut self,
        recipe: &str,
        args: &[&str],
        safety: &str,
        description: impl Into<String>,
    ) -> Self {
        let file = shell_word(self.ctx.doc.name());
        let command = format!(
            "calm-advisor fix {file} {recipe} {}",
            args.iter()
                .map(|a| shell_word(a))
                .collect::<Vec<_>>()
                .join(" ")
        );
        self.fix = Some(FixSuggestion {
            recipe: recipe.to_string(),
            args: args.iter().map(|s| s.to_string()).collect(),
            command: command.trim_end().to_string(),
            safety: safety.to_string(),
            description: description.into(),
        });
        self
    }
    /// Ranking weight: Σ criticality of the flows the finding breaks (ties broken by it).
    pub fn weight(mut self, w: u32) -> Self {
        self.weight = w;
        self
    }

    pub fn build(self) -> Finding {
        let mut severity = severity_of(self.likelihood, self.impact);
        if let Some(c) = self.cap {
            severity = severity.min(c);
        }
        let id = std::iter::once(self.rule.id.to_string())
            .chain(self.ids.iter().cloned())
            .collect::<Vec<_>>()
            .join("@");
        let id = if self.variant.is_empty() {
            id
        } else {
            format!("{id}#{}", self.variant)
        };
        let mut nodes = self.nodes;
        let mut rels = self.relationships;
        let mut flows = self.flows;
        for v in [&mut nodes, &mut rels, &mut flows] {
            v.sort();
            v.dedup();
        }
        let mut locations: Vec<FindingLocation> =
            self.ids.iter().map(|i| self.ctx.location_of(i)).collect();
        locations.dedup();
        let mut metrics = self.metrics;
        metrics.insert("impactWeight".into(), Value::from(self.weight));
        Finding {
            fingerprint: fingerprint(self.rule.id, &self.ids, &self.variant),
            id,
            rule: self.rule.id.to_string(),
            category: self.rule.category,
            tags: self.rule.tags.iter().map(|s| s.to_string()).collect(),
            severity,
            likelihood: self.likelihood,
            impact: self.impact,
            confidence: self.confidence,
            rank: 0,
            title: self.title,
            nodes,
            relationships: rels,
            flows,
            locations,
            evidence: self.evidence,
            metrics: Value::Object(metrics),
            rationale: self.rationale,
            recommendation: self.recommendation,
            references: self
                .rule
                .doc
                .references
                .iter()
                .map(|s| s.to_string())
                .collect(),
            fix: self.fix,
            suppression: None,
        }
    }
}

fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.,:/=@".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// Category helper for rules.
pub fn category_name(c: Category) -> &'static str {
    c.as_str()
}
