//! Normalisation (docs/advisor-design.md §3.1): one internal shape for CALM 1.0–1.2 and the common
//! dialects (string `relationship-type` with a sibling payload, flat `source`/`destination`,
//! `from`/`to`), metadata merged from object or array form, controls flattened with pointers.
//! Every dialect accepted is recorded as a [`DialectNote`] so DOC-03 can tell the user that
//! other tools would reject the file.

use calm_model::{Document, Metadata, Pointer, RelKind};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// One requirement of a control.
#[derive(Debug, Clone)]
pub struct Requirement {
    pub url: String,
    /// Inline config (absent when only `config-url` is given: "declared, opaque").
    pub config: Option<Map<String, Value>>,
    pub config_url: Option<String>,
}

/// A control at architecture, node, relationship or flow scope.
#[derive(Debug, Clone)]
pub struct Control {
    pub id: String,
    pub description: String,
    pub pointer: String,
    pub requirements: Vec<Requirement>,
}

impl Control {
    /// Every inline config entry of every requirement.
    pub fn config_entries(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.requirements
            .iter()
            .filter_map(|r| r.config.as_ref())
            .flat_map(|c| c.iter().map(|(k, v)| (k.as_str(), v)))
    }
    /// Text to match tokens against: id, description and requirement urls.
    pub fn haystack(&self) -> String {
        let mut s = format!("{} {}", self.id, self.description);
        for r in &self.requirements {
            s.push(' ');
            s.push_str(&r.url);
        }
        s.to_ascii_lowercase()
    }
}

#[derive(Debug, Clone)]
pub struct Interface {
    pub id: String,
    pub protocol: Option<String>,
    pub port: Option<u64>,
    pub url: Option<String>,
    /// The operations the interface lists, in document order ([`interface_operations`]):
    /// gRPC methods and operation ids by name (`SubmitTrade`), HTTP ones as `POST /orders`.
    pub operations: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Node {
    pub id: String,
    pub name: String,
    pub node_type: String,
    pub description: String,
    pub pointer: String,
    pub metadata: Map<String, Value>,
    pub controls: Vec<Control>,
    pub interfaces: Vec<Interface>,
}

/// Relationship kinds with node indices (references to unknown nodes are dropped: validation
/// reports them; the review works on what resolves).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Connects {
        source: usize,
        destination: usize,
        destination_interfaces: Vec<String>,
    },
    Interacts {
        actor: usize,
        nodes: Vec<usize>,
    },
    DeployedIn {
        container: usize,
        nodes: Vec<usize>,
    },
    ComposedOf {
        container: usize,
        nodes: Vec<usize>,
    },
    /// Alternatives of a pattern: not redundancy (§3.1); analysed as absent.
    Options,
    Unknown,
}

#[derive(Debug, Clone)]
pub struct Relationship {
    pub id: String,
    pub description: String,
    pub pointer: String,
    pub kind: Kind,
    /// `protocol` of the relationship (or `metadata.protocol` in some dialects).
    pub protocol: Option<String>,
    pub metadata: Map<String, Value>,
    pub controls: Vec<Control>,
}

#[derive(Debug, Clone)]
pub struct Transition {
    pub relationship: Option<usize>,
    pub relationship_id: String,
    pub sequence: i64,
    /// `destination-to-source`: a response travelling back.
    pub reverse: bool,
}

#[derive(Debug, Clone)]
pub struct Flow {
    pub id: String,
    pub name: String,
    pub pointer: String,
    pub metadata: Map<String, Value>,
    pub controls: Vec<Control>,
    /// Ordered by sequence number.
    pub transitions: Vec<Transition>,
}

/// Something the normaliser had to accept that the CALM 1.2 schema would not.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct DialectNote {
    pub pointer: String,
    pub message: String,
}

/// The normalised document.
#[derive(Debug, Clone, Default)]
pub struct Model {
    pub nodes: Vec<Node>,
    pub relationships: Vec<Relationship>,
    pub flows: Vec<Flow>,
    pub controls: Vec<Control>,
    pub metadata: Map<String, Value>,
    pub notes: Vec<DialectNote>,
    /// `1.0`, `1.1`, `1.2`, … or `unknown`.
    pub version: String,
    node_index: HashMap<String, usize>,
    rel_index: HashMap<String, usize>,
    flow_index: HashMap<String, usize>,
}

