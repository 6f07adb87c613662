//! RES-12 `consumer-without-dead-letter`.

use crate::context::Context;
use crate::finding::{Category, Finding, Severity};
use crate::graph::EdgeMode;
use crate::normalize::{Control, tokens};
use crate::rules::{Rule, RuleDoc, RuleMeta};
use serde_json::{Map, Value};

pub static META: RuleMeta = RuleMeta {
    id: "consumer-without-dead-letter",
    code: "RES-12",
    category: Category::Resilience,
    default_severity: Severity::Low,
    summary: "asynchronous consumer edge without dead-letter / poison-message evidence",
    tags: &["resilience", "seems:misconfiguration"],
    doc: RuleDoc {
        what: "A consume edge (queue/broker → consumer, or a consumer subscribing) with no \
dead-letter evidence. Evidence is a metadata key or control config key (case-insensitive, at the \
top level or one level down, e.g. `messaging.dlq`) on the relationship, the queue, the broker \
that contains or hosts it, or the consumer, named `dead-letter`, `dead-letter-queue`, \
`dead-letter-topic`, `dead-letter-exchange` (also `x-dead-letter-exchange`, `deadLetter…`), \
`deadletter`, `dlq`, `dlx`, `dlt`, `poison-queue`, `poison-message-handling`, \
`poison-handling`, `redrive-policy`, `max-receive-count`, `max-delivery-attempts`, \
`max-delivery-count`, `error-queue`, `parking-lot` or `retry-topic`; a control whose id, \
description or requirement URL names dead-letter / DLQ / redrive handling; or a node named as a \
dead-letter destination (`orders-dlq`, `orders-dead-letter`, a queue `orders.DLT`) that the \
consumer or the queue is connected to. A key whose value is `false`, `0`, `\"none\"`, \
`\"disabled\"`, `\"off\"`, empty or `{\"enabled\": false}` declares the handling absent: it is \
not evidence and is quoted in the finding.",
        why: "A message the consumer cannot process is retried forever (blocking the queue) or \
dropped (silent data loss). A dead-letter queue with a delivery limit parks it for inspection.",
        example: "`payment-queue` → `payment-service` (AMQP consume), no DLQ; or `dlq: false` on \
the relationship.",
        how_to_fix: "Configure a dead-letter queue and a maximum delivery count: `calm-advisor fix \
FILE add-control --scope node:QUEUE --id dead-letter --config dead-letter-queue=QUEUE-dlq \
max-delivery-attempts=5` (or declare the existing one, e.g. `dead-letter-topic: orders.DLT` on \
the relationship, `redrive-policy` on an SQS queue, `x-dead-letter-exchange` on a RabbitMQ \
queue).",
        false_positives: "Log-style streams where the consumer parks bad records itself: declare \
`poison-handling: consumer` on the relationship. A dead-letter queue modelled as a node but not \
connected to the consumer or the queue is not seen: connect it or name it in metadata \
(`dlq: orders-dlq`). A consumer drawn as consumer → broker (it pulls: the relationship says it \
consumes, subscribes, polls or reads from the broker) is treated as the broker delivering to it.",
        references: &[
            "https://learn.microsoft.com/azure/service-bus-messaging/service-bus-dead-letter-queues",
        ],
    },
};

/// Normalised (lower-case, alphanumerics only, `x-` argument prefix dropped) keys that declare
/// dead-letter handling; any key starting with `deadletter` counts too (`dead-letter-topic`,
/// `deadLetterTargetArn`, `x-dead-letter-exchange`…).
const KEYS: &[&str] = &[
    "dlq",
    "dlx",
    "dlt",
    "poisonqueue",
    "poisonmessagequeue",
    "poisonmessagehandling",
    "poisonhandling",
    "redrivepolicy",
    "maxreceivecount",
    "maxdeliveryattempts",
    "maxdeliverycount",
    "errorqueue",
    "parkinglot",
    "parkinglotqueue",
    "retrytopic",
];

