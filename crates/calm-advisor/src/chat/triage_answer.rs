//! Answer an outage investigation's numbered questions one by one from a [`Triage`]: each
//! question is matched to the part of the triage that answers it (flows and their services,
//! dependency graph, candidate causes, shared infrastructure, single points of failure,
//! replication, health endpoints, failure modes, remediation, contacts, investigation order,
//! business impact). Every line keeps the triage's citations; a question the model cannot
//! answer says so instead of guessing.

use calm_analysis::ops::Stated;
use calm_analysis::ops::triage::{CauseKind, Triage};

fn cite(s: &Stated) -> String {
    format!("{} [{}]", s.value, s.cite())
}

fn words(q: &str) -> Vec<String> {
    q.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

fn has(q: &str, any: &[&str]) -> bool {
    any.iter().any(|w| q.contains(w))
}

/// The reply: what was understood, any unknown names, then one answer per question (or the
/// whole triage when there are no numbered questions).
pub fn answer(t: &Triage, questions: &[String], command: &str) -> String {
    let mut out = format!("Triage from the model (as `{command}`):\n");
    for u in &t.unknown {
        let near = if u.closest.is_empty() {
            "nothing similar".to_string()
        } else {
            format!("closest: {}", u.closest.join(", "))
        };
        out += &format!("Note: `{}` is not in the architecture ({near}).", u.given);
        if u.kind == "node" && !t.entry_points.is_empty() {
            out += &format!(
                " If it is a client of this system, its requests enter through {}.",
                t.entry_points.join(", ")
            );
        }
        out += "\n";
    }
    if questions.is_empty() {
        out += &calm_analysis::ops::triage_output::text(t);
        return out;
    }
    for (i, q) in questions.iter().enumerate() {
        out += &format!("\n{}. {}\n", i + 1, q);
        for line in answer_one(t, q) {
            out += &format!("   {line}\n");
        }
    }
    out
}

fn answer_one(t: &Triage, question: &str) -> Vec<String> {
    let q = question.to_lowercase();
    if has(
        &q,
        &[
            "dependency graph",
            "depend on each other",
            "dependencies between",
        ],
    ) {
        return dependency_graph(t);
    }
    if has(&q, &["databases", "database does", "datastores"])
        && has(&q, &["connect", "use", "talk"])
    {
        return databases(t);
    }
    if q.contains("replication") {
        return replication(t);
    }
    if q.contains("single point of failure") {
        return single_point(t);
    }
    if q.contains("shared") && has(&q, &["infrastructure", "dependenc", "component"]) {
        return shared(t);
    }
    if has(
        &q,
        &[
            "failure point",
            "likely cause",
            "root cause",
            "what could cause",
            "failure points",
        ],
    ) {
        return causes(t, 5);
    }
    if q.contains("health endpoint") || q.contains("health check") {
        return health(t);
    }
    if q.contains("failure mode") {
        return failure_modes(t, false);
    }
    if q.contains("remediation") || q.contains("how do i fix") || q.contains("steps to fix") {
        return failure_modes(t, true);
    }
    if q.contains("contact") || q.contains("who should") || q.contains("escalat") {
        return contacts(t, &q);
    }
    if q.contains("order") && q.contains("investigate") {
        return investigation(t);
    }
    if has(&q, &["business impact", "customer communication", "impact"]) {
        return impact(t);
    }
    if has(&q, &["services", "components"]) && has(&q, &["involved", "flow", "in the"]) {
        return services(t);
    }
    if has(
        &q,
        &["business process", "which flows", "affected", "processes"],
    ) {
        return affected(t);
    }
    vec!["The model does not answer this directly; the full triage (`calm-advisor triage`) lists what it knows.".into()]
}

fn services(t: &Triage) -> Vec<String> {
    if t.affected_flows.is_empty() {
        return vec![
            "No declared flow or inferred journey is affected by what was reported.".into(),
        ];
    }
    t.affected_flows
        .iter()
        .map(|f| {
            let mut s = format!(
                "{} ({}): {}",
                f.id,
                f.name,
                if f.services.is_empty() {
                    "no provider nodes".to_string()
                } else {
                    f.services.join(" → ")
                }
            );
            if !f.async_services.is_empty() {
                s += &format!("; asynchronously: {}", f.async_services.join(", "));
            }
            s + " [flow transitions]"
        })
        .collect()
}

fn affected(t: &Triage) -> Vec<String> {
    if t.affected_flows.is_empty() {
        return vec!["No declared flow uses the reported nodes.".into()];
    }
    let mut out = Vec::new();
    for f in &t.affected_flows {
        let because = if f.because.is_empty() {
            String::new()
        } else {
            format!(" through {}", f.because.join(", "))
        };
        out.push(format!(
            "{} ({}) {}{because}",
            f.id,
            f.name,
            f.effect.as_str()
        ));
        if let Some(b) = &f.business_impact {
            out.push(format!("  business impact: {}", cite(b)));
        }
    }
    out
}

fn impact(t: &Triage) -> Vec<String> {
    let mut out = Vec::new();
    for f in &t.affected_flows {
        out.push(format!("{} ({}):", f.id, f.name));
        if f.inferred {
            out.push("  an inferred journey: the model declares no impact for it".into());
            continue;
        }
        for (label, v) in f.impact() {
            out.push(match v {
                Some(s) => format!("  {label}: {}", cite(s)),
                None => format!("  {label}: not declared in the model"),
            });
        }
    }
    if out.is_empty() {
        out.push("No affected flow, so no declared impact.".into());
    }
    if let Some(s) = t.monitoring.iter().find(|s| s.key.contains("statuspage")) {
        out.push(format!("status page: {}", cite(s)));
    }
    out
}

fn dependency_graph(t: &Triage) -> Vec<String> {
    let mut out = Vec::new();
    for d in &t.dependency_graph {
        out.push(format!("{}: reached via {}", d.node, d.route().join(" → ")));
        if !d.downstream.is_empty() {
            out.push(format!(
                "  depends on {}",
                d.downstream
                    .iter()
                    .map(|e| format!("{} ({} {}, [{}])", e.to, e.role, e.mode, e.relationship))
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
        }
    }
    for u in &t.unknown {
        out.push(format!(
            "{}: not in the architecture, so not in the graph",
            u.given
        ));
    }
    if out.is_empty() {
        out.push("No reported node to draw the graph for.".into());
    }
    out
}

fn databases(t: &Triage) -> Vec<String> {
    let mut out = Vec::new();
    for d in &t.dependency_graph {
        let dbs: Vec<String> = d
            .downstream
            .iter()
            .filter(|e| matches!(e.role, "database" | "cache" | "storage"))
            .map(|e| format!("{} ({}, [{}])", e.to, e.mode, e.relationship))
            .collect();
        if dbs.is_empty() {
            out.push(format!("{} connects to no database in the model", d.node));
        } else {
            out.push(format!("{} connects to {}", d.node, dbs.join(", ")));
        }
    }
    out.extend(
        t.causes
            .iter()
            .filter(|c| c.kind == CauseKind::Replication)
            .map(|c| format!("  {}", c.why)),
    );
    if out.is_empty() {
        out.push("No reported node, so no databases to list.".into());
    }
    out
}

fn replication(t: &Triage) -> Vec<String> {
    let reps: Vec<String> = t
        .causes
        .iter()
        .filter(|c| c.kind == CauseKind::Replication)
        .map(|c| {
            format!(
                "Possibly (candidate #{}): {}{}",
                c.rank,
                c.why,
                cites(&c.cites)
            )
        })
        .collect();
    if reps.is_empty() {
        return vec!["The model declares no replication behind the reported nodes, so it cannot point to a replication problem.".into()];
    }
    let mut out = reps;
    let checks: Vec<String> = t
        .failure_modes
        .iter()
        .filter(|m| {
            m.mode
                .check
                .as_deref()
                .is_some_and(|c| c.to_lowercase().contains("replica"))
        })
        .map(|m| {
            format!(
                "a declared check mentions it: {} [{}]",
                m.mode.check.as_deref().unwrap_or(""),
                m.cite
            )
        })
        .collect();
    out.extend(checks);
    out
}

fn cites(c: &[String]) -> String {
    if c.is_empty() {
        String::new()
    } else {
        format!(" [{}]", c.join(", "))
    }
}

fn causes(t: &Triage, n: usize) -> Vec<String> {
    if t.causes.is_empty() {
        return vec!["The model gives no candidate cause for what was reported.".into()];
    }
    t.causes
        .iter()
        .take(n)
        .map(|c| {
            let spof = if c.single_point {
                ", single point of failure"
            } else {
                ""
            };
            format!(
                "#{} {} ({}{spof}): {}{}",
                c.rank,
                c.nodes.join(" | "),
                c.kind.as_str(),
                c.why,
                cites(&c.cites)
            )
        })
        .collect()
}

/// A cause that all the reported nodes have in common.
fn is_shared(k: CauseKind) -> bool {
    matches!(
        k,
        CauseKind::SharedUpstream | CauseKind::SharedHost | CauseKind::SharedDependency
    )
}

fn shared(t: &Triage) -> Vec<String> {
    let shared: Vec<String> = t
        .causes
        .iter()
        .filter(|c| is_shared(c.kind))
        .map(|c| {
            format!(
                "{} ({}): {}{}",
                c.nodes.join(" | "),
                c.kind.as_str(),
                c.why,
                cites(&c.cites)
            )
        })
        .collect();
    if shared.is_empty() {
        return vec!["Nothing in the model is shared by all the reported nodes.".into()];
    }
    shared
}

fn single_point(t: &Triage) -> Vec<String> {
    let shared: Vec<_> = t.causes.iter().filter(|c| is_shared(c.kind)).collect();
    let single: Vec<_> = shared.iter().filter(|c| c.single_point).collect();
    if let Some(c) = single.first() {
        return vec![format!(
            "Yes: {} is a single instance that every reported node depends on ({}){}",
            c.nodes.join(" | "),
            c.kind.as_str(),
            cites(&c.cites)
        )];
    }
    if let Some(c) = shared.first() {
        return vec![format!(
            "The shared failure point is {} ({}). The model declares it redundant, so it is not a single instance: look for what its instances share (a deployment, configuration or capacity change).{}",
            c.nodes.join(" | "),
            c.kind.as_str(),
            cites(&c.cites)
        )];
    }
    let spofs: Vec<String> = t
        .causes
        .iter()
        .filter(|c| c.single_point)
        .map(|c| c.nodes.join(" | "))
        .collect();
    if spofs.is_empty() {
        vec!["No: no single instance in the model explains what was reported.".into()]
    } else {
        vec![format!(
            "Not one for all of them; single points of failure among the candidates: {}",
            spofs.join(", ")
        )]
    }
}

fn health(t: &Triage) -> Vec<String> {
    let mut out = Vec::new();
    for s in t.investigation.iter().take(5) {
        out.push(match &s.health_endpoint {
            Some(h) => format!("{}. {}: {} ({})", s.order, s.element, cite(h), s.reason),
            None => format!(
                "{}. {}: no health endpoint declared ({})",
                s.order, s.element, s.reason
            ),
        });
    }
    if out.is_empty() {
        out.push("Nothing to check: no reported node or flow matched the model.".into());
    }
    out
}

fn failure_modes(t: &Triage, remediation: bool) -> Vec<String> {
    if t.failure_modes.is_empty() {
        return vec![
            "No declared failure mode matches (the model's `failure-modes` metadata).".into(),
        ];
    }
    let mut out = Vec::new();
    for m in &t.failure_modes {
        let fm = &m.mode;
        let symptom = fm.symptom.as_deref().unwrap_or("(no symptom)");
        if remediation {
            out.push(format!(
                "{} / {}: {} [{}]",
                fm.element,
                symptom,
                fm.remediation
                    .as_deref()
                    .unwrap_or("no remediation declared"),
                m.cite
            ));
            if let Some(e) = &fm.escalation {
                out.push(format!("  escalation: {e}"));
            }
        } else {
            out.push(format!(
                "{}: {} — likely cause: {}; check: {} [{}]",
                fm.element,
                symptom,
                fm.likely_cause.as_deref().unwrap_or("not declared"),
                fm.check.as_deref().unwrap_or("not declared"),
                m.cite
            ));
        }
    }
    out
}

fn contacts(t: &Triage, q: &str) -> Vec<String> {
    const GENERIC: &[&str] = &[
        "who", "should", "contact", "if", "this", "is", "a", "an", "the", "for", "issue",
        "problem", "what", "s", "whats", "i", "my", "to", "escalate", "dba", "database", "team",
        "call", "page",
    ];
    let want_db = q.contains("dba") || q.contains("database");
    let topic: Vec<String> = words(q)
        .into_iter()
        .filter(|w| !GENERIC.contains(&w.as_str()) && w.len() >= 3)
        .map(|w| w.trim_end_matches('s').to_string())
        .collect();
    let matches = |element: &str| {
        let e = element.to_lowercase();
        topic.iter().any(|w| e.contains(w.as_str()))
    };
    let mut out = Vec::new();
    for c in &t.contacts {
        let db =
            c.dba_contact.is_some() || c.element.contains("database") || c.element.ends_with("-db");
        if (!topic.is_empty() && !matches(&c.element)) || (want_db && !db) {
            continue;
        }
        let mut parts = Vec::new();
        for (label, v) in [
            ("owner", &c.owner),
            ("on-call", &c.oncall),
            ("escalation", &c.escalation),
            ("DBA", &c.dba_contact),
        ] {
            if let Some(s) = v {
                parts.push(format!("{label} {}", cite(s)));
            }
        }
        if parts.is_empty() {
            parts.push("no owner, on-call or DBA contact declared".into());
        }
        out.push(format!("{}: {}", c.element, parts.join("; ")));
    }
    for m in &t.failure_modes {
        if let Some(e) = &m.mode.escalation
            && (topic.is_empty() || topic.iter().any(|w| e.to_lowercase().contains(w.as_str())))
        {
            out.push(format!(
                "escalation in {}: {e} [{}]",
                m.mode.element, m.cite
            ));
        }
    }
    if out.is_empty() {
        out.push(format!(
            "The triage found no contact for \"{}\" in the model.",
            topic.join(" ")
        ));
    }
    out
}

fn investigation(t: &Triage) -> Vec<String> {
    let mut out = Vec::new();
    for s in &t.investigation {
        let mut line = format!("{}. {} ({})", s.order, s.element, s.reason);
        let checks: Vec<String> = [&s.health_endpoint, &s.dashboard, &s.log_query]
            .into_iter()
            .flatten()
            .map(cite)
            .collect();
        if !checks.is_empty() {
            line += &format!(": {}", checks.join("; "));
        }
        out.push(line);
    }
    if out.is_empty() {
        out.push("Nothing to investigate from the model.".into());
    }
    out
}
