//! Field-level comparison of JSON values, and small JSON accessors the diff shares.

use super::Detail;
use serde_json::Value;

/// Differences between two JSON values, recursing into objects; other values compare whole.
pub fn value_details(
    prefix: &str,
    old: Option<&Value>,
    new: Option<&Value>,
    skip: &[&str],
    out: &mut Vec<Detail>,
) {
    match (old, new) {
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            let mut keys: Vec<&String> = a.keys().collect();
            keys.extend(b.keys().filter(|k| !a.contains_key(*k)));
            for k in keys {
                if prefix.is_empty() && skip.contains(&k.as_str()) {
                    continue;
                }
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                value_details(&path, a.get(k), b.get(k), &[], out);
            }
        }
        (a, b) if a != b => {
            out.push(Detail {
                path: prefix.to_string(),
                old: a.cloned(),
                new: b.cloned(),
            });
        }
        _ => {}
    }
}

pub(super) fn details_of(old: &Value, new: &Value, skip: &[&str]) -> Vec<Detail> {
    let mut out = Vec::new();
    value_details("", Some(old), Some(new), skip, &mut out);
    out
}

pub(super) fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

pub(super) fn arr_of<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// Compact one-line JSON for messages (strings unquoted).
pub fn compact(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}
