//! One synthetic case per rule (38): a document that triggers it (with the expected pointer of
//! the first hit) and a close variant that does not. This covers the 20 rules the corpus never
//! triggers (boolean placeholders, interface references, composition, pattern groups, options
//! decisions, timeline rules, ...). A few cases also run through the engine to check codes,
//! severities, buckets and located positions.

use calm_model::Document;
use calm_validate::rules::{self, AppliesTo};
use calm_validate::{Bucket, Config, Severity, Validator};
use serde_json::{Value, json};

struct Case {
    code: &'static str,
    bad: Value,
    pointer: &'static str,
    good: Value,
}

fn arch(nodes: Value, rels: Value) -> Value {
    json!({ "nodes": nodes, "relationships": rels })
}

fn node(id: &str) -> Value {
    json!({ "unique-id": id, "node-type": "service", "name": id, "description": "d" })
}

fn node_with_ifs(id: &str, ifs: &[&str]) -> Value {
    let mut n = node(id);
    n["interfaces"] = ifs
        .iter()
        .map(|i| json!({ "unique-id": i, "port": 443 }))
        .collect();
    n
}

fn connects(id: &str, s: &str, d: &str) -> Value {
    json!({ "unique-id": id, "relationship-type": { "connects": { "source": { "node": s }, "destination": { "node": d } } } })
}

fn connects_ifs(id: &str, s: &str, d: &str, d_ifs: &[&str]) -> Value {
    json!({ "unique-id": id, "relationship-type": { "connects": { "source": { "node": s }, "destination": { "node": d, "interfaces": d_ifs } } } })
}

/// A pattern declaring nodes `a` and `b` and one constant connects relationship.
fn pattern(rel_const: Value) -> Value {
    json!({
        "$schema": "https://calm.finos.org/release/1.2/meta/calm.json",
        "type": "object",
        "properties": {
            "nodes": { "type": "array", "prefixItems": [
                { "properties": { "unique-id": { "const": "a" }, "interfaces": { "type": "array", "prefixItems": [
                    { "properties": { "unique-id": { "const": "a-http" } } } ] } } },
                { "properties": { "unique-id": { "const": "b" } } }
            ] },
            "relationships": { "type": "array", "prefixItems": [
                { "properties": { "unique-id": { "const": "r" }, "relationship-type": { "const": rel_const } } }
            ] }
        }
    })
}

fn ab_connects() -> Value {
    json!({ "connects": { "source": { "node": "a" }, "destination": { "node": "b" } } })
}

/// A pattern whose relationship is an options decision with the given prefixItems.
fn options_pattern(nodes_prefix: Value, option_items: Value) -> Value {
    json!({
        "type": "object",
        "properties": {
            "nodes": { "type": "array", "prefixItems": nodes_prefix },
            "relationships": { "type": "array", "prefixItems": [
                { "properties": { "unique-id": { "const": "choice" }, "relationship-type": { "type": "object", "properties": {
                    "options": { "type": "array", "prefixItems": option_items } } } } }
            ] }
        }
    })
}

fn decl(id: &str) -> Value {
    json!({ "properties": { "unique-id": { "const": id } } })
}

fn decision(nodes: &[&str]) -> Value {
    json!({ "oneOf": [ { "properties": { "description": { "const": "x" }, "nodes": { "const": nodes }, "relationships": { "const": ["rel-x"] } } } ] })
}

fn timeline(current: Option<&str>, moments: Value) -> Value {
    let mut t = json!({ "moments": moments });
    if let Some(c) = current {
        t["current-moment"] = json!(c);
    }
    t
}

fn moment(id: &str, valid_from: Option<&str>) -> Value {
    let mut m = json!({ "unique-id": id, "node-type": "moment", "name": id, "description": "d", "details": { "detailed-architecture": "a.json" } });
    if let Some(v) = valid_from {
        m["valid-from"] = json!(v);
    }
    m
}

