//! RES-11 `broker-single-instance`.

use super::{and_list, blast_evidence, blast_metrics, blast_sentence, flow_ids, impact_of};
use crate::context::Context;
use crate::finding::{Category, Finding, Severity};
use crate::roles::Role;
use crate::rules::{Rule, RuleDoc, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "broker-single-instance",
    code: "RES-11",
    category: Category::Resilience,
    default_severity: Severity::High,
    summary: "message broker or queue on a flow without cluster/HA evidence",
    tags: &["resilience", "seems:spof", "premise:journey"],
    doc: RuleDoc {
        what: "A message broker (or a queue that is not inside a broker) used by a flow — producers \
publish to it on their request path — with no `cluster-size` ≥ 3, `instances` ≥ 2, \
`high-availability`, managed-service or cloud managed node-type evidence.",
        why: "Decoupling through a broker removes the consumer from the producer's request path but \
puts the broker on it: every producer needs the broker up to accept work. A single broker node \
turns the decoupling into a new single point of failure, and a lost node can lose persisted \
messages.",
        example: "`order-service` publishes to `order-queue` inside `message-broker` (RabbitMQ, one \
node); `payment-service` consumes.",
        how_to_fix: "Run the broker as a cluster (≥ 3 nodes, quorum queues) or use a managed \
multi-AZ service, and declare it: `calm-advisor fix FILE add-control --scope node:message-broker \
--preset high-availability --config cluster-size=3`.",
        false_positives: "Managed brokers (`aws:sqs`, Amazon MSK, SNS, Pub/Sub, Service Bus, or \
`managed: <provider>`) and declared broker counts (`brokers: 3`) count as highly available. Brokers used only by low-criticality batch flows: mark the flows \
`criticality: low`. In a model without flows the journeys are inferred from the synchronous request path (not \
through telemetry, audit or notification sinks, dispatched tasks or past a broker); findings that \
rest on them are capped at medium with low confidence and say so: declare flows to confirm them.",
        references: &[
            "https://www.rabbitmq.com/docs/quorum-queues",
            "https://learn.microsoft.com/azure/architecture/patterns/queue-based-load-leveling",
        ],
    },
};

pub struct BrokerSingleInstance;

impl Rule for BrokerSingleInstance {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let mut out = Vec::new();
        for n in 0..ctx.model.nodes.len() {
            let role = ctx.role(n);
            if !role.is_messaging() || ctx.is_redundant_node(n) {
                continue;
            }
            // A queue inside a broker is reported through its broker.
            if role == Role::Queue
                && ctx.graph.parents[n]
                    .iter()
                    .any(|p| ctx.role(*p) == Role::Broker)
            {
                continue;
            }
            // Queues of this broker that are HA themselves make it HA.
            let queues: Vec<usize> = ctx.graph.children[n]
                .iter()
                .copied()
                .filter(|q| ctx.role(*q).is_messaging())
                .collect();
            if !queues.is_empty() && queues.iter().all(|q| ctx.is_redundant_node(*q)) {
                continue;
            }
            let mut users: Vec<usize> = ctx.flows_with(n);
            for q in &queues {
                users.extend(ctx.flows_with(*q));
                users
                    .extend((0..ctx.flows.len()).filter(|f| ctx.flows[*f].async_nodes.contains(q)));
            }
            users.sort_unstable();
            users.dedup();
            if users.is_empty() {
                continue;
            }
            let b = ctx.blast(&[n]);
            let id = ctx.node_id(n).to_string();
            let used_by: Vec<String> = users.iter().map(|f| ctx.flows[*f].id.clone()).collect();
            let qids: Vec<String> = queues.iter().map(|q| ctx.node_id(*q).to_string()).collect();
            out.push(
                ctx.finding(&META, &[&id])
                    .title(format!("message broker {id} runs as a single instance"))
                    .score(3, impact_of(ctx, &b).max(3))
                    .confidence(ctx.roles[n].confidence.max(crate::finding::Confidence::Medium))
                    .nodes(std::iter::once(id.clone()).chain(qids.clone()))
                    .flows(flow_ids(ctx, &users))
                    .evidence("no-redundancy", "no cluster-size/instances/high-availability/managed evidence")
                    .evidence("role", format!("{} ({})", role.as_str(), ctx.roles[n].evidence))
                    .evidence("blast-radius", blast_evidence(ctx, &b))
                    .metric("blastRadius", blast_metrics(ctx, &b))
                    .rationale(format!(
                        "{} carries {}{}. Producers need it to accept work, so a single broker node puts back the single point of failure the decoupling removed: if it fails, {}.",
                        ctx.label(n),
                        and_list(&used_by),
                        if qids.is_empty() { String::new() } else { format!(" (queues {})", and_list(&qids)) },
                        blast_sentence(ctx, &b)
                    ))
                    .recommendation(format!("Run {id} as a cluster of at least three nodes with quorum (replicated) queues, or as a managed multi-AZ service, and declare it."))
                    .fix("add-control", &["--scope", &format!("node:{id}"), "--preset", "high-availability", "--config", "cluster-size=3"], "safe", format!("declares {id} as a three-node highly available cluster"))
                    .weight(b.weight.max(users.iter().map(|f| ctx.flows[*f].criticality as u32).sum()))
                    .build(),
            );
        }
        out
    }
}
