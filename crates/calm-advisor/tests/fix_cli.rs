//! `calm-advisor fix` end to end: the tutorial's Day 14 commands, dry-run, patch, -o,
//! idempotence, refusals and exit codes, permissions.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn shared_fixture(name: &str) -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures")
        .join(name);
    if p.exists() {
        Some(p)
    } else {
        println!("skipped: {} not found", p.display());
        None
    }
}

/// A copy of the Day 13 architecture in a temp dir (the shared fixture is read-only).
fn day13_copy(dir: &Path) -> Option<PathBuf> {
    let src = shared_fixture("ecommerce-platform.day13.json")?;
    let dst = dir.join("ecommerce-platform.json");
    std::fs::write(&dst, std::fs::read(src).unwrap()).unwrap();
    Some(dst)
}

fn fix(file: &Path, args: &str) -> assert_cmd::assert::Assert {
    let mut cmd = Command::cargo_bin("calm-advisor").unwrap();
    cmd.arg("fix").arg(file).args(args.split_whitespace());
    cmd.assert()
}

fn stderr(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).to_string()
}

const DAY14: [&str; 6] = [
    "add-load-balancer --target api-gateway --names api-gateway-1,api-gateway-2",
    "replicate-database --target order-database",
    "decouple --from order-service --to payment-service --broker-id message-broker --queue-id order-queue --port 5672 --adr docs/adr/0001-use-message-queue-for-async-processing.md",
    "add-control --scope architecture --preset high-availability",
    "add-control --scope node:order-database-cluster --preset failover",
    "add-control --scope node:order-service --preset circuit-breaker",
];

#[test]
fn tutorial_day14_commands_apply_and_validate() {
    let dir = tempfile::tempdir().unwrap();
    let Some(file) = day13_copy(dir.path()) else {
        return;
    };
    for step in DAY14 {
        let a = fix(&file, step).success();
        assert!(stderr(&a).contains("validates"), "{step}: {}", stderr(&a));
        assert!(stderr(&a).contains("wrote"), "{step}: {}", stderr(&a));
    }
    let text = std::fs::read_to_string(&file).unwrap();
    for needle in [
        "load-balancer",
        "api-gateway-1",
        "api-gateway-2",
        "message-broker",
        "replica",
        "high-availability",
        "failover",
    ] {
        assert!(text.contains(needle), "grep {needle}");
    }
    // Our own validator agrees (exit 0: no errors; example.com requirement URLs are warnings).
    Command::cargo_bin("calm-advisor")
        .unwrap()
        .args(["validate", "-a"])
        .arg(&file)
        .assert()
        .success();
    // Every step again: nothing to change, file untouched.
    for step in DAY14 {
        let a = fix(&file, step).success();
        assert!(
            stderr(&a).contains("nothing to change"),
            "{step}: {}",
            stderr(&a)
        );
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
}

#[test]
fn new_findings_are_shown_not_hidden() {
    let dir = tempfile::tempdir().unwrap();
    let Some(file) = day13_copy(dir.path()) else {
        return;
    };
    let a = fix(&file, DAY14[2]).success();
    let err = stderr(&a);
    // The decoupling resolves the cascade and says what it resolved.
    assert!(err.contains("resolved ("), "{err}");
    assert!(err.contains("cascading-sync-dependency"), "{err}");
    // Whatever the re-review newly reports is listed with its severity.
    for line in err.lines().filter(|l| l.contains("NEW finding")) {
        assert!(
            line.contains("(high)")
                || line.contains("(medium)")
                || line.contains("(low)")
                || line.contains("(info)")
                || line.contains("(critical)"),
            "{line}"
        );
    }
}

#[test]
fn dry_run_prints_a_diff_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let Some(file) = day13_copy(dir.path()) else {
        return;
    };
    let before = std::fs::read(&file).unwrap();
    let a = fix(&file, "--dry-run add-load-balancer --target api-gateway").success();
    let out = String::from_utf8_lossy(&a.get_output().stdout).to_string();
    assert!(out.starts_with("--- a/"), "{out}");
    assert!(out.contains("+++ b/"));
    assert!(
        out.contains("+      \"unique-id\": \"load-balancer\","),
        "{out}"
    );
    assert!(
        out.contains("-          \"nodes\": [\"api-gateway\"]")
            && out.contains("+          \"nodes\": [\"load-balancer\"]"),
        "{out}"
    );
    assert_eq!(std::fs::read(&file).unwrap(), before);
}

