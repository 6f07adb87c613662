//! Transcript tests: many phrasings of the tutorial's requests on our own fixtures (other ids),
//! plus requests that must be clarified or declined. The snapshots keep each reply's
//! understanding (what was read from the sentence, the equivalent `fix` commands, questions,
//! refusals) and drop diff hunks and review bodies, which other crates' tests pin down.

use assert_cmd::Command;
use std::path::Path;

fn fixture_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/chat_fixtures"))
}

/// Run a chat script on a copy of `fixture` in a fresh directory; returns (transcript, dir).
fn run(fixture: &str, script: &str, yes: bool) -> (String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture_dir().join(fixture), dir.path().join(fixture)).unwrap();
    let mut cmd = Command::cargo_bin("calm-advisor").unwrap();
    cmd.current_dir(dir.path())
        .args(["chat", fixture, "--script"])
        .arg(fixture_dir().join(script));
    if yes {
        cmd.arg("--yes");
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (String::from_utf8(out.stdout).unwrap(), dir)
}

const KEEP_PREFIXES: &[&str] = &[
    "Understood:",
    "Summary:",
    "  - ",
    "    (",
    "Applied:",
    "Refused",
    "I could not",
    "I cannot",
    "Which ",
    "What ",
    "Apply this change?",
    "(The proposed change",
    "I did not understand",
    "I can:",
    "Discarded",
    "Saved",
    "Not saved",
    "Wrote",
    "Undone",
    "Redone",
    "Nothing to",
    "No changes",
    "No unsaved",
    "There is no",
    "You named",
    "The request refers",
    "Bye",
    "Valid:",
    "NOT valid",
    "Changes since the start",
    "If ",
    "Why ",
    "Top ",
    "Concerns (",
    "Validating",
    "Drawing",
    "The review reports",
];

/// Requests in full, and of each reply its first line plus the lines that carry understanding.
fn skeleton(transcript: &str) -> String {
    let mut out = Vec::new();
    let mut first = false;
    // The recipe's own summary lines belong to calm-refactor's tests, not to this one.
    let mut in_summary = false;
    for line in transcript.lines() {
        if line == "Summary:" {
            in_summary = true;
            continue;
        }
        if in_summary && line.starts_with("  ") {
            continue;
        }
        in_summary = false;
        if line.starts_with('>') {
            out.push(line.to_string());
            first = true;
            continue;
        }
        if line.is_empty() {
            if first {
                continue;
            }
            if out.last().is_some_and(|l: &String| !l.is_empty()) {
                out.push(String::new());
            }
            continue;
        }
        let keep = first
            || KEEP_PREFIXES.iter().any(|p| line.starts_with(p)) && !line.starts_with("  - \"");
        if keep {
            out.push(line.to_string());
        }
        first = false;
    }
    out.join("\n")
}

#[test]
fn travel_booking_phrasings() {
    let (t, dir) = run("travel-booking.json", "travel-phrasings.requests", false);
    insta::assert_snapshot!("travel_phrasings", skeleton(&t));
    // Every proposal was left unapplied (no --yes, no "yes"): the file is untouched.
    assert_eq!(
        std::fs::read(dir.path().join("travel-booking.json")).unwrap(),
        std::fs::read(fixture_dir().join("travel-booking.json")).unwrap()
    );
    // Diagrams were written where the transcript says.
    assert!(dir.path().join("travel-booking.html").exists(), "{t}");
    assert!(dir.path().join("travel.png").exists(), "{t}");
    let png = std::fs::read(dir.path().join("travel.png")).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    // Every change proposal carries a real diff.
    let proposals = t.matches("\nApply this change? (yes/no)").count();
    assert!(proposals >= 20, "{proposals} proposals\n{t}");
    assert_eq!(
        t.matches("\n--- a/travel-booking.json").count(),
        proposals + t.matches("The change that was refused:").count()
    );
    // Unknown requests are declined honestly, with the list of what the advisor can do.
    assert_eq!(
        t.matches("I did not understand that request, so I have not done anything.")
            .count(),
        3,
        "{t}"
    );
}

