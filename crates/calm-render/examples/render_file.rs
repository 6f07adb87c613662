//! Render a file to SVG, PNG and HTML next to OUT (a development aid; the CLI is `calm-advisor render`).
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let doc = calm_model::Document::load_path(std::path::Path::new(&args[1])).expect("load");
    let out = &args[2];
    let mut opts = calm_render::Options::default();
    if let Some(flow) = args.get(3) {
        opts.flow = Some(flow.clone());
    }
    let svg = calm_render::render_svg(&doc, &opts).expect("svg");
    std::fs::write(format!("{out}.svg"), &svg).unwrap();
    std::fs::write(
        format!("{out}.png"),
        calm_render::png::svg_to_png(&svg, 1.5).unwrap(),
    )
    .unwrap();
    std::fs::write(
        format!("{out}.html"),
        calm_render::render_html(&doc, &opts).unwrap(),
    )
    .unwrap();
}
