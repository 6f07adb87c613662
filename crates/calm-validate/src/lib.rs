//! Validation with the verdicts and rule codes of `calm validate` (`@finos/calm-cli` 1.56):
//! JSON Schema against our own CALM meta-schemas, the architecture / pattern / timeline rules,
//! controls, and `details.detailed-architecture` recursion. Output formats live in `output/`.

pub mod diagnostic;

pub use diagnostic::{Bucket, Diagnostic, Origin, Report, Severity};
