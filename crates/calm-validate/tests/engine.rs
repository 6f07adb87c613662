//! Validator behaviour: modes, the reference's quirks we keep, detailed-architecture recursion
//! (cycle-safe, prefixed paths), fatal errors, and reference-compatibility switches.

use calm_validate::{Config, FatalError, Mode, Severity, Validator};
use std::path::{Path, PathBuf};

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, text).unwrap();
    p
}

fn engine() -> Validator {
    Validator::new(Config::default()).unwrap()
}

fn codes(o: &calm_validate::Outcome) -> Vec<&str> {
    o.report
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .collect()
}

const NODE_A: &str =
    r#"{ "unique-id": "a", "node-type": "service", "name": "A", "description": "A" }"#;

#[test]
fn detailed_architectures_are_validated_once_with_prefixed_paths_even_in_cycles() {
    let dir = tempfile::tempdir().unwrap();
    let top = write(
        dir.path(),
        "top.json",
        r#"{ "nodes": [ { "unique-id": "x", "node-type": "system", "name": "X", "description": "X",
              "details": { "detailed-architecture": "sub/detail.json" } },
            { "unique-id": "y", "node-type": "system", "name": "Y", "description": "Y",
              "details": { "detailed-architecture": "sub/detail.json" } } ],
            "relationships": [ { "unique-id": "r", "relationship-type": { "connects": { "source": { "node": "x" }, "destination": { "node": "y" } } } } ] }"#,
    );
    // The sub-architecture points back at the top (a cycle) and has one rule error.
    write(
        dir.path(),
        "sub/detail.json",
        r#"{ "nodes": [ { "unique-id": "inner", "node-type": "service", "name": "Inner", "description": "",
              "details": { "detailed-architecture": "../top.json" } } ],
            "relationships": [ { "unique-id": "self", "relationship-type": { "interacts": { "actor": "inner", "nodes": ["inner"] } } } ] }"#,
    );
    let o = engine().validate_architecture(&top, None).unwrap();
    let idx: Vec<usize> = (0..o.report.diagnostics.len())
        .filter(|&i| o.report.diagnostics[i].code == "architecture-has-no-empty-string-properties")
        .collect();
    assert_eq!(idx.len(), 1, "validated once: {:?}", codes(&o));
    let d = &o.report.diagnostics[idx[0]];
    assert!(
        d.file.ends_with("detail.json"),
        "located in its own file: {}",
        d.file
    );
    assert_eq!(d.line_start, 1);
    assert_eq!(
        o.display_path(idx[0]),
        "/nodes/x/details/detailed-architecture/nodes/inner/description"
    );
}

#[test]
fn a_missing_detailed_architecture_is_a_node_details_error() {
    let dir = tempfile::tempdir().unwrap();
    let top = write(
        dir.path(),
        "top.json",
        r#"{ "nodes": [ { "unique-id": "x", "node-type": "system", "name": "X", "description": "X",
              "details": { "detailed-architecture": "nowhere.json" } } ], "relationships": [] }"#,
    );
    let o = engine().validate_architecture(&top, None).unwrap();
    let i = o
        .report
        .diagnostics
        .iter()
        .position(|d| d.code == "node-details-validation")
        .expect("node-details-validation");
    assert_eq!(o.report.diagnostics[i].severity, Severity::Error);
    assert_eq!(
        o.report.diagnostics[i].bucket,
        calm_validate::Bucket::JsonSchema,
        "reported with the json-schema outputs, as the reference does"
    );
    assert_eq!(o.display_path(i), "/nodes/x/details/detailed-architecture");
    assert!(o.report.diagnostics[i].message.contains("nowhere.json"));
    assert_eq!(o.report.diagnostics[i].line_start, 2);
}

