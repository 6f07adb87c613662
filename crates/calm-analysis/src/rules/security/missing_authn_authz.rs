//! SEC-04 `missing-authn-authz`.

use super::{classification, control_evidence, is_sensitive, meta_get, with_add_control};
use crate::context::Context;
use crate::finding::{Category, Finding, Severity};
use crate::normalize::{Kind, Relationship, identifier_words, tokens};
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
        what: "A server-side node that receives calls nothing shows to be authenticated, when those \
calls matter: (1) it is an internet-facing entry (an outside actor, client software such actors \
use, or an external system calls it); (2) a call writes, executes or administers (the \
relationship or the callee speaks of create/update/delete, submit, place, book, execute, run, \
approve, transfer, pay, upload, provision, deploy, admin, manage…, or an operation the callee's \
interface lists starts with such a verb: gRPC methods and operation ids such as `SubmitTrade`, \
HTTP `POST`/`PUT`/`PATCH`/`DELETE` operations; only the interfaces the relationship names, when \
it names any); or (3) it handles \
confidential/PII/PCI/PHI data (its own `data-classification` or a `composed-of` parent's).\n\n\
Evidence that clears the whole node: a control on the node, a parent or the architecture with \
config `auth-method`, `authentication`, `mfa-required`, `role-based-access`, `authorization`, \
`access-control`, or whose id/requirement-url says authentication/authorization/OAuth/OIDC/RBAC; \
metadata `authentication`/`auth-method`/`auth` that is not `false`/`none`. Evidence that clears one \
inbound edge: such a control on the relationship, `mTLS` as protocol, relationship metadata \
`authentication`/`auth`, or a caller that is a gateway or load balancer which itself declares \
authentication. Authentication stated only in a description (\"validates JWT tokens\") keeps the \
finding at low, with the sentence as evidence. Load balancers, WAFs, CDNs, client software, \
actors, external systems and containers are never targets; monitoring callers are ignored \
(Threagile missing-authentication). Outside callers count when they reach the node directly or \
through edge routers (load balancer, WAF, CDN) and a gateway that declare no authentication; a \
node or caller named admin/management/console/executor makes its calls privileged.",
        why: "Without authentication anyone who can reach the node can act as any caller; without \
authorization every authenticated caller can do everything. Both are the first things an \
attacker inside the network (or a confused deputy) exploits.\n\nSeverity: medium; high when \
outside callers reach it and it handles classified sensitive data or the calls move money, \
administer or execute (refund, transfer, pay, approve, deploy, admin); low when authentication is \
stated only in prose.",
        example: "`accounts-service` (`data-classification: confidential`) is called over HTTP by the \
web app, and neither the relationship, the service nor the architecture declares authentication.",
        how_to_fix: "Authenticate every caller (OAuth2/OIDC for users, with MFA for privileged \
humans; mTLS or signed tokens between services) and authorize each operation; declare it, e.g.\n\
`calm-advisor fix FILE add-control --scope node:SVC --id authentication --config \
auth-method=OAuth2 mfa-required=true`.",
        false_positives: "Authentication enforced by a mesh or platform the model does not show: \
declare it once as an architecture-level authentication control. Public, read-only data: set its \
`data-classification` to `public`. Words decide what is a write or an execution: an edge described \
as \"submits a query\" counts as a write; suppress such a finding with a justification.",
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

/// Verbs of a call that changes state, moves money or runs something.
const WRITE_WORDS: &[&str] = &[
    // Verbs only: nouns such as "order" or "payment" name services as often as actions.
    "write",
    "writes",
    "create",
    "creates",
    "update",
    "updates",
    "delete",
    "deletes",
    "submit",
    "submits",
    "places",
    "books",
    "execute",
    "executes",
    "runs",
    "approve",
    "approves",
    "transfer",
    "transfers",
    "pays",
    "upload",
    "uploads",
    "provision",
    "provisions",
    "deploy",
    "deploys",
    "modify",
    "modifies",
    "manage",
    "manages",
    "administer",
    "administers",
    "persist",
    "persists",
    "stores",
    "saves",
    "completes",
    "register",
    "registers",
    "invoke",
    "invokes",
    "trigger",
    "triggers",
    "refund",
    "refunds",
    "approve",
    "settles",
    // Imperatives used as call labels ("Place Trade", "Cancel Order").
    "place",
    "cancel",
    "cancels",
    "amend",
    "amends",
    "insert",
    "inserts",
];

