//! Format-preserving text edits.
//!
//! Recipes compute the new document as a `serde_json::Value`; this module turns the difference
//! between the old and the new value into the smallest set of edits on the original text, through
//! the `jsonc-parser` concrete syntax tree (CST). Untouched bytes stay byte-identical; inserted
//! values take the indentation (spaces, tabs, any width) and newline style of the container they
//! land in, and the key order the recipe gave them.
//!
//! Arrays are aligned element by element (see [`align`]): objects by `unique-id` (or, for flow
//! transitions, by relationship + direction + description), scalars by value, then the leftovers
//! between two matched elements are paired in order. The same alignment drives the RFC 6902
//! patch (`patch.rs`), so the text edit and the patch describe the same change.

use jsonc_parser::ParseOptions;
use jsonc_parser::cst::{CstArray, CstInputValue, CstNode, CstObject, CstRootNode};
use serde_json::{Map, Value};

/// Why an edit could not be applied to the text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("the original text does not parse as JSON: {0}")]
    Parse(String),
    #[error("the document root is not a JSON object")]
    RootNotObject,
    #[error("the text and the value disagree at {0} (was the file changed meanwhile?)")]
    Mismatch(String),
    #[error("the edited text does not match the intended document (internal error at {0})")]
    Verify(String),
}

/// How two arrays line up: each entry is `(old index, new index)`; `None` on one side means the
/// element is removed (old only) or inserted (new only). Entries are in document order.
pub type Alignment = Vec<(Option<usize>, Option<usize>)>;

/// The identity of an array element, used to line up old and new arrays.
fn identity(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(id)) = m.get("unique-id") {
                return format!("id:{id}");
            }
            if let Some(Value::String(rel)) = m.get("relationship-unique-id") {
                let dir = m.get("direction").and_then(Value::as_str).unwrap_or("");
                let desc = m.get("description").and_then(Value::as_str).unwrap_or("");
                return format!("tr:{rel}|{dir}|{desc}");
            }
            if let Some(Value::String(url)) = m.get("requirement-url") {
                return format!("req:{url}");
            }
            format!("v:{v}")
        }
        _ => format!("v:{v}"),
    }
}

/// Whether an old and a new element may be edited in place rather than removed and re-added.
/// Objects pair when at least half of their top-level members are equal (a renamed node or a
/// transition whose relationship was renamed), so unrelated elements are removed and re-added.
fn pairable(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let same = x.iter().filter(|(k, v)| y.get(*k) == Some(*v)).count();
            let total = x.len().max(y.len());
            total > 0 && same * 2 >= total
        }
        (Value::Array(_), Value::Array(_)) => true,
        _ => false,
    }
}

/// Line up two arrays: longest common subsequence on element identity, then in each gap between
/// matches, containers of the same kind are paired in order (an element edited in place, e.g. a
/// transition whose relationship was renamed); everything else is removed or inserted.
pub fn align(old: &[Value], new: &[Value]) -> Alignment {
    let a: Vec<String> = old.iter().map(identity).collect();
    let b: Vec<String> = new.iter().map(identity).collect();
    let (n, m) = (a.len(), b.len());
    let mut matches = common_subsequence(&a, &b);
    matches.push((n, m)); // sentinel
    let mut out = Vec::new();
    let (mut pi, mut pj) = (0, 0);
    for (mi, mj) in matches {
        let olds: Vec<usize> = (pi..mi).collect();
        let news: Vec<usize> = (pj..mj).collect();
        let mut used_new = vec![false; news.len()];
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        let mut next_new = 0;
        for &o in &olds {
            // Pair in order, never crossing an earlier pair.
            if let Some(k) = (next_new..news.len()).find(|&k| pairable(&old[o], &new[news[k]])) {
                pairs.push((o, news[k]));
                used_new[k] = true;
                next_new = k + 1;
            }
        }
        // Emit the gap in new-document order; removals first (their position does not matter).
        for &o in &olds {
            if !pairs.iter().any(|p| p.0 == o) {
                out.push((Some(o), None));
            }
        }
        for (k, &nw) in news.iter().enumerate() {
            if used_new[k] {
                let o = pairs.iter().find(|p| p.1 == nw).map(|p| p.0);
                out.push((o, Some(nw)));
            } else {
                out.push((None, Some(nw)));
            }
        }
        if mi < n && mj < m {
            out.push((Some(mi), Some(mj)));
        }
        pi = mi + 1;
        pj = mj + 1;
    }
    out
}

