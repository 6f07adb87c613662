//! One analysis of one buffer version: parse, validate, review, and the diagnostics an editor
//! shows. Runs on the analysis thread (see `worker`); the result is immutable and shared.

use super::navigation::Index;
use super::settings::Settings;
use super::text::{Encoding, LineIndex};
use crate::engine::LibraryEngine;
use calm_analysis::{Finding, Review, ReviewOptions, Severity};
use calm_model::{Document, LoadError, Source};
use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, Uri,
};
use serde_json::json;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// What the analysis thread is asked to do.
#[derive(Debug, Clone)]
pub struct Job {
    pub uri: Uri,
    pub version: i32,
    pub text: Arc<str>,
    pub path: Option<PathBuf>,
    pub settings: Arc<Settings>,
    pub roots: Arc<Vec<PathBuf>>,
    pub encoding: Encoding,
}

/// A review finding as the editor needs it after publishing: what code actions and hover list.
/// The full findings are not kept (on a 10,000-node model they take hundreds of MB); an
/// explanation recomputes the review of the analysed text ([`Analysis::review_again`]).
#[derive(Debug, Clone)]
pub struct FindingSite {
    pub id: String,
    pub rule: String,
    pub rank: usize,
    pub severity: Severity,
    pub title: String,
    /// The fix's description and safety (`safe` / `unsafe`), when the finding has one.
    pub fix: Option<(String, String)>,
    /// The unique-id of the element the finding is about.
    pub element: Option<String>,
    pub start: usize,
    pub end: usize,
}

/// The result for one buffer version.
pub struct Analysis {
    pub uri: Uri,
    pub version: i32,
    pub text: Arc<str>,
    pub lines: LineIndex,
    /// `None` when the text is not JSON (then `diagnostics` has the parse error).
    pub doc: Option<Arc<Document>>,
    /// Published, then dropped (the server keeps the compact sites below instead).
    pub diagnostics: Vec<Diagnostic>,
    pub findings: Vec<FindingSite>,
    /// Validation diagnostics: byte span and rule code.
    pub validation: Vec<(usize, usize, String)>,
    /// The settings the review ran with (to recompute it for an explanation).
    pub settings: Arc<Settings>,
    pub roots: Arc<Vec<PathBuf>>,
    /// Built on first use (navigation, completion): publishing diagnostics does not wait for it.
    pub index: std::sync::OnceLock<Index>,
}

impl Analysis {
    pub fn index(&self) -> &Index {
        self.index.get_or_init(|| match &self.doc {
            Some(d) => Index::build(d),
            None => Index::default(),
        })
    }

    /// The review of the analysed text again, with the same settings (for explanations).
    pub fn review_again(&self, engine: &LibraryEngine) -> Option<Review> {
        let doc = self.doc.as_ref()?;
        let opts = review_options(&self.settings, &self.roots).ok()?;
        Some(engine.review_document(doc, &opts))
    }

    /// The explanation `calm-advisor explain FILE FINDING` prints, for each finding given.
    pub fn explain(&self, engine: &LibraryEngine, ids: &[&str]) -> Vec<String> {
        let Some(review) = self.review_again(engine) else {
            return Vec::new();
        };
        ids.iter()
            .filter_map(|id| review.finding(id))
            .map(|f| crate::commands::explain::explain_finding(f, &review.flows))
            .collect()
    }
}

pub const SOURCE_VALIDATE: &str = "calm-advisor validate";
pub const SOURCE_REVIEW: &str = "calm-advisor review";

/// The display name of a buffer: its path, else its URI.
pub fn doc_name(uri: &Uri, path: Option<&Path>) -> String {
    path.map(|p| p.display().to_string())
        .unwrap_or_else(|| uri.as_str().to_string())
}

