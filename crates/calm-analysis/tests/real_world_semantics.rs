//! How the engine reads architectures that other people wrote: one test per class of the
//! precision work (entry points, inferred journeys, managed and external services, roles,
//! containers, declared evidence, noise, trust zones), each with a case that must fire and one
//! that must not. The documents are tiny and synthetic; the labelled corpus benchmark
//! (`tests/benchmark.rs`) checks the same semantics on real models.

use calm_analysis::{Finding, ReviewOptions, Severity, review};
use calm_model::Document;
use serde_json::{Value, json};

fn node(id: &str, node_type: &str, name: &str) -> Value {
    json!({"unique-id": id, "node-type": node_type, "name": name, "description": name})
}

fn conn(id: &str, src: &str, dst: &str, protocol: &str) -> Value {
    let mut r = json!({"unique-id": id, "relationship-type": {"connects": {"source": {"node": src}, "destination": {"node": dst}}}});
    if !protocol.is_empty() {
        r["protocol"] = json!(protocol);
    }
    r
}

fn interacts(id: &str, actor: &str, nodes: &[&str]) -> Value {
    json!({"unique-id": id, "relationship-type": {"interacts": {"actor": actor, "nodes": nodes}}})
}

fn composed(id: &str, container: &str, nodes: &[&str]) -> Value {
    json!({"unique-id": id, "relationship-type": {"composed-of": {"container": container, "nodes": nodes}}})
}

fn flow(id: &str, rels: &[&str]) -> Value {
    let t: Vec<Value> = rels
        .iter()
        .enumerate()
        .map(|(i, r)| json!({"relationship-unique-id": r, "sequence-number": i + 1, "description": "step"}))
        .collect();
    json!({"unique-id": id, "name": id, "description": id, "transitions": t})
}

fn reviewed(nodes: Vec<Value>, rels: Vec<Value>, flows: Vec<Value>) -> Vec<Finding> {
    let mut d = json!({"nodes": nodes, "relationships": rels});
    if !flows.is_empty() {
        d["flows"] = json!(flows);
    }
    let doc = Document::from_str("t.json", &d.to_string()).unwrap();
    review(&doc, &ReviewOptions::default()).findings
}

fn find<'a>(f: &'a [Finding], id: &str) -> Option<&'a Finding> {
    f.iter().find(|x| x.id == id)
}

fn alarms(f: &[Finding]) -> Vec<String> {
    f.iter()
        .filter(|x| x.severity >= Severity::High)
        .map(|x| x.id.clone())
        .collect()
}

// ---- 1. entry points ---------------------------------------------------------------------

#[test]
fn interacts_between_components_is_a_call_not_an_entry() {
    // An agent "interacts" with telemetry and a model: these are calls between components,
    // not actor traffic, so none of them is "the only ingress".
    let f = reviewed(
        vec![
            node("trader", "actor", "Trader"),
            node("gateway", "service", "Agent gateway"),
            node("agent", "service", "Trading agent"),
            node("observability", "service", "Observability"),
            node("llm", "service", "Inference model"),
        ],
        vec![
            interacts("t-gw", "trader", &["gateway"]),
            conn("gw-agent", "gateway", "agent", "HTTPS"),
            interacts("agent-uses", "agent", &["observability", "llm"]),
        ],
        vec![],
    );
    let ingress: Vec<&str> = f
        .iter()
        .filter(|x| x.rule == "single-ingress-path")
        .map(|x| x.id.as_str())
        .collect();
    assert_eq!(
        ingress,
        vec!["single-ingress-path@gateway"],
        "only the real front door"
    );
}

#[test]
fn client_tools_are_the_client_side_not_the_ingress() {
    let f = reviewed(
        vec![
            node("dev", "actor", "Developer"),
            node("cli", "service", "Command line interface (CLI)"),
            node("ext", "service", "VS Code extension"),
            node("hub", "service", "Hub API"),
            node("db", "database", "Mongo"),
        ],
        vec![
            interacts("d-cli", "dev", &["cli", "ext"]),
            conn("cli-hub", "cli", "hub", "HTTPS"),
            conn("ext-hub", "ext", "hub", "HTTPS"),
            conn("hub-db", "hub", "db", "TCP"),
        ],
        vec![flow("publish", &["d-cli", "cli-hub", "hub-db"])],
    );
    assert!(find(&f, "single-ingress-path@cli").is_none());
    assert!(find(&f, "single-ingress-path@ext").is_none());
    assert!(find(&f, "spof-node@cli").is_none());
    let hub =
        find(&f, "single-ingress-path@hub").expect("the server the tools call is the ingress");
    assert!(
        hub.severity >= Severity::High,
        "explicit flow: a confirmed premise"
    );
}