/// Above this many cells (n·m) the LCS table is not built: 4 M cells are 16 MB and a few tens
/// of milliseconds; a 10,000-node array would need 400 MB.
const LCS_CELLS: usize = 4_000_000;

/// Matched `(old, new)` index pairs, in order: a longest common subsequence of the identities.
/// Arrays of up to [`LCS_CELLS`] get the exact table. Larger ones (the nodes of a
/// 10,000-node model) first match their common head and tail, which is all a recipe leaves
/// unchanged around its edit; a middle still too large is matched on the identities that occur
/// once on each side (patience diff: the longest increasing run of their new positions).
fn common_subsequence(a: &[String], b: &[String]) -> Vec<(usize, usize)> {
    if a.len().saturating_mul(b.len()) <= LCS_CELLS {
        return lcs(a, b);
    }
    let head = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (am, bm) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
    let middle = if am.len().saturating_mul(bm.len()) <= LCS_CELLS {
        lcs(am, bm)
    } else {
        patience(am, bm)
    };
    (0..head)
        .map(|i| (i, i))
        .chain(middle.into_iter().map(|(i, j)| (i + head, j + head)))
        .chain((0..tail).map(|k| (a.len() - tail + k, b.len() - tail + k)))
        .collect()
}

/// The classic O(n·m) longest common subsequence, preferring to advance in `a` on ties.
fn lcs(a: &[String], b: &[String]) -> Vec<(usize, usize)> {
    let (n, m) = (a.len(), b.len());
    let mut table = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[i][j] = if a[i] == b[j] {
                table[i + 1][j + 1] + 1
            } else {
                table[i + 1][j].max(table[i][j + 1])
            };
        }
    }
    let mut matches = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if a[i] == b[j] {
            matches.push((i, j));
            i += 1;
            j += 1;
        } else if table[i + 1][j] >= table[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    matches
}

/// Patience matching: the identities that occur exactly once in `a` and once in `b`, kept
/// where their positions increase together (longest increasing subsequence, O(k log k)).
fn patience(a: &[String], b: &[String]) -> Vec<(usize, usize)> {
    use std::collections::HashMap;
    let mut count: HashMap<&str, (u32, u32, usize)> = HashMap::new();
    for s in a {
        count.entry(s).or_default().0 += 1;
    }
    for (j, s) in b.iter().enumerate() {
        let e = count.entry(s).or_default();
        e.1 += 1;
        e.2 = j;
    }
    let pairs: Vec<(usize, usize)> = a
        .iter()
        .enumerate()
        .filter_map(|(i, s)| match count[s.as_str()] {
            (1, 1, j) => Some((i, j)),
            _ => None,
        })
        .collect();
    // tails[k]: index into `pairs` of the smallest last `j` of an increasing run of length k+1.
    let mut tails: Vec<usize> = Vec::new();
    let mut prev: Vec<Option<usize>> = vec![None; pairs.len()];
    for (p, &(_, j)) in pairs.iter().enumerate() {
        let k = tails.partition_point(|&t| pairs[t].1 < j);
        prev[p] = k.checked_sub(1).map(|k| tails[k]);
        if k == tails.len() {
            tails.push(p);
        } else {
            tails[k] = p;
        }
    }
    let mut out = Vec::with_capacity(tails.len());
    let mut cur = tails.last().copied();
    while let Some(p) = cur {
        out.push(pairs[p]);
        cur = prev[p];
    }
    out.reverse();
    out
}

