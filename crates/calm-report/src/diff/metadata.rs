//! Changes of the metadata of the architecture and of paired elements.

use super::pairing::Pairs;
use super::values::details_of;
use super::{ElementChange, Op, Section};
use calm_model::Document;
use serde_json::{Map, Value};

pub(super) fn metadata_changes(
    old: &Document,
    new: &Document,
    nodes: &Pairs,
    rels: &Pairs,
    flows: &Pairs,
    out: &mut Vec<ElementChange>,
) {
    let mut push = |scope: String, om: Map<String, Value>, nm: Map<String, Value>| {
        let details = details_of(&Value::Object(om), &Value::Object(nm), &[]);
        if !details.is_empty() {
            out.push(ElementChange {
                section: Section::Metadata,
                op: Op::Changed,
                id: scope.clone(),
                old_id: None,
                scope: Some(scope.clone()),
                summary: format!("metadata of {scope}"),
                details,
            });
        }
    };
    push(
        "architecture".into(),
        old.metadata().to_map(),
        new.metadata().to_map(),
    );
    let on: Vec<_> = old.nodes().collect();
    for (j, n) in new.nodes().enumerate() {
        if let Some(i) = nodes.old_of(j) {
            push(
                format!("node:{}", n.unique_id()),
                on[i].metadata().to_map(),
                n.metadata().to_map(),
            );
        }
    }
    let or: Vec<_> = old.relationships().collect();
    for (j, r) in new.relationships().enumerate() {
        if let Some(i) = rels.old_of(j) {
            push(
                format!("relationship:{}", r.unique_id()),
                or[i].metadata().to_map(),
                r.metadata().to_map(),
            );
        }
    }
    let of: Vec<_> = old.flows().collect();
    for (j, f) in new.flows().enumerate() {
        if let Some(i) = flows.old_of(j) {
            push(
                format!("flow:{}", f.unique_id()),
                of[i].metadata().to_map(),
                f.metadata().to_map(),
            );
        }
    }
}
