//! Blast radius (advisor-design.md §3.5): what breaks, what degrades and which nodes lose a
//! dependency when a set of nodes fails together. Failure spreads down hosting (`deployed-in`, and
//! a broker to its queues); a redundancy group fails only when every member has failed; a flow
//! breaks when one of its entries can no longer reach one of its required nodes.

use crate::availability::hosting_of;
use crate::context::Context;
use std::collections::{BTreeSet, VecDeque};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Blast {
    /// Nodes down (the failed ones plus what they host).
    pub down: Vec<usize>,
    /// Flow indices (in `ctx.flows`) that break.
    pub flows_broken: Vec<usize>,
    /// Flows that keep working but lose an asynchronous part (queued work waits).
    pub flows_degraded: Vec<usize>,
    /// Actors cut off from at least one node of their journeys.
    pub actors_affected: Vec<usize>,
    /// Nodes that lose a (transitive) hard dependency.
    pub dependents: Vec<usize>,
    /// Σ criticality of the flows broken.
    pub weight: u32,
}

pub fn blast(ctx: &Context, failed: &[usize]) -> Blast {
    let n = ctx.model.nodes.len();
    let mut down = vec![false; n];
    for f in failed {
        down[*f] = true;
    }
    // Hosting spreads failure.
    for i in 0..n {
        if !down[i] && hosting_of(ctx, i).iter().any(|c| failed.contains(c)) {
            down[i] = true;
        }
    }
    let sup_down: Vec<bool> = ctx
        .redundancy
        .supernodes
        .iter()
        .map(|m| m.iter().all(|x| down[*x]))
        .collect();
    let node_dead = |x: usize| sup_down[ctx.redundancy.super_of[x]];

    let mut broken = Vec::new();
    let mut degraded = Vec::new();
    let mut weight = 0;
    for (fi, f) in ctx.flows.iter().enumerate() {
        let is_broken = if failed.len() == 1 && hosting_free(ctx, failed[0]) {
            f.required_closure.iter().any(|s| sup_down[*s])
        } else {
            reach_broken(ctx, &f.actors, &f.closure, &node_dead)
        };
        if is_broken {
            broken.push(fi);
            weight += f.criticality as u32;
        } else if f.async_nodes.iter().any(|x| node_dead(*x)) {
            degraded.push(fi);
        }
    }
    let mut actors: BTreeSet<usize> = BTreeSet::new();
    for fi in &broken {
        actors.extend(ctx.flows[*fi].actors.iter().copied());
    }
    for (a, req) in &ctx.spof.journeys {
        if req.iter().any(|s| sup_down[*s]) {
            actors.insert(*a);
        }
    }
    // Reverse reachability over hard edges: who loses a dependency.
    let mut dependents = vec![false; n];
    let mut q: VecDeque<usize> = (0..n).filter(|i| node_dead(*i)).collect();
    let mut seen: Vec<bool> = (0..n).map(node_dead).collect();
    while let Some(x) = q.pop_front() {
        for e in &ctx.graph.inc[x] {
            let e = &ctx.graph.edges[*e];
            if e.mode.is_hard() && !seen[e.source] && !ctx.roles[e.source].role.is_client_side() {
                // A redundant dependency does not propagate unless all of it is down.
                seen[e.source] = true;
                dependents[e.source] = true;
                q.push_back(e.source);
            }
        }
    }
    Blast {
        down: (0..n).filter(|i| down[*i]).collect(),
        flows_broken: broken,
        flows_degraded: degraded,
        actors_affected: actors.into_iter().collect(),
        dependents: (0..n).filter(|i| dependents[*i]).collect(),
        weight,
    }
}

fn hosting_free(ctx: &Context, node: usize) -> bool {
    ctx.graph.hosted[node].is_empty() && ctx.graph.children[node].is_empty()
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
    let n = ctx.model.nodes.len();
    let mut seen = vec![false; n];
    let mut q: VecDeque<usize> = entries.iter().copied().collect();
    for e in entries {
        seen[*e] = true;
    }
    while let Some(x) = q.pop_front() {
        for e in &ctx.graph.out[x] {
            let e = &ctx.graph.edges[*e];
            if e.mode.is_hard() && !seen[e.destination] && !dead(e.destination) {
                seen[e.destination] = true;
                q.push_back(e.destination);
            }
        }
    }
    // Every provider node of the flow must stay reachable (members of a live group count once).
    !nodes.iter().all(|x| {
        let s = ctx.redundancy.super_of[*x];
        ctx.redundancy.supernodes[s].iter().any(|m| seen[*m])
    })
}
