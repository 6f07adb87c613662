//! Role inference (docs/advisor-design.md §3.2): CALM `node-type` is too coarse (a gateway modelled as
//! `service` or `network`, a queue as `data-asset` or a custom type, a cache as `database`), so
//! every node gets a role with the evidence that produced it and a confidence.
//! Evidence order: explicit `metadata.role` → custom/namespaced node-type → protocol/port of the
//! node's interfaces and inbound relationships → id/name tokens → the standard CALM node-type.

use crate::finding::Confidence;
use crate::normalize::{Kind, Model, tokens};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Actor,
    Client,
    Cdn,
    Waf,
    LoadBalancer,
    Gateway,
    Service,
    Database,
    Cache,
    Broker,
    Queue,
    Directory,
    Idp,
    Storage,
    ExternalSystem,
    NetworkZone,
    Cluster,
    /// A `system` node used as a container (ecosystem / frame).
    System,
    DataAsset,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Actor => "actor",
            Role::Client => "client",
            Role::Cdn => "cdn",
            Role::Waf => "waf",
            Role::LoadBalancer => "load-balancer",
            Role::Gateway => "gateway",
            Role::Service => "service",
            Role::Database => "database",
            Role::Cache => "cache",
            Role::Broker => "broker",
            Role::Queue => "queue",
            Role::Directory => "directory",
            Role::Idp => "idp",
            Role::Storage => "storage",
            Role::ExternalSystem => "external-system",
            Role::NetworkZone => "network-zone",
            Role::Cluster => "cluster",
            Role::System => "system",
            Role::DataAsset => "data-asset",
        }
    }
    /// Stores state that outlives a request.
    pub fn is_datastore(self) -> bool {
        matches!(self, Role::Database | Role::Cache | Role::Storage)
    }
    pub fn is_messaging(self) -> bool {
        matches!(self, Role::Broker | Role::Queue)
    }
    /// Client side of the system: not a provider dependency.
    pub fn is_client_side(self) -> bool {
        matches!(self, Role::Actor | Role::Client)
    }
    /// Sinks of request paths (targets of SPOF analysis).
    pub fn is_sink(self) -> bool {
        matches!(
            self,
            Role::Database | Role::Storage | Role::Directory | Role::ExternalSystem | Role::Cache
        )
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct RoleInfo {
    pub role: Role,
    /// What decided the role, e.g. `node-type "message-queue"` or `name token "gateway"`.
    pub evidence: String,
    pub confidence: Confidence,
    /// Outside every ecosystem of the architecture, or declared third-party.
    pub external: bool,
    /// A side-effect sink (telemetry, logging, audit, notification, reporting): a request does
    /// not wait for it, so its loss does not cut a journey off (see [`side_effect_word`]).
    pub side_effect: bool,
    /// What the node's platform guarantees (managed by a cloud provider, or someone else's
    /// system), from the catalogue in `platform.rs`.
    pub platform: Option<crate::platform::Platform>,
    /// A batch or scheduled component (a nightly job, an ETL, a cron task): its outage delays
    /// work that can be re-run; it does not stop a user's request.
    pub batch: bool,
}

/// A `system` that its own name or the opening of its description calls external or third
/// party ("External card network (Visa/Mastercard)", "A third-party identity provider",
/// "Payment Provider (3rd party)"): someone else's software, as C4 context diagrams draw it.
/// Only the description's first word (after an article) counts: "Handles external requests"
/// is not about the node itself.
fn says_external(n: &crate::normalize::Node) -> bool {
    let external = |w: &[String]| match w {
        [a, ..] if matches!(a.as_str(), "external" | "thirdparty" | "3rd") => true,
        [a, b, ..] => a == "third" && b == "party",
        _ => false,
    };
    let description = tokens(&n.description);
    let opening = match description.first().map(String::as_str) {
        Some("a" | "an" | "the") => &description[1..],
        _ => &description[..],
    };
    let name = tokens(&n.name);
    external(opening) || (0..name.len()).any(|i| external(&name[i..]))
}

/// Words that make a node a side-effect sink: observability, audit and outbound notification.
/// A request hands such a node a copy of what happened and goes on; an outage loses telemetry
/// or delays a message, it does not stop the user's journey.
const SIDE_EFFECT_WORDS: &[&str] = &[
    "telemetry",
    "observability",
    "monitoring",
    "monitor",
    "logging",
    "logs",
    "metrics",
    "tracing",
    "audit",
    "notification",
    "notifications",
    "notifier",
    "email",
    "mail",
    "smtp",
    "sms",
    "alerting",
    "alerts",
    "analytics",
    "reporting",
    "datadog",
    "prometheus",
    "grafana",
    "splunk",
    "sentry",
    "eval",
    "evaluation",
    "insights",
    "apm",
    "siem",
    "langfuse",
    "newrelic",
    "dynatrace",
];

/// The side-effect word among `toks`, if any.
pub fn side_effect_word(toks: &[String]) -> Option<&'static str> {
    SIDE_EFFECT_WORDS
        .iter()
        .find(|w| toks.iter().any(|t| t == *w))
        .copied()
}

