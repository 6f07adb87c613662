//! The service layer: the one place where the `fix` command, chat, the LLM tools and the MCP
//! server call the libraries (calm-validate, calm-analysis, calm-refactor, calm-render,
//! calm-report). Changes go plan → verify → diff here (writing stays with the front end: the
//! CLI writes atomically, chat keeps states until `save`, MCP's `apply_fix` writes a checked
//! path). Nothing here analyses or edits a document by itself; when a library does not offer an
//! operation yet, the answer says so instead of inventing a result.

mod change;
pub mod ops_metadata;

pub use change::{Change, FixSpec};

use calm_model::Document;
use serde::Serialize;

/// Why an operation could not be carried out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineError {
    /// The operation ran and failed (bad id, recipe precondition, ...): the message says why.
    Failed(String),
    /// The change was planned but its result does not validate: it is refused.
    Refused { reasons: Vec<String>, diff: String },
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EngineError::Failed(m) => write!(f, "{m}"),
            EngineError::Refused { reasons, .. } => {
                write!(
                    f,
                    "the change was refused because the result would not validate: {}",
                    reasons.join("; ")
                )
            }
        }
    }
}

pub type EngineResult<T> = Result<T, EngineError>;

/// A review answer: the text shown to the user plus the findings as data.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewAnswer {
    pub text: String,
    pub findings: serde_json::Value,
}

/// A validation answer.
#[derive(Debug, Clone, Serialize)]
pub struct ValidationAnswer {
    pub valid: bool,
    pub errors: usize,
    pub warnings: usize,
    pub text: String,
    pub report: serde_json::Value,
}

/// A planned change, verified (valid) and not applied yet.
#[derive(Debug, Clone, Serialize)]
pub struct VerifiedChange {
    /// What the recipe did, one line per step.
    pub summary: Vec<String>,
    /// Unified diff of the document text.
    pub diff: String,
    /// RFC 6902 patch from the old to the new document.
    pub patch: serde_json::Value,
    /// The new document text (format preserved by calm-refactor).
    pub new_text: String,
    /// Findings the change resolves / introduces, as short lines.
    pub findings_resolved: Vec<String>,
    pub findings_introduced: Vec<String>,
}

/// What the analysis knows about one element, for an editor's hover.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ElementFacts {
    /// `node`, `relationship` or `flow`.
    pub kind: &'static str,
    /// Inferred role and what decided it (nodes).
    pub role: Option<String>,
    /// Redundancy as the analysis sees it (nodes).
    pub redundancy: Option<String>,
    /// Flows that break / degrade if the node fails (blast radius).
    pub flows_broken: Vec<String>,
    pub flows_degraded: Vec<String>,
    /// Nodes that lose a hard dependency if it fails (direct callers).
    pub dependents: Vec<String>,
    /// Flows that use the relationship.
    pub flows_using: Vec<String>,
    /// Availability estimate and criticality (flows).
    pub availability: Option<String>,
    pub criticality: Option<u8>,
}

/// `Name (id)` of each flow (indices into `ctx.flows`).
fn flow_labels(ctx: &calm_analysis::Context, v: &[usize]) -> Vec<String> {
    v.iter()
        .map(|i| format!("{} ({})", ctx.flows[*i].name, ctx.flows[*i].id))
        .collect()
}

/// Items joined with ", ", or "none".
pub fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

/// Everything the front ends can ask of the libraries.
pub trait Engine {
    fn review(
        &self,
        doc: &Document,
        categories: &[String],
        top: Option<usize>,
    ) -> EngineResult<ReviewAnswer>;
    fn explain(&self, doc: &Document, target: &str) -> EngineResult<String>;
    fn simulate(&self, doc: &Document, fail: &[String]) -> EngineResult<String>;
    /// Plan `changes` (applied in order) on `doc`, and verify the result validates.
    fn plan(&self, doc: &Document, changes: &[Change]) -> EngineResult<VerifiedChange>;
    fn validate(&self, doc: &Document) -> EngineResult<ValidationAnswer>;
    fn render(&self, doc: &Document, format: &str) -> EngineResult<Vec<u8>>;
    fn diff(&self, before: &Document, after: &Document) -> EngineResult<String>;
    /// The architecture-improvements document for a before/after pair.
    fn report(&self, before: &Document, after: &Document) -> EngineResult<String>;
    /// Outage triage from the model: affected flows, ranked causes, what to check, whom to call.
    fn triage(
        &self,
        doc: &Document,
        query: &calm_analysis::ops::Query,
    ) -> EngineResult<calm_analysis::ops::Triage>;
}

