//! Paraphrase tables: per intent, several ways of saying the same thing must parse to the same
//! intent (the first row's), and the first row is checked against the expected value.
//! A new phrasing is one more row here.

use super::super::intent::{Change, Intent, Parsed, Scope, parse};
use super::super::slots::Vocabulary;
use super::RECOGNIZERS;
use calm_model::Document;
use calm_refactor::{AddControl, ControlPreset, Recipe};

fn travel() -> Vocabulary {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/chat_fixtures/travel-booking.json");
    Vocabulary::of(&Document::load_path(&p).unwrap())
}

/// Every phrasing parses to `expected`.
fn same(v: &Vocabulary, expected: &Parsed, phrasings: &[&str]) {
    let wrong: Vec<String> = phrasings
        .iter()
        .map(|p| (p, parse(p, v)))
        .filter(|(_, got)| got != expected)
        .map(|(p, got)| format!("  {p:?}\n    -> {got:?}"))
        .collect();
    assert!(
        wrong.is_empty(),
        "expected {expected:?} for:\n{}",
        wrong.join("\n")
    );
}

/// The parse of the first phrasing, after checking it with `check`; then every other phrasing
/// must parse the same.
fn table(v: &Vocabulary, phrasings: &[&str], check: impl Fn(&Parsed) -> bool) {
    let first = parse(phrasings[0], v);
    assert!(check(&first), "{:?} -> {first:?}", phrasings[0]);
    same(v, &first, &phrasings[1..]);
}

fn control(scope: Scope, id: &str, preset: Option<ControlPreset>, config: &[&str]) -> Parsed {
    Parsed::Understood(Intent::Change(vec![Change::Recipe(Recipe::AddControl(
        AddControl {
            scope,
            id: Some(id.into()),
            requirement_url: None,
            description: None,
            config: config.iter().map(|s| s.to_string()).collect(),
            preset,
        },
    ))]))
}

fn is_change(p: &Parsed, f: impl Fn(&Change) -> bool) -> bool {
    matches!(p, Parsed::Understood(Intent::Change(c)) if c.len() == 1 && f(&c[0]))
}

#[test]
fn registry_names_are_unique() {
    let mut names: Vec<&str> = RECOGNIZERS.iter().map(|(n, _)| *n).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), RECOGNIZERS.len());
}

#[test]
fn availability_requirements() {
    let v = travel();
    let expected = control(
        Scope::Architecture,
        "high-availability",
        Some(ControlPreset::HighAvailability),
        &["availability-percent=99.95"],
    );
    same(
        &v,
        &expected,
        &[
            "add a high-availability control of 99.95%",
            "Add a 99.95% availability requirement for the whole system",
            "set an SLO of 99.95% availability",
            "we need an availability target of 99.95%",
            "add an availability SLA of 99.95% for the whole architecture",
            "require 99.95% uptime system-wide",
            "the system needs 99.95% availability",
            "add an availability objective of 99.95 percent",
        ],
    );
    // "three nines" is 99.9.
    same(
        &v,
        &control(
            Scope::Architecture,
            "high-availability",
            Some(ControlPreset::HighAvailability),
            &["availability-percent=99.9"],
        ),
        &[
            "we need an availability target of 99.9%",
            "set an availability SLO of three nines",
        ],
    );
    // On one node.
    same(
        &v,
        &control(
            Scope::Node("pricing-service".into()),
            "high-availability",
            Some(ControlPreset::HighAvailability),
            &["availability-percent=99.9"],
        ),
        &[
            "add a high-availability control of 99.9% on pricing-service",
            "pricing-service needs an availability target of 99.9%",
            "set an uptime SLA of 99.9% for pricing-service",
        ],
    );
}

