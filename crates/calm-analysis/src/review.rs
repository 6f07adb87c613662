//! The review entry point: build the [`Context`], run every rule, apply suppressions, rank.

use crate::availability::{self, FlowAvailability};
use crate::context::{Context, ReviewConfig};
use crate::finding::{Category, Finding, Severity};
use crate::rule_settings::RuleSettings;
use crate::rules;
use crate::suppress::{self, Baseline, Expired};
use calm_model::Document;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// Options of a review (all optional).
#[derive(Debug, Clone, Default)]
pub struct ReviewOptions {
    /// Only these categories (empty = all).
    pub categories: Vec<Category>,
    /// Hide findings below this severity.
    pub min_severity: Option<Severity>,
    pub baseline: Option<Baseline>,
    /// `YYYY-MM-DD` used for suppression expiry (default: today, UTC).
    pub today: Option<String>,
    pub config: ReviewConfig,
    /// Rules switched off and severity overrides (config file, `--disable`).
    pub rules: RuleSettings,
}

/// Per-flow availability line of the summary.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowSummary {
    pub flow: String,
    pub name: String,
    pub implicit: bool,
    pub criticality: u8,
    pub actors: Vec<String>,
    pub availability: FlowAvailability,
}

/// The result of a review.
#[derive(Debug, Clone)]
pub struct Review {
    /// Input file name as given.
    pub input: String,
    /// `sha256:` of the input text.
    pub input_sha256: String,
    pub schema: Option<String>,
    /// Ranked findings (rank 1 first), including accepted/mitigated ones.
    pub findings: Vec<Finding>,
    /// Findings hidden as false positives.
    pub hidden: Vec<Finding>,
    pub expired: Vec<Expired>,
    pub flows: Vec<FlowSummary>,
    /// Defaults and limits that feed the numbers (printed with every output).
    pub assumptions: Value,
    pub node_count: usize,
    pub relationship_count: usize,
    /// Dialects the normaliser accepted (DOC-03 reports them).
    pub dialect_notes: Vec<crate::normalize::DialectNote>,
}

impl Review {
    /// Count of unsuppressed findings at or above `s` (accepted/mitigated do not count).
    pub fn failing(&self, s: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity >= s && f.suppression.is_none())
            .count()
    }
    pub fn by_severity(&self) -> [(Severity, usize); 5] {
        let c = |s| self.findings.iter().filter(|f| f.severity == s).count();
        Severity::DESCENDING.map(|s| (s, c(s)))
    }
    pub fn finding(&self, id: &str) -> Option<&Finding> {
        self.findings
            .iter()
            .chain(&self.hidden)
            .find(|f| f.id == id || f.fingerprint == id)
    }
}

/// Run every rule and rank (total, deterministic order).
pub fn run_rules(ctx: &Context) -> Vec<Finding> {
    run_enabled_rules(ctx, &RuleSettings::default())
}

/// Run the rules `settings` leaves on, apply its severity overrides, and rank.
pub fn run_enabled_rules(ctx: &Context, settings: &RuleSettings) -> Vec<Finding> {
    let mut all: Vec<Finding> = Vec::new();
    // CALM_ADVISOR_PROFILE=1 prints the time each rule takes (stderr) — for benchmarks.
    let profile = std::env::var_os("CALM_ADVISOR_PROFILE").is_some();
    for r in rules::registry()
        .into_iter()
        .filter(|r| settings.enabled(r.meta().id))
    {
        let t = std::time::Instant::now();
        all.extend(r.check(ctx));
        if profile {
            eprintln!(
                "{:>10.3} ms  {}",
                t.elapsed().as_secs_f64() * 1000.0,
                r.meta().id
            );
        }
    }
    // A finding that names no declared flow rests on inferred journeys only (the model has no
    // flows, or none that reaches what the finding is about).
    for f in &mut all {
        if f.flows.is_empty() {
            cap_inferred(f);
        }
    }
    settings.apply(&mut all);
    rank(&mut all);
    all
}

/// Severity cap of a finding whose premise is a journey when the model declares no flows.
pub const INFERRED_JOURNEY_CAP: Severity = Severity::Medium;