/// Words that make a node client-side software when nothing calls it: it runs on the user's
/// machine (browser, IDE, terminal, phone) and sends requests; it is not the server's front door.
const CLIENT_WORDS: &[&str] = &[
    "cli",
    "ide",
    "vscode",
    "extension",
    "plugin",
    "desktop",
    "mobile",
    "browser",
    "webclient",
    "device",
    "devices",
    "sensor",
    "sensors",
    "vehicle",
    "vehicles",
    "tcu",
    "kiosk",
    "handset",
    "wearable",
];

/// Weaker client words: a `system` or custom-typed node called a UI or an app that nothing calls
/// is the user's front end; a `service` with such a name is a server (a "Frontend Service").
const CLIENT_UI_WORDS: &[&str] = &["spa", "ui", "frontend", "webapp", "app", "portal"];

/// Role of a word (from metadata.role, a custom node-type, an id or a name).
fn role_of_tokens(toks: &[String]) -> Option<(Role, String)> {
    let has = |w: &str| toks.iter().any(|t| t == w);
    // Third-party payment providers are external, not gateways we run.
    for w in ["stripe", "adyen", "paypal", "braintree"] {
        if has(w) {
            return Some((Role::ExternalSystem, w.into()));
        }
    }
    if has("payment") && has("gateway") && has("provider") {
        return Some((Role::ExternalSystem, "payment provider".into()));
    }
    // An enterprise service bus mediates and routes synchronous calls: a gateway, not a broker.
    if has("esb") || (has("service") && has("bus") && has("enterprise")) {
        return Some((Role::Gateway, "enterprise service bus".into()));
    }
    // Stores that AI architectures name by what they hold.
    if has("vector") && (has("store") || has("db") || has("database") || has("index")) {
        return Some((Role::Database, "vector store".into()));
    }
    if has("knowledge") && has("base") {
        return Some((Role::Database, "knowledge base".into()));
    }
    if (has("load") && (has("balancer") || has("balancing"))) || has("loadbalancer") {
        return Some((Role::LoadBalancer, "load balancer".into()));
    }
    const TABLE: &[(&[&str], Role)] = &[
        (
            &[
                "lb", "alb", "elb", "nlb", "haproxy", "nginx", "envoy", "traefik",
            ],
            Role::LoadBalancer,
        ),
        (&["waf", "firewall"], Role::Waf),
        (&["cdn", "cloudfront", "akamai", "fastly"], Role::Cdn),
        (
            &["gateway", "gw", "kong", "apigee", "ingress", "apigateway"],
            Role::Gateway,
        ),
        (
            &[
                "broker",
                "kafka",
                "rabbit",
                "rabbitmq",
                "activemq",
                "nats",
                "pulsar",
                "eventbus",
                "messagebus",
                "bus",
                "mq",
                "msk",
                "eventhub",
                "servicebus",
                "pubsub",
                "sns",
                "eventbridge",
                "eventgrid",
                "kinesis",
            ],
            Role::Broker,
        ),
        (&["queue", "sqs", "topic", "dlq"], Role::Queue),
        (
            &["cache", "redis", "memcached", "elasticache", "valkey"],
            Role::Cache,
        ),
        (
            &[
                "db",
                "database",
                "postgres",
                "postgresql",
                "mysql",
                "mariadb",
                "mongo",
                "mongodb",
                "oracle",
                "rds",
                "aurora",
                "dynamodb",
                "cassandra",
                "datastore",
                "sql",
                "ledger",
                "vectorstore",
                "vectordb",
                "knowledgebase",
                "pinecone",
                "weaviate",
                "qdrant",
                "milvus",
                "chromadb",
                "pgvector",
            ],
            Role::Database,
        ),
        (
            &["storage", "s3", "blob", "bucket", "filestore", "nas"],
            Role::Storage,
        ),
        (&["ldap", "directory"], Role::Directory),
        (
            &["idp", "keycloak", "okta", "auth0", "sso", "identity"],
            Role::Idp,
        ),
        (
            &[
                "cluster",
                "k8s",
                "kubernetes",
                "eks",
                "aks",
                "gke",
                "host",
                "vm",
            ],
            Role::Cluster,
        ),
        (
            &["vpc", "subnet", "zone", "network", "dmz", "vnet"],
            Role::NetworkZone,
        ),
    ];
    for (words, role) in TABLE {
        if let Some(w) = words.iter().find(|w| has(w)) {
            return Some((*role, format!("\"{w}\"")));
        }
    }
    None
}

