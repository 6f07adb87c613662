//! Request understanding: one request (a sentence or a multi-line prompt) becomes a typed
//! [`Intent`] with its slots filled from the text and the document, a clarifying question, or an
//! honest "not understood". The recognizers live in `super::intents`, one file per intent, tried
//! in a documented priority order. Nothing here edits or analyses anything: executing an intent is the
//! libraries' job (see `crate::engine`).

use super::slots::Vocabulary;

/// What the user asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum Intent {
    /// Review the architecture (empty `categories` = every category).
    Assess {
        categories: Vec<String>,
        top: Option<usize>,
    },
    /// Explain why something is a concern: a node, a finding id or a rule id.
    Explain {
        target: String,
    },
    /// What breaks when these nodes fail together.
    Simulate {
        fail: Vec<String>,
    },
    /// One or more changes, proposed together as one step.
    Change(Vec<Change>),
    /// Operational metadata for several elements (tutorial 15, steps 2–5): literal values as
    /// given, the others derived from the model when the request is carried out.
    OpsMetadata(OpsRequest),
    /// An outage investigation: triage from the model, then each numbered question answered.
    Triage {
        query: calm_analysis::ops::Query,
        questions: Vec<String>,
    },
    Validate,
    /// Draw the current architecture to a file.
    Render {
        format: String,
        output: Option<String>,
    },
    /// Structural diff between the document as loaded and now.
    Diff,
    Undo,
    Redo,
    Save {
        path: Option<String>,
    },
    Help,
    Quit,
    /// An answer to "apply this change?".
    Confirm(bool),
}

pub use crate::engine::ops_metadata::{OpsEntry, OpsRequest, OpsTarget, OpsValue};

// A change is a calm-refactor recipe value (see `engine::Change`); scopes are calm-refactor's.
pub use crate::engine::Change;
pub use calm_refactor::Scope;

/// The outcome of reading one request.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    Understood(Intent),
    /// Something required is missing or ambiguous: ask this.
    Clarify(String),
    NotUnderstood,
}

/// What the advisor can do, listed when a request is not understood.
pub const CAPABILITIES: &str = "\
I can:
  - assess the architecture: \"what are the top 3 resilience concerns?\" (resilience, security,
    performance, operability, documentation, or everything)
  - explain a concern: \"why is api-gateway a problem?\"; simulate: \"what happens if X fails?\"
  - change it (shown as a diff first): add a load balancer with named instances; replicate a
    database (primary/replica ids, cluster, sync/async); route a call through a message broker
    and queue (protocol, port, ADR); add controls (high-availability 99.9%, failover RTO/RPO,
    circuit-breaker \"5 failures in 30s\"); rename an id; set metadata; add operational
    metadata (owners, on-call, health endpoints, runbooks, failure modes, flow impact, monitoring)
  - investigate an outage: \"errors across X and Y: what is the root cause?\" (numbered
    questions are answered one by one from the model)
  - validate; show the diagram (HTML or PNG); diff since the start; undo; redo; save; quit";

/// Read one request (the recognizers of `super::intents`, in their priority order).
pub fn parse(text: &str, vocab: &Vocabulary) -> Parsed {
    super::intents::parse(text, vocab)
}

#[cfg(test)]
mod tests {
    use super::*;
    use calm_model::Document;
    use calm_refactor::{
        AddControl, AddLoadBalancer, BrokerKind, Decouple, Recipe, ReplicateDatabase,
        ReplicationMode,
    };

    fn vocab_of(path: &str) -> Option<Vocabulary> {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
        if !p.exists() {
            eprintln!("skipped: {} is absent", p.display());
            return None;
        }
        Some(Vocabulary::of(&Document::load_path(&p).unwrap()))
    }

    fn seed_prompts() -> Option<Vec<String>> {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/chat_fixtures/tutorial-day14.requests");
        Some(super::super::split_requests(
            &std::fs::read_to_string(p).ok()?,
        ))
    }