/// A finding whose premise is a journey (tag `premise:journey`) and that names no declared flow
/// rests on journeys the engine inferred from the graph (the synchronous request path from each
/// actor or client the flows leave out, or from all of them in a model without flows). Those
/// are a good guess, not the modeller's statement: the finding is capped at
/// [`INFERRED_JOURNEY_CAP`], its confidence is low, and its evidence says so.
fn cap_inferred(f: &mut Finding) {
    if !f.tags.iter().any(|t| t == "premise:journey") {
        return;
    }
    if f.severity > INFERRED_JOURNEY_CAP {
        f.evidence.push(crate::finding::Evidence {
            kind: "inferred-journey".into(),
            detail: format!(
                "no declared flow covers this: the journeys were inferred from the synchronous request path, so the severity is capped at {} (declare flows to confirm it; it was {})",
                INFERRED_JOURNEY_CAP.as_str(),
                f.severity.as_str()
            ),
        });
        f.severity = INFERRED_JOURNEY_CAP;
    } else {
        f.evidence.push(crate::finding::Evidence {
            kind: "inferred-journey".into(),
            detail: "no declared flow covers this: the journeys were inferred from the synchronous request path".into(),
        });
    }
    f.confidence = crate::finding::Confidence::Low;
}

/// Severity ↓, impact weight ↓, confidence ↓, rule priority ↑, id ↑ (docs/advisor-design.md §3.7).
pub fn rank(findings: &mut [Finding]) {
    let prio: std::collections::HashMap<&str, usize> = rules::registry()
        .iter()
        .enumerate()
        .map(|(i, r)| (r.meta().id, i))
        .collect();
    let weight = |f: &Finding| {
        f.metrics
            .get("impactWeight")
            .and_then(Value::as_u64)
            .unwrap_or(0)
    };
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(weight(b).cmp(&weight(a)))
            .then(b.confidence.cmp(&a.confidence))
            .then(
                prio.get(a.rule.as_str())
                    .unwrap_or(&usize::MAX)
                    .cmp(prio.get(b.rule.as_str()).unwrap_or(&usize::MAX)),
            )
            .then(a.id.cmp(&b.id))
    });
    for (i, f) in findings.iter_mut().enumerate() {
        f.rank = i + 1;
    }
}

pub fn review(doc: &Document, opts: &ReviewOptions) -> Review {
    let t = std::time::Instant::now();
    let ctx = Context::build(doc, opts.config.clone());
    if std::env::var_os("CALM_ADVISOR_PROFILE").is_some() {
        eprintln!("{:>10.3} ms  context", t.elapsed().as_secs_f64() * 1000.0);
    }
    review_context(&ctx, opts)
}

pub fn review_context(ctx: &Context, opts: &ReviewOptions) -> Review {
    let doc = ctx.doc;
    let mut findings = run_enabled_rules(ctx, &opts.rules);
    let today = opts.today.clone().unwrap_or_else(suppress::today);
    findings.retain(|f| opts.categories.is_empty() || opts.categories.contains(&f.category));
    if let Some(min) = opts.min_severity {
        findings.retain(|f| f.severity >= min);
    }
    let (mut kept, hidden, expired) =
        suppress::apply(ctx, findings, opts.baseline.as_ref(), &today);
    rank(&mut kept);
    let flows = ctx
        .flows
        .iter()
        .map(|f| FlowSummary {
            flow: f.id.clone(),
            name: f.name.clone(),
            implicit: f.implicit,
            criticality: f.criticality,
            actors: f
                .actors
                .iter()
                .map(|a| ctx.node_id(*a).to_string())
                .collect(),
            availability: f.availability.clone(),
        })
        .collect();
    let digest = Sha256::digest(doc.source.text().as_bytes());
    let input_sha256 = format!(
        "sha256:{}",
        digest
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    Review {
        input: doc.name().to_string(),
        input_sha256,
        schema: doc.schema_url().map(str::to_string),
        findings: kept,
        hidden,
        expired,
        flows,
        assumptions: {
            let mut a = assumptions(ctx);
            // Only when configured: default outputs stay as they were.
            if !opts.rules.is_empty() {
                a["ruleConfiguration"] = opts.rules.describe();
            }
            a
        },
        node_count: ctx.model.nodes.len(),
        relationship_count: ctx.model.relationships.len(),
        dialect_notes: ctx.model.notes.clone(),
    }
}

/// Defaults and limits behind the numbers.
pub fn assumptions(ctx: &Context) -> Value {
    let defaults: serde_json::Map<String, Value> = availability::DEFAULTS
        .iter()
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    json!({
        "availabilityDefaults": defaults,
        "independentFailures": true,
        "failoverTimeModelled": false,
        "maxSyncDepth": ctx.config.max_sync_depth,
        "haFlagWithoutCountMeansInstances": 2,
        "notes": ctx.notes,
        "caveat": "Estimates assume independent failures and instant failover; correlated failures (deploys, configuration) are not modelled. Declarations are trusted: the advisor checks the model, not the running system.",
    })
}
