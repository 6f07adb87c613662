//! Properties of the structural diff on our fixtures: order does not matter, and every deleted
//! transition, flow or node is reported as such.

mod common;

use calm_model::Document;
use calm_report::{Op, Section, structural_diff};
use common::fixture;
use proptest::prelude::*;
use serde_json::Value;

fn docs() -> Vec<Value> {
    [
        "clinic-v1.json",
        "clinic-v2.json",
        "telemetry-v1.json",
        "telemetry-v2.json",
    ]
    .iter()
    .map(|n| fixture(n).doc.value)
    .collect()
}

/// Rotate and optionally reverse an array (a permutation proptest can shrink).
fn permute(a: &mut [Value], rot: usize, rev: bool) {
    if a.is_empty() {
        return;
    }
    let k = rot % a.len();
    a.rotate_left(k);
    if rev {
        a.reverse();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn permuting_arrays_changes_nothing(which in 0usize..4, rot in 0usize..16, rev in any::<bool>()) {
        let v = docs()[which].clone();
        let mut p = v.clone();
        for key in ["nodes", "relationships", "flows"] {
            if let Some(a) = p.get_mut(key).and_then(Value::as_array_mut) {
                permute(a, rot, rev);
            }
        }
        let d = structural_diff(&Document::from_value("a", &v), &Document::from_value("b", &p));
        prop_assert!(d.is_empty(), "{:?}", d.changes);
    }

    #[test]
    fn every_deleted_transition_is_reported(which in 0usize..4, f in 0usize..8, t in 0usize..8) {
        let v = docs()[which].clone();
        let flows = v["flows"].as_array().unwrap();
        let fi = f % flows.len();
        let transitions = flows[fi]["transitions"].as_array().unwrap();
        let ti = t % transitions.len();
        let gone = transitions[ti].clone();
        let mut p = v.clone();
        p["flows"][fi]["transitions"].as_array_mut().unwrap().remove(ti);
        let d = structural_diff(&Document::from_value("a", &v), &Document::from_value("b", &p));
        let id = format!("{}#{}", gone["relationship-unique-id"].as_str().unwrap(), gone["sequence-number"]);
        let scope = format!("flow:{}", flows[fi]["unique-id"].as_str().unwrap());
        prop_assert!(
            d.changes.iter().any(|c| c.section == Section::Transition && c.op == Op::Removed && c.id == id && c.scope.as_deref() == Some(scope.as_str())),
            "{id} in {scope}: {:?}", d.changes
        );
    }

    #[test]
    fn every_deleted_flow_or_node_is_reported(which in 0usize..4, k in 0usize..16, flow in any::<bool>()) {
        let v = docs()[which].clone();
        let (key, section) = if flow { ("flows", Section::Flow) } else { ("nodes", Section::Node) };
        let n = v[key].as_array().unwrap().len();
        let gone = v[key][k % n]["unique-id"].as_str().unwrap().to_string();
        let mut p = v.clone();
        p[key].as_array_mut().unwrap().remove(k % n);
        let d = structural_diff(&Document::from_value("a", &v), &Document::from_value("b", &p));
        prop_assert!(d.changes.iter().any(|c| c.section == section && c.op == Op::Removed && c.id == gone), "{gone}: {:?}", d.changes);
    }
}
