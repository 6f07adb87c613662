//! Findings of the two reviews, compared across renames: which were introduced, which resolved,
//! and how each flow's estimated availability moved.

use crate::diff::Renames;
use calm_analysis::{Finding, Severity};
use serde::Serialize;
use std::collections::BTreeSet;

/// The outcome of reviewing one architecture, as the report needs it.
#[derive(Debug, Clone, Default)]
pub struct ReviewOutcome {
    /// Ranked findings (suppressed ones included; see [`ReviewOutcome::active`]).
    pub findings: Vec<Finding>,
    pub flows: Vec<FlowAvailability>,
}

impl ReviewOutcome {
    /// Findings that are not suppressed as accepted or false positive.
    pub fn active(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.suppression.is_none())
    }

    /// Distinct nodes that single-point-of-failure findings are about: the subject of the
    /// finding's synthetic id (`rule@subject…`) when it is one of its nodes, so flow-level
    /// findings that merely list a flow's nodes are not counted.
    pub fn single_points_of_failure(&self) -> BTreeSet<String> {
        self.active()
            .filter(|f| is_spof(f))
            .filter_map(subject_node)
            .collect()
    }
}

/// The node a finding is about: the first id after the rule in `rule@subject[@…][#variant]`,
/// when the finding lists it among its nodes.
pub fn subject_node(f: &Finding) -> Option<String> {
    let subject = f.id.split('@').nth(1)?.split('#').next()?;
    f.nodes
        .iter()
        .any(|n| n == subject)
        .then(|| subject.to_string())
}

/// Review one architecture with the calm-analysis engine (default options) and keep what the
/// diff and the reports need.
pub fn review_document(doc: &calm_model::Document) -> ReviewOutcome {
    let r = calm_analysis::review(doc, &calm_analysis::ReviewOptions::default());
    let flows = r
        .flows
        .iter()
        .map(|f| FlowAvailability {
            flow: f.flow.clone(),
            name: f.name.clone(),
            estimate: Some(f.availability.estimated),
            target: f.availability.target.as_ref().and_then(|t| t.value),
        })
        .collect();
    ReviewOutcome {
        findings: r.findings,
        flows,
    }
}

/// Whether a finding is about a single point of failure (by tag, so new rules count too).
pub fn is_spof(f: &Finding) -> bool {
    f.tags
        .iter()
        .any(|t| t.eq_ignore_ascii_case("seems:spof") || t.eq_ignore_ascii_case("spof"))
}

/// Estimated availability of one flow.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlowAvailability {
    pub flow: String,
    pub name: String,
    /// Estimated availability as a fraction (0.997 = 99.7 %).
    pub estimate: Option<f64>,
    /// Declared target as a fraction, when one applies.
    pub target: Option<f64>,
}

/// A finding as shown in diffs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingSummary {
    pub id: String,
    pub rule: String,
    pub severity: Severity,
    pub title: String,
    pub nodes: Vec<String>,
}

impl From<&Finding> for FindingSummary {
    fn from(f: &Finding) -> Self {
        FindingSummary {
            id: f.id.clone(),
            rule: f.rule.clone(),
            severity: f.severity,
            title: f.title.clone(),
            nodes: f.nodes.clone(),
        }
    }
}

/// A finding whose severity rose.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Escalation {
    pub finding: FindingSummary,
    pub from: Severity,
}

/// One flow's availability before and after.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlowAvailabilityChange {
    pub flow: String,
    pub name: String,
    pub before: Option<f64>,
    pub after: Option<f64>,
    pub target: Option<f64>,
}

/// What changed between the two reviews.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReviewDelta {
    pub introduced: Vec<FindingSummary>,
    pub resolved: Vec<FindingSummary>,
    /// Findings present in both whose severity rose (the NEW finding, with the old severity).
    pub escalated: Vec<Escalation>,
    pub flows: Vec<FlowAvailabilityChange>,
}

/// Identity of a finding across versions: its synthetic id (`rule@id[@id…][#variant]`, which
/// the engine keeps stable under edits) with OLD element ids rewritten through the renames.
pub fn finding_key(f: &Finding, renames: Option<&Renames>) -> String {
    let Some(r) = renames else {
        return f.id.clone();
    };
    let mut parts = f.id.split('@');
    let mut out = parts.next().unwrap_or("").to_string();
    for part in parts {
        let (id, variant) = match part.split_once('#') {
            Some((a, b)) => (a, Some(b)),
            None => (part, None),
        };
        let mapped = [&r.nodes, &r.relationships, &r.flows, &r.interfaces]
            .iter()
            .find_map(|m| m.get(id))
            .map(String::as_str)
            .unwrap_or(id);
        out.push('@');
        out.push_str(mapped);
        if let Some(v) = variant {
            out.push('#');
            out.push_str(v);
        }
    }
    out
}

