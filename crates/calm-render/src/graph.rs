//! The drawable view of a document: nodes with their container (parent), and the edges that
//! are drawn as arrows (`connects`, `interacts`). Containment (`composed-of`, `deployed-in`) is
//! shown by nesting, as the CALM widgets do, so it becomes a parent tree, not arrows.

use calm_model::{Document, RelKind};
use std::collections::{BTreeMap, BTreeSet};

/// Shape family of a node, chosen from its `node-type` (custom types by keyword).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Shape {
    Actor,
    Service,
    Database,
    Webclient,
    Queue,
    System,
    Network,
    Ldap,
    DataAsset,
    Ecosystem,
    Other,
}

impl Shape {
    pub fn of(node_type: &str) -> Shape {
        let t = node_type.to_ascii_lowercase();
        let has = |k: &str| t.contains(k);
        match t.as_str() {
            "actor" | "person" | "user" => Shape::Actor,
            "service" => Shape::Service,
            "database" => Shape::Database,
            "webclient" => Shape::Webclient,
            "system" => Shape::System,
            "network" => Shape::Network,
            "ldap" => Shape::Ldap,
            "data-asset" => Shape::DataAsset,
            "ecosystem" => Shape::Ecosystem,
            _ if has("queue")
                || has("topic")
                || has("messagebus")
                || has("message-bus")
                || has("broker")
                || has("kafka")
                || has("stream") =>
            {
                Shape::Queue
            }
            _ if has("database") || has("db") || has("cache") || has("store") || has("rds") => {
                Shape::Database
            }
            _ if has("web")
                || has("client")
                || has("frontend")
                || has("browser")
                || has("mobile") =>
            {
                Shape::Webclient
            }
            _ if has("actor") || has("person") || has("user") => Shape::Actor,
            _ if has("network") || has("vpc") || has("subnet") => Shape::Network,
            _ if has("service")
                || has("api")
                || has("gateway")
                || has("function")
                || has("lambda") =>
            {
                Shape::Service
            }
            _ if has("system") || has("cluster") || has("platform") => Shape::System,
            _ => Shape::Other,
        }
    }

    /// Name used for CSS classes and the legend.
    pub fn class(self) -> &'static str {
        match self {
            Shape::Actor => "actor",
            Shape::Service => "service",
            Shape::Database => "database",
            Shape::Webclient => "webclient",
            Shape::Queue => "messagebus",
            Shape::System => "system",
            Shape::Network => "network",
            Shape::Ldap => "ldap",
            Shape::DataAsset => "data-asset",
            Shape::Ecosystem => "ecosystem",
            Shape::Other => "node",
        }
    }
}

#[derive(Debug, Clone)]
pub struct RNode {
    pub id: String,
    pub name: String,
    pub node_type: String,
    pub shape: Shape,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct REdge {
    pub rel_id: String,
    pub from: usize,
    pub to: usize,
    pub label: String,
    pub interacts: bool,
    pub is_async: bool,
}

/// Nodes (document order, first occurrence of each id) and drawable edges.
#[derive(Debug, Clone, Default)]
pub struct RGraph {
    pub nodes: Vec<RNode>,
    pub edges: Vec<REdge>,
    pub index: BTreeMap<String, usize>,
}

const ASYNC_PROTOCOLS: &[&str] = &[
    "AMQP",
    "AMQPS",
    "KAFKA",
    "MQTT",
    "JMS",
    "STOMP",
    "NATS",
    "SQS",
    "SNS",
    "PUBSUB",
    "WEBSOCKET-ASYNC",
];

impl RGraph {
    pub fn from_document(doc: &Document) -> RGraph {
        let mut g = RGraph::default();
        for n in doc.nodes() {
            let id = n.unique_id();
            if id.is_empty() || g.index.contains_key(id) {
                continue;
            }
            let name = if n.name().trim().is_empty() {
                id
            } else {
                n.name()
            };
            g.index.insert(id.to_string(), g.nodes.len());
            g.nodes.push(RNode {
                id: id.to_string(),
                name: name.to_string(),
                node_type: n.node_type().to_string(),
                shape: Shape::of(n.node_type()),
                parent: None,
                children: Vec::new(),
            });
        }
        // Composition wins over deployment (as in the CALM widgets): assign composed-of first.
        for pass in 0..2 {
            for r in doc.relationships() {
                let (container, members) = match (pass, r.kind()) {
                    (0, RelKind::ComposedOf { container, nodes }) => (container, nodes),
                    (1, RelKind::DeployedIn { container, nodes }) => (container, nodes),
                    _ => continue,
                };
                let Some(&c) = g.index.get(container) else {
                    continue;
                };
                for m in members {
                    let Some(&m) = g.index.get(m) else { continue };
                    if m == c || g.nodes[m].parent.is_some() || g.is_ancestor_or_self(m, c) {
                        continue; // first parent wins; a cycle would nest a box in itself
                    }
                    g.nodes[m].parent = Some(c);
                }
            }
        }
        for i in 0..g.nodes.len() {
            if let Some(p) = g.nodes[i].parent {
                g.nodes[p].children.push(i);
            }
        }
        for r in doc.relationships() {
            let protocol = r.protocol().unwrap_or("").trim();
            let description = r.description().trim();
            let meta = r.metadata();
            let meta_async = meta
                .get_any(&[
                    "async",
                    "asynchronous",
                    "communication",
                    "communication-style",
                    "line-style",
                ])
                .map(|(_, v)| {
                    v.as_bool().unwrap_or(false)
                        || v.as_str().is_some_and(|s| {
                            let s = s.to_ascii_lowercase();
                            s.contains("async") || s == "dashed"
                        })
                })
                .unwrap_or(false);
            match r.kind() {
                RelKind::Connects {
                    source,
                    destination,
                } => {
                    let (Some(&a), Some(&b)) =
                        (g.index.get(source.node), g.index.get(destination.node))
                    else {
                        continue;
                    };
                    let label = if !protocol.is_empty() {
                        protocol
                    } else {
                        description
                    };
                    let is_async = meta_async
                        || ASYNC_PROTOCOLS.contains(&protocol.to_ascii_uppercase().as_str())
                        || g.nodes[a].shape == Shape::Queue
                        || g.nodes[b].shape == Shape::Queue;
                    g.edges.push(REdge {
                        rel_id: r.unique_id().to_string(),
                        from: a,
                        to: b,
                        label: label.to_string(),
                        interacts: false,
                        is_async,
                    });
                }
                RelKind::Interacts { actor, nodes } => {
                    let Some(&a) = g.index.get(actor) else {
                        continue;
                    };
                    let mut seen = BTreeSet::new();
                    for n in nodes {
                        let Some(&b) = g.index.get(n) else { continue };
                        if !seen.insert(b) {
                            continue;
                        }
                        g.edges.push(REdge {
                            rel_id: r.unique_id().to_string(),
                            from: a,
                            to: b,
                            label: if description.is_empty() {
                                "interacts".into()
                            } else {
                                description.to_string()
                            },
                            interacts: true,
                            is_async: meta_async,
                        });
                    }
                }
                _ => {}
            }
        }
        g
    }