/// The first word of an operation that changes state, moves money or runs something
/// (`SubmitTrade`, `CreateOrder`, `POST /orders`): operation names start with their verb.
const WRITE_OPERATION_VERBS: &[&str] = &[
    "post",
    "put",
    "patch",
    "delete",
    "create",
    "update",
    "remove",
    "submit",
    "place",
    "cancel",
    "amend",
    "execute",
    "run",
    "approve",
    "reject",
    "transfer",
    "pay",
    "refund",
    "upload",
    "provision",
    "deploy",
    "modify",
    "set",
    "insert",
    "write",
    "save",
    "store",
    "register",
    "invoke",
    "trigger",
    "settle",
    "book",
    "add",
];

/// Calls that move money, administer or execute: unauthenticated from outside, they are high.
const DANGEROUS: &[&str] = &[
    "refund",
    "transfer",
    "pays",
    "payout",
    "execute",
    "admin",
    "approve",
    "deploy",
    "provision",
    "executor",
    "execution",
];

/// A router (gateway, load balancer, WAF, CDN) that declares no authentication and takes
/// traffic from outside, directly or through other such routers.
fn exposed_router(ctx: &Context, n: usize) -> bool {
    let mut seen = vec![n];
    let mut stack = vec![n];
    while let Some(x) = stack.pop() {
        if !matches!(
            ctx.roles[x].role,
            Role::Gateway | Role::LoadBalancer | Role::Waf | Role::Cdn
        ) || node_auth(ctx, x).is_some()
        {
            continue;
        }
        for e in &ctx.graph.inc[x] {
            let src = ctx.graph.edges[*e].source;
            if super::is_untrusted(ctx, src) {
                return true;
            }
            // Only through edge routers (load balancer, WAF, CDN) in front: a gateway behind a
            // gateway is an internal hop, judged on its own.
            if matches!(
                ctx.roles[src].role,
                Role::LoadBalancer | Role::Waf | Role::Cdn
            ) && !seen.contains(&src)
            {
                seen.push(src);
                stack.push(src);
            }
        }
    }
    false
}

/// The first operation that writes or executes among the callee's interfaces that `rel` names
/// (all of the callee's when it names none), as "operation SubmitTrade of trade-api".
fn write_operation(ctx: &Context, callee: usize, rel: &Relationship) -> Option<String> {
    let named: &[String] = match &rel.kind {
        Kind::Connects {
            destination_interfaces,
            ..
        } => destination_interfaces,
        _ => &[],
    };
    ctx.model.nodes[callee]
        .interfaces
        .iter()
        .filter(|i| named.is_empty() || named.contains(&i.id))
        .find_map(|i| {
            i.operations
                .iter()
                .find(|op| {
                    identifier_words(op)
                        .first()
                        .is_some_and(|w| WRITE_OPERATION_VERBS.contains(&w.as_str()))
                })
                .map(|op| format!("operation {op} of {}", i.id))
        })
}

/// The first write/execute verb of a relationship description, as "creates", "executes"…
fn write_word(description: &str) -> Option<String> {
    tokens(description)
        .into_iter()
        .find(|t| WRITE_WORDS.contains(&t.as_str()))
}

/// A node whose name says it administers or executes.
fn privileged_word(name: &str) -> Option<String> {
    tokens(name)
        .into_iter()
        .find(|t| {
            matches!(
                t.as_str(),
                "admin"
                    | "administration"
                    | "management"
                    | "console"
                    | "executor"
                    | "execution"
                    | "provisioner"
            )
        })
        .map(|t| format!("administer ({t})"))
}

