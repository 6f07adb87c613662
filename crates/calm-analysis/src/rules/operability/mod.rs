//! Operability rules (OPS-01, OPS-02). One file per rule; one line per rule in `rules()` (see
//! `crate::rules` for how to add a rule).

use crate::rules::Rule;

pub mod missing_observability;
pub mod missing_ownership_runbook;

/// Operability rules in priority order.
pub fn rules() -> Vec<&'static dyn Rule> {
    vec![
        &missing_observability::MissingObservability,
        &missing_ownership_runbook::MissingOwnershipRunbook,
    ]
}
