//! `calm-advisor mcp` driven by a real MCP client (the Python `mcp` package, installed by
//! `.ci/install-test-deps`): initialize -> tools/list -> tools/call on the Day 13 fixture. The
//! review tool must return the same findings as `calm-advisor review --format json`.
//! Skipped (with a message) when Python's `mcp` is missing, except under CI=true where it fails.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn python_mcp_available() -> bool {
    std::process::Command::new("python3")
        .args(["-c", "import mcp"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

fn day13() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/ecommerce-platform.day13.json");
    if p.exists() {
        Some(p.canonicalize().unwrap())
    } else {
        eprintln!("skipped: {} is absent", p.display());
        None
    }
}

fn run_client(path: &Path) -> Option<Value> {
    if !python_mcp_available() {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("CI=true but the Python `mcp` package is missing: run .ci/install-test-deps");
        }
        eprintln!(
            "skipped: the Python `mcp` package is missing (pip install 'mcp>=1.2', or run .ci/install-test-deps)"
        );
        return None;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mcp_client.py");
    let out = std::process::Command::new("python3")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_calm-advisor"))
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "client failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).expect("the client prints JSON"))
}

#[test]
fn python_client_lists_tools_and_review_matches_the_cli() {
    let Some(path) = day13() else { return };
    let Some(r) = run_client(&path) else { return };

    assert_eq!(r["server"], "calm-advisor");
    let tools = r["tools"].as_array().unwrap();
    let mut names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "apply_fix",
            "diff",
            "explain",
            "plan_fix",
            "render",
            "report",
            "review",
            "simulate",
            "triage",
            "validate"
        ]
    );
    for t in tools {
        let input = &t["inputSchema"];
        assert_eq!(input["type"], "object", "{t}");
        assert_eq!(t["outputSchema"]["type"], "object", "{t}");
        let props = input["properties"].as_object().unwrap();
        if !matches!(t["name"].as_str(), Some("diff" | "report")) {
            assert!(
                props.contains_key("path") && props.contains_key("document"),
                "{t}"
            );
        } else {
            assert!(
                props.contains_key("before") && props.contains_key("after"),
                "{t}"
            );
        }
    }

    // tools/call review == `calm-advisor review FILE --format json`.
    let review = &r["review"];
    assert_eq!(review["isError"], false, "{review}");
    let cli = Command::cargo_bin("calm-advisor")
        .unwrap()
        .arg("review")
        .arg(&path)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        cli.status.code().is_some_and(|c| c <= 1),
        "review CLI failed: {}",
        String::from_utf8_lossy(&cli.stderr)
    );
    let cli: Value = serde_json::from_slice(&cli.stdout).unwrap();
    let cli_findings = cli["findings"].as_array().unwrap();
    assert!(!cli_findings.is_empty());
    assert_eq!(
        review["structured"]["findings"].as_array().unwrap(),
        cli_findings
    );

    // Inline document with filters == the CLI with the same flags.
    let cli_top = Command::cargo_bin("calm-advisor")
        .unwrap()
        .arg("review")
        .arg(&path)
        .args(["--format", "json", "--category", "resilience", "--top", "3"])
        .output()
        .unwrap();
    let cli_top: Value = serde_json::from_slice(&cli_top.stdout).unwrap();
    let ids = |v: &Value| {
        v.as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(&r["review_top"]["structured"]["findings"]),
        ids(&cli_top["findings"])
    );

    // The other tools answer with structured results.
    assert_eq!(
        r["validate"]["structured"]["valid"], true,
        "{}",
        r["validate"]
    );
    assert_eq!(r["validate"]["structured"]["errors"], 0);
    let plan = &r["plan_fix"]["structured"];
    assert!(
        plan["diff"]
            .as_str()
            .unwrap()
            .contains("+      \"unique-id\": \"load-balancer\""),
        "{plan}"
    );
    assert!(plan["patch"].as_array().is_some_and(|p| !p.is_empty()));
    assert!(plan.get("written").is_none());
    assert!(
        r["simulate"]["structured"]["text"]
            .as_str()
            .unwrap()
            .contains("down: order-database"),
        "{}",
        r["simulate"]
    );
    let triage = &r["triage"]["structured"];
    assert!(
        triage["text"]
            .as_str()
            .unwrap()
            .contains("`web-frontend` is not in the architecture"),
        "{triage}"
    );
    assert_eq!(
        triage["triage"]["failing"],
        serde_json::json!(["order-service"])
    );
    assert!(
        triage["triage"]["causes"].as_array().is_some_and(|c| c
            .iter()
            .any(|c| c["nodes"] == serde_json::json!(["order-database"]))),
        "{triage}"
    );
    let rule_doc = r["explain_rule"]["structured"]["text"].as_str().unwrap();
    assert!(
        rule_doc.starts_with("single-ingress-path") && rule_doc.contains("What it finds"),
        "{rule_doc}"
    );
    let node = r["explain_node"]["structured"]["text"].as_str().unwrap();
    assert!(node.contains("single-ingress-path@api-gateway"), "{node}");
    // report with `ops` returns the three documents `report --ops` writes, byte for byte.
    let docs = r["report_ops"]["structured"]["documents"]
        .as_array()
        .unwrap();
    let out = tempfile::tempdir().unwrap();
    Command::cargo_bin("calm-advisor")
        .unwrap()
        .arg("report")
        .arg("--ops")
        .arg(&path)
        .arg("-o")
        .arg(out.path())
        .assert()
        .success();
    let names: Vec<&str> = docs.iter().map(|d| d["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "service-runbooks.md",
            "oncall-reference.md",
            "flow-support-guide.md"
        ]
    );
    for d in docs {
        let cli = std::fs::read_to_string(out.path().join(d["name"].as_str().unwrap())).unwrap();
        assert_eq!(d["text"].as_str().unwrap(), cli, "{}", d["name"]);
    }
    // Errors are tool errors with a message, not protocol failures.
    assert_eq!(r["missing"]["isError"], true);
    assert!(
        r["missing"]["text"][0]
            .as_str()
            .unwrap()
            .contains("cannot read"),
        "{}",
        r["missing"]
    );
    // plan_fix wrote nothing.
    assert!(
        !std::fs::read_to_string(&path)
            .unwrap()
            .contains("load-balancer")
    );
}
