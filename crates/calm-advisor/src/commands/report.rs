//! `calm-advisor report`: with `--before OLD --after NEW`, the architecture-improvements
//! Markdown (resolved concerns, improvements, controls added, evolution, ADR alignment,
//! remaining concerns, before/after diagrams); with `FILE`, a review report of one architecture;
//! with `--ops FILE -o DIR`, the operations documents (runbooks, on-call reference, flow guide).

use crate::cli::ReportArgs;
use crate::common::{CliError, CmdResult, write_atomic, write_output};
use crate::git::load_architecture;
use calm_model::Document;
use calm_report::improvements::{Diagrams, ImprovementsOptions, improvements_report};
use calm_report::ops::ops_documents;
use calm_report::review::{ReviewOutcome, review_document};
use calm_report::review_report::review_report;
use calm_report::structural_diff;
use std::path::{Component, Path, PathBuf};

pub fn run(args: &ReportArgs) -> CmdResult {
    if let Some(ops) = &args.ops {
        let dir = args
            .output
            .as_deref()
            .ok_or_else(|| CliError::input("--ops needs -o DIR (the folder for the documents)"))?;
        return write_ops(ops, dir);
    }
    let markdown = match (&args.file, &args.before, &args.after) {
        (Some(file), None, None) => {
            let loaded = load_architecture(&file.to_string_lossy()).map_err(CliError::input)?;
            let review = review_document(&loaded.doc);
            let mermaid = mermaid(&loaded.doc, &review);
            let mut md = review_report(&loaded, &review, args.title.as_deref(), Some(&mermaid));
            if let Some(dir) = &args.images {
                let link = write_png(
                    &loaded.doc,
                    &review,
                    dir,
                    &format!("{}.png", stem(&loaded.label)),
                    args.output.as_deref(),
                )?;
                md.push_str(&format!("\n![Architecture]({link})\n"));
            }
            md
        }
        (None, Some(before), Some(after)) => {
            let old = load_architecture(before).map_err(CliError::input)?;
            let new = load_architecture(after).map_err(CliError::input)?;
            let diff = structural_diff(&old.doc, &new.doc);
            let (ro, rn) = (review_document(&old.doc), review_document(&new.doc));
            let mut diagrams = Diagrams {
                mermaid: Some((mermaid(&old.doc, &ro), mermaid(&new.doc, &rn))),
                images: None,
            };
            if let Some(dir) = &args.images {
                let base = stem(&new.label);
                let b = write_png(
                    &old.doc,
                    &ro,
                    dir,
                    &format!("{base}-before.png"),
                    args.output.as_deref(),
                )?;
                let a = write_png(
                    &new.doc,
                    &rn,
                    dir,
                    &format!("{base}-after.png"),
                    args.output.as_deref(),
                )?;
                diagrams.images = Some((b, a));
            }
            let opts = ImprovementsOptions {
                title: args.title.clone(),
                diagrams,
            };
            improvements_report(&old, &new, &diff, (&ro, &rn), &opts)
        }
        _ => {
            return Err(CliError::input(
                "report needs an architecture FILE (review report) or --before OLD --after NEW (improvements report)",
            ));
        }
    };
    match &args.output {
        Some(path) => write_atomic(path, markdown.as_bytes())?,
        None => write_output(None, markdown.as_bytes())?,
    }
    Ok(crate::cli::exit::OK)
}

/// `report --ops FILE -o DIR`: the three operations documents, each written atomically into
/// DIR under its fixed name, and nowhere else. DIR is created when missing; an existing DIR that
/// is not a directory, or a document name in it that is a symlink or not a regular file, is
/// refused before anything is written (exit 3).
fn write_ops(input: &str, dir: &Path) -> CmdResult {
    let loaded = load_architecture(input).map_err(CliError::input)?;
    let docs = ops_documents(&loaded);
    match std::fs::symlink_metadata(dir) {
        Ok(_) if !dir.is_dir() => {
            return Err(CliError::refused(format!(
                "{} is not a directory; nothing was written",
                dir.display()
            )));
        }
        Ok(_) => {}
        Err(_) => std::fs::create_dir_all(dir)
            .map_err(|e| CliError::input(format!("cannot create {}: {e}", dir.display())))?,
    }
    for (name, _) in docs.files() {
        let path = dir.join(name);
        if let Ok(meta) = std::fs::symlink_metadata(&path)
            && !meta.file_type().is_file()
        {
            return Err(CliError::refused(format!(
                "{} exists and is not a regular file (a symlink or a folder); nothing was written",
                path.display()
            )));
        }
    }
    let mut written = Vec::new();
    for (name, text) in docs.files() {
        let path = dir.join(name);
        write_atomic(&path, text.as_bytes())?;
        written.push(path.display().to_string());
    }
    eprintln!("wrote {}", written.join(", "));
    Ok(crate::cli::exit::OK)
}

/// Mermaid flowchart with the review's findings marked (worst severity per node).
fn mermaid(doc: &Document, review: &ReviewOutcome) -> String {
    let opts = calm_render::Options {
        findings: Some(review.findings.clone()),
        ..calm_render::Options::default()
    };
    calm_render::mermaid::flowchart(doc, &opts)
}

/// File-name stem of an input label (`git:HEAD:a/b.json` → `b`).
fn stem(label: &str) -> String {
    let last = label.rsplit(['/', '\\', ':']).next().unwrap_or(label);
    let s = last.strip_suffix(".json").unwrap_or(last);
    if s.is_empty() {
        "architecture".into()
    } else {
        s.to_string()
    }
}

/// Render a PNG into `dir` and return its link relative to the report's folder.
fn write_png(
    doc: &Document,
    review: &ReviewOutcome,
    dir: &Path,
    name: &str,
    report: Option<&Path>,
) -> Result<String, CliError> {
    let opts = calm_render::Options {
        findings: Some(review.findings.clone()),
        ..calm_render::Options::default()
    };
    let png = calm_render::render_png(doc, &opts, 1.0)
        .map_err(|e| CliError::input(format!("cannot render {}: {e}", doc.name())))?;
    let path = dir.join(name);
    write_atomic(&path, &png)?;
    let from = report
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    Ok(relative_link(&from, &path))
}

/// `to` relative to the directory `from`, with `/` separators (Markdown links).
fn relative_link(from: &Path, to: &Path) -> String {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (from, to) = (abs(from), abs(to));
    let fc: Vec<Component> = from.components().collect();
    let tc: Vec<Component> = to.components().collect();
    let common = fc.iter().zip(&tc).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = Vec::new();
    for _ in common..fc.len() {
        parts.push("..".into());
    }
    for c in &tc[common..] {
        parts.push(c.as_os_str().to_string_lossy().into_owned());
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_relative_to_the_report() {
        assert_eq!(
            relative_link(Path::new("/r/docs"), Path::new("/r/docs/img/a.png")),
            "img/a.png"
        );
        assert_eq!(
            relative_link(Path::new("/r/docs"), Path::new("/r/img/a.png")),
            "../img/a.png"
        );
        assert_eq!(stem("git:HEAD~1:arch/ecommerce.json"), "ecommerce");
    }
}
