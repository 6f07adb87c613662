//! Availability math and per-flow estimates (docs/advisor-design.md §3.6).
//! Serial ∏aᵢ, parallel 1−∏(1−aᵢ), k-of-n, shared fate a_c·parallel, async edges cut the chain.
//! Targets come from flow/architecture controls or metadata and are never used as a component
//! figure. Every default availability is reported as an assumption.

use crate::context::{Context, controls_any, map_any};
use crate::normalize::{Control, availability as parse_availability};
use crate::roles::Role;
use serde_json::Value;
use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::BTreeSet;

/// Serial composition: every dependency is needed.
pub fn serial(a: &[f64]) -> f64 {
    a.iter().product()
}
/// Parallel: any one of the members suffices (independent failures).
pub fn parallel(a: &[f64]) -> f64 {
    1.0 - a.iter().map(|x| 1.0 - x).product::<f64>()
}
/// k-of-n identical members each with availability `a`.
pub fn k_of_n(k: usize, n: usize, a: f64) -> f64 {
    (k..=n)
        .map(|j| binomial(n, j) * a.powi(j as i32) * (1.0 - a).powi((n - j) as i32))
        .sum()
}
/// Replicas in one failure domain with availability `container`.
pub fn shared_fate(container: f64, members: &[f64]) -> f64 {
    container * parallel(members)
}
/// Availability each of `n` serial components needs for the composite to meet `target`.
pub fn required_per_component(target: f64, n: usize) -> f64 {
    target.powf(1.0 / n.max(1) as f64)
}
fn binomial(n: usize, k: usize) -> f64 {
    (0..k).fold(1.0, |acc, i| acc * (n - i) as f64 / (i + 1) as f64)
}
/// Round to 6 decimals (stable output).
pub fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}
/// `99.950%`-style percentage.
pub fn pct(x: f64) -> String {
    format!("{:.3}%", x * 100.0)
}
/// Downtime per year in hours.
pub fn downtime_hours(a: f64) -> f64 {
    (1.0 - a) * 8760.0
}

/// Default component availabilities (assumptions).
pub const DEFAULTS: &[(&str, f64)] = &[
    ("service", 0.999),
    ("gateway", 0.999),
    ("database", 0.999),
    ("broker", 0.999),
    ("load-balancer", 0.999),
    ("load-balancer.managed", 0.9999),
    ("external", 0.999),
    ("failure-domain", 0.9995),
];

