//! `calm-advisor validate` end to end: exit codes (0 passed, 1 failed, 2 usage / unreadable /
//! unparseable), hostile inputs (malformed, truncated, 200,000 nested arrays, a 50 MB string,
//! wrong types everywhere) never panic, the tutorial fixtures, `-o`, `--strict`, formats.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

fn cmd() -> Command {
    Command::cargo_bin("calm-advisor").unwrap()
}

fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared")
        .join(rel)
}

fn write(dir: &tempfile::TempDir, name: &str, content: &[u8]) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, content).unwrap();
    p
}

const VALID: &str = r#"{
  "nodes": [
    { "unique-id": "web", "node-type": "webclient", "name": "Web", "description": "UI" },
    { "unique-id": "api", "node-type": "service", "name": "API", "description": "Orders API" }
  ],
  "relationships": [
    { "unique-id": "web-api", "protocol": "HTTPS",
      "relationship-type": { "connects": { "source": { "node": "web" }, "destination": { "node": "api" } } } }
  ]
}"#;

#[test]
fn valid_architecture_exits_0_with_the_reference_json_shape() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(&dir, "a.json", VALID.as_bytes());
    let out = cmd()
        .args(["validate", "-a"])
        .arg(&a)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["hasErrors"], false);
    assert_eq!(v["hasWarnings"], false);
    assert_eq!(v["jsonSchemaValidationOutputs"], serde_json::json!([]));
}

#[test]
fn errors_exit_1_and_warnings_fail_only_with_strict() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(
        &dir,
        "bad.json",
        VALID.replace("\"api\" } } }", "\"apx\" } } }").as_bytes(),
    );
    cmd()
        .args(["validate", "-a"])
        .arg(&bad)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "connects-relationship-references-existing-nodes-in-architecture",
        ));
    let warn = write(
        &dir,
        "warn.json",
        VALID
            .replace("\"Orders API\"", "\"Orders API\", \"port\": -1")
            .as_bytes(),
    );
    cmd()
        .args(["validate", "-a"])
        .arg(&warn)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("\"hasWarnings\": true"));
    cmd()
        .args(["validate", "--strict", "-a"])
        .arg(&warn)
        .assert()
        .code(1);
}

#[test]
fn missing_file_and_bad_json_exit_2_naming_file_and_position() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.json");
    cmd()
        .args(["validate", "-a"])
        .arg(&missing)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("nope.json"));
    let bad = write(&dir, "bad.json", b"{\n  \"nodes\": [,]\n}");
    cmd()
        .args(["validate", "-a"])
        .arg(&bad)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "bad.json:2:13: invalid JSON: unexpected `,`: expected a value (object, array, string, number, true, false or null) after `[`",
        ));
    let truncated = write(&dir, "truncated.json", &VALID.as_bytes()[..VALID.len() / 2]);
    cmd()
        .args(["validate", "-a"])
        .arg(&truncated)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("truncated.json")
                .and(predicate::str::contains(
                    "invalid JSON: the file ends in the middle of",
                ))
                .and(predicate::str::contains("EOF").not()),
        );
    let binary = write(&dir, "binary.json", &[0xff, 0xfe, 0x00, 0x7b]);
    cmd()
        .args(["validate", "-a"])
        .arg(&binary)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("binary.json"));
    let empty = write(&dir, "empty.json", b"");
    cmd().args(["validate", "-a"]).arg(&empty).assert().code(2);
    // A pattern that is not JSON, and a bad -u mapping file, are input errors too.
    let a = write(&dir, "a.json", VALID.as_bytes());
    cmd()
        .args(["validate", "-a"])
        .arg(&a)
        .arg("-p")
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.json"));
}

#[test]
fn unknown_schema_is_a_clear_fatal_error() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(
        &dir,
        "a.json",
        VALID
            .replacen('{', "{ \"$schema\": \"https://example.com/my.json\",", 1)
            .as_bytes(),
    );
    cmd()
        .args(["validate", "-a"])
        .arg(&a)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("a.json:1:")
                .and(predicate::str::contains("https://example.com/my.json"))
                .and(predicate::str::contains("never fetches")),
        );
}

#[test]
fn usage_errors_exit_2() {
    cmd()
        .arg("validate")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nothing to validate"));
    cmd()
        .args(["validate", "-a", "x.json", "--timeline", "t.json"])
        .assert()
        .code(2);
    cmd()
        .args(["validate", "-a", "x.json", "-f", "xml"])
        .assert()
        .code(2);
    cmd().args(["validate", "--no-such-flag"]).assert().code(2);
    cmd()
        .args(["validate", "--help"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Exit codes"));
}

#[test]
fn deep_nesting_is_refused_without_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let depth = 200_000;
    let mut text = String::with_capacity(depth * 2 + 40);
    text.push_str("{\"nodes\": ");
    text.push_str(&"[".repeat(depth));
    text.push_str(&"]".repeat(depth));
    text.push_str(", \"relationships\": []}");
    let p = write(&dir, "deep.json", text.as_bytes());
    cmd()
        .args(["validate", "-a"])
        .arg(&p)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("deep.json").and(predicate::str::contains(
                "nested too deeply: more than 128 levels",
            )),
        );
}

