//! `calm-advisor render`: SVG, PNG, self-contained HTML or Mermaid of an architecture, with
//! optional findings overlay, flow highlight and focus; or a before/after compare view.

use crate::cli::{self, RenderArgs, RenderFormat};
use crate::common::{CliError, CmdResult, load_document, write_output};
use calm_model::Document;
use calm_render::{Direction, Options, RenderError, Theme, compare, mermaid};
use std::path::Path;

/// PNG pixels per SVG pixel (2 = sharp on high-density screens and in documents).
const PNG_SCALE: f32 = 2.0;

fn format_of(args: &RenderArgs) -> RenderFormat {
    if let Some(f) = args.format {
        return f;
    }
    let ext = args
        .output
        .as_deref()
        .and_then(Path::extension)
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "png" => RenderFormat::Png,
        "html" | "htm" => RenderFormat::Html,
        "mmd" | "mermaid" | "md" => RenderFormat::Mermaid,
        _ => RenderFormat::Svg,
    }
}

fn findings_of(doc: &Document) -> Vec<calm_analysis::Finding> {
    calm_analysis::review(doc, &calm_analysis::ReviewOptions::default()).findings
}

fn render_error(file: &Path, e: RenderError) -> CliError {
    CliError::input(format!("{}: {e}", file.display()))
}

pub fn run(args: &RenderArgs) -> CmdResult {
    let format = format_of(args);
    if format == RenderFormat::Png && args.output.is_none() {
        return Err(CliError::input(
            "render: PNG output needs -o FILE.png (it is binary)",
        ));
    }
    let direction = match args.direction {
        cli::Direction::Tb => Direction::TopBottom,
        cli::Direction::Lr => Direction::LeftRight,
    };
    let theme = match args.theme {
        cli::Theme::Light => Theme::Light,
        cli::Theme::Dark => Theme::Dark,
    };
    if !args.compare.is_empty() {
        return run_compare(args, format, direction, theme);
    }
    let Some(file) = args.file.as_deref() else {
        return Err(CliError::input(
            "render: give an architecture FILE, or --compare BEFORE AFTER",
        ));
    };
    let doc = load_document(file)?;
    let opts = Options {
        direction,
        theme,
        findings: args.findings.then(|| findings_of(&doc)),
        flow: args.flow.clone(),
        focus: args.focus.clone(),
        ..Options::default()
    };
    calm_render::check(&doc, &opts).map_err(|e| render_error(file, e))?;
    let bytes = match format {
        RenderFormat::Svg => calm_render::render_svg(&doc, &opts)
            .map_err(|e| render_error(file, e))?
            .into_bytes(),
        RenderFormat::Png => {
            calm_render::render_png(&doc, &opts, PNG_SCALE).map_err(|e| render_error(file, e))?
        }
        RenderFormat::Html => calm_render::render_html(&doc, &opts)
            .map_err(|e| render_error(file, e))?
            .into_bytes(),
        RenderFormat::Mermaid => mermaid_text(&doc, &opts, args.output.as_deref()).into_bytes(),
    };
    write_output(args.output.as_deref(), &bytes)?;
    Ok(cli::exit::OK)
}

/// Mermaid: the flowchart; with `--flow`, that flow's sequence diagram; into a `.md` file,
/// Markdown with the flowchart and one sequence diagram per flow.
fn mermaid_text(doc: &Document, opts: &Options, output: Option<&Path>) -> String {
    let markdown = output
        .and_then(Path::extension)
        .is_some_and(|e| e.eq_ignore_ascii_case("md"));
    if !markdown {
        return match opts.flow.as_deref().and_then(|f| mermaid::sequence(doc, f)) {
            Some(seq) => seq,
            None => mermaid::flowchart(doc, opts),
        };
    }
    let mut s = format!(
        "# {}\n\n```mermaid\n{}```\n",
        calm_render::document_title(doc),
        mermaid::flowchart(doc, opts)
    );
    for f in doc.flows() {
        if let Some(seq) = mermaid::sequence(doc, f.unique_id()) {
            let name = if f.name().is_empty() {
                f.unique_id()
            } else {
                f.name()
            };
            s.push_str(&format!("\n## Flow: {name}\n\n```mermaid\n{seq}```\n"));
        }
    }
    s
}

fn run_compare(
    args: &RenderArgs,
    format: RenderFormat,
    direction: Direction,
    theme: Theme,
) -> CmdResult {
    if format == RenderFormat::Mermaid {
        return Err(CliError::input(
            "render --compare: formats are svg, png and html",
        ));
    }
    let (before_path, after_path) = (&args.compare[0], &args.compare[1]);
    let before = load_document(before_path)?;
    let after = load_document(after_path)?;
    // SPOF counts in the summary come from the review of both sides; badges only with --findings.
    let (fb, fa) = (findings_of(&before), findings_of(&after));
    let opts = compare::CompareOptions {
        direction,
        theme,
        before_findings: Some(fb),
        after_findings: Some(fa),
        show_findings: args.findings,
        title: None,
    };
    let cmp = compare::render(&before, &after, &opts).map_err(|e| render_error(after_path, e))?;
    let bytes = match format {
        RenderFormat::Png => calm_render::png::svg_to_png(&cmp.svg, PNG_SCALE)
            .map_err(|e| render_error(after_path, e))?,
        RenderFormat::Html => {
            let title = format!("{} — before and after", calm_render::document_title(&after));
            calm_render::html::compare_page(&title, &cmp.summary, &cmp.svg, theme).into_bytes()
        }
        _ => cmp.svg.into_bytes(),
    };
    write_output(args.output.as_deref(), &bytes)?;
    eprintln!("{}", cmp.summary);
    Ok(cli::exit::OK)
}