fn cases() -> Vec<Case> {
    let ab = || json!([node("a"), node("b")]);
    let rel_ab = || json!([connects("r", "a", "b")]);
    vec![
        // ---- architecture (14)
        Case {
            code: "architecture-has-nodes-relationships",
            bad: json!({ "nodes": [] }),
            pointer: "/relationships",
            good: json!({ "nodes": [], "relationships": [] }),
        },
        Case {
            code: "architecture-has-no-empty-string-properties",
            bad: arch(
                json!([{ "unique-id": "a", "node-type": "service", "name": "A", "description": "" }]),
                json!([]),
            ),
            pointer: "/nodes/0/description",
            good: arch(json!([node("a")]), json!([])),
        },
        Case {
            code: "architecture-has-no-placeholder-properties-numerical",
            bad: arch(
                json!([{ "unique-id": "a", "interfaces": [{ "unique-id": "i", "port": -1 }] }]),
                json!([]),
            ),
            pointer: "/nodes/0/interfaces/0/port",
            good: arch(
                json!([{ "unique-id": "a", "interfaces": [{ "unique-id": "i", "port": 8080 }] }]),
                json!([]),
            ),
        },
        Case {
            code: "architecture-has-no-placeholder-properties-string",
            bad: arch(
                json!([{ "unique-id": "a", "name": "[[ NAME ]]" }]),
                json!([]),
            ),
            pointer: "/nodes/0/name",
            good: arch(
                json!([{ "unique-id": "a", "name": "[[ not a placeholder ]]" }]),
                json!([]),
            ),
        },
        Case {
            code: "architecture-has-no-placeholder-properties-boolean",
            bad: arch(
                json!([{ "unique-id": "a", "metadata": { "encrypted": "[[ BOOLEAN_ENCRYPTED ]]" } }]),
                json!([]),
            ),
            pointer: "/nodes/0/metadata/encrypted",
            good: arch(
                json!([{ "unique-id": "a", "metadata": { "encrypted": true } }]),
                json!([]),
            ),
        },
        Case {
            code: "relationship-references-existing-nodes-in-architecture",
            bad: arch(
                ab(),
                json!([{ "unique-id": "r", "relationship-type": { "interacts": { "actor": "ghost", "nodes": ["a"] } } }]),
            ),
            pointer: "/relationships/0/relationship-type/interacts/actor",
            good: arch(
                ab(),
                json!([{ "unique-id": "r", "relationship-type": { "interacts": { "actor": "b", "nodes": ["a"] } } }]),
            ),
        },
        Case {
            code: "connects-relationship-references-existing-nodes-in-architecture",
            bad: arch(ab(), json!([connects("r", "a", "c")])),
            pointer: "/relationships/0/relationship-type/connects/destination/node",
            good: arch(ab(), rel_ab()),
        },
        Case {
            code: "referenced-interfaces-defined-in-architecture",
            bad: arch(
                json!([node("a"), node_with_ifs("b", &["b-http"])]),
                json!([connects_ifs("r", "a", "b", &["b-htps"])]),
            ),
            pointer: "/relationships/0/relationship-type/connects/destination/interfaces/0",
            good: arch(
                json!([node("a"), node_with_ifs("b", &["b-http"])]),
                json!([connects_ifs("r", "a", "b", &["b-http"])]),
            ),
        },
        Case {
            code: "referenced-interfaces-defined-on-correct-node-in-architecture",
            bad: arch(
                json!([
                    node_with_ifs("a", &["a-http"]),
                    node_with_ifs("b", &["b-http"])
                ]),
                json!([connects_ifs("r", "a", "b", &["a-http"])]),
            ),
            pointer: "/relationships/0/relationship-type/connects/destination/interfaces/0",
            good: arch(
                json!([
                    node_with_ifs("a", &["a-http"]),
                    node_with_ifs("b", &["b-http"])
                ]),
                json!([connects_ifs("r", "a", "b", &["b-http"])]),
            ),
        },
        Case {
            code: "composition-relationships-reference-existing-nodes-in-architecture",
            bad: arch(
                ab(),
                json!([{ "unique-id": "r", "relationship-type": { "composed-of": { "container": "a", "nodes": ["b", "ghost"] } } }]),
            ),
            pointer: "/relationships/0/relationship-type/composed-of/nodes/1",
            good: arch(
                ab(),
                json!([{ "unique-id": "r", "relationship-type": { "composed-of": { "container": "a", "nodes": ["b"] } } }]),
            ),
        },
        Case {
            code: "architecture-nodes-must-be-referenced",
            bad: arch(json!([node("a"), node("b"), node("lonely")]), rel_ab()),
            pointer: "/nodes/2/unique-id",
            good: arch(ab(), rel_ab()),
        },
        Case {
            code: "unique-ids-must-be-unique-in-architecture",
            bad: arch(json!([node("a"), node_with_ifs("b", &["a"])]), json!([])),
            pointer: "/nodes/1/interfaces/0/unique-id",
            good: arch(
                json!([node("a"), node_with_ifs("b", &["b-http"])]),
                json!([]),
            ),
        },
        Case {
            code: "flow-transitions-references-existing-relationship-in-architecture",
            bad: json!({ "nodes": ab(), "relationships": rel_ab(), "flows": [{ "unique-id": "f", "transitions": [{ "relationship-unique-id": "q", "sequence-number": 1 }] }] }),
            pointer: "/flows/0/transitions/0/relationship-unique-id",
            good: json!({ "nodes": ab(), "relationships": rel_ab(), "flows": [{ "unique-id": "f", "transitions": [{ "relationship-unique-id": "r", "sequence-number": 1 }] }] }),
        },
        Case {
            code: "flow-transitions-have-unique-sequence-numbers",
            bad: json!({ "nodes": ab(), "relationships": rel_ab(), "flows": [{ "unique-id": "f", "transitions": [{ "relationship-unique-id": "r", "sequence-number": 1 }, { "relationship-unique-id": "r", "sequence-number": 1 }] }] }),
            pointer: "/flows/0/transitions/1/sequence-number",
            good: json!({ "nodes": ab(), "relationships": rel_ab(), "flows": [{ "unique-id": "f", "transitions": [{ "relationship-unique-id": "r", "sequence-number": 1 }, { "relationship-unique-id": "r", "sequence-number": 2 }] }] }),
        },
        // ---- pattern (17)
        Case {
            code: "pattern-has-nodes-relationships",
            bad: json!({ "properties": { "nodes": { "type": "array" } } }),
            pointer: "/properties/relationships",
            good: pattern(ab_connects()),
        },
        Case {
            code: "pattern-has-no-empty-properties",
            bad: json!({ "properties": { "nodes": { "minItems": 0 }, "relationships": { "type": "array" } } }),
            pointer: "/properties/nodes/minItems",
            good: pattern(ab_connects()),
        },
        Case {
            code: "pattern-has-no-placeholder-properties-numerical",
            bad: json!({ "properties": { "port": { "const": -1 } } }),
            pointer: "/properties/port/const",
            good: json!({ "properties": { "port": { "const": 443 } } }),
        },
        Case {
            code: "pattern-has-no-placeholder-properties-string",
            bad: json!({ "properties": { "name": { "const": "[[ NAME ]]" } } }),
            pointer: "/properties/name/const",
            good: json!({ "properties": { "name": { "const": "Orders" } } }),
        },
        Case {
            code: "connects-relationship-references-existing-nodes-in-pattern",
            bad: pattern(
                json!({ "connects": { "source": { "node": "ghost" }, "destination": { "node": "b" } } }),
            ),
            pointer: "/properties/relationships/prefixItems/0/properties/relationship-type/const/connects/source/node",
            good: pattern(ab_connects()),
        },
        Case {
            code: "group-relationship-references-existing-nodes-in-pattern",
            bad: pattern(json!({ "deployed-in": { "container": "a", "nodes": ["b", "ghost"] } })),
            pointer: "/properties/relationships/prefixItems/0/properties/relationship-type/const/deployed-in/nodes/1",
            good: pattern(json!({ "deployed-in": { "container": "a", "nodes": ["b"] } })),
        },
        Case {
            code: "group-relationship-with-const-nodes-references-existing-nodes-in-pattern",
            bad: {
                let mut p = pattern(ab_connects());
                p["properties"]["relationships"]["prefixItems"][0]["properties"]["relationship-type"] = json!({ "properties": { "composed-of": { "properties": { "nodes": { "const": ["b", "ghost"] } } } } });
                p
            },
            pointer: "/properties/relationships/prefixItems/0/properties/relationship-type/properties/composed-of/properties/nodes/const/1",
            good: {
                let mut p = pattern(ab_connects());
                p["properties"]["relationships"]["prefixItems"][0]["properties"]["relationship-type"] = json!({ "properties": { "composed-of": { "properties": { "nodes": { "const": ["a", "b"] } } } } });
                p
            },
        },
        Case {
            code: "avoid-boolean-properties",
            bad: json!({ "properties": { "encrypted": { "type": "boolean" } } }),
            pointer: "/properties/encrypted/type",
            good: json!({ "properties": { "encrypted": { "enum": ["none", "at-rest"] } } }),
        },
        Case {
            code: "relationship-references-existing-nodes-in-pattern",
            bad: pattern(json!({ "interacts": { "actor": "ghost", "nodes": ["a"] } })),
            pointer: "/properties/relationships/prefixItems/0/properties/relationship-type/const/interacts/actor",
            good: pattern(json!({ "interacts": { "actor": "b", "nodes": ["a"] } })),
        },
        Case {
            code: "referenced-interfaces-defined-in-pattern",
            bad: pattern(
                json!({ "connects": { "source": { "node": "b" }, "destination": { "node": "a", "interfaces": ["a-htps"] } } }),
            ),
            pointer: "/properties/relationships/prefixItems/0/properties/relationship-type/const/connects/destination/interfaces/0",
            good: pattern(
                json!({ "connects": { "source": { "node": "b" }, "destination": { "node": "a", "interfaces": ["a-http"] } } }),
            ),
        },
        Case {
            code: "referenced-interfaces-defined-on-correct-node-in-pattern",
            bad: pattern(
                json!({ "connects": { "source": { "node": "a" }, "destination": { "node": "b", "interfaces": ["a-http"] } } }),
            ),
            pointer: "/properties/relationships/prefixItems/0/properties/relationship-type/const/connects/destination/interfaces/0",
            good: pattern(
                json!({ "connects": { "source": { "node": "b" }, "destination": { "node": "a", "interfaces": ["a-http"] } } }),
            ),
        },
        Case {
            code: "pattern-nodes-must-be-referenced",
            bad: pattern(
                json!({ "connects": { "source": { "node": "a" }, "destination": { "node": "a" } } }),
            ),
            pointer: "/properties/nodes/prefixItems/1/properties/unique-id/const",
            good: pattern(ab_connects()),
        },
        Case {
            code: "unique-ids-must-be-unique-in-pattern",
            bad: {
                let mut p = pattern(ab_connects());
                p["properties"]["nodes"]["prefixItems"][1]["properties"]["unique-id"]["const"] =
                    json!("a");
                p
            },
            pointer: "/properties/nodes/prefixItems/1/properties/unique-id/const",
            good: pattern(ab_connects()),
        },
        Case {
            code: "nodes-referenced-in-pattern-decision-must-be-in-oneof-or-anyof-block",
            bad: options_pattern(json!([decl("x")]), json!([decision(&["x"])])),
            pointer: "/properties/relationships/prefixItems/0/properties/relationship-type/properties/options/prefixItems/0/oneOf/0/properties/nodes/const/0",
            good: options_pattern(
                json!([{ "oneOf": [decl("x"), decl("y")] }]),
                json!([decision(&["x"])]),
            ),
        },
        Case {
            code: "relationships-referenced-in-pattern-decision-must-be-in-oneof-or-anyof-block",
            bad: {
                let mut p = options_pattern(json!([]), json!([decision(&[])]));
                p["properties"]["relationships"]["prefixItems"]
                    .as_array_mut()
                    .unwrap()
                    .push(decl("rel-x"));
                p
            },
            pointer: "/properties/relationships/prefixItems/0/properties/relationship-type/properties/options/prefixItems/0/oneOf/0/properties/relationships/const/0",
            good: {
                let mut p = options_pattern(json!([]), json!([decision(&[])]));
                p["properties"]["relationships"]["prefixItems"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({ "anyOf": [decl("rel-x")] }));
                p
            },
        },
        Case {
            code: "pattern-option-relationship-must-only-have-oneof-or-anyof-items",
            bad: options_pattern(json!([]), json!([{ "oneOf": [], "anyOf": [] }])),
            pointer: "/properties/relationships/prefixItems/0/properties/relationship-type/properties/options/prefixItems/0",
            good: options_pattern(json!([]), json!([{ "anyOf": [] }])),
        },
        Case {
            code: "pattern-option-relationship-must-have-max-one-item",
            bad: options_pattern(json!([]), json!([{ "oneOf": [] }, { "oneOf": [] }])),
            pointer: "/properties/relationships/prefixItems/0/properties/relationship-type/properties/options/prefixItems",
            good: options_pattern(json!([]), json!([{ "oneOf": [] }])),
        },
        // ---- timeline (7)
        Case {
            code: "timeline-has-no-empty-properties",
            bad: timeline(
                Some("v1"),
                json!([{ "unique-id": "v1", "description": "" }]),
            ),
            pointer: "/moments/0/description",
            good: timeline(
                Some("v1"),
                json!([{ "unique-id": "v1", "description": "first" }]),
            ),
        },
        Case {
            code: "current-moment-must-reference-moment-in-timeline",
            bad: timeline(Some("v3"), json!([moment("v1", None), moment("v2", None)])),
            pointer: "/current-moment",
            good: timeline(Some("v2"), json!([moment("v1", None), moment("v2", None)])),
        },
        Case {
            code: "unique-ids-must-be-unique-in-timeline",
            bad: timeline(Some("v1"), json!([moment("v1", None), moment("v1", None)])),
            pointer: "/moments/1/unique-id",
            good: timeline(Some("v1"), json!([moment("v1", None), moment("v2", None)])),
        },
        Case {
            code: "moments-after-current-moment-may-not-have-valid-from",
            bad: timeline(
                Some("v1"),
                json!([
                    moment("v1", Some("2024-01-01")),
                    moment("v2", Some("2025-01-01"))
                ]),
            ),
            pointer: "/current-moment",
            good: timeline(
                Some("v1"),
                json!([moment("v1", Some("2024-01-01")), moment("v2", None)]),
            ),
        },
        Case {
            code: "current-moment-required-when-moments-non-empty",
            bad: timeline(None, json!([moment("v1", None)])),
            pointer: "",
            good: timeline(Some("v1"), json!([moment("v1", None)])),
        },
        Case {
            code: "timeline-moments-must-be-non-empty",
            bad: timeline(None, json!([])),
            pointer: "/moments",
            good: timeline(Some("v1"), json!([moment("v1", None)])),
        },
        Case {
            code: "moments-must-be-sorted-by-valid-from",
            bad: timeline(
                Some("v2"),
                json!([
                    moment("v1", Some("2025-06-01")),
                    moment("v2", Some("2025-01-01"))
                ]),
            ),
            pointer: "/moments/1/valid-from",
            good: timeline(
                Some("v2"),
                json!([
                    moment("v1", Some("2025-01-01")),
                    moment("v2", Some("2025-06-01"))
                ]),
            ),
        },
    ]
}

