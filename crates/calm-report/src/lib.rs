//! Documents the evolution of an architecture: a structural diff keyed by `unique-id`
//! (with renames, flow transitions, controls and ADR links), findings introduced and resolved
//! between two reviews, and the Markdown "architecture improvements" and review reports.

pub mod adr;
pub mod diff;
pub mod input;
pub mod similarity;

pub use diff::{Detail, ElementChange, Op, Renames, Section, StructuralDiff, structural_diff};
pub use input::{GitReader, InputSpec, LoadedArchitecture, NoGit, load_architecture};
pub mod diff_output;
pub mod improvements;
pub mod ops;
pub mod requirement_text;
pub mod review;
pub mod review_report;

pub use diff_output::ArchitectureDiff;
pub use review::{ReviewDelta, ReviewOutcome, compare_reviews};
