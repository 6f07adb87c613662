//! Semantic operations on a CALM document (docs/advisor-design.md §5.2).
//!
//! Every operation works on a [`Draft`] (the document as a `serde_json::Value` plus a log of
//! what changed) and is idempotent where that makes sense: adding what already exists, or
//! setting a value that is already set, changes nothing and logs nothing. Recipes are built
//! from these operations; the text edit is computed afterwards from the value difference.

use serde_json::{Map, Value, json};
use std::collections::BTreeSet;

/// Why an operation could not be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpError {
    #[error("no node with unique-id `{0}`")]
    NoNode(String),
    #[error("no relationship with unique-id `{0}`")]
    NoRelationship(String),
    #[error("no flow with unique-id `{0}`")]
    NoFlow(String),
    #[error("unique-id `{0}` is already used")]
    Taken(String),
    #[error("unique-id `{0}` is not used in the document")]
    Unknown(String),
    #[error("{0}")]
    Invalid(String),
}

/// Where a control or metadata goes. Written `architecture`, `node:ID`, `relationship:ID` or
/// `flow:ID` (on the command line and in the serde form alike); anything else is rejected.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Scope {
    #[default]
    Architecture,
    Node(String),
    Relationship(String),
    Flow(String),
}

impl Scope {
    /// `architecture`, `node:ID`, `relationship:ID` or `flow:ID`.
    pub fn parse(s: &str) -> Result<Scope, OpError> {
        let s = s.trim();
        if s == "architecture" || s.is_empty() {
            return Ok(Scope::Architecture);
        }
        let (kind, id) = s.split_once(':').ok_or_else(|| {
            OpError::Invalid(format!(
                "scope `{s}`: expected architecture, node:ID, relationship:ID or flow:ID"
            ))
        })?;
        let id = id.trim().to_string();
        if id.is_empty() {
            return Err(OpError::Invalid(format!("scope `{s}` has no id")));
        }
        match kind.trim() {
            "node" => Ok(Scope::Node(id)),
            "relationship" | "rel" => Ok(Scope::Relationship(id)),
            "flow" => Ok(Scope::Flow(id)),
            k => Err(OpError::Invalid(format!(
                "scope kind `{k}`: expected node, relationship or flow"
            ))),
        }
    }
    /// The `--scope` spelling: `architecture`, `node:ID`, `relationship:ID` or `flow:ID`.
    pub fn as_arg(&self) -> String {
        match self {
            Scope::Architecture => "architecture".into(),
            Scope::Node(id) => format!("node:{id}"),
            Scope::Relationship(id) => format!("relationship:{id}"),
            Scope::Flow(id) => format!("flow:{id}"),
        }
    }
    pub fn label(&self) -> String {
        match self {
            Scope::Architecture => "the architecture".to_string(),
            Scope::Node(id) => format!("node {id}"),
            Scope::Relationship(id) => format!("relationship {id}"),
            Scope::Flow(id) => format!("flow {id}"),
        }
    }
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.as_arg())
    }
}

impl std::str::FromStr for Scope {
    type Err = OpError;
    fn from_str(s: &str) -> Result<Scope, OpError> {
        Scope::parse(s)
    }
}

impl serde::Serialize for Scope {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.as_arg())
    }
}

impl<'de> serde::Deserialize<'de> for Scope {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Scope, D::Error> {
        let s = String::deserialize(d)?;
        Scope::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Scope {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Scope".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "architecture, node:ID, relationship:ID or flow:ID",
            "pattern": "^(architecture|(node|relationship|rel|flow):.+)$"
        })
    }
}

/// One transition of a flow, as written by `split-transition`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTransition {
    pub relationship: String,
    pub description: String,
    /// `true` for `destination-to-source`.
    pub reverse: bool,
}

/// The document being changed, and what changed so far (one line per effective change).
#[derive(Debug, Clone)]
pub struct Draft {
    pub value: Value,
    pub changes: Vec<String>,
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

impl Draft {
    pub fn new(value: Value) -> Draft {
        Draft {
            value,
            changes: Vec::new(),
        }
    }

    fn log(&mut self, s: impl Into<String>) {
        self.changes.push(s.into());
    }