/// Analyse one job. Never panics through: the caller wraps it (see `worker`).
pub fn analyse(
    job: &Job,
    engine: &LibraryEngine,
    docs: &RuleDocs,
    options: &OptionsCache,
) -> Analysis {
    let profile = std::env::var_os("CALM_ADVISOR_PROFILE").is_some();
    let t = std::time::Instant::now();
    let lap = |what: &str| {
        if profile {
            eprintln!(
                "{:>10.3} ms  lsp {what}",
                t.elapsed().as_secs_f64() * 1000.0
            );
        }
    };
    let text = job.text.clone();
    // Tests reach the panic path with a marker a real document does not carry.
    #[cfg(test)]
    if text.contains("\"calm-advisor-test-panic\"") {
        panic!("test panic in analysis");
    }
    let lines = LineIndex::new(&text, job.encoding);
    let name = doc_name(&job.uri, job.path.as_deref());
    let source = Source::new(name.clone(), job.path.clone(), text.clone());
    let mut out = Analysis {
        uri: job.uri.clone(),
        version: job.version,
        text: text.clone(),
        lines,
        doc: None,
        diagnostics: Vec::new(),
        findings: Vec::new(),
        validation: Vec::new(),
        settings: job.settings.clone(),
        roots: job.roots.clone(),
        index: Default::default(),
    };
    let doc = match Document::parse(source) {
        Ok(d) => Arc::new(d),
        Err(e) => {
            out.diagnostics.push(parse_error(&out, &e));
            return out;
        }
    };
    lap("parsed");
    match engine.validate_document((*doc).clone()) {
        Ok(outcome) => {
            for (i, d) in outcome.report.diagnostics.iter().enumerate() {
                out.diagnostics.push(validation_diagnostic(
                    &out,
                    &doc,
                    d,
                    outcome.display_path(i),
                    docs,
                ));
            }
        }
        Err(e) => out.diagnostics.push(Diagnostic {
            range: Default::default(),
            severity: Some(DiagnosticSeverity::ERROR),
            source: Some(SOURCE_VALIDATE.into()),
            message: e.to_string(),
            ..Default::default()
        }),
    }
    lap("validated");
    if job.settings.review {
        match options.get(&job.settings, &job.roots) {
            Ok(opts) => {
                let review = engine.review_document(&doc, &opts);
                lap("reviewed");
                // Related locations repeat (flows, endpoints): each is located once.
                let mut ranges: HashMap<String, lsp_types::Range> = HashMap::new();
                for f in &review.findings {
                    // Accepted and mitigated findings were decided on: the editor does not nag.
                    if f.suppression.is_some() {
                        continue;
                    }
                    let (start, end) = finding_span(&doc, f);
                    out.findings.push(FindingSite {
                        id: f.id.clone(),
                        rule: f.rule.clone(),
                        rank: f.rank,
                        severity: f.severity,
                        title: f.title.clone(),
                        fix: f
                            .fix
                            .as_ref()
                            .map(|x| (x.description.clone(), x.safety.clone())),
                        element: f.locations.first().and_then(|l| l.unique_id.clone()),
                        start,
                        end,
                    });
                    out.diagnostics.push(finding_diagnostic(
                        &out,
                        &doc,
                        f,
                        (start, end),
                        docs,
                        &mut ranges,
                    ));
                }
            }
            Err(message) => out.diagnostics.push(Diagnostic {
                range: Default::default(),
                severity: Some(DiagnosticSeverity::WARNING),
                source: Some(SOURCE_REVIEW.into()),
                message: format!("the review settings cannot be used: {message}"),
                ..Default::default()
            }),
        }
    }
    lap("diagnostics");
    out.doc = Some(doc);
    out
}

/// The review options of the last settings, reused while the settings and the modification
/// times of their `config`/`baseline` files stay the same (an edit does not re-read them).
#[derive(Default)]
pub struct OptionsCache {
    last: Mutex<Option<(OptionsKey, Result<ReviewOptions, String>)>>,
}

/// The settings the options come from (as text) and the files' modification times.
type OptionsKey = (String, Vec<Option<std::time::SystemTime>>);

impl OptionsCache {
    pub fn get(&self, s: &Arc<Settings>, roots: &[PathBuf]) -> Result<ReviewOptions, String> {
        let modified = |f: &Option<String>| {
            let f = f.as_ref()?;
            let p = roots
                .first()
                .map_or_else(|| PathBuf::from(f), |r| r.join(f));
            std::fs::metadata(p).and_then(|m| m.modified()).ok()
        };
        let key = (
            format!(
                "{:?}|{:?}|{:?}|{:?}|{roots:?}",
                s.min_severity, s.config, s.baseline, s.disable
            ),
            vec![modified(&s.config), modified(&s.baseline)],
        );
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        match last.as_ref() {
            Some((k, v)) if *k == key => v.clone(),
            _ => {
                let v = review_options(s, roots);
                *last = Some((key, v.clone()));
                v
            }
        }
    }
}

/// `review --config/--baseline/--disable/--min-severity` from the workspace settings. Files are
/// relative to the first workspace folder and must stay inside a workspace folder.
fn review_options(s: &Settings, roots: &[PathBuf]) -> Result<ReviewOptions, String> {
    let resolve = |rel: &Option<String>| -> Result<Option<PathBuf>, String> {
        let Some(rel) = rel else { return Ok(None) };
        let p = Path::new(rel);
        let p = match (p.is_absolute(), roots.first()) {
            (true, _) => p.to_path_buf(),
            (false, Some(r)) => r.join(p),
            (false, None) => p.to_path_buf(),
        };
        let real = std::fs::canonicalize(&p).map_err(|e| format!("{}: {e}", p.display()))?;
        if !roots.is_empty() && !roots.iter().any(|r| real.starts_with(r)) {
            return Err(format!("{}: outside the workspace folders", p.display()));
        }
        Ok(Some(real))
    };
    let config = resolve(&s.config)?;
    let baseline = resolve(&s.baseline)?;
    crate::commands::review::options(
        &[],
        s.min_severity,
        config.as_deref(),
        baseline.as_deref(),
        &s.disable,
    )
    .map_err(|e| e.message)
}

