//! PERF-03 `hot-read-path-without-cache`.

use super::{flow_rate, request_path_relationships};
use crate::context::{Context, map_any};
use crate::finding::{Category, Finding, Severity};
use crate::normalize::tokens;
use crate::roles::Role;
use crate::rules::{Rule, RuleDoc, RuleMeta};
use serde_json::json;

pub static META: RuleMeta = RuleMeta {
    id: "hot-read-path-without-cache",
    code: "PERF-03",
    category: Category::Performance,
    default_severity: Severity::Low,
    summary: "high-throughput flow reads a database synchronously with no cache",
    tags: &["performance", "seems:excessive-load", "premise:journey"],
    doc: RuleDoc {
        what: "A flow that declares a load of at least 1,000 requests/messages per second \
(`peak-throughput`, `throughput`, `expected-message-rate`, `requests-per-second`… in flow \
metadata or flow control config; `\"8000 rps\"`, `\"5000/min\"`, `\"1.2k tps\"` are understood) \
whose synchronous request path reads a database, with no cache on that path: no node with the \
cache role among the flow's request-path nodes or among the synchronous callees of the nodes that \
read the database.\n\nWrite-only access (relationship metadata `access: write`/`write-only: true`, \
or a description that only writes: persist/insert/store/record/post) does not count. No declared \
load → no finding: the rule does not guess traffic.",
        why: "At high request rates every cache miss is a database round trip; the database \
becomes the bottleneck and the first thing to fall over under a spike (SEEMS excessive load), \
while most read traffic is repetitive and cacheable.",
        example: "`home-page-flow` declares `peak-throughput: \"8000 rps\"` and its catalogue \
service reads `catalog-db` on every request.",
        how_to_fix: "Add a cache-aside cache in front of the hot reads (e.g. a Redis node with \
`role: cache`, `pattern: cache-aside`, `rebuildable: true`) connected from the reading service, \
or serve reads from replicas/materialised views; keep the database as the fallback.",
        false_positives: "Reads that cannot be cached (strongly consistent balances): accept with \
`metadata.calm-advisor.suppress`. Database-side caching the model does not show: declare \
`cache: buffer-pool` (or `in-memory: true`) on the database node.",
        references: &[
            "https://learn.microsoft.com/azure/architecture/patterns/cache-aside",
            "https://docs.aws.amazon.com/prescriptive-guidance/latest/resilience-analysis-framework/excessive-load.html",
        ],
    },
};

/// Declared load from which a read path counts as hot (events per second).
pub const HOT_RATE_PER_SEC: f64 = 1000.0;

fn write_only(ctx: &Context, r: usize) -> bool {
    let rel = &ctx.model.relationships[r];
    if let Some((_, v)) = map_any(&rel.metadata, &["access", "access-mode", "operation"])
        && let Some(s) = v.as_str()
    {
        let s = s.to_ascii_lowercase();
        return s.contains("write") && !s.contains("read");
    }
    if map_any(&rel.metadata, &["write-only"]).is_some_and(|(_, v)| v.as_bool() == Some(true)) {
        return true;
    }
    let t = tokens(&rel.description);
    let writes = t.iter().any(|w| {
        matches!(
            w.as_str(),
            "write"
                | "writes"
                | "persist"
                | "persists"
                | "insert"
                | "inserts"
                | "store"
                | "stores"
                | "record"
                | "records"
                | "post"
                | "posts"
                | "save"
                | "saves"
        )
    });
    let reads = t.iter().any(|w| {
        matches!(
            w.as_str(),
            "read"
                | "reads"
                | "query"
                | "queries"
                | "lookup"
                | "look"
                | "fetch"
                | "fetches"
                | "get"
                | "load"
                | "loads"
                | "check"
        )
    });
    writes && !reads
}

pub struct HotReadPathWithoutCache;

impl Rule for HotReadPathWithoutCache {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let by_rel = crate::rules::security::edges_by_relationship(ctx);
        let m = &ctx.model;
        let mut out = Vec::new();
        for f in 0..ctx.flows.len() {
            let Some((rate, rate_src)) = flow_rate(ctx, f) else {
                continue;
            };
            if rate < HOT_RATE_PER_SEC {
                continue;
            }
            let fl = &ctx.flows[f];
            if fl
                .request_nodes
                .iter()
                .any(|n| ctx.roles[*n].role == Role::Cache)
            {
                continue;
            }
            let rels = request_path_relationships(ctx, &by_rel, f);
            // (database, readers, relationships)
            let mut reads: Vec<(usize, Vec<usize>, Vec<usize>)> = Vec::new();
            for &r in &rels {
                for e in by_rel[r].iter().map(|e| &ctx.graph.edges[*e]) {
                    let d = e.destination;
                    if ctx.roles[d].role != Role::Database || write_only(ctx, r) {
                        continue;
                    }
                    let dm = &m.nodes[d].metadata;
                    if map_any(dm, &["cache", "in-memory", "read-cache"]).is_some() {
                        continue;
                    }
                    // A cache beside the database: the reader also calls a cache synchronously.
                    if ctx
                        .hard_successors(e.source)
                        .any(|c| ctx.roles[c].role == Role::Cache)
                    {
                        continue;
                    }
                    match reads.iter_mut().find(|x| x.0 == d) {
                        Some(x) => {
                            x.1.push(e.source);
                            x.2.push(r);
                        }
                        None => reads.push((d, vec![e.source], vec![r])),
                    }
                }
            }
            for (d, readers, rel_ids) in reads {
                let did = &m.nodes[d].id;
                let reader_ids: Vec<&str> =
                    readers.iter().map(|n| m.nodes[*n].id.as_str()).collect();
                let b = ctx
                    .finding(&META, &[fl.id.as_str(), did.as_str()])
                    .title(format!("{} reads {did} on every request at {} per second with no cache", fl.id, rate.round() as u64))
                    .score(2, 1)
                    .nodes(std::iter::once(did.as_str()).chain(reader_ids.iter().copied()))
                    .relationships(rel_ids.iter().map(|r| m.relationships[*r].id.as_str()))
                    .flows([fl.id.as_str()])
                    .weight(fl.criticality as u32)
                    .metric("loadPerSecond", json!(rate))
                    .evidence("load", format!("{} per second from {rate_src}", rate.round() as u64))
                    .evidence("uncached-read", format!("{} read(s) {did} synchronously; no cache on the flow's request path", reader_ids.join(", ")))
                    .rationale(format!(
                        "At {} requests per second every read of {did} is a database round trip; the database becomes the bottleneck under peaks.",
                        rate.round() as u64
                    ))
                    .recommendation(format!(
                        "Add a cache-aside cache (role: cache, rebuildable) for the hot reads of {did}, or serve them from replicas or a read model."
                    ));
                out.push(b.build());
            }
        }
        out
    }
}
