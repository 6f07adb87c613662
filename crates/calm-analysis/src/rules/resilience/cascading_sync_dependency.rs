//! RES-10 `cascading-sync-dependency`.

use super::{and_list, blast_evidence, blast_metrics, evidence_in};
use crate::context::Context;
use crate::finding::{Category, Finding, Severity};
use crate::graph::EdgeMode;
use crate::normalize::tokens;
use crate::roles::Role;
use crate::rules::{Rule, RuleDoc, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "cascading-sync-dependency",
    code: "RES-10",
    category: Category::Resilience,
    default_severity: Severity::Medium,
    summary: "a flow hard-depends synchronously on a single-instance or external service whose answer it does not need",
    tags: &["resilience", "seems:shared-fate", "premise:journey"],
    doc: RuleDoc {
        what: "A synchronous call s → d on a flow where d is a non-redundant or external service and \
either (a) the caller does not need the answer — the flow never returns over that relationship \
(no `destination-to-source` transition) and the call is the flow's last step, or d does side-effect \
work (notification, email, audit, analytics, reporting, settlement) — or (b) d is external. Calls \
already protected by a circuit breaker with fallback, or flows that declare `degraded-behavior`, \
are not reported.",
        why: "A synchronous call makes the caller's availability the product of both: when d is slow \
or down, s blocks, threads pile up, and the failure cascades up to the actor. If s does not need \
d's answer to finish its own work, the coupling buys nothing and costs the whole flow.",
        example: "`order-service` → `payment-service` (HTTPS) is the last step of `order-processing-flow`; \
no transition returns from payment to order. A payment outage fails every order submission.",
        how_to_fix: "When the answer is not needed, decouple through a message broker (queue-based \
load levelling): `calm-advisor fix FILE decouple --from order-service --to payment-service` \
(adds a broker and a queue, replaces the call by publish/consume, rewrites the flow). When it is \
needed (external provider), add a circuit breaker with a fallback: `calm-advisor fix FILE \
add-control --scope relationship:ID --preset circuit-breaker`.",
        false_positives: "The flow does need the answer but the model omits the response: add the \
`destination-to-source` transition. A fallback exists: declare a `circuit-breaker` control with \
`fallback-mechanism` on the relationship or the caller, or `degraded-behavior` on the flow. The declaration must be positive: `circuit-breaker: false` \
or `none` is declared absent. Only a flow someone is modelled to start, or one that declares its \
criticality, raises the impact above \"degrades\".",
        references: &[
            "https://docs.aws.amazon.com/wellarchitected/latest/reliability-pillar/rel_prevent_interaction_failure_loosely_coupled_system.html",
            "https://learn.microsoft.com/azure/architecture/patterns/queue-based-load-leveling",
            "https://learn.microsoft.com/azure/architecture/patterns/circuit-breaker",
        ],
    },
};

/// Downstream business steps a caller rarely needs to wait for (besides the side-effect sinks
/// that role inference marks: notification, audit, telemetry…).
const DEFERRABLE_WORDS: &[&str] = &[
    "notify",
    "report",
    "settlement",
    "invoicing",
    "fulfilment",
    "fulfillment",
    "shipping",
    "loyalty",
];
const BREAKER_KEYS: &[&str] = &[
    "circuit-breaker",
    "failure-threshold",
    "fallback-mechanism",
    "fallback",
    "open-state-duration-seconds",
    "failure-rate-threshold",
];

/// A synchronous call that RES-10 reports (RES-09 skips these to report them once).
#[derive(Debug, Clone)]
pub struct Cascade {
    pub edge: usize,
    pub flows: Vec<usize>,
    /// The caller does not need the answer: decouple.
    pub answer_not_needed: bool,
    pub why: String,
}

