//! `calm-advisor render`: formats from flags and extensions, findings overlay from the review,
//! compare summary, and clear errors with exit code 2.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures")
        .join(name);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipping: {} not found", p.display());
        None
    }
}

fn own_fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../calm-render/tests/fixtures/nested-containers.json")
}

fn cmd() -> Command {
    Command::cargo_bin("calm-advisor").unwrap()
}

#[test]
fn svg_to_stdout_draws_every_node() {
    let out = cmd().args(["render"]).arg(own_fixture()).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let svg = String::from_utf8(out.stdout).unwrap();
    assert!(svg.starts_with("<svg "));
    for id in ["trader", "orders", "region", "cluster", "trading", "lonely"] {
        assert_eq!(svg.matches(&format!("data-id=\"{id}\"")).count(), 1, "{id}");
    }
}

#[test]
fn formats_follow_the_output_extension() {
    let dir = tempfile::tempdir().unwrap();
    for (name, magic) in [
        ("a.png", &b"\x89PNG"[..]),
        ("a.html", &b"<!DOCTYPE html>"[..]),
        ("a.svg", &b"<svg"[..]),
        ("a.mmd", &b"%%{init"[..]),
    ] {
        let out = dir.path().join(name);
        cmd()
            .args(["render"])
            .arg(own_fixture())
            .arg("-o")
            .arg(&out)
            .assert()
            .success();
        let bytes = std::fs::read(&out).unwrap();
        assert!(bytes.starts_with(magic), "{name}");
    }
    // Markdown gets the flowchart and one sequence diagram per flow.
    let md = dir.path().join("arch.md");
    cmd()
        .args(["render"])
        .arg(own_fixture())
        .arg("-o")
        .arg(&md)
        .assert()
        .success();
    let text = std::fs::read_to_string(&md).unwrap();
    assert_eq!(text.matches("```mermaid").count(), 2, "{text}");
    assert!(text.contains("sequenceDiagram") && text.contains("## Flow: Place an order"));
}

#[test]
fn mermaid_with_flow_prints_its_sequence() {
    let out = cmd()
        .args(["render", "-f", "mermaid", "--flow", "place-order"])
        .arg(own_fixture())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("sequenceDiagram"), "{text}");
}

#[test]
fn errors_name_the_problem_and_exit_2() {
    // (render arguments before the file, what stderr must mention)
    for (args, says) in [
        (&["--focus", "nope"][..], "`nope`"),
        (&["--flow", "nope"][..], "place-order"),
        (&["-f", "png"][..], "-o"),
    ] {
        let out = cmd()
            .arg("render")
            .args(args)
            .arg(own_fixture())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
    let out = cmd()
        .args(["render", "missing-file.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn findings_overlay_uses_the_review() {
    let Some(day13) = fixture("ecommerce-platform.day13.json") else {
        return;
    };
    let out = cmd()
        .args(["render", "--findings"])
        .arg(&day13)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let svg = String::from_utf8(out.stdout).unwrap();
    assert!(
        svg.contains("class=\"finding-outline severity-critical\""),
        "the gateway SPOF is critical"
    );
    assert!(svg.contains("⚠ SPOF"));
    assert!(svg.contains(">Findings<"));
}

#[test]
fn compare_writes_the_picture_and_prints_the_summary() {
    let (Some(before), Some(after)) = (
        fixture("ecommerce-platform.day13.json"),
        fixture("ecommerce-platform.day14-expected.json"),
    ) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("compare.png");
    let out = cmd()
        .args(["render", "--compare"])
        .arg(&before)
        .arg(&after)
        .arg("-o")
        .arg(&png)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG"));
    let summary = String::from_utf8_lossy(&out.stderr);
    assert!(summary.contains("9 → 15 nodes"), "{summary}");
    assert!(
        summary.contains("single points of failure resolved")
            || summary.contains("single point of failure resolved"),
        "{summary}"
    );
    let out = cmd()
        .args(["render", "--compare", "-f", "mermaid"])
        .arg(&before)
        .arg(&after)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
