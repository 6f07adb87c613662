//! `decouple`: a synchronous call is replaced by a message broker and queue (RES-10 fix, tutorial
//! Day 14 prompt #3, ADR-0001).
//!
//! Steps: a broker node (`system`, AMQP or Kafka interface on the port) and a queue node
//! (`message-queue`) `composed-of` the broker; the broker joins the caller's containers; the
//! synchronous `connects` caller → callee is replaced by publish (caller → queue) and consume
//! (queue → callee) relationships that keep the original interfaces on the caller and callee
//! sides; each flow step over the old call becomes publish then consume (later steps
//! renumbered), a response step over it is dropped (nobody waits for the answer any more);
//! `adr` metadata on all new parts and an `adrs` entry when `--adr` is given.

use super::*;
use crate::ops::{Draft, NewTransition, OpError};
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum BrokerKind {
    #[default]
    Rabbitmq,
    Kafka,
}

impl BrokerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BrokerKind::Rabbitmq => "rabbitmq",
            BrokerKind::Kafka => "kafka",
        }
    }
}

/// Default id of the broker node.
pub const DEFAULT_BROKER_ID: &str = "message-broker";

fn default_broker_id() -> String {
    DEFAULT_BROKER_ID.into()
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Decouple {
    /// The caller whose synchronous call is replaced.
    #[cfg_attr(feature = "cli", arg(long, value_name = "NODE"))]
    pub from: String,
    /// The callee.
    #[cfg_attr(feature = "cli", arg(long, value_name = "NODE"))]
    pub to: String,
    /// Broker technology (sets protocol and default port).
    #[cfg_attr(feature = "cli", arg(long, value_enum, default_value_t = BrokerKind::default()))]
    #[serde(default)]
    pub broker: BrokerKind,
    /// Id of the broker node (reused when it exists).
    #[cfg_attr(feature = "cli", arg(long, default_value = DEFAULT_BROKER_ID, value_name = "ID"))]
    #[serde(default = "default_broker_id")]
    pub broker_id: String,
    /// Id of the queue node.
    #[cfg_attr(feature = "cli", arg(long, value_name = "ID"))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_id: Option<String>,
    /// Broker port (default 5672 for RabbitMQ, 9092 for Kafka).
    #[cfg_attr(feature = "cli", arg(long))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// ADR that records the decision (stored as `adr` metadata and added to `adrs`).
    #[cfg_attr(feature = "cli", arg(long, value_name = "PATH"))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adr: Option<String>,
}

impl Decouple {
    pub fn new(from: &str, to: &str) -> Self {
        Decouple {
            from: from.into(),
            to: to.into(),
            broker: BrokerKind::default(),
            broker_id: DEFAULT_BROKER_ID.into(),
            queue_id: None,
            port: None,
            adr: None,
        }
    }

    /// Default queue id: the caller's id without a `-service`/`-svc` suffix, plus `-queue`.
    pub fn queue(&self) -> String {
        self.queue_id.clone().unwrap_or_else(|| {
            let stem = self
                .from
                .trim_end_matches("-service")
                .trim_end_matches("-svc");
            format!("{stem}-queue")
        })
    }

    pub fn apply(&self, d: &mut Draft) -> Result<(), OpError> {
        let (from, to, broker) = (&self.from, &self.to, &self.broker_id);
        let queue = self.queue();
        for n in [from, to] {
            if d.node(n).is_none() {
                return Err(OpError::NoNode(n.clone()));
            }
        }
        if from == to {
            return Err(OpError::Invalid("--from and --to are the same node".into()));
        }
        let (tech, protocol, default_port) = match self.broker {
            BrokerKind::Rabbitmq => ("RabbitMQ", "AMQP", 5672u16),
            BrokerKind::Kafka => ("Kafka", "TCP", 9092u16),
        };
        let port = self.port.unwrap_or(default_port);
        let sync: Vec<String> = connects(d)
            .into_iter()
            .filter(|(_, s2, d2)| s2 == from && d2 == to)
            .map(|c| c.0)
            .collect();
        let publish_exists = connects(d)
            .iter()
            .any(|(_, s2, d2)| s2 == from && *d2 == queue);
        let consume_exists = connects(d)
            .iter()
            .any(|(_, s2, d2)| *s2 == queue && d2 == to);
        if sync.is_empty() && !(publish_exists && consume_exists) {
            return Err(OpError::Invalid(format!(
                "there is no `connects` relationship from {from} to {to} to decouple"
            )));
        }
        for id in [broker, &queue] {
            if d.node(id).is_none() && d.id_taken(id) {
                return Err(OpError::Taken(id.clone()));
            }
        }
        let adr_md = |m: &mut serde_json::Map<String, Value>| {
            if let Some(a) = &self.adr {
                m.insert("adr".into(), Value::from(a.as_str()));
            }
        };

        // 1. Broker and queue.
        if d.node(broker).is_none() {
            let mut md = obj(vec![
                ("role", Value::from("broker")),
                ("technology", Value::from(tech)),
                ("message-format", Value::from("JSON")),
                (
                    "durability",
                    Value::from("persistent messages with acknowledgments"),
                ),
            ]);
            adr_md(&mut md);
            let iface_id = d.fresh_id(&format!("{broker}-{}", protocol.to_ascii_lowercase()));
            let node = obj(vec![
                ("unique-id", Value::from(broker.as_str())),
                ("node-type", Value::from("system")),
                ("name", Value::from("Message Broker")),
                (
                    "description",
                    Value::from(format!("{tech} message broker for asynchronous processing")),
                ),
                (
                    "interfaces",
                    json!([{"unique-id": iface_id, "protocol": protocol, "port": port}]),
                ),
                ("metadata", Value::Object(md)),
            ]);
            let node = ordered_like(d, "nodes", node);
            d.add_node(node)?;
        }
        if d.node(&queue).is_none() {
            let mut md = obj(vec![
                ("role", Value::from("queue")),
                ("durable", Value::from(true)),
                ("dead-letter-queue", Value::from(format!("{queue}.dlq"))),
            ]);
            adr_md(&mut md);
            let iface_id = d.fresh_id(&format!("{queue}-{}", protocol.to_ascii_lowercase()));
            let node = obj(vec![
                ("unique-id", Value::from(queue.as_str())),
                ("node-type", Value::from("message-queue")),
                ("name", Value::from(title_case(&queue))),
                (
                    "description",
                    Value::from(format!(
                        "Durable queue carrying messages from {} to {}",
                        display_name(d, from),
                        display_name(d, to)
                    )),
                ),
                (
                    "interfaces",
                    json!([{"unique-id": iface_id, "protocol": protocol, "port": port, "queue-name": queue}]),
                ),
                ("metadata", Value::Object(md)),
            ]);
            let node = ordered_like(d, "nodes", node);
            d.add_node(node)?;
        }
        d.add_composition(
            broker,
            std::slice::from_ref(&queue),
            &format!("{broker}-composition"),
            &format!("{} hosts {}", display_name(d, broker), queue),
        )?;
        // The broker lives where the caller lives (its composed-of / deployed-in containers).
        let from_containers: Vec<String> = d
            .relationships()
            .iter()
            .filter(|r| {
                r.pointer("/relationship-type/composed-of/nodes")
                    .and_then(Value::as_array)
                    .is_some_and(|a| a.iter().any(|m| m.as_str() == Some(from)))
            })
            .filter_map(|r| s(r, "/unique-id").map(str::to_string))
            .collect();
        for rid in from_containers {
            let already = d.relationships().iter().any(|r| {
                r.pointer("/relationship-type/composed-of/nodes")
                    .and_then(Value::as_array)
                    .is_some_and(|a| a.iter().any(|m| m.as_str() == Some(broker)))
            });
            if already {
                break;
            }
            let i = d
                .relationships()
                .iter()
                .position(|r| s(r, "/unique-id") == Some(&rid))
                .expect("exists");
            if let Some(list) = d.value["relationships"][i]
                .pointer_mut("/relationship-type/composed-of/nodes")
                .and_then(Value::as_array_mut)
            {
                list.push(Value::from(broker.as_str()));
                d.changes
                    .push(format!("add {broker} to composed-of relationship {rid}"));
            }
        }

        // 2. Publish and consume replace the synchronous call.
        let queue_ifaces = interface_ids(d, &queue);
        let template = sync.first().and_then(|r| d.relationship(r)).cloned();
        let (src_ifaces, dst_ifaces) = match &template {
            Some(r) => (
                str_list(r.pointer("/relationship-type/connects/source/interfaces")),
                str_list(r.pointer("/relationship-type/connects/destination/interfaces")),
            ),
            None => (interface_ids(d, from), interface_ids(d, to)),
        };
        let after = sync.first().cloned();
        let publish_id = match connects(d)
            .into_iter()
            .find(|(_, s2, d2)| s2 == from && *d2 == queue)
        {
            Some(c) => c.0,
            None => {
                let id = d.fresh_id(&format!("{from}-to-{queue}"));
                let mut md = obj(vec![
                    ("interaction", Value::from("publish")),
                    ("delivery-mode", Value::from("persistent")),
                ]);
                adr_md(&mut md);
                let rel = obj(vec![
                    ("unique-id", Value::from(id.as_str())),
                    (
                        "description",
                        Value::from(format!(
                            "{} publishes messages to {queue}",
                            display_name(d, from)
                        )),
                    ),
                    (
                        "relationship-type",
                        json!({"connects": {"source": endpoint(from, &src_ifaces), "destination": endpoint(&queue, &queue_ifaces)}}),
                    ),
                    ("protocol", Value::from(protocol)),
                    ("metadata", Value::Object(md)),
                ]);
                let rel = ordered_like(d, "relationships", rel);
                match &after {
                    Some(a) => d.add_relationship_after(rel, a)?,
                    None => d.add_relationship(rel)?,
                }
                id
            }
        };
        let consume_id = match connects(d)
            .into_iter()
            .find(|(_, s2, d2)| *s2 == queue && d2 == to)
        {
            Some(c) => c.0,
            None => {
                let id = d.fresh_id(&format!("{queue}-to-{to}"));
                let mut md = obj(vec![
                    ("interaction", Value::from("consume")),
                    ("acknowledgement", Value::from("manual-ack")),
                ]);
                adr_md(&mut md);
                let rel = obj(vec![
                    ("unique-id", Value::from(id.as_str())),
                    (
                        "description",
                        Value::from(format!(
                            "{} consumes messages from {queue}",
                            display_name(d, to)
                        )),
                    ),
                    (
                        "relationship-type",
                        json!({"connects": {"source": endpoint(&queue, &queue_ifaces), "destination": endpoint(to, &dst_ifaces)}}),
                    ),
                    ("protocol", Value::from(protocol)),
                    ("metadata", Value::Object(md)),
                ]);
                let rel = ordered_like(d, "relationships", rel);
                d.add_relationship_after(rel, &publish_id)?;
                id
            }
        };

        // 3. Flows: publish then consume; responses over the old call are dropped.
        let (from_name, to_name) = (display_name(d, from), display_name(d, to));
        for rid in &sync {
            // Keep controls of the old call (e.g. a retry policy) on the publishing side.
            if let Some(ctrls) = d.relationship(rid).and_then(|r| r.get("controls")).cloned() {
                let i = d
                    .relationships()
                    .iter()
                    .position(|r| s(r, "/unique-id") == Some(&publish_id))
                    .expect("added");
                if d.value["relationships"][i].get("controls").is_none() {
                    d.value["relationships"][i]["controls"] = ctrls;
                    d.changes
                        .push(format!("move controls of {rid} to {publish_id}"));
                }
            }
            loop {
                let Some((flow, idx, tr)) = transitions_using(d, rid).into_iter().next() else {
                    break;
                };
                if is_reverse(&tr) {
                    d.split_transition(&flow, idx, &[])?;
                    continue;
                }
                let desc = s(&tr, "/description").unwrap_or("").to_string();
                d.split_transition(
                    &flow,
                    idx,
                    &[
                        NewTransition {
                            relationship: publish_id.clone(),
                            description: if desc.is_empty() {
                                format!("{from_name} publishes the message to {queue}")
                            } else {
                                format!("{from_name} publishes to {queue}: {desc}")
                            },
                            reverse: false,
                        },
                        NewTransition {
                            relationship: consume_id.clone(),
                            description: format!(
                                "{to_name} consumes the message from {queue} asynchronously"
                            ),
                            reverse: false,
                        },
                    ],
                )?;
            }
            d.remove_relationship(rid)?;
        }
        if let Some(a) = &self.adr {
            d.add_adr(a)?;
        }
        Ok(())
    }
}

fn str_list(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn title_case(id: &str) -> String {
    id.split('-')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}
