//! RES-02 `single-ingress-path`.

use super::{and_list, blast_evidence, blast_metrics, blast_sentence, flow_ids};
use crate::context::Context;
use crate::finding::{Category, Finding, Severity};
use crate::graph::EdgeMode;
use crate::roles::Role;
use crate::rules::{Rule, RuleDoc, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "single-ingress-path",
    code: "RES-02",
    category: Category::Resilience,
    default_severity: Severity::High,
    summary: "all actor traffic enters through one non-redundant gateway or service",
    tags: &["resilience", "seems:spof"],
    doc: RuleDoc {
        what: "A gateway or service through which every actor's traffic must pass (it dominates \
every entry path in the dependency graph, computed per actor) and that has no redundancy: no \
`instances`/`replicas`, no HA flag, no redundancy group, no load balancer in front.",
        why: "The front door is the one component whose loss stops every journey at once: all \
actors, all flows. It is also the component exposed to the most load and to attacks, so it is \
the most likely to fail. Redundancy at the entry is the cheapest availability you can buy.",
        example: "Actors `customer` and `admin` both `interacts` with `api-gateway`; `api-gateway` \
has one instance and calls every service.",
        how_to_fix: "Put a (managed or HA) load balancer in front, run at least two gateway \
instances behind it with health checks, and point the actors at the load balancer:\n\
`calm-advisor fix FILE add-load-balancer --target api-gateway --names api-gateway-1,api-gateway-2` \
(clones the gateway, adds the load balancer, retargets actors and rewrites flow transitions).",
        false_positives: "A managed ingress (cloud API gateway, CDN) already redundant by design: \
declare `managed: true` with an `sla`, or `high-availability: true`, or a cloud node-type such as \
`aws:api-gateway`. To accept the risk: `metadata.calm-advisor.suppress: [{\"rule\": \
\"single-ingress-path\", \"status\": \"accepted\", \"owner\": \"…\", \"expires\": \"YYYY-MM-DD\"}]` \
on the node.",
        references: &[
            "https://docs.aws.amazon.com/wellarchitected/latest/reliability-pillar/rel_withstand_component_failures_avoid_single_points_of_failure.html",
            "https://learn.microsoft.com/azure/well-architected/reliability/redundancy",
            "https://github.com/Threagile/threagile",
        ],
    },
};

pub struct SingleIngressPath;

impl Rule for SingleIngressPath {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let actors: Vec<usize> = ctx
            .spof
            .journeys
            .iter()
            .map(|j| j.0)
            .filter(|a| !ctx.graph.out[*a].is_empty())
            .collect();
        if actors.is_empty() {
            return Vec::new();
        }
        // Supernodes that every actor's journey requires.
        let mut common: Option<Vec<usize>> = None;
        for (a, req) in &ctx.spof.journeys {
            if !actors.contains(a) {
                continue;
            }
            common = Some(match common {
                None => req.clone(),
                // Journey requirement lists are sorted and can be as long as the model.
                Some(c) => c
                    .into_iter()
                    .filter(|s| req.binary_search(s).is_ok())
                    .collect(),
            });
        }
        let mut out = Vec::new();
        for s in common.unwrap_or_default() {
            if ctx.redundancy.super_redundant(s) {
                continue;
            }
            let n = ctx.redundancy.supernodes[s][0];
            let role = ctx.role(n);
            if !matches!(role, Role::Gateway | Role::Service | Role::Waf | Role::Cdn)
                || ctx.roles[n].external
            {
                continue;
            }
            // The ingress is the first required hop: an entry target, or reached only from one.
            let entry_edges: Vec<usize> = ctx.graph.inc[n]
                .iter()
                .copied()
                .filter(|e| ctx.graph.edges[*e].mode == EdgeMode::Entry)
                .collect();
            let fronted = ctx.graph.inc[n]
                .iter()
                .any(|e| ctx.role(ctx.graph.edges[*e].source) == Role::LoadBalancer);
            if entry_edges.is_empty() || fronted {
                continue;
            }
            let b = ctx.blast(&[n]);
            let all_flows = !b.flows_broken.is_empty() && b.flows_broken.len() == ctx.flows.len();
            let impact = if all_flows { 4 } else { 3 };
            let id = ctx.node_id(n).to_string();
            let actor_ids: Vec<String> =
                actors.iter().map(|a| ctx.node_id(*a).to_string()).collect();
            let rels: Vec<String> = entry_edges
                .iter()
                .map(|e| ctx.rel_id(ctx.graph.edges[*e].relationship).to_string())
                .collect();
            let names = format!("{id}-1,{id}-2");
            out.push(
                ctx.finding(&META, &[&id])
                    .title(format!("{id} is the only ingress for all actor traffic"))
                    .score(4, impact)
                    .confidence(ctx.roles[n].confidence.max(crate::finding::Confidence::Medium))
                    .nodes([id.clone()])
                    .relationships(rels)
                    .flows(flow_ids(ctx, &b.flows_broken))
                    .evidence("dominator", format!("on every entry path of {} (dominator from each actor)", and_list(&actor_ids)))
                    .evidence("no-redundancy", "no instances/replicas/HA metadata, no redundancy group, no load balancer in front")
                    .evidence("blast-radius", blast_evidence(ctx, &b))
                    .evidence("role", format!("{} ({})", role.as_str(), ctx.roles[n].evidence))
                    .metric("blastRadius", blast_metrics(ctx, &b))
                    .rationale(format!(
                        "Every request from {} enters through {}, a single instance with nothing in front of it. If it fails, is overloaded or is being redeployed, {}. It is the front door: the most exposed component and the one whose loss is total.",
                        and_list(&actor_ids),
                        ctx.label(n),
                        blast_sentence(ctx, &b)
                    ))
                    .recommendation(format!(
                        "Put a highly available load balancer in front of {id}, run at least two {id} instances behind it with health checks, and point the actors at the load balancer."
                    ))
                    .fix("add-load-balancer", &["--target", &id, "--names", &names], "unsafe", format!("adds a load balancer, clones {id} into two instances, retargets the actors and flow transitions"))
                    .weight(b.weight)
                    .build(),
            );
        }
        out
    }
}
