//! Security rules (SEC-01 … SEC-07). One file per rule; one line per rule in `rules()` (see
//! `crate::rules` for how to add a rule). The helpers below are shared by the security,
//! performance, operability and documentation rules: they read evidence from the normalised
//! model (metadata already merged from object/array form, controls flattened by the engine).

use crate::context::{Context, FindingBuilder};
use crate::graph::Edge;
use crate::normalize::{Control, Model, tokens, truthy};
use crate::roles::Role;
use crate::rules::Rule;
use serde_json::{Map, Value};

pub mod datastore_direct_from_untrusted;
pub mod missing_authn_authz;
pub mod public_entry_without_gateway_or_waf;
pub mod public_entry_without_rate_limit;
pub mod secret_in_metadata;
pub mod sensitive_store_unencrypted_at_rest;
pub mod unencrypted_transport;

/// Security rules in priority order.
pub fn rules() -> Vec<&'static dyn Rule> {
    vec![
        &secret_in_metadata::SecretInMetadata,
        &unencrypted_transport::UnencryptedTransport,
        &datastore_direct_from_untrusted::DatastoreDirectFromUntrusted,
        &sensitive_store_unencrypted_at_rest::SensitiveStoreUnencryptedAtRest,
        &missing_authn_authz::MissingAuthnAuthz,
        &public_entry_without_gateway_or_waf::PublicEntryWithoutGatewayOrWaf,
        &public_entry_without_rate_limit::PublicEntryWithoutRateLimit,
    ]
}

// ---- metadata ---------------------------------------------------------------------------

/// First metadata entry among `keys` (case-insensitive), with a value that is not `false`/empty.
pub(crate) fn meta_get<'a>(
    meta: &'a Map<String, Value>,
    keys: &[&str],
) -> Option<(&'a str, &'a Value)> {
    keys.iter().find_map(|k| {
        meta.iter()
            .find(|(mk, v)| mk.eq_ignore_ascii_case(k) && !is_negative(v))
            .map(|(mk, v)| (mk.as_str(), v))
    })
}

pub(crate) use crate::evidence::is_negative;

/// Short display of a value for evidence text.
pub(crate) fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `data-classification` (or a common variant) of an element.
pub(crate) fn classification(meta: &Map<String, Value>) -> Option<String> {
    meta_get(
        meta,
        &[
            "data-classification",
            "classification",
            "data-sensitivity",
            "sensitivity",
            "data-class",
        ],
    )
    .and_then(|(_, v)| v.as_str())
    .map(|s| s.to_string())
}

/// Confidential or stricter (restricted, secret, PII, PCI, PHI, personal, cardholder…).
pub(crate) fn is_sensitive(class: &str) -> bool {
    tokens(class).iter().any(|t| {
        matches!(
            t.as_str(),
            "confidential"
                | "restricted"
                | "secret"
                | "pii"
                | "pci"
                | "phi"
                | "sensitive"
                | "personal"
                | "cardholder"
                | "gdpr"
                | "hipaa"
        )
    })
}

/// PII, PCI or PHI: regulated data (severity goes up one step).
pub(crate) fn is_regulated(class: &str) -> bool {
    tokens(class).iter().any(|t| {
        matches!(
            t.as_str(),
            "pii" | "pci" | "phi" | "personal" | "cardholder" | "gdpr" | "hipaa"
        )
    })
}

// ---- controls ---------------------------------------------------------------------------

/// A control that satisfies a check, in the one meaning of [`crate::evidence::declared`]:
/// one of `config_keys` in an inline config (top level or one level down) with a value that is
/// not negative, or one of `words` as a token sequence in the control id, description or
/// requirement URL.
pub(crate) fn control_evidence(
    controls: &[Control],
    config_keys: &[&str],
    words: &[&str],
) -> Option<String> {
    crate::evidence::declared(&Map::new(), controls, config_keys, words).present()
}

// ---- transport --------------------------------------------------------------------------

pub(crate) enum Transport {
    /// A protocol that can run in clear text (normalised name) and where it was read.
    Plain {
        protocol: String,
        evidence: String,
    },
    Encrypted,
}

fn canonical(p: &str) -> Option<(&'static str, bool)> {
    // (name, encrypted)
    Some(match p.to_ascii_uppercase().as_str() {
        "HTTP" => ("HTTP", false),
        "FTP" => ("FTP", false),
        "LDAP" => ("LDAP", false),
        "TCP" => ("TCP", false),
        "WEBSOCKET" | "WS" => ("WebSocket", false),
        "SOCKETIO" => ("SocketIO", false),
        "AMQP" => ("AMQP", false),
        "JDBC" => ("JDBC", false),
        "MQTT" => ("MQTT", false),
        "SMTP" => ("SMTP", false),
        "KAFKA" => ("Kafka", false),
        "TELNET" => ("Telnet", false),
        "REDIS" => ("Redis", false),
        "SMTPS" | "REDISS" => ("", true),
        "HTTPS" | "SFTP" | "TLS" | "MTLS" | "LDAPS" | "AMQPS" | "WSS" | "MQTTS" | "FTPS"
        | "GRPCS" => ("", true),
        _ => return None,
    })
}

