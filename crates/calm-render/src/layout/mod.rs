//! Positions of every node box (containers as boxes around their members), edge routes that
//! start and end on their nodes' borders, and edge label boxes.
//!
//! The container tree is laid out bottom-up: each container's members are drawn as one layered
//! level (see [`sugiyama`]), edges between members of different sub-containers are lifted to
//! the sub-containers at that level, and the container's box is the level's extent plus padding.

pub mod sugiyama;

use crate::graph::{RGraph, Shape};
use crate::text;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    TopBottom,
    LeftRight,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn center(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }
    pub fn right(&self) -> f64 {
        self.x + self.w
    }
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }
    /// Interiors intersect (touching edges do not count).
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.right() && o.x < self.right() && self.y < o.bottom() && o.y < self.bottom()
    }
    pub fn contains(&self, o: &Rect) -> bool {
        o.x >= self.x - 1e-6
            && o.y >= self.y - 1e-6
            && o.right() <= self.right() + 1e-6
            && o.bottom() <= self.bottom() + 1e-6
    }
    /// Distance from point to the rectangle's outline.
    pub fn border_distance(&self, (px, py): (f64, f64)) -> f64 {
        let inside = px >= self.x && px <= self.right() && py >= self.y && py <= self.bottom();
        if inside {
            (px - self.x)
                .min(self.right() - px)
                .min(py - self.y)
                .min(self.bottom() - py)
        } else {
            let dx = (self.x - px).max(0.0).max(px - self.right());
            let dy = (self.y - py).max(0.0).max(py - self.bottom());
            (dx * dx + dy * dy).sqrt()
        }
    }
    /// Where the ray from the centre toward `p` leaves the rectangle.
    pub fn exit_toward(&self, (px, py): (f64, f64)) -> (f64, f64) {
        let (cx, cy) = self.center();
        let (dx, dy) = (px - cx, py - cy);
        if dx.abs() < 1e-9 && dy.abs() < 1e-9 {
            return (cx, self.y);
        }
        let tx = if dx.abs() < 1e-9 {
            f64::INFINITY
        } else {
            (self.w / 2.0) / dx.abs()
        };
        let ty = if dy.abs() < 1e-9 {
            f64::INFINITY
        } else {
            (self.h / 2.0) / dy.abs()
        };
        let t = tx.min(ty);
        (cx + dx * t, cy + dy * t)
    }
}

/// Text sizes and spacing (px).
pub const NAME_SIZE: f64 = 13.0;
pub const TYPE_SIZE: f64 = 10.5;
pub const LABEL_SIZE: f64 = 10.5;
pub const LINE_H: f64 = 16.0;
pub const HEADER_H: f64 = 30.0;
pub const PAD: f64 = 16.0;
const MAX_NAME_W: f64 = 170.0;
const MIN_W: f64 = 120.0;
const MAX_LABEL_W: f64 = 130.0;

#[derive(Debug, Clone)]
pub struct NodeBox {
    pub rect: Rect,
    pub container: bool,
    /// Nesting depth (0 = top level).
    pub depth: usize,
    pub name_lines: Vec<String>,
    pub type_line: String,
    /// Where the name's first line's baseline and the type line's baseline sit (y, from the
    /// top of the box).
    pub name_top: f64,
}

#[derive(Debug, Clone)]
pub struct LabelBox {
    pub text: String,
    pub rect: Rect,
}

#[derive(Debug, Clone)]
pub struct EdgeRoute {
    /// Index into the graph's edges.
    pub edge: usize,
    pub points: Vec<(f64, f64)>,
    pub label: Option<LabelBox>,
}

#[derive(Debug, Clone)]
pub struct Layout {
    /// One box per graph node, same order.
    pub boxes: Vec<NodeBox>,
    pub edges: Vec<EdgeRoute>,
    pub width: f64,
    pub height: f64,
}

pub struct LayoutConfig {
    pub direction: Direction,
    /// Space kept free above the drawing (title band).
    pub top: f64,
    pub margin: f64,
    /// Extra room around every box for overlays drawn outside it (finding outlines and
    /// badges), so they neither touch neighbours nor cover container headers.
    pub overlay_room: f64,
}

impl Default for LayoutConfig {
    fn default() -> Self {
        LayoutConfig {
            direction: Direction::TopBottom,
            top: 0.0,
            margin: 20.0,
            overlay_room: 0.0,
        }
    }
}

fn type_caption(node_type: &str) -> String {
    if node_type.is_empty() {
        String::new()
    } else {
        format!("«{node_type}»")
    }
}

