//! SEC-06 `sensitive-store-unencrypted-at-rest`.

use super::{
    classification, control_evidence, is_regulated, is_sensitive, meta_get, with_add_control,
};
use crate::context::Context;
use crate::finding::{Category, Finding, Severity};
use crate::roles::Role;
use crate::rules::{Rule, RuleDoc, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "sensitive-store-unencrypted-at-rest",
    code: "SEC-06",
    category: Category::Security,
    default_severity: Severity::Medium,
    summary: "confidential/PII store without encryption-at-rest evidence",
    tags: &["security", "stride:information-disclosure"],
    doc: RuleDoc {
        what: "A datastore (database, cache, storage), queue or data asset whose \
`data-classification` (on the node or inherited from a `composed-of` parent) is confidential, \
restricted, PII, PCI or PHI, with no sign that the data is encrypted at rest.\n\nEvidence that \
clears it: node or parent metadata `encryption-at-rest`, `encrypted`, `encryption` (e.g. \
`provider-managed`), `kms-key`; a control on the node or a parent whose config has \
`encryption-at-rest`/`key-management`, or whose id/requirement-url says encryption-at-rest; an \
architecture-level control or metadata of the same kind (a policy that covers every store).",
        why: "Backups, snapshots, decommissioned disks, replicas in other accounts and storage-level \
access bypass the application's access control. Encryption at rest with managed keys limits that \
exposure and is required by most regimes for regulated data (PCI DSS 3.5, HIPAA 164.312, GDPR \
Art. 32).\n\nSeverity: medium; high for PII, PCI and PHI; medium at most for managed stores \
(providers commonly encrypt by default) and for stores whose sensitivity is only inferred from \
their name or description (low confidence).",
        example: "```json\n{\"unique-id\": \"imaging-store\", \"node-type\": \"database\",\n \"metadata\": [{\"owner\": \"radiology-it\"}, {\"data-classification\": \"PII\"}]}\n```",
        how_to_fix: "Enable storage encryption with managed keys and declare it, e.g.\n\
`calm-advisor fix FILE add-control --scope node:DB --id data-encryption --config \
encryption-at-rest=AES-256 key-management=kms`, or metadata `encryption: provider-managed` for a \
managed store that encrypts by default.",
        false_positives: "Stores encrypted by the platform by default: declare `encryption: \
provider-managed` on the node, or an architecture-level encryption-at-rest requirement. Data that \
is classified but public by nature (published prices): correct the classification. A store with \
no classification whose own name or description says it holds customer accounts, credentials, \
payments, trades or personal data is reported too, at medium at most and with low confidence: \
classify it (`data-classification`) to confirm or clear it.",
        references: &[
            "https://cwe.mitre.org/data/definitions/311.html",
            "https://calm.finos.org/traderx/control-requirement/data-encryption",
        ],
    },
};

const META_KEYS: &[&str] = &[
    "encryption-at-rest",
    "encrypted",
    "encryption",
    "at-rest-encryption",
    "storage-encryption",
    "kms-key",
    "tde",
];
const CONFIG_KEYS: &[&str] = &[
    "encryption-at-rest",
    "at-rest-encryption",
    "storage-encryption",
    "kms-key",
];
const WORDS: &[&str] = &["encryption-at-rest", "encryption at rest", "at-rest"];

pub struct SensitiveStoreUnencryptedAtRest;

impl Rule for SensitiveStoreUnencryptedAtRest {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let index = super::FlowIndex::build(ctx);
        let m = &ctx.model;
        // A policy for the whole architecture covers every store.
        if meta_get(&m.metadata, META_KEYS).is_some()
            || control_evidence(&m.controls, CONFIG_KEYS, WORDS).is_some()
        {
            return Vec::new();
        }
        let mut out = Vec::new();
        for n in 0..m.nodes.len() {
            let role = ctx.roles[n].role;
            if !(role.is_datastore() || role.is_messaging() || role == Role::DataAsset) {
                continue;
            }
            // The node itself, then its composed-of ancestors (a cluster declares for its members).
            let scope: Vec<usize> = std::iter::once(n).chain(ctx.graph.ancestors(n)).collect();
            let declared = scope
                .iter()
                .find_map(|&s| classification(&m.nodes[s].metadata).map(|c| (c, s)));
            // Undeclared: what the store's own words say it holds (customer accounts,
            // credentials, trades, payments…) — a weaker premise, reported at medium at most
            // and with low confidence.
            let inferred = if declared.is_none() && role.is_datastore() {
                super::sensitive_words(&format!(
                    "{} {} {}",
                    m.nodes[n].id, m.nodes[n].name, m.nodes[n].description
                ))
            } else {
                None
            };
            let (class, from) = match (declared, &inferred) {
                (Some((c, s)), _) => (c, s),
                (None, Some(w)) => (format!("{w} (from its description)"), n),
                (None, None) => continue,
            };
            if inferred.is_none() && !is_sensitive(&class) {
                continue;
            }
            let covered = scope.iter().any(|&s| {
                meta_get(&m.nodes[s].metadata, META_KEYS).is_some()
                    || control_evidence(&m.nodes[s].controls, CONFIG_KEYS, WORDS).is_some()
            });
            if covered {
                continue;
            }
            // Containers of a group are judged through their members' evidence only when they
            // hold data themselves; skip pure containers with members.
            if !ctx.graph.children[n].is_empty() && ctx.graph.inc[n].is_empty() {
                continue;
            }
            let id = &m.nodes[n].id;
            let regulated = is_regulated(&class);
            let mut b = ctx
                .finding(&META, &[id.as_str()])
                .title(format!("{id} holds `{class}` data with no encryption at rest declared"))
                .score(if inferred.is_some() { 2 } else { 3 }, if regulated { 3 } else { 2 })
                // Managed stores are commonly encrypted by the provider: medium until declared.
                .cap(if ctx.roles[n].platform.is_some() { crate::finding::Severity::Medium } else { crate::finding::Severity::Critical })
                .confidence(if inferred.is_some() { crate::finding::Confidence::Low } else { crate::finding::Confidence::High })
                .nodes([id.as_str()])
                .flows(super::flow_ids(ctx, &index.flows_of(ctx, n))).weight(super::weight(ctx, &index.flows_of(ctx, n)))
                .evidence(
                    "data-classification",
                    if from == n { format!("data-classification `{class}`") } else { format!("data-classification `{class}` inherited from {}", m.nodes[from].id) },
                )
                .evidence("no-encryption-at-rest", "no encryption-at-rest metadata or control on the store, its parents or the architecture")
                .rationale(format!(
                    "{id} stores `{class}` data; without encryption at rest, backups, snapshots and storage-level access expose it outside the application's access control."
                ))
                .recommendation(format!("Enable encryption at rest with managed keys for {id} and declare it with a data-encryption control."));
            b = with_add_control(
                b,
                &format!("node:{id}"),
                "data-encryption",
                "Encrypt stored data with managed keys",
                &["encryption-at-rest=AES-256", "key-management=kms"],
                "Declare AES-256 encryption at rest with KMS-managed keys on the store.",
            );
            out.push(b.build());
        }
        out
    }
}
