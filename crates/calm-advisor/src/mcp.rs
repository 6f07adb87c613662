//! MCP server over stdio (official `rmcp` SDK): calm-advisor's commands as tools for AI
//! assistants. Every tool takes the architecture as `path` (a file) or `document` (the JSON
//! inline, as an object or a string) and returns structured results (with an output schema).
//! The tools run the same engine as `fix` and `chat` (`crate::engine`), so answers match the CLI.
//!
//! Confinement (SECURITY.md): every path a tool reads or writes, and every file a document's
//! references make the validator read, stays inside the allowed roots (`roots.rs`); `render`
//! writes only the formats it produces, `apply_fix` only a file it read as a CALM document;
//! errors name files and positions but never quote a file's content; inline documents over
//! `--max-document-bytes` are refused before they are parsed; every call has a time limit.

mod roots;

pub use roots::Roots;

use crate::engine::{Engine, EngineError, FixSpec, LibraryEngine};
use calm_model::Document;
use rmcp::handler::server::wrapper::{Json, Parameters};
use rmcp::{ServerHandler, ServiceExt, schemars, tool, tool_handler, tool_router};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The architecture a tool works on.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct Source {
    /// Path to a CALM architecture file (relative paths resolve against the server's directory).
    #[serde(default)]
    pub path: Option<String>,
    /// The architecture JSON inline (an object, or a string holding JSON). Used when `path` is absent.
    #[serde(default)]
    pub document: Option<Value>,
}

impl Source {
    /// Load the architecture: a file inside the allowed roots, or the inline JSON (refused
    /// before parsing when over the size limit). Errors never quote the file's content: a
    /// calm-model load error names the file, position and what was expected, never a line of it.
    fn load(&self, ctx: &AdvisorServer) -> Result<(Document, String), String> {
        let limit = ctx.max_document_bytes;
        match (&self.path, &self.document) {
            (Some(p), _) => {
                let real = ctx.roots.readable(p)?;
                let len = std::fs::metadata(&real).map(|m| m.len()).unwrap_or(0);
                if len > limit as u64 {
                    return Err(format!(
                        "`{p}` is {len} bytes, over the server's limit of {limit} (--max-document-bytes)"
                    ));
                }
                let text = std::fs::read_to_string(&real)
                    .map_err(|_| format!("cannot read `{p}` as UTF-8 text"))?;
                let doc = Document::from_str(p, &text).map_err(|e| e.to_string())?;
                Ok((doc, text))
            }
            (None, Some(Value::String(s))) => {
                if s.len() > limit {
                    return Err(format!(
                        "the inline document is {} bytes, over the server's limit of {limit} (--max-document-bytes)",
                        s.len()
                    ));
                }
                Document::from_str("document.json", s)
                    .map(|d| (d, s.clone()))
                    .map_err(|e| e.to_string())
            }
            (None, Some(v)) => {
                let text = serde_json::to_string_pretty(v).map_err(|e| e.to_string())? + "\n";
                if text.len() > limit {
                    return Err(format!(
                        "the inline document is {} bytes, over the server's limit of {limit} (--max-document-bytes)",
                        text.len()
                    ));
                }
                Document::from_str("document.json", &text)
                    .map(|d| (d, text.clone()))
                    .map_err(|e| e.to_string())
            }
            (None, None) => {
                Err("give `path` (an architecture file) or `document` (the JSON inline)".into())
            }
        }
    }
}