fn scheme_of(url: &str) -> Option<&str> {
    let lower = url.trim();
    if let Some(rest) = lower.strip_prefix("jdbc:") {
        let _ = rest;
        return Some("jdbc");
    }
    lower.split_once("://").map(|(s, _)| s)
}

fn encrypted_url(url: &str) -> bool {
    let u = url.to_ascii_lowercase();
    matches!(
        scheme_of(&u),
        Some("https" | "wss" | "amqps" | "ldaps" | "mqtts" | "sftp" | "ftps" | "rediss" | "grpcs")
    ) || (u.starts_with("jdbc:")
        && [
            "ssl=true",
            "sslmode=require",
            "sslmode=verify",
            "encrypt=true",
            "usessl=true",
            "tls=true",
        ]
        .iter()
        .any(|k| u.contains(k)))
}

/// The transport of a call edge: protocol from the relationship, else the destination interface
/// (protocol, URL scheme, well-known port). `None` when nothing says what is spoken.
pub(crate) fn transport_of(model: &Model, edge: &Edge) -> Option<Transport> {
    let rel = &model.relationships[edge.relationship];
    let iface = destination_interface(model, edge);
    if let Some(p) = rel.protocol.as_deref().or(edge.protocol.as_deref()) {
        return match canonical(p) {
            Some((_, true)) => Some(Transport::Encrypted),
            Some((name, false)) => Some(Transport::Plain {
                protocol: name.to_string(),
                evidence: format!("protocol `{p}`"),
            }),
            None => None,
        };
    }
    let iface = iface?;
    if let Some(url) = &iface.url {
        if encrypted_url(url) {
            return Some(Transport::Encrypted);
        }
        if let Some(s) = scheme_of(&url.to_ascii_lowercase())
            && let Some((name, enc)) = canonical(s)
        {
            return Some(if enc {
                Transport::Encrypted
            } else {
                Transport::Plain {
                    protocol: name.to_string(),
                    evidence: format!("interface `{}` URL `{url}`", iface.id),
                }
            });
        }
    }
    let name = match iface.port? {
        443 | 636 | 5671 | 8883 | 990 | 22 => return Some(Transport::Encrypted),
        80 => "HTTP",
        21 => "FTP",
        389 => "LDAP",
        5672 => "AMQP",
        1883 => "MQTT",
        _ => return None,
    };
    Some(Transport::Plain {
        protocol: name.to_string(),
        evidence: format!("interface `{}` port {}", iface.id, iface.port.unwrap_or(0)),
    })
}

pub(crate) fn destination_interface<'m>(
    model: &'m Model,
    edge: &Edge,
) -> Option<&'m crate::normalize::Interface> {
    let rel = &model.relationships[edge.relationship];
    let dst = &model.nodes[edge.destination];
    match &rel.kind {
        crate::normalize::Kind::Connects {
            destination_interfaces,
            ..
        } => dst
            .interfaces
            .iter()
            .find(|i| destination_interfaces.contains(&i.id))
            .or_else(|| {
                (dst.interfaces.len() == 1 && destination_interfaces.is_empty())
                    .then(|| &dst.interfaces[0])
            }),
        _ => None,
    }
}

const TLS_KEYS: &[&str] = &[
    "encryption-in-transit",
    "tls",
    "tls-version",
    "min-tls-version",
    "mtls",
    "ssl",
    "transport-encryption",
];
const TLS_WORDS: &[&str] = &[
    "tls",
    "mtls",
    "encryption-in-transit",
    "encryption in transit",
    "transport encryption",
    "ssl",
];

/// Why the edge counts as encrypted despite a plain-text protocol, nearest scope first.
pub(crate) fn encryption_in_transit_evidence(ctx: &Context, edge: &Edge) -> Option<String> {
    let model = &ctx.model;
    let rel = &model.relationships[edge.relationship];
    if let Some(i) = destination_interface(model, edge)
        && i.url.as_deref().is_some_and(encrypted_url)
    {
        return Some(format!("interface `{}` URL is encrypted", i.id));
    }
    if let Some((k, v)) = meta_get(
        &rel.metadata,
        &[
            "tls",
            "ssl",
            "ssl-enabled",
            "tls-enabled",
            "encrypted",
            "encryption-in-transit",
            "mtls",
        ],
    ) && (truthy(v) || v.is_string())
    {
        return Some(format!("relationship metadata `{k}`"));
    }
    let scopes: [(&str, &[Control]); 4] = [
        ("relationship", &rel.controls),
        ("source", &model.nodes[edge.source].controls),
        ("destination", &model.nodes[edge.destination].controls),
        ("architecture", &model.controls),
    ];
    for (scope, controls) in scopes {
        if let Some(e) = control_evidence(controls, TLS_KEYS, TLS_WORDS) {
            return Some(format!("{scope} {e}"));
        }
    }
    None
}

