//! `calm-advisor fix`: apply a refactoring recipe (or a review finding's fix), verify the result
//! and write it atomically. The summary goes to stderr so that stdout carries only the diff
//! (`--dry-run`) or the JSON Patch (`--emit-patch`).

use crate::cli::{self, FixArgs};
use crate::common::{CliError, CmdResult, load_document, write_atomic};
use crate::engine::{EngineError, LibraryEngine, Step};
use calm_analysis::Severity;
use calm_refactor::Recipe;
use std::path::Path;

/// A plan error as the CLI reports it: `FILE: RECIPE: reason`.
fn plan_error(name: &str, recipe: &Recipe, e: EngineError) -> CliError {
    CliError::input(format!("{name}: {}: {e}", recipe.name()))
}

pub fn run(args: &FixArgs) -> CmdResult {
    let doc = load_document(&args.file)?;
    let name = args.file.display().to_string();
    // The exact bytes (a byte-order mark included) so the result and the on-disk check match them.
    let original =
        std::fs::read_to_string(&args.file).unwrap_or_else(|_| doc.source.text().to_string());
    let engine = LibraryEngine::new();

    let steps = if let Some(r) = &args.recipe {
        if args.finding.is_some() || args.all {
            return Err(CliError::input(
                "give either a recipe, --finding or --all, not several",
            ));
        }
        let recipe = r.clone().normalized();
        vec![
            engine
                .plan_step(&name, &original, recipe.name().to_string(), &recipe, None)
                .map_err(|e| plan_error(&name, &recipe, e))?,
        ]
    } else if let Some(id) = &args.finding {
        let findings = engine
            .findings(&name, &original)
            .map_err(|e| CliError::input(e.to_string()))?;
        let finding = findings.iter().find(|f| f.id == *id).ok_or_else(|| {
            let known: Vec<&str> = findings
                .iter()
                .filter(|f| f.fix.is_some())
                .map(|f| f.id.as_str())
                .take(10)
                .collect();
            CliError::input(format!(
                "{name}: no finding `{id}` in the review{}",
                if known.is_empty() {
                    String::new()
                } else {
                    format!(" (fixable findings: {})", known.join(", "))
                }
            ))
        })?;
        let recipe = calm_refactor::recipe_for_finding(finding)
            .map_err(|e| CliError::input(e.to_string()))?;
        vec![
            engine
                .plan_step(
                    &name,
                    &original,
                    format!("{} (fix for {id})", recipe.name()),
                    &recipe,
                    Some(id),
                )
                .map_err(|e| plan_error(&name, &recipe, e))?,
        ]
    } else if args.all {
        let (steps, skipped) = engine
            .fix_all(&name, &original, args.min_severity.map(Severity::from))
            .map_err(|e| CliError::input(e.to_string()))?;
        for s in skipped {
            eprintln!("{s}");
        }
        steps
    } else {
        return Err(CliError::input(
            "say what to fix: a recipe (e.g. `fix FILE add-load-balancer --target api-gateway`), --finding ID or --all",
        ));
    };

    let final_text = steps
        .last()
        .map(|s| s.plan.after_text.clone())
        .unwrap_or_else(|| original.clone());
    for s in &steps {
        report_step(s);
    }
    let blocked: Vec<String> = steps
        .iter()
        .flat_map(|s| {
            s.verification
                .blocking()
                .into_iter()
                .map(move |b| format!("{}: {b}", s.label))
        })
        .collect();
    if !blocked.is_empty() {
        eprintln!("refused, nothing was written:");
        for b in &blocked {
            eprintln!("  - {b}");
        }
        return Ok(cli::exit::REFUSED);
    }
    if final_text == original {
        eprintln!(
            "nothing to change: {name} already has {}",
            if steps.is_empty() {
                "no fixable findings".to_string()
            } else {
                "these changes (the recipe was applied before)".to_string()
            }
        );
        return Ok(cli::exit::OK);
    }

    let before: serde_json::Value = doc.value.clone();
    let after: serde_json::Value =
        serde_json::from_str(&final_text).map_err(|e| CliError::input(e.to_string()))?;
    if args.dry_run {
        let diff = crate::engine::unified_diff(&original, &final_text, &name);
        crate::common::write_output(None, diff.as_bytes())?;
    }
    if args.emit_patch {
        let patch = calm_refactor::patch::diff(&before, &after);
        let mut text = serde_json::to_string_pretty(&patch).unwrap_or_default();
        text.push('\n');
        crate::common::write_output(None, text.as_bytes())?;
    }
    if args.dry_run || (args.emit_patch && args.output.is_none()) {
        eprintln!(
            "(not written{})",
            if args.dry_run {
                ": --dry-run"
            } else {
                ": --emit-patch without -o"
            }
        );
        return Ok(cli::exit::OK);
    }
    let target = args.output.as_deref().unwrap_or(&args.file);
    if args.output.is_none() {
        refuse_if_changed(&args.file, &original)?;
    }
    write_atomic(target, final_text.as_bytes())?;
    eprintln!("wrote {}", target.display());
    Ok(cli::exit::OK)
}

