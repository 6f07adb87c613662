//! `calm-advisor report` and `calm-advisor diff` end to end: the tutorial acceptance, exit codes
//! of the CI gates, git inputs, images, and well-formed Markdown.

use assert_cmd::Command;
use calm_analysis::Severity;
use calm_report::review::{compare_reviews, review_document};
use calm_report::{NoGit, load_architecture, structural_diff};
use std::path::{Path, PathBuf};

fn bin() -> Command {
    Command::cargo_bin("calm-advisor").unwrap()
}

fn shared(name: &str) -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures")
        .join(name);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipping: {} not found", p.display());
        None
    }
}

fn own(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../calm-report/tests/fixtures")
        .join(name)
}

fn s(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// Unescaped `|` count of a table row.
fn pipes(row: &str) -> usize {
    let mut n = 0;
    let mut prev = ' ';
    for c in row.chars() {
        if c == '|' && prev != '\\' {
            n += 1;
        }
        prev = c;
    }
    n
}

/// Every Markdown table has a separator row and the same number of cells in every row; every
/// fenced block is closed; Mermaid node ids are plain identifiers (no dashes).
fn assert_well_formed(md: &str) {
    let lines: Vec<&str> = md.lines().collect();
    let mut i = 0;
    let mut mermaid_blocks = 0;
    while i < lines.len() {
        let line = lines[i];
        if line.starts_with("```") {
            let lang = line.trim_start_matches('`');
            let start = i;
            i += 1;
            while i < lines.len() && lines[i] != "```" {
                if lang == "mermaid" {
                    let l = lines[i].trim();
                    let skip = [
                        "%%",
                        "classDef",
                        "class ",
                        "subgraph",
                        "end",
                        "direction",
                        "flowchart",
                        "linkStyle",
                        "style",
                    ];
                    if !l.is_empty() && !skip.iter().any(|k| l.starts_with(k)) {
                        let first = l.split_whitespace().next().unwrap();
                        let id: String = first
                            .chars()
                            .take_while(|c| !"[({@:".contains(*c))
                            .collect();
                        assert!(
                            id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                            "mermaid id `{id}` in `{l}`"
                        );
                    }
                }
                i += 1;
            }
            assert!(
                i < lines.len(),
                "unclosed fence opened at line {}",
                start + 1
            );
            if lang == "mermaid" {
                mermaid_blocks += 1;
            }
        } else if line.starts_with('|') {
            let start = i;
            while i < lines.len() && lines[i].starts_with('|') {
                i += 1;
            }
            let table = &lines[start..i];
            assert!(
                table.len() >= 2,
                "table without separator at line {}",
                start + 1
            );
            assert!(
                table[1].chars().all(|c| "|-: ".contains(c)),
                "bad separator row: {}",
                table[1]
            );
            let n = pipes(table[0]);
            for row in table {
                assert_eq!(pipes(row), n, "row has a different cell count: {row}");
            }
            assert!(
                start == 0 || lines[start - 1].trim().is_empty(),
                "table must follow a blank line: {}",
                table[0]
            );
            continue;
        }
        i += 1;
    }
    assert!(mermaid_blocks > 0 || !md.contains("```mermaid"));
}

/// The table row of a section whose first cell contains `needle`.
fn row<'a>(md: &'a str, section: &str, needle: &str) -> Option<Vec<&'a str>> {
    let body = md.split(section).nth(1)?.split("\n## ").next()?;
    body.lines()
        .filter(|l| l.starts_with('|'))
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(str::trim)
                .collect::<Vec<_>>()
        })
        .find(|cells| cells[0].contains(needle))
}