// ---- 2. inferred journeys ----------------------------------------------------------------

#[test]
fn side_effect_sinks_and_dispatched_tasks_do_not_cut_journeys_off() {
    let mut dispatch = conn("engine-worker", "engine", "worker", "HTTPS");
    dispatch["description"] = json!("Engine dispatches verification external tasks");
    let f = reviewed(
        vec![
            node("customer", "actor", "Customer"),
            node("api", "service", "Onboarding API"),
            node("engine", "service", "Workflow engine"),
            node("telemetry", "service", "Telemetry collector"),
            node("notify", "service", "Notification service"),
            node("worker", "service", "Verification worker"),
        ],
        vec![
            interacts("c-api", "customer", &["api"]),
            conn("api-engine", "api", "engine", "HTTPS"),
            conn("engine-telemetry", "engine", "telemetry", "HTTPS"),
            conn("engine-notify", "engine", "notify", "HTTPS"),
            dispatch,
        ],
        vec![],
    );
    for id in ["telemetry", "notify", "worker"] {
        assert!(
            find(&f, &format!("spof-node@{id}")).is_none(),
            "{id} does not cut the customer off"
        );
    }
    // The engine every request crosses is a real single point of failure, reported — but the
    // journey was inferred, so medium at most, with low confidence, and it says so.
    let engine = find(&f, "spof-node@engine").expect("the engine on the request path");
    assert_eq!(engine.severity, Severity::Medium);
    assert!(engine.evidence.iter().any(|e| e.kind == "inferred-journey"));
    assert!(
        alarms(&f).iter().all(|a| !a.starts_with("spof-node")),
        "{:?}",
        alarms(&f)
    );
}

#[test]
fn without_flows_the_request_path_stands_in_for_flows() {
    let f = reviewed(
        vec![
            node("shopper", "actor", "Shopper"),
            node("gw", "service", "API gateway"),
            node("orders", "service", "Order service"),
            node("orders-db", "database", "Orders DB"),
            node("broker", "message-broker", "Order events broker"),
        ],
        vec![
            interacts("s-gw", "shopper", &["gw"]),
            conn("gw-orders", "gw", "orders", "HTTPS"),
            conn("orders-db-r", "orders", "orders-db", "JDBC"),
            conn("orders-broker", "orders", "broker", "AMQP"),
        ],
        vec![],
    );
    for id in [
        "single-ingress-path@gw",
        "datastore-no-replication@orders-db",
        "broker-single-instance@broker",
    ] {
        let x = find(&f, id).unwrap_or_else(|| panic!("{id} found without flows"));
        assert_eq!(
            x.severity,
            Severity::Medium,
            "{id} capped: inferred journey"
        );
    }
}

// ---- 3. managed and external services ----------------------------------------------------

#[test]
fn managed_services_are_not_spofs_and_saas_is_isolated_not_replicated() {
    let f = reviewed(
        vec![
            node("user", "actor", "Customer"),
            node("api", "service", "Checkout API"),
            node("cognito", "service", "Amazon Cognito"),
            node("secrets", "service", "AWS Secrets Manager"),
            node("stripe", "system", "Stripe"),
            node("orders-db", "database", "Orders RDS"),
        ],
        vec![
            interacts("u-api", "user", &["api"]),
            conn("api-cognito", "api", "cognito", "HTTPS"),
            conn("api-secrets", "api", "secrets", "HTTPS"),
            conn("api-stripe", "api", "stripe", "HTTPS"),
            conn("api-db", "api", "orders-db", "JDBC"),
        ],
        vec![flow("checkout", &["u-api", "api-stripe", "api-db"])],
    );
    for id in [
        "spof-node@cognito",
        "spof-node@secrets",
        "spof-node@stripe",
        "datastore-no-replication@stripe",
    ] {
        assert!(find(&f, id).is_none(), "{id}");
    }
    // A self-run database is still unreplicated; the payment provider gets isolation advice.
    assert!(find(&f, "datastore-no-replication@orders-db").is_some());
    assert!(f.iter().any(|x| x.nodes.contains(&"stripe".to_string())
        && matches!(
            x.rule.as_str(),
            "cascading-sync-dependency" | "sync-call-without-failure-handling"
        )));
}

