//! Changes of controls (architecture, node, relationship and flow level), with renames of a
//! control re-keyed within its scope.

use super::values::{arr_of, details_of, str_of};
use super::{Detail, ElementChange, Op, Renames, Section};
use calm_model::Document;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

fn all_controls<'a>(
    doc: &'a Document,
    renames: Option<&Renames>,
) -> Vec<(String, &'a str, &'a Value)> {
    let mut out = Vec::new();
    for (k, v) in doc.controls() {
        out.push(("architecture".to_string(), k, v));
    }
    for n in doc.nodes() {
        let id = renames
            .map(|r| r.node(n.unique_id()))
            .unwrap_or(n.unique_id());
        for (k, v) in n.controls() {
            out.push((format!("node:{id}"), k, v));
        }
    }
    for r in doc.relationships() {
        let id = renames
            .map(|m| m.relationship(r.unique_id()))
            .unwrap_or(r.unique_id());
        for (k, v) in r.controls() {
            out.push((format!("relationship:{id}"), k, v));
        }
    }
    for f in doc.flows() {
        let id = renames
            .map(|m| m.flow(f.unique_id()))
            .unwrap_or(f.unique_id());
        for (k, v) in f.controls() {
            out.push((format!("flow:{id}"), k, v));
        }
    }
    out
}

/// A control's requirements keyed by requirement-url (so reordering is not a change).
fn requirements_by_url(v: &Value) -> Value {
    let mut m = Map::new();
    for (i, r) in arr_of(v, "requirements").iter().enumerate() {
        let url = str_of(r, "requirement-url");
        let key = if url.is_empty() {
            format!("#{i}")
        } else {
            url.to_string()
        };
        let mut body = r.clone();
        body.as_object_mut().map(|o| o.remove("requirement-url"));
        m.insert(key, body);
    }
    Value::Object(m)
}

fn control_for_compare(v: &Value) -> Value {
    let mut c = v.clone();
    if let Some(o) = c.as_object_mut() {
        o.insert("requirements".into(), requirements_by_url(v));
    }
    c
}

/// `description; requirement-url {config}` in one line.
pub fn control_summary(scope: &str, key: &str, v: &Value) -> String {
    let desc = str_of(v, "description");
    let mut s = format!("{key} on {scope}");
    if !desc.is_empty() {
        s.push_str(&format!(": {desc}"));
    }
    s
}

/// The requirement-urls of a control, sorted (a control re-keyed in the same scope keeps them).
fn requirement_urls(v: &Value) -> Vec<&str> {
    let mut urls: Vec<&str> = arr_of(v, "requirements")
        .iter()
        .map(|r| str_of(r, "requirement-url"))
        .filter(|u| !u.is_empty())
        .collect();
    urls.sort();
    urls
}

pub(super) fn control_changes(
    old: &Document,
    new: &Document,
    renames: &Renames,
    out: &mut Vec<ElementChange>,
) {
    let oc = all_controls(old, Some(renames));
    let nc = all_controls(new, None);
    let oi: BTreeMap<(&str, &str), &Value> =
        oc.iter().map(|(s, k, v)| ((s.as_str(), *k), *v)).collect();
    let ni: BTreeMap<(&str, &str), &Value> =
        nc.iter().map(|(s, k, v)| ((s.as_str(), *k), *v)).collect();
    // A control whose key changed within one scope, with the same requirement-urls, is renamed.
    let mut renamed: BTreeMap<(&str, &str), &str> = BTreeMap::new();
    let mut renamed_old: BTreeSet<(&str, &str)> = BTreeSet::new();
    for (scope, key, v) in &nc {
        if oi.contains_key(&(scope.as_str(), *key)) {
            continue;
        }
        let urls = requirement_urls(v);
        if urls.is_empty() {
            continue;
        }
        let candidate = oc.iter().find(|(os, ok, ov)| {
            os == scope
                && !ni.contains_key(&(os.as_str(), *ok))
                && !renamed_old.contains(&(os.as_str(), *ok))
                && requirement_urls(ov) == urls
        });
        if let Some((os, ok, _)) = candidate {
            renamed.insert((scope.as_str(), *key), ok);
            renamed_old.insert((os.as_str(), *ok));
        }
    }
    for (scope, key, v) in &nc {
        let here = (scope.as_str(), *key);
        if let Some(old_key) = renamed.get(&here) {
            let ov = oi[&(scope.as_str(), *old_key)];
            out.push(ElementChange {
                section: Section::Control,
                op: Op::Renamed,
                id: key.to_string(),
                old_id: Some(old_key.to_string()),
                scope: Some(scope.clone()),
                summary: format!("{old_key} -> {}", control_summary(scope, key, v)),
                details: details_of(&control_for_compare(ov), &control_for_compare(v), &[]),
            });
            continue;
        }
        match oi.get(&here) {
            None => out.push(ElementChange {
                section: Section::Control,
                op: Op::Added,
                id: key.to_string(),
                old_id: None,
                scope: Some(scope.clone()),
                summary: control_summary(scope, key, v),
                details: requirement_details(v, true),
            }),
            Some(ov) => {
                let details = details_of(&control_for_compare(ov), &control_for_compare(v), &[]);
                if !details.is_empty() {
                    out.push(ElementChange {
                        section: Section::Control,
                        op: Op::Changed,
                        id: key.to_string(),
                        old_id: None,
                        scope: Some(scope.clone()),
                        summary: control_summary(scope, key, v),
                        details,
                    });
                }
            }
        }
    }
    for (scope, key, v) in &oc {
        let here = (scope.as_str(), *key);
        if !ni.contains_key(&here) && !renamed_old.contains(&here) {
            out.push(ElementChange {
                section: Section::Control,
                op: Op::Removed,
                id: key.to_string(),
                old_id: None,
                scope: Some(scope.clone()),
                summary: control_summary(scope, key, v),
                details: requirement_details(v, false),
            });
        }
    }
}

/// The requirements of an added/removed control as details, one per requirement.
fn requirement_details(v: &Value, added: bool) -> Vec<Detail> {
    let mut out = Vec::new();
    if let Value::Object(m) = requirements_by_url(v) {
        for (url, body) in m {
            let path = format!("requirements.{url}");
            let d = if added {
                Detail {
                    path,
                    old: None,
                    new: Some(body),
                }
            } else {
                Detail {
                    path,
                    old: Some(body),
                    new: None,
                }
            };
            out.push(d);
        }
    }
    out
}