fn report_step(s: &Step) {
    let p = &s.plan;
    if p.is_noop() {
        eprintln!("{}: already applied, nothing to change", s.label);
        return;
    }
    eprintln!("{}:", s.label);
    for c in &p.changes {
        eprintln!("  + {c}");
    }
    let v = &s.verification;
    let mut checks = Vec::new();
    checks.push(if v.reference_problems.is_empty() {
        "references ok".to_string()
    } else {
        format!("{} broken reference(s)", v.reference_problems.len())
    });
    match &v.validator_failure {
        Some(_) => checks.push("validation could not run".into()),
        None if v.new_validation_errors.is_empty() => checks.push("validates".into()),
        None => checks.push(format!(
            "{} new validation error(s)",
            v.new_validation_errors.len()
        )),
    }
    if v.preexisting_validation_errors > 0 {
        checks.push(format!(
            "{} validation error(s) were there before",
            v.preexisting_validation_errors
        ));
    }
    checks.push(if v.not_idempotent.is_empty() {
        "idempotent".into()
    } else {
        "NOT idempotent".into()
    });
    eprintln!("  checks: {}", checks.join(", "));
    if let Some((id, cleared)) = &v.target {
        eprintln!(
            "  target finding {id}: {}",
            if *cleared {
                "cleared"
            } else {
                "STILL REPORTED"
            }
        );
    }
    for f in &v.resolved {
        eprintln!(
            "  resolved ({}): {} — {}",
            f.severity.as_str(),
            f.id,
            f.title
        );
    }
    // Never hidden: a fix can create a new weak spot (e.g. the new broker is a single instance).
    for f in &v.introduced {
        eprintln!(
            "  NEW finding ({}): {} — {}",
            f.severity.as_str(),
            f.id,
            f.title
        );
    }
}

/// Refuse to overwrite a file that changed since it was read (another editor, a git checkout).
fn refuse_if_changed(path: &Path, original: &str) -> Result<(), CliError> {
    let now = std::fs::read(path).map_err(|e| {
        CliError::refused(format!(
            "{}: cannot re-read before writing: {e}",
            path.display()
        ))
    })?;
    if now != original.as_bytes() {
        return Err(CliError::refused(format!(
            "{} changed on disk since it was read; nothing was written (run fix again)",
            path.display()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_changed_on_disk_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.json");
        std::fs::write(&p, "{\"nodes\": []}").unwrap();
        assert!(refuse_if_changed(&p, "{\"nodes\": []}").is_ok());
        std::fs::write(&p, "{\"nodes\": [1]}").unwrap();
        let e = refuse_if_changed(&p, "{\"nodes\": []}").unwrap_err();
        assert_eq!(e.code, cli::exit::REFUSED);
        assert!(e.message.contains("changed on disk"));
    }
}