/// Leaf box size and its text lines; shapes with curved ends or lids get extra room.
fn leaf_metrics(name: &str, node_type: &str, shape: Shape) -> (f64, f64, Vec<String>, String, f64) {
    let lines = text::wrap(name, NAME_SIZE, true, MAX_NAME_W, 3);
    let caption = text::ellipsize(&type_caption(node_type), TYPE_SIZE, false, MAX_NAME_W);
    let text_w = lines
        .iter()
        .map(|l| text::width(l, NAME_SIZE, true))
        .fold(text::width(&caption, TYPE_SIZE, false), f64::max);
    let (extra_w, extra_top, extra_bottom) = match shape {
        Shape::Actor => (28.0, 0.0, 0.0),
        Shape::Database | Shape::Ldap => (0.0, 12.0, 4.0),
        Shape::Queue => (30.0, 0.0, 0.0),
        Shape::Webclient => (0.0, 10.0, 0.0),
        Shape::DataAsset => (0.0, 0.0, 8.0),
        Shape::Network => (30.0, 0.0, 0.0),
        _ => (0.0, 0.0, 0.0),
    };
    let w = (text_w + 24.0 + extra_w).max(MIN_W).ceil();
    let text_h = lines.len() as f64 * LINE_H + 14.0;
    let h = (text_h + 18.0 + extra_top + extra_bottom).ceil();
    (w, h, lines, caption, 9.0 + extra_top)
}

