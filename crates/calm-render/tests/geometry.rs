//! Geometry of drawings: boxes do not overlap, members lie inside their containers, edges start
//! and end on their nodes' borders, every node id appears exactly once in the SVG; on the
//! tutorial fixtures, our own fixtures, generated architectures and a sample of the CALM corpus.

use calm_model::Document;
use calm_render::{Direction, Options, RGraph, prepare, render_svg};
use std::path::{Path, PathBuf};

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

fn load(path: &Path) -> Document {
    Document::load_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn fixture(name: &str) -> Document {
    load(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
}

fn tutorial(name: &str) -> Option<Document> {
    let p = shared().join("fixtures").join(name);
    if !p.exists() {
        eprintln!("skipping: {} not found", p.display());
        return None;
    }
    Some(load(&p))
}

/// Count `data-id="ID"` attributes (ids escaped as the SVG writer escapes them).
fn count_data_id(svg: &str, id: &str) -> usize {
    let needle = format!("data-id=\"{}\"", calm_render::svg::esc(id));
    svg.matches(&needle).count()
}

/// All geometric promises for one document and options; returns the number of nodes checked.
fn assert_geometry(doc: &Document, opts: &Options) -> usize {
    let d = prepare(doc, opts).unwrap_or_else(|e| panic!("{}: {e}", doc.name()));
    let (g, l): (&RGraph, _) = (&d.graph, &d.layout);
    let name = doc.name();
    assert_eq!(l.boxes.len(), g.nodes.len());
    for (i, b) in l.boxes.iter().enumerate() {
        assert!(
            b.rect.w > 0.0 && b.rect.h > 0.0,
            "{name}: empty box for {}",
            g.nodes[i].id
        );
        assert!(
            b.rect.x >= 0.0 && b.rect.y >= 0.0,
            "{name}: {} outside the canvas",
            g.nodes[i].id
        );
        assert!(
            b.rect.right() <= l.width + 1e-6 && b.rect.bottom() <= l.height + 1e-6,
            "{name}: {} beyond the canvas",
            g.nodes[i].id
        );
    }
    // No two boxes overlap unless one contains the other (a container and its members).
    for i in 0..g.nodes.len() {
        for j in i + 1..g.nodes.len() {
            if g.is_ancestor_or_self(i, j) || g.is_ancestor_or_self(j, i) {
                continue;
            }
            assert!(
                !l.boxes[i].rect.overlaps(&l.boxes[j].rect),
                "{name}: boxes of {} {:?} and {} {:?} overlap",
                g.nodes[i].id,
                l.boxes[i].rect,
                g.nodes[j].id,
                l.boxes[j].rect
            );
        }
    }
    // Every member inside its container, below the container's header.
    for (i, n) in g.nodes.iter().enumerate() {
        if let Some(p) = n.parent {
            let (outer, inner) = (l.boxes[p].rect, l.boxes[i].rect);
            assert!(
                outer.contains(&inner),
                "{name}: {} {inner:?} not inside {} {outer:?}",
                n.id,
                g.nodes[p].id
            );
            assert!(
                inner.y >= outer.y + calm_render::layout::HEADER_H - 1e-6,
                "{name}: {} covers the header of {}",
                n.id,
                g.nodes[p].id
            );
        }
    }
    // Edges start on the source's border and end on the destination's border.
    assert_eq!(l.edges.len(), g.edges.len());
    for r in &l.edges {
        let e = &g.edges[r.edge];
        assert!(
            r.points.len() >= 2,
            "{name}: edge {} has no route",
            e.rel_id
        );
        let (first, last) = (r.points[0], *r.points.last().unwrap());
        let (rs, rd) = (l.boxes[e.from].rect, l.boxes[e.to].rect);
        assert!(
            rs.border_distance(first) < 0.01,
            "{name}: edge {} starts at {first:?}, off the border of {} {rs:?}",
            e.rel_id,
            g.nodes[e.from].id
        );
        assert!(
            rd.border_distance(last) < 0.01,
            "{name}: edge {} ends at {last:?}, off the border of {} {rd:?}",
            e.rel_id,
            g.nodes[e.to].id
        );
        assert!(r.points.iter().all(|p| p.0.is_finite() && p.1.is_finite()));
    }
    // Every node of the drawing appears exactly once in the SVG.
    let svg = render_svg(doc, opts).unwrap();
    for n in &g.nodes {
        assert_eq!(count_data_id(&svg, &n.id), 1, "{name}: data-id of {}", n.id);
    }
    g.nodes.len()
}

/// Every node id of the document (first occurrences) is drawn.
fn assert_all_nodes_drawn(doc: &Document) {
    let svg = render_svg(doc, &Options::default()).unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for n in doc.nodes() {
        if !n.unique_id().is_empty() && seen.insert(n.unique_id()) {
            assert_eq!(
                count_data_id(&svg, n.unique_id()),
                1,
                "{}: {}",
                doc.name(),
                n.unique_id()
            );
        }
    }
}

fn both_directions(doc: &Document) {
    for direction in [Direction::TopBottom, Direction::LeftRight] {
        assert_geometry(
            doc,
            &Options {
                direction,
                ..Options::default()
            },
        );
    }
}

#[test]
fn tutorial_fixtures() {
    for name in [
        "ecommerce-platform.day13.json",
        "ecommerce-platform.day14-expected.json",
    ] {
        let Some(doc) = tutorial(name) else { return };
        both_directions(&doc);
        assert_all_nodes_drawn(&doc);
        for f in doc.flows() {
            assert_geometry(
                &doc,
                &Options {
                    flow: Some(f.unique_id().to_string()),
                    ..Options::default()
                },
            );
        }
    }
}

#[test]
fn day14_nests_containers_three_deep() {
    let Some(doc) = tutorial("ecommerce-platform.day14-expected.json") else {
        return;
    };
    let d = prepare(&doc, &Options::default()).unwrap();
    let g = &d.graph;
    let platform = g.index["ecommerce-platform"];
    let cluster = g.index["order-database-cluster"];
    let primary = g.index["order-database-primary"];
    assert_eq!(g.nodes[primary].parent, Some(cluster));
    assert_eq!(g.nodes[cluster].parent, Some(platform));
    assert!(
        d.layout.boxes[platform]
            .rect
            .contains(&d.layout.boxes[primary].rect)
    );
}

#[test]
fn own_fixture_with_nested_containers_cycles_and_odd_edges() {
    let doc = fixture("nested-containers.json");
    both_directions(&doc);
    assert_all_nodes_drawn(&doc);
    let d = prepare(&doc, &Options::default()).unwrap();
    let g = &d.graph;
    let id = |s: &str| g.index[s];
    // composed-of wins over deployed-in; deployed-in nests the rest; the cyclic composition is ignored.
    assert_eq!(g.nodes[id("orders")].parent, Some(id("trading")));
    assert_eq!(g.nodes[id("trading")].parent, Some(id("cluster")));
    assert_eq!(g.nodes[id("cluster")].parent, Some(id("region")));
    assert_eq!(g.nodes[id("db")].parent, Some(id("region")));
    assert_eq!(
        g.nodes[id("trading")]
            .parent
            .map(|p| g.nodes[p].id.as_str()),
        Some("cluster")
    );
    // The duplicate `orders` is drawn once; the edge to a missing node is not drawn.
    assert_eq!(g.nodes.iter().filter(|n| n.id == "orders").count(), 1);
    assert!(g.edges.iter().all(|e| e.rel_id != "to-missing"));
    // interacts with two nodes gives two arrows.
    assert_eq!(
        g.edges
            .iter()
            .filter(|e| e.rel_id == "trader-uses-ui")
            .count(),
        2
    );
    // Async: AMQP and queues are dashed.
    let svg = render_svg(&doc, &Options::default()).unwrap();
    let line = svg
        .lines()
        .find(|l| l.contains("data-rel=\"orders-bus\"") && l.contains("<path"))
        .unwrap();
    assert!(line.contains("stroke-dasharray"), "{line}");
    let line = svg
        .lines()
        .find(|l| l.contains("data-rel=\"orders-db\"") && l.contains("<path"))
        .unwrap();
    assert!(!line.contains("stroke-dasharray"), "{line}");
}

#[test]
fn generated_architectures() {
    for (n, seed) in [(10, 1), (60, 2), (250, 3), (600, 4)] {
        let v = calm_testkit::layered_architecture(n, seed);
        let doc = Document::from_value(&format!("generated-{n}.json"), &v);
        let checked = assert_geometry(&doc, &Options::default());
        assert!(checked >= n * 9 / 10, "{checked} of {n}");
    }
    let v = calm_testkit::layered_architecture(120, 9);
    let doc = Document::from_value("generated-lr.json", &v);
    assert_geometry(
        &doc,
        &Options {
            direction: Direction::LeftRight,
            ..Options::default()
        },
    );
}

#[test]
fn focus_keeps_the_neighbourhood() {
    let doc = fixture("nested-containers.json");
    let opts = Options {
        focus: vec!["risk".into()],
        ..Options::default()
    };
    assert_geometry(&doc, &opts);
    let d = prepare(&doc, &opts).unwrap();
    let ids: Vec<&str> = d.graph.nodes.iter().map(|n| n.id.as_str()).collect();
    for want in ["risk", "orders", "pricing", "cluster", "trading", "region"] {
        assert!(ids.contains(&want), "{want} missing from {ids:?}");
    }
    for not in ["db", "dir", "partner", "lonely", "trader"] {
        assert!(!ids.contains(&not), "{not} should not be drawn: {ids:?}");
    }
    let err = prepare(
        &doc,
        &Options {
            focus: vec!["nope".into()],
            ..Options::default()
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("`nope`"), "{err}");
}

#[test]
fn too_large_is_refused_with_advice() {
    let v = calm_testkit::layered_architecture(300, 5);
    let doc = Document::from_value("big.json", &v);
    let err = prepare(
        &doc,
        &Options {
            max_nodes: 100,
            ..Options::default()
        },
    )
    .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("--focus") && msg.contains("limit of 100"),
        "{msg}"
    );
}

/// A sample of real architectures from the CALM corpus (every file with nodes that loads).
#[test]
fn corpus_sample() {
    let root = shared().join("calm-corpus");
    if !root.exists() {
        eprintln!("skipping: {} not found", root.display());
        return;
    }
    let mut files = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "json") {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut drawn = 0;
    for p in &files {
        let Ok(doc) = Document::load_path(p) else {
            continue;
        };
        let has_nodes = doc.nodes().any(|n| !n.unique_id().is_empty());
        if !has_nodes {
            continue;
        }
        assert_geometry(&doc, &Options::default());
        assert_all_nodes_drawn(&doc);
        drawn += 1;
    }
    eprintln!("corpus: {drawn} documents with nodes drawn and checked");
    assert!(drawn >= 20, "only {drawn} corpus documents had nodes");
}

#[test]
fn same_input_same_bytes() {
    let doc = fixture("nested-containers.json");
    let opts = Options {
        flow: Some("place-order".into()),
        ..Options::default()
    };
    let a = render_svg(&doc, &opts).unwrap();
    let again = Document::from_str("nested-containers.json", doc.source.text()).unwrap();
    let b = render_svg(&again, &opts).unwrap();
    assert_eq!(a, b);
    let v = calm_testkit::layered_architecture(400, 7);
    let d1 = Document::from_value("g.json", &v);
    let d2 = Document::from_value("g.json", &v);
    assert_eq!(
        render_svg(&d1, &Options::default()).unwrap(),
        render_svg(&d2, &Options::default()).unwrap()
    );
    let h1 = calm_render::render_html(&d1, &Options::default()).unwrap();
    let h2 = calm_render::render_html(&d2, &Options::default()).unwrap();
    assert_eq!(h1, h2);
}

mod random {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    const TYPES: &[&str] = &[
        "actor",
        "service",
        "database",
        "webclient",
        "message-queue",
        "system",
        "network",
        "ldap",
        "data-asset",
        "custom",
    ];

    /// A document from random nodes, a random containment forest (a parent always has a lower
    /// index, alternating composed-of and deployed-in) and random edges, self-loops and
    /// container-to-member edges included.
    fn doc(
        types: &[usize],
        parents: &[Option<usize>],
        edges: &[(usize, usize)],
        lr: bool,
    ) -> (Document, Options) {
        let n = types.len();
        let nodes: Vec<_> = (0..n)
            .map(|i| json!({"unique-id": format!("n{i}"), "node-type": TYPES[types[i] % TYPES.len()], "name": format!("Node {i} {}", "x".repeat(i % 7 * 4)), "description": "d"}))
            .collect();
        let mut rels = Vec::new();
        for c in 0..n {
            let members: Vec<String> = (0..n)
                .filter(|&i| parents[i].map(|p| p % i.max(1)) == Some(c) && c < i)
                .map(|i| format!("n{i}"))
                .collect();
            if !members.is_empty() {
                let kind = if c % 2 == 0 {
                    "composed-of"
                } else {
                    "deployed-in"
                };
                rels.push(json!({"unique-id": format!("c{c}"), "relationship-type": {kind: {"container": format!("n{c}"), "nodes": members}}}));
            }
        }
        for (k, (a, b)) in edges.iter().enumerate() {
            rels.push(json!({"unique-id": format!("e{k}"), "protocol": if k % 3 == 0 { "AMQP" } else { "HTTPS" }, "relationship-type": {"connects": {"source": {"node": format!("n{}", a % n)}, "destination": {"node": format!("n{}", b % n)}}}}));
        }
        let v = json!({"nodes": nodes, "relationships": rels});
        let direction = if lr {
            Direction::LeftRight
        } else {
            Direction::TopBottom
        };
        (
            Document::from_value("random.json", &v),
            Options {
                direction,
                ..Options::default()
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
        #[test]
        fn geometry_holds_for_random_nested_graphs(
            types in proptest::collection::vec(0usize..20, 1..22),
            parents in proptest::collection::vec(proptest::option::weighted(0.5, 0usize..64), 22),
            edges in proptest::collection::vec((0usize..64, 0usize..64), 0..40),
            lr in any::<bool>(),
        ) {
            let (d, o) = doc(&types, &parents[..types.len()], &edges, lr);
            assert_geometry(&d, &o);
            let a = render_svg(&d, &o).unwrap();
            prop_assert_eq!(a, render_svg(&d, &o).unwrap());
        }
    }
}
