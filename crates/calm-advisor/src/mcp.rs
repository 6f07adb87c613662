//! MCP server over stdio (official `rmcp` SDK): calm-advisor's commands as tools for AI
//! assistants. Every tool takes the architecture as `path` (a file) or `document` (the JSON
//! inline, as an object or a string) and returns structured results (with an output schema).
//! The tools run the same engine as `chat` (`chat::engine`), so answers match the CLI.

use crate::chat::engine::{Engine, EngineError, LibraryEngine};
use crate::chat::llm::change_from_args;
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
    fn load(&self) -> Result<(Document, String), String> {
        match (&self.path, &self.document) {
            (Some(p), _) => {
                let text =
                    std::fs::read_to_string(p).map_err(|e| format!("cannot read {p}: {e}"))?;
                let doc = Document::from_str(p, &text).map_err(|e| e.to_string())?;
                Ok((doc, text))
            }
            (None, Some(Value::String(s))) => Document::from_str("document.json", s)
                .map(|d| (d, s.clone()))
                .map_err(|e| e.to_string()),
            (None, Some(v)) => {
                let text = serde_json::to_string_pretty(v).map_err(|e| e.to_string())? + "\n";
                Document::from_str("document.json", &text)
                    .map(|d| (d, text))
                    .map_err(|e| e.to_string())
            }
            (None, None) => {
                Err("give `path` (an architecture file) or `document` (the JSON inline)".into())
            }
        }
    }
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

/// A change, as a refactoring recipe with its arguments.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FixSpec {
    /// add-load-balancer, replicate-database, decouple, add-control, rename or set-metadata.
    pub recipe: String,
    /// add-load-balancer: node to front; replicate-database: database to replicate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// add-load-balancer: ids of the instances.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instances: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lb_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replica_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_id: Option<String>,
    /// async or sync replication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// decouple: caller and callee of the synchronous call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// rabbitmq or kafka.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broker: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broker_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adr: Option<String>,
    /// add-control / set-metadata: architecture, node:ID, relationship:ID or flow:ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control_id: Option<String>,
    /// high-availability, failover or circuit-breaker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requirement_url: Option<String>,
    /// Control config (add-control) or metadata entries (set-metadata).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<serde_json::Map<String, Value>>,
    /// rename: current and new unique-id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct FixInput {
    #[serde(flatten)]
    pub source: Source,
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

#[derive(Debug, Clone, Default)]
pub struct AdvisorServer;

fn err(e: EngineError) -> String {
    e.to_string()
}

fn plan_for(input: &FixInput) -> Result<(Document, String, crate::chat::engine::Plan), String> {
    let (doc, text) = input.source.load()?;
    let spec = serde_json::to_value(&input.fix).map_err(|e| e.to_string())?;
    let change = change_from_args(&spec)?;
    let plan = LibraryEngine::new()
        .plan(&doc, std::slice::from_ref(&change))
        .map_err(err)?;
    Ok((doc, text, plan))
}