/// Every cascading call, by edge index.
pub fn candidates(ctx: &Context) -> Vec<Cascade> {
    let mut out: Vec<Cascade> = Vec::new();
    for (ei, e) in ctx.graph.edges.iter().enumerate() {
        if e.mode != EdgeMode::Sync {
            continue;
        }
        let (s, d) = (e.source, e.destination);
        let drole = ctx.role(d);
        let external = ctx.roles[d].external;
        if !(matches!(
            drole,
            Role::Service | Role::ExternalSystem | Role::Idp | Role::System
        ) || external)
            || ctx.roles[s].role.is_client_side()
        {
            continue;
        }
        if ctx.is_redundant_node(d) && !external {
            continue;
        }
        let rel = &ctx.model.relationships[e.relationship];
        let src = &ctx.model.nodes[s];
        if evidence_in(
            &rel.metadata,
            &rel.controls,
            BREAKER_KEYS,
            &["circuit-breaker"],
        )
        .is_some()
            || evidence_in(
                &src.metadata,
                &src.controls,
                BREAKER_KEYS,
                &["circuit-breaker"],
            )
            .is_some()
        {
            continue;
        }
        let mut flows = Vec::new();
        let mut not_needed = false;
        let mut why = String::new();
        for &fi in &ctx.rel_flows[e.relationship] {
            let f = &ctx.flows[fi];
            let Some(mi) = f.index else { continue };
            let mf = &ctx.model.flows[mi];
            // A caller that the flow only reaches asynchronously (a consumer, a worker): its
            // wait does not hold up whoever started the flow.
            if f.async_nodes.contains(&s) {
                continue;
            }
            if !f.relationships.contains(&e.relationship)
                || mf.metadata.contains_key("degraded-behavior")
            {
                continue;
            }
            flows.push(fi);
            let returns = mf
                .transitions
                .iter()
                .any(|t| t.reverse && t.relationship == Some(e.relationship));
            let forward: Vec<_> = mf.transitions.iter().filter(|t| !t.reverse).collect();
            let last = forward
                .last()
                .is_some_and(|t| t.relationship == Some(e.relationship));
            let dn = &ctx.model.nodes[d];
            let toks: Vec<String> = tokens(&dn.id).into_iter().chain(tokens(&dn.name)).collect();
            let side_effect = crate::roles::side_effect_word(&toks)
                .map(str::to_string)
                .or_else(|| {
                    toks.iter()
                        .find(|t| DEFERRABLE_WORDS.contains(&t.as_str()))
                        .cloned()
                });
            if !returns && (last || side_effect.is_some()) {
                not_needed = true;
                why = if last {
                    format!(
                        "it is the last step of {} and no transition returns from {}",
                        mf.id, dn.id
                    )
                } else {
                    format!(
                        "{} does side-effect work (\"{}\") and no transition returns from it in {}",
                        dn.id,
                        side_effect.clone().unwrap_or_default(),
                        mf.id
                    )
                };
            }
        }
        if flows.is_empty() || !(not_needed || external) {
            continue;
        }
        if why.is_empty() {
            why = format!("{} is an external system", ctx.node_id(d));
        }
        out.push(Cascade {
            edge: ei,
            flows,
            answer_not_needed: not_needed,
            why,
        });
    }
    out
}

pub struct CascadingSyncDependency;