impl Model {
    pub fn node_idx(&self, id: &str) -> Option<usize> {
        self.node_index.get(id).copied()
    }
    pub fn rel_idx(&self, id: &str) -> Option<usize> {
        self.rel_index.get(id).copied()
    }
    pub fn flow_idx(&self, id: &str) -> Option<usize> {
        self.flow_index.get(id).copied()
    }
}

fn controls_at(value: &Value, base: &Pointer) -> Vec<Control> {
    let Some(Value::Object(map)) = value.get("controls") else {
        return Vec::new();
    };
    map.iter()
        .map(|(id, c)| {
            let requirements = c
                .get("requirements")
                .and_then(Value::as_array)
                .map(|reqs| {
                    reqs.iter()
                        .map(|r| Requirement {
                            url: r
                                .get("requirement-url")
                                .and_then(Value::as_str)
                                .unwrap_or("")
                                .to_string(),
                            config: r.get("config").and_then(Value::as_object).cloned(),
                            config_url: r
                                .get("config-url")
                                .and_then(Value::as_str)
                                .map(str::to_string),
                        })
                        .collect()
                })
                .unwrap_or_default();
            Control {
                id: id.clone(),
                description: c
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                pointer: base.key("controls").key(id).as_str().to_string(),
                requirements,
            }
        })
        .collect()
}

fn s(v: &Value, k: &str) -> String {
    v.get(k).and_then(Value::as_str).unwrap_or("").to_string()
}

/// An endpoint given as `"node-id"` or `{"node": "node-id"}`.
fn endpoint_node(v: Option<&Value>) -> Option<&str> {
    match v? {
        Value::String(s) => Some(s),
        Value::Object(o) => o.get("node").and_then(Value::as_str),
        _ => None,
    }
}

fn str_list(v: Option<&Value>) -> Vec<&str> {
    match v {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        Some(Value::String(s)) => vec![s.as_str()],
        _ => Vec::new(),
    }
}

