//! Unit tests of the security, performance, operability and documentation rules on tiny
//! synthetic documents: for each rule a case that must fire, one that must not, and the false
//! positive guards the catalogue lists (docs/advisor-design.md §4).

use calm_analysis::{Context, Finding, Severity};
use calm_model::Document;
use serde_json::{Value, json};

// ---- tiny document builder ---------------------------------------------------------------

fn node(id: &str, node_type: &str, metadata: Value) -> Value {
    let mut n = json!({"unique-id": id, "node-type": node_type, "name": id, "description": id});
    if !metadata.is_null() {
        n["metadata"] = metadata;
    }
    n
}

fn with(mut v: Value, key: &str, value: Value) -> Value {
    v[key] = value;
    v
}

fn conn(id: &str, src: &str, dst: &str, protocol: &str) -> Value {
    let mut r = json!({"unique-id": id, "relationship-type": {"connects": {"source": {"node": src}, "destination": {"node": dst}}}});
    if !protocol.is_empty() {
        r["protocol"] = json!(protocol);
    }
    r
}

fn conn_if(id: &str, src: &str, dst: &str, dst_if: &str, protocol: &str) -> Value {
    let mut r = conn(id, src, dst, protocol);
    r["relationship-type"]["connects"]["destination"]["interfaces"] = json!([dst_if]);
    r
}

fn interacts(id: &str, actor: &str, nodes: &[&str]) -> Value {
    json!({"unique-id": id, "relationship-type": {"interacts": {"actor": actor, "nodes": nodes}}})
}

fn composed(id: &str, container: &str, nodes: &[&str]) -> Value {
    json!({"unique-id": id, "relationship-type": {"composed-of": {"container": container, "nodes": nodes}}})
}

fn deployed(id: &str, container: &str, nodes: &[&str]) -> Value {
    json!({"unique-id": id, "relationship-type": {"deployed-in": {"container": container, "nodes": nodes}}})
}

fn control(id: &str, url: &str, config: Value) -> Value {
    json!({id: {"description": id, "requirements": [{"requirement-url": url, "config": config}]}})
}

fn flow(id: &str, rels: &[&str], metadata: Value) -> Value {
    let transitions: Vec<Value> =
        rels.iter().enumerate().map(|(i, r)| json!({"relationship-unique-id": r, "sequence-number": i + 1, "description": "step"})).collect();
    let mut f = json!({"unique-id": id, "name": id, "description": id, "transitions": transitions});
    if !metadata.is_null() {
        f["metadata"] = metadata;
    }
    f
}

fn arch(nodes: Vec<Value>, rels: Vec<Value>, flows: Vec<Value>, top: Value) -> String {
    let mut d = json!({"$schema": "https://calm.finos.org/release/1.2/meta/calm.json", "nodes": nodes, "relationships": rels});
    if !flows.is_empty() {
        d["flows"] = json!(flows);
    }
    if let Value::Object(extra) = top {
        for (k, v) in extra {
            d[k] = v;
        }
    }
    serde_json::to_string_pretty(&d).unwrap()
}

/// Run one rule on a document.
fn run(rule: &str, text: &str) -> Vec<Finding> {
    let doc = Document::from_str("t.json", text).unwrap();
    let ctx = Context::build(&doc, Default::default());
    let r = calm_analysis::rules::find(rule).unwrap_or_else(|| panic!("rule {rule} registered"));
    r.check(&ctx)
}

fn ids(f: &[Finding]) -> Vec<&str> {
    f.iter().map(|f| f.id.as_str()).collect()
}

const TRADERX: &str = "https://calm.finos.org/traderx/control-requirement";

/// user → web (webclient) → svc → db, the usual little shop.
fn shop(
    svc_meta: Value,
    web_to_svc: &str,
    svc_to_db: &str,
    db_meta: Value,
) -> (Vec<Value>, Vec<Value>) {
    (
        vec![
            node("user", "actor", Value::Null),
            node("web", "webclient", Value::Null),
            with(
                node("svc", "service", svc_meta),
                "interfaces",
                json!([{"unique-id": "svc-http", "port": 8080}]),
            ),
            node("db", "database", db_meta),
        ],
        vec![
            interacts("user-uses-web", "user", &["web"]),
            conn("web-to-svc", "web", "svc", web_to_svc),
            conn("svc-to-db", "svc", "db", svc_to_db),
        ],
    )
}

// ---- registry ------------------------------------------------------------------------------

#[test]
fn all_twenty_rules_are_registered_with_docs() {
    let want = [
        ("SEC-01", "unencrypted-transport", Severity::High),
        ("SEC-02", "datastore-direct-from-untrusted", Severity::High),
        (
            "SEC-03",
            "public-entry-without-gateway-or-waf",
            Severity::Medium,
        ),
        ("SEC-04", "missing-authn-authz", Severity::Medium),
        (
            "SEC-05",
            "public-entry-without-rate-limit",
            Severity::Medium,
        ),
        (
            "SEC-06",
            "sensitive-store-unencrypted-at-rest",
            Severity::Medium,
        ),
        ("SEC-07", "secret-in-metadata", Severity::Critical),
        ("PERF-01", "sync-fan-out", Severity::Medium),
        ("PERF-02", "flow-latency-budget-exceeded", Severity::High),
        ("PERF-03", "hot-read-path-without-cache", Severity::Low),
        ("PERF-04", "no-scaling-policy", Severity::Medium),
        ("OPS-01", "missing-ownership-runbook", Severity::Low),
        ("OPS-02", "missing-observability", Severity::Medium),
        ("OPS-03", "missing-health-endpoint", Severity::Low),
        ("OPS-04", "flow-impact-undocumented", Severity::Low),
        ("OPS-05", "failure-mode-incomplete", Severity::Low),
        ("OPS-06", "dependencies-drift", Severity::Medium),
        ("DOC-01", "incomplete-model", Severity::Low),
        ("DOC-02", "critical-paths-without-flows", Severity::Low),
        ("DOC-03", "non-standard-calm-dialect", Severity::Info),
    ];
    for (code, id, sev) in want {
        let by_code = calm_analysis::rules::find(code).unwrap_or_else(|| panic!("{code}"));
        let m = by_code.meta();
        assert_eq!((m.id, m.default_severity), (id, sev), "{code}");
        for (section, text) in [
            ("what", m.doc.what),
            ("why", m.doc.why),
            ("example", m.doc.example),
            ("how", m.doc.how_to_fix),
            ("fp", m.doc.false_positives),
        ] {
            assert!(text.len() > 40, "{code}: section {section} is too short");
        }
        assert!(!m.doc.references.is_empty(), "{code}: references");
    }
}

// ---- SEC-01 unencrypted-transport --------------------------------------------------------

#[test]
fn sec01_plain_http_from_browser_to_confidential_service_is_critical() {
    let (n, r) = shop(
        json!({"data-classification": "confidential"}),
        "HTTP",
        "JDBC",
        Value::Null,
    );
    let f = run("unencrypted-transport", &arch(n, r, vec![], Value::Null));
    assert_eq!(
        ids(&f),
        vec![
            "unencrypted-transport@web-to-svc",
            "unencrypted-transport@svc-to-db"
        ]
    );
    assert_eq!(f[0].severity, Severity::Critical);
    // Inside the network clear text is still a finding, one step lower.
    assert_eq!(f[1].severity, Severity::Medium);
    assert!(
        f[0].fix.is_none(),
        "HTTP is fixed by switching to HTTPS, not by a control"
    );
    let fix = f[1]
        .fix
        .as_ref()
        .expect("JDBC keeps its protocol and gets a control");
    assert_eq!(fix.recipe, "add-control");
    assert!(
        fix.args.contains(&"relationship:svc-to-db".to_string())
            && fix
                .args
                .contains(&"encryption-in-transit=TLS 1.3".to_string())
    );
}

#[test]
fn sec01_tls_evidence_clears() {
    // HTTPS / mTLS protocols.
    let (n, r) = shop(Value::Null, "HTTPS", "mTLS", Value::Null);
    assert!(run("unencrypted-transport", &arch(n, r, vec![], Value::Null)).is_empty());
    // JDBC with a relationship-level control.
    let (n, mut r) = shop(Value::Null, "HTTPS", "JDBC", Value::Null);
    r[2]["controls"] = control(
        "data-encryption",
        &format!("{TRADERX}/data-encryption"),
        json!({"encryption-in-transit": "TLS 1.3"}),
    );
    assert!(run("unencrypted-transport", &arch(n, r, vec![], Value::Null)).is_empty());
    // JDBC URL that requires SSL on the destination interface.
    let (mut n, mut r) = shop(Value::Null, "HTTPS", "JDBC", Value::Null);
    n[3]["interfaces"] =
        json!([{"unique-id": "db-jdbc", "url": "jdbc:postgresql://db:5432/app?sslmode=require"}]);
    r[2] = conn_if("svc-to-db", "svc", "db", "db-jdbc", "JDBC");
    assert!(run("unencrypted-transport", &arch(n, r, vec![], Value::Null)).is_empty());
    // An architecture-wide TLS policy (tutorial 08 style requirement-url).
    let (n, r) = shop(Value::Null, "HTTP", "JDBC", Value::Null);
    let top = json!({"controls": control("security", "https://internal-policy.example.com/security/tls-1-3-minimum", json!({"scope": "all"}))});
    assert!(run("unencrypted-transport", &arch(n, r, vec![], top)).is_empty());
}

#[test]
fn sec01_guards_unknown_protocol_and_same_host() {
    // No protocol anywhere: left to DOC-01, never guessed.
    let (n, r) = shop(Value::Null, "", "", Value::Null);
    assert!(run("unencrypted-transport", &arch(n, r, vec![], Value::Null)).is_empty());
    // Protocol read from the interface URL when the relationship has none.
    let (mut n, mut r) = shop(Value::Null, "HTTPS", "", Value::Null);
    n[3]["interfaces"] = json!([{"unique-id": "db-ldap", "url": "ldap://db:389"}]);
    r[2] = conn_if("svc-to-db", "svc", "db", "db-ldap", "");
    let f = run("unencrypted-transport", &arch(n, r, vec![], Value::Null));
    assert_eq!(ids(&f), vec!["unencrypted-transport@svc-to-db"]);
    // Both ends in one pod: low.
    let (mut n, mut r) = shop(Value::Null, "HTTPS", "TCP", Value::Null);
    n.push(node("app-pod", "k8s:pod", json!({"failure-domain": "pod"})));
    r.push(deployed("pod-hosts", "app-pod", &["svc", "db"]));
    let f = run("unencrypted-transport", &arch(n, r, vec![], Value::Null));
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, Severity::Low);
}

