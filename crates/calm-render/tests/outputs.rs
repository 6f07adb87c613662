//! What the outputs show: findings overlay, flow highlight, PNG pixels, Mermaid text, compare.

use calm_analysis::{Category, Confidence, Finding, Severity};
use calm_model::Document;
use calm_render::{Options, compare, mermaid, render_html, render_svg};
use std::path::Path;

fn fixture(name: &str) -> Document {
    Document::load_path(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .unwrap()
}

fn tutorial(name: &str) -> Option<Document> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures")
        .join(name);
    if !p.exists() {
        eprintln!("skipping: {} not found", p.display());
        return None;
    }
    Some(Document::load_path(&p).unwrap())
}

fn finding(id: &str, rule: &str, severity: Severity, nodes: &[&str], rels: &[&str]) -> Finding {
    Finding {
        id: id.into(),
        fingerprint: format!("sha256:{id}"),
        rule: rule.into(),
        category: Category::Resilience,
        tags: vec![],
        severity,
        likelihood: 3,
        impact: 4,
        confidence: Confidence::High,
        rank: 1,
        title: format!("{rule} on {}", nodes.join(",")),
        nodes: nodes.iter().map(|s| s.to_string()).collect(),
        relationships: rels.iter().map(|s| s.to_string()).collect(),
        flows: vec![],
        locations: vec![],
        evidence: vec![],
        metrics: serde_json::Value::Null,
        rationale: "Every order passes through it.".into(),
        recommendation: "Add a second instance behind a load balancer.".into(),
        references: vec![],
        fix: None,
        suppression: None,
    }
}

/// The `<g …>` element (up to its closing tag) that carries `data-id="id"`.
fn group_of<'a>(svg: &'a str, id: &str) -> &'a str {
    let start = svg
        .find(&format!("data-id=\"{id}\""))
        .unwrap_or_else(|| panic!("no {id}"));
    let start = svg[..start].rfind("<g ").unwrap();
    let end = start + svg[start..].find("</g>").unwrap();
    &svg[start..end]
}

fn badge_of<'a>(svg: &'a str, id: &str) -> &'a str {
    svg.lines()
        .find(|l| {
            l.contains(&"class=\"badge".to_string()) && l.contains(&format!("data-for=\"{id}\""))
        })
        .unwrap_or("")
}

#[test]
fn findings_overlay_marks_nodes_and_adds_a_legend() {
    let doc = fixture("nested-containers.json");
    let findings = vec![
        finding(
            "spof-node@orders",
            "spof-node",
            Severity::Critical,
            &["orders"],
            &[],
        ),
        finding(
            "no-replica@db",
            "datastore-no-replication",
            Severity::High,
            &["db"],
            &["orders-db"],
        ),
        finding("doc@risk", "missing-owner", Severity::Low, &["risk"], &[]),
        finding(
            "doc2@risk",
            "missing-runbook",
            Severity::Medium,
            &["risk"],
            &[],
        ),
    ];
    let plain = render_svg(&doc, &Options::default()).unwrap();
    assert!(!plain.contains("finding-outline"));
    let svg = render_svg(
        &doc,
        &Options {
            findings: Some(findings),
            ..Options::default()
        },
    )
    .unwrap();
    let orders = group_of(&svg, "orders");
    assert!(
        orders.contains("finding-outline severity-critical"),
        "{orders}"
    );
    assert!(badge_of(&svg, "orders").contains("⚠ SPOF"), "{svg}");
    assert!(
        orders.contains("stroke-width=\"4\""),
        "critical outline is thick: {orders}"
    );
    let risk = group_of(&svg, "risk");
    assert!(
        risk.contains("severity-medium") && badge_of(&svg, "risk").contains("MEDIUM +1"),
        "worst severity and count: {risk}"
    );
    assert!(!group_of(&svg, "ui").contains("finding-outline"));
    assert!(
        svg.contains("<g class=\"legend\">")
            && svg.contains(">Findings<")
            && svg.contains("critical (1 node)")
    );
    assert!(svg.contains("1 single point of failure"));
    // Relationship finding colours the edge.
    let edge = svg
        .lines()
        .find(|l| l.contains("<path class=\"edge") && l.contains("data-rel=\"orders-db\""))
        .unwrap();
    assert!(edge.contains("arrow-high"), "{edge}");
}

#[test]
fn suppressed_findings_are_not_drawn() {
    let doc = fixture("nested-containers.json");
    let mut f = finding(
        "spof-node@orders",
        "spof-node",
        Severity::Critical,
        &["orders"],
        &[],
    );
    f.suppression = Some(calm_analysis::Suppression {
        status: "accepted".into(),
        justification: None,
        owner: None,
        expires: None,
        source: "baseline".into(),
    });
    let svg = render_svg(
        &doc,
        &Options {
            findings: Some(vec![f]),
            ..Options::default()
        },
    )
    .unwrap();
    assert!(!group_of(&svg, "orders").contains("finding-outline"));
}

