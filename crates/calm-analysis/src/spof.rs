//! Single points of failure as dominators (docs/advisor-design.md §3.5), not "count == 1".
//!
//! The request graph (entry, sync and publish edges) is collapsed so that each redundancy group
//! is one vertex (a *supernode* that fails only when all members fail). For every entry root
//! (each actor that starts a flow) we compute the dominator tree with
//! `petgraph::algo::dominators::simple_fast` (Cooper–Harvey–Kennedy; it only visits the subgraph
//! reachable from the root). A supernode is required by a flow when it dominates one of the
//! flow's nodes from the flow's entry (or is one of them). Dominators cost O(V²) per root in the
//! worst case, so at most `ReviewConfig::max_dominator_roots` roots get their own tree; further
//! roots share one virtual root (a conservative approximation, reported in `notes`).

use crate::context::SpofInput;
use crate::graph::Graph;
use crate::redundancy::Redundancy;
use petgraph::algo::dominators::{Dominators, simple_fast};
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::BTreeMap;

/// The traffic a journey root sends through one of its direct successors.
#[derive(Debug, Clone)]
pub struct EntryGroup {
    /// The journey root (an actor or client software).
    pub root: usize,
    /// The direct successor the traffic goes through (a client app, or a server).
    pub via: usize,
    /// Supernodes that all of this traffic crosses (they dominate every server-side node it
    /// reaches), sorted.
    pub common: Vec<usize>,
}

#[derive(Debug, Clone, Default)]
pub struct Spof {
    /// Per flow: (required supernodes as modelled, required supernodes with closure), sorted.
    pub required: Vec<(Vec<usize>, Vec<usize>)>,
    /// Per actor (node index): supernodes whose loss cuts the actor off some node it reaches
    /// (the union of the dominator chains of everything the journey reaches).
    pub journeys: Vec<(usize, Vec<usize>)>,
    /// Where each journey root's traffic enters: one group per direct successor of the root
    /// (each client app the actor uses, each server it calls directly).
    pub entry_groups: Vec<EntryGroup>,
    pub notes: Vec<String>,
}

/// The collapsed request graph: one vertex per supernode, plus one virtual root at the end.
pub struct Collapsed {
    pub graph: DiGraph<(), ()>,
    pub virtual_root: NodeIndex,
}

/// The request graph (hard edges only) collapsed by `redundancy`; no edge to the virtual root
/// yet (callers join it to the roots they need).
pub fn collapsed(graph: &Graph, redundancy: &Redundancy) -> Collapsed {
    let sn = redundancy.supernodes.len();
    let mut g: DiGraph<(), ()> = DiGraph::with_capacity(sn + 1, graph.edges.len());
    for _ in 0..=sn {
        g.add_node(());
    }
    let mut seen = std::collections::HashSet::new();
    for e in &graph.edges {
        if !e.mode.is_hard() {
            continue;
        }
        let (a, b) = (
            redundancy.super_of[e.source],
            redundancy.super_of[e.destination],
        );
        if a != b && seen.insert((a, b)) {
            g.add_edge(NodeIndex::new(a), NodeIndex::new(b), ());
        }
    }
    Collapsed {
        graph: g,
        virtual_root: NodeIndex::new(sn),
    }
}

/// Union of the dominator chains of `targets` (root and `exclude` left out), sorted.
fn required_of(
    dom: &Dominators<NodeIndex>,
    root: NodeIndex,
    targets: &[usize],
    mark: &mut [u32],
    stamp: u32,
    exclude: &dyn Fn(usize) -> bool,
) -> Vec<usize> {
    let mut out = Vec::new();
    for t in targets {
        let mut cur = NodeIndex::new(*t);
        if dom.immediate_dominator(cur).is_none() && cur != root {
            // Unreachable from the entry (model gap): the node itself is still needed.
            if mark[*t] != stamp {
                mark[*t] = stamp;
                if !exclude(*t) {
                    out.push(*t);
                }
            }
            continue;
        }
        loop {
            let i = cur.index();
            if cur == root || mark[i] == stamp {
                break;
            }
            mark[i] = stamp;
            if !exclude(i) {
                out.push(i);
            }
            match dom.immediate_dominator(cur) {
                Some(next) => cur = next,
                None => break,
            }
        }
    }
    out.sort_unstable();
    out
}

