//! The structural diff on the tutorial pair and on our own pairs: every added, removed, renamed
//! and changed element, flow transitions included; deletions of flows and transitions.

mod common;

use calm_model::Document;
use calm_report::{ElementChange, Op, Section, StructuralDiff, structural_diff};
use common::{fixture, tutorial};
use serde_json::Value;

fn find<'a>(
    d: &'a StructuralDiff,
    section: Section,
    op: Op,
    id: &str,
) -> Option<&'a ElementChange> {
    d.changes
        .iter()
        .find(|c| c.section == section && c.op == op && c.id == id)
}

fn has(d: &StructuralDiff, section: Section, op: Op, id: &str) -> bool {
    find(d, section, op, id).is_some()
}

#[test]
fn tutorial_day13_to_day14_lists_every_change() {
    let (Some(old), Some(new)) = (
        tutorial("ecommerce-platform.day13.json"),
        tutorial("ecommerce-platform.day14-expected.json"),
    ) else {
        return;
    };
    let d = structural_diff(&old.doc, &new.doc);
    // Renames, by content rather than by name.
    assert_eq!(
        d.renames.nodes.get("api-gateway").map(String::as_str),
        Some("api-gateway-1")
    );
    assert_eq!(
        d.renames.nodes.get("order-database").map(String::as_str),
        Some("order-database-primary")
    );
    assert_eq!(
        d.renames
            .interfaces
            .get("gateway-https")
            .map(String::as_str),
        Some("gateway-1-https")
    );
    assert_eq!(
        d.renames
            .interfaces
            .get("order-db-jdbc")
            .map(String::as_str),
        Some("order-db-primary-jdbc")
    );
    for (o, n) in [
        ("customer-to-gateway", "customer-to-load-balancer"),
        ("admin-to-gateway", "admin-to-load-balancer"),
        ("gateway-to-orders", "gateway-1-to-orders"),
        ("gateway-to-inventory", "gateway-1-to-inventory"),
        ("orders-to-database", "orders-to-database-primary"),
    ] {
        assert_eq!(
            d.renames.relationships.get(o).map(String::as_str),
            Some(n),
            "{o}"
        );
    }
    // The re-pointed interacts shows its endpoint change.
    let c = find(
        &d,
        Section::Relationship,
        Op::Renamed,
        "customer-to-load-balancer",
    )
    .unwrap();
    assert!(
        c.details
            .iter()
            .any(|x| x.path == "relationship-type.interacts.nodes"),
        "{c:?}"
    );
    // Added and removed elements.
    for id in [
        "load-balancer",
        "api-gateway-2",
        "order-database-replica",
        "order-database-cluster",
        "message-broker",
        "order-queue",
    ] {
        assert!(has(&d, Section::Node, Op::Added, id), "{id}");
    }
    assert_eq!(d.count(Section::Node, Op::Added), 6);
    assert_eq!(d.count(Section::Node, Op::Removed), 0);
    assert!(has(
        &d,
        Section::Relationship,
        Op::Removed,
        "orders-to-payment"
    ));
    for id in [
        "lb-to-gateway-1",
        "lb-to-gateway-2",
        "gateway-2-to-orders",
        "gateway-2-to-inventory",
        "orders-to-database-replica",
        "order-service-to-order-queue",
        "order-queue-to-payment-service",
        "order-database-cluster-composition",
        "message-broker-composition",
    ] {
        assert!(has(&d, Section::Relationship, Op::Added, id), "{id}");
    }
    assert!(has(
        &d,
        Section::Relationship,
        Op::Changed,
        "platform-composition"
    ));
    // Flow transitions: the removed sync call, the new async hops, renumbering.
    let t: Vec<(&str, Op, &str)> = d
        .in_section(Section::Transition)
        .map(|c| (c.scope.as_deref().unwrap(), c.op, c.id.as_str()))
        .collect();
    assert!(
        t.contains(&(
            "flow:order-processing-flow",
            Op::Removed,
            "orders-to-payment#3"
        )),
        "{t:?}"
    );
    assert!(
        t.contains(&(
            "flow:order-processing-flow",
            Op::Added,
            "order-service-to-order-queue#4"
        )),
        "{t:?}"
    );
    assert!(
        t.contains(&(
            "flow:order-processing-flow",
            Op::Added,
            "order-queue-to-payment-service#5"
        )),
        "{t:?}"
    );
    assert!(
        t.contains(&("flow:order-processing-flow", Op::Added, "lb-to-gateway-1#2")),
        "{t:?}"
    );
    assert!(
        t.contains(&(
            "flow:order-processing-flow",
            Op::Changed,
            "gateway-1-to-orders#3"
        )),
        "{t:?}"
    );
    assert!(
        t.contains(&(
            "flow:inventory-check-flow",
            Op::Changed,
            "inventory-to-database#4"
        )),
        "{t:?}"
    );
    // Controls at every scope, with their config.
    let controls: Vec<(&str, Op, &str)> = d
        .in_section(Section::Control)
        .map(|c| (c.scope.as_deref().unwrap(), c.op, c.id.as_str()))
        .collect();
    assert!(controls.contains(&("architecture", Op::Added, "high-availability")));
    assert!(controls.contains(&("node:order-database-cluster", Op::Added, "failover")));
    assert!(controls.contains(&("node:order-service", Op::Added, "circuit-breaker")));
    // Metadata on a renamed node, and ADR links.
    let md = find(
        &d,
        Section::Metadata,
        Op::Changed,
        "node:order-database-primary",
    )
    .unwrap();
    assert!(
        md.details
            .iter()
            .any(|x| x.path == "role" && x.new == Some(Value::from("primary")))
    );
    let adr = "docs/adr/0001-use-message-queue-for-async-processing.md";
    let links: Vec<&str> = d
        .in_section(Section::Adr)
        .filter(|c| c.id == adr)
        .map(|c| c.scope.as_deref().unwrap())
        .collect();
    assert_eq!(
        links,
        vec![
            "node:message-broker",
            "node:order-queue",
            "relationship:order-queue-to-payment-service",
            "relationship:order-service-to-order-queue"
        ]
    );
}

