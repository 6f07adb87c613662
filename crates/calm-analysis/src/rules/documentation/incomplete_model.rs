//! DOC-01 `incomplete-model`.

use super::list;
use crate::context::Context;
use crate::finding::{Category, Confidence, Finding, Severity};
use crate::normalize::Kind;
use crate::roles::Role;
use crate::rules::security::is_untrusted;
use crate::rules::{Rule, RuleDoc, RuleMeta};
use serde_json::Value;

pub static META: RuleMeta = RuleMeta {
    id: "incomplete-model",
    code: "DOC-01",
    category: Category::Documentation,
    default_severity: Severity::Low,
    summary: "connects without protocol, roles known only from names, entry points without interfaces, unknown custom node-types, nodes wired to nothing",
    tags: &["documentation"],
    doc: RuleDoc {
        what: "Gaps that force the advisor to guess. One finding per kind of gap, listing the \
elements (one per node for unwired nodes):\n- `connects-without-protocol` (low): a `connects` \
with no `protocol` and a destination interface that does not name one either — the call is \
assumed synchronous and its encryption cannot be judged;\n- `entry-points-without-interfaces` \
(low): a node that actors, web clients or external systems call but that declares no \
`interfaces` (no port, URL or protocol to review);\n- `roles-from-names-only` (info): nodes whose \
role (gateway, broker, cache…) was inferred only from words in the id or name;\n- \
`unknown-node-types` (info): custom `node-type`s the role inference does not recognise (treated \
as plain services);\n- `incomplete-model@NODE#unwired` (low, one finding per node): a node — \
actors included — that appears in no relationship at all (no `connects`, `interacts`, \
`deployed-in`, `composed-of` or `options`) in a document that has relationships. Containers of \
`deployed-in`/`composed-of` count as wired; a document without relationships (a one-node stub) \
is not reported;\n- `incomplete-model@NODE#no-traffic` (info, one finding per node): a node that \
is only a member of containers (`composed-of`/`deployed-in`) while neither it nor any container \
around it is in a `connects` or `interacts`, in a document where other nodes are. Containers, \
data assets, network zones, clusters and systems are not reported, nor a standby or replica whose \
redundancy group has a member that carries traffic.",
        why: "Every other rule reads protocols, interfaces and roles. When they are missing the \
review still runs, but sync/async, encryption and SPOF findings carry low confidence, and real \
risks can hide behind an assumption (Threagile incomplete-model). An unwired node is either dead \
documentation or a dependency the model forgot, and every analysis that follows edges (SPOF, \
blast radius, flows, exposure) ignores it.",
        example: "`\"relationship-type\": {\"connects\": {…}}` with no `protocol` on \
`order-service-to-order-queue`: the advisor cannot tell AMQP from HTTP.",
        how_to_fix: "Add `protocol` to every `connects` (HTTPS, JDBC, AMQP, … — the CALM enum), \
give entry points `interfaces` with port/URL, and state roles explicitly with `metadata.role` \
(e.g. `\"role\": \"gateway\"`) or a descriptive custom node-type such as `load-balancer`, \
`message-broker`, `cache`. Wire each unwired node with the relationship it is missing \
(`connects`/`interacts`, or `deployed-in`/`composed-of` for its container), or remove it.",
        false_positives: "Intentionally logical models (no protocols yet): suppress at \
architecture level until the design is detailed. Unwired nodes kept on purpose (a catalogue \
entry, a `data-asset` documented for classification only, a component not built yet): suppress \
the finding `incomplete-model@NODE#unwired` (baseline, or `metadata.calm-advisor.suppress` on the \
node).",
        references: &[
            "https://github.com/Threagile/threagile (incomplete-model rule)",
            "https://calm.finos.org/",
        ],
    },
};

pub struct IncompleteModel;

impl Rule for IncompleteModel {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let m = &ctx.model;
        let mut out = Vec::new();

