//! `calm-advisor review` as a CI step: exit codes, `-o`, rule configuration (`--config`,
//! `--disable`) and its errors. Uses the embedded example, so it needs no fixture.

use serde_json::Value;
use std::process::{Command, Output};

fn review(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_calm-advisor"))
        .arg("review")
        .args(args)
        .output()
        .unwrap()
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)))
}

fn rules_of(v: &Value) -> Vec<(String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn fail_on_sets_the_exit_code() {
    let plain = review(&["--example", "-f", "json"]);
    assert_eq!(plain.status.code(), Some(0));
    let v = json_of(&plain);
    assert!(rules_of(&v).iter().any(|(_, s)| s == "critical"));
    assert_eq!(
        review(&["--example", "--fail-on", "critical"])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn output_file_has_exactly_what_stdout_prints() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("nested/findings.json");
    let to_file = review(&["--example", "-f", "json", "-o", out.to_str().unwrap()]);
    assert_eq!(to_file.status.code(), Some(0));
    assert!(to_file.stdout.is_empty());
    let stdout = review(&["--example", "-f", "json"]).stdout;
    assert_eq!(std::fs::read(&out).unwrap(), stdout);
    // Only the output file in the folder: no temp file left behind.
    assert_eq!(std::fs::read_dir(out.parent().unwrap()).unwrap().count(), 1);
}

#[test]
fn config_disables_rules_and_overrides_severities() {
    let before = json_of(&review(&["--example", "-f", "json"]));
    let before_rules = rules_of(&before);
    assert!(
        before_rules
            .iter()
            .any(|(r, _)| r == "unencrypted-transport")
    );
    assert!(
        before_rules
            .iter()
            .any(|(r, _)| r == "missing-ownership-runbook")
    );
    assert!(
        before
            .get("assumptions")
            .unwrap()
            .get("ruleConfiguration")
            .is_none()
    );

    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("calm-advisor.json");
    std::fs::write(
        &config,
        r#"{"rules": {"unencrypted-transport": "off", "RES-02": "low", "missing-ownership-runbook": {"severity": "medium"}}}"#,
    )
    .unwrap();
    let out = review(&[
        "--example",
        "-f",
        "json",
        "--config",
        config.to_str().unwrap(),
        "--disable",
        "OPS-02",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = json_of(&out);
    let after_rules = rules_of(&after);
    assert!(
        !after_rules
            .iter()
            .any(|(r, _)| r == "unencrypted-transport")
    );
    // RES-02 is single-ingress-path: the critical front door, now reported as low.
    let ingress: Vec<_> = after["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "single-ingress-path")
        .collect();
    assert!(!ingress.is_empty());
    for f in &ingress {
        assert_eq!(f["severity"], "low");
        assert!(f["evidence"].as_array().unwrap().iter().any(|e| {
            e["kind"] == "configuration"
                && e["detail"]
                    .as_str()
                    .unwrap()
                    .contains("the rule gives critical")
        }));
    }
    assert!(
        after_rules
            .iter()
            .filter(|(r, _)| r == "missing-ownership-runbook")
            .all(|(_, s)| s == "medium")
    );
    // Ranking follows the new severities: nothing low ranks above a remaining critical.
    let first_low = after_rules.iter().position(|(_, s)| s == "low").unwrap();
    assert!(
        !after_rules[first_low..]
            .iter()
            .any(|(_, s)| s == "critical")
    );
    let conf = &after["assumptions"]["ruleConfiguration"];
    let disabled: Vec<&str> = conf["disabled"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert!(disabled.contains(&"unencrypted-transport"));
    assert_eq!(conf["severity"]["single-ingress-path"], "low");
    // OPS-02 names a rule by code; whichever rule it is, none of its findings remain.
    let ops02 = disabled
        .iter()
        .find(|d| **d != "unencrypted-transport")
        .unwrap();
    assert!(!after_rules.iter().any(|(r, _)| r == ops02));
}

#[test]
fn bad_rule_configuration_is_a_clear_input_error() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("c.json");
    std::fs::write(&config, r#"{"rules": {"spof-nodes": "off"}}"#).unwrap();
    let out = review(&["--example", "--config", config.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("c.json") && err.contains("/rules/spof-nodes") && err.contains("unknown rule"),
        "{err}"
    );

    let out = review(&["--example", "--disable", "no-such-rule"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown rule \"no-such-rule\""));

    std::fs::write(&config, "{\"rules\": {\n  \"spof-node\": \"off\",\n}").unwrap();
    let out = review(&["--example", "--config", config.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "c.json:3:1: invalid JSON: trailing comma: expected another member after `,` but found `}`"
        ),
        "{err}"
    );
}

#[test]
fn baseline_file_carries_suppressions_and_rules_and_config_wins() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join(".calm-advisor.json");
    std::fs::write(
        &baseline,
        r#"{"suppressions": [{"rule": "spof-node", "status": "accepted", "owner": "platform-team", "justification": "restarted by the orchestrator"}],
            "rules": {"missing-ownership-runbook": "off", "single-ingress-path": "medium"}}"#,
    )
    .unwrap();
    let config = dir.path().join("config.json");
    std::fs::write(&config, r#"{"rules": {"single-ingress-path": "low"}}"#).unwrap();
    let b = baseline.to_str().unwrap();
    let out = review(&["--example", "-f", "json", "--baseline", b]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json_of(&out);
    let findings = v["findings"].as_array().unwrap();
    assert!(
        !findings
            .iter()
            .any(|f| f["rule"] == "missing-ownership-runbook")
    );
    let spof: Vec<_> = findings
        .iter()
        .filter(|f| f["rule"] == "spof-node")
        .collect();
    assert!(!spof.is_empty());
    assert!(
        spof.iter()
            .all(|f| f["suppression"]["status"] == "accepted")
    );
    let ingress = |v: &Value| {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == "single-ingress-path")
            .unwrap()["severity"]
            .clone()
    };
    assert_eq!(ingress(&v), "medium");
    let both = json_of(&review(&[
        "--example",
        "-f",
        "json",
        "--baseline",
        b,
        "--config",
        config.to_str().unwrap(),
    ]));
    assert_eq!(ingress(&both), "low");
}
