//! The 17 pattern rules (the reference's `rules-pattern.ts`). They read the JSON-Schema shape of
//! a pattern: node ids are `properties.nodes.prefixItems[*].properties.unique-id.const` (and the
//! same inside `oneOf` / `anyOf` branches and `items.oneOf` / `items.anyOf` catalogues).

pub mod avoid_boolean_properties;
pub mod connects_references_existing_nodes;
pub mod decision_nodes_in_oneof_anyof;
pub mod decision_relationships_in_oneof_anyof;
pub mod group_const_references_existing_nodes;
pub mod group_references_existing_nodes;
pub mod has_nodes_relationships;
pub mod no_empty_properties;
pub mod nodes_must_be_referenced;
pub mod option_max_one_item;
pub mod option_only_oneof_or_anyof;
pub mod placeholder_numerical;
pub mod placeholder_string;
pub mod referenced_interfaces_defined;
pub mod referenced_interfaces_on_correct_node;
pub mod relationship_references_existing_nodes;
pub mod unique_ids;

use crate::rules::Hit;
use crate::rules::util::{descendants_named, did_you_mean};
use calm_model::escape_token;
use serde_json::Value;

/// One step of a JSONPath-like selector.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Seg<'s> {
    /// `.key`
    Key(&'s str),
    /// `.*` or `[*]`: every member value / array item.
    Any,
    /// `..key`: a member named `key` at any depth below.
    Deep(&'s str),
}

/// Evaluate a selector from the document root; results carry their JSON pointers.
pub(crate) fn select<'a>(root: &'a Value, segs: &[Seg<'_>]) -> Vec<(String, &'a Value)> {
    let mut cur: Vec<(String, &'a Value)> = vec![(String::new(), root)];
    for seg in segs {
        let mut next = Vec::new();
        for (p, v) in &cur {
            match seg {
                Seg::Key(k) => {
                    if let Some(c) = v.get(*k).filter(|_| v.is_object()) {
                        next.push((format!("{p}/{}", escape_token(k)), c));
                    }
                }
                Seg::Any => match v {
                    Value::Object(m) => next.extend(
                        m.iter()
                            .map(|(k, c)| (format!("{p}/{}", escape_token(k)), c)),
                    ),
                    Value::Array(a) => {
                        next.extend(a.iter().enumerate().map(|(i, c)| (format!("{p}/{i}"), c)))
                    }
                    _ => {}
                },
                // Pointers only for hits: every rule walks the whole pattern, and escaping
                // every key on the way (URL keys of `$vocabulary` are costly to escape) made the
                // pattern rules cost more than checking the architecture.
                Seg::Deep(k) => next.extend(
                    descendants_named(v, k)
                        .into_iter()
                        .map(|(ptr, c)| (format!("{p}{ptr}"), c)),
                ),
            }
        }
        cur = next;
    }
    cur
}

/// Node declarations of a pattern: (unique-id const, the node's schema).
pub(crate) fn node_candidates(doc: &Value) -> Vec<(&str, &Value)> {
    candidates(doc, "nodes", true)
}

/// Declarations in `properties.<list>`: positional `prefixItems` (and their oneOf/anyOf
/// branches) and, when `with_items`, the `items.oneOf` / `items.anyOf` catalogues.
pub(crate) fn candidates<'a>(
    doc: &'a Value,
    list: &str,
    with_items: bool,
) -> Vec<(&'a str, &'a Value)> {
    use Seg::*;
    let mut out = Vec::new();
    let mut paths: Vec<Vec<Seg>> = vec![
        vec![Key("properties"), Key(list), Key("prefixItems"), Any],
        vec![
            Key("properties"),
            Key(list),
            Key("prefixItems"),
            Any,
            Key("oneOf"),
            Any,
        ],
        vec![
            Key("properties"),
            Key(list),
            Key("prefixItems"),
            Any,
            Key("anyOf"),
            Any,
        ],
    ];
    if with_items {
        paths.push(vec![
            Key("properties"),
            Key(list),
            Key("items"),
            Key("oneOf"),
            Any,
        ]);
        paths.push(vec![
            Key("properties"),
            Key(list),
            Key("items"),
            Key("anyOf"),
            Any,
        ]);
    }
    for path in paths {
        for (_, node) in select(doc, &path) {
            if let Some(id) = node
                .pointer("/properties/unique-id/const")
                .and_then(Value::as_str)
            {
                out.push((id, node));
            }
        }
    }
    out
}

/// Interface ids declared on one node schema.
pub(crate) fn node_interface_ids(node: &Value) -> Vec<&str> {
    use Seg::*;
    let mut out = Vec::new();
    for path in [
        vec![
            Key("properties"),
            Key("interfaces"),
            Key("prefixItems"),
            Any,
        ],
        vec![
            Key("properties"),
            Key("interfaces"),
            Key("prefixItems"),
            Any,
            Key("oneOf"),
            Any,
        ],
        vec![
            Key("properties"),
            Key("interfaces"),
            Key("prefixItems"),
            Any,
            Key("anyOf"),
            Any,
        ],
        vec![
            Key("properties"),
            Key("interfaces"),
            Key("items"),
            Key("oneOf"),
            Any,
        ],
        vec![
            Key("properties"),
            Key("interfaces"),
            Key("items"),
            Key("anyOf"),
            Any,
        ],
    ] {
        for (_, itf) in select(node, &path) {
            if let Some(id) = itf
                .pointer("/properties/unique-id/const")
                .and_then(Value::as_str)
            {
                out.push(id);
            }
        }
    }
    out
}

/// The shared check of several rules: each selected string must be a declared node id.
pub(crate) fn check_node_refs(
    doc: &Value,
    selected: Vec<(String, &Value)>,
    what: &str,
) -> Vec<Hit> {
    let mut ids: Vec<&str> = node_candidates(doc).into_iter().map(|c| c.0).collect();
    ids.sort();
    ids.dedup();
    selected
        .into_iter()
        .filter_map(|(p, v)| {
            let s = v.as_str().filter(|s| !s.is_empty())?;
            (ids.binary_search(&s).is_err()).then(|| {
                Hit::new(
                    p,
                    format!(
                        "{what} '{s}' is not the unique-id of a node declared in the pattern (properties.nodes).{}",
                        did_you_mean(s, ids.iter().copied())
                    ),
                )
            })
        })
        .collect()
}

/// Ids of `kind` (`nodes` or `relationships`) chosen by an options decision that are declared only
/// as plain entries of `properties.<kind>.prefixItems`, never inside a oneOf/anyOf alternative
/// (shared by the two `...-referenced-in-pattern-decision-must-be-in-oneof-or-anyof-block` rules).
pub(crate) fn decision_elements_not_in_choice(doc: &Value, kind: &'static str) -> Vec<Hit> {
    let ids_at = |segs: &[Seg]| -> Vec<&str> {
        select(doc, segs)
            .into_iter()
            .filter_map(|(_, n)| {
                n.pointer("/properties/unique-id/const")
                    .and_then(Value::as_str)
            })
            .collect()
    };
    let base = [
        Seg::Key("properties"),
        Seg::Key(kind),
        Seg::Key("prefixItems"),
        Seg::Any,
    ];
    let plain = ids_at(&base);
    let mut optional: Vec<&str> = Vec::new();
    for choice in ["oneOf", "anyOf"] {
        optional.extend(ids_at(&[
            base[0],
            base[1],
            base[2],
            base[3],
            Seg::Key(choice),
            Seg::Any,
        ]));
    }
    select(
        doc,
        &[
            Seg::Deep("relationship-type"),
            Seg::Key("properties"),
            Seg::Key("options"),
            Seg::Key("prefixItems"),
            Seg::Any,
            Seg::Deep(kind),
            Seg::Key("const"),
            Seg::Any,
        ],
    )
    .into_iter()
    .filter_map(|(p, v)| {
        let s = v.as_str()?;
        let only_plain = plain.contains(&s) && !optional.contains(&s);
        only_plain.then(|| {
            Hit::new(
                p,
                format!("'{s}' is part of a pattern option and must be declared in a oneOf or anyOf block of properties.{kind}."),
            )
        })
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn selector() {
        let v = json!({"a": {"relationship-type": {"x": {"nodes": ["n1", "n2"]}}}});
        let r = select(
            &v,
            &[Seg::Deep("relationship-type"), Seg::Deep("nodes"), Seg::Any],
        );
        let ptrs: Vec<_> = r.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(
            ptrs,
            vec![
                "/a/relationship-type/x/nodes/0",
                "/a/relationship-type/x/nodes/1"
            ]
        );
        let v = json!({"a/b": [{"c~d": {"nodes": 1}}], "nodes": {"nodes": 2}});
        let r = select(&v, &[Seg::Deep("nodes")]);
        let ptrs: Vec<_> = r.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(ptrs, vec!["/a~1b/0/c~0d/nodes", "/nodes", "/nodes/nodes"]);
    }
}
