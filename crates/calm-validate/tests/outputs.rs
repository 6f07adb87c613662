//! Golden snapshots of the four report formats on a small fixture of our own
//! (`tests/fixtures/snapshot-architecture.json`: a JSON-schema error, an enum error, rule errors
//! and warnings), plus structural checks: the JSON report's shape and field order, and the SARIF
//! log against the required properties of the SARIF 2.1.0 schema.

use calm_validate::output::{self, Format};
use calm_validate::{Config, Outcome, Validator};
use serde_json::Value;
use std::path::Path;

fn outcome() -> Outcome {
    let engine = Validator::new(Config::default()).unwrap();
    engine
        .validate_architecture(Path::new("tests/fixtures/snapshot-architecture.json"), None)
        .unwrap()
}

#[test]
fn json_report_snapshot() {
    let text = output::render(&outcome(), Format::Json, false);
    insta::assert_snapshot!("json", text);
}

#[test]
fn pretty_report_snapshot() {
    let text = output::render(&outcome(), Format::Pretty, false);
    assert!(
        !text.contains('\u{1b}'),
        "no colour codes when colour is off"
    );
    insta::assert_snapshot!("pretty", text);
}

#[test]
fn pretty_report_with_colour_has_ansi_codes() {
    let text = output::render(&outcome(), Format::Pretty, true);
    assert!(text.contains("\u{1b}["));
}

#[test]
fn junit_report_snapshot() {
    let text = output::render(&outcome(), Format::Junit, false);
    insta::assert_snapshot!("junit", text);
}

#[test]
fn sarif_report_snapshot() {
    let text = output::render(&outcome(), Format::Sarif, false);
    insta::assert_snapshot!("sarif", text);
}

#[test]
fn timeline_snapshot() {
    let engine = Validator::new(Config::default()).unwrap();
    let o = engine
        .validate_timeline(Path::new("tests/fixtures/snapshot-timeline.json"))
        .unwrap();
    insta::assert_snapshot!("timeline-pretty", output::render(&o, Format::Pretty, false));
}

#[test]
fn json_report_has_the_reference_shape() {
    let text = output::render(&outcome(), Format::Json, false);
    assert!(
        text.starts_with("{\n    \"jsonSchemaValidationOutputs\": ["),
        "4-space indentation"
    );
    let v: Value = serde_json::from_str(&text).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "jsonSchemaValidationOutputs",
            "spectralSchemaValidationOutputs",
            "hasErrors",
            "hasWarnings"
        ]
    );
    let spectral = v["spectralSchemaValidationOutputs"].as_array().unwrap();
    let fields: Vec<&str> = spectral[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        fields,
        [
            "code",
            "severity",
            "message",
            "path",
            "schemaPath",
            "line_start",
            "line_end",
            "character_start",
            "character_end",
            "source"
        ]
    );
    for o in v["jsonSchemaValidationOutputs"]
        .as_array()
        .unwrap()
        .iter()
        .chain(spectral)
    {
        assert!(
            o["line_start"].as_u64().unwrap() >= 1,
            "every output is located: {o}"
        );
        assert!(["error", "warning", "info", "hint"].contains(&o["severity"].as_str().unwrap()));
        assert!(["architecture", "pattern", "timeline"].contains(&o["source"].as_str().unwrap()));
    }
    assert_eq!(v["hasErrors"], true);
    assert_eq!(v["hasWarnings"], true);
}

/// The required properties and value domains of SARIF 2.1.0 (sarif-schema-2.1.0.json) that a
/// consumer such as GitHub code scanning relies on.
#[test]
fn sarif_has_the_required_sarif_2_1_0_properties() {
    let o = outcome();
    let v: Value = serde_json::from_str(&output::render(&o, Format::Sarif, false)).unwrap();
    assert_eq!(v["version"], "2.1.0");
    assert!(v["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let runs = v["runs"].as_array().expect("runs is required");
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    let driver = &run["tool"]["driver"];
    assert!(driver["name"].is_string(), "tool.driver.name is required");
    let rules = driver["rules"].as_array().unwrap();
    for r in rules {
        assert!(r["id"].is_string(), "reportingDescriptor.id is required");
        if let Some(l) = r.pointer("/defaultConfiguration/level") {
            assert!(["none", "note", "warning", "error"].contains(&l.as_str().unwrap()));
        }
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), o.report.diagnostics.len());
    for res in results {
        assert!(
            res["message"]["text"].is_string(),
            "result.message.text is required"
        );
        assert!(["none", "note", "warning", "error"].contains(&res["level"].as_str().unwrap()));
        let idx = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            rules[idx]["id"], res["ruleId"],
            "ruleIndex points at the rule"
        );
        let loc = &res["locations"][0]["physicalLocation"];
        assert!(loc["artifactLocation"]["uri"].is_string());
        let region = &loc["region"];
        let (sl, sc) = (
            region["startLine"].as_u64().unwrap(),
            region["startColumn"].as_u64().unwrap(),
        );
        let (el, ec) = (
            region["endLine"].as_u64().unwrap(),
            region["endColumn"].as_u64().unwrap(),
        );
        assert!(
            sl >= 1 && sc >= 1 && el >= sl && (el > sl || ec >= sc),
            "valid region {region}"
        );
    }
}

#[test]
fn output_is_deterministic() {
    for f in [Format::Json, Format::Pretty, Format::Junit, Format::Sarif] {
        assert_eq!(
            output::render(&outcome(), f, false),
            output::render(&outcome(), f, false)
        );
    }
}