/// Unified diff of two texts (3 lines of context) with `a/NAME` / `b/NAME` headers: calm-refactor's
/// [`calm_refactor::unified_diff`], the one diff every front end shows.
pub fn unified_diff(old: &str, new: &str, name: &str) -> String {
    calm_refactor::unified_diff(old, new, &format!("a/{name}"), &format!("b/{name}"))
}

/// One planned and verified recipe call (not refused: the caller reads `verification`).
pub struct Step {
    /// What was run (`add-load-balancer`, `decouple (fix for FINDING)`).
    pub label: String,
    pub plan: calm_refactor::Plan,
    /// Empty (default) for a no-op plan.
    pub verification: calm_refactor::Verification,
}

/// The findings a `Change::ApplyFinding` selector names (only those with an automatic fix).
fn select_findings(
    findings: &[calm_analysis::Finding],
    selector: &str,
) -> EngineResult<Vec<calm_analysis::Finding>> {
    let fixable = |f: &&calm_analysis::Finding| f.fix.is_some() && f.suppression.is_none();
    let picked: Vec<calm_analysis::Finding> = match selector.split_once(':') {
        Some(("concern", n)) => {
            let n: usize = n
                .parse()
                .map_err(|_| EngineError::Failed(format!("`{n}` is not a concern number")))?;
            let groups = calm_analysis::output::concerns(findings);
            let group = groups.get(n.wrapping_sub(1)).ok_or_else(|| {
                EngineError::Failed(format!(
                    "the review has {} concern(s); there is no #{n}",
                    groups.len()
                ))
            })?;
            group
                .iter()
                .filter(|f| fixable(f))
                .map(|f| (*f).clone())
                .collect()
        }
        Some(("node", id)) => findings
            .iter()
            .filter(fixable)
            .filter(|f| f.nodes.iter().any(|x| x == id))
            .take(1)
            .cloned()
            .collect(),
        _ => findings
            .iter()
            .filter(|f| f.id == selector)
            .filter(fixable)
            .cloned()
            .collect(),
    };
    if picked.is_empty() {
        return Err(EngineError::Failed(format!(
            "the review has no automatic fix for {}; ask \"why\" about it to read its recommendation",
            selector.replace(':', " ")
        )));
    }
    Ok(picked)
}

/// The engine backed by the workspace libraries.
#[derive(Default)]
pub struct LibraryEngine {
    verifier: std::sync::OnceLock<calm_refactor::Verifier>,
    validator: std::sync::OnceLock<Result<calm_validate::Validator, String>>,
    /// The last review (document name, text, categories): applying findings, explaining and
    /// suppressing them all start by reviewing the same text again, once per finding an editor
    /// offers a fix for.
    last_review: std::sync::Mutex<Option<LastReview>>,
}

struct LastReview {
    name: String,
    text: String,
    categories: Vec<String>,
    /// Suppressions expire by date: a review of another day is another review.
    today: String,
    review: std::sync::Arc<calm_analysis::Review>,
}

fn categories_of(names: &[String]) -> Result<Vec<calm_analysis::Category>, EngineError> {
    use calm_analysis::Category as C;
    names
        .iter()
        .map(|c| match c.as_str() {
            "resilience" => Ok(C::Resilience),
            "security" => Ok(C::Security),
            "performance" => Ok(C::Performance),
            "operability" => Ok(C::Operability),
            "documentation" => Ok(C::Documentation),
            other => Err(EngineError::Failed(format!(
                "unknown category `{other}` (resilience, security, performance, operability, documentation)"
            ))),
        })
        .collect()
}

fn reparse(doc: &Document) -> Document {
    // Engines that take a Document by value get a fresh parse of the same text.
    Document::from_str(doc.name(), doc.source.text())
        .expect("a document that parsed once parses again")
}

impl LibraryEngine {
    pub fn new() -> LibraryEngine {
        LibraryEngine::default()
    }

    fn verifier(&self) -> &calm_refactor::Verifier {
        self.verifier.get_or_init(calm_refactor::Verifier::new)
    }

    /// Verify one planned step (refused when a check blocks it), record its changes and the
    /// findings it resolves or introduces, and return the new text.
    fn accept(
        &self,
        p: calm_refactor::Plan,
        target: Option<&str>,
        summary: &mut Vec<String>,
        resolved: &mut Vec<String>,
        introduced: &mut Vec<String>,
    ) -> EngineResult<String> {
        let v = self.verifier().verify(&p, target);
        let blocking = v.blocking();
        if !blocking.is_empty() {
            return Err(EngineError::Refused {
                reasons: blocking,
                diff: p.unified_diff(),
            });
        }
        let line = |f: &calm_refactor::verify::FindingChange| {
            format!("[{}] {} ({})", f.severity.as_str(), f.title, f.id)
        };
        summary.extend(p.changes.iter().cloned());
        resolved.extend(v.resolved.iter().map(line));
        introduced.extend(v.introduced.iter().map(line));
        Ok(p.after_text)
    }