// ---- SEC-02 datastore-direct-from-untrusted ----------------------------------------------

#[test]
fn sec02_actor_straight_to_database() {
    let (n, mut r) = shop(
        Value::Null,
        "HTTPS",
        "JDBC",
        json!({"data-classification": "PII"}),
    );
    r.push(interacts("user-queries-db", "user", &["db"]));
    let f = run(
        "datastore-direct-from-untrusted",
        &arch(n, r, vec![], Value::Null),
    );
    assert_eq!(ids(&f), vec!["datastore-direct-from-untrusted@db@user"]);
    assert_eq!(f[0].severity, Severity::Critical, "PII");
}

#[test]
fn sec02_service_in_between_and_sftp_drop_are_fine() {
    let (n, r) = shop(Value::Null, "HTTPS", "JDBC", Value::Null);
    assert!(
        run(
            "datastore-direct-from-untrusted",
            &arch(n, r, vec![], Value::Null)
        )
        .is_empty()
    );
    // A partner drops files on a storage node over SFTP: the file server is the interface.
    let n = vec![
        node("partner", "system", json!({"external": true})),
        node("landing-bucket", "database", json!({"role": "storage"})),
    ];
    let r = vec![conn(
        "partner-drops-files",
        "partner",
        "landing-bucket",
        "SFTP",
    )];
    assert!(
        run(
            "datastore-direct-from-untrusted",
            &arch(n, r, vec![], Value::Null)
        )
        .is_empty()
    );
}

#[test]
fn sec02_service_in_a_public_zone_is_untrusted_internal_zones_are_not() {
    let zoned = |trust: &str| {
        let n = vec![
            node("web-server", "service", Value::Null),
            node("db", "database", Value::Null),
            node("dmz", "network", json!({"trust-zone": trust})),
            node(
                "data-subnet",
                "network",
                json!({"trust-zone": "restricted"}),
            ),
        ];
        let r = vec![
            conn("web-db", "web-server", "db", "JDBC"),
            deployed("dmz-hosts", "dmz", &["web-server"]),
            deployed("data-hosts", "data-subnet", &["db"]),
        ];
        arch(n, r, vec![], Value::Null)
    };
    let f = run("datastore-direct-from-untrusted", &zoned("DMZ"));
    assert_eq!(
        ids(&f),
        vec!["datastore-direct-from-untrusted@db@web-server"]
    );
    assert!(f[0].evidence[0].detail.contains("dmz"));
    assert!(
        run("datastore-direct-from-untrusted", &zoned("internal")).is_empty(),
        "app subnet → data subnet is a normal three-tier layout"
    );
}

// ---- SEC-03 public-entry-without-gateway-or-waf ------------------------------------------

#[test]
fn sec03_service_exposed_without_gateway() {
    let (n, r) = shop(Value::Null, "HTTPS", "JDBC", Value::Null);
    assert_eq!(
        ids(&run(
            "public-entry-without-gateway-or-waf",
            &arch(n, r, vec![], Value::Null)
        )),
        vec!["public-entry-without-gateway-or-waf@svc"]
    );
}

#[test]
fn sec03_gateway_waf_or_internal_only_clear() {
    // Behind a gateway.
    let n = vec![
        node("user", "actor", Value::Null),
        node("api-gateway", "service", Value::Null),
        node("svc", "service", Value::Null),
    ];
    let r = vec![
        interacts("u", "user", &["api-gateway"]),
        conn("u-gw", "user", "api-gateway", "HTTPS"),
        conn("gw-svc", "api-gateway", "svc", "HTTPS"),
    ];
    assert!(
        run(
            "public-entry-without-gateway-or-waf",
            &arch(n, r, vec![], Value::Null)
        )
        .is_empty()
    );
    // Internal-only.
    let (n, r) = shop(json!({"internal": true}), "HTTPS", "JDBC", Value::Null);
    assert!(
        run(
            "public-entry-without-gateway-or-waf",
            &arch(n, r, vec![], Value::Null)
        )
        .is_empty()
    );
    // WAF declared on the node.
    let (mut n, r) = shop(Value::Null, "HTTPS", "JDBC", Value::Null);
    n[2]["controls"] = control(
        "waf",
        "https://policy.example.com/security/web-application-firewall",
        json!({"mode": "blocking"}),
    );
    assert!(
        run(
            "public-entry-without-gateway-or-waf",
            &arch(n, r, vec![], Value::Null)
        )
        .is_empty()
    );
}

// ---- SEC-04 missing-authn-authz ----------------------------------------------------------

#[test]
fn sec04_sensitive_service_called_by_browser_without_auth_is_high() {
    let (n, r) = shop(
        json!({"data-classification": "confidential"}),
        "HTTPS",
        "JDBC",
        Value::Null,
    );
    let f = run("missing-authn-authz", &arch(n, r, vec![], Value::Null));
    assert_eq!(ids(&f), vec!["missing-authn-authz@svc"]);
    assert_eq!(f[0].severity, Severity::High);
    assert_eq!(f[0].fix.as_ref().unwrap().recipe, "add-control");
}

#[test]
fn sec04_auth_evidence_clears() {
    // Authentication control on the node.
    let (mut n, r) = shop(
        json!({"data-classification": "confidential"}),
        "HTTPS",
        "JDBC",
        Value::Null,
    );
    n[2]["controls"] = control(
        "authentication",
        &format!("{TRADERX}/authentication"),
        json!({"auth-method": "OAuth2"}),
    );
    assert!(run("missing-authn-authz", &arch(n, r, vec![], Value::Null)).is_empty());
    // mTLS between services, and a gateway that authenticates in front.
    let n = vec![
        node("user", "actor", Value::Null),
        with(
            node("api-gateway", "service", Value::Null),
            "controls",
            control(
                "authentication",
                &format!("{TRADERX}/authentication"),
                json!({"auth-method": "OIDC"}),
            ),
        ),
        node("svc", "service", json!({"data-classification": "PII"})),
        node("ledger", "service", json!({"data-classification": "PCI"})),
    ];
    let r = vec![
        interacts("u", "user", &["api-gateway"]),
        conn("u-gw", "user", "api-gateway", "HTTPS"),
        conn("gw-svc", "api-gateway", "svc", "HTTPS"),
        conn("svc-ledger", "svc", "ledger", "mTLS"),
    ];
    assert!(run("missing-authn-authz", &arch(n, r, vec![], Value::Null)).is_empty());
    // Public data is out of scope.
    let (n, r) = shop(
        json!({"data-classification": "public"}),
        "HTTPS",
        "JDBC",
        Value::Null,
    );
    assert!(run("missing-authn-authz", &arch(n, r, vec![], Value::Null)).is_empty());
}

#[test]
fn sec04_unclassified_internet_facing_entry_fires_the_store_behind_it_does_not() {
    let (n, r) = shop(Value::Null, "HTTPS", "JDBC", Value::Null);
    for criticality in ["critical", "low"] {
        let flows = vec![flow(
            "buy",
            &["web-to-svc", "svc-to-db"],
            json!({"business-criticality": criticality}),
        )];
        let f = run(
            "missing-authn-authz",
            &arch(n.clone(), r.clone(), flows, Value::Null),
        );
        assert_eq!(
            ids(&f),
            vec!["missing-authn-authz@svc"],
            "the entry the browser reaches, whatever the flow; not the database behind the service"
        );
        assert_eq!(f[0].severity, Severity::Medium);
    }
}

#[test]
fn sec04_operations_the_callees_interface_lists_are_calls_too() {
    // A 1.0-rc2 gRPC interface lists its methods in `configuration`; a REST one its operations.
    let trading = with(
        node("trading-api", "service", Value::Null),
        "interfaces",
        json!([
            {"unique-id": "grpc", "configuration": {"service-name": "TradeService", "methods": [
                {"name": "GetTradeStatus"}, {"name": "SubmitTrade"}]}},
            {"unique-id": "status", "operations": [{"method": "GET", "path": "/status"}]}
        ]),
    );
    let n = vec![node("web", "service", Value::Null), trading.clone()];
    let r = vec![conn("web-to-trading", "web", "trading-api", "HTTPS")];
    let f = run("missing-authn-authz", &arch(n, r, vec![], Value::Null));
    assert_eq!(ids(&f), vec!["missing-authn-authz@trading-api"]);
    assert_eq!(f[0].severity, Severity::Medium);
    assert!(
        f[0].title.contains("operation SubmitTrade of grpc"),
        "{}",
        f[0].title
    );
    // The edge names the read-only interface: nothing it can call writes.
    let n = vec![node("web", "service", Value::Null), trading];
    let r = vec![conn_if(
        "web-to-trading",
        "web",
        "trading-api",
        "status",
        "HTTPS",
    )];
    assert!(run("missing-authn-authz", &arch(n, r, vec![], Value::Null)).is_empty());
    // HTTP operations as an OpenAPI-like path map: POST writes, GET does not.
    let orders = |verb: &str| {
        with(
            node("orders", "service", Value::Null),
            "interfaces",
            json!([{"unique-id": "rest", "paths": {"/orders": {verb: {"summary": "orders"}}}}]),
        )
    };
    for (verb, fires) in [("post", true), ("get", false)] {
        let n = vec![node("web", "service", Value::Null), orders(verb)];
        let r = vec![conn("web-to-orders", "web", "orders", "HTTPS")];
        let f = run("missing-authn-authz", &arch(n, r, vec![], Value::Null));
        assert_eq!(f.len(), usize::from(fires), "{verb}");
        if fires {
            assert!(f[0].title.contains("POST /orders"), "{}", f[0].title);
        }
    }
    // "Place Trade" as a call label is a write.
    let n = vec![
        node("ui", "service", Value::Null),
        node("trade-svc", "service", Value::Null),
    ];
    let mut r = vec![conn("ui-to-trade", "ui", "trade-svc", "HTTPS")];
    r[0]["description"] = json!("Place Trade");
    assert_eq!(
        ids(&run(
            "missing-authn-authz",
            &arch(n, r, vec![], Value::Null)
        )),
        vec!["missing-authn-authz@trade-svc"]
    );
}