/// A document that is a CALM architecture: an object with `nodes`, or a CALM `$schema`.
fn is_calm_architecture(doc: &Document) -> bool {
    doc.value.get("nodes").is_some_and(Value::is_array)
        || doc
            .value
            .get("$schema")
            .and_then(Value::as_str)
            .is_some_and(|s| s.contains("calm"))
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct ReviewInput {
    #[serde(flatten)]
    pub source: Source,
    /// Only these categories: resilience, security, performance, operability, documentation.
    #[serde(default)]
    pub categories: Vec<String>,
    /// Only the N top-ranked concerns.
    #[serde(default)]
    pub top: Option<usize>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct SourceOnly {
    #[serde(flatten)]
    pub source: Source,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct ExplainInput {
    #[serde(flatten)]
    pub source: Source,
    /// A finding id (`rule@element`), a rule id (e.g. `spof-node`, `RES-01`), or a node id.
    /// Without `path`/`document`, a rule id gives the rule's documentation.
    pub target: String,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct SimulateInput {
    #[serde(flatten)]
    pub source: Source,
    /// Node unique-ids that fail together.
    pub fail: Vec<String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct TriageInput {
    #[serde(flatten)]
    pub source: Source,
    /// Nodes returning errors (unique-ids or names).
    #[serde(default)]
    pub failing: Vec<String>,
    /// Nodes with high latency (unique-ids or names).
    #[serde(default)]
    pub slow: Vec<String>,
    /// Business flows reported degraded (unique-ids or names).
    #[serde(default)]
    pub flows: Vec<String>,
    /// What is seen, in words; matched against the failure modes declared in node metadata.
    #[serde(default)]
    pub symptom: Option<String>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct TriageOutput {
    /// The triage as Markdown: affected flows, ranked causes, what to check, whom to contact,
    /// what the model does not state. Every value cites the element it comes from.
    pub text: String,
    /// The same, as data (the JSON `calm-advisor triage -f json` prints).
    pub triage: serde_json::Value,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct FixInput {
    #[serde(flatten)]
    pub source: Source,
    /// The change: calm-refactor's recipe in its serde form (`{"recipe": "add-load-balancer",
    /// "target": "api-gateway"}`), or set-metadata.
    pub fix: FixSpec,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct RenderInput {
    #[serde(flatten)]
    pub source: Source,
    /// svg, html, mermaid or png.
    #[serde(default)]
    pub format: Option<String>,
    /// Write the drawing to this file (required for png); otherwise it is returned as text.
    #[serde(default)]
    pub output: Option<String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct TwoInput {
    /// The old architecture.
    pub before: Source,
    /// The new architecture.
    pub after: Source,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct ReportInput {
    /// The old architecture (with `after`: the architecture-improvements document).
    #[serde(default)]
    pub before: Option<Source>,
    /// The new architecture (with `before`).
    #[serde(default)]
    pub after: Option<Source>,
    /// Instead of before/after: the architecture whose operations documentation to write
    /// (service runbooks, on-call reference, flow support guide), as `report --ops` does.
    #[serde(default)]
    pub ops: Option<Source>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ReportOutput {
    /// The improvements document; with `ops`, the three documents one after the other.
    pub text: String,
    /// With `ops`: each document with the file name `report --ops` gives it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub documents: Option<Vec<NamedDocument>>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct NamedDocument {
    pub name: String,
    pub text: String,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ValidateOutput {
    pub valid: bool,
    pub errors: usize,
    pub warnings: usize,
    /// The validation report (same shape as `calm-advisor validate -f json`).
    pub report: Value,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ReviewOutput {
    /// Ranked findings (same objects as `calm-advisor review --format json`).
    pub findings: Value,
    /// The review as text.
    pub text: String,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct TextOutput {
    pub text: String,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct PlanOutput {
    /// What the recipe does, step by step.
    pub summary: Vec<String>,
    /// Unified diff of the document.
    pub diff: String,
    /// RFC 6902 JSON Patch from the old to the new document.
    pub patch: Value,
    pub findings_resolved: Vec<String>,
    pub findings_introduced: Vec<String>,
    /// apply_fix with `path`: the file written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub written: Option<String>,
    /// apply_fix with `document`: the changed document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct RenderOutput {
    pub format: String,
    /// The drawing (svg, html, mermaid) when no `output` was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub written: Option<String>,
    pub bytes: usize,
}

/// The MCP server: its allowed roots and limits (one per process, cloned into each call).
#[derive(Debug, Clone)]
pub struct AdvisorServer {
    roots: Roots,
    max_document_bytes: usize,
    tool_timeout: std::time::Duration,
}

/// Default size limit of a document a tool parses (inline or file).
pub const DEFAULT_MAX_DOCUMENT_BYTES: usize = 32 * 1024 * 1024;
/// Default time limit of one tool call.
pub const DEFAULT_TOOL_TIMEOUT_SECS: u64 = 60;

impl AdvisorServer {
    pub fn new(roots: Roots, max_document_bytes: usize, tool_timeout_secs: u64) -> AdvisorServer {
        roots.publish();
        AdvisorServer {
            roots,
            max_document_bytes,
            tool_timeout: std::time::Duration::from_secs(tool_timeout_secs.max(1)),
        }
    }

    /// Run one tool's work off the async runtime, within the time limit. A panic in the work
    /// becomes an error result: the server keeps serving.
    async fn limited<T: Send + 'static>(
        &self,
        work: impl FnOnce(AdvisorServer) -> Result<T, String> + Send + 'static,
    ) -> Result<T, String> {
        let me = self.clone();
        let limit = self.tool_timeout;
        match tokio::time::timeout(limit, tokio::task::spawn_blocking(move || work(me))).await {
            Ok(Ok(r)) => r,
            Ok(Err(_)) => Err("the tool failed unexpectedly; nothing was written".into()),
            Err(_) => Err(format!(
                "the tool call took longer than {} s and was abandoned (--tool-timeout)",
                limit.as_secs()
            )),
        }
    }
}

fn err(e: EngineError) -> String {
    e.to_string()
}

fn plan_for(
    ctx: &AdvisorServer,
    input: &FixInput,
) -> Result<(Document, String, crate::engine::VerifiedChange), String> {
    let (doc, text) = input.source.load(ctx)?;
    let plan = LibraryEngine::new()
        .plan(&doc, std::slice::from_ref(&input.fix.0))
        .map_err(err)?;
    Ok((doc, text, plan))
}

#[tool_router]
impl AdvisorServer {
    #[tool(
        name = "validate",
        description = "Validate a CALM architecture (JSON Schema and the architecture rules of `calm validate`)."
    )]
    async fn validate(
        &self,
        Parameters(i): Parameters<SourceOnly>,
    ) -> Result<Json<ValidateOutput>, String> {
        self.limited(move |me| {
            let (doc, _) = i.source.load(&me)?;
            let v = LibraryEngine::new().validate(&doc).map_err(err)?;
            Ok(Json(ValidateOutput {
                valid: v.valid,
                errors: v.errors,
                warnings: v.warnings,
                report: v.report,
            }))
        })
        .await
    }

    #[tool(
        name = "review",
        description = "Expert review: ranked findings (resilience, security, performance, operability, documentation) with rationale, evidence and fixes."
    )]
    async fn review(
        &self,
        Parameters(i): Parameters<ReviewInput>,
    ) -> Result<Json<ReviewOutput>, String> {
        self.limited(move |me| {
            let (doc, _) = i.source.load(&me)?;
            let a = LibraryEngine::new()
                .review(&doc, &i.categories, i.top)
                .map_err(err)?;
            Ok(Json(ReviewOutput {
                findings: a.findings,
                text: a.text,
            }))
        })
        .await
    }

    #[tool(
        name = "explain",
        description = "Explain a finding, a rule, or the concerns about one node of the architecture."
    )]
    async fn explain(
        &self,
        Parameters(i): Parameters<ExplainInput>,
    ) -> Result<Json<TextOutput>, String> {
        self.limited(move |me| {
            if i.source.path.is_none() && i.source.document.is_none() {
                // Without an architecture: the rule's documentation.
                let rule = calm_analysis::rules::find(&i.target).ok_or_else(|| {
                    format!(
                        "no rule `{}`; give `path` or `document` to explain a finding or node",
                        i.target
                    )
                })?;
                let m = rule.meta();
                return Ok(Json(TextOutput {
                    text: format!(
                        "{} ({}): {}\n\nWhat it finds: {}\nWhy it matters: {}\nHow to fix: {}\nFalse positives: {}",
                        m.id,
                        m.code,
                        m.summary,
                        m.doc.what,
                        m.doc.why,
                        m.doc.how_to_fix,
                        m.false_positives()
                    ),
                }));
            }
            let (doc, _) = i.source.load(&me)?;
            Ok(Json(TextOutput {
                text: LibraryEngine::new().explain(&doc, &i.target).map_err(err)?,
            }))
        })
        .await
    }

    #[tool(
        name = "simulate",
        description = "What breaks when these nodes fail together: flows, actor journeys, dependants."
    )]
    async fn simulate(
        &self,
        Parameters(i): Parameters<SimulateInput>,
    ) -> Result<Json<TextOutput>, String> {
        self.limited(move |me| {
            let (doc, _) = i.source.load(&me)?;
            Ok(Json(TextOutput {
                text: LibraryEngine::new().simulate(&doc, &i.fail).map_err(err)?,
            }))
        })
        .await
    }

    #[tool(
        name = "triage",
        description = "Triage an outage from the architecture: give failing and/or slow nodes, a degraded flow or a symptom; returns affected flows with business impact, ranked candidate causes (shared upstream, hosts, databases), matching declared failure modes, the order to investigate with health endpoints and dashboards, and whom to contact. Answers only from the model and says what it does not state."
    )]
    async fn triage(
        &self,
        Parameters(i): Parameters<TriageInput>,
    ) -> Result<Json<TriageOutput>, String> {
        self.limited(move |me| {
            let (doc, _) = i.source.load(&me)?;
            let query = calm_analysis::ops::Query {
                failing: i.failing,
                slow: i.slow,
                flows: i.flows,
                symptom: i.symptom,
            };
            let t = LibraryEngine::new().triage(&doc, &query).map_err(err)?;
            Ok(Json(TriageOutput {
                text: calm_analysis::ops::triage_output::markdown(&t),
                triage: serde_json::to_value(&t).map_err(|e| e.to_string())?,
            }))
        })
        .await
    }

    #[tool(
        name = "plan_fix",
        description = "Plan a refactoring (load balancer, database replication, message broker, control, rename, metadata): returns the diff and JSON Patch; writes nothing. The result is verified to validate."
    )]
    async fn plan_fix(
        &self,
        Parameters(i): Parameters<FixInput>,
    ) -> Result<Json<PlanOutput>, String> {
        self.limited(move |me| {
            let (_, _, p) = plan_for(&me, &i)?;
            Ok(Json(PlanOutput {
                summary: p.summary,
                diff: p.diff,
                patch: p.patch,
                findings_resolved: p.findings_resolved,
                findings_introduced: p.findings_introduced,
                written: None,
                document: None,
            }))
        })
        .await
    }

    #[tool(
        name = "apply_fix",
        description = "Apply a refactoring: with `path` the file is rewritten atomically (only if the result validates); with `document` the changed document is returned."
    )]
    async fn apply_fix(
        &self,
        Parameters(i): Parameters<FixInput>,
    ) -> Result<Json<PlanOutput>, String> {
        self.limited(move |me| {
            // Only a file that was read as a CALM architecture is ever rewritten.
            if let Some(path) = &i.source.path {
                let (doc, _) = i.source.load(&me)?;
                if !is_calm_architecture(&doc) {
                    return Err(format!(
                        "`{path}` is not a CALM architecture (no `nodes` or CALM `$schema`); nothing was written"
                    ));
                }
            }
            let (_, old_text, p) = plan_for(&me, &i)?;
            let (written, document) = match &i.source.path {
                Some(path) => {
                    let real = me.roots.writable(path)?;
                    // Refuse when the file changed between reading and writing.
                    let now = std::fs::read_to_string(&real)
                        .map_err(|_| format!("cannot read `{path}` again; nothing was written"))?;
                    if now != old_text {
                        return Err(format!(
                            "{path} changed on disk while the fix was planned; nothing was written"
                        ));
                    }
                    crate::common::write_atomic(&real, p.new_text.as_bytes())
                        .map_err(|e| e.message)?;
                    (Some(path.clone()), None)
                }
                None => (None, Some(p.new_text.clone())),
            };
            Ok(Json(PlanOutput {
                summary: p.summary,
                diff: p.diff,
                patch: p.patch,
                findings_resolved: p.findings_resolved,
                findings_introduced: p.findings_introduced,
                written,
                document,
            }))
        })
        .await
    }

    #[tool(
        name = "render",
        description = "Draw the architecture as SVG, self-contained HTML, Mermaid or PNG (PNG needs `output`)."
    )]
    async fn render(
        &self,
        Parameters(i): Parameters<RenderInput>,
    ) -> Result<Json<RenderOutput>, String> {
        self.limited(move |me| {
            let (doc, _) = i.source.load(&me)?;
            let format = i
                .format
                .clone()
                .or_else(|| {
                    i.output
                        .as_ref()
                        .and_then(|o| o.rsplit('.').next().map(str::to_lowercase))
                })
                .unwrap_or_else(|| "svg".into());
            if format == "png" && i.output.is_none() {
                return Err("png needs `output` (a file to write)".into());
            }
            let bytes = LibraryEngine::new().render(&doc, &format).map_err(err)?;
            let n = bytes.len();
            match &i.output {
                Some(o) => {
                    // Only inside the roots, only the formats render produces, and never over
                    // a file of another kind.
                    roots::output_extension_ok(std::path::Path::new(o))?;
                    let real = me.roots.writable(o)?;
                    roots::output_extension_ok(&real)?;
                    crate::common::write_atomic(&real, &bytes).map_err(|e| e.message)?;
                    Ok(Json(RenderOutput {
                        format,
                        content: None,
                        written: Some(o.clone()),
                        bytes: n,
                    }))
                }
                None => {
                    let content = String::from_utf8(bytes)
                        .map_err(|_| "the drawing is not text; give `output`".to_string())?;
                    Ok(Json(RenderOutput {
                        format,
                        content: Some(content),
                        written: None,
                        bytes: n,
                    }))
                }
            }
        })
        .await
    }

    #[tool(
        name = "report",
        description = "The architecture-improvements document (Markdown) for a before/after pair, or with `ops` the operations documentation of one architecture (service runbooks, on-call reference, flow support guide; returned, not written)."
    )]
    async fn report(
        &self,
        Parameters(i): Parameters<ReportInput>,
    ) -> Result<Json<ReportOutput>, String> {
        self.limited(move |me| match (&i.ops, &i.before, &i.after) {
            (Some(ops), None, None) => {
                let (doc, _) = ops.load(&me)?;
                let label = doc.name().to_string();
                let loaded = calm_report::LoadedArchitecture {
                    doc,
                    label,
                    base_dirs: Vec::new(),
                };
                let docs = calm_report::ops::ops_documents(&loaded);
                let files = docs.files();
                Ok(Json(ReportOutput {
                    text: files.iter().map(|(_, t)| *t).collect::<Vec<_>>().join("\n"),
                    documents: Some(
                        files
                            .iter()
                            .map(|(n, t)| NamedDocument {
                                name: n.to_string(),
                                text: t.to_string(),
                            })
                            .collect(),
                    ),
                }))
            }
            (None, Some(before), Some(after)) => {
                let (before, _) = before.load(&me)?;
                let (after, _) = after.load(&me)?;
                Ok(Json(ReportOutput {
                    text: LibraryEngine::new().report(&before, &after).map_err(err)?,
                    documents: None,
                }))
            }
            _ => Err("give `before` and `after` (improvements document), or `ops` alone (operations documentation)".into()),
        })
        .await
    }

    #[tool(
        name = "diff",
        description = "Structural diff of two architectures (nodes, relationships, interfaces, flows, controls, metadata)."
    )]
    async fn diff(&self, Parameters(i): Parameters<TwoInput>) -> Result<Json<TextOutput>, String> {
        self.limited(move |me| {
            let (before, _) = i.before.load(&me)?;
            let (after, _) = i.after.load(&me)?;
            Ok(Json(TextOutput {
                text: LibraryEngine::new().diff(&before, &after).map_err(err)?,
            }))
        })
        .await
    }
}