fn parse_error(a: &Analysis, e: &LoadError) -> Diagnostic {
    let text = &a.text;
    let (range, message) = match e {
        LoadError::Syntax {
            message,
            line,
            column,
            ..
        } => {
            // 1-based line and column in characters → byte offset → the client's units.
            let start = a.lines.line_start(line.saturating_sub(1));
            let line_text = &text[start..a.lines.line_start(*line).max(start)];
            let off = start
                + line_text
                    .char_indices()
                    .nth(column.saturating_sub(1))
                    .map(|(i, _)| i)
                    .unwrap_or(line_text.len());
            let end = (off + 1..=text.len())
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(off);
            (
                a.lines.range(text, off, end),
                format!("invalid JSON: {message}"),
            )
        }
        other => (Default::default(), other.to_string()),
    };
    Diagnostic {
        range,
        severity: Some(DiagnosticSeverity::ERROR),
        code: Some(NumberOrString::String("json-parse".into())),
        source: Some(SOURCE_VALIDATE.into()),
        message,
        ..Default::default()
    }
}

/// The byte span a diagnostic about `pointer` underlines. An element (node, relationship, flow,
/// interface) is underlined at its `unique-id` value; a value on one line exactly; an object or
/// array that spans lines at its key (or its first character), so a squiggle never covers a
/// whole block.
pub fn span_of(doc: &Document, pointer: &str) -> (usize, usize) {
    let id = format!("{pointer}/unique-id");
    if is_element_pointer(pointer) && doc.has(&id) {
        let l = doc.locate(&id);
        return (l.start, l.end);
    }
    let l = doc.locate(pointer);
    let text = doc.source.text();
    if text.get(l.start..l.end).is_some_and(|s| s.contains('\n')) {
        let k = doc.locate_key(pointer);
        if k.start != l.start && !text[k.start..k.end].contains('\n') {
            return (k.start, k.end);
        }
        return (l.start, (l.start + 1).min(text.len()));
    }
    (l.start, l.end)
}

fn is_element_pointer(p: &str) -> bool {
    let t: Vec<&str> = p.split('/').collect();
    let idx = |s: &str| s.parse::<usize>().is_ok();
    match t.as_slice() {
        ["", "nodes" | "relationships" | "flows", i] => idx(i),
        ["", "nodes", i, "interfaces", j] => idx(i) && idx(j),
        _ => false,
    }
}

fn finding_span(doc: &Document, f: &Finding) -> (usize, usize) {
    match f.locations.first() {
        Some(l) => span_of(doc, &l.json_pointer),
        None => (0, 0),
    }
}

fn validation_diagnostic(
    a: &Analysis,
    doc: &Document,
    d: &calm_validate::Diagnostic,
    display_path: &str,
    docs: &RuleDocs,
) -> Diagnostic {
    use calm_validate::Severity as V;
    let same_file = d.file.is_empty() || d.file == doc.name();
    let (span, message) = if same_file {
        (span_of(doc, &d.pointer), d.message.clone())
    } else {
        // A diagnostic inside a detailed architecture: shown on the reference to that file.
        let reference = display_path
            .strip_prefix("/nodes/")
            .and_then(|rest| rest.split('/').next())
            .and_then(|id| doc.node(id))
            .map(|n| format!("{}/details/detailed-architecture", n.pointer()));
        let span = reference.map(|p| span_of(doc, &p)).unwrap_or((0, 0));
        (
            span,
            format!("{}: {} (at {})", d.file, d.message, display_path),
        )
    };
    Diagnostic {
        range: a.lines.range(&a.text, span.0, span.1),
        severity: Some(match d.severity {
            V::Error => DiagnosticSeverity::ERROR,
            V::Warning => DiagnosticSeverity::WARNING,
            V::Info => DiagnosticSeverity::INFORMATION,
            V::Hint => DiagnosticSeverity::HINT,
        }),
        code: Some(NumberOrString::String(d.code.clone())),
        code_description: docs.link(&d.code),
        source: Some(SOURCE_VALIDATE.into()),
        message,
        data: Some(json!({"rule": d.code})),
        ..Default::default()
    }
}

