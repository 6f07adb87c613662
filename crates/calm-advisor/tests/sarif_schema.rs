//! `review -f sarif` and `validate -f sarif` validate against the official SARIF 2.1.0 JSON
//! schema. The schema is not copied into this repository: the `serde-sarif` crate (a
//! dev-dependency) ships it as `src/schema.json` in cargo's registry.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `src/schema.json` of the serde-sarif package: looked up in cargo's registry sources, else
/// where `cargo metadata` says the package is.
fn schema_path() -> PathBuf {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")));
    if let Some(registry) = cargo_home.map(|h| h.join("registry/src")) {
        let mut found: Vec<PathBuf> = std::fs::read_dir(&registry)
            .into_iter()
            .flatten()
            .flatten()
            .flat_map(|index| {
                std::fs::read_dir(index.path())
                    .into_iter()
                    .flatten()
                    .flatten()
            })
            .map(|p| p.path())
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("serde-sarif-0.8."))
            })
            .map(|p| p.join("src/schema.json"))
            .filter(|p| p.exists())
            .collect();
        found.sort();
        if let Some(p) = found.pop() {
            return p;
        }
    }
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["metadata", "--format-version", "1", "--manifest-path"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.toml"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: Value = serde_json::from_slice(&out.stdout).unwrap();
    let manifest = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "serde-sarif")
        .and_then(|p| p["manifest_path"].as_str())
        .expect("serde-sarif is a dev-dependency");
    Path::new(manifest).with_file_name("src/schema.json")
}

fn sarif_schema() -> Value {
    let path = schema_path();
    let mut schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    // The official schema's `language` patterns (on `run` and `toolComponent`) have a stray `]`
    // that the regex engine rejects when the schema is compiled; use the intended pattern (our
    // logs do not set `language`).
    let mut fixed = 0;
    for def in ["run", "toolComponent"] {
        let language = &mut schema["definitions"][def]["properties"]["language"]["pattern"];
        if language == "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$" {
            *language = Value::from("^[a-zA-Z]{2}(-[a-zA-Z]{2})?$");
            fixed += 1;
        }
    }
    assert_eq!(fixed, 2, "the schema changed: revisit the pattern fix");
    assert_eq!(
        schema["title"],
        "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    );
    schema
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../calm-analysis/tests/fixtures")
        .join(name)
}

fn run(args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_calm-advisor"))
        .args(args)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?} did not print JSON ({e}):\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn assert_valid(validator: &jsonschema::Validator, log: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

#[test]
fn review_and_validate_sarif_match_the_sarif_2_1_0_schema() {
    let schema = sarif_schema();
    let validator = jsonschema::validator_for(&schema).expect("the SARIF schema compiles");
    let mut checked = 0;
    for name in review_inputs() {
        let f = name.to_string_lossy().to_string();
        let review = run(&["review", &f, "-f", "sarif"]);
        assert!(!review["runs"][0]["results"].as_array().unwrap().is_empty() || f.contains("well"));
        assert_valid(&validator, &review, &format!("review {f}"));
        let validate = run(&["validate", "-a", &f, "-f", "sarif"]);
        assert_valid(&validator, &validate, &format!("validate {f}"));
        checked += 1;
    }
    assert!(checked >= 3, "only {checked} inputs");
    // The checker is real: a log missing a required property fails.
    let mut broken = run(&["review", "--example", "-f", "sarif"]);
    broken["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("message");
    assert!(!validator.is_valid(&broken));
}

fn review_inputs() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(fixture(""))
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}