#[test]
fn recovery_objectives() {
    let v = travel();
    same(
        &v,
        &control(
            Scope::Node("bookings-db".into()),
            "failover",
            Some(ControlPreset::Failover),
            &["rto-minutes=5", "rpo-minutes=1"],
        ),
        &[
            "Add a failover control on bookings-db with RTO 5 minutes and RPO of 1 minute",
            "add an RTO of 5 minutes and an RPO of 1 minute to bookings-db",
            "bookings-db needs a recovery time objective of 5 minutes and a recovery point objective of 1 minute",
            "set the RTO for bookings-db to 5 minutes and the RPO to 1 minute",
            "we need an RTO target of 5 min and an RPO target of 1 min for bookings-db",
        ],
    );
}

#[test]
fn latency_requirements() {
    let v = travel();
    let on_flow = control(
        Scope::Flow("book-trip-flow".into()),
        "latency",
        None,
        &["max-latency-ms=200"],
    );
    same(
        &v,
        &on_flow,
        &[
            "add a latency SLA of 200 ms for the book-trip-flow",
            "latency SLA of 200 ms for the book-trip flow",
            "set a latency target of 200ms on the book trip flow",
            "we need a response time objective of 0.2 seconds for book-trip-flow",
        ],
    );
    same(
        &v,
        &control(
            Scope::Node("pricing-service".into()),
            "latency",
            None,
            &["max-latency-ms=150", "percentile=p99"],
        ),
        &[
            "set a p99 latency SLO of 150 ms for pricing-service",
            "pricing-service needs a p99 latency target of 150ms",
        ],
    );
}

#[test]
fn requirement_questions_are_not_changes() {
    let v = travel();
    for q in [
        "what availability target should we set?",
        "how do we improve availability?",
    ] {
        assert!(
            !matches!(parse(q, &v), Parsed::Understood(Intent::Change(_))),
            "{q}"
        );
    }
}

#[test]
fn circuit_breakers() {
    let v = travel();
    table(
        &v,
        &[
            "add a circuit breaker on pricing-service: 5 failures in 30s",
            "circuit breaker on pricing-service: 5 errors within 30 seconds",
            "protect pricing-service with a circuit-breaker after 5 failures in 30 s",
        ],
        |p| {
            p == &control(
                Scope::Node("pricing-service".into()),
                "circuit-breaker",
                Some(ControlPreset::CircuitBreaker),
                &["failure-threshold=5", "failure-window-seconds=30"],
            )
        },
    );
}

#[test]
fn simulate_paraphrases() {
    let v = travel();
    same(
        &v,
        &Parsed::Understood(Intent::Simulate {
            fail: vec!["pricing-service".into()],
        }),
        &[
            "what happens if pricing-service fails?",
            "what if pricing-service goes down",
            "which flows break when pricing-service is down?",
            "simulate a pricing-service outage",
            "what is the blast radius of pricing-service?",
        ],
    );
}

#[test]
fn explain_paraphrases() {
    let v = travel();
    same(
        &v,
        &Parsed::Understood(Intent::Explain {
            target: "pricing-service".into(),
        }),
        &[
            "why is pricing-service a problem?",
            "explain pricing-service",
            "what's wrong with pricing-service?",
            "tell me more about pricing-service",
        ],
    );
    same(
        &v,
        &Parsed::Understood(Intent::Explain {
            target: "recipe:add-load-balancer".into(),
        }),
        &[
            "why do you recommend a load balancer?",
            "explain the load-balancer recommendation",
        ],
    );
}

#[test]
fn assess_paraphrases() {
    let v = travel();
    same(
        &v,
        &Parsed::Understood(Intent::Assess {
            categories: vec!["resilience".into()],
            top: Some(3),
        }),
        &[
            "what are the top 3 resilience concerns?",
            "show me the top 3 reliability issues",
            "top 3 single points of failure",
        ],
    );
    same(
        &v,
        &Parsed::Understood(Intent::Assess {
            categories: vec![],
            top: None,
        }),
        &["review everything", "assess the architecture overall"],
    );
}

#[test]
fn load_balancer_paraphrases() {
    let v = travel();
    table(
        &v,
        &[
            "put a load balancer in front of edge-proxy",
            "add a load-balancer for edge-proxy",
            "front edge-proxy with a load balancer",
            "make edge-proxy redundant",
        ],
        |p| {
            is_change(
                p,
                |c| matches!(c, Change::Recipe(Recipe::AddLoadBalancer(lb)) if lb.target == "edge-proxy" && lb.instances == 2),
            )
        },
    );
}