/// Findings of OLD that NEW no longer has (resolved), and of NEW that OLD did not have.
pub fn compare_reviews(renames: &Renames, old: &ReviewOutcome, new: &ReviewOutcome) -> ReviewDelta {
    let old_keys: BTreeSet<String> = old
        .active()
        .map(|f| finding_key(f, Some(renames)))
        .collect();
    let new_keys: BTreeSet<String> = new.active().map(|f| finding_key(f, None)).collect();
    let resolved = old
        .active()
        .filter(|f| !new_keys.contains(&finding_key(f, Some(renames))))
        .map(FindingSummary::from)
        .collect();
    let introduced = new
        .active()
        .filter(|f| !old_keys.contains(&finding_key(f, None)))
        .map(FindingSummary::from)
        .collect();
    let mut escalated = Vec::new();
    for nf in new.active() {
        let key = finding_key(nf, None);
        if let Some(of) = old.active().find(|o| finding_key(o, Some(renames)) == key)
            && nf.severity > of.severity
        {
            escalated.push(Escalation {
                finding: FindingSummary::from(nf),
                from: of.severity,
            });
        }
    }
    let mut flows = Vec::new();
    for nf in &new.flows {
        let before = old.flows.iter().find(|o| renames.flow(&o.flow) == nf.flow);
        flows.push(FlowAvailabilityChange {
            flow: nf.flow.clone(),
            name: nf.name.clone(),
            before: before.and_then(|b| b.estimate),
            after: nf.estimate,
            target: nf.target,
        });
    }
    for of in &old.flows {
        if !new.flows.iter().any(|n| n.flow == renames.flow(&of.flow)) {
            flows.push(FlowAvailabilityChange {
                flow: of.flow.clone(),
                name: of.name.clone(),
                before: of.estimate,
                after: None,
                target: of.target,
            });
        }
    }
    ReviewDelta {
        introduced,
        resolved,
        escalated,
        flows,
    }
}

/// `99.601%` style, three decimals: calm-analysis's [`pct`](calm_analysis::availability::pct)
/// under its former name here (still imported by `improvements.rs`; new code uses `pct`).
pub use calm_analysis::availability::pct as percent;

#[cfg(test)]
mod tests {
    use super::*;
    use calm_analysis::{Category, Confidence};

    fn finding(id: &str, nodes: &[&str]) -> Finding {
        Finding {
            id: id.into(),
            fingerprint: String::new(),
            rule: id.split('@').next().unwrap().into(),
            category: Category::Resilience,
            tags: vec!["seems:spof".into()],
            severity: Severity::High,
            likelihood: 3,
            impact: 3,
            confidence: Confidence::High,
            rank: 1,
            title: String::new(),
            nodes: nodes.iter().map(|s| s.to_string()).collect(),
            relationships: vec![],
            flows: vec![],
            locations: vec![],
            evidence: vec![],
            metrics: serde_json::Value::Null,
            rationale: String::new(),
            recommendation: String::new(),
            references: vec![],
            fix: None,
            suppression: None,
        }
    }

    #[test]
    fn spofs_are_finding_subjects_not_every_listed_node() {
        let r = ReviewOutcome {
            findings: vec![
                finding(
                    "broker-single-instance@message-broker",
                    &["message-broker", "order-queue"],
                ),
                finding(
                    "flow-availability-below-target@order-flow",
                    &["gateway", "order-service"],
                ),
            ],
            flows: vec![],
        };
        assert_eq!(
            r.single_points_of_failure().into_iter().collect::<Vec<_>>(),
            vec!["message-broker"]
        );
    }

    #[test]
    fn finding_keys_follow_renames() {
        let mut renames = Renames::default();
        renames.nodes.insert("db".into(), "db-primary".into());
        let f = finding("datastore-no-replication@db#variant", &["db"]);
        assert_eq!(
            finding_key(&f, Some(&renames)),
            "datastore-no-replication@db-primary#variant"
        );
        assert_eq!(finding_key(&f, None), "datastore-no-replication@db#variant");
    }
}