/// A container that is one machine (host, pod, VM, sidecar): traffic inside it stays local.
pub(crate) fn is_host_like(ctx: &Context, container: usize) -> bool {
    let n = &ctx.model.nodes[container];
    let fd = n
        .metadata
        .get("failure-domain")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_ascii_lowercase();
    if matches!(fd.as_str(), "host" | "pod" | "vm" | "server" | "machine") {
        return true;
    }
    tokens(&format!("{} {} {}", n.id, n.name, n.node_type))
        .iter()
        .any(|t| {
            matches!(
                t.as_str(),
                "host" | "pod" | "vm" | "server" | "sidecar" | "machine"
            )
        })
}

/// Untrusted caller: an actor outside the organisation, client software such actors use, or an
/// external system. Employees and operators are internal actors (see [`internal_actor`]).
pub(crate) fn is_untrusted(ctx: &Context, n: usize) -> bool {
    match ctx.roles[n].role {
        Role::Actor => internal_actor(ctx, n).is_none(),
        // Client software is as trusted as the people who use it: internal when every actor
        // that reaches it is internal, untrusted otherwise (or when no actor is modelled).
        Role::Client => {
            let users: Vec<usize> = ctx.graph.inc[n]
                .iter()
                .map(|e| ctx.graph.edges[*e].source)
                .filter(|s| ctx.roles[*s].role == Role::Actor)
                .collect();
            users.is_empty() || users.iter().any(|a| internal_actor(ctx, *a).is_none())
        }
        _ => ctx.roles[n].external,
    }
}

/// Words that place an actor outside the organisation.
const EXTERNAL_ACTOR_WORDS: &[&str] = &[
    "customer",
    "customers",
    "public",
    "internet",
    "external",
    "partner",
    "partners",
    "guest",
    "anonymous",
    "visitor",
    "citizen",
    "patient",
    "consumer",
    "shopper",
    "buyer",
    "merchant",
    "device",
    "devices",
    "third",
];
/// Words that place an actor inside the organisation.
const INTERNAL_ACTOR_WORDS: &[&str] = &[
    "employee",
    "employees",
    "staff",
    "internal",
    "operator",
    "operators",
    "admin",
    "administrator",
    "administrators",
    "analyst",
    "analysts",
    "trader",
    "traders",
    "engineer",
    "engineers",
    "developer",
    "developers",
    "officer",
    "compliance",
    "operations",
    "ops",
    "support",
    "teller",
    "clerk",
    "backoffice",
    "manager",
    "sre",
    "dba",
    "auditor",
    "architect",
    "architects",
    "team",
    "corporate",
    "intranet",
];

/// Why an actor is internal (an employee, operator, analyst…), or `None` when it is (or may be)
/// outside the organisation. Declared zone metadata wins; then the actor's words; an actor
/// described with both (a "customer support agent" is staff) counts as internal only when no
/// external word names it.
pub(crate) fn internal_actor(ctx: &Context, n: usize) -> Option<String> {
    let nd = &ctx.model.nodes[n];
    for k in [
        "zone",
        "trust-zone",
        "network-zone",
        "audience",
        "user-type",
        "access",
        "exposure",
    ] {
        if let Some(v) = nd.metadata.get(k).and_then(Value::as_str) {
            let t = tokens(v);
            if t.iter().any(|w| {
                matches!(
                    w.as_str(),
                    "internal" | "corporate" | "intranet" | "private" | "employee" | "staff"
                )
            }) {
                return Some(format!("metadata `{k}: {v}`"));
            }
            if t.iter()
                .any(|w| matches!(w.as_str(), "public" | "internet" | "external"))
            {
                return None;
            }
        }
    }
    let words = tokens(&format!("{} {} {}", nd.id, nd.name, nd.description));
    if words
        .iter()
        .any(|w| EXTERNAL_ACTOR_WORDS.contains(&w.as_str()))
    {
        return None;
    }
    words
        .iter()
        .find(|w| INTERNAL_ACTOR_WORDS.contains(&w.as_str()))
        .map(|w| format!("described as `{w}`"))
}

/// The connection stays on one machine: the destination interface names a loopback address.
pub(crate) fn loopback(model: &Model, edge: &Edge) -> bool {
    destination_interface(model, edge)
        .and_then(|i| i.url.as_deref())
        .is_some_and(|u| {
            let u = u.to_ascii_lowercase();
            ["localhost", "127.0.0.1", "[::1]", "0.0.0.0"]
                .iter()
                .any(|h| u.contains(h))
        })
}

