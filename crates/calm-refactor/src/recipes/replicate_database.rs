//! `replicate-database`: a database becomes a primary/replica cluster (RES-04 fix, tutorial
//! Day 14 prompt #2).
//!
//! Steps: the database becomes the primary (renamed to `--primary-id`, default `DB-primary`,
//! with its interfaces); read replicas are deep copies with new interface ids; primary and
//! replicas carry role / access-mode / replication metadata; a cluster node (`system`) is
//! `composed-of` primary and replicas and takes the database's place in its containers (so no
//! node has two `composed-of` parents); every caller's relationship to the primary is marked as
//! the write path and gets a read relationship to each replica; flow steps that read (by their
//! description) move to the replica; references in controls follow the rename.

use super::*;
use crate::ops::{Draft, OpError, Scope, derive_id};
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum ReplicationMode {
    #[default]
    Async,
    Sync,
}

impl ReplicationMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ReplicationMode::Async => "async",
            ReplicationMode::Sync => "sync",
        }
    }
}

/// Default number of read replicas.
pub const DEFAULT_REPLICAS: usize = 1;

fn default_replicas() -> usize {
    DEFAULT_REPLICAS
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ReplicateDatabase {
    /// Database node to replicate.
    #[cfg_attr(feature = "cli", arg(long, value_name = "NODE"))]
    pub target: String,
    /// Number of read replicas.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = DEFAULT_REPLICAS))]
    #[serde(default = "default_replicas")]
    pub replicas: usize,
    /// Replication mode.
    #[cfg_attr(feature = "cli", arg(long, value_enum, default_value_t = ReplicationMode::default()))]
    #[serde(default)]
    pub mode: ReplicationMode,
    /// Id of the primary (default: TARGET-primary).
    #[cfg_attr(feature = "cli", arg(long, value_name = "ID"))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_id: Option<String>,
    /// Id of the cluster node (default: TARGET-cluster).
    #[cfg_attr(feature = "cli", arg(long, value_name = "ID"))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_id: Option<String>,
}

/// Words in a flow step's description that mean it only reads.
fn is_read_step(desc: &str) -> bool {
    let d = desc.to_ascii_lowercase();
    let words: Vec<&str> = d.split(|c: char| !c.is_ascii_alphanumeric()).collect();
    const READ: [&str; 10] = [
        "read", "reads", "query", "queries", "fetch", "fetches", "lookup", "select", "search",
        "list",
    ];
    const WRITE: [&str; 10] = [
        "write", "writes", "persist", "persists", "store", "stores", "save", "saves", "update",
        "insert",
    ];
    words.iter().any(|w| READ.contains(w)) && !words.iter().any(|w| WRITE.contains(w))
}

impl ReplicateDatabase {
    pub fn new(target: &str) -> Self {
        ReplicateDatabase {
            target: target.into(),
            replicas: DEFAULT_REPLICAS,
            mode: ReplicationMode::default(),
            primary_id: None,
            cluster_id: None,
        }
    }

    pub fn apply(&self, d: &mut Draft) -> Result<(), OpError> {
        let t = &self.target;
        if self.replicas == 0 {
            return Err(OpError::Invalid("--replicas must be at least 1".into()));
        }
        let primary = self
            .primary_id
            .clone()
            .unwrap_or_else(|| format!("{t}-primary"));
        let cluster = self
            .cluster_id
            .clone()
            .unwrap_or_else(|| format!("{t}-cluster"));
        let replicas: Vec<String> = if self.replicas == 1 {
            vec![format!("{t}-replica")]
        } else {
            (1..=self.replicas)
                .map(|i| format!("{t}-replica-{i}"))
                .collect()
        };
        let mode = self.mode.as_str();
        if d.node(t).is_none() && !(d.node(&primary).is_some() && d.node(&cluster).is_some()) {
            return Err(OpError::NoNode(t.clone()));
        }
        if let Some(n) = d.node(t) {
            let ty = n.get("node-type").and_then(Value::as_str).unwrap_or("");
            if matches!(ty, "actor" | "webclient" | "ecosystem" | "network") {
                return Err(OpError::Invalid(format!(
                    "`{t}` is a {ty}, not a data store"
                )));
            }
        }
        // An existing cluster node is only ours if it already groups the primary (second run).
        if d.node(&cluster).is_some() {
            let groups_primary = d.relationships().iter().any(|r| {
                s(r, "/relationship-type/composed-of/container") == Some(cluster.as_str())
                    && r.pointer("/relationship-type/composed-of/nodes")
                        .and_then(Value::as_array)
                        .is_some_and(|a| a.iter().any(|m| m.as_str() == Some(primary.as_str())))
            });
            if !groups_primary {
                return Err(OpError::Taken(cluster.clone()));
            }
        }
        for id in std::iter::once(&cluster).chain(&replicas) {
            if d.node(id).is_none() && d.id_taken(id) {
                return Err(OpError::Taken(id.clone()));
            }
        }
        let suffix = |name: &str| {
            name.strip_prefix(t.as_str())
                .and_then(|s| s.strip_prefix('-'))
                .filter(|s| !s.is_empty())
                .unwrap_or(name)
                .to_string()
        };

        // 1. The database becomes the primary.
        if d.node(t).is_some() && primary != *t {
            if d.id_taken(&primary) {
                return Err(OpError::Taken(primary.clone()));
            }
            for iface in interface_ids(d, t) {
                let new = derive_id(&iface, t, &suffix(&primary), true);
                if new != iface && !d.id_taken(&new) {
                    d.rename_id(&iface, &new)?;
                }
            }
            d.rename_id(t, &primary)?;
        }
        let db_name = display_name(d, &primary);

        // 2. Replicas.
        let primary_sfx = suffix(&primary);
        let mut prev = primary.clone();
        for r in &replicas {
            if d.node(r).is_none() {
                let rs = suffix(r);
                let swap_from = format!("-{primary_sfx}-");
                d.clone_node(&primary, r, |old| {
                    let swapped = old.replacen(&swap_from, &format!("-{rs}-"), 1);
                    if swapped != old {
                        swapped
                    } else {
                        derive_id(old, t, &rs, true)
                    }
                })?;
                // Replicas do not inherit the primary's controls (backups, failover are the
                // cluster's business) nor its name.
                let idx = d
                    .nodes()
                    .iter()
                    .position(|n| n.get("unique-id").and_then(Value::as_str) == Some(r))
                    .expect("cloned");
                let nodes = d.value["nodes"].as_array_mut().expect("nodes");
                let node = nodes.remove(idx);
                let mut node = node;
                if let Some(o) = node.as_object_mut() {
                    o.remove("controls");
                    if o.contains_key("name") {
                        o.insert(
                            "name".into(),
                            Value::from(format!(
                                "{db_name} Replica{}",
                                if replicas.len() > 1 {
                                    format!(" {}", rs.trim_start_matches("replica-"))
                                } else {
                                    String::new()
                                }
                            )),
                        );
                    }
                    if o.contains_key("description") {
                        o.insert(
                            "description".into(),
                            Value::from(format!("Read-only {mode} replica of {primary}")),
                        );
                    }
                }
                let at = nodes
                    .iter()
                    .position(|n| n.get("unique-id").and_then(Value::as_str) == Some(prev.as_str()))
                    .map(|p| p + 1)
                    .unwrap_or(nodes.len());
                nodes.insert(at, node);
            }
            prev = r.clone();
        }

        // 3. Role and replication metadata.
        d.set_metadata(
            &Scope::Node(primary.clone()),
            obj(vec![
                ("role", Value::from("primary")),
                ("access-mode", Value::from("read-write")),
                ("replication-mode", Value::from(mode)),
                (
                    "replicates-to",
                    if replicas.len() == 1 {
                        Value::from(replicas[0].as_str())
                    } else {
                        json!(replicas)
                    },
                ),
            ]),
        )?;
        for r in &replicas {
            d.set_metadata(
                &Scope::Node(r.clone()),
                obj(vec![
                    ("role", Value::from("replica")),
                    ("access-mode", Value::from("read-only")),
                    ("replication-mode", Value::from(mode)),
                    ("replicates-from", Value::from(primary.as_str())),
                ]),
            )?;
        }

        // 4. The cluster node, before the primary.
        let mut members = vec![primary.clone()];
        members.extend(replicas.iter().cloned());
        if d.node(&cluster).is_none() {
            let mut md = serde_json::Map::new();
            if let Some(v) = d
                .node(&primary)
                .and_then(|n| n.pointer("/metadata/database-type"))
                .cloned()
            {
                md.insert("database-type".into(), v);
            }
            md.insert("topology".into(), Value::from("primary-replica"));
            md.insert("replication-mode".into(), Value::from(mode));
            md.insert("high-availability".into(), Value::from(true));
            let node = obj(vec![
                ("unique-id", Value::from(cluster.as_str())),
                ("node-type", Value::from("system")),
                ("name", Value::from(format!("{db_name} Cluster"))),
                (
                    "description",
                    Value::from(format!(
                        "{db_name} primary with {} {mode} read replica{}",
                        replicas.len(),
                        if replicas.len() == 1 { "" } else { "s" }
                    )),
                ),
                ("metadata", Value::Object(md)),
            ]);
            let node = ordered_like(d, "nodes", node);
            d.add_node(node)?;
            let nodes = d.value["nodes"].as_array_mut().expect("nodes");
            let c = nodes.pop().expect("just added");
            let at = nodes
                .iter()
                .position(|n| n.get("unique-id").and_then(Value::as_str) == Some(primary.as_str()))
                .unwrap_or(nodes.len());
            nodes.insert(at, c);
        }
        // The cluster takes the database's place in its containers.
        let container_rels: Vec<String> = d
            .relationships()
            .iter()
            .filter(|r| {
                ["composed-of", "deployed-in"].iter().any(|k| {
                    r.pointer(&format!("/relationship-type/{k}/nodes"))
                        .and_then(Value::as_array)
                        .is_some_and(|a| a.iter().any(|m| m.as_str() == Some(primary.as_str())))
                }) && s(r, "/relationship-type/composed-of/container") != Some(cluster.as_str())
            })
            .filter_map(|r| s(r, "/unique-id").map(str::to_string))
            .collect();
        for rid in &container_rels {
            let is_composed = d
                .relationship(rid)
                .and_then(|r| r.pointer("/relationship-type/composed-of"))
                .is_some();
            if is_composed {
                d.retarget(rid, &primary, &cluster, None)?;
            }
        }
        // deployed-in: replicas are deployed where the primary is.
        let deployed: Vec<String> = container_rels
            .iter()
            .filter(|rid| {
                d.relationship(rid)
                    .and_then(|r| r.pointer("/relationship-type/deployed-in"))
                    .is_some()
            })
            .cloned()
            .collect();
        if !deployed.is_empty() {
            d.add_membership_like(&primary, &replicas)?;
        }
        d.add_composition(
            &cluster,
            &members,
            &format!("{cluster}-composition"),
            &format!(
                "{db_name} Cluster is composed of the primary and its {mode} read replica{}",
                if replicas.len() == 1 { "" } else { "s" }
            ),
        )?;

        // 5. Callers: writes to the primary, reads from each replica.
        let callers: Vec<(String, String)> = connects(d)
            .into_iter()
            .filter(|(_, src, dst)| *dst == primary && *src != cluster && !replicas.contains(src))
            .map(|(rid, src, _)| (rid, src))
            .collect();
        for (rid, caller) in &callers {
            d.set_metadata(
                &Scope::Relationship(rid.clone()),
                obj(vec![("access-mode", Value::from("read-write"))]),
            )?;
            let rel = d.relationship(rid).cloned().unwrap_or(Value::Null);
            let mut after = rid.clone();
            let mut first_read: Option<String> = None;
            for r in &replicas {
                let existing = connects(d)
                    .into_iter()
                    .find(|(_, s2, d2)| s2 == caller && d2 == r)
                    .map(|c| c.0);
                let read_id = match existing {
                    Some(x) => x,
                    None => {
                        let id = d.fresh_id(&derive_id(rid, t, &suffix(r), false));
                        let mut copy = rel.clone();
                        copy["unique-id"] = Value::from(id.as_str());
                        copy["relationship-type"]["connects"]["destination"] =
                            endpoint(r, &interface_ids(d, r));
                        if copy.get("description").is_some() {
                            copy["description"] = Value::from(format!(
                                "{} reads from {} (read-only queries)",
                                display_name(d, caller),
                                display_name(d, r)
                            ));
                        }
                        if let Some(o) = copy.as_object_mut() {
                            o.remove("controls");
                            if let Some(p) = interface_protocol(d, r) {
                                o.insert("protocol".into(), Value::from(p));
                            }
                        }
                        match copy.get_mut("metadata") {
                            Some(Value::Object(m)) => {
                                m.insert("access-mode".into(), Value::from("read-only"));
                            }
                            Some(Value::Array(a)) => a.push(json!({"access-mode": "read-only"})),
                            _ => {
                                copy["metadata"] = json!({"access-mode": "read-only"});
                            }
                        }
                        let copy = match copy {
                            Value::Object(m) => ordered_like(d, "relationships", m),
                            other => other,
                        };
                        d.add_relationship_after(copy, &after)?;
                        id
                    }
                };
                after = read_id.clone();
                first_read.get_or_insert(read_id);
            }
            // Read steps of flows now use the replica.
            if let Some(read) = first_read {
                // A response (destination-to-source) follows its request.
                let mut last_moved: Option<(String, bool)> = None;
                for (flow, idx, tr) in transitions_using(d, rid) {
                    let moved = if is_reverse(&tr) {
                        last_moved.as_ref().is_some_and(|(f, m)| *f == flow && *m)
                    } else {
                        is_read_step(s(&tr, "/description").unwrap_or(""))
                    };
                    if moved {
                        d.set_transition_relationship(&flow, idx, &read)?;
                    }
                    if !is_reverse(&tr) {
                        last_moved = Some((flow.clone(), moved));
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::is_read_step;

    #[test]
    fn read_steps() {
        assert!(is_read_step("Query current stock levels"));
        assert!(is_read_step("Reads the order history"));
        assert!(!is_read_step("Persist the order"));
        assert!(!is_read_step("Return stock data"));
    }
}