#[test]
fn identical_documents_have_no_difference() {
    let a = fixture("clinic-v1.json");
    assert!(structural_diff(&a.doc, &a.doc).is_empty());
}

#[test]
fn reordering_arrays_is_not_a_change() {
    let a = fixture("telemetry-v1.json");
    let mut v = a.doc.value.clone();
    for key in ["nodes", "relationships", "flows"] {
        v[key].as_array_mut().unwrap().reverse();
    }
    let b = Document::from_value("reordered.json", &v);
    let d = structural_diff(&a.doc, &b);
    assert!(d.is_empty(), "{:#?}", d.changes);
}

#[test]
fn deleting_a_flow_is_reported() {
    let a = fixture("clinic-v1.json");
    let mut v = a.doc.value.clone();
    v["flows"]
        .as_array_mut()
        .unwrap()
        .retain(|f| f["unique-id"] != "cancel-appointment");
    let b = Document::from_value("b.json", &v);
    let d = structural_diff(&a.doc, &b);
    assert!(has(&d, Section::Flow, Op::Removed, "cancel-appointment"));
    assert_eq!(d.changes.len(), 1, "{:#?}", d.changes);
}

#[test]
fn deleting_a_transition_is_reported() {
    let a = fixture("telemetry-v1.json");
    let mut v = a.doc.value.clone();
    v["flows"][1]["transitions"].as_array_mut().unwrap().pop();
    let b = Document::from_value("b.json", &v);
    let d = structural_diff(&a.doc, &b);
    let c = find(&d, Section::Transition, Op::Removed, "dashboard-to-tsdb#3")
        .expect("transition removal");
    assert_eq!(c.scope.as_deref(), Some("flow:view-fleet"));
    assert!(c.summary.contains("destination-to-source"));
    assert!(has(&d, Section::Flow, Op::Changed, "view-fleet"));
}

