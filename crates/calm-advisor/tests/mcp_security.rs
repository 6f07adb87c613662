//! Confinement of `calm-advisor mcp`, driven by the real Python MCP client
//! (`tests/mcp_security_client.py`): reads and writes outside the allowed roots (absolute paths,
//! `..`, a symlink pointing out) are refused with an error that names the roots and change
//! nothing on disk; inside them everything works; the client's `roots/list` replaces the start
//! directory and `notifications/roots/list_changed` is honoured; a non-JSON file's content never
//! appears in an error; render writes only its own formats; apply_fix rewrites only CALM
//! architectures; oversized inline documents are refused before parsing.
//! Skipped (with a message) when Python's `mcp` is missing, except under CI=true.

use serde_json::Value;
use std::path::Path;

fn python_mcp_available() -> bool {
    std::process::Command::new("python3")
        .args(["-c", "import mcp"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

const ARCH: &str = r#"{
  "nodes": [
    {"unique-id": "user", "node-type": "actor", "name": "User", "description": "A user"},
    {"unique-id": "api", "node-type": "service", "name": "API", "description": "The API"}
  ],
  "relationships": [
    {"unique-id": "u-api", "description": "uses", "relationship-type": {"interacts": {"actor": "user", "nodes": ["api"]}}}
  ]
}
"#;

const SECRET: &str = "root:x:0:0:TOPSECRET-CONTENT:/root:/bin/bash";

fn setup(work: &Path) {
    let project = work.join("project");
    let outside = work.join("elsewhere");
    std::fs::create_dir_all(project.join("sub")).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(project.join("arch.json"), ARCH).unwrap();
    std::fs::write(project.join("sub/inner.json"), ARCH).unwrap();
    std::fs::write(
        project.join("plain.json"),
        "{\"name\": \"not an architecture\"}\n",
    )
    .unwrap();
    std::fs::write(project.join("notes.txt"), format!("{SECRET}\n")).unwrap();
    std::fs::write(outside.join("secret.json"), ARCH).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(outside.join("secret.json"), project.join("link.json")).unwrap();
}

fn text(v: &Value) -> String {
    v["text"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

#[test]
fn tools_stay_inside_the_allowed_roots() {
    if !python_mcp_available() {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("CI=true but the Python `mcp` package is missing: run .ci/install-test-deps");
        }
        eprintln!("skipped: the Python `mcp` package is missing");
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let work = work.path().canonicalize().unwrap();
    setup(&work);
    let before_secret = std::fs::read(work.join("elsewhere/secret.json")).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mcp_security_client.py");
    let out = std::process::Command::new("python3")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_calm-advisor"))
        .arg(&work)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "client failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value = serde_json::from_slice(&out.stdout).expect("the client prints JSON");

    // Inside the roots everything works as before.
    assert_eq!(
        r["inside_validate"]["isError"], false,
        "{}",
        r["inside_validate"]
    );
    assert_eq!(
        r["inside_render"]["isError"], false,
        "{}",
        r["inside_render"]
    );
    assert!(work.join("project/out.svg").is_file());

    // Outside: refused, with the roots named.
    for case in [
        "abs_outside_read",
        "dotdot_read",
        "symlink_read",
        "render_outside_abs",
        "render_outside_dotdot",
        "apply_fix_outside",
    ] {
        assert_eq!(r[case]["isError"], true, "{case}: {}", r[case]);
        let t = text(&r[case]);
        assert!(t.contains("outside the allowed roots"), "{case}: {t}");
        assert!(
            t.contains(&work.join("project").display().to_string()),
            "{case} names the root: {t}"
        );
    }
    // ... and nothing changed on disk.
    assert!(!work.join("elsewhere/evil.svg").exists());
    assert!(!work.join("elsewhere/evil2.svg").exists());
    assert_eq!(
        std::fs::read(work.join("elsewhere/secret.json")).unwrap(),
        before_secret
    );

    // Only the formats render produces; only CALM architectures are rewritten.
    assert_eq!(r["render_bad_extension"]["isError"], true);
    assert!(!work.join("project/run.sh").exists());
    assert_eq!(r["apply_fix_not_calm"]["isError"], true);
    assert!(text(&r["apply_fix_not_calm"]).contains("not a CALM architecture"));
    assert_eq!(
        std::fs::read_to_string(work.join("project/plain.json")).unwrap(),
        "{\"name\": \"not an architecture\"}\n"
    );

    // A non-JSON file: named with a position, never quoted.
    assert_eq!(r["not_json"]["isError"], true);
    let t = text(&r["not_json"]);
    assert!(t.contains("notes.txt"), "{t}");
    assert!(!t.contains("TOPSECRET") && !t.contains("root:x"), "{t}");

    // Over the size limit: refused before parsing.
    assert_eq!(r["too_big"]["isError"], true);
    assert!(text(&r["too_big"]).contains("over the server's limit"));

    // The client's roots replace the start directory, and changes are honoured.
    assert_eq!(
        r["in_client_root"]["isError"], false,
        "{}",
        r["in_client_root"]
    );
    assert_eq!(
        r["start_dir_not_a_root"]["isError"], true,
        "{}",
        r["start_dir_not_a_root"]
    );
    assert_eq!(
        r["after_list_changed"]["isError"], false,
        "{}",
        r["after_list_changed"]
    );

    // Hostile documents sent inline: every call answers (a result or a tool error), none
    // crashes the server, and references to files outside the roots are not followed.
    let hostile = r["hostile"].as_array().unwrap();
    assert!(hostile.len() >= 40, "{}", hostile.len());
    for h in hostile {
        let t = h["text"].as_str().unwrap_or("");
        assert!(
            !t.contains("root:"),
            "no file outside the roots is quoted: {t}"
        );
    }
    assert_eq!(r["alive_after_hostile"], true);
}