pub fn analyse(ctx: &SpofInput) -> Spof {
    let mut c = collapsed(ctx.graph, ctx.redundancy);
    let sup = &ctx.redundancy.super_of;
    let client = |s: usize| {
        ctx.redundancy.supernodes[s]
            .iter()
            .all(|n| ctx.roles[*n].role.is_client_side())
    };

    // Entry roots: the actors of each flow, else the flow's first request node.
    let mut roots_of_flow: Vec<Vec<usize>> = Vec::new();
    let mut all_roots: Vec<usize> = Vec::new();
    for f in &ctx.flows {
        let mut r: Vec<usize> = f.actors.iter().map(|a| sup[*a]).collect();
        if r.is_empty()
            && let Some(first) = f.request_nodes.first()
        {
            r.push(sup[*first]);
        }
        r.sort_unstable();
        r.dedup();
        all_roots.extend(r.iter().copied());
        roots_of_flow.push(r);
    }
    let actor_supers: Vec<(usize, usize)> =
        ctx.journey_roots().iter().map(|a| (*a, sup[*a])).collect();
    all_roots.extend(actor_supers.iter().map(|x| x.1));
    all_roots.sort_unstable();
    all_roots.dedup();

    // Roots beyond the cap share the virtual root.
    let mut notes = Vec::new();
    let own: Vec<usize> = all_roots
        .iter()
        .copied()
        .take(ctx.config.max_dominator_roots)
        .collect();
    let shared: Vec<usize> = all_roots
        .iter()
        .copied()
        .skip(ctx.config.max_dominator_roots)
        .collect();
    if !shared.is_empty() {
        notes.push(format!(
            "{} entry points: dominators computed per entry for the first {}, the other {} share one virtual root (conservative)",
            all_roots.len(),
            own.len(),
            shared.len()
        ));
        for s in &shared {
            c.graph.add_edge(c.virtual_root, NodeIndex::new(*s), ());
        }
    }
    let mut trees: BTreeMap<usize, Dominators<NodeIndex>> = BTreeMap::new();
    let root_of = |r: usize| {
        if own.contains(&r) {
            r
        } else {
            c.virtual_root.index()
        }
    };
    for r in own
        .iter()
        .copied()
        .chain((!shared.is_empty()).then_some(c.virtual_root.index()))
    {
        trees.insert(r, simple_fast(&c.graph, NodeIndex::new(r)));
    }

    let mut mark = vec![0u32; c.graph.node_count()];
    let mut stamp = 0u32;
    let mut required = Vec::new();
    for (fi, f) in ctx.flows.iter().enumerate() {
        let targets_m: Vec<usize> = dedup(f.request_nodes.iter().map(|n| sup[*n]));
        let targets_c: Vec<usize> = dedup(f.closure.iter().map(|n| sup[*n]));
        let mut req_m = Vec::new();
        let mut req_c = Vec::new();
        let roots = &roots_of_flow[fi];
        for r in roots {
            let tr = root_of(*r);
            let dom = &trees[&tr];
            let root = NodeIndex::new(tr);
            // The root is required too when it is a server (an entry node whose callers are
            // not modelled, or a flow's first node): all of the flow's traffic passes it.
            let excl = |s: usize| client(s);
            stamp += 1;
            req_m.extend(required_of(dom, root, &targets_m, &mut mark, stamp, &excl));
            stamp += 1;
            req_c.extend(required_of(dom, root, &targets_c, &mut mark, stamp, &excl));
        }
        if roots.is_empty() {
            req_m = targets_m.clone();
            req_c = targets_c.clone();
        }
        req_m.sort_unstable();
        req_m.dedup();
        req_c.sort_unstable();
        req_c.dedup();
        required.push((req_m, req_c));
    }

    // Actor journeys: everything the actor reaches over hard edges must stay reachable.
    let mut journeys = Vec::new();
    let mut entry_groups = Vec::new();
    for (a, s) in actor_supers {
        let tr = root_of(s);
        let dom = &trees[&tr];
        let reach: Vec<usize> = dedup(
            ctx.request_closure(&[a])
                .iter()
                .map(|n| sup[*n])
                .filter(|x| *x != s || !client(s)),
        );
        stamp += 1;
        let excl = |x: usize| client(x);
        let req = required_of(dom, NodeIndex::new(tr), &reach, &mut mark, stamp, &excl);
        if ctx.roles[a].role.is_client_side() {
            let mut vias: Vec<usize> = ctx.graph.out[a]
                .iter()
                .map(|e| &ctx.graph.edges[*e])
                .filter(|e| e.mode.is_hard())
                .map(|e| e.destination)
                .collect();
            vias.sort_unstable();
            vias.dedup();
            for via in vias {
                let targets: Vec<usize> = dedup(
                    ctx.request_closure(&[via])
                        .iter()
                        .filter(|n| !ctx.roles[**n].role.is_client_side())
                        .map(|n| sup[*n]),
                );
                entry_groups.push(EntryGroup {
                    root: a,
                    via,
                    common: common_of(dom, NodeIndex::new(tr), &targets, &excl),
                });
            }
        }
        journeys.push((a, req));
    }
    Spof {
        required,
        journeys,
        entry_groups,
        notes,
    }
}

