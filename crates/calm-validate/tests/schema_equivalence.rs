//! Our CALM meta-schemas must give the same verdict as the official ones.
//!
//! Every corpus document (the `repo_paths` of `verdicts.json`, minus `*/meta/*`) is validated
//! against each CALM version's `calm.json` (and, for 1.2 / 2026-03, `calm-timeline.json`), and
//! against `core.json` of the version its `$schema` names, once with our embedded schemas and
//! once with the official copies loaded from `../shared/calm-corpus/calm/{release,draft}/*/meta`
//! into a separate registry. Valid/invalid must agree every time. Synthetic documents cover
//! each schema quirk the corpus may not reach.

use calm_validate::Origin;
use calm_validate::json_schema::{SchemaTarget, validate_against};
use calm_validate::schemas::{EMBEDDED_VERSIONS, SchemaRegistry, SchemaSource};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/calm-corpus");
    if dir.join("verdicts.json").is_file() {
        Some(dir)
    } else {
        println!(
            "SKIPPED: the CALM corpus is absent ({} not found)",
            dir.display()
        );
        None
    }
}

/// AJV treats a value that is not a schema where a subschema is expected (the official 1.0 /
/// 1.0-rc* / 2025-03 `flow.json` put the transition's `required` array inside `properties`) as
/// always valid; the `jsonschema` crate refuses to compile it. Give the official copies the AJV
/// meaning (`true`) so they compile, and count how often that was needed.
fn ajv_meaning_of_non_schemas(value: &mut Value) -> usize {
    let mut fixed = 0;
    match value {
        Value::Object(map) => {
            if let Some(Value::Object(props)) = map.get_mut("properties") {
                for v in props.values_mut() {
                    if !(v.is_object() || v.is_boolean()) {
                        *v = Value::Bool(true);
                        fixed += 1;
                    }
                }
            }
            for v in map.values_mut() {
                fixed += ajv_meaning_of_non_schemas(v);
            }
        }
        Value::Array(items) => {
            for v in items {
                fixed += ajv_meaning_of_non_schemas(v);
            }
        }
        _ => {}
    }
    fixed
}

/// The official meta-schemas, each registered under its `$id`.
fn official_registry(corpus: &Path) -> SchemaRegistry {
    let mut reg = SchemaRegistry::empty();
    let mut n = 0;
    let mut non_schemas = Vec::new();
    for channel in ["release", "draft"] {
        let Ok(versions) = std::fs::read_dir(corpus.join("calm").join(channel)) else {
            continue;
        };
        for v in versions.flatten() {
            let Ok(files) = std::fs::read_dir(v.path().join("meta")) else {
                continue;
            };
            for f in files.flatten() {
                let text = std::fs::read_to_string(f.path()).unwrap();
                let mut value: Value = serde_json::from_str(&text).unwrap();
                if ajv_meaning_of_non_schemas(&mut value) > 0 {
                    non_schemas.push(f.path().strip_prefix(corpus).unwrap().display().to_string());
                }
                assert!(
                    reg.insert_with_id(value, SchemaSource::File(f.path())),
                    "{} has no $id",
                    f.path().display()
                );
                n += 1;
            }
        }
    }
    assert!(
        n >= 60,
        "expected the official meta-schemas of 7 versions, found {n} files"
    );
    non_schemas.sort();
    // Exactly the flow schemas whose transition `required` sits inside `properties`.
    assert_eq!(
        non_schemas,
        [
            "calm/draft/2025-03/meta/flow.json",
            "calm/release/1.0-rc1/meta/flow.json",
            "calm/release/1.0-rc2/meta/flow.json",
            "calm/release/1.0/meta/flow.json"
        ]
    );
    reg
}

fn verdict(url: &str, doc: &Value, reg: &SchemaRegistry) -> Result<bool, String> {
    validate_against(
        SchemaTarget::Url(url),
        doc,
        Origin::Architecture,
        "doc",
        reg,
    )
    .map(|errors| errors.is_empty())
    .map_err(|d| d.message)
}

/// The schema URLs to compare a document under.
fn targets(doc: &Value, official: &SchemaRegistry) -> Vec<String> {
    let mut urls = BTreeSet::new();
    for v in EMBEDDED_VERSIONS {
        urls.insert(v.meta_url("calm.json"));
        if doc.get("moments").is_some() && official.contains(&v.meta_url("calm-timeline.json")) {
            urls.insert(v.meta_url("calm-timeline.json"));
        }
    }
    // The core of the version the document names (architecture-only mode uses core.json).
    match doc
        .get("$schema")
        .and_then(Value::as_str)
        .and_then(calm_model::CalmVersion::from_schema_url)
    {
        Some(v) => urls.insert(v.meta_url("core.json")),
        None => urls.insert(SchemaRegistry::latest_core_url()),
    };
    urls.into_iter().collect()
}