/// Authentication stated in prose ("validates eID JWTs", "OAuth2 login"), not declared; a
/// negated mention ("without authentication", "no login yet") is not evidence. "Authorization"
/// is too often what a call manages ("authorization policies") to count.
fn prose_auth(text: &str) -> Option<String> {
    if tokens(text).iter().any(|w| w.starts_with("unauthenticat")) {
        return None;
    }
    crate::evidence::in_prose(text, |w| {
        ["authenticat", "oauth", "oidc", "jwt", "saml", "mtls"]
            .iter()
            .any(|p| w.starts_with(p))
            || matches!(w, "sso" | "login" | "signin")
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
                || super::is_container(ctx, n)
                || node_auth(ctx, n).is_some()
            {
                continue;
            }
            let declared = std::iter::once(n)
                .chain(ctx.graph.ancestors(n))
                .find_map(|s| classification(&m.nodes[s].metadata));
            // Data declared public (not sensitive): an outside caller reading it is the point.
            let public = declared.as_ref().is_some_and(|c| !is_sensitive(c));
            let class = declared.filter(|c| is_sensitive(c));
            let flows = index.flows_of(ctx, n);
            // A node that administers or executes (an admin API or console, a job runner):
            // every call into it is privileged.
            let privileged = privileged_word(&format!("{} {}", m.nodes[n].id, m.nodes[n].name));
            let mut open_rels: Vec<usize> = Vec::new();
            let mut outside: Vec<usize> = Vec::new();
            let mut writes: Vec<String> = Vec::new();
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
                // Outside callers reach the node directly, or through routers (gateway, load
                // balancer, WAF, CDN) that check no identity on the way.
                let untrusted =
                    (super::is_untrusted(ctx, caller) || exposed_router(ctx, caller)) && !public;
                let write = write_word(&rel.description).or_else(|| write_operation(ctx, n, rel));
                if untrusted && !outside.contains(&caller) {
                    outside.push(caller);
                }
                // A store written by its own service authenticates with credentials the
                // secret rules look at; a write edge alone does not put a store in scope.
                let write =
                    write.filter(|_| !ctx.role(n).is_datastore() && !ctx.role(n).is_messaging());
                if let Some(w) = &write
                    && !writes.contains(w)
                {
                    writes.push(w.clone());
                }
                // An admin console's calls administer, whatever they say.
                let admin_caller =
                    privileged_word(&format!("{} {}", m.nodes[caller].id, m.nodes[caller].name));
                if let Some(w) = &admin_caller
                    && !writes.contains(w)
                {
                    writes.push(w.clone());
                }
                if (untrusted
                    || write.is_some()
                    || class.is_some()
                    || privileged.is_some()
                    || admin_caller.is_some())
                    && !open_rels.contains(&e.relationship)
                {
                    open_rels.push(e.relationship);
                }
            }
            // The node itself administers or executes (an admin API, a job runner).
            if writes.is_empty()
                && let Some(w) = &privileged
                && !open_rels.is_empty()
            {
                writes.push(w.clone());
            }
            if open_rels.is_empty() {
                continue;
            }
            // Authentication stated in words: on the node, on its open edges, or by the router
            // in front ("the gateway validates JWTs").
            let prose = prose_auth(&m.nodes[n].description)
                .or_else(|| {
                    open_rels
                        .iter()
                        .find_map(|r| prose_auth(&m.relationships[*r].description))
                })
                .or_else(|| {
                    ctx.graph.inc[n]
                        .iter()
                        .map(|e| ctx.graph.edges[*e].source)
                        .filter(|c| {
                            matches!(
                                ctx.roles[*c].role,
                                Role::Gateway | Role::LoadBalancer | Role::Waf | Role::Cdn
                            )
                        })
                        .find_map(|c| prose_auth(&m.nodes[c].description))
                });
            let id = &m.nodes[n].id;
            let rel_ids: Vec<&str> = open_rels
                .iter()
                .map(|r| m.relationships[*r].id.as_str())
                .collect();
            // An outside caller by name, or the router it comes through.
            let outside_ids: Vec<String> = outside
                .iter()
                .map(|c| {
                    if super::is_untrusted(ctx, *c) {
                        m.nodes[*c].id.clone()
                    } else {
                        format!("through {}", m.nodes[*c].id)
                    }
                })
                .collect();
            let why_in_scope = if let Some(c) = &class {
                format!("handles `{c}` data")
            } else if !outside.is_empty() {
                format!("is reached from outside ({})", outside_ids.join(", "))
            } else {
                format!(
                    "receives calls that change state or execute (\"{}\")",
                    writes.join("\", \"")
                )
            };
            // High only on a confirmed premise: an outside caller reaching classified data.
            // Prose-only authentication keeps the finding, at low.
            // Moving money, administering or executing on behalf of whoever asks.
            let dangerous = writes.iter().chain(privileged.iter()).any(|w| {
                let w = w.to_ascii_lowercase();
                DANGEROUS.iter().any(|d| w.contains(d))
            });
            let (likelihood, impact) = if prose.is_some() {
                (1, 2)
            } else if (class.is_some() || dangerous) && !outside.is_empty() {
                (3, 3)
            } else {
                (3, 2)
            };
            let mut b = ctx
                .finding(&META, &[id.as_str()])
                .title(format!("{id} {why_in_scope} but its callers are not authenticated"))
                .score(likelihood, impact)
                .nodes([id.as_str()])
                .relationships(rel_ids.iter().copied())
                .flows(super::flow_ids(ctx, &flows))
                .weight(super::weight(ctx, &flows))
                .evidence("scope", format!("{id} {why_in_scope}"))
                .evidence("unauthenticated-inbound", format!("no authentication evidence on {}", rel_ids.join(", ")))
                .evidence_if(!writes.is_empty(), "privileged-calls", format!("the calls say: \"{}\"", writes.join("\", \"")))
                .evidence_if(prose.is_some(), "prose-only", format!("authentication is stated only in prose: \"{}\" — declare it as a control", prose.clone().unwrap_or_default()))
                .rationale(format!(
                    "Anyone who can reach {id} over {} can call it as any user{}.",
                    rel_ids.join(", "),
                    if outside.is_empty() { String::new() } else { format!(", and it is reached from outside ({})", outside_ids.join(", ")) }
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
