//! PERF-02 `flow-latency-budget-exceeded`.

use super::{config_value, duration_ms, latency_of, request_path_relationships};
use crate::context::{Context, map_any};
use crate::finding::{Category, Finding, Severity};
use crate::rules::security::show;
use crate::rules::{Rule, RuleDoc, RuleMeta};
use serde_json::json;

pub static META: RuleMeta = RuleMeta {
    id: "flow-latency-budget-exceeded",
    code: "PERF-02",
    category: Category::Performance,
    default_severity: Severity::High,
    summary: "Σ declared latency on a flow's synchronous path exceeds the flow's latency SLA",
    tags: &["performance", "seems:excessive-latency", "premise:journey"],
    doc: RuleDoc {
        what: "A flow with a latency budget whose synchronous request path already adds up to more \
than the budget from the latencies the model itself declares.\n\nBudget: flow metadata \
`latency-sla`, `max-latency`, `latency-budget`, `p99-latency(-ms)`, `response-time`, or `sla` \
when it contains a time (`\"p99 < 400ms\"`, `\"30s p99\"`); else a flow control config \
`expected-latency`/`max-latency`/`p99-latency-ms`; else the same keys in an architecture-level \
control (a budget for every flow). Path: the flow's relationships that are synchronous calls \
(or publishes) before any asynchronous hand-off, and the provider nodes on that path. Sum: every \
node's `latency`/`expected-latency`/`processing-time` and every relationship's latency \
(metadata or control config); calls are assumed sequential. Edge timeouts are reported as the \
worst-case bound in the metrics but do not raise the finding on their own. No declared latency on \
the path → no finding (nothing to add up).",
        why: "Sequential synchronous calls add their latencies; the tail (p99) of a chain is worse \
than the sum of medians. A flow that is over budget on paper will be over budget in production, \
and the usual reaction — shorter timeouts — turns slowness into errors (AWS SEEMS excessive \
latency).",
        example: "`home-page-flow` has `sla: \"p99 < 400ms\"`; its BFF calls five services in \
sequence whose declared latencies add up to 515 ms.",
        how_to_fix: "Call independent services in parallel, cache or precompute what the slowest \
hop returns (materialised views, read models), move non-essential calls off the request path \
(async), or shorten the chain (see `sync-fan-out`, `sync-chain-too-deep`). If the budget is \
wrong, correct it.",
        false_positives: "Calls the node makes in parallel (the sum overstates them): declare \
`fan-out: parallel` on the caller and accept the finding with a suppression, or split the flow \
so each parallel branch is its own flow.",
        references: &[
            "https://docs.aws.amazon.com/prescriptive-guidance/latest/resilience-analysis-framework/excessive-latency.html",
            "https://sre.google/sre-book/service-level-objectives/",
            "https://calm.finos.org/traderx/control-requirement/latency",
        ],
    },
};

const BUDGET_KEYS: &[&str] = &[
    "latency-sla",
    "max-latency",
    "latency-budget",
    "p99-latency",
    "p99-latency-ms",
    "response-time",
    "response-time-sla",
    "sla",
];
const CONTROL_BUDGET_KEYS: &[&str] = &[
    "expected-latency",
    "max-latency",
    "p99-latency-ms",
    "p99-latency",
    "latency-budget",
    "response-time",
];

pub struct FlowLatencyBudgetExceeded;

