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

/// `unique-id`s of `nodes[*]`.
pub(crate) fn node_ids(doc: &Value) -> HashSet<&str> {
    array(doc, "nodes")
        .iter()
        .filter_map(|n| n.get("unique-id").and_then(Value::as_str))
        .collect()
}

/// Sorted node ids, for suggestions.
pub(crate) fn sorted(ids: &HashSet<&str>) -> Vec<String> {
    let mut v: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

/// `relationships[*].relationship-type`, with the relationship's index and id.
pub(crate) fn relationship_types(doc: &Value) -> impl Iterator<Item = (usize, &str, &Value)> {
    array(doc, "relationships")
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let rt = r.get("relationship-type")?;
            Some((
                i,
                r.get("unique-id").and_then(Value::as_str).unwrap_or("?"),
                rt,
            ))
        })
}
