//! Small helpers shared by the rules: a tree walk that builds JSON pointers only on a hit,
//! JSONPath-like lookups (`..key`, `[*]`) and the truthiness of the reference's Spectral rules.

use serde_json::Value;
use std::collections::HashSet;

/// One step from a parent value to a child.
#[derive(Debug, Clone, Copy)]
pub enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// The path from the root to the value being visited.
#[derive(Debug, Default)]
pub struct Path<'a> {
    steps: Vec<Step<'a>>,
}

impl<'a> Path<'a> {
    pub fn pointer(&self) -> String {
        pointer_of(&self.steps)
    }
    pub fn last_key(&self) -> Option<&'a str> {
        match self.steps.last() {
            Some(Step::Key(k)) => Some(k),
            _ => None,
        }
    }
}

pub fn pointer_of(steps: &[Step<'_>]) -> String {
    let mut out = String::new();
    for s in steps {
        out.push('/');
        match s {
            Step::Key(k) => out.push_str(&calm_model::escape_token(k)),
            Step::Index(i) => out.push_str(&i.to_string()),
        }
    }
    out
}

/// Visit every value below `root` (not `root` itself), depth first in document order,
/// like Spectral's `$..*`.
pub fn walk<'a>(root: &'a Value, visit: &mut dyn FnMut(&Path<'a>, &'a Value)) {
    let mut path = Path::default();
    walk_children(root, &mut path, visit);
}

fn walk_children<'a>(
    v: &'a Value,
    path: &mut Path<'a>,
    visit: &mut dyn FnMut(&Path<'a>, &'a Value),
) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                path.steps.push(Step::Key(k));
                visit(path, child);
                walk_children(child, path, visit);
                path.steps.pop();
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                path.steps.push(Step::Index(i));
                visit(path, child);
                walk_children(child, path, visit);
                path.steps.pop();
            }
        }
        _ => {}
    }
}

/// Every value held under an object key named `key`, at any depth (JSONPath `$..key`),
/// with its pointer.
pub fn descendants_named<'a>(root: &'a Value, key: &str) -> Vec<(String, &'a Value)> {
    let mut out = Vec::new();
    walk(root, &mut |p, v| {
        if p.last_key() == Some(key) {
            out.push((p.pointer(), v));
        }
    });
    out
}

/// Every value held under an object key named `key`, at any depth (JSONPath `$..key`), without
/// building pointers (for whole-document scans of large architectures).
pub fn values_named<'a>(root: &'a Value, key: &str) -> Vec<&'a Value> {
    fn go<'a>(v: &'a Value, key: &str, out: &mut Vec<&'a Value>) {
        match v {
            Value::Object(m) => {
                for (k, c) in m {
                    if k == key {
                        out.push(c);
                    }
                    go(c, key, out);
                }
            }
            Value::Array(a) => a.iter().for_each(|c| go(c, key, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    go(root, key, &mut out);
    out
}

/// JavaScript truthiness, as Spectral's `truthy` function sees it.
pub fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0 && !f.is_nan()),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

/// `value == -1` with JavaScript's loose equality (numbers, numeric strings, `[-1]`).
pub fn loosely_minus_one(v: &Value) -> bool {
    match v {
        Value::Number(n) => n.as_f64() == Some(-1.0),
        Value::String(s) => s.trim().parse::<f64>().ok() == Some(-1.0),
        Value::Array(a) => a.len() == 1 && loosely_minus_one(&a[0]),
        _ => false,
    }
}

/// `[[ NAME ]]` where NAME is upper-case letters and underscores, optionally starting with
/// `prefix` (e.g. `BOOLEAN_`). A dozen lines do not warrant a regex engine here.
pub fn is_placeholder(s: &str, prefix: &str) -> bool {
    let Some(inner) = s.strip_prefix("[[").and_then(|r| r.strip_suffix("]]")) else {
        return false;
    };
    let name = inner.trim_matches(|c: char| c.is_ascii_whitespace());
    let Some(rest) = name.strip_prefix(prefix) else {
        return false;
    };
    let ok = |c: char| c.is_ascii_uppercase() || c == '_';
    !rest.is_empty() && rest.chars().all(ok)
}

/// Every string anywhere below `root` (JSONPath `root..*@string()`).
pub fn strings_below<'a>(root: &'a Value, out: &mut HashSet<&'a str>) {
    match root {
        Value::String(s) => {
            out.insert(s);
        }
        Value::Array(a) => a.iter().for_each(|v| strings_below(v, out)),
        Value::Object(m) => m.values().for_each(|v| strings_below(v, out)),
        _ => {}
    }
}