#[test]
fn sec04_write_and_admin_edges_between_internal_components() {
    let n = vec![
        node("worker", "service", Value::Null),
        node("engine-api", "service", Value::Null),
        node("reports", "service", Value::Null),
        node("admin-console", "service", Value::Null),
        node("engine-db", "database", Value::Null),
    ];
    let mut r = vec![
        conn("worker-to-api", "worker", "engine-api", "HTTPS"),
        conn("api-to-reports", "engine-api", "reports", "HTTPS"),
        conn("admin-to-api", "admin-console", "engine-api", "HTTPS"),
        conn("api-to-db", "engine-api", "engine-db", "JDBC"),
    ];
    r[0]["description"] = json!("Worker completes payment tasks");
    r[1]["description"] = json!("Reads the daily report");
    r[2]["description"] = json!("Admin manages user roles");
    r[3]["description"] = json!("Engine persists process state");
    let f = run("missing-authn-authz", &arch(n, r, vec![], Value::Null));
    // Writes and administration into the API are in scope; a read between services is not;
    // the engine's own database is not (its credentials are the secret rules' business).
    assert_eq!(ids(&f), vec!["missing-authn-authz@engine-api"]);
    assert_eq!(f[0].severity, Severity::Medium);
    assert_eq!(f[0].relationships, vec!["admin-to-api", "worker-to-api"]);
    // Authentication stated only in prose keeps the finding, at low.
    let n = vec![
        node("worker", "service", Value::Null),
        with(
            node("engine-api", "service", Value::Null),
            "description",
            json!("REST API; validates JWT bearer tokens on every call"),
        ),
    ];
    let mut r = vec![conn("worker-to-api", "worker", "engine-api", "HTTPS")];
    r[0]["description"] = json!("Worker completes payment tasks");
    let f = run("missing-authn-authz", &arch(n, r, vec![], Value::Null));
    assert_eq!(f[0].severity, Severity::Low);
    assert!(f[0].evidence.iter().any(|e| e.kind == "prose-only"));
}

// ---- SEC-05 public-entry-without-rate-limit ----------------------------------------------

#[test]
fn sec05_entry_without_rate_limit_is_medium_redundant_or_not() {
    let (n, r) = shop(Value::Null, "HTTPS", "JDBC", Value::Null);
    let f = run(
        "public-entry-without-rate-limit",
        &arch(n, r, vec![], Value::Null),
    );
    assert_eq!(ids(&f), vec!["public-entry-without-rate-limit@svc"]);
    assert_eq!(f[0].severity, Severity::Medium);
    let (n, r) = shop(json!({"instances": 3}), "HTTPS", "JDBC", Value::Null);
    let f = run(
        "public-entry-without-rate-limit",
        &arch(n, r, vec![], Value::Null),
    );
    assert_eq!(f[0].severity, Severity::Medium);
    assert!(
        f[0].fix
            .as_ref()
            .unwrap()
            .args
            .contains(&"api-rate-limiting".to_string())
    );
}

#[test]
fn sec05_rate_limit_evidence_and_guards() {
    // Tutorial 08 style requirement-url on the entry.
    let (mut n, r) = shop(Value::Null, "HTTPS", "JDBC", Value::Null);
    n[2]["controls"] = control(
        "performance",
        "https://internal-policy.example.com/performance/rate-limiting",
        json!({"requests-per-minute": 600}),
    );
    assert!(
        run(
            "public-entry-without-rate-limit",
            &arch(n, r, vec![], Value::Null)
        )
        .is_empty()
    );
    // Internal-only entry.
    let (n, r) = shop(
        json!({"ip-allowlist": ["10.0.0.0/8"]}),
        "HTTPS",
        "JDBC",
        Value::Null,
    );
    assert!(
        run(
            "public-entry-without-rate-limit",
            &arch(n, r, vec![], Value::Null)
        )
        .is_empty()
    );
    // A load balancer whose gateways all throttle.
    let throttle = control(
        "api-rate-limiting",
        &format!("{TRADERX}/api-rate-limiting"),
        json!({"max-requests": 100}),
    );
    let n = vec![
        node("user", "actor", Value::Null),
        node("lb", "load-balancer", json!({"managed": true})),
        with(
            node("gw-1", "service", json!({"role": "gateway"})),
            "controls",
            throttle.clone(),
        ),
        with(
            node("gw-2", "service", json!({"role": "gateway"})),
            "controls",
            throttle,
        ),
    ];
    let r = vec![
        interacts("u", "user", &["lb"]),
        conn("u-lb", "user", "lb", "HTTPS"),
        conn("lb-1", "lb", "gw-1", "HTTPS"),
        conn("lb-2", "lb", "gw-2", "HTTPS"),
    ];
    assert!(
        run(
            "public-entry-without-rate-limit",
            &arch(n, r, vec![], Value::Null)
        )
        .is_empty()
    );
}

#[test]
fn sec03_sec05_an_actor_using_a_whole_system_is_judged_at_its_members() {
    let n = vec![
        node("admin", "actor", Value::Null),
        node("identity-system", "system", Value::Null),
        node("idp-admin-api", "service", Value::Null),
    ];
    let r = vec![
        interacts("admin-uses-identity", "admin", &["identity-system"]),
        composed("identity-parts", "identity-system", &["idp-admin-api"]),
    ];
    let text = arch(n, r, vec![], Value::Null);
    assert!(run("public-entry-without-rate-limit", &text).is_empty());
    assert!(run("public-entry-without-gateway-or-waf", &text).is_empty());
    assert!(
        run("incomplete-model", &text)
            .iter()
            .all(|f| !f.id.ends_with("entry-points-without-interfaces"))
    );
}

// ---- SEC-06 sensitive-store-unencrypted-at-rest ------------------------------------------

#[test]
fn sec06_pii_store_is_high_confidential_is_medium() {
    let (n, r) = shop(
        Value::Null,
        "HTTPS",
        "JDBC",
        json!({"data-classification": "PII"}),
    );
    let f = run(
        "sensitive-store-unencrypted-at-rest",
        &arch(n, r, vec![], Value::Null),
    );
    assert_eq!(ids(&f), vec!["sensitive-store-unencrypted-at-rest@db"]);
    assert_eq!(f[0].severity, Severity::High);
    let (n, r) = shop(
        Value::Null,
        "HTTPS",
        "JDBC",
        json!({"data-classification": "Confidential"}),
    );
    assert_eq!(
        run(
            "sensitive-store-unencrypted-at-rest",
            &arch(n, r, vec![], Value::Null)
        )[0]
        .severity,
        Severity::Medium
    );
}

#[test]
fn sec06_encryption_evidence_clears() {
    // Provider-managed encryption.
    let (n, r) = shop(
        Value::Null,
        "HTTPS",
        "JDBC",
        json!({"data-classification": "PII", "encryption": "provider-managed"}),
    );
    assert!(
        run(
            "sensitive-store-unencrypted-at-rest",
            &arch(n, r, vec![], Value::Null)
        )
        .is_empty()
    );
    // Architecture-level requirement (tutorial 08 url).
    let (n, r) = shop(
        Value::Null,
        "HTTPS",
        "JDBC",
        json!({"data-classification": "PII"}),
    );
    let top = json!({"controls": control("security", "https://internal-policy.example.com/security/encryption-at-rest", json!({"algorithm": "AES-256"}))});
    assert!(
        run(
            "sensitive-store-unencrypted-at-rest",
            &arch(n, r, vec![], top)
        )
        .is_empty()
    );
    // Declared on the cluster that contains the store; classification also inherited.
    let (mut n, mut r) = shop(Value::Null, "HTTPS", "JDBC", Value::Null);
    n.push(with(
        node(
            "db-cluster",
            "database",
            json!({"data-classification": "PCI"}),
        ),
        "controls",
        control(
            "data-encryption",
            &format!("{TRADERX}/data-encryption"),
            json!({"encryption-at-rest": "AES-256"}),
        ),
    ));
    r.push(composed("cluster-members", "db-cluster", &["db"]));
    assert!(
        run(
            "sensitive-store-unencrypted-at-rest",
            &arch(n, r, vec![], Value::Null)
        )
        .is_empty()
    );
    // Unclassified: nothing to protect as far as the model says.
    let (n, r) = shop(Value::Null, "HTTPS", "JDBC", Value::Null);
    assert!(
        run(
            "sensitive-store-unencrypted-at-rest",
            &arch(n, r, vec![], Value::Null)
        )
        .is_empty()
    );
}

// ---- SEC-07 secret-in-metadata -----------------------------------------------------------

#[test]
fn sec07_literal_secrets_in_object_array_and_nested_metadata() {
    let n = vec![
        node("a", "service", json!({"db-password": "Zx9!kQ2#mP7r"})),
        node(
            "b",
            "service",
            json!([{"owner": "x"}, {"apiKey": "AKIAQ7X2M9P4R8T1W3NZ"}]),
        ),
        node(
            "c",
            "service",
            json!({"datasource": {"password": "s3cr3t-P4ss!"}}),
        ),
    ];
    let r = vec![with(
        conn("a-b", "a", "b", "HTTPS"),
        "metadata",
        json!({"connection-string": "postgres://app:pa55word@db:5432/app"}),
    )];
    let f = run("secret-in-metadata", &arch(n, r, vec![], Value::Null));
    let mut got = ids(&f);
    got.sort();
    assert_eq!(
        got,
        vec![
            "secret-in-metadata@a#db-password",
            "secret-in-metadata@a-b#connection-string",
            "secret-in-metadata@b#apiKey",
            "secret-in-metadata@c#datasource.password"
        ]
    );
    assert!(f.iter().all(|f| f.severity == Severity::Critical));
    let text = serde_json::to_string(&f).unwrap();
    assert!(
        !text.contains("Zx9!kQ2#mP7r") && !text.contains("pa55word"),
        "values are masked"
    );
}

#[test]
fn sec07_control_configs_and_interface_urls_leak_too() {
    let mut a = node("a", "service", Value::Null);
    a["interfaces"] = json!([{"unique-id": "a-db", "url": "mysql://root:Tr0ub4dor3@db:3306/app"}, {"unique-id": "a-http", "url": "https://a.example.com"}]);
    a["controls"] = control(
        "integration",
        "https://policy.example.com/integration",
        json!({"api-key": "9f8e7d6c5b4a3F2E1D0C", "token-expiry": "15m"}),
    );
    let f = run(
        "secret-in-metadata",
        &arch(vec![a], vec![], vec![], Value::Null),
    );
    let mut got = ids(&f);
    got.sort();
    assert_eq!(
        got,
        vec![
            "secret-in-metadata@a#controls.integration.api-key",
            "secret-in-metadata@a#interfaces.a-db.url"
        ]
    );
}

