//! RES-02 `single-ingress-path`.

use super::{and_list, blast_evidence, blast_metrics, blast_sentence, flow_ids};
use crate::context::Context;
use crate::finding::{Category, Finding, Severity};
use crate::roles::Role;
use crate::rules::{Rule, RuleDoc, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "single-ingress-path",
    code: "RES-02",
    category: Category::Resilience,
    default_severity: Severity::High,
    summary: "all actor traffic enters through one non-redundant gateway or service",
    tags: &["resilience", "seems:spof", "premise:journey"],
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
declare `managed: true` (or the provider, `managed: \"Azure API Management\"`), \
`high-availability: true`, or use a name or node-type the platform catalogue knows \
(`aws:api-gateway`, CloudFront, Front Door…); a CDN is never reported. To accept the risk: `metadata.calm-advisor.suppress: [{\"rule\": \
\"single-ingress-path\", \"status\": \"accepted\", \"owner\": \"…\", \"expires\": \"YYYY-MM-DD\"}]` \
on the node. Journeys start at actors (`interacts` whose actor is a component is a call), at \
client software nothing calls (CLI, IDE extension, desktop/mobile app, browser UI) and at entry \
nodes nothing calls (their callers are not modelled); the ingress of a journey is the first \
server-side node all of its traffic crosses, so client tools are never reported, and a node is \
reported once with every journey it fronts (high or critical only when it fronts them all). A load \
balancer in front with only one modelled instance behind it still counts, one step less likely. \
In a model without flows the journeys are inferred: the finding is capped at medium with low \
confidence and says so.",
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
        let crate::ingress::Ingresses {
            of: ingress_of,
            groups_of,
            groups,
        } = ctx.ingresses();
        let groups = *groups;
        let mut out = Vec::new();
        for (&n, actors) in ingress_of {
            let s = ctx.redundancy.super_of[n];
            if ctx.redundancy.super_redundant(s) {
                continue;
            }
            let role = ctx.role(n);
            let entry_edges: Vec<usize> = ctx.graph.inc[n]
                .iter()
                .copied()
                .filter(|e| ctx.is_entry_edge(&ctx.graph.edges[*e]))
                .collect();
            let fronted = ctx.graph.inc[n]
                .iter()
                .any(|e| ctx.role(ctx.graph.edges[*e].source) == Role::LoadBalancer);
            let all_roots = groups_of.get(&n) == Some(&groups);
            let b = ctx.blast(&[n]);
            let all_flows = !b.flows_broken.is_empty() && b.flows_broken.len() == ctx.flows.len();
            let impact = if all_flows && all_roots {
                4
            } else {
                super::impact_of(ctx, &b).min(3)
            };
            // A load balancer in front may balance instances the model does not show; an
            // orchestrator restarts a crashed instance; the ingress of some journeys only is
            // not the whole front door.
            let orch = super::orchestrated(ctx, n);
            // With a load balancer in front the single instance is not confirmed (one box often
            // stands for the pool behind it): medium at most until instances are declared.
            let cap = if fronted {
                Severity::Medium
            } else {
                Severity::Critical
            };
            let likelihood = if !all_roots {
                if orch.is_some() { 2 } else { 3 }
            } else if fronted || orch.is_some() {
                3
            } else {
                4
            };
            let id = ctx.node_id(n).to_string();
            let actor_ids: Vec<String> =
                actors.iter().map(|a| ctx.node_id(*a).to_string()).collect();
            let actor_ids: Vec<String> = actor_ids
                .into_iter()
                .map(|a| {
                    if a == id {
                        "its callers (not modelled)".to_string()
                    } else {
                        a
                    }
                })
                .collect();
            let title = if all_roots {
                format!("{id} is the only ingress for all actor traffic")
            } else {
                format!("{id} is the only ingress for {}", and_list(&actor_ids))
            };
            let rels: Vec<String> = entry_edges
                .iter()
                .map(|e| ctx.rel_id(ctx.graph.edges[*e].relationship).to_string())
                .collect();
            let names = format!("{id}-1,{id}-2");
            out.push(
                ctx.finding(&META, &[&id])
                    .title(title)
                    .score(likelihood, impact)
                    .cap(cap)
                    .confidence(ctx.roles[n].confidence.max(crate::finding::Confidence::Medium))
                    .nodes([id.clone()])
                    .relationships(rels)
                    .evidence_if(orch.is_some(), "mitigation", format!("orchestrated: {}", orch.clone().unwrap_or_default()))
                    .evidence_if(!all_roots, "partial-ingress", format!("takes in {} of the {} entry paths (each client app or directly called server of each journey root)", groups_of.get(&n).copied().unwrap_or(0), groups))
                    .flows(flow_ids(ctx, &b.flows_broken))
                    .evidence("dominator", format!("on every entry path of {} (dominator from each actor)", and_list(&actor_ids)))
                    .evidence("no-redundancy", if fronted { "no instances/replicas/HA metadata and no redundancy group; a load balancer is in front but only this one instance is modelled behind it" } else { "no instances/replicas/HA metadata, no redundancy group, no load balancer in front" })
                    .evidence("blast-radius", blast_evidence(ctx, &b))
                    .evidence("role", format!("{} ({})", role.as_str(), ctx.roles[n].evidence))
                    .metric("blastRadius", blast_metrics(ctx, &b))
                    .rationale(format!(
                        "Every request from {} enters through {}, a single instance{}. If it fails, is overloaded or is being redeployed, {}. It is the front door: the most exposed component and the one whose loss is total.",
                        and_list(&actor_ids),
                        ctx.label(n),
                        if fronted { " (the load balancer in front of it has nothing else to send traffic to)" } else { " with nothing in front of it" },
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
