//! OPS-04 `flow-impact-undocumented`.

use crate::context::Context;
use crate::finding::{Category, Finding, Severity};
use crate::ops::FlowField;
use crate::rules::{Rule, RuleDoc, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "flow-impact-undocumented",
    code: "OPS-04",
    category: Category::Operability,
    default_severity: Severity::Low,
    summary: "flow without a business-impact statement or an SLA",
    tags: &["operability"],
    doc: RuleDoc {
        what: "A declared flow that does not say what its outage costs the business (`business-impact` \
or `impact`; a tier such as `business-criticality: high` is not an impact statement) or what it promises (`sla`, `slo`, `availability-target`, \
read by `calm_analysis::ops`; an availability target from a flow or architecture control also \
counts as the SLA). The finding names which of the two is missing.\n\nTo stay quiet on models \
that never started documenting operations, a flow is only reported when it is critical \
(criticality ≥ 3: `high`, `critical`, `tier-1`, or an availability target ≥ 99.9 %) — at low — \
or when another flow of the same architecture already states its business impact (the model \
documents operations; an availability target alone does not say so) — at info for a flow that \
is not critical. Inferred journeys (no declared flow) are \
not reported: DOC-02 asks for the flows first.",
        why: "In an incident the flow is what the business sees: the business impact decides how \
loud the page is and who is told, the SLA decides how long the outage may last before it is a \
breach. Without them on the flow, responders rank incidents by guesswork, and the degraded \
behaviour and customer message are improvised.",
        example: "`book-appointment-flow` is `criticality: high`; `cancel-appointment-flow` states \
`business-impact` and `sla`, `book-appointment-flow` states neither.",
        how_to_fix: "Add to the flow's metadata `\"business-impact\": \"Patients cannot book — \
lost appointments\"` and `\"sla\": \"99.9% availability, 2s p99 latency\"`; while there, add \
`degraded-behavior` and `customer-communication` (tutorial 15, step 4).",
        false_positives: "Impact and SLA kept in a service catalogue or incident tool instead of \
the model: point to it from the flow (`\"business-impact\": \"see <url>\"`), or suppress the \
finding with status `accepted`. A flow that only exists to document an internal step (a \
housekeeping job): set `criticality: low` and document none of the flows' impacts, or suppress \
it.",
        references: &[
            "https://sre.google/sre-book/service-level-objectives/",
            "https://www.atlassian.com/incident-management/kpis/severity-levels",
        ],
    },
};

pub struct FlowImpactUndocumented;

impl Rule for FlowImpactUndocumented {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let facts = crate::ops::facts(ctx);
        // A business-impact statement is operations documentation (tutorial 15); an
        // availability target alone is a resilience figure many models carry without it.
        let documents = |fi: usize| facts.flows[fi].get(FlowField::BusinessImpact);
        let mut out = Vec::new();
        for fl in &ctx.flows {
            let Some(fi) = fl.index else { continue };
            let ops = &facts.flows[fi];
            let impact = ops.get(FlowField::BusinessImpact);
            let sla = ops.get(FlowField::Sla).map(|s| s.cite()).or_else(|| {
                crate::availability::flow_target(ctx, fi)
                    .filter(|(t, _)| t.value.is_some())
                    .map(|(_, src)| src)
            });
            if impact.is_some() && sla.is_some() {
                continue;
            }
            let critical = fl.criticality >= 3;
            // Another flow that already documents its impact: the model documents
            // operations, so this flow's silence is a gap, not a style.
            let peer = (0..ctx.model.flows.len())
                .filter(|&o| o != fi)
                .find_map(documents);
            if !critical && peer.is_none() {
                continue;
            }
            let missing = match (impact.is_some(), sla.is_some()) {
                (false, false) => "business impact or SLA",
                (false, true) => "business impact",
                _ => "SLA",
            };
            let id = fl.id.as_str();
            let (l, i) = if critical { (2, 1) } else { (1, 1) };
            let mut b = ctx
                .finding(&META, &[id])
                .title(format!("{id} states no {missing}"))
                .score(l, i)
                .flows([id])
                .nodes(fl.request_nodes.iter().map(|n| ctx.node_id(*n).to_string()))
                .weight(fl.criticality as u32)
                .evidence(
                    "criticality",
                    format!("{} ({})", fl.criticality, fl.criticality_source),
                )
                .evidence("missing", format!("no {missing} in {id}'s metadata"));
            if let Some(s) = impact {
                b = b.evidence("business-impact", format!("{} ({})", s.value, s.cite()));
            }
            if let Some(src) = &sla {
                b = b.evidence("sla", src.clone());
            }
            if let Some(p) = peer {
                b = b.evidence(
                    "documented-elsewhere",
                    format!(
                        "{}: {} (the model documents flow impact)",
                        p.cite(),
                        p.value
                    ),
                );
            }
            out.push(
                b.rationale(format!(
                    "When {id} fails, the model does not say what the outage costs or what was promised, so responders cannot rank the incident or tell when it becomes a breach."
                ))
                .recommendation(format!(
                    "Add `business-impact` and `sla` (and `degraded-behavior`, `customer-communication`) to {id}'s metadata."
                ))
                .build(),
            );
        }
        out
    }
}
