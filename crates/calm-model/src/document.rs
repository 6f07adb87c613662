//! The typed, read-only view of a CALM document and its index by `unique-id`.

use crate::json::{self, LoadError, LoadWarning, SpanIndex};
use crate::location::Location;
use crate::pointer::Pointer;
use crate::source::Source;
use crate::version::CalmVersion;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::Path;

/// A loaded CALM document (architecture, pattern or timeline): source text, value, spans.
#[derive(Debug, Clone)]
pub struct Document {
    pub source: Source,
    pub value: Value,
    spans: SpanIndex,
    /// Load-time warnings (duplicate keys).
    pub warnings: Vec<LoadWarning>,
    index: HashMap<String, ElementRef>,
}

/// What kind of element a `unique-id` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ElementKind {
    Node,
    Relationship,
    Interface,
    Flow,
}

/// Where an element with a given `unique-id` lives (first occurrence wins).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElementRef {
    pub kind: ElementKind,
    /// Index in `nodes`, `relationships` or `flows`; for interfaces, the node's index.
    pub index: usize,
    /// For interfaces, the index inside the node's `interfaces`.
    pub sub_index: Option<usize>,
    pub pointer: Pointer,
}

impl Document {
    /// Read and parse a file. Errors name the file and, for bad JSON, the line and column.
    pub fn load_path(path: &Path) -> Result<Document, LoadError> {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| LoadError::Io {
            file: name.clone(),
            message: e.to_string(),
        })?;
        let text = json::decode(&name, bytes)?;
        Document::parse(Source::new(name, Some(path.to_path_buf()), text))
    }

    /// Parse text that did not come from a file (`name` is used in messages).
    pub fn from_str(name: &str, text: &str) -> Result<Document, LoadError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        Document::parse(Source::new(name, None, text))
    }

    pub fn parse(source: Source) -> Result<Document, LoadError> {
        let parsed = json::parse(&source)?;
        let index = build_index(&parsed.value);
        Ok(Document {
            source,
            value: parsed.value,
            spans: parsed.spans,
            warnings: parsed.warnings,
            index,
        })
    }

    /// A document from a value (e.g. after an edit); spans come from pretty-printing it.
    pub fn from_value(name: &str, value: &Value) -> Document {
        let text = serde_json::to_string_pretty(value).unwrap_or_default();
        Document::from_str(name, &text).expect("serialised JSON parses")
    }

    pub fn name(&self) -> &str {
        &self.source.name
    }

    /// The `$schema` string, if any.
    pub fn schema_url(&self) -> Option<&str> {
        self.value.get("$schema").and_then(Value::as_str)
    }

    /// CALM version from `$schema`; `None` when absent or not an official meta URL.
    pub fn version(&self) -> Option<CalmVersion> {
        self.schema_url().and_then(CalmVersion::from_schema_url)
    }

    /// Location of the value at `pointer` (or its nearest existing ancestor).
    pub fn locate(&self, pointer: &str) -> Location {
        let text = self.source.text();
        let (start, end) = self
            .spans
            .span(text, pointer)
            .map(|(s, _)| s)
            .unwrap_or((0, 0));
        self.location_of_span(pointer, start, end)
    }

    /// Location of the key of the member at `pointer` when it exists, else of the value.
    pub fn locate_key(&self, pointer: &str) -> Location {
        match self.spans.key_span(self.source.text(), pointer) {
            Some((s, e)) => self.location_of_span(pointer, s, e),
            None => self.locate(pointer),
        }
    }

    /// Whether a value exists at `pointer`.
    pub fn has(&self, pointer: &str) -> bool {
        self.value.pointer(pointer).is_some()
    }

    pub fn location_of_span(&self, pointer: &str, start: usize, end: usize) -> Location {
        let (line_start, character_start) = self.source.line_col(start);
        let (line_end, character_end) = self.source.line_col(end);
        Location {
            file: self.source.name.clone(),
            pointer: pointer.to_string(),
            start,
            end,
            line_start,
            line_end,
            character_start,
            character_end,
        }
    }

    /// Rewrite array indices in `pointer` to the element's `unique-id` where it has one
    /// (`/nodes/1/name` → `/nodes/order-service/name`), as the reference CLI reports paths.
    pub fn pointer_with_ids(&self, pointer: &str) -> String {
        let mut out = String::new();
        let mut cur = &self.value;
        for token in crate::pointer::pointer_tokens(pointer) {
            let next = match cur {
                Value::Array(a) => token.parse::<usize>().ok().and_then(|i| a.get(i)),
                Value::Object(o) => o.get(&token),
                _ => None,
            };
            let shown = match (cur, next) {
                (Value::Array(_), Some(v)) => v
                    .get("unique-id")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .unwrap_or_else(|| token.clone()),
                _ => token.clone(),
            };
            out.push('/');
            out.push_str(&crate::pointer::escape_token(&shown));
            match next {
                Some(n) => cur = n,
                None => {
                    cur = &Value::Null;
                }
            }
        }
        if out.is_empty() { "/".to_string() } else { out }
    }

    // ---- typed view -------------------------------------------------------------------

    fn array(&self, key: &str) -> &[Value] {
        self.value
            .get(key)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    pub fn nodes(&self) -> impl Iterator<Item = NodeRef<'_>> {
        self.array("nodes")
            .iter()
            .enumerate()
            .map(|(index, value)| NodeRef { index, value })
    }

    pub fn relationships(&self) -> impl Iterator<Item = RelationshipRef<'_>> {
        self.array("relationships")
            .iter()
            .enumerate()
            .map(|(index, value)| RelationshipRef { index, value })
    }

    pub fn flows(&self) -> impl Iterator<Item = FlowRef<'_>> {
        self.array("flows")
            .iter()
            .enumerate()
            .map(|(index, value)| FlowRef { index, value })
    }

    pub fn adrs(&self) -> impl Iterator<Item = &str> {
        self.array("adrs").iter().filter_map(Value::as_str)
    }

    /// Architecture-level controls (`controls` object), in document order.
    pub fn controls(&self) -> impl Iterator<Item = (&str, &Value)> {
        controls_of(&self.value)
    }

    /// Architecture-level metadata, merged.
    pub fn metadata(&self) -> Metadata<'_> {
        Metadata::of(&self.value, Pointer::root())
    }

    pub fn node(&self, unique_id: &str) -> Option<NodeRef<'_>> {
        let r = self.index.get(unique_id)?;
        if r.kind != ElementKind::Node {
            return None;
        }
        Some(NodeRef {
            index: r.index,
            value: &self.array("nodes")[r.index],
        })
    }

    pub fn relationship(&self, unique_id: &str) -> Option<RelationshipRef<'_>> {
        let r = self.index.get(unique_id)?;
        if r.kind != ElementKind::Relationship {
            return None;
        }
        Some(RelationshipRef {
            index: r.index,
            value: &self.array("relationships")[r.index],
        })
    }

    pub fn flow(&self, unique_id: &str) -> Option<FlowRef<'_>> {
        let r = self.index.get(unique_id)?;
        if r.kind != ElementKind::Flow {
            return None;
        }
        Some(FlowRef {
            index: r.index,
            value: &self.array("flows")[r.index],
        })
    }

    /// What a `unique-id` names (first occurrence in nodes, relationships, interfaces, flows).
    pub fn element(&self, unique_id: &str) -> Option<&ElementRef> {
        self.index.get(unique_id)
    }

    /// Every indexed id, sorted (for suggestions in messages).
    pub fn ids(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.index.keys().map(String::as_str).collect();
        v.sort();
        v
    }
}

