//! SEC-01 `unencrypted-transport`.

use super::{
    Transport, classification, encryption_in_transit_evidence, is_sensitive, transport_of,
};
use crate::context::Context;
use crate::finding::{Category, Confidence, Finding, Severity};
use crate::graph::EdgeMode;
use crate::rules::{Rule, RuleDoc, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "unencrypted-transport",
    code: "SEC-01",
    category: Category::Security,
    default_severity: Severity::High,
    summary: "HTTP/FTP/LDAP/TCP/WebSocket/AMQP/JDBC connection without TLS evidence",
    tags: &[
        "security",
        "stride:information-disclosure",
        "stride:tampering",
    ],
    doc: RuleDoc {
        what: "A `connects` relationship whose protocol can run in clear text (HTTP, FTP, LDAP, TCP, \
WebSocket, SocketIO, AMQP, JDBC) and for which the model shows no sign of transport encryption.\n\n\
Detection: the protocol is the relationship's `protocol`, else the destination interface's \
`protocol`, else the scheme of its `url` (`http://`, `ftp://`, `ldap://`, `ws://`, `amqp://`, \
`jdbc:`), else a well-known port (80, 21, 389, 5672, 1883). TLS evidence, nearest scope first: \
an encrypted scheme or port on the destination interface (`https`, `wss`, `amqps`, `ldaps`, \
`mqtts`, 443/636/5671/8883), a JDBC URL with `ssl=true`/`sslmode=require|verify-*`, relationship \
metadata `tls`/`ssl`/`ssl-enabled`/`encrypted`/`encryption-in-transit`, or a control on the \
relationship, its source or destination node, or the architecture whose config has \
`encryption-in-transit` or whose id/requirement-url names TLS/mTLS/encryption-in-transit. \
An architecture-wide TLS policy clears every \
connection (the model states it once; the advisor checks the model, not the network). \
Relationships without any protocol are left to `incomplete-model` (DOC-01) rather than guessed.",
        why: "Anything on the wire in clear text can be read or altered by whoever shares the \
network: credentials, session tokens, personal or payment data. Inside a data centre this still \
matters (lateral movement, shared networks, compliance regimes such as PCI DSS 4.2.1 require \
strong cryptography for cardholder data in transit).\n\nSeverity: high across a trust \
boundary (an outside actor, the client software they use, or an external system at either end); \
critical when it also carries confidential/PII/PCI/PHI data; medium inside the organisation's \
network; low when both ends are deployed in the same host or pod, or when encryption is stated \
only in the relationship's description; nothing on loopback.",
        example: "```json\n{\"unique-id\": \"web-to-accounts\", \"protocol\": \"HTTP\",\n \"relationship-type\": {\"connects\": {\"source\": {\"node\": \"online-banking-web\"},\n   \"destination\": {\"node\": \"accounts-service\"}}}}\n```\n\
`accounts-service` is `confidential` and the caller is a browser: critical.",
        how_to_fix: "HTTP → HTTPS, FTP → SFTP, WebSocket → WSS (change `protocol` and the interface \
URL). For JDBC, AMQP, LDAP and TCP keep the protocol (it says what is spoken, not whether it is \
encrypted) and declare the encryption with a control on the relationship, e.g.\n\
`calm-advisor fix FILE add-control --scope relationship:REL --id data-encryption \
--requirement-url https://calm.finos.org/traderx/control-requirement/data-encryption \
--config encryption-in-transit=\"TLS 1.3\"`.\nNever rewrite `JDBC` to `TLS`: other tools lose the \
information that it is a database connection. Consider mTLS for service-to-service traffic in \
zero-trust networks.",
        false_positives: "Traffic that never leaves a host (sidecar, loopback) is reported as low \
when both nodes are `deployed-in` the same host/pod container. A TLS-terminating proxy in front of \
a plain-text backend: declare `tls: true` (or a data-encryption control) on the relationship \
that is actually encrypted, and accept the remaining hop with a suppression \
(`metadata.calm-advisor.suppress: [{rule: unencrypted-transport, status: accepted, \
justification: …}]`). Severity follows the trust boundary: high when an outside actor, the \
client software they use or an external system is at one end (critical with sensitive data), \
medium inside the organisation's network (employees and operators are internal actors), low on \
one host, and nothing on loopback (`localhost`/`127.0.0.1` interface URLs). Several relationships \
between the same two nodes over the same protocol are one finding.",
        references: &[
            "https://cwe.mitre.org/data/definitions/319.html",
            "https://owasp.org/Top10/A02_2021-Cryptographic_Failures/",
            "https://github.com/Threagile/threagile (unencrypted-communication rule)",
        ],
    },
};

pub struct UnencryptedTransport;

