//! The validation engine: which schema and which rules apply in which mode, in the reference
//! CLI's phase order, and where each diagnostic sits in its file.
//!
//! Modes (as `calm validate` decides them):
//! - `-a A -p P`: architecture-with-pattern, P is the pattern (A's `$schema` is ignored);
//! - `-a A` with a `$schema`: architecture-with-pattern, the document at `$schema` is the pattern
//!   (usually the CALM meta-schema itself, on which the pattern rules then run too);
//! - `-a A` without `$schema`: architecture-only, JSON Schema against the latest CALM core;
//! - `-p P`: pattern-only: pattern rules, and P is compiled against its meta-schema;
//! - `--timeline T`: timeline rules, and T is validated against its `$schema` (required).
//!
//! Phases: LINT (pattern rules, architecture rules / timeline rules), STRUCTURAL (JSON Schema),
//! SEMANTIC (controls), RECURSIVE (`details.detailed-architecture`). Fatal conditions (a file that
//! cannot be read or parsed, a `$schema` that cannot be resolved offline) are [`FatalError`]s.

use crate::diagnostic::{Bucket, Diagnostic, Origin, Report, Severity};
use crate::json_schema::{self, SchemaTarget};
use crate::resolve::{Resolved, Resolver};
use crate::rules::{self, ValidationRule};
use crate::schemas::registry::{RegistryError, SchemaRegistry};
use calm_model::{Document, LoadError, Source};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How a run was invoked (decides which rules and schemas apply).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    ArchitectureOnly,
    ArchitectureWithPattern,
    PatternOnly,
    Timeline,
}

/// Settings of a validation run.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// `-s`: extra schema directories (every JSON/YAML file registered under its `$id`).
    pub schema_dirs: Vec<PathBuf>,
    /// `-u`: a JSON file mapping URLs to local files.
    pub url_mapping: Option<PathBuf>,
    /// `-v`: log what is loaded and resolved to stderr.
    pub verbose: bool,
    /// The reference's basePath for relative control / detailed-architecture references that are
    /// not found beside the referring document (default: the working directory).
    pub base_dir: Option<PathBuf>,
    /// Behave like the reference CLI where we deliberately differ (for conformance
    /// measurements): relative references resolve against the base directory only, control
    /// URLs that cannot be resolved offline are errors, and inputs on which the reference
    /// crashes (an `options` relationship it cannot apply) are fatal.
    pub reference_compat: bool,
}

/// A condition that stops validation without a report (exit code 2 in the CLI).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FatalError {
    /// The file is missing, unreadable, or not JSON (names the file and line/column).
    #[error("{0}")]
    Load(#[from] LoadError),
    /// A `-s` directory or `-u` mapping file is unusable.
    #[error("{0}")]
    Registry(#[from] RegistryError),
    /// The document's `$schema` cannot be resolved offline.
    #[error("{file}:{line}:{column}: cannot use $schema '{schema}': {reason}")]
    UnresolvedSchema {
        file: String,
        schema: String,
        line: usize,
        column: usize,
        reason: String,
    },
    /// Reference-compatibility mode only: an input on which the reference CLI crashes.
    #[error(
        "{file}: the reference CLI cannot validate this input ({reason}); reported as fatal because reference compatibility mode is on"
    )]
    ReferenceCrash { file: String, reason: String },
    /// A timeline needs a `$schema` to be validated against.
    #[error(
        "{file}: a timeline must have a $schema (e.g. \"https://calm.finos.org/release/1.2/meta/calm-timeline.json\") to be validated against"
    )]
    TimelineWithoutSchema { file: String },
}

/// The result of one validation run: the report, plus what the writers need to show it.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub mode: Mode,
    pub report: Report,
    /// For each diagnostic, its path as printed (array indices replaced by unique-ids, prefixed
    /// by the `/nodes/{id}/details/detailed-architecture` chain for sub-architectures).
    paths: Vec<String>,
    /// Source text of every file a diagnostic refers to, by file name.
    sources: BTreeMap<String, Source>,
}

impl Outcome {
    /// The printed path of diagnostic `i`.
    pub fn display_path(&self, i: usize) -> &str {
        self.paths.get(i).map(String::as_str).unwrap_or("/")
    }