fn build_index(value: &Value) -> HashMap<String, ElementRef> {
    let mut index = HashMap::new();
    let mut add = |id: Option<&str>, r: ElementRef| {
        if let Some(id) = id {
            index.entry(id.to_string()).or_insert(r);
        }
    };
    let arr = |k: &str| {
        value
            .get(k)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    };
    for (i, n) in arr("nodes").iter().enumerate() {
        add(
            n.get("unique-id").and_then(Value::as_str),
            ElementRef {
                kind: ElementKind::Node,
                index: i,
                sub_index: None,
                pointer: Pointer::root().key("nodes").index(i),
            },
        );
    }
    for (i, r) in arr("relationships").iter().enumerate() {
        add(
            r.get("unique-id").and_then(Value::as_str),
            ElementRef {
                kind: ElementKind::Relationship,
                index: i,
                sub_index: None,
                pointer: Pointer::root().key("relationships").index(i),
            },
        );
    }
    for (i, n) in arr("nodes").iter().enumerate() {
        if let Some(ifs) = n.get("interfaces").and_then(Value::as_array) {
            for (j, itf) in ifs.iter().enumerate() {
                add(
                    itf.get("unique-id").and_then(Value::as_str),
                    ElementRef {
                        kind: ElementKind::Interface,
                        index: i,
                        sub_index: Some(j),
                        pointer: Pointer::root()
                            .key("nodes")
                            .index(i)
                            .key("interfaces")
                            .index(j),
                    },
                );
            }
        }
    }
    for (i, f) in arr("flows").iter().enumerate() {
        add(
            f.get("unique-id").and_then(Value::as_str),
            ElementRef {
                kind: ElementKind::Flow,
                index: i,
                sub_index: None,
                pointer: Pointer::root().key("flows").index(i),
            },
        );
    }
    index
}

