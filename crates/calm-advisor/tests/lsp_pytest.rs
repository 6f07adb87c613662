//! `calm-advisor lsp` driven over stdio by a real LSP client: pytest-lsp (pygls/lsprotocol),
//! installed by `.ci/install-test-deps`. `tests/lsp/test_calm_lsp.py` walks the Day 13 tutorial
//! file through open -> diagnostics -> quick fix -> updated diagnostics -> rename -> definition
//! -> references -> completion -> broken JSON -> fixed again -> shutdown.
//!
//! Skipped (with a message) when pytest-lsp is missing, except under CI=true where it fails.

use std::path::Path;
use std::process::Command;

#[path = "lsp/fixture.rs"]
mod fixture;
use fixture::day13;

/// Whether `python3` can import pytest_lsp (and pytest). Under CI=true a missing package fails.
fn pytest_lsp_available() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import pytest, pytest_asyncio, pytest_lsp"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!(
                "CI=true but python3 cannot import pytest-lsp (pytest, pytest-asyncio): run .ci/install-test-deps"
            );
        }
        eprintln!(
            "skipped: python3 cannot import pytest_lsp (pip install pytest-lsp, or run .ci/install-test-deps)"
        );
    }
    ok
}

#[test]
fn pytest_lsp_drives_the_server_through_the_tutorial_file() {
    let Some(fixture) = day13() else { return };
    if !pytest_lsp_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let basetemp = tmp.path().join("pytest");
    std::fs::create_dir_all(&cache).unwrap();
    let before = std::fs::read(&fixture).unwrap();

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lsp/test_calm_lsp.py");
    let out = Command::new("python3")
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider", "-rA"])
        .arg(format!("--basetemp={}", basetemp.display()))
        .arg(&script)
        .current_dir(tmp.path())
        .env("CALM_ADVISOR_BIN", env!("CARGO_BIN_EXE_calm-advisor"))
        .env("CALM_DAY13", &fixture)
        .env("XDG_CACHE_HOME", &cache)
        // No __pycache__ left in the source tree.
        .env("PYTHONDONTWRITEBYTECODE", "1")
        // No user or site pytest configuration changes what runs.
        .env_remove("PYTEST_ADDOPTS")
        .env_remove("PYTEST_PLUGINS")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "pytest failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        out.status
    );
    println!("{stdout}");
    // Everything that ran passed, and something ran (pytest says "N passed").
    let summary = stdout.lines().last().unwrap_or_default();
    assert!(
        summary.contains("passed") && !summary.contains("skipped"),
        "unexpected pytest summary: {summary}\n{stdout}"
    );
    // The original file was never written.
    assert_eq!(std::fs::read(&fixture).unwrap(), before);
}
