//! OPS-06 `dependencies-drift`.

use crate::context::Context;
use crate::finding::{Category, Confidence, Finding, Severity};
use crate::roles::Role;
use crate::rules::{Rule, RuleDoc, RuleMeta};
use std::collections::{BTreeSet, HashMap};

pub static META: RuleMeta = RuleMeta {
    id: "dependencies-drift",
    code: "OPS-06",
    category: Category::Operability,
    default_severity: Severity::Medium,
    summary: "a node's `dependencies` metadata disagrees with its relationships",
    tags: &["operability", "documentation"],
    doc: RuleDoc {
        what: "A node whose `dependencies` metadata (tutorial 15: \"critical upstream/downstream \
services\"; a list, a comma-separated string, or `{upstream: [...], downstream: [...]}`, read by \
`calm_analysis::ops`) disagrees with the relationships of the model. Three kinds, all listed in \
one finding per node:\n\
- unknown: an entry that is neither the unique-id nor the name of any node (compared ignoring \
case and punctuation, and ignoring a trailing `(…)` or `: …` remark);\n\
- unrelated: an entry naming a node that has no relationship with this one in either direction \
— `connects`, `interacts`, `deployed-in` or `composed-of` — also counting the members of a \
`composed-of` cluster and its redundancy group (listing `orders-db-cluster` for a service \
connected to `orders-db-primary` is fine), and paths through load balancers, gateways, WAFs, \
CDNs, brokers and queues (a service that publishes to a broker depends on its consumers' \
availability only through it, and may list them);\n\
- omitted: a hard downstream dependency (a synchronous call, or a publish to a broker) in the \
relationships that no entry names, directly or through the intermediaries above. Telemetry, \
audit and notification sinks are not required.\n\n\
Medium when an entry is unknown or unrelated (the prose and the model drifted apart: a responder \
following the list checks the wrong component); low when entries are only missing. When no \
entry names any node at all the list is probably about something else (software packages): \
low, with low confidence.",
        why: "The dependency list is what a responder reads during an outage to decide what to \
check next (tutorial 15, outage 3). Wiki-style lists go stale; a list that names a component \
the model no longer has, or that the node no longer talks to, sends triage the wrong way, and a \
list that omits a synchronous dependency hides the likely cause.",
        example: "`dispatch-service` lists `[\"route-planner\", \"fleet-db\", \"sms-gateway\"]`, but \
no node is called `sms-gateway`, `route-planner` has no relationship with `dispatch-service`, \
and `dispatch-service` calls `tracking-api` synchronously without listing it.",
        how_to_fix: "Make the list match the relationships: remove or rename the unknown entries \
(use unique-ids), remove entries for components the node no longer uses, and add the \
synchronous dependencies it calls — or, where the list is right, add the missing `connects` \
relationships to the model. Keeping `dependencies` as unique-ids lets tools check it.",
        false_positives: "A dependency the model deliberately leaves out (a shared platform \
service such as DNS or a secrets store not drawn as a node): model it as a node, or suppress the \
finding with status `accepted`. A `dependencies` key that lists software packages rather than \
services: rename the key (e.g. `libraries`).",
        references: &[
            "https://sre.google/sre-book/addressing-cascading-failures/",
            "https://www.atlassian.com/incident-management/incident-response",
        ],
    },
};

pub struct DependenciesDrift;

