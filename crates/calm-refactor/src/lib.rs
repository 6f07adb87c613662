//! Safe, format-preserving refactorings of CALM architectures (`calm-advisor fix`).
//!
//! # How to use it (CLI, chat, MCP)
//!
//! 1. **Pick a recipe**: build a [`Recipe`] directly (`Recipe::AddLoadBalancer(AddLoadBalancer {
//!    .. })`, `Recipe::AddControl(AddControl::preset(Scope::Node("order-service".into()),
//!    ControlPreset::CircuitBreaker))`, …), from CLI words with `Recipe::try_parse_from(["add-load-balancer",
//!    "--target", "api-gateway"])` (feature `cli`: the clap parser of `calm-advisor fix`), or
//!    from its serde form with [`Recipe::from_json`]`(json!({"recipe": "add-load-balancer",
//!    "target": "api-gateway"}))` (its JSON schema with feature `schema`).
//!    A review finding's [`calm_analysis::FixSuggestion`] (`recipe` + `args`) becomes a recipe
//!    with [`recipe_for_finding`]. Recipes: `add-load-balancer`, `replicate-database`,
//!    `decouple`, `add-control` (presets `high-availability`, `failover`, `circuit-breaker`,
//!    overridable with `--config key=value`), `rename OLD NEW`.
//! 2. **Plan** it: [`plan`]`(name, text, &recipe)` → [`Plan`] with `after_text` (untouched
//!    bytes identical, new parts in the file's own indentation and newline style), `after`
//!    (the value), `changes` (one human-readable line per change), [`Plan::unified_diff`]
//!    (git-style) and [`Plan::patch`] (RFC 6902 against the original). `plan.is_noop()` means
//!    the recipe was applied before (recipes are idempotent). Errors are [`RefactorError`]
//!    (`Op` = the recipe does not fit the document, with a message naming the id).
//! 3. **Verify** it: create a [`Verifier`] once ([`Verifier::new`]; it compiles the schemas),
//!    then [`Verifier::verify`]`(&plan, target_finding_id)` → [`Verification`]: dangling
//!    references, validation errors the change introduced (calm-validate), idempotence (a
//!    second plan must be a no-op), and the re-review (calm-analysis): `resolved` and
//!    `introduced` findings (always show `introduced`), and with a target, whether it cleared.
//!    `verification.blocking()` lists the reasons not to write; empty means safe to write.
//!    `Verifier::findings(name, text)` and `Verifier::validation_errors(name, text)` are also
//!    available on their own.
//! 4. **Apply**: write `plan.after_text`. The binary writes atomically (temp file + rename,
//!    permissions kept) and refuses when the file changed on disk since it was read (compare
//!    the bytes with what you planned on). Several recipes in a row: plan the next one on the
//!    previous `plan.after_text`.
//!
//! Lower level: [`Draft`] + [`ops`] (add-node, clone-node, remove-node, add-relationship,
//! retarget, remove-relationship, add-composition, add-control, set-metadata,
//! split-transition, rename-id) on a `serde_json::Value`, then [`edit::apply`]`(text, &before,
//! &after)` for the format-preserving text and [`patch::diff`] for the JSON Patch.
//!
//! Modules: [`edit`] (CST text edits), [`ops`] (semantic operations), [`patch`] (JSON Patch),
//! [`recipes`] (one file per recipe), [`verify`] (safety checks).

pub mod edit;
pub mod ops;
pub mod patch;
pub mod recipes;
pub mod verify;

pub use ops::{Draft, OpError, Scope};
pub use recipes::{
    AddControl, AddLoadBalancer, BrokerKind, ControlPreset, Decouple, Recipe, Rename,
    ReplicateDatabase, ReplicationMode,
};
pub use verify::{FindingChange, Verification, Verifier, check_references};

use serde_json::Value;

/// Why a recipe could not be planned.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RefactorError {
    #[error("{0}")]
    Load(String),
    #[error("{0}")]
    Op(#[from] OpError),
    #[error("{0}")]
    Edit(#[from] edit::EditError),
}

/// A planned change: the document before and after, as text and value, and what changed.
#[derive(Debug, Clone)]
pub struct Plan {
    pub recipe: Recipe,
    /// File name used in messages and diff headers.
    pub name: String,
    pub before_text: String,
    pub after_text: String,
    pub before: Value,
    pub after: Value,
    /// One line per effective change (`add node load-balancer`, …); empty for a no-op.
    pub changes: Vec<String>,
}

impl Plan {
    /// True when the recipe changes nothing (it was applied already).
    pub fn is_noop(&self) -> bool {
        self.before == self.after
    }

    /// The change as RFC 6902 operations against the original document.
    pub fn patch(&self) -> Vec<Value> {
        patch::diff(&self.before, &self.after)
    }

    /// Git-style unified diff of the text (3 lines of context).
    pub fn unified_diff(&self) -> String {
        unified_diff(
            &self.before_text,
            &self.after_text,
            &format!("a/{}", self.name),
            &format!("b/{}", self.name),
        )
    }
}

/// A unified diff between two texts.
pub fn unified_diff(old: &str, new: &str, old_label: &str, new_label: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(old_label, new_label)
        .to_string()
}

/// Plan `recipe` on `text` (named `name` in messages).
pub fn plan(name: &str, text: &str, recipe: &Recipe) -> Result<Plan, RefactorError> {
    let doc = calm_model::Document::from_str(name, text)
        .map_err(|e| RefactorError::Load(e.to_string()))?;
    if !doc.value.is_object() {
        return Err(RefactorError::Load(format!(
            "{name}: the document is not a JSON object"
        )));
    }
    let before = doc.value.clone();
    let mut draft = Draft::new(before.clone());
    recipe.apply(&mut draft)?;
    let mut after_text = edit::apply(doc.source.text(), &before, &draft.value)?;
    // calm-model drops a byte-order mark; keep it so the first line does not show as changed.
    if text.starts_with('\u{feff}') && !after_text.starts_with('\u{feff}') {
        after_text.insert(0, '\u{feff}');
    }
    let changes = if draft.value == before {
        Vec::new()
    } else {
        draft.changes
    };
    Ok(Plan {
        recipe: recipe.clone(),
        name: name.to_string(),
        before_text: text.to_string(),
        after_text,
        before,
        after: draft.value,
        changes,
    })
}

/// The recipe behind a review finding's fix suggestion (its words parsed by the CLI's parser).
#[cfg(feature = "cli")]
pub fn recipe_for_finding(finding: &calm_analysis::Finding) -> Result<Recipe, OpError> {
    let fix = finding.fix.as_ref().ok_or_else(|| {
        OpError::Invalid(format!(
            "finding {} has no automatic fix; see its recommendation",
            finding.id
        ))
    })?;
    Recipe::parse_args(&fix.recipe, &fix.args).map_err(|e| {
        OpError::Invalid(format!(
            "finding {}: its fix `{}` cannot be applied: {e}",
            finding.id, fix.command
        ))
    })
}
