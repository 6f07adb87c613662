//! SEC-02 `datastore-direct-from-untrusted`.

use super::{classification, is_sensitive, is_untrusted};
use crate::context::Context;
use crate::finding::{Category, Finding, Severity};
use crate::graph::EdgeMode;
use crate::rules::{Rule, RuleDoc, RuleMeta};
use std::collections::BTreeMap;

pub static META: RuleMeta = RuleMeta {
    id: "datastore-direct-from-untrusted",
    code: "SEC-02",
    category: Category::Security,
    default_severity: Severity::High,
    summary: "datastore reached from an actor, web client or external system without a service in between",
    tags: &[
        "security",
        "stride:information-disclosure",
        "stride:tampering",
        "stride:elevation-of-privilege",
    ],
    doc: RuleDoc {
        what: "A database, cache or storage node (role inferred by the engine, so a cache modelled as \
`database` or an `aws:rds` node count) that is the target of an `interacts` or `connects` \
relationship whose source is an actor, a web client or an external system: nothing of yours \
stands between the untrusted side and the data.\n\nDetection: for every datastore, every inbound \
entry or call edge; the source is untrusted when its role is actor or client, or it is external \
(outside every ecosystem, or `external`/`third-party` metadata), or when it is deployed in a \
zone declared public (`deployed-in` container whose `trust-zone`, `zone-type`, `exposure` or \
`network-zone` metadata says public, dmz, internet, untrusted or external). One finding per \
(datastore, source). Services in other *internal* zones are not flagged: a three-tier layout \
across subnets is normal and the model rarely says which zones trust each other. File drops over FTP/SFTP onto storage are exempt (the file server is the interface).",
        why: "A datastore exposed to users or third parties means every query they can send runs \
with the application's data privileges: SQL injection becomes irrelevant because raw access is \
already granted, row-level authorization and input validation live nowhere, and credentials end \
up on desktops or partner systems. Threagile calls this unguarded direct datastore access.\n\n\
Severity: high from outside (an outside actor, the client software they use, an external \
system, a public zone); critical when the datastore holds confidential, PII, PCI or PHI data; \
for people inside the organisation medium with sensitive data (declared, or said by the store's \
own words) and low otherwise.",
        example: "```json\n{\"unique-id\": \"teller-queries-db\", \"relationship-type\": {\"interacts\":\n  {\"actor\": \"branch-teller\", \"nodes\": [\"core-banking-db\"]}}}\n```",
        how_to_fix: "Put a data-access service (API) between the untrusted side and the datastore \
that authenticates the caller, authorizes each operation and validates input; retarget the \
relationship to that service and let only the service connect to the datastore. For reporting \
needs, give analysts a read replica or warehouse behind their own access layer.",
        false_positives: "A datastore that is itself a managed API with per-user authorization \
(e.g. an object store accessed with pre-signed URLs) — declare a control with \
`auth-method`/`authorization` on the relationship and suppress with \
`metadata.calm-advisor.suppress: [{rule: datastore-direct-from-untrusted, status: accepted, …}]`. \
People inside the organisation (employees, operators, analysts) querying a store directly are \
reported too, two steps lower (medium when the store's classification or its own words say it \
holds customer, medical or payment data, low otherwise): there is still no service in between.",
        references: &[
            "https://github.com/Threagile/threagile (unguarded-direct-datastore-access rule)",
            "https://cwe.mitre.org/data/definitions/284.html",
        ],
    },
};

pub struct DatastoreDirectFromUntrusted;