/// Words in a control's id, description or requirement URL that name dead-letter handling.
const CONTROL_WORDS: &[&str] = &["dead-letter", "dead letter", "deadletter", "redrive"];

/// What one element (node or relationship) says about dead-letter handling.
#[derive(Debug, Clone, PartialEq, Eq)]
enum DeadLetter {
    /// Declared (`where: value`).
    Present(String),
    /// Only declared absent (`dlq: false`, `"none"`, `"disabled"`…).
    Absent(String),
    Unknown,
}

fn dead_letter_key(k: &str) -> bool {
    let lower = k.to_ascii_lowercase();
    let lower = lower.strip_prefix("x-").unwrap_or(&lower);
    let norm: String = lower.chars().filter(char::is_ascii_alphanumeric).collect();
    norm.starts_with("deadletter")
        || KEYS.contains(&norm.as_str())
        || tokens(lower).iter().any(|t| t == "dlq" || t == "dlx")
}

/// `false`, `0`, `"none"`, `"disabled"`, `{}`, `{"enabled": false}`…: declared absent.
fn declared_absent(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => matches!(
            s.trim().to_ascii_lowercase().as_str(),
            "" | "false" | "none" | "disabled" | "no" | "off" | "n/a" | "na" | "null" | "0"
        ),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => {
            o.is_empty()
                || o.iter()
                    .any(|(k, v)| k.eq_ignore_ascii_case("enabled") && declared_absent(v))
        }
    }
}

/// Dead-letter keys of a map, also one level down (`messaging.dlq`): (path, value).
fn keyed(map: &Map<String, Value>) -> Vec<(String, &Value)> {
    let mut out = Vec::new();
    for (k, v) in map {
        if dead_letter_key(k) {
            out.push((k.clone(), v));
        } else if let Value::Object(inner) = v {
            for (k2, v2) in inner {
                if dead_letter_key(k2) {
                    out.push((format!("{k}.{k2}"), v2));
                }
            }
        }
    }
    out
}

/// Dead-letter evidence in an element's metadata and control configs.
fn dead_letter_in(what: &str, metadata: &Map<String, Value>, controls: &[Control]) -> DeadLetter {
    let mut absent: Option<String> = None;
    let mut judge = |place: String, v: &Value| -> Option<String> {
        let shown = format!("{place}: {}", crate::redundancy::compact(v));
        if declared_absent(v) {
            absent.get_or_insert(format!("{shown} (declared absent)"));
            None
        } else {
            Some(shown)
        }
    };
    for (k, v) in keyed(metadata) {
        if let Some(e) = judge(format!("{what} metadata {k}"), v) {
            return DeadLetter::Present(e);
        }
    }
    for c in controls {
        let mut declared = false;
        for (k, v) in c.config_entries() {
            let mut pairs: Vec<(String, &Value)> = Vec::new();
            if dead_letter_key(k) {
                pairs.push((k.to_string(), v));
            } else if let Value::Object(inner) = v {
                for (k2, v2) in inner {
                    if dead_letter_key(k2) {
                        pairs.push((format!("{k}.{k2}"), v2));
                    }
                }
            }
            for (path, v) in pairs {
                declared = true;
                if let Some(e) = judge(format!("{what} control {} {path}", c.id), v) {
                    return DeadLetter::Present(e);
                }
            }
        }
        // A control that states the keys (even as absent) speaks through them; otherwise its
        // id, description or requirement URL may name the handling.
        if !declared {
            let h = c.haystack();
            if CONTROL_WORDS.iter().any(|w| h.contains(w))
                || tokens(&h).iter().any(|t| t == "dlq" || t == "dlx")
            {
                return DeadLetter::Present(format!("{what} control {}", c.id));
            }
        }
    }
    absent.map_or(DeadLetter::Unknown, DeadLetter::Absent)
}

