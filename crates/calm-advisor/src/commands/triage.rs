//! `calm-advisor triage FILE --failing A,B --slow C --flow F --symptom TEXT`: outage triage from
//! the model (calm-analysis `ops::triage`), as text, Markdown or JSON.

use crate::cli::{TriageArgs, TriageFormat, exit};
use crate::common::{CliError, CmdResult, load_document, write_output};
use crate::engine::{Engine, LibraryEngine};
use calm_analysis::ops::{Query, triage_output};

pub fn run(args: &TriageArgs) -> CmdResult {
    let doc = load_document(&args.file)?;
    let query = Query {
        failing: args.failing.clone(),
        slow: args.slow.clone(),
        flows: args.flow.clone(),
        symptom: args.symptom.clone(),
    };
    let t = LibraryEngine::new()
        .triage(&doc, &query)
        .map_err(|e| CliError::input(format!("{}: {e}", doc.name())))?;
    let out = match args.format {
        TriageFormat::Text => triage_output::text(&t),
        TriageFormat::Markdown => triage_output::markdown(&t),
        TriageFormat::Json => triage_output::json(&t),
    };
    write_output(args.output.as_deref(), out.as_bytes())?;
    // Every id unknown and no failure mode matched: the answer is only "not in the model".
    Ok(if t.is_unanswerable() {
        exit::INPUT
    } else {
        exit::OK
    })
}
