//! Executing intents: the one place where chat, the LLM tools and the MCP server call the
//! libraries (calm-validate, calm-analysis, calm-refactor, calm-render, calm-report). Nothing
//! here analyses or edits a document by itself; when a library does not offer an operation yet,
//! the answer says so instead of inventing a result.

use super::intent::Change;
use calm_model::Document;
use serde::Serialize;

/// Why an operation could not be carried out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineError {
    /// The library that does this is not available in this build.
    Unavailable(String),
    /// The operation ran and failed (bad id, recipe precondition, ...): the message says why.
    Failed(String),
    /// The change was planned but its result does not validate: it is refused.
    Refused { reasons: Vec<String>, diff: String },
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EngineError::Unavailable(m) | EngineError::Failed(m) => write!(f, "{m}"),
            EngineError::Refused { reasons, .. } => {
                write!(
                    f,
                    "the change was refused because the result would not validate: {}",
                    reasons.join("; ")
                )
            }
        }
    }
}

pub type EngineResult<T> = Result<T, EngineError>;

/// A review answer: the text shown to the user plus the findings as data.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewAnswer {
    pub text: String,
    pub findings: serde_json::Value,
}

/// A validation answer.
#[derive(Debug, Clone, Serialize)]
pub struct ValidationAnswer {
    pub valid: bool,
    pub errors: usize,
    pub warnings: usize,
    pub text: String,
    pub report: serde_json::Value,
}

/// A planned change, verified (valid) and not applied yet.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// What the recipe did, one line per step.
    pub summary: Vec<String>,
    /// Unified diff of the document text.
    pub diff: String,
    /// RFC 6902 patch from the old to the new document.
    pub patch: serde_json::Value,
    /// The new document text (format preserved by calm-refactor).
    pub new_text: String,
    /// Findings the change resolves / introduces, as short lines.
    pub findings_resolved: Vec<String>,
    pub findings_introduced: Vec<String>,
}

/// Everything the front ends can ask of the libraries.
pub trait Engine {
    fn review(
        &self,
        doc: &Document,
        categories: &[String],
        top: Option<usize>,
    ) -> EngineResult<ReviewAnswer>;
    fn explain(&self, doc: &Document, target: &str) -> EngineResult<String>;
    fn simulate(&self, doc: &Document, fail: &[String]) -> EngineResult<String>;
    /// Plan `changes` (applied in order) on `doc`, and verify the result validates.
    fn plan(&self, doc: &Document, changes: &[Change]) -> EngineResult<Plan>;
    fn validate(&self, doc: &Document) -> EngineResult<ValidationAnswer>;
    fn render(&self, doc: &Document, format: &str) -> EngineResult<Vec<u8>>;
    fn diff(&self, before: &Document, after: &Document) -> EngineResult<String>;
    /// The architecture-improvements document for a before/after pair.
    fn report(&self, before: &Document, after: &Document) -> EngineResult<String>;
}

/// Unified diff of two texts (3 lines of context), for showing a change before it is applied.
pub fn unified_diff(old: &str, new: &str, name: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

/// The engine backed by the workspace libraries.
#[derive(Debug, Default, Clone, Copy)]
pub struct LibraryEngine;

fn missing(what: &str, krate: &str) -> EngineError {
    EngineError::Unavailable(format!(
        "{what} is not available in this build ({krate} does not provide it yet)"
    ))
}

impl Engine for LibraryEngine {
    fn review(
        &self,
        _doc: &Document,
        _categories: &[String],
        _top: Option<usize>,
    ) -> EngineResult<ReviewAnswer> {
        Err(missing("the review engine", "calm-analysis"))
    }
    fn explain(&self, _doc: &Document, _target: &str) -> EngineResult<String> {
        Err(missing("explaining findings", "calm-analysis"))
    }
    fn simulate(&self, _doc: &Document, _fail: &[String]) -> EngineResult<String> {
        Err(missing("failure simulation", "calm-analysis"))
    }
    fn plan(&self, _doc: &Document, _changes: &[Change]) -> EngineResult<Plan> {
        Err(missing("this change", "calm-refactor"))
    }
    fn validate(&self, _doc: &Document) -> EngineResult<ValidationAnswer> {
        Err(missing("validation", "calm-validate"))
    }
    fn render(&self, _doc: &Document, _format: &str) -> EngineResult<Vec<u8>> {
        Err(missing("drawing the diagram", "calm-render"))
    }
    fn diff(&self, _before: &Document, _after: &Document) -> EngineResult<String> {
        Err(missing("the structural diff", "calm-report"))
    }
    fn report(&self, _before: &Document, _after: &Document) -> EngineResult<String> {
        Err(missing("the improvements report", "calm-report"))
    }
}
