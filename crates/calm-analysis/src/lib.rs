//! The expert review engine: normalisation, role inference, the dependency graph, redundancy,
//! single points of failure (dominators), availability estimates, blast radius, and the rule
//! catalogue (`rules/`), producing ranked [`Finding`]s.
//!
//! ```no_run
//! let doc = calm_model::Document::load_path(std::path::Path::new("arch.json")).unwrap();
//! let review = calm_analysis::review(&doc, &calm_analysis::ReviewOptions::default());
//! for f in &review.findings { println!("{} {} {}", f.rank, f.severity.as_str(), f.title); }
//! ```

pub mod availability;
pub mod blast;
pub mod context;
pub mod evidence;
pub mod example;
pub mod finding;
pub mod finding_builder;
pub mod flows;
pub mod graph;
pub mod ingress;
pub mod normalize;
pub mod ops;
pub mod output;
pub mod platform;
pub mod redundancy;
pub mod review;
pub mod roles;
pub mod rule_settings;
pub mod rules;
pub mod simulate;
pub mod spof;
pub mod suppress;

pub use context::{Context, ReviewConfig};
pub use finding::{
    Category, Confidence, Evidence, Finding, FindingLocation, FixSuggestion, Severity, Suppression,
};
pub use review::{Review, ReviewOptions, review};
pub use rule_settings::RuleSettings;
