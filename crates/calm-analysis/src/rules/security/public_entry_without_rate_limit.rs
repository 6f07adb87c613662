//! SEC-05 `public-entry-without-rate-limit`.

use super::{control_evidence, is_internal_only, is_untrusted, meta_get, with_add_control};
use crate::context::Context;
use crate::finding::{Category, Finding, Severity};
use crate::graph::EdgeMode;
use crate::roles::Role;
use crate::rules::{Rule, RuleDoc, RuleMeta};
use std::collections::BTreeSet;

pub static META: RuleMeta = RuleMeta {
    id: "public-entry-without-rate-limit",
    code: "SEC-05",
    category: Category::Security,
    default_severity: Severity::Medium,
    summary: "internet-facing entry without rate-limiting/throttling control",
    tags: &[
        "security",
        "resilience",
        "seems:excessive-load",
        "stride:denial-of-service",
    ],
    doc: RuleDoc {
        what: "An entry point — a node of yours that actors, web clients or external systems call \
directly — with no rate limiting or throttling declared.\n\nEvidence that clears it: a control on \
the node with config `max-requests`, `rate-limit`, `requests-per-second`, `throttling`, `quota`, \
or whose id/requirement-url says rate-limit(ing)/throttling/quota (tutorial 08's \
`…/performance/rate-limiting`); metadata `rate-limit`/`throttling`/`quota`; an architecture-level \
control of that kind; for a load balancer, every gateway directly behind it declaring rate \
limiting. Entries declared internal-only (`internal: true`, VPN, IP allow-list metadata) are \
skipped. Datastores are left to SEC-02.",
        why: "Without limits, one misbehaving client, a retry storm or a cheap DoS exhausts the \
entry and everything behind it (AWS SEEMS excessive load, REL05-BP02 throttle requests). Severity \
goes from medium to high when the entry is also the single, non-redundant way in: overload then \
takes down every journey at once (Threagile DoS-risky access).",
        example: "`accounts-service` is called by the browser app directly and declares no request \
quota.",
        how_to_fix: "Declare per-client quotas at the entry (gateway or load balancer):\n\
`calm-advisor fix FILE add-control --scope node:ENTRY --id api-rate-limiting --config \
max-requests=100 'time-window={\"unit\":\"seconds\",\"value\":1}'`, and return 429 with `Retry-After` so clients back off.",
        false_positives: "Internal-only entries: declare `internal: true`. Rate limiting done by a \
CDN or managed edge the model does not show: declare it as an architecture-level rate-limiting \
control. Only entries that outside callers reach are in scope (employees and operators are \
internal); missing throttling is reported at medium at most.",
        references: &[
            "https://docs.aws.amazon.com/wellarchitected/latest/reliability-pillar/rel_mitigate_interaction_failure_throttle_requests.html",
            "https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/",
            "https://calm.finos.org/traderx/control-requirement/api-rate-limiting",
        ],
    },
};

const KEYS: &[&str] = &[
    "max-requests",
    "rate-limit",
    "rate-limiting",
    "requests-per-second",
    "max-requests-per-second",
    "throttling",
    "throttle",
    "quota",
    "burst-limit",
];
const WORDS: &[&str] = &[
    "rate-limit",
    "rate-limiting",
    "rate limiting",
    "api-rate-limiting",
    "throttling",
    "throttle",
    "quota",
];

fn rate_limit(ctx: &Context, n: usize) -> Option<String> {
    let node = &ctx.model.nodes[n];
    control_evidence(&node.controls, KEYS, WORDS)
        .or_else(|| meta_get(&node.metadata, KEYS).map(|(k, _)| format!("metadata `{k}`")))
}

pub struct PublicEntryWithoutRateLimit;

impl Rule for PublicEntryWithoutRateLimit {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let index = super::FlowIndex::build(ctx);
        let m = &ctx.model;
        if control_evidence(&m.controls, KEYS, WORDS).is_some() {
            return Vec::new();
        }
        // Entry points: own nodes with an inbound edge from an untrusted source.
        let mut entries: BTreeSet<usize> = BTreeSet::new();
        for e in &ctx.graph.edges {
            let d = e.destination;
            if is_untrusted(ctx, e.source)
                && !super::is_container(ctx, d)
                && !is_untrusted(ctx, d)
                && !ctx.roles[d].role.is_datastore()
                && !matches!(ctx.roles[d].role, Role::Actor | Role::Client)
            {
                entries.insert(d);
            }
        }
        let single_ingress = entries.len() == 1;
        let mut out = Vec::new();
        for &n in &entries {
            if is_internal_only(&m.nodes[n].metadata).is_some() || rate_limit(ctx, n).is_some() {
                continue;
            }
            // A load balancer whose gateways all throttle is covered.
            if ctx.roles[n].role == Role::LoadBalancer {
                let behind: Vec<usize> = ctx.graph.out[n]
                    .iter()
                    .map(|e| &ctx.graph.edges[*e])
                    .filter(|e| e.mode == EdgeMode::Sync)
                    .map(|e| e.destination)
                    .collect();
                if !behind.is_empty() && behind.iter().all(|b| rate_limit(ctx, *b).is_some()) {
                    continue;
                }
            }
            let id = &m.nodes[n].id;
            let spof = single_ingress && !ctx.redundancy.is_redundant(n);
            let callers: BTreeSet<&str> = ctx.graph.inc[n]
                .iter()
                .map(|e| &ctx.graph.edges[*e])
                .filter(|e| is_untrusted(ctx, e.source))
                .map(|e| m.nodes[e.source].id.as_str())
                .collect();
            let callers_s = callers.iter().copied().collect::<Vec<_>>().join(", ");
            let external = ctx.graph.inc[n]
                .iter()
                .map(|e| ctx.graph.edges[*e].source)
                .any(|s| {
                    is_untrusted(ctx, s)
                        && !(ctx.roles[s].role == Role::Actor
                            && super::internal_actor(ctx, s).is_some())
                });
            let mut b = ctx
                .finding(&META, &[id.as_str()])
                .title(format!("entry point {id} has no rate limiting"))
                // Throttling protects availability; missing it is a medium weakness at most, and
                // low when only internal people call the entry.
                .score(if external { 3 } else { 1 }, 2)
                .nodes([id.as_str()])
                .flows(super::flow_ids(ctx, &index.flows_of(ctx, n))).weight(super::weight(ctx, &index.flows_of(ctx, n)))
                .evidence("entry-point", format!("called directly by {callers_s}"))
                .evidence("no-rate-limit", "no rate-limiting/throttling control or metadata on the entry, the gateways behind it, or the architecture")
                .rationale(format!(
                    "Nothing bounds how many requests {callers_s} can send to {id}; a retry storm or abusive client exhausts it{}.",
                    if spof { ", and it is the only, non-redundant way in, so every journey fails together" } else { "" }
                ))
                .recommendation(format!("Declare per-client quotas on {id} (or the gateway in front of it) and answer 429 with Retry-After."));
            if spof {
                b = b.evidence(
                    "single-ingress",
                    format!("{id} is the only entry point and has no redundancy evidence"),
                );
            }
            b = with_add_control(
                b,
                &format!("node:{id}"),
                "api-rate-limiting",
                "Per-client request quotas",
                &[
                    "max-requests=100",
                    r#"time-window={"unit":"seconds","value":1}"#,
                ],
                "Declare a per-client rate limit on the entry point.",
            );
            out.push(b.build());
        }
        out
    }
}