        // Connects whose protocol is stated nowhere.
        let by_rel = crate::rules::security::edges_by_relationship(ctx);
        let no_protocol: Vec<&str> = m
            .relationships
            .iter()
            .enumerate()
            .filter(|(ri, r)| {
                matches!(r.kind, Kind::Connects { .. })
                    && r.protocol.is_none()
                    && by_rel[*ri]
                        .iter()
                        .any(|e| ctx.graph.edges[*e].protocol.is_none())
            })
            .map(|(_, r)| r.id.as_str())
            .collect();
        if !no_protocol.is_empty() {
            out.push(
                ctx.finding(&META, &["connects-without-protocol"])
                    .title(format!("{} connects relationship(s) declare no protocol", no_protocol.len()))
                    .score(2, 1)
                    .relationships(no_protocol.iter().copied())
                    .evidence("missing-protocol", list(&no_protocol, 10))
                    .rationale("Without a protocol the advisor assumes a synchronous call and cannot judge encryption; findings on these calls carry low confidence.")
                    .recommendation("Add `protocol` (HTTPS, JDBC, AMQP, …) to each listed relationship.")
                    .build(),
            );
        }

        // Entry points without interfaces.
        let mut entries: Vec<usize> = Vec::new();
        for e in &ctx.graph.edges {
            let d = e.destination;
            if is_untrusted(ctx, e.source)
                && !crate::rules::security::is_container(ctx, d)
                && !is_untrusted(ctx, d)
                && !matches!(ctx.roles[d].role, Role::Actor | Role::Client)
                && m.nodes[d].interfaces.is_empty()
                && !entries.contains(&d)
            {
                entries.push(d);
            }
        }
        entries.sort();
        if !entries.is_empty() {
            let ids: Vec<&str> = entries.iter().map(|n| m.nodes[*n].id.as_str()).collect();
            out.push(
                ctx.finding(&META, &["entry-points-without-interfaces"])
                    .title(format!("{} entry point(s) declare no interfaces", ids.len()))
                    .score(2, 1)
                    .nodes(ids.iter().copied())
                    .evidence("no-interfaces", list(&ids, 10))
                    .rationale("Entry points are where exposure is judged (TLS, rate limits, WAF); without interfaces there is no port, URL or protocol to review.")
                    .recommendation("Add `interfaces` (unique-id with port/URL/protocol) to each entry point.")
                    .build(),
            );
        }

        // Roles inferred from names only.
        let name_only: Vec<&str> = (0..m.nodes.len())
            .filter(|n| {
                ctx.roles[*n].confidence == Confidence::Low
                    && ctx.roles[*n].evidence.starts_with("name token")
            })
            .map(|n| m.nodes[n].id.as_str())
            .collect();
        if !name_only.is_empty() {
            let detail: Vec<String> = name_only
                .iter()
                .take(10)
                .map(|id| {
                    let n = m.node_idx(id).unwrap_or(0);
                    format!(
                        "{id} → {} ({})",
                        ctx.roles[n].role.as_str(),
                        ctx.roles[n].evidence
                    )
                })
                .collect();
            out.push(
                ctx.finding(&META, &["roles-from-names-only"])
                    .title(format!("{} node role(s) inferred from names only", name_only.len()))
                    .score(1, 1)
                    .nodes(name_only.iter().copied())
                    .evidence("name-only-roles", detail.join("; "))
                    .rationale("These roles decide which rules apply (gateway, broker, cache…); a name can mislead, so findings that depend on them carry low confidence.")
                    .recommendation("State each role with `metadata.role` or a descriptive custom node-type.")
                    .build(),
            );
        }