#[test]
fn schema_of_the_meta_schema_kind_runs_pattern_rules_on_it() {
    // Quirk kept from the reference: with $schema = core.json the "pattern" is core.json itself,
    // and the pattern rule `pattern-has-no-empty-properties` flags its `additionalProperties: false`.
    let dir = tempfile::tempdir().unwrap();
    let a = write(
        dir.path(),
        "a.json",
        &format!(
            r#"{{ "$schema": "https://calm.finos.org/release/1.2/meta/core.json", "nodes": [{NODE_A}], "relationships": [] }}"#
        ),
    );
    let o = engine().validate_architecture(&a, None).unwrap();
    assert_eq!(o.mode, Mode::ArchitectureWithPattern);
    let empties: Vec<_> = o
        .report
        .diagnostics
        .iter()
        .filter(|d| d.code == "pattern-has-no-empty-properties")
        .collect();
    assert!(!empties.is_empty(), "{:?}", codes(&o));
    assert!(
        empties
            .iter()
            .all(|d| d.origin == calm_validate::Origin::Pattern)
    );
}

#[test]
fn architecture_without_schema_uses_the_latest_core() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(
        dir.path(),
        "a.json",
        r#"{ "nodes": [ { "unique-id": "a", "node-type": "service" } ], "relationships": [] }"#,
    );
    let o = engine().validate_architecture(&a, None).unwrap();
    assert_eq!(o.mode, Mode::ArchitectureOnly);
    assert!(
        codes(&o).contains(&"json-schema"),
        "name/description are required: {:?}",
        codes(&o)
    );
}

#[test]
fn pattern_only_mode_compiles_the_pattern_and_reports_old_drafts() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "p.json",
        r#"{ "$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
             "properties": { "nodes": { "type": "array" }, "relationships": { "type": "array" } } }"#,
    );
    let o = engine().validate_pattern(&p).unwrap();
    assert_eq!(o.mode, Mode::PatternOnly);
    let d = o
        .report
        .diagnostics
        .iter()
        .find(|d| d.code == "json-schema")
        .expect("json-schema error");
    assert!(d.message.contains("draft-07"), "{}", d.message);
    assert_eq!(d.schema_path, None, "compile failures have no schemaPath");
}

#[test]
fn timeline_needs_a_schema() {
    let dir = tempfile::tempdir().unwrap();
    let t = write(dir.path(), "t.json", r#"{ "moments": [] }"#);
    match engine().validate_timeline(&t) {
        Err(FatalError::TimelineWithoutSchema { file }) => assert!(file.ends_with("t.json")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn unresolvable_schema_is_fatal_with_position() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(
        dir.path(),
        "a.json",
        "{\n  \"$schema\": \"calm:/nope\",\n  \"nodes\": [], \"relationships\": [] }",
    );
    match engine().validate_architecture(&a, None) {
        Err(e @ FatalError::UnresolvedSchema { .. }) => {
            let text = e.to_string();
            assert!(text.contains("a.json:2:14"), "{text}");
            assert!(text.contains("calm:/nope"), "{text}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn options_without_choices_do_not_crash_and_compat_mode_reproduces_the_reference() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(
        dir.path(),
        "a.json",
        &format!(
            r#"{{ "$schema": "https://calm.finos.org/release/1.2/meta/calm.json", "nodes": [{NODE_A}],
            "relationships": [ {{ "unique-id": "choice", "relationship-type": {{ "options": [] }} }} ] }}"#
        ),
    );
    assert!(engine().validate_architecture(&a, None).is_ok());
    let compat = Validator::new(Config {
        reference_compat: true,
        ..Config::default()
    })
    .unwrap();
    assert!(matches!(
        compat.validate_architecture(&a, None),
        Err(FatalError::ReferenceCrash { .. })
    ));
}

#[test]
fn relative_references_resolve_beside_the_document() {
    // A control requirement next to the architecture resolves whatever the working directory.
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "req/tls.json",
        r#"{ "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
             "properties": { "min-version": { "enum": ["1.2", "1.3"] } }, "required": ["min-version"] }"#,
    );
    let a = write(
        dir.path(),
        "a.json",
        &format!(
            r#"{{ "nodes": [{NODE_A}], "relationships": [],
            "controls": {{ "tls": {{ "description": "TLS", "requirements": [
                {{ "requirement-url": "req/tls.json", "config": {{ "min-version": "1.0" }} }} ] }} }} }}"#
        ),
    );
    let o = engine().validate_architecture(&a, None).unwrap();
    let d = o
        .report
        .diagnostics
        .iter()
        .find(|d| d.code == "control-requirement-validation")
        .expect("config checked");
    assert!(
        d.message.contains("1.0") || d.message.contains("allowed"),
        "{}",
        d.message
    );
}
