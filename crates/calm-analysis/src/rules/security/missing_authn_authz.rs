//! SEC-04 `missing-authn-authz`.

use super::{classification, control_evidence, is_sensitive, meta_get, with_add_control};
use crate::context::Context;
use crate::finding::{Category, Finding, Severity};
use crate::normalize::tokens;
use crate::roles::Role;
use crate::rules::{Rule, RuleDoc, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "missing-authn-authz",
    code: "SEC-04",
    category: Category::Security,
    default_severity: Severity::Medium,
    summary: "inbound edges to nodes handling sensitive data without authentication/authorization control",
    tags: &[
        "security",
        "stride:spoofing",
        "stride:elevation-of-privilege",
    ],
    doc: RuleDoc {
        what: "A node that handles confidential/PII/PCI/PHI data (its own `data-classification` or a \
`composed-of` parent's) — or, when nothing is classified, the front door of a critical flow (the \
node that actors, web clients or external systems reach directly or through a load balancer, \
WAF or CDN) — and receives calls that nothing shows to be authenticated.\n\nEvidence that clears the whole node: a control on \
the node, a parent or the architecture with config `auth-method`, `authentication`, \
`mfa-required`, `role-based-access`, `authorization`, `access-control`, or whose id/requirement-url \
says authentication/authorization/OAuth/OIDC/RBAC; metadata `authentication`/`auth-method`. \
Evidence that clears one inbound edge: such a control on the relationship, `mTLS` as protocol \
(service identity), relationship metadata `authentication`/`auth`, or a caller that is a gateway \
or load balancer which itself declares authentication (identity checked at the edge and \
forwarded). Load balancers, WAFs and CDNs are never targets; monitoring callers are ignored \
(Threagile missing-authentication).",
        why: "Without authentication anyone who can reach the node can act as any caller; without \
authorization every authenticated caller can do everything. Both are the first things an \
attacker inside the network (or a confused deputy) exploits.\n\nSeverity: medium; high when an \
actor or web client calls the node directly without any authentication evidence.",
        example: "`accounts-service` (`data-classification: confidential`) is called over HTTP by the \
web app, and neither the relationship, the service nor the architecture declares authentication.",
        how_to_fix: "Authenticate every caller (OAuth2/OIDC for users, with MFA for privileged \
humans; mTLS or signed tokens between services) and authorize each operation; declare it, e.g.\n\
`calm-advisor fix FILE add-control --scope node:SVC --id authentication --config \
auth-method=OAuth2 mfa-required=true`.",
        false_positives: "Authentication enforced by a mesh or platform the model does not show: \
declare it once as an architecture-level authentication control. Public, read-only data: set its \
`data-classification` to `public`.",
        references: &[
            "https://cwe.mitre.org/data/definitions/306.html",
            "https://cwe.mitre.org/data/definitions/862.html",
            "https://github.com/Threagile/threagile (missing-authentication rule)",
            "https://calm.finos.org/traderx/control-requirement/authentication",
        ],
    },
};

const AUTH_KEYS: &[&str] = &[
    "auth-method",
    "authentication",
    "authentication-method",
    "mfa-required",
    "role-based-access",
    "authorization",
    "access-control",
    "oauth",
    "jwt",
    "rbac",
    "auth-protocol",
];
const AUTH_WORDS: &[&str] = &[
    "authentication",
    "authorization",
    "authn",
    "authz",
    "oauth",
    "oauth2",
    "oidc",
    "openid",
    "rbac",
    "access-control",
    "access control",
];
const AUTH_META: &[&str] = &[
    "authentication",
    "auth-method",
    "auth",
    "authorization",
    "authn",
];

pub(crate) fn node_auth(ctx: &Context, n: usize) -> Option<String> {
    let m = &ctx.model;
    std::iter::once(n)
        .chain(ctx.graph.ancestors(n))
        .find_map(|s| {
            control_evidence(&m.nodes[s].controls, AUTH_KEYS, AUTH_WORDS).or_else(|| {
                meta_get(&m.nodes[s].metadata, AUTH_META).map(|(k, _)| format!("metadata `{k}`"))
            })
        })
}

pub struct MissingAuthnAuthz;