impl Model {
    pub fn build(doc: &Document) -> Model {
        let mut m = Model {
            version: doc
                .version()
                .map(|v| v.label().to_string())
                .unwrap_or_else(|| "unknown".into()),
            ..Model::default()
        };
        let root = &doc.value;
        m.metadata = Metadata::of(root, Pointer::root()).to_map();
        if Metadata::of(root, Pointer::root()).was_array {
            // Arrays are valid CALM (core.json allows both); no note needed.
        }
        m.controls = controls_at(root, &Pointer::root());

        let nodes = root
            .get("nodes")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        for (i, n) in nodes.iter().enumerate() {
            let p = Pointer::root().key("nodes").index(i);
            let id = s(n, "unique-id");
            if id.is_empty() || m.node_index.contains_key(&id) {
                continue;
            }
            let interfaces = n
                .get("interfaces")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .map(|it| Interface {
                            id: s(it, "unique-id"),
                            // Some models name the protocol in `type` (`"type": "http"`); a
                            // `type` that is a protocol name counts as the protocol.
                            protocol: it
                                .get("protocol")
                                .and_then(Value::as_str)
                                .or_else(|| {
                                    it.get("type").and_then(Value::as_str).filter(|t| {
                                        INTERFACE_TYPE_PROTOCOLS
                                            .iter()
                                            .any(|p| p.eq_ignore_ascii_case(t))
                                    })
                                })
                                .map(str::to_string),
                            port: it
                                .get("port")
                                .and_then(|p| p.as_u64().or_else(|| p.as_str()?.parse().ok())),
                            url: it
                                .get("url")
                                .or_else(|| it.get("host"))
                                .and_then(Value::as_str)
                                .map(str::to_string),
                            operations: interface_operations(it),
                        })
                        .collect()
                })
                .unwrap_or_default();
            m.node_index.insert(id.clone(), m.nodes.len());
            m.nodes.push(Node {
                id,
                name: s(n, "name"),
                node_type: s(n, "node-type"),
                description: s(n, "description"),
                pointer: p.as_str().to_string(),
                metadata: {
                    let mut md = Metadata::of(n, p.clone()).to_map();
                    // CALM nodes may state `data-classification` as a field of their own (1.0
                    // core); rules read it from the metadata map, where the field wins only
                    // when the metadata does not say otherwise.
                    if let Some(c) = n.get("data-classification").filter(|v| v.is_string())
                        && !md.contains_key("data-classification")
                    {
                        md.insert("data-classification".into(), c.clone());
                    }
                    md
                },
                controls: controls_at(n, &p),
                interfaces,
            });
        }

        let rels = root
            .get("relationships")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        for (i, r) in rels.iter().enumerate() {
            let p = Pointer::root().key("relationships").index(i);
            let id = s(r, "unique-id");
            if id.is_empty() || m.rel_index.contains_key(&id) {
                continue;
            }
            let rel_ref = calm_model::RelationshipRef { index: i, value: r };
            let metadata = Metadata::of(r, p.clone()).to_map();
            let kind = m.relationship_kind(&rel_ref, r, p.as_str());
            let protocol = r
                .get("protocol")
                .and_then(Value::as_str)
                .or_else(|| metadata.get("protocol").and_then(Value::as_str))
                .map(str::to_string);
            m.rel_index.insert(id.clone(), m.relationships.len());
            m.relationships.push(Relationship {
                id,
                description: s(r, "description"),
                pointer: p.as_str().to_string(),
                kind,
                protocol,
                metadata,
                controls: controls_at(r, &p),
            });
        }

        let flows = root
            .get("flows")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        for (i, f) in flows.iter().enumerate() {
            let p = Pointer::root().key("flows").index(i);
            let id = s(f, "unique-id");
            if id.is_empty() || m.flow_index.contains_key(&id) {
                continue;
            }
            let fr = calm_model::FlowRef { index: i, value: f };
            let transitions = fr
                .ordered_transitions()
                .iter()
                .map(|t| Transition {
                    relationship: m.rel_idx(t.relationship_id()),
                    relationship_id: t.relationship_id().to_string(),
                    sequence: t.sequence_number().unwrap_or(i64::MAX),
                    reverse: t.is_reverse(),
                })
                .collect();
            m.flow_index.insert(id.clone(), m.flows.len());
            m.flows.push(Flow {
                id,
                name: s(f, "name"),
                pointer: p.as_str().to_string(),
                metadata: Metadata::of(f, p.clone()).to_map(),
                controls: controls_at(f, &p),
                transitions,
            });
        }
        m.notes.sort();
        m
    }

    fn idx_all(&self, ids: &[&str]) -> Vec<usize> {
        ids.iter().filter_map(|i| self.node_idx(i)).collect()
    }

    fn relationship_kind(
        &mut self,
        rel: &calm_model::RelationshipRef,
        r: &Value,
        pointer: &str,
    ) -> Kind {
        match rel.kind() {
            RelKind::Connects {
                source,
                destination,
            } => match (self.node_idx(source.node), self.node_idx(destination.node)) {
                (Some(s), Some(d)) => Kind::Connects {
                    source: s,
                    destination: d,
                    destination_interfaces: destination
                        .interfaces
                        .iter()
                        .map(|s| s.to_string())
                        .collect(),
                },
                _ => Kind::Unknown,
            },
            RelKind::Interacts { actor, nodes } => match self.node_idx(actor) {
                Some(a) => Kind::Interacts {
                    actor: a,
                    nodes: self.idx_all(&nodes),
                },
                None => Kind::Unknown,
            },
            RelKind::DeployedIn { container, nodes } => match self.node_idx(container) {
                Some(c) => Kind::DeployedIn {
                    container: c,
                    nodes: self.idx_all(&nodes),
                },
                None => Kind::Unknown,
            },
            RelKind::ComposedOf { container, nodes } => match self.node_idx(container) {
                Some(c) => Kind::ComposedOf {
                    container: c,
                    nodes: self.idx_all(&nodes),
                },
                None => Kind::Unknown,
            },
            RelKind::Options(_) => Kind::Options,
            RelKind::Other => self.dialect_kind(r, pointer),
        }
    }

    /// Dialects seen in the wild: `"relationship-type": "connects"` with the payload in a sibling
    /// member (`"connects": {…}`) or flat `source`/`destination` (or `from`/`to`) members.
    fn dialect_kind(&mut self, r: &Value, pointer: &str) -> Kind {
        let rt = r
            .get("relationship-type")
            .and_then(Value::as_str)
            .map(str::to_ascii_lowercase);
        let payload = rt.as_deref().and_then(|t| r.get(t)).unwrap_or(r);
        let src =
            endpoint_node(payload.get("source")).or_else(|| endpoint_node(payload.get("from")));
        let dst =
            endpoint_node(payload.get("destination")).or_else(|| endpoint_node(payload.get("to")));
        let shape = match rt.as_deref() {
            Some(t) => format!("string relationship-type \"{t}\""),
            None => "relationship without relationship-type".to_string(),
        };
        let kind = match rt.as_deref() {
            Some("interacts") => {
                let actor = payload
                    .get("actor")
                    .and_then(Value::as_str)
                    .and_then(|a| self.node_idx(a));
                let nodes = self.idx_all(&str_list(payload.get("nodes")));
                actor.map(|actor| Kind::Interacts { actor, nodes })
            }
            Some("deployed-in") | Some("composed-of") => {
                let c = payload
                    .get("container")
                    .and_then(Value::as_str)
                    .and_then(|a| self.node_idx(a));
                let nodes = self.idx_all(&str_list(payload.get("nodes")));
                c.map(|container| {
                    if rt.as_deref() == Some("deployed-in") {
                        Kind::DeployedIn { container, nodes }
                    } else {
                        Kind::ComposedOf { container, nodes }
                    }
                })
            }
            Some("connects") | None | Some(_) => match (
                src.and_then(|s| self.node_idx(s)),
                dst.and_then(|d| self.node_idx(d)),
            ) {
                (Some(source), Some(destination)) => Some(Kind::Connects {
                    source,
                    destination,
                    destination_interfaces: Vec::new(),
                }),
                _ => None,
            },
        };
        match kind {
            Some(k) => {
                self.notes.push(DialectNote {
                    pointer: pointer.to_string(),
                    message: format!("{shape} read as the CALM 1.2 object form"),
                });
                k
            }
            None => Kind::Unknown,
        }
    }
}

