//! RES-03 `load-balancer-ha-undeclared`.

use super::{blast_evidence, blast_metrics, blast_sentence, flow_ids, impact_of};
use crate::context::Context;
use crate::finding::{Category, Finding, Severity};
use crate::roles::Role;
use crate::rules::{Rule, RuleDoc, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "load-balancer-ha-undeclared",
    code: "RES-03",
    category: Category::Resilience,
    default_severity: Severity::Low,
    summary: "load balancer without managed/HA/instances evidence",
    tags: &["resilience", "seems:spof"],
    doc: RuleDoc {
        what: "A node whose role is load balancer (inferred from node-type, name or metadata) with no \
`managed`, `high-availability`, `instances` ≥ 2, redundancy group, cloud load-balancer node-type or \
HA control.",
        why: "The load balancer added to remove a single point of failure is itself on every path. \
Cloud load balancers are redundant by construction, self-run ones are not; the model should say \
which it is, or reviewers cannot tell whether the front door is protected.",
        example: "`load-balancer` (node-type `service`) fronts two gateways; no metadata says it is \
managed or paired.",
        how_to_fix: "Declare how it is highly available: `calm-advisor fix FILE add-control --scope \
node:load-balancer --preset high-availability` (or metadata `managed: true` / `instances: 2` with \
`redundancy: active-passive`). Never add a second load balancer in front of the first.",
        false_positives: "Almost always managed in the cloud — which is why this is a documentation-\
style finding capped at medium. Declare `managed: true` to clear it.",
        references: &[
            "https://docs.aws.amazon.com/wellarchitected/latest/reliability-pillar/rel_withstand_component_failures_avoid_single_points_of_failure.html",
        ],
    },
};

pub struct LoadBalancerHaUndeclared;

impl Rule for LoadBalancerHaUndeclared {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let mut out = Vec::new();
        for n in 0..ctx.model.nodes.len() {
            if ctx.role(n) != Role::LoadBalancer
                || ctx.is_redundant_node(n)
                || ctx.redundancy.node[n].managed
            {
                continue;
            }
            let b = ctx.blast(&[n]);
            let id = ctx.node_id(n).to_string();
            out.push(
                ctx.finding(&META, &[&id])
                    .title(format!("load balancer {id} does not declare how it is highly available"))
                    .score(2, impact_of(ctx, &b))
                    .cap(Severity::Medium)
                    .confidence(ctx.roles[n].confidence)
                    .nodes([id.clone()])
                    .flows(flow_ids(ctx, &b.flows_broken))
                    .evidence("no-redundancy", "no managed/high-availability/instances metadata or HA control")
                    .evidence("role", format!("load-balancer ({})", ctx.roles[n].evidence))
                    .evidence("blast-radius", blast_evidence(ctx, &b))
                    .metric("blastRadius", blast_metrics(ctx, &b))
                    .rationale(format!("{} is on every path behind it; if it is a single self-run instance, {} when it fails.", ctx.label(n), blast_sentence(ctx, &b)))
                    .recommendation(format!("Declare {id} as a managed load balancer or an active/passive pair."))
                    .fix("add-control", &["--scope", &format!("node:{id}"), "--preset", "high-availability"], "safe", format!("declares {id} highly available"))
                    .weight(b.weight)
                    .build(),
            );
        }
        out
    }
}