    /// True when `a` is `b` or one of `b`'s containers (transitively).
    pub fn is_ancestor_or_self(&self, a: usize, b: usize) -> bool {
        let mut cur = Some(b);
        let mut steps = 0;
        while let Some(c) = cur {
            if c == a {
                return true;
            }
            steps += 1;
            if steps > self.nodes.len() {
                return false;
            }
            cur = self.nodes[c].parent;
        }
        false
    }

    pub fn is_container(&self, i: usize) -> bool {
        !self.nodes[i].children.is_empty()
    }

    /// Containers of `i`, innermost first.
    pub fn ancestors(&self, i: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut cur = self.nodes[i].parent;
        while let Some(c) = cur {
            out.push(c);
            cur = self.nodes[c].parent;
        }
        out
    }

    /// Ids in `wanted` that name no node.
    pub fn unknown<'a>(&self, wanted: &'a [String]) -> Vec<&'a str> {
        wanted
            .iter()
            .filter(|w| !self.index.contains_key(w.as_str()))
            .map(String::as_str)
            .collect()
    }

    /// The subgraph of the `focus` nodes, everything inside them, their direct neighbours, and
    /// the containers of all of those (so nesting stays visible).
    pub fn focus(&self, focus: &[String]) -> RGraph {
        let mut keep = BTreeSet::new();
        let mut core = BTreeSet::new();
        for f in focus {
            if let Some(&i) = self.index.get(f.as_str()) {
                self.collect_descendants(i, &mut core);
            }
        }
        keep.extend(core.iter().copied());
        for e in &self.edges {
            if core.contains(&e.from) {
                keep.insert(e.to);
            }
            if core.contains(&e.to) {
                keep.insert(e.from);
            }
        }
        for i in keep.clone() {
            keep.extend(self.ancestors(i));
        }
        self.subgraph(&keep)
    }

    fn collect_descendants(&self, i: usize, out: &mut BTreeSet<usize>) {
        let mut stack = vec![i];
        while let Some(n) = stack.pop() {
            if out.insert(n) {
                stack.extend(self.nodes[n].children.iter().copied());
            }
        }
    }

    fn subgraph(&self, keep: &BTreeSet<usize>) -> RGraph {
        let mut g = RGraph::default();
        let mut map = BTreeMap::new();
        for &i in keep {
            map.insert(i, g.nodes.len());
            g.index.insert(self.nodes[i].id.clone(), g.nodes.len());
            let mut n = self.nodes[i].clone();
            n.children.clear();
            g.nodes.push(n);
        }
        for k in 0..g.nodes.len() {
            let p = g.nodes[k].parent.and_then(|p| map.get(&p).copied());
            g.nodes[k].parent = p;
            if let Some(p) = p {
                g.nodes[p].children.push(k);
            }
        }
        for e in &self.edges {
            if let (Some(&a), Some(&b)) = (map.get(&e.from), map.get(&e.to)) {
                g.edges.push(REdge {
                    from: a,
                    to: b,
                    ..e.clone()
                });
            }
        }
        g
    }
}
