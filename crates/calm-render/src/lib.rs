//! Pictures of CALM architectures: our own layered layout with nested containers, drawn as SVG,
//! PNG (resvg with an embedded font), a self-contained HTML viewer, Mermaid text, and a
//! before/after compare view. Everything is deterministic: same input, same bytes.
//!
//! Entry points: [`render_svg`], [`render_png`], [`render_html`], [`mermaid::flowchart`],
//! [`mermaid::sequence`], [`compare::render`]. [`prepare`] exposes the layout (for tests and
//! other front ends).

pub mod compare;
pub mod graph;
pub mod html;
pub mod layout;
pub mod mermaid;
pub mod png;
pub mod style;
pub mod svg;
#[doc(hidden)]
pub mod text;

use calm_analysis::{Finding, Severity};
use calm_model::{Document, RelKind};
pub use graph::{RGraph, Shape};
pub use layout::{Direction, Layout, Rect};
use std::collections::{BTreeMap, BTreeSet};
pub use style::Theme;
pub use svg::{Decor, DiffMark};

/// Above this many nodes a drawing is refused (suggesting `--focus`): the picture would not be
/// readable and the layout time grows faster than linearly.
pub const DEFAULT_MAX_NODES: usize = 12_000;

/// How to draw.
#[derive(Debug, Clone)]
pub struct Options {
    pub direction: Direction,
    pub theme: Theme,
    /// Findings to overlay (badges, outlines, legend); `None` draws no findings.
    pub findings: Option<Vec<Finding>>,
    /// Highlight this flow's path with step numbers.
    pub flow: Option<String>,
    /// Draw only these nodes, what they contain, and their direct neighbours.
    pub focus: Vec<String>,
    /// Title above the drawing (default: the document's name).
    pub title: Option<String>,
    /// Refuse documents with more nodes than this (after --focus).
    pub max_nodes: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            direction: Direction::TopBottom,
            theme: Theme::Light,
            findings: None,
            flow: None,
            focus: Vec::new(),
            title: None,
            max_nodes: DEFAULT_MAX_NODES,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum RenderError {
    UnknownFocus {
        ids: Vec<String>,
        known: Vec<String>,
    },
    UnknownFlow {
        id: String,
        flows: Vec<String>,
    },
    TooLarge {
        nodes: usize,
        limit: usize,
    },
    Empty,
    Png(String),
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RenderError::UnknownFocus { ids, known } => {
                write!(
                    f,
                    "--focus: no node with unique-id {}",
                    ids.iter()
                        .map(|i| format!("`{i}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )?;
                if !known.is_empty() {
                    write!(
                        f,
                        " (nodes: {}{})",
                        known
                            .iter()
                            .take(12)
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(", "),
                        if known.len() > 12 { ", …" } else { "" }
                    )?;
                }
                Ok(())
            }
            RenderError::UnknownFlow { id, flows } => {
                write!(f, "--flow: no flow with unique-id `{id}`")?;
                if flows.is_empty() {
                    write!(f, " (the document has no flows)")
                } else {
                    write!(f, " (flows: {})", flows.join(", "))
                }
            }
            RenderError::TooLarge { nodes, limit } => write!(
                f,
                "the drawing would have {nodes} nodes, more than the limit of {limit}: draw part of it with --focus NODE[,NODE…] (those nodes, their contents and neighbours)"
            ),
            RenderError::Empty => write!(f, "nothing to draw: the document has no nodes"),
            RenderError::Png(m) => write!(f, "PNG rendering failed: {m}"),
        }
    }
}

impl std::error::Error for RenderError {}

/// The graph that is drawn and its layout.
#[derive(Debug, Clone)]
pub struct Drawing {
    pub graph: RGraph,
    pub layout: Layout,
    pub decor: Decor,
}

/// Check the options against the document (unknown focus nodes or flow are errors).
pub fn check(doc: &Document, opts: &Options) -> Result<(), RenderError> {
    let g = RGraph::from_document(doc);
    let unknown = g.unknown(&opts.focus);
    if !unknown.is_empty() {
        return Err(RenderError::UnknownFocus {
            ids: unknown.into_iter().map(String::from).collect(),
            known: g.nodes.iter().map(|n| n.id.clone()).collect(),
        });
    }
    if let Some(flow) = &opts.flow
        && doc.flow(flow).is_none()
    {
        return Err(RenderError::UnknownFlow {
            id: flow.clone(),
            flows: doc.flows().map(|f| f.unique_id().to_string()).collect(),
        });
    }
    Ok(())
}

/// The drawable graph after `--focus`.
pub fn graph_of(doc: &Document, opts: &Options) -> RGraph {
    let g = RGraph::from_document(doc);
    if opts.focus.is_empty() {
        g
    } else {
        g.focus(&opts.focus)
    }
}

/// Build the graph, check limits, lay it out and collect the decorations.
pub fn prepare(doc: &Document, opts: &Options) -> Result<Drawing, RenderError> {
    check(doc, opts)?;
    let graph = graph_of(doc, opts);
    if graph.nodes.is_empty() {
        return Err(RenderError::Empty);
    }
    if graph.nodes.len() > opts.max_nodes {
        return Err(RenderError::TooLarge {
            nodes: graph.nodes.len(),
            limit: opts.max_nodes,
        });
    }
    let decor = decorations(doc, &graph, opts);
    let cfg = layout::LayoutConfig {
        direction: opts.direction,
        top: svg::TITLE_H,
        margin: 20.0,
        overlay_room: if opts.findings.is_some() { 10.0 } else { 0.0 },
    };
    let layout = layout::layout(&graph, &cfg);
    Ok(Drawing {
        graph,
        layout,
        decor,
    })
}

/// True for findings about a single point of failure of one node: the review tags them
/// `seems:spof` (rule ids containing `spof` count too) and names the node in the finding id
/// (`rule@node`). Flow-level availability findings carry the same tag but name a flow.
pub fn is_spof(f: &Finding) -> bool {
    spof_subject(f).is_some()
}

/// The node a single-point-of-failure finding is about (the id's subject, one of its nodes).
pub fn spof_subject(f: &Finding) -> Option<&str> {
    let tagged = f
        .tags
        .iter()
        .any(|t| t.eq_ignore_ascii_case("seems:spof") || t.eq_ignore_ascii_case("spof"));
    let r = f.rule.to_ascii_lowercase();
    if !(tagged || r.contains("spof") || r.contains("single-point")) {
        return None;
    }
    let subject = f.id.split('@').nth(1)?;
    f.nodes.iter().find(|n| *n == subject).map(String::as_str)
}

/// Nodes that are single points of failure according to `findings` (unsuppressed), sorted.
pub fn spof_nodes(findings: &[Finding]) -> Vec<String> {
    let set: BTreeSet<String> = active(findings)
        .filter_map(spof_subject)
        .map(String::from)
        .collect();
    set.into_iter().collect()
}

/// Findings that count (not suppressed).
pub fn active(findings: &[Finding]) -> impl Iterator<Item = &Finding> {
    findings.iter().filter(|f| f.suppression.is_none())
}

/// Title, subtitle, finding marks and flow highlight for one document.
pub fn decorations(doc: &Document, g: &RGraph, opts: &Options) -> Decor {
    let mut d = Decor {
        title: opts.title.clone().unwrap_or_else(|| document_title(doc)),
        ..Decor::default()
    };
    let rels = g
        .edges
        .iter()
        .map(|e| e.rel_id.as_str())
        .collect::<BTreeSet<_>>()
        .len();
    let mut subtitle = format!("{} nodes · {} relationships drawn", g.nodes.len(), rels);
    if let Some(findings) = &opts.findings {
        d.findings_legend = true;
        let mut by_sev: BTreeMap<Severity, usize> = BTreeMap::new();
        for f in active(findings) {
            *by_sev.entry(f.severity).or_default() += 1;
            for n in &f.nodes {
                if !g.index.contains_key(n) {
                    continue;
                }
                let m = d.node_marks.entry(n.clone()).or_insert(svg::NodeMark {
                    severity: f.severity,
                    count: 0,
                    spof: false,
                });
                m.severity = m.severity.max(f.severity);
                m.count += 1;
                m.spof |= spof_subject(f) == Some(n.as_str());
            }
            for r in &f.relationships {
                let s = d.rel_marks.entry(r.clone()).or_insert(f.severity);
                *s = (*s).max(f.severity);
            }
        }
        let total: usize = by_sev.values().sum();
        let parts: Vec<String> = by_sev
            .iter()
            .rev()
            .map(|(s, c)| format!("{c} {}", s.as_str()))
            .collect();
        let spofs = spof_nodes(findings).len();
        subtitle.push_str(&format!(
            " · {total} finding{}",
            if total == 1 { "" } else { "s" }
        ));
        if !parts.is_empty() {
            subtitle.push_str(&format!(" ({})", parts.join(", ")));
        }
        if spofs > 0 {
            subtitle.push_str(&format!(
                " · {spofs} single point{} of failure",
                if spofs == 1 { "" } else { "s" }
            ));
        }
    }
    if let Some(flow) = opts.flow.as_deref().and_then(|id| doc.flow(id)) {
        for t in flow.ordered_transitions() {
            let seq = t.sequence_number().unwrap_or(t.index as i64 + 1);
            d.flow_steps
                .entry(t.relationship_id().to_string())
                .or_default()
                .push((seq, t.is_reverse()));
            if let Some(r) = doc.relationship(t.relationship_id())
                && matches!(
                    r.kind(),
                    RelKind::Connects { .. } | RelKind::Interacts { .. }
                )
            {
                d.flow_nodes
                    .extend(r.node_ids().into_iter().map(String::from));
            }
        }
        let name = if flow.name().is_empty() {
            flow.unique_id()
        } else {
            flow.name()
        };
        subtitle.push_str(&format!(
            " · flow: {name} ({} steps)",
            flow.transitions().count()
        ));
    }
    d.subtitle = subtitle;
    d
}

/// The name shown above a drawing: metadata `name`/`title`, else the file name.
pub fn document_title(doc: &Document) -> String {
    let meta = doc.metadata();
    if let Some((_, v)) = meta.get_any(&["name", "title"])
        && let Some(s) = v.as_str().filter(|s| !s.trim().is_empty())
    {
        return s.to_string();
    }
    let name = doc.name();
    std::path::Path::new(name)
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| name.to_string())
}

/// SVG of the document.
pub fn render_svg(doc: &Document, opts: &Options) -> Result<String, RenderError> {
    let d = prepare(doc, opts)?;
    Ok(svg::document(&d.graph, &d.layout, &d.decor, opts.theme))
}

/// PNG of the document at `scale` (2.0 = twice the SVG's pixel size).
pub fn render_png(doc: &Document, opts: &Options, scale: f32) -> Result<Vec<u8>, RenderError> {
    png::svg_to_png(&render_svg(doc, opts)?, scale)
}

/// Self-contained HTML viewer of the document.
pub fn render_html(doc: &Document, opts: &Options) -> Result<String, RenderError> {
    let d = prepare(doc, opts)?;
    let svg = svg::document(&d.graph, &d.layout, &d.decor, opts.theme);
    Ok(html::page(doc, &d, &svg, opts))
}
