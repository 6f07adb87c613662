//! Findings: the stable output contract of the review (docs/advisor-design.md §5.1).
//! Other crates (refactor, render, report, the binary) read these types; change them with care.

use serde::{Deserialize, Serialize};

/// Severity, ordered from least to most severe (so `>=` means "at least as severe").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// Every severity, most severe first (the order of summaries and tables).
    pub const DESCENDING: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
    pub fn parse(s: &str) -> Option<Severity> {
        Some(match s.to_ascii_lowercase().as_str() {
            "info" => Severity::Info,
            "low" => Severity::Low,
            "medium" => Severity::Medium,
            "high" => Severity::High,
            "critical" => Severity::Critical,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Resilience,
    Security,
    Performance,
    Operability,
    Documentation,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Resilience => "resilience",
            Category::Security => "security",
            Category::Performance => "performance",
            Category::Operability => "operability",
            Category::Documentation => "documentation",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

/// Where a finding points in the file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FindingLocation {
    /// `node`, `relationship`, `flow`, `control` or `architecture`.
    pub kind: String,
    pub unique_id: Option<String>,
    pub json_pointer: String,
    pub start_line: usize,
    /// 1-based column.
    pub start_column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

/// One piece of evidence behind a finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Evidence {
    pub kind: String,
    pub detail: String,
}

/// The recommended fix as a `calm-advisor fix` recipe call (applied by calm-refactor).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FixSuggestion {
    /// Recipe name, e.g. `add-load-balancer`.
    pub recipe: String,
    /// Recipe arguments as CLI words, e.g. `["--target", "api-gateway"]`.
    pub args: Vec<String>,
    /// The full command line a user can run.
    pub command: String,
    /// `safe` (only adds redundancy/declarations) or `unsafe` (changes call paths).
    pub safety: String,
    /// What the fix does, in one sentence.
    pub description: String,
}

/// Why a finding is accepted, mitigated or a false positive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    /// `accepted`, `mitigated` or `false-positive`.
    pub status: String,
    pub justification: Option<String>,
    pub owner: Option<String>,
    pub expires: Option<String>,
    /// `in-model` or `baseline`.
    pub source: String,
}

/// One finding of the review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable synthetic id `rule@unique-id[@…]`.
    pub id: String,
    /// Line-independent fingerprint (`sha256:…`).
    pub fingerprint: String,
    pub rule: String,
    pub category: Category,
    pub tags: Vec<String>,
    pub severity: Severity,
    pub likelihood: u8,
    pub impact: u8,
    pub confidence: Confidence,
    /// 1-based position in the total order of the review.
    pub rank: usize,
    pub title: String,
    pub nodes: Vec<String>,
    pub relationships: Vec<String>,
    pub flows: Vec<String>,
    pub locations: Vec<FindingLocation>,
    pub evidence: Vec<Evidence>,
    pub metrics: serde_json::Value,
    pub rationale: String,
    pub recommendation: String,
    pub references: Vec<String>,
    pub fix: Option<FixSuggestion>,
    pub suppression: Option<Suppression>,
}

/// Counts by severity as a phrase, most severe first and zero counts left out
/// (`"1 critical, 3 high"`), or `"none"`.
pub fn severity_summary<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> String {
    let mut counts = [0usize; 5];
    for f in findings {
        counts[Severity::DESCENDING
            .iter()
            .position(|s| *s == f.severity)
            .unwrap_or(4)] += 1;
    }
    let parts: Vec<String> = Severity::DESCENDING
        .iter()
        .zip(counts)
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{n} {}", s.as_str()))
        .collect();
    if parts.is_empty() {
        "none".to_string()
    } else {
        parts.join(", ")
    }
}
