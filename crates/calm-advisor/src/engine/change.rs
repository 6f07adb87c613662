//! What a front end asks the engine to change: a calm-refactor [`Recipe`] (the one definition of
//! a recipe's parameters, shared by the `fix` CLI, chat, the language-model tools and MCP), plus
//! the few requests that are not recipes (a review finding's own fix, metadata).

use calm_refactor::recipes::value_word;
use calm_refactor::{Recipe, ReplicateDatabase, Scope};
use serde_json::Value;

/// A change, as typed data.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// One calm-refactor recipe, exactly as `calm-advisor fix FILE RECIPE …` takes it.
    Recipe(Recipe),
    /// `replicate-database`, then renames that give the replicas the ids asked for (the recipe
    /// names them TARGET-replica or TARGET-replica-N).
    ReplicateDatabase {
        recipe: ReplicateDatabase,
        replica_ids: Vec<String>,
    },
    /// Apply the review's own recommended fix: `concern:N` (the N-th concern of the review,
    /// all its fixable findings), `node:ID` (the top fixable concern about a node) or a finding id.
    ApplyFinding { selector: String },
    /// Accept one review finding: add `{"id", "status", "justification"}` to
    /// `metadata.calm-advisor.suppress` of the element the finding is about (where `review`
    /// reads it), keeping the entries already there.
    Suppress {
        finding: String,
        /// `accepted`, `mitigated` or `false-positive`.
        status: String,
        justification: String,
    },
    /// Metadata has no recipe: set with calm-refactor's `set_metadata` operation.
    SetMetadata {
        scope: Scope,
        entries: Vec<(String, Value)>,
    },
}

impl From<Recipe> for Change {
    fn from(r: Recipe) -> Change {
        match r {
            Recipe::ReplicateDatabase(recipe) => Change::ReplicateDatabase {
                recipe,
                replica_ids: Vec::new(),
            },
            r => Change::Recipe(r),
        }
    }
}

