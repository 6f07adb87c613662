//! Report writers: JSON (the reference CLI's shape), pretty (terminal), JUnit XML and SARIF 2.1.0.

pub mod json;
pub mod junit;
pub mod pretty;
pub mod sarif;

use crate::engine::Outcome;

/// Output format of a validation report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Junit,
    Pretty,
    Sarif,
}

/// Render an outcome. `color` only affects `Pretty`.
pub fn render(outcome: &Outcome, format: Format, color: bool) -> String {
    match format {
        Format::Json => json::render(outcome),
        Format::Junit => junit::render(outcome),
        Format::Pretty => pretty::render(outcome, color),
        Format::Sarif => sarif::render(outcome),
    }
}
