//! Blast radius (advisor-design.md §3.5): what breaks, what degrades and which nodes lose a
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
/// Above this flows × edges product, multi-node failures use the dominator sets only.
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
    // Supernodes entirely down.
    let sup_down: HashSet<usize> = down
        .iter()
        .map(|n| ctx.redundancy.super_of[*n])
        .filter(|s| {
            ctx.redundancy.supernodes[*s]
                .iter()
                .all(|m| down.contains(m))
        })
        .collect();
    let node_dead = |x: usize| sup_down.contains(&ctx.redundancy.super_of[x]);

    let mut broken = Vec::new();
    let mut degraded = Vec::new();
    let mut weight = 0;
    let single = sup_down.len() <= 1;
    let exact_walk = ctx.flows.len().saturating_mul(ctx.graph.edges.len()) <= REACH_WALK_BUDGET;
    if single {
        // One supernode down: the dominator-based required sets answer exactly, and the inverted
        // indices keep the work proportional to the flows that touch it (not to all flows).
        if let Some(s) = sup_down.iter().next() {
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
        for (fi, f) in ctx.flows.iter().enumerate() {
            // Several supernodes down: walk the graph. The exact walk costs O(edges) per flow;
            // on very large models (flows × edges above REACH_WALK_BUDGET) the dominator-based
            // sets alone answer (they miss only breaks that need two unrelated failures on
            // parallel paths).
            let is_broken = hits(&f.required_closure, &sup_down)
                || (exact_walk && reach_broken(ctx, &f.actors, &f.closure, &node_dead));
            if is_broken {
                broken.push(fi);
                weight += f.criticality as u32;
            } else if f.async_nodes.iter().any(|x| node_dead(*x)) {
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

/// Whether a sorted supernode list contains a down supernode (binary search: the lists can be
/// as long as the model).
fn hits(sorted: &[usize], down: &HashSet<usize>) -> bool {
    down.iter().any(|s| sorted.binary_search(s).is_ok())
}

/// A flow breaks when one of its nodes is dead or unreachable from its entries over hard edges
/// that avoid dead nodes.
fn reach_broken(
    ctx: &Context,
    entries: &[usize],
    nodes: &[usize],
    dead: &dyn Fn(usize) -> bool,
) -> bool {
    if nodes.iter().any(|x| dead(*x)) {
        return true;
    }
    if entries.is_empty() {
        return false;
    }
    let mut seen: HashSet<usize> = entries.iter().copied().collect();
    let mut q: VecDeque<usize> = entries.iter().copied().collect();
    while let Some(x) = q.pop_front() {
        for e in &ctx.graph.out[x] {
            let e = &ctx.graph.edges[*e];
            if e.mode.is_hard() && !dead(e.destination) && seen.insert(e.destination) {
                q.push_back(e.destination);
            }
        }
    }
    // Every provider node of the flow must stay reachable (members of a live group count once).
    !nodes.iter().all(|x| {
        let s = ctx.redundancy.super_of[*x];
        ctx.redundancy.supernodes[s]
            .iter()
            .any(|m| seen.contains(m))
    })
}
