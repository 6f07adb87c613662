//! ADR links: the architecture's `adrs` list and ADR references in element metadata.

use super::{ElementChange, Op, Renames, Section};
use calm_model::Document;
use serde_json::Value;
use std::collections::BTreeSet;

pub fn is_adr_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k == "adr"
        || k == "adrs"
        || k.ends_with("-adr")
        || k.starts_with("adr-")
        || k == "decision-record"
}

/// Every ADR link in element metadata: (scope, path), old scopes mapped to new ids.
pub fn adr_links(doc: &Document, renames: Option<&Renames>) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    let mut take = |scope: String, md: calm_model::Metadata| {
        for (k, v) in md.iter() {
            if !is_adr_key(k) {
                continue;
            }
            let values: Vec<&str> = match v {
                Value::String(s) => vec![s.as_str()],
                Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            for s in values {
                out.insert((scope.clone(), s.to_string()));
            }
        }
    };
    take("architecture".into(), doc.metadata());
    for n in doc.nodes() {
        let id = renames
            .map(|r| r.node(n.unique_id()))
            .unwrap_or(n.unique_id());
        take(format!("node:{id}"), n.metadata());
    }
    for r in doc.relationships() {
        let id = renames
            .map(|m| m.relationship(r.unique_id()))
            .unwrap_or(r.unique_id());
        take(format!("relationship:{id}"), r.metadata());
    }
    for f in doc.flows() {
        let id = renames
            .map(|m| m.flow(f.unique_id()))
            .unwrap_or(f.unique_id());
        take(format!("flow:{id}"), f.metadata());
    }
    out
}

pub(super) fn adr_changes(
    old: &Document,
    new: &Document,
    renames: &Renames,
    out: &mut Vec<ElementChange>,
) {
    let oa: Vec<&str> = old.adrs().collect();
    let na: Vec<&str> = new.adrs().collect();
    for a in &na {
        if !oa.contains(a) {
            out.push(ElementChange {
                section: Section::Adr,
                op: Op::Added,
                id: a.to_string(),
                old_id: None,
                scope: Some("architecture".into()),
                summary: format!("adrs lists {a}"),
                details: Vec::new(),
            });
        }
    }
    for a in &oa {
        if !na.contains(a) {
            out.push(ElementChange {
                section: Section::Adr,
                op: Op::Removed,
                id: a.to_string(),
                old_id: None,
                scope: Some("architecture".into()),
                summary: format!("adrs no longer lists {a}"),
                details: Vec::new(),
            });
        }
    }
    let ol = adr_links(old, Some(renames));
    let nl = adr_links(new, None);
    for (scope, path) in nl.difference(&ol) {
        out.push(ElementChange {
            section: Section::Adr,
            op: Op::Added,
            id: path.clone(),
            old_id: None,
            scope: Some(scope.clone()),
            summary: format!("{scope} links {path}"),
            details: Vec::new(),
        });
    }
    for (scope, path) in ol.difference(&nl) {
        out.push(ElementChange {
            section: Section::Adr,
            op: Op::Removed,
            id: path.clone(),
            old_id: None,
            scope: Some(scope.clone()),
            summary: format!("{scope} no longer links {path}"),
            details: Vec::new(),
        });
    }
}