#[test]
fn tutorial_improvements_report_states_the_facts() {
    let (Some(before), Some(after)) = (
        shared("ecommerce-platform.day13.json"),
        shared("ecommerce-platform.day14-expected.json"),
    ) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("docs/architecture-improvements.md");
    bin()
        .args([
            "report",
            "--before",
            &s(&before),
            "--after",
            &s(&after),
            "-o",
            &s(&out),
        ])
        .assert()
        .success();
    let md = std::fs::read_to_string(&out).unwrap();
    assert_well_formed(&md);

    let sections = [
        "## Overview",
        "## Resilience Issues Identified",
        "## Improvements Implemented",
        "## Controls Added",
        "## Architecture Evolution",
        "## Alignment with ADRs",
        "## Remaining Concerns",
        "## Diagrams",
    ];
    let mut last = 0;
    for h in sections {
        let at = md.find(h).unwrap_or_else(|| panic!("missing {h}"));
        assert!(at >= last, "{h} out of order");
        last = at;
    }

    // The concerns are the review's findings of day 13 that day 14 resolves, with their severity.
    let (o, n) = (
        load_architecture(&s(&before), &NoGit).unwrap(),
        load_architecture(&s(&after), &NoGit).unwrap(),
    );
    let d = structural_diff(&o.doc, &n.doc);
    let delta = compare_reviews(
        &d.renames,
        &review_document(&o.doc),
        &review_document(&n.doc),
    );
    let issues = "## Resilience Issues Identified";
    for f in delta
        .resolved
        .iter()
        .filter(|f| f.severity >= Severity::High)
    {
        let r = row(&md, issues, &f.title)
            .unwrap_or_else(|| panic!("{} not in the issues table", f.title));
        assert!(r[1].eq_ignore_ascii_case(f.severity.as_str()), "{r:?}");
    }
    let gateway = delta
        .resolved
        .iter()
        .find(|f| f.nodes.iter().any(|n| n == "api-gateway"))
        .expect("api-gateway concern");
    assert_eq!(gateway.severity, Severity::Critical);
    let db = delta
        .resolved
        .iter()
        .find(|f| f.nodes.iter().any(|n| n == "order-database"))
        .expect("database concern");
    assert!(db.severity >= Severity::High);
    let sync = delta
        .resolved
        .iter()
        .find(|f| f.nodes.iter().any(|n| n == "payment-service") && f.severity >= Severity::High)
        .expect("payment cascade concern");
    assert!(row(&md, issues, &sync.title).is_some());
    assert!(row(&md, issues, &gateway.title).unwrap()[1] == "Critical");

    // Three improvements, each tied to what it resolved.
    let improvements = md
        .split("## Improvements Implemented")
        .nth(1)
        .unwrap()
        .split("\n## ")
        .next()
        .unwrap();
    assert_eq!(
        improvements
            .lines()
            .filter(|l| l.starts_with("### "))
            .count(),
        3,
        "{improvements}"
    );
    for (title, resolved) in [
        ("Load Balancer", &gateway.title),
        ("Order Database", &db.title),
        ("Message Broker", &sync.title),
    ] {
        let block = improvements
            .split("### ")
            .find(|b| b.contains(title))
            .unwrap_or_else(|| panic!("no improvement {title}"));
        assert!(
            block.contains("**Problem:**")
                && block.contains("**Solution:**")
                && block.contains("**Benefit:**")
        );
        assert!(
            block.contains(resolved.as_str()),
            "{title} should cite {resolved}: {block}"
        );
    }
    assert!(improvements.contains("ADR-0001"));

    // Controls with their configured values.
    let c = "## Controls Added";
    let ha = row(&md, c, "high-availability").unwrap();
    assert_eq!(ha[1], "Architecture");
    assert!(ha[2].contains("99.9%"), "{ha:?}");
    let fo = row(&md, c, "failover").unwrap();
    assert_eq!(fo[1], "Order Database Cluster");
    assert!(fo[2].contains("RTO 5 min / RPO 1 min"), "{fo:?}");
    let cb = row(&md, c, "circuit-breaker").unwrap();
    assert_eq!(cb[1], "Order Service");
    assert!(cb[2].contains("5 failures in 30 s"), "{cb:?}");

    // Evolution and ADRs.
    assert_eq!(
        row(&md, "## Architecture Evolution", "Nodes").unwrap(),
        vec!["Nodes", "9", "15"]
    );
    assert_eq!(
        row(&md, "## Architecture Evolution", "Relationships").unwrap(),
        vec!["Relationships", "8", "16"]
    );
    let adr = row(&md, "## Alignment with ADRs", "ADR-0001").unwrap();
    assert!(adr[1].contains("Implemented by this change"), "{adr:?}");
    let adr2 = row(&md, "## Alignment with ADRs", "ADR-0002").unwrap();
    assert!(!adr2[1].contains("Implemented"), "{adr2:?}");
    assert_eq!(md.matches("```mermaid").count(), 2);
}

