//! RES-04 `datastore-no-replication`.

use super::{blast_evidence, blast_metrics, blast_sentence, flow_ids, impact_of};
use crate::context::Context;
use crate::finding::{Category, Confidence, Finding, Severity};
use crate::normalize::truthy;
use crate::roles::Role;
use crate::rules::{Rule, RuleDoc, RuleMeta};
use serde_json::Value;

pub static META: RuleMeta = RuleMeta {
    id: "datastore-no-replication",
    code: "RES-04",
    category: Category::Resilience,
    default_severity: Severity::High,
    summary: "database, cache or storage on a flow with no replica/HA evidence",
    tags: &["resilience", "seems:spof", "premise:journey"],
    doc: RuleDoc {
        what: "A stateful store (database, storage, or a cache that is not declared ephemeral) that a \
flow depends on — directly, or through a service of the flow that calls it synchronously — with \
no replica, no redundancy group, no `replicas`/`multi-az`/`high-availability` metadata, no managed \
service with an SLA and no failover control.",
        why: "A single database instance is a single point of failure that also holds the data: \
losing it stops every flow that writes or reads it, and recovery means restoring from backup \
(minutes to hours, with data loss up to the last backup). Stateless services can be restarted \
anywhere; state cannot.",
        example: "`order-service` → `order-database` (JDBC), one PostgreSQL node, `backup-frequency: \
daily`, no replica.",
        how_to_fix: "Run a primary/replica cluster (or a managed multi-AZ service) with automatic \
failover and send reads to the replica:\n`calm-advisor fix FILE replicate-database --target \
order-database` (adds a replica and a cluster node with a failover control, retargets readers).",
        false_positives: "Managed multi-AZ databases: declare `multi-az: true` or `managed: true` \
with an `sla`. Caches used cache-aside with a database fallback are reported at low severity; \
declare `ephemeral: true` or `rebuildable: true` to clear them. Read-only reference data restored \
from backup: suppress with status `accepted` in `metadata.calm-advisor.suppress`. Managed \
stores that are replicated by design (Aurora, DynamoDB, Cosmos DB, S3…, see the platform \
catalogue) and external systems are not reported; RDS or ElastiCache without `multi-az` still are. In a model without flows the journeys are inferred from the synchronous request path (not \
through telemetry, audit or notification sinks, dispatched tasks or past a broker); findings that \
rest on them are capped at medium with low confidence and say so: declare flows to confirm them.",
        references: &[
            "https://docs.aws.amazon.com/wellarchitected/latest/reliability-pillar/rel_withstand_component_failures_avoid_single_points_of_failure.html",
            "https://learn.microsoft.com/azure/well-architected/reliability/redundancy",
        ],
    },
};

pub struct DatastoreNoReplication;

fn classification(ctx: &Context, n: usize) -> Option<String> {
    ["data-classification", "classification", "data-sensitivity"]
        .iter()
        .find_map(|k| {
            ctx.model.nodes[n]
                .metadata
                .get(*k)
                .and_then(Value::as_str)
                .map(str::to_string)
        })
}

impl Rule for DatastoreNoReplication {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let mut out = Vec::new();
        for n in 0..ctx.model.nodes.len() {
            let role = ctx.role(n);
            if !role.is_datastore() || ctx.is_redundant_node(n) || ctx.roles[n].external {
                continue;
            }
            let md = &ctx.model.nodes[n].metadata;
            if role == Role::Cache
                && ["ephemeral", "rebuildable"]
                    .iter()
                    .any(|k| md.get(*k).is_some_and(truthy))
            {
                continue;
            }
            // Failover declared on the store clears it; a recovery-time objective alone does
            // not (a single instance restored from backup within its RTO has no replica).
            if crate::redundancy::failover_evidence(&ctx.model.nodes[n]).is_some_and(|ev| {
                !["rto", "recovery-time-objective"]
                    .iter()
                    .any(|k| ev.contains(&format!(" {k}:")))
            }) {
                continue;
            }
            let flows = ctx.flows_with(n);
            if flows.is_empty() {
                continue;
            }
            let b = ctx.blast(&[n]);
            let class = classification(ctx, n);
            let sensitive = class.as_deref().is_some_and(|c| {
                let c = c.to_ascii_lowercase();
                ["confidential", "restricted", "pii", "pci", "secret", "phi"]
                    .iter()
                    .any(|w| c.contains(w))
            });
            let mut impact = impact_of(ctx, &b).max(2);
            if sensitive {
                impact = 4;
            }
            // A cache with a database behind the same callers is a soft dependency (cache-aside).
            let soft_cache = role == Role::Cache
                && ctx.graph.inc[n].iter().any(|e| {
                    let caller = ctx.graph.edges[*e].source;
                    ctx.hard_successors(caller)
                        .any(|d| d != n && ctx.role(d) == Role::Database)
                });
            let id = ctx.node_id(n).to_string();
            let callers: Vec<String> = {
                let mut v: Vec<String> = ctx.graph.inc[n]
                    .iter()
                    .map(|e| ctx.node_id(ctx.graph.edges[*e].source).to_string())
                    .collect();
                v.sort();
                v.dedup();
                v
            };
            let rels: Vec<String> = ctx.graph.inc[n]
                .iter()
                .map(|e| ctx.rel_id(ctx.graph.edges[*e].relationship).to_string())
                .collect();
            let mut f = ctx
                .finding(&META, &[&id])
                .title(format!("{id} is a single {} instance with no replica or failover", role.as_str()))
                .score(3, impact)
                // Losing a cache costs speed and sessions, not the data of record: medium at most.
                .cap(if role == Role::Cache { Severity::Medium } else { Severity::Critical })
                .confidence(ctx.roles[n].confidence)
                .nodes([id.clone()])
                .relationships(rels)
                .flows(flow_ids(ctx, &b.flows_broken))
                .evidence("no-redundancy", "no replica, redundancy group, replicas/multi-az/high-availability metadata or failover control")
                .evidence("blast-radius", blast_evidence(ctx, &b))
                .evidence("role", format!("{} ({})", role.as_str(), ctx.roles[n].evidence))
                .metric("blastRadius", blast_metrics(ctx, &b))
                .rationale(format!(
                    "{} holds state for {} and runs as one instance. If it fails, {}; recovery means restoring from backup, losing writes since the last one.{}",
                    ctx.label(n),
                    super::and_list(&callers),
                    blast_sentence(ctx, &b),
                    class.map(|c| format!(" It holds {c} data.")).unwrap_or_default()
                ))
                .recommendation(format!("Run {id} as a primary/replica cluster (or a managed multi-AZ service) with automatic failover, and send read-only queries to the replica."))
                .fix("replicate-database", &["--target", &id], "unsafe", format!("adds a replica of {id} and a cluster with a failover control; readers can move to the replica"))
                .weight(b.weight);
            if soft_cache {
                f = f
                    .cap(Severity::Low)
                    .evidence(
                        "soft-dependency",
                        "callers also use a database: cache-aside assumed",
                    )
                    .confidence_at_most(Confidence::Medium);
            }
            out.push(f.build());
        }
        out
    }
}
