//! Human-readable report, laid out like the reference CLI's `-f pretty`: a summary block, then
//! ERROR and WARN sections grouped by file, each issue with its path, `at line L, col C`, the
//! schema path for JSON-schema issues, and a source snippet with carets (annotate-snippets).

use crate::diagnostic::{Diagnostic, Severity};
use crate::engine::Outcome;
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use std::fmt::Write;

const BOLD_RED: &str = "\x1b[1;31m";
const BOLD_YELLOW: &str = "\x1b[1;33m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// Longest source line shown in a snippet (longer lines are cut, as minified JSON would flood
/// the terminal otherwise).
const MAX_SNIPPET_CHARS: usize = 160;

pub fn render(outcome: &Outcome, color: bool) -> String {
    let paint = |style: &str, s: &str| {
        if color {
            format!("{style}{s}{RESET}")
        } else {
            s.to_string()
        }
    };
    let diags = &outcome.report.diagnostics;
    let count = |sev: &[Severity]| diags.iter().filter(|d| sev.contains(&d.severity)).count();
    let (errors, warnings, infos) = (
        count(&[Severity::Error]),
        count(&[Severity::Warning]),
        count(&[Severity::Info, Severity::Hint]),
    );
    let yes_no = |n: usize| {
        if n > 0 {
            format!("yes ({n})")
        } else {
            "no (0)".to_string()
        }
    };
    let mut out = String::new();
    let _ = writeln!(out, "{}", paint(BOLD, "Summary"));
    let _ = writeln!(
        out,
        "- Errors: {}",
        if errors > 0 {
            paint(BOLD_RED, &yes_no(errors))
        } else {
            yes_no(errors)
        }
    );
    let _ = writeln!(
        out,
        "- Warnings: {}",
        if warnings > 0 {
            paint(BOLD_YELLOW, &yes_no(warnings))
        } else {
            yes_no(warnings)
        }
    );
    let _ = writeln!(out, "- Info/Hints: {infos}");
    if diags.is_empty() {
        let _ = writeln!(out, "\nNo issues found.");
        return out;
    }
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    for (sev, title, label) in [
        (Severity::Error, "ERROR issues:", "ERROR"),
        (Severity::Warning, "WARN  issues:", "WARN"),
        (Severity::Info, "INFO issues:", "INFO"),
        (Severity::Hint, "HINT issues:", "HINT"),
    ] {
        let idx: Vec<usize> = (0..diags.len())
            .filter(|&i| diags[i].severity == sev)
            .collect();
        if idx.is_empty() {
            continue;
        }
        let style = if sev == Severity::Error {
            BOLD_RED
        } else {
            BOLD_YELLOW
        };
        let _ = writeln!(out, "\n{}", paint(style, title));
        // Group by file, in order of first appearance (the diagnostics are already ordered).
        let mut files: Vec<&str> = Vec::new();
        for &i in &idx {
            if !files.contains(&diags[i].file.as_str()) {
                files.push(&diags[i].file);
            }
        }
        for file in files {
            let base = std::path::Path::new(file)
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_else(|| file.to_string());
            let _ = writeln!(out, "- In {base} ({file}):");
            for &i in idx.iter().filter(|&&i| diags[i].file == file) {
                let d = &diags[i];
                let _ = writeln!(
                    out,
                    "  {} {}: {}",
                    paint(style, label),
                    paint(BOLD, &d.code),
                    d.message
                );
                let _ = writeln!(out, "    path: {}", outcome.display_path(i));
                if d.line_start > 0 {
                    let _ = writeln!(
                        out,
                        "    at line {}, col {} ({})",
                        d.line_start,
                        d.character_start + 1,
                        d.file
                    );
                }
                if let Some(sp) = d.schema_path.as_deref().filter(|s| !s.is_empty()) {
                    let _ = writeln!(out, "    schema: {}", paint(DIM, sp));
                }
                if let Some(snippet) = snippet(outcome, d, sev, &renderer) {
                    for line in snippet.lines() {
                        let _ = writeln!(out, "    {line}");
                    }
                }
            }
        }
    }
    out
}

/// The source line of the diagnostic with carets under its span.
fn snippet(
    outcome: &Outcome,
    d: &Diagnostic,
    sev: Severity,
    renderer: &Renderer,
) -> Option<String> {
    if d.line_start == 0 {
        return None;
    }
    let source = outcome.source(&d.file)?;
    let line = source.line_text(d.line_start);
    if line.is_empty() {
        return None;
    }
    // Cut long lines around the start of the span.
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let first = if chars.len() <= MAX_SNIPPET_CHARS {
        0
    } else {
        d.character_start.saturating_sub(40).min(chars.len())
    };
    let last = (first + MAX_SNIPPET_CHARS).min(chars.len());
    let byte = |c: usize| chars.get(c).map(|x| x.0).unwrap_or(line.len());
    let shown = &line[byte(first)..byte(last)];
    let start = byte(d.character_start.max(first)) - byte(first);
    let end_char = if d.line_end == d.line_start {
        d.character_end
    } else {
        last
    };
    let end = (byte(end_char.clamp(d.character_start.max(first), last)) - byte(first))
        .max(start + 1)
        .min(shown.len());
    let start = start.min(shown.len().saturating_sub(1));
    let level = if sev == Severity::Error {
        Level::ERROR
    } else {
        Level::WARNING
    };
    let group = Group::with_level(level).element(
        Snippet::source(shown)
            .line_start(d.line_start)
            .annotation(AnnotationKind::Primary.span(start..end)),
    );
    Some(renderer.render(&[group]))
}