/// Supernodes on the dominator chain of every target (root and `exclude` left out), sorted:
/// what all the traffic from the root to the targets must cross.
fn common_of(
    dom: &Dominators<NodeIndex>,
    root: NodeIndex,
    targets: &[usize],
    exclude: &dyn Fn(usize) -> bool,
) -> Vec<usize> {
    let chain = |t: usize| -> Vec<usize> {
        let mut out = Vec::new();
        let mut cur = NodeIndex::new(t);
        if dom.immediate_dominator(cur).is_none() && cur != root {
            return vec![t];
        }
        while cur != root {
            out.push(cur.index());
            match dom.immediate_dominator(cur) {
                Some(next) => cur = next,
                None => break,
            }
        }
        out
    };
    let mut common: Option<Vec<usize>> = None;
    for t in targets.iter().filter(|t| !exclude(**t)) {
        let mut c = chain(*t);
        c.sort_unstable();
        common = Some(match common {
            None => c,
            Some(prev) => prev
                .into_iter()
                .filter(|x| c.binary_search(x).is_ok())
                .collect(),
        });
        if common.as_ref().is_some_and(Vec::is_empty) {
            break;
        }
    }
    common
        .unwrap_or_default()
        .into_iter()
        .filter(|x| !exclude(*x))
        .collect()
}

fn dedup(it: impl Iterator<Item = usize>) -> Vec<usize> {
    let mut v: Vec<usize> = it.collect();
    v.sort_unstable();
    v.dedup();
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use petgraph::graph::DiGraph;

    /// r → a → {b, c} → d: a dominates d, b and c do not (two paths).
    #[test]
    fn dominators_of_diamond() {
        let mut g: DiGraph<(), ()> = DiGraph::new();
        let n: Vec<_> = (0..5).map(|_| g.add_node(())).collect();
        for (x, y) in [(0, 1), (1, 2), (1, 3), (2, 4), (3, 4)] {
            g.add_edge(n[x], n[y], ());
        }
        let dom = simple_fast(&g, n[0]);
        let mut mark = vec![0; 5];
        let req = required_of(&dom, n[0], &[4], &mut mark, 1, &|_| false);
        assert_eq!(req, vec![1, 4]);
    }
}
