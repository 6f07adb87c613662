//! SVG output. Presentation attributes only (no CSS), so resvg and browsers draw the same
//! thing; classes and `data-*` attributes are hooks for the HTML viewer and for tests.

use crate::graph::{RGraph, Shape};
use crate::layout::{self, LABEL_SIZE, LINE_H, Layout, NAME_SIZE, NodeBox, Rect, TYPE_SIZE};
use crate::style::{self, Palette, Theme};
use crate::text;
use calm_analysis::Severity;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// Findings summary for one node.
#[derive(Debug, Clone)]
pub struct NodeMark {
    pub severity: Severity,
    pub count: usize,
    /// A single-point-of-failure finding is among them.
    pub spof: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffMark {
    Added,
    Removed,
    Changed,
}

/// Everything drawn on top of the plain diagram.
#[derive(Debug, Clone, Default)]
pub struct Decor {
    pub title: String,
    pub subtitle: String,
    pub node_marks: BTreeMap<String, NodeMark>,
    pub rel_marks: BTreeMap<String, Severity>,
    /// Show the findings legend (true with --findings even when nothing was found).
    pub findings_legend: bool,
    /// Flow highlight: relationship id -> (sequence number, goes destination-to-source).
    pub flow_steps: BTreeMap<String, Vec<(i64, bool)>>,
    pub flow_nodes: BTreeSet<String>,
    pub node_changes: BTreeMap<String, DiffMark>,
    pub rel_changes: BTreeMap<String, DiffMark>,
}

pub const TITLE_H: f64 = 46.0;

/// Format a coordinate: one decimal, no trailing `.0`, never `-0`.
pub fn num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    let r = if r == 0.0 { 0.0 } else { r };
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' => o.push(' '),
            c => o.push(c),
        }
    }
    o
}

/// Height of the legend band for these decorations.
pub fn legend_height(decor: &Decor) -> f64 {
    if decor.findings_legend || !decor.node_changes.is_empty() || !decor.rel_changes.is_empty() {
        64.0
    } else {
        34.0
    }
}

/// A whole SVG document for one drawing.
pub fn document(g: &RGraph, l: &Layout, decor: &Decor, theme: Theme) -> String {
    let legend_h = legend_height(decor);
    let width = l.width.max(legend_min_width(decor));
    let height = l.height + legend_h;
    let p = style::palette(theme);
    let mut s = String::with_capacity(4096 + g.nodes.len() * 700);
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"{font}, sans-serif\" class=\"calm-diagram\">",
        w = num(width),
        h = num(height),
        font = text::FONT_FAMILY
    );
    defs(&mut s, &p, theme);
    let _ = writeln!(
        s,
        "<rect class=\"background\" x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"{}\"/>",
        num(width),
        num(height),
        p.background
    );
    body(&mut s, g, l, decor, theme, 0.0);
    legend(&mut s, decor, theme, 16.0, l.height + 6.0);
    s.push_str("</svg>\n");
    s
}

pub fn legend_min_width(decor: &Decor) -> f64 {
    let w = |t: &str| text::width(t, 11.0, false);
    let row1 = 48.0
        + w("synchronous")
        + 18.0
        + 48.0
        + w("asynchronous (queue/broker)")
        + 18.0
        + 48.0
        + w("flow step")
        + 18.0;
    let row2 = if decor.findings_legend {
        64.0 + ["critical", "high", "medium", "low", "info"]
            .iter()
            .map(|s| 36.0 + w(&format!("{s} (00 nodes)")))
            .sum::<f64>()
            + w("⚠ SPOF = single point of failure")
    } else {
        0.0
    };
    (row1.max(row2) + 40.0).ceil()
}

/// Arrow heads, one per colour (markers cannot inherit the stroke colour in SVG 1.1).
pub fn defs(s: &mut String, p: &Palette, theme: Theme) {
    s.push_str("<defs>\n");
    let mut marker = |id: &str, color: &str| {
        let _ = writeln!(
            s,
            "<marker id=\"{id}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" markerUnits=\"strokeWidth\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{color}\"/></marker>"
        );
    };
    marker("arrow", p.edge);
    marker("arrow-flow", p.flow);
    marker("arrow-added", p.added);
    marker("arrow-removed", p.removed);
    marker("arrow-changed", p.changed);
    for sev in [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ] {
        marker(
            &format!("arrow-{}", sev.as_str()),
            style::severity_color(theme, sev),
        );
    }
    s.push_str("</defs>\n");
}

