//! Hover: on a node, relationship or flow, what the analysis knows about it (type, inferred
//! role, redundancy, blast radius, its findings); on a finding's range, the explanation
//! `calm-advisor explain FILE FINDING` prints.

use super::Server;
use crate::engine::list_or_none;
use calm_model::Document;
use lsp_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};
use std::fmt::Write;

/// The innermost node, relationship or flow whose JSON span contains `off`.
fn element_at(doc: &Document, off: usize) -> Option<String> {
    let mut best: Option<(usize, String)> = None;
    let mut consider = |pointer: String, id: &str| {
        let l = doc.locate(&pointer);
        if l.start <= off && off < l.end && best.as_ref().is_none_or(|(w, _)| l.end - l.start < *w)
        {
            best = Some((l.end - l.start, id.to_string()));
        }
    };
    for n in doc.nodes() {
        consider(n.pointer().to_string(), n.unique_id());
    }
    for r in doc.relationships() {
        consider(r.pointer().to_string(), r.unique_id());
    }
    for f in doc.flows() {
        consider(f.pointer().to_string(), f.unique_id());
    }
    best.map(|(_, id)| id)
}

pub fn hover(server: &Server, p: &HoverParams) -> Option<Hover> {
    let tp = &p.text_document_position_params;
    let (a, off) = server.parsed_at(&tp.text_document.uri, tp.position)?;
    let doc = a.doc.as_ref()?;
    #[cfg(test)]
    if a.text.contains("\"calm-advisor-test-hover-panic\"") {
        panic!("test panic in hover");
    }
    let id = a
        .index()
        .site_at(off)
        .map(|s| s.id.clone())
        .or_else(|| element_at(doc, off));
    let mut md = String::new();
    if let Some(id) = &id {
        if let Some(n) = doc.node(id) {
            let _ = writeln!(
                md,
                "**{}** (`{id}`), node-type `{}`\n",
                n.name(),
                n.node_type()
            );
        } else if let Some(r) = doc.relationship(id) {
            let proto = r
                .protocol()
                .map(|p| format!(" over {p}"))
                .unwrap_or_default();
            let _ = writeln!(
                md,
                "**relationship** `{id}`: {}{proto}\n",
                r.node_ids().join(" → ")
            );
        } else if let Some(f) = doc.flow(id) {
            let _ = writeln!(md, "**flow** {} (`{id}`)\n", f.name());
        }
        if let Ok(facts) = server.engine.describe(doc, id) {
            if let Some(r) = &facts.role {
                let _ = writeln!(md, "- role: {r}");
            }
            if let Some(r) = &facts.redundancy {
                let _ = writeln!(md, "- redundancy: {r}");
            }
            if facts.kind == "node" {
                let _ = writeln!(
                    md,
                    "- if it fails: flows broken: {}; degraded: {}; callers losing a dependency: {}",
                    list_or_none(&facts.flows_broken),
                    list_or_none(&facts.flows_degraded),
                    list_or_none(&facts.dependents)
                );
            }
            if facts.kind == "relationship" {
                let _ = writeln!(md, "- used by flows: {}", list_or_none(&facts.flows_using));
            }
            if let Some(c) = facts.criticality {
                let _ = writeln!(md, "- criticality: {c} (1 low … 4 critical)");
            }
            if let Some(av) = &facts.availability {
                let _ = writeln!(md, "- availability: {av}");
            }
        }
    }
    let here: Vec<&str> = a
        .findings
        .iter()
        .filter(|f| f.start <= off && off <= f.end)
        .map(|f| f.id.as_str())
        .collect();
    if !here.is_empty() {
        for text in a.explain(&server.engine, &here) {
            let _ = write!(md, "\n---\n{text}");
        }
    } else if let Some(id) = &id {
        let mine: Vec<_> = a
            .findings
            .iter()
            .filter(|f| f.element.as_deref() == Some(id))
            .collect();
        if !mine.is_empty() {
            let _ = writeln!(md, "\n**Findings**");
            for f in mine.iter().take(10) {
                let _ = writeln!(md, "- [{}] {} (`{}`)", f.severity.as_str(), f.title, f.id);
            }
        }
    }
    if md.trim().is_empty() {
        return None;
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: md,
        }),
        range: None,
    })
}
