//! SEC-03 `public-entry-without-gateway-or-waf`.

use super::{control_evidence, is_internal_only, is_untrusted, meta_get};
use crate::context::Context;
use crate::finding::{Category, Finding, Severity};
use crate::roles::Role;
use crate::rules::{Rule, RuleDoc, RuleMeta};
use std::collections::BTreeSet;

pub static META: RuleMeta = RuleMeta {
    id: "public-entry-without-gateway-or-waf",
    code: "SEC-03",
    category: Category::Security,
    default_severity: Severity::Medium,
    summary: "actor-facing service not fronted by a gateway, WAF or load balancer",
    tags: &["security", "stride:tampering", "stride:denial-of-service"],
    doc: RuleDoc {
        what: "A node of your own (role service, or anything that is not a gateway, load balancer, \
WAF, CDN, client or datastore) that actors, web clients or external systems call directly.\n\n\
Detection: inbound `interacts` or `connects` edges from an untrusted source (actor, web client, \
external system). Datastores reached that way are reported by `datastore-direct-from-untrusted` \
(SEC-02) instead. Cleared by `internal: true`/VPN/IP-allow-list metadata on the node, or by WAF \
evidence on the node (a control or metadata naming `waf`/`web-application-firewall`).",
        why: "Application code exposed without an edge component has to do everything an edge does: \
TLS termination, request size limits, schema validation, authentication, bot and DDoS filtering, \
OWASP rule sets. It rarely does all of it, and every service exposed this way multiplies the \
attack surface (Threagile unguarded-access-from-internet, missing-waf).",
        example: "`online-banking-web` (webclient) → `accounts-service` over HTTP, with no gateway \
between them.",
        how_to_fix: "Route the traffic through an API gateway or WAF (managed or self-run): add the \
node, retarget the actor/client relationships to it, and connect it to the service; put rate \
limiting and authentication there.",
        false_positives: "Services reachable only inside a corporate network: declare \
`internal: true` (or `vpn`/`ip-allowlist` metadata). A service with a WAF built into its platform: \
declare a `waf` control on the node. Entries that only employees and operators (internal \
actors, by their description or a `zone: internal` declaration) or the client software they alone \
use reach are not public and are not reported.",
        references: &[
            "https://github.com/Threagile/threagile (unguarded-access-from-internet, missing-waf rules)",
            "https://owasp.org/www-project-web-security-testing-guide/",
        ],
    },
};

pub struct PublicEntryWithoutGatewayOrWaf;

impl Rule for PublicEntryWithoutGatewayOrWaf {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let index = super::FlowIndex::build(ctx);
        let m = &ctx.model;
        let mut out = Vec::new();
        for n in 0..m.nodes.len() {
            let role = ctx.roles[n].role;
            if ctx.roles[n].external
                || role.is_datastore()
                || matches!(
                    role,
                    Role::Gateway
                        | Role::LoadBalancer
                        | Role::Waf
                        | Role::Cdn
                        | Role::Client
                        | Role::Actor
                        | Role::Idp
                        | Role::Directory
                )
            {
                continue;
            }
            if super::is_container(ctx, n) {
                continue;
            }
            let mut callers = BTreeSet::new();
            let mut rels = BTreeSet::new();
            for &e in &ctx.graph.inc[n] {
                let e = &ctx.graph.edges[e];
                if is_untrusted(ctx, e.source) {
                    callers.insert(m.nodes[e.source].id.as_str());
                    rels.insert(m.relationships[e.relationship].id.as_str());
                }
            }
            if callers.is_empty() {
                continue;
            }
            let meta = &m.nodes[n].metadata;
            if is_internal_only(meta).is_some()
                || meta_get(
                    meta,
                    &[
                        "waf",
                        "web-application-firewall",
                        "behind-gateway",
                        "behind-waf",
                    ],
                )
                .is_some()
                || control_evidence(
                    &m.nodes[n].controls,
                    &["waf", "rule-set"],
                    &[
                        "waf",
                        "web-application-firewall",
                        "web application firewall",
                    ],
                )
                .is_some()
            {
                continue;
            }
            let id = &m.nodes[n].id;
            let callers_s = callers.iter().copied().collect::<Vec<_>>().join(", ");
            let b = ctx
                .finding(&META, &[id.as_str()])
                .title(format!("{id} is called directly by {callers_s} with no gateway or WAF in front"))
                .score(3, 2)
                .nodes(std::iter::once(id.as_str()).chain(callers.iter().copied()))
                .relationships(rels.iter().copied())
                .flows(super::flow_ids(ctx, &index.flows_of(ctx, n))).weight(super::weight(ctx, &index.flows_of(ctx, n)))
                .evidence("entry-point", format!("untrusted callers: {callers_s}"))
                .evidence("no-edge-protection", format!("{id} is a {} ({}), not a gateway/WAF/load balancer, and declares no WAF", role.as_str(), ctx.roles[n].evidence))
                .rationale(format!(
                    "Requests from {callers_s} reach application code in {id} without an edge component filtering, validating and throttling them."
                ))
                .recommendation(format!("Put an API gateway or WAF in front of {id} and retarget {} to it.", rels.iter().copied().collect::<Vec<_>>().join(", ")));
            out.push(b.build());
        }
        out
    }
}