/// Title, containers, edges, nodes, labels and overlays, shifted right by `dx`.
pub fn body(s: &mut String, g: &RGraph, l: &Layout, decor: &Decor, theme: Theme, dx: f64) {
    let p = style::palette(theme);
    if !decor.title.is_empty() {
        let _ = writeln!(
            s,
            "<text class=\"title\" x=\"{}\" y=\"26\" font-size=\"17\" font-weight=\"bold\" fill=\"{}\">{}</text>",
            num(dx + 20.0),
            p.text,
            esc(&decor.title)
        );
    }
    if !decor.subtitle.is_empty() {
        let _ = writeln!(
            s,
            "<text class=\"subtitle\" x=\"{}\" y=\"42\" font-size=\"11.5\" fill=\"{}\">{}</text>",
            num(dx + 20.0),
            p.subtext,
            esc(&decor.subtitle)
        );
    }
    let flow_on = !decor.flow_steps.is_empty();
    let shift = |r: Rect| Rect { x: r.x + dx, ..r };

    // Containers, outermost first so inner boxes are drawn on top.
    let mut containers: Vec<usize> = (0..g.nodes.len())
        .filter(|&i| l.boxes[i].container)
        .collect();
    containers.sort_by_key(|&i| (l.boxes[i].depth, i));
    for i in containers {
        let n = &g.nodes[i];
        let b = &l.boxes[i];
        let r = shift(b.rect);
        let (fill, stroke) = style::node_colors(theme, n.shape);
        let change = decor.node_changes.get(&n.id).copied();
        let stroke = change.map(|c| change_color(&p, c)).unwrap_or(stroke);
        let sw = if change.is_some() { "3" } else { "1.5" };
        let _ = writeln!(
            s,
            "<g class=\"container{}\" data-id=\"{}\" data-type=\"{}\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"8\" fill=\"{fill}\" fill-opacity=\"0.35\" stroke=\"{stroke}\" stroke-width=\"{sw}\" stroke-dasharray=\"6 4\"/>",
            change.map(change_class).unwrap_or(""),
            esc(&n.id),
            esc(&n.node_type),
            num(r.x),
            num(r.y),
            num(r.w),
            num(r.h)
        );
        outline(s, &n.id, r, decor, theme);
        s.push_str("</g>\n");
    }

    // Edges (under the nodes, so a route never hides a box).
    for route in &l.edges {
        let e = &g.edges[route.edge];
        let steps = decor.flow_steps.get(&e.rel_id);
        let change = decor.rel_changes.get(&e.rel_id).copied();
        let sev = decor.rel_marks.get(&e.rel_id).copied();
        let (color, marker, width) = if let Some(c) = change {
            (change_color(&p, c), change_marker(c).to_string(), 2.5)
        } else if steps.is_some() {
            (p.flow, "arrow-flow".to_string(), 3.0)
        } else if let Some(sev) = sev.filter(|s| *s >= Severity::High) {
            (
                style::severity_color(theme, sev),
                format!("arrow-{}", sev.as_str()),
                2.0,
            )
        } else {
            (p.edge, "arrow".to_string(), 1.4)
        };
        let mut d = String::new();
        for (k, (x, y)) in route.points.iter().enumerate() {
            let _ = write!(
                d,
                "{}{},{}",
                if k == 0 { "M" } else { " L" },
                num(x + dx),
                num(*y)
            );
        }
        let dash = if e.is_async {
            " stroke-dasharray=\"7 5\""
        } else {
            ""
        };
        let dim = if flow_on && steps.is_none() {
            " stroke-opacity=\"0.3\""
        } else {
            ""
        };
        let _ = writeln!(
            s,
            "<path class=\"edge{}{}\" data-rel=\"{}\" data-from=\"{}\" data-to=\"{}\" d=\"{d}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"{}\"{dash}{dim} marker-end=\"url(#{marker})\"/>",
            if e.is_async { " async" } else { "" },
            if e.interacts { " interacts" } else { "" },
            esc(&e.rel_id),
            esc(&g.nodes[e.from].id),
            esc(&g.nodes[e.to].id),
            num(width)
        );
    }

    // Container headers above the edges that cross them (with a halo in the background colour).
    for (i, n) in g.nodes.iter().enumerate() {
        let b = &l.boxes[i];
        if !b.container {
            continue;
        }
        let r = shift(b.rect);
        let name_w = text::width(&b.name_lines[0], NAME_SIZE, true);
        let _ = writeln!(
            s,
            "<g class=\"container-label\" data-for=\"{}\"><text x=\"{}\" y=\"{}\" font-size=\"{}\" font-weight=\"bold\" fill=\"{}\" stroke=\"{bg}\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\">{}</text><text x=\"{}\" y=\"{}\" font-size=\"{}\" fill=\"{}\" stroke=\"{bg}\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\">{}</text></g>",
            esc(&n.id),
            num(r.x + 12.0),
            num(r.y + 20.0),
            num(NAME_SIZE),
            p.text,
            esc(&b.name_lines[0]),
            num(r.x + 12.0 + name_w + 8.0),
            num(r.y + 20.0),
            num(TYPE_SIZE),
            p.subtext,
            esc(&b.type_line),
            bg = p.background
        );
    }

    // Nodes.
    for (i, n) in g.nodes.iter().enumerate() {
        let b = &l.boxes[i];
        if b.container {
            continue;
        }
        let r = shift(b.rect);
        let (fill, stroke) = style::node_colors(theme, n.shape);
        let change = decor.node_changes.get(&n.id).copied();
        let in_flow = decor.flow_nodes.contains(&n.id);
        let (stroke, sw) = match change {
            Some(c) => (change_color(&p, c), 3.0),
            None if in_flow => (p.flow, 2.5),
            None => (stroke, 1.5),
        };
        let opacity = if flow_on && !in_flow {
            " opacity=\"0.55\""
        } else {
            ""
        };
        let _ = writeln!(
            s,
            "<g class=\"node {}{}\" data-id=\"{}\" data-type=\"{}\"{opacity}>",
            n.shape.class(),
            change.map(change_class).unwrap_or(""),
            esc(&n.id),
            esc(&n.node_type)
        );
        shape(s, n.shape, r, fill, stroke, sw);
        node_text(s, b, r, &p);
        outline(s, &n.id, r, decor, theme);
        s.push_str("</g>\n");
    }

    // Labels and flow step numbers on top of everything.
    for route in &l.edges {
        let e = &g.edges[route.edge];
        if let Some(lb) = &route.label {
            let r = shift(lb.rect);
            let _ = writeln!(
                s,
                "<g class=\"label\" data-rel=\"{}\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\" fill=\"{}\" fill-opacity=\"0.88\"/><text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"middle\" fill=\"{}\">{}</text></g>",
                esc(&e.rel_id),
                num(r.x),
                num(r.y),
                num(r.w),
                num(r.h),
                p.label_bg,
                num(r.x + r.w / 2.0),
                num(r.y + 11.0),
                num(LABEL_SIZE),
                p.subtext,
                esc(&lb.text)
            );
        }
        if let Some(steps) = decor.flow_steps.get(&e.rel_id) {
            let pts: Vec<(f64, f64)> = route.points.iter().map(|&(x, y)| (x + dx, y)).collect();
            for (k, (seq, reverse)) in steps.iter().enumerate() {
                let (x, y) = point_from_end(&pts, 20.0 + 22.0 * k as f64, *reverse);
                let _ = writeln!(
                    s,
                    "<g class=\"step\" data-rel=\"{}\"><circle cx=\"{}\" cy=\"{}\" r=\"10\" fill=\"{}\" stroke=\"{}\" stroke-width=\"1.5\"/><text x=\"{}\" y=\"{}\" font-size=\"11\" font-weight=\"bold\" text-anchor=\"middle\" fill=\"#ffffff\">{}</text></g>",
                    esc(&e.rel_id),
                    num(x),
                    num(y),
                    p.flow,
                    p.background,
                    num(x),
                    num(y + 4.0),
                    seq
                );
            }
        }
    }
    for (i, n) in g.nodes.iter().enumerate() {
        badge(s, &n.id, shift(l.boxes[i].rect), decor, theme, &p);
    }
}

