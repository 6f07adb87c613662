//! Documentation rules (owned by the analysis-rules engineer). One file per rule; one line per rule in
//! `rules()` (see `crate::rules` for how to add a rule).

use crate::rules::Rule;

/// Documentation rules in priority order.
pub fn rules() -> Vec<&'static dyn Rule> {
    vec![]
}
