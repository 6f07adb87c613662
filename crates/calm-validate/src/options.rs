//! Applying an architecture's option choices to a pattern, as `calm validate` does before it
//! validates an architecture against a pattern with `options` relationships.
//!
//! A pattern offers choices as an `options` relationship whose decisions sit in `oneOf` /
//! `anyOf` blocks; nodes and relationships that only exist for some choices sit in `oneOf` /
//! `anyOf` blocks of `properties.nodes.prefixItems` / `properties.relationships.prefixItems`.
//! An architecture records its choice as `relationship-type.options[0]` of each options
//! relationship. Applying the choices:
//! 1. collects the chosen decisions (description, node ids, relationship ids);
//! 2. replaces each `oneOf`/`anyOf` block among the pattern's node and relationship
//!    `prefixItems` with the alternatives whose `unique-id` const was chosen (possibly none);
//! 3. in each options relationship of the pattern, replaces each `oneOf`/`anyOf` block of
//!    decisions with the decisions whose `description` const was chosen.
//!
//! Unlike the reference (which crashes on an empty `options` array or on a pattern shaped
//! differently), anything that does not have the expected shape is left as it is.

use serde_json::Value;
use std::collections::BTreeSet;

/// One choice recorded in an architecture (`relationship-type.options[0]`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Choice {
    pub description: Option<String>,
    pub nodes: Vec<String>,
    pub relationships: Vec<String>,
}

/// The choices an architecture made, one per options relationship (in document order).
pub fn choices(architecture: &Value) -> Vec<Choice> {
    let strings = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    architecture
        .get("relationships")
        .and_then(Value::as_array)
        .map(|rels| {
            rels.iter()
                .filter_map(|r| {
                    r.get("relationship-type")?
                        .get("options")?
                        .as_array()?
                        .first()
                })
                .map(|chosen| Choice {
                    description: chosen
                        .get("description")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                    nodes: strings(chosen.get("nodes")),
                    relationships: strings(chosen.get("relationships")),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The pattern with the architecture's choices applied (a copy; unchanged when the
/// architecture makes no choices).
pub fn apply(pattern: &Value, architecture: &Value) -> Value {
    let chosen = choices(architecture);
    let mut out = pattern.clone();
    if chosen.is_empty() {
        return out;
    }
    let node_ids: BTreeSet<&str> = chosen
        .iter()
        .flat_map(|c| c.nodes.iter().map(String::as_str))
        .collect();
    let rel_ids: BTreeSet<&str> = chosen
        .iter()
        .flat_map(|c| c.relationships.iter().map(String::as_str))
        .collect();
    let descriptions: BTreeSet<&str> = chosen
        .iter()
        .filter_map(|c| c.description.as_deref())
        .collect();

    if let Some(items) = out.pointer_mut("/properties/nodes/prefixItems") {
        flatten_blocks(items, &|alt: &Value| has_chosen_id(alt, &node_ids));
    }
    if let Some(items) = out.pointer_mut("/properties/relationships/prefixItems") {
        flatten_blocks(items, &|alt: &Value| has_chosen_id(alt, &rel_ids));
        if let Some(rels) = items.as_array_mut() {
            for rel in rels {
                if let Some(decisions) =
                    rel.pointer_mut("/properties/relationship-type/properties/options/prefixItems")
                {
                    flatten_blocks(decisions, &|alt: &Value| {
                        alt.pointer("/properties/description/const")
                            .and_then(Value::as_str)
                            .is_some_and(|d| descriptions.contains(d))
                    });
                }
            }
        }
    }
    out
}

fn has_chosen_id(alternative: &Value, ids: &BTreeSet<&str>) -> bool {
    alternative
        .pointer("/properties/unique-id/const")
        .and_then(Value::as_str)
        .is_some_and(|id| ids.contains(id))
}

/// Replace every `oneOf` / `anyOf` item of `items` with its alternatives that `keep` accepts.
fn flatten_blocks(items: &mut Value, keep: &dyn Fn(&Value) -> bool) {
    let Some(list) = items.as_array() else { return };
    let mut result = Vec::with_capacity(list.len());
    for item in list {
        let block = item
            .get("oneOf")
            .and_then(Value::as_array)
            .or_else(|| item.get("anyOf").and_then(Value::as_array));
        match block {
            Some(alternatives) => result.extend(alternatives.iter().filter(|a| keep(a)).cloned()),
            None => result.push(item.clone()),
        }
    }
    *items = Value::Array(result);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn node(id: &str) -> Value {
        json!({"properties": {"unique-id": {"const": id}}})
    }

    fn decision(desc: &str, nodes: &[&str]) -> Value {
        json!({"properties": {"description": {"const": desc}, "nodes": {"const": nodes}, "relationships": {"const": []}}})
    }

    fn pattern() -> Value {
        json!({
            "properties": {
                "nodes": {"prefixItems": [node("app"), {"anyOf": [node("db-a"), node("db-b")]}]},
                "relationships": {"prefixItems": [
                    {"properties": {
                        "unique-id": {"const": "which-db"},
                        "relationship-type": {"properties": {"options": {"prefixItems": [
                            {"oneOf": [decision("A", &["db-a"]), decision("B", &["db-b"]), decision("Both", &["db-a", "db-b"])]}
                        ]}}}
                    }}
                ]}
            }
        })
    }

    fn arch(choice: Value) -> Value {
        json!({"nodes": [], "relationships": [{"unique-id": "which-db", "relationship-type": {"options": [choice]}}]})
    }

    #[test]
    fn selects_chosen_nodes_and_decision() {
        let out = apply(
            &pattern(),
            &arch(json!({"description": "B", "nodes": ["db-b"], "relationships": []})),
        );
        assert_eq!(
            out["properties"]["nodes"]["prefixItems"],
            json!([node("app"), node("db-b")])
        );
        let decisions = &out.pointer("/properties/relationships/prefixItems/0/properties/relationship-type/properties/options/prefixItems").unwrap();
        assert_eq!(**decisions, json!([decision("B", &["db-b"])]));
    }

    #[test]
    fn both_alternatives_when_both_chosen() {
        let out = apply(
            &pattern(),
            &arch(json!({"description": "Both", "nodes": ["db-a", "db-b"], "relationships": []})),
        );
        assert_eq!(
            out["properties"]["nodes"]["prefixItems"]
                .as_array()
                .unwrap()
                .len(),
            3
        );
    }

    #[test]
    fn no_choice_leaves_pattern_unchanged_and_odd_shapes_do_not_panic() {
        let p = pattern();
        assert_eq!(apply(&p, &json!({"nodes": [], "relationships": []})), p);
        // An empty options array (the reference crashes here) makes no choice.
        let empty = json!({"relationships": [{"relationship-type": {"options": []}}]});
        assert_eq!(apply(&p, &empty), p);
        // A choice without description/nodes, and a pattern without prefixItems.
        let odd = arch(json!({}));
        let out = apply(&p, &odd);
        assert_eq!(
            out["properties"]["nodes"]["prefixItems"],
            json!([node("app")])
        );
        assert_eq!(
            apply(&json!({"type": "object"}), &odd),
            json!({"type": "object"})
        );
        assert_eq!(apply(&json!([1, 2]), &odd), json!([1, 2]));
    }
}
