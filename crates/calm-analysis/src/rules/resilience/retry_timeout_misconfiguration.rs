//! RES-19 `retry-timeout-misconfiguration`.

use crate::context::Context;
use crate::finding::{Category, Finding, Severity};
use crate::graph::EdgeMode;
use crate::normalize::{Control, number};
use crate::rules::{Rule, RuleDoc, RuleMeta};
use serde_json::{Map, Value};

pub static META: RuleMeta = RuleMeta {
    id: "retry-timeout-misconfiguration",
    code: "RES-19",
    category: Category::Resilience,
    default_severity: Severity::Medium,
    summary: "retry amplification > 10×, retries without backoff, or caller timeout ≤ callee budget",
    tags: &[
        "resilience",
        "seems:excessive-load",
        "seems:excessive-latency",
    ],
    doc: RuleDoc {
        what: "From inline retry/timeout declarations along a flow's synchronous chain \
(relationship metadata/controls, else the caller's controls): (a) retry amplification \
Π(1 + max-retriesᵢ) > 10; (b) `max-retries` ≥ 2 with `backoff-strategy: fixed` or no backoff; \
(c) a caller's `operation-timeout` not larger than the next hop's timeout × (retries + 1).",
        why: "Retries at every layer multiply: three layers of three retries send 64 requests to the \
bottom service during an incident. Fixed-interval retries synchronise clients into waves. A caller \
that gives up before its callee finishes retrying wastes the work and retries again.",
        example: "`web → api → orders` with `max-retries: 3` on each edge: 4 × 4 = 16 calls per request.",
        how_to_fix: "Retry at one layer only (nearest the failure), with exponential backoff and \
jitter; give every caller a timeout larger than its callee's total budget.",
        false_positives: "Values only available via `config-url` are not read (opaque): nothing is \
reported. Idempotent read paths may tolerate more retries: suppress as accepted.",
        references: &[
            "https://docs.aws.amazon.com/wellarchitected/latest/reliability-pillar/rel_mitigate_interaction_failure_limit_retries.html",
        ],
    },
};

pub struct RetryTimeoutMisconfiguration;

fn lookup<'a>(
    md: &'a Map<String, Value>,
    controls: &'a [Control],
    keys: &[&str],
) -> Option<&'a Value> {
    for k in keys {
        if let Some(v) = md.get(*k) {
            return Some(v);
        }
        for c in controls {
            for (ck, v) in c.config_entries() {
                if ck == *k {
                    return Some(v);
                }
                if let Some(inner) = v.as_object().and_then(|o| o.get(*k)) {
                    return Some(inner);
                }
            }
        }
    }
    None
}

struct Hop {
    rel: String,
    source: usize,
    destination: usize,
    retries: Option<f64>,
    backoff: Option<String>,
    timeout_ms: Option<f64>,
}

fn ms(v: &Value) -> Option<f64> {
    let x = number(v)?;
    let unit = v.get("unit").and_then(Value::as_str).unwrap_or("");
    Some(if unit.starts_with("sec") {
        x * 1000.0
    } else if unit.starts_with("min") {
        x * 60_000.0
    } else {
        // Milliseconds: the default unit.
        x
    })
}

impl Rule for RetryTimeoutMisconfiguration {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let mut out = Vec::new();
        let mut reported_b = std::collections::BTreeSet::new();
        for f in ctx.flows.iter().filter(|f| !f.implicit) {
            let mut hops = Vec::new();
            for r in &f.relationships {
                let Some(e) = ctx.graph.by_relationship[*r]
                    .iter()
                    .map(|i| &ctx.graph.edges[*i])
                    .find(|e| e.mode == EdgeMode::Sync)
                else {
                    continue;
                };
                let rel = &ctx.model.relationships[*r];
                let src = &ctx.model.nodes[e.source];
                let get = |keys: &[&str]| {
                    lookup(&rel.metadata, &rel.controls, keys)
                        .or_else(|| lookup(&src.metadata, &src.controls, keys))
                };
                hops.push(Hop {
                    rel: rel.id.clone(),
                    source: e.source,
                    destination: e.destination,
                    retries: get(&["max-retries", "retries", "retry-attempts", "max-attempts"])
                        .and_then(number),
                    backoff: get(&["backoff-strategy", "backoff", "retry-policy"])
                        .map(crate::redundancy::compact),
                    timeout_ms: get(&["operation-timeout", "timeout-ms", "timeout"]).and_then(ms),
                });
            }
            let amp: f64 = hops
                .iter()
                .map(|h| 1.0 + h.retries.unwrap_or(0.0))
                .product();
            if amp > 10.0 {
                let rels: Vec<String> = hops
                    .iter()
                    .filter(|h| h.retries.is_some())
                    .map(|h| h.rel.clone())
                    .collect();
                out.push(
                    ctx.finding(&META, &[&f.id])
                        .variant("amplification")
                        .title(format!("{}: retries multiply to {amp:.0} calls per request", f.id))
                        .score(2, 3)
                        .flows([f.id.clone()])
                        .relationships(rels.clone())
                        .evidence("amplification", format!("Π(1 + max-retries) over {} = {amp:.0}", rels.join(", ")))
                        .rationale(format!("Retries on several layers of {} multiply: during an incident the deepest service receives up to {amp:.0} requests for each user request, which keeps it down.", f.id))
                        .recommendation("Retry at one layer only, nearest the failure, with exponential backoff and jitter.")
                        .build(),
                );
            }
            for h in &hops {
                let fixed = h
                    .backoff
                    .as_deref()
                    .map(|b| {
                        let b = b.to_ascii_lowercase();
                        !(b.contains("exponential") || b.contains("jitter"))
                    })
                    .unwrap_or(true);
                if h.retries.unwrap_or(0.0) >= 2.0 && fixed && reported_b.insert(h.rel.clone()) {
                    out.push(
                        ctx.finding(&META, &[&h.rel])
                            .variant("no-backoff")
                            .title(format!("{} retries {} times without exponential backoff", h.rel, h.retries.unwrap_or(0.0)))
                            .score(2, 2)
                            .relationships([h.rel.clone()])
                            .flows([f.id.clone()])
                            .evidence("retries", format!("max-retries {} with backoff {}", h.retries.unwrap_or(0.0), h.backoff.clone().unwrap_or_else(|| "undeclared".into())))
                            .rationale("Retries at a fixed interval synchronise clients into waves that hit the recovering service together.")
                            .recommendation("Use exponential backoff with jitter.")
                            .build(),
                    );
                }
            }
            // Caller/callee pairs: the second hop starts where the first ends.
            for w in hops.windows(2).filter(|w| w[0].destination == w[1].source) {
                if let (Some(caller), Some(callee)) = (w[0].timeout_ms, w[1].timeout_ms) {
                    let budget = callee * (1.0 + w[1].retries.unwrap_or(0.0));
                    if caller <= budget {
                        out.push(
                            ctx.finding(&META, &[&w[0].rel, &w[1].rel])
                                .variant("timeout-inversion")
                                .title(format!("{} times out ({caller} ms) before {} can finish ({budget} ms)", w[0].rel, w[1].rel))
                                .score(2, 2)
                                .relationships([w[0].rel.clone(), w[1].rel.clone()])
                                .flows([f.id.clone()])
                                .evidence("timeouts", format!("caller {caller} ms ≤ callee {callee} ms × (1 + retries)"))
                                .rationale("The caller gives up while the callee is still working or retrying: the work is wasted and usually retried again.")
                                .recommendation("Give each caller a timeout larger than its callee's total budget (timeout × attempts).")
                                .build(),
                        );
                    }
                }
            }
        }
        out
    }
}
