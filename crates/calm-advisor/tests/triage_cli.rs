//! `calm-advisor triage` on two architectures of our own outside e-commerce, with golden
//! outputs: a clinic whose two failing services share one VM (the shared host must rank first),
//! and a freight tracker that declares no operational metadata at all (everything the on-call
//! engineer would want is reported as missing, nothing is invented).

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/ops_fixtures")
        .join(name)
}

fn triage(args: &[&str]) -> (i32, String) {
    let out = Command::cargo_bin("calm-advisor")
        .unwrap()
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ops_fixtures"))
        .arg("triage")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[test]
fn fixtures_validate() {
    for f in ["clinic-appointments.json", "freight-tracking.json"] {
        Command::cargo_bin("calm-advisor")
            .unwrap()
            .args(["validate", "-a"])
            .arg(fixture(f))
            .assert()
            .success();
    }
}

#[test]
fn shared_host_ranks_first_when_two_services_fail() {
    let (code, out) = triage(&[
        "clinic-appointments.json",
        "--failing",
        "scheduling-service,records-service",
    ]);
    assert_eq!(code, 0, "{out}");
    let first = out
        .lines()
        .find(|l| l.trim_start().starts_with("1. "))
        .unwrap();
    assert!(
        first.contains("clinic-vm-1") && first.contains("shared host"),
        "{out}"
    );
    // Its contacts and dashboard come from its metadata, cited.
    assert!(
        out.contains("#infra-oncall [clinic-vm-1.metadata.oncall-slack]"),
        "{out}"
    );
    // The declared failure mode that names the VM is matched and cited.
    assert!(
        out.contains("[scheduling-service.metadata.failure-modes[0]]"),
        "{out}"
    );
    insta::assert_snapshot!("clinic_shared_host_text", out);
}

#[test]
fn clinic_flow_report_as_markdown_and_json() {
    let (code, md) = triage(&[
        "clinic-appointments.json",
        "--flow",
        "Book an appointment",
        "-f",
        "markdown",
    ]);
    assert_eq!(code, 0, "{md}");
    assert!(md.starts_with("# Triage: flow book-appointment"), "{md}");
    insta::assert_snapshot!("clinic_flow_markdown", md);
    let (code, json) = triage(&[
        "clinic-appointments.json",
        "--slow",
        "scheduling-service",
        "-f",
        "json",
    ]);
    assert_eq!(code, 0, "{json}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let hop = &v["latency-path"][0];
    assert_eq!(hop["to"], "appointments-db");
    assert_eq!(hop["declared"][0]["key"], "latency-ms");
    insta::assert_snapshot!("clinic_slow_json", json);
}

#[test]
fn model_without_ops_metadata_reports_gaps_not_guesses() {
    let (code, out) = triage(&["freight-tracking.json", "--slow", "tracking-api"]);
    assert_eq!(code, 0, "{out}");
    for gap in [
        "tracking-api declares no health endpoint",
        "tracking-api declares no owner",
        "track-consignment declares no business impact",
        "no latency is declared on tracking-api's synchronous path",
    ] {
        assert!(out.contains(gap), "missing gap {gap:?}:\n{out}");
    }
    assert!(
        !out.contains("[tracking-api.metadata"),
        "nothing is cited from absent metadata"
    );
    insta::assert_snapshot!("freight_no_metadata_text", out);
}

#[test]
fn unknown_ids_are_named_with_the_closest() {
    let (code, out) = triage(&["freight-tracking.json", "--failing", "tracking-apl,web-ui"]);
    assert_eq!(code, 2, "nothing known was reported: {out}");
    assert!(
        out.contains("node tracking-apl is not in the architecture (closest: tracking-api"),
        "{out}"
    );
    assert!(
        out.contains("node web-ui is not in the architecture"),
        "{out}"
    );
    let (code, out) = triage(&["freight-tracking.json", "--failing", "eta-service,web-ui"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("reaches the system through tracking-api"),
        "{out}"
    );
}

#[test]
fn same_input_same_bytes_and_usage_errors() {
    let a = triage(&[
        "clinic-appointments.json",
        "--failing",
        "records-service",
        "-f",
        "json",
    ]);
    let b = triage(&[
        "clinic-appointments.json",
        "--failing",
        "records-service",
        "-f",
        "json",
    ]);
    assert_eq!(a, b);
    let (code, out) = triage(&["clinic-appointments.json"]);
    assert_eq!(code, 2, "{out}");
    let (code, out) = triage(&["no-such-file.json", "--failing", "x"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("no-such-file.json"), "{out}");
}
