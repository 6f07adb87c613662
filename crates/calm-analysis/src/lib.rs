//! The expert review engine: normalisation, role inference, the dependency graph, redundancy,
//! single points of failure (dominators), availability estimates, blast radius, and the rule
//! catalogue (`rules/`), producing ranked [`Finding`]s.

pub mod finding;

pub use finding::{Category, Confidence, Evidence, Finding, FindingLocation, FixSuggestion, Severity, Suppression};
