//! Before/after: both architectures side by side on the same scale, with added (green),
//! removed (red) and changed (amber) nodes and relationships, and a one-line summary.

use crate::svg::{self, Decor, DiffMark, num};
use crate::{
    Direction, Options, RGraph, RenderError, Theme, active, decorations, layout, spof_nodes, style,
};
use calm_analysis::Finding;
use calm_model::Document;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// What changed between two documents, by `unique-id`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Delta {
    pub nodes_added: Vec<String>,
    pub nodes_removed: Vec<String>,
    pub nodes_changed: Vec<String>,
    pub rels_added: Vec<String>,
    pub rels_removed: Vec<String>,
    pub rels_changed: Vec<String>,
}

fn by_id(doc: &Document, key: &str) -> BTreeMap<String, Value> {
    let mut m = BTreeMap::new();
    if let Some(a) = doc.value.get(key).and_then(Value::as_array) {
        for v in a {
            if let Some(id) = v.get("unique-id").and_then(Value::as_str) {
                m.entry(id.to_string()).or_insert_with(|| v.clone());
            }
        }
    }
    m
}

fn diff_maps(
    a: &BTreeMap<String, Value>,
    b: &BTreeMap<String, Value>,
) -> (Vec<String>, Vec<String>, Vec<String>) {
    let added = b.keys().filter(|k| !a.contains_key(*k)).cloned().collect();
    let removed = a.keys().filter(|k| !b.contains_key(*k)).cloned().collect();
    let changed = a
        .iter()
        .filter(|(k, v)| b.get(*k).is_some_and(|w| w != *v))
        .map(|(k, _)| k.clone())
        .collect();
    (added, removed, changed)
}

pub fn delta(before: &Document, after: &Document) -> Delta {
    let (nodes_added, nodes_removed, nodes_changed) =
        diff_maps(&by_id(before, "nodes"), &by_id(after, "nodes"));
    let (rels_added, rels_removed, rels_changed) = diff_maps(
        &by_id(before, "relationships"),
        &by_id(after, "relationships"),
    );
    Delta {
        nodes_added,
        nodes_removed,
        nodes_changed,
        rels_added,
        rels_removed,
        rels_changed,
    }
}

#[derive(Debug, Clone)]
pub struct CompareOptions {
    pub direction: Direction,
    pub theme: Theme,
    /// Findings of each side (for SPOF counts and badges), when available.
    pub before_findings: Option<Vec<Finding>>,
    pub after_findings: Option<Vec<Finding>>,
    /// Draw finding badges and outlines on both sides (the summary uses findings either way).
    pub show_findings: bool,
    pub title: Option<String>,
}

impl Default for CompareOptions {
    fn default() -> Self {
        CompareOptions {
            direction: Direction::TopBottom,
            theme: Theme::Light,
            before_findings: None,
            after_findings: None,
            show_findings: false,
            title: None,
        }
    }
}

