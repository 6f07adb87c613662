//! `calm-advisor init-ai`: MCP configuration and instructions per assistant; existing files are
//! merged or refused, never overwritten silently.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

fn init(dir: &Path, provider: &str) -> std::process::Output {
    Command::cargo_bin("calm-advisor")
        .unwrap()
        .args(["init-ai", "--provider", provider])
        .arg(dir)
        .output()
        .unwrap()
}

fn json(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

#[test]
fn each_provider_gets_its_conventions() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for p in ["copilot", "claude", "codex", "kiro"] {
        let out = init(d, p);
        assert!(
            out.status.success(),
            "{p}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let vscode = json(&d.join(".vscode/mcp.json"));
    assert_eq!(vscode["servers"]["calm-advisor"]["command"], "calm-advisor");
    assert_eq!(vscode["servers"]["calm-advisor"]["args"][0], "mcp");
    assert_eq!(vscode["servers"]["calm-advisor"]["type"], "stdio");
    let claude = json(&d.join(".mcp.json"));
    assert_eq!(claude["mcpServers"]["calm-advisor"]["args"][0], "mcp");
    let kiro = json(&d.join(".kiro/settings/mcp.json"));
    assert_eq!(
        kiro["mcpServers"]["calm-advisor"]["command"],
        "calm-advisor"
    );
    let codex = std::fs::read_to_string(d.join(".codex/config.toml")).unwrap();
    assert!(
        codex.contains("[mcp_servers.calm-advisor]\ncommand = \"calm-advisor\"\nargs = [\"mcp\"]"),
        "{codex}"
    );
    for f in [
        ".github/copilot-instructions.md",
        "CLAUDE.md",
        "AGENTS.md",
        ".kiro/steering/calm-advisor.md",
    ] {
        let text = std::fs::read_to_string(d.join(f)).unwrap();
        assert!(text.contains("validate"), "{f}");
        assert!(
            text.contains("after every edit") || text.contains("after any change"),
            "{f}"
        );
        assert!(text.contains("plan_fix") && text.contains("review"), "{f}");
    }
    assert!(
        std::fs::read_to_string(d.join(".kiro/steering/calm-advisor.md"))
            .unwrap()
            .starts_with("---\ninclusion: always\n---\n")
    );
    // Running again changes nothing and says so.
    let again = init(d, "claude");
    assert!(again.status.success());
    let said = String::from_utf8_lossy(&again.stdout);
    assert!(
        said.contains("unchanged") && !said.contains("created"),
        "{said}"
    );
}

#[test]
fn existing_files_are_merged_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join(".mcp.json"),
        r#"{"mcpServers": {"other": {"command": "other-tool"}}, "keep": 1}"#,
    )
    .unwrap();
    std::fs::write(d.join("CLAUDE.md"), "# House rules\n\nUse tabs.\n").unwrap();
    let out = init(d, "claude");
    assert!(out.status.success());
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("merged") && said.contains("updated"),
        "{said}"
    );
    let cfg = json(&d.join(".mcp.json"));
    assert_eq!(cfg["mcpServers"]["other"]["command"], "other-tool");
    assert_eq!(cfg["keep"], 1);
    assert_eq!(cfg["mcpServers"]["calm-advisor"]["command"], "calm-advisor");
    let md = std::fs::read_to_string(d.join("CLAUDE.md")).unwrap();
    assert!(
        md.starts_with("# House rules\n\nUse tabs.\n\n<!-- calm-advisor:begin"),
        "{md}"
    );
    // A second run refreshes the block in place instead of appending another.
    init(d, "claude");
    assert_eq!(
        std::fs::read_to_string(d.join("CLAUDE.md"))
            .unwrap()
            .matches("calm-advisor:begin")
            .count(),
        1
    );
}

#[test]
fn unmergeable_files_are_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join(".vscode")).unwrap();
    let commented = "// my settings\n{ \"servers\": {} }\n";
    std::fs::write(d.join(".vscode/mcp.json"), commented).unwrap();
    let out = init(d, "copilot");
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stdout).contains("refused"));
    assert_eq!(
        std::fs::read_to_string(d.join(".vscode/mcp.json")).unwrap(),
        commented
    );
    // Our server name with other settings is not replaced either.
    std::fs::write(
        d.join(".mcp.json"),
        r#"{"mcpServers": {"calm-advisor": {"command": "/opt/ca", "args": ["mcp"]}}}"#,
    )
    .unwrap();
    let out = init(d, "claude");
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(
        json(&d.join(".mcp.json"))["mcpServers"]["calm-advisor"]["command"],
        "/opt/ca"
    );
}