/// Children of a value (`.*` / `[*]`): object member values or array items, with the step.
pub fn children(v: &Value) -> Vec<(Step<'_>, &Value)> {
    match v {
        Value::Object(m) => m.iter().map(|(k, v)| (Step::Key(k), v)).collect(),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .map(|(i, v)| (Step::Index(i), v))
            .collect(),
        _ => Vec::new(),
    }
}

/// Join a base pointer and further steps.
pub fn ptr(base: &str, steps: &[Step<'_>]) -> String {
    format!("{base}{}", pointer_of(steps))
}

/// Quote a list of ids for a message: `'a', 'b'` (at most `max`, then `…`).
pub fn quote_list<'a>(ids: impl IntoIterator<Item = &'a str>, max: usize) -> String {
    let v: Vec<&str> = ids.into_iter().collect();
    let mut s: Vec<String> = v.iter().take(max).map(|i| format!("'{i}'")).collect();
    if v.len() > max {
        s.push(format!("… ({} more)", v.len() - max));
    }
    if s.is_empty() {
        "none".to_string()
    } else {
        s.join(", ")
    }
}

/// The closest id by edit distance, to suggest in messages (`did you mean 'x'?`).
pub fn suggest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = edit_distance(wanted, c);
        let limit = (wanted.len().max(c.len()) / 3).max(1);
        if d <= limit && best.is_none_or(|(bd, bc)| d < bd || (d == bd && c < bc)) {
            best = Some((d, c));
        }
    }
    best.map(|b| b.1)
}

pub fn did_you_mean<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    match suggest(wanted, candidates) {
        Some(s) => format!(" Did you mean '{s}'?"),
        None => String::new(),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > 8 || a.len() > 200 || b.len() > 200 {
        return usize::MAX;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Every value, at any depth, that JavaScript treats as false ("", 0, false, null), as hits whose
/// message ends with `requirement` (shared by the pattern and timeline "no empty properties" rules).
pub fn falsy_values(doc: &Value, requirement: &str) -> Vec<crate::rules::Hit> {
    let mut hits = Vec::new();
    walk(doc, &mut |path, v| {
        if !truthy(v) {
            let what = path
                .last_key()
                .map(|k| format!("`{k}`"))
                .unwrap_or_else(|| "An array item".into());
            hits.push(crate::rules::Hit::new(
                path.pointer(),
                format!("{what} is {v}; {requirement}"),
            ));
        }
    });
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn placeholders() {
        assert!(is_placeholder("[[ NAME ]]", ""));
        assert!(is_placeholder("[[PORT_NUMBER]]", ""));
        assert!(!is_placeholder("[[ name ]]", ""));
        assert!(!is_placeholder("[[  ]]", ""));
        assert!(is_placeholder("[[ BOOLEAN_ENABLED ]]", "BOOLEAN_"));
        assert!(!is_placeholder("[[ ENABLED ]]", "BOOLEAN_"));
    }
    #[test]
    fn js_semantics() {
        assert!(loosely_minus_one(&serde_json::json!(-1)));
        assert!(loosely_minus_one(&serde_json::json!("-1")));
        assert!(!loosely_minus_one(&serde_json::json!(1)));
        assert!(!truthy(&serde_json::json!(0)));
        assert!(truthy(&serde_json::json!([])));
    }
}
