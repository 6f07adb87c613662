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
        let Ingresses {
            of: ingress_of,
            groups_of,
            groups,
        } = ingresses(ctx);
        let mut out = Vec::new();
        for (n, actors) in ingress_of {
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

/// A server-side node where client traffic arrives: it has an entry edge (from an actor or
/// client software), or it sits right behind a front-door router (CDN, WAF, load balancer) that
/// does; it is not someone else's system, not managed by a platform, and not a container.
fn is_server_entry(ctx: &Context, n: usize) -> bool {
    let role = ctx.role(n);
    // A CDN is a distributed network by design: traffic passes through it, it is no SPOF.
    if !matches!(role, Role::Gateway | Role::Service | Role::Waf)
        || ctx.roles[n].external
        || ctx.roles[n].platform.is_some()
        || !ctx.graph.children[n].is_empty()
        || !ctx.graph.hosted[n].is_empty()
    {
        return false;
    }
    let mut seen = vec![n];
    let mut stack = vec![n];
    while let Some(x) = stack.pop() {
        for e in &ctx.graph.inc[x] {
            let e = &ctx.graph.edges[*e];
            if ctx.is_entry_edge(e) {
                return true;
            }
            let src = e.source;
            if matches!(ctx.role(src), Role::Cdn | Role::Waf | Role::LoadBalancer)
                && !seen.contains(&src)
            {
                seen.push(src);
                stack.push(src);
            }
        }
    }
    // An entry node nothing calls (its callers are not modelled).
    ctx.graph.inc[n].is_empty() && !ctx.graph.out[n].is_empty()
}

/// A node that calls out on its own schedule (a worker, job, poller, agent) rather than serving
/// requests: nothing calling it is expected, so it is no ingress.
fn worker_like(ctx: &Context, n: usize) -> bool {
    let nd = &ctx.model.nodes[n];
    crate::normalize::tokens(&format!("{} {} {}", nd.id, nd.name, nd.node_type))
        .iter()
        .any(|t| {
            matches!(
                t.as_str(),
                "worker"
                    | "workers"
                    | "job"
                    | "jobs"
                    | "batch"
                    | "cron"
                    | "scheduler"
                    | "poller"
                    | "agent"
                    | "consumer"
                    | "daemon"
                    | "processor"
                    | "sync"
                    | "etl"
            )
        })
}

/// The ingresses of a model: per node, the journey roots whose traffic it takes in, and how
/// many entry paths it takes in out of all of them. spof-node leaves these nodes to this rule.
pub(crate) struct Ingresses {
    pub of: std::collections::BTreeMap<usize, Vec<usize>>,
    pub groups_of: std::collections::BTreeMap<usize, usize>,
    pub groups: usize,
}

pub(crate) fn ingresses(ctx: &Context) -> Ingresses {
    // Per entry group (the traffic a journey root sends through one client app or one
    // directly called server): the first server-side node all of it crosses. An entry node
    // nothing calls (its callers are not modelled) is its own ingress. A node is reported
    // once, with every root whose traffic it takes in.
    let mut ingress_of: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    let mut groups_of: std::collections::BTreeMap<usize, usize> = Default::default();
    let mut groups = 0usize;
    for g in &ctx.spof.entry_groups {
        groups += 1;
        let first = ctx.request_closure(&[g.via]).into_iter().find(|n| {
            let s = ctx.redundancy.super_of[*n];
            g.common.binary_search(&s).is_ok() && is_server_entry(ctx, *n)
        });
        if let Some(n) = first {
            *groups_of.entry(n).or_default() += 1;
            let v = ingress_of.entry(n).or_default();
            if !v.contains(&g.root) {
                v.push(g.root);
            }
        }
    }
    for (a, _) in &ctx.spof.journeys {
        if !ctx.role(*a).is_client_side()
            && !ctx.graph.out[*a].is_empty()
            && is_server_entry(ctx, *a)
            && !worker_like(ctx, *a)
        {
            groups += 1;
            *groups_of.entry(*a).or_default() += 1;
            ingress_of.entry(*a).or_default().push(*a);
        }
    }
    Ingresses {
        of: ingress_of,
        groups_of,
        groups,
    }
}