/// Lay out a graph.
pub fn layout(g: &RGraph, cfg: &LayoutConfig) -> Layout {
    let n = g.nodes.len();
    let lr = cfg.direction == Direction::LeftRight;
    let spacing = if lr {
        sugiyama::Spacing {
            minor: 28.0,
            major: 120.0,
        }
    } else {
        sugiyama::Spacing {
            minor: 36.0,
            major: 64.0,
        }
    };
    let room = cfg.overlay_room.max(0.0);
    let spacing = sugiyama::Spacing {
        minor: spacing.minor + 2.0 * room,
        major: spacing.major + 3.0 * room,
    };
    let pad = PAD + room;
    let header = HEADER_H + 1.6 * room;
    let mut boxes: Vec<NodeBox> = g
        .nodes
        .iter()
        .map(|node| {
            if node.children.is_empty() {
                let (w, h, name_lines, type_line, name_top) =
                    leaf_metrics(&node.name, &node.node_type, node.shape);
                NodeBox {
                    rect: Rect {
                        x: 0.0,
                        y: 0.0,
                        w,
                        h,
                    },
                    container: false,
                    depth: 0,
                    name_lines,
                    type_line,
                    name_top,
                }
            } else {
                let caption = type_caption(&node.node_type);
                NodeBox {
                    rect: Rect {
                        x: 0.0,
                        y: 0.0,
                        w: 0.0,
                        h: 0.0,
                    },
                    container: true,
                    depth: 0,
                    name_lines: vec![text::ellipsize(&node.name, NAME_SIZE, true, 360.0)],
                    type_line: caption,
                    name_top: 0.0,
                }
            }
        })
        .collect();
    for (i, b) in boxes.iter_mut().enumerate().take(n) {
        b.depth = g.ancestors(i).len();
    }

    // Which level each edge is lifted to, and between which two members of that level.
    let mut level_edges: BTreeMap<Option<usize>, Vec<(usize, usize)>> = BTreeMap::new();
    let mut edge_level: Vec<Option<(Option<usize>, usize, usize)>> =
        Vec::with_capacity(g.edges.len());
    for e in &g.edges {
        let (u, v) = (e.from, e.to);
        if u == v || g.is_ancestor_or_self(u, v) || g.is_ancestor_or_self(v, u) {
            edge_level.push(None);
            continue;
        }
        let mut chain_u = vec![u];
        chain_u.extend(g.ancestors(u));
        let mut chain_v = vec![v];
        chain_v.extend(g.ancestors(v));
        let lca = chain_u.iter().copied().find(|a| chain_v.contains(a));
        let below = |chain: &Vec<usize>| match lca {
            Some(l) => chain[chain.iter().position(|&a| a == l).unwrap() - 1],
            None => *chain.last().unwrap(),
        };
        let (cu, cv) = (below(&chain_u), below(&chain_v));
        level_edges.entry(lca).or_default().push((cu, cv));
        edge_level.push(Some((lca, cu, cv)));
    }

    // Bottom-up: deepest containers first, so a container's size is known before its parent's.
    let mut order: Vec<usize> = (0..n).filter(|&i| boxes[i].container).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(boxes[i].depth));
    struct Level {
        members: Vec<usize>,
        centers: Vec<(f64, f64)>,
        chains: BTreeMap<(usize, usize), Vec<(f64, f64)>>,
        content: (f64, f64),
    }
    let mut levels: BTreeMap<Option<usize>, Level> = BTreeMap::new();
    let to_minor_major = |w: f64, h: f64| if lr { (h, w) } else { (w, h) };
    let to_xy = |a: f64, b: f64| if lr { (b, a) } else { (a, b) };
    let run_level = |key: Option<usize>, members: Vec<usize>, boxes: &Vec<NodeBox>| -> Level {
        let local: BTreeMap<usize, usize> =
            members.iter().enumerate().map(|(k, &m)| (m, k)).collect();
        let sizes: Vec<(f64, f64)> = members
            .iter()
            .map(|&m| to_minor_major(boxes[m].rect.w, boxes[m].rect.h))
            .collect();
        let edges: Vec<(usize, usize)> = level_edges
            .get(&key)
            .map(|es| {
                es.iter()
                    .filter_map(|(a, b)| Some((*local.get(a)?, *local.get(b)?)))
                    .collect()
            })
            .unwrap_or_default();
        let l = sugiyama::layout(&sizes, &edges, &spacing);
        let centers = l.centers.iter().map(|&(a, b)| to_xy(a, b)).collect();
        let chains = l
            .chains
            .into_iter()
            .map(|((a, b), pts)| {
                (
                    (members[a], members[b]),
                    pts.into_iter().map(|(p, q)| to_xy(p, q)).collect(),
                )
            })
            .collect();
        let (cw, ch) = to_xy(l.extent.0, l.extent.1);
        Level {
            members,
            centers,
            chains,
            content: (cw, ch),
        }
    };
    for &c in &order {
        let level = run_level(Some(c), g.nodes[c].children.clone(), &boxes);
        let header_w = text::width(&boxes[c].name_lines[0], NAME_SIZE, true)
            + 10.0
            + text::width(&boxes[c].type_line, TYPE_SIZE, false);
        boxes[c].rect.w = (level.content.0 + 2.0 * pad)
            .max(header_w + 2.0 * pad)
            .ceil();
        boxes[c].rect.h = (level.content.1 + header + pad).ceil();
        levels.insert(Some(c), level);
    }
    let roots: Vec<usize> = (0..n).filter(|&i| g.nodes[i].parent.is_none()).collect();
    let root = run_level(None, roots, &boxes);
    let width = root.content.0 + 2.0 * cfg.margin;
    let height = root.content.1 + 2.0 * cfg.margin + cfg.top;
    levels.insert(None, root);

    // Top-down: absolute positions. A level's content origin is where its (0,0) sits.
    let mut origin: BTreeMap<Option<usize>, (f64, f64)> = BTreeMap::new();
    origin.insert(None, (cfg.margin, cfg.margin + cfg.top));
    let mut queue: Vec<Option<usize>> = vec![None];
    while let Some(key) = queue.pop() {
        let (ox, oy) = origin[&key];
        let level = &levels[&key];
        for (k, &m) in level.members.iter().enumerate() {
            let (cx, cy) = level.centers[k];
            let r = &mut boxes[m].rect;
            r.x = ox + cx - r.w / 2.0;
            r.y = oy + cy - r.h / 2.0;
            if boxes[m].container {
                let inner = &levels[&Some(m)];
                let r = boxes[m].rect;
                let slack = (r.w - 2.0 * pad - inner.content.0).max(0.0) / 2.0;
                origin.insert(Some(m), (r.x + pad + slack, r.y + header));
                queue.push(Some(m));
            }
        }
    }

    // Routes.
    let mut edges = Vec::with_capacity(g.edges.len());
    for (i, e) in g.edges.iter().enumerate() {
        let (ru, rv) = (boxes[e.from].rect, boxes[e.to].rect);
        let points = match edge_level[i] {
            _ if e.from == e.to => {
                let (r, cy) = (ru.right(), ru.y + ru.h / 2.0);
                vec![
                    (r, cy - 8.0),
                    (r + 22.0, cy - 14.0),
                    (r + 22.0, cy + 14.0),
                    (r, cy + 8.0),
                ]
            }
            None => {
                // One end contains the other: a short link to the nearest side of the container.
                let (outer, inner, outward) = if g.is_ancestor_or_self(e.from, e.to) {
                    (ru, rv, false)
                } else {
                    (rv, ru, true)
                };
                let (ix, iy) = inner.center();
                let sides = [
                    (inner.y - outer.y, (ix, outer.y), (ix, inner.y)),
                    (
                        outer.bottom() - inner.bottom(),
                        (ix, outer.bottom()),
                        (ix, inner.bottom()),
                    ),
                    (inner.x - outer.x, (outer.x, iy), (inner.x, iy)),
                    (
                        outer.right() - inner.right(),
                        (outer.right(), iy),
                        (inner.right(), iy),
                    ),
                ];
                let best = sides.iter().min_by(|a, b| a.0.total_cmp(&b.0)).unwrap();
                if outward {
                    vec![best.2, best.1]
                } else {
                    vec![best.1, best.2]
                }
            }
            Some((lvl, cu, cv)) => {
                let (ox, oy) = origin[&lvl];
                let mut pts = vec![ru.center()];
                if let Some(ch) = levels[&lvl].chains.get(&(cu, cv)) {
                    pts.extend(ch.iter().map(|&(x, y)| (x + ox, y + oy)));
                }
                pts.push(rv.center());
                let k = pts.len();
                pts[0] = ru.exit_toward(pts[1]);
                pts[k - 1] = rv.exit_toward(pts[k - 2]);
                pts
            }
        };
        edges.push(EdgeRoute {
            edge: i,
            points,
            label: None,
        });
    }
    place_labels(g, &boxes, &mut edges, room);
    Layout {
        boxes,
        edges,
        width: width.ceil(),
        height: height.ceil(),
    }
}

