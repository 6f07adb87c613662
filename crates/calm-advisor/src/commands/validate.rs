//! `calm-advisor validate`: a drop-in for `calm validate` (same flags, JSON report shape and
//! exit codes 0/1), plus SARIF output, several `-a` files, and clear fatal errors (exit 2).

use crate::cli::{ValidateArgs, ValidateFormat, exit};
use crate::common::{CliError, CmdResult, write_output};
use calm_validate::{Config, Format, Outcome, Validator};
use std::io::IsTerminal;

pub fn run(args: &ValidateArgs) -> CmdResult {
    if args.architecture.is_empty() && args.pattern.is_none() && args.timeline.is_none() {
        return Err(CliError::input(
            "nothing to validate: give an architecture (-a FILE), a pattern (-p FILE) or a timeline (--timeline FILE)",
        ));
    }
    if args.calm_hub_url.is_some() && args.verbose {
        eprintln!("calm-advisor validate: --calm-hub-url is ignored (calm-advisor works offline)");
    }
    let config = Config {
        schema_dirs: args.schema_directory.clone(),
        url_mapping: args.url_mapping.clone(),
        verbose: args.verbose,
        ..Config::default()
    };
    let engine = Validator::new(config).map_err(|e| CliError::input(e.to_string()))?;
    let fatal = |e: calm_validate::FatalError| match e {
        // Show the line with a caret, as for every other command.
        calm_validate::FatalError::Load(l) => CliError::from(l),
        other => CliError::input(other.to_string()),
    };

    let outcome = if let Some(t) = &args.timeline {
        engine.validate_timeline(t).map_err(fatal)?
    } else if args.architecture.is_empty() {
        let p = args.pattern.as_deref().expect("checked above");
        engine.validate_pattern(p).map_err(fatal)?
    } else {
        let mut outcomes = Vec::new();
        for a in &args.architecture {
            outcomes.push(
                engine
                    .validate_architecture(a, args.pattern.as_deref())
                    .map_err(fatal)?,
            );
        }
        Outcome::merge(outcomes)
    };

    let format = match args.format {
        ValidateFormat::Json => Format::Json,
        ValidateFormat::Junit => Format::Junit,
        ValidateFormat::Pretty => Format::Pretty,
        ValidateFormat::Sarif => Format::Sarif,
    };
    // Colours only on a terminal, and never with NO_COLOR set (https://no-color.org).
    let color = args.output.is_none()
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let text = calm_validate::output::render(&outcome, format, color);
    if args.verbose {
        let r = &outcome.report;
        eprintln!(
            "calm-advisor validate: {} error(s), {} warning(s)",
            r.diagnostics
                .iter()
                .filter(|d| d.severity == calm_validate::Severity::Error)
                .count(),
            r.diagnostics
                .iter()
                .filter(|d| d.severity == calm_validate::Severity::Warning)
                .count()
        );
    }
    write_output(args.output.as_deref(), text.as_bytes())?;
    // The process ends right after: freeing the compiled schemas one by one would only add
    // to every run's time.
    std::mem::forget(engine);
    Ok(if outcome.passed(args.strict) {
        exit::OK
    } else {
        exit::FAILED
    })
}
