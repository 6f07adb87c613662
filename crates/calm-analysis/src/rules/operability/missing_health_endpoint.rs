//! OPS-03 `missing-health-endpoint`.

use crate::context::Context;
use crate::finding::{Category, Finding, Severity};
use crate::ops::Field;
use crate::roles::Role;
use crate::rules::security::{flow_ids, is_container, weight};
use crate::rules::{Rule, RuleDoc, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "missing-health-endpoint",
    code: "OPS-03",
    category: Category::Operability,
    default_severity: Severity::Low,
    summary: "critical-flow service, gateway, load balancer or broker without a health endpoint",
    tags: &["operability", "seems:misconfiguration"],
    doc: RuleDoc {
        what: "A service, gateway, load balancer or broker on the request path of a critical flow \
(criticality 4, the same test as OPS-01: `critical`, `tier-0`/`tier-1`, or an availability target \
≥ 99.9 %; a flow that names one replica covers its group) that declares no health endpoint.\n\n\
Health evidence: the node's own `health-endpoint` metadata or one of its spellings \
(`health-check-url`, `health-check-path`, `health-check`, `healthcheck`, `liveness-probe`, \
`readiness-probe`, `health`, …, read by `calm_analysis::ops`), the same keys nested one level \
down or in a control's config, a control named for a health check, or an interface whose \
unique-id or URL names a health endpoint (`api-health`, `https://…/health`, `/healthz`, `/readyz`). A health endpoint belongs to one node: \
it is not inherited from a container.\n\nSkipped: members of redundancy groups and targets of a \
load balancer (RES-18 `missing-health-check` reports those, at medium, because there a missing \
check keeps a dead instance in rotation); managed and serverless nodes and someone else's systems \
(the platform or the vendor watches them); actors, clients, containers (systems, clusters, \
network zones: their members are judged); batch jobs and side-effect sinks (telemetry, audit, \
notification: a request does not wait for them); datastores, caches and queues (the \
tutorial gives them backup, restore-time and DBA metadata instead; a driver or the platform \
checks their liveness). One finding per node.",
        why: "A health endpoint is the first thing an on-call engineer (and the orchestrator, the \
load balancer, the synthetic monitor) asks in an incident: is this component up? Without one \
declared, triage of a critical flow starts by guessing which of its hops is down. Low: it slows \
diagnosis, it does not cause an outage — a single instance without a health check is restarted \
late, not lost.",
        example: "`appointment-service` is on `book-appointment-flow` (`criticality: critical`) and \
declares `owner` and `runbook` but no `health-endpoint`.",
        how_to_fix: "Add `\"health-endpoint\": \"/health\"` (the path or URL the service answers \
on, e.g. `/actuator/health`) to the node's metadata, or a health-check control: \
`calm-advisor fix FILE add-control --scope node:ID --id health-check --config \
health-check-path=/health`.",
        false_positives: "Health checked by a platform the model does not name (a Kubernetes \
readiness probe, an ALB target group): declare `managed: true` on managed nodes, or the probe as \
`readiness-probe` metadata. A node that is a library or in-process module modelled as a service: \
model it inside its host (`composed-of`) or suppress the finding with status `false-positive`.",
        references: &[
            "https://learn.microsoft.com/azure/architecture/patterns/health-endpoint-monitoring",
            "https://sre.google/sre-book/monitoring-distributed-systems/",
        ],
    },
};

/// Controls named for a health check.
const WORDS: &[&str] = &["health-check", "health check", "healthcheck"];

pub struct MissingHealthEndpoint;

impl Rule for MissingHealthEndpoint {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let index = crate::rules::security::FlowIndex::build(ctx);
        let facts = crate::ops::facts(ctx);
        let m = &ctx.model;
        let mut out = Vec::new();
        for n in 0..m.nodes.len() {
            let role = &ctx.roles[n];
            if !matches!(
                role.role,
                Role::Service | Role::Gateway | Role::LoadBalancer | Role::Broker
            ) || role.external
                || role.platform.is_some()
                || role.batch
                || role.side_effect
                || ctx.redundancy.node[n].managed
                || is_container(ctx, n)
                || covered_by_health_check_rule(ctx, n)
            {
                continue;
            }
            let critical = super::critical_flows_of(ctx, &index, n);
            if critical.is_empty() {
                continue;
            }
            let nd = &m.nodes[n];
            if facts.nodes[n].get(Field::HealthEndpoint).is_some()
                || crate::evidence::declared(
                    &nd.metadata,
                    &nd.controls,
                    Field::HealthEndpoint.keys(),
                    WORDS,
                )
                .present()
                .is_some()
                || health_interface(nd).is_some()
            {
                continue;
            }
            let id = nd.id.as_str();
            let flows = flow_ids(ctx, &critical);
            out.push(
                ctx.finding(&META, &[id])
                    .title(format!("{id} is on a critical flow but declares no health endpoint"))
                    .score(2, 1)
                    .nodes([id])
                    .flows(flows.iter().map(String::as_str))
                    .weight(weight(ctx, &critical))
                    .evidence("critical-flow", format!("on {}", flows.join(", ")))
                    .evidence("role", format!("{} ({})", role.role.as_str(), role.evidence))
                    .evidence("missing", format!("no `health-endpoint` (or health-check/probe) metadata and no health-check control on {id}"))
                    .rationale(format!("When {} degrades, nothing in the model says how to ask {id} whether it is up: triage starts by guessing which hop is down.", flows.join(", ")))
                    .recommendation(format!("Add `health-endpoint` metadata to {id} (the path or URL it answers health checks on, e.g. `/health`)."))
                    .fix("add-control", &["--scope", &format!("node:{id}"), "--id", "health-check", "--config", "health-check-path=/health"], "safe", format!("declares a health check on {id}"))
                    .build(),
            );
        }
        out
    }
}

/// An interface that is a health endpoint: its unique-id or URL names one (`svc-health`,
/// `https://…/health`, `/healthz`, `/readyz`).
fn health_interface(nd: &crate::normalize::Node) -> Option<&str> {
    nd.interfaces
        .iter()
        .find(|i| {
            let text = format!("{} {}", i.id, i.url.as_deref().unwrap_or(""));
            crate::normalize::tokens(&text).iter().any(|t| {
                matches!(
                    t.as_str(),
                    "health"
                        | "healthz"
                        | "healthcheck"
                        | "readyz"
                        | "livez"
                        | "readiness"
                        | "liveness"
                )
            })
        })
        .map(|i| i.id.as_str())
}

/// What RES-18 `missing-health-check` judges: a member of a redundancy group, or one of at least
/// two targets of a load balancer.
fn covered_by_health_check_rule(ctx: &Context, n: usize) -> bool {
    ctx.redundancy.group_of[n].is_some()
        || ctx.graph.inc[n].iter().any(|e| {
            let e = &ctx.graph.edges[*e];
            e.mode.is_hard()
                && ctx.role(e.source) == Role::LoadBalancer
                && (ctx
                    .hard_successors(e.source)
                    .filter(|t| *t != n)
                    .any(|_| true)
                    || crate::rules::resilience::missing_health_check::pool_evidence(ctx, n)
                        .is_some())
        })
}