/// Convert a JSON value into the CST's input form (numbers keep serde_json's spelling).
pub fn to_input(v: &Value) -> CstInputValue {
    match v {
        Value::Null => CstInputValue::Null,
        Value::Bool(b) => CstInputValue::Bool(*b),
        Value::Number(n) => CstInputValue::Number(n.to_string()),
        Value::String(s) => CstInputValue::String(s.clone()),
        Value::Array(a) => CstInputValue::Array(a.iter().map(to_input).collect()),
        Value::Object(m) => {
            CstInputValue::Object(m.iter().map(|(k, v)| (k.clone(), to_input(v))).collect())
        }
    }
}

/// Apply the change `old` → `new` to `text` (which must parse to `old`), touching only what
/// differs. The result is checked to parse back to exactly `new`.
pub fn apply(text: &str, old: &Value, new: &Value) -> Result<String, EditError> {
    if old == new {
        return Ok(text.to_string());
    }
    let root = CstRootNode::parse(text, &ParseOptions::default())
        .map_err(|e| EditError::Parse(e.to_string()))?;
    let obj = root.object_value().ok_or(EditError::RootNotObject)?;
    let (Value::Object(om), Value::Object(nm)) = (old, new) else {
        return Err(EditError::RootNotObject);
    };
    edit_object(&obj, om, nm, "")?;
    let out = root.to_string();
    let reparsed: Value =
        serde_json::from_str(&out).map_err(|e| EditError::Verify(e.to_string()))?;
    if &reparsed != new {
        return Err(EditError::Verify(first_difference(&reparsed, new, "")));
    }
    Ok(out)
}

fn first_difference(a: &Value, b: &Value, at: &str) -> String {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in y {
                match x.get(k) {
                    Some(w) if w != v => return first_difference(w, v, &format!("{at}/{k}")),
                    None => return format!("{at}/{k} (missing)"),
                    _ => {}
                }
            }
            format!("{at} (extra keys)")
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                if v != w {
                    return first_difference(v, w, &format!("{at}/{i}"));
                }
            }
            at.to_string()
        }
        _ => {
            if at.is_empty() {
                "/".to_string()
            } else {
                at.to_string()
            }
        }
    }
}

fn edit_object(
    obj: &CstObject,
    old: &Map<String, Value>,
    new: &Map<String, Value>,
    at: &str,
) -> Result<(), EditError> {
    // Removed keys.
    for k in old.keys() {
        if !new.contains_key(k) {
            let prop = obj
                .get(k)
                .ok_or_else(|| EditError::Mismatch(format!("{at}/{k}")))?;
            prop.remove();
        }
    }
    // Changed values.
    for (k, nv) in new {
        let Some(ov) = old.get(k) else { continue };
        if ov == nv {
            continue;
        }
        let prop = obj
            .get(k)
            .ok_or_else(|| EditError::Mismatch(format!("{at}/{k}")))?;
        let path = format!("{at}/{k}");
        match (ov, nv) {
            (Value::Object(o), Value::Object(n)) => {
                let child = prop
                    .object_value()
                    .ok_or(EditError::Mismatch(path.clone()))?;
                edit_object(&child, o, n, &path)?;
            }
            (Value::Array(o), Value::Array(n)) => {
                let child = prop
                    .array_value()
                    .ok_or(EditError::Mismatch(path.clone()))?;
                edit_array(&child, o, n, &path)?;
            }
            _ => prop.set_value(to_input(nv)),
        }
    }
    // Added keys, placed after the kept key that precedes them in the new order.
    let mut present: Vec<&str> = new
        .keys()
        .filter(|k| old.contains_key(*k))
        .map(String::as_str)
        .collect();
    for (k, nv) in new {
        if old.contains_key(k) {
            continue;
        }
        let new_keys: Vec<&str> = new.keys().map(String::as_str).collect();
        let pos_in_new = new_keys.iter().position(|x| *x == k).unwrap_or(0);
        let index = new_keys[..pos_in_new]
            .iter()
            .filter(|x| present.contains(x))
            .count();
        // `present` is kept in CST order: old keys in their original order plus inserted ones.
        let cst_index = cst_index_for(obj, &new_keys[..pos_in_new], index);
        obj.insert(cst_index, k, to_input(nv));
        present.push(k);
    }
    Ok(())
}

