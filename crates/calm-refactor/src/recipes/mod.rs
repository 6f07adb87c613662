//! Recipes: named refactorings built from [`crate::ops`], one file each.
//!
//! A recipe reads the document (as a [`Draft`]) and changes it; it never touches text. Every
//! recipe is idempotent: run on its own output it makes no change.

pub mod add_control;
pub mod add_load_balancer;
pub mod decouple;
pub mod rename;
pub mod replicate_database;

pub use add_control::{AddControl, ControlPreset};
pub use add_load_balancer::AddLoadBalancer;
pub use decouple::{BrokerKind, Decouple};
pub use rename::Rename;
pub use replicate_database::{ReplicateDatabase, ReplicationMode};

use crate::ops::{Draft, OpError};
use serde_json::Value;

/// One recipe call with its arguments.
#[derive(Debug, Clone, PartialEq)]
pub enum Recipe {
    AddLoadBalancer(AddLoadBalancer),
    ReplicateDatabase(ReplicateDatabase),
    Decouple(Decouple),
    AddControl(AddControl),
    Rename(Rename),
}

impl Recipe {
    /// The recipe's CLI name (`add-load-balancer`, …).
    pub fn name(&self) -> &'static str {
        match self {
            Recipe::AddLoadBalancer(_) => "add-load-balancer",
            Recipe::ReplicateDatabase(_) => "replicate-database",
            Recipe::Decouple(_) => "decouple",
            Recipe::AddControl(_) => "add-control",
            Recipe::Rename(_) => "rename",
        }
    }

    /// Apply the recipe to the draft.
    pub fn apply(&self, d: &mut Draft) -> Result<(), OpError> {
        match self {
            Recipe::AddLoadBalancer(r) => r.apply(d),
            Recipe::ReplicateDatabase(r) => r.apply(d),
            Recipe::Decouple(r) => r.apply(d),
            Recipe::AddControl(r) => r.apply(d),
            Recipe::Rename(r) => r.apply(d),
        }
    }

    /// Build a recipe from its name and CLI words, as in a review finding's `FixSuggestion`
    /// (`recipe: "add-load-balancer", args: ["--target", "api-gateway"]`). Accepts `--k v`,
    /// `--k=v` and, for `rename`, two positional ids.
    pub fn from_words(recipe: &str, args: &[String]) -> Result<Recipe, OpError> {
        let mut w = Words::parse(args)?;
        let r = match recipe {
            "add-load-balancer" => {
                let target = w.required("target")?;
                let names = w.list("names");
                let instances = match w.take("instances") {
                    Some(s) => s.parse().map_err(|_| {
                        OpError::Invalid(format!("--instances `{s}` is not a number"))
                    })?,
                    None if !names.is_empty() => names.len(),
                    None => 2,
                };
                Recipe::AddLoadBalancer(AddLoadBalancer {
                    target,
                    instances,
                    names,
                    lb_id: w.take("lb-id").unwrap_or_else(|| "load-balancer".into()),
                    lb_type: w.take("lb-type").unwrap_or_else(|| "service".into()),
                })
            }
            "replicate-database" => Recipe::ReplicateDatabase(ReplicateDatabase {
                target: w.required("target")?,
                replicas: match w.take("replicas") {
                    Some(s) => s.parse().map_err(|_| {
                        OpError::Invalid(format!("--replicas `{s}` is not a number"))
                    })?,
                    None => 1,
                },
                mode: match w.take("mode").as_deref() {
                    None | Some("async") => ReplicationMode::Async,
                    Some("sync") => ReplicationMode::Sync,
                    Some(m) => {
                        return Err(OpError::Invalid(format!(
                            "--mode `{m}`: expected async or sync"
                        )));
                    }
                },
                primary_id: w.take("primary-id"),
                cluster_id: w.take("cluster-id"),
            }),
            "decouple" => Recipe::Decouple(Decouple {
                from: w.required("from")?,
                to: w.required("to")?,
                broker: match w.take("broker").as_deref() {
                    None | Some("rabbitmq") => BrokerKind::Rabbitmq,
                    Some("kafka") => BrokerKind::Kafka,
                    Some(b) => {
                        return Err(OpError::Invalid(format!(
                            "--broker `{b}`: expected rabbitmq or kafka"
                        )));
                    }
                },
                broker_id: w
                    .take("broker-id")
                    .unwrap_or_else(|| "message-broker".into()),
                queue_id: w.take("queue-id"),
                port: match w.take("port") {
                    Some(s) => Some(s.parse().map_err(|_| {
                        OpError::Invalid(format!("--port `{s}` is not a port number"))
                    })?),
                    None => None,
                },
                adr: w.take("adr"),
            }),
            "add-control" => Recipe::AddControl(AddControl {
                scope: w.take("scope").unwrap_or_else(|| "architecture".into()),
                id: w.take("id"),
                requirement_url: w.take("requirement-url"),
                description: w.take("description"),
                config: w.all("config"),
                preset: match w.take("preset") {
                    Some(p) => Some(ControlPreset::parse(&p)?),
                    None => None,
                },
            }),
            "rename" => {
                let old = w
                    .positional
                    .first()
                    .cloned()
                    .ok_or_else(|| OpError::Invalid("rename needs OLD and NEW".into()))?;
                let new = w
                    .positional
                    .get(1)
                    .cloned()
                    .ok_or_else(|| OpError::Invalid("rename needs OLD and NEW".into()))?;
                w.positional.drain(..2);
                Recipe::Rename(Rename { old, new })
            }
            other => return Err(OpError::Invalid(format!("unknown recipe `{other}`"))),
        };
        w.finish()?;
        Ok(r)
    }
}

