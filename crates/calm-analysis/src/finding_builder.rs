//! The finding builder: [`Context::finding`] starts one, the rule fills it in, and
//! [`FindingBuilder::build`] completes id, fingerprint, locations, severity and references.

use crate::context::Context;
use crate::finding::{
    Category, Confidence, Evidence, Finding, FindingLocation, FixSuggestion, Severity,
};
use crate::rules::RuleMeta;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// Severity from likelihood × impact (docs/advisor-design.md §3.7).
pub fn severity_of(likelihood: u8, impact: u8) -> Severity {
    match likelihood as u32 * impact as u32 {
        12.. => Severity::Critical,
        8..=11 => Severity::High,
        4..=7 => Severity::Medium,
        2..=3 => Severity::Low,
        _ => Severity::Info,
    }
}

/// `sha256:` + hex of `calm-advisor/v1|rule|sorted ids|variant` (line independent).
pub fn fingerprint(rule: &str, ids: &[String], variant: &str) -> String {
    let mut sorted: Vec<&str> = ids.iter().map(String::as_str).collect();
    sorted.sort_unstable();
    let input = format!("calm-advisor/v1|{rule}|{}|{variant}", sorted.join(","));
    let digest = Sha256::digest(input.as_bytes());
    let mut hex = String::with_capacity(71);
    hex.push_str("sha256:");
    for b in digest.iter() {
        hex.push_str(&format!("{b:02x}"));
    }
    hex
}

/// Builds a [`Finding`]: fills id, fingerprint, locations, severity and references.
pub struct FindingBuilder<'c, 'a> {
    ctx: &'c Context<'a>,
    rule: &'static RuleMeta,
    ids: Vec<String>,
    variant: String,
    title: String,
    likelihood: u8,
    impact: u8,
    cap: Option<Severity>,
    confidence: Confidence,
    nodes: Vec<String>,
    relationships: Vec<String>,
    flows: Vec<String>,
    evidence: Vec<Evidence>,
    metrics: Map<String, Value>,
    rationale: String,
    recommendation: String,
    fix: Option<FixSuggestion>,
    weight: u32,
}

impl<'c, 'a> FindingBuilder<'c, 'a> {
    /// A finding of `rule` about the elements `ids` (see [`Context::finding`]).
    pub(crate) fn new(ctx: &'c Context<'a>, rule: &'static RuleMeta, ids: &[&str]) -> Self {
        FindingBuilder {
            ctx,
            rule,
            ids: ids.iter().map(|s| s.to_string()).collect(),
            variant: String::new(),
            title: String::new(),
            likelihood: 3,
            impact: 3,
            cap: None,
            confidence: Confidence::High,
            nodes: Vec::new(),
            relationships: Vec::new(),
            flows: Vec::new(),
            evidence: Vec::new(),
            metrics: Map::new(),
            rationale: String::new(),
            recommendation: String::new(),
            fix: None,
            weight: 0,
        }
    }
}

impl FindingBuilder<'_, '_> {
    pub fn title(mut self, t: impl Into<String>) -> Self {
        self.title = t.into();
        self
    }
    /// Likelihood and impact, each 1–4.
    pub fn score(mut self, likelihood: u8, impact: u8) -> Self {
        self.likelihood = likelihood.clamp(1, 4);
        self.impact = impact.clamp(1, 4);
        self
    }
    /// Never report above this severity.
    pub fn cap(mut self, s: Severity) -> Self {
        self.cap = Some(s);
        self
    }
    pub fn confidence(mut self, c: Confidence) -> Self {
        self.confidence = c;
        self
    }
    /// Lower confidence to at most `c`.
    pub fn confidence_at_most(mut self, c: Confidence) -> Self {
        self.confidence = self.confidence.min(c);
        self
    }
    /// Distinguishes findings of one rule on the same ids (part of the fingerprint).
    pub fn variant(mut self, v: impl Into<String>) -> Self {
        self.variant = v.into();
        self
    }
    pub fn nodes<I: IntoIterator<Item = S>, S: Into<String>>(mut self, ids: I) -> Self {
        self.nodes.extend(ids.into_iter().map(Into::into));
        self
    }
    pub fn relationships<I: IntoIterator<Item = S>, S: Into<String>>(mut self, ids: I) -> Self {
        self.relationships.extend(ids.into_iter().map(Into::into));
        self
    }
    pub fn flows<I: IntoIterator<Item = S>, S: Into<String>>(mut self, ids: I) -> Self {
        self.flows.extend(ids.into_iter().map(Into::into));
        self
    }
    pub fn evidence(mut self, kind: &str, detail: impl Into<String>) -> Self {
        self.evidence.push(Evidence {
            kind: kind.to_string(),
            detail: detail.into(),
        });
        self
    }
    /// Add evidence only when `cond` holds (keeps builder chains flat).
    pub fn evidence_if(self, cond: bool, kind: &str, detail: impl Into<String>) -> Self {
        if cond {
            self.evidence(kind, detail)
        } else {
            self
        }
    }
    pub fn metric(mut self, key: &str, v: Value) -> Self {
        self.metrics.insert(key.to_string(), v);
        self
    }
    pub fn rationale(mut self, t: impl Into<String>) -> Self {
        self.rationale = t.into();
        self
    }
    pub fn recommendation(mut self, t: impl Into<String>) -> Self {
        self.recommendation = t.into();
        self
    }
    /// The recommended `calm-advisor fix` recipe call.
    pub fn fix(
        mut self,
        recipe: &str,
        args: &[&str],
        safety: &str,
        description: impl Into<String>,
    ) -> Self {
        let file = shell_word(self.ctx.doc.name());
        let command = format!(
            "calm-advisor fix {file} {recipe} {}",
            args.iter()
                .map(|a| shell_word(a))
                .collect::<Vec<_>>()
                .join(" ")
        );
        self.fix = Some(FixSuggestion {
            recipe: recipe.to_string(),
            args: args.iter().map(|s| s.to_string()).collect(),
            command: command.trim_end().to_string(),
            safety: safety.to_string(),
            description: description.into(),
        });
        self
    }
    /// Ranking weight: Σ criticality of the flows the finding breaks (ties broken by it).
    pub fn weight(mut self, w: u32) -> Self {
        self.weight = w;
        self
    }