    /// The source of a file named in a diagnostic.
    pub fn source(&self, file: &str) -> Option<&Source> {
        self.sources.get(file)
    }

    /// Passed: no errors, and with `strict` no warnings either.
    pub fn passed(&self, strict: bool) -> bool {
        !(self.report.has_errors() || (strict && self.report.has_warnings()))
    }

    /// Put several outcomes (one per `-a` file) into one report.
    pub fn merge(outcomes: Vec<Outcome>) -> Outcome {
        let mut it = outcomes.into_iter();
        let Some(mut first) = it.next() else {
            return Outcome {
                mode: Mode::ArchitectureOnly,
                report: Report::default(),
                paths: Vec::new(),
                sources: BTreeMap::new(),
            };
        };
        for o in it {
            first.report.diagnostics.extend(o.report.diagnostics);
            first.paths.extend(o.paths);
            first.sources.extend(o.sources);
        }
        first
    }

    /// Build an outcome from already located diagnostics (for tests and other front ends).
    pub fn from_parts(
        mode: Mode,
        diagnostics: Vec<Diagnostic>,
        paths: Vec<String>,
        sources: Vec<Source>,
    ) -> Outcome {
        let sources = sources.into_iter().map(|s| (s.name.clone(), s)).collect();
        Outcome {
            mode,
            report: Report { diagnostics },
            paths,
            sources,
        }
    }
}

/// A validator with its schema registry (build once, validate many files).
pub struct Validator {
    registry: SchemaRegistry,
    config: Config,
}

/// One diagnostic before it is located: which document it belongs to and the printed path.
struct Pending {
    diag: Diagnostic,
    path: String,
}

impl Validator {
    pub fn new(config: Config) -> Result<Validator, FatalError> {
        let mut registry = SchemaRegistry::embedded();
        for dir in &config.schema_dirs {
            // A missing -s directory is accepted silently by the reference; we say so with -v.
            if !dir.is_dir() {
                log(
                    &config,
                    &format!("schema directory {} does not exist; ignored", dir.display()),
                );
                continue;
            }
            for w in registry.add_directory(dir)? {
                log(&config, &format!("warning: {w}"));
            }
            log(&config, &format!("loaded schemas from {}", dir.display()));
        }
        if let Some(map) = &config.url_mapping {
            registry.add_url_mapping(map)?;
            log(
                &config,
                &format!("loaded URL mappings from {}", map.display()),
            );
        }
        Ok(Validator { registry, config })
    }

    pub fn registry(&self) -> &SchemaRegistry {
        &self.registry
    }

