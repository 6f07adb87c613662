//! RES-14 `circular-sync-dependency`.

use crate::context::Context;
use crate::finding::{Category, Finding, Severity};
use crate::graph::EdgeMode;
use crate::rules::{Rule, RuleDoc, RuleMeta};
use petgraph::graph::{DiGraph, NodeIndex};

pub static META: RuleMeta = RuleMeta {
    id: "circular-sync-dependency",
    code: "RES-14",
    category: Category::Resilience,
    default_severity: Severity::Medium,
    summary: "strongly connected component of size > 1 over synchronous edges",
    tags: &["resilience", "seems:shared-fate"],
    doc: RuleDoc {
        what: "Services that call each other synchronously in a cycle (a strongly connected \
component of the synchronous call graph, found with Tarjan's algorithm). Cycles that pass through \
an asynchronous edge are ignored, and so is a pair A→B / B→A where B→A is only used as a response \
(`destination-to-source`) in flows.",
        why: "A synchronous cycle has no safe start-up or restart order, can deadlock under load, \
and turns one slow member into a retry storm that circulates through all of them.",
        example: "`shipping → pricing → promotions → shipping`, all HTTPS.",
        how_to_fix: "Break one edge of the cycle with events (`calm-advisor fix FILE decouple --from \
A --to B`), or merge the services that cannot work without each other.",
        false_positives: "A request/response pair modelled as two `connects`: model the response as \
a `destination-to-source` transition on one relationship instead.",
        references: &[
            "https://docs.aws.amazon.com/wellarchitected/latest/reliability-pillar/rel_prevent_interaction_failure_loosely_coupled_system.html",
        ],
    },
};

pub struct CircularSyncDependency;

impl Rule for CircularSyncDependency {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let n = ctx.model.nodes.len();
        let mut g: DiGraph<(), usize> = DiGraph::with_capacity(n, ctx.graph.edges.len());
        for _ in 0..n {
            g.add_node(());
        }
        for (ei, e) in ctx.graph.edges.iter().enumerate() {
            if e.mode == EdgeMode::Sync && e.source != e.destination {
                g.add_edge(NodeIndex::new(e.source), NodeIndex::new(e.destination), ei);
            }
        }
        let mut out = Vec::new();
        for comp in petgraph::algo::tarjan_scc(&g) {
            if comp.len() < 2 {
                continue;
            }
            let mut members: Vec<usize> = comp.iter().map(|x| x.index()).collect();
            members.sort_unstable();
            let edges: Vec<usize> = ctx
                .graph
                .edges
                .iter()
                .enumerate()
                .filter(|(_, e)| {
                    e.mode == EdgeMode::Sync
                        && members.contains(&e.source)
                        && members.contains(&e.destination)
                })
                .map(|(i, _)| i)
                .collect();
            let mut ids: Vec<String> = members
                .iter()
                .map(|m| ctx.node_id(*m).to_string())
                .collect();
            ids.sort();
            let mut rels: Vec<String> = edges
                .iter()
                .map(|e| ctx.rel_id(ctx.graph.edges[*e].relationship).to_string())
                .collect();
            rels.sort();
            rels.dedup();
            // Break the edge that closes the cycle at the smallest id.
            let closing = edges
                .iter()
                .map(|e| &ctx.graph.edges[*e])
                .find(|e| ctx.node_id(e.destination) == ids[0])
                .unwrap_or(&ctx.graph.edges[edges[0]]);
            let (from, to) = (
                ctx.node_id(closing.source).to_string(),
                ctx.node_id(closing.destination).to_string(),
            );
            let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
            let mut flows: Vec<usize> = members.iter().flat_map(|m| ctx.flows_with(*m)).collect();
            flows.sort_unstable();
            flows.dedup();
            out.push(
                ctx.finding(&META, &id_refs)
                    .title(format!("Synchronous cycle between {}", super::and_list(&ids)))
                    .score(2, 3)
                    .confidence(crate::finding::Confidence::Medium)
                    .nodes(ids.clone())
                    .relationships(rels.clone())
                    .flows(super::flow_ids(ctx, &flows))
                    .evidence("cycle", format!("strongly connected over sync edges {}", rels.join(", ")))
                    .rationale(format!("{} call each other synchronously in a cycle: there is no safe restart order, load can deadlock them, and one slow member drags the others down.", super::and_list(&ids)))
                    .recommendation("Break the cycle with an event on one edge, or merge the services that cannot work without each other.")
                    .fix("decouple", &["--from", &from, "--to", &to], "unsafe", format!("makes {from} → {to} asynchronous, breaking the cycle"))
                    .weight(ids.len() as u32)
                    .build(),
            );
        }
        out
    }
}
