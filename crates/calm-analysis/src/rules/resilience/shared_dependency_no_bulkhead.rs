//! RES-13 `shared-dependency-no-bulkhead`.

use super::{and_list, evidence_in};
use crate::context::Context;
use crate::finding::{Category, Finding, Severity};
use crate::graph::EdgeMode;
use crate::roles::Role;
use crate::rules::{Rule, RuleDoc, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "shared-dependency-no-bulkhead",
    code: "RES-13",
    category: Category::Resilience,
    default_severity: Severity::Medium,
    summary: "sync fan-in ≥ 3 callers, or a database written by ≥ 2 services, without per-caller isolation",
    tags: &["resilience", "seems:shared-fate", "premise:journey"],
    doc: RuleDoc {
        what: "A service or store called synchronously by three or more distinct services, or a \
database called by two or more services (shared-database coupling), where not every caller edge \
declares isolation (`bulkhead`, `connection-pool-size`, `max-connections`, `rate-limit`, `quota`).",
        why: "One misbehaving caller (a retry storm, a slow query, a batch job) exhausts the shared \
dependency for everyone: failure crosses service boundaries that were supposed to be independent. \
Shared databases also couple schemas and deployments.",
        example: "`orders`, `billing` and `reporting` all call `customer-service` synchronously with \
no per-caller limits.",
        how_to_fix: "Give each caller its own pool/quota (declare `connection-pool-size` or \
`bulkhead` on each relationship), give critical callers a dedicated instance, and prefer \
database-per-service.",
        false_positives: "Redundant, horizontally scaled platform services (identity providers) \
with per-tenant quotas: declare the quotas on the relationships. Reported at medium at most: the \
outage itself is the dependency's single-point-of-failure finding.",
        references: &["https://learn.microsoft.com/azure/architecture/patterns/bulkhead"],
    },
};

const KEYS: &[&str] = &[
    "bulkhead",
    "connection-pool-size",
    "connection-pool",
    "pool-size",
    "max-connections",
    "rate-limit",
    "quota",
    "max-concurrent-requests",
];

pub struct SharedDependencyNoBulkhead;

impl Rule for SharedDependencyNoBulkhead {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let mut out = Vec::new();
        for d in 0..ctx.model.nodes.len() {
            let role = ctx.role(d);
            if role.is_client_side()
                || role.is_messaging()
                || matches!(role, Role::LoadBalancer | Role::Gateway)
            {
                continue;
            }
            let edges: Vec<usize> = ctx.graph.inc[d]
                .iter()
                .copied()
                .filter(|e| {
                    ctx.graph.edges[*e].mode == EdgeMode::Sync
                        && !ctx.roles[ctx.graph.edges[*e].source].role.is_client_side()
                })
                .collect();
            // Replicas of one caller count once.
            let mut callers: Vec<usize> = edges
                .iter()
                .map(|e| ctx.redundancy.super_of[ctx.graph.edges[*e].source])
                .collect();
            callers.sort_unstable();
            callers.dedup();
            let shared_db = role == Role::Database && callers.len() >= 2;
            if callers.len() < 3 && !shared_db {
                continue;
            }
            let unprotected: Vec<usize> = edges
                .iter()
                .copied()
                .filter(|e| {
                    let r = &ctx.model.relationships[ctx.graph.edges[*e].relationship];
                    evidence_in(&r.metadata, &r.controls, KEYS, &["bulkhead", "rate-limit"])
                        .is_none()
                })
                .collect();
            if unprotected.is_empty() {
                continue;
            }
            let spof = !ctx.is_redundant_node(d)
                && !ctx.super_flows[ctx.redundancy.super_of[d]].is_empty();
            let id = ctx.node_id(d).to_string();
            let names: Vec<String> = callers.iter().map(|s| ctx.supernode_label(*s)).collect();
            let rels: Vec<String> = unprotected
                .iter()
                .map(|e| ctx.rel_id(ctx.graph.edges[*e].relationship).to_string())
                .collect();
            out.push(
                ctx.finding(&META, &[&id])
                    .title(if shared_db && callers.len() < 3 { format!("database {id} is shared by {}", and_list(&names)) } else { format!("{id} is shared by {} synchronous callers without isolation", callers.len()) })
                    .score(if spof { 3 } else { 2 }, 3)
                    // A missing bulkhead is a design weakness, not an outage: the outage is the
                    // dependency's own SPOF finding. Medium at most.
                    .cap(crate::finding::Severity::Medium)
                    .confidence(crate::finding::Confidence::Medium)
                    .nodes(std::iter::once(id.clone()).chain(names.clone()))
                    .relationships(rels.clone())
                    .flows(super::flow_ids(ctx, &ctx.flows_with(d)))
                    .evidence("fan-in", format!("callers: {}", and_list(&names)))
                    .evidence("no-bulkhead", format!("no bulkhead/pool/quota on {}", and_list(&rels)))
                    .rationale(format!("{} share {} with no per-caller limits: one misbehaving caller can exhaust it for all of them{}.", and_list(&names), ctx.label(d), if spof { ", and it is also a single point of failure" } else { "" }))
                    .recommendation(format!("Isolate the callers of {id} with per-caller pools or quotas, give critical callers a dedicated instance{}.", if role == Role::Database { ", and move towards a database per service" } else { "" }))
                    .weight(callers.len() as u32)
                    .build(),
            );
        }
        out
    }
}