#[test]
fn clinic_session_confirm_undo_redo_save() {
    let (t, dir) = run("clinic-portal.json", "clinic-session.requests", false);
    insta::assert_snapshot!("clinic_session", skeleton(&t));
    let saved = std::fs::read_to_string(dir.path().join("clinic-portal.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&saved).unwrap();
    let ids: Vec<&str> = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["unique-id"].as_str().unwrap())
        .collect();
    // Applied: load balancer, replica, metadata; undo twice, redo once (the replica is back, the
    // metadata is not), then a rename replaces the undone branch.
    assert!(ids.contains(&"load-balancer"), "{ids:?}");
    assert!(ids.contains(&"records-store-replica"), "{ids:?}");
    assert!(
        ids.contains(&"medical-records-service") && !ids.contains(&"records-service"),
        "{ids:?}"
    );
    assert!(
        !ids.contains(&"appointments-lb"),
        "the discarded proposal must not be applied: {ids:?}"
    );
    assert!(
        !saved.contains("team-records"),
        "the undone metadata must not be saved"
    );
    assert!(!t.contains("this request comes after quit"), "{t}");
    // The saved document validates.
    let errors = calm_refactor::Verifier::new()
        .validation_errors("clinic-portal.json", &saved)
        .unwrap();
    assert_eq!(errors, Vec::<String>::new());
}

#[test]
fn tutorial_session_with_yes_on_own_fixture() {
    // The same kinds of requests as the tutorial, with other ids, applied with --yes and saved.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixture_dir().join("travel-booking.json"),
        dir.path().join("trip.json"),
    )
    .unwrap();
    let script = "\
Which are the top 2 resilience concerns?
---
Our Edge Proxy is a single point of failure. Add a \"front-door\" load balancer (type: service) with two instances: \"edge-proxy-east\" and \"edge-proxy-west\".
---
Make bookings-db a primary/replica cluster \"bookings-cluster\": rename it to \"bookings-primary\", add \"bookings-replica\", synchronous replication.
---
Decouple booking-service from notification-service through a RabbitMQ broker \"event-broker\" with queue \"booking-queue\" on port 5672, per ADR-0003.
---
Add resilience controls:
1. architecture-level \"high-availability\" requiring 99.95% uptime
2. \"failover\" on bookings-cluster with RTO 10 minutes and RPO 30 seconds
3. \"circuit-breaker\" on booking-service: open after 4 failures in 20s
---
validate
---
save
";
    let out = Command::cargo_bin("calm-advisor")
        .unwrap()
        .current_dir(dir.path())
        .args(["chat", "trip.json", "--yes", "--script", "-"])
        .write_stdin(script)
        .output()
        .unwrap();
    let t = String::from_utf8(out.stdout).unwrap();
    assert_eq!(t.matches("\nApplied: ").count(), 4, "{t}");
    assert!(t.contains("Valid: 0 errors"), "{t}");
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("trip.json")).unwrap())
            .unwrap();
    let node = |id: &str| {
        saved["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["unique-id"] == id)
            .cloned()
    };
    for id in [
        "front-door",
        "edge-proxy-east",
        "edge-proxy-west",
        "bookings-primary",
        "bookings-replica",
        "bookings-cluster",
        "event-broker",
        "booking-queue",
    ] {
        assert!(node(id).is_some(), "{id} missing\n{t}");
    }
    assert!(node("edge-proxy").is_none() && node("bookings-db").is_none());
    let cfg = |p: &str| saved.pointer(p).cloned();
    assert_eq!(
        cfg("/controls/high-availability/requirements/0/config/availability-percent"),
        Some(serde_json::json!(99.95))
    );
    let failover =
        node("bookings-cluster").unwrap()["controls"]["failover"]["requirements"][0]["config"]
            .clone();
    assert_eq!(failover["rto-minutes"], 10);
    assert_eq!(failover["rpo-seconds"], 30);
    let cb = node("booking-service").unwrap()["controls"]["circuit-breaker"]["requirements"][0]["config"].clone();
    assert_eq!(cb["failure-threshold"], 4);
    assert_eq!(cb["failure-window-seconds"], 20);
}

#[test]
fn save_as_writes_a_new_file_and_bad_input_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixture_dir().join("clinic-portal.json"),
        dir.path().join("c.json"),
    )
    .unwrap();
    let out = Command::cargo_bin("calm-advisor")
        .unwrap()
        .current_dir(dir.path())
        .args(["chat", "c.json", "--yes", "--script", "-"])
        .write_stdin("add a replica\n---\nsave as c-v2.json\n---\nsave\n")
        .output()
        .unwrap();
    let t = String::from_utf8(out.stdout).unwrap();
    assert!(t.contains("Saved ") && t.contains("c-v2.json"), "{t}");
    let v2 = std::fs::read_to_string(dir.path().join("c-v2.json")).unwrap();
    assert!(v2.contains("records-store-replica"));
    // "save as" does not count as saving the file itself: the plain save still writes it.
    assert!(
        std::fs::read_to_string(dir.path().join("c.json"))
            .unwrap()
            .contains("records-store-replica"),
        "{t}"
    );

    // A file that is not JSON: exit 2 with the file and position, before any chat.
    std::fs::write(dir.path().join("bad.json"), "{\n  \"nodes\": [,]\n}\n").unwrap();
    let out = Command::cargo_bin("calm-advisor")
        .unwrap()
        .current_dir(dir.path())
        .args(["chat", "bad.json", "--script", "-"])
        .write_stdin("validate\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.json") && err.contains('2'), "{err}");
    assert!(out.stdout.is_empty());
}
