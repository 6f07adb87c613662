//! Blast radius (docs/advisor-design.md §3.5): what breaks, what degrades and which nodes lose a
//! dependency when a set of nodes fails together. Failure spreads down hosting (`deployed-in`, and
//! a broker to its queues); a redundancy group fails only when every member has failed; a flow
//! breaks when one of its required supernodes is down, or (several failures) when its nodes can
//! no longer be reached from its entries. Work is proportional to what fails, not to the model
//! size, so rules can ask for the blast radius of every node.

use crate::context::Context;
use crate::roles::Role;
use std::collections::{BTreeSet, HashSet, VecDeque};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Blast {
    /// Nodes down (the failed ones plus what they host), sorted.
    pub down: Vec<usize>,
    /// Flow indices (in `ctx.flows`) that break.
    pub flows_broken: Vec<usize>,
    /// Flows that keep working but lose an asynchronous part (queued work waits).
    pub flows_degraded: Vec<usize>,
    /// Actors cut off from at least one node of their journeys.
    pub actors_affected: Vec<usize>,
    /// Nodes that lose a (transitive) hard dependency, sorted.
    pub dependents: Vec<usize>,
    /// Σ criticality of the flows broken.
    pub weight: u32,
}

/// At most this many dependents are collected per blast.
pub const DEPENDENTS_CAP: usize = 500;
/// Above this product of entry sets (distinct actor sets of flows) × edges, multi-node failures
/// use the dominator sets only.
pub const REACH_WALK_BUDGET: usize = 2_000_000;

/// Blast radius with `dependents` limited to the direct callers of what is down (cheap: rules
/// ask for the blast radius of every node). [`blast_full`] walks all transitive dependents.
pub fn blast(ctx: &Context, failed: &[usize]) -> Blast {
    blast_with(ctx, failed, false)
}

/// Blast radius with transitive dependents (capped at [`DEPENDENTS_CAP`]); used by `simulate`.
pub fn blast_full(ctx: &Context, failed: &[usize]) -> Blast {
    blast_with(ctx, failed, true)
}

fn blast_with(ctx: &Context, failed: &[usize], transitive: bool) -> Blast {
    // Hosting spreads failure: deployed-in children, and queues inside a failed broker.
    let mut down: BTreeSet<usize> = failed.iter().copied().collect();
    let mut stack: Vec<usize> = failed.to_vec();
    while let Some(c) = stack.pop() {
        let hosted = ctx.graph.hosted[c].iter().copied();
        let queues = ctx.graph.children[c]
            .iter()
            .copied()
            .filter(|q| ctx.roles[c].role == Role::Broker && ctx.roles[*q].role == Role::Queue);
        for h in hosted.chain(queues).collect::<Vec<_>>() {
            if down.insert(h) {
                stack.push(h);
            }
        }
    }
    // Supernodes entirely down, sorted (binary search answers "is it dead?": a blast is asked
    // for every node, so nothing here may cost O(model size) per call).
    let mut sup_down: Vec<usize> = down
        .iter()
        .map(|n| ctx.redundancy.super_of[*n])
        .filter(|s| {
            ctx.redundancy.supernodes[*s]
                .iter()
                .all(|m| down.contains(m))
        })
        .collect();
    sup_down.sort_unstable();
    sup_down.dedup();

    let mut broken = Vec::new();
    let mut degraded = Vec::new();
    let mut weight = 0;
    if sup_down.len() <= 1 {
        // One supernode down: the dominator-based required sets answer exactly, and the inverted
        // indices keep the work proportional to the flows that touch it (not to all flows).
        if let Some(s) = sup_down.first() {
            broken = ctx.super_flows[*s].clone();
            for fi in &broken {
                weight += ctx.flows[*fi].criticality as u32;
            }
            for m in &ctx.redundancy.supernodes[*s] {
                degraded.extend(ctx.async_flows[*m].iter().copied());
            }
            degraded.sort_unstable();
            degraded.dedup();
            degraded.retain(|fi| broken.binary_search(fi).is_err());
        }
    } else {
        let mut walks = ReachWalks::new(ctx, &sup_down);
        for (fi, f) in ctx.flows.iter().enumerate() {
            let is_broken =
                hits(&f.required_closure, &sup_down) || walks.broken_by_several(ctx, fi);
            if is_broken {
                broken.push(fi);
                weight += f.criticality as u32;
            } else if f
                .async_nodes
                .iter()
                .any(|x| sup_down.binary_search(&ctx.redundancy.super_of[*x]).is_ok())
            {
                degraded.push(fi);
            }
        }
    }
    let mut actors: BTreeSet<usize> = BTreeSet::new();
    for fi in &broken {
        actors.extend(ctx.flows[*fi].actors.iter().copied());
    }
    for s in &sup_down {
        actors.extend(ctx.super_actors[*s].iter().copied());
    }
    // Reverse reachability over hard edges from dead nodes: who loses a dependency.
    let dead_nodes: Vec<usize> = sup_down
        .iter()
        .flat_map(|s| ctx.redundancy.supernodes[*s].iter().copied())
        .collect();
    let dead_set: HashSet<usize> = dead_nodes.iter().copied().collect();
    let mut seen: HashSet<usize> = dead_set.clone();
    let mut q: VecDeque<usize> = dead_nodes.iter().copied().collect();
    let mut dependents = Vec::new();
    // Capped: the count feeds evidence and ranking ties, and an uncapped walk per node would make
    // "blast radius of every node" quadratic on large models.
    while let Some(x) = q.pop_front() {
        if dependents.len() >= DEPENDENTS_CAP || (!transitive && !dead_set.contains(&x)) {
            break;
        }
        for e in &ctx.graph.inc[x] {
            let e = &ctx.graph.edges[*e];
            if e.mode.is_hard()
                && !ctx.roles[e.source].role.is_client_side()
                && seen.insert(e.source)
            {
                dependents.push(e.source);
                q.push_back(e.source);
            }
        }
    }
    dependents.sort_unstable();
    Blast {
        down: down.into_iter().collect(),
        flows_broken: broken,
        flows_degraded: degraded,
        actors_affected: actors.into_iter().collect(),
        dependents,
        weight,
    }
}