fn controls_of(v: &Value) -> impl Iterator<Item = (&str, &Value)> {
    v.get("controls")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|m| m.iter().map(|(k, v)| (k.as_str(), v)))
}

fn str_field<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// Metadata given as an object, or as an array of objects (merged left to right; later keys win).
#[derive(Debug, Clone)]
pub struct Metadata<'a> {
    entries: Vec<(&'a str, &'a Value, Pointer)>,
    /// True when the metadata was an array (CALM allows both).
    pub was_array: bool,
}

impl<'a> Metadata<'a> {
    /// Metadata of an element whose own pointer is `base`.
    pub fn of(element: &'a Value, base: Pointer) -> Metadata<'a> {
        let base = base.key("metadata");
        let mut entries: Vec<(&'a str, &'a Value, Pointer)> = Vec::new();
        let mut was_array = false;
        let mut put = |k: &'a str, v: &'a Value, p: Pointer| {
            if let Some(e) = entries.iter_mut().find(|e| e.0 == k) {
                *e = (k, v, p);
            } else {
                entries.push((k, v, p));
            }
        };
        match element.get("metadata") {
            Some(Value::Object(m)) => {
                for (k, v) in m {
                    put(k, v, base.key(k));
                }
            }
            Some(Value::Array(items)) => {
                was_array = true;
                for (i, item) in items.iter().enumerate() {
                    if let Value::Object(m) = item {
                        for (k, v) in m {
                            put(k, v, base.index(i).key(k));
                        }
                    }
                }
            }
            _ => {}
        }
        Metadata { entries, was_array }
    }

    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.entries.iter().find(|e| e.0 == key).map(|e| e.1)
    }

    /// Case-insensitive lookup of the first of several keys.
    pub fn get_any(&self, keys: &[&str]) -> Option<(&'a str, &'a Value)> {
        keys.iter().find_map(|k| {
            self.entries
                .iter()
                .find(|e| e.0.eq_ignore_ascii_case(k))
                .map(|e| (e.0, e.1))
        })
    }

    pub fn pointer_of(&self, key: &str) -> Option<&Pointer> {
        self.entries.iter().find(|e| e.0 == key).map(|e| &e.2)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'a str, &'a Value)> + '_ {
        self.entries.iter().map(|e| (e.0, e.1))
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// As one JSON object.
    pub fn to_map(&self) -> Map<String, Value> {
        self.entries
            .iter()
            .map(|e| (e.0.to_string(), e.1.clone()))
            .collect()
    }
}

/// A node of the architecture.
#[derive(Debug, Clone, Copy)]
pub struct NodeRef<'a> {
    pub index: usize,
    pub value: &'a Value,
}

impl<'a> NodeRef<'a> {
    pub fn unique_id(&self) -> &'a str {
        str_field(self.value, "unique-id").unwrap_or("")
    }
    pub fn node_type(&self) -> &'a str {
        str_field(self.value, "node-type").unwrap_or("")
    }
    pub fn name(&self) -> &'a str {
        str_field(self.value, "name").unwrap_or("")
    }
    pub fn description(&self) -> &'a str {
        str_field(self.value, "description").unwrap_or("")
    }
    pub fn pointer(&self) -> Pointer {
        Pointer::root().key("nodes").index(self.index)
    }
    pub fn interfaces(&self) -> &'a [Value] {
        self.value
            .get("interfaces")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
    pub fn interface_ids(&self) -> impl Iterator<Item = &'a str> {
        self.interfaces()
            .iter()
            .filter_map(|i| str_field(i, "unique-id"))
    }
    pub fn metadata(&self) -> Metadata<'a> {
        Metadata::of(self.value, self.pointer())
    }
    pub fn controls(&self) -> impl Iterator<Item = (&'a str, &'a Value)> {
        controls_of(self.value)
    }
    /// `details.detailed-architecture`, if any.
    pub fn detailed_architecture(&self) -> Option<&'a str> {
        self.value
            .get("details")
            .and_then(|d| str_field(d, "detailed-architecture"))
    }
}