#[test]
fn report_is_deterministic_and_goes_to_stdout_without_o() {
    let (a, b) = (own("clinic-v1.json"), own("clinic-v2.json"));
    let run = || {
        bin()
            .args(["report", "--before", &s(&a), "--after", &s(&b)])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    };
    let first = run();
    assert_eq!(first, run());
    let md = String::from_utf8(first).unwrap();
    assert_well_formed(&md);
    assert!(md.starts_with("# Architecture Improvements\n"));
}

#[test]
fn review_report_of_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("review.md");
    bin()
        .args([
            "report",
            &s(&own("telemetry-v2.json")),
            "-o",
            &s(&out),
            "--title",
            "Fleet review",
        ])
        .assert()
        .success();
    let md = std::fs::read_to_string(&out).unwrap();
    assert!(md.starts_with("# Fleet review\n"));
    for h in [
        "## Overview",
        "## Findings",
        "## Flow Availability",
        "## Controls",
        "## ADRs",
        "## Diagram",
    ] {
        assert!(md.contains(h), "missing {h}");
    }
    assert!(md.contains("99.95% availability (quarterly)"));
    assert_well_formed(&md);
}

#[test]
fn report_needs_a_file_or_before_and_after() {
    bin()
        .arg("report")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--before OLD --after NEW"));
}

#[test]
fn report_images_are_written_and_linked() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("docs/improvements.md");
    let images = dir.path().join("docs/img");
    bin()
        .args([
            "report",
            "--before",
            &s(&own("clinic-v1.json")),
            "--after",
            &s(&own("clinic-v2.json")),
        ])
        .args(["-o", &s(&out), "--images", &s(&images)])
        .assert()
        .success();
    let md = std::fs::read_to_string(&out).unwrap();
    for name in ["clinic-v2-before.png", "clinic-v2-after.png"] {
        let png = std::fs::read(images.join(name)).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert!(md.contains(&format!("(img/{name})")), "link to {name}");
    }
}

#[test]
fn diff_exit_code_follows_structural_changes() {
    let v1 = own("clinic-v1.json");
    bin()
        .args(["diff", &s(&v1), &s(&v1), "--exit-code"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("No structural differences."));
    // Differences without --exit-code still exit 0.
    bin()
        .args(["diff", &s(&v1), &s(&own("clinic-v2.json"))])
        .assert()
        .code(0);
    bin()
        .args(["diff", &s(&v1), &s(&own("clinic-v2.json")), "--exit-code"])
        .assert()
        .code(1);
}

#[test]
fn deleting_a_flow_or_a_transition_fails_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let v1 = own("clinic-v1.json");
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&v1).unwrap()).unwrap();
    doc["flows"]
        .as_array_mut()
        .unwrap()
        .retain(|f| f["unique-id"] != "cancel-appointment");
    let no_flow = dir.path().join("no-flow.json");
    std::fs::write(&no_flow, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    bin()
        .args(["diff", &s(&v1), &s(&no_flow), "--exit-code"])
        .assert()
        .code(1)
        .stdout(predicates::str::contains("- cancel-appointment"));

    let t1 = own("telemetry-v1.json");
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&t1).unwrap()).unwrap();
    doc["flows"][0]["transitions"]
        .as_array_mut()
        .unwrap()
        .remove(1);
    let no_step = dir.path().join("no-step.json");
    std::fs::write(&no_step, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    bin()
        .args(["diff", &s(&t1), &s(&no_step), "--exit-code"])
        .assert()
        .code(1)
        .stdout(predicates::str::contains("- #2 ingest-to-processor"));
}