    fn resolver(&self, pattern: Option<&Path>) -> Resolver<'_> {
        // The reference's basePath: the -p pattern's folder, else the working directory.
        let base = match (pattern, &self.config.base_dir) {
            (Some(p), _) => p.parent().map(Path::to_path_buf).unwrap_or_default(),
            (None, Some(b)) => b.clone(),
            (None, None) => PathBuf::from("."),
        };
        Resolver::new(&self.registry, base).reference_compat(self.config.reference_compat)
    }

    /// Validate an architecture, against `pattern` when given (else its `$schema`).
    pub fn validate_architecture(
        &self,
        file: &Path,
        pattern: Option<&Path>,
    ) -> Result<Outcome, FatalError> {
        let started = std::time::Instant::now();
        let doc = Document::load_path(file)?;
        log(
            &self.config,
            &format!(
                "{}: loaded in {} ms",
                doc.name(),
                started.elapsed().as_millis()
            ),
        );
        let pattern_doc = match pattern {
            Some(p) => Some(Document::load_path(p)?),
            None => None,
        };
        let started = std::time::Instant::now();
        let outcome = self.validate_architecture_doc(doc, pattern_doc);
        log(
            &self.config,
            &format!("validated in {} ms", started.elapsed().as_millis()),
        );
        outcome
    }

    /// [`Validator::validate_architecture`] for documents already loaded.
    pub fn validate_architecture_doc(
        &self,
        doc: Document,
        pattern: Option<Document>,
    ) -> Result<Outcome, FatalError> {
        let resolver = self.resolver(pattern.as_ref().and_then(|p| p.source.path.as_deref()));
        let mut visited = BTreeSet::new();
        if let Some(p) = &doc.source.path {
            visited.insert(canonical(p));
        }
        let mut ctx = RunCtx {
            verbose: self.config.verbose,
            ..RunCtx::default()
        };
        // Shared, not copied: a 100,000-node document is only held once.
        let doc = Arc::new(doc);
        let mode = self.architecture(
            &resolver,
            &doc,
            pattern.as_ref(),
            "",
            &mut visited,
            &mut ctx,
        )?;
        Ok(ctx.finish(mode))
    }

    /// Validate a pattern on its own.
    pub fn validate_pattern(&self, file: &Path) -> Result<Outcome, FatalError> {
        let doc = Document::load_path(file)?;
        let mut ctx = RunCtx {
            verbose: self.config.verbose,
            ..RunCtx::default()
        };
        ctx.documents
            .insert(doc.name().to_string(), Arc::new(doc.clone()));
        load_warnings(&doc, Origin::Pattern, &mut ctx);
        run_rules(
            rules::pattern_rules(),
            &doc.value,
            Origin::Pattern,
            doc.name(),
            &mut ctx,
        );
        for d in json_schema::compile_pattern(
            &doc.value,
            doc.source.path.as_deref(),
            doc.name(),
            &self.registry,
        ) {
            ctx.push(d);
        }
        Ok(ctx.finish(Mode::PatternOnly))
    }

    /// Validate a timeline against its `$schema`.
    pub fn validate_timeline(&self, file: &Path) -> Result<Outcome, FatalError> {
        let doc = Document::load_path(file)?;
        let Some(schema) = doc.schema_url().map(str::to_string) else {
            return Err(FatalError::TimelineWithoutSchema {
                file: doc.name().to_string(),
            });
        };
        let resolver = self.resolver(None);
        let target = self.resolve_schema(&resolver, &doc, &schema)?;
        let mut ctx = RunCtx {
            verbose: self.config.verbose,
            ..RunCtx::default()
        };
        ctx.documents
            .insert(doc.name().to_string(), Arc::new(doc.clone()));
        load_warnings(&doc, Origin::Timeline, &mut ctx);
        run_rules(
            rules::timeline_rules(),
            &doc.value,
            Origin::Timeline,
            doc.name(),
            &mut ctx,
        );
        let result = match &target {
            SchemaRef::Url(u) => json_schema::validate_against(
                SchemaTarget::Url(u),
                &doc.value,
                Origin::Timeline,
                doc.name(),
                &self.registry,
            ),
            SchemaRef::File(v, p) => json_schema::validate_against(
                SchemaTarget::ValueAt(v, p),
                &doc.value,
                Origin::Timeline,
                doc.name(),
                &self.registry,
            ),
        };
        match result {
            Ok(ds) => ds.into_iter().for_each(|d| ctx.push(d)),
            Err(d) => ctx.push(d),
        }
        Ok(ctx.finish(Mode::Timeline))
    }

    /// Resolve a document's `$schema` to a schema we can compile, or fail (fatal).
    fn resolve_schema(
        &self,
        resolver: &Resolver<'_>,
        doc: &Document,
        schema: &str,
    ) -> Result<SchemaRef, FatalError> {
        let fatal = |reason: String| {
            let loc = doc.locate("/$schema");
            FatalError::UnresolvedSchema {
                file: doc.name().to_string(),
                schema: schema.to_string(),
                line: loc.line_start,
                column: loc.character_start + 1,
                reason,
            }
        };
        let key = schema.trim_end_matches('#');
        if key.starts_with("http://json-schema.org/") || key.starts_with("https://json-schema.org/")
        {
            return Err(fatal("a JSON Schema meta-schema is not a CALM schema or pattern; use a CALM meta-schema such as https://calm.finos.org/release/1.2/meta/calm.json".into()));
        }
        match resolver.resolve_document(schema, doc.source.path.as_deref()) {
            Resolved::Found(found) => {
                log(
                    &self.config,
                    &format!(
                        "{}: $schema {schema} resolved ({:?}{})",
                        doc.name(),
                        found.from,
                        found
                            .path
                            .as_ref()
                            .map(|p| format!(", {}", p.display()))
                            .unwrap_or_default()
                    ),
                );
                match (&found.url, &found.path) {
                    (Some(url), _) if self.registry.contains(url) => {
                        Ok(SchemaRef::Url(url.clone()))
                    }
                    (_, Some(path)) => Ok(SchemaRef::File(found.value.clone(), path.clone())),
                    (Some(url), None) => Ok(SchemaRef::Url(url.clone())),
                    (None, None) => Err(fatal("the schema has no location".into())),
                }
            }
            Resolved::Unresolved(u) => Err(fatal(u.reason)),
        }
    }

    /// The architecture pipeline. Returns the mode of the top-level run.
    fn architecture(
        &self,
        resolver: &Resolver<'_>,
        doc: &Arc<Document>,
        pattern: Option<&Document>,
        prefix: &str,
        visited: &mut BTreeSet<PathBuf>,
        ctx: &mut RunCtx,
    ) -> Result<Mode, FatalError> {
        // Which pattern applies: -p, else $schema, else none.
        if let Some(v) = doc
            .value
            .get("$schema")
            .filter(|v| !v.is_string() && pattern.is_none())
        {
            let loc = doc.locate("/$schema");
            return Err(FatalError::UnresolvedSchema {
                file: doc.name().to_string(),
                schema: v.to_string(),
                line: loc.line_start,
                column: loc.character_start + 1,
                reason: "$schema must be a string (the URL of a CALM meta-schema or pattern)"
                    .into(),
            });
        }
        let schema_pattern = match (pattern, doc.schema_url()) {
            (None, Some(url)) => Some(self.resolve_schema(resolver, doc, url)?),
            _ => None,
        };
        if self.config.reference_compat {
            let pattern_value = match (pattern, &schema_pattern) {
                (Some(p), _) => Some(p.value.clone()),
                (None, Some(SchemaRef::Url(u))) => self.registry.get(u).map(|v| (**v).clone()),
                (None, Some(SchemaRef::File(v, _))) => Some((**v).clone()),
                (None, None) => None,
            };
            if let Some(reason) = pattern_value
                .as_ref()
                .and_then(|p| reference_crash(&doc.value, p))
            {
                return Err(FatalError::ReferenceCrash {
                    file: doc.name().to_string(),
                    reason,
                });
            }
        }
        let doc_arc = Arc::clone(doc);
        ctx.documents
            .insert(doc.name().to_string(), doc_arc.clone());
        ctx.prefix = prefix.to_string();
        load_warnings(doc, Origin::Architecture, ctx);

        // LINT: pattern rules on the pattern (even when it is the meta-schema), then the
        // architecture rules.
        let mode = if pattern.is_some() || schema_pattern.is_some() {
            Mode::ArchitectureWithPattern
        } else {
            Mode::ArchitectureOnly
        };
        let pattern_value: Option<(Arc<Value>, String)> = match (pattern, &schema_pattern) {
            (Some(p), _) => {
                ctx.documents
                    .insert(p.name().to_string(), Arc::new(p.clone()));
                Some((Arc::new(p.value.clone()), p.name().to_string()))
            }
            (None, Some(SchemaRef::Url(u))) => self.registry.get(u).map(|v| (v.clone(), u.clone())),
            (None, Some(SchemaRef::File(v, path))) => {
                let name = path.display().to_string();
                if let Ok(pd) = Document::load_path(path) {
                    ctx.documents.insert(name.clone(), Arc::new(pd));
                }
                Some((v.clone(), name))
            }
            (None, None) => None,
        };
        if let Some((pv, pname)) = &pattern_value {
            run_rules(rules::pattern_rules(), pv, Origin::Pattern, pname, ctx);
        }
        run_rules(
            rules::architecture_rules(),
            &doc.value,
            Origin::Architecture,
            doc.name(),
            ctx,
        );

        let started = std::time::Instant::now();
        // STRUCTURAL: JSON Schema.
        let result = match (pattern, &schema_pattern) {
            (Some(p), _) => {
                let applied = crate::options::apply(&p.value, &doc.value);
                match p.source.path.as_deref() {
                    Some(path) => json_schema::validate_against(
                        SchemaTarget::ValueAt(&applied, path),
                        &doc.value,
                        Origin::Architecture,
                        doc.name(),
                        &self.registry,
                    ),
                    None => json_schema::validate_against(
                        SchemaTarget::Value(&applied),
                        &doc.value,
                        Origin::Architecture,
                        doc.name(),
                        &self.registry,
                    ),
                }
            }
            (None, Some(SchemaRef::Url(u))) => json_schema::validate_against(
                SchemaTarget::Url(u),
                &doc.value,
                Origin::Architecture,
                doc.name(),
                &self.registry,
            ),
            (None, Some(SchemaRef::File(v, path))) => {
                let applied = crate::options::apply(v, &doc.value);
                json_schema::validate_against(
                    SchemaTarget::ValueAt(&applied, path),
                    &doc.value,
                    Origin::Architecture,
                    doc.name(),
                    &self.registry,
                )
            }
            (None, None) => {
                let core = SchemaRegistry::latest_core_url();
                json_schema::validate_against(
                    SchemaTarget::Url(&core),
                    &doc.value,
                    Origin::Architecture,
                    doc.name(),
                    &self.registry,
                )
            }
        };
        let aborted = match result {
            Ok(ds) => {
                ds.into_iter().for_each(|d| ctx.push(d));
                false
            }
            Err(mut d) => {
                // A pattern that does not compile aborts controls and node details (reference).
                if mode == Mode::ArchitectureWithPattern {
                    d.origin = Origin::Pattern;
                    if let Some((_, pname)) = &pattern_value {
                        d.file = pname.clone();
                    }
                }
                ctx.push(d);
                mode == Mode::ArchitectureWithPattern
            }
        };
        // The reference skips controls and node details when the document has no `nodes` array.
        if aborted || !calm_core_parses(&doc.value) {
            log(
                &self.config,
                &format!(
                    "{}: controls and detailed architectures not checked (the document's nodes/relationships are malformed)",
                    doc.name()
                ),
            );
            return Ok(mode);
        }

        log(
            &self.config,
            &format!(
                "{}: JSON Schema checked in {} ms",
                doc.name(),
                started.elapsed().as_millis()
            ),
        );
        let started = std::time::Instant::now();
        // SEMANTIC: controls.
        let pattern_for_controls = pattern_value.as_ref().map(|(v, _)| v.as_ref());
        let controls_options = crate::controls::ControlsOptions {
            reference_compat: self.config.reference_compat,
        };
        for d in
            crate::controls::validate_with(doc, pattern_for_controls, resolver, controls_options)
        {
            ctx.push(d);
        }

        log(
            &self.config,
            &format!(
                "{}: controls checked in {} ms",
                doc.name(),
                started.elapsed().as_millis()
            ),
        );
        // RECURSIVE: detailed architectures, each once, cycle-safe.
        for node in doc.nodes() {
            let Some(reference) = node.detailed_architecture() else {
                continue;
            };
            let pointer = format!("{}/details/detailed-architecture", node.pointer().as_str());
            let shown_prefix = format!("{prefix}{}", doc.pointer_with_ids(&pointer));
            let here = |message: String| {
                let mut d = diagnostic(
                    "node-details-validation",
                    Severity::Error,
                    message,
                    &pointer,
                    Origin::Architecture,
                    doc.name(),
                );
                d.schema_path = None;
                d.bucket = Bucket::JsonSchema;
                d
            };
            let found = match resolver.resolve_document(reference, doc.source.path.as_deref()) {
                Resolved::Found(f) => f,
                Resolved::Unresolved(u) => {
                    ctx.prefix = prefix.to_string();
                    ctx.push(here(format!(
                        "Node '{}': cannot load detailed architecture: {}",
                        node.unique_id(),
                        u.reason
                    )));
                    continue;
                }
            };
            let Some(path) = found.path.clone() else {
                ctx.prefix = prefix.to_string();
                ctx.push(here(format!("Node '{}': detailed architecture '{reference}' is a schema, not an architecture", node.unique_id())));
                continue;
            };
            if !visited.insert(canonical(&path)) {
                log(
                    &self.config,
                    &format!(
                        "{}: detailed architecture {} already validated",
                        doc.name(),
                        path.display()
                    ),
                );
                continue;
            }
            log(
                &self.config,
                &format!(
                    "{}: validating detailed architecture {}",
                    doc.name(),
                    path.display()
                ),
            );
            let sub = match Document::load_path(&path) {
                Ok(s) => Arc::new(s),
                Err(e) => {
                    ctx.prefix = prefix.to_string();
                    ctx.push(here(format!(
                        "Node '{}': cannot load detailed architecture: {e}",
                        node.unique_id()
                    )));
                    continue;
                }
            };
            // Its pattern: details.required-pattern, else its own $schema.
            let required = node
                .value
                .pointer("/details/required-pattern")
                .and_then(Value::as_str);
            let sub_pattern = match required {
                Some(r) => match resolver.resolve_document(r, doc.source.path.as_deref()) {
                    Resolved::Found(f) => match &f.path {
                        Some(pp) => Document::load_path(pp).ok(),
                        None => Some(Document::from_value(r, &f.value)),
                    },
                    Resolved::Unresolved(u) => {
                        ctx.prefix = prefix.to_string();
                        ctx.push(here(format!(
                            "Node '{}': cannot load required pattern: {}",
                            node.unique_id(),
                            u.reason
                        )));
                        continue;
                    }
                },
                None => None,
            };
            let mut result = self.architecture(
                resolver,
                &sub,
                sub_pattern.as_ref(),
                &shown_prefix,
                visited,
                ctx,
            );
            if let Err(FatalError::UnresolvedSchema { reason, .. }) = &result {
                // The reference does not report a detailed architecture whose `$schema` cannot be
                // loaded; we validate it on its own (rules and CALM core) instead of skipping it.
                log(
                    &self.config,
                    &format!(
                        "{}: its $schema cannot be used ({reason}); validating it without a pattern",
                        path.display()
                    ),
                );
                let mut plain = (*sub).clone();
                if let Some(o) = plain.value.as_object_mut() {
                    o.remove("$schema");
                }
                result = self.architecture(
                    resolver,
                    &Arc::new(plain),
                    None,
                    &shown_prefix,
                    visited,
                    ctx,
                );
            }
            if let Err(e) = result {
                ctx.prefix = prefix.to_string();
                ctx.push(here(format!(
                    "Node '{}': detailed architecture {}: {e}",
                    node.unique_id(),
                    path.display()
                )));
            }
            ctx.prefix = prefix.to_string();
        }
        Ok(mode)
    }
}