        // Custom node-types the role inference does not recognise.
        let unknown: Vec<&str> = (0..m.nodes.len())
            .filter(|&n| {
                let nt = m.nodes[n].node_type.to_ascii_lowercase();
                let recognised = (ctx.roles[n].evidence.starts_with("node-type")
                    && ctx.roles[n].confidence == Confidence::High)
                    || ctx.roles[n].evidence.starts_with("metadata.role");
                !nt.is_empty()
                    && !calm_model::spec::NODE_TYPES.contains(&nt.as_str())
                    && !recognised
            })
            .map(|n| m.nodes[n].id.as_str())
            .collect();
        if !unknown.is_empty() {
            let detail: Vec<String> = unknown
                .iter()
                .take(10)
                .map(|id| {
                    let n = m.node_idx(id).unwrap_or(0);
                    format!(
                        "{id}: node-type \"{}\" read as {}",
                        m.nodes[n].node_type,
                        ctx.roles[n].role.as_str()
                    )
                })
                .collect();
            out.push(
                ctx.finding(&META, &["unknown-node-types"])
                    .title(format!("{} node(s) use custom node-types the advisor does not recognise", unknown.len()))
                    .score(1, 1)
                    .nodes(unknown.iter().copied())
                    .evidence("unknown-node-types", detail.join("; "))
                    .rationale("Unrecognised custom types are treated by their other evidence or as plain services; redundancy and role-specific rules may not apply as intended.")
                    .recommendation("Add `metadata.role` (load-balancer, gateway, broker, queue, cache, database, storage, cluster…) to these nodes.")
                    .build(),
            );
        }

        // Nodes declared but wired to nothing (only when the document has relationships: a
        // document of loose nodes is a stub, not a wiring gap).
        let raw_rels = ctx
            .doc
            .value
            .get("relationships")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        if !raw_rels.is_empty() {
            let wired = wired_nodes(ctx, raw_rels);
            for (n, nd) in m.nodes.iter().enumerate() {
                if wired[n] {
                    continue;
                }
                let id = nd.id.as_str();
                let label = ctx.label(n);
                out.push(
                    ctx.finding(&META, &[id])
                        .variant("unwired")
                        .title(format!("{label} is declared but wired to nothing"))
                        .score(2, 1)
                        .nodes([id])
                        .evidence(
                            "unwired-node",
                            format!(
                                "{id} ({}) appears in none of the {} relationship(s): no connects, interacts, deployed-in, composed-of or options",
                                ctx.roles[n].role.as_str(),
                                raw_rels.len()
                            ),
                        )
                        .rationale(format!("{label} is either dead documentation or a dependency the model forgot; every analysis that follows edges (SPOF, blast radius, flows, exposure) ignores it."))
                        .recommendation(format!("Connect {id} to what it calls or serves (`connects`/`interacts`), place it in its container (`deployed-in`/`composed-of`), or remove it if it is obsolete."))
                        .build(),
                );
            }
            // Placed in a container but carrying no traffic, where other nodes do: neither the
            // node nor any container around it is in a `connects` or `interacts`.
            let traffic = traffic_nodes(ctx);
            if traffic.iter().any(|t| *t) {
                for (n, nd) in m.nodes.iter().enumerate() {
                    let leaf = ctx.graph.children[n].is_empty() && ctx.graph.hosted[n].is_empty();
                    let member = !ctx.graph.parents[n].is_empty() || !ctx.graph.hosts[n].is_empty();
                    if !member
                        || traffic[n]
                        || !leaf
                        || matches!(
                            ctx.roles[n].role,
                            Role::DataAsset | Role::NetworkZone | Role::Cluster | Role::System
                        )
                        || containers_around(ctx, n).iter().any(|a| traffic[*a])
                        // A standby or replica takes traffic through its group's active member.
                        || ctx.redundancy.supernodes[ctx.redundancy.super_of[n]]
                            .iter()
                            .any(|peer| traffic[*peer])
                    {
                        continue;
                    }
                    let id = nd.id.as_str();
                    let label = ctx.label(n);
                    let containers: Vec<&str> = ctx.graph.parents[n]
                        .iter()
                        .chain(&ctx.graph.hosts[n])
                        .map(|p| ctx.node_id(*p))
                        .collect();
                    out.push(
                        ctx.finding(&META, &[id])
                            .variant("no-traffic")
                            .title(format!("{label} is placed in {} but exchanges no traffic", containers.join(", ")))
                            .score(1, 1)
                            .nodes([id])
                            .evidence(
                                "no-traffic",
                                format!(
                                    "{id} ({}) is only a member of {}: no connects or interacts reaches it or a container around it",
                                    ctx.roles[n].role.as_str(),
                                    containers.join(", ")
                                ),
                            )
                            .rationale(format!("{label} is in the model but nothing calls it and it calls nothing, so every analysis that follows edges (SPOF, blast radius, flows, exposure) ignores it: its dependencies were probably left out."))
                            .recommendation(format!("Connect {id} to what it calls or serves (`connects`/`interacts`); if it hosts or groups other nodes, make it their container (`deployed-in`/`composed-of`); or remove it if it is obsolete."))
                            .build(),
                    );
                }
            }
        }
        out
    }
}