#[test]
fn every_rule_has_a_triggering_and_a_clean_case() {
    let cases = cases();
    let catalogue = rules::catalogue();
    assert_eq!(cases.len(), catalogue.len(), "one case per rule");
    for rule in catalogue {
        let case = cases
            .iter()
            .find(|c| c.code == rule.code)
            .unwrap_or_else(|| panic!("no case for {}", rule.code));
        let hits = rule.check(&case.bad);
        assert!(
            !hits.is_empty(),
            "{} did not fire on {}",
            rule.code,
            case.bad
        );
        assert_eq!(
            hits[0].pointer, case.pointer,
            "{}: pointer of the first hit ({})",
            rule.code, hits[0].message
        );
        assert!(
            case.bad.pointer(case.pointer).is_some()
                || case.pointer == "/relationships"
                || case.pointer == "/properties/relationships",
            "{}: pointer exists",
            rule.code
        );
        assert!(
            hits[0].message.len() > 15,
            "{}: message says something",
            rule.code
        );
        let clean = rule.check(&case.good);
        assert!(
            clean.is_empty(),
            "{} fired on the clean case: {:?}",
            rule.code,
            clean
        );
    }
}

#[test]
fn messages_name_ids_and_suggest_fixes() {
    let doc = arch(
        json!([node("order-service"), node("web")]),
        json!([connects("r", "web", "order-servce")]),
    );
    let hits = rules::find("connects-relationship-references-existing-nodes-in-architecture")
        .unwrap()
        .check(&doc);
    assert_eq!(hits.len(), 1);
    assert!(
        hits[0].message.contains("'r'") && hits[0].message.contains("'order-servce'"),
        "{}",
        hits[0].message
    );
    assert!(
        hits[0].message.contains("Did you mean 'order-service'?"),
        "{}",
        hits[0].message
    );

    let doc = arch(
        json!([
            node_with_ifs("a", &["a-http"]),
            node_with_ifs("b", &["b-http", "b-grpc"])
        ]),
        json!([connects_ifs("r", "a", "b", &["a-http"])]),
    );
    let hits = rules::find("referenced-interfaces-defined-on-correct-node-in-architecture")
        .unwrap()
        .check(&doc);
    assert!(
        hits[0].message.contains("'b-http', 'b-grpc'"),
        "lists the node's interfaces: {}",
        hits[0].message
    );
}