#[test]
fn sec07_references_and_descriptive_keys_are_fine() {
    let n = vec![node(
        "a",
        "service",
        json!({"db-password": "vault:secret/data/app#password", "api-token": "${API_TOKEN}", "token-expiry": "3600s", "refresh-tokens": true,
               "client-secret": "[[ CLIENT_SECRET ]]", "secret-rotation-days": 30, "token-ttl": {"unit": "minutes", "value": 15},
               "api-key-header": "X-Api-Key", "secrets": "https://vault.example.com/ui/app"}),
    )];
    assert!(run("secret-in-metadata", &arch(n, vec![], vec![], Value::Null)).is_empty());
}

// ---- PERF-01 sync-fan-out ----------------------------------------------------------------

fn fan(n_callees: usize, meta: Value) -> String {
    let mut nodes = vec![node("bff", "service", meta)];
    let mut rels = Vec::new();
    for i in 0..n_callees {
        nodes.push(node(&format!("s{i}"), "service", Value::Null));
        rels.push(conn(&format!("bff-s{i}"), "bff", &format!("s{i}"), "HTTPS"));
    }
    arch(nodes, rels, vec![], Value::Null)
}

#[test]
fn sync_fan_out_threshold_and_downgrade() {
    assert_eq!(
        ids(&run("sync-fan-out", &fan(4, Value::Null))),
        vec!["sync-fan-out@bff"]
    );
    assert_eq!(
        run("sync-fan-out", &fan(4, Value::Null))[0].severity,
        Severity::Medium
    );
    assert!(run("sync-fan-out", &fan(3, Value::Null)).is_empty());
    let mitigated = run(
        "sync-fan-out",
        &fan(
            5,
            json!({"role": "aggregator", "fan-out": "parallel", "per-call-timeout": "150ms"}),
        ),
    );
    assert_eq!(mitigated[0].severity, Severity::Low);
    // Parallel but unbounded: still medium.
    assert_eq!(
        run(
            "sync-fan-out",
            &fan(5, json!({"role": "aggregator", "fan-out": "parallel"}))
        )[0]
        .severity,
        Severity::Medium
    );
}

#[test]
fn sync_fan_out_ignores_async_edges_and_gateway_routing() {
    let mut nodes = vec![
        node("svc", "service", Value::Null),
        node("bus", "message-broker", Value::Null),
    ];
    let mut rels = vec![conn("svc-bus", "svc", "bus", "AMQP")];
    for i in 0..3 {
        nodes.push(node(&format!("s{i}"), "service", Value::Null));
        rels.push(conn(&format!("svc-s{i}"), "svc", &format!("s{i}"), "HTTPS"));
    }
    assert!(
        run("sync-fan-out", &arch(nodes, rels, vec![], Value::Null)).is_empty(),
        "publishing is not a synchronous callee"
    );
    // A gateway that routes to 6 backends, one per flow.
    let mut nodes = vec![
        node("user", "actor", Value::Null),
        node("api-gateway", "service", json!({"role": "gateway"})),
    ];
    let mut rels = vec![conn("u-gw", "user", "api-gateway", "HTTPS")];
    let mut flows = Vec::new();
    for i in 0..6 {
        nodes.push(node(&format!("s{i}"), "service", Value::Null));
        rels.push(conn(
            &format!("gw-s{i}"),
            "api-gateway",
            &format!("s{i}"),
            "HTTPS",
        ));
        flows.push(flow(
            &format!("f{i}"),
            &["u-gw", &format!("gw-s{i}")],
            Value::Null,
        ));
    }
    assert!(run("sync-fan-out", &arch(nodes, rels, flows, Value::Null)).is_empty());
}

// ---- PERF-02 flow-latency-budget-exceeded ------------------------------------------------

fn latency_doc(budget: &str, a: &str, b: &str) -> String {
    let n = vec![
        node("user", "actor", Value::Null),
        node("a", "service", json!({"latency": a})),
        node("b", "service", json!({"expected-latency": b})),
        node("c", "service", json!({"latency": "900ms"})),
        node("q", "data-asset", json!({"role": "queue"})),
    ];
    let r = vec![
        conn("u-a", "user", "a", "HTTPS"),
        conn("a-b", "a", "b", "HTTPS"),
        conn("a-q", "a", "q", "AMQP"),
        with(
            conn("c-q", "c", "q", "AMQP"),
            "metadata",
            json!({"interaction": "subscribe"}),
        ),
    ];
    let f = vec![flow(
        "f",
        &["u-a", "a-b", "a-q", "c-q"],
        json!({"sla": budget}),
    )];
    arch(n, r, f, Value::Null)
}

#[test]
fn perf02_over_budget_fires_under_budget_does_not() {
    let f = run(
        "flow-latency-budget-exceeded",
        &latency_doc("p99 < 250ms", "120ms", "200 ms"),
    );
    assert_eq!(ids(&f), vec!["flow-latency-budget-exceeded@f"]);
    assert_eq!(
        f[0].severity,
        Severity::Medium,
        "default criticality (2): L3 × I2"
    );
    assert_eq!(
        f[0].metrics["latencyMs"]["declaredSum"],
        json!(320.0),
        "the async consumer c (900 ms) is off the request path"
    );
    assert!(
        run(
            "flow-latency-budget-exceeded",
            &latency_doc("p99 < 500ms", "120ms", "200 ms")
        )
        .is_empty()
    );
    // No latency on the path: nothing to add up.
    assert!(
        run(
            "flow-latency-budget-exceeded",
            &latency_doc("p99 < 1ms", "n/a", "unknown")
        )
        .is_empty()
    );
    // A budget text without a time unit is not a budget.
    assert!(
        run(
            "flow-latency-budget-exceeded",
            &latency_doc("99.9% availability", "120ms", "200ms")
        )
        .is_empty()
    );
}

// ---- PERF-03 hot-read-path-without-cache -------------------------------------------------

fn hot_read(load: &str, with_cache: bool, desc: &str) -> String {
    let mut n = vec![
        node("user", "actor", Value::Null),
        node("svc", "service", Value::Null),
        node("db", "database", Value::Null),
    ];
    let mut read = conn("svc-db", "svc", "db", "JDBC");
    read["description"] = json!(desc);
    let mut r = vec![conn("u-svc", "user", "svc", "HTTPS"), read];
    if with_cache {
        n.push(node("svc-cache", "database", json!({"role": "cache"})));
        r.push(conn("svc-cache-read", "svc", "svc-cache", "TCP"));
    }
    arch(
        n,
        r,
        vec![flow(
            "f",
            &["u-svc", "svc-db"],
            json!({"peak-throughput": load}),
        )],
        Value::Null,
    )
}

#[test]
fn perf03_hot_uncached_read() {
    let f = run(
        "hot-read-path-without-cache",
        &hot_read("5000 rps", false, "Read products"),
    );
    assert_eq!(ids(&f), vec!["hot-read-path-without-cache@f@db"]);
    assert_eq!(f[0].severity, Severity::Low);
    assert!(
        run(
            "hot-read-path-without-cache",
            &hot_read("5000 rps", true, "Read products")
        )
        .is_empty(),
        "cache beside the database"
    );
    assert!(
        run(
            "hot-read-path-without-cache",
            &hot_read("200 rps", false, "Read products")
        )
        .is_empty(),
        "not hot"
    );
    assert!(
        run(
            "hot-read-path-without-cache",
            &hot_read("120000/min", false, "Persist the order")
        )
        .is_empty(),
        "write-only"
    );
}

// ---- PERF-04 no-scaling-policy -----------------------------------------------------------

fn loaded(svc_meta: Value, flow_meta: Value) -> String {
    let n = vec![
        node("user", "actor", Value::Null),
        node("svc", "service", svc_meta),
    ];
    let r = vec![conn("u-svc", "user", "svc", "HTTPS")];
    arch(n, r, vec![flow("f", &["u-svc"], flow_meta)], Value::Null)
}

#[test]
fn perf04_loaded_or_critical_flow_needs_a_scaling_policy() {
    assert_eq!(
        ids(&run(
            "no-scaling-policy",
            &loaded(Value::Null, json!({"peak-throughput": "300 rps"}))
        )),
        vec!["no-scaling-policy@svc"]
    );
    assert_eq!(
        ids(&run(
            "no-scaling-policy",
            &loaded(Value::Null, json!({"criticality": "tier-1"}))
        )),
        vec!["no-scaling-policy@svc"]
    );
    assert!(
        run(
            "no-scaling-policy",
            &loaded(Value::Null, json!({"business-criticality": "medium"}))
        )
        .is_empty()
    );
    assert!(
        run(
            "no-scaling-policy",
            &loaded(
                json!({"autoscaling": {"min": 2, "max": 10}}),
                json!({"peak-throughput": "300 rps"})
            )
        )
        .is_empty()
    );
    assert!(
        run(
            "no-scaling-policy",
            &loaded(
                json!({"managed": true}),
                json!({"peak-throughput": "300 rps"})
            )
        )
        .is_empty(),
        "platform scales it"
    );
    let mut svc = node("svc", "service", Value::Null);
    svc["controls"] = control(
        "scalability",
        &format!("{TRADERX}/scalability"),
        json!({"scaling-strategy": "auto"}),
    );
    let n = vec![node("user", "actor", Value::Null), svc];
    let text = arch(
        n,
        vec![conn("u-svc", "user", "svc", "HTTPS")],
        vec![flow("f", &["u-svc"], json!({"peak-throughput": "300 rps"}))],
        Value::Null,
    );
    assert!(run("no-scaling-policy", &text).is_empty());
}

// ---- OPS-01 missing-ownership-runbook ----------------------------------------------------

