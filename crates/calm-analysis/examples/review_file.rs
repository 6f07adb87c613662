//! `cargo run -p calm-analysis --example review_file -- FILE [text|json|markdown|sarif]`
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let doc = calm_model::Document::load_path(std::path::Path::new(&args[1])).expect("load");
    let opts = calm_analysis::ReviewOptions {
        today: Some("2026-11-25".into()),
        ..Default::default()
    };
    let r = calm_analysis::review(&doc, &opts);
    let fmt = match args.get(2).map(String::as_str) {
        Some("json") => calm_analysis::output::Format::Json,
        Some("markdown") => calm_analysis::output::Format::Markdown,
        Some("sarif") => calm_analysis::output::Format::Sarif,
        _ => calm_analysis::output::Format::Text,
    };
    print!(
        "{}",
        calm_analysis::output::render(&r, fmt, &Default::default())
    );
}
