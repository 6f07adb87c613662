//! Operability rules (OPS-01..06): who runs each element and how, read from the operational
//! metadata of tutorial 15 through [`crate::ops`]. One file per rule; one line per rule in
//! `rules()` (see `crate::rules` for how to add a rule).

use crate::context::Context;
use crate::rules::Rule;
use crate::rules::security::FlowIndex;

pub mod dependencies_drift;
pub mod failure_mode_incomplete;
pub mod flow_impact_undocumented;
pub mod missing_health_endpoint;
pub mod missing_observability;
pub mod missing_ownership_runbook;

/// Operability rules in priority order.
pub fn rules() -> Vec<&'static dyn Rule> {
    vec![
        &missing_observability::MissingObservability,
        &dependencies_drift::DependenciesDrift,
        &missing_ownership_runbook::MissingOwnershipRunbook,
        &missing_health_endpoint::MissingHealthEndpoint,
        &failure_mode_incomplete::FailureModeIncomplete,
        &flow_impact_undocumented::FlowImpactUndocumented,
    ]
}

/// The critical flows (criticality 4: `critical`, `tier-0`/`tier-1`, or an availability target
/// ≥ 99.9 %) whose request path or closure holds node `n` or a member of its redundancy group
/// (flows usually name one replica only). Sorted. The premise of OPS-01 and OPS-03.
pub(crate) fn critical_flows_of(ctx: &Context, index: &FlowIndex, n: usize) -> Vec<usize> {
    index
        .flows_of(ctx, n)
        .into_iter()
        .filter(|f| {
            ctx.flows[*f].criticality >= 4
                && ctx.redundancy.supernodes[ctx.redundancy.super_of[n]]
                    .iter()
                    // On the flow's request path or closure (`node_flows` is sorted; scanning
                    // the closure itself is quadratic on large models).
                    .any(|m| ctx.node_flows[*m].binary_search(f).is_ok())
        })
        .collect()
}
