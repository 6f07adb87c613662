//! One self-contained HTML file: the SVG, the document's details as JSON, and a hand-written
//! viewer (pan/zoom, details panel, flow selector). No network access, works from `file://`.

use crate::{Drawing, Options, Theme, active};
use calm_model::{Document, RelKind};
use serde_json::{Map, Value, json};

const CSS: &str = include_str!("../assets/viewer.css");
const JS: &str = include_str!("../assets/viewer.js");

/// JSON safe inside `<script>`: no `</` sequence can close the element.
fn script_json(v: &Value) -> String {
    serde_json::to_string(v)
        .unwrap_or_else(|_| "{}".into())
        .replace("</", "<\\/")
        .replace("<!--", "<\\!--")
}

fn esc(s: &str) -> String {
    crate::svg::esc(s)
}

fn controls_map<'a>(it: impl Iterator<Item = (&'a str, &'a Value)>) -> Value {
    Value::Object(
        it.map(|(k, v)| (k.to_string(), v.clone()))
            .collect::<Map<_, _>>(),
    )
}

/// The viewer's data: nodes (details, interfaces, metadata, controls, findings), relationships
/// and flows, keyed by unique-id.
pub fn viewer_data(doc: &Document, d: &Drawing, opts: &Options) -> Value {
    let findings: Vec<&calm_analysis::Finding> = opts
        .findings
        .as_deref()
        .map(|f| active(f).collect())
        .unwrap_or_default();
    let finding_json = |f: &calm_analysis::Finding| {
        json!({
            "id": f.id, "rule": f.rule, "severity": f.severity.as_str(), "title": f.title,
            "rationale": f.rationale, "recommendation": f.recommendation,
            "command": f.fix.as_ref().map(|x| x.command.clone()),
        })
    };
    let mut nodes = Map::new();
    for n in &d.graph.nodes {
        let Some(node) = doc.node(&n.id) else {
            continue;
        };
        let parent = n.parent.map(|p| d.graph.nodes[p].id.clone());
        let fs: Vec<Value> = findings
            .iter()
            .filter(|f| f.nodes.contains(&n.id))
            .map(|f| finding_json(f))
            .collect();
        nodes.insert(
            n.id.clone(),
            json!({
                "name": n.name, "type": n.node_type, "description": node.description(),
                "interfaces": node.interfaces(), "metadata": Value::Object(node.metadata().to_map()),
                "controls": controls_map(node.controls()), "parent": parent, "findings": fs,
            }),
        );
    }
    let mut rels = Map::new();
    for r in doc.relationships() {
        let id = r.unique_id();
        if id.is_empty() || rels.contains_key(id) {
            continue;
        }
        let kind = match r.kind() {
            RelKind::Connects { .. } => "connects",
            RelKind::Interacts { .. } => "interacts",
            RelKind::DeployedIn { .. } => "deployed-in",
            RelKind::ComposedOf { .. } => "composed-of",
            RelKind::Options(_) => "options",
            RelKind::Other => "other",
        };
        let fs: Vec<Value> = findings
            .iter()
            .filter(|f| f.relationships.iter().any(|x| x == id))
            .map(|f| finding_json(f))
            .collect();
        rels.insert(
            id.to_string(),
            json!({
                "kind": kind, "description": r.description(), "protocol": r.protocol(),
                "nodes": r.node_ids(), "metadata": Value::Object(r.metadata().to_map()),
                "controls": controls_map(r.controls()), "findings": fs,
            }),
        );
    }
    let flows: Vec<Value> = doc
        .flows()
        .map(|f| {
            let steps: Vec<Value> = f
                .ordered_transitions()
                .iter()
                .map(|t| json!({"seq": t.sequence_number().unwrap_or(t.index as i64 + 1), "rel": t.relationship_id(), "description": t.description(), "reverse": t.is_reverse()}))
                .collect();
            json!({"id": f.unique_id(), "name": if f.name().is_empty() { f.unique_id() } else { f.name() }, "description": f.description(), "steps": steps, "controls": controls_map(f.controls())})
        })
        .collect();
    json!({"nodes": nodes, "relationships": rels, "flows": flows})
}

/// The whole page around an SVG built by [`crate::svg::document`].
pub fn page(doc: &Document, d: &Drawing, svg: &str, opts: &Options) -> String {
    let data = viewer_data(doc, d, opts);
    let mut options = String::from("<option value=\"\">(no flow)</option>");
    for f in doc.flows() {
        let name = if f.name().is_empty() {
            f.unique_id()
        } else {
            f.name()
        };
        options.push_str(&format!(
            "<option value=\"{}\">{}</option>",
            esc(f.unique_id()),
            esc(name)
        ));
    }
    let theme = if opts.theme == Theme::Dark {
        "theme-dark"
    } else {
        "theme-light"
    };
    let hint = "Click a node or an arrow for details. Drag to pan, wheel to zoom. Choose a flow to highlight its path.";
    wrap(
        &d.decor.title,
        &d.decor.subtitle,
        theme,
        &options,
        svg,
        &script_json(&data),
        hint,
    )
}

/// A page for a compare view (no details data; pan and zoom only).
pub fn compare_page(title: &str, summary: &str, svg: &str, theme: Theme) -> String {
    let theme = if theme == Theme::Dark {
        "theme-dark"
    } else {
        "theme-light"
    };
    let data = json!({"nodes": {}, "relationships": {}, "flows": []});
    wrap(
        title,
        summary,
        theme,
        "<option value=\"\">(no flow)</option>",
        svg,
        &script_json(&data),
        "Drag to pan, wheel to zoom.",
    )
}

fn wrap(
    title: &str,
    subtitle: &str,
    theme: &str,
    options: &str,
    svg: &str,
    data: &str,
    hint: &str,
) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n<style>\n{CSS}</style>\n</head>\n<body class=\"{theme}\">\n<header><h1>{title}</h1><label for=\"flow-select\">Flow</label> <select id=\"flow-select\">{options}</select> <button id=\"zoom-in\" title=\"Zoom in\">+</button><button id=\"zoom-out\" title=\"Zoom out\">−</button><button id=\"zoom-fit\" title=\"Fit\">Fit</button> <span id=\"summary\">{subtitle}</span></header>\n<main><div id=\"canvas\">\n{svg}</div><aside id=\"panel\"><p class=\"hint\">{hint}</p></aside></main>\n<div id=\"viewer-state\" hidden></div>\n<script type=\"application/json\" id=\"calm-data\">{data}</script>\n<script>\n{JS}</script>\n</body>\n</html>\n",
        title = esc(title),
        subtitle = esc(subtitle),
        hint = esc(hint),
    )
}