    fn array(&self, key: &str) -> &[Value] {
        self.value
            .get(key)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The array `key` of the root, created (at the end) when missing.
    fn array_mut(&mut self, key: &str) -> Result<&mut Vec<Value>, OpError> {
        let root = self
            .value
            .as_object_mut()
            .ok_or_else(|| OpError::Invalid("the document is not an object".into()))?;
        let v = root
            .entry(key.to_string())
            .or_insert_with(|| Value::Array(Vec::new()));
        v.as_array_mut()
            .ok_or_else(|| OpError::Invalid(format!("`{key}` is not an array")))
    }

    pub fn nodes(&self) -> &[Value] {
        self.array("nodes")
    }
    pub fn relationships(&self) -> &[Value] {
        self.array("relationships")
    }
    pub fn flows(&self) -> &[Value] {
        self.array("flows")
    }

    pub fn node(&self, id: &str) -> Option<&Value> {
        self.nodes()
            .iter()
            .find(|n| str_of(n, "unique-id") == Some(id))
    }
    pub fn relationship(&self, id: &str) -> Option<&Value> {
        self.relationships()
            .iter()
            .find(|r| str_of(r, "unique-id") == Some(id))
    }
    fn node_index(&self, id: &str) -> Option<usize> {
        self.nodes()
            .iter()
            .position(|n| str_of(n, "unique-id") == Some(id))
    }
    fn rel_index(&self, id: &str) -> Option<usize> {
        self.relationships()
            .iter()
            .position(|r| str_of(r, "unique-id") == Some(id))
    }
    fn flow_index(&self, id: &str) -> Option<usize> {
        self.flows()
            .iter()
            .position(|f| str_of(f, "unique-id") == Some(id))
    }

    /// Every `unique-id` in the document, at any depth: nodes, interfaces, relationships,
    /// flows, and whatever else carries one (timeline moments, nested architectures' parts).
    pub fn all_ids(&self) -> BTreeSet<String> {
        fn walk(v: &Value, out: &mut BTreeSet<String>) {
            match v {
                Value::Object(m) => {
                    if let Some(Value::String(id)) = m.get("unique-id") {
                        out.insert(id.clone());
                    }
                    m.values().for_each(|x| walk(x, out));
                }
                Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
                _ => {}
            }
        }
        let mut out = BTreeSet::new();
        walk(&self.value, &mut out);
        out
    }

    pub fn id_taken(&self, id: &str) -> bool {
        self.all_ids().contains(id)
    }

    /// `base`, or `base-2`, `base-3`, … whichever is free.
    pub fn fresh_id(&self, base: &str) -> String {
        let ids = self.all_ids();
        if !ids.contains(base) {
            return base.to_string();
        }
        (2..)
            .map(|i| format!("{base}-{i}"))
            .find(|c| !ids.contains(c))
            .expect("unbounded")
    }

    // -----------------------------------------------------------------------------------------
    // nodes

    /// Add a node (must have a fresh `unique-id`). Idempotent: an identical node is a no-op.
    pub fn add_node(&mut self, node: Value) -> Result<(), OpError> {
        let id = str_of(&node, "unique-id")
            .ok_or_else(|| OpError::Invalid("node without unique-id".into()))?
            .to_string();
        if let Some(existing) = self.node(&id) {
            if existing == &node {
                return Ok(());
            }
            return Err(OpError::Taken(id));
        }
        if self.id_taken(&id) {
            return Err(OpError::Taken(id));
        }
        for i in node
            .get("interfaces")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(iid) = str_of(i, "unique-id")
                && self.id_taken(iid)
            {
                return Err(OpError::Taken(iid.to_string()));
            }
        }
        self.array_mut("nodes")?.push(node);
        self.log(format!("add node {id}"));
        Ok(())
    }

