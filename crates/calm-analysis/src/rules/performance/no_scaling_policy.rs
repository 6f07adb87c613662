//! PERF-04 `no-scaling-policy`.

use super::flow_rate;
use crate::context::{Context, map_any};
use crate::finding::{Category, Finding, Severity};
use crate::normalize::tokens;
use crate::roles::Role;
use crate::rules::security::{control_evidence, flow_ids, with_add_control};
use crate::rules::{Rule, RuleDoc, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "no-scaling-policy",
    code: "PERF-04",
    category: Category::Performance,
    default_severity: Severity::Medium,
    summary: "node on a loaded or tier-1 flow without scalability/autoscaling evidence",
    tags: &["performance", "seems:excessive-load"],
    doc: RuleDoc {
        what: "A service or gateway on the request path of a flow that declares a load \
(`peak-throughput`, `expected-message-rate`, … any value) or is critical/tier-1, with nothing \
saying how it scales.\n\nEvidence that clears it: metadata `autoscaling`, `auto-scaling`, \
`max-replicas`, `max-instances`, `scaling-strategy`, `scaling-policy`, `hpa`, `scalability`; a \
control on the node or the architecture with config `scaling-strategy`/`max-replicas`/\
`scaling-triggers` or whose id/requirement-url says scalability/autoscaling; a managed or \
serverless node (`managed: true`, or lambda/function/serverless/fargate/cloud-run in the type or \
name), which the platform scales.",
        why: "A fixed number of instances is sized for yesterday's load. When a peak arrives the \
service saturates, latency climbs, retries multiply the load and the overload spreads upstream \
(SEEMS excessive load). Declaring the policy also documents the maximum the system is expected to \
absorb.",
        example: "`home-page-flow` declares `peak-throughput: \"8000 rps\"`; `profile-service` runs \
two instances and declares no scaling policy.",
        how_to_fix: "Define horizontal autoscaling with minimum, maximum and trigger (CPU, queue \
depth, RPS), and declare it:\n`calm-advisor fix FILE add-control --scope node:SVC --id \
scalability --config scaling-strategy=auto min-replicas=2 max-replicas=10`.",
        false_positives: "Capacity provisioned for a known fixed peak (batch windows): declare \
`scaling-strategy: fixed-capacity` with the reasoning. Platform-managed services: declare \
`managed: true`. Consumers off the request path are judged too: they must keep up with the \
declared throughput.",
        references: &[
            "https://docs.aws.amazon.com/wellarchitected/latest/reliability-pillar/rel_adapt_to_changes_autoscale_adapt.html",
            "https://calm.finos.org/traderx/control-requirement/scalability",
        ],
    },
};

const SCALE_META: &[&str] = &[
    "autoscaling",
    "auto-scaling",
    "max-replicas",
    "max-instances",
    "scaling-strategy",
    "scaling-policy",
    "hpa",
    "scalability",
    "scaling",
];
const SCALE_CONFIG: &[&str] = &[
    "scaling-strategy",
    "max-replicas",
    "max-instances",
    "scaling-triggers",
    "autoscaling",
    "max-concurrent-requests",
];
const SCALE_WORDS: &[&str] = &["scalability", "autoscaling", "auto-scaling", "scaling"];

pub struct NoScalingPolicy;

impl Rule for NoScalingPolicy {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let m = &ctx.model;
        if control_evidence(&m.controls, SCALE_CONFIG, SCALE_WORDS).is_some()
            || map_any(&m.metadata, SCALE_META).is_some()
        {
            return Vec::new();
        }
        // flow index → why it needs scaling
        let loaded: Vec<(usize, String)> = (0..ctx.flows.len())
            .filter_map(|f| {
                if let Some((r, src)) = flow_rate(ctx, f) {
                    Some((
                        f,
                        format!("declares a load of {} per second ({src})", r.round() as u64),
                    ))
                } else if ctx.flows[f].criticality >= 4 && !ctx.flows[f].implicit {
                    Some((
                        f,
                        format!("is critical ({})", ctx.flows[f].criticality_source),
                    ))
                } else {
                    None
                }
            })
            .collect();
        let mut out = Vec::new();
        for n in 0..m.nodes.len() {
            if !matches!(ctx.roles[n].role, Role::Service | Role::Gateway) || ctx.roles[n].external
            {
                continue;
            }
            let flows: Vec<&(usize, String)> = loaded
                .iter()
                // Flows usually name one replica: the whole redundancy group is on the flow.
                .filter(|(f, _)| {
                    ctx.redundancy.supernodes[ctx.redundancy.super_of[n]]
                        .iter()
                        // Consumers off the request path must keep up with the throughput too.
                        .any(|m| {
                            ctx.flows[*f].request_nodes.contains(m)
                                || ctx.flows[*f].async_nodes.contains(m)
                        })
                })
                .collect();
            if flows.is_empty() {
                continue;
            }
            let node = &m.nodes[n];
            if ctx.redundancy.node[n].managed
                || map_any(&node.metadata, &["managed", "serverless"])
                    .is_some_and(|(_, v)| crate::normalize::truthy(v))
                || tokens(&format!("{} {} {}", node.node_type, node.id, node.name))
                    .iter()
                    .any(|t| {
                        matches!(
                            t.as_str(),
                            "lambda" | "function" | "functions" | "serverless" | "fargate"
                        )
                    })
            {
                continue;
            }
            let scope: Vec<usize> = std::iter::once(n).chain(ctx.graph.ancestors(n)).collect();
            if scope.iter().any(|&s| {
                map_any(&m.nodes[s].metadata, SCALE_META).is_some()
                    || control_evidence(&m.nodes[s].controls, SCALE_CONFIG, SCALE_WORDS).is_some()
            }) {
                continue;
            }
            let flow_idx: Vec<usize> = flows.iter().map(|(f, _)| *f).collect();
            let why: Vec<String> = flows
                .iter()
                .map(|(f, w)| format!("{} {w}", ctx.flows[*f].id))
                .collect();
            let id = &node.id;
            let mut b = ctx
                .finding(&META, &[id.as_str()])
                .title(format!("{id} carries a loaded or critical flow but declares no scaling policy"))
                .score(3, 2)
                .nodes([id.as_str()])
                .flows(flow_ids(ctx, &flow_idx))
                .weight(flow_idx.iter().map(|f| ctx.flows[*f].criticality as u32).sum())
                .evidence("load", why.join("; "))
                .evidence("no-scaling", "no autoscaling/max-replicas/scaling-strategy metadata or scalability control on the node, its parents or the architecture")
                .rationale(format!("When load rises beyond what {id}'s fixed capacity absorbs, latency climbs and the overload spreads to its callers."))
                .recommendation(format!("Define horizontal autoscaling for {id} (minimum, maximum, trigger) and declare it with a scalability control."));
            b = with_add_control(
                b,
                &format!("node:{id}"),
                "scalability",
                "Horizontal autoscaling",
                &["scaling-strategy=auto", "min-replicas=2", "max-replicas=10"],
                "Declare a horizontal autoscaling policy on the node.",
            );
            out.push(b.build());
        }
        out
    }
}