// ---- value parsing (values are strings as often as numbers) ----

/// A number from a JSON number or a string like `"3"`, `"99.9%"`, `"5Gi"`, `"< 30 seconds"`.
pub fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => leading_number(s),
        Value::Object(o) => o.get("value").and_then(number),
        _ => None,
    }
}

fn leading_number(s: &str) -> Option<f64> {
    let start = s.find(|c: char| c.is_ascii_digit())?;
    let rest = &s[start..];
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    rest[..end].trim_end_matches('.').parse().ok()
}

/// True for `true`, `"true"`, `"yes"`, `"enabled"`, `"on"`.
pub fn truthy(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::String(s) => matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "yes" | "enabled" | "on" | "y"
        ),
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        _ => false,
    }
}

/// An availability as a fraction: `99.9` / `"99.9%"` / `0.999` → 0.999. Text like
/// `"99.9% availability"` is read from its first percentage.
pub fn availability(v: &Value) -> Option<f64> {
    let n = match v {
        Value::String(s) => {
            // Prefer a number directly followed by '%'.
            let pct = s.find('%').and_then(|i| {
                let head = &s[..i];
                let start = head
                    .rfind(|c: char| !(c.is_ascii_digit() || c == '.'))
                    .map(|j| j + 1)
                    .unwrap_or(0);
                head[start..].parse::<f64>().ok()
            });
            pct.or_else(|| leading_number(s))?
        }
        other => number(other)?,
    };
    let frac = if n > 1.0 { n / 100.0 } else { n };
    // 99.9 / 100 is 0.9990000000000001 in binary floating point: keep 9 decimals.
    let frac = (frac * 1e9).round() / 1e9;
    (frac > 0.0 && frac <= 1.0).then_some(frac)
}

/// Lower-case word tokens of a string (`api-gateway_2` → `api`, `gateway`, `2`).
/// Interface `type` values that are protocol names (a dialect of the `protocol` field).
/// Keys under which an interface (or its `configuration`) lists its operations.
const OPERATION_LISTS: &[&str] = &[
    "methods",
    "operations",
    "rpcs",
    "endpoints",
    "routes",
    "paths",
];
const HTTP_METHODS: &[&str] = &["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"];

