//! RES-18 `missing-health-check`.

use super::evidence_in;
use crate::context::Context;
use crate::finding::{Category, Finding, Severity};
use crate::roles::Role;
use crate::rules::{Rule, RuleDoc, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "missing-health-check",
    code: "RES-18",
    category: Category::Resilience,
    default_severity: Severity::Medium,
    summary: "redundancy group or load-balancer targets without health endpoint or health-check control",
    tags: &["resilience", "operability", "seems:misconfiguration"],
    doc: RuleDoc {
        what: "Members of a redundancy group, targets of a load balancer, or the one target of a load \
balancer that is itself a pool (a tier whose `composed-of`/`deployed-in` members are its \
instances, or a node declaring several instances), with no health evidence: \
`health-endpoint`, `health-check`, `health-check-path`, `health-check-url`, `readiness-probe`, \
`liveness-probe` metadata on the member or on the relationship that reaches it, or a control with \
`health-check-*` config. Groups with automatic failover declared and managed nodes are exempt.",
        why: "Redundancy only works when failed members are detected and taken out of rotation. \
Without health checks a dead instance keeps receiving its share of traffic: a partial outage \
instead of none.",
        example: "`web-1`, `web-2` behind `lb`, no health endpoint declared.",
        how_to_fix: "Expose a health endpoint on every instance and let the load balancer or \
orchestrator check it: `calm-advisor fix FILE add-control --scope node:web-1 --id health-check \
--config health-check-path=/health`.",
        false_positives: "Managed/serverless nodes with platform health management: declare \
`managed: true`.",
        references: &[
            "https://learn.microsoft.com/azure/architecture/patterns/health-endpoint-monitoring",
        ],
    },
};

const KEYS: &[&str] = &[
    "health-endpoint",
    "health-check",
    "health-check-path",
    "health-check-url",
    "health-api",
    "readiness-probe",
    "liveness-probe",
    "health-check-frequency",
    "health-check-interval",
];

pub struct MissingHealthCheck;

impl Rule for MissingHealthCheck {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let healthy = |n: usize| {
            let nd = &ctx.model.nodes[n];
            ctx.redundancy.node[n].managed
                || evidence_in(
                    &nd.metadata,
                    &nd.controls,
                    KEYS,
                    &["health-check", "health check"],
                )
                .is_some()
                || ctx.graph.inc[n].iter().any(|e| {
                    let r = &ctx.model.relationships[ctx.graph.edges[*e].relationship];
                    evidence_in(&r.metadata, &r.controls, KEYS, &["health-check"]).is_some()
                })
                || ctx.graph.inc[n].iter().any(|e| {
                    let s = ctx.graph.edges[*e].source;
                    ctx.role(s) == Role::LoadBalancer
                        && evidence_in(
                            &ctx.model.nodes[s].metadata,
                            &ctx.model.nodes[s].controls,
                            KEYS,
                            &["health-check"],
                        )
                        .is_some()
                })
        };
        let mut out = Vec::new();
        let mut sets: Vec<(Vec<usize>, String)> = Vec::new();
        for g in &ctx.redundancy.groups {
            if g.failover.is_some() || g.members.iter().all(|m| ctx.role(*m).is_datastore()) {
                continue;
            }
            sets.push((g.members.clone(), g.evidence.join("; ")));
        }
        for lb in (0..ctx.model.nodes.len()).filter(|n| ctx.role(*n) == Role::LoadBalancer) {
            let mut targets: Vec<usize> = ctx.hard_successors(lb).collect();
            targets.sort_unstable();
            targets.dedup();
            if targets.len() >= 2 && !sets.iter().any(|s| s.0 == targets) {
                sets.push((
                    targets,
                    format!("targets of load balancer {}", ctx.node_id(lb)),
                ));
            } else if let [t] = targets[..]
                && ctx.redundancy.group_of[t].is_none()
                && !ctx.role(t).is_datastore()
                && let Some(pool) = pool_evidence(ctx, t)
            {
                sets.push((
                    vec![t],
                    format!("pool behind load balancer {} ({pool})", ctx.node_id(lb)),
                ));
            }
        }
        for (members, why) in sets {
            let missing: Vec<String> = members
                .iter()
                .filter(|m| !healthy(**m))
                .map(|m| ctx.node_id(*m).to_string())
                .collect();
            if missing.is_empty() {
                continue;
            }
            let first = missing[0].clone();
            out.push(
                ctx.finding(&META, &[&first])
                    .title(format!("No health check declared for {}", super::and_list(&missing)))
                    .score(2, 3)
                    .confidence(crate::finding::Confidence::Medium)
                    .nodes(missing.clone())
                    .evidence("redundancy", why)
                    .evidence("no-health-check", "no health endpoint/probe metadata or health-check control on the members or the relationships reaching them")
                    .rationale(if members.len() == 1 {
                        format!("{} runs as a pool of instances, but nothing declares how a failed instance is detected and ejected, so a dead instance keeps receiving traffic until someone notices.", missing[0])
                    } else {
                        format!("{} are redundant, but nothing declares how a failed instance is detected and ejected, so a dead member keeps receiving traffic until someone notices.", super::and_list(&missing))
                    })
                    .recommendation("Expose a health endpoint on every instance and let the load balancer or orchestrator check it.")
                    .fix("add-control", &["--scope", &format!("node:{first}"), "--id", "health-check", "--config", "health-check-path=/health"], "safe", format!("declares a health check on {first}"))
                    .build(),
            );
        }
        out
    }
}

/// What makes node `t` a pool of instances by itself: a tier whose `composed-of` or
/// `deployed-in` members are its instances ("its members web-vm-a, web-vm-b"), or a declared
/// instance count of 2 or more.
pub(crate) fn pool_evidence(ctx: &Context, t: usize) -> Option<String> {
    let members: Vec<&str> = ctx.graph.children[t]
        .iter()
        .chain(&ctx.graph.hosted[t])
        .map(|m| ctx.node_id(*m))
        .collect();
    if !members.is_empty() {
        Some(format!("its members {}", members.join(", ")))
    } else if ctx.redundancy.node[t].instances >= 2 {
        let r = &ctx.redundancy.node[t];
        Some(
            r.evidence
                .clone()
                .unwrap_or_else(|| format!("{} instances", r.instances)),
        )
    } else {
        None
    }
}