#[test]
fn flow_highlight_numbers_the_steps() {
    let doc = fixture("nested-containers.json");
    let svg = render_svg(
        &doc,
        &Options {
            flow: Some("place-order".into()),
            ..Options::default()
        },
    )
    .unwrap();
    let steps: Vec<&str> = svg
        .lines()
        .filter(|l| l.starts_with("<g class=\"step\""))
        .collect();
    assert_eq!(
        steps.len(),
        6,
        "5 transitions, the interacts one drawn to two nodes: {steps:#?}"
    );
    for n in 1..=5 {
        assert!(
            steps.iter().any(|s| s.contains(&format!(">{n}</text>"))),
            "step {n}"
        );
    }
    let flow_edge = svg
        .lines()
        .find(|l| l.contains("<path class=\"edge") && l.contains("data-rel=\"orders-risk\""))
        .unwrap();
    assert!(
        flow_edge.contains("arrow-flow") && !flow_edge.contains("stroke-opacity"),
        "{flow_edge}"
    );
    let other = svg
        .lines()
        .find(|l| l.contains("<path class=\"edge") && l.contains("data-rel=\"orders-db\""))
        .unwrap();
    assert!(
        other.contains("stroke-opacity=\"0.3\""),
        "non-flow edges are dimmed: {other}"
    );
    assert!(svg.contains("flow: Place an order (5 steps)"));
    let err = render_svg(
        &doc,
        &Options {
            flow: Some("nope".into()),
            ..Options::default()
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("place-order"), "{err}");
}

#[test]
fn png_is_drawn_with_the_embedded_font_and_is_stable() {
    let doc = fixture("nested-containers.json");
    let svg = render_svg(&doc, &Options::default()).unwrap();
    let png = calm_render::png::svg_to_png(&svg, 1.0).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let w = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(png[20..24].try_into().unwrap());
    let size = |attr: &str| {
        let i = svg.find(&format!(" {attr}=\"")).unwrap() + attr.len() + 3;
        svg[i..i + svg[i..].find('"').unwrap()]
            .parse::<f32>()
            .unwrap()
    };
    assert_eq!(
        (w, h),
        (size("width").ceil() as u32, size("height").ceil() as u32)
    );
    // Text is drawn: a title-only SVG differs from an empty one.
    let with_text = calm_render::png::svg_to_png(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"80\" height=\"20\"><text x=\"2\" y=\"15\" font-family=\"DejaVu Sans\" font-size=\"14\">Hello</text></svg>",
        1.0,
    )
    .unwrap();
    let empty = calm_render::png::svg_to_png(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"80\" height=\"20\"></svg>",
        1.0,
    )
    .unwrap();
    assert_ne!(with_text, empty, "the embedded font must render text");
    assert_eq!(png, calm_render::png::svg_to_png(&svg, 1.0).unwrap());
}

#[test]
fn mermaid_flowchart_follows_widget_conventions() {
    let doc = fixture("nested-containers.json");
    let text = mermaid::flowchart(&doc, &Options::default());
    insta::assert_snapshot!("nested_flowchart", text);
    assert!(text.contains("subgraph region[\"EU region\"]"));
    assert!(text.contains("orders -.->|\"AMQP\"| bus"));
    assert!(text.contains("trader([\"👤 Trader\"]):::actor"));
}

#[test]
fn mermaid_sequence_per_flow() {
    let doc = fixture("nested-containers.json");
    let seq = mermaid::sequence(&doc, "place-order").unwrap();
    insta::assert_snapshot!("nested_sequence", seq);
    assert!(seq.contains("risk-->>orders: 4. Risk verdict"));
    assert!(mermaid::sequence(&doc, "nope").is_none());
    if let Some(d13) = tutorial("ecommerce-platform.day13.json") {
        insta::assert_snapshot!(
            "day13_flowchart",
            mermaid::flowchart(&d13, &Options::default())
        );
        insta::assert_snapshot!(
            "day13_inventory_sequence",
            mermaid::sequence(&d13, "inventory-check-flow").unwrap()
        );
    }
}

#[test]
fn compare_marks_changes_and_summarises() {
    let (Some(before), Some(after)) = (
        tutorial("ecommerce-platform.day13.json"),
        tutorial("ecommerce-platform.day14-expected.json"),
    ) else {
        return;
    };
    let d = compare::delta(&before, &after);
    assert!(d.nodes_removed.contains(&"api-gateway".to_string()));
    assert!(d.nodes_added.contains(&"load-balancer".to_string()));
    assert!(d.nodes_added.contains(&"order-queue".to_string()));
    let opts = compare::CompareOptions {
        before_findings: Some(vec![
            finding(
                "spof-node@api-gateway",
                "spof-node",
                Severity::Critical,
                &["api-gateway"],
                &[],
            ),
            finding(
                "spof-node@order-database",
                "spof-node",
                Severity::High,
                &["order-database"],
                &[],
            ),
        ]),
        after_findings: Some(vec![]),
        ..compare::CompareOptions::default()
    };
    let c = compare::render(&before, &after, &opts).unwrap();
    assert!(c.summary.starts_with("9 → 15 nodes"), "{}", c.summary);
    assert!(
        c.summary.contains("2 single points of failure resolved"),
        "{}",
        c.summary
    );
    // Removed nodes are red on the left, added ones green on the right, both sides drawn.
    assert!(
        c.svg
            .contains("class=\"node service removed\" data-id=\"api-gateway\"")
    );
    assert!(
        c.svg
            .contains("class=\"node service added\" data-id=\"load-balancer\"")
    );
    assert_eq!(c.svg.matches("data-id=\"customer\"").count(), 2);
    assert!(c.svg.contains("data-side=\"before\"") && c.svg.contains("data-side=\"after\""));
}

#[test]
fn html_is_self_contained() {
    let doc = fixture("nested-containers.json");
    let html = render_html(&doc, &Options::default()).unwrap();
    for forbidden in ["<script src", "<link ", "https://cdn", "@import"] {
        assert!(!html.contains(forbidden), "{forbidden}");
    }
    assert!(html.contains("<option value=\"place-order\">Place an order</option>"));
    assert!(html.contains("id=\"calm-data\""));
    assert_eq!(
        html.matches("</script>").count(),
        2,
        "data cannot close its script element"
    );
}
