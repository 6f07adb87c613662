//! RES-01 `spof-node`.

use super::{blast_evidence, blast_metrics, blast_sentence, flow_ids, impact_of, orchestrated};
use crate::context::Context;
use crate::finding::{Category, Finding, Severity};
use crate::roles::Role;
use crate::rules::{Rule, RuleDoc, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "spof-node",
    code: "RES-01",
    category: Category::Resilience,
    default_severity: Severity::High,
    summary: "non-redundant node that dominates a flow's path (every path from the entry crosses it)",
    tags: &["resilience", "seems:spof", "premise:journey"],
    doc: RuleDoc {
        what: "A node that every path from a flow's entry (its actor) to a node of the flow must \
cross — a dominator in the dependency graph after collapsing redundancy groups — and that has no \
redundancy of its own. Also a hosting container (`deployed-in`) whose loss takes such a path down. \
Entry gateways (RES-02), databases (RES-04), brokers (RES-11) and external systems (RES-10) have \
their own rules and are not repeated here.",
        why: "A dominator is a single point of failure by definition: no alternative path exists, \
so its loss breaks every flow it dominates. Counting instances (\"only one of them\") is not \
enough: a node with one instance on a path that has an alternative is not a SPOF, and a node \
with three instances all on one host is (see RES-06).",
        example: "`gateway → order-service → payment-service`; `order-service` has one instance and is \
the only route to payments: it dominates `order-processing-flow`.",
        how_to_fix: "Stateless services: run at least two instances behind a load balancer with \
health checks (`calm-advisor fix FILE add-load-balancer --target order-service --names \
order-service-1,order-service-2`), or declare the replicas the platform already runs (`instances: \
3` metadata). Stateful nodes: see `datastore-no-replication`.",
        false_positives: "Logical models where one node stands for a replicated deployment: declare \
`instances`/`replicas` or `high-availability: true` on the node. Batch-only nodes on low-criticality \
flows: set the flow's `criticality: low`, or suppress with `metadata.calm-advisor.suppress`. \
Not reported: client software (CLIs, IDE extensions, apps nothing calls), side-effect sinks \
(telemetry, logging, audit, notification, reporting), managed cloud services the platform \
catalogue knows to be regional (Cognito, Secrets Manager, S3, DynamoDB, SQS…) and external or SaaS \
systems (isolate those instead: RES-09/RES-10). A flow nobody is modelled to start and that \
declares no criticality counts as degraded, not broken. In a model without flows the journeys are inferred from the synchronous request path (not \
through telemetry, audit or notification sinks, dispatched tasks or past a broker); findings that \
rest on them are capped at medium with low confidence and say so: declare flows to confirm them.",
        references: &[
            "https://docs.aws.amazon.com/prescriptive-guidance/latest/resilience-analysis-framework/overview.html",
            "https://docs.aws.amazon.com/wellarchitected/latest/reliability-pillar/rel_withstand_component_failures_avoid_single_points_of_failure.html",
        ],
    },
};

pub struct SpofNode;

