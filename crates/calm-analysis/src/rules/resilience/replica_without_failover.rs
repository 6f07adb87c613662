//! RES-05 `replica-without-failover`.

use super::{blast_metrics, flow_ids};
use crate::context::Context;
use crate::finding::{Category, Finding, Severity};
use crate::rules::{Rule, RuleDoc, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "replica-without-failover",
    code: "RES-05",
    category: Category::Resilience,
    default_severity: Severity::Medium,
    summary: "primary/replica group whose writes hit the primary, with no failover declared",
    tags: &["resilience", "seems:spof", "premise:journey"],
    doc: RuleDoc {
        what: "A redundancy group with a primary member (metadata `role: primary` or a `-primary` id) \
and no failover evidence (`failover-strategy`, `failover-mode`, `rto-minutes`, … in metadata or \
control config on the group container or a member), and no `active-active` declaration.",
        why: "A replica protects reads and the data, not writes: if the primary fails and nobody \
promotes the replica, every write path is down exactly as before. Without a declared failover \
(with RTO/RPO) the replica is a backup, not availability.",
        example: "`orders-db-primary` and `orders-db-replica` in `orders-db-cluster`, `replication-mode: \
async`, no failover control.",
        how_to_fix: "Declare automatic failover with RTO and RPO on the cluster: `calm-advisor fix FILE \
add-control --scope node:orders-db-cluster --preset failover`.",
        false_positives: "Writes go through a queue (asynchronous) or the store is multi-primary: \
declare `failover-strategy: active-active` on the container. Also reported: a single store that \
declares its replica in words (`replication`, `standby`, `dataguard`) without automatic failover. \
A failover declared as manual (`failover: \"manual, DBA runbook\"`) is no failover: writes stop \
until someone promotes the replica.",
        references: &[
            "https://docs.aws.amazon.com/wellarchitected/latest/reliability-pillar/rel_withstand_component_failures_avoid_single_points_of_failure.html",
        ],
    },
};

pub struct ReplicaWithoutFailover;

impl Rule for ReplicaWithoutFailover {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let mut out = Vec::new();
        for g in &ctx.redundancy.groups {
            let (Some(p), None) = (g.primary, &g.failover) else {
                continue;
            };
            let b = ctx.blast(&[p]);
            let scope_node = g.container.unwrap_or(p);
            let pid = ctx.node_id(p).to_string();
            let sid = ctx.node_id(scope_node).to_string();
            let members: Vec<String> = g
                .members
                .iter()
                .map(|m| ctx.node_id(*m).to_string())
                .collect();
            let writers: Vec<String> = ctx.graph.inc[p]
                .iter()
                .map(|e| ctx.node_id(ctx.graph.edges[*e].source).to_string())
                .collect();
            out.push(
                ctx.finding(&META, &[&sid])
                    .title(format!("{sid}: replicas exist but writes still depend on {pid} alone"))
                    .score(3, 2)
                    .confidence(g.confidence)
                    .nodes(members.clone())
                    .flows(flow_ids(ctx, &b.flows_broken))
                    .evidence("group", g.evidence.join("; "))
                    .evidence("no-failover", "no failover-strategy/failover-mode/RTO declared on the group or its members")
                    .metric("blastRadius", blast_metrics(ctx, &b))
                    .rationale(format!(
                        "{} replicate {pid}, but nothing promotes a replica when {pid} fails, so {} lose their write path with it.",
                        super::and_list(&members),
                        if writers.is_empty() { "the writers".to_string() } else { super::and_list(&writers) }
                    ))
                    .recommendation("Declare automatic failover (promotion) with RTO and RPO for the group.")
                    .fix("add-control", &["--scope", &format!("node:{sid}"), "--preset", "failover"], "safe", format!("declares automatic failover with RTO/RPO on {sid}"))
                    .weight(b.weight)
                    .build(),
            );
        }
        // A single store that declares its replica in words (`replication: "streaming, 1
        // standby"`, `dataguard: …`) but no automatic failover (none, or a manual procedure).
        for n in 0..ctx.model.nodes.len() {
            let nd = &ctx.model.nodes[n];
            if !ctx.role(n).is_datastore()
                || ctx.redundancy.group_of[n].is_some()
                || ctx.roles[n].platform.is_some()
                || crate::redundancy::failover_evidence(nd).is_some()
            {
                continue;
            }
            let Some(replica) = [
                "replication",
                "standby",
                "dataguard",
                "data-guard",
                "replica",
                "mirroring",
            ]
            .iter()
            .find_map(|k| {
                nd.metadata
                    .get(*k)
                    .filter(|v| !crate::evidence::is_negative(v))
                    .map(|v| format!("{k}: {}", crate::redundancy::compact(v)))
            }) else {
                continue;
            };
            let manual = nd.metadata.get("failover").map(crate::redundancy::compact);
            let b = ctx.blast(&[n]);
            let id = nd.id.clone();
            out.push(
                ctx.finding(&META, &[&id])
                    .title(format!("{id}: a replica is declared but nothing promotes it automatically"))
                    .score(3, 2)
                    .confidence(crate::finding::Confidence::Medium)
                    .nodes([id.clone()])
                    .flows(flow_ids(ctx, &b.flows_broken))
                    .evidence("replica", format!("metadata {replica}"))
                    .evidence(
                        "no-failover",
                        match &manual {
                            Some(m) => format!("failover is manual (`failover: {m}`): writes stop until someone promotes the replica"),
                            None => "no failover-strategy/failover-mode/RTO declared".to_string(),
                        },
                    )
                    .rationale(format!(
                        "{id} keeps a replica, but when the primary fails nothing promotes it: writes stop until a person does, which is the outage the replica was meant to prevent."
                    ))
                    .recommendation(format!("Declare automatic failover (promotion) with RTO and RPO for {id}."))
                    .fix("add-control", &["--scope", &format!("node:{id}"), "--preset", "failover"], "safe", format!("declares automatic failover with RTO/RPO on {id}"))
                    .weight(b.weight)
                    .build(),
            );
        }
        out
    }
}