    /// Deep copy of node `from` as `to`, placed right after it: interfaces get new unique-ids
    /// (`interface_id` maps each old interface id to its new one), metadata and controls are
    /// copied. Returns the interface id mapping. No-op when `to` exists.
    pub fn clone_node(
        &mut self,
        from: &str,
        to: &str,
        interface_id: impl Fn(&str) -> String,
    ) -> Result<Vec<(String, String)>, OpError> {
        if self.node(to).is_some() {
            return Ok(Vec::new());
        }
        if self.id_taken(to) {
            return Err(OpError::Taken(to.to_string()));
        }
        let idx = self
            .node_index(from)
            .ok_or_else(|| OpError::NoNode(from.to_string()))?;
        let mut copy = self.nodes()[idx].clone();
        let mut map = Vec::new();
        if let Some(obj) = copy.as_object_mut() {
            obj.insert("unique-id".into(), Value::from(to));
            if let Some(Value::Array(ifaces)) = obj.get_mut("interfaces") {
                let mut taken = self.all_ids();
                taken.insert(to.to_string());
                for i in ifaces.iter_mut() {
                    if let Some(old) = i
                        .get("unique-id")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                    {
                        let mut new = interface_id(&old);
                        let base = new.clone();
                        let mut k = 2;
                        while taken.contains(&new) {
                            new = format!("{base}-{k}");
                            k += 1;
                        }
                        taken.insert(new.clone());
                        i["unique-id"] = Value::from(new.clone());
                        map.push((old, new));
                    }
                }
            }
        }
        self.array_mut("nodes")?.insert(idx + 1, copy);
        self.log(format!("clone node {from} as {to}"));
        Ok(map)
    }

