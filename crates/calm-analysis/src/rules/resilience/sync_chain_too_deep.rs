//! RES-08 `sync-chain-too-deep`.

use crate::context::Context;
use crate::finding::{Category, Finding, Severity};
use crate::graph::EdgeMode;
use crate::rules::{Rule, RuleDoc, RuleMeta};
use serde_json::Value;

pub static META: RuleMeta = RuleMeta {
    id: "sync-chain-too-deep",
    code: "RES-08",
    category: Category::Resilience,
    default_severity: Severity::Medium,
    summary: "synchronous hops from a flow's entry exceed the limit (default 4)",
    tags: &[
        "resilience",
        "performance",
        "seems:excessive-latency",
        "premise:journey",
    ],
    doc: RuleDoc {
        what: "The longest chain of synchronous calls a flow's request can trigger, starting at the \
node the actor enters (over the flow's nodes and their synchronous dependencies), is longer than \
4 hops (`maxSyncDepth`). Cycles are cut (RES-14 reports them). Nodes declared \
`deployment: in-process` do not count as hops.",
        why: "Each synchronous hop multiplies failure probability and adds latency and timeout \
budget; deep chains make tail latency and retry storms likely, and every hop is another way for \
the flow to fail.",
        example: "`edge → api → orders → pricing → catalog → inventory` (5 sync hops).",
        how_to_fix: "Make non-essential tail hops asynchronous (`calm-advisor fix FILE decouple \
--from A --to B`), cache reference data, or aggregate services.",
        false_positives: "In-process modules modelled as services: declare `deployment: in-process` \
on them. Reported at medium at most: a deep chain is a latency and fragility smell, the \
outages are the members' own findings.",
        references: &[
            "https://docs.aws.amazon.com/wellarchitected/latest/reliability-pillar/rel_prevent_interaction_failure_loosely_coupled_system.html",
        ],
    },
};

pub struct SyncChainTooDeep;

/// Longest sync path (node list) from `start` within `allowed`, cycles cut.
fn longest(
    ctx: &Context,
    start: usize,
    allowed: &[bool],
    memo: &mut Vec<Option<Vec<usize>>>,
    on_stack: &mut Vec<bool>,
) -> Vec<usize> {
    if let Some(p) = &memo[start] {
        return p.clone();
    }
    on_stack[start] = true;
    let mut best: Vec<usize> = Vec::new();
    let mut nexts: Vec<usize> = ctx.graph.out[start]
        .iter()
        .map(|e| &ctx.graph.edges[*e])
        .filter(|e| e.mode == EdgeMode::Sync && allowed[e.destination] && !on_stack[e.destination])
        .map(|e| e.destination)
        .collect();
    nexts.sort_unstable();
    nexts.dedup();
    for d in nexts {
        let p = longest(ctx, d, allowed, memo, on_stack);
        if p.len() > best.len() {
            best = p;
        }
    }
    on_stack[start] = false;
    let mut path = vec![start];
    path.extend(best);
    memo[start] = Some(path.clone());
    path
}

fn in_process(ctx: &Context, n: usize) -> bool {
    ctx.model.nodes[n]
        .metadata
        .get("deployment")
        .and_then(Value::as_str)
        .is_some_and(|s| s.eq_ignore_ascii_case("in-process"))
}

impl Rule for SyncChainTooDeep {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let max = ctx.config.max_sync_depth;
        let mut out = Vec::new();
        let n = ctx.model.nodes.len();
        for f in ctx.flows.iter().filter(|f| !f.implicit) {
            let mut allowed = vec![false; n];
            for x in &f.closure {
                allowed[*x] = true;
            }
            let entries: Vec<usize> = if f.actors.is_empty() {
                f.request_nodes.first().copied().into_iter().collect()
            } else {
                f.actors
                    .iter()
                    .flat_map(|a| ctx.hard_successors(*a))
                    .filter(|x| allowed[*x])
                    .collect()
            };
            let mut memo = vec![None; n];
            let mut stack = vec![false; n];
            let mut best: Vec<usize> = Vec::new();
            for e in entries {
                let p = longest(ctx, e, &allowed, &mut memo, &mut stack);
                if p.len() > best.len() {
                    best = p;
                }
            }
            let hops = best.windows(2).filter(|w| !in_process(ctx, w[1])).count();
            if hops <= max {
                continue;
            }
            let chain: Vec<String> = best.iter().map(|x| ctx.node_id(*x).to_string()).collect();
            let below = f.availability.status == "below-target";
            let (tail_from, tail_to) = (
                chain[chain.len() - 2].clone(),
                chain[chain.len() - 1].clone(),
            );
            out.push(
                ctx.finding(&META, &[&f.id])
                    .title(format!("{}: {hops} synchronous hops in a row (limit {max})", f.id))
                    .score(if below { 3 } else { 2 }, 3)
                    // A deep chain is a latency and fragility smell; the outage findings are the
                    // chain members' own. Medium at most.
                    .cap(crate::finding::Severity::Medium)
                    .confidence(crate::finding::Confidence::Medium)
                    .flows([f.id.clone()])
                    .nodes(chain.clone())
                    .evidence("chain", chain.join(" → "))
                    .metric("syncDepth", Value::from(hops))
                    .rationale(format!("A request on {} waits on {hops} synchronous calls ({}); each hop multiplies the failure probability and adds latency and timeout budget.", f.id, chain.join(" → ")))
                    .recommendation("Shorten the synchronous chain: make non-essential tail hops asynchronous, cache reference data, or aggregate services.")
                    .fix("decouple", &["--from", &tail_from, "--to", &tail_to], "unsafe", format!("makes the last hop {tail_from} → {tail_to} asynchronous"))
                    .weight(f.criticality as u32)
                    .build(),
            );
        }
        out
    }
}