impl Change {
    /// The change from its JSON form: a recipe's serde form (`{"recipe": "add-load-balancer",
    /// "target": "api-gateway"}`, see [`Recipe`]) or `{"recipe": "set-metadata", "scope": …,
    /// "config": {…}}`. Unknown recipes, bad values and bad scopes are rejected.
    pub fn from_json(value: Value) -> Result<Change, String> {
        if value.get("recipe").and_then(Value::as_str) == Some("set-metadata") {
            let scope = match value.get("scope") {
                None | Some(Value::Null) => Scope::Architecture,
                Some(Value::String(s)) => Scope::parse(s).map_err(|e| e.to_string())?,
                Some(other) => return Err(format!("scope {other}: expected a string")),
            };
            let entries = match value.get("config") {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Object(m)) => m.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                Some(other) => return Err(format!("config {other}: expected an object")),
            };
            return Ok(Change::SetMetadata { scope, entries });
        }
        Recipe::from_json(value)
            .map(Change::from)
            .map_err(|e| e.to_string())
    }

    /// The recipe calls that make this change, in order (the replicate-database recipe plus the
    /// renames that give replicas the ids asked for). Empty for metadata and findings' fixes.
    pub fn recipes(&self) -> Vec<Recipe> {
        match self {
            Change::SetMetadata { .. } | Change::ApplyFinding { .. } | Change::Suppress { .. } => {
                Vec::new()
            }
            Change::Recipe(r) => vec![r.clone()],
            Change::ReplicateDatabase {
                recipe,
                replica_ids,
            } => {
                let target = &recipe.target;
                let mut steps = vec![Recipe::ReplicateDatabase(recipe.clone())];
                let defaults: Vec<String> = if recipe.replicas == 1 {
                    vec![format!("{target}-replica")]
                } else {
                    (1..=recipe.replicas)
                        .map(|i| format!("{target}-replica-{i}"))
                        .collect()
                };
                for (d, want) in defaults.iter().zip(replica_ids) {
                    if d != want {
                        steps.push(Recipe::Rename(calm_refactor::Rename {
                            old: d.clone(),
                            new: want.clone(),
                        }));
                    }
                }
                steps
            }
        }
    }

    /// One line saying what will be done, naming every slot read from the request.
    pub fn describe(&self) -> String {
        match self {
            Change::Recipe(Recipe::AddLoadBalancer(r)) => {
                let inst = if r.names.is_empty() {
                    format!("{} instances", r.instances)
                } else {
                    format!("instances {}", r.names.join(", "))
                };
                format!(
                    "put load balancer `{}` ({}) in front of `{}`, with {inst}",
                    r.lb_id, r.lb_type, r.target
                )
            }
            Change::ReplicateDatabase {
                recipe: r,
                replica_ids,
            } => {
                let mut s = format!(
                    "replicate database `{}` ({} replication",
                    r.target,
                    r.mode.as_str()
                );
                if let Some(p) = &r.primary_id {
                    s += &format!(", primary `{p}`");
                }
                if replica_ids.is_empty() {
                    s += &format!(", {} replica(s)", r.replicas);
                } else {
                    s += &format!(
                        ", replica(s) {}",
                        replica_ids
                            .iter()
                            .map(|r| format!("`{r}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                }
                if let Some(c) = &r.cluster_id {
                    s += &format!(", cluster `{c}`");
                }
                s + ")"
            }
            Change::Recipe(Recipe::ReplicateDatabase(r)) => Change::ReplicateDatabase {
                recipe: r.clone(),
                replica_ids: Vec::new(),
            }
            .describe(),
            Change::Recipe(Recipe::Decouple(r)) => {
                let mut s = format!(
                    "route `{}` -> `{}` through {} broker `{}`",
                    r.from,
                    r.to,
                    r.broker.as_str(),
                    r.broker_id
                );
                if let Some(q) = &r.queue_id {
                    s += &format!(", queue `{q}`");
                }
                if let Some(p) = r.port {
                    s += &format!(", port {p}");
                }
                if let Some(a) = &r.adr {
                    s += &format!(", ADR {a}");
                }
                s
            }
            Change::Recipe(Recipe::AddControl(r)) => {
                let id =
                    r.id.clone()
                        .or_else(|| r.preset.map(|p| p.name().to_string()))
                        .unwrap_or_default();
                let mut s = format!("add control `{id}` at {}", scope_words(&r.scope));
                if !r.config.is_empty() {
                    s += &format!(" with {}", r.config.join(", "));
                }
                if let Some(u) = &r.requirement_url {
                    s += &format!(" (requirement {u})");
                }
                s
            }
            Change::Recipe(Recipe::Rename(r)) => {
                format!(
                    "rename `{}` to `{}` everywhere it is referenced",
                    r.old, r.new
                )
            }
            Change::ApplyFinding { selector } => match selector.split_once(':') {
                Some(("concern", n)) => {
                    let n = n.split(':').next().unwrap_or(n);
                    format!("apply the review's recommended fix for concern #{n}")
                }
                Some(("node", id)) => {
                    format!("apply the review's recommended fix for the top concern about `{id}`")
                }
                _ => format!("apply the review's recommended fix for finding `{selector}`"),
            },
            Change::Suppress {
                finding,
                status,
                justification,
            } => format!("mark finding `{finding}` as {status}: {justification}"),
            Change::SetMetadata { scope, entries } => {
                // Lists and objects are summarised; the diff shows them in full.
                let kv: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| match v {
                        Value::Array(a) if value_word(v).len() > 60 => {
                            format!("{k}=[{} item(s)]", a.len())
                        }
                        Value::Object(m) if value_word(v).len() > 60 => {
                            format!("{k}={{{} key(s)}}", m.len())
                        }
                        _ => format!("{k}={}", value_word(v)),
                    })
                    .collect();
                format!("set metadata {} on {}", kv.join(", "), scope_words(scope))
            }
        }
    }
}

fn scope_words(scope: &Scope) -> String {
    match scope {
        Scope::Architecture => "architecture level".into(),
        Scope::Node(id) => format!("node `{id}`"),
        Scope::Relationship(id) => format!("relationship `{id}`"),
        Scope::Flow(id) => format!("flow `{id}`"),
    }
}

/// The MCP `fix` argument: a recipe's serde form, or set-metadata. Its JSON schema is the
/// recipe's own (schemars) next to the set-metadata shape.
#[derive(Debug, Clone, PartialEq)]
pub struct FixSpec(pub Change);

impl<'de> serde::Deserialize<'de> for FixSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<FixSpec, D::Error> {
        let v = Value::deserialize(d)?;
        Change::from_json(v)
            .map(FixSpec)
            .map_err(serde::de::Error::custom)
    }
}

/// The set-metadata shape of [`FixSpec`] (schema only).
#[allow(dead_code)]
#[derive(schemars::JsonSchema)]
#[serde(tag = "recipe", rename_all = "kebab-case")]
enum MetadataSpec {
    /// Set metadata entries on an element (no recipe: calm-refactor's metadata operation).
    SetMetadata {
        /// architecture, node:ID, relationship:ID or flow:ID.
        #[serde(default)]
        scope: Option<String>,
        /// The metadata entries.
        #[serde(default)]
        config: serde_json::Map<String, Value>,
    },
}

impl schemars::JsonSchema for FixSpec {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "FixSpec".into()
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let recipe = g.subschema_for::<Recipe>();
        let metadata = g.subschema_for::<MetadataSpec>();
        schemars::json_schema!({
            "description": "A change: a refactoring recipe with its arguments (`recipe` is add-load-balancer, replicate-database, decouple, add-control or rename; omitted arguments take the CLI's defaults), or set-metadata.",
            "oneOf": [recipe, metadata]
        })
    }
}
