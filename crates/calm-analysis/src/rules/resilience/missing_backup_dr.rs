//! RES-15 `missing-backup-dr`.

use super::evidence_in;
use crate::context::Context;
use crate::finding::{Category, Finding, Severity};
use crate::normalize::truthy;
use crate::roles::Role;
use crate::rules::{Rule, RuleDoc, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "missing-backup-dr",
    code: "RES-15",
    category: Category::Resilience,
    default_severity: Severity::Medium,
    summary: "stateful store without backup / disaster-recovery definition",
    tags: &["resilience", "seems:spof"],
    doc: RuleDoc {
        what: "A database or storage node (not a cache, not `rebuildable: true`) where neither the \
node, its redundancy group/cluster nor a control declares backups or DR: metadata keys starting \
with `backup` (`backup-frequency`, `backup-schedule`, `backup-policy`…), or control config \
`backup-frequency`, `backup-retention-period`, `disaster-recovery-region`.",
        why: "Replication copies mistakes and corruption instantly; only backups with tested restores \
bring data back after deletion, ransomware or a region loss.",
        example: "`ledger-db` (PostgreSQL), no backup metadata, no disaster-recovery control.",
        how_to_fix: "Define automated backups, retention and a DR region: `calm-advisor fix FILE \
add-control --scope node:ledger-db --id disaster-recovery --config backup-frequency=daily \
backup-retention-days=35`.",
        false_positives: "Derived or rebuildable stores: declare `rebuildable: true`. Not reported: \
external systems and managed stores the provider backs up (RDS, Aurora, DynamoDB, S3 and the like, \
from the platform catalogue or a `managed` declaration). High only when the store's \
`data-classification` is confidential or stricter.",
        references: &[
            "https://docs.aws.amazon.com/wellarchitected/latest/reliability-pillar/back-up-data.html",
        ],
    },
};

const KEYS: &[&str] = &[
    "backup-frequency",
    "backup-retention-period",
    "backup-retention-days",
    "disaster-recovery-region",
    "backup-schedule",
    "backup-policy",
    "backup-strategy",
    "backup",
    "backups",
    "point-in-time-recovery",
    "pitr",
];

pub struct MissingBackupDr;

fn has_backup(ctx: &Context, n: usize) -> bool {
    let nd = &ctx.model.nodes[n];
    nd.metadata
        .keys()
        .any(|k| k.to_ascii_lowercase().starts_with("backup"))
        || evidence_in(
            &nd.metadata,
            &nd.controls,
            KEYS,
            &["backup", "disaster-recovery"],
        )
        .is_some()
}

impl Rule for MissingBackupDr {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        if evidence_in(
            &ctx.model.metadata,
            &ctx.model.controls,
            &[
                "backup-frequency",
                "disaster-recovery-region",
                "backup-policy",
            ],
            &["backup", "disaster-recovery"],
        )
        .is_some()
        {
            return Vec::new();
        }
        let mut out = Vec::new();
        for n in 0..ctx.model.nodes.len() {
            // Someone else's system, or a managed store the provider backs up (RDS automated
            // backups, S3 versioning and durability): not ours to declare.
            if !matches!(ctx.role(n), Role::Database | Role::Storage)
                || ctx.roles[n].external
                || ctx.roles[n].platform.is_some()
            {
                continue;
            }
            if ctx.model.nodes[n]
                .metadata
                .get("rebuildable")
                .is_some_and(truthy)
            {
                continue;
            }
            // Group members and their cluster share one backup policy: one finding per group.
            let members = &ctx.redundancy.supernodes[ctx.redundancy.super_of[n]];
            if members
                .iter()
                .any(|m| *m < n && matches!(ctx.role(*m), Role::Database | Role::Storage))
            {
                continue;
            }
            let mut scope: Vec<usize> = members.clone();
            for m in members {
                scope.extend(ctx.graph.parents[*m].iter().copied());
            }
            if scope.iter().any(|x| has_backup(ctx, *x)) {
                continue;
            }
            let sensitive = crate::rules::security::classification(&ctx.model.nodes[n].metadata)
                .is_some_and(|c| crate::rules::security::is_sensitive(&c));
            let id = ctx.node_id(n).to_string();
            out.push(
                ctx.finding(&META, &[&id])
                    .title(format!("{id} declares no backup or disaster-recovery policy"))
                    .score(2, if sensitive { 4 } else { 3 })
                    .confidence(ctx.roles[n].confidence)
                    .nodes([id.clone()])
                    .flows(super::flow_ids(ctx, &ctx.flows_with(n)))
                    .evidence("no-backup", "no backup-* metadata and no backup/disaster-recovery control on the store, its cluster or the architecture")
                    .rationale(format!("{} holds state but the model says nothing about backups or DR: replication (if any) copies deletions and corruption, and a region loss or ransomware has no way back.", ctx.label(n)))
                    .recommendation(format!("Define automated backups with retention, a DR region and tested restores for {id}."))
                    .fix("add-control", &["--scope", &format!("node:{id}"), "--id", "disaster-recovery", "--config", "backup-frequency=daily", "backup-retention-days=35"], "safe", format!("declares backups for {id}"))
                    .build(),
            );
        }
        out
    }
}