/// A container (`composed-of` parent or `deployed-in` host): an actor "using" a whole system
/// enters through one of its members, which is judged by its own edges.
pub(crate) fn is_container(ctx: &Context, n: usize) -> bool {
    !ctx.graph.children[n].is_empty() || !ctx.graph.hosted[n].is_empty()
}

/// Declared internal-only (not reachable from the internet).
pub(crate) fn is_internal_only(meta: &Map<String, Value>) -> Option<String> {
    if let Some((k, v)) = meta_get(meta, &["internal", "internal-only", "private", "vpn-only"])
        && truthy(v)
    {
        return Some(format!("metadata `{k}: {}`", show(v)));
    }
    meta_get(
        meta,
        &[
            "vpn",
            "ip-allowlist",
            "ip-whitelist",
            "ip-filter",
            "allowed-cidrs",
            "network-access",
        ],
    )
    .map(|(k, v)| format!("metadata `{k}: {}`", show(v)))
}

/// Attach an `add-control` fix with the TraderX requirement URL for `control`
/// (`scope` is `architecture`, `node:ID`, `relationship:ID` or `flow:ID`).
pub(crate) fn with_add_control<'c, 'a>(
    b: FindingBuilder<'c, 'a>,
    scope: &str,
    control: &str,
    description: &str,
    config: &[&str],
    what: &str,
) -> FindingBuilder<'c, 'a> {
    let url = format!("https://calm.finos.org/traderx/control-requirement/{control}");
    let mut args: Vec<&str> = vec![
        "--scope",
        scope,
        "--id",
        control,
        "--requirement-url",
        &url,
        "--description",
        description,
    ];
    if !config.is_empty() {
        args.push("--config");
        args.extend(config.iter().copied());
    }
    b.fix("add-control", &args, "safe", what)
}

/// Which flows each node is on (transitions, request path or closure), built once per rule run:
/// asking every flow about every node is quadratic on large models.
pub(crate) struct FlowIndex {
    by_node: Vec<Vec<usize>>,
}

impl FlowIndex {
    pub(crate) fn build(ctx: &Context) -> FlowIndex {
        let mut by_node: Vec<Vec<usize>> = vec![Vec::new(); ctx.model.nodes.len()];
        for (f, fl) in ctx.flows.iter().enumerate() {
            for &n in fl.nodes.iter().chain(&fl.closure).chain(&fl.request_nodes) {
                // Flows are visited in order, so each list is sorted: `last` finds repeats.
                if by_node[n].last() != Some(&f) {
                    by_node[n].push(f);
                }
            }
        }
        FlowIndex { by_node }
    }

    /// Flows on which the node — or any member of its redundancy group — appears, including
    /// async legs: flows usually name one replica only (§3.3). Sorted.
    pub(crate) fn flows_of(&self, ctx: &Context, n: usize) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        for &m in &ctx.redundancy.supernodes[ctx.redundancy.super_of[n]] {
            out.extend(&self.by_node[m]);
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Edge indices of each relationship (built once per rule run; scanning every edge per
/// relationship is quadratic on large models).
pub(crate) fn edges_by_relationship(ctx: &Context) -> Vec<Vec<usize>> {
    let mut by_rel = vec![Vec::new(); ctx.model.relationships.len()];
    for (i, e) in ctx.graph.edges.iter().enumerate() {
        by_rel[e.relationship].push(i);
    }
    by_rel
}

/// Ids of flows, for `FindingBuilder::flows`.
pub(crate) fn flow_ids(ctx: &Context, flows: &[usize]) -> Vec<String> {
    flows.iter().map(|f| ctx.flows[*f].id.clone()).collect()
}

/// Ranking weight: Σ criticality of the flows.
pub(crate) fn weight(ctx: &Context, flows: &[usize]) -> u32 {
    flows.iter().map(|f| ctx.flows[*f].criticality as u32).sum()
}

/// A word of a store's name or description that says it holds sensitive data.
pub(crate) fn sensitive_words(text: &str) -> Option<String> {
    crate::normalize::tokens(text).into_iter().find(|t| {
        matches!(
            t.as_str(),
            "customer"
                | "customers"
                | "account"
                | "accounts"
                | "credential"
                | "credentials"
                | "password"
                | "passwords"
                | "payment"
                | "payments"
                | "card"
                | "cardholder"
                | "trade"
                | "trades"
                | "position"
                | "positions"
                | "pii"
                | "personal"
                | "patient"
                | "patients"
                | "medical"
                | "health"
                | "kyc"
                | "identity"
                | "ssn"
                | "financial"
                | "ledger"
                | "settlement"
                | "salary"
                | "biometric"
        )
    })
}
