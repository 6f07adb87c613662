//! OPS-02 `missing-observability`.

use crate::context::{Context, map_any};
use crate::finding::{Category, Finding, Severity};
use crate::roles::Role;
use crate::rules::security::{control_evidence, with_add_control};
use crate::rules::{Rule, RuleDoc, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "missing-observability",
    code: "OPS-02",
    category: Category::Operability,
    default_severity: Severity::Medium,
    summary: "no monitoring/alerting/tracing control or metadata for critical flows",
    tags: &["operability", "seems:misconfiguration"],
    doc: RuleDoc {
        what: "A critical flow (criticality ≥ 3: `high`, `critical`, `tier-1`, or an availability \
target ≥ 99.9 %) whose provider nodes do not declare how they are observed, in an architecture \
that declares no monitoring either.\n\nArchitecture-level evidence (clears everything): metadata \
`monitoring`, `observability`, `alerting`, `tracing`, or a control whose config has \
`metrics`/`alerting`/`tracing`/`dashboards` or whose id/requirement-url says \
monitoring/observability/alerting/tracing/logging. Node-level evidence: metadata `dashboard`, \
`metrics-endpoint`, `metrics`, `alerts`, `alerting`, `monitoring`, `tracing`, `observability`, or \
such a control on the node or its parents. One finding per flow listing the unobserved nodes.",
        why: "Redundancy and failover only help if failures are noticed: without metrics and \
alerts a degraded critical flow is discovered by its users, and without tracing the failing hop \
of a multi-service flow takes long to find (longer MTTR, lower availability).",
        example: "`order-processing-flow` is critical; neither the architecture nor \
`order-service`/`payment-service` declare monitoring, dashboards or alerts.",
        how_to_fix: "Declare monitoring once at architecture level (metrics, tracing, alerting \
tools) — `calm-advisor fix FILE add-control --scope architecture --id monitoring --config \
metrics=prometheus tracing=opentelemetry alerting=pagerduty` — and add `health-endpoint`, \
`dashboard` and `alerts` metadata to the nodes of critical flows.",
        false_positives: "Observability provided by a platform for everything: one architecture-level \
`monitoring` metadata entry or control clears the rule.",
        references: &[
            "https://sre.google/sre-book/monitoring-distributed-systems/",
            "https://calm.finos.org/traderx/control-requirement/monitoring",
        ],
    },
};

const META_KEYS: &[&str] = &[
    "monitoring",
    "observability",
    "alerting",
    "tracing",
    "dashboard",
    "dashboards",
    "metrics-endpoint",
    "metrics",
    "alerts",
    "apm",
];
const CONFIG_KEYS: &[&str] = &[
    "metrics",
    "alerting",
    "tracing",
    "dashboards",
    "dashboard",
    "monitoring-tool",
    "alert-threshold",
    "log-aggregation",
];
const WORDS: &[&str] = &[
    "monitoring",
    "observability",
    "alerting",
    "tracing",
    "metrics",
];

pub struct MissingObservability;

impl Rule for MissingObservability {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let m = &ctx.model;
        if map_any(
            &m.metadata,
            &["monitoring", "observability", "alerting", "tracing"],
        )
        .is_some()
            || control_evidence(&m.controls, CONFIG_KEYS, WORDS).is_some()
        {
            return Vec::new();
        }
        let observed = |n: usize| {
            std::iter::once(n)
                .chain(ctx.graph.ancestors(n))
                .chain(ctx.graph.host_chain(n))
                .any(|s| {
                    map_any(&m.nodes[s].metadata, META_KEYS).is_some()
                        || control_evidence(&m.nodes[s].controls, CONFIG_KEYS, WORDS).is_some()
                })
        };
        let mut out = Vec::new();
        for fl in &ctx.flows {
            if fl.criticality < 3 {
                continue;
            }
            let blind: Vec<usize> = fl
                .request_nodes
                .iter()
                .copied()
                .filter(|&n| {
                    !ctx.roles[n].external
                        && !matches!(
                            ctx.roles[n].role,
                            Role::Actor | Role::Client | Role::DataAsset
                        )
                        && !observed(n)
                })
                .collect();
            if blind.is_empty() {
                continue;
            }
            let ids: Vec<&str> = blind.iter().map(|n| m.nodes[*n].id.as_str()).collect();
            let mut b = ctx
                .finding(&META, &[fl.id.as_str()])
                .title(format!("{}: {} node(s) on a critical flow have no monitoring, and the architecture declares none", fl.id, blind.len()))
                .score(3, 2)
                .nodes(ids.iter().copied())
                .flows([fl.id.as_str()])
                .weight(fl.criticality as u32)
                .evidence("criticality", format!("{} ({})", fl.criticality, fl.criticality_source))
                .evidence("unobserved", format!("no dashboard/metrics/alerts/monitoring on {}", ids.join(", ")))
                .evidence("architecture", "no monitoring/observability metadata or control at architecture level")
                .rationale(format!(
                    "If {} degrades, nothing in the model says how it would be noticed or traced to the failing hop; users find out first.",
                    fl.id
                ))
                .recommendation("Declare monitoring (metrics, tracing, alerting) at architecture level and add health-endpoint, dashboard and alerts metadata to the nodes of critical flows.");
            b = with_add_control(
                b,
                "architecture",
                "monitoring",
                "Metrics, tracing and alerting for every workload",
                &[
                    "metrics=[[ METRICS_TOOL ]]",
                    "tracing=[[ TRACING_TOOL ]]",
                    "alerting=[[ ALERTING_TOOL ]]",
                ],
                "Declare architecture-wide monitoring (fill in the tools).",
            );
            out.push(b.build());
        }
        out
    }
}
