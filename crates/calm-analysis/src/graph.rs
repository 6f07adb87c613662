//! The dependency graph (docs/advisor-design.md §3.3): `connects` = call edges (sync unless proven
//! async), `interacts` = entry edges from actors, `deployed-in` = hosting (AND) dependencies,
//! `composed-of` = containment (a redundancy group or a mere aggregation, decided in
//! `redundancy.rs`). Edge modes come from protocol, metadata and roles, with evidence.

use crate::finding::Confidence;
use crate::normalize::{Kind, Model, tokens};
use crate::roles::{Role, RoleInfo};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EdgeMode {
    /// Actor → node (`interacts`): where traffic enters.
    Entry,
    /// Request/response: the caller waits for the callee.
    Sync,
    /// Producer → broker/queue: the producer still needs the broker up (serial for the
    /// producer), but not the consumer.
    Publish,
    /// Broker/queue → consumer (or a fire-and-forget call): leaves the request path.
    Deliver,
    /// File drops (FTP/SFTP): off the request path.
    Batch,
}

impl EdgeMode {
    /// The source's request path depends on the destination.
    pub fn is_hard(self) -> bool {
        matches!(self, EdgeMode::Entry | EdgeMode::Sync | EdgeMode::Publish)
    }
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeMode::Entry => "entry",
            EdgeMode::Sync => "sync",
            EdgeMode::Publish => "publish",
            EdgeMode::Deliver => "async",
            EdgeMode::Batch => "batch",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Edge {
    pub source: usize,
    pub destination: usize,
    /// Index of the relationship in `Model::relationships`.
    pub relationship: usize,
    pub mode: EdgeMode,
    pub mode_evidence: String,
    pub mode_confidence: Confidence,
    /// Protocol from the relationship, else the destination interface.
    pub protocol: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Graph {
    pub edges: Vec<Edge>,
    /// Outgoing edge indices per node.
    pub out: Vec<Vec<usize>>,
    /// Incoming edge indices per node.
    pub inc: Vec<Vec<usize>>,
    /// `deployed-in` containers of each node (direct).
    pub hosts: Vec<Vec<usize>>,
    /// Nodes deployed in each container (direct).
    pub hosted: Vec<Vec<usize>>,
    /// `composed-of` parents of each node (direct).
    pub parents: Vec<Vec<usize>>,
    /// `composed-of` children of each container (direct).
    pub children: Vec<Vec<usize>>,
    /// Relationship index of each node's composed-of / deployed-in membership (for evidence).
    pub actors: Vec<usize>,
    /// Edge indices of each relationship (an `interacts` has one edge per target node).
    pub by_relationship: Vec<Vec<usize>>,
}

const ASYNC_WORDS: &[&str] = &[
    "async",
    "asynchronous",
    "publish",
    "subscribe",
    "event",
    "fire-and-forget",
    "consume",
    "produce",
    "emit",
    "notify",
];

impl Graph {
    pub fn build(model: &Model, roles: &[RoleInfo]) -> Graph {
        let n = model.nodes.len();
        let mut g = Graph {
            out: vec![Vec::new(); n],
            inc: vec![Vec::new(); n],
            hosts: vec![Vec::new(); n],
            hosted: vec![Vec::new(); n],
            parents: vec![Vec::new(); n],
            children: vec![Vec::new(); n],
            ..Graph::default()
        };
        for (ri, r) in model.relationships.iter().enumerate() {
            match &r.kind {
                Kind::Connects {
                    source,
                    destination,
                    destination_interfaces,
                } => {
                    let dst = &model.nodes[*destination];
                    let iface = dst
                        .interfaces
                        .iter()
                        .find(|i| destination_interfaces.contains(&i.id));
                    let protocol = r
                        .protocol
                        .clone()
                        .or_else(|| iface.and_then(|i| i.protocol.clone()));
                    // A consumer that pulls from a broker or queue is drawn consumer → broker;
                    // the messages travel the other way and nobody waits for the consumer:
                    // the edge is the broker's delivery to it.
                    if let Some(why) = consumer_pull(model, roles, ri, *source, *destination) {
                        g.push(Edge {
                            source: *destination,
                            destination: *source,
                            relationship: ri,
                            mode: EdgeMode::Deliver,
                            mode_evidence: why,
                            mode_confidence: Confidence::Medium,
                            protocol,
                        });
                        continue;
                    }
                    let (mode, ev, conf) =
                        edge_mode(model, roles, ri, *source, *destination, protocol.as_deref());
                    g.push(Edge {
                        source: *source,
                        destination: *destination,
                        relationship: ri,
                        mode,
                        mode_evidence: ev,
                        mode_confidence: conf,
                        protocol,
                    });
                }
                Kind::Interacts { actor, nodes } => {
                    // Traffic enters where an actor interacts. An `interacts` whose "actor" is a
                    // component (a service, an agent, a client app) is a call between
                    // components, judged like a `connects`.
                    let is_actor = roles[*actor].role == Role::Actor;
                    for d in nodes {
                        let (mode, ev, conf) = if is_actor {
                            (EdgeMode::Entry, "interacts".to_string(), Confidence::High)
                        } else {
                            let (m, e, c) =
                                edge_mode(model, roles, ri, *actor, *d, r.protocol.as_deref());
                            (m, format!("interacts between components; {e}"), c)
                        };
                        g.push(Edge {
                            source: *actor,
                            destination: *d,
                            relationship: ri,
                            mode,
                            mode_evidence: ev,
                            mode_confidence: conf,
                            protocol: if is_actor { None } else { r.protocol.clone() },
                        });
                    }
                }
                Kind::DeployedIn { container, nodes } => {
                    for m in nodes {
                        if m != container && !g.hosts[*m].contains(container) {
                            g.hosts[*m].push(*container);
                            g.hosted[*container].push(*m);
                        }
                    }
                }
                Kind::ComposedOf { container, nodes } => {
                    for m in nodes {
                        if m != container && !g.parents[*m].contains(container) {
                            g.parents[*m].push(*container);
                            g.children[*container].push(*m);
                        }
                    }
                }
                _ => {}
            }
        }
        g.actors = (0..n).filter(|i| roles[*i].role == Role::Actor).collect();
        g.by_relationship = vec![Vec::new(); model.relationships.len()];
        for (i, e) in g.edges.iter().enumerate() {
            g.by_relationship[e.relationship].push(i);
        }
        g
    }

    fn push(&mut self, e: Edge) {
        let i = self.edges.len();
        self.out[e.source].push(i);
        self.inc[e.destination].push(i);
        self.edges.push(e);
    }

    /// Every (transitive) deployed-in container of `node`, nearest first, without repeats.
    pub fn host_chain(&self, node: usize) -> Vec<usize> {
        let mut seen = vec![node];
        let mut out = Vec::new();
        let mut stack: Vec<usize> = self.hosts[node].iter().rev().copied().collect();
        while let Some(c) = stack.pop() {
            if seen.contains(&c) {
                continue;
            }
            seen.push(c);
            out.push(c);
            stack.extend(self.hosts[c].iter().rev().copied());
        }
        out
    }

    /// Every (transitive) composed-of ancestor of `node`.
    pub fn ancestors(&self, node: usize) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        let mut stack: Vec<usize> = self.parents[node].clone();
        while let Some(c) = stack.pop() {
            if c == node || out.contains(&c) {
                continue;
            }
            out.push(c);
            stack.extend(self.parents[c].iter().copied());
        }
        out
    }
}

fn edge_mode(
    model: &Model,
    roles: &[RoleInfo],
    rel: usize,
    s: usize,
    d: usize,
    protocol: Option<&str>,
) -> (EdgeMode, String, Confidence) {
    let r = &model.relationships[rel];
    // Metadata wins: it is the modeller's statement.
    for key in [
        "interaction",
        "mode",
        "async",
        "communication",
        "interaction-style",
        "style",
        "pattern",
    ] {
        if let Some(v) = r.metadata.get(key) {
            if key == "async" && crate::normalize::truthy(v) {
                return (
                    deliver_or_publish(roles, d),
                    "metadata async: true".into(),
                    Confidence::High,
                );
            }
            if let Some(text) = v.as_str() {
                let t = text.to_ascii_lowercase();
                if t == "sync" || t == "synchronous" || t == "request-response" {
                    return (
                        EdgeMode::Sync,
                        format!("metadata {key}: {text}"),
                        Confidence::High,
                    );
                }
                if ASYNC_WORDS.iter().any(|w| t.contains(w)) {
                    let mode = if t.contains("consume") || t.contains("subscribe") {
                        EdgeMode::Deliver
                    } else {
                        deliver_or_publish(roles, d)
                    };
                    return (mode, format!("metadata {key}: {text}"), Confidence::High);
                }
            }
        }
    }
    // One store feeding another of the same kind is replication (primary → replica, CDC into
    // a warehouse copy): it runs behind the requests, nobody waits for it.
    if roles[s].role.is_datastore() && roles[s].role == roles[d].role {
        return (
            EdgeMode::Deliver,
            "replication between data stores".into(),
            Confidence::Medium,
        );
    }
    let p = protocol.unwrap_or("").to_ascii_uppercase();
    if matches!(p.as_str(), "FTP" | "SFTP") {
        return (EdgeMode::Batch, format!("protocol {p}"), Confidence::High);
    }
    let sm = roles[s].role.is_messaging();
    let dm = roles[d].role.is_messaging();
    if matches!(p.as_str(), "AMQP" | "AMQPS" | "KAFKA" | "MQTT" | "JMS") || sm || dm {
        let why = if !p.is_empty() && !sm && !dm {
            format!("protocol {p}")
        } else if dm {
            format!("destination is a {}", roles[d].role.as_str())
        } else {
            format!("source is a {}", roles[s].role.as_str())
        };
        let mode = if dm {
            EdgeMode::Publish
        } else if sm {
            EdgeMode::Deliver
        } else {
            EdgeMode::Publish
        };
        return (mode, why, Confidence::High);
    }
    // The description says the caller hands work over and does not wait: published events,
    // dispatched external tasks (workers fetch and complete them later), queued jobs.
    let desc = tokens(&r.description);
    let says = |a: &str, b: &str| desc.windows(2).any(|w| w[0] == a && w[1] == b);
    if desc.iter().any(|t| {
        matches!(
            t.as_str(),
            "asynchronously" | "async" | "publishes" | "emits" | "enqueues" | "dispatches"
        )
    }) || says("external", "task")
        || says("external", "tasks")
        || says("fire", "and")
    {
        return (
            deliver_or_publish(roles, d),
            "description says asynchronous".into(),
            Confidence::Low,
        );
    }
    if p.is_empty() {
        (
            EdgeMode::Sync,
            "no protocol: assumed synchronous".into(),
            Confidence::Low,
        )
    } else {
        (EdgeMode::Sync, format!("protocol {p}"), Confidence::Medium)
    }
}

/// Why `s → d` is a consumer pulling from a broker or queue (`d`), if it is: the relationship's
/// metadata, description or id says it consumes, subscribes, polls or reads from it.
fn consumer_pull(
    model: &Model,
    roles: &[RoleInfo],
    rel: usize,
    s: usize,
    d: usize,
) -> Option<String> {
    if !roles[d].role.is_messaging() || roles[s].role.is_messaging() {
        return None;
    }
    let r = &model.relationships[rel];
    for key in ["interaction", "mode", "pattern", "interaction-style"] {
        if let Some(v) = r.metadata.get(key).and_then(serde_json::Value::as_str) {
            let t = v.to_ascii_lowercase();
            if t.contains("consume") || t.contains("subscribe") || t.contains("poll") {
                return Some(format!(
                    "consumer pulls from {} (metadata {key}: {v})",
                    model.nodes[d].id
                ));
            }
        }
    }
    let desc = tokens(&r.description);
    let has = |words: &[&str]| desc.iter().find(|t| words.contains(&t.as_str())).cloned();
    // "Publishes commands and subscribes to status": it produces too, so the broker is on its
    // request path; only a pure consumer is delivered to.
    if has(&[
        "publishes",
        "publish",
        "produces",
        "produce",
        "sends",
        "puts",
        "writes",
        "emits",
    ])
    .is_some()
    {
        return None;
    }
    let verb = has(&[
        "consumes",
        "consume",
        "consuming",
        "subscribes",
        "subscribe",
        "polls",
        "poll",
        "pulls",
        "pull",
        "fetches",
        "listens",
        "dequeues",
    ])
    // "gets orders from ORDERS.IN", "reads events from the topic".
    .or_else(|| {
        has(&["from"])?;
        has(&["gets", "reads", "receives", "takes", "picks", "drains"])
    })
    .or_else(|| {
        tokens(&r.id).into_iter().find(|t| {
            matches!(
                t.as_str(),
                "from" | "consumes" | "consumer" | "subscribes" | "subscription"
            )
        })
    });
    verb.map(|w| format!("consumer pulls from {} (\"{w}\")", model.nodes[d].id))
}

fn deliver_or_publish(roles: &[RoleInfo], d: usize) -> EdgeMode {
    if roles[d].role.is_messaging() {
        EdgeMode::Publish
    } else {
        EdgeMode::Deliver
    }
}