fn role_of_protocol(p: &str, port: Option<u64>) -> Option<Role> {
    let p = p.to_ascii_uppercase();
    match p.as_str() {
        "JDBC" | "ODBC" => return Some(Role::Database),
        "AMQP" | "AMQPS" | "KAFKA" | "MQTT" | "JMS" | "STOMP" => return Some(Role::Broker),
        "LDAP" | "LDAPS" => return Some(Role::Directory),
        _ => {}
    }
    match port? {
        5432 | 3306 | 1521 | 1433 | 27017 | 9042 => Some(Role::Database),
        5672 | 5671 | 9092 | 9093 | 1883 | 61616 => Some(Role::Broker),
        389 | 636 => Some(Role::Directory),
        6379 | 11211 => Some(Role::Cache),
        _ => None,
    }
}

/// Infer the role of every node.
pub fn infer(model: &Model) -> Vec<RoleInfo> {
    // Inbound protocols per node (relationship protocol, else destination interface protocol).
    let mut inbound: Vec<Vec<(String, Option<u64>)>> = vec![Vec::new(); model.nodes.len()];
    let mut is_container = vec![false; model.nodes.len()];
    let mut has_parent = vec![false; model.nodes.len()];
    let mut any_ecosystem = false;
    for r in &model.relationships {
        match &r.kind {
            Kind::Connects {
                destination,
                destination_interfaces,
                ..
            } => {
                let node = &model.nodes[*destination];
                let iface = node
                    .interfaces
                    .iter()
                    .find(|i| destination_interfaces.contains(&i.id));
                let proto = r
                    .protocol
                    .clone()
                    .or_else(|| iface.and_then(|i| i.protocol.clone()))
                    .unwrap_or_default();
                inbound[*destination].push((proto, iface.and_then(|i| i.port)));
            }
            Kind::ComposedOf { container, nodes } | Kind::DeployedIn { container, nodes } => {
                is_container[*container] = true;
                any_ecosystem = true;
                for n in nodes {
                    has_parent[*n] = true;
                }
            }
            _ => {}
        }
    }

    model
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let nt = n.node_type.to_ascii_lowercase();
            let declared_external = ["external", "third-party", "thirdparty"]
                .iter()
                .any(|k| n.metadata.get(*k).is_some_and(crate::normalize::truthy));
            let (mut role, mut evidence, mut confidence) =
                infer_one(n, &nt, &inbound[i], is_container[i]);
            let toks: Vec<String> = tokens(&n.node_type)
                .into_iter()
                .chain(tokens(&n.id))
                .chain(tokens(&n.name))
                .collect();
            // Client software (a CLI, an IDE extension, a desktop or mobile app, a browser UI)
            // that nothing calls sends requests; it is the client side of the system, never the
            // server's ingress or a server-side single point of failure.
            if inbound[i].is_empty()
                && !is_container[i]
                && matches!(role, Role::Service | Role::System | Role::Gateway)
                && !declared_role(n)
                && let Some(w) = CLIENT_WORDS
                    .iter()
                    .chain(CLIENT_UI_WORDS.iter().filter(|_| nt != "service"))
                    .find(|w| toks.iter().any(|t| t == *w))
            {
                role = Role::Client;
                evidence = format!("client software (\"{w}\") that nothing calls");
                confidence = Confidence::Medium;
            }
            let batch = !role.is_client_side()
                && !is_container[i]
                && (["schedule", "cron", "cron-schedule", "batch-window"]
                    .iter()
                    .any(|k| n.metadata.contains_key(*k))
                    || toks.iter().any(|t| {
                        matches!(
                            t.as_str(),
                            "job" | "jobs" | "batch" | "nightly" | "cron" | "etl" | "scheduled"
                        )
                    }));
            let side_effect = !role.is_client_side()
                && !is_container[i]
                && !matches!(role, Role::Database | Role::Broker | Role::Queue)
                && side_effect_word(&toks).is_some();
            // External: a system/actor outside every ecosystem when the architecture has ecosystems,
            // or declared third-party, or a third-party provider by role.
            let platform = crate::platform::classify(n);
            let external = declared_external
                || role == Role::ExternalSystem
                || platform
                    .as_ref()
                    .is_some_and(|p| p.kind == crate::platform::PlatformKind::External)
                || (nt == "system" && any_ecosystem && !has_parent[i] && !is_container[i])
                || (nt == "system" && !is_container[i] && says_external(n));
            let role = if external && matches!(role, Role::System | Role::Service) {
                Role::ExternalSystem
            } else {
                role
            };
            RoleInfo {
                role,
                evidence,
                confidence,
                external,
                side_effect,
                platform,
                batch,
            }
        })
        .collect()
}