/// A node named as a dead-letter destination (`orders-dlq`, `Orders Dead Letter`, `orders.DLT`
/// when it is a queue or broker).
fn is_dead_letter_node(ctx: &Context, n: usize) -> bool {
    let nd = &ctx.model.nodes[n];
    [nd.id.as_str(), nd.name.as_str()].iter().any(|s| {
        let t = tokens(s);
        t.iter()
            .any(|x| matches!(x.as_str(), "dlq" | "dlx" | "deadletter" | "deadletters"))
            || t.windows(2)
                .any(|w| w[0] == "dead" && w[1].starts_with("letter"))
            || (t.iter().any(|x| x == "dlt") && ctx.role(n).is_messaging())
    })
}

/// A dead-letter node the consumer or the queue is connected to (either direction), or that the
/// queue is composed of.
fn dead_letter_neighbour(ctx: &Context, q: usize, consumer: usize) -> Option<usize> {
    let g = &ctx.graph;
    [q, consumer]
        .iter()
        .flat_map(|x| {
            g.out[*x]
                .iter()
                .map(|e| g.edges[*e].destination)
                .chain(g.inc[*x].iter().map(|e| g.edges[*e].source))
        })
        .chain(g.children[q].iter().copied())
        .find(|n| *n != q && *n != consumer && is_dead_letter_node(ctx, *n))
}

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
            let cn = &ctx.model.nodes[consumer];
            // Where dead-letter handling is declared: the relationship, the queue, the brokers
            // that contain or host it, the consumer.
            let mut places: Vec<(String, &Map<String, Value>, &[Control])> = vec![
                (
                    format!("relationship {}", rel.id),
                    &rel.metadata,
                    &rel.controls,
                ),
                (format!("queue {}", qn.id), &qn.metadata, &qn.controls),
            ];
            for p in ctx.graph.parents[q].iter().chain(&ctx.graph.hosts[q]) {
                let pn = &ctx.model.nodes[*p];
                places.push((format!("container {}", pn.id), &pn.metadata, &pn.controls));
            }
            places.push((format!("consumer {}", cn.id), &cn.metadata, &cn.controls));
            let mut absent: Vec<String> = Vec::new();
            let mut present = false;
            for (what, md, controls) in &places {
                match dead_letter_in(what, md, controls) {
                    DeadLetter::Present(_) => {
                        present = true;
                        break;
                    }
                    DeadLetter::Absent(a) => absent.push(a),
                    DeadLetter::Unknown => {}
                }
            }
            if present || dead_letter_neighbour(ctx, q, consumer).is_some() {
                continue;
            }
            let (qid, cid) = (qn.id.clone(), ctx.node_id(consumer).to_string());
            let dlq = format!("dead-letter-queue={qid}-dlq");
            let mut f = ctx.finding(&META, &[&rel.id])
                .title(format!("{cid} consumes from {qid} without a dead-letter queue"))
                .score(2, 1)
                .confidence(crate::finding::Confidence::Medium)
                .nodes([qid.clone(), cid.clone()])
                .relationships([rel.id.clone()])
                .evidence("no-dead-letter", "no dead-letter/dlq/redrive-policy/max-delivery-attempts on the relationship, the queue, its broker or the consumer, and no connected dead-letter queue");
            for a in &absent {
                f = f.evidence("dead-letter-declared-absent", a.clone());
            }
            out.push(
                f.rationale(format!("A message {cid} cannot process will be redelivered forever, blocking {qid}, or dropped silently."))
                    .recommendation(format!("Configure a dead-letter queue and a maximum delivery count for {qid}."))
                    .fix("add-control", &["--scope", &format!("node:{qid}"), "--id", "dead-letter", "--config", &dlq, "max-delivery-attempts=5"], "safe", format!("declares a dead-letter queue for {qid}"))
                    .build(),
            );
        }
        out
    }
}