impl Rule for UnencryptedTransport {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let model = &ctx.model;
        let mut out = Vec::new();
        // One finding per source, destination and protocol: five relationships between the same
        // two nodes over the same clear-text protocol are one weakness, not five. Grouped in one
        // pass (edge order kept: the group's first edge names the finding).
        let mut groups: Vec<(usize, String, String, Vec<usize>)> = Vec::new();
        let mut index: std::collections::HashMap<(usize, usize, String), usize> =
            std::collections::HashMap::new();
        for (ei, edge) in ctx.graph.edges.iter().enumerate() {
            if edge.mode == EdgeMode::Entry {
                continue;
            }
            let Some(Transport::Plain {
                protocol,
                evidence: proto_evidence,
            }) = transport_of(model, edge)
            else {
                continue;
            };
            if encryption_in_transit_evidence(ctx, edge).is_some() || super::loopback(model, edge) {
                continue;
            }
            let key = (edge.source, edge.destination, protocol.clone());
            match index.get(&key) {
                Some(g) => groups[*g].3.push(edge.relationship),
                None => {
                    index.insert(key, groups.len());
                    groups.push((ei, protocol, proto_evidence, vec![edge.relationship]));
                }
            }
        }
        for (ei, protocol, proto_evidence, rels) in groups {
            let edge = &ctx.graph.edges[ei];
            let rel = &model.relationships[edge.relationship];
            let (src, dst) = (edge.source, edge.destination);
            let mut same_pair: Vec<&str> = Vec::new();
            for r in &rels {
                let id = model.relationships[*r].id.as_str();
                if !same_pair.contains(&id) {
                    same_pair.push(id);
                }
            }
            // Crossing a trust boundary: from an outside actor, client or system, or out to a
            // third party. Inside the network clear text is still readable by anyone on the
            // path (medium); on one host it is low.
            let untrusted_source = super::is_untrusted(ctx, src);
            let external_destination = ctx.roles[dst].external;
            let boundary = untrusted_source || external_destination;
            let sensitive = [src, dst].iter().find_map(|&n| {
                classification(&model.nodes[n].metadata).filter(|c| is_sensitive(c))
            });
            let same_host = !ctx.graph.hosts[src].is_empty()
                && ctx.graph.hosts[src]
                    .iter()
                    .any(|h| ctx.graph.hosts[dst].contains(h) && super::is_host_like(ctx, *h));
            // Encryption stated only in words ("link encrypted by the scheme interface", "over
            // the VPN"): kept as a finding, at low, until it is declared.
            let prose = prose_encryption(&rel.description);
            // Both stated-in-words encryption and a link that never leaves its host: low.
            let (likelihood, impact) = if prose.is_some() || same_host {
                (1, 2)
            } else if boundary && sensitive.is_some() {
                (4, 4)
            } else if boundary {
                (3, 3)
            } else {
                (2, 3)
            };
            let src_id = &model.nodes[src].id;
            let dst_id = &model.nodes[dst].id;
            let mut b = ctx
                .finding(&META, &[rel.id.as_str()])
                .title(format!("{src_id} → {dst_id} uses {protocol} without encryption in transit"))
                .score(likelihood, impact)
                .nodes([src_id.as_str(), dst_id.as_str()])
                .relationships(same_pair.iter().copied())
                .evidence("protocol", proto_evidence)
                .evidence("no-tls", "no encrypted scheme/port on the interface, no tls/ssl metadata and no encryption-in-transit control on the relationship, its nodes or the architecture");
            if let Some(c) = &sensitive {
                b = b.evidence(
                    "data-classification",
                    format!("data classified `{c}` crosses this connection"),
                );
            }
            if untrusted_source {
                b = b.evidence(
                    "untrusted-source",
                    format!("{src_id} is an outside actor, client software or an external system"),
                );
            } else if external_destination {
                b = b.evidence(
                    "external-destination",
                    format!("{dst_id} is a third-party or external system"),
                );
            } else if !same_host {
                b = b.evidence(
                    "internal",
                    "both ends are inside the organisation's network: readable by anyone on that network path",
                );
            }
            if let Some(p) = &prose {
                b = b.evidence(
                    "prose-only",
                    format!("encryption is stated only in the description (\"{p}\"): declare it (`tls: true` or an encryption-in-transit control)"),
                );
            }
            if same_pair.len() > 1 {
                b = b.evidence(
                    "same-connection",
                    format!(
                        "{} relationships between these nodes use it: {}",
                        same_pair.len(),
                        same_pair.join(", ")
                    ),
                );
            }
            if same_host {
                b = b.evidence("same-host", "both ends are deployed in the same host/pod");
            }
            let upgrade = match protocol.as_str() {
                "HTTP" => Some("HTTPS"),
                "FTP" => Some("SFTP"),
                _ => None,
            };
            b = b
                .rationale(format!(
                    "{protocol} from {src_id} to {dst_id} can be read or altered by anyone on the network path{}.",
                    sensitive.as_ref().map(|c| format!(", and the data is classified `{c}`")).unwrap_or_default()
                ))
                .recommendation(match upgrade {
                    Some(p) => format!("Switch `{}` to {p} (and the interface URL scheme) so the connection is encrypted.", rel.id),
                    None => format!(
                        "Keep {protocol} and declare TLS for it: add a data-encryption control with `encryption-in-transit` on `{}` (mTLS for service-to-service traffic).",
                        rel.id
                    ),
                });
            if upgrade.is_none() {
                b = super::with_add_control(
                    b,
                    &format!("relationship:{}", rel.id),
                    "data-encryption",
                    "Encrypt this connection with TLS",
                    &["encryption-in-transit=TLS 1.3"],
                    "Declare TLS 1.3 encryption in transit on the relationship (the protocol is kept).",
                );
            }
            if rel.protocol.is_none() {
                // Protocol read from the interface, not stated on the relationship.
                b = b.confidence(Confidence::Medium);
            }
            out.push(b.build());
        }
        out
    }
}

/// Encryption stated in a relationship's words (not declared): "encrypted", "TLS", "VPN",
/// "IPsec", "mTLS"; a negated mention ("not encrypted", "without TLS") is not evidence.
fn prose_encryption(text: &str) -> Option<String> {
    crate::evidence::in_prose(text, |w| {
        w.starts_with("encrypt") || matches!(w, "tls" | "ssl" | "vpn" | "ipsec" | "mtls")
    })
}