/// A point `dist` px along the route from its start (or from its end when `from_end`).
fn point_from_end(points: &[(f64, f64)], dist: f64, from_end: bool) -> (f64, f64) {
    let total: f64 = points
        .windows(2)
        .map(|w| ((w[1].0 - w[0].0).powi(2) + (w[1].1 - w[0].1).powi(2)).sqrt())
        .sum();
    if total <= 0.0 {
        return points[0];
    }
    let t = (dist / total).min(0.45);
    layout::point_along(points, if from_end { 1.0 - t } else { t })
}

fn change_color(p: &Palette, c: DiffMark) -> &'static str {
    match c {
        DiffMark::Added => p.added,
        DiffMark::Removed => p.removed,
        DiffMark::Changed => p.changed,
    }
}

fn change_class(c: DiffMark) -> &'static str {
    match c {
        DiffMark::Added => " added",
        DiffMark::Removed => " removed",
        DiffMark::Changed => " changed",
    }
}

fn change_marker(c: DiffMark) -> &'static str {
    match c {
        DiffMark::Added => "arrow-added",
        DiffMark::Removed => "arrow-removed",
        DiffMark::Changed => "arrow-changed",
    }
}

/// The node outline in its type's shape, inside `r`.
fn shape(s: &mut String, shape: Shape, r: Rect, fill: &str, stroke: &str, sw: f64) {
    let (x, y, w, h) = (r.x, r.y, r.w, r.h);
    let paint = format!(
        "fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{}\"",
        num(sw)
    );
    let rect = |s: &mut String, rx: f64, extra: &str| {
        let _ = writeln!(
            s,
            "<rect class=\"shape\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\" {paint}{extra}/>",
            num(x),
            num(y),
            num(w),
            num(h),
            num(rx)
        );
    };
    match shape {
        Shape::Actor => {
            rect(s, h / 2.0, "");
            // A person: head and shoulders.
            let (cx, cy) = (x + 20.0, y + h / 2.0);
            let _ = writeln!(
                s,
                "<circle cx=\"{}\" cy=\"{}\" r=\"4.5\" fill=\"{stroke}\"/><path d=\"M{},{} a8,8 0 0 1 16,0 z\" fill=\"{stroke}\"/>",
                num(cx),
                num(cy - 5.0),
                num(cx - 8.0),
                num(cy + 9.0)
            );
        }
        Shape::Service => rect(s, 10.0, ""),
        Shape::Ecosystem => rect(s, 18.0, ""),
        Shape::System => rect(s, 2.0, ""),
        Shape::Other => rect(s, 4.0, ""),
        Shape::Database | Shape::Ldap => {
            let ry = 7.0;
            let _ = writeln!(
                s,
                "<path class=\"shape\" d=\"M{x0},{y1} A{rx},{ry} 0 0 1 {x1},{y1} V{y2} A{rx},{ry} 0 0 1 {x0},{y2} Z\" {paint}/><path d=\"M{x0},{y1} A{rx},{ry} 0 0 0 {x1},{y1}\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"{sw}\"/>",
                x0 = num(x),
                x1 = num(x + w),
                y1 = num(y + ry),
                y2 = num(y + h - ry),
                rx = num(w / 2.0),
                ry = num(ry),
                sw = num(sw)
            );
        }
        Shape::Queue => {
            let rx = 13.0;
            let _ = writeln!(
                s,
                "<path class=\"shape\" d=\"M{a},{y0} H{b} A{rx},{ry} 0 0 1 {b},{y1} H{a} A{rx},{ry} 0 0 1 {a},{y0} Z\" {paint}/><path d=\"M{b},{y0} A{rx},{ry} 0 0 0 {b},{y1}\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"{sw}\"/>",
                a = num(x + rx),
                b = num(x + w - rx),
                y0 = num(y),
                y1 = num(y + h),
                rx = num(rx),
                ry = num(h / 2.0),
                sw = num(sw)
            );
        }
        Shape::Webclient => {
            rect(s, 4.0, "");
            let _ = writeln!(
                s,
                "<path d=\"M{},{} H{}\" stroke=\"{stroke}\" stroke-width=\"1\"/><circle cx=\"{}\" cy=\"{}\" r=\"2\" fill=\"{stroke}\"/><circle cx=\"{}\" cy=\"{}\" r=\"2\" fill=\"{stroke}\"/><circle cx=\"{}\" cy=\"{}\" r=\"2\" fill=\"{stroke}\"/>",
                num(x),
                num(y + 12.0),
                num(x + w),
                num(x + 8.0),
                num(y + 6.0),
                num(x + 15.0),
                num(y + 6.0),
                num(x + 22.0),
                num(y + 6.0)
            );
        }
        Shape::Network => {
            let k = 15.0;
            let _ = writeln!(
                s,
                "<path class=\"shape\" d=\"M{},{} H{} L{},{} L{},{} H{} L{},{} Z\" {paint}/>",
                num(x + k),
                num(y),
                num(x + w - k),
                num(x + w),
                num(y + h / 2.0),
                num(x + w - k),
                num(y + h),
                num(x + k),
                num(x),
                num(y + h / 2.0)
            );
        }
        Shape::DataAsset => {
            let _ = writeln!(
                s,
                "<path class=\"shape\" d=\"M{x0},{y0} H{x1} V{yb} Q{q1},{yq} {xm},{yb} T{x0},{yb} Z\" {paint}/>",
                x0 = num(x),
                x1 = num(x + w),
                y0 = num(y),
                yb = num(y + h - 8.0),
                q1 = num(x + w * 0.75),
                yq = num(y + h + 2.0),
                xm = num(x + w / 2.0)
            );
        }
    }
}

