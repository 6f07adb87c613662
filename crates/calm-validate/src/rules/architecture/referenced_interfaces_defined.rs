//! `referenced-interfaces-defined-in-architecture`: interfaces named by connects exist somewhere.

use super::{array, relationship_types};
use crate::diagnostic::Severity;
use crate::rules::util::{Step, children, did_you_mean, ptr};
use crate::rules::{AppliesTo, Hit, ValidationRule, ValidationRuleDoc};
use serde_json::Value;
use std::collections::HashSet;

pub static RULE: ValidationRule = ValidationRule {
    code: "referenced-interfaces-defined-in-architecture",
    severity: Severity::Error,
    applies_to: AppliesTo::Architecture,
    summary: "Every interface listed in a connects relationship is defined on some node.",
    docs: ValidationRuleDoc {
        what_it_does: "Checks each id in `relationship-type.connects.*.interfaces` against the `unique-id`s of all `nodes[*].interfaces[*]`.",
        why_it_matters: "An interface reference that matches nothing usually means a typo or a renamed interface; the connection's protocol, port and host are then unknown.",
        example: "\"destination\": { \"node\": \"api\", \"interfaces\": [\"api-htps\"] }\n(the interface is `api-https`)",
        how_to_fix: "Correct the interface id, or define the interface on the node.",
    },
    check: Some(check),
};

pub(crate) fn all_interface_ids(doc: &Value) -> HashSet<&str> {
    array(doc, "nodes")
        .iter()
        .flat_map(|n| array(n, "interfaces"))
        .filter_map(|i| i.get("unique-id").and_then(Value::as_str))
        .collect()
}

fn check(doc: &Value) -> Vec<Hit> {
    let ifs = all_interface_ids(doc);
    let mut hits = Vec::new();
    for (i, rel_id, rt) in relationship_types(doc) {
        let Some(connects) = rt.get("connects") else {
            continue;
        };
        for (step, end) in children(connects) {
            for (j, itf) in array(end, "interfaces").iter().enumerate() {
                let Some(id) = itf.as_str() else { continue };
                if !ifs.contains(id) {
                    hits.push(Hit::new(
                        ptr(&format!("/relationships/{i}/relationship-type/connects"), &[step, Step::Key("interfaces"), Step::Index(j)]),
                        format!(
                            "Relationship '{rel_id}' references interface '{id}', which no node defines.{}",
                            did_you_mean(id, ifs.iter().copied())
                        ),
                    ));
                }
            }
        }
    }
    hits
}