#[tool_router]
impl AdvisorServer {
    #[tool(
        name = "validate",
        description = "Validate a CALM architecture (JSON Schema and the architecture rules of `calm validate`)."
    )]
    fn validate(
        &self,
        Parameters(i): Parameters<SourceOnly>,
    ) -> Result<Json<ValidateOutput>, String> {
        let (doc, _) = i.source.load()?;
        let v = LibraryEngine::new().validate(&doc).map_err(err)?;
        Ok(Json(ValidateOutput {
            valid: v.valid,
            errors: v.errors,
            warnings: v.warnings,
            report: v.report,
        }))
    }

    #[tool(
        name = "review",
        description = "Expert review: ranked findings (resilience, security, performance, operability, documentation) with rationale, evidence and fixes."
    )]
    fn review(&self, Parameters(i): Parameters<ReviewInput>) -> Result<Json<ReviewOutput>, String> {
        let (doc, _) = i.source.load()?;
        let a = LibraryEngine::new()
            .review(&doc, &i.categories, i.top)
            .map_err(err)?;
        Ok(Json(ReviewOutput {
            findings: a.findings,
            text: a.text,
        }))
    }

    #[tool(
        name = "explain",
        description = "Explain a finding, a rule, or the concerns about one node of the architecture."
    )]
    fn explain(&self, Parameters(i): Parameters<ExplainInput>) -> Result<Json<TextOutput>, String> {
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
        let (doc, _) = i.source.load()?;
        Ok(Json(TextOutput {
            text: LibraryEngine::new().explain(&doc, &i.target).map_err(err)?,
        }))
    }

    #[tool(
        name = "simulate",
        description = "What breaks when these nodes fail together: flows, actor journeys, dependants."
    )]
    fn simulate(
        &self,
        Parameters(i): Parameters<SimulateInput>,
    ) -> Result<Json<TextOutput>, String> {
        let (doc, _) = i.source.load()?;
        Ok(Json(TextOutput {
            text: LibraryEngine::new().simulate(&doc, &i.fail).map_err(err)?,
        }))
    }

    #[tool(
        name = "plan_fix",
        description = "Plan a refactoring (load balancer, database replication, message broker, control, rename, metadata): returns the diff and JSON Patch; writes nothing. The result is verified to validate."
    )]
    fn plan_fix(&self, Parameters(i): Parameters<FixInput>) -> Result<Json<PlanOutput>, String> {
        let (_, _, p) = plan_for(&i)?;
        Ok(Json(PlanOutput {
            summary: p.summary,
            diff: p.diff,
            patch: p.patch,
            findings_resolved: p.findings_resolved,
            findings_introduced: p.findings_introduced,
            written: None,
            document: None,
        }))
    }

    #[tool(
        name = "apply_fix",
        description = "Apply a refactoring: with `path` the file is rewritten atomically (only if the result validates); with `document` the changed document is returned."
    )]
    fn apply_fix(&self, Parameters(i): Parameters<FixInput>) -> Result<Json<PlanOutput>, String> {
        let (_, old_text, p) = plan_for(&i)?;
        let (written, document) = match &i.source.path {
            Some(path) => {
                // Refuse when the file changed between reading and writing.
                let now = std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read {path}: {e}"))?;
                if now != old_text {
                    return Err(format!(
                        "{path} changed on disk while the fix was planned; nothing was written"
                    ));
                }
                crate::common::write_atomic(std::path::Path::new(path), p.new_text.as_bytes())
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
    }

    #[tool(
        name = "render",
        description = "Draw the architecture as SVG, self-contained HTML, Mermaid or PNG (PNG needs `output`)."
    )]
    fn render(&self, Parameters(i): Parameters<RenderInput>) -> Result<Json<RenderOutput>, String> {
        let (doc, _) = i.source.load()?;
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
                crate::common::write_atomic(std::path::Path::new(o), &bytes)
                    .map_err(|e| e.message)?;
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
    }

    #[tool(
        name = "report",
        description = "The architecture-improvements document (Markdown) for a before/after pair."
    )]
    fn report(&self, Parameters(i): Parameters<TwoInput>) -> Result<Json<TextOutput>, String> {
        let (before, _) = i.before.load()?;
        let (after, _) = i.after.load()?;
        Ok(Json(TextOutput {
            text: LibraryEngine::new().report(&before, &after).map_err(err)?,
        }))
    }

    #[tool(
        name = "diff",
        description = "Structural diff of two architectures (nodes, relationships, interfaces, flows, controls, metadata)."
    )]
    fn diff(&self, Parameters(i): Parameters<TwoInput>) -> Result<Json<TextOutput>, String> {
        let (before, _) = i.before.load()?;
        let (after, _) = i.after.load()?;
        Ok(Json(TextOutput {
            text: LibraryEngine::new().diff(&before, &after).map_err(err)?,
        }))
    }
}

#[tool_handler(
    name = "calm-advisor",
    instructions = "Offline, deterministic advisor for FINOS CALM architectures. Use review/explain/simulate for analysis, plan_fix then apply_fix for changes (never edit the JSON by hand), and validate after every edit. Every tool takes `path` or `document`."
)]
impl ServerHandler for AdvisorServer {}

/// Serve MCP on stdin/stdout until the client disconnects.
pub fn serve_stdio() -> Result<(), String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    rt.block_on(async {
        let service = AdvisorServer
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