/// Several supernodes down: a flow none of whose required supernodes died can still break when
/// two failures cut parallel paths. That needs a reachability walk from the flow's entries over
/// hard edges avoiding dead nodes. The walk depends only on the entry set, so flows with the same
/// actors share one walk (most models have a handful of actors and many flows).
struct ReachWalks<'d> {
    sup_down: &'d [usize],
    /// Dead flags per supernode, built on the first walk.
    dead: Option<Vec<bool>>,
    /// Reached flags per node, by entry set (index in `ctx.entry_sets`).
    reached: Vec<Option<Vec<bool>>>,
    exact: bool,
}

impl<'d> ReachWalks<'d> {
    fn new(ctx: &Context, sup_down: &'d [usize]) -> ReachWalks<'d> {
        // On very large models (entry sets × edges above REACH_WALK_BUDGET) the dominator-based
        // sets alone answer: they miss only breaks that need two unrelated failures on parallel
        // paths.
        let exact = ctx.entry_sets.len().saturating_mul(ctx.graph.edges.len()) <= REACH_WALK_BUDGET;
        ReachWalks {
            sup_down,
            dead: None,
            reached: vec![None; ctx.entry_sets.len()],
            exact,
        }
    }

    fn broken_by_several(&mut self, ctx: &Context, fi: usize) -> bool {
        if !self.exact {
            return false;
        }
        let f = &ctx.flows[fi];
        let es = ctx.flow_entry_set[fi];
        let entries = &ctx.entry_sets[es];
        if entries.is_empty() {
            return false;
        }
        let sup_down = self.sup_down;
        let dead = self.dead.get_or_insert_with(|| {
            let mut d = vec![false; ctx.redundancy.supernodes.len()];
            for s in sup_down {
                d[*s] = true;
            }
            d
        });
        let node_dead = |x: usize| dead[ctx.redundancy.super_of[x]];
        if f.closure.iter().any(|x| node_dead(*x)) {
            return true;
        }
        let reached = self.reached[es].get_or_insert_with(|| {
            let mut seen = vec![false; ctx.model.nodes.len()];
            let mut q: VecDeque<usize> = VecDeque::new();
            for e in entries {
                if !seen[*e] {
                    seen[*e] = true;
                    q.push_back(*e);
                }
            }
            while let Some(x) = q.pop_front() {
                for e in &ctx.graph.out[x] {
                    let e = &ctx.graph.edges[*e];
                    if e.mode.is_hard() && !node_dead(e.destination) && !seen[e.destination] {
                        seen[e.destination] = true;
                        q.push_back(e.destination);
                    }
                }
            }
            seen
        });
        // Every provider node of the flow must stay reachable (members of a live group count once).
        !f.closure.iter().all(|x| {
            let s = ctx.redundancy.super_of[*x];
            ctx.redundancy.supernodes[s].iter().any(|m| reached[*m])
        })
    }
}

/// Whether a sorted supernode list contains a down supernode (both sorted; the lists can be as
/// long as the model).
fn hits(sorted: &[usize], down: &[usize]) -> bool {
    down.iter().any(|s| sorted.binary_search(s).is_ok())
}
