//! Unit tests of the security, performance, operability and documentation rules on tiny
//! synthetic documents: for each rule a case that must fire, one that must not, and the false
//! positive guards the catalogue lists (advisor-design.md §4).

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
fn all_sixteen_rules_are_registered_with_docs() {
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
    assert_eq!(f[1].severity, Severity::High);
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
fn sec04_unclassified_only_at_the_front_door_of_a_critical_flow() {
    let (n, r) = shop(Value::Null, "HTTPS", "JDBC", Value::Null);
    let flows = vec![flow(
        "buy",
        &["web-to-svc", "svc-to-db"],
        json!({"business-criticality": "critical"}),
    )];
    let f = run(
        "missing-authn-authz",
        &arch(n.clone(), r.clone(), flows, Value::Null),
    );
    assert_eq!(
        ids(&f),
        vec!["missing-authn-authz@svc"],
        "the database behind the service is not the front door"
    );
    // Not critical: nothing.
    let flows = vec![flow(
        "buy",
        &["web-to-svc", "svc-to-db"],
        json!({"business-criticality": "low"}),
    )];
    assert!(run("missing-authn-authz", &arch(n, r, flows, Value::Null)).is_empty());
}

// ---- SEC-05 public-entry-without-rate-limit ----------------------------------------------

#[test]
fn sec05_single_unredundant_entry_is_high_redundant_is_medium() {
    let (n, r) = shop(Value::Null, "HTTPS", "JDBC", Value::Null);
    let f = run(
        "public-entry-without-rate-limit",
        &arch(n, r, vec![], Value::Null),
    );
    assert_eq!(ids(&f), vec!["public-entry-without-rate-limit@svc"]);
    assert_eq!(f[0].severity, Severity::High);
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
