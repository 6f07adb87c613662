//! The text review: top concerns first (findings of one rule grouped), each with why, evidence
//! (which flows and actors break) and the concrete `calm-advisor fix …` command; then per-flow
//! availability and the assumptions behind the numbers.

use super::{ViewOptions, concerns, subject};
use crate::availability::{downtime_hours, pct};
use crate::finding::Finding;
use crate::review::Review;
use crate::rules;
use std::fmt::Write;

fn wrap(text: &str, indent: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            let _ = writeln!(out, "{indent}{line}");
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{indent}{line}");
    }
    out
}

fn sev(f: &Finding) -> String {
    f.severity.as_str().to_ascii_uppercase()
}

fn suppression_note(f: &Finding) -> String {
    match &f.suppression {
        Some(s) => format!(
            " [{}{}{}]",
            s.status,
            s.owner
                .as_ref()
                .map(|o| format!(" by {o}"))
                .unwrap_or_default(),
            s.expires
                .as_ref()
                .map(|e| format!(" until {e}"))
                .unwrap_or_default()
        ),
        None => String::new(),
    }
}

fn finding_body(out: &mut String, f: &Finding, indent: &str) {
    let _ = write!(
        out,
        "{}",
        wrap(&format!("Why: {}", f.rationale), indent, 96)
    );
    if !f.evidence.is_empty() {
        let _ = writeln!(out, "{indent}Evidence:");
        for e in &f.evidence {
            let _ = write!(
                out,
                "{}",
                wrap(
                    &format!("- {}: {}", e.kind, e.detail),
                    &format!("{indent}  "),
                    94
                )
            );
        }
    }
    let _ = write!(
        out,
        "{}",
        wrap(&format!("Fix: {}", f.recommendation), indent, 96)
    );
    if let Some(fix) = &f.fix {
        let _ = writeln!(out, "{indent}  $ {}", fix.command);
    }
    let loc = f
        .locations
        .first()
        .map(|l| format!(" at line {}", l.start_line))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{indent}Finding {}{loc} (confidence {}){}",
        f.id,
        conf(f),
        suppression_note(f)
    );
}

fn conf(f: &Finding) -> &'static str {
    match f.confidence {
        crate::finding::Confidence::High => "high",
        crate::finding::Confidence::Medium => "medium",
        crate::finding::Confidence::Low => "low",
    }
}

pub fn render(review: &Review, view: &ViewOptions) -> String {
    let mut out = String::new();
    let counts: Vec<String> = review
        .by_severity()
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{n} {}", s.as_str()))
        .collect();
    let _ = writeln!(out, "Architecture review of {}", review.input);
    let _ = writeln!(
        out,
        "{} nodes, {} relationships, {} flows; {} finding{}{}",
        review.node_count,
        review.relationship_count,
        review.flows.iter().filter(|f| !f.implicit).count(),
        review.findings.len(),
        if review.findings.len() == 1 { "" } else { "s" },
        if counts.is_empty() {
            String::new()
        } else {
            format!(" ({})", counts.join(", "))
        }
    );
    let groups = concerns(&review.findings);
    if groups.is_empty() {
        let _ = writeln!(
            out,
            "\nNo concerns found. The numbers below rest on the listed assumptions."
        );
    } else {
        let shown = view.top.unwrap_or(groups.len()).min(groups.len());
        let _ = writeln!(out, "\nTop concerns\n============");
        for (i, g) in groups.iter().take(shown).enumerate() {
            let f = g[0];
            let code = rules::find(&f.rule).map(|r| r.meta().code).unwrap_or("");
            let _ = writeln!(out);
            if g.len() == 1 {
                let _ = writeln!(out, "{}. [{}] {}", i + 1, sev(f), f.title);
                let _ = writeln!(out, "   rule {} ({code})", f.rule);
                finding_body(&mut out, f, "   ");
            } else {
                let subjects: Vec<String> = g.iter().map(|x| subject(x)).collect();
                let summary = rules::find(&f.rule).map(|r| r.meta().summary).unwrap_or("");
                let _ = writeln!(
                    out,
                    "{}. [{}] {} ({}): {}",
                    i + 1,
                    sev(f),
                    capitalise(summary),
                    g.len(),
                    subjects.join(", ")
                );
                let _ = writeln!(out, "   rule {} ({code})", f.rule);
                for x in g {
                    let _ = writeln!(out, "   - [{}] {}", sev(x), x.title);
                    finding_body(&mut out, x, "     ");
                }
            }
        }
        if shown < groups.len() {
            let rest: usize = groups[shown..].iter().map(Vec::len).sum();
            let _ = writeln!(
                out,
                "\n{} more concern(s) ({rest} finding(s)) not shown: run without --top to see them.",
                groups.len() - shown
            );
        }
    }
    if !review.flows.is_empty() {
        let _ = writeln!(
            out,
            "\nAvailability per flow (estimates)\n================================="
        );
        for f in &review.flows {
            let a = &f.availability;
            let target = match &a.target {
                Some(t) => match t.value {
                    Some(v) => format!("target {} ({})", pct(v), t.source),
                    None => format!("target opaque ({})", t.source),
                },
                None => "no target declared".to_string(),
            };
            let _ = writeln!(
                out,
                "- {}: {} as modelled, {} with closure ({:.1} h/yr down); {}; {}",
                f.flow,
                pct(a.estimated),
                pct(a.estimated_with_closure),
                downtime_hours(a.estimated_with_closure),
                target,
                a.status
            );
            if !a.weakest.is_empty() {
                let _ = writeln!(out, "  weakest links: {}", a.weakest.join(", "));
            }
        }
    }
    if !review.expired.is_empty() {
        let _ = writeln!(
            out,
            "\nExpired suppressions (ignored)\n=============================="
        );
        for e in &review.expired {
            let _ = writeln!(
                out,
                "- {} ({}) expired {} at {}{}",
                e.selector,
                e.status,
                e.expires,
                e.origin,
                e.owner
                    .as_ref()
                    .map(|o| format!(", owner {o}"))
                    .unwrap_or_default()
            );
        }
    }
    let _ = writeln!(out, "\nAssumptions\n===========");
    if let Some(d) = review
        .assumptions
        .get("availabilityDefaults")
        .and_then(|v| v.as_object())
    {
        let items: Vec<String> = d
            .iter()
            .map(|(k, v)| format!("{k} {}", v.as_f64().map(pct).unwrap_or_default()))
            .collect();
        let _ = write!(
            out,
            "{}",
            wrap(
                &format!(
                    "- default availability when none is declared: {}",
                    items.join(", ")
                ),
                "",
                96
            )
        );
    }
    let _ = write!(
        out,
        "{}",
        wrap(
            "- an HA flag without an instance count counts as 2 instances; async edges leave the request path but the broker stays on it",
            "",
            96
        )
    );
    if let Some(notes) = review.assumptions.get("notes").and_then(|v| v.as_array()) {
        for n in notes.iter().filter_map(|n| n.as_str()) {
            let _ = write!(out, "{}", wrap(&format!("- {n}"), "", 96));
        }
    }
    if let Some(c) = review.assumptions.get("caveat").and_then(|v| v.as_str()) {
        let _ = write!(out, "{}", wrap(&format!("- {c}"), "", 96));
    }
    out
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