// ---- 5. containers -----------------------------------------------------------------------

#[test]
fn containers_are_not_reported_as_running_components() {
    let f = reviewed(
        vec![
            node("user", "actor", "Customer"),
            node("platform", "system", "Banking platform"),
            node("api", "service", "Accounts API"),
            node("db", "database", "Accounts DB"),
        ],
        vec![
            composed("platform-has", "platform", &["api", "db"]),
            interacts("u-api", "user", &["api"]),
            conn("api-db", "api", "db", "JDBC"),
        ],
        vec![],
    );
    assert!(
        f.iter().all(|x| !x.id.contains("@platform")),
        "{:?}",
        f.iter().map(|x| &x.id).collect::<Vec<_>>()
    );
    assert!(find(&f, "single-ingress-path@api").is_some());
}

// ---- 6. declared evidence ----------------------------------------------------------------

#[test]
fn a_mitigation_declared_false_is_not_evidence() {
    let mk = |cb: Value| {
        let mut r = conn("api-pay", "api", "payments", "HTTPS");
        r["metadata"] = json!({"circuit-breaker": cb});
        reviewed(
            vec![
                node("user", "actor", "Customer"),
                node("api", "service", "Orders API"),
                node("payments", "service", "Payment service"),
            ],
            vec![interacts("u-api", "user", &["api"]), r],
            vec![flow("pay", &["u-api", "api-pay"])],
        )
    };
    let has = |f: &[Finding]| {
        f.iter().any(|x| {
            x.relationships.contains(&"api-pay".to_string())
                && matches!(
                    x.rule.as_str(),
                    "cascading-sync-dependency" | "sync-call-without-failure-handling"
                )
        })
    };
    assert!(
        has(&mk(json!(false))),
        "circuit-breaker: false is declared absent"
    );
    assert!(has(&mk(json!("none"))));
    assert!(
        !has(&mk(json!({"failure-threshold": 5}))),
        "a configured breaker clears it"
    );
}

// ---- 7. noise ----------------------------------------------------------------------------

#[test]
fn one_finding_per_connection_not_per_relationship() {
    let f = reviewed(
        vec![
            node("app", "service", "Settlement app"),
            node("mq", "service", "Settlement queue manager"),
        ],
        (0..5)
            .map(|i| conn(&format!("app-mq-{i}"), "app", "mq", "TCP"))
            .collect(),
        vec![],
    );
    let tcp: Vec<&Finding> = f
        .iter()
        .filter(|x| x.rule == "unencrypted-transport")
        .collect();
    assert_eq!(
        tcp.len(),
        1,
        "five TCP relationships on one host pair are one weakness"
    );
    assert_eq!(tcp[0].relationships.len(), 5);
    assert_eq!(tcp[0].severity, Severity::Medium, "internal clear text");
}

// ---- 8. trust zones ----------------------------------------------------------------------

#[test]
fn employees_are_internal_customers_are_not() {
    let mk = |actor_name: &str| {
        reviewed(
            vec![
                node("person", "actor", actor_name),
                node("web", "webclient", "Browser"),
                node("svc", "service", "Accounts service"),
            ],
            vec![
                interacts("p-web", "person", &["web"]),
                conn("web-svc", "web", "svc", "HTTP"),
            ],
            vec![],
        )
    };
    let employee = mk("Back-office employee");
    let customer = mk("Retail customer");
    let sev = |f: &[Finding]| find(f, "unencrypted-transport@web-svc").unwrap().severity;
    assert_eq!(sev(&employee), Severity::Medium, "inside the organisation");
    assert_eq!(sev(&customer), Severity::High, "from the internet");
    assert!(find(&employee, "public-entry-without-rate-limit@svc").is_none());
    assert!(find(&customer, "public-entry-without-rate-limit@svc").is_some());
}