/// The node states its role in metadata.
fn declared_role(n: &crate::normalize::Node) -> bool {
    n.metadata
        .get("role")
        .and_then(|v| v.as_str())
        .is_some_and(|r| role_of_tokens(&tokens(r)).is_some())
}

fn infer_one(
    n: &crate::normalize::Node,
    nt: &str,
    inbound: &[(String, Option<u64>)],
    container: bool,
) -> (Role, String, Confidence) {
    // 1. explicit metadata.role (only when it names a role: "primary"/"replica" are HA roles).
    if let Some(r) = n.metadata.get("role").and_then(|v| v.as_str())
        && let Some((role, _)) = role_of_tokens(&tokens(r))
    {
        return (role, format!("metadata.role \"{r}\""), Confidence::High);
    }
    // 2. standard CALM node-types that are precise enough on their own.
    match nt {
        "actor" => return (Role::Actor, "node-type \"actor\"".into(), Confidence::High),
        "webclient" => {
            return (
                Role::Client,
                "node-type \"webclient\"".into(),
                Confidence::High,
            );
        }
        "ldap" => {
            return (
                Role::Directory,
                "node-type \"ldap\"".into(),
                Confidence::High,
            );
        }
        _ => {}
    }
    let standard = matches!(
        nt,
        "service" | "system" | "network" | "database" | "data-asset" | ""
    );
    // 3. custom / namespaced node-types (`aws:rds`, `message-queue`, `load-balancer`).
    if !standard && let Some((role, _)) = role_of_tokens(&tokens(nt)) {
        return (
            role,
            format!("node-type \"{}\"", n.node_type),
            Confidence::High,
        );
    }
    let name_toks: Vec<String> = tokens(&n.id).into_iter().chain(tokens(&n.name)).collect();
    let by_name = role_of_tokens(&name_toks);
    if nt == "database" {
        // A cache modelled as a database (CalmStudio demo) is still a cache.
        if let Some((Role::Cache, w)) = &by_name {
            return (
                Role::Cache,
                format!("node-type \"database\" named {w}"),
                Confidence::High,
            );
        }
        return (
            Role::Database,
            "node-type \"database\"".into(),
            Confidence::High,
        );
    }
    // 4. protocol / port evidence on the node's interfaces or inbound relationships — only for
    // nodes whose type says nothing precise. A `service` or `system` with an AMQP or JDBC
    // interface is a service that speaks AMQP or JDBC: the protocol describes the edges that
    // use the interface, not what the node is.
    let typed_runtime = matches!(nt, "service" | "system");
    let proto = n
        .interfaces
        .iter()
        .filter(|_| !typed_runtime)
        .filter_map(|i| {
            role_of_protocol(i.protocol.as_deref().unwrap_or(""), i.port).map(|r| {
                (
                    r,
                    i.protocol
                        .clone()
                        .unwrap_or_else(|| format!("port {}", i.port.unwrap_or(0))),
                )
            })
        })
        .chain(
            inbound
                .iter()
                .filter(|_| !typed_runtime)
                .filter_map(|(p, port)| {
                    // Consumers receive AMQP/Kafka too: inbound messaging protocols say nothing about the node.
                    role_of_protocol(p, *port)
                        .filter(|r| *r != Role::Broker)
                        .map(|r| {
                            (
                                r,
                                if p.is_empty() {
                                    format!("port {}", port.unwrap_or(0))
                                } else {
                                    p.clone()
                                },
                            )
                        })
                }),
        )
        .next();
    // A well-known port alone is weaker than a name: "Telemetry gateway" on port 1883 is a
    // gateway that speaks MQTT, not a broker.
    let proto = proto.filter(|(_, p)| !(p.starts_with("port ") && by_name.is_some()));
    if let Some((role, p)) = proto {
        // A queue behind AMQP is still a queue when its name says so.
        let role = match (&by_name, role) {
            (Some((Role::Queue, _)), Role::Broker) => Role::Queue,
            _ => role,
        };
        if !container || role == Role::Broker {
            return (role, format!("protocol {p}"), Confidence::Medium);
        }
    }
    // 5. name tokens. A container named like a store or a cluster is the cluster around it.
    if let Some((role, w)) = by_name {
        if container
            && (role.is_datastore()
                || role == Role::Cluster
                || role.is_messaging() && role != Role::Broker)
        {
            return (
                Role::Cluster,
                format!("container named {w}"),
                Confidence::Low,
            );
        }
        let fits = match nt {
            "data-asset" => matches!(
                role,
                Role::Queue | Role::Storage | Role::Database | Role::Cache
            ),
            // Any other node-type takes the role its name gives.
            _ => true,
        };
        if fits {
            return (role, format!("name token {w}"), Confidence::Low);
        }
    }
    // 6. the CALM node-type.
    let role = match nt {
        "network" => Role::NetworkZone,
        "data-asset" => Role::DataAsset,
        "system" if container => Role::System,
        "system" => Role::System,
        _ if container => Role::System,
        _ => Role::Service,
    };
    (
        role,
        format!(
            "node-type \"{}\"",
            if nt.is_empty() {
                "(none)"
            } else {
                &n.node_type
            }
        ),
        if nt.is_empty() {
            Confidence::Low
        } else {
            Confidence::Medium
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use calm_model::Document;

    #[test]
    fn roles_from_evidence() {
        let doc = Document::from_str(
            "r.json",
            r#"{"nodes":[
              {"unique-id":"edge","node-type":"network","name":"API Gateway"},
              {"unique-id":"orders-queue","node-type":"data-asset","name":"Orders"},
              {"unique-id":"session-cache","node-type":"database","name":"Sessions"},
              {"unique-id":"bus","node-type":"system","name":"Events","interfaces":[{"unique-id":"b-amqp","protocol":"AMQP"}]},
              {"unique-id":"rds","node-type":"aws:rds","name":"Main"},
              {"unique-id":"svc","node-type":"service","name":"Checkout"}
            ]}"#,
        )
        .unwrap();
        let m = Model::build(&doc);
        let r = infer(&m);
        assert_eq!(r[0].role, Role::Gateway);
        assert_eq!(r[1].role, Role::Queue);
        assert_eq!(r[2].role, Role::Cache);
        // Named a bus: a broker by its name; its AMQP interface alone would not make it one.
        assert_eq!(r[3].role, Role::Broker);
        assert_eq!(r[3].confidence, Confidence::Low);
        assert_eq!(r[4].role, Role::Database);
        assert_eq!(r[4].confidence, Confidence::High);
        assert_eq!(r[5].role, Role::Service);
    }

    /// AI architectures name their stores by what they hold.
    #[test]
    fn vector_stores_and_knowledge_bases_are_databases() {
        let doc = Document::from_str(
            "r.json",
            r#"{"nodes":[
              {"unique-id":"vs","node-type":"ai:vector-store","name":"Vector Store"},
              {"unique-id":"kb","node-type":"ai:knowledge-base","name":"Policy KB"},
              {"unique-id":"emb","node-type":"service","name":"Pinecone index"},
              {"unique-id":"vec","node-type":"service","name":"Vector math service"}
            ]}"#,
        )
        .unwrap();
        let r = infer(&Model::build(&doc));
        let roles: Vec<Role> = r.iter().map(|r| r.role).collect();
        assert_eq!(
            roles,
            vec![
                Role::Database,
                Role::Database,
                Role::Database,
                Role::Service
            ]
        );
    }

    /// A `system` its name or the opening of its description calls external is someone else's.
    #[test]
    fn a_system_described_as_external_is_external() {
        let doc = Document::from_str(
            "r.json",
            r#"{"nodes":[
              {"unique-id":"card-network","node-type":"system","name":"Card Network","description":"External card network (Visa/Mastercard) for authorization"},
              {"unique-id":"idv","node-type":"system","name":"IDV","description":"A third-party identity verification provider"},
              {"unique-id":"tax","node-type":"system","name":"Tax Provider (3rd party)","description":"Computes VAT"},
              {"unique-id":"edge","node-type":"system","name":"Edge","description":"Handles external requests from partners"},
              {"unique-id":"adapter","node-type":"service","name":"Adapter","description":"External API adapter"}
            ]}"#,
        )
        .unwrap();
        let r = infer(&Model::build(&doc));
        let external: Vec<bool> = r.iter().map(|r| r.external).collect();
        assert_eq!(external, vec![true, true, true, false, false]);
        assert_eq!(r[1].role, Role::ExternalSystem);
    }

    /// Node-type first: a service's AMQP or JDBC interface describes the edges that use it.
    #[test]
    fn interface_protocol_does_not_retype_a_service() {
        let doc = Document::from_str(
            "r.json",
            r#"{"nodes":[
              {"unique-id":"orders","node-type":"service","name":"Orders","interfaces":[{"unique-id":"o-amqp","protocol":"AMQP"}]},
              {"unique-id":"reports","node-type":"service","name":"Reports","interfaces":[{"unique-id":"r-jdbc","protocol":"JDBC"}]},
              {"unique-id":"x","node-type":"","name":"X","interfaces":[{"unique-id":"x-amqp","protocol":"AMQP"}]}
            ]}"#,
        )
        .unwrap();
        let r = infer(&Model::build(&doc));
        assert_eq!(r[0].role, Role::Service);
        assert_eq!(r[1].role, Role::Service);
        assert_eq!(
            r[2].role,
            Role::Broker,
            "an untyped node still takes its role from the protocol"
        );
    }

    /// Client software that nothing calls is the client side; a service called "frontend" is not.
    #[test]
    fn client_tier_from_words_when_nothing_calls_it() {
        let doc = Document::from_str(
            "r.json",
            r#"{"nodes":[
              {"unique-id":"cli","node-type":"service","name":"CALM CLI"},
              {"unique-id":"ext","node-type":"service","name":"VS Code Extension"},
              {"unique-id":"hub-ui","node-type":"system","name":"Hub UI"},
              {"unique-id":"fe","node-type":"service","name":"Frontend Service"},
              {"unique-id":"api","node-type":"service","name":"API"}
            ],
            "relationships":[
              {"unique-id":"r1","relationship-type":{"connects":{"source":{"node":"cli"},"destination":{"node":"api"}}}},
              {"unique-id":"r2","relationship-type":{"connects":{"source":{"node":"ext"},"destination":{"node":"api"}}}},
              {"unique-id":"r3","relationship-type":{"connects":{"source":{"node":"hub-ui"},"destination":{"node":"api"}}}},
              {"unique-id":"r4","relationship-type":{"connects":{"source":{"node":"fe"},"destination":{"node":"api"}}}}
            ]}"#,
        )
        .unwrap();
        let r = infer(&Model::build(&doc));
        assert_eq!(r[0].role, Role::Client);
        assert_eq!(r[1].role, Role::Client);
        assert_eq!(r[2].role, Role::Client);
        assert_eq!(r[3].role, Role::Service);
        assert_eq!(r[4].role, Role::Service);
    }
}