#[tool_handler(
    name = "calm-advisor",
    instructions = "Offline, deterministic advisor for FINOS CALM architectures. Use review/explain/simulate for analysis, triage during an outage, plan_fix then apply_fix for changes (never edit the JSON by hand), and validate after every edit. Every tool takes `path` or `document`."
)]
impl ServerHandler for AdvisorServer {
    /// Once the client is ready: take its roots when it offers them.
    async fn on_initialized(&self, context: rmcp::service::NotificationContext<rmcp::RoleServer>) {
        self.refresh_roots(&context.peer).await;
    }

    /// The client's roots changed: take the new list.
    async fn on_roots_list_changed(
        &self,
        context: rmcp::service::NotificationContext<rmcp::RoleServer>,
    ) {
        self.refresh_roots(&context.peer).await;
    }
}

impl AdvisorServer {
    // `roots/list` is the MCP way for a client to say where a server may work (the official
    // filesystem server relies on it). rmcp marks it deprecated ahead of a proposed protocol
    // change (SEP-2577); until clients move, it is what they send.
    #[allow(deprecated)]
    async fn refresh_roots(&self, peer: &rmcp::service::Peer<rmcp::RoleServer>) {
        let offers = peer
            .peer_info()
            .is_some_and(|info| info.capabilities.roots.is_some());
        if !offers {
            return;
        }
        if let Ok(list) = peer.list_roots().await {
            let uris: Vec<String> = list.roots.iter().map(|r| r.uri.clone()).collect();
            self.roots.set_client_roots(&uris);
            self.roots.publish();
        }
    }
}

/// Serve MCP on stdin/stdout until the client disconnects.
pub fn serve_stdio(server: AdvisorServer) -> Result<(), String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    rt.block_on(async {
        let service = server
            .serve(rmcp::transport::stdio())
            .await
            .map_err(|e| format!("MCP initialisation failed: {e}"))?;
        service
            .waiting()
            .await
            .map_err(|e| format!("MCP server stopped: {e}"))?;
        Ok(())
    })
}