/// One side of a `connects` relationship.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint<'a> {
    pub node: &'a str,
    pub interfaces: Vec<&'a str>,
}

impl<'a> Endpoint<'a> {
    fn of(v: Option<&'a Value>) -> Endpoint<'a> {
        let v = v.unwrap_or(&Value::Null);
        let mut interfaces: Vec<&str> = v
            .get("interfaces")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        // `interface` (singular) appears in some documents; the reference rules read it too.
        if let Some(i) = str_field(v, "interface") {
            interfaces.push(i);
        }
        Endpoint {
            node: str_field(v, "node").unwrap_or(""),
            interfaces,
        }
    }
}

/// The kind of a relationship, with its payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RelKind<'a> {
    Interacts {
        actor: &'a str,
        nodes: Vec<&'a str>,
    },
    Connects {
        source: Endpoint<'a>,
        destination: Endpoint<'a>,
    },
    DeployedIn {
        container: &'a str,
        nodes: Vec<&'a str>,
    },
    ComposedOf {
        container: &'a str,
        nodes: Vec<&'a str>,
    },
    Options(&'a Value),
    /// Missing, or not one of the CALM kinds (e.g. a string `relationship-type`).
    Other,
}

/// A relationship of the architecture.
#[derive(Debug, Clone, Copy)]
pub struct RelationshipRef<'a> {
    pub index: usize,
    pub value: &'a Value,
}

fn str_list(v: Option<&Value>) -> Vec<&str> {
    v.and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

impl<'a> RelationshipRef<'a> {
    pub fn unique_id(&self) -> &'a str {
        str_field(self.value, "unique-id").unwrap_or("")
    }
    pub fn description(&self) -> &'a str {
        str_field(self.value, "description").unwrap_or("")
    }
    pub fn protocol(&self) -> Option<&'a str> {
        str_field(self.value, "protocol")
    }
    pub fn pointer(&self) -> Pointer {
        Pointer::root().key("relationships").index(self.index)
    }
    pub fn metadata(&self) -> Metadata<'a> {
        Metadata::of(self.value, self.pointer())
    }
    pub fn controls(&self) -> impl Iterator<Item = (&'a str, &'a Value)> {
        controls_of(self.value)
    }
    pub fn kind(&self) -> RelKind<'a> {
        let Some(Value::Object(rt)) = self.value.get("relationship-type") else {
            return RelKind::Other;
        };
        if let Some(v) = rt.get("connects") {
            return RelKind::Connects {
                source: Endpoint::of(v.get("source")),
                destination: Endpoint::of(v.get("destination")),
            };
        }
        if let Some(v) = rt.get("interacts") {
            return RelKind::Interacts {
                actor: str_field(v, "actor").unwrap_or(""),
                nodes: str_list(v.get("nodes")),
            };
        }
        if let Some(v) = rt.get("deployed-in") {
            return RelKind::DeployedIn {
                container: str_field(v, "container").unwrap_or(""),
                nodes: str_list(v.get("nodes")),
            };
        }
        if let Some(v) = rt.get("composed-of") {
            return RelKind::ComposedOf {
                container: str_field(v, "container").unwrap_or(""),
                nodes: str_list(v.get("nodes")),
            };
        }
        if let Some(v) = rt.get("options") {
            return RelKind::Options(v);
        }
        RelKind::Other
    }
    /// Every node id this relationship mentions, in order (source/actor/container first).
    pub fn node_ids(&self) -> Vec<&'a str> {
        match self.kind() {
            RelKind::Connects {
                source,
                destination,
            } => vec![source.node, destination.node],
            RelKind::Interacts { actor, nodes } => std::iter::once(actor).chain(nodes).collect(),
            RelKind::DeployedIn { container, nodes } | RelKind::ComposedOf { container, nodes } => {
                std::iter::once(container).chain(nodes).collect()
            }
            _ => Vec::new(),
        }
    }
}

/// A flow (business process) of the architecture.
#[derive(Debug, Clone, Copy)]
pub struct FlowRef<'a> {
    pub index: usize,
    pub value: &'a Value,
}

/// One transition of a flow.
#[derive(Debug, Clone, Copy)]
pub struct TransitionRef<'a> {
    pub index: usize,
    pub value: &'a Value,
}