#[test]
fn replicate_paraphrases() {
    let v = travel();
    table(
        &v,
        &[
            "add a read replica of bookings-db",
            "replicate bookings-db",
            "bookings-db needs a standby replica",
        ],
        |p| {
            is_change(
                p,
                |c| matches!(c, Change::ReplicateDatabase { recipe, .. } if recipe.target == "bookings-db" && recipe.replicas == 1),
            )
        },
    );
}

#[test]
fn decouple_paraphrases() {
    let v = travel();
    table(
        &v,
        &[
            "route the call from booking-service to pricing-service through a message queue",
            "decouple booking-service from pricing-service with a message broker",
            "put a queue between booking-service and pricing-service",
            "make the booking-to-pricing call asynchronous",
        ],
        |p| {
            is_change(
                p,
                |c| matches!(c, Change::Recipe(Recipe::Decouple(d)) if d.from == "booking-service" && d.to == "pricing-service"),
            )
        },
    );
}

#[test]
fn rename_paraphrases() {
    let v = travel();
    table(
        &v,
        &[
            "rename pricing-service to fare-service",
            "pricing-service should become fare-service",
            "change the id of pricing-service to fare-service",
            "change the name of pricing-service to fare-service",
        ],
        |p| {
            is_change(
                p,
                |c| matches!(c, Change::Recipe(Recipe::Rename(r)) if r.old == "pricing-service" && r.new == "fare-service"),
            )
        },
    );
}

#[test]
fn metadata_paraphrases() {
    let v = travel();
    table(
        &v,
        &[
            "set owner=team-a on pricing-service",
            "set the owner of pricing-service to team-a",
            "tag pricing-service with owner=team-a",
            "set pricing-service's owner to team-a",
        ],
        |p| {
            is_change(
                p,
                |c| matches!(c, Change::SetMetadata { scope: Scope::Node(n), entries } if n == "pricing-service" && entries.len() == 1 && entries[0].0 == "owner"),
            )
        },
    );
}

#[test]
fn apply_finding_paraphrases() {
    let v = travel();
    same(
        &v,
        &Parsed::Understood(Intent::Change(vec![Change::ApplyFinding {
            selector: "concern:2".into(),
        }])),
        &[
            "apply the fix for concern 2",
            "fix #2",
            "implement recommendation 2",
            "fix the second concern",
        ],
    );
}

#[test]
fn read_only_paraphrases() {
    let v = travel();
    same(
        &v,
        &Parsed::Understood(Intent::Validate),
        &["validate", "is it valid?", "run a schema check"],
    );
    same(
        &v,
        &Parsed::Understood(Intent::Render {
            format: "html".into(),
            output: None,
        }),
        &["show the diagram", "draw the architecture", "visualise it"],
    );
    same(
        &v,
        &Parsed::Understood(Intent::Diff),
        &[
            "what changed?",
            "show the diff",
            "what have we changed so far",
        ],
    );
}

#[test]
fn command_paraphrases() {
    let v = travel();
    let cases: &[(Intent, &[&str])] = &[
        (Intent::Confirm(true), &["yes", "go ahead", "Do it!", "ok"]),
        (Intent::Confirm(false), &["no", "cancel", "no thanks"]),
        (
            Intent::Undo,
            &["undo", "take that back", "revert the last change"],
        ),
        (Intent::Redo, &["redo", "redo that"]),
        (Intent::Help, &["help", "what can you do?"]),
        (Intent::Quit, &["quit", "bye"]),
        (Intent::Save { path: None }, &["save", "save the changes"]),
        (
            Intent::Save {
                path: Some("Out.json".into()),
            },
            &["save as Out.json", "save to Out.json"],
        ),
    ];
    for (intent, phrasings) in cases {
        same(&v, &Parsed::Understood(intent.clone()), phrasings);
    }
}
