//! [`Context`]: everything a rule reads (normalised model, roles, graph, redundancy, flows with
//! their required supernodes and availability), plus lookup helpers.
//!
//! [`Context::build`] computes each stage as a finished value and assembles the context once:
//! the graph-level pieces (model, roles, graph, redundancy), then the flows
//! ([`Flows::derive`](crate::flows::Flows::derive)), then the single points of failure from a
//! [`SpofInput`], then the indices over their results. Flows live in [`crate::flows`], the
//! finding builder in [`crate::finding_builder`]; both are re-exported here.

use crate::availability::{self, FactorCache, Overrides};
use crate::blast::{self, Blast};
use crate::flows::{self, Flows, Topology};
use crate::graph::Graph;
use crate::normalize::{Control, Model};
use crate::redundancy::Redundancy;
use crate::roles::{self, Role, RoleInfo};
use crate::rules::RuleMeta;
use crate::spof::{self, Spof};
use calm_model::Document;
use serde_json::{Map, Value};

pub use crate::finding_builder::{FindingBuilder, category_name, fingerprint, severity_of};
pub use crate::flows::FlowInfo;

/// Tunables of the review (defaults from docs/advisor-design.md; every default that feeds a
/// number in the output is listed under `assumptions`).
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
    /// The ingresses of the entry paths, computed on first use (two rules read them).
    ingress: std::sync::OnceLock<crate::ingress::Ingresses>,
    /// Notes about analysis limits (caps hit, implicit flows), printed as assumptions.
    pub notes: Vec<String>,
}

/// Everything [`spof::analyse`] reads: the graph-level pieces, the redundancy groups, the
/// derived flows and the configuration.
pub struct SpofInput<'s> {
    pub model: &'s Model,
    pub roles: &'s [RoleInfo],
    pub graph: &'s Graph,
    pub redundancy: &'s Redundancy,
    pub flows: Vec<FlowInfo>,
    pub config: &'s ReviewConfig,
}

impl SpofInput<'_> {
    fn topology(&self) -> Topology<'_> {
        Topology {
            model: self.model,
            roles: self.roles,
            graph: self.graph,
        }
    }
    /// See [`Context::journey_roots`].
    pub fn journey_roots(&self) -> Vec<usize> {
        self.topology().journey_roots()
    }
    /// See [`Context::request_closure`].
    pub fn request_closure(&self, start: &[usize]) -> Vec<usize> {
        self.topology().request_closure(start)
    }
}

impl<'a> Context<'a> {
    pub fn build(doc: &'a Document, config: ReviewConfig) -> Context<'a> {
        // Graph-level pieces.
        let model = Model::build(doc);
        let roles = roles::infer(&model);
        let graph = Graph::build(&model, &roles);
        let redundancy = Redundancy::build(&model, &roles, &graph);
        let supernodes = redundancy.supernodes.len();

        // Flows, with the indices that need only them.
        let Flows {
            flows,
            node_flows,
            rel_flows,
            async_flows,
            entry_sets,
            flow_entry_set,
            mut notes,
        } = Flows::derive(
            Topology {
                model: &model,
                roles: &roles,
                graph: &graph,
            },
            &config,
        );

        // Single points of failure, and the supernodes each flow and actor requires.
        let input = SpofInput {
            model: &model,
            roles: &roles,
            graph: &graph,
            redundancy: &redundancy,
            flows,
            config: &config,
        };
        let spof = spof::analyse(&input);
        let mut flows = input.flows;
        for (f, (required, required_closure)) in flows.iter_mut().zip(spof.required.iter().cloned())
        {
            f.required = required;
            f.required_closure = required_closure;
        }
        let super_flows = flows::flow_index(&flows, supernodes, |f| f.required_closure.iter());
        let mut super_actors = vec![Vec::new(); supernodes];
        for (a, req) in &spof.journeys {
            for s in req {
                super_actors[*s].push(*a);
            }
        }
        for v in &mut super_actors {
            v.sort_unstable();
            v.dedup();
        }
        notes.extend(spof.notes.iter().cloned());

        let mut ctx = Context {
            doc,
            model,
            roles,
            graph,
            redundancy,
            flows,
            spof,
            node_flows,
            super_flows,
            rel_flows,
            async_flows,
            super_actors,
            entry_sets,
            flow_entry_set,
            config,
            factor_cache: FactorCache::new(supernodes),
            ingress: std::sync::OnceLock::new(),
            notes,
        };
        ctx.rate_flows();
        ctx
    }

    /// The ingress of every entry path (see [`crate::ingress`]), computed once.
    pub fn ingresses(&self) -> &crate::ingress::Ingresses {
        self.ingress.get_or_init(|| crate::ingress::compute(self))
    }

    /// The per-flow figures read through the assembled context: the criticality of explicit
    /// flows (it may come from an availability target) and the availability estimates.
    fn rate_flows(&mut self) {
        for fi in 0..self.flows.len() {
            if let Some(i) = self.flows[fi].index {
                let (criticality, source) = flows::flow_criticality(self, i);
                self.flows[fi].criticality = criticality;
                self.flows[fi].criticality_source = source;
            }
        }
        for fi in 0..self.flows.len() {
            self.flows[fi].availability =
                availability::estimate_flow(self, fi, &Overrides::default());
        }
    }

    /// The graph-level pieces (model, roles, graph) the flow helpers walk.
    pub fn topology(&self) -> Topology<'_> {
        Topology {
            model: &self.model,
            roles: &self.roles,
            graph: &self.graph,
        }
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
        FindingBuilder::new(self, rule, ids)
    }

    /// Where journeys start: actors that use something, and client software (a CLI, an IDE
    /// extension, an app) that nothing calls and no actor reaches. Sorted.
    pub fn journey_roots(&self) -> Vec<usize> {
        self.topology().journey_roots()
    }
    /// The flow's request nodes plus the synchronous dependencies the flow omits (§3.6 closure).
    /// Routing nodes (load balancers, gateways, WAF, CDN) are not expanded: each request takes
    /// one of their routes, and the flow's transitions already say which.
    pub fn flow_closure(&self, request: &[usize]) -> Vec<usize> {
        self.topology().flow_closure(request)
    }
    /// The request path an inferred journey follows from `start`: hard (entry, sync, publish)
    /// edges, without entering side-effect sinks (telemetry, audit, notification) and without
    /// going past a broker or queue (delivery is asynchronous). In BFS order.
    pub fn request_closure(&self, start: &[usize]) -> Vec<usize> {
        self.topology().request_closure(start)
    }
    /// The edge brings traffic in from the client side: an actor's `interacts`, or a call from
    /// client software (browser app, CLI, IDE extension).
    pub fn is_entry_edge(&self, e: &crate::graph::Edge) -> bool {
        self.topology().is_entry_edge(e)
    }
    /// `start` plus everything reachable over hard (sync/publish) edges, in BFS order.
    pub fn sync_closure(&self, start: &[usize]) -> Vec<usize> {
        self.topology().sync_closure(start)
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
