//! Acceptance on the tutorial fixtures (read from ../shared/fixtures; skipped when absent).

use calm_analysis::output::{self, Format, ViewOptions};
use calm_analysis::{Finding, ReviewOptions, Severity, review};
use calm_model::Document;
use std::path::PathBuf;

fn fixture(name: &str) -> Option<Document> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures")
        .join(name);
    if !p.exists() {
        eprintln!("skipping: {} not found", p.display());
        return None;
    }
    Some(Document::load_path(&p).expect("fixture loads"))
}

fn opts() -> ReviewOptions {
    ReviewOptions {
        today: Some("2026-11-25".into()),
        ..Default::default()
    }
}

fn distinct_rules(findings: &[Finding]) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for f in findings {
        if !out.contains(&f.rule.as_str()) {
            out.push(&f.rule);
        }
    }
    out
}

#[test]
fn day13_top_three_concerns_in_order() {
    let Some(doc) = fixture("ecommerce-platform.day13.json") else {
        return;
    };
    let r = review(&doc, &opts());
    let rules = distinct_rules(&r.findings);
    assert_eq!(
        &rules[..3],
        &[
            "single-ingress-path",
            "datastore-no-replication",
            "cascading-sync-dependency"
        ],
        "{rules:?}"
    );

    let ingress = &r.findings[0];
    assert_eq!(ingress.id, "single-ingress-path@api-gateway");
    assert_eq!(ingress.severity, Severity::Critical);
    for word in [
        "customer",
        "admin",
        "order-processing-flow",
        "inventory-check-flow",
    ] {
        assert!(
            ingress.rationale.contains(word),
            "rationale names {word}: {}",
            ingress.rationale
        );
    }
    assert_eq!(ingress.fix.as_ref().unwrap().recipe, "add-load-balancer");

    let dbs: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| f.rule == "datastore-no-replication")
        .collect();
    let ids: Vec<&str> = dbs.iter().map(|f| f.id.as_str()).collect();
    assert!(
        ids.contains(&"datastore-no-replication@order-database")
            && ids.contains(&"datastore-no-replication@inventory-database"),
        "{ids:?}"
    );
    for f in &dbs {
        assert_eq!(f.severity, Severity::High);
        assert_eq!(f.fix.as_ref().unwrap().recipe, "replicate-database");
        assert!(!f.flows.is_empty());
    }
    let inv = dbs
        .iter()
        .find(|f| f.id.ends_with("inventory-database"))
        .unwrap();
    assert!(
        inv.rationale.contains("inventory-check-flow") && inv.rationale.contains("admin"),
        "{}",
        inv.rationale
    );

    let cascade = r
        .findings
        .iter()
        .find(|f| f.rule == "cascading-sync-dependency")
        .unwrap();
    assert_eq!(
        cascade.id,
        "cascading-sync-dependency@order-service@payment-service"
    );
    assert_eq!(cascade.severity, Severity::High);
    assert!(
        cascade.rationale.contains("order-processing-flow")
            && cascade.rationale.contains("customer")
    );
    let fix = cascade.fix.as_ref().unwrap();
    assert_eq!(
        (fix.recipe.as_str(), fix.args.join(" ")),
        (
            "decouple",
            "--from order-service --to payment-service".to_string()
        )
    );

    // The text view leads with the same three concerns.
    let text = output::render(&r, Format::Text, &ViewOptions { top: Some(3) });
    let a = text.find("1. [CRITICAL] api-gateway").expect("concern 1");
    let b = text.find("2. [HIGH]").expect("concern 2");
    let c = text
        .find("3. [HIGH] Synchronous order-service → payment-service")
        .expect("concern 3");
    assert!(a < b && b < c);
    assert!(text.contains("$ calm-advisor fix"));
}

