//! One location type for diagnostics, findings, SARIF regions and chat answers.

use serde::Serialize;

/// Where something is: the file, the JSON pointer, the byte span and line/column.
/// Lines are 1-based; columns are 0-based characters (the reference CLI's `character_start`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Location {
    pub file: String,
    pub pointer: String,
    pub start: usize,
    pub end: usize,
    pub line_start: usize,
    pub line_end: usize,
    pub character_start: usize,
    pub character_end: usize,
}
