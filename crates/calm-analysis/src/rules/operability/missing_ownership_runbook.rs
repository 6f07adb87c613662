//! OPS-01 `missing-ownership-runbook`.

use crate::context::Context;
use crate::finding::{Category, Finding, Severity};
use crate::ops::Field;
use crate::roles::Role;
use crate::rules::security::{flow_ids, weight};
use crate::rules::{Rule, RuleDoc, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "missing-ownership-runbook",
    code: "OPS-01",
    category: Category::Operability,
    default_severity: Severity::Low,
    summary: "critical-flow node without owner, on-call/escalation or runbook",
    tags: &["operability"],
    doc: RuleDoc {
        what: "A node on the request path of a critical flow (criticality 4: `critical`, `tier-0`, \
`tier-1`, or an availability target ≥ 99.9 %) that does not say who owns it or how to operate it \
in an incident.\n\nRead through the operational metadata reader (`calm_analysis::ops`: the \
tutorial-15 keys and their usual spellings). Ownership: `owner` (or `owning-team`, `team`, \
`tech-owner`, `service-owner`, …). Operating knowledge, any one of: a runbook (`runbook`, \
`runbook-url`, `playbook`), an on-call channel (`oncall-slack`, `oncall-rotation`, `on-call`, \
`pagerduty-service`, `support-contact`, …) or an escalation (`escalation`, `escalation-policy`). \
On a datastore a DBA contact (`dba-contact`, `dba-team`, `database-owner`) answers both: \
it names the team that operates the store and is paged for it. \
Values that declare absence (`none`, `false`, empty) do not count. All are inherited from \
`composed-of` and `deployed-in` parents (a cluster's owner owns its members). Actors, web \
clients and external systems are skipped. One finding per node naming what is missing.",
        why: "In an incident the first questions are who owns the failing component and what to do. \
Without an owner nobody is paged; without a runbook the responder rediscovers the recovery \
procedure under pressure, which is where most of the time to recover goes.",
        example: "`order-service` is on `order-processing-flow` (critical) and has neither `owner` \
nor `runbook` metadata.",
        how_to_fix: "Add `owner` (team or e-mail), `oncall-slack` (or `oncall-rotation`/`escalation`) and `runbook` \
(URL) metadata to the node or to the cluster/system that contains it; use `[[ OWNER ]]`-style \
placeholders until the values are known.",
        false_positives: "Ownership recorded in a service catalogue instead of the model: set \
`owner` to the catalogue reference, or accept the finding for the whole architecture with a \
suppression at architecture level.",
        references: &[
            "https://sre.google/sre-book/being-on-call/",
            "https://docs.aws.amazon.com/wellarchitected/latest/operational-excellence-pillar/ops_ops_model_def_resp_ownership.html",
        ],
    },
};

pub struct MissingOwnershipRunbook;

impl Rule for MissingOwnershipRunbook {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let index = crate::rules::security::FlowIndex::build(ctx);
        let facts = crate::ops::facts(ctx);
        let m = &ctx.model;
        let mut out = Vec::new();
        for n in 0..m.nodes.len() {
            if matches!(ctx.roles[n].role, Role::Actor | Role::Client) || ctx.roles[n].external {
                continue;
            }
            let critical = super::critical_flows_of(ctx, &index, n);
            if critical.is_empty() {
                continue;
            }
            // Stated on the node or inherited from its composed-of and deployed-in parents.
            let ops = &facts.nodes[n];
            // A datastore's DBA contact is the team that operates it and the one paged for it
            // (tutorial 15 gives databases a `dba-contact`, not an owner): it answers both.
            let dba = ctx.roles[n]
                .role
                .is_datastore()
                .then(|| ops.get(Field::DbaContact))
                .flatten();
            let owner = ops.get(Field::Owner).or(dba);
            let runbook = [Field::Runbook, Field::Oncall, Field::Escalation]
                .into_iter()
                .find_map(|f| ops.get(f))
                .or(dba);
            if owner.is_some() && runbook.is_some() {
                continue;
            }
            let missing = match (owner, runbook) {
                (None, None) => "owner and runbook/on-call",
                (None, Some(_)) => "owner",
                _ => "runbook/on-call",
            };
            let id = &m.nodes[n].id;
            let stated = owner
                .into_iter()
                .chain(runbook)
                .map(|s| format!("{} ({})", s.value, s.cite()))
                .collect::<Vec<_>>();
            let b = ctx
                .finding(&META, &[id.as_str()])
                .title(format!("{id} is on a critical flow but declares no {missing}"))
                .score(2, 1)
                .nodes([id.as_str()])
                .flows(flow_ids(ctx, &critical))
                .weight(weight(ctx, &critical))
                .evidence("critical-flow", format!("on {}", flow_ids(ctx, &critical).join(", ")))
                .evidence("missing", format!("no {missing} metadata on the node or its parents"))
                .evidence_if(!stated.is_empty(), "stated", stated.join("; "))
                .rationale(format!("When {id} fails during an incident nobody can tell from the model who to page or how to recover it."))
                .recommendation(format!("Add `owner`, `oncall-slack` (or `oncall-rotation`) and `runbook` metadata to {id} (or to the system that contains it)."));
            out.push(b.build());
        }
        out
    }
}