fn default_for(key: &str) -> f64 {
    DEFAULTS
        .iter()
        .find(|d| d.0 == key)
        .map(|d| d.1)
        .unwrap_or(0.999)
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Target {
    /// `None` when declared only through `config-url` (opaque, not fetched).
    pub value: Option<f64>,
    /// JSON pointer (or description) of where the target was read.
    pub source: String,
}

/// One serial factor of a flow estimate.
#[derive(Debug, Clone, PartialEq)]
pub struct Factor {
    pub label: String,
    pub nodes: Vec<usize>,
    pub availability: f64,
    /// True when a default was used for any member.
    pub assumed: bool,
    /// How the figure was obtained (e.g. `2 × 0.999 in parallel`).
    pub how: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct FlowAvailability {
    /// Request path as modelled.
    pub estimated: f64,
    /// Plus the synchronous dependencies the flow omits.
    pub estimated_with_closure: f64,
    pub factors: Vec<Factor>,
    pub target: Option<Target>,
    /// `below-target`, `meets-target`, `target-opaque` or `no-target`.
    pub status: String,
    /// Share of factors that rest on defaults.
    pub assumed_share: f64,
    /// Labels of the weakest factors (largest −log a), worst first.
    pub weakest: Vec<String>,
}

/// What-if changes for "after fix" estimates.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// Supernodes treated as redundant (2 instances).
    pub redundant: BTreeSet<usize>,
    /// Nodes taken off the synchronous path (decoupled).
    pub cut: BTreeSet<usize>,
}

const AVAILABILITY_KEYS: &[&str] = &[
    "availability",
    "sla",
    "slo",
    "uptime",
    "uptime-guarantee",
    "availability-percent",
    "availability-sla",
];
const TARGET_KEYS: &[&str] = &[
    "availability-percent",
    "uptime-guarantee",
    "availability-target",
    "target-availability",
    "availability",
    "uptime",
    "sla",
    "slo",
];

/// Explicit availability of a node, if declared.
pub fn explicit(ctx: &Context, n: usize) -> Option<(f64, String)> {
    let nd = &ctx.model.nodes[n];
    if let Some((k, v)) = map_any(&nd.metadata, AVAILABILITY_KEYS)
        && let Some(a) = parse_availability(v)
    {
        return Some((a, format!("metadata {k}")));
    }
    if let Some((c, k, v)) = controls_any(&nd.controls, AVAILABILITY_KEYS)
        && let Some(a) = parse_availability(v)
    {
        return Some((a, format!("control {c} {k}")));
    }
    None
}

/// Availability of one instance of a node and whether it is a default.
pub fn component(ctx: &Context, n: usize) -> (f64, bool, String) {
    if let Some((a, src)) = explicit(ctx, n) {
        return (a, false, src);
    }
    let role = ctx.roles[n].role;
    // A queue lives in its broker: the broker is the factor (counted through hosting_of).
    if role == Role::Queue
        && let Some(b) = ctx.graph.parents[n]
            .iter()
            .find(|p| ctx.roles[**p].role == Role::Broker)
    {
        return (1.0, false, format!("inside broker {}", ctx.node_id(*b)));
    }
    let key = if ctx.roles[n].external {
        "external"
    } else {
        match role {
            Role::LoadBalancer if ctx.redundancy.node[n].managed => "load-balancer.managed",
            Role::LoadBalancer => "load-balancer",
            Role::Gateway => "gateway",
            Role::Database | Role::Cache | Role::Storage => "database",
            Role::Broker | Role::Queue => "broker",
            Role::System | Role::Cluster | Role::NetworkZone => "failure-domain",
            _ => "service",
        }
    };
    (default_for(key), true, format!("default {key}"))
}

/// Whether a container is a failure domain (§3.5): network-zone/cluster/system roles or
/// `failure-domain` metadata.
pub fn is_failure_domain(ctx: &Context, c: usize) -> bool {
    matches!(
        ctx.roles[c].role,
        Role::NetworkZone | Role::Cluster | Role::System
    ) || ctx.model.nodes[c].metadata.contains_key("failure-domain")
}

/// Failure-domain containers a node depends on: deployed-in chain, plus the broker a queue lives
/// in (composed-of: a queue cannot outlive its broker).
pub fn hosting_of(ctx: &Context, n: usize) -> Vec<usize> {
    let mut out: Vec<usize> = ctx
        .graph
        .host_chain(n)
        .into_iter()
        .filter(|c| is_failure_domain(ctx, *c))
        .collect();
    if ctx.roles[n].role == Role::Queue {
        for p in &ctx.graph.parents[n] {
            if ctx.roles[*p].role == Role::Broker && !out.contains(p) {
                out.push(*p);
            }
        }
    }
    out
}

fn instances_avail(a: f64, n: u32) -> f64 {
    if n <= 1 {
        a
    } else {
        1.0 - (1.0 - a).powi(n as i32)
    }
}

/// Availability of a supernode (ignoring containers common to all members).
fn supernode_factor(ctx: &Context, s: usize, ov: &Overrides, common: &[usize]) -> Factor {
    let members = &ctx.redundancy.supernodes[s];
    let mut assumed = false;
    let mut per = Vec::new();
    let mut hows = Vec::new();
    for m in members {
        let (a, def, _src) = component(ctx, *m);
        assumed |= def;
        let inst = ctx.redundancy.node[*m].instances.max(
            if ov.redundant.contains(&s) && members.len() == 1 {
                2
            } else {
                1
            },
        );
        let mut am = instances_avail(a, inst);
        // Containers of this member that the other members do not share.
        for c in hosting_of(ctx, *m)
            .into_iter()
            .filter(|c| !common.contains(c))
        {
            let (ac, d, _) = component(ctx, c);
            assumed |= d;
            am *= instances_avail(ac, ctx.redundancy.node[c].instances);
        }
        hows.push(if inst > 1 {
            format!("{inst} × {a}")
        } else {
            format!("{a}")
        });
        per.push(am);
    }
    let group = ctx.redundancy.super_group[s].map(|g| &ctx.redundancy.groups[g]);
    let (a, how) = match group {
        Some(g) if g.primary.is_some() && g.failover.is_none() => {
            let p = members
                .iter()
                .position(|m| Some(*m) == g.primary)
                .unwrap_or(0);
            (
                per[p],
                "writes need the primary (no failover declared)".to_string(),
            )
        }
        Some(g) if g.quorum.is_some() => {
            let k = g.quorum.unwrap_or(1);
            let amin = per.iter().cloned().fold(1.0, f64::min);
            (
                k_of_n(k, per.len(), amin),
                format!("{k}-of-{} quorum", per.len()),
            )
        }
        Some(_) => (
            parallel(&per),
            format!("{} in parallel ({})", per.len(), hows.join(", ")),
        ),
        None => (per[0], hows.join("")),
    };
    Factor {
        label: ctx.supernode_label(s),
        nodes: members.clone(),
        availability: a,
        assumed,
        how,
    }
}

/// Per-supernode factors without what-if overrides, computed on first use: flows share most of
/// their nodes, and RES-17's "after fix" estimates recompute whole flows, so without the cache a
/// large model formats the same factor thousands of times.
#[derive(Debug, Default)]
pub struct FactorCache {
    /// Failure-domain containers shared by every member of the supernode.
    common: Vec<OnceCell<Vec<usize>>>,
    /// The supernode as a serial factor of a flow.
    own: Vec<OnceCell<Factor>>,
    /// The supernode as a hosting failure domain of another factor.
    as_container: Vec<OnceCell<Factor>>,
}

impl FactorCache {
    pub fn new(supernodes: usize) -> FactorCache {
        FactorCache {
            common: (0..supernodes).map(|_| OnceCell::new()).collect(),
            own: (0..supernodes).map(|_| OnceCell::new()).collect(),
            as_container: (0..supernodes).map(|_| OnceCell::new()).collect(),
        }
    }
}

/// Containers shared by every member of supernode `s` (serial for the whole group: shared fate).
fn common_containers<'c>(ctx: &'c Context, s: usize) -> &'c [usize] {
    ctx.factor_cache.common[s].get_or_init(|| {
        let members = &ctx.redundancy.supernodes[s];
        let mut common = hosting_of(ctx, members[0]);
        for m in &members[1..] {
            let h = hosting_of(ctx, *m);
            common.retain(|c| h.contains(c));
        }
        common
    })
}