impl Rule for DependenciesDrift {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let facts = crate::ops::facts(ctx);
        if facts.nodes.iter().all(|n| n.dependencies.is_none()) {
            return Vec::new();
        }
        let names = NameIndex::build(ctx);
        let adj = relation_adjacency(ctx);
        let mut out = Vec::new();
        for (n, ops) in facts.nodes.iter().enumerate() {
            let Some(list) = &ops.dependencies else {
                continue;
            };
            let mut unknown: Vec<&str> = Vec::new();
            let mut unrelated: Vec<usize> = Vec::new();
            let mut listed: Vec<usize> = Vec::new();
            for entry in list {
                match names.resolve(entry) {
                    None => unknown.push(entry),
                    Some(m) if m == n => {}
                    Some(m) => {
                        if !related(ctx, &adj, n, m) && !unrelated.contains(&m) {
                            unrelated.push(m);
                        }
                        listed.push(m);
                    }
                }
            }
            let listed_family: BTreeSet<usize> =
                listed.iter().flat_map(|&m| family(ctx, m)).collect();
            let mut omitted: Vec<usize> = Vec::new();
            let containers: BTreeSet<usize> = ctx
                .graph
                .ancestors(n)
                .into_iter()
                .chain(ctx.graph.host_chain(n))
                .collect();
            for s in ctx.hard_successors(n) {
                let r = &ctx.roles[s];
                if s == n
                    || omitted.contains(&s)
                    || r.side_effect
                    || r.role.is_client_side()
                    || containers.contains(&s)
                    || covered(ctx, s, &listed, &listed_family)
                {
                    continue;
                }
                omitted.push(s);
            }
            if unknown.is_empty() && unrelated.is_empty() && omitted.is_empty() {
                continue;
            }
            let id = ctx.node_id(n);
            let nothing_resolves = listed.is_empty() && !unknown.is_empty();
            let drifted = !unknown.is_empty() || !unrelated.is_empty();
            let mut kinds = Vec::new();
            if !unknown.is_empty() {
                kinds.push(format!("{} unknown", unknown.len()));
            }
            if !unrelated.is_empty() {
                kinds.push(format!("{} unrelated", unrelated.len()));
            }
            if !omitted.is_empty() {
                kinds.push(format!("{} omitted", omitted.len()));
            }
            let ids = |v: &[usize]| {
                v.iter()
                    .map(|m| ctx.node_id(*m).to_string())
                    .collect::<Vec<_>>()
            };
            let mut b = ctx
                .finding(&META, &[id])
                .title(format!(
                    "{id}'s `dependencies` metadata disagrees with its relationships ({})",
                    kinds.join(", ")
                ))
                .nodes(
                    std::iter::once(id.to_string())
                        .chain(ids(&unrelated))
                        .chain(ids(&omitted)),
                )
                .weight(1)
                .evidence(
                    "declared",
                    format!("{id}.metadata.dependencies: {}", list.join(", ")),
                );
            b = if nothing_resolves {
                b.score(2, 1).confidence(Confidence::Low).evidence(
                    "no-node-named",
                    "no entry names a node of the model: the list may be about something else (software packages)",
                )
            } else if drifted {
                b.score(2, 2)
            } else {
                b.score(2, 1)
            };
            if !unknown.is_empty() {
                b = b.evidence(
                    "unknown",
                    format!("no node has the unique-id or name {}", quoted(&unknown)),
                );
            }
            if !unrelated.is_empty() {
                b = b.evidence(
                    "unrelated",
                    format!(
                        "{} named, but no relationship connects it with {id} (connects, interacts, deployed-in, composed-of, also through clusters and intermediaries)",
                        ids(&unrelated).join(", ")
                    ),
                );
            }
            if !omitted.is_empty() {
                b = b.evidence(
                    "omitted",
                    format!(
                        "{id} depends on {} synchronously (relationships), the list does not name it",
                        ids(&omitted).join(", ")
                    ),
                );
            }
            out.push(
                b.rationale(format!(
                    "During an outage the dependency list is what a responder follows from {id}; {}",
                    if drifted {
                        "entries that name nothing the model has, or components it does not talk to, send triage the wrong way."
                    } else {
                        "a synchronous dependency it omits hides a likely cause."
                    }
                ))
                .recommendation(format!(
                    "Make {id}'s `dependencies` match its relationships (unique-ids of what it calls), or add the relationships the list describes."
                ))
                .build(),
            );
        }
        out
    }
}