/// Whether the reference's typed model (`CalmCore.fromSchema`) accepts the document. When it
/// does not (no `nodes` array, or a relationship whose `relationship-type` is not an object of a
/// known kind), the reference silently skips controls and detailed architectures; so do we, as
/// the JSON-schema errors already say what is wrong.
fn calm_core_parses(doc: &Value) -> bool {
    if !doc.get("nodes").is_some_and(Value::is_array) {
        return false;
    }
    let Some(rels) = doc.get("relationships").and_then(Value::as_array) else {
        return true;
    };
    rels.iter().all(|r| match r.get("relationship-type") {
        Some(Value::Object(rt)) => [
            "interacts",
            "connects",
            "deployed-in",
            "composed-of",
            "options",
        ]
        .iter()
        .any(|k| rt.contains_key(*k)),
        _ => false,
    })
}

/// Inputs on which the reference CLI crashes while applying an architecture's `options` choices
/// to its pattern: a pattern without `properties` ("reading 'nodes'"), or an empty `options`
/// array ("reading 'description'"). Only used in reference-compatibility mode; normally these
/// inputs are simply validated.
fn reference_crash(architecture: &Value, pattern: &Value) -> Option<String> {
    let rels = architecture.get("relationships")?.as_array()?;
    for r in rels {
        let Some(options) = r
            .pointer("/relationship-type/options")
            .and_then(Value::as_array)
        else {
            continue;
        };
        if options.is_empty() {
            return Some("an options relationship with no option chosen".into());
        }
        if pattern.get("properties").is_none() {
            return Some(
                "an options relationship, but the pattern has no properties to choose from".into(),
            );
        }
    }
    None
}

