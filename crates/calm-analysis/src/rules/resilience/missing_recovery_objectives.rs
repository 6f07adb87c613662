//! RES-16 `missing-recovery-objectives`.

use super::evidence_in;
use crate::context::Context;
use crate::finding::{Category, Finding, Severity};
use crate::normalize::number;
use crate::rules::{Rule, RuleDoc, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "missing-recovery-objectives",
    code: "RES-16",
    category: Category::Resilience,
    default_severity: Severity::Medium,
    summary: "critical flow / HA architecture without RTO and RPO, or RPO below the async replication lag",
    tags: &["resilience", "premise:journey"],
    doc: RuleDoc {
        what: "(a) A critical flow (criticality high or above, or an availability target ≥ 99.9 %) \
where neither the flow, the architecture, nor any stateful node on the flow (or its cluster) \
declares both a recovery-time objective (`recovery-time-objective`, `rto`, `rto-minutes`) and a \
recovery-point objective (`recovery-point-objective`, `rpo`, `rpo-minutes`). (b) A declared RPO \
shorter than a declared asynchronous `replication-lag` on the same node or cluster.",
        why: "Without RTO/RPO nobody can size backups, replication mode or failover automation, and \
nobody can tell after an incident whether recovery met the business need.",
        example: "`inventory-check-flow` inherits the 99.9 % target; `inventory-database` declares no \
RTO/RPO.",
        how_to_fix: "State RTO and RPO for the flow or its stores: `calm-advisor fix FILE add-control \
--scope flow:ID --preset failover`; keep RPO ≥ replication lag (or switch to synchronous \
replication when RPO = 0).",
        false_positives: "Non-critical internal tools: mark the flow `criticality: low`. RTO/RPO set \
by an org policy referenced by URL only: the advisor cannot read it (suppress as accepted).",
        references: &[
            "https://docs.aws.amazon.com/wellarchitected/latest/reliability-pillar/rel_planning_for_recovery_objective_defined_recovery.html",
        ],
    },
};

const RTO: &[&str] = &[
    "recovery-time-objective",
    "rto",
    "rto-minutes",
    "rto-seconds",
    "recovery-time",
];
const RPO: &[&str] = &[
    "recovery-point-objective",
    "rpo",
    "rpo-minutes",
    "rpo-seconds",
    "recovery-point",
];

pub struct MissingRecoveryObjectives;

fn declares(ctx: &Context, n: usize, keys: &[&str]) -> bool {
    let nd = &ctx.model.nodes[n];
    evidence_in(&nd.metadata, &nd.controls, keys, &[]).is_some()
}

impl Rule for MissingRecoveryObjectives {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let mut out = Vec::new();
        let arch_rto = evidence_in(&ctx.model.metadata, &ctx.model.controls, RTO, &[]).is_some();
        let arch_rpo = evidence_in(&ctx.model.metadata, &ctx.model.controls, RPO, &[]).is_some();
        for f in ctx
            .flows
            .iter()
            .filter(|f| !f.implicit && f.criticality >= 3)
        {
            let mf = &ctx.model.flows[f.index.unwrap_or(0)];
            let flow_rto = arch_rto || evidence_in(&mf.metadata, &mf.controls, RTO, &[]).is_some();
            let flow_rpo = arch_rpo || evidence_in(&mf.metadata, &mf.controls, RPO, &[]).is_some();
            if flow_rto && flow_rpo {
                continue;
            }
            // Stateful nodes of the flow, with their clusters: each must be covered.
            let stores: Vec<usize> = f
                .closure
                .iter()
                .copied()
                .filter(|n| ctx.role(*n).is_datastore() || ctx.role(*n).is_messaging())
                .collect();
            let covered = |n: usize| {
                let mut scope = ctx.redundancy.supernodes[ctx.redundancy.super_of[n]].clone();
                scope.extend(ctx.graph.ancestors(n));
                (flow_rto || scope.iter().any(|x| declares(ctx, *x, RTO)))
                    && (flow_rpo || scope.iter().any(|x| declares(ctx, *x, RPO)))
            };
            let uncovered: Vec<String> = stores
                .iter()
                .filter(|n| !covered(**n))
                .map(|n| ctx.node_id(*n).to_string())
                .collect();
            if !stores.is_empty() && uncovered.is_empty() {
                continue;
            }
            let fid = f.id.clone();
            out.push(
                ctx.finding(&META, &[&fid])
                    .title(format!("{fid} is critical but declares no RTO/RPO{}", if uncovered.is_empty() { String::new() } else { format!(" for {}", super::and_list(&uncovered)) }))
                    .score(2, 3)
                    .confidence(crate::finding::Confidence::Medium)
                    .flows([fid.clone()])
                    .nodes(uncovered.clone())
                    .evidence("criticality", f.criticality_source.clone())
                    .evidence("missing", format!("{}{}", if flow_rto { "" } else { "no RTO " }, if flow_rpo { "" } else { "no RPO " }).trim().to_string())
                    .rationale(format!("{fid} matters ({}), but nothing states how fast it must recover or how much data may be lost, so failover, backups and replication cannot be sized or verified.", f.criticality_source))
                    .recommendation("State RTO and RPO for the flow or for each store it depends on, consistent with the replication mode.")
                    .fix("add-control", &["--scope", &format!("flow:{fid}"), "--preset", "failover"], "safe", format!("declares RTO/RPO for {fid}"))
                    .weight(f.criticality as u32)
                    .build(),
            );
        }
        // (b) RPO shorter than the asynchronous replication lag.
        for n in 0..ctx.model.nodes.len() {
            let nd = &ctx.model.nodes[n];
            let rpo = RPO.iter().find_map(|k| {
                nd.metadata
                    .get(*k)
                    .or_else(|| {
                        nd.controls
                            .iter()
                            .flat_map(|c| c.config_entries())
                            .find(|(ck, _)| ck == k)
                            .map(|x| x.1)
                    })
                    .map(|v| (k, v))
            });
            let lag = nd
                .metadata
                .get("replication-lag")
                .or_else(|| nd.metadata.get("replication-lag-seconds"));
            if let (Some((k, rv)), Some(lv)) = (rpo, lag) {
                let to_secs = |key: &str, v: &serde_json::Value| {
                    let x = number(v)?;
                    let unit = v
                        .get("unit")
                        .and_then(|u| u.as_str())
                        .map(str::to_string)
                        .unwrap_or_else(|| {
                            if key.ends_with("minutes") {
                                "minutes".into()
                            } else {
                                v.as_str().unwrap_or("seconds").to_string()
                            }
                        });
                    Some(if unit.contains("min") {
                        x * 60.0
                    } else if unit.contains("hour") {
                        x * 3600.0
                    } else {
                        x
                    })
                };
                if let (Some(r), Some(l)) = (to_secs(k, rv), to_secs("replication-lag", lv))
                    && r < l
                {
                    let id = nd.id.clone();
                    out.push(
                            ctx.finding(&META, &[&id])
                                .variant("rpo-below-lag")
                                .title(format!("{id}: RPO ({r}s) is shorter than the replication lag ({l}s)"))
                                .score(3, 3)
                                .nodes([id.clone()])
                                .evidence("inconsistent", format!("{k} = {r}s, replication-lag = {l}s"))
                                .rationale("An asynchronous replica that lags more than the RPO cannot meet it on failover: the promised data loss bound is false.")
                                .recommendation("Use synchronous replication, reduce the lag, or state the real RPO.")
                                .build(),
                        );
                }
            }
        }
        out
    }
}