#[test]
fn severities_and_applies_to_match_the_reference_table() {
    let warn = [
        "architecture-has-no-placeholder-properties-numerical",
        "architecture-has-no-placeholder-properties-string",
        "architecture-has-no-placeholder-properties-boolean",
        "architecture-nodes-must-be-referenced",
        "pattern-has-no-placeholder-properties-numerical",
        "pattern-has-no-placeholder-properties-string",
        "avoid-boolean-properties",
        "pattern-nodes-must-be-referenced",
        "moments-after-current-moment-may-not-have-valid-from",
        "current-moment-required-when-moments-non-empty",
        "timeline-moments-must-be-non-empty",
    ];
    for r in rules::catalogue() {
        let expected = if warn.contains(&r.code) {
            Severity::Warning
        } else {
            Severity::Error
        };
        assert_eq!(r.severity, expected, "{}", r.code);
    }
    assert_eq!(
        rules::architecture_rules()
            .iter()
            .filter(|r| r.applies_to == AppliesTo::Architecture)
            .count(),
        14
    );
    assert_eq!(
        rules::pattern_rules()
            .iter()
            .filter(|r| r.applies_to == AppliesTo::Pattern)
            .count(),
        17
    );
    assert_eq!(
        rules::timeline_rules()
            .iter()
            .filter(|r| r.applies_to == AppliesTo::Timeline)
            .count(),
        7
    );
    let docs = rules::find("avoid-boolean-properties")
        .unwrap()
        .render_docs();
    for section in [
        "## What it does",
        "## Why it matters",
        "## Example",
        "## How to fix",
    ] {
        assert!(docs.contains(section));
    }
}

