//! `calm-advisor explain RULE` (a review rule or a validation rule code) and
//! `calm-advisor explain FILE FINDING-ID` (one finding in depth).

use crate::cli::{ExplainArgs, exit};
use crate::common::{CliError, CmdResult, load_document, write_output};
use calm_analysis::availability::pct;
use calm_analysis::rules::RuleMeta;
use calm_analysis::{Finding, ReviewOptions};
use std::fmt::Write;
use std::path::Path;

pub fn rule_doc(m: &RuleMeta) -> String {
    let d = &m.doc;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} ({}) — {}, default severity {}\n",
        m.id,
        m.code,
        m.category.as_str(),
        m.default_severity.as_str()
    );
    let _ = writeln!(s, "{}\n", m.summary);
    for (h, t) in [
        ("What it finds", d.what),
        ("Why it matters", d.why),
        ("Example", d.example),
        ("How to fix", d.how_to_fix),
        ("False positives and how to suppress", &m.false_positives()),
    ] {
        let _ = writeln!(s, "## {h}\n{t}\n");
    }
    if !d.references.is_empty() {
        let _ = writeln!(s, "## References");
        for r in d.references {
            let _ = writeln!(s, "- {r}");
        }
    }
    s
}

pub fn explain_finding(f: &Finding, flows: &[calm_analysis::review::FlowSummary]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{} — {}\n", f.id, f.title);
    let _ = writeln!(
        s,
        "Severity {} (likelihood {} × impact {}), confidence {:?}, rank {}.",
        f.severity.as_str(),
        f.likelihood,
        f.impact,
        f.confidence,
        f.rank
    );
    if let Some(l) = f.locations.first() {
        let _ = writeln!(
            s,
            "Location: line {}, column {} ({} {}).",
            l.start_line, l.start_column, l.kind, l.json_pointer
        );
    }
    let _ = writeln!(s, "\n## Why is this a problem?\n{}\n", f.rationale);
    let _ = writeln!(s, "## Evidence");
    for e in &f.evidence {
        let _ = writeln!(s, "- {}: {}", e.kind, e.detail);
    }
    if !f.nodes.is_empty() || !f.flows.is_empty() {
        let _ = writeln!(
            s,
            "\nNodes: {}\nRelationships: {}\nFlows: {}",
            f.nodes.join(", "),
            f.relationships.join(", "),
            f.flows.join(", ")
        );
    }
    for fl in flows.iter().filter(|x| f.flows.contains(&x.flow)) {
        let a = &fl.availability;
        let _ = writeln!(
            s,
            "Flow {}: estimated availability {} (with closure), status {}, weakest links {}.",
            fl.flow,
            pct(a.estimated_with_closure),
            a.status,
            a.weakest.join(", ")
        );
    }
    if f.metrics.as_object().is_some_and(|m| m.len() > 1) {
        let _ = writeln!(
            s,
            "\n## Metrics\n{}",
            serde_json::to_string_pretty(&f.metrics).unwrap_or_default()
        );
    }
    let _ = writeln!(s, "\n## What to do\n{}", f.recommendation);
    if let Some(fix) = &f.fix {
        let _ = writeln!(
            s,
            "\n  $ {}\n  ({}; {})",
            fix.command, fix.description, fix.safety
        );
    }
    if let Some(sup) = &f.suppression {
        let _ = writeln!(
            s,
            "\nSuppressed: {} ({}){}",
            sup.status,
            sup.source,
            sup.justification
                .as_ref()
                .map(|j| format!(": {j}"))
                .unwrap_or_default()
        );
    }
    if let Some(r) = calm_analysis::rules::find(&f.rule) {
        let _ = writeln!(s, "\n## About the rule\n{}", r.meta().doc.why);
        let _ = writeln!(
            s,
            "\nFull rule documentation: calm-advisor explain {}",
            f.rule
        );
    }
    s
}

pub fn run(args: &ExplainArgs) -> CmdResult {
    let text = match &args.finding {
        None => {
            if let Some(r) = calm_analysis::rules::find(&args.target) {
                rule_doc(r.meta())
            } else if let Some(v) = calm_validate::rules::find(&args.target) {
                v.render_docs()
            } else {
                return Err(CliError::input(format!(
                    "unknown rule \"{}\": run `calm-advisor rules` for the review rules (or give FILE FINDING-ID to explain a finding)",
                    args.target
                )));
            }
        }
        Some(id) => {
            let doc = if args.target == "--example" || args.target == "example" {
                super::review::input(None, true)?
            } else {
                load_document(Path::new(&args.target))?
            };
            let review = calm_analysis::review(&doc, &ReviewOptions::default());
            match review.finding(id) {
                Some(f) => explain_finding(f, &review.flows),
                None => {
                    let ids: Vec<&str> = review
                        .findings
                        .iter()
                        .map(|f| f.id.as_str())
                        .take(20)
                        .collect();
                    return Err(CliError::input(format!(
                        "no finding \"{id}\" in {}; findings: {}",
                        doc.name(),
                        ids.join(", ")
                    )));
                }
            }
        }
    };
    write_output(None, text.as_bytes())?;
    Ok(exit::OK)
}
