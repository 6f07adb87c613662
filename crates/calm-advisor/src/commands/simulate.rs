//! `calm-advisor simulate FILE --fail A,B` / `--each`: what breaks when nodes fail.

use crate::cli::{ListFormat, SimulateArgs, exit};
use crate::common::{CliError, CmdResult, load_document, write_output};
use calm_analysis::simulate::{self, Outcome};
use calm_analysis::{Context, ReviewConfig};
use serde_json::json;
use std::fmt::Write;

fn list(v: &[String]) -> String {
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

fn text_outcome(s: &mut String, o: &Outcome) {
    let _ = writeln!(s, "Failing {}:", o.failed.join(" + "));
    if !o.also_down.is_empty() {
        let _ = writeln!(s, "  also down (hosted):      {}", list(&o.also_down));
    }
    let _ = writeln!(s, "  flows broken:            {}", list(&o.flows_broken));
    let _ = writeln!(s, "  flows degraded (async):  {}", list(&o.flows_degraded));
    let _ = writeln!(s, "  actors affected:         {}", list(&o.actors_affected));
    let _ = writeln!(
        s,
        "  nodes losing a dependency: {}",
        list(&o.lose_dependency)
    );
}

pub fn run(args: &SimulateArgs) -> CmdResult {
    let doc = load_document(&args.file)?;
    let ctx = Context::build(&doc, ReviewConfig::default());
    let text = if args.each {
        let all = simulate::each(&ctx);
        match args.format {
            ListFormat::Json => {
                let mut s = serde_json::to_string_pretty(&json!({"file": doc.name(), "ranking": all.iter().map(Outcome::to_json).collect::<Vec<_>>()})).unwrap_or_default();
                s.push('\n');
                s
            }
            ListFormat::Text => {
                let mut s = format!(
                    "Blast radius of each node of {} (worst first)\n\n",
                    doc.name()
                );
                let _ = writeln!(
                    s,
                    "{:>4}  {:<32} {:>6} {:>7} {:>9}  flows broken",
                    "rank", "node", "weight", "actors", "lose dep"
                );
                for (i, o) in all.iter().enumerate() {
                    let _ = writeln!(
                        s,
                        "{:>4}  {:<32} {:>6} {:>7} {:>9}  {}",
                        i + 1,
                        o.failed[0],
                        o.weight,
                        o.actors_affected.len(),
                        o.lose_dependency.len(),
                        list(&o.flows_broken)
                    );
                }
                s
            }
        }
    } else {
        let o = simulate::fail(&ctx, &args.fail)
            .map_err(|e| CliError::input(format!("{}: {e}", doc.name())))?;
        match args.format {
            ListFormat::Json => {
                let mut v = o.to_json();
                v["file"] = json!(doc.name());
                let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
                s.push('\n');
                s
            }
            ListFormat::Text => {
                let mut s = String::new();
                text_outcome(&mut s, &o);
                s
            }
        }
    };
    write_output(None, text.as_bytes())?;
    Ok(exit::OK)
}