/// `--key value` words of a FixSuggestion. Hand-rolled because clap lives in the binary and the
/// words come from our own analysis engine, not from a user's shell.
struct Words {
    flags: Vec<(String, String)>,
    positional: Vec<String>,
}

impl Words {
    fn parse(args: &[String]) -> Result<Words, OpError> {
        let mut flags = Vec::new();
        let mut positional = Vec::new();
        let mut i = 0;
        while i < args.len() {
            let a = &args[i];
            if let Some(k) = a.strip_prefix("--") {
                if let Some((k, v)) = k.split_once('=') {
                    flags.push((k.to_string(), v.to_string()));
                } else {
                    let v = args
                        .get(i + 1)
                        .ok_or_else(|| OpError::Invalid(format!("--{k} needs a value")))?;
                    flags.push((k.to_string(), v.clone()));
                    i += 1;
                    // `--config a=1 b=2`: following words without `--` belong to --config.
                    if k == "config" {
                        while let Some(next) = args
                            .get(i + 1)
                            .filter(|n| !n.starts_with("--") && n.contains('='))
                        {
                            flags.push((k.to_string(), next.clone()));
                            i += 1;
                        }
                    }
                }
            } else {
                positional.push(a.clone());
            }
            i += 1;
        }
        Ok(Words { flags, positional })
    }
    fn take(&mut self, key: &str) -> Option<String> {
        let i = self.flags.iter().position(|(k, _)| k == key)?;
        Some(self.flags.remove(i).1)
    }
    fn all(&mut self, key: &str) -> Vec<String> {
        let mut out = Vec::new();
        while let Some(v) = self.take(key) {
            out.push(v);
        }
        out
    }
    fn list(&mut self, key: &str) -> Vec<String> {
        self.all(key)
            .iter()
            .flat_map(|v| v.split(','))
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    }
    fn required(&mut self, key: &str) -> Result<String, OpError> {
        self.take(key)
            .ok_or_else(|| OpError::Invalid(format!("--{key} is required")))
    }
    fn finish(self) -> Result<(), OpError> {
        if let Some((k, _)) = self.flags.first() {
            return Err(OpError::Invalid(format!("unexpected argument --{k}")));
        }
        if let Some(p) = self.positional.first() {
            return Err(OpError::Invalid(format!("unexpected argument `{p}`")));
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// helpers shared by recipes

pub(crate) fn s<'a>(v: &'a Value, ptr: &str) -> Option<&'a str> {
    v.pointer(ptr).and_then(Value::as_str)
}

/// A node's display name, or its id.
pub(crate) fn display_name(d: &Draft, id: &str) -> String {
    d.node(id)
        .and_then(|n| s(n, "/name"))
        .filter(|n| !n.is_empty())
        .unwrap_or(id)
        .to_string()
}

/// A node's interface ids, in order.
pub(crate) fn interface_ids(d: &Draft, id: &str) -> Vec<String> {
    d.node(id)
        .and_then(|n| n.get("interfaces"))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|i| s(i, "/unique-id").map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The protocol of a node's first interface, when it is one CALM allows on relationships.
pub(crate) fn interface_protocol(d: &Draft, id: &str) -> Option<String> {
    let p = d
        .node(id)?
        .get("interfaces")?
        .as_array()?
        .first()?
        .get("protocol")?
        .as_str()?;
    const ALLOWED: [&str; 12] = [
        "HTTP",
        "HTTPS",
        "FTP",
        "SFTP",
        "JDBC",
        "WebSocket",
        "SocketIO",
        "LDAP",
        "AMQP",
        "TLS",
        "mTLS",
        "TCP",
    ];
    ALLOWED.contains(&p).then(|| p.to_string())
}

/// A `connects` endpoint value.
pub(crate) fn endpoint(node: &str, interfaces: &[String]) -> Value {
    let mut m = serde_json::Map::new();
    m.insert("node".into(), Value::from(node));
    if !interfaces.is_empty() {
        m.insert("interfaces".into(), Value::from(interfaces.to_vec()));
    }
    Value::Object(m)
}

/// `(relationship id, source node, destination node)` of every `connects`.
pub(crate) fn connects(d: &Draft) -> Vec<(String, String, String)> {
    d.relationships()
        .iter()
        .filter_map(|r| {
            let c = r.pointer("/relationship-type/connects")?;
            Some((
                s(r, "/unique-id")?.to_string(),
                s(c, "/source/node").unwrap_or("").to_string(),
                s(c, "/destination/node").unwrap_or("").to_string(),
            ))
        })
        .collect()
}

/// `(flow id, transition array index, transition)` of every transition using relationship `rel`.
pub(crate) fn transitions_using(d: &Draft, rel: &str) -> Vec<(String, usize, Value)> {
    let mut out = Vec::new();
    for f in d.flows() {
        let fid = s(f, "/unique-id").unwrap_or("").to_string();
        for (i, t) in f
            .get("transitions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            if s(t, "/relationship-unique-id") == Some(rel) {
                out.push((fid.clone(), i, t.clone()));
            }
        }
    }
    out
}

pub(crate) fn is_reverse(t: &Value) -> bool {
    s(t, "/direction") == Some("destination-to-source")
}

/// Build an object from pairs, keeping their order.
pub(crate) fn obj(pairs: Vec<(&str, Value)>) -> serde_json::Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// CALM's usual member order, used to place keys the document's own elements do not show.
const CANONICAL: [&str; 12] = [
    "unique-id",
    "node-type",
    "name",
    "description",
    "relationship-type",
    "protocol",
    "interfaces",
    "details",
    "data-classification",
    "run-as",
    "metadata",
    "controls",
];

/// The key order this document uses for nodes / relationships (its richest element's), so new
/// elements read like the existing ones. Keys that element lacks go where CALM usually puts them
/// (before the first known key that normally follows them); anything else goes last.
pub(crate) fn ordered_like(d: &Draft, array: &str, value: serde_json::Map<String, Value>) -> Value {
    let mut order: Vec<String> = d
        .value
        .get(array)
        .and_then(Value::as_array)
        .and_then(|a| {
            a.iter()
                .max_by_key(|v| v.as_object().map(|o| o.len()).unwrap_or(0))
        })
        .and_then(Value::as_object)
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    for (rank, key) in CANONICAL.iter().enumerate() {
        if order.iter().any(|k| k == key) {
            continue;
        }
        let later = |k: &String| {
            CANONICAL
                .iter()
                .position(|c| c == k)
                .is_some_and(|r| r > rank)
        };
        let at = order.iter().position(later).unwrap_or(order.len());
        order.insert(at, key.to_string());
    }
    let mut keys: Vec<&String> = value.keys().collect();
    keys.sort_by_key(|k| order.iter().position(|t| t == *k).unwrap_or(usize::MAX));
    let mut out = serde_json::Map::new();
    for k in keys {
        out.insert(k.clone(), value[k.as_str()].clone());
    }
    Value::Object(out)
}
