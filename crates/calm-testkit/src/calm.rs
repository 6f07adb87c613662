//! CALM building blocks shared by the generators. Key order is part of the output (serde_json
//! keeps insertion order), so each helper writes its keys in one fixed order.

use serde_json::{Value, json};

/// The `$schema` of every generated document.
pub const CALM_SCHEMA: &str = "https://calm.finos.org/release/1.2/meta/calm.json";

/// A node with `unique-id`, `node-type`, `name` and `description`; callers append `metadata`,
/// `interfaces` or `controls` after these.
pub fn node(id: &str, node_type: &str, name: &str, description: &str) -> Value {
    json!({"unique-id": id, "node-type": node_type, "name": name, "description": description})
}

/// A relationship with `unique-id`, `description` and `relationship-type`.
pub fn relationship(id: &str, description: &str, kind: Value) -> Value {
    json!({"unique-id": id, "description": description, "relationship-type": kind})
}

/// `connects` from one node to another (no interfaces).
pub fn connects(source: &str, destination: &str) -> Value {
    json!({"connects": {"source": {"node": source}, "destination": {"node": destination}}})
}

/// `interacts`: an actor and the nodes it uses.
pub fn interacts(actor: &str, nodes: &[&str]) -> Value {
    json!({"interacts": {"actor": actor, "nodes": nodes}})
}

/// `deployed-in`: a container and the nodes deployed in it.
pub fn deployed_in(container: &str, nodes: Vec<String>) -> Value {
    json!({"deployed-in": {"container": container, "nodes": nodes}})
}

/// `composed-of`: a container and the nodes it is made of.
pub fn composed_of(container: &str, nodes: Vec<String>) -> Value {
    json!({"composed-of": {"container": container, "nodes": nodes}})
}

/// One flow transition.
pub fn transition(relationship: &str, sequence_number: usize, description: &str) -> Value {
    json!({"relationship-unique-id": relationship, "sequence-number": sequence_number, "description": description})
}

/// A flow with `unique-id`, `name`, `description` and `transitions`.
pub fn flow(id: &str, name: &str, description: &str, transitions: Vec<Value>) -> Value {
    json!({"unique-id": id, "name": name, "description": description, "transitions": transitions})
}
