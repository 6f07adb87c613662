//! Ingresses: for each entry path (the traffic a journey root sends through one client app or
//! one directly called server), the first server-side node all of it crosses. Computed once per
//! review ([`Context::ingresses`]); single-ingress-path reports them and spof-node leaves them to
//! it.

use crate::context::Context;
use crate::roles::Role;

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
/// many entry paths it takes in out of all of them.
pub struct Ingresses {
    pub of: std::collections::BTreeMap<usize, Vec<usize>>,
    pub groups_of: std::collections::BTreeMap<usize, usize>,
    pub groups: usize,
}

pub(crate) fn compute(ctx: &Context) -> Ingresses {
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