#[test]
fn emit_patch_reproduces_the_change() {
    let dir = tempfile::tempdir().unwrap();
    let Some(file) = day13_copy(dir.path()) else {
        return;
    };
    let before: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let out_file = dir.path().join("out.json");
    let a = fix(
        &file,
        &format!(
            "--emit-patch -o {} replicate-database --target order-database",
            out_file.display()
        ),
    )
    .success();
    let patch: Vec<Value> = serde_json::from_slice(&a.get_output().stdout).unwrap();
    assert!(
        patch
            .iter()
            .all(|op| op["op"].is_string() && op["path"].is_string())
    );
    let patched = calm_refactor::patch::apply(&before, &patch).unwrap();
    let written: Value = serde_json::from_slice(&std::fs::read(&out_file).unwrap()).unwrap();
    assert_eq!(patched, written);
    // FILE itself is untouched with -o.
    let still: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(still, before);
}

#[test]
fn bad_input_has_clear_errors_and_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let Some(file) = day13_copy(dir.path()) else {
        return;
    };
    let before = std::fs::read(&file).unwrap();
    let a = fix(&file, "add-load-balancer --target no-such-node").code(2);
    assert!(
        stderr(&a).contains("no node with unique-id `no-such-node`"),
        "{}",
        stderr(&a)
    );
    let a = fix(&file, "").code(2);
    assert!(stderr(&a).contains("say what to fix"), "{}", stderr(&a));
    let a = fix(&file, "--finding nope@nothing").code(2);
    assert!(
        stderr(&a).contains("no finding `nope@nothing`"),
        "{}",
        stderr(&a)
    );
    assert_eq!(std::fs::read(&file).unwrap(), before);

    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{\n  \"nodes\": [\n}").unwrap();
    let a = fix(&broken, "rename a b").code(2);
    assert!(stderr(&a).contains("broken.json"), "{}", stderr(&a));
}

#[cfg(unix)]
#[test]
fn permissions_are_kept() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let Some(file) = day13_copy(dir.path()) else {
        return;
    };
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    fix(&file, "rename inventory-service stock-service").success();
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o640
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.contains("\"inventory-service\"") && text.contains("\"stock-service\""));
}

#[test]
fn a_change_that_would_not_validate_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let Some(file) = day13_copy(dir.path()) else {
        return;
    };
    let before = std::fs::read(&file).unwrap();
    let mut cmd = Command::cargo_bin("calm-advisor").unwrap();
    cmd.arg("fix").arg(&file).args([
        "add-control",
        "--id",
        "empty",
        "--description",
        "",
        "--requirement-url",
        "https://example.org/x",
    ]);
    let a = cmd.assert().code(3);
    let err = stderr(&a);
    assert!(err.contains("refused, nothing was written"), "{err}");
    assert!(
        err.contains("architecture-has-no-empty-string-properties") || err.contains("empty"),
        "{err}"
    );
    assert_eq!(std::fs::read(&file).unwrap(), before);
    // -o is refused the same way: the output file is not created.
    let out = dir.path().join("out.json");
    let mut cmd = Command::cargo_bin("calm-advisor").unwrap();
    cmd.arg("fix").arg(&file).arg("-o").arg(&out).args([
        "add-control",
        "--id",
        "empty",
        "--description",
        "",
        "--requirement-url",
        "https://example.org/x",
    ]);
    cmd.assert().code(3);
    assert!(!out.exists());
}

#[test]
fn finding_fix_clears_its_finding() {
    let dir = tempfile::tempdir().unwrap();
    let Some(file) = day13_copy(dir.path()) else {
        return;
    };
    let a = fix(&file, "--finding datastore-no-replication@order-database").success();
    let err = stderr(&a);
    assert!(
        err.contains("target finding datastore-no-replication@order-database: cleared"),
        "{err}"
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("\"order-database-replica\""));
}
