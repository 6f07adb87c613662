//! Documentation rules (DOC-01 … DOC-03): gaps in the model itself, which lower the confidence
//! of every other finding. One file per rule; one line per rule in `rules()` (see `crate::rules`
//! for how to add a rule).

use crate::rules::Rule;

pub mod critical_paths_without_flows;
pub mod incomplete_model;
pub mod non_standard_calm_dialect;

/// Documentation rules in priority order.
pub fn rules() -> Vec<&'static dyn Rule> {
    vec![
        &critical_paths_without_flows::CriticalPathsWithoutFlows,
        &incomplete_model::IncompleteModel,
        &non_standard_calm_dialect::NonStandardCalmDialect,
    ]
}

/// Evidence text for a list of ids: the first `max`, then "and N more".
pub(crate) fn list(ids: &[&str], max: usize) -> String {
    if ids.len() <= max {
        ids.join(", ")
    } else {
        format!("{} and {} more", ids[..max].join(", "), ids.len() - max)
    }
}
