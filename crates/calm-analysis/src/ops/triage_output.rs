//! `triage` output: text (terminal), Markdown (an incident channel or ticket) and JSON. Text and
//! Markdown are the same sections; only the headings and list markers differ. Every value is
//! followed by its source in brackets: `[order-service.metadata.health-endpoint]`.

use super::metadata::Stated;
use super::triage::{AffectedFlow, Cause, Triage};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Text,
    Markdown,
}

pub fn text(t: &Triage) -> String {
    render(t, Style::Text)
}

pub fn markdown(t: &Triage) -> String {
    render(t, Style::Markdown)
}

pub fn json(t: &Triage) -> String {
    let mut s =
        serde_json::to_string_pretty(t).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

struct Out {
    style: Style,
    buf: String,
}

impl Out {
    fn title(&mut self, s: &str) {
        match self.style {
            Style::Text => self.buf += &format!("{s}\n"),
            Style::Markdown => self.buf += &format!("# {s}\n"),
        }
    }
    fn section(&mut self, s: &str) {
        match self.style {
            Style::Text => self.buf += &format!("\n{s}\n"),
            Style::Markdown => self.buf += &format!("\n## {s}\n\n"),
        }
    }
    /// A list item at `level` (0 = top).
    fn item(&mut self, level: usize, s: &str) {
        let indent = match self.style {
            Style::Text => "  ".repeat(level + 1),
            Style::Markdown => "  ".repeat(level),
        };
        let marker = match self.style {
            Style::Text if level == 0 => "- ",
            Style::Text => "",
            Style::Markdown => "- ",
        };
        self.buf += &format!("{indent}{marker}{s}\n");
    }
    fn numbered(&mut self, n: usize, s: &str) {
        match self.style {
            Style::Text => self.buf += &format!("  {n}. {s}\n"),
            Style::Markdown => self.buf += &format!("{n}. {s}\n"),
        }
    }
    fn code(&self, s: &str) -> String {
        match self.style {
            Style::Text => s.to_string(),
            Style::Markdown => format!("`{}`", s.replace('`', "'")),
        }
    }
    fn cite(&self, s: &str) -> String {
        match self.style {
            Style::Text => format!("[{s}]"),
            Style::Markdown => format!("[`{}`]", s.replace('`', "'")),
        }
    }
    fn stated(&self, label: &str, s: Option<&Stated>) -> Option<String> {
        s.map(|s| format!("{label}: {} {}", s.value, self.cite(&s.cite())))
    }
}

fn render(t: &Triage, style: Style) -> String {
    let mut o = Out {
        style,
        buf: String::new(),
    };
    let mut head = Vec::new();
    if !t.failing.is_empty() {
        head.push(format!("failing {}", t.failing.join(", ")));
    }
    if !t.slow.is_empty() {
        head.push(format!("slow {}", t.slow.join(", ")));
    }
    if !t.flows_reported.is_empty() {
        head.push(format!("flow {}", t.flows_reported.join(", ")));
    }
    if let Some(s) = &t.symptom {
        head.push(format!("symptom \"{s}\""));
    }
    if head.is_empty() {
        head.push("nothing the model knows was reported".into());
    }
    o.title(&format!("Triage: {}", head.join("; ")));

    if !t.unknown.is_empty() {
        o.section("Not in the architecture");
        for u in &t.unknown {
            let near = if u.closest.is_empty() {
                "no similar name".to_string()
            } else {
                format!("closest: {}", u.closest.join(", "))
            };
            o.item(
                0,
                &format!(
                    "{} {} is not in the architecture ({near})",
                    u.kind,
                    o.code(&u.given)
                ),
            );
        }
        if t.unknown.iter().any(|u| u.kind == "node") && !t.entry_points.is_empty() {
            o.item(
                0,
                &format!(
                    "a component outside the model (a web front end, a mobile app) reaches the system through {}",
                    t.entry_points.join(", ")
                ),
            );
        }
    }

    o.section("Affected flows");
    if t.affected_flows.is_empty() {
        o.item(
            0,
            "no declared flow or inferred journey uses the reported nodes",
        );
    }
    for f in &t.affected_flows {
        flow(&mut o, f);
    }

    if !t.dependency_graph.is_empty() {
        o.section("Dependency graph");
        for d in &t.dependency_graph {
            o.item(
                0,
                &format!("{}: {}", o.code(&d.node), d.route().join(" → ")),
            );
            if d.downstream.is_empty() {
                o.item(1, "calls nothing");
            } else {
                let calls: Vec<String> = d
                    .downstream
                    .iter()
                    .map(|e| format!("{} ({}, {})", e.to, e.mode, o.cite(&e.relationship)))
                    .collect();
                o.item(1, &format!("depends on: {}", calls.join("; ")));
            }
        }
    }

    o.section("Candidate causes (most likely first)");
    if t.causes.is_empty() {
        o.item(
            0,
            "none: report failing or slow nodes, or a flow, to rank causes",
        );
    }
    for c in &t.causes {
        cause(&mut o, c);
    }

    if !t.latency_path.is_empty() {
        o.section("Synchronous path below the slow node");
        for h in &t.latency_path {
            let proto = h
                .protocol
                .as_deref()
                .map(|p| format!(", {p}"))
                .unwrap_or_default();
            o.item(
                0,
                &format!(
                    "{}{} → {} ({}{proto}) {}",
                    "  ".repeat(h.depth.saturating_sub(1)),
                    h.from,
                    h.to,
                    h.mode,
                    o.cite(&h.relationship)
                ),
            );
            for s in &h.declared {
                o.item(1, &format!("{}: {} {}", s.key, s.value, o.cite(&s.cite())));
            }
        }
    }

    o.section("Declared failure modes that match");
    if t.failure_modes.is_empty() {
        o.item(0, "none declared that match the report");
    }
    for m in &t.failure_modes {
        let fm = &m.mode;
        o.item(
            0,
            &format!(
                "{}: {} {}",
                fm.element,
                fm.symptom.as_deref().unwrap_or("(no symptom)"),
                o.cite(&m.cite)
            ),
        );
        let fields = [
            ("likely cause", &fm.likely_cause),
            ("check", &fm.check),
            ("remediation", &fm.remediation),
            ("escalation", &fm.escalation),
        ];
        for (label, v) in fields {
            match v {
                Some(v) => o.item(1, &format!("{label}: {v}")),
                None => o.item(1, &format!("{label}: not declared")),
            }
        }
    }

    o.section("Investigate in this order");
    if t.investigation.is_empty() {
        o.item(0, "nothing to investigate from the model");
    }
    for s in &t.investigation {
        o.numbered(s.order, &format!("{}: {}", o.code(&s.element), s.reason));
        let mut any = false;
        for (label, v) in [
            ("health endpoint", &s.health_endpoint),
            ("dashboard", &s.dashboard),
            ("log query", &s.log_query),
            ("alerts", &s.alerts),
            ("runbook", &s.runbook),
        ] {
            if let Some(line) = o.stated(label, v.as_ref()) {
                o.item(1, &line);
                any = true;
            }
        }
        for (cite, check) in &s.checks {
            o.item(1, &format!("check: {check} {}", o.cite(cite)));
            any = true;
        }
        if !any {
            o.item(
                1,
                "the model declares no health endpoint, dashboard, log query or runbook for it",
            );
        }
    }

    o.section("Contacts");
    if t.contacts.is_empty() {
        o.item(0, "no element to contact about");
    }
    for c in &t.contacts {
        let parts: Vec<String> = [
            ("owner", &c.owner),
            ("on-call", &c.oncall),
            ("escalation", &c.escalation),
            ("DBA", &c.dba_contact),
        ]
        .into_iter()
        .filter_map(|(l, v)| o.stated(l, v.as_ref()))
        .collect();
        let line = if parts.is_empty() {
            "no owner or on-call declared".to_string()
        } else {
            parts.join("; ")
        };
        o.item(0, &format!("{}: {line}", o.code(&c.element)));
    }
    let escalations: Vec<String> = t
        .failure_modes
        .iter()
        .filter_map(|m| {
            m.mode
                .escalation
                .as_ref()
                .map(|e| format!("{e} {}", o.cite(&m.cite)))
        })
        .collect();
    for e in escalations {
        o.item(0, &format!("escalation: {e}"));
    }

    if !t.monitoring.is_empty() {
        o.section("Monitoring");
        for s in &t.monitoring {
            let key = s.key.rsplit('.').next().unwrap_or(&s.key);
            o.item(0, &format!("{key}: {} {}", s.value, o.cite(&s.cite())));
        }
    }

    o.section("Not stated in the model");
    if t.missing.is_empty() {
        o.item(0, "nothing: every fact used above is declared");
    }
    for m in &t.missing {
        o.item(0, m);
    }
    o.buf
}

fn flow(o: &mut Out, f: &AffectedFlow) {
    let name = if f.name.is_empty() || f.name == f.id {
        String::new()
    } else {
        format!(" \"{}\"", f.name)
    };
    let because = if f.because.is_empty() {
        String::new()
    } else {
        format!(" ({})", f.because.join(", "))
    };
    let kind = if f.inferred { "inferred journey " } else { "" };
    o.item(
        0,
        &format!(
            "{kind}{}{name}: {}{because}; criticality {} ({})",
            o.code(&f.id),
            f.effect.as_str(),
            criticality_word(f.criticality),
            f.criticality_source
        ),
    );
    if !f.services.is_empty() {
        o.item(1, &format!("services: {}", f.services.join(" → ")));
    }
    if !f.async_services.is_empty() {
        o.item(
            1,
            &format!("asynchronously: {}", f.async_services.join(", ")),
        );
    }
    if f.inferred {
        o.item(
            1,
            "an inferred journey has no business-impact metadata: declare the flow to add it",
        );
        return;
    }
    for (label, v) in f.impact() {
        match o.stated(label, v) {
            Some(line) => o.item(1, &line),
            None => o.item(1, &format!("{label}: not declared")),
        }
    }
}

fn cause(o: &mut Out, c: &Cause) {
    let spof = if c.single_point {
        ", single point of failure"
    } else {
        ""
    };
    o.numbered(
        c.rank,
        &format!(
            "{} ({}{spof}): explains {}",
            o.code(&c.nodes.join(" | ")),
            c.kind.as_str(),
            c.explains.join(", ")
        ),
    );
    o.item(1, &format!("why: {}", c.why));
    if !c.cites.is_empty() {
        let cites: Vec<String> = c.cites.iter().map(|s| o.cite(s)).collect();
        o.item(1, &format!("from: {}", cites.join(" ")));
    }
}

fn criticality_word(c: u8) -> &'static str {
    match c {
        4 => "critical",
        3 => "high",
        2 => "medium",
        _ => "low",
    }
}