/// Index at which to insert a new property so that it follows every property that precedes it
/// in the new key order (and which already exists in the CST object).
fn cst_index_for(obj: &CstObject, preceding: &[&str], _fallback: usize) -> usize {
    let props = obj.properties();
    let mut idx = 0;
    for (i, p) in props.iter().enumerate() {
        if let Some(name) = p.name().and_then(|n| n.decoded_value().ok())
            && preceding.contains(&name.as_str())
        {
            idx = i + 1;
        }
    }
    idx
}

fn edit_array(arr: &CstArray, old: &[Value], new: &[Value], at: &str) -> Result<(), EditError> {
    let elements: Vec<CstNode> = arr.elements();
    if elements.len() != old.len() {
        return Err(EditError::Mismatch(at.to_string()));
    }
    let alignment = align(old, new);
    // 1. Edit paired elements in place (CST handles stay valid across sibling edits).
    for (o, n) in &alignment {
        if let (Some(o), Some(n)) = (o, n) {
            if old[*o] == new[*n] {
                continue;
            }
            let path = format!("{at}/{o}");
            match (&old[*o], &new[*n], &elements[*o]) {
                (Value::Object(a), Value::Object(b), CstNode::Container(c)) => {
                    let child = c.as_object().ok_or(EditError::Mismatch(path.clone()))?;
                    edit_object(&child, a, b, &path)?;
                }
                (Value::Array(a), Value::Array(b), CstNode::Container(c)) => {
                    let child = c.as_array().ok_or(EditError::Mismatch(path.clone()))?;
                    edit_array(&child, a, b, &path)?;
                }
                _ => return Err(EditError::Mismatch(path)),
            }
        }
    }
    // 2. Remove, then 3. insert at the new positions, ascending.
    for (o, n) in &alignment {
        if let (Some(o), None) = (o, n) {
            elements[*o].clone().remove();
        }
    }
    for (o, n) in &alignment {
        if let (None, Some(n)) = (o, n) {
            arr.insert(*n, to_input(&new[*n]));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn roundtrip(text: &str, f: impl FnOnce(&mut Value)) -> String {
        let old: Value = serde_json::from_str(text).unwrap();
        let mut new = old.clone();
        f(&mut new);
        apply(text, &old, &new).unwrap()
    }

    #[test]
    fn unchanged_is_identical() {
        let t = "{\n\t\"a\" : [1,2],  \"b\":{}\n}\n";
        assert_eq!(roundtrip(t, |_| {}), t);
    }

    #[test]
    fn tab_indentation_is_followed() {
        let t = "{\n\t\"nodes\": [\n\t\t{\n\t\t\t\"unique-id\": \"a\"\n\t\t}\n\t]\n}\n";
        let out = roundtrip(t, |v| {
            v["nodes"]
                .as_array_mut()
                .unwrap()
                .push(json!({"unique-id": "b", "x": [1]}))
        });
        assert_eq!(
            out,
            "{\n\t\"nodes\": [\n\t\t{\n\t\t\t\"unique-id\": \"a\"\n\t\t},\n\t\t{\n\t\t\t\"unique-id\": \"b\",\n\t\t\t\"x\": [1]\n\t\t}\n\t]\n}\n"
        );
    }

    #[test]
    fn four_space_and_compact_array() {
        let t = "{\n    \"r\": {\"nodes\": [\"a\", \"b\"]},\n    \"k\": 1\n}";
        let out = roundtrip(t, |v| {
            v["r"]["nodes"][1] = json!("c");
            v["r"]["nodes"].as_array_mut().unwrap().push(json!("d"));
        });
        assert_eq!(
            out,
            "{\n    \"r\": {\"nodes\": [\"a\", \"c\", \"d\"]},\n    \"k\": 1\n}"
        );
    }

    #[test]
    fn keys_inserted_in_order_and_removed() {
        let t = "{\n  \"a\": 1,\n  \"c\": 3,\n  \"d\": 4\n}";
        let out = roundtrip(t, |v| {
            let m = v.as_object_mut().unwrap();
            let mut n = Map::new();
            n.insert("a".into(), json!(1));
            n.insert("b".into(), json!("two"));
            n.insert("c".into(), json!(3));
            let _ = m;
            *v = Value::Object(n);
        });
        assert_eq!(out, "{\n  \"a\": 1,\n  \"b\": \"two\",\n  \"c\": 3\n}");
    }

    #[test]
    fn crlf_files_stay_crlf() {
        let t = "{\r\n  \"nodes\": [\r\n    {\"unique-id\": \"a\"}\r\n  ]\r\n}\r\n";
        let out = roundtrip(t, |v| {
            v["nodes"]
                .as_array_mut()
                .unwrap()
                .push(json!({"unique-id": "b", "k": {"x": 1}}))
        });
        assert!(
            out.starts_with("{\r\n  \"nodes\": [\r\n    {\"unique-id\": \"a\"},"),
            "{out:?}"
        );
        assert!(
            !out.replace("\r\n", "").contains('\n'),
            "a bare LF was inserted: {out:?}"
        );
    }

    /// Arrays too large for the LCS table (2,500 × 2,500 cells) align through their common head
    /// and tail and patience matching, to the same answer on a typical edit.
    #[test]
    fn large_arrays_align_without_the_quadratic_table() {
        let node = |id: &str| json!({"unique-id": id, "node-type": "service"});
        let old: Vec<Value> = (0..2500).map(|i| node(&format!("n{i}"))).collect();
        let mut new = old.clone();
        new.remove(2000);
        new[1500] = json!({"unique-id": "n1500", "node-type": "database"});
        new.insert(1000, node("x"));
        new.push(node("last"));
        let al = align(&old, &new);
        assert_eq!(
            al.len(),
            2500 + 2,
            "one removal, one pairing and two insertions"
        );
        assert!(al.contains(&(None, Some(1000))));
        assert!(al.contains(&(Some(2000), None)));
        assert!(al.contains(&(Some(1500), Some(1501))));
        assert!(al.contains(&(Some(2499), Some(2499))));
        assert_eq!(al.last(), Some(&(None, Some(2500))));
        // In order on both sides.
        let olds: Vec<usize> = al.iter().filter_map(|p| p.0).collect();
        let news: Vec<usize> = al.iter().filter_map(|p| p.1).collect();
        assert_eq!(olds, (0..2500).collect::<Vec<_>>());
        assert_eq!(news, (0..2501).collect::<Vec<_>>());
        // A shuffled middle still matches what it can in order.
        let mut moved = old.clone();
        moved.swap(10, 2400);
        let al = align(&old, &moved);
        let kept = al
            .iter()
            .filter(|p| matches!(p, (Some(_), Some(_))))
            .count();
        assert!(kept >= 2498, "{kept}");
    }

    #[test]
    fn alignment_by_id_and_gap_pairing() {
        let old = vec![
            json!({"unique-id": "x"}),
            json!({"relationship-unique-id": "r", "sequence-number": 1}),
        ];
        let new = vec![
            json!({"unique-id": "w"}),
            json!({"unique-id": "x", "k": 1}),
            json!({"relationship-unique-id": "r2", "sequence-number": 1}),
        ];
        let al = align(&old, &new);
        assert_eq!(
            al,
            vec![(None, Some(0)), (Some(0), Some(1)), (Some(1), Some(2))]
        );
    }
}
