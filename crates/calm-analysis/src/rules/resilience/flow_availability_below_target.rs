//! RES-17 `flow-availability-below-target`.

use super::and_list;
use crate::availability::{
    self, Overrides, downtime_hours, estimate_with_closure, pct, required_per_component, round6,
};
use crate::context::Context;
use crate::finding::{Category, Confidence, Finding, Severity};
use crate::rules::{Rule, RuleDoc, RuleMeta};
use serde_json::json;

pub static META: RuleMeta = RuleMeta {
    id: "flow-availability-below-target",
    code: "RES-17",
    category: Category::Resilience,
    default_severity: Severity::High,
    summary: "estimated composite availability of a flow is below its target (or the target is opaque/undeclared)",
    tags: &["resilience", "seems:spof", "premise:journey"],
    doc: RuleDoc {
        what: "For every flow, the advisor multiplies the availability of the components on its \
synchronous path (serial), combines redundancy groups in parallel (or k-of-n), counts the broker \
but not the consumers behind an asynchronous edge, and multiplies shared hosting failure domains \
once. It reports two figures: as modelled (the flow's transitions) and with closure (plus the \
synchronous dependencies the flow omits, such as the database a service calls). The target comes \
from the flow's or the architecture's controls or metadata (e.g. an inline `availability-percent: \
99.9`); it is never used as a component figure. Component figures come from `availability`/`sla` \
metadata or controls, else from defaults that the output lists as assumptions.",
        why: "Serial dependencies multiply: five components at 99.9 % give 99.5 % (43.7 h of downtime \
a year) against a 99.9 % target (8.8 h). Each serial dependency needs roughly T^(1/n) — the \"extra \
nine\" — which only redundancy or decoupling can provide.",
        example: "Target 99.9 % (architecture `high-availability` control); flow path load balancer \
(HA), 2 gateways, `order-service` (1 instance), broker (1 node), database cluster: estimate ≈ 99.80 %.",
        how_to_fix: "Raise the weakest links named in the finding: the findings on those nodes \
(single points of failure, single brokers, unreplicated stores) carry the concrete fixes, and the \
finding lists the estimate after each. Declare real component figures (`availability: 99.95` \
metadata) where defaults are too pessimistic.",
        false_positives: "Defaults too pessimistic for managed services: declare `availability` or \
`sla` on the node. A target declared only via `config-url` is opaque (not fetched): the finding is \
low until an inline value exists.",
        references: &[
            "https://sre.google/sre-book/availability-table/",
            "https://queue.acm.org/detail.cfm?id=3096459",
            "https://learn.microsoft.com/azure/well-architected/reliability/metrics",
        ],
    },
};

pub struct FlowAvailabilityBelowTarget;