    fn validator(&self) -> Result<&calm_validate::Validator, EngineError> {
        self.validator
            .get_or_init(|| {
                calm_validate::Validator::new(calm_validate::Config::default())
                    .map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(|e| EngineError::Failed(format!("the validator cannot start: {e}")))
    }

    /// The review of `doc`, from [`LibraryEngine::last_review`] when it is of the same text.
    fn review_of(
        &self,
        doc: &Document,
        categories: &[String],
    ) -> Result<std::sync::Arc<calm_analysis::Review>, EngineError> {
        let today = calm_analysis::suppress::today();
        let opts = calm_analysis::ReviewOptions {
            categories: categories_of(categories)?,
            today: Some(today.clone()),
            ..Default::default()
        };
        let (name, text) = (doc.name(), doc.source.text());
        let last = || self.last_review.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(l) = last().as_ref()
            && l.name == name
            && l.text == text
            && l.categories == categories
            && l.today == today
        {
            return Ok(l.review.clone());
        }
        let review = std::sync::Arc::new(calm_analysis::review(doc, &opts));
        *last() = Some(LastReview {
            name: name.to_string(),
            text: text.to_string(),
            categories: categories.to_vec(),
            today,
            review: review.clone(),
        });
        Ok(review)
    }

    /// The review findings of `text` (for `fix --finding` / `--all`).
    pub fn findings(&self, name: &str, text: &str) -> EngineResult<Vec<calm_analysis::Finding>> {
        self.verifier()
            .findings(name, text)
            .map_err(EngineError::Failed)
    }

    /// Plan one recipe on `text` and verify it (unless it is a no-op), aiming at finding
    /// `target` when given. A plan error is `Failed` with the library's message.
    pub fn plan_step(
        &self,
        name: &str,
        text: &str,
        label: String,
        recipe: &calm_refactor::Recipe,
        target: Option<&str>,
    ) -> EngineResult<Step> {
        let plan = calm_refactor::plan(name, text, recipe)
            .map_err(|e| EngineError::Failed(e.to_string()))?;
        let verification = if plan.is_noop() {
            calm_refactor::Verification::default()
        } else {
            self.verifier().verify(&plan, target)
        };
        Ok(Step {
            label,
            plan,
            verification,
        })
    }

    /// Apply every fixable finding (most severe first, at `min` or worse), re-reviewing after
    /// each step so a fix that already cleared a later finding is not applied twice. Stops after
    /// the first step that does not verify (the caller refuses it). Returns the steps and, for
    /// findings whose fix could not be planned, a `skipped ID: reason` line each.
    pub fn fix_all(
        &self,
        name: &str,
        original: &str,
        min: Option<calm_analysis::Severity>,
    ) -> EngineResult<(Vec<Step>, Vec<String>)> {
        let mut steps: Vec<Step> = Vec::new();
        let mut skipped = Vec::new();
        let mut text = original.to_string();
        let mut tried: Vec<String> = Vec::new();
        // Each fix can surface new findings; a bound keeps a pathological review from looping.
        for _ in 0..100 {
            let findings = self.findings(name, &text)?;
            let next = findings
                .iter()
                .filter(|f| {
                    f.suppression.is_none()
                        && f.fix.is_some()
                        && min.is_none_or(|m| f.severity >= m)
                })
                .find(|f| !tried.contains(&f.id));
            let Some(f) = next else { break };
            tried.push(f.id.clone());
            let recipe = match calm_refactor::recipe_for_finding(f) {
                Ok(r) => r,
                Err(e) => {
                    skipped.push(format!("skipped {}: {e}", f.id));
                    continue;
                }
            };
            let step = match self.plan_step(
                name,
                &text,
                format!("{} (fix for {})", recipe.name(), f.id),
                &recipe,
                Some(&f.id),
            ) {
                Ok(s) => s,
                Err(e) => {
                    skipped.push(format!("skipped {}: {name}: {}: {e}", f.id, recipe.name()));
                    continue;
                }
            };
            if step.plan.is_noop() {
                continue;
            }
            let ok = step.verification.ok();
            text = step.plan.after_text.clone();
            steps.push(step);
            if !ok {
                break; // reported and refused by the caller
            }
        }
        Ok((steps, skipped))
    }

    /// The metadata change that records a suppression of `finding` where `review` reads it: the
    /// `calm-advisor.suppress` list of the element of the finding's first location.
    fn suppression_metadata(
        &self,
        doc: &Document,
        finding: &str,
        status: &str,
        justification: &str,
    ) -> EngineResult<Change> {
        if !["accepted", "mitigated", "false-positive"].contains(&status) {
            return Err(EngineError::Failed(format!(
                "status `{status}`: expected accepted, mitigated or false-positive"
            )));
        }
        let review = self.review_of(doc, &[])?;
        let f = review
            .findings
            .iter()
            .find(|f| f.id == finding)
            .ok_or_else(|| EngineError::Failed(format!("the review has no finding `{finding}`")))?;
        if f.suppression.is_some() {
            return Err(EngineError::Failed(format!(
                "`{finding}` is already suppressed"
            )));
        }
        use calm_refactor::Scope;
        let loc = f.locations.first();
        let id = loc.and_then(|l| l.unique_id.clone());
        let (scope, metadata) = match (loc.map(|l| l.kind.as_str()), id) {
            (Some("node"), Some(id)) => {
                let md = doc
                    .node(&id)
                    .map(|n| n.metadata().get("calm-advisor").cloned());
                (Scope::Node(id), md.flatten())
            }
            (Some("relationship"), Some(id)) => {
                let md = doc
                    .relationship(&id)
                    .map(|r| r.metadata().get("calm-advisor").cloned());
                (Scope::Relationship(id), md.flatten())
            }
            (Some("flow"), Some(id)) => {
                let md = doc
                    .flow(&id)
                    .map(|r| r.metadata().get("calm-advisor").cloned());
                (Scope::Flow(id), md.flatten())
            }
            _ => (
                Scope::Architecture,
                doc.metadata().get("calm-advisor").cloned(),
            ),
        };
        let mut own = match metadata {
            Some(serde_json::Value::Object(m)) => m,
            Some(_) => {
                return Err(EngineError::Failed(format!(
                    "metadata `calm-advisor` of {} is not an object",
                    scope.label()
                )));
            }
            None => serde_json::Map::new(),
        };
        let list = own
            .entry("suppress")
            .or_insert_with(|| serde_json::Value::Array(Vec::new()));
        let Some(list) = list.as_array_mut() else {
            return Err(EngineError::Failed(format!(
                "`calm-advisor.suppress` of {} is not a list",
                scope.label()
            )));
        };
        list.push(serde_json::json!({
            "id": finding,
            "status": status,
            "justification": justification,
        }));
        Ok(Change::SetMetadata {
            scope,
            entries: vec![("calm-advisor".to_string(), serde_json::Value::Object(own))],
        })
    }

    /// Validate a document already loaded (an editor's buffer: its `source.path` decides where
    /// relative references resolve), with the same validator as `validate`.
    pub fn validate_document(&self, doc: Document) -> EngineResult<calm_validate::Outcome> {
        self.validator()?
            .validate_architecture_doc(doc, None)
            .map_err(|e| EngineError::Failed(e.to_string()))
    }

    /// Review with the options `review` takes (rule settings, baseline, minimum severity).
    pub fn review_document(
        &self,
        doc: &Document,
        opts: &calm_analysis::ReviewOptions,
    ) -> calm_analysis::Review {
        calm_analysis::review(doc, opts)
    }

    /// What the analysis knows about one node, relationship or flow (an editor's hover).
    pub fn describe(&self, doc: &Document, id: &str) -> EngineResult<ElementFacts> {
        let ctx = calm_analysis::Context::build(doc, calm_analysis::ReviewConfig::default());
        let flow_names = |v: &[usize]| flow_labels(&ctx, v);
        if let Some(n) = ctx.node_idx(id) {
            let role = &ctx.roles[n];
            let b = ctx.blast(&[n]);
            let red = &ctx.redundancy.node[n];
            let redundancy = if ctx.is_redundant_node(n) {
                match &red.evidence {
                    Some(e) => format!("redundant ({e})"),
                    None => "redundant (part of a redundant group)".to_string(),
                }
            } else {
                format!("single instance ({} declared)", red.instances)
            };
            return Ok(ElementFacts {
                kind: "node",
                role: Some(format!("{} (from {})", role.role.as_str(), role.evidence)),
                redundancy: Some(redundancy),
                flows_broken: flow_names(&b.flows_broken),
                flows_degraded: flow_names(&b.flows_degraded),
                dependents: b
                    .dependents
                    .iter()
                    .map(|d| ctx.node_id(*d).to_string())
                    .collect(),
                ..ElementFacts::default()
            });
        }
        if let Some(r) = ctx.model.rel_idx(id) {
            return Ok(ElementFacts {
                kind: "relationship",
                flows_using: flow_names(&ctx.rel_flows[r]),
                ..ElementFacts::default()
            });
        }
        if let Some(f) = ctx.flows.iter().find(|f| !f.implicit && f.id == id) {
            let a = &f.availability;
            let target = match a.target.as_ref().and_then(|t| t.value) {
                Some(v) => format!(", target {:.4}%", v * 100.0),
                None => String::new(),
            };
            return Ok(ElementFacts {
                kind: "flow",
                availability: Some(format!(
                    "estimated {:.4}% as modelled, {:.4}% with omitted dependencies ({}{target})",
                    a.estimated * 100.0,
                    a.estimated_with_closure * 100.0,
                    a.status
                )),
                criticality: Some(f.criticality),
                ..ElementFacts::default()
            });
        }
        Err(EngineError::Failed(format!("there is no element `{id}`")))
    }

    /// Metadata has no recipe: set it through calm-refactor's operations and format-preserving edit.
    fn plan_metadata(
        &self,
        text: &str,
        scope: &calm_refactor::Scope,
        entries: &[(String, serde_json::Value)],
    ) -> EngineResult<(String, Vec<String>)> {
        let doc = Document::from_str("document.json", text)
            .map_err(|e| EngineError::Failed(e.to_string()))?;
        let before = doc.value.clone();
        let mut draft = calm_refactor::Draft::new(before.clone());
        let map: serde_json::Map<String, serde_json::Value> = entries.iter().cloned().collect();
        draft
            .set_metadata(scope, map)
            .map_err(|e| EngineError::Failed(e.to_string()))?;
        let after = calm_refactor::edit::apply(text, &before, &draft.value)
            .map_err(|e| EngineError::Failed(e.to_string()))?;
        Ok((after, draft.changes))
    }
}

impl Engine for LibraryEngine {
    fn review(
        &self,
        doc: &Document,
        categories: &[String],
        top: Option<usize>,
    ) -> EngineResult<ReviewAnswer> {
        let review = self.review_of(doc, categories)?;
        let view = calm_analysis::output::ViewOptions { top };
        let text = calm_analysis::output::text::render(&review, &view);
        let json = calm_analysis::output::json::document(&review, &view);
        Ok(ReviewAnswer {
            text,
            findings: json.get("findings").cloned().unwrap_or_default(),
        })
    }

    fn explain(&self, doc: &Document, target: &str) -> EngineResult<String> {
        let review = self.review_of(doc, &[])?;
        let mut picked: Vec<&calm_analysis::Finding> = review
            .findings
            .iter()
            .filter(|f| {
                f.id == target
                    || target
                        .strip_prefix("recipe:")
                        .is_some_and(|r| f.fix.as_ref().is_some_and(|x| x.recipe == r))
                    || f.rule == target
                    || f.nodes.iter().any(|n| n == target)
                    || f.relationships.iter().any(|r| r == target)
            })
            .collect();
        if picked.is_empty() {
            if let Some(rule) = calm_analysis::rules::find(target) {
                let m = rule.meta();
                return Ok(format!(
                    "{} ({}): {}\n\nWhat it finds: {}\nWhy it matters: {}\nHow to fix: {}",
                    m.id, m.code, m.summary, m.doc.what, m.doc.why, m.doc.how_to_fix
                ));
            }
            if let Some(r) = target.strip_prefix("recipe:") {
                return Ok(format!(
                    "The review recommends `{r}` for nothing in this architecture: no finding's fix uses it."
                ));
            }
            return Ok(format!("The review reports no concern about `{target}`."));
        }
        picked.sort_by_key(|f| f.rank);
        let mut out = String::new();
        for f in picked.iter().take(3) {
            out += &format!(
                "#{} [{}] {} ({})\n",
                f.rank,
                f.severity.as_str(),
                f.title,
                f.id
            );
            out += &format!("  Why: {}\n", f.rationale.trim());
            for e in &f.evidence {
                out += &format!("  Evidence ({}): {}\n", e.kind, e.detail);
            }
            out += &format!("  Recommendation: {}\n", f.recommendation.trim());
            if let Some(fix) = &f.fix {
                out += &format!("  Fix: {}\n", fix.command);
            }
        }
        if picked.len() > 3 {
            out += &format!("(and {} more finding(s))\n", picked.len() - 3);
        }
        Ok(out)
    }

    fn triage(
        &self,
        doc: &Document,
        query: &calm_analysis::ops::Query,
    ) -> EngineResult<calm_analysis::ops::Triage> {
        let ctx = calm_analysis::Context::build(doc, calm_analysis::ReviewConfig::default());
        Ok(calm_analysis::ops::triage(&ctx, query))
    }

    fn simulate(&self, doc: &Document, fail: &[String]) -> EngineResult<String> {
        let ctx = calm_analysis::Context::build(doc, calm_analysis::ReviewConfig::default());
        let mut idx = Vec::new();
        for id in fail {
            idx.push(
                ctx.node_idx(id)
                    .ok_or_else(|| EngineError::Failed(format!("there is no node `{id}`")))?,
            );
        }
        let b = ctx.blast(&idx);
        let names = |v: &[usize]| {
            list_or_none(
                &v.iter()
                    .map(|n| ctx.node_id(*n).to_string())
                    .collect::<Vec<_>>(),
            )
        };
        let flows = |v: &[usize]| list_or_none(&flow_labels(&ctx, v));
        Ok(format!(
            "  down: {}\n  flows broken: {}\n  flows degraded: {}\n  actors affected: {}\n  nodes losing a dependency: {}",
            names(&b.down),
            flows(&b.flows_broken),
            flows(&b.flows_degraded),
            names(&b.actors_affected),
            names(&b.dependents)
        ))
    }

    fn plan(&self, doc: &Document, changes: &[Change]) -> EngineResult<VerifiedChange> {
        let name = doc.name().to_string();
        let original = doc.source.text().to_string();
        let mut text = original.clone();
        let mut summary = Vec::new();
        let mut resolved = Vec::new();
        let mut introduced = Vec::new();
        for change in changes {
            // Accepting a finding is a metadata change on the element the finding is about.
            let as_metadata;
            let change = match change {
                Change::Suppress {
                    finding,
                    status,
                    justification,
                } => {
                    let current = Document::from_str(&name, &text)
                        .map_err(|e| EngineError::Failed(e.to_string()))?;
                    as_metadata =
                        self.suppression_metadata(&current, finding, status, justification)?;
                    &as_metadata
                }
                other => other,
            };
            if let Change::ApplyFinding { selector } = change {
                let current = Document::from_str(&name, &text)
                    .map_err(|e| EngineError::Failed(e.to_string()))?;
                // `concern:N:CATS` numbers concerns as the review filtered by CATS showed them.
                let cats: Vec<String> = match selector.splitn(3, ':').nth(2) {
                    Some(c) if selector.starts_with("concern:") => {
                        c.split(',').map(str::to_string).collect()
                    }
                    _ => Vec::new(),
                };
                let review = self.review_of(&current, &cats)?;
                let selector = &selector
                    .splitn(3, ':')
                    .take(2)
                    .collect::<Vec<_>>()
                    .join(":");
                let picked = select_findings(&review.findings, selector)?;
                for f in picked {
                    let recipe = calm_refactor::recipe_for_finding(&f)
                        .map_err(|e| EngineError::Failed(e.to_string()))?;
                    let p = calm_refactor::plan(&name, &text, &recipe)
                        .map_err(|e| EngineError::Failed(e.to_string()))?;
                    if p.is_noop() {
                        continue;
                    }
                    let cmd = f
                        .fix
                        .as_ref()
                        .map(|x| x.command.clone())
                        .unwrap_or_default();
                    summary.push(format!(
                        "fix {} [{}] {}: {cmd}",
                        f.id,
                        f.severity.as_str(),
                        f.title
                    ));
                    text =
                        self.accept(p, Some(&f.id), &mut summary, &mut resolved, &mut introduced)?;
                }
                continue;
            }
            if let Change::SetMetadata { scope, entries } = change {
                let (after, lines) = self.plan_metadata(&text, scope, entries)?;
                let before_errors = self
                    .verifier()
                    .validation_errors(&name, &text)
                    .map_err(EngineError::Failed)?;
                let after_errors = self
                    .verifier()
                    .validation_errors(&name, &after)
                    .map_err(EngineError::Failed)?;
                let new_errors: Vec<String> = after_errors
                    .into_iter()
                    .filter(|e| !before_errors.contains(e))
                    .collect();
                if !new_errors.is_empty() {
                    return Err(EngineError::Refused {
                        reasons: new_errors,
                        diff: unified_diff(&text, &after, &name),
                    });
                }
                summary.extend(lines);
                text = after;
                continue;
            }
            for recipe in change.recipes() {
                let p = calm_refactor::plan(&name, &text, &recipe)
                    .map_err(|e| EngineError::Failed(e.to_string()))?;
                if p.is_noop() {
                    summary.push(format!(
                        "{}: already in place, nothing to change",
                        recipe.name()
                    ));
                    continue;
                }
                text = self.accept(p, None, &mut summary, &mut resolved, &mut introduced)?;
            }
        }
        if text == original {
            return Err(EngineError::Failed(
                "the architecture already has this; nothing would change".into(),
            ));
        }
        let after_doc =
            Document::from_str(&name, &text).map_err(|e| EngineError::Failed(e.to_string()))?;
        let patch =
            serde_json::Value::Array(calm_refactor::patch::diff(&doc.value, &after_doc.value));
        // A finding resolved by one step and reintroduced by a later one is not resolved.
        resolved.retain(|r| !introduced.contains(r));
        Ok(VerifiedChange {
            summary,
            diff: unified_diff(&original, &text, &name),
            patch,
            new_text: text,
            findings_resolved: resolved,
            findings_introduced: introduced,
        })
    }

    fn validate(&self, doc: &Document) -> EngineResult<ValidationAnswer> {
        let engine = self.validator()?;
        let outcome = engine
            .validate_architecture_doc(reparse(doc), None)
            .map_err(|e| EngineError::Failed(e.to_string()))?;
        let errors = outcome
            .report
            .diagnostics
            .iter()
            .filter(|d| d.severity == calm_validate::Severity::Error)
            .count();
        let warnings = outcome
            .report
            .diagnostics
            .iter()
            .filter(|d| d.severity == calm_validate::Severity::Warning)
            .count();
        let report: serde_json::Value = serde_json::from_str(&calm_validate::output::render(
            &outcome,
            calm_validate::output::Format::Json,
            false,
        ))
        .unwrap_or_default();
        // The chat shows errors in full and warnings grouped by rule code; the full report is
        // one command away.
        let mut text = if errors == 0 {
            format!("Valid: {errors} errors, {warnings} warnings.")
        } else {
            format!("NOT valid: {errors} errors, {warnings} warnings.")
        };
        let mut by_code: std::collections::BTreeMap<&str, usize> =
            std::collections::BTreeMap::new();
        for d in &outcome.report.diagnostics {
            if d.severity == calm_validate::Severity::Error {
                let at = if d.pointer.is_empty() {
                    "/"
                } else {
                    d.pointer.as_str()
                };
                text += &format!("\n  error {} at {}: {}", d.code, at, d.message);
            } else if d.severity == calm_validate::Severity::Warning {
                *by_code.entry(d.code.as_str()).or_default() += 1;
            }
        }
        for (code, n) in by_code {
            text += &format!("\n  warning {code} x{n}");
        }
        Ok(ValidationAnswer {
            valid: errors == 0,
            errors,
            warnings,
            text,
            report,
        })
    }

    fn render(&self, doc: &Document, format: &str) -> EngineResult<Vec<u8>> {
        let opts = calm_render::Options::default();
        let fail = |e: calm_render::RenderError| EngineError::Failed(e.to_string());
        match format {
            "html" => calm_render::render_html(doc, &opts)
                .map(String::into_bytes)
                .map_err(fail),
            "svg" => calm_render::render_svg(doc, &opts)
                .map(String::into_bytes)
                .map_err(fail),
            "png" => calm_render::render_png(doc, &opts, 2.0).map_err(fail),
            "mermaid" | "mmd" => Ok(calm_render::mermaid::flowchart(doc, &opts).into_bytes()),
            other => Err(EngineError::Failed(format!(
                "unknown diagram format `{other}` (html, png, svg, mermaid)"
            ))),
        }
    }

    fn diff(&self, before: &Document, after: &Document) -> EngineResult<String> {
        let structural = calm_report::structural_diff(before, after);
        let old = calm_report::review::review_document(before);
        let new = calm_report::review::review_document(after);
        let delta = calm_report::compare_reviews(&structural.renames, &old, &new);
        Ok(
            calm_report::ArchitectureDiff::new(
                before.name(),
                after.name(),
                structural,
                Some(delta),
            )
            .to_text(),
        )
    }

    fn report(&self, before: &Document, after: &Document) -> EngineResult<String> {
        let load = |d: &Document| calm_report::LoadedArchitecture {
            doc: reparse(d),
            label: d.name().to_string(),
            base_dirs: Vec::new(),
        };
        let (old, new) = (load(before), load(after));
        let diff = calm_report::structural_diff(&old.doc, &new.doc);
        let (orev, nrev) = (
            calm_report::review::review_document(&old.doc),
            calm_report::review::review_document(&new.doc),
        );
        Ok(calm_report::improvements::improvements_report(
            &old,
            &new,
            &diff,
            (&orev, &nrev),
            &Default::default(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calm_refactor::Recipe;
    use clap::Parser;
    use serde_json::json;

    fn day13() -> Option<(String, String)> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/fixtures/ecommerce-platform.day13.json"
        );
        std::fs::read_to_string(path)
            .ok()
            .map(|t| (path.to_string(), t))
    }

    /// The same request from the `fix` CLI words, the chat's LLM tool call and the MCP `fix`
    /// argument is the same `Recipe`, and plans to the same new text.
    #[test]
    fn cli_llm_and_mcp_build_the_same_recipe_and_edits() {
        let Some((path, text)) = day13() else {
            println!("skipped: Day 13 fixture not found");
            return;
        };
        // CLI: `calm-advisor fix FILE add-load-balancer --target api-gateway`.
        let cli = crate::cli::Cli::try_parse_from([
            "calm-advisor",
            "fix",
            &path,
            "add-load-balancer",
            "--target",
            "api-gateway",
        ])
        .unwrap();
        let crate::cli::Command::Fix(args) = cli.command else {
            panic!("not fix")
        };
        let from_cli = args.recipe.unwrap().normalized();
        // Chat: the language model's plan_fix tool call.
        let from_llm = crate::chat::llm::change_from_args(
            &json!({"recipe": "add-load-balancer", "target": "api-gateway"}),
        )
        .unwrap();
        // MCP: the plan_fix / apply_fix tool's input.
        let input: crate::mcp::FixInput = serde_json::from_value(json!({
            "path": path,
            "fix": {"recipe": "add-load-balancer", "target": "api-gateway"}
        }))
        .unwrap();
        let from_mcp = input.fix.0;

        let expected = Recipe::AddLoadBalancer(calm_refactor::AddLoadBalancer::new("api-gateway"));
        assert_eq!(from_cli, expected);
        assert_eq!(from_llm, Change::Recipe(expected.clone()));
        assert_eq!(from_mcp, Change::Recipe(expected.clone()));
        // And the same words round-trip through the findings' parser.
        assert_eq!(
            Recipe::try_parse_from(expected.to_words()).unwrap(),
            expected
        );

        let engine = LibraryEngine::new();
        let cli_text = engine
            .plan_step(&path, &text, "cli".into(), &from_cli, None)
            .unwrap()
            .plan
            .after_text;
        let doc = Document::from_str(&path, &text).unwrap();
        let llm_text = engine.plan(&doc, &[from_llm]).unwrap().new_text;
        let mcp_text = engine.plan(&doc, &[from_mcp]).unwrap().new_text;
        assert_ne!(cli_text, text);
        assert_eq!(cli_text, llm_text);
        assert_eq!(cli_text, mcp_text);
    }

    #[test]
    fn an_unknown_scope_is_rejected_everywhere() {
        let llm = crate::chat::llm::change_from_args(
            &json!({"recipe": "add-control", "preset": "failover", "scope": "database:orders"}),
        );
        assert!(llm.unwrap_err().contains("scope"));
        let mcp = Change::from_json(json!({"recipe": "set-metadata", "scope": "nodes/x"}));
        assert!(mcp.is_err());
        let cli = Recipe::try_parse_from(["add-control", "--scope", "database:orders"]);
        assert!(cli.is_err());
    }

    #[test]
    fn every_recipe_reads_back_its_words_and_json() {
        use calm_refactor::*;
        let recipes = [
            Recipe::AddLoadBalancer(AddLoadBalancer {
                names: vec!["a-1".into(), "a-2".into(), "a-3".into()],
                instances: 3,
                ..AddLoadBalancer::new("a")
            }),
            Recipe::ReplicateDatabase(ReplicateDatabase {
                mode: ReplicationMode::Sync,
                cluster_id: Some("c".into()),
                ..ReplicateDatabase::new("db")
            }),
            Recipe::Decouple(Decouple {
                broker: BrokerKind::Kafka,
                port: Some(9093),
                ..Decouple::new("x", "y")
            }),
            Recipe::AddControl(AddControl {
                config: vec!["rto-minutes=3".into(), "mode=manual".into()],
                ..AddControl::preset(Scope::Node("db".into()), ControlPreset::Failover)
            }),
            Recipe::Rename(Rename {
                old: "a".into(),
                new: "b".into(),
            }),
        ];
        for r in recipes {
            assert_eq!(Recipe::try_parse_from(r.to_words()).unwrap(), r);
            let json = serde_json::to_value(&r).unwrap();
            assert_eq!(Recipe::from_json(json).unwrap(), r);
        }
    }
}
