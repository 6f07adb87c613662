//! `calm-advisor diff OLD NEW`: structural diff keyed by unique-id (renames, flows and their
//! transitions, controls, metadata, ADR links), plus findings introduced/resolved and per-flow
//! availability, as text, JSON or Markdown. CI gates: `--exit-code`, `--fail-on-new`.

use crate::cli::{DiffArgs, DiffFormat, exit};
use crate::common::{CliError, CmdResult, write_output};
use crate::git::load_architecture;
use calm_analysis::Severity;
use calm_report::review::{compare_reviews, review_document};
use calm_report::{ArchitectureDiff, structural_diff};

pub fn run(args: &DiffArgs) -> CmdResult {
    let old = load_architecture(&args.old).map_err(CliError::input)?;
    let new = load_architecture(&args.new).map_err(CliError::input)?;
    let structural = structural_diff(&old.doc, &new.doc);
    let delta = compare_reviews(
        &structural.renames,
        &review_document(&old.doc),
        &review_document(&new.doc),
    );
    let diff = ArchitectureDiff::new(&old.label, &new.label, structural, Some(delta));
    let text = match args.format {
        DiffFormat::Text => diff.to_text(),
        DiffFormat::Json => diff.to_json(),
        DiffFormat::Markdown => diff.to_markdown(),
    };
    write_output(None, text.as_bytes())?;

    let mut code = exit::OK;
    if args.exit_code && !diff.identical {
        code = exit::FAILED;
    }
    if let Some(threshold) = args.fail_on_new.map(Severity::from) {
        // New findings, and findings whose severity rose to the threshold, both fail the gate.
        let introduced: Vec<_> = diff
            .review
            .iter()
            .flat_map(|r| {
                r.introduced
                    .iter()
                    .chain(r.escalated.iter().map(|e| &e.finding))
            })
            .filter(|f| f.severity >= threshold)
            .collect();
        if !introduced.is_empty() {
            eprintln!(
                "calm-advisor diff: the change introduces {} finding(s) at or above {}:",
                introduced.len(),
                threshold.as_str()
            );
            for f in introduced {
                eprintln!("  [{}] {}: {}", f.severity.as_str(), f.id, f.title);
            }
            code = exit::FAILED;
        }
    }
    Ok(code)
}