pub struct Comparison {
    pub svg: String,
    pub summary: String,
    pub delta: Delta,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "9 → 15 nodes, 8 → 16 relationships; +8 / −2 / ~1 nodes, …; 3 single points of failure resolved".
pub fn summary(before: &Document, after: &Document, d: &Delta, opts: &CompareOptions) -> String {
    let count = |doc: &Document, k: &str| by_id(doc, k).len();
    let mut s = format!(
        "{} → {} nodes, {} → {} relationships",
        count(before, "nodes"),
        count(after, "nodes"),
        count(before, "relationships"),
        count(after, "relationships")
    );
    let _ = write!(
        s,
        "; nodes +{} −{} ~{}, relationships +{} −{} ~{}",
        d.nodes_added.len(),
        d.nodes_removed.len(),
        d.nodes_changed.len(),
        d.rels_added.len(),
        d.rels_removed.len(),
        d.rels_changed.len()
    );
    if let (Some(b), Some(a)) = (&opts.before_findings, &opts.after_findings) {
        // Single points of failure are counted by node, so a node replaced by a redundant
        // group counts as resolved.
        let spof_ids = |fs: &Vec<Finding>| spof_nodes(fs).into_iter().collect::<BTreeSet<_>>();
        let (sb, sa) = (spof_ids(b), spof_ids(a));
        let resolved = sb.difference(&sa).count();
        let new = sa.difference(&sb).count();
        let _ = write!(
            s,
            "; {} resolved",
            plural(
                resolved,
                "single point of failure",
                "single points of failure"
            )
        );
        if new > 0 {
            let _ = write!(s, ", {new} new");
        }
        let _ = write!(
            s,
            " ({} → {} findings)",
            active(b).count(),
            active(a).count()
        );
    }
    s
}

const BAND: f64 = 62.0;
const PANEL_HEAD: f64 = 28.0;
const GUTTER: f64 = 48.0;

/// The side-by-side SVG.
pub fn render(
    before: &Document,
    after: &Document,
    opts: &CompareOptions,
) -> Result<Comparison, RenderError> {
    let d = delta(before, after);
    let summary = summary(before, after, &d, opts);
    let p = style::palette(opts.theme);
    let mut sides = Vec::new();
    for (doc, findings, is_before) in [
        (before, &opts.before_findings, true),
        (after, &opts.after_findings, false),
    ] {
        let findings = if opts.show_findings {
            findings.clone()
        } else {
            None
        };
        let o = Options {
            direction: opts.direction,
            theme: opts.theme,
            findings,
            ..Options::default()
        };
        let g = RGraph::from_document(doc);
        if g.nodes.len() > o.max_nodes {
            return Err(RenderError::TooLarge {
                nodes: g.nodes.len(),
                limit: o.max_nodes,
            });
        }
        let mut decor: Decor = decorations(doc, &g, &o);
        decor.title.clear();
        decor.findings_legend = false;
        let mark = |ids: &Vec<String>, c: DiffMark, m: &mut BTreeMap<String, DiffMark>| {
            for id in ids {
                m.insert(id.clone(), c);
            }
        };
        if is_before {
            mark(&d.nodes_removed, DiffMark::Removed, &mut decor.node_changes);
            mark(&d.rels_removed, DiffMark::Removed, &mut decor.rel_changes);
        } else {
            mark(&d.nodes_added, DiffMark::Added, &mut decor.node_changes);
            mark(&d.rels_added, DiffMark::Added, &mut decor.rel_changes);
        }
        mark(&d.nodes_changed, DiffMark::Changed, &mut decor.node_changes);
        mark(&d.rels_changed, DiffMark::Changed, &mut decor.rel_changes);
        let cfg = layout::LayoutConfig {
            direction: opts.direction,
            top: BAND + PANEL_HEAD + 4.0,
            overlay_room: if opts.show_findings { 10.0 } else { 0.0 },
            margin: 20.0,
        };
        let l = layout::layout(&g, &cfg);
        sides.push((doc, g, l, decor));
    }
    let legend_decor = Decor {
        node_changes: [(String::new(), DiffMark::Added)].into_iter().collect(),
        findings_legend: false,
        ..Decor::default()
    };
    let legend_h = svg::legend_height(&legend_decor);
    let w0 = sides[0].2.width;
    let width = (w0 + GUTTER + sides[1].2.width).max(700.0);
    let height = sides[0].2.height.max(sides[1].2.height) + legend_h;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"{f}, sans-serif\" class=\"calm-diagram calm-compare\">",
        w = num(width),
        h = num(height),
        f = crate::text::FONT_FAMILY
    );
    svg::defs(&mut s, &p, opts.theme);
    let _ = writeln!(
        s,
        "<rect class=\"background\" x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"{}\"/>",
        num(width),
        num(height),
        p.background
    );
    let title = opts
        .title
        .clone()
        .unwrap_or_else(|| format!("{} — before and after", crate::document_title(after)));
    let _ = writeln!(
        s,
        "<text class=\"title\" x=\"20\" y=\"26\" font-size=\"17\" font-weight=\"bold\" fill=\"{}\">{}</text>",
        p.text,
        svg::esc(&title)
    );
    let _ = writeln!(
        s,
        "<text class=\"summary\" x=\"20\" y=\"48\" font-size=\"12.5\" fill=\"{}\">{}</text>",
        p.text,
        svg::esc(&summary)
    );
    let _ = writeln!(
        s,
        "<path d=\"M{x},{y0} V{y1}\" stroke=\"{}\" stroke-width=\"1\" stroke-dasharray=\"4 4\"/>",
        p.panel_border,
        x = num(w0 + GUTTER / 2.0),
        y0 = num(BAND),
        y1 = num(height - legend_h)
    );
    for (k, (doc, g, l, decor)) in sides.iter().enumerate() {
        let dx = if k == 0 { 0.0 } else { w0 + GUTTER };
        let head = format!(
            "{}: {}",
            if k == 0 { "Before" } else { "After" },
            crate::document_title(doc)
        );
        let _ = writeln!(
            s,
            "<g class=\"side\" data-side=\"{}\"><text x=\"{}\" y=\"{}\" font-size=\"14\" font-weight=\"bold\" fill=\"{}\">{}</text><text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"{}\">{}</text>",
            if k == 0 { "before" } else { "after" },
            num(dx + 20.0),
            num(BAND + 14.0),
            p.text,
            svg::esc(&head),
            num(dx + 20.0),
            num(BAND + 28.0),
            p.subtext,
            svg::esc(&decor.subtitle)
        );
        let mut d = decor.clone();
        d.subtitle.clear();
        svg::body(&mut s, g, l, &d, opts.theme, dx);
        s.push_str("</g>\n");
    }
    let mut ld = legend_decor;
    ld.findings_legend = false;
    svg::legend(&mut s, &ld, opts.theme, 16.0, height - legend_h + 6.0);
    s.push_str("</svg>\n");
    Ok(Comparison {
        svg: s,
        summary,
        delta: d,
    })
}
