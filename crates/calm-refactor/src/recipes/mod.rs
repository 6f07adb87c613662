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
pub use add_load_balancer::{AddLoadBalancer, DEFAULT_INSTANCES, DEFAULT_LB_ID, DEFAULT_LB_TYPE};
pub use decouple::{BrokerKind, DEFAULT_BROKER_ID, Decouple};
pub use rename::Rename;
pub use replicate_database::{DEFAULT_REPLICAS, ReplicateDatabase, ReplicationMode};

use crate::ops::{Draft, OpError};
use serde_json::Value;

/// One recipe call with its arguments: the only definition of a recipe's parameters.
///
/// The same type is the `calm-advisor fix FILE RECIPE …` subcommand (feature `cli`, clap), the
/// JSON form used by the MCP server and the chat's language-model tools (serde:
/// `{"recipe": "add-load-balancer", "target": "api-gateway"}`, omitted fields take the same
/// defaults as the CLI flags) and that form's JSON schema (feature `schema`, schemars).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Subcommand))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "recipe", rename_all = "kebab-case")]
pub enum Recipe {
    /// Put a load balancer in front of a node and clone the node into redundant instances.
    AddLoadBalancer(AddLoadBalancer),
    /// Turn a database into a primary/replica cluster.
    ReplicateDatabase(ReplicateDatabase),
    /// Replace a synchronous call with a message broker and queue.
    Decouple(Decouple),
    /// Add a control at architecture, node, relationship or flow scope.
    AddControl(AddControl),
    /// Rename a unique-id everywhere it is referenced.
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

    /// The same recipe with its redundant arguments made consistent, so equal requests compare
    /// equal whichever front end built them: with `names`, `instances` is their number.
    pub fn normalized(mut self) -> Recipe {
        if let Recipe::AddLoadBalancer(r) = &mut self
            && !r.names.is_empty()
        {
            r.instances = r.names.len();
        }
        self
    }

    /// The recipe from its serde form (`{"recipe": "decouple", "from": …}`), normalized.
    pub fn from_json(value: Value) -> Result<Recipe, OpError> {
        serde_json::from_value::<Recipe>(value)
            .map(Recipe::normalized)
            .map_err(|e| OpError::Invalid(e.to_string()))
    }

    /// The recipe from its CLI words, recipe name first (`["add-load-balancer", "--target",
    /// "api-gateway"]`), parsed by the same clap parser as `calm-advisor fix`; normalized.
    #[cfg(feature = "cli")]
    pub fn try_parse_from<I, T>(words: I) -> Result<Recipe, OpError>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        use clap::Parser;
        #[derive(clap::Parser)]
        #[command(name = "fix", no_binary_name = true)]
        struct Words {
            #[command(subcommand)]
            recipe: Recipe,
        }
        Words::try_parse_from(words)
            .map(|w| w.recipe.normalized())
            .map_err(|e| {
                // clap's first line, without its `error: ` prefix and usage hints.
                let text = e.to_string();
                let first = text.lines().next().unwrap_or("").trim();
                OpError::Invalid(first.strip_prefix("error: ").unwrap_or(first).to_string())
            })
    }

    /// [`Recipe::try_parse_from`] for a review finding's `FixSuggestion` (`recipe: "add-load-balancer",
    /// args: ["--target", "api-gateway"]`).
    #[cfg(feature = "cli")]
    pub fn parse_args(recipe: &str, args: &[String]) -> Result<Recipe, OpError> {
        Recipe::try_parse_from(std::iter::once(recipe).chain(args.iter().map(String::as_str)))
    }

    /// The `calm-advisor fix` words of this recipe, recipe name first; every argument spelled
    /// out (defaults included) so the command reads the same whatever the defaults become.
    /// [`Recipe::try_parse_from`] reads them back to an equal recipe.
    pub fn to_words(&self) -> Vec<String> {
        let mut a: Vec<String> = vec![self.name().to_string()];
        let mut push = |k: &str, v: &str| {
            a.push(k.to_string());
            a.push(v.to_string());
        };
        match self {
            Recipe::AddLoadBalancer(r) => {
                push("--target", &r.target);
                push("--instances", &r.instances.to_string());
                if !r.names.is_empty() {
                    push("--names", &r.names.join(","));
                }
                push("--lb-id", &r.lb_id);
                push("--lb-type", &r.lb_type);
            }
            Recipe::ReplicateDatabase(r) => {
                push("--target", &r.target);
                push("--replicas", &r.replicas.to_string());
                push("--mode", r.mode.as_str());
                if let Some(p) = &r.primary_id {
                    push("--primary-id", p);
                }
                if let Some(c) = &r.cluster_id {
                    push("--cluster-id", c);
                }
            }
            Recipe::Decouple(r) => {
                push("--from", &r.from);
                push("--to", &r.to);
                push("--broker", r.broker.as_str());
                push("--broker-id", &r.broker_id);
                if let Some(q) = &r.queue_id {
                    push("--queue-id", q);
                }
                if let Some(p) = r.port {
                    push("--port", &p.to_string());
                }
                if let Some(adr) = &r.adr {
                    push("--adr", adr);
                }
            }
            Recipe::AddControl(r) => {
                push("--scope", &r.scope.to_string());
                if let Some(id) = &r.id {
                    push("--id", id);
                }
                if let Some(p) = r.preset {
                    push("--preset", p.name());
                }
                if let Some(u) = &r.requirement_url {
                    push("--requirement-url", u);
                }
                if let Some(d) = &r.description {
                    push("--description", d);
                }
                if !r.config.is_empty() {
                    a.push("--config".into());
                    a.extend(r.config.iter().cloned());
                }
            }
            Recipe::Rename(r) => {
                a.push(r.old.clone());
                a.push(r.new.clone());
            }
        }
        a
    }
}

/// A JSON value as a `--config key=VALUE` word: strings as they are, the rest as JSON.
pub fn value_word(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
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
    calm_model::spec::PROTOCOLS
        .contains(&p)
        .then(|| p.to_string())
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