impl<'a> TransitionRef<'a> {
    pub fn relationship_id(&self) -> &'a str {
        str_field(self.value, "relationship-unique-id").unwrap_or("")
    }
    pub fn sequence_number(&self) -> Option<i64> {
        self.value.get("sequence-number").and_then(Value::as_i64)
    }
    pub fn description(&self) -> &'a str {
        str_field(self.value, "description").unwrap_or("")
    }
    /// True for `destination-to-source` (a response travelling back).
    pub fn is_reverse(&self) -> bool {
        str_field(self.value, "direction") == Some("destination-to-source")
    }
}

impl<'a> FlowRef<'a> {
    pub fn unique_id(&self) -> &'a str {
        str_field(self.value, "unique-id").unwrap_or("")
    }
    pub fn name(&self) -> &'a str {
        str_field(self.value, "name").unwrap_or("")
    }
    pub fn description(&self) -> &'a str {
        str_field(self.value, "description").unwrap_or("")
    }
    pub fn pointer(&self) -> Pointer {
        Pointer::root().key("flows").index(self.index)
    }
    pub fn metadata(&self) -> Metadata<'a> {
        Metadata::of(self.value, self.pointer())
    }
    pub fn controls(&self) -> impl Iterator<Item = (&'a str, &'a Value)> {
        controls_of(self.value)
    }
    /// Transitions in document order.
    pub fn transitions(&self) -> impl Iterator<Item = TransitionRef<'a>> {
        self.value
            .get("transitions")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .enumerate()
            .map(|(index, value)| TransitionRef { index, value })
    }
    /// Transitions ordered by sequence number (ties keep document order).
    pub fn ordered_transitions(&self) -> Vec<TransitionRef<'a>> {
        let mut t: Vec<_> = self.transitions().collect();
        t.sort_by_key(|t| (t.sequence_number().unwrap_or(i64::MAX), t.index));
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{
  "nodes": [
    {"unique-id": "u", "node-type": "actor", "name": "User", "description": "d"},
    {"unique-id": "svc", "node-type": "service", "name": "Svc", "description": "d",
     "interfaces": [{"unique-id": "svc-http", "port": 8080}],
     "metadata": [{"tier": "1"}, {"owner": "team-a", "tier": "0"}]}
  ],
  "relationships": [
    {"unique-id": "r1", "relationship-type": {"interacts": {"actor": "u", "nodes": ["svc"]}}},
    {"unique-id": "r2", "relationship-type": {"connects": {"source": {"node": "u"}, "destination": {"node": "svc", "interfaces": ["svc-http"]}}}, "protocol": "HTTPS"}
  ],
  "flows": [{"unique-id": "f", "name": "F", "description": "d", "transitions": [
    {"relationship-unique-id": "r2", "sequence-number": 2, "description": "b"},
    {"relationship-unique-id": "r1", "sequence-number": 1, "description": "a"}]}]
}"#;

    #[test]
    fn typed_view() {
        let d = Document::from_str("t.json", DOC).unwrap();
        assert_eq!(d.nodes().count(), 2);
        let svc = d.node("svc").unwrap();
        assert_eq!(svc.metadata().get("tier"), Some(&Value::from("0")));
        assert!(svc.metadata().was_array);
        assert_eq!(
            svc.metadata().pointer_of("owner").unwrap().as_str(),
            "/nodes/1/metadata/1/owner"
        );
        let r2 = d.relationship("r2").unwrap();
        match r2.kind() {
            RelKind::Connects { destination, .. } => {
                assert_eq!(destination.interfaces, vec!["svc-http"])
            }
            k => panic!("{k:?}"),
        }
        assert_eq!(d.element("svc-http").unwrap().kind, ElementKind::Interface);
        let f = d.flow("f").unwrap();
        let ids: Vec<_> = f
            .ordered_transitions()
            .iter()
            .map(|t| t.relationship_id())
            .collect();
        assert_eq!(ids, vec!["r1", "r2"]);
    }

    #[test]
    fn locations_and_id_paths() {
        let d = Document::from_str("t.json", DOC).unwrap();
        let loc = d.locate("/nodes/1/interfaces/0/port");
        assert_eq!((loc.line_start, loc.character_start), (5, 54));
        assert_eq!(&DOC[loc.start..loc.end], "8080");
        assert_eq!(
            d.pointer_with_ids("/nodes/1/interfaces/0/port"),
            "/nodes/svc/interfaces/svc-http/port"
        );
        assert_eq!(d.pointer_with_ids(""), "/");
        let k = d.locate_key("/nodes/1/interfaces");
        assert_eq!(&DOC[k.start..k.end], "\"interfaces\"");
    }
}