#[test]
fn a_manual_failover_is_no_failover() {
    let mk = |failover: &str| {
        let mut db = node("ledger-db", "database", "Ledger DB");
        db["metadata"] = json!({"replication": "streaming, 1 standby", "failover": failover});
        reviewed(
            vec![
                node("user", "actor", "Clerk"),
                node("api", "service", "Payments API"),
                db,
            ],
            vec![
                interacts("u-api", "user", &["api"]),
                conn("api-db", "api", "ledger-db", "JDBC"),
            ],
            vec![],
        )
    };
    let manual = mk("manual, DBA runbook");
    let f = find(&manual, "replica-without-failover@ledger-db").expect("manual failover");
    assert!(f.evidence.iter().any(|e| e.detail.contains("manual")));
    // The replica still counts as redundancy: no "no replica" alarm.
    assert!(find(&manual, "datastore-no-replication@ledger-db").is_none());
    let automatic = mk("automatic (Patroni)");
    assert!(find(&automatic, "replica-without-failover@ledger-db").is_none());
}

#[test]
fn a_caller_and_its_callee_are_no_replicas_a_primary_and_its_replica_are() {
    // `svc-a` calls `svc-b`: ids alike, but one depends on the other.
    let f = reviewed(
        vec![
            node("user", "actor", "Customer"),
            node("svc-a", "service", "Front service"),
            node("svc-b", "service", "Back service"),
        ],
        vec![
            interacts("u-a", "user", &["svc-a"]),
            conn("a-b", "svc-a", "svc-b", "HTTPS"),
        ],
        vec![flow("f", &["u-a", "a-b"])],
    );
    assert!(
        find(&f, "spof-node@svc-b").is_some(),
        "{:?}",
        f.iter().map(|x| &x.id).collect::<Vec<_>>()
    );
    assert!(find(&f, "missing-health-check@svc-a").is_none());
    // `ledger-primary` streams to `ledger-replica`: one redundancy group.
    let f = reviewed(
        vec![
            node("user", "actor", "Clerk"),
            node("api", "service", "API"),
            node("ledger-primary", "database", "Ledger (primary)"),
            node("ledger-replica", "database", "Ledger (replica)"),
        ],
        vec![
            interacts("u-api", "user", &["api"]),
            conn("api-db", "api", "ledger-primary", "JDBC"),
            conn("stream", "ledger-primary", "ledger-replica", "TLS"),
        ],
        vec![],
    );
    assert!(find(&f, "datastore-no-replication@ledger-primary").is_none());
}

/// A load balancer in front of one tier of VMs (a container of its instances) or of one node
/// with several replicas still needs to know which instance is dead.
#[test]
fn the_one_pool_behind_a_load_balancer_needs_a_health_check() {
    let tier = |lb_meta: Value| {
        let mut lb = node("lb", "network", "External Load Balancer");
        lb["metadata"] = lb_meta;
        reviewed(
            vec![
                node("user", "actor", "User"),
                lb,
                node("web-tier", "compute", "Web Tier"),
                node("web-vms", "compute", "Web Server VMs"),
            ],
            vec![
                interacts("uses", "user", &["lb"]),
                conn("lb-to-web", "lb", "web-tier", "HTTPS"),
                composed("tier-vms", "web-tier", &["web-vms"]),
            ],
            vec![],
        )
    };
    let f = tier(json!({}));
    let h = find(&f, "missing-health-check@web-tier").expect("the tier is a pool");
    assert!(
        h.rationale.contains("runs as a pool of instances"),
        "{}",
        h.rationale
    );
    assert!(
        h.evidence
            .iter()
            .any(|e| e.detail.contains("its members web-vms")),
        "{:?}",
        h.evidence
    );
    // The load balancer checks its backends: nothing to report.
    let f = tier(json!({"health-check-path": "/health"}));
    assert!(find(&f, "missing-health-check@web-tier").is_none());
    // One plain service behind a load balancer is not a pool.
    let f = reviewed(
        vec![
            node("user", "actor", "User"),
            node("lb", "network", "Load Balancer"),
            node("svc", "service", "Orders"),
        ],
        vec![
            interacts("uses", "user", &["lb"]),
            conn("lb-to-svc", "lb", "svc", "HTTPS"),
        ],
        vec![],
    );
    assert!(find(&f, "missing-health-check@svc").is_none());
}