/// The operations an interface lists, on itself or in its `configuration` (1.0-rc2 interface
/// definitions put them there): arrays of names or of objects (`{"name": "SubmitTrade"}`,
/// `{"method": "POST", "path": "/orders"}`), OpenAPI-like path maps (`{"/orders": {"post": …}}`),
/// and a single HTTP operation stated on the interface itself.
fn interface_operations(interface: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for obj in [Some(interface), interface.get("configuration")]
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
    {
        for (k, v) in obj {
            if !OPERATION_LISTS.iter().any(|l| k.eq_ignore_ascii_case(l)) {
                continue;
            }
            match v {
                Value::Array(items) => out.extend(items.iter().filter_map(operation_of)),
                Value::Object(paths) => {
                    for (path, ops) in paths {
                        match ops {
                            Value::Object(by_verb) => out.extend(
                                by_verb
                                    .keys()
                                    .filter_map(|m| http_method(m))
                                    .map(|m| format!("{m} {path}")),
                            ),
                            Value::String(m) => {
                                if let Some(m) = http_method(m) {
                                    out.push(format!("{m} {path}"));
                                }
                            }
                            _ => {}
                        }
                    }
                }
                Value::String(op) => out.push(op.clone()),
                _ => {}
            }
        }
        out.extend(http_operation(obj));
    }
    out
}

fn operation_of(item: &Value) -> Option<String> {
    match item {
        Value::String(op) => Some(op.clone()),
        Value::Object(o) => http_operation(o).or_else(|| {
            [
                "name",
                "operation",
                "operation-id",
                "operationId",
                "rpc",
                "method",
            ]
            .iter()
            .find_map(|k| o.get(*k)?.as_str())
            .map(str::to_string)
        }),
        _ => None,
    }
}

/// `{"method": "POST", "path": "/orders"}` as `POST /orders`.
fn http_operation(o: &Map<String, Value>) -> Option<String> {
    let method = ["method", "http-method", "verb"]
        .iter()
        .find_map(|k| http_method(o.get(*k)?.as_str()?))?;
    let path = ["path", "route", "endpoint"]
        .iter()
        .find_map(|k| o.get(*k)?.as_str())
        .unwrap_or_default();
    Some(format!("{method} {path}").trim_end().to_string())
}

fn http_method(m: &str) -> Option<&'static str> {
    HTTP_METHODS
        .iter()
        .find(|h| h.eq_ignore_ascii_case(m))
        .copied()
}

const INTERFACE_TYPE_PROTOCOLS: &[&str] = &[
    "http",
    "https",
    "grpc",
    "grpcs",
    "amqp",
    "amqps",
    "jdbc",
    "tcp",
    "tls",
    "mqtt",
    "mqtts",
    "ldap",
    "ldaps",
    "smtp",
    "smtps",
    "ftp",
    "sftp",
    "websocket",
    "ws",
    "wss",
    "kafka",
];

/// Words of an identifier or key: camelCase and PascalCase (`SubmitTrade`, `APIKey`), `_`, `-`,
/// `.`, `/` and spaces split, lower case.
pub fn identifier_words(key: &str) -> Vec<String> {
    let chars: Vec<char> = key.chars().collect();
    let mut k = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase() && next_lower)
            {
                k.push('-');
            }
        }
        k.push(c.to_ascii_lowercase());
    }
    k.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

pub fn tokens(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(|t| t.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values() {
        assert_eq!(number(&json!("3")), Some(3.0));
        assert_eq!(number(&json!("< 30 seconds")), Some(30.0));
        assert_eq!(number(&json!({"unit": "minutes", "value": 5})), Some(5.0));
        assert_eq!(availability(&json!(99.9)), Some(0.999));
        assert_eq!(availability(&json!("99.95%")), Some(0.9995));
        assert_eq!(
            availability(&json!("SLA of 99.9% availability")),
            Some(0.999)
        );
        assert!(truthy(&json!("yes")) && !truthy(&json!("no")));
    }

    #[test]
    fn dialect_string_relationship_type() {
        let doc = Document::from_str(
            "d.json",
            r#"{"nodes":[{"unique-id":"a","node-type":"service"},{"unique-id":"b","node-type":"database"}],
               "relationships":[{"unique-id":"r","relationship-type":"connects","source":"a","destination":{"node":"b"}},
                                {"unique-id":"r2","relationship-type":"connects","connects":{"from":"b","to":"a"}}]}"#,
        )
        .unwrap();
        let m = Model::build(&doc);
        assert!(matches!(
            m.relationships[0].kind,
            Kind::Connects {
                source: 0,
                destination: 1,
                ..
            }
        ));
        assert!(matches!(
            m.relationships[1].kind,
            Kind::Connects {
                source: 1,
                destination: 0,
                ..
            }
        ));
        assert_eq!(m.notes.len(), 2);
        assert_eq!(m.notes[0].pointer, "/relationships/0");
    }
}
