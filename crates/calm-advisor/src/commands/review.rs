//! `calm-advisor review`: ranked findings with rationale, evidence and fixes.

use crate::cli::{ReviewArgs, ReviewFormat, exit};
use crate::common::{CliError, CmdResult, load_document, write_output_with};
use calm_analysis::output::{self, Format, ViewOptions};
use calm_analysis::suppress::Baseline;
use calm_analysis::{Category, ReviewOptions, RuleSettings, Severity};
use calm_model::Document;
use std::path::Path;

pub fn categories(names: &[String]) -> Result<Vec<Category>, CliError> {
    names
        .iter()
        .map(|c| match c.trim().to_ascii_lowercase().as_str() {
            "resilience" => Ok(Category::Resilience),
            "security" => Ok(Category::Security),
            "performance" => Ok(Category::Performance),
            "operability" => Ok(Category::Operability),
            "documentation" => Ok(Category::Documentation),
            other => Err(CliError::input(format!(
                "unknown category \"{other}\" (expected resilience, security, performance, operability or documentation)"
            ))),
        })
        .collect()
}

/// Load a baseline file (`{"suppressions": [...]}`), with file/line errors for bad JSON.
pub fn load_baseline(path: &Path) -> Result<Baseline, CliError> {
    let doc = load_document(path)?;
    Baseline::parse(&path.display().to_string(), &doc.value).map_err(CliError::input)
}

/// The document to review: the file, or the built-in example.
pub fn input(file: Option<&Path>, example: bool) -> Result<Document, CliError> {
    if example {
        return Document::from_str(
            calm_analysis::example::NAME,
            calm_analysis::example::BOOKSHOP,
        )
        .map_err(CliError::from);
    }
    match file {
        Some(f) => load_document(f),
        None => Err(CliError::input(
            "no architecture file given (or use --example)",
        )),
    }
}

/// Rule settings from `--config` (or the baseline file's `rules`) and `--disable`.
pub fn rule_settings(args: &ReviewArgs) -> Result<RuleSettings, CliError> {
    let mut settings = RuleSettings::default();
    for path in [&args.config, &args.baseline].into_iter().flatten() {
        let doc = load_document(path)?;
        let more = RuleSettings::parse(&path.display().to_string(), &doc.value).map_err(|e| {
            let at = doc.locate(&e.pointer);
            CliError::input(format!(
                "{}:{}:{}: {} (at {})",
                path.display(),
                at.line_start.max(1),
                at.character_start + 1,
                e.message,
                e.pointer
            ))
        })?;
        settings.disabled.extend(more.disabled);
        for (k, v) in more.severity {
            // --config wins over the baseline file (it is read first).
            settings.severity.entry(k).or_insert(v);
        }
        settings.sources.extend(more.sources);
    }
    settings
        .disable(args.disable.iter().map(String::as_str), "--disable")
        .map_err(CliError::input)?;
    Ok(settings)
}

pub fn run(args: &ReviewArgs) -> CmdResult {
    let doc = input(args.file.as_deref(), args.example)?;
    let opts = ReviewOptions {
        categories: categories(&args.category)?,
        min_severity: args.min_severity.map(Severity::from),
        baseline: match &args.baseline {
            Some(p) => Some(load_baseline(p)?),
            None => None,
        },
        rules: rule_settings(args)?,
        ..ReviewOptions::default()
    };
    let review = calm_analysis::review(&doc, &opts);
    let format = match args.format {
        ReviewFormat::Text => Format::Text,
        ReviewFormat::Json => Format::Json,
        ReviewFormat::Markdown => Format::Markdown,
        ReviewFormat::Sarif => Format::Sarif,
    };
    // The findings no longer need the document: free it before writing (large models).
    drop(doc);
    write_output_with(args.output.as_deref(), |w| {
        output::write(&review, format, &ViewOptions { top: args.top }, w)
    })?;
    match args.fail_on {
        Some(s) if review.failing(s.into()) > 0 => Ok(exit::FAILED),
        _ => Ok(exit::OK),
    }
}
