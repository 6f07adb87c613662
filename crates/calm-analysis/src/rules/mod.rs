//! The rule catalogue (docs/advisor-design.md §4) and the [`Rule`] trait.
//!
//! # How to add a rule
//! 1. Create one file per rule under `src/rules/<category>/<rule_id_with_underscores>.rs` with:
//!    - a `pub static META: RuleMeta` (id such as `spof-node`, legacy code such as `RES-01`,
//!      category, default severity, one-line summary, tags, and the doc sections *What it finds /
//!      Why it matters / Example / How to fix / False positives and how to suppress / References*
//!      that `calm-advisor explain RULE` prints);
//!    - a unit struct implementing [`Rule`]: `meta()` returns `&META`, `check(ctx)` returns the
//!      findings. Build every finding with [`Context::finding`](crate::context::Context::finding)
//!      (`ctx.finding(&META, &["node-id"])…build()`), which fills the stable id
//!      (`rule@unique-id[@…]`), the line-independent fingerprint, locations (line/column), the
//!      severity from likelihood × impact, and references.
//! 2. Declare the module in the category's `mod.rs` and add ONE line to that category's `rules()`
//!    list (resilience: [`resilience::rules`]). The order of that list is the rule priority used
//!    to break ties in the ranking (earlier = shown first among equally severe findings).
//! 3. Read the engine through [`Context`](crate::context::Context): `ctx.model` (normalised nodes,
//!    relationships, flows, controls), `ctx.roles` (role + evidence + confidence), `ctx.graph`
//!    (sync / publish / async / entry edges, hosting and containment), `ctx.redundancy` (groups,
//!    supernodes, node-level evidence), `ctx.flows` (per-flow node sets, criticality, actors,
//!    required supernodes from dominators, availability estimate/target), and helpers such as
//!    `ctx.metadata_any`, `ctx.config_any`, `ctx.controls_matching`, `ctx.blast(node)`.
//! 4. Add a fixture or a synthetic graph test that makes the rule fire and one that must not.
//!
//! Rules must be general: no unique-id of a known fixture may appear in a rule.

use crate::context::Context;
use crate::finding::{Category, Finding, Severity};

pub mod documentation;
pub mod operability;
pub mod performance;
pub mod resilience;
pub mod security;

/// The documentation `explain RULE` prints.
#[derive(Debug)]
pub struct RuleDoc {
    pub what: &'static str,
    pub why: &'static str,
    pub example: &'static str,
    pub how_to_fix: &'static str,
    pub false_positives: &'static str,
    pub references: &'static [&'static str],
}

/// Static description of a rule.
#[derive(Debug)]
pub struct RuleMeta {
    /// Catalogue id, e.g. `spof-node`.
    pub id: &'static str,
    /// Legacy code, e.g. `RES-01`.
    pub code: &'static str,
    pub category: Category,
    pub default_severity: Severity,
    /// One line: what the rule detects.
    pub summary: &'static str,
    /// Extra tags (e.g. `seems:spof`).
    pub tags: &'static [&'static str],
    pub doc: RuleDoc,
}

/// What every rule whose premise is a journey (tag `premise:journey`) says about inferred
/// journeys; appended by [`RuleMeta::false_positives`] so it is written once.
pub const INFERRED_JOURNEY_NOTE: &str = "When no declared flow covers what a finding is about \
(the model has no flows, or none that starts from the actor concerned), the journeys are \
inferred from the synchronous request path: from actors, client software and entry nodes nothing \
calls, not into telemetry, audit or notification sinks, not past a broker, not through \
dispatched tasks or pulling consumers. Such findings are capped at medium with low confidence and \
say so in their evidence: declare flows to confirm them.";

impl RuleMeta {
    /// The rule's false-positive section, with the inferred-journey note for journey rules.
    pub fn false_positives(&self) -> String {
        if self.tags.contains(&"premise:journey") && !self.doc.false_positives.contains("inferred")
        {
            format!("{}\n\n{INFERRED_JOURNEY_NOTE}", self.doc.false_positives)
        } else {
            self.doc.false_positives.to_string()
        }
    }
}

/// A review rule. Implementations are unit structs registered in their category's `rules()`.
pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, ctx: &Context) -> Vec<Finding>;
}

/// Every rule, in priority order (resilience first: the review's main job).
pub fn registry() -> Vec<&'static dyn Rule> {
    let mut all = resilience::rules();
    all.extend(security::rules());
    all.extend(performance::rules());
    all.extend(operability::rules());
    all.extend(documentation::rules());
    all
}

/// Find a rule by id (`spof-node`) or legacy code (`RES-01`), case-insensitive.
pub fn find(name: &str) -> Option<&'static dyn Rule> {
    registry().into_iter().find(|r| {
        r.meta().id.eq_ignore_ascii_case(name) || r.meta().code.eq_ignore_ascii_case(name)
    })
}

/// Priority of a rule id (its position in the registry).
pub fn priority(rule_id: &str) -> usize {
    registry()
        .iter()
        .position(|r| r.meta().id == rule_id)
        .unwrap_or(usize::MAX)
}