/// Serial factors of a set of nodes, borrowed from the cache where no override applies.
fn factor_list<'c>(ctx: &'c Context, nodes: &[usize], ov: &Overrides) -> Vec<Cow<'c, Factor>> {
    let mut supers: Vec<usize> = nodes
        .iter()
        .filter(|n| !ctx.roles[**n].role.is_client_side() && !ov.cut.contains(n))
        .map(|n| ctx.redundancy.super_of[*n])
        .collect();
    supers.sort_unstable();
    supers.dedup();
    let cache = &ctx.factor_cache;
    let mut containers: BTreeSet<usize> = BTreeSet::new();
    let mut out = Vec::with_capacity(supers.len());
    for s in &supers {
        let common = common_containers(ctx, *s);
        out.push(if ov.redundant.contains(s) {
            Cow::Owned(supernode_factor(ctx, *s, ov, common))
        } else {
            Cow::Borrowed(
                cache.own[*s]
                    .get_or_init(|| supernode_factor(ctx, *s, &Overrides::default(), common)),
            )
        });
        containers.extend(common.iter().copied());
    }
    // A container that is itself on the path is already a factor; several containers in one
    // redundancy group count once.
    let mut added: Vec<usize> = Vec::new();
    for c in containers {
        let cs = ctx.redundancy.super_of[c];
        if supers.binary_search(&cs).is_ok() || added.contains(&cs) {
            continue;
        }
        added.push(cs);
        let container_factor = |ov: &Overrides| {
            let mut f = supernode_factor(ctx, cs, ov, &[]);
            f.how = format!("hosting failure domain ({})", f.how);
            f
        };
        out.push(if ov.redundant.contains(&cs) {
            Cow::Owned(container_factor(ov))
        } else {
            Cow::Borrowed(
                cache.as_container[cs].get_or_init(|| container_factor(&Overrides::default())),
            )
        });
    }
    out
}

/// Serial factors of a set of nodes: one per supernode, one per failure-domain container.
pub fn factors(ctx: &Context, nodes: &[usize], ov: &Overrides) -> Vec<Factor> {
    factor_list(ctx, nodes, ov)
        .into_iter()
        .map(Cow::into_owned)
        .collect()
}

/// Target of a flow: flow controls/metadata, else architecture controls/metadata.
pub fn flow_target(ctx: &Context, fi: usize) -> Option<(Target, String)> {
    let f = &ctx.model.flows[fi];
    target_in(&f.controls, &f.metadata, &f.pointer).or_else(|| architecture_target(ctx))
}

pub fn architecture_target(ctx: &Context) -> Option<(Target, String)> {
    target_in(&ctx.model.controls, &ctx.model.metadata, "")
}