/// A resolved `$schema`: a registered schema URL, or a schema read from a file.
enum SchemaRef {
    Url(String),
    File(Arc<Value>, PathBuf),
}

/// Diagnostics as they are produced, plus the documents they point into.
#[derive(Default)]
struct RunCtx {
    pending: Vec<Pending>,
    documents: BTreeMap<String, Arc<Document>>,
    /// Printed-path prefix of the sub-architecture being validated.
    prefix: String,
    /// Log slow rules to stderr (`-v`).
    verbose: bool,
}

impl RunCtx {
    fn push(&mut self, diag: Diagnostic) {
        let shown = match self.documents.get(&diag.file) {
            Some(doc) => doc.pointer_with_ids(&diag.pointer),
            None => display_root(&diag.pointer),
        };
        let path = if self.prefix.is_empty() {
            shown
        } else if shown == "/" {
            self.prefix.clone()
        } else {
            format!("{}{shown}", self.prefix)
        };
        self.pending.push(Pending { diag, path });
    }

    /// Locate every diagnostic in its file and produce the outcome.
    fn finish(self, mode: Mode) -> Outcome {
        let mut diagnostics = Vec::with_capacity(self.pending.len());
        let mut paths = Vec::with_capacity(self.pending.len());
        let mut sources = BTreeMap::new();
        for Pending { mut diag, path } in self.pending {
            if let Some(doc) = self.documents.get(&diag.file) {
                let loc = doc.locate(&diag.pointer);
                diag.line_start = loc.line_start;
                diag.line_end = loc.line_end;
                diag.character_start = loc.character_start;
                diag.character_end = loc.character_end;
                sources
                    .entry(diag.file.clone())
                    .or_insert_with(|| doc.source.clone());
            }
            diagnostics.push(diag);
            paths.push(path);
        }
        Outcome {
            mode,
            report: Report { diagnostics },
            paths,
            sources,
        }
    }
}

