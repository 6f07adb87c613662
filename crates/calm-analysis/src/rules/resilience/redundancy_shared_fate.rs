//! RES-06 `redundancy-shared-fate`.

use super::{and_list, blast_metrics, flow_ids};
use crate::availability::{hosting_of, is_failure_domain};
use crate::context::Context;
use crate::finding::{Category, Finding, Severity};
use crate::rules::{Rule, RuleDoc, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "redundancy-shared-fate",
    code: "RES-06",
    category: Category::Resilience,
    default_severity: Severity::Medium,
    summary: "all members of a redundancy group share one deployed-in failure domain",
    tags: &["resilience", "seems:shared-fate", "premise:journey"],
    doc: RuleDoc {
        what: "A redundancy group (declared, or replicas named by instance suffix) whose members are \
all deployed in the same failure domain — a `deployed-in` container with role network/zone, \
cluster/host or system, or `failure-domain` metadata — that is neither multi-zone nor redundant.",
        why: "Replicas only help if they fail independently. Two instances on one host, in one zone \
or one cluster go down together; the group's availability is capped by the container's \
(a_c × (1 − (1 − a)^n)).",
        example: "`router-1` and `router-2` both `deployed-in` `k8s-cluster-a` (one zone).",
        how_to_fix: "Spread the members over independent failure domains, or declare the container \
multi-zone: `calm-advisor fix FILE add-control --scope node:k8s-cluster-a --preset \
high-availability --config availability-zones=zone-a,zone-b`.",
        false_positives: "The container is only a diagram frame (a logical ecosystem): use \
`composed-of` for frames, `deployed-in` for real hosting, or declare `availability-zones` on it.",
        references: &[
            "https://docs.aws.amazon.com/prescriptive-guidance/latest/resilience-analysis-framework/shared-fate.html",
        ],
    },
};

pub struct RedundancySharedFate;

impl Rule for RedundancySharedFate {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let mut out = Vec::new();
        for g in &ctx.redundancy.groups {
            let mut common = hosting_of(ctx, g.members[0]);
            for m in &g.members[1..] {
                let h = hosting_of(ctx, *m);
                common.retain(|c| h.contains(c));
            }
            // The nearest shared failure domain that is neither multi-zone nor redundant.
            let Some(c) = common.into_iter().find(|c| {
                is_failure_domain(ctx, *c)
                    && ctx.redundancy.node[*c].zones < 2
                    && !ctx.is_redundant_node(*c)
                    && !g.members.contains(c)
            }) else {
                continue;
            };
            let b = ctx.blast(&[c]);
            let high_target = ctx.flows.iter().any(|f| {
                f.availability
                    .target
                    .as_ref()
                    .and_then(|t| t.value)
                    .is_some_and(|t| t >= 0.9995)
            });
            let cid = ctx.node_id(c).to_string();
            let members: Vec<String> = g
                .members
                .iter()
                .map(|m| ctx.node_id(*m).to_string())
                .collect();
            out.push(
                ctx.finding(&META, &[&cid, &members[0]])
                    .title(format!("replicas {} all run in {cid}", and_list(&members)))
                    .score(if high_target { 3 } else { 2 }, 3)
                    .confidence(g.confidence)
                    .nodes(std::iter::once(cid.clone()).chain(members.clone()))
                    .flows(flow_ids(ctx, &b.flows_broken))
                    .evidence("group", g.evidence.join("; "))
                    .evidence("shared-fate", format!("every member is deployed in {cid}, which declares no zones and no redundancy"))
                    .metric("blastRadius", blast_metrics(ctx, &b))
                    .rationale(format!(
                        "{} are redundant only on paper: they all run in {}, so a failure of {cid} takes every replica down at once and the group is no more available than {cid} itself.",
                        and_list(&members),
                        ctx.label(c)
                    ))
                    .recommendation(format!("Spread the replicas over independent failure domains (zones, hosts, clusters), or make {cid} multi-zone."))
                    .fix("add-control", &["--scope", &format!("node:{cid}"), "--preset", "high-availability", "--config", "availability-zones=zone-a,zone-b"], "safe", format!("declares {cid} as spread over two availability zones"))
                    .weight(b.weight)
                    .build(),
            );
        }
        out
    }
}