impl Rule for SpofNode {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let mut out = Vec::new();
        // Ingresses are single-ingress-path's (RES-02): reported once, there.
        let ingress = ctx.ingresses();
        let mut required: Vec<usize> = ctx
            .flows
            .iter()
            .flat_map(|f| f.required_closure.iter().copied())
            .collect();
        required.sort_unstable();
        required.dedup();
        for s in required {
            if ctx.redundancy.super_redundant(s) {
                continue;
            }
            let n = ctx.redundancy.supernodes[s][0];
            let role = ctx.role(n);
            let entry = ctx.graph.inc[n]
                .iter()
                .any(|e| ctx.is_entry_edge(&ctx.graph.edges[*e]));
            let routed_elsewhere = role.is_datastore()
                || role.is_messaging()
                || role.is_client_side()
                || matches!(
                    role,
                    Role::DataAsset
                        | Role::LoadBalancer
                        | Role::System
                        | Role::NetworkZone
                        | Role::Cluster
                )
                || (entry && ingress.of.contains_key(&n))
                || role == Role::Cdn
                || ctx.roles[n].external;
            if routed_elsewhere {
                continue;
            }
            let b = ctx.blast(&[n]);
            if b.flows_broken.is_empty() {
                continue;
            }
            let orch = orchestrated(ctx, n);
            let likelihood = if orch.is_some() { 2 } else { 3 };
            // A batch job's outage delays work that can be re-run: medium at most.
            let cap = if ctx.roles[n].batch {
                crate::finding::Severity::Medium
            } else {
                crate::finding::Severity::Critical
            };
            let id = ctx.node_id(n).to_string();
            let names = format!("{id}-1,{id}-2");
            let mut f = ctx
                .finding(&META, &[&id])
                .title(format!("{id} is a single point of failure for {}", super::journeys_phrase(ctx, &b.flows_broken)))
                .score(likelihood, impact_of(ctx, &b))
                .cap(cap)
                .confidence(ctx.roles[n].confidence.max(crate::finding::Confidence::Medium))
                .nodes([id.clone()])
                .flows(flow_ids(ctx, &b.flows_broken))
                .evidence_if(ctx.roles[n].batch, "batch", "a batch or scheduled component: its outage delays work that can be re-run")
                .evidence("dominator", format!("every path from the flow entry to the flow's nodes crosses {id}"))
                .evidence("no-redundancy", "no instances/replicas/HA metadata, no redundancy group or structural replica")
                .evidence("blast-radius", blast_evidence(ctx, &b))
                .metric("blastRadius", blast_metrics(ctx, &b))
                .rationale(format!(
                    "{} runs as a single instance and no alternative path bypasses it: if it fails, {}.{}",
                    ctx.label(n),
                    blast_sentence(ctx, &b),
                    orch.as_ref().map(|o| format!(" An orchestrator restarts it ({o}), which shortens outages but does not remove them (node loss, deploys, crash loops).")).unwrap_or_default()
                ))
                .recommendation(format!("Run at least two instances of {id} behind a load balancer with health checks (or declare the replicas the platform already runs)."))
                .fix("add-load-balancer", &["--target", &id, "--names", &names], "unsafe", format!("clones {id} into two instances behind a load balancer"))
                .weight(b.weight);
            if let Some(o) = orch {
                f = f.evidence("mitigation", format!("orchestrated: {o}"));
            }
            out.push(f.build());
        }
        // Hosting containers whose loss breaks flows that no single member would.
        for c in 0..ctx.model.nodes.len() {
            if ctx.graph.hosted[c].is_empty()
                || ctx.is_redundant_node(c)
                || !crate::availability::is_failure_domain(ctx, c)
            {
                continue;
            }
            let b = ctx.blast(&[c]);
            if b.flows_broken.is_empty() || ctx.redundancy.node[c].zones >= 2 {
                continue;
            }
            // Only when the container takes down a redundancy group (else the member's own
            // finding already covers it) — RES-06 reports the group; here the container itself.
            let hosts_group = ctx.redundancy.groups.iter().any(|g| {
                g.members
                    .iter()
                    .all(|m| ctx.graph.host_chain(*m).contains(&c))
            });
            if !hosts_group {
                continue;
            }
            let id = ctx.node_id(c).to_string();
            out.push(
                ctx.finding(&META, &[&id])
                    .title(format!("hosting container {id} is a single point of failure"))
                    .score(2, impact_of(ctx, &b))
                    .confidence(crate::finding::Confidence::Medium)
                    .nodes([id.clone()])
                    .flows(flow_ids(ctx, &b.flows_broken))
                    .evidence("hosting", format!("hosts every member of a redundancy group: {}", blast_evidence(ctx, &b)))
                    .metric("blastRadius", blast_metrics(ctx, &b))
                    .rationale(format!("Everything deployed in {} fails with it, replicas included: {}.", ctx.label(c), blast_sentence(ctx, &b)))
                    .recommendation(format!("Spread the replicas hosted in {id} over independent failure domains (zones, hosts, clusters), or make {id} itself multi-zone."))
                    .fix("add-control", &["--scope", &format!("node:{id}"), "--preset", "high-availability", "--config", "availability-zones=zone-a,zone-b"], "safe", format!("declares {id} as spread over two availability zones"))
                    .weight(b.weight)
                    .build(),
            );
        }
        out
    }
}
