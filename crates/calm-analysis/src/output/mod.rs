//! Review outputs: text (a senior architect's review), JSON (docs/advisor-design.md §5.1), Markdown
//! and SARIF 2.1.0 (§6). Every output is a pure function of the [`Review`]: same input, same
//! bytes.

pub mod json;
pub mod markdown;
pub mod sarif;
pub mod text;

use crate::finding::Finding;
use crate::review::Review;

/// Output format of `review`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Markdown,
    Sarif,
}

/// Display options shared by the text and Markdown views.
#[derive(Debug, Clone, Default)]
pub struct ViewOptions {
    /// Show only the N top concerns (a concern = one rule; its findings are grouped).
    pub top: Option<usize>,
}

pub fn render(review: &Review, format: Format, view: &ViewOptions) -> String {
    match format {
        Format::Text => text::render(review, view),
        Format::Json => json::render(review, view),
        Format::Markdown => markdown::render(review, view),
        Format::Sarif => sarif::render(review),
    }
}

/// Write the review in `format` to `w`; JSON and SARIF are streamed (a 100,000-node model gives
/// hundreds of megabytes of JSON).
pub fn write(
    review: &Review,
    format: Format,
    view: &ViewOptions,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Json => json::write_pretty(&json::json_document(review, view), w),
        Format::Sarif => json::write_pretty(&sarif::document(review), w),
        Format::Text | Format::Markdown => w.write_all(render(review, format, view).as_bytes()),
    }
}

/// Findings grouped by rule, groups in the order of their best-ranked finding.
pub fn concerns(findings: &[Finding]) -> Vec<Vec<&Finding>> {
    let mut groups: Vec<Vec<&Finding>> = Vec::new();
    for f in findings {
        match groups.iter_mut().find(|g| g[0].rule == f.rule) {
            Some(g) => g.push(f),
            None => groups.push(vec![f]),
        }
    }
    groups
}

/// The element a finding is about (the part of its id after `rule@`).
pub fn subject(f: &Finding) -> String {
    f.id.split_once('@')
        .map(|x| x.1)
        .unwrap_or(&f.id)
        .split('#')
        .next()
        .unwrap_or("")
        .replace('@', " → ")
}