#[test]
fn ops01_critical_flow_nodes_need_owner_and_runbook() {
    let (n, r) = shop(
        json!({"owner": "team-a"}),
        "HTTPS",
        "JDBC",
        json!({"owner": "team-a", "runbook": "https://wiki/db"}),
    );
    let flows = vec![flow(
        "f",
        &["web-to-svc", "svc-to-db"],
        json!({"business-criticality": "critical"}),
    )];
    let f = run(
        "missing-ownership-runbook",
        &arch(n.clone(), r.clone(), flows, Value::Null),
    );
    assert_eq!(ids(&f), vec!["missing-ownership-runbook@svc"]);
    assert!(f[0].title.contains("runbook"));
    // Not critical: nothing.
    let flows = vec![flow(
        "f",
        &["web-to-svc", "svc-to-db"],
        json!({"business-criticality": "medium"}),
    )];
    assert!(run("missing-ownership-runbook", &arch(n, r, flows, Value::Null)).is_empty());
}

#[test]
fn ops01_inherited_from_the_containing_system() {
    let (mut n, mut r) = shop(Value::Null, "HTTPS", "JDBC", Value::Null);
    n.push(node(
        "shop-system",
        "system",
        json!({"owner": "team-a", "oncall-rotation": "team-a-primary"}),
    ));
    r.push(composed("shop-parts", "shop-system", &["svc", "db"]));
    let flows = vec![flow(
        "f",
        &["web-to-svc", "svc-to-db"],
        json!({"business-criticality": "critical"}),
    )];
    assert!(run("missing-ownership-runbook", &arch(n, r, flows, Value::Null)).is_empty());
}

#[test]
fn ops01_a_databases_dba_contact_is_its_operating_team() {
    // Tutorial 15 gives the databases `backup-schedule`, `restore-time` and `dba-contact` only.
    let flows = vec![flow(
        "f",
        &["web-to-svc", "svc-to-db"],
        json!({"business-criticality": "critical"}),
    )];
    let dba = json!({"backup-schedule": "daily", "dba-contact": "dba-team@example.com"});
    let (n, r) = shop(
        json!({"owner": "team-a", "runbook": "https://wiki/svc"}),
        "HTTPS",
        "JDBC",
        dba.clone(),
    );
    assert!(
        run(
            "missing-ownership-runbook",
            &arch(n, r, flows.clone(), Value::Null)
        )
        .is_empty()
    );
    // Only on a datastore: a service's DBA contact is not its owner.
    let (n, r) = shop(
        dba,
        "HTTPS",
        "JDBC",
        json!({"owner": "dba", "runbook": "https://wiki/db"}),
    );
    let f = run(
        "missing-ownership-runbook",
        &arch(n, r, flows.clone(), Value::Null),
    );
    assert_eq!(ids(&f), vec!["missing-ownership-runbook@svc"]);
    // A declared absence does not count.
    let (n, r) = shop(
        json!({"owner": "team-a", "runbook": "https://wiki/svc"}),
        "HTTPS",
        "JDBC",
        json!({"dba-contact": "none"}),
    );
    let f = run("missing-ownership-runbook", &arch(n, r, flows, Value::Null));
    assert_eq!(ids(&f), vec!["missing-ownership-runbook@db"]);
}

// ---- OPS-02 missing-observability --------------------------------------------------------

#[test]
fn ops02_critical_flow_without_monitoring() {
    let (n, r) = shop(Value::Null, "HTTPS", "JDBC", Value::Null);
    let flows = vec![flow(
        "f",
        &["web-to-svc", "svc-to-db"],
        json!({"business-criticality": "high"}),
    )];
    let f = run(
        "missing-observability",
        &arch(n.clone(), r.clone(), flows.clone(), Value::Null),
    );
    assert_eq!(ids(&f), vec!["missing-observability@f"]);
    assert_eq!(f[0].fix.as_ref().unwrap().args[1], "architecture");
    // Architecture-level monitoring metadata (tutorial 15) covers everything.
    assert!(
        run(
            "missing-observability",
            &arch(
                n.clone(),
                r.clone(),
                flows.clone(),
                json!({"metadata": {"monitoring": "datadog"}})
            )
        )
        .is_empty()
    );
    // Every node declares its own metrics.
    let (n2, r2) = shop(
        json!({"metrics-endpoint": "/metrics"}),
        "HTTPS",
        "JDBC",
        json!({"alerts": "pagerduty"}),
    );
    assert!(run("missing-observability", &arch(n2, r2, flows, Value::Null)).is_empty());
    // Low criticality: nothing.
    let flows = vec![flow(
        "f",
        &["web-to-svc", "svc-to-db"],
        json!({"business-criticality": "low"}),
    )];
    assert!(run("missing-observability", &arch(n, r, flows, Value::Null)).is_empty());
}

#[test]
fn ops01_reads_the_tutorial_on_call_keys_and_ignores_declared_absence() {
    // `oncall-slack` (tutorial 15) is on-call evidence; an owner of "none" is no owner.
    let (n, r) = shop(
        json!({"owner": "none", "oncall-slack": "#oncall-shop"}),
        "HTTPS",
        "JDBC",
        json!({"owner": "dba-team", "oncall-slack": "#oncall-dba"}),
    );
    let flows = vec![flow(
        "f",
        &["web-to-svc", "svc-to-db"],
        json!({"criticality": "critical"}),
    )];
    let f = run("OPS-01", &arch(n, r, flows.clone(), Value::Null));
    assert_eq!(ids(&f), vec!["missing-ownership-runbook@svc"]);
    assert!(f[0].title.ends_with("declares no owner"), "{}", f[0].title);
    assert!(
        f[0].evidence
            .iter()
            .any(|e| e.detail.contains("svc.metadata.oncall-slack")),
        "cites what is stated: {:?}",
        f[0].evidence
    );
    let (n, r) = shop(
        json!({"owner": "shop-team", "oncall-slack": "#oncall-shop"}),
        "HTTPS",
        "JDBC",
        json!({"dba-contact": "x", "owning-team": "dba", "escalation-policy": "dba-primary"}),
    );
    assert!(run("OPS-01", &arch(n, r, flows, Value::Null)).is_empty());
}

// ---- OPS-03 missing-health-endpoint ------------------------------------------------------

#[test]
fn ops03_critical_flow_service_without_health_endpoint() {
    let (n, r) = shop(json!({"owner": "a"}), "HTTPS", "JDBC", Value::Null);
    let critical = vec![flow(
        "f",
        &["web-to-svc", "svc-to-db"],
        json!({"criticality": "critical"}),
    )];
    let f = run(
        "OPS-03",
        &arch(n.clone(), r.clone(), critical.clone(), Value::Null),
    );
    // The database is not asked for one (backups, restore time and DBA contact instead).
    assert_eq!(ids(&f), vec!["missing-health-endpoint@svc"]);
    assert_eq!(f[0].severity, Severity::Low);
    assert_eq!(f[0].flows, vec!["f"]);
    // Not critical: nothing.
    let medium = vec![flow(
        "f",
        &["web-to-svc", "svc-to-db"],
        json!({"criticality": "high"}),
    )];
    assert!(run("OPS-03", &arch(n, r, medium, Value::Null)).is_empty());
    // Declared as metadata, as a probe, or as a health-check control; or managed: nothing.
    for meta in [
        json!({"health-endpoint": "/actuator/health"}),
        json!({"readiness-probe": "/ready"}),
        json!({"managed": true}),
    ] {
        let (n, r) = shop(meta.clone(), "HTTPS", "JDBC", Value::Null);
        assert!(
            run("OPS-03", &arch(n, r, critical.clone(), Value::Null)).is_empty(),
            "{meta}"
        );
    }
    let (mut n, r) = shop(Value::Null, "HTTPS", "JDBC", Value::Null);
    n[2]["controls"] = control(
        "health-check",
        "https://example.com/health-check",
        json!({"health-check-path": "/health"}),
    );
    assert!(run("OPS-03", &arch(n, r, critical.clone(), Value::Null)).is_empty());
    // An interface that is the health endpoint.
    let (mut n, r) = shop(Value::Null, "HTTPS", "JDBC", Value::Null);
    n[2]["interfaces"] = json!([{"unique-id": "svc-http", "port": 8080}, {"unique-id": "svc-status", "url": "https://svc.example.com/healthz"}]);
    assert!(run("OPS-03", &arch(n, r, critical.clone(), Value::Null)).is_empty());
    // "none" declares absence.
    let (n, r) = shop(
        json!({"health-endpoint": "none"}),
        "HTTPS",
        "JDBC",
        Value::Null,
    );
    assert_eq!(
        ids(&run("OPS-03", &arch(n, r, critical, Value::Null))),
        vec!["missing-health-endpoint@svc"]
    );
}

#[test]
fn ops03_leaves_load_balancer_targets_and_containers_to_res18() {
    // user → web → lb → svc-1 / svc-2 → db; the replicas are RES-18's, the system frame is
    // a container.
    let n = vec![
        node("user", "actor", Value::Null),
        node("web", "webclient", Value::Null),
        node("lb", "load-balancer", json!({"managed": true})),
        node("svc-1", "service", Value::Null),
        node("svc-2", "service", Value::Null),
        node("db", "database", Value::Null),
        node("shop-system", "system", Value::Null),
    ];
    let r = vec![
        interacts("user-uses-web", "user", &["web"]),
        conn("web-to-lb", "web", "lb", "HTTPS"),
        conn("lb-to-1", "lb", "svc-1", "HTTPS"),
        conn("lb-to-2", "lb", "svc-2", "HTTPS"),
        conn("1-to-db", "svc-1", "db", "JDBC"),
        conn("2-to-db", "svc-2", "db", "JDBC"),
        composed("shop-parts", "shop-system", &["lb", "svc-1", "svc-2", "db"]),
    ];
    let flows = vec![flow(
        "f",
        &["web-to-lb", "lb-to-1", "1-to-db"],
        json!({"criticality": "critical"}),
    )];
    let doc = arch(n, r, flows, Value::Null);
    assert!(
        run("OPS-03", &doc).is_empty(),
        "{:?}",
        ids(&run("OPS-03", &doc))
    );
    assert!(
        !run("RES-18", &doc).is_empty(),
        "RES-18 reports the replicas"
    );
}

// ---- OPS-04 flow-impact-undocumented -----------------------------------------------------

