//! One-line summaries of elements, as changes show them.

use super::values::{arr_of, str_of};
use calm_model::{RelKind, RelationshipRef};
use serde_json::Value;

pub(super) fn node_summary(v: &Value) -> String {
    let mut s = format!("{} ({})", str_of(v, "unique-id"), str_of(v, "node-type"));
    let name = str_of(v, "name");
    if !name.is_empty() {
        s.push_str(&format!(" \"{name}\""));
    }
    let ifs: Vec<&str> = arr_of(v, "interfaces")
        .iter()
        .map(|i| str_of(i, "unique-id"))
        .filter(|s| !s.is_empty())
        .collect();
    if !ifs.is_empty() {
        s.push_str(&format!(", interfaces {}", ifs.join(", ")));
    }
    s
}

/// `connects a -> b (HTTPS)`, `interacts customer -> x, y`, `composed-of c: a, b`.
pub fn relationship_shape(v: &Value) -> String {
    let r = RelationshipRef { index: 0, value: v };
    let proto = r.protocol().map(|p| format!(" ({p})")).unwrap_or_default();
    match r.kind() {
        RelKind::Connects {
            source,
            destination,
        } => format!("connects {} -> {}{proto}", source.node, destination.node),
        RelKind::Interacts { actor, nodes } => {
            format!("interacts {actor} -> {}{proto}", nodes.join(", "))
        }
        RelKind::DeployedIn { container, nodes } => {
            format!("deployed-in {container}: {}", nodes.join(", "))
        }
        RelKind::ComposedOf { container, nodes } => {
            format!("composed-of {container}: {}", nodes.join(", "))
        }
        RelKind::Options(_) => "options".to_string(),
        RelKind::Other => "relationship of unknown type".to_string(),
    }
}

pub(super) fn relationship_summary(v: &Value) -> String {
    format!("{}: {}", str_of(v, "unique-id"), relationship_shape(v))
}

pub(super) fn flow_summary(v: &Value) -> String {
    format!(
        "{} \"{}\" ({} transitions)",
        str_of(v, "unique-id"),
        str_of(v, "name"),
        arr_of(v, "transitions").len()
    )
}

pub(super) fn transition_summary(t: &Value, rel: &str) -> String {
    let seq = t
        .get("sequence-number")
        .map(Value::to_string)
        .unwrap_or_else(|| "?".into());
    let dir = str_of(t, "direction");
    let dir = if dir.is_empty() {
        String::new()
    } else {
        format!(" ({dir})")
    };
    let desc = str_of(t, "description");
    let desc = if desc.is_empty() {
        String::new()
    } else {
        format!(": {desc}")
    };
    format!("#{seq} {rel}{dir}{desc}")
}

pub(super) fn renamed_summary(old_id: &str, new_id: &str) -> String {
    format!("{old_id} -> {new_id}")
}