impl Rule for CascadingSyncDependency {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let mut out = Vec::new();
        for c in candidates(ctx) {
            let e = &ctx.graph.edges[c.edge];
            let (s, d) = (e.source, e.destination);
            let (sid, did) = (ctx.node_id(s).to_string(), ctx.node_id(d).to_string());
            let rel_id = ctx.rel_id(e.relationship).to_string();
            let external = ctx.roles[d].external;
            let spof = !ctx.is_redundant_node(d);
            let b = ctx.blast(&[d]);
            let flows: Vec<String> = c.flows.iter().map(|f| ctx.flows[*f].id.clone()).collect();
            let mut actors: Vec<String> = c
                .flows
                .iter()
                .flat_map(|f| {
                    ctx.flows[*f]
                        .actors
                        .iter()
                        .map(|a| ctx.node_id(*a).to_string())
                })
                .collect();
            actors.sort();
            actors.dedup();
            let crit = super::max_criticality(ctx, &c.flows);
            // Escalate only on confirmed premises: a flow someone is modelled to use, or one
            // that declares its criticality.
            let confirmed = c
                .flows
                .iter()
                .any(|f| !ctx.flows[*f].actors.is_empty() || ctx.flows[*f].criticality >= 3);
            // A side-effect sink on either end (telemetry, notification, audit): the cascade
            // loses a side effect, not the journey. Medium at most; high at most otherwise.
            // A router (gateway, ESB) calling downstream is the route itself, not a service's
            // dependency to decouple: medium at most too.
            let side = ctx.roles[s].side_effect
                || ctx.roles[d].side_effect
                || ctx.roles[s].batch
                || ctx.roles[d].batch
                || matches!(
                    ctx.role(s),
                    Role::Gateway | Role::LoadBalancer | Role::Waf | Role::Cdn
                );
            // The callee declares how it behaves when slow or down (a timeout for calls to it,
            // a stand-in or fallback): the cascade is partly contained, medium at most.
            let callee_mitigation = ctx.model.nodes[d].metadata.iter().any(|(k, v)| {
                let k = k.to_ascii_lowercase();
                (k.contains("timeout") || k.contains("fallback") || k.contains("stand-in"))
                    && !crate::evidence::is_negative(v)
            });
            let cap = if side || callee_mitigation {
                Severity::Medium
            } else {
                Severity::High
            };
            let (l, i) = if external || spof {
                (
                    3,
                    if crit >= 4 {
                        4
                    } else if confirmed {
                        3
                    } else {
                        2
                    },
                )
            } else {
                (2, 3)
            };
            let weight: u32 = c
                .flows
                .iter()
                .map(|f| ctx.flows[*f].criticality as u32)
                .sum();
            let scope = format!("relationship:{rel_id}");
            let mut fb = ctx
                .finding(&META, &[&sid, &did])
                .title(format!(
                    "Synchronous {sid} → {did} lets {did} failures cascade into {}",
                    and_list(&flows)
                ))
                .score(l, i)
                .cap(cap)
                .confidence(e.mode_confidence.max(crate::finding::Confidence::Medium))
                .nodes([sid.clone(), did.clone()])
                .relationships([rel_id.clone()])
                .flows(flows.clone())
                .evidence(
                    "sync-edge",
                    format!("{rel_id}: {} ({})", e.mode.as_str(), e.mode_evidence),
                )
                .evidence("answer", c.why.clone())
                .evidence(
                    "no-isolation",
                    "no circuit breaker or fallback on the relationship or the caller",
                )
                .evidence(
                    "blast-radius",
                    format!("{did}: {}", blast_evidence(ctx, &b)),
                )
                .metric("blastRadius", blast_metrics(ctx, &b))
                .weight(weight);
            if spof {
                fb = fb.evidence("single-instance", format!("{did} has no redundancy"));
            }
            let who = if actors.is_empty() {
                String::new()
            } else {
                format!(" for {}", and_list(&actors))
            };
            fb = if c.answer_not_needed {
                fb.rationale(format!(
                    "{sid} calls {did} synchronously in {}, although {}. While {did} is down or slow, {sid} blocks and the whole flow fails{who}: a {did} outage becomes an outage of {}.",
                    and_list(&flows), c.why, and_list(&flows)
                ))
                .recommendation(format!("Decouple {sid} from {did} through a message broker (queue-based load levelling): {sid} publishes, {did} consumes; run the broker highly available."))
                .fix("decouple", &["--from", &sid, "--to", &did], "unsafe", format!("adds a broker and a queue between {sid} and {did}, replaces the call by publish/consume and rewrites the flow"))
            } else {
                fb.rationale(format!(
                    "{sid} needs an answer from the external system {did} in {}. Without a circuit breaker and fallback, every {did} incident stalls {sid}'s threads and fails the flow{who}.",
                    and_list(&flows)
                ))
                .recommendation(format!("Protect {rel_id} with a timeout, bounded retries with jitter, a circuit breaker and a fallback (queue the request, degrade gracefully)."))
                .variant("circuit-breaker")
                .fix("add-control", &["--scope", &scope, "--preset", "circuit-breaker"], "safe", format!("declares a circuit breaker with fallback on {rel_id}"))
            };
            out.push(fb.build());
        }
        out
    }
}