#[test]
fn ops04_critical_flow_or_a_documenting_peer() {
    let (n, r) = shop(Value::Null, "HTTPS", "JDBC", Value::Null);
    let doc = |flows: Vec<Value>, top: Value| arch(n.clone(), r.clone(), flows, top);
    // No ops metadata anywhere and nothing critical: quiet.
    let plain = vec![
        flow("browse", &["web-to-svc"], json!({"criticality": "medium"})),
        flow("store", &["svc-to-db"], Value::Null),
    ];
    assert!(run("OPS-04", &doc(plain, Value::Null)).is_empty());
    // A critical flow without either: low, naming both.
    let critical = vec![flow(
        "checkout",
        &["web-to-svc", "svc-to-db"],
        json!({"criticality": "high"}),
    )];
    let f = run("OPS-04", &doc(critical, Value::Null));
    assert_eq!(ids(&f), vec!["flow-impact-undocumented@checkout"]);
    assert_eq!(f[0].severity, Severity::Low);
    assert!(
        f[0].title.contains("business impact or SLA"),
        "{}",
        f[0].title
    );
    // An availability target in an architecture control is its SLA: only the impact is missing.
    let critical = vec![flow(
        "checkout",
        &["web-to-svc", "svc-to-db"],
        json!({"criticality": "critical"}),
    )];
    let top = json!({"controls": control("availability", "https://example.com/availability", json!({"availability-target": "99.95%"}))});
    let f = run("OPS-04", &doc(critical, top));
    assert_eq!(ids(&f), vec!["flow-impact-undocumented@checkout"]);
    assert!(
        f[0].title.ends_with("states no business impact"),
        "{}",
        f[0].title
    );
    // A peer documents its impact: the undocumented, non-critical flow is reported at info.
    let flows = vec![
        flow(
            "checkout",
            &["web-to-svc", "svc-to-db"],
            json!({"criticality": "critical", "business-impact": "Customers cannot buy - lost revenue", "sla": "99.9%"}),
        ),
        flow("browse", &["web-to-svc"], json!({"criticality": "low"})),
    ];
    let f = run("OPS-04", &doc(flows, Value::Null));
    assert_eq!(ids(&f), vec!["flow-impact-undocumented@browse"]);
    // ... but a peer with only an availability target (a resilience figure) does not.
    let flows = vec![
        flow(
            "checkout",
            &["web-to-svc", "svc-to-db"],
            json!({"criticality": "medium", "availability-target": "99.5%"}),
        ),
        flow("browse", &["web-to-svc"], json!({"criticality": "low"})),
    ];
    assert!(run("OPS-04", &doc(flows.clone(), Value::Null)).is_empty());
    let flows = vec![
        flow(
            "checkout",
            &["web-to-svc", "svc-to-db"],
            json!({"criticality": "critical", "business-impact": "Customers cannot buy - lost revenue", "sla": "99.9%"}),
        ),
        flow("browse", &["web-to-svc"], json!({"criticality": "low"})),
    ];
    let f = run("OPS-04", &doc(flows, Value::Null));
    assert_eq!(f[0].severity, Severity::Info);
    assert!(
        f[0].evidence
            .iter()
            .any(|e| e.detail.contains("checkout.metadata.")),
        "{:?}",
        f[0].evidence
    );
}

// ---- OPS-05 failure-mode-incomplete ------------------------------------------------------

#[test]
fn ops05_names_what_each_failure_mode_lacks() {
    let modes = json!([
        {"symptom": "HTTP 503", "remediation": "scale up", "escalation": "page dba"},
        {"symptom": "Slow search", "remediation": "rebuild the index"},
        "Disk full"
    ]);
    let (n, r) = shop(
        json!({"failure-modes": modes}),
        "HTTPS",
        "JDBC",
        Value::Null,
    );
    let f = run("OPS-05", &arch(n, r, vec![], Value::Null));
    assert_eq!(ids(&f), vec!["failure-mode-incomplete@svc"]);
    assert_eq!(f[0].severity, Severity::Low);
    let lines: Vec<&str> = f[0]
        .evidence
        .iter()
        .filter(|e| e.kind == "incomplete-failure-mode")
        .map(|e| e.detail.as_str())
        .collect();
    assert_eq!(
        lines,
        vec![
            "svc.metadata.failure-modes[1] (\"Slow search\") has no escalation",
            "svc.metadata.failure-modes[2] (\"Disk full\") has no remediation and escalation",
        ]
    );
    // A node-level escalation policy covers every failure mode's escalation.
    let (n, r) = shop(
        json!({"escalation-policy": "search-primary", "failure-modes": modes}),
        "HTTPS",
        "JDBC",
        Value::Null,
    );
    let f = run("OPS-05", &arch(n, r, vec![], Value::Null));
    assert_eq!(
        f[0].title,
        "svc: 1 of 3 failure mode(s) lack remediation or escalation"
    );
    // Complete entries, or none declared: quiet.
    let (n, r) = shop(
        json!({"failure-modes": [{"symptom": "x", "fix": "y", "escalate": "z"}]}),
        "HTTPS",
        "JDBC",
        Value::Null,
    );
    assert!(run("OPS-05", &arch(n, r, vec![], Value::Null)).is_empty());
    let (n, r) = shop(Value::Null, "HTTPS", "JDBC", Value::Null);
    assert!(run("OPS-05", &arch(n, r, vec![], Value::Null)).is_empty());
}

// ---- OPS-06 dependencies-drift -----------------------------------------------------------

/// svc → db (primary of a cluster), svc → cache, svc → broker → worker; reports is unrelated.
fn drift_doc(deps: Value) -> String {
    let n = vec![
        node("user", "actor", Value::Null),
        node("svc", "service", json!({"dependencies": deps})),
        node("db-cluster", "database", Value::Null),
        node("db-primary", "database", Value::Null),
        node("db-replica", "database", Value::Null),
        node("cache", "cache", Value::Null),
        node("broker", "message-broker", Value::Null),
        node("worker", "service", Value::Null),
        with(
            node("reports", "service", Value::Null),
            "name",
            json!("Reporting Service"),
        ),
    ];
    let r = vec![
        interacts("user-uses-svc", "user", &["svc"]),
        conn("svc-to-db", "svc", "db-primary", "JDBC"),
        composed("db-members", "db-cluster", &["db-primary", "db-replica"]),
        conn("svc-to-cache", "svc", "cache", "TCP"),
        with(
            conn("svc-to-broker", "svc", "broker", "AMQP"),
            "description",
            json!("publishes events"),
        ),
        with(
            conn("broker-to-worker", "broker", "worker", "AMQP"),
            "description",
            json!("delivers events to the consumer"),
        ),
    ];
    arch(n, r, vec![], Value::Null)
}

#[test]
fn ops06_unknown_unrelated_and_omitted_entries() {
    let f = run(
        "OPS-06",
        &drift_doc(json!([
            "db-cluster",
            "ghost-service",
            "Reporting Service",
            "worker"
        ])),
    );
    assert_eq!(ids(&f), vec!["dependencies-drift@svc"]);
    assert_eq!(f[0].severity, Severity::Medium);
    let ev = |kind: &str| {
        f[0].evidence
            .iter()
            .find(|e| e.kind == kind)
            .map(|e| e.detail.clone())
            .unwrap_or_default()
    };
    assert!(
        ev("unknown").contains("\"ghost-service\""),
        "{}",
        ev("unknown")
    );
    assert!(
        ev("unrelated").starts_with("reports named"),
        "{}",
        ev("unrelated")
    );
    // The cache is called synchronously and not listed; the cluster stands for its primary and
    // the worker behind the broker covers the broker.
    assert!(
        ev("omitted").contains("on cache synchronously"),
        "{}",
        ev("omitted")
    );
    assert!(!ev("omitted").contains("broker") && !ev("omitted").contains("db-primary"));
    // Only omissions: low.
    let f = run("OPS-06", &drift_doc(json!("db-primary, broker")));
    assert_eq!(f[0].severity, Severity::Low);
    assert_eq!(
        f[0].title,
        "svc's `dependencies` metadata disagrees with its relationships (1 omitted)"
    );
    // Upstream and downstream, names or ids, all matching: quiet.
    let ok =
        json!({"upstream": ["user"], "downstream": ["DB Cluster (PostgreSQL)", "cache", "broker"]});
    assert!(run("OPS-06", &drift_doc(ok)).is_empty());
    // Nothing names a node: probably packages, low with low confidence.
    let f = run("OPS-06", &drift_doc(json!(["spring-boot 3.2", "jackson"])));
    assert_eq!(f[0].severity, Severity::Low);
    assert_eq!(f[0].confidence, calm_analysis::Confidence::Low);
}

// ---- DOC-01 incomplete-model -------------------------------------------------------------

#[test]
fn doc01_reports_each_kind_of_gap() {
    let n = vec![
        node("user", "actor", Value::Null),
        node("svc", "service", Value::Null),
        node("orders-kafka", "service", Value::Null),
        node("thing", "acme:widget", Value::Null),
        node("edge", "aws:alb", Value::Null),
    ];
    let r = vec![
        conn("u-svc", "user", "svc", "HTTPS"),
        conn("svc-kafka", "svc", "orders-kafka", ""),
        conn("svc-thing", "svc", "thing", "HTTPS"),
    ];
    let f = run("incomplete-model", &arch(n, r, vec![], Value::Null));
    let mut got = ids(&f);
    got.sort();
    assert_eq!(
        got,
        vec![
            "incomplete-model@connects-without-protocol",
            "incomplete-model@edge#unwired",
            "incomplete-model@entry-points-without-interfaces",
            "incomplete-model@roles-from-names-only",
            "incomplete-model@unknown-node-types",
        ]
    );
    let unknown = f
        .iter()
        .find(|f| f.id.ends_with("unknown-node-types"))
        .unwrap();
    assert_eq!(
        unknown.nodes,
        vec!["thing"],
        "aws:alb is a recognised custom type"
    );
    assert_eq!(
        f.iter()
            .find(|f| f.id.ends_with("without-protocol"))
            .unwrap()
            .relationships,
        vec!["svc-kafka"]
    );
}

#[test]
fn doc01_complete_model_is_quiet() {
    let n = vec![
        node("user", "actor", Value::Null),
        with(
            node("svc", "service", Value::Null),
            "interfaces",
            json!([{"unique-id": "svc-https", "port": 443}]),
        ),
        node("db", "database", Value::Null),
    ];
    let r = vec![
        conn_if("u-svc", "user", "svc", "svc-https", "HTTPS"),
        conn("svc-db", "svc", "db", "JDBC"),
    ];
    assert!(run("incomplete-model", &arch(n, r, vec![], Value::Null)).is_empty());
}