impl Rule for FlowAvailabilityBelowTarget {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let mut out = Vec::new();
        for (fi, f) in ctx.flows.iter().enumerate() {
            if f.implicit {
                continue;
            }
            let a = &f.availability;
            let est = a.estimated_with_closure;
            let factors: Vec<serde_json::Value> = a
                .factors
                .iter()
                .map(|x| json!({"component": x.label, "availability": round6(x.availability), "assumed": x.assumed, "how": x.how}))
                .collect();
            let conf = if a.assumed_share > 0.5 {
                Confidence::Low
            } else {
                Confidence::Medium
            };
            match (&a.target, a.status.as_str()) {
                (Some(t), "below-target") => {
                    let target = t.value.unwrap_or(1.0);
                    let n = a.factors.len();
                    let gap_nine = (1.0 - est) >= 10.0 * (1.0 - target) - 1e-12;
                    // After-fix estimates: make each of the (at most 5) weakest single
                    // components redundant.
                    let mut after = Vec::new();
                    let mut weak: Vec<&availability::Factor> = a
                        .factors
                        .iter()
                        .filter(|x| {
                            x.nodes.len() == 1 && ctx.redundancy.node[x.nodes[0]].instances < 2
                        })
                        .collect();
                    weak.sort_by(|x, y| {
                        x.availability
                            .total_cmp(&y.availability)
                            .then(x.label.cmp(&y.label))
                    });
                    for w in weak.into_iter().take(5) {
                        let s = ctx.redundancy.super_of[w.nodes[0]];
                        let mut ov = Overrides::default();
                        ov.redundant.insert(s);
                        let e = estimate_with_closure(ctx, fi, &ov);
                        after.push((w.label.clone(), e));
                    }
                    after.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
                    let mut all = Overrides::default();
                    for w in a.factors.iter().filter(|x| x.nodes.len() == 1) {
                        all.redundant.insert(ctx.redundancy.super_of[w.nodes[0]]);
                    }
                    let all_est = estimate_with_closure(ctx, fi, &all);
                    let req = required_per_component(target, n);
                    let assumed: Vec<String> = a
                        .factors
                        .iter()
                        .filter(|x| x.assumed)
                        .map(|x| x.label.clone())
                        .collect();
                    let fid = f.id.clone();
                    out.push(
                        ctx.finding(&META, &[&fid])
                            .title(format!("{fid}: estimated availability {} is below the {} target", pct(est), pct(target)))
                            .score(if gap_nine { 4 } else { 3 }, 3)
                            .confidence(conf)
                            .flows([fid.clone()])
                            .nodes(a.factors.iter().flat_map(|x| x.nodes.iter().map(|n| ctx.node_id(*n).to_string())))
                            .evidence("estimate", format!("as modelled {}, with closure {} ({} serial factors)", pct(a.estimated), pct(est), n))
                            .evidence("target", format!("{} from {}", pct(target), t.source))
                            .evidence("weakest-links", and_list(&a.weakest))
                            .evidence("assumptions", if assumed.is_empty() { "all component figures declared".to_string() } else { format!("default availabilities used for {}", and_list(&assumed)) })
                            .metric(
                                "availability",
                                json!({
                                    "flow": fid,
                                    "estimated": a.estimated,
                                    "estimatedWithClosure": est,
                                    "target": target,
                                    "downtimeHoursPerYear": round6(downtime_hours(est)),
                                    "targetDowntimeHoursPerYear": round6(downtime_hours(target)),
                                    "requiredPerComponent": round6(req),
                                    "weakestLinks": a.weakest,
                                    "factors": factors,
                                    "afterFix": after.iter().map(|(l, e)| json!({"change": format!("make {l} redundant"), "estimated": round6(*e)})).collect::<Vec<_>>(),
                                    "afterAllSingleComponentsRedundant": round6(all_est),
                                }),
                            )
                            .rationale(format!(
                                "{} depends serially on {} components; their combined availability is about {} ({:.1} h of downtime a year) against a target of {} ({:.1} h). The weakest links are {}. To meet the target every serial component needs about {}.",
                                fid,
                                n,
                                pct(est),
                                downtime_hours(est),
                                pct(target),
                                downtime_hours(target),
                                and_list(&a.weakest),
                                pct(req)
                            ))
                            .recommendation(match after.first() {
                                Some((l, e)) => format!("Add redundancy or decoupling at the weakest links; making {l} redundant alone brings the estimate to {}, making every single component redundant to {}.", pct(*e), pct(all_est)),
                                None => "Raise the availability of the weakest links (redundancy, decoupling) or declare real component figures.".to_string(),
                            })
                            .weight(f.criticality as u32)
                            .build(),
                    );
                }
                (Some(t), "target-opaque") => {
                    let fid = f.id.clone();
                    out.push(
                        ctx.finding(&META, &[&fid])
                            .variant("target-opaque")
                            .title(format!("{fid}: availability target is declared only by reference; estimate {}", pct(est)))
                            .score(1, 2)
                            .cap(Severity::Low)
                            .confidence(Confidence::Low)
                            .flows([fid.clone()])
                            .evidence("target", t.source.clone())
                            .evidence("estimate", format!("with closure {} ; weakest links {}", pct(est), and_list(&a.weakest)))
                            .metric("availability", json!({"flow": fid, "estimated": a.estimated, "estimatedWithClosure": est, "target": null, "weakestLinks": a.weakest, "factors": factors}))
                            .rationale(format!("An availability requirement exists but its value sits behind a config-url the advisor does not fetch (offline, deterministic), so the estimate of {} ({:.1} h/yr of downtime) cannot be compared with it.", pct(est), downtime_hours(est)))
                            .recommendation("State the target inline, e.g. an architecture control `high-availability` with config `availability-percent: 99.9`.")
                            .fix("add-control", &["--scope", "architecture", "--preset", "high-availability"], "safe", "declares an inline availability target")
                            .build(),
                    );
                }
                (None, _)
                    if f.criticality >= 4 && availability::architecture_target(ctx).is_none() =>
                {
                    let fid = f.id.clone();
                    out.push(
                        ctx.finding(&META, &[&fid])
                            .variant("target-undeclared")
                            .title(format!("{fid} is critical but declares no availability target"))
                            .score(1, 1)
                            .confidence(Confidence::Medium)
                            .flows([fid.clone()])
                            .evidence("criticality", f.criticality_source.clone())
                            .metric("availability", json!({"flow": fid, "estimated": a.estimated, "estimatedWithClosure": est, "target": null, "weakestLinks": a.weakest}))
                            .rationale(format!("Without a target nobody can tell whether {} ({:.1} h/yr) is good enough.", pct(est), downtime_hours(est)))
                            .recommendation("Declare an availability target for the flow or the architecture.")
                            .fix("add-control", &["--scope", &format!("flow:{fid}"), "--preset", "high-availability"], "safe", "declares an availability target on the flow")
                            .build(),
                    );
                }
                _ => {}
            }
        }
        out
    }
}
