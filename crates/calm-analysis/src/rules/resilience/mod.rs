//! Resilience rules RES-01 … RES-19 (advisor-design.md §4). One file per rule.

use crate::rules::Rule;

/// Resilience rules in priority order. The order breaks ties in the ranking: the front door
/// first, then state (data loss is hard to undo), then cascades, then stateless replicas.
pub fn rules() -> Vec<&'static dyn Rule> {
    vec![]
}