fn node_text(s: &mut String, b: &NodeBox, r: Rect, p: &Palette) {
    let lines = b.name_lines.len() as f64;
    let block = lines * LINE_H + 14.0;
    let top = r.y
        + b.name_top
            .max((r.h - block) / 2.0 + (b.name_top - 9.0).max(0.0) / 2.0);
    let cx = r.x
        + r.w / 2.0
        + if matches!(b.type_line.as_str(), "«actor»") {
            8.0
        } else {
            0.0
        };
    for (k, line) in b.name_lines.iter().enumerate() {
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" font-size=\"{}\" font-weight=\"bold\" text-anchor=\"middle\" fill=\"{}\">{}</text>",
            num(cx),
            num(top + 12.5 + LINE_H * k as f64),
            num(NAME_SIZE),
            p.text,
            esc(line)
        );
    }
    if !b.type_line.is_empty() {
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"middle\" fill=\"{}\">{}</text>",
            num(cx),
            num(top + 12.5 + LINE_H * (lines - 1.0) + 15.0),
            num(TYPE_SIZE),
            p.subtext,
            esc(&b.type_line)
        );
    }
}

/// Severity outline and badge for a node or container with findings.
fn outline(s: &mut String, id: &str, r: Rect, decor: &Decor, theme: Theme) {
    let Some(mark) = decor.node_marks.get(id) else {
        return;
    };
    let color = style::severity_color(theme, mark.severity);
    let (sw, dash) = match mark.severity {
        Severity::Critical => (4.0, ""),
        Severity::High => (3.5, ""),
        Severity::Medium => (2.5, " stroke-dasharray=\"6 3\""),
        _ => (2.0, " stroke-dasharray=\"3 3\""),
    };
    let _ = writeln!(
        s,
        "<rect class=\"finding-outline severity-{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"8\" fill=\"none\" stroke=\"{color}\" stroke-width=\"{}\"{dash}/>",
        mark.severity.as_str(),
        num(r.x - 5.0),
        num(r.y - 5.0),
        num(r.w + 10.0),
        num(r.h + 10.0),
        num(sw)
    );
}

