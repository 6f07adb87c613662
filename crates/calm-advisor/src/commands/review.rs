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

/// A baseline file's suppressions (`{"suppressions": [...]}`).
fn parse_baseline(path: &Path, doc: &Document) -> Result<Baseline, CliError> {
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

/// Rule settings from `--config`, the baseline file's `rules` (already loaded) and `--disable`.
fn rule_settings(
    config: Option<&Path>,
    baseline: Option<(&Path, &Document)>,
    disable: &[String],
) -> Result<RuleSettings, CliError> {
    let config_doc = config.map(load_document).transpose()?;
    let mut settings = RuleSettings::default();
    // --config first: its severities win over the baseline file's.
    let files = [config.zip(config_doc.as_ref()), baseline];
    for (path, doc) in files.into_iter().flatten() {
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
            settings.severity.entry(k).or_insert(v);
        }
        settings.sources.extend(more.sources);
    }
    settings
        .disable(disable.iter().map(String::as_str), "--disable")
        .map_err(CliError::input)?;
    Ok(settings)
}

/// The review options `review` builds from its flags: categories, minimum severity, the
/// `--config` and `--baseline` files and `--disable` (also the language server's settings).
pub fn options(
    categories_named: &[String],
    min_severity: Option<Severity>,
    config: Option<&Path>,
    baseline: Option<&Path>,
    disable: &[String],
) -> Result<ReviewOptions, CliError> {
    // Read once: it carries suppressions and may carry rule settings.
    let baseline_doc = baseline.map(load_document).transpose()?;
    let baseline_pair = baseline.zip(baseline_doc.as_ref());
    Ok(ReviewOptions {
        categories: categories(categories_named)?,
        min_severity,
        baseline: match baseline_pair {
            Some((p, d)) => Some(parse_baseline(p, d)?),
            None => None,
        },
        rules: rule_settings(config, baseline_pair, disable)?,
        ..ReviewOptions::default()
    })
}

pub fn run(args: &ReviewArgs) -> CmdResult {
    let doc = input(args.file.as_deref(), args.example)?;
    let opts = options(
        &args.category,
        args.min_severity.map(Severity::from),
        args.config.as_deref(),
        args.baseline.as_deref(),
        &args.disable,
    )?;
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