// ---- DOC-02 critical-paths-without-flows -------------------------------------------------

#[test]
fn doc02_no_flows_and_uncovered_sinks() {
    let (mut n, mut r) = shop(Value::Null, "HTTPS", "JDBC", Value::Null);
    assert_eq!(
        ids(&run(
            "critical-paths-without-flows",
            &arch(n.clone(), r.clone(), vec![], Value::Null)
        )),
        vec!["critical-paths-without-flows@architecture"]
    );
    n.push(node("audit-db", "database", Value::Null));
    r.push(conn("svc-audit", "svc", "audit-db", "JDBC"));
    let flows = vec![flow("f", &["web-to-svc", "svc-to-db"], Value::Null)];
    assert_eq!(
        ids(&run(
            "critical-paths-without-flows",
            &arch(n, r, flows, Value::Null)
        )),
        vec!["critical-paths-without-flows@audit-db"]
    );
}

#[test]
fn doc02_a_flow_through_one_replica_covers_the_group() {
    let n = vec![
        node("user", "actor", Value::Null),
        node("svc", "service", Value::Null),
        node("db-primary", "database", json!({"role": "primary"})),
        node("db-replica", "database", json!({"role": "replica"})),
        node("db-cluster", "database", Value::Null),
    ];
    let r = vec![
        interacts("u", "user", &["svc"]),
        conn("u-svc", "user", "svc", "HTTPS"),
        conn("svc-primary", "svc", "db-primary", "JDBC"),
        conn("svc-replica", "svc", "db-replica", "JDBC"),
        composed("members", "db-cluster", &["db-primary", "db-replica"]),
    ];
    let flows = vec![flow("f", &["u-svc", "svc-primary"], Value::Null)];
    assert!(
        run(
            "critical-paths-without-flows",
            &arch(n, r, flows, Value::Null)
        )
        .is_empty()
    );
}

// ---- DOC-03 non-standard-calm-dialect ----------------------------------------------------

#[test]
fn doc03_dialect_reported_standard_not() {
    let text = r#"{"nodes": [{"unique-id": "a", "node-type": "service", "name": "a", "description": "a"},
                              {"unique-id": "b", "node-type": "database", "name": "b", "description": "b"}],
                   "relationships": [{"unique-id": "a-b", "relationship-type": "connects", "source": "a", "destination": "b", "protocol": "JDBC"}]}"#;
    let f = run("non-standard-calm-dialect", text);
    assert_eq!(ids(&f), vec!["non-standard-calm-dialect@architecture"]);
    assert_eq!(f[0].severity, Severity::Info);
    assert_eq!(f[0].relationships, vec!["a-b"]);
    let (n, r) = shop(Value::Null, "HTTPS", "JDBC", Value::Null);
    assert!(
        run(
            "non-standard-calm-dialect",
            &arch(n, r, vec![], Value::Null)
        )
        .is_empty()
    );
    // Metadata as an array is valid CALM 1.2, not a dialect.
    let (n, r) = shop(
        json!([{"owner": "a"}, {"instances": 2}]),
        "HTTPS",
        "JDBC",
        Value::Null,
    );
    assert!(
        run(
            "non-standard-calm-dialect",
            &arch(n, r, vec![], Value::Null)
        )
        .is_empty()
    );
}

// ---- unwired nodes / dead letters ----

/// Full review (every rule) of an in-memory document.
fn unwired_dlq_review(text: &str) -> Vec<Finding> {
    let doc = Document::from_str("t.json", text).unwrap();
    calm_analysis::review(&doc, &calm_analysis::ReviewOptions::default()).findings
}

fn unwired_of(f: &[Finding]) -> Vec<&str> {
    variant_of(f, "#unwired")
}

/// The ids of the findings of one variant (`#unwired`, `#no-traffic`).
fn variant_of<'f>(f: &'f [Finding], variant: &str) -> Vec<&'f str> {
    f.iter()
        .filter(|f| f.id.ends_with(variant))
        .map(|f| f.id.as_str())
        .collect()
}

#[test]
fn doc01_unwired_node_is_reported_low_on_that_node() {
    let (mut n, r) = shop(Value::Null, "HTTPS", "JDBC", Value::Null);
    n.push(node("legacy-batch", "service", Value::Null));
    n.push(node("auditor", "actor", Value::Null));
    let text = arch(n, r, vec![], Value::Null);
    let f = run("incomplete-model", &text);
    assert_eq!(
        unwired_of(&f),
        vec![
            "incomplete-model@legacy-batch#unwired",
            "incomplete-model@auditor#unwired"
        ]
    );
    let u = f
        .iter()
        .find(|f| f.id == "incomplete-model@legacy-batch#unwired")
        .unwrap();
    assert_eq!(u.severity, Severity::Low);
    assert_eq!(u.nodes, vec!["legacy-batch"]);
    assert_eq!(u.locations[0].kind, "node");
    assert_eq!(u.locations[0].unique_id.as_deref(), Some("legacy-batch"));
    assert!(u.title.contains("wired to nothing"), "{}", u.title);
    // The full review reports it too, with its own fingerprint.
    let all = unwired_dlq_review(&text);
    let got: Vec<&Finding> = all
        .iter()
        .filter(|f| f.id == "incomplete-model@legacy-batch#unwired")
        .collect();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].severity, Severity::Low);
}

fn no_traffic_of(f: &[Finding]) -> Vec<&str> {
    variant_of(f, "#no-traffic")
}

#[test]
fn doc01_a_member_without_traffic_is_reported_info() {
    // `search` sits in the platform system like `svc`, but nothing calls it and it calls nothing.
    let (mut n, mut r) = shop(Value::Null, "HTTPS", "JDBC", Value::Null);
    n.push(node("platform", "system", Value::Null));
    n.push(node("search", "service", Value::Null));
    n.push(node("orders-data", "data-asset", Value::Null));
    r.push(composed(
        "platform-parts",
        "platform",
        &["svc", "db", "search", "orders-data"],
    ));
    let f = run(
        "incomplete-model",
        &arch(n.clone(), r.clone(), vec![], Value::Null),
    );
    assert_eq!(
        no_traffic_of(&f),
        vec!["incomplete-model@search#no-traffic"]
    );
    let s = f.iter().find(|f| f.id.ends_with("#no-traffic")).unwrap();
    assert_eq!(s.severity, Severity::Info);
    assert!(s.title.contains("placed in platform"), "{}", s.title);
    assert!(
        unwired_of(&f).is_empty(),
        "a member is wired, just not to traffic"
    );
    // Traffic to a container around it covers it (C4 edges drawn to the system).
    let mut r2 = r.clone();
    r2.push(conn("svc-to-platform", "svc", "platform", "HTTPS"));
    let f = run(
        "incomplete-model",
        &arch(n.clone(), r2, vec![], Value::Null),
    );
    assert!(no_traffic_of(&f).is_empty());
    // Wired to something: not reported.
    r.push(conn("svc-to-search", "svc", "search", "HTTPS"));
    assert!(no_traffic_of(&run("incomplete-model", &arch(n, r, vec![], Value::Null))).is_empty());
    // A standby takes traffic through its group's primary.
    let (mut n, mut r) = shop(Value::Null, "HTTPS", "JDBC", Value::Null);
    n.push(node(
        "db-cluster",
        "database",
        json!({"failover": "automatic"}),
    ));
    n.push(node("db-standby", "database", json!({"role": "replica"})));
    r.push(composed("db-members", "db-cluster", &["db", "db-standby"]));
    let f = run("incomplete-model", &arch(n, r, vec![], Value::Null));
    assert!(no_traffic_of(&f).is_empty(), "{:?}", no_traffic_of(&f));
    // A document with no traffic at all is a structure sketch, not a gap.
    let sketch = arch(
        vec![
            node("platform", "system", Value::Null),
            node("a", "service", Value::Null),
        ],
        vec![composed("parts", "platform", &["a"])],
        vec![],
        Value::Null,
    );
    assert!(no_traffic_of(&run("incomplete-model", &sketch)).is_empty());
}

#[test]
fn doc01_unwired_must_not_fire() {
    // A one-node document is a stub, not a wiring gap.
    let one = arch(
        vec![node("svc", "service", Value::Null)],
        vec![],
        vec![],
        Value::Null,
    );
    assert!(unwired_of(&run("incomplete-model", &one)).is_empty());
    assert!(unwired_of(&unwired_dlq_review(&one)).is_empty());
    // Containers (composed-of, deployed-in), a node only in an interacts, an options choice.
    let (mut n, mut r) = shop(Value::Null, "HTTPS", "JDBC", Value::Null);
    n.push(node("platform", "system", Value::Null));
    n.push(node("k8s", "network", Value::Null));
    n.push(node("portal", "webclient", Value::Null));
    n.push(node("alt-cache", "service", json!({"role": "cache"})));
    r.push(composed("platform-parts", "platform", &["svc", "db"]));
    r.push(deployed("on-k8s", "k8s", &["svc"]));
    r.push(interacts("user-portal", "user", &["portal"]));
    r.push(
        json!({"unique-id": "cache-choice", "relationship-type": {"options": [
            {"description": "with cache", "nodes": ["alt-cache"], "relationships": []},
            {"description": "without cache", "nodes": [], "relationships": []}
        ]}}),
    );
    let text = arch(n, r, vec![], Value::Null);
    assert!(
        unwired_of(&run("incomplete-model", &text)).is_empty(),
        "{:?}",
        ids(&run("incomplete-model", &text))
    );
    assert!(unwired_of(&unwired_dlq_review(&text)).is_empty());
}

/// producer → orders-queue → consumer (AMQP), with metadata on the consume relationship and the
/// queue.
fn dlq_doc(rel_meta: Value, queue_meta: Value) -> String {
    let mut qm = json!({"role": "queue"});
    if let Value::Object(extra) = queue_meta {
        for (k, v) in extra {
            qm[k] = v;
        }
    }
    let mut consume = conn("queue-to-consumer", "orders-queue", "consumer", "AMQP");
    if !rel_meta.is_null() {
        consume["metadata"] = rel_meta;
    }
    arch(
        vec![
            node("producer", "service", Value::Null),
            node("orders-queue", "service", qm),
            node("consumer", "service", Value::Null),
        ],
        vec![
            conn("producer-to-queue", "producer", "orders-queue", "AMQP"),
            consume,
        ],
        vec![],
        Value::Null,
    )
}

