//! Golden outputs on our own before/after pairs (two domains) and the tutorial pair.
//! The improvements report is rendered from fixed review outcomes here, so the snapshots pin
//! this crate's layout and wording; `report_engine.rs` checks it with the real review engine.

mod common;

use calm_analysis::{Category, Confidence, Evidence, Finding, Severity};
use calm_report::improvements::{Diagrams, ImprovementsOptions, improvements_report};
use calm_report::review::{FlowAvailability, ReviewOutcome, compare_reviews};
use calm_report::review_report::review_report;
use calm_report::{ArchitectureDiff, structural_diff};
use common::{fixture, tutorial};

fn finding(
    rule: &str,
    severity: Severity,
    title: &str,
    nodes: &[&str],
    rels: &[&str],
    rank: usize,
) -> Finding {
    let mut id = rule.to_string();
    for n in nodes.iter().chain(rels.iter()) {
        id.push('@');
        id.push_str(n);
    }
    Finding {
        id,
        fingerprint: format!("sha256:{rank}"),
        rule: rule.into(),
        category: Category::Resilience,
        tags: vec!["resilience".into(), "seems:spof".into()],
        severity,
        likelihood: 3,
        impact: 3,
        confidence: Confidence::High,
        rank,
        title: title.into(),
        nodes: nodes.iter().map(|s| s.to_string()).collect(),
        relationships: rels.iter().map(|s| s.to_string()).collect(),
        flows: vec![],
        locations: vec![],
        evidence: vec![Evidence {
            kind: "model".into(),
            detail: format!("{} declared once", nodes.join(", ")),
        }],
        metrics: serde_json::Value::Null,
        rationale: format!(
            "If {} fails, its flows stop. Nothing takes over.",
            nodes.join(" or ")
        ),
        recommendation: format!(
            "Make {} redundant. Declare it.",
            nodes
                .iter()
                .chain(rels)
                .copied()
                .collect::<Vec<_>>()
                .join(", ")
        ),
        references: vec![],
        fix: None,
        suppression: None,
    }
}

fn flow(id: &str, name: &str, estimate: f64, target: Option<f64>) -> FlowAvailability {
    FlowAvailability {
        flow: id.into(),
        name: name.into(),
        estimate: Some(estimate),
        target,
    }
}

fn clinic_reviews() -> (ReviewOutcome, ReviewOutcome) {
    let before = ReviewOutcome {
        findings: vec![
            finding(
                "datastore-no-replication",
                Severity::High,
                "records-db has no replica",
                &["records-db"],
                &[],
                1,
            ),
            finding(
                "cascading-sync-dependency",
                Severity::High,
                "booking-api waits on notification-service",
                &["booking-api", "notification-service"],
                &[],
                2,
            ),
            finding(
                "sync-call-without-failure-handling",
                Severity::Medium,
                "booking-to-records has no timeout",
                &[],
                &["booking-to-records"],
                3,
            ),
        ],
        flows: vec![
            flow("book-appointment", "Book Appointment", 0.9965, None),
            flow("cancel-appointment", "Cancel Appointment", 0.998, None),
        ],
    };
    let after = ReviewOutcome {
        findings: vec![
            finding(
                "broker-single-instance",
                Severity::High,
                "notification-queue runs as one instance",
                &["notification-queue"],
                &[],
                1,
            ),
            finding(
                "sync-call-without-failure-handling",
                Severity::Medium,
                "booking-to-records-primary has no timeout",
                &[],
                &["booking-to-records-primary"],
                2,
            ),
        ],
        flows: vec![
            flow("book-appointment", "Book Appointment", 0.997, None),
            flow("list-appointments", "List Appointments", 0.999, None),
        ],
    };
    (before, after)
}

fn telemetry_reviews() -> (ReviewOutcome, ReviewOutcome) {
    let before = ReviewOutcome {
        findings: vec![
            finding(
                "datastore-direct-from-untrusted",
                Severity::High,
                "dashboard reads timeseries-db directly",
                &["timeseries-db", "dashboard"],
                &[],
                1,
            ),
            finding(
                "spof-node",
                Severity::Medium,
                "telemetry-processor is a single point of failure",
                &["telemetry-processor"],
                &[],
                2,
            ),
        ],
        flows: vec![flow(
            "ingest-telemetry",
            "Ingest Telemetry",
            0.999,
            Some(0.995),
        )],
    };
    let after = ReviewOutcome {
        findings: vec![
            finding(
                "spof-node",
                Severity::Critical,
                "stream-processor is a single point of failure",
                &["stream-processor"],
                &[],
                1,
            ),
            finding(
                "spof-node",
                Severity::High,
                "query-api is a single point of failure",
                &["query-api"],
                &[],
                2,
            ),
        ],
        flows: vec![flow(
            "ingest-telemetry",
            "Ingest Telemetry",
            0.998,
            Some(0.9995),
        )],
    };
    (before, after)
}