fn quoted(v: &[&str]) -> String {
    v.iter()
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Lower-case alphanumeric words joined by `-`: `Order DB` and `order_db` both give `order-db`.
fn slug(s: &str) -> String {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join("-")
}

/// Nodes by unique-id and by name (slugged; ids win over names).
struct NameIndex {
    by_id: HashMap<String, usize>,
    by_name: HashMap<String, usize>,
}

impl NameIndex {
    fn build(ctx: &Context) -> NameIndex {
        let mut by_id = HashMap::new();
        let mut by_name = HashMap::new();
        for (i, n) in ctx.model.nodes.iter().enumerate() {
            by_id.entry(slug(&n.id)).or_insert(i);
            by_name.entry(slug(&n.name)).or_insert(i);
        }
        NameIndex { by_id, by_name }
    }

    /// The node an entry names: as written, then without a trailing `(…)` or `: …` remark.
    fn resolve(&self, entry: &str) -> Option<usize> {
        let mut forms = vec![entry];
        for sep in ['(', ':'] {
            if let Some((head, _)) = entry.split_once(sep) {
                forms.push(head);
            }
        }
        forms
            .into_iter()
            .map(slug)
            .filter(|s| !s.is_empty())
            .find_map(|s| self.by_id.get(&s).or_else(|| self.by_name.get(&s)).copied())
    }
}

/// Nodes joined by a relationship, either direction: connects and interacts edges,
/// deployed-in and composed-of memberships.
fn relation_adjacency(ctx: &Context) -> Vec<BTreeSet<usize>> {
    let g = &ctx.graph;
    let mut adj = vec![BTreeSet::new(); ctx.model.nodes.len()];
    for e in &g.edges {
        adj[e.source].insert(e.destination);
        adj[e.destination].insert(e.source);
    }
    for (n, hosts) in g.hosts.iter().enumerate() {
        for &h in hosts {
            adj[n].insert(h);
            adj[h].insert(n);
        }
    }
    for (n, parents) in g.parents.iter().enumerate() {
        for &p in parents {
            adj[n].insert(p);
            adj[p].insert(n);
        }
    }
    adj
}

/// A node with what stands for it: its composed-of descendants, the members of its redundancy
/// group and the group's container (a cluster and its primary are one dependency).
fn family(ctx: &Context, n: usize) -> BTreeSet<usize> {
    let mut out = BTreeSet::from([n]);
    let mut stack = vec![n];
    while let Some(x) = stack.pop() {
        for &c in &ctx.graph.children[x] {
            if out.insert(c) {
                stack.push(c);
            }
        }
    }
    let members: Vec<usize> = out.iter().copied().collect();
    for x in members {
        out.extend(
            ctx.redundancy.supernodes[ctx.redundancy.super_of[x]]
                .iter()
                .copied(),
        );
        if let Some(c) = ctx.redundancy.group_of[x].and_then(|g| ctx.redundancy.groups[g].container)
        {
            out.insert(c);
        }
    }
    out
}

/// Infrastructure a dependency is reached through: it routes or carries the request, it is not
/// what the request depends on.
fn intermediary(ctx: &Context, n: usize) -> bool {
    matches!(
        ctx.role(n),
        Role::LoadBalancer | Role::Gateway | Role::Waf | Role::Cdn | Role::Broker | Role::Queue
    )
}

/// Does a relationship join `n` (or what stands for it) with `m` (or what stands for it), in
/// either direction, or does a call path lead from one to the other through intermediaries
/// (`n` → broker → `m`)? Two services behind the same gateway are not related by it.
fn related(ctx: &Context, adj: &[BTreeSet<usize>], n: usize, m: usize) -> bool {
    let from = family(ctx, n);
    let to = family(ctx, m);
    from.iter()
        .any(|x| to.contains(x) || adj[*x].iter().any(|y| to.contains(y)))
        || reaches_through_intermediaries(ctx, &from, &to)
        || reaches_through_intermediaries(ctx, &to, &from)
}

/// A path of edges (any mode) from `from` to `to` whose inner nodes are all intermediaries.
fn reaches_through_intermediaries(
    ctx: &Context,
    from: &BTreeSet<usize>,
    to: &BTreeSet<usize>,
) -> bool {
    let next = |x: usize| {
        ctx.graph.out[x]
            .iter()
            .map(|e| ctx.graph.edges[*e].destination)
            .collect::<Vec<_>>()
    };
    let mut seen: BTreeSet<usize> = from.clone();
    let mut stack: Vec<usize> = from.iter().copied().collect();
    while let Some(x) = stack.pop() {
        for y in next(x) {
            if to.contains(&y) {
                return true;
            }
            if intermediary(ctx, y) && seen.insert(y) {
                stack.push(y);
            }
        }
    }
    false
}

/// Is the hard successor `s` named by the list: one of the listed nodes or what stands for
/// them, or an intermediary in front of one (load balancer, gateway, broker…; any edge mode: a
/// broker delivers to the consumers a list may name instead of it)?
fn covered(ctx: &Context, s: usize, listed: &[usize], listed_family: &BTreeSet<usize>) -> bool {
    listed_family.contains(&s)
        || family(ctx, s).iter().any(|x| listed.contains(x))
        || (intermediary(ctx, s)
            && reaches_through_intermediaries(ctx, &BTreeSet::from([s]), listed_family))
}