    pub fn build(self) -> Finding {
        let mut severity = severity_of(self.likelihood, self.impact);
        if let Some(c) = self.cap {
            severity = severity.min(c);
        }
        let id = std::iter::once(self.rule.id.to_string())
            .chain(self.ids.iter().cloned())
            .collect::<Vec<_>>()
            .join("@");
        let id = if self.variant.is_empty() {
            id
        } else {
            format!("{id}#{}", self.variant)
        };
        let mut nodes = self.nodes;
        let mut rels = self.relationships;
        let mut flows = self.flows;
        for v in [&mut nodes, &mut rels, &mut flows] {
            v.sort();
            v.dedup();
        }
        let mut locations: Vec<FindingLocation> =
            self.ids.iter().map(|i| location_of(self.ctx, i)).collect();
        locations.dedup();
        let mut metrics = self.metrics;
        metrics.insert("impactWeight".into(), Value::from(self.weight));
        Finding {
            fingerprint: fingerprint(self.rule.id, &self.ids, &self.variant),
            id,
            rule: self.rule.id.to_string(),
            category: self.rule.category,
            tags: self.rule.tags.iter().map(|s| s.to_string()).collect(),
            severity,
            likelihood: self.likelihood,
            impact: self.impact,
            confidence: self.confidence,
            rank: 0,
            title: self.title,
            nodes,
            relationships: rels,
            flows,
            locations,
            evidence: self.evidence,
            metrics: Value::Object(metrics),
            rationale: self.rationale,
            recommendation: self.recommendation,
            references: self
                .rule
                .doc
                .references
                .iter()
                .map(|s| s.to_string())
                .collect(),
            fix: self.fix,
            suppression: None,
        }
    }
}

/// One word for a POSIX shell: kept as is when it holds only letters, digits and `-_.,:/=@`,
/// single-quoted otherwise (the one quoting of every command line we print).
pub fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.,:/=@".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// Category helper for rules.
pub fn category_name(c: Category) -> &'static str {
    c.as_str()
}

/// Where the element `id` is in the document (by unique-id, or a JSON pointer for controls).
fn location_of(ctx: &Context, id: &str) -> FindingLocation {
    let (kind, pointer) = if let Some(i) = ctx.model.node_idx(id) {
        ("node", ctx.model.nodes[i].pointer.clone())
    } else if let Some(i) = ctx.model.rel_idx(id) {
        ("relationship", ctx.model.relationships[i].pointer.clone())
    } else if let Some(i) = ctx.model.flow_idx(id) {
        ("flow", ctx.model.flows[i].pointer.clone())
    } else if id.starts_with("/controls")
        || id.starts_with("/nodes/")
        || id.starts_with("/relationships/")
        || id.starts_with("/flows/")
    {
        ("control", id.to_string())
    } else {
        ("architecture", String::new())
    };
    let loc = ctx.doc.locate(&pointer);
    FindingLocation {
        kind: kind.to_string(),
        unique_id: (kind != "architecture" && kind != "control").then(|| id.to_string()),
        json_pointer: pointer,
        start_line: loc.line_start.max(1),
        start_column: loc.character_start + 1,
        end_line: loc.line_end.max(1),
        end_column: loc.character_end + 1,
    }
}
