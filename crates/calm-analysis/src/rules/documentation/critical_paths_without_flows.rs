//! DOC-02 `critical-paths-without-flows`.

use super::list;
use crate::context::Context;
use crate::finding::{Category, Finding, Severity};
use crate::roles::Role;
use crate::rules::{Rule, RuleDoc, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "critical-paths-without-flows",
    code: "DOC-02",
    category: Category::Documentation,
    default_severity: Severity::Low,
    summary: "no flows, or actor→datastore/external paths not covered by any flow",
    tags: &["documentation"],
    doc: RuleDoc {
        what: "Either the architecture has no `flows` at all while actors use it (one finding at \
architecture level), or a sink — database, cache, storage, directory or external system — that \
actors reach through synchronous calls appears in no flow (one finding per sink, naming the \
actors whose journeys reach it). A sink counts as covered when any member of its redundancy group \
is in a flow (flows usually name one replica).",
        why: "Flows are how the advisor knows what matters: criticality, availability targets, \
request vs async legs. Without them it synthesises implicit journeys from actors with default \
criticality, so SPOF and availability findings on those paths carry lower confidence and may be \
ranked too low or too high (Azure WAF RE:02, identify and rate flows).",
        example: "`branch-teller` reaches `core-banking-db`, but the only flow is the customer \
money transfer.",
        how_to_fix: "Add a flow per user journey that reaches the sink, with transitions in \
sequence, `business-criticality` metadata and, where it matters, an availability control with \
the journey's target.",
        false_positives: "Paths that exist only for operations (backups, admin tools): model them \
as their own low-criticality flow, or suppress on the sink.",
        references: &[
            "https://learn.microsoft.com/azure/well-architected/reliability/identify-flows",
            "https://calm.finos.org/",
        ],
    },
};

pub struct CriticalPathsWithoutFlows;

impl Rule for CriticalPathsWithoutFlows {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let m = &ctx.model;
        let actors: Vec<usize> = ctx
            .graph
            .actors
            .iter()
            .copied()
            .filter(|a| !ctx.graph.out[*a].is_empty())
            .collect();
        if actors.is_empty() {
            return Vec::new();
        }
        let is_sink = |n: usize| ctx.roles[n].role.is_sink() || ctx.roles[n].external;
        if m.flows.is_empty() {
            let ids: Vec<&str> = actors.iter().map(|a| m.nodes[*a].id.as_str()).collect();
            let sinks: Vec<&str> = (0..m.nodes.len())
                .filter(|n| is_sink(*n))
                .map(|n| m.nodes[n].id.as_str())
                .collect();
            return vec![ctx
                .finding(&META, &["architecture"])
                .title("the architecture has no flows: journeys, criticality and targets are guessed")
                .score(2, 1)
                .nodes(ids.iter().copied())
                .evidence("no-flows", format!("actors {} use the system but `flows` is empty", list(&ids, 10)))
                .evidence("sinks", format!("sinks reached: {}", if sinks.is_empty() { "none".into() } else { list(&sinks, 10) }))
                .rationale("Without flows the advisor synthesises one implicit journey per actor with default criticality; SPOF and availability findings carry lower confidence.")
                .recommendation("Add a flow per user journey with business-criticality metadata and an availability target where it matters.")
                .build()];
        }
        // Nodes named by any explicit flow, widened to their redundancy groups.
        let mut covered = vec![false; m.nodes.len()];
        for fl in ctx.flows.iter().filter(|f| !f.implicit) {
            for &n in &fl.nodes {
                for &member in &ctx.redundancy.supernodes[ctx.redundancy.super_of[n]] {
                    covered[member] = true;
                }
                covered[n] = true;
            }
        }
        // sink → actors reaching it
        let mut reach: Vec<Vec<usize>> = vec![Vec::new(); m.nodes.len()];
        for &a in &actors {
            for n in ctx.sync_closure(&[a]) {
                if n != a && is_sink(n) && !covered[n] && ctx.roles[n].role != Role::Actor {
                    reach[n].push(a);
                }
            }
        }
        let mut out = Vec::new();
        for (s, who) in reach.iter().enumerate() {
            if who.is_empty() {
                continue;
            }
            let sid = &m.nodes[s].id;
            let actor_ids: Vec<&str> = who.iter().map(|a| m.nodes[*a].id.as_str()).collect();
            out.push(
                ctx.finding(&META, &[sid.as_str()])
                    .title(format!("{} reaches {sid} but no flow describes that path", list(&actor_ids, 5)))
                    .score(2, 1)
                    .nodes(std::iter::once(sid.as_str()).chain(actor_ids.iter().copied()))
                    .evidence("uncovered-sink", format!("{sid} ({}) appears in no flow", ctx.roles[s].role.as_str()))
                    .evidence("reached-by", format!("synchronously reachable from {}", list(&actor_ids, 10)))
                    .rationale(format!("The journeys that reach {sid} have no flow, so their criticality and availability target are unknown to the review."))
                    .recommendation(format!("Add a flow for the journey that reaches {sid}, with business-criticality metadata."))
                    .build(),
            );
        }
        out
    }
}
