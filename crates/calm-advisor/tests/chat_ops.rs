//! Acceptance (issue #15): the tutorial's page-15 prompts, typed exactly as written, run as a
//! chat script on the Day 14 result. The metadata steps change only the elements they name and
//! the document validates after each one; each outage prompt is answered point by point from
//! the model.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn shared(rel: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared")
        .join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipped: {} is absent", p.display());
        None
    }
}

fn requests() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/chat_fixtures/tutorial-day15.requests")
}

#[test]
fn the_script_uses_the_page_15_prompts_verbatim() {
    let Some(page) = shared("reference/tutorial-15-ops-advisor.md") else {
        return;
    };
    let page = std::fs::read_to_string(page).unwrap();
    let script = std::fs::read_to_string(requests()).unwrap();
    let reqs: Vec<&str> = script.split("\n---\n").collect();
    assert_eq!(reqs.len(), 9, "7 prompts, the validate command and save");
    for r in reqs.iter().take(8) {
        assert!(
            page.contains(r.trim_end()),
            "not verbatim from page 15:\n{r}"
        );
    }
}

/// The chat transcript split at each quoted request: (request's first line, reply).
fn turns(out: &str) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = Vec::new();
    let mut in_request = false;
    for line in out.lines() {
        if let Some(q) = line.strip_prefix("> ") {
            if !in_request {
                v.push((q.to_string(), String::new()));
            }
            in_request = true;
        } else if line == ">" {
            in_request = true;
        } else {
            in_request = false;
            if let Some(last) = v.last_mut() {
                last.1 += line;
                last.1 += "\n";
            }
        }
    }
    v
}

/// Element key → its value without `metadata`, and its metadata.
fn parts(doc: &Value) -> (Value, Vec<(String, Value)>) {
    let mut skeleton = doc.clone();
    let mut meta = vec![("architecture".to_string(), doc["metadata"].clone())];
    skeleton.as_object_mut().unwrap().remove("metadata");
    for list in ["nodes", "flows"] {
        for el in skeleton[list].as_array_mut().unwrap() {
            let id = el["unique-id"].as_str().unwrap().to_string();
            meta.push((
                id,
                el.as_object_mut()
                    .unwrap()
                    .remove("metadata")
                    .unwrap_or(Value::Null),
            ));
        }
    }
    (skeleton, meta)
}