/// Severity badge of a node with findings: drawn last, so nothing covers it.
fn badge(s: &mut String, id: &str, r: Rect, decor: &Decor, theme: Theme, p: &Palette) {
    let Some(mark) = decor.node_marks.get(id) else {
        return;
    };
    let color = style::severity_color(theme, mark.severity);
    let mut label = if mark.spof {
        "⚠ SPOF".to_string()
    } else {
        mark.severity.as_str().to_ascii_uppercase()
    };
    if mark.count > 1 {
        let _ = write!(label, " +{}", mark.count - 1);
    }
    let w = text::width(&label, 10.0, true) + 12.0;
    let (bx, by) = (r.x + r.w - w + 8.0, r.y - 14.0);
    let _ = writeln!(
        s,
        "<g class=\"badge severity-{}\" data-for=\"{}\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"17\" rx=\"8.5\" fill=\"{color}\" stroke=\"{}\" stroke-width=\"1.5\"/><text x=\"{}\" y=\"{}\" font-size=\"10\" font-weight=\"bold\" text-anchor=\"middle\" fill=\"#ffffff\">{}</text></g>",
        mark.severity.as_str(),
        esc(id),
        num(bx),
        num(by),
        num(w),
        p.background,
        num(bx + w / 2.0),
        num(by + 12.5),
        esc(&label)
    );
}