/// Every container around `n`, transitively through `composed-of` and `deployed-in`.
fn containers_around(ctx: &Context, n: usize) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    let mut stack: Vec<usize> = ctx.graph.parents[n]
        .iter()
        .chain(&ctx.graph.hosts[n])
        .copied()
        .collect();
    while let Some(c) = stack.pop() {
        if c == n || out.contains(&c) {
            continue;
        }
        out.push(c);
        stack.extend(ctx.graph.parents[c].iter().chain(&ctx.graph.hosts[c]));
    }
    out
}

/// Per node: whether a `connects` or `interacts` names it.
fn traffic_nodes(ctx: &Context) -> Vec<bool> {
    let mut traffic = vec![false; ctx.model.nodes.len()];
    for r in &ctx.model.relationships {
        match &r.kind {
            Kind::Connects {
                source,
                destination,
                ..
            } => {
                traffic[*source] = true;
                traffic[*destination] = true;
            }
            Kind::Interacts { actor, nodes } => {
                traffic[*actor] = true;
                for n in nodes {
                    traffic[*n] = true;
                }
            }
            _ => {}
        }
    }
    traffic
}

/// Per node: whether any relationship mentions it (as source, destination, actor, interacted
/// node, container, contained node, or in an `options` choice). Read from the raw relationships
/// so dialects and relationships the normalisation could not resolve still count as wiring.
fn wired_nodes(ctx: &Context, raw_rels: &[Value]) -> Vec<bool> {
    let m = &ctx.model;
    let mut wired = vec![false; m.nodes.len()];
    for r in &m.relationships {
        match &r.kind {
            Kind::Connects {
                source,
                destination,
                ..
            } => {
                wired[*source] = true;
                wired[*destination] = true;
            }
            Kind::Interacts { actor: c, nodes }
            | Kind::DeployedIn {
                container: c,
                nodes,
            }
            | Kind::ComposedOf {
                container: c,
                nodes,
            } => {
                wired[*c] = true;
                for n in nodes {
                    wired[*n] = true;
                }
            }
            Kind::Options | Kind::Unknown => {}
        }
    }
    for r in raw_rels {
        if let Value::Object(map) = r {
            for (k, v) in map {
                if !matches!(
                    k.as_str(),
                    "unique-id" | "description" | "metadata" | "controls" | "protocol"
                ) {
                    mark_mentions(m, v, &mut wired);
                }
            }
        }
    }
    wired
}

/// Marks every string of `v` (recursively) that is a node id.
fn mark_mentions(m: &crate::normalize::Model, v: &Value, wired: &mut [bool]) {
    match v {
        Value::String(s) => {
            if let Some(n) = m.node_idx(s) {
                wired[n] = true;
            }
        }
        Value::Array(a) => a.iter().for_each(|x| mark_mentions(m, x, wired)),
        Value::Object(o) => o.values().for_each(|x| mark_mentions(m, x, wired)),
        _ => {}
    }
}