impl Rule for DatastoreDirectFromUntrusted {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let index = super::FlowIndex::build(ctx);
        let m = &ctx.model;
        let mut out = Vec::new();
        for d in 0..m.nodes.len() {
            if !ctx.roles[d].role.is_datastore() {
                continue;
            }
            // source → relationships (BTreeMap: deterministic order)
            let mut sources: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
            for &e in &ctx.graph.inc[d] {
                let e = &ctx.graph.edges[e];
                // People and their client software reaching a store directly, employees
                // included (they are reported one step lower); external systems; public zones.
                let human = ctx.roles[e.source].role.is_client_side();
                if e.mode == EdgeMode::Batch
                    || !(human
                        || is_untrusted(ctx, e.source)
                        || public_zone(ctx, e.source).is_some())
                {
                    continue;
                }
                let rels = sources.entry(e.source).or_default();
                if !rels.contains(&e.relationship) {
                    rels.push(e.relationship);
                }
            }
            let class = classification(&m.nodes[d].metadata);
            // Declared sensitive, or (undeclared) a store whose words say it holds customer,
            // medical, payment… data.
            let sensitive = class.as_deref().is_some_and(is_sensitive)
                || (class.is_none()
                    && super::sensitive_words(&format!(
                        "{} {} {}",
                        m.nodes[d].id, m.nodes[d].name, m.nodes[d].description
                    ))
                    .is_some());
            for (s, rels) in sources {
                let (sid, did) = (&m.nodes[s].id, &m.nodes[d].id);
                let zone = public_zone(ctx, s);
                let who = if !is_untrusted(ctx, s) && zone.is_none() {
                    format!("internal {}", ctx.roles[s].role.as_str())
                } else if ctx.roles[s].external {
                    "external system".to_string()
                } else if let (Some(z), false) = (&zone, is_untrusted(ctx, s)) {
                    format!("{} in public zone {z}", ctx.roles[s].role.as_str())
                } else {
                    ctx.roles[s].role.as_str().to_string()
                };
                let rel_ids: Vec<&str> = rels
                    .iter()
                    .map(|r| m.relationships[*r].id.as_str())
                    .collect();
                let mut b = ctx
                    .finding(&META, &[did.as_str(), sid.as_str()])
                    .title(format!("{} {did} is reached directly by {who} {sid}", ctx.roles[d].role.as_str()))
                    .score(
                        match (is_untrusted(ctx, s) || zone.is_some(), sensitive) {
                            (true, true) => 4,
                            (true, false) => 3,
                            // An employee querying the store directly: still no service in
                            // between, but inside the organisation.
                            (false, true) => 2,
                            (false, false) => 1,
                        },
                        3,
                    )
                    .nodes([did.as_str(), sid.as_str()])
                    .relationships(rel_ids.iter().copied())
                    .flows(super::flow_ids(ctx, &index.flows_of(ctx, d))).weight(super::weight(ctx, &index.flows_of(ctx, d)))
                    .evidence("untrusted-source", format!("{sid} is an {who} ({})", zone.clone().unwrap_or_else(|| ctx.roles[s].evidence.clone())))
                    .evidence("direct-edge", format!("relationship(s) {} go straight to the datastore", rel_ids.join(", ")))
                    .rationale(format!(
                        "{sid} talks to {did} with no service of yours in between, so nothing authorizes individual operations or validates input before it reaches the data{}.",
                        class.as_ref().filter(|_| sensitive).map(|c| format!(" (classified `{c}`)")).unwrap_or_default()
                    ))
                    .recommendation(format!(
                        "Introduce a data-access service in front of {did}, retarget {} to it, and let only that service connect to the datastore.",
                        rel_ids.join(", ")
                    ));
                if let Some(c) = &class {
                    b = b.evidence("data-classification", format!("{did} holds `{c}` data"));
                }
                out.push(b.build());
            }
        }
        out
    }
}

/// The public/DMZ zone a node is deployed in, if any (nearest container first).
fn public_zone(ctx: &Context, n: usize) -> Option<String> {
    ctx.graph.host_chain(n).into_iter().find_map(|c| {
        let meta = &ctx.model.nodes[c].metadata;
        let declared = crate::context::map_any(
            meta,
            &[
                "trust-zone",
                "zone-type",
                "exposure",
                "network-zone",
                "trust-level",
            ],
        )
        .and_then(|(_, v)| v.as_str().map(str::to_ascii_lowercase))?;
        let public = crate::normalize::tokens(&declared).iter().any(|t| {
            matches!(
                t.as_str(),
                "public" | "dmz" | "internet" | "untrusted" | "external" | "internet-facing"
            )
        });
        public.then(|| format!("{} ({declared})", ctx.model.nodes[c].id))
    })
}