fn display_root(p: &str) -> String {
    if p.is_empty() {
        "/".to_string()
    } else {
        p.to_string()
    }
}

fn diagnostic(
    code: &str,
    severity: Severity,
    message: String,
    pointer: &str,
    origin: Origin,
    file: &str,
) -> Diagnostic {
    Diagnostic {
        code: code.to_string(),
        severity,
        message,
        pointer: pointer.to_string(),
        schema_path: Some(String::new()),
        origin,
        bucket: Bucket::Spectral,
        file: file.to_string(),
        line_start: 0,
        line_end: 0,
        character_start: 0,
        character_end: 0,
    }
}

fn run_rules(
    rules: &[&ValidationRule],
    value: &Value,
    origin: Origin,
    file: &str,
    ctx: &mut RunCtx,
) {
    for rule in rules {
        let started = std::time::Instant::now();
        let hits = rule.check(value);
        if ctx.verbose && started.elapsed().as_millis() >= 5 {
            eprintln!(
                "calm-advisor validate: {file}: rule {} took {} ms",
                rule.code,
                started.elapsed().as_millis()
            );
        }
        for hit in hits {
            ctx.push(diagnostic(
                rule.code,
                rule.severity,
                hit.message,
                &hit.pointer,
                origin,
                file,
            ));
        }
    }
}

/// Duplicate keys found while loading: warnings (JSON parsers keep the last value).
fn load_warnings(doc: &Document, origin: Origin, ctx: &mut RunCtx) {
    for w in &doc.warnings {
        let mut d = diagnostic(
            w.code,
            Severity::Warning,
            w.message.clone(),
            &w.pointer,
            origin,
            doc.name(),
        );
        d.bucket = Bucket::JsonSchema;
        d.schema_path = None;
        ctx.push(d);
    }
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

fn log(config: &Config, message: &str) {
    if config.verbose {
        eprintln!("calm-advisor validate: {message}");
    }
}