#[test]
fn corpus_documents_get_the_same_verdict_under_our_and_the_official_meta_schemas() {
    let Some(corpus) = corpus() else { return };
    let verdicts: Value =
        serde_json::from_str(&std::fs::read_to_string(corpus.join("verdicts.json")).unwrap())
            .unwrap();
    let mut paths = BTreeSet::new();
    for case in verdicts.as_array().unwrap() {
        for p in case["repo_paths"].as_array().unwrap() {
            let p = p.as_str().unwrap();
            if !p.contains("/meta/") && p.ends_with(".json") {
                paths.insert(p.to_string());
            }
        }
    }
    let ours = SchemaRegistry::embedded();
    let official = official_registry(&corpus);
    let (mut documents, mut comparisons, mut invalid) = (0, 0, 0);
    let mut mismatches = Vec::new();
    for p in &paths {
        let Ok(text) = std::fs::read_to_string(corpus.join(p)) else {
            continue;
        };
        let Ok(doc) = serde_json::from_str::<Value>(text.trim_start_matches('\u{feff}')) else {
            continue;
        };
        documents += 1;
        for url in targets(&doc, &official) {
            let a = verdict(&url, &doc, &ours);
            let b = verdict(&url, &doc, &official);
            comparisons += 1;
            if a == Ok(false) {
                invalid += 1;
            }
            if a.is_err() || b.is_err() || a != b {
                mismatches.push(format!("{p} against {url}: ours {a:?}, official {b:?}"));
            }
        }
    }
    println!(
        "schema equivalence: {documents} corpus documents, {comparisons} (document, meta-schema) comparisons, {invalid} invalid, {} mismatches",
        mismatches.len()
    );
    assert!(
        documents > 150,
        "only {documents} corpus documents were read"
    );
    assert!(
        invalid > 0 && invalid < comparisons,
        "the comparison must see both verdicts"
    );
    assert!(
        mismatches.is_empty(),
        "verdicts differ:\n{}",
        mismatches.join("\n")
    );
}