#[test]
fn tutorial_diff_lists_renames_removals_and_transitions() {
    let (Some(before), Some(after)) = (
        shared("ecommerce-platform.day13.json"),
        shared("ecommerce-platform.day14-expected.json"),
    ) else {
        return;
    };
    let out = bin()
        .args(["diff", &s(&before), &s(&after), "--exit-code"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    for needle in [
        "> api-gateway -> api-gateway-1",
        "> order-database -> order-database-primary",
        "> customer-to-gateway -> customer-to-load-balancer",
        "- orders-to-payment: connects order-service -> payment-service",
        "+ load-balancer (service)",
        "- #3 orders-to-payment",
        "+ #4 order-service-to-order-queue",
        "+ high-availability on architecture",
        "resolved",
    ] {
        assert!(text.contains(needle), "missing `{needle}` in\n{text}");
    }
    let md = bin()
        .args(["diff", &s(&before), &s(&after), "-f", "markdown"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_well_formed(&String::from_utf8(md).unwrap());
}

#[test]
fn fail_on_new_matches_the_findings_delta() {
    let (a, b) = (own("telemetry-v1.json"), own("telemetry-v2.json"));
    let json = bin()
        .args(["diff", &s(&a), &s(&b), "-f", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert!(v["changes"].as_array().is_some_and(|c| !c.is_empty()));
    let review = &v["review"];
    let severities: Vec<Severity> = review["introduced"]
        .as_array()
        .unwrap()
        .iter()
        .chain(
            review["escalated"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| &e["finding"]),
        )
        .map(|f| Severity::parse(f["severity"].as_str().unwrap()).unwrap())
        .collect();
    for (flag, sev) in [
        ("info", Severity::Info),
        ("high", Severity::High),
        ("critical", Severity::Critical),
    ] {
        let expected = if severities.iter().any(|s| *s >= sev) {
            1
        } else {
            0
        };
        bin()
            .args(["diff", &s(&a), &s(&b), "--fail-on-new", flag])
            .assert()
            .code(expected);
    }
    // No change, nothing new.
    bin()
        .args(["diff", &s(&a), &s(&a), "--fail-on-new", "info"])
        .assert()
        .code(0);
}

#[test]
fn diff_reads_git_revisions() {
    if std::process::Command::new("git")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipping: git not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap()
            .status
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    std::fs::copy(own("clinic-v1.json"), dir.path().join("arch.json")).unwrap();
    git(&["add", "arch.json"]);
    git(&[
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.com",
        "commit",
        "-q",
        "-m",
        "v1",
    ]);
    std::fs::copy(own("clinic-v2.json"), dir.path().join("arch.json")).unwrap();
    bin()
        .current_dir(dir.path())
        .args(["diff", "git:HEAD:arch.json", "arch.json", "--exit-code"])
        .assert()
        .code(1)
        .stdout(predicates::str::contains(
            "> records-db -> records-db-primary",
        ));
    bin()
        .current_dir(dir.path())
        .args(["diff", "git:no-such-rev:arch.json", "arch.json"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no-such-rev"));
    bin()
        .current_dir(dir.path())
        .args(["diff", "git:HEAD", "arch.json"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("git:REV:PATH"));
}

#[test]
fn bad_input_names_the_file_and_position() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\n  \"nodes\": [,]\n}\n").unwrap();
    bin()
        .args(["diff", &s(&bad), &s(&own("clinic-v1.json"))])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("bad.json:2:"));
    bin()
        .args([
            "report",
            "--before",
            &s(&dir.path().join("missing.json")),
            "--after",
            &s(&bad),
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("missing.json"));
}

/// A temporary git repository holding `arch.json` (clinic-v1) in one commit, with a local
/// user.name/email. `None` when git is not installed.
fn git_repo_with_arch() -> Option<tempfile::TempDir> {
    if std::process::Command::new("git")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipping: git not installed");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git(&["init", "-q"]);
    git(&["config", "user.name", "calm-advisor tests"]);
    git(&["config", "user.email", "tests@example.com"]);
    git(&["config", "commit.gpgsign", "false"]);
    std::fs::copy(own("clinic-v1.json"), dir.path().join("arch.json")).unwrap();
    git(&["add", "arch.json"]);
    git(&["commit", "-q", "-m", "v1"]);
    Some(dir)
}

/// `git show --output=X:PATH` would create `X:PATH` (not `X`), so check the whole directory.
fn assert_nothing_written(outside: &Path, evil: &Path) {
    assert!(!evil.exists(), "git wrote {}", evil.display());
    let left: Vec<_> = std::fs::read_dir(outside)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        left.is_empty(),
        "files written outside the repository: {left:?}"
    );
}

#[test]
fn git_revision_starting_with_dash_is_refused_before_git_runs() {
    let Some(dir) = git_repo_with_arch() else {
        return;
    };
    // The outside directory the injected `--output=` would write to.
    let outside = tempfile::tempdir().unwrap();
    let evil = outside.path().join("evil.txt");
    let spec = format!("git:--output={}:arch.json", s(&evil));
    bin()
        .current_dir(dir.path())
        .args(["diff", &spec, "arch.json"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("revision"))
        .stderr(predicates::str::contains("--output="))
        .stderr(predicates::str::contains("starts with `-`"));
    assert_nothing_written(outside.path(), &evil);
    // Same for the new side and for report --before/--after.
    bin()
        .current_dir(dir.path())
        .args(["diff", "arch.json", &spec])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("revision"));
    bin()
        .current_dir(dir.path())
        .args(["report", "--before", &spec, "--after", "arch.json"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("revision"));
    assert_nothing_written(outside.path(), &evil);
    // A short option is refused too.
    bin()
        .current_dir(dir.path())
        .args(["diff", "git:-p:arch.json", "arch.json"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("revision `-p`"));
}

#[test]
fn git_path_starting_with_dash_is_refused() {
    let Some(dir) = git_repo_with_arch() else {
        return;
    };
    let outside = tempfile::tempdir().unwrap();
    let evil = outside.path().join("evil.txt");
    let spec = format!("git:HEAD:--output={}", s(&evil));
    bin()
        .current_dir(dir.path())
        .args(["diff", &spec, "arch.json"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("path `--output="))
        .stderr(predicates::str::contains("starts with `-`"));
    assert_nothing_written(outside.path(), &evil);
}

#[test]
fn ordinary_git_revisions_still_work() {
    let Some(dir) = git_repo_with_arch() else {
        return;
    };
    for rev in ["HEAD", "HEAD~0", "HEAD^{commit}"] {
        bin()
            .current_dir(dir.path())
            .args([
                "diff",
                &format!("git:{rev}:arch.json"),
                "arch.json",
                "--exit-code",
            ])
            .assert()
            .code(0);
    }
    std::fs::copy(own("clinic-v2.json"), dir.path().join("arch.json")).unwrap();
    bin()
        .current_dir(dir.path())
        .args(["diff", "git:HEAD~0:arch.json", "arch.json", "--exit-code"])
        .assert()
        .code(1)
        .stdout(predicates::str::contains(
            "> records-db -> records-db-primary",
        ));
    // A missing path at a good revision is a clear input error, not a crash.
    bin()
        .current_dir(dir.path())
        .args(["diff", "git:HEAD:missing.json", "arch.json"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("missing.json"));
}

// ---------------------------------------------------------------------------------------------
// report --ops

/// Merge `overlay` into `base`: objects key by key, everything else replaced.
fn merge(base: &mut serde_json::Value, overlay: &serde_json::Value) {
    match (base, overlay) {
        (serde_json::Value::Object(b), serde_json::Value::Object(o)) => {
            for (k, v) in o {
                match b.get_mut(k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (b, o) => *b = o.clone(),
    }
}

/// The Day 14 tutorial file with the Day 15 operational metadata overlay
/// (`calm-report/tests/fixtures/ops/day15-ops-metadata.json`) merged in, written to `dir`.
fn enriched_tutorial(dir: &Path) -> Option<PathBuf> {
    let day14 = shared("ecommerce-platform.day14-expected.json")?;
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(day14).unwrap()).unwrap();
    let overlay: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(own("ops/day15-ops-metadata.json")).unwrap())
            .unwrap();
    for list in ["nodes", "flows"] {
        for (id, md) in overlay[list].as_object().unwrap() {
            let item = doc[list]
                .as_array_mut()
                .unwrap()
                .iter_mut()
                .find(|n| n["unique-id"] == id.as_str())
                .unwrap();
            let slot = item
                .as_object_mut()
                .unwrap()
                .entry("metadata")
                .or_insert_with(|| serde_json::json!({}));
            merge(slot, md);
        }
    }
    merge(&mut doc["metadata"], &overlay["metadata"]);
    let p = dir.join("ecommerce-platform.json");
    std::fs::write(&p, serde_json::to_string_pretty(&doc).unwrap() + "\n").unwrap();
    Some(p)
}

const OPS_FILES: [&str; 3] = [
    "service-runbooks.md",
    "oncall-reference.md",
    "flow-support-guide.md",
];

#[test]
fn report_ops_writes_three_documents_byte_identical_across_runs() {
    let dir = tempfile::tempdir().unwrap();
    let Some(arch) = enriched_tutorial(dir.path()) else {
        return;
    };
    let (a, b) = (dir.path().join("ops-a"), dir.path().join("docs/ops-b"));
    for out in [&a, &b] {
        bin()
            .args(["report", "--ops", &s(&arch), "-o", &s(out)])
            .assert()
            .code(0)
            .stdout("");
    }
    let mut names: Vec<String> = std::fs::read_dir(&a)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "flow-support-guide.md",
            "oncall-reference.md",
            "service-runbooks.md"
        ],
        "exactly the three documents"
    );
    for name in OPS_FILES {
        let x = std::fs::read(a.join(name)).unwrap();
        assert_eq!(x, std::fs::read(b.join(name)).unwrap(), "{name} differs");
        let md = String::from_utf8(x).unwrap();
        assert_well_formed(&md);
    }
    let oncall = std::fs::read_to_string(a.join("oncall-reference.md")).unwrap();
    for id in [
        "load-balancer",
        "api-gateway-1",
        "api-gateway-2",
        "order-service",
        "inventory-service",
        "payment-service",
        "order-database-primary",
        "order-database-replica",
        "inventory-database",
        "order-processing-flow",
        "inventory-check-flow",
    ] {
        assert!(
            oncall.contains(&format!("`{id}`")),
            "{id} in the on-call reference"
        );
    }
    let runbooks = std::fs::read_to_string(a.join("service-runbooks.md")).unwrap();
    assert!(runbooks.contains("_not declared: add `failure-modes` to load-balancer_"));
}

#[test]
fn report_ops_needs_a_directory_and_refuses_what_it_was_not_asked_to_write() {
    let dir = tempfile::tempdir().unwrap();
    let arch = own("ops/library-lending.json");
    // -o is required with --ops (usage error).
    bin().args(["report", "--ops", &s(&arch)]).assert().code(2);
    // --ops does not combine with the other report modes.
    bin()
        .args([
            "report",
            "--ops",
            &s(&arch),
            "--before",
            "a.json",
            "--after",
            "b.json",
        ])
        .args(["-o", &s(dir.path())])
        .assert()
        .code(2);
    // An unreadable input is exit 2 and writes nothing.
    let out = dir.path().join("never");
    bin()
        .args(["report", "--ops", "missing.json", "-o", &s(&out)])
        .assert()
        .code(2);
    assert!(!out.exists());
    // -o naming a file is refused (exit 3), and the file is left alone.
    let file = dir.path().join("notes.md");
    std::fs::write(&file, "mine").unwrap();
    bin()
        .args(["report", "--ops", &s(&arch), "-o", &s(&file)])
        .assert()
        .code(3);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
    // A document name that is a symlink (to a file outside DIR) is refused before anything is
    // written; the target is untouched.
    #[cfg(unix)]
    {
        let docs = dir.path().join("docs");
        std::fs::create_dir(&docs).unwrap();
        let outside = dir.path().join("outside.md");
        std::fs::write(&outside, "outside").unwrap();
        std::os::unix::fs::symlink(&outside, docs.join("oncall-reference.md")).unwrap();
        bin()
            .args(["report", "--ops", &s(&arch), "-o", &s(&docs)])
            .assert()
            .code(3);
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "outside");
        assert!(
            !docs.join("service-runbooks.md").exists(),
            "nothing written"
        );
    }
    // Existing documents are replaced; other files in DIR are left alone.
    let docs = dir.path().join("docs2");
    std::fs::create_dir(&docs).unwrap();
    std::fs::write(docs.join("service-runbooks.md"), "old").unwrap();
    std::fs::write(docs.join("README.md"), "keep").unwrap();
    bin()
        .args(["report", "--ops", &s(&arch), "-o", &s(&docs)])
        .assert()
        .code(0);
    assert!(
        std::fs::read_to_string(docs.join("service-runbooks.md"))
            .unwrap()
            .starts_with("# Service Runbooks")
    );
    assert_eq!(
        std::fs::read_to_string(docs.join("README.md")).unwrap(),
        "keep"
    );
}

#[test]
fn report_ops_without_metadata_lists_the_gaps() {
    let dir = tempfile::tempdir().unwrap();
    bin()
        .args([
            "report",
            "--ops",
            &s(&own("ops/library-lending.json")),
            "-o",
            &s(dir.path()),
        ])
        .assert()
        .code(0);
    for name in OPS_FILES {
        let md = std::fs::read_to_string(dir.path().join(name)).unwrap();
        assert_well_formed(&md);
        assert!(
            md.contains("_not declared: add `"),
            "{name} names what to add"
        );
    }
}