#[test]
fn a_50_mb_string_is_handled() {
    let dir = tempfile::tempdir().unwrap();
    let big = "x".repeat(50 * 1024 * 1024);
    let text = VALID.replace("\"Orders API\"", &format!("\"{big}\""));
    let p = write(&dir, "big.json", text.as_bytes());
    cmd().args(["validate", "-a"]).arg(&p).assert().code(0);
}

#[test]
fn wrong_types_everywhere_give_a_report_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let docs = [
        r#"{"nodes": "web", "relationships": 5}"#,
        r#"{"nodes": [1, "two", null, [], {"unique-id": 3, "interfaces": "x", "controls": [1], "details": 7}], "relationships": [{"relationship-type": "connects"}, {"relationship-type": {"connects": 4}}, {"relationship-type": {"interacts": {"actor": [], "nodes": "a"}}}, 9], "flows": {"x": 1}, "controls": [], "metadata": 3}"#,
        r#"[]"#,
        r#""just a string""#,
        r#"{"nodes": {"a": {"unique-id": "a"}}, "relationships": {"r": {"relationship-type": {"deployed-in": {"container": 1, "nodes": [null]}}}}}"#,
        r#"{"$schema": 42, "nodes": [], "relationships": []}"#,
        r#"{"nodes": [{"unique-id": "a", "node-type": "service", "name": "a", "description": "a", "details": {"detailed-architecture": 12, "required-pattern": {}}}], "relationships": []}"#,
    ];
    for (i, d) in docs.iter().enumerate() {
        let p = write(&dir, &format!("t{i}.json"), d.as_bytes());
        let assert = cmd()
            .args(["validate", "-f", "pretty", "-a"])
            .arg(&p)
            .assert();
        let code = assert.get_output().status.code();
        assert!(matches!(code, Some(1) | Some(2)), "doc {i}: exit {code:?}");
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
        assert!(!stderr.contains("panicked"), "doc {i} panicked: {stderr}");
    }
    // Wrong types as a pattern and as a timeline.
    for (flag, d) in [
        ("-p", r#"{"properties": 3}"#),
        ("-p", r#"[1,2]"#),
        (
            "--timeline",
            r#"{"$schema": "https://calm.finos.org/release/1.2/meta/calm-timeline.json", "moments": {"a": 1}, "current-moment": []}"#,
        ),
    ] {
        let p = write(&dir, "x.json", d.as_bytes());
        let out = cmd().args(["validate", flag]).arg(&p).output().unwrap();
        assert!(
            matches!(out.status.code(), Some(1) | Some(2)),
            "{flag} {d}: {:?}",
            out.status
        );
        assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    }
}

#[test]
fn output_file_is_written_atomically_into_new_folders() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(&dir, "a.json", VALID.as_bytes());
    let out = dir.path().join("reports/nested/report.sarif");
    cmd()
        .args(["validate", "-f", "sarif", "-a"])
        .arg(&a)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(0)
        .stdout("");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["version"], "2.1.0");
}

#[test]
fn several_architectures_in_one_report() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(&dir, "a.json", VALID.as_bytes());
    let b = write(&dir, "b.json", VALID.replace("\"UI\"", "\"\"").as_bytes());
    let out = cmd()
        .args(["validate", "-f", "pretty", "-a"])
        .arg(&a)
        .arg("-a")
        .arg(&b)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("In b.json"), "{text}");
    assert!(text.contains("path: /nodes/web/description"), "{text}");
}

#[test]
fn tutorial_fixtures_pass_with_only_unresolved_control_warnings_and_fail_strict() {
    for name in [
        "fixtures/ecommerce-platform.day13.json",
        "fixtures/ecommerce-platform.day14-expected.json",
    ] {
        let f = shared(name);
        if !f.is_file() {
            println!("SKIPPED: {} is absent", f.display());
            return;
        }
        let out = cmd()
            .args(["validate", "-a"])
            .arg(&f)
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["hasErrors"], false, "{name}");
        let all: Vec<&serde_json::Value> = v["jsonSchemaValidationOutputs"]
            .as_array()
            .unwrap()
            .iter()
            .chain(v["spectralSchemaValidationOutputs"].as_array().unwrap())
            .collect();
        assert!(
            !all.is_empty(),
            "{name}: the unresolved requirement URLs are reported"
        );
        for o in all {
            assert_eq!(o["code"], "control-requirement-unresolved", "{name}: {o}");
            assert_eq!(o["severity"], "warning");
        }
        cmd()
            .args(["validate", "--strict", "-a"])
            .arg(&f)
            .assert()
            .code(1);
    }
}

#[test]
fn pretty_output_has_no_colour_when_piped_or_no_color() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(&dir, "bad.json", VALID.replace("\"UI\"", "\"\"").as_bytes());
    cmd()
        .args(["validate", "-f", "pretty", "-a"])
        .arg(&bad)
        .env("NO_COLOR", "1")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("\u{1b}[").not())
        .stdout(predicate::str::contains("at line 3, col"));
}