#[test]
fn page_15_session_adds_metadata_then_triages_three_outages() {
    let Some(day14) = shared("fixtures/ecommerce-platform.day14-expected.json") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ecommerce-platform.json");
    std::fs::copy(&day14, &file).unwrap();
    let before: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();

    let out = Command::cargo_bin("calm-advisor")
        .unwrap()
        .current_dir(dir.path())
        .args(["chat", "ecommerce-platform.json", "--yes", "--script"])
        .arg(requests())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let t = turns(&text);
    assert_eq!(t.len(), 9, "{text}");

    // Steps 2-5: each applied (a verified change validates), none refused.
    for (q, reply) in &t[..4] {
        assert!(reply.contains("Applied:"), "not applied: {q}\n{reply}");
        assert!(!reply.contains("Refused"), "{reply}");
    }
    // Step 6: validation passes.
    assert!(t[4].1.contains("valid"), "{}", t[4].1);
    assert!(!t[4].1.to_lowercase().contains("error:"), "{}", t[4].1);

    // The saved document: only metadata changed, and only on the elements the prompts name.
    let after: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let (skel_before, meta_before) = parts(&before);
    let (skel_after, meta_after) = parts(&after);
    assert_eq!(
        skel_before, skel_after,
        "something other than metadata changed"
    );
    let changed: Vec<&str> = meta_before
        .iter()
        .zip(&meta_after)
        .filter(|(a, b)| a.1 != b.1)
        .map(|(a, _)| a.0.as_str())
        .collect();
    let mut changed_sorted = changed.clone();
    changed_sorted.sort();
    assert_eq!(
        changed_sorted,
        vec![
            "api-gateway-1",
            "api-gateway-2",
            "architecture",
            "inventory-check-flow",
            "inventory-database",
            "inventory-service",
            "load-balancer",
            "order-database-primary",
            "order-database-replica",
            "order-processing-flow",
            "order-service",
            "payment-service",
        ]
    );
    let node = |id: &str| {
        after["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["unique-id"] == id)
            .unwrap()["metadata"]
            .clone()
    };
    // Step 2: owners from the model's tech-owner, channels from owners, dependencies from the
    // relationships.
    assert_eq!(node("payment-service")["owner"], "payments-team");
    assert_eq!(node("payment-service")["oncall-slack"], "#oncall-payments");
    assert_eq!(node("load-balancer")["oncall-slack"], "#oncall-platform");
    assert_eq!(
        node("order-service")["dependencies"],
        serde_json::json!([
            "order-database-primary",
            "order-database-replica",
            "order-queue",
            "api-gateway-1",
            "api-gateway-2"
        ])
    );
    assert_eq!(node("order-database-primary")["restore-time"], "5 minutes");
    // Step 3: the failure modes as written, and similar ones built for two more services.
    assert_eq!(
        node("order-service")["failure-modes"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(
        node("order-service")["failure-modes"][1]["symptom"],
        "High latency (>2s p99)"
    );
    for id in ["payment-service", "inventory-service"] {
        let modes = node(id)["failure-modes"].as_array().unwrap().clone();
        assert!(!modes.is_empty());
        for m in modes {
            for k in [
                "symptom",
                "likely-cause",
                "check",
                "remediation",
                "escalation",
            ] {
                assert!(m[k].is_string(), "{id}: {k} missing in {m}");
            }
        }
    }
    // Step 5: dashboards follow the architecture's Grafana link.
    assert_eq!(
        node("order-service")["dashboard"],
        "https://grafana.example.com/d/order-service"
    );

    // Step 7: payment service down.
    let s1 = &t[5].1;
    for want in [
        "order-processing-flow",
        "load-balancer → api-gateway-1 → order-service → order-queue",
        "payment-service",
        "/health",
        "payments-team",
        "#oncall-payments",
        "Customers cannot complete purchases - direct revenue loss",
        "Display 'Order processing delayed' message",
    ] {
        assert!(s1.contains(want), "scenario 1 lacks {want:?}:\n{s1}");
    }
    // Step 8: database latency.
    let s2 = &t[6].1;
    for want in [
        "order-service connects to order-database-primary",
        "order-database-replica",
        "replication lag",
        "High latency (>2s p99)",
        "Circuit breaker should open automatically; check fallback queue",
        "dba-team@example.com",
    ] {
        assert!(s2.contains(want), "scenario 2 lacks {want:?}:\n{s2}");
    }
    // Step 9: cascade: the entry tier is the shared failure point; web-frontend is unknown.
    let s3 = &t[7].1;
    for want in [
        "`web-frontend` is not in the architecture",
        "load-balancer (shared upstream): every request to order-service, inventory-service",
        "api-gateway-1 | api-gateway-2 (shared upstream",
        "1. load-balancer (cause #1",
        "inventory-check-flow",
        "order-processing-flow",
    ] {
        assert!(s3.contains(want), "scenario 3 lacks {want:?}:\n{s3}");
    }
    // The shared point is declared redundant: the answer says so instead of calling it single.
    assert!(s3.contains("declares it redundant"), "{s3}");

    // Page 16 on the file the chat wrote: every service, contact and flow is in the documents.
    let ops = dir.path().join("docs/ops");
    Command::cargo_bin("calm-advisor")
        .unwrap()
        .args(["report", "--ops"])
        .arg(&file)
        .arg("-o")
        .arg(&ops)
        .assert()
        .success();
    let oncall = std::fs::read_to_string(ops.join("oncall-reference.md")).unwrap();
    let runbooks = std::fs::read_to_string(ops.join("service-runbooks.md")).unwrap();
    let guide = std::fs::read_to_string(ops.join("flow-support-guide.md")).unwrap();
    for (id, team) in [
        ("load-balancer", "platform-team"),
        ("api-gateway-1", "platform-team"),
        ("api-gateway-2", "platform-team"),
        ("order-service", "orders-team"),
        ("inventory-service", "inventory-team"),
        ("payment-service", "payments-team"),
    ] {
        let row = oncall
            .lines()
            .find(|l| l.starts_with('|') && l.contains(id))
            .unwrap_or_else(|| panic!("{id} not in the on-call reference:\n{oncall}"));
        assert!(row.contains(team), "{row}");
        assert!(runbooks.contains(id), "{id} has no runbook");
    }
    assert!(oncall.contains("dba-team@example.com"), "{oncall}");
    for flow in ["order-processing-flow", "inventory-check-flow"] {
        assert!(guide.contains(flow) && oncall.contains(flow), "{flow}");
    }
}
