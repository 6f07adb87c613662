//! PERF-01 `sync-fan-out`.

use crate::context::{Context, map_any};
use crate::finding::{Category, Finding, Severity};
use crate::graph::EdgeMode;
use crate::normalize::tokens;
use crate::roles::Role;
use crate::rules::security::{control_evidence, flow_ids, weight};
use crate::rules::{Rule, RuleDoc, RuleMeta};
use serde_json::json;

pub static META: RuleMeta = RuleMeta {
    id: "sync-fan-out",
    code: "PERF-01",
    category: Category::Performance,
    default_severity: Severity::Medium,
    summary: "≥ 4 distinct synchronous callees from one node",
    tags: &[
        "performance",
        "resilience",
        "seems:excessive-latency",
        "premise:journey",
    ],
    doc: RuleDoc {
        what: "A node that calls four or more distinct nodes synchronously (request/response \
`connects`; publishes to a broker and async deliveries do not count). Gateways and load \
balancers route each request to one backend, so for them only the callees used inside one flow \
count.\n\nIt is reported once per \
node with the callees and the flows that pass through it. Downgraded to low when the node is an \
aggregator/BFF (`role: aggregator|bff`, or the name says so) that declares its fan-out parallel \
(`fan-out: parallel` or `parallel: true`) and bounds each call (`per-call-timeout`, `timeout`, or \
a timeout control).",
        why: "Every synchronous callee adds latency (the sum when called in sequence, the slowest \
when in parallel) and multiplies availability: five 99.9 % callees give at most 99.5 % before the \
caller's own failures. High fan-out also multiplies load on retries (AWS SEEMS excessive latency \
and load).",
        example: "`home-page-bff` calls profile, recommendation, catalogue, entitlement and \
continue-watching services one after another for every home page.",
        how_to_fix: "Aggregate behind a BFF that calls in parallel with per-call timeouts and \
partial responses; serve slow or optional parts from a cache or materialised view; make \
non-essential calls asynchronous (see `cascading-sync-dependency`).",
        false_positives: "A deliberate parallel scatter-gather with per-call timeouts: declare \
`role: aggregator`, `fan-out: parallel` and `per-call-timeout` on the node (reported as low), or \
accept with `metadata.calm-advisor.suppress`.",
        references: &[
            "https://docs.aws.amazon.com/prescriptive-guidance/latest/resilience-analysis-framework/excessive-latency.html",
            "https://learn.microsoft.com/azure/architecture/patterns/gateway-aggregation",
        ],
    },
};

/// Fan-out at which the rule fires (catalogue default).
pub const MIN_FAN_OUT: usize = 4;

pub struct SyncFanOut;

impl Rule for SyncFanOut {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let by_rel = crate::rules::security::edges_by_relationship(ctx);
        let index = crate::rules::security::FlowIndex::build(ctx);
        let m = &ctx.model;
        let mut out = Vec::new();
        for n in 0..m.nodes.len() {
            if ctx.roles[n].role.is_client_side() {
                continue;
            }
            let mut callees: Vec<usize> = Vec::new();
            let mut rels: Vec<usize> = Vec::new();
            for &e in &ctx.graph.out[n] {
                let e = &ctx.graph.edges[e];
                if e.mode == EdgeMode::Sync && e.destination != n {
                    if !callees.contains(&e.destination) {
                        callees.push(e.destination);
                    }
                    rels.push(e.relationship);
                }
            }
            // A gateway or load balancer routes each request to one backend: its global fan-out
            // is routing, not per-request work. Count it only inside a flow.
            if matches!(ctx.roles[n].role, Role::Gateway | Role::LoadBalancer) {
                let in_flow = |f: &crate::context::FlowInfo| {
                    let mut inside: Vec<usize> = Vec::new();
                    for &r in &f.relationships {
                        for &e in &by_rel[r] {
                            let e = &ctx.graph.edges[e];
                            if e.source == n
                                && e.mode == EdgeMode::Sync
                                && !inside.contains(&e.destination)
                            {
                                inside.push(e.destination);
                            }
                        }
                    }
                    inside.len()
                };
                if ctx
                    .flows
                    .iter()
                    .filter(|f| !f.implicit)
                    .map(in_flow)
                    .max()
                    .unwrap_or(0)
                    < MIN_FAN_OUT
                {
                    continue;
                }
            }
            if callees.len() < MIN_FAN_OUT {
                continue;
            }
            let node = &m.nodes[n];
            let aggregator = map_any(&node.metadata, &["role", "pattern"])
                .and_then(|(_, v)| v.as_str().map(tokens))
                .unwrap_or_default()
                .iter()
                .chain(tokens(&format!("{} {}", node.id, node.name)).iter())
                .any(|t| {
                    matches!(
                        t.as_str(),
                        "aggregator" | "bff" | "composer" | "orchestrator"
                    )
                });
            let parallel = map_any(&node.metadata, &["fan-out", "parallel", "call-pattern"])
                .is_some_and(|(_, v)| {
                    v.as_bool() == Some(true)
                        || v.as_str()
                            .is_some_and(|s| s.to_ascii_lowercase().contains("parallel"))
                });
            let bounded = map_any(
                &node.metadata,
                &["per-call-timeout", "timeout", "call-timeout"],
            )
            .is_some()
                || control_evidence(
                    &node.controls,
                    &["operation-timeout", "per-call-timeout"],
                    &["timeout"],
                )
                .is_some()
                || rels.iter().all(|r| {
                    let rel = &m.relationships[*r];
                    control_evidence(&rel.controls, &["operation-timeout"], &["timeout"]).is_some()
                        || map_any(&rel.metadata, &["timeout"]).is_some()
                });
            let mitigated = aggregator && parallel && bounded;
            let flows = index.flows_of(ctx, n);
            let callee_ids: Vec<&str> = callees.iter().map(|c| m.nodes[*c].id.as_str()).collect();
            let mut b = ctx
                .finding(&META, &[node.id.as_str()])
                .title(format!("{} calls {} services synchronously", node.id, callees.len()))
                .score(if mitigated { 1 } else { 3 }, 2)
                .nodes(std::iter::once(node.id.as_str()).chain(callee_ids.iter().copied()))
                .relationships(rels.iter().map(|r| m.relationships[*r].id.as_str()))
                .flows(flow_ids(ctx, &flows))
                .weight(weight(ctx, &flows))
                .metric("fanOut", json!(callees.len()))
                .evidence("callees", format!("synchronous callees: {}", callee_ids.join(", ")))
                .rationale(format!(
                    "Every request through {} waits for {} services: their latencies add up (or the slowest wins, if parallel) and their availabilities multiply.",
                    node.id,
                    callees.len()
                ))
                .recommendation("Call in parallel with per-call timeouts and partial responses, cache or precompute slow parts, and make calls whose answer is not needed asynchronous.");
            if mitigated {
                b = b.evidence("mitigation", "aggregator with declared parallel fan-out and per-call timeouts (downgraded to low)");
            }
            out.push(b.build());
        }
        out
    }
}