/// Synthetic documents for the quirks, compared the same way (and with the expected verdict).
#[test]
fn schema_quirks_match_the_official_schemas() {
    let Some(corpus) = corpus() else { return };
    let ours = SchemaRegistry::embedded();
    let official = official_registry(&corpus);
    let base = || {
        json!({
            "nodes": [
                {"unique-id": "a", "node-type": "service", "name": "A", "description": "a"},
                {"unique-id": "b", "node-type": "my-custom-type", "name": "B", "description": "b"}
            ],
            "relationships": [
                {"unique-id": "r", "relationship-type": {"connects": {"source": {"node": "a"}, "destination": {"node": "b"}}}}
            ]
        })
    };
    let with = |patch: Value| {
        let mut d = base();
        for (k, v) in patch.as_object().unwrap() {
            d[k] = v.clone();
        }
        d
    };
    let transition_flow = |t: Value| json!({"flows": [{"unique-id": "f", "name": "F", "description": "d", "transitions": [t]}]});
    // (description, document, meta-schema URL, expected validity)
    let cases: Vec<(&str, Value, &str, bool)> = vec![
        (
            "extra top-level key is allowed (additionalProperties sits inside properties)",
            with(json!({"x-extension": {"a": 1}})),
            "release/1.2/meta/calm.json",
            true,
        ),
        (
            "a top-level key named additionalProperties is rejected",
            with(json!({"additionalProperties": {}})),
            "release/1.2/meta/calm.json",
            false,
        ),
        (
            "custom node-type passes",
            base(),
            "release/1.1/meta/calm.json",
            true,
        ),
        (
            "draft 2025-03 node-type is a strict enum",
            base(),
            "draft/2025-03/meta/calm.json",
            false,
        ),
        (
            "protocol gRPC is rejected",
            with(
                json!({"relationships": [{"unique-id": "r", "protocol": "gRPC", "relationship-type": {"interacts": {"actor": "a", "nodes": ["b"]}}}]}),
            ),
            "release/1.2/meta/calm.json",
            false,
        ),
        (
            "two relationship kinds at once",
            with(
                json!({"relationships": [{"unique-id": "r", "relationship-type": {"interacts": {"actor": "a", "nodes": ["b"]}, "composed-of": {"container": "a", "nodes": ["b"]}}}]}),
            ),
            "release/1.0/meta/calm.json",
            false,
        ),
        (
            "empty interacts nodes",
            with(
                json!({"relationships": [{"unique-id": "r", "relationship-type": {"interacts": {"actor": "a", "nodes": []}}}]}),
            ),
            "release/1.2/meta/calm.json",
            false,
        ),
        (
            "1.0-rc1 deployed-in needs no fields",
            with(
                json!({"relationships": [{"unique-id": "r", "relationship-type": {"deployed-in": {}}}]}),
            ),
            "release/1.0-rc1/meta/calm.json",
            true,
        ),
        (
            "1.0 deployed-in needs container and nodes",
            with(
                json!({"relationships": [{"unique-id": "r", "relationship-type": {"deployed-in": {}}}]}),
            ),
            "release/1.0/meta/calm.json",
            false,
        ),
        (
            "1.0 flow: transition fields not enforced",
            with(transition_flow(json!({"extra": 1}))),
            "release/1.0/meta/calm.json",
            true,
        ),
        (
            "1.0-rc2 flow: transition fields not enforced",
            with(transition_flow(json!({"extra": 1}))),
            "release/1.0-rc2/meta/calm.json",
            true,
        ),
        (
            "1.1 flow: transition fields enforced",
            with(transition_flow(json!({"extra": 1}))),
            "release/1.1/meta/calm.json",
            false,
        ),
        (
            "1.2 flow: no extra flow properties",
            with(
                json!({"flows": [{"unique-id": "f", "name": "F", "description": "d", "owner": "x", "transitions": [{"relationship-unique-id": "r", "sequence-number": 1, "description": "d"}]}]}),
            ),
            "release/1.2/meta/calm.json",
            false,
        ),
        (
            "1.0 flow: extra flow properties allowed",
            with(
                json!({"flows": [{"unique-id": "f", "name": "F", "description": "d", "owner": "x", "transitions": [{"relationship-unique-id": "r", "sequence-number": 1, "description": "d"}]}]}),
            ),
            "release/1.0/meta/calm.json",
            true,
        ),
        (
            "transition direction enum",
            with(transition_flow(
                json!({"relationship-unique-id": "r", "sequence-number": 1, "description": "d", "direction": "both"}),
            )),
            "release/1.2/meta/calm.json",
            false,
        ),
        (
            "metadata as object",
            with(json!({"metadata": {"owner": "me"}})),
            "release/1.2/meta/calm.json",
            true,
        ),
        (
            "metadata as array of objects",
            with(json!({"metadata": [{"owner": "me"}]})),
            "release/1.2/meta/calm.json",
            true,
        ),
        (
            "1.0-rc1 metadata must be an array",
            with(json!({"metadata": {"owner": "me"}})),
            "release/1.0-rc1/meta/calm.json",
            false,
        ),
        (
            "control ids outside the pattern are not validated",
            with(json!({"controls": {"bad id!": 5}})),
            "release/1.2/meta/calm.json",
            true,
        ),
        (
            "control needs config or config-url, not both",
            with(
                json!({"controls": {"c": {"description": "d", "requirements": [{"requirement-url": "r", "config-url": "c", "config": {}}]}}}),
            ),
            "release/1.2/meta/calm.json",
            false,
        ),
        (
            "1.0-rc1 controls use control-requirement-url",
            with(
                json!({"controls": {"c": {"description": "d", "requirements": [{"control-requirement-url": "r", "control-config": {}}]}}}),
            ),
            "release/1.0-rc1/meta/calm.json",
            true,
        ),
        (
            "1.0-rc1 controls reject the 1.0 naming",
            with(
                json!({"controls": {"c": {"description": "d", "requirements": [{"requirement-url": "r", "config": {}}]}}}),
            ),
            "release/1.0-rc1/meta/calm.json",
            false,
        ),
        (
            "interface-definition must not have extras, but interface-type allows them",
            with(
                json!({"nodes": [{"unique-id": "a", "node-type": "service", "name": "A", "description": "a", "interfaces": [{"unique-id": "i", "definition-url": "u", "config": {}, "port": 1}]}]}),
            ),
            "release/1.2/meta/calm.json",
            true,
        ),
        (
            "interface without unique-id",
            with(
                json!({"nodes": [{"unique-id": "a", "node-type": "service", "name": "A", "description": "a", "interfaces": [{"port": 1}]}]}),
            ),
            "release/1.2/meta/calm.json",
            false,
        ),
        (
            "details allow only the two keys",
            with(
                json!({"nodes": [{"unique-id": "a", "node-type": "service", "name": "A", "description": "a", "details": {"other": "x"}}]}),
            ),
            "release/1.2/meta/calm.json",
            false,
        ),
        (
            "decision requires description, nodes and relationships",
            with(
                json!({"relationships": [{"unique-id": "r", "relationship-type": {"options": [{"description": "d", "nodes": []}]}}]}),
            ),
            "release/1.2/meta/calm.json",
            false,
        ),
        (
            "timeline moment with interfaces is rejected",
            json!({"moments": [{"unique-id": "m", "node-type": "moment", "name": "M", "description": "d", "details": {}, "interfaces": []}]}),
            "release/1.2/meta/calm-timeline.json",
            false,
        ),
        (
            "timeline valid-from must be a date",
            json!({"moments": [{"unique-id": "m", "node-type": "moment", "name": "M", "description": "d", "details": {}, "valid-from": "yesterday"}]}),
            "release/1.2/meta/calm-timeline.json",
            false,
        ),
        (
            "timeline moment ok",
            json!({"current-moment": "m", "moments": [{"unique-id": "m", "node-type": "moment", "name": "M", "description": "d", "details": {}, "valid-from": "2025-01-31"}]}),
            "draft/2026-03/meta/calm-timeline.json",
            true,
        ),
        (
            "nodes must be an array",
            json!({"nodes": {}, "relationships": []}),
            "release/1.2/meta/core.json",
            false,
        ),
    ];
    let mut failures = Vec::new();
    for (what, doc, url, expected) in &cases {
        let url = format!("https://calm.finos.org/{url}");
        let a = verdict(&url, doc, &ours);
        let b = verdict(&url, doc, &official);
        if a != Ok(*expected) || b != Ok(*expected) {
            failures.push(format!(
                "{what} ({url}): expected {expected}, ours {a:?}, official {b:?}"
            ));
        }
    }
    println!("schema quirks: {} synthetic cases", cases.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The decorator and unit definitions are not reachable from core; check them directly.
#[test]
fn standalone_definitions_match() {
    let Some(corpus) = corpus() else { return };
    let ours = SchemaRegistry::embedded();
    let official = official_registry(&corpus);
    let cases: Vec<(&str, Value)> = vec![
        (
            "release/1.2/meta/decorators.json#/defs/decorator",
            json!({"unique-id": "d", "type": "guide", "target": ["a.json"], "applies-to": ["a"], "data": {"k": 1}}),
        ),
        (
            "release/1.2/meta/decorators.json#/defs/decorator",
            json!({"unique-id": "d", "type": "guide", "target": [], "applies-to": ["a"], "data": {}}),
        ),
        (
            "release/1.2/meta/decorators.json#/defs/decorator",
            json!({"unique-id": "d", "type": "guide", "target": ["a"], "applies-to": ["a"], "data": {"k": 1}, "target-type": ["pattern"]}),
        ),
        (
            "draft/2026-03/meta/decorators.json#/defs/decorator",
            json!({"unique-id": "d", "type": "guide", "target": ["a"], "applies-to": ["a"], "data": {"k": 1}, "target-type": ["pattern"]}),
        ),
        (
            "draft/2026-03/meta/decorators.json#/defs/decorator",
            json!({"unique-id": "d", "type": "guide", "target": ["a"], "applies-to": ["a"], "data": {"k": 1}, "target-type": ["pattern", "pattern"]}),
        ),
        (
            "release/1.2/meta/units.json#/defs/time-unit",
            json!({"unit": "quarters", "value": 2}),
        ),
        (
            "release/1.0-rc1/meta/units.json#/defs/time-unit",
            json!({"unit": "quarters", "value": 2}),
        ),
        (
            "release/1.2/meta/units.json#/defs/rate-unit",
            json!({"rate": -1, "per": "second"}),
        ),
        (
            "release/1.2/meta/units.json#/defs/cron-expression",
            json!("0 12 1 1 5"),
        ),
        (
            "release/1.2/meta/units.json#/defs/cron-expression",
            json!("* * * * *"),
        ),
        (
            "release/1.2/meta/evidence.json",
            json!({"evidence": {"unique-id": "e", "evidence-paths": [], "control-config-url": "c"}}),
        ),
        (
            "release/1.0-rc1/meta/evidence.json",
            json!({"evidence": {"unique-id": "e", "evidence-paths": [], "control-config-url": "c"}}),
        ),
        (
            "release/1.2/meta/control-requirement.json",
            json!({"control-id": "c", "name": "n"}),
        ),
        (
            "release/1.0-rc1/meta/interface.json#/defs/rate-limit-interface",
            json!({"unique-id": "i", "key": {"key-type": "IP"}, "time": 1, "time-unit": "Seconds", "calls": 5}),
        ),
        (
            "release/1.0-rc1/meta/interface.json#/defs/host-port-interface",
            json!({"unique-id": "i", "host": "h"}),
        ),
    ];
    let mut valid = 0;
    for (url, doc) in &cases {
        let url = format!("https://calm.finos.org/{url}");
        let a = verdict(&url, doc, &ours);
        let b = verdict(&url, doc, &official);
        assert!(
            a.is_ok() && a == b,
            "{url} {doc}: ours {a:?}, official {b:?}"
        );
        valid += usize::from(a == Ok(true));
    }
    assert!(valid > 0 && valid < cases.len());
}