/// Validation error → Error; critical/high finding → Warning; medium → Information;
/// low/info → Hint.
pub fn finding_severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Critical | Severity::High => DiagnosticSeverity::WARNING,
        Severity::Medium => DiagnosticSeverity::INFORMATION,
        Severity::Low | Severity::Info => DiagnosticSeverity::HINT,
    }
}

/// At most this many related locations per finding (the finding's other elements first, then
/// the ends of its relationships, then the flows it affects); `explain` lists them all.
const MAX_RELATED: usize = 4;

fn finding_diagnostic(
    a: &Analysis,
    doc: &Document,
    f: &Finding,
    (start, end): (usize, usize),
    docs: &RuleDocs,
    ranges: &mut HashMap<String, lsp_types::Range>,
) -> Diagnostic {
    let own = a.lines.range(&a.text, start, end);
    let mut related = Vec::new();
    let mut relate = |pointer: String, message: String| {
        if related.len() >= MAX_RELATED {
            return;
        }
        let range = *ranges.entry(pointer).or_insert_with_key(|p| {
            let (s, e) = span_of(doc, p);
            a.lines.range(&a.text, s, e)
        });
        if range != own {
            related.push(DiagnosticRelatedInformation {
                location: Location {
                    uri: a.uri.clone(),
                    range,
                },
                message,
            });
        }
    };
    for l in f.locations.iter().skip(1) {
        let what = match &l.unique_id {
            Some(id) => format!("{} {id}", l.kind),
            None => l.kind.clone(),
        };
        relate(l.json_pointer.clone(), format!("also about {what}"));
    }
    for r in &f.relationships {
        if let Some(rel) = doc.relationship(r) {
            for n in rel.node_ids() {
                if let Some(node) = doc.node(n) {
                    relate(node.pointer().to_string(), format!("end of {r}: {n}"));
                }
            }
        }
    }
    for id in &f.flows {
        if let Some(flow) = doc.flow(id) {
            relate(
                flow.pointer().to_string(),
                format!("flow affected: {}", flow.name()),
            );
        }
    }
    // The fix is offered as a code action; the message stays one line.
    let message = format!("[{}] {}", f.severity.as_str(), f.title);
    Diagnostic {
        range: own,
        severity: Some(finding_severity(f.severity)),
        code: Some(NumberOrString::String(f.rule.clone())),
        code_description: docs.link(&f.rule),
        source: Some(SOURCE_REVIEW.into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        data: Some(json!({"finding": f.id})),
        ..Default::default()
    }
}

/// Links to each rule's documentation: the text `calm-advisor explain RULE` prints, written once
/// per process to a Markdown file in the user's cache folder (there is no web page to link to,
/// and an editor opens a `file:` link offline).
#[derive(Default)]
pub struct RuleDocs {
    dir: Option<PathBuf>,
    links: Mutex<HashMap<String, Option<CodeDescription>>>,
}

impl RuleDocs {
    pub fn new() -> RuleDocs {
        let base = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")));
        // In-process tests keep the user's cache folder untouched.
        #[cfg(test)]
        let base =
            Some(std::env::temp_dir().join(format!("calm-advisor-test-{}", std::process::id())))
                .or(base);
        RuleDocs {
            dir: base.map(|b| {
                b.join("calm-advisor")
                    .join(format!("rules-{}", env!("CARGO_PKG_VERSION")))
            }),
            links: Mutex::default(),
        }
    }

    /// The documentation of a review rule or validation rule code, as Markdown.
    pub fn text(code: &str) -> Option<String> {
        if let Some(r) = calm_analysis::rules::find(code) {
            return Some(crate::commands::explain::rule_doc(r.meta()));
        }
        calm_validate::rules::find(code).map(|v| v.render_docs())
    }

    pub fn link(&self, code: &str) -> Option<CodeDescription> {
        let mut links = self.links.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(l) = links.get(code) {
            return l.clone();
        }
        let made = self.write(code);
        links.insert(code.to_string(), made.clone());
        made
    }

    fn write(&self, code: &str) -> Option<CodeDescription> {
        // Rule codes come from our catalogues; anything else gets no file.
        if !code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return None;
        }
        let text = RuleDocs::text(code)?;
        let dir = self.dir.as_ref()?;
        let path = dir.join(format!("{code}.md"));
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::create_dir_all(dir).ok()?;
            let mut tmp = tempfile::NamedTempFile::new_in(dir).ok()?;
            std::io::Write::write_all(&mut tmp, text.as_bytes()).ok()?;
            tmp.persist(&path).ok()?;
        }
        let url = url::Url::from_file_path(&path).ok()?;
        Some(CodeDescription {
            href: url.as_str().parse().ok()?,
        })
    }
}
