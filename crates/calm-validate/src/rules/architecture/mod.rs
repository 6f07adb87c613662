//! The 14 architecture rules (the reference's `rules-architecture.ts`).

pub mod composition_references_existing_nodes;
pub mod connects_references_existing_nodes;
pub mod flow_sequence_numbers_unique;
pub mod flow_transitions_reference_relationships;
pub mod has_nodes_relationships;
pub mod no_empty_string_properties;
pub mod nodes_must_be_referenced;
pub mod placeholder_boolean;
pub mod placeholder_numerical;
pub mod placeholder_string;
pub mod referenced_interfaces_defined;
pub mod referenced_interfaces_on_correct_node;
pub mod relationship_references_existing_nodes;
pub mod unique_ids;

use serde_json::Value;
use std::collections::HashSet;

pub(crate) fn array<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// Items of `v[key]` as JSONPath `[*]` sees them: array items, or the member values of an
/// object (some documents wrongly give `nodes` as an object keyed by id), with their tokens.
pub(crate) fn items<'a>(v: &'a Value, key: &str) -> Vec<(String, &'a Value)> {
    match v.get(key) {
        Some(Value::Array(a)) => a
            .iter()
            .enumerate()
            .map(|(i, x)| (i.to_string(), x))
            .collect(),
        Some(Value::Object(m)) => m
            .iter()
            .map(|(k, x)| (calm_model::escape_token(k), x))
            .collect(),
        _ => Vec::new(),
    }
}

/// `unique-id`s of `nodes[*]`.
pub(crate) fn node_ids(doc: &Value) -> HashSet<&str> {
    items(doc, "nodes")
        .into_iter()
        .filter_map(|(_, n)| n.get("unique-id").and_then(Value::as_str))
        .collect()
}

/// `relationships[*].relationship-type`, with the relationship's token and id.
pub(crate) fn relationship_types(doc: &Value) -> impl Iterator<Item = (String, &str, &Value)> {
    items(doc, "relationships")
        .into_iter()
        .filter_map(|(i, r)| {
            let rt = r.get("relationship-type")?;
            Some((
                i,
                r.get("unique-id").and_then(Value::as_str).unwrap_or("?"),
                rt,
            ))
        })
}