#[test]
fn day14_resolves_the_three_and_reports_what_remains() {
    let Some(doc) = fixture("ecommerce-platform.day14-expected.json") else {
        return;
    };
    let r = review(&doc, &opts());
    let ids: Vec<&str> = r.findings.iter().map(|f| f.id.as_str()).collect();
    assert!(
        !ids.iter().any(|i| i.starts_with("single-ingress-path@")),
        "{ids:?}"
    );
    assert!(
        !ids.iter()
            .any(|i| i.starts_with("cascading-sync-dependency@")),
        "{ids:?}"
    );
    assert!(
        !ids.iter()
            .any(|i| i.starts_with("datastore-no-replication@order-database")),
        "{ids:?}"
    );
    // Honest about what remains.
    assert!(
        ids.contains(&"broker-single-instance@message-broker"),
        "{ids:?}"
    );
    assert!(
        ids.contains(&"datastore-no-replication@inventory-database"),
        "{ids:?}"
    );
    let below: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| f.rule == "flow-availability-below-target" && !f.id.contains('#'))
        .collect();
    assert_eq!(below.len(), 2, "both flows below 99.9%");
    for f in below {
        let m = &f.metrics["availability"];
        assert_eq!(m["target"], 0.999);
        assert!(m["estimatedWithClosure"].as_f64().unwrap() < 0.999);
        assert!(!m["weakestLinks"].as_array().unwrap().is_empty());
        assert!(f.rationale.contains("weakest links"));
    }
    // The load balancer and the gateway pair are recognised as redundant.
    assert!(
        !ids.iter()
            .any(|i| i.starts_with("spof-node@api-gateway")
                || i.starts_with("spof-node@load-balancer")),
        "{ids:?}"
    );
    let flows: Vec<_> = r
        .flows
        .iter()
        .map(|f| (f.flow.as_str(), f.availability.status.as_str()))
        .collect();
    assert_eq!(
        flows,
        vec![
            ("order-processing-flow", "below-target"),
            ("inventory-check-flow", "below-target")
        ]
    );
}

#[test]
fn outputs_are_byte_identical_across_runs() {
    for name in [
        "ecommerce-platform.day13.json",
        "ecommerce-platform.day14-expected.json",
    ] {
        let Some(doc) = fixture(name) else { return };
        for fmt in [Format::Text, Format::Json, Format::Markdown, Format::Sarif] {
            let a = output::render(&review(&doc, &opts()), fmt, &ViewOptions::default());
            let b = output::render(
                &review(
                    &Document::from_str(doc.name(), doc.source.text()).unwrap(),
                    &opts(),
                ),
                fmt,
                &ViewOptions::default(),
            );
            assert_eq!(a, b, "{name} {fmt:?}");
        }
    }
}

#[test]
fn day13_json_snapshot() {
    let Some(doc) = fixture("ecommerce-platform.day13.json") else {
        return;
    };
    // Resilience only: the other categories are snapshot-tested by their own rules' tests.
    let r = review(
        &doc,
        &ReviewOptions {
            categories: vec![calm_analysis::Category::Resilience],
            ..opts()
        },
    );
    let summary: Vec<String> = r
        .findings
        .iter()
        .map(|f| {
            format!(
                "{:>2} {:<8} {:<6} {}",
                f.rank,
                f.severity.as_str(),
                format!("{:?}", f.confidence).to_lowercase(),
                f.id
            )
        })
        .collect();
    insta::assert_snapshot!("day13_findings", summary.join("\n"));
    let text = output::render(&r, Format::Text, &ViewOptions { top: Some(3) })
        .replace(doc.name(), "day13.json");
    insta::assert_snapshot!("day13_text_top3", text);
}

#[test]
fn day14_snapshot() {
    let Some(doc) = fixture("ecommerce-platform.day14-expected.json") else {
        return;
    };
    let r = review(
        &doc,
        &ReviewOptions {
            categories: vec![calm_analysis::Category::Resilience],
            ..opts()
        },
    );
    let summary: Vec<String> = r
        .findings
        .iter()
        .map(|f| format!("{:>2} {:<8} {}", f.rank, f.severity.as_str(), f.id))
        .collect();
    insta::assert_snapshot!("day14_findings", summary.join("\n"));
}