impl Rule for MissingAuthnAuthz {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let index = super::FlowIndex::build(ctx);
        let m = &ctx.model;
        if control_evidence(&m.controls, AUTH_KEYS, AUTH_WORDS).is_some()
            || meta_get(&m.metadata, AUTH_META).is_some()
        {
            return Vec::new();
        }
        let mut out = Vec::new();
        for n in 0..m.nodes.len() {
            let role = ctx.roles[n].role;
            if matches!(
                role,
                Role::Actor | Role::Client | Role::LoadBalancer | Role::Waf | Role::Cdn
            ) || ctx.roles[n].external
            {
                continue;
            }
            let class = std::iter::once(n)
                .chain(ctx.graph.ancestors(n))
                .find_map(|s| classification(&m.nodes[s].metadata));
            let flows = index.flows_of(ctx, n);
            let critical = flows.iter().any(|f| ctx.flows[*f].criticality >= 4);
            // Unclassified data only matters at the front door of a critical flow: the node
            // users reach first (directly or through a load balancer / WAF / CDN). Judging
            // every internal hop of every critical flow would bury the one finding that counts.
            let front_door = ctx.graph.inc[n]
                .iter()
                .map(|e| &ctx.graph.edges[*e])
                .any(|e| {
                    super::is_untrusted(ctx, e.source)
                        || matches!(
                            ctx.roles[e.source].role,
                            Role::LoadBalancer | Role::Waf | Role::Cdn
                        )
                });
            let in_scope = match &class {
                Some(c) => is_sensitive(c),
                None => critical && front_door,
            };
            if !in_scope || node_auth(ctx, n).is_some() {
                continue;
            }
            let mut open_rels: Vec<usize> = Vec::new();
            let mut human = false;
            for &e in &ctx.graph.inc[n] {
                let e = &ctx.graph.edges[e];
                let rel = &m.relationships[e.relationship];
                let caller = e.source;
                if tokens(&format!("{} {}", m.nodes[caller].id, m.nodes[caller].name))
                    .iter()
                    .any(|t| matches!(t.as_str(), "monitoring" | "prometheus" | "probe"))
                {
                    continue;
                }
                let edge_ok = rel
                    .protocol
                    .as_deref()
                    .is_some_and(|p| p.eq_ignore_ascii_case("mtls"))
                    || control_evidence(&rel.controls, AUTH_KEYS, AUTH_WORDS).is_some()
                    || meta_get(&rel.metadata, AUTH_META).is_some()
                    || (matches!(ctx.roles[caller].role, Role::Gateway | Role::LoadBalancer)
                        && node_auth(ctx, caller).is_some());
                if edge_ok {
                    continue;
                }
                if matches!(ctx.roles[caller].role, Role::Actor | Role::Client) {
                    human = true;
                }
                if !open_rels.contains(&e.relationship) {
                    open_rels.push(e.relationship);
                }
            }
            if open_rels.is_empty() {
                continue;
            }
            let id = &m.nodes[n].id;
            let rel_ids: Vec<&str> = open_rels
                .iter()
                .map(|r| m.relationships[*r].id.as_str())
                .collect();
            let why_in_scope = match &class {
                Some(c) => format!("handles `{c}` data"),
                None => {
                    "is the entry of a critical flow and its data is not classified".to_string()
                }
            };
            let mut b = ctx
                .finding(&META, &[id.as_str()])
                .title(format!("{id} {why_in_scope} but its callers are not authenticated"))
                .score(3, if human { 3 } else { 2 })
                .nodes([id.as_str()])
                .relationships(rel_ids.iter().copied())
                .flows(super::flow_ids(ctx, &flows))
                .weight(super::weight(ctx, &flows))
                .evidence("scope", format!("{id} {why_in_scope}"))
                .evidence("unauthenticated-inbound", format!("no authentication evidence on {}", rel_ids.join(", ")))
                .rationale(format!(
                    "Anyone who can reach {id} over {} can call it as any user{}.",
                    rel_ids.join(", "),
                    if human { ", and a human caller reaches it directly" } else { "" }
                ))
                .recommendation(format!(
                    "Authenticate callers of {id} (OAuth2/OIDC for users, with MFA for privileged ones; mTLS between services) and authorize each operation; declare it with an authentication control."
                ));
            b = with_add_control(
                b,
                &format!("node:{id}"),
                "authentication",
                "Authenticate and authorize every caller",
                &["auth-method=OAuth2", "mfa-required=true"],
                "Declare OAuth2 authentication (MFA for humans) on the node.",
            );
            out.push(b.build());
        }
        out
    }
}