    fn change(p: Parsed) -> Vec<Change> {
        match p {
            Parsed::Understood(Intent::Change(c)) => c,
            other => panic!("expected a change, got {other:?}"),
        }
    }

    #[test]
    fn tutorial_prompts_fill_every_slot() {
        let Some(v) = vocab_of("../../../shared/fixtures/ecommerce-platform.day13.json") else {
            return;
        };
        let p = seed_prompts().unwrap();
        assert_eq!(
            parse(&p[0], &v),
            Parsed::Understood(Intent::Assess {
                categories: vec!["resilience".into()],
                top: Some(3)
            })
        );
        assert_eq!(
            change(parse(&p[1], &v)),
            vec![Change::Recipe(Recipe::AddLoadBalancer(AddLoadBalancer {
                target: "api-gateway".into(),
                lb_id: "load-balancer".into(),
                lb_type: "service".into(),
                names: vec!["api-gateway-1".into(), "api-gateway-2".into()],
                instances: 2
            }))]
        );
        assert_eq!(
            change(parse(&p[2], &v)),
            vec![Change::ReplicateDatabase {
                recipe: ReplicateDatabase {
                    target: "order-database".into(),
                    primary_id: Some("order-database-primary".into()),
                    replicas: 1,
                    cluster_id: Some("order-database-cluster".into()),
                    mode: ReplicationMode::Async
                },
                replica_ids: vec!["order-database-replica".into()],
            }]
        );
        assert_eq!(
            change(parse(&p[3], &v)),
            vec![Change::Recipe(Recipe::Decouple(Decouple {
                from: "order-service".into(),
                to: "payment-service".into(),
                broker: BrokerKind::Rabbitmq,
                broker_id: "message-broker".into(),
                queue_id: Some("order-queue".into()),
                port: Some(5672),
                adr: Some("docs/adr/0001-use-message-queue-for-async-processing.md".into())
            }))]
        );
        assert_eq!(parse(&p[4], &v), Parsed::Understood(Intent::Validate));
        // Before the cluster exists, the failover control's target is asked for, not guessed.
        assert!(matches!(parse(&p[5], &v), Parsed::Clarify(q) if q.contains("failover")));
    }

    #[test]
    fn ambiguous_or_missing_slots_are_asked_for() {
        let Some(v) = vocab_of("tests/chat_fixtures/travel-booking.json") else {
            return;
        };
        assert!(
            matches!(parse("add a read replica", &v), Parsed::Clarify(q) if q.contains("bookings-db or fares-db"))
        );
        assert!(matches!(
            parse("add a load balancer", &v),
            Parsed::Clarify(_)
        ));
        assert!(matches!(
            parse("rename pricing-service", &v),
            Parsed::Clarify(_)
        ));
        assert!(matches!(
            parse("what happens if it fails?", &v),
            Parsed::Clarify(_)
        ));
        assert_eq!(parse("write me a poem", &v), Parsed::NotUnderstood);
        assert_eq!(
            parse("delete the fares database", &v),
            Parsed::NotUnderstood
        );
    }

    #[test]
    fn controls_read_values_and_units() {
        let Some(v) = vocab_of("tests/chat_fixtures/travel-booking.json") else {
            return;
        };
        let c = change(parse(
            "Add a failover control on bookings-db with RTO 90 seconds and RPO of 2 minutes",
            &v,
        ));
        let Change::Recipe(Recipe::AddControl(AddControl {
            scope, id, config, ..
        })) = &c[0]
        else {
            panic!()
        };
        assert_eq!(scope, &Scope::Node("bookings-db".into()));
        assert_eq!(id.as_deref(), Some("failover"));
        assert_eq!(config, &vec!["rto-seconds=90", "rpo-minutes=2"]);
        let c = change(parse(
            "circuit breaker on pricing-service: 7 errors within 2 minutes",
            &v,
        ));
        let Change::Recipe(Recipe::AddControl(AddControl { config, .. })) = &c[0] else {
            panic!()
        };
        assert_eq!(
            config,
            &vec!["failure-threshold=7", "failure-window-seconds=120"]
        );
    }
}
