//! The one diagnostic type every validation rule produces, and the report that groups them.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
    Hint,
}

/// Which input a diagnostic is about (the reference CLI's `source` field).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    Architecture,
    Pattern,
    Timeline,
}

/// Which output list of the JSON report it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Bucket {
    /// `jsonSchemaValidationOutputs`: json-schema, controls, node-details, legacy naming.
    JsonSchema,
    /// `spectralSchemaValidationOutputs`: the architecture / pattern / timeline rules.
    Spectral,
}

/// One validation output.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Diagnostic {
    /// Rule code, e.g. `json-schema`, `architecture-nodes-must-be-referenced`.
    pub code: String,
    pub severity: Severity,
    pub message: String,
    /// JSON pointer into the document the diagnostic is about, with array indices
    /// (e.g. `/nodes/3/interfaces/0`); outputs rewrite indices to unique-ids.
    pub pointer: String,
    /// JSON Schema keyword path (`#/required`) for json-schema outputs; `Some("")` for rule
    /// outputs (as the reference prints it); `None` where the reference omits it.
    pub schema_path: Option<String>,
    pub origin: Origin,
    pub bucket: Bucket,
    /// File the pointer refers to (the architecture, a pattern, or a detailed architecture).
    pub file: String,
    /// 1-based line / 0-based character of the span, filled in when the file is known.
    pub line_start: usize,
    pub line_end: usize,
    pub character_start: usize,
    pub character_end: usize,
}

/// All diagnostics of one validation run, in output order.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
    pub fn has_warnings(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Warning)
    }
}
