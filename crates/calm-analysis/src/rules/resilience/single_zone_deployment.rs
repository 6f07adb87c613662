//! RES-07 `single-zone-deployment`.

use super::architecture_id;
use crate::availability::pct;
use crate::context::Context;
use crate::finding::{Category, Confidence, Finding, Severity};
use crate::rules::{Rule, RuleDoc, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "single-zone-deployment",
    code: "RES-07",
    category: Category::Resilience,
    default_severity: Severity::Medium,
    summary: "availability target ≥ 99.95 % but the deployment resolves to one zone/region",
    tags: &["resilience", "seems:shared-fate"],
    doc: RuleDoc {
        what: "The architecture or a flow targets ≥ 99.95 % availability (or declares a geo-redundancy \
/ DR requirement), the model has hosting information (`deployed-in`), and no node or control \
declares two or more zones or regions (`availability-zones`, `zones`, `regions`, `multi-az`) or a \
`disaster-recovery-region`.",
        why: "A zone outage takes down everything in it, replicas included. Above ~99.95 % a single \
zone's own availability is the ceiling.",
        example: "Target 99.99 %; every node `deployed-in` `eu-west-1a-cluster`.",
        how_to_fix: "Deploy across at least two availability zones (and a DR region if the target or \
policy requires it), and declare it: `calm-advisor fix FILE add-control --scope architecture \
--preset high-availability --config availability-zones=zone-a,zone-b`.",
        false_positives: "No deployment information at all: the advisor does not guess (DOC-01 \
covers incomplete models). Zones declared outside the model: declare them in the model.",
        references: &[
            "https://learn.microsoft.com/azure/well-architected/reliability/regions-availability-zones",
        ],
    },
};

pub struct SingleZoneDeployment;

impl Rule for SingleZoneDeployment {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let target = ctx
            .flows
            .iter()
            .filter_map(|f| f.availability.target.as_ref().and_then(|t| t.value))
            .fold(0.0f64, f64::max);
        let dr_required = ctx.model.controls.iter().any(|c| {
            let h = c.haystack();
            h.contains("geo-redundan") || h.contains("disaster-recovery")
        });
        if target < 0.9995 && !dr_required {
            return Vec::new();
        }
        if ctx.graph.hosts.iter().all(Vec::is_empty) {
            return Vec::new();
        }
        let zoned = ctx.redundancy.node.iter().any(|r| r.zones >= 2)
            || ctx
                .model
                .controls
                .iter()
                .flat_map(|c| c.config_entries())
                .any(|(k, v)| {
                    (matches!(k, "availability-zones" | "zones" | "regions")
                        && crate::normalize::number(v).is_none()
                        && v.as_array()
                            .map(|a| a.len() >= 2)
                            .unwrap_or_else(|| v.as_str().is_some_and(|s| s.contains(','))))
                        || k == "disaster-recovery-region"
                })
            || ctx
                .model
                .nodes
                .iter()
                .flat_map(|n| n.controls.iter())
                .flat_map(|c| c.config_entries())
                .any(|(k, _)| k == "disaster-recovery-region");
        if zoned {
            return Vec::new();
        }
        let id = architecture_id(ctx);
        vec![ctx
            .finding(&META, &[&id])
            .title(format!("target {} but the deployment declares a single zone/region", pct(target.max(0.0))))
            .score(if target >= 0.9999 { 3 } else { 2 }, 3)
            .confidence(Confidence::Medium)
            .evidence("target", if dr_required { "a geo-redundancy/disaster-recovery requirement is declared".to_string() } else { format!("highest flow/architecture target {}", pct(target)) })
            .evidence("zones", "no availability-zones/zones/regions/multi-az or disaster-recovery-region on any node or control")
            .rationale("Every deployed-in container resolves to one zone: a zone or region outage takes every component and every replica down together, which caps availability below the target.")
            .recommendation("Deploy across at least two availability zones (and a DR region where the target or policy requires it) and declare the zones in the model.")
            .fix("add-control", &["--scope", "architecture", "--preset", "high-availability", "--config", "availability-zones=zone-a,zone-b"], "safe", "declares a two-zone deployment requirement")
            .build()]
    }
}