/// Legend: edge styles always; severities with --findings; change colours in compare views.
pub fn legend(s: &mut String, decor: &Decor, theme: Theme, x: f64, y: f64) {
    let p = style::palette(theme);
    let _ = writeln!(s, "<g class=\"legend\">");
    let mut cx = x;
    let line = |s: &mut String,
                cx: &mut f64,
                y: f64,
                dash: bool,
                color: &str,
                marker: &str,
                label: &str| {
        let _ = writeln!(
            s,
            "<path d=\"M{},{} H{}\" stroke=\"{color}\" stroke-width=\"2\"{} marker-end=\"url(#{marker})\"/><text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"{}\">{}</text>",
            num(*cx),
            num(y),
            num(*cx + 34.0),
            if dash {
                " stroke-dasharray=\"7 5\""
            } else {
                ""
            },
            num(*cx + 42.0),
            num(y + 4.0),
            p.subtext,
            esc(label)
        );
        *cx += 48.0 + text::width(label, 11.0, false) + 18.0;
    };
    let row1 = y + 12.0;
    line(s, &mut cx, row1, false, p.edge, "arrow", "synchronous");
    line(
        s,
        &mut cx,
        row1,
        true,
        p.edge,
        "arrow",
        "asynchronous (queue/broker)",
    );
    if !decor.flow_steps.is_empty() {
        line(s, &mut cx, row1, false, p.flow, "arrow-flow", "flow step");
    }
    let chip = |s: &mut String, cx: &mut f64, y: f64, color: &str, label: &str| {
        let _ = writeln!(
            s,
            "<rect x=\"{}\" y=\"{}\" width=\"14\" height=\"14\" rx=\"3\" fill=\"{color}\"/><text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"{}\">{}</text>",
            num(*cx),
            num(y - 7.0),
            num(*cx + 20.0),
            num(y + 4.0),
            p.subtext,
            esc(label)
        );
        *cx += 20.0 + text::width(label, 11.0, false) + 16.0;
    };
    let row2 = y + 40.0;
    let mut cx2 = x;
    if decor.findings_legend {
        let mut counts: BTreeMap<Severity, usize> = BTreeMap::new();
        for m in decor.node_marks.values() {
            *counts.entry(m.severity).or_default() += 1;
        }
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" font-size=\"11\" font-weight=\"bold\" fill=\"{}\">Findings</text>",
            num(cx2),
            num(row2 + 4.0),
            p.text
        );
        cx2 += 64.0;
        for sev in [
            Severity::Critical,
            Severity::High,
            Severity::Medium,
            Severity::Low,
            Severity::Info,
        ] {
            let c = counts.get(&sev).copied().unwrap_or(0);
            let label = format!(
                "{} ({c} node{})",
                sev.as_str(),
                if c == 1 { "" } else { "s" }
            );
            chip(s, &mut cx2, row2, style::severity_color(theme, sev), &label);
        }
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"{}\">⚠ SPOF = single point of failure</text>",
            num(cx2),
            num(row2 + 4.0),
            p.subtext
        );
    } else if !decor.node_changes.is_empty() || !decor.rel_changes.is_empty() {
        chip(s, &mut cx2, row2, p.added, "added");
        chip(s, &mut cx2, row2, p.removed, "removed");
        chip(s, &mut cx2, row2, p.changed, "changed");
    }
    s.push_str("</g>\n");
}