#[test]
fn clinic_diff_text_markdown_json() {
    let (a, b) = (fixture("clinic-v1.json"), fixture("clinic-v2.json"));
    let s = structural_diff(&a.doc, &b.doc);
    let (ro, rn) = clinic_reviews();
    let delta = compare_reviews(&s.renames, &ro, &rn);
    let d = ArchitectureDiff::new(&a.label, &b.label, s, Some(delta));
    insta::assert_snapshot!("clinic_diff_text", d.to_text());
    insta::assert_snapshot!("clinic_diff_markdown", d.to_markdown());
    insta::assert_snapshot!("clinic_diff_json", d.to_json());
}

#[test]
fn telemetry_diff_text_markdown() {
    let (a, b) = (fixture("telemetry-v1.json"), fixture("telemetry-v2.json"));
    let s = structural_diff(&a.doc, &b.doc);
    let (ro, rn) = telemetry_reviews();
    let delta = compare_reviews(&s.renames, &ro, &rn);
    // The renamed processor's finding escalates instead of being resolved and re-introduced.
    assert_eq!(delta.escalated.len(), 1);
    assert_eq!(delta.escalated[0].finding.id, "spof-node@stream-processor");
    let d = ArchitectureDiff::new(&a.label, &b.label, s, Some(delta));
    insta::assert_snapshot!("telemetry_diff_text", d.to_text());
    insta::assert_snapshot!("telemetry_diff_markdown", d.to_markdown());
}

#[test]
fn tutorial_diff_text() {
    let (Some(a), Some(b)) = (
        tutorial("ecommerce-platform.day13.json"),
        tutorial("ecommerce-platform.day14-expected.json"),
    ) else {
        return;
    };
    let d = ArchitectureDiff::new(&a.label, &b.label, structural_diff(&a.doc, &b.doc), None);
    insta::assert_snapshot!("tutorial_diff_text", d.to_text());
}

#[test]
fn clinic_improvements_report() {
    let (a, b) = (fixture("clinic-v1.json"), fixture("clinic-v2.json"));
    let s = structural_diff(&a.doc, &b.doc);
    let (ro, rn) = clinic_reviews();
    let opts = ImprovementsOptions {
        title: Some("Clinic Booking: Resilience Improvements".into()),
        diagrams: Diagrams {
            mermaid: Some((
                "flowchart TB\n    a --> b".into(),
                "flowchart TB\n    a --> c".into(),
            )),
            images: Some(("img/before.png".into(), "img/after.png".into())),
        },
    };
    insta::assert_snapshot!(
        "clinic_improvements",
        improvements_report(&a, &b, &s, (&ro, &rn), &opts)
    );
}

#[test]
fn telemetry_improvements_report() {
    let (a, b) = (fixture("telemetry-v1.json"), fixture("telemetry-v2.json"));
    let s = structural_diff(&a.doc, &b.doc);
    let (ro, rn) = telemetry_reviews();
    insta::assert_snapshot!(
        "telemetry_improvements",
        improvements_report(&a, &b, &s, (&ro, &rn), &ImprovementsOptions::default())
    );
}

#[test]
fn clinic_review_report() {
    let b = fixture("clinic-v2.json");
    let (_, rn) = clinic_reviews();
    insta::assert_snapshot!("clinic_review_report", review_report(&b, &rn, None, None));
}

#[test]
fn output_is_deterministic() {
    let (a, b) = (fixture("clinic-v1.json"), fixture("clinic-v2.json"));
    let (ro, rn) = clinic_reviews();
    let render = || {
        let s = structural_diff(&a.doc, &b.doc);
        let r = improvements_report(&a, &b, &s, (&ro, &rn), &ImprovementsOptions::default());
        let d = ArchitectureDiff::new(&a.label, &b.label, s, None);
        (d.to_json(), r)
    };
    assert_eq!(render(), render());
}
