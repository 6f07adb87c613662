//! OPS-05 `failure-mode-incomplete`.

use crate::context::Context;
use crate::finding::{Category, Finding, Severity};
use crate::ops::{FailureMode, Field};
use crate::rules::{Rule, RuleDoc, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "failure-mode-incomplete",
    code: "OPS-05",
    category: Category::Operability,
    default_severity: Severity::Low,
    summary: "declared failure mode without remediation or without escalation",
    tags: &["operability"],
    doc: RuleDoc {
        what: "An entry of a node's `failure-modes` metadata (tutorial 15, step 3: `symptom`, \
`likely-cause`, `check`, `remediation`, `escalation`; read by `calm_analysis::ops`, which also \
accepts `fix`/`mitigation`/`action` for the remediation and `escalate`/`contact` for the \
escalation) that says what goes wrong but not what to do about it (no remediation) or whom to \
call when that does not work (no escalation). A node-level `escalation`/`escalation-policy` \
(its own or inherited from its container) covers the escalation of all its failure modes. One \
finding per node, citing each incomplete entry as `node.metadata.failure-modes[i]` with its \
symptom and naming what it lacks. Nodes without `failure-modes` are not reported (OPS-01 asks \
for a runbook).",
        why: "A failure mode is written for the responder at 3 a.m.: the symptom finds the entry, \
the remediation is what they do next, the escalation is who they wake when it does not work. An \
entry that stops at the symptom reads as documentation but leaves the responder where they \
started. Low: the gap is in the playbook, not in the system.",
        example: "`dispatch-service.metadata.failure-modes[1]` says `symptom: \"GPS updates \
stale\"`, `likely-cause: \"telematics feed lag\"` and nothing else.",
        how_to_fix: "Complete each entry: `\"remediation\": \"Restart the telematics consumer; \
replay from the last offset\"`, `\"escalation\": \"If stale > 10 min, page #oncall-fleet\"`; or \
declare a node-level `escalation-policy` that applies to all its failure modes.",
        false_positives: "A failure mode that genuinely has no remediation on our side (a vendor \
outage you can only wait out): say so in the entry (`\"remediation\": \"wait for vendor; \
status page <url>\"`) — that is the instruction the responder needs. Failure modes written as \
plain strings are read as a symptom only and reported.",
        references: &[
            "https://www.pagerduty.com/resources/learn/what-is-a-runbook/",
            "https://sre.google/sre-book/being-on-call/",
        ],
    },
};

pub struct FailureModeIncomplete;

impl Rule for FailureModeIncomplete {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let facts = crate::ops::facts(ctx);
        let mut out = Vec::new();
        for (n, ops) in facts.nodes.iter().enumerate() {
            if ops.failure_modes.is_empty() {
                continue;
            }
            let escalation = ops.get(Field::Escalation);
            let gaps: Vec<(&FailureMode, &str)> = ops
                .failure_modes
                .iter()
                .filter_map(|fm| {
                    let esc = fm.escalation.is_some() || escalation.is_some();
                    match (fm.remediation.is_some(), esc) {
                        (true, true) => None,
                        (false, true) => Some((fm, "remediation")),
                        (true, false) => Some((fm, "escalation")),
                        (false, false) => Some((fm, "remediation and escalation")),
                    }
                })
                .collect();
            if gaps.is_empty() {
                continue;
            }
            let id = ctx.node_id(n);
            let lines: Vec<String> = gaps
                .iter()
                .map(|(fm, what)| {
                    let symptom = fm
                        .symptom
                        .as_deref()
                        .map(|s| format!(" (\"{s}\")"))
                        .unwrap_or_default();
                    format!("{}{symptom} has no {what}", fm.cite())
                })
                .collect();
            let mut b = ctx
                .finding(&META, &[id])
                .title(format!(
                    "{id}: {} of {} failure mode(s) lack remediation or escalation",
                    gaps.len(),
                    ops.failure_modes.len()
                ))
                .score(2, 1)
                .nodes([id])
                .weight(1);
            for l in &lines {
                b = b.evidence("incomplete-failure-mode", l.clone());
            }
            if let Some(e) = escalation {
                b = b.evidence(
                    "node-escalation",
                    format!("{} ({}) covers escalation", e.value, e.cite()),
                );
            }
            out.push(
                b.rationale(format!(
                    "A responder who finds the symptom in {id}'s failure modes learns what is wrong but not what to do next or whom to call."
                ))
                .recommendation(format!(
                    "Add `remediation` (the next step) and `escalation` (who to page, and when) to each of {id}'s failure modes listed."
                ))
                .build(),
            );
        }
        out
    }
}