/// Put each edge label on its route where it covers no node and no earlier label, if possible.
fn place_labels(g: &RGraph, boxes: &[NodeBox], edges: &mut [EdgeRoute], room: f64) {
    const CELL: f64 = 120.0;
    let mut grid: BTreeMap<(i64, i64), Vec<Rect>> = BTreeMap::new();
    let cells = |r: &Rect| {
        let (x0, x1) = (
            (r.x / CELL).floor() as i64,
            (r.right() / CELL).floor() as i64,
        );
        let (y0, y1) = (
            (r.y / CELL).floor() as i64,
            (r.bottom() / CELL).floor() as i64,
        );
        (x0..=x1).flat_map(move |x| (y0..=y1).map(move |y| (x, y)))
    };
    let add = |grid: &mut BTreeMap<(i64, i64), Vec<Rect>>, r: Rect| {
        for c in cells(&r) {
            grid.entry(c).or_default().push(r);
        }
    };
    for b in boxes {
        if b.container {
            add(
                &mut grid,
                Rect {
                    h: HEADER_H,
                    ..b.rect
                },
            );
        } else {
            let r = b.rect;
            // Badges sit above the top-right corner; keep labels off them too.
            add(
                &mut grid,
                Rect {
                    x: r.x - room,
                    y: r.y - 2.0 * room,
                    w: r.w + 2.0 * room,
                    h: r.h + 3.0 * room,
                },
            );
        }
    }
    let avoid = edges.len() <= 3000;
    for route in edges.iter_mut() {
        let e = &g.edges[route.edge];
        if e.label.trim().is_empty() {
            continue;
        }
        let text = text::ellipsize(e.label.trim(), LABEL_SIZE, false, MAX_LABEL_W);
        let (w, h) = (text::width(&text, LABEL_SIZE, false) + 8.0, 15.0);
        // First spot along the route that covers nothing; else the one covering least.
        let mut best: Option<(f64, Rect)> = None;
        for t in [0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78, 0.14, 0.86] {
            let (x, y) = point_along(&route.points, t);
            let r = Rect {
                x: x - w / 2.0,
                y: y - h / 2.0,
                w,
                h,
            };
            if !avoid {
                best = Some((0.0, r));
                break;
            }
            let mut seen: Vec<Rect> = Vec::new();
            let mut covered = 0.0;
            for c in cells(&r) {
                for o in grid.get(&c).into_iter().flatten() {
                    if o.overlaps(&r) && !seen.contains(o) {
                        seen.push(*o);
                        let ow = r.right().min(o.right()) - r.x.max(o.x);
                        let oh = r.bottom().min(o.bottom()) - r.y.max(o.y);
                        covered += ow.max(0.0) * oh.max(0.0);
                    }
                }
            }
            if best.as_ref().is_none_or(|(c, _)| covered < *c) {
                best = Some((covered, r));
            }
            if covered == 0.0 {
                break;
            }
        }
        let r = best.map(|b| b.1).unwrap_or(Rect {
            x: 0.0,
            y: 0.0,
            w,
            h,
        });
        add(&mut grid, r);
        route.label = Some(LabelBox { text, rect: r });
    }
}

/// The point at fraction `t` of a polyline's length.
pub fn point_along(points: &[(f64, f64)], t: f64) -> (f64, f64) {
    let seg = |a: (f64, f64), b: (f64, f64)| ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
    let total: f64 = points.windows(2).map(|w| seg(w[0], w[1])).sum();
    let mut goal = total * t;
    for w in points.windows(2) {
        let l = seg(w[0], w[1]);
        if goal <= l && l > 0.0 {
            let f = goal / l;
            return (
                w[0].0 + (w[1].0 - w[0].0) * f,
                w[0].1 + (w[1].1 - w[0].1) * f,
            );
        }
        goal -= l;
    }
    *points.last().unwrap_or(&(0.0, 0.0))
}
