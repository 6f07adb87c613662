//! Snapshots of the diffs users see for the tutorial's Day 14 steps (reviewed by hand: every
//! hunk is a change the step asks for; everything else stays out of the diff).

use calm_refactor::*;
use std::path::PathBuf;

fn day13() -> Option<String> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/ecommerce-platform.day13.json");
    std::fs::read_to_string(&p)
        .map_err(|_| println!("skipped: {} not found", p.display()))
        .ok()
}

fn step(text: &str, recipe: &str, args: &str) -> Plan {
    let r = Recipe::parse_args(
        recipe,
        &args
            .split_whitespace()
            .map(str::to_string)
            .collect::<Vec<_>>(),
    )
    .unwrap();
    plan("architectures/ecommerce-platform.json", text, &r).unwrap()
}

#[test]
fn day14_diffs() {
    let Some(text) = day13() else { return };
    let lb = step(
        &text,
        "add-load-balancer",
        "--target api-gateway --names api-gateway-1,api-gateway-2",
    );
    insta::assert_snapshot!("add_load_balancer", lb.unified_diff());
    let db = step(
        &lb.after_text,
        "replicate-database",
        "--target order-database",
    );
    insta::assert_snapshot!("replicate_database", db.unified_diff());
    let mq = step(
        &db.after_text,
        "decouple",
        "--from order-service --to payment-service --broker-id message-broker --queue-id order-queue --port 5672 --adr docs/adr/0001-use-message-queue-for-async-processing.md",
    );
    insta::assert_snapshot!("decouple", mq.unified_diff());
    let cb = step(
        &mq.after_text,
        "add-control",
        "--scope node:order-service --preset circuit-breaker",
    );
    insta::assert_snapshot!("add_control_circuit_breaker", cb.unified_diff());
    insta::assert_json_snapshot!("add_control_circuit_breaker_patch", cb.patch());
}