    /// Remove a node, every relationship that needs it (connects endpoints, interacts actor,
    /// containers), its membership in other relationships, and the transitions of removed
    /// relationships.
    pub fn remove_node(&mut self, id: &str) -> Result<(), OpError> {
        let idx = self
            .node_index(id)
            .ok_or_else(|| OpError::NoNode(id.to_string()))?;
        self.array_mut("nodes")?.remove(idx);
        self.log(format!("remove node {id}"));
        let rel_ids: Vec<String> = self
            .relationships()
            .iter()
            .filter_map(|r| str_of(r, "unique-id").map(str::to_string))
            .collect();
        for rid in rel_ids {
            let r = self.relationship(&rid).cloned().unwrap_or(Value::Null);
            let rt = r.get("relationship-type").cloned().unwrap_or(Value::Null);
            let needs = rt.pointer("/connects/source/node").and_then(Value::as_str) == Some(id)
                || rt
                    .pointer("/connects/destination/node")
                    .and_then(Value::as_str)
                    == Some(id)
                || rt.pointer("/interacts/actor").and_then(Value::as_str) == Some(id)
                || ["composed-of", "deployed-in"].iter().any(|k| {
                    rt.pointer(&format!("/{k}/container"))
                        .and_then(Value::as_str)
                        == Some(id)
                });
            if needs {
                self.remove_relationship(&rid)?;
                continue;
            }
            for (kind, field) in [
                ("interacts", "nodes"),
                ("composed-of", "nodes"),
                ("deployed-in", "nodes"),
            ] {
                let p = format!("/relationship-type/{kind}/{field}");
                let i = self.rel_index(&rid).expect("exists");
                if let Some(Value::Array(members)) =
                    self.array_mut("relationships")?[i].pointer_mut(&p)
                {
                    let before = members.len();
                    members.retain(|m| m.as_str() != Some(id));
                    if members.len() != before {
                        let empty = members.is_empty();
                        if empty {
                            self.remove_relationship(&rid)?;
                        } else {
                            self.log(format!("remove {id} from relationship {rid}"));
                        }
                    }
                }
            }
        }
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // relationships

    /// Add a relationship (fresh `unique-id`); an identical one is a no-op.
    pub fn add_relationship(&mut self, rel: Value) -> Result<(), OpError> {
        let id = str_of(&rel, "unique-id")
            .ok_or_else(|| OpError::Invalid("relationship without unique-id".into()))?
            .to_string();
        if let Some(existing) = self.relationship(&id) {
            if existing == &rel {
                return Ok(());
            }
            return Err(OpError::Taken(id));
        }
        if self.id_taken(&id) {
            return Err(OpError::Taken(id));
        }
        self.array_mut("relationships")?.push(rel);
        self.log(format!("add relationship {id}"));
        Ok(())
    }

    /// Add a relationship right after relationship `after` (or at the end).
    pub fn add_relationship_after(&mut self, rel: Value, after: &str) -> Result<(), OpError> {
        let id = str_of(&rel, "unique-id").unwrap_or("").to_string();
        if self.relationship(&id).is_some() || self.id_taken(&id) {
            return self.add_relationship(rel);
        }
        let at = self.rel_index(after).map(|i| i + 1);
        let rels = self.array_mut("relationships")?;
        match at {
            Some(i) if i <= rels.len() => rels.insert(i, rel),
            _ => rels.push(rel),
        }
        self.log(format!("add relationship {id}"));
        Ok(())
    }

    /// Remove a relationship and every flow transition that uses it (later sequence numbers
    /// move down so the flow stays contiguous).
    pub fn remove_relationship(&mut self, id: &str) -> Result<(), OpError> {
        let idx = self
            .rel_index(id)
            .ok_or_else(|| OpError::NoRelationship(id.to_string()))?;
        self.array_mut("relationships")?.remove(idx);
        self.log(format!("remove relationship {id}"));
        let flow_ids: Vec<String> = self
            .flows()
            .iter()
            .filter_map(|f| str_of(f, "unique-id").map(str::to_string))
            .collect();
        for fid in flow_ids {
            loop {
                let fi = self.flow_index(&fid).expect("exists");
                let pos = self.flows()[fi]
                    .get("transitions")
                    .and_then(Value::as_array)
                    .and_then(|t| {
                        t.iter()
                            .position(|t| str_of(t, "relationship-unique-id") == Some(id))
                    });
                match pos {
                    Some(p) => self.split_transition(&fid, p, &[])?,
                    None => break,
                }
            }
        }
        Ok(())
    }

    /// Point one end of a relationship elsewhere: `connects` source/destination (with new
    /// interfaces), the `interacts` actor or a member, a `deployed-in`/`composed-of` container or
    /// member. Returns whether something changed.
    pub fn retarget(
        &mut self,
        rel_id: &str,
        from: &str,
        to: &str,
        interfaces: Option<Vec<String>>,
    ) -> Result<bool, OpError> {
        let idx = self
            .rel_index(rel_id)
            .ok_or_else(|| OpError::NoRelationship(rel_id.to_string()))?;
        let rel = &mut self.array_mut("relationships")?[idx];
        let Some(rt) = rel
            .get_mut("relationship-type")
            .and_then(Value::as_object_mut)
        else {
            return Ok(false);
        };
        let mut changed = false;
        if let Some(c) = rt.get_mut("connects") {
            for end in ["source", "destination"] {
                if let Some(e) = c.get_mut(end)
                    && e.get("node").and_then(Value::as_str) == Some(from)
                {
                    e["node"] = Value::from(to);
                    match &interfaces {
                        Some(i) if !i.is_empty() => e["interfaces"] = json!(i),
                        _ => {
                            if let Some(o) = e.as_object_mut() {
                                o.remove("interfaces");
                                o.remove("interface");
                            }
                        }
                    }
                    changed = true;
                }
            }
        }
        for (kind, single) in [
            ("interacts", "actor"),
            ("deployed-in", "container"),
            ("composed-of", "container"),
        ] {
            if let Some(c) = rt.get_mut(kind) {
                if c.get(single).and_then(Value::as_str) == Some(from) {
                    c[single] = Value::from(to);
                    changed = true;
                }
                if let Some(Value::Array(members)) = c.get_mut("nodes") {
                    let has_to = members.iter().any(|m| m.as_str() == Some(to));
                    if let Some(p) = members.iter().position(|m| m.as_str() == Some(from)) {
                        if has_to {
                            members.remove(p);
                        } else {
                            members[p] = Value::from(to);
                        }
                        changed = true;
                    }
                }
            }
        }
        if changed {
            self.log(format!("retarget relationship {rel_id}: {from} -> {to}"));
        }
        Ok(changed)
    }

    /// Add `members` to the `composed-of` relationship of `container` (created as `rel_id`
    /// when there is none), after `after` when given. Returns the relationship's id.
    pub fn add_composition(
        &mut self,
        container: &str,
        members: &[String],
        rel_id: &str,
        description: &str,
    ) -> Result<String, OpError> {
        let existing = self.relationships().iter().position(|r| {
            r.pointer("/relationship-type/composed-of/container")
                .and_then(Value::as_str)
                == Some(container)
        });
        match existing {
            Some(i) => {
                let id = str_of(&self.relationships()[i], "unique-id")
                    .unwrap_or("")
                    .to_string();
                let mut added = Vec::new();
                let rels = self.array_mut("relationships")?;
                let list = rels[i]
                    .pointer_mut("/relationship-type/composed-of/nodes")
                    .and_then(Value::as_array_mut)
                    .ok_or_else(|| {
                        OpError::Invalid(format!("relationship {id} has no composed-of nodes list"))
                    })?;
                for m in members {
                    if !list.iter().any(|x| x.as_str() == Some(m)) {
                        list.push(Value::from(m.as_str()));
                        added.push(m.clone());
                    }
                }
                if !added.is_empty() {
                    self.log(format!("add {} to composition {id}", added.join(", ")));
                }
                Ok(id)
            }
            None => {
                let id = self.fresh_id(rel_id);
                self.add_relationship(json!({
                    "unique-id": id,
                    "description": description,
                    "relationship-type": {"composed-of": {"container": container, "nodes": members}}
                }))?;
                Ok(id)
            }
        }
    }

    /// Insert `new` right after `existing` in every `composed-of`/`deployed-in` member list
    /// that contains `existing` (a new instance joins the same container).
    pub fn add_membership_like(&mut self, existing: &str, new: &[String]) -> Result<(), OpError> {
        let n = self.relationships().len();
        for i in 0..n {
            let rid = str_of(&self.relationships()[i], "unique-id")
                .unwrap_or("")
                .to_string();
            for kind in ["composed-of", "deployed-in"] {
                let p = format!("/relationship-type/{kind}/nodes");
                let rels = self.array_mut("relationships")?;
                let Some(list) = rels[i].pointer_mut(&p).and_then(Value::as_array_mut) else {
                    continue;
                };
                let Some(pos) = list.iter().position(|m| m.as_str() == Some(existing)) else {
                    continue;
                };
                let mut at = pos + 1;
                let mut added = Vec::new();
                for m in new {
                    if !list.iter().any(|x| x.as_str() == Some(m)) {
                        list.insert(at, Value::from(m.as_str()));
                        at += 1;
                        added.push(m.clone());
                    }
                }
                if !added.is_empty() {
                    self.log(format!(
                        "add {} to {kind} relationship {rid}",
                        added.join(", ")
                    ));
                }
            }
        }
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // controls and metadata

    fn scope_value_mut(&mut self, scope: &Scope) -> Result<&mut Value, OpError> {
        Ok(match scope {
            Scope::Architecture => &mut self.value,
            Scope::Node(id) => {
                let i = self
                    .node_index(id)
                    .ok_or_else(|| OpError::NoNode(id.clone()))?;
                &mut self.array_mut("nodes")?[i]
            }
            Scope::Relationship(id) => {
                let i = self
                    .rel_index(id)
                    .ok_or_else(|| OpError::NoRelationship(id.clone()))?;
                &mut self.array_mut("relationships")?[i]
            }
            Scope::Flow(id) => {
                let i = self
                    .flow_index(id)
                    .ok_or_else(|| OpError::NoFlow(id.clone()))?;
                &mut self.array_mut("flows")?[i]
            }
        })
    }

    /// Add (or update) control `id` at `scope`: `{description, requirements: [{requirement-url,
    /// config}]}`. Identical control: no-op. Returns whether something changed.
    pub fn add_control(
        &mut self,
        scope: &Scope,
        id: &str,
        description: &str,
        requirement_url: &str,
        config: Map<String, Value>,
    ) -> Result<bool, OpError> {
        let control = json!({
            "description": description,
            "requirements": [{"requirement-url": requirement_url, "config": Value::Object(config)}]
        });
        let target = self.scope_value_mut(scope)?;
        let obj = target
            .as_object_mut()
            .ok_or_else(|| OpError::Invalid(format!("{} is not an object", scope.label())))?;
        let controls = obj
            .entry("controls")
            .or_insert_with(|| Value::Object(Map::new()));
        let controls = controls.as_object_mut().ok_or_else(|| {
            OpError::Invalid(format!("controls of {} is not an object", scope.label()))
        })?;
        let msg = match controls.get(id) {
            Some(existing) if existing == &control => return Ok(false),
            Some(_) => format!("update control {id} on {}", scope.label()),
            None => format!("add control {id} on {}", scope.label()),
        };
        controls.insert(id.to_string(), control);
        self.log(msg);
        Ok(true)
    }

    /// Merge `entries` into the metadata of `scope`: object metadata gets the keys set; array
    /// metadata (CALM 1.0 style) gets one more object with the entries that differ.
    pub fn set_metadata(
        &mut self,
        scope: &Scope,
        entries: Map<String, Value>,
    ) -> Result<bool, OpError> {
        let label = scope.label();
        let target = self.scope_value_mut(scope)?;
        let obj = target
            .as_object_mut()
            .ok_or_else(|| OpError::Invalid(format!("{label} is not an object")))?;
        let md = obj
            .entry("metadata")
            .or_insert_with(|| Value::Object(Map::new()));
        let mut set = Vec::new();
        match md {
            Value::Object(m) => {
                for (k, v) in entries {
                    if m.get(&k) != Some(&v) {
                        set.push(k.clone());
                        m.insert(k, v);
                    }
                }
            }
            Value::Array(items) => {
                // Later entries win when metadata is an array of objects (as calm-model merges).
                let current = |k: &str| items.iter().rev().find_map(|i| i.get(k)).cloned();
                let mut extra = Map::new();
                for (k, v) in entries {
                    if current(&k).as_ref() != Some(&v) {
                        set.push(k.clone());
                        extra.insert(k, v);
                    }
                }
                if !extra.is_empty() {
                    items.push(Value::Object(extra));
                }
            }
            _ => {
                return Err(OpError::Invalid(format!(
                    "metadata of {label} is neither an object nor an array"
                )));
            }
        }
        if set.is_empty() {
            return Ok(false);
        }
        self.log(format!("set metadata {} on {label}", set.join(", ")));
        Ok(true)
    }

    /// Append `entry` to the root `adrs` list when missing.
    pub fn add_adr(&mut self, entry: &str) -> Result<bool, OpError> {
        let adrs = self.array_mut("adrs")?;
        if adrs.iter().any(|a| a.as_str() == Some(entry)) {
            return Ok(false);
        }
        adrs.push(Value::from(entry));
        self.log(format!("add ADR {entry}"));
        Ok(true)
    }

    // -----------------------------------------------------------------------------------------
    // flows

    /// Replace transition `index` (array position) of flow `flow` by `into` (possibly empty,
    /// which removes it). The first new transition takes the old sequence number, later ones the
    /// next numbers; every transition numbered after it moves by the difference.
    pub fn split_transition(
        &mut self,
        flow: &str,
        index: usize,
        into: &[NewTransition],
    ) -> Result<(), OpError> {
        let fi = self
            .flow_index(flow)
            .ok_or_else(|| OpError::NoFlow(flow.to_string()))?;
        let flows = self.array_mut("flows")?;
        let transitions = flows[fi]
            .get_mut("transitions")
            .and_then(Value::as_array_mut)
            .ok_or_else(|| OpError::Invalid(format!("flow {flow} has no transitions")))?;
        if index >= transitions.len() {
            return Err(OpError::Invalid(format!(
                "flow {flow} has no transition #{index}"
            )));
        }
        let old = transitions.remove(index);
        let seq = old
            .get("sequence-number")
            .and_then(Value::as_i64)
            .unwrap_or(index as i64 + 1);
        let shift = into.len() as i64 - 1;
        for t in transitions.iter_mut() {
            if let Some(s) = t.get("sequence-number").and_then(Value::as_i64)
                && s > seq
            {
                t["sequence-number"] = Value::from(s + shift);
            }
        }
        for (k, nt) in into.iter().enumerate() {
            // Keep the key order (and any extra keys) of the transition being replaced.
            let mut t = Map::new();
            if let Value::Object(o) = &old {
                for (key, v) in o {
                    t.insert(key.clone(), v.clone());
                }
            }
            t.insert(
                "relationship-unique-id".into(),
                Value::from(nt.relationship.as_str()),
            );
            t.insert("sequence-number".into(), Value::from(seq + k as i64));
            t.insert("description".into(), Value::from(nt.description.as_str()));
            t.insert(
                "direction".into(),
                Value::from(if nt.reverse {
                    "destination-to-source"
                } else {
                    "source-to-destination"
                }),
            );
            transitions.insert(index + k, Value::Object(t));
        }
        let what = if into.is_empty() {
            format!("remove step {seq} of flow {flow}")
        } else {
            format!(
                "rewrite step {seq} of flow {flow} as {}",
                into.iter()
                    .map(|t| t.relationship.as_str())
                    .collect::<Vec<_>>()
                    .join(" -> ")
            )
        };
        self.log(what);
        Ok(())
    }

    /// Point a transition at another relationship (same position and number).
    pub fn set_transition_relationship(
        &mut self,
        flow: &str,
        index: usize,
        rel: &str,
    ) -> Result<(), OpError> {
        let fi = self
            .flow_index(flow)
            .ok_or_else(|| OpError::NoFlow(flow.to_string()))?;
        let flows = self.array_mut("flows")?;
        let t = flows[fi]
            .pointer_mut(&format!("/transitions/{index}"))
            .ok_or_else(|| OpError::Invalid(format!("flow {flow} has no transition #{index}")))?;
        if t.get("relationship-unique-id").and_then(Value::as_str) == Some(rel) {
            return Ok(());
        }
        t["relationship-unique-id"] = Value::from(rel);
        self.log(format!("flow {flow}: step #{} now uses {rel}", index + 1));
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // rename

    /// Rename a unique-id everywhere: the element itself and every string value equal to it
    /// (relationship endpoints and members, interface lists, flow transitions, control configs,
    /// `details`, decorators' targets, timeline moments, metadata such as `replicates-to`).
    /// Object keys (control names, metadata keys) and prose are left alone.
    pub fn rename_id(&mut self, old: &str, new: &str) -> Result<usize, OpError> {
        if old == new {
            return Ok(0);
        }
        if !self.id_taken(old) && !contains_string(&self.value, old) {
            return Err(OpError::Unknown(old.to_string()));
        }
        if self.id_taken(new) {
            return Err(OpError::Taken(new.to_string()));
        }
        let n = replace_strings(&mut self.value, old, new);
        self.log(format!(
            "rename {old} to {new} ({n} reference{})",
            if n == 1 { "" } else { "s" }
        ));
        Ok(n)
    }
}

fn contains_string(v: &Value, s: &str) -> bool {
    match v {
        Value::String(x) => x == s,
        Value::Array(a) => a.iter().any(|v| contains_string(v, s)),
        Value::Object(m) => m
            .iter()
            .any(|(k, v)| k != "description" && k != "name" && contains_string(v, s)),
        _ => false,
    }
}

fn replace_strings(v: &mut Value, old: &str, new: &str) -> usize {
    match v {
        Value::String(x) if x == old => {
            *x = new.to_string();
            1
        }
        Value::Array(a) => a.iter_mut().map(|v| replace_strings(v, old, new)).sum(),
        Value::Object(m) => m
            .iter_mut()
            .filter(|(k, _)| k.as_str() != "description" && k.as_str() != "name")
            .map(|(_, v)| replace_strings(v, old, new))
            .sum(),
        _ => 0,
    }
}

/// Derive an id for a copy: `base` with `suffix` inserted after the part that names `target`
/// (`gateway-to-orders`, target `api-gateway`, suffix `2` → `gateway-2-to-orders`), else before
/// the last segment when `before_last` (`order-db-jdbc` → `order-db-replica-jdbc`), else at the end.
pub fn derive_id(base: &str, target: &str, suffix: &str, before_last: bool) -> String {
    if let Some(pos) = base.find(target) {
        let end = pos + target.len();
        let boundary = end == base.len() || base[end..].starts_with('-');
        if boundary {
            return format!("{}-{suffix}{}", &base[..end], &base[end..]);
        }
    }
    let tokens: Vec<&str> = base.split('-').collect();
    let tparts: Vec<&str> = target.split('-').collect();
    // Longest tail of the target's segments found as whole segments in base.
    for start in 0..tparts.len() {
        let tail = &tparts[start..];
        if let Some(p) = (0..tokens.len()).find(|&p| tokens[p..].starts_with(tail)) {
            let mut out: Vec<String> = tokens[..p + tail.len()]
                .iter()
                .map(|s| s.to_string())
                .collect();
            out.push(suffix.to_string());
            out.extend(tokens[p + tail.len()..].iter().map(|s| s.to_string()));
            return out.join("-");
        }
    }
    if before_last && tokens.len() > 1 {
        let (last, head) = tokens.split_last().expect("len > 1");
        return format!("{}-{suffix}-{last}", head.join("-"));
    }
    format!("{base}-{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derive_ids_like_the_tutorial() {
        assert_eq!(
            derive_id("gateway-to-orders", "api-gateway", "2", false),
            "gateway-2-to-orders"
        );
        assert_eq!(
            derive_id("gateway-https", "api-gateway", "2", true),
            "gateway-2-https"
        );
        assert_eq!(
            derive_id("order-db-jdbc", "order-database", "replica", true),
            "order-db-replica-jdbc"
        );
        assert_eq!(
            derive_id("orders-to-database", "order-database", "replica", false),
            "orders-to-database-replica"
        );
        assert_eq!(
            derive_id("svc-to-api-gateway", "api-gateway", "2", false),
            "svc-to-api-gateway-2"
        );
        assert_eq!(derive_id("x", "y", "2", true), "x-2");
    }

    #[test]
    fn split_and_remove_renumber() {
        let mut d = Draft::new(json!({"flows": [{"unique-id": "f", "transitions": [
            {"relationship-unique-id": "a", "sequence-number": 1, "description": "a", "direction": "source-to-destination"},
            {"relationship-unique-id": "b", "sequence-number": 2, "description": "b"}]}],
            "relationships": [{"unique-id": "a"}, {"unique-id": "b"}]}));
        d.split_transition(
            "f",
            0,
            &[
                NewTransition {
                    relationship: "a".into(),
                    description: "a".into(),
                    reverse: false,
                },
                NewTransition {
                    relationship: "c".into(),
                    description: "c".into(),
                    reverse: false,
                },
            ],
        )
        .unwrap();
        let seqs: Vec<_> = d.flows()[0]["transitions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["sequence-number"].as_i64().unwrap())
            .collect();
        assert_eq!(seqs, vec![1, 2, 3]);
        d.remove_relationship("a").unwrap();
        let t = d.flows()[0]["transitions"].as_array().unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(t[0]["relationship-unique-id"], "c");
        assert_eq!(t[0]["sequence-number"], 1);
        assert_eq!(t[1]["sequence-number"], 2);
    }

    #[test]
    fn remove_node_takes_its_relationships_and_steps() {
        let mut d = Draft::new(json!({
            "nodes": [{"unique-id": "a"}, {"unique-id": "b"}, {"unique-id": "c"}],
            "relationships": [
                {"unique-id": "ab", "relationship-type": {"connects": {"source": {"node": "a"}, "destination": {"node": "b"}}}},
                {"unique-id": "grp", "relationship-type": {"composed-of": {"container": "c", "nodes": ["a", "b"]}}},
                {"unique-id": "only-b", "relationship-type": {"deployed-in": {"container": "c", "nodes": ["b"]}}}
            ],
            "flows": [{"unique-id": "f", "transitions": [{"relationship-unique-id": "ab", "sequence-number": 1, "description": "x"}]}]
        }));
        d.remove_node("b").unwrap();
        let rels: Vec<&str> = d
            .relationships()
            .iter()
            .map(|r| r["unique-id"].as_str().unwrap())
            .collect();
        assert_eq!(rels, vec!["grp"]);
        assert_eq!(
            d.relationships()[0]["relationship-type"]["composed-of"]["nodes"],
            json!(["a"])
        );
        assert!(d.flows()[0]["transitions"].as_array().unwrap().is_empty());
        assert!(crate::verify::check_references(&d.value).is_empty());
    }

    #[test]
    fn metadata_object_and_array() {
        let mut d = Draft::new(
            json!({"nodes": [{"unique-id": "a", "metadata": [{"x": 1}]}, {"unique-id": "b"}]}),
        );
        let mut e = Map::new();
        e.insert("x".into(), json!(1));
        e.insert("y".into(), json!(2));
        assert!(d.set_metadata(&Scope::Node("a".into()), e.clone()).unwrap());
        assert_eq!(d.nodes()[0]["metadata"], json!([{"x": 1}, {"y": 2}]));
        assert!(!d.set_metadata(&Scope::Node("a".into()), e.clone()).unwrap());
        assert!(d.set_metadata(&Scope::Node("b".into()), e.clone()).unwrap());
        assert_eq!(d.nodes()[1]["metadata"], json!({"x": 1, "y": 2}));
    }

    #[test]
    fn rename_cascades_but_not_prose() {
        let mut d = Draft::new(json!({"nodes": [{"unique-id": "a", "description": "a"}],
            "relationships": [{"unique-id": "r", "relationship-type": {"interacts": {"actor": "a", "nodes": ["a"]}}}],
            "controls": {"c": {"requirements": [{"config": {"target": "a"}}]}}}));
        assert_eq!(d.rename_id("a", "b").unwrap(), 4);
        assert_eq!(d.value["nodes"][0]["description"], "a");
        assert!(matches!(d.rename_id("zz", "q"), Err(OpError::Unknown(_))));
        assert!(matches!(d.rename_id("b", "r"), Err(OpError::Taken(_))));
    }
}