fn target_in(
    controls: &[Control],
    metadata: &serde_json::Map<String, Value>,
    base: &str,
) -> Option<(Target, String)> {
    for c in controls {
        for (k, v) in c.config_entries() {
            if TARGET_KEYS.iter().any(|t| t.eq_ignore_ascii_case(k))
                && let Some(a) = parse_availability(v)
            {
                let src = format!("{}/requirements config {k}", c.pointer);
                return Some((
                    Target {
                        value: Some(a),
                        source: src.clone(),
                    },
                    src,
                ));
            }
        }
    }
    if let Some((k, v)) = map_any(
        metadata,
        &[
            "availability-target",
            "target-availability",
            "sla",
            "slo",
            "uptime-guarantee",
        ],
    ) && let Some(a) = parse_availability(v)
    {
        let src = format!("{base}/metadata/{k}");
        return Some((
            Target {
                value: Some(a),
                source: src.clone(),
            },
            src,
        ));
    }
    // Declared but only via config-url: opaque (never fetched: offline, deterministic).
    for c in controls {
        let h = c.haystack();
        if ["availability", "uptime", "/sla"]
            .iter()
            .any(|w| h.contains(w))
            && let Some(r) = c
                .requirements
                .iter()
                .find(|r| r.config.is_none() && r.config_url.is_some())
        {
            let src = format!("{} ({} via config-url, not fetched)", c.pointer, r.url);
            return Some((
                Target {
                    value: None,
                    source: src.clone(),
                },
                src,
            ));
        }
    }
    None
}

/// The flow's request nodes and closure, without the nodes an override decouples.
fn flow_paths<'c>(ctx: &'c Context, fi: usize, ov: &Overrides) -> (Vec<usize>, Cow<'c, [usize]>) {
    let f = &ctx.flows[fi];
    let modelled: Vec<usize> = f
        .request_nodes
        .iter()
        .copied()
        .filter(|n| !ov.cut.contains(n))
        .collect();
    if ov.cut.is_empty() {
        return (modelled, Cow::Borrowed(&f.closure));
    }
    // Recompute the closure without the decoupled nodes.
    let mut seen: BTreeSet<usize> = modelled.iter().copied().collect();
    let mut stack = modelled.clone();
    while let Some(n) = stack.pop() {
        for d in ctx.hard_successors(n) {
            if !ov.cut.contains(&d) && seen.insert(d) {
                stack.push(d);
            }
        }
    }
    (modelled, Cow::Owned(seen.into_iter().collect()))
}

fn product(factors: &[Cow<'_, Factor>]) -> f64 {
    factors.iter().map(|x| x.availability).product()
}

/// `estimate_flow(ctx, fi, ov).estimated_with_closure` without building the report parts
/// (what-if estimates only need the number).
pub fn estimate_with_closure(ctx: &Context, fi: usize, ov: &Overrides) -> f64 {
    let (_, closure) = flow_paths(ctx, fi, ov);
    round6(product(&factor_list(ctx, &closure, ov)))
}

/// Estimate a flow's availability (with what-if overrides for "after fix" figures).
pub fn estimate_flow(ctx: &Context, fi: usize, ov: &Overrides) -> FlowAvailability {
    let f = &ctx.flows[fi];
    let (modelled, closure) = flow_paths(ctx, fi, ov);
    let estimated = product(&factor_list(ctx, &modelled, ov));
    let fc = factors(ctx, &closure, ov);
    let with = serial(&fc.iter().map(|x| x.availability).collect::<Vec<_>>());
    let target = match f.index {
        Some(i) => flow_target(ctx, i).map(|t| t.0),
        None => architecture_target(ctx).map(|t| t.0),
    };
    let status = match &target {
        None => "no-target",
        Some(Target { value: None, .. }) => "target-opaque",
        Some(Target { value: Some(t), .. }) if with + 1e-12 < *t => "below-target",
        Some(_) => "meets-target",
    };
    let assumed = fc.iter().filter(|x| x.assumed).count();
    let mut weakest: Vec<&Factor> = fc.iter().filter(|x| x.availability < 1.0).collect();
    weakest.sort_by(|a, b| {
        a.availability
            .total_cmp(&b.availability)
            .then(a.label.cmp(&b.label))
    });
    FlowAvailability {
        estimated: round6(estimated),
        estimated_with_closure: round6(with),
        assumed_share: if fc.is_empty() {
            0.0
        } else {
            assumed as f64 / fc.len() as f64
        },
        weakest: weakest.iter().take(3).map(|x| x.label.clone()).collect(),
        factors: fc,
        target,
        status: status.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r6(x: f64) -> String {
        format!("{:.6}", x)
    }

    #[test]
    fn math_from_the_design_note() {
        assert_eq!(r6(serial(&[0.999; 5])), "0.995010");
        assert_eq!(r6(parallel(&[0.999, 0.999])), "0.999999");
        assert_eq!(r6(k_of_n(2, 3, 0.999)), "0.999997");
        assert_eq!(r6(shared_fate(0.9995, &[0.999, 0.999])), "0.999499");
        assert_eq!(r6(required_per_component(0.999, 5)), "0.999800");
        assert_eq!(r6(k_of_n(1, 2, 0.999)), r6(parallel(&[0.999, 0.999])));
        assert!((downtime_hours(0.995010) - 43.71).abs() < 0.01);
    }
}