#[test]
fn res12_dead_letter_evidence_under_usual_names() {
    const RULE: &str = "consumer-without-dead-letter";
    let fired = vec!["consumer-without-dead-letter@queue-to-consumer"];
    // No evidence: fires (sanity).
    assert_eq!(ids(&run(RULE, &dlq_doc(Value::Null, Value::Null))), fired);
    // dead-letter-topic on the relationship.
    let text = dlq_doc(json!({"dead-letter-topic": "orders.DLT"}), Value::Null);
    assert!(run(RULE, &text).is_empty());
    assert!(
        !unwired_dlq_review(&text).iter().any(|f| f.rule == RULE),
        "full review agrees"
    );
    // Declared absent is not evidence, and is quoted.
    let f = run(RULE, &dlq_doc(json!({"dlq": false}), Value::Null));
    assert_eq!(ids(&f), fired);
    assert!(
        f[0].evidence.iter().any(|e| e.detail.contains("dlq")),
        "{:?}",
        f[0].evidence
    );
    for absent in [json!("none"), json!("disabled"), json!({"enabled": false})] {
        let text = dlq_doc(json!({"Dead-Letter-Queue": absent}), Value::Null);
        assert_eq!(ids(&run(RULE, &text)), fired, "{absent}");
    }
    // redrive-policy on the queue (SQS).
    let text = dlq_doc(
        Value::Null,
        json!({"redrive-policy": {"deadLetterTargetArn": "arn:aws:sqs:eu-west-1:1:orders-dlq", "maxReceiveCount": 5}}),
    );
    assert!(run(RULE, &text).is_empty());
    // Other names: nested one level, case-insensitive, RabbitMQ argument, on the consumer.
    for meta in [
        json!({"messaging": {"DLX": "orders.dlx"}}),
        json!({"x-dead-letter-exchange": "orders.dlx"}),
        json!({"max-receive-count": 5}),
        json!({"parking-lot": "orders-parking"}),
    ] {
        assert!(
            run(RULE, &dlq_doc(Value::Null, meta.clone())).is_empty(),
            "{meta}"
        );
    }
}

#[test]
fn res12_connected_dead_letter_node_is_evidence() {
    const RULE: &str = "consumer-without-dead-letter";
    let mut v: Value = serde_json::from_str(&dlq_doc(Value::Null, Value::Null)).unwrap();
    v["nodes"].as_array_mut().unwrap().push(node(
        "orders-dlq",
        "service",
        json!({"role": "queue"}),
    ));
    v["relationships"].as_array_mut().unwrap().push(conn(
        "consumer-parks-poison",
        "consumer",
        "orders-dlq",
        "AMQP",
    ));
    let text = serde_json::to_string(&v).unwrap();
    assert!(
        !ids(&run(RULE, &text)).contains(&"consumer-without-dead-letter@queue-to-consumer"),
        "{:?}",
        ids(&run(RULE, &text))
    );
}

// ---- SEC-07 keyword detection through the full review --------------------------------------

/// The `secret-in-metadata` findings of a full review of `text`.
fn sec07_review(text: &str) -> Vec<Finding> {
    let doc = Document::from_str("t.json", text).unwrap();
    let opts = calm_analysis::ReviewOptions {
        today: Some("2026-06-01".into()),
        ..Default::default()
    };
    let r = calm_analysis::review(&doc, &opts);
    r.findings
        .into_iter()
        .filter(|f| f.rule == "secret-in-metadata")
        .collect()
}

fn sec07_by_id<'f>(f: &'f [Finding], id: &str) -> &'f Finding {
    f.iter()
        .find(|f| f.id == id)
        .unwrap_or_else(|| panic!("{id} in {:?}", ids(f)))
}

#[test]
fn sec07_short_literals_under_credential_keys_fire_whatever_their_length() {
    let mut svc = node(
        "svc",
        "service",
        json!({"owner": "payments", "db-password": "admin123", "api-key": "abc123",
               "runtime": {"auth": {"token": "t0k3n"}}, "api-keys": ["k1x9", "k2y8"],
               "signing-secret": "Zx9!kQ2#mP7rLw4"}),
    );
    svc["controls"] = control(
        "secrets",
        "https://policy.example.com/secrets",
        json!({"client-secret": "changeit"}),
    );
    let n = vec![svc, node("db", "database", Value::Null)];
    let r = vec![with(
        conn("svc-db", "svc", "db", "JDBC"),
        "metadata",
        json!({"credentials": {"username": "app", "password": "changeme"}}),
    )];
    let top = json!({"metadata": {"smtpPassword": "hunter2"}});
    let f = sec07_review(&arch(n, r, vec![], top));
    let mut got = ids(&f);
    got.sort();
    assert_eq!(
        got,
        vec![
            "secret-in-metadata@architecture#smtpPassword",
            "secret-in-metadata@svc#api-key",
            "secret-in-metadata@svc#api-keys",
            "secret-in-metadata@svc#controls.secrets.client-secret",
            "secret-in-metadata@svc#db-password",
            "secret-in-metadata@svc#runtime.auth.token",
            "secret-in-metadata@svc#signing-secret",
            "secret-in-metadata@svc-db#credentials.password",
        ],
        "one finding per element and key"
    );
    // Short or well-known literals are high; a random-looking one is critical.
    assert!(
        f.iter().all(|f| f.severity >= Severity::High),
        "every literal credential is at least high"
    );
    assert_eq!(
        sec07_by_id(&f, "secret-in-metadata@svc#signing-secret").severity,
        Severity::Critical
    );
    for id in [
        "secret-in-metadata@svc#db-password",
        "secret-in-metadata@svc#api-key",
        "secret-in-metadata@svc-db#credentials.password",
    ] {
        assert_eq!(sec07_by_id(&f, id).severity, Severity::High, "{id}");
    }
    let pw = sec07_by_id(&f, "secret-in-metadata@svc#db-password");
    let ev: Vec<String> = pw
        .evidence
        .iter()
        .map(|e| format!("{}: {}", e.kind, e.detail))
        .collect();
    assert!(
        ev.iter()
            .any(|e| e.starts_with("credential-key") && e.contains("db-password")),
        "{ev:?}"
    );
    assert!(
        ev.iter()
            .any(|e| e.starts_with("literal-value") && e.contains("literal") && e.contains("ad…")),
        "{ev:?}"
    );
    assert!(
        sec07_by_id(&f, "secret-in-metadata@svc#api-keys")
            .evidence
            .iter()
            .any(|e| e.kind == "values" && e.detail.starts_with('2')),
        "an array of literals under one key is one finding"
    );
    // The secrets themselves are never printed.
    let text = serde_json::to_string(&f).unwrap();
    for secret in [
        "admin123",
        "abc123",
        "t0k3n",
        "k1x9",
        "changeit",
        "changeme",
        "hunter2",
        "Zx9!kQ2#mP7rLw4",
    ] {
        assert!(!text.contains(secret), "`{secret}` is masked");
    }
}

#[test]
fn sec07_references_placeholders_settings_and_prose_do_not_fire() {
    let mut svc = node(
        "svc",
        "service",
        json!({"password": "${DB_PASSWORD}", "api-key-ref": "vault:secret/x", "password-min-length": 12,
               "token-ttl": "1h", "secret-store": "aws-secrets-manager",
               "secret": "stored in AWS Secrets Manager, rotated every 90 days",
               "db-password": "secretsmanager/arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-db",
               "client-secret": "{{ secret }}", "admin-pwd": "$ADMIN_PWD", "auth-token": "env:AUTH_TOKEN",
               "private-key": "<redacted>", "smtp-password": "***", "ldap-password": "",
               "password-policy": "strong", "token-expiry": "3600s", "refresh-tokens": true,
               "secret-id": "orders/db", "api-key-header": "X-Api-Key", "token-type": "JWT",
               "mq-password": {"valueFrom": {"secretKeyRef": {"name": "orders-mq", "key": "password"}}},
               "cache-password": "k8s secret orders-cache", "kv-password": "azure keyvault orders-kv",
               "password-rotation-days": 30, "credentials": "managed-identity",
               "connection-string": "postgres://orders-db:5432/orders"}),
    );
    svc["controls"] = control(
        "secrets-management",
        "https://policy.example.com/secrets",
        json!({"secret-store": "hashicorp-vault", "token": "ssm:/prod/orders/token"}),
    );
    let n = vec![svc];
    assert_eq!(
        ids(&sec07_review(&arch(n, vec![], vec![], Value::Null))),
        Vec::<&str>::new()
    );
}

#[test]
fn sec07_neutral_keys_credentials_in_urls_and_random_values() {
    let n = vec![node(
        "svc",
        "service",
        json!({"db-url": "postgres://app:S3cure!pw@db:5432/app", "legacy": {"dsn": "Server=db;User Id=app;Password=Hunt3r!x;"},
               "deploy-hook": "q7RwX2mZ9pL4vKt8YbN3hJ5c",
               "owner": "retail-core", "handler": "OrderServiceV2Handler", "commit": "3f786850e387550fdab836ed7e6dc881de23001b",
               "instance": "d290f1ee-6c54-4b01-90e6-d701748f0851", "endpoint": "https://api.example.com/v1?version=2",
               "repo": "ssh://git@github.com/org/repo.git"}),
    )];
    let f = sec07_review(&arch(n, vec![], vec![], Value::Null));
    let mut got = ids(&f);
    got.sort();
    assert_eq!(
        got,
        vec![
            "secret-in-metadata@svc#db-url",
            "secret-in-metadata@svc#deploy-hook",
            "secret-in-metadata@svc#legacy.dsn",
        ]
    );
    assert_eq!(
        sec07_by_id(&f, "secret-in-metadata@svc#db-url").severity,
        Severity::Critical
    );
    assert_eq!(
        sec07_by_id(&f, "secret-in-metadata@svc#legacy.dsn").severity,
        Severity::Critical
    );
    // Random-looking under a neutral key: reported, one step lower.
    assert_eq!(
        sec07_by_id(&f, "secret-in-metadata@svc#deploy-hook").severity,
        Severity::High
    );
    let text = serde_json::to_string(&f).unwrap();
    assert!(
        !text.contains("S3cure!pw")
            && !text.contains("Hunt3r!x")
            && !text.contains("q7RwX2mZ9pL4vKt8YbN3hJ5c")
    );
}
