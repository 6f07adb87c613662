//! RES-09 `sync-call-without-failure-handling`.

use super::evidence_in;
use crate::context::Context;
use crate::finding::{Category, Finding, Severity};
use crate::graph::EdgeMode;
use crate::rules::{Rule, RuleDoc, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "sync-call-without-failure-handling",
    code: "RES-09",
    category: Category::Resilience,
    default_severity: Severity::Medium,
    summary: "synchronous call to an external, single-instance or critical dependency without timeout/retry/circuit breaker/fallback",
    tags: &["resilience", "seems:excessive-latency", "premise:journey"],
    doc: RuleDoc {
        what: "A synchronous `connects` s → d where d is external, or a single point of failure of \
a flow, or the call is on a critical flow, and no failure-handling evidence exists on the \
relationship, the caller, the flow, or the architecture (`retry-logic`, `retry-policy`, \
`max-retries`, `operation-timeout`, `timeout`, `connection-timeout`, `circuit-breaker`, \
`failure-threshold`, `fallback-mechanism`, or a control whose id/URL mentions circuit-breaker, \
retry, timeout, error-handling or bulkhead). Calls reported by `cascading-sync-dependency` are \
not repeated.",
        why: "Without timeouts a slow dependency holds the caller's threads until the caller fails \
too; without bounded retries and a breaker, recovery turns into a retry storm.",
        example: "`checkout` → `tax-service` (HTTPS), no timeout or breaker declared.",
        how_to_fix: "Declare timeouts, bounded retries with jittered backoff, a circuit breaker and \
a fallback on the relationship: `calm-advisor fix FILE add-control --scope relationship:ID \
--preset circuit-breaker`.",
        false_positives: "Database drivers with pool timeouts: declare `connection-timeout` on the \
relationship. Architecture-wide policy: declare it as an architecture control (accepted, but the \
advisor trusts declarations). A key declared `false`/`none` is not evidence. High only when the \
callee is a third party on a critical flow; medium otherwise.",
        references: &[
            "https://docs.aws.amazon.com/wellarchitected/latest/reliability-pillar/rel_mitigate_interaction_failure_limit_retries.html",
            "https://learn.microsoft.com/azure/architecture/patterns/circuit-breaker",
        ],
    },
};

const KEYS: &[&str] = &[
    "retry-logic",
    "retry-policy",
    "retry",
    "retries",
    "max-retries",
    "operation-timeout",
    "timeout",
    "timeout-ms",
    "connection-timeout",
    "request-timeout",
    "circuit-breaker",
    "failure-threshold",
    "fallback-mechanism",
    "fallback",
    "failure-handling-strategy",
    "bulkhead",
];
const WORDS: &[&str] = &[
    "circuit-breaker",
    "retry",
    "timeout",
    "error-handling",
    "bulkhead",
    "resilience",
];

pub struct SyncCallWithoutFailureHandling;

impl Rule for SyncCallWithoutFailureHandling {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let cascades: Vec<usize> = super::cascading_sync_dependency::candidates(ctx)
            .into_iter()
            .map(|c| c.edge)
            .collect();
        if evidence_in(&ctx.model.metadata, &ctx.model.controls, KEYS, WORDS).is_some() {
            return Vec::new();
        }
        let mut required: Vec<usize> = ctx
            .flows
            .iter()
            .flat_map(|f| f.required_closure.iter().copied())
            .collect();
        required.sort_unstable();
        required.dedup();
        let mut out = Vec::new();
        let mut seen_rel = std::collections::BTreeSet::new();
        for (ei, e) in ctx.graph.edges.iter().enumerate() {
            if e.mode != EdgeMode::Sync
                || cascades.contains(&ei)
                || !seen_rel.insert(e.relationship)
            {
                continue;
            }
            let (s, d) = (e.source, e.destination);
            // Load balancers handle failed targets with health checks (RES-18), not retries.
            if ctx.roles[s].role.is_client_side()
                || ctx.roles[s].role == crate::roles::Role::LoadBalancer
            {
                continue;
            }
            let flows: Vec<usize> = ctx.node_flows[s]
                .iter()
                .copied()
                .filter(|f| ctx.node_flows[d].binary_search(f).is_ok())
                .collect();
            let external = ctx.roles[d].external;
            let spof = required.binary_search(&ctx.redundancy.super_of[d]).is_ok()
                && !ctx.is_redundant_node(d);
            let critical = flows.iter().any(|f| ctx.flows[*f].criticality >= 4);
            if !(external || spof || critical) || flows.is_empty() {
                continue;
            }
            let rel = &ctx.model.relationships[e.relationship];
            let src = &ctx.model.nodes[s];
            // On the caller, a bare `timeout` is its own execution limit (a Lambda's 10 s), not
            // a limit on this call: only explicit call policies count there.
            let node_keys: Vec<&str> = KEYS
                .iter()
                .copied()
                .filter(|k| !matches!(*k, "timeout" | "timeout-ms" | "request-timeout"))
                .collect();
            if evidence_in(&rel.metadata, &rel.controls, KEYS, WORDS).is_some()
                || evidence_in(&src.metadata, &src.controls, &node_keys, WORDS).is_some()
            {
                continue;
            }
            if flows.iter().filter_map(|f| ctx.flows[*f].index).any(|i| {
                let mf = &ctx.model.flows[i];
                evidence_in(&mf.metadata, &mf.controls, KEYS, WORDS).is_some()
            }) {
                continue;
            }
            let (sid, did, rid) = (
                ctx.node_id(s).to_string(),
                ctx.node_id(d).to_string(),
                rel.id.clone(),
            );
            let why = if external {
                format!("{did} is external")
            } else if spof {
                format!("{did} is a single point of failure")
            } else {
                "the call is on a critical flow".to_string()
            };
            out.push(
                ctx.finding(&META, &[&rid])
                    .title(format!("{sid} → {did} has no timeout, retry, circuit breaker or fallback"))
                    // High only for a third party on a critical flow; otherwise a medium gap.
                    .score(3, if critical { 3 } else { 2 })
                    .cap(if ctx.roles[d].side_effect {
                        // Telemetry, audit, notification: a slow sink costs a side effect.
                        crate::finding::Severity::Low
                    } else if external && critical {
                        crate::finding::Severity::High
                    } else {
                        crate::finding::Severity::Medium
                    })
                    .confidence(e.mode_confidence)
                    .nodes([sid.clone(), did.clone()])
                    .relationships([rid.clone()])
                    .flows(super::flow_ids(ctx, &flows))
                    .evidence("sync-edge", format!("{} ({})", e.mode.as_str(), e.mode_evidence))
                    .evidence("why-it-matters", why.clone())
                    .evidence("no-failure-handling", "no retry/timeout/circuit-breaker/fallback on the relationship, caller, flow or architecture")
                    .rationale(format!("{sid} waits on {did} synchronously and {why}; with no declared timeout or circuit breaker, a slow {did} ties up {sid} until it fails too, and naive retries amplify the incident."))
                    .recommendation(format!("Protect {rid} with an explicit timeout, bounded retries with jittered backoff, a circuit breaker and a fallback."))
                    .fix("add-control", &["--scope", &format!("relationship:{rid}"), "--preset", "circuit-breaker"], "safe", format!("declares a circuit breaker on {rid}"))
                    .weight(flows.iter().map(|f| ctx.flows[*f].criticality as u32).sum())
                    .build(),
            );
        }
        out
    }
}