#[test]
fn control_config_values_are_compared_at_every_scope() {
    let (a, b) = (fixture("telemetry-v1.json"), fixture("telemetry-v2.json"));
    let d = structural_diff(&a.doc, &b.doc);
    let latency = find(&d, Section::Control, Op::Changed, "latency").unwrap();
    assert_eq!(latency.scope.as_deref(), Some("flow:ingest-telemetry"));
    assert_eq!(latency.details[0].old, Some(Value::from(500)));
    assert_eq!(latency.details[0].new, Some(Value::from(250)));
    // Re-keyed in the same scope with the same requirement: a rename, with its config changes.
    let ha = find(&d, Section::Control, Op::Renamed, "high-availability").unwrap();
    assert_eq!(ha.old_id.as_deref(), Some("availability"));
    let paths: Vec<&str> = ha.details.iter().map(|x| x.path.as_str()).collect();
    assert_eq!(
        paths,
        vec![
            "requirements.https://policy.example.net/sla/ingest.config.availability-percent",
            "requirements.https://policy.example.net/sla/ingest.config.measurement-window"
        ]
    );
    assert!(!has(&d, Section::Control, Op::Removed, "availability"));
    // Metadata given as an array of objects is merged before comparing.
    let md = find(&d, Section::Metadata, Op::Changed, "node:ingest-gateway").unwrap();
    assert_eq!(md.details.len(), 1);
    assert_eq!(md.details[0].path, "tier");
}

#[test]
fn pure_rename_and_endpoint_change() {
    let (a, b) = (fixture("telemetry-v1.json"), fixture("telemetry-v2.json"));
    let d = structural_diff(&a.doc, &b.doc);
    let r = find(&d, Section::Node, Op::Renamed, "stream-processor").unwrap();
    assert_eq!(r.old_id.as_deref(), Some("telemetry-processor"));
    assert!(
        r.details.is_empty(),
        "same content, new id: {:?}",
        r.details
    );
    // Same relationship id, new destination.
    let c = find(&d, Section::Relationship, Op::Changed, "dashboard-to-tsdb").unwrap();
    assert_eq!(
        c.details[0].path,
        "relationship-type.connects.destination.node"
    );
    // A relationship into the renamed node is not reported as re-pointed.
    assert!(find(&d, Section::Relationship, Op::Changed, "processor-to-tsdb").is_none());
}

#[test]
fn renamed_interface_and_changed_interface() {
    let (a, b) = (fixture("clinic-v1.json"), fixture("clinic-v2.json"));
    let d = structural_diff(&a.doc, &b.doc);
    let i = find(&d, Section::Interface, Op::Changed, "booking-http").unwrap();
    assert_eq!(
        i.details
            .iter()
            .map(|x| x.path.as_str())
            .collect::<Vec<_>>(),
        vec!["protocol", "port"]
    );
    assert!(has(
        &d,
        Section::Interface,
        Op::Renamed,
        "records-primary-pg"
    ));
    let backup = find(&d, Section::Control, Op::Changed, "backup").unwrap();
    assert_eq!(
        backup.scope.as_deref(),
        Some("node:records-db-primary"),
        "controls follow the renamed node"
    );
    assert!(has(&d, Section::Flow, Op::Removed, "cancel-appointment"));
    assert!(has(&d, Section::Flow, Op::Added, "list-appointments"));
}

#[test]
fn a_top_level_array_is_not_an_architecture() {
    let dir = std::env::temp_dir().join(format!("calm-report-array-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("array.json");
    std::fs::write(&p, "[]").unwrap();
    let err =
        calm_report::load_architecture(&p.to_string_lossy(), &calm_report::NoGit).unwrap_err();
    assert!(
        err.contains("array.json") && err.contains("not a CALM document"),
        "{err}"
    );
}