fn engine() -> Validator {
    Validator::new(Config::default()).unwrap()
}

#[test]
fn engine_locates_rule_outputs_and_rewrites_paths_with_ids() {
    let text = r#"{
  "nodes": [
    { "unique-id": "web", "node-type": "webclient", "name": "Web", "description": "UI" },
    { "unique-id": "api", "node-type": "service", "name": "API", "description": "API",
      "interfaces": [ { "unique-id": "api-http", "port": -1 } ] }
  ],
  "relationships": [
    { "unique-id": "web-api", "relationship-type": { "connects": {
        "source": { "node": "web" }, "destination": { "node": "api", "interfaces": ["api-htp"] } } } }
  ]
}"#;
    let doc = Document::from_str("inline.json", text).unwrap();
    let outcome = engine().validate_architecture_doc(doc, None).unwrap();
    let d = outcome
        .report
        .diagnostics
        .iter()
        .position(|d| d.code == "architecture-has-no-placeholder-properties-numerical")
        .unwrap();
    let diag = &outcome.report.diagnostics[d];
    assert_eq!(diag.severity, Severity::Warning);
    assert_eq!(diag.bucket, Bucket::Spectral);
    assert_eq!(
        (diag.line_start, diag.character_start, diag.character_end),
        (5, 57, 59)
    );
    assert_eq!(
        outcome.display_path(d),
        "/nodes/api/interfaces/api-http/port"
    );
    let i = outcome
        .report
        .diagnostics
        .iter()
        .position(|d| d.code == "referenced-interfaces-defined-in-architecture")
        .unwrap();
    assert_eq!(
        outcome.display_path(i),
        "/relationships/web-api/relationship-type/connects/destination/interfaces/0"
    );
    assert_eq!(outcome.report.diagnostics[i].line_start, 9);
    assert!(!outcome.passed(false));
}

#[test]
fn duplicate_keys_are_warnings() {
    let text = r#"{ "nodes": [], "relationships": [], "nodes": [] }"#;
    let doc = Document::from_str("dup.json", text).unwrap();
    let outcome = engine().validate_architecture_doc(doc, None).unwrap();
    let dup: Vec<_> = outcome
        .report
        .diagnostics
        .iter()
        .filter(|d| d.code == "duplicate-key")
        .collect();
    assert_eq!(dup.len(), 1, "{:?}", outcome.report.diagnostics);
    assert_eq!(dup[0].severity, Severity::Warning);
    assert!(outcome.passed(false));
    assert!(!outcome.passed(true), "--strict fails on warnings");
}
