//! The change as an RFC 6902 JSON Patch against the original document.
//!
//! Built from the same array alignment as the text edit ([`crate::edit::align`]), so elements
//! are addressed by their index at the moment each operation runs (removals from the end first,
//! then in-place edits, then insertions in ascending order). `json_patch::diff` would compare
//! arrays by position and turn one inserted node into a cascade of replacements.

use crate::edit::align;
use calm_model::escape_token;
use serde_json::{Map, Value, json};

/// RFC 6902 operations that turn `old` into `new` (empty when they are equal).
pub fn diff(old: &Value, new: &Value) -> Vec<Value> {
    let mut ops = Vec::new();
    diff_value(old, new, "", &mut ops);
    ops
}

fn diff_value(old: &Value, new: &Value, at: &str, ops: &mut Vec<Value>) {
    if old == new {
        return;
    }
    match (old, new) {
        (Value::Object(o), Value::Object(n)) => diff_object(o, n, at, ops),
        (Value::Array(o), Value::Array(n)) => diff_array(o, n, at, ops),
        _ => ops.push(json!({"op": "replace", "path": at, "value": new})),
    }
}

fn diff_object(old: &Map<String, Value>, new: &Map<String, Value>, at: &str, ops: &mut Vec<Value>) {
    for k in old.keys() {
        if !new.contains_key(k) {
            ops.push(json!({"op": "remove", "path": format!("{at}/{}", escape_token(k))}));
        }
    }
    for (k, nv) in new {
        let path = format!("{at}/{}", escape_token(k));
        match old.get(k) {
            Some(ov) => diff_value(ov, nv, &path, ops),
            None => ops.push(json!({"op": "add", "path": path, "value": nv})),
        }
    }
}

fn diff_array(old: &[Value], new: &[Value], at: &str, ops: &mut Vec<Value>) {
    let alignment = align(old, new);
    let mut removed: Vec<usize> = alignment
        .iter()
        .filter_map(|p| if p.1.is_none() { p.0 } else { None })
        .collect();
    removed.sort_unstable_by(|a, b| b.cmp(a));
    for o in &removed {
        ops.push(json!({"op": "remove", "path": format!("{at}/{o}")}));
    }
    // After the removals, kept element `o` sits at `o - (removals before it)`.
    for (o, n) in &alignment {
        if let (Some(o), Some(n)) = (o, n) {
            let shifted = o - removed.iter().filter(|r| *r < o).count();
            diff_value(&old[*o], &new[*n], &format!("{at}/{shifted}"), ops);
        }
    }
    for (o, n) in &alignment {
        if let (None, Some(n)) = (o, n) {
            ops.push(json!({"op": "add", "path": format!("{at}/{n}"), "value": new[*n]}));
        }
    }
}

/// Apply a patch made by [`diff`] (used to check it, and by tools that hold a patch).
pub fn apply(doc: &Value, ops: &[Value]) -> Result<Value, String> {
    let patch: json_patch::Patch =
        serde_json::from_value(Value::Array(ops.to_vec())).map_err(|e| e.to_string())?;
    let mut out = doc.clone();
    json_patch::patch(&mut out, &patch).map_err(|e| e.to_string())?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patch_reproduces_new_document() {
        let old = json!({"nodes": [{"unique-id": "a"}, {"unique-id": "b", "x": 1}, {"unique-id": "c"}],
                         "m": {"k": 1, "gone": true}});
        let new = json!({"nodes": [{"unique-id": "z"}, {"unique-id": "b", "x": 2}, {"unique-id": "d"}],
                         "m": {"k": 1, "a/b": ["x"]}});
        let ops = diff(&old, &new);
        assert_eq!(apply(&old, &ops).unwrap(), new);
        assert!(ops.iter().any(|o| o["path"] == "/m/a~1b"));
        assert!(diff(&new, &new).is_empty());
    }
}
