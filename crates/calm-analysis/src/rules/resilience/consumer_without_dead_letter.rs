//! RES-12 `consumer-without-dead-letter`.

use super::evidence_in;
use crate::context::Context;
use crate::finding::{Category, Finding, Severity};
use crate::graph::EdgeMode;
use crate::rules::{Rule, RuleDoc, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "consumer-without-dead-letter",
    code: "RES-12",
    category: Category::Resilience,
    default_severity: Severity::Low,
    summary: "asynchronous consumer edge without dead-letter / poison-message evidence",
    tags: &["resilience", "seems:misconfiguration"],
    doc: RuleDoc {
        what: "A consume edge (queue/broker → consumer, or a consumer subscribing) where neither the \
queue, its broker nor the relationship declares `dead-letter`, `dead-letter-queue`, `dlq`, \
`poison-queue`, `max-delivery-attempts` or `poison-handling`.",
        why: "A message the consumer cannot process is retried forever (blocking the queue) or \
dropped (silent data loss). A dead-letter queue with a delivery limit parks it for inspection.",
        example: "`payment-queue` → `payment-service` (AMQP consume), no DLQ.",
        how_to_fix: "Configure a dead-letter queue and a maximum delivery count: `calm-advisor fix \
FILE add-control --scope node:QUEUE --id dead-letter --config dead-letter-queue=QUEUE-dlq \
max-delivery-attempts=5`.",
        false_positives: "Log-style streams where the consumer parks bad records itself: declare \
`poison-handling: consumer` on the relationship.",
        references: &[
            "https://learn.microsoft.com/azure/service-bus-messaging/service-bus-dead-letter-queues",
        ],
    },
};

const KEYS: &[&str] = &[
    "dead-letter",
    "dead-letter-queue",
    "dlq",
    "poison-queue",
    "max-delivery-attempts",
    "poison-handling",
    "dead-letter-exchange",
];

pub struct ConsumerWithoutDeadLetter;

impl Rule for ConsumerWithoutDeadLetter {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let mut out = Vec::new();
        for e in &ctx.graph.edges {
            if e.mode != EdgeMode::Deliver {
                continue;
            }
            // The queue side: source when it delivers, destination when the consumer subscribes.
            let (q, consumer) = if ctx.role(e.source).is_messaging() {
                (e.source, e.destination)
            } else if ctx.role(e.destination).is_messaging() {
                (e.destination, e.source)
            } else {
                continue;
            };
            let rel = &ctx.model.relationships[e.relationship];
            let qn = &ctx.model.nodes[q];
            let broker_ev = ctx.graph.parents[q].iter().any(|p| {
                evidence_in(
                    &ctx.model.nodes[*p].metadata,
                    &ctx.model.nodes[*p].controls,
                    KEYS,
                    &["dead-letter"],
                )
                .is_some()
            });
            if broker_ev
                || evidence_in(&qn.metadata, &qn.controls, KEYS, &["dead-letter"]).is_some()
                || evidence_in(&rel.metadata, &rel.controls, KEYS, &["dead-letter"]).is_some()
            {
                continue;
            }
            let (qid, cid) = (qn.id.clone(), ctx.node_id(consumer).to_string());
            let dlq = format!("dead-letter-queue={qid}-dlq");
            out.push(
                ctx.finding(&META, &[&rel.id])
                    .title(format!("{cid} consumes from {qid} without a dead-letter queue"))
                    .score(2, 1)
                    .confidence(crate::finding::Confidence::Medium)
                    .nodes([qid.clone(), cid.clone()])
                    .relationships([rel.id.clone()])
                    .evidence("no-dead-letter", "no dead-letter/dlq/max-delivery-attempts on the queue, its broker or the relationship")
                    .rationale(format!("A message {cid} cannot process will be redelivered forever, blocking {qid}, or dropped silently."))
                    .recommendation(format!("Configure a dead-letter queue and a maximum delivery count for {qid}."))
                    .fix("add-control", &["--scope", &format!("node:{qid}"), "--id", "dead-letter", "--config", &dlq, "max-delivery-attempts=5"], "safe", format!("declares a dead-letter queue for {qid}"))
                    .build(),
            );
        }
        out
    }
}