impl Rule for FlowLatencyBudgetExceeded {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let by_rel = crate::rules::security::edges_by_relationship(ctx);
        let m = &ctx.model;
        let arch_budget = CONTROL_BUDGET_KEYS.iter().find_map(|k| {
            config_value(&m.controls, &[k]).and_then(|(c, ck, v)| {
                duration_ms(v, ck.ends_with("-ms"))
                    .map(|ms| (ms, format!("architecture control `{c}` `{ck}`")))
            })
        });
        let mut out = Vec::new();
        for f in 0..ctx.flows.len() {
            let fl = &ctx.flows[f];
            let Some(fi) = fl.index else { continue };
            let mf = &m.flows[fi];
            let budget = BUDGET_KEYS
                .iter()
                .find_map(|k| {
                    map_any(&mf.metadata, &[k]).and_then(|(mk, v)| {
                        duration_ms(v, mk.ends_with("-ms"))
                            .map(|ms| (ms, format!("flow metadata `{mk}: {}`", show(v))))
                    })
                })
                .or_else(|| {
                    CONTROL_BUDGET_KEYS.iter().find_map(|k| {
                        config_value(&mf.controls, &[k]).and_then(|(c, ck, v)| {
                            duration_ms(v, ck.ends_with("-ms"))
                                .map(|ms| (ms, format!("flow control `{c}` `{ck}`")))
                        })
                    })
                })
                .or_else(|| arch_budget.clone());
            let Some((budget_ms, budget_src)) = budget else {
                continue;
            };
            let rels = request_path_relationships(ctx, &by_rel, f);
            let mut parts: Vec<(String, f64, String)> = Vec::new();
            let mut nodes_on_path: Vec<usize> = Vec::new();
            let mut worst_extra = 0.0;
            for &r in &rels {
                let rel = &m.relationships[r];
                if let Some((ms, src)) = latency_of(&rel.metadata, &rel.controls) {
                    parts.push((rel.id.clone(), ms, src));
                }
                if let Some((_, ck, v)) = config_value(
                    &rel.controls,
                    &["operation-timeout", "timeout", "request-timeout"],
                )
                .or_else(|| {
                    map_any(
                        &rel.metadata,
                        &["timeout", "operation-timeout", "request-timeout"],
                    )
                    .map(|(k, v)| (String::new(), k, v))
                }) {
                    worst_extra += duration_ms(v, ck.ends_with("-ms")).unwrap_or(0.0);
                }
                for e in by_rel[r].iter().map(|e| &ctx.graph.edges[*e]) {
                    for n in [e.source, e.destination] {
                        if fl.request_nodes.contains(&n) && !nodes_on_path.contains(&n) {
                            nodes_on_path.push(n);
                        }
                    }
                }
            }
            for &n in &nodes_on_path {
                let node = &m.nodes[n];
                if let Some((ms, src)) = latency_of(&node.metadata, &node.controls) {
                    parts.push((node.id.clone(), ms, src));
                }
            }
            if parts.is_empty() {
                continue;
            }
            let total: f64 = parts.iter().map(|p| p.1).sum();
            if total <= budget_ms {
                continue;
            }
            let mut sorted = parts.clone();
            sorted.sort_by(|a, b| {
                b.1.partial_cmp(&a.1)
                    .unwrap_or(std::cmp::Ordering::Equal)
                    .then(a.0.cmp(&b.0))
            });
            let top: Vec<String> = sorted
                .iter()
                .take(3)
                .map(|p| format!("{} {} ms", p.0, fmt_ms(p.1)))
                .collect();
            let node_ids: Vec<&str> = nodes_on_path
                .iter()
                .map(|n| m.nodes[*n].id.as_str())
                .collect();
            let b = ctx
                .finding(&META, &[fl.id.as_str()])
                .title(format!("{}: declared latencies add up to {} ms, over the {} ms budget", fl.id, fmt_ms(total), fmt_ms(budget_ms)))
                .score(3, if fl.criticality >= 3 { 3 } else { 2 })
                .nodes(node_ids.iter().copied())
                .relationships(rels.iter().map(|r| m.relationships[*r].id.as_str()))
                .flows([fl.id.as_str()])
                .weight(fl.criticality as u32)
                .evidence("budget", format!("{} ms from {budget_src}", fmt_ms(budget_ms)))
                .evidence("path-latency", parts.iter().map(|p| format!("{} {} ms ({})", p.0, fmt_ms(p.1), p.2)).collect::<Vec<_>>().join("; "))
                .metric("latencyMs", json!({"budget": budget_ms, "declaredSum": total, "worstCaseWithTimeouts": total + worst_extra}))
                .rationale(format!(
                    "The synchronous path of {} adds up to {} ms of declared latency (largest: {}) against a budget of {} ms; calls in sequence add up, and tails add up worse.",
                    fl.id,
                    fmt_ms(total),
                    top.join(", "),
                    fmt_ms(budget_ms)
                ))
                .recommendation("Parallelise independent calls, cache or precompute the slowest hops, and move calls whose answer the user does not wait for off the request path.");
            out.push(b.build());
        }
        out
    }
}

fn fmt_ms(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}
