//! The architecture, pattern and timeline rules of `calm validate` (the reference's Spectral
//! rulesets), one rule per file, with the reference's codes and severities.
//!
//! [`catalogue`] lists every rule with its documentation (What it does / Why it matters /
//! Example / How to fix), for `calm-advisor rules` and `calm-advisor explain <code>`.
//! [`other_codes`] documents the remaining codes the validator emits (json-schema, controls,
//! node details, load warnings).

pub mod architecture;
pub mod pattern;
pub mod timeline;
pub mod util;

use crate::diagnostic::Severity;
use serde_json::Value;

/// Which kind of document a rule checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AppliesTo {
    Architecture,
    Pattern,
    Timeline,
}

impl AppliesTo {
    pub fn as_str(self) -> &'static str {
        match self {
            AppliesTo::Architecture => "architecture",
            AppliesTo::Pattern => "pattern",
            AppliesTo::Timeline => "timeline",
        }
    }
}

/// The documentation sections of a rule.
#[derive(Debug, Clone, Copy)]
pub struct ValidationRuleDoc {
    pub what_it_does: &'static str,
    pub why_it_matters: &'static str,
    /// A small JSON document (or fragment) that triggers the rule.
    pub example: &'static str,
    pub how_to_fix: &'static str,
}

/// What one rule found: where (JSON pointer with array indices) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub pointer: String,
    pub message: String,
}

impl Hit {
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> Hit {
        Hit {
            pointer: pointer.into(),
            message: message.into(),
        }
    }
}

pub type CheckFn = fn(&Value) -> Vec<Hit>;

/// One validation rule (or, for [`other_codes`], one documented output code without a check).
#[derive(Debug, Clone, Copy)]
pub struct ValidationRule {
    /// The `code` value in reports, identical to the reference CLI's.
    pub code: &'static str,
    pub severity: Severity,
    pub applies_to: AppliesTo,
    /// One line, for `calm-advisor rules`.
    pub summary: &'static str,
    pub docs: ValidationRuleDoc,
    pub(crate) check: Option<CheckFn>,
}

impl ValidationRule {
    /// Run the rule on a document value.
    pub fn check(&self, doc: &Value) -> Vec<Hit> {
        self.check.map(|f| f(doc)).unwrap_or_default()
    }

    /// The rule's documentation as Markdown-ish text (what `explain` prints).
    pub fn render_docs(&self) -> String {
        format!(
            "{code} ({sev}, {applies})\n\n{summary}\n\n## What it does\n{what}\n\n## Why it matters\n{why}\n\n## Example\n{example}\n\n## How to fix\n{fix}\n",
            code = self.code,
            sev = match self.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "info",
                Severity::Hint => "hint",
            },
            applies = self.applies_to.as_str(),
            summary = self.summary,
            what = self.docs.what_it_does,
            why = self.docs.why_it_matters,
            example = self.docs.example,
            fix = self.docs.how_to_fix,
        )
    }
}

static ARCHITECTURE: [&ValidationRule; 14] = [
    &architecture::has_nodes_relationships::RULE,
    &architecture::no_empty_string_properties::RULE,
    &architecture::placeholder_numerical::RULE,
    &architecture::placeholder_string::RULE,
    &architecture::placeholder_boolean::RULE,
    &architecture::relationship_references_existing_nodes::RULE,
    &architecture::connects_references_existing_nodes::RULE,
    &architecture::referenced_interfaces_defined::RULE,
    &architecture::referenced_interfaces_on_correct_node::RULE,
    &architecture::composition_references_existing_nodes::RULE,
    &architecture::nodes_must_be_referenced::RULE,
    &architecture::unique_ids::RULE,
    &architecture::flow_transitions_reference_relationships::RULE,
    &architecture::flow_sequence_numbers_unique::RULE,
];

static PATTERN: [&ValidationRule; 17] = [
    &pattern::has_nodes_relationships::RULE,
    &pattern::no_empty_properties::RULE,
    &pattern::placeholder_numerical::RULE,
    &pattern::placeholder_string::RULE,
    &pattern::connects_references_existing_nodes::RULE,
    &pattern::group_references_existing_nodes::RULE,
    &pattern::group_const_references_existing_nodes::RULE,
    &pattern::avoid_boolean_properties::RULE,
    &pattern::relationship_references_existing_nodes::RULE,
    &pattern::referenced_interfaces_defined::RULE,
    &pattern::referenced_interfaces_on_correct_node::RULE,
    &pattern::nodes_must_be_referenced::RULE,
    &pattern::unique_ids::RULE,
    &pattern::decision_nodes_in_oneof_anyof::RULE,
    &pattern::decision_relationships_in_oneof_anyof::RULE,
    &pattern::option_only_oneof_or_anyof::RULE,
    &pattern::option_max_one_item::RULE,
];

static TIMELINE: [&ValidationRule; 7] = [
    &timeline::no_empty_properties::RULE,
    &timeline::current_moment_references_moment::RULE,
    &timeline::unique_ids::RULE,
    &timeline::moments_after_current_no_valid_from::RULE,
    &timeline::current_moment_required::RULE,
    &timeline::moments_non_empty::RULE,
    &timeline::moments_sorted_by_valid_from::RULE,
];

/// The 14 architecture rules, in the reference's order.
pub fn architecture_rules() -> &'static [&'static ValidationRule] {
    &ARCHITECTURE
}

/// The 17 pattern rules, in the reference's order.
pub fn pattern_rules() -> &'static [&'static ValidationRule] {
    &PATTERN
}

/// The 7 timeline rules, in the reference's order.
pub fn timeline_rules() -> &'static [&'static ValidationRule] {
    &TIMELINE
}

/// All 38 rules: architecture, then pattern, then timeline.
pub fn catalogue() -> Vec<&'static ValidationRule> {
    ARCHITECTURE
        .iter()
        .chain(PATTERN.iter())
        .chain(TIMELINE.iter())
        .copied()
        .collect()
}

/// A rule (or other documented output code) by its code.
pub fn find(code: &str) -> Option<&'static ValidationRule> {
    catalogue()
        .into_iter()
        .chain(other_codes().iter())
        .find(|r| r.code == code)
}

/// The output codes that are not Spectral-style rules: JSON Schema, controls, node details
/// and load warnings. Documented here so `explain` can describe every code a report contains.
pub fn other_codes() -> &'static [ValidationRule] {
    &OTHER
}

static OTHER: [ValidationRule; 6] = [
    ValidationRule {
        code: "json-schema",
        severity: Severity::Error,
        applies_to: AppliesTo::Architecture,
        summary: "The document does not conform to its JSON Schema (CALM meta-schema or pattern).",
        docs: ValidationRuleDoc {
            what_it_does: "Validates the architecture against its pattern (`-p`, else the document at its `$schema`, else the latest CALM core schema), a pattern against its meta-schema, or a timeline against its `$schema`.",
            why_it_matters: "Tools that read CALM (visualisers, generators, CalmHub) rely on the schema; a document that does not conform may be misread or rejected.",
            example: "{ \"nodes\": [ { \"unique-id\": \"a\", \"node-type\": \"service\" } ], \"relationships\": [] }\n(missing `name` and `description`)",
            how_to_fix: "Read the message: it names the missing or wrong property and, for enums and constants, the allowed values. The `schemaPath` says which schema keyword failed.",
        },
        check: None,
    },
    ValidationRule {
        code: "control-requirement-validation",
        severity: Severity::Error,
        applies_to: AppliesTo::Architecture,
        summary: "A control's configuration does not satisfy its requirement schema, or cannot be loaded.",
        docs: ValidationRuleDoc {
            what_it_does: "For each control requirement, loads the schema at `requirement-url` and validates the inline `config` (or the document at `config-url`) against it.",
            why_it_matters: "A control whose configuration does not meet its requirement gives false assurance: the architecture claims a control it does not actually specify.",
            example: "\"controls\": { \"tls\": { \"description\": \"TLS\", \"requirements\": [ { \"requirement-url\": \"controls/tls.requirement.json\", \"config\": { \"min-version\": 1.0 } } ] } }",
            how_to_fix: "Make the config match the requirement schema, or fix the `requirement-url` / `config-url` so that it points at a readable JSON file (use `-u` to map URLs to local files).",
        },
        check: None,
    },
    ValidationRule {
        code: "control-requirement-unresolved",
        severity: Severity::Warning,
        applies_to: AppliesTo::Architecture,
        summary: "A control's requirement could not be resolved offline, so its config was not checked.",
        docs: ValidationRuleDoc {
            what_it_does: "Reports a control `requirement-url` that points at a remote host (or a non-JSON page) that calm-advisor does not fetch. The control's config is not validated.",
            why_it_matters: "The control is declared but unchecked; `--strict` turns this into a failure for pipelines that must verify every control.",
            example: "\"requirement-url\": \"https://internal-policy.example.com/controls/encryption\"",
            how_to_fix: "Map the URL to a local copy with `-u mapping.json` (or `-s DIR` for schemas with an `$id`), or accept the warning.",
        },
        check: None,
    },
    ValidationRule {
        code: "control-legacy-naming",
        severity: Severity::Warning,
        applies_to: AppliesTo::Architecture,
        summary: "The document uses CALM 1.0-rc1 control naming (`control-requirement-url`); those controls are not validated.",
        docs: ValidationRuleDoc {
            what_it_does: "Detects `control-requirement-url` / `control-config-url` anywhere in the document.",
            why_it_matters: "These names were renamed in 1.0-rc2; controls written with them are skipped by control validation.",
            example: "\"requirements\": [ { \"control-requirement-url\": \"https://…\", \"control-config-url\": \"https://…\" } ]",
            how_to_fix: "Rename `control-requirement-url` → `requirement-url`, `control-config-url` → `config-url`, `control-config` → `config`.",
        },
        check: None,
    },
    ValidationRule {
        code: "node-details-validation",
        severity: Severity::Error,
        applies_to: AppliesTo::Architecture,
        summary: "A node's `details.detailed-architecture` cannot be loaded or validated.",
        docs: ValidationRuleDoc {
            what_it_does: "Loads each node's detailed architecture (once, cycle-safe) and validates it with its `required-pattern` or `$schema`; its diagnostics are reported under `/nodes/{i}/details/detailed-architecture`.",
            why_it_matters: "A broken link to a detailed architecture breaks drill-down in every CALM tool.",
            example: "\"details\": { \"detailed-architecture\": \"missing-file.json\" }",
            how_to_fix: "Point `detailed-architecture` at an existing file (relative to the architecture's folder) or map the URL with `-u`.",
        },
        check: None,
    },
    ValidationRule {
        code: "duplicate-key",
        severity: Severity::Warning,
        applies_to: AppliesTo::Architecture,
        summary: "An object has the same key twice; JSON parsers keep only the last value.",
        docs: ValidationRuleDoc {
            what_it_does: "Reports every key that appears more than once in the same JSON object.",
            why_it_matters: "Different tools may keep different copies; what you see in the file is not what gets validated.",
            example: "{ \"unique-id\": \"a\", \"unique-id\": \"b\" }",
            how_to_fix: "Delete one of the two members.",
        },
        check: None,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_complete_and_unique() {
        let all = catalogue();
        assert_eq!(all.len(), 38);
        let mut codes: Vec<_> = all.iter().map(|r| r.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), 38);
        for r in &all {
            assert!(r.check.is_some(), "{}", r.code);
            assert!(
                !r.docs.what_it_does.is_empty() && !r.docs.how_to_fix.is_empty(),
                "{}",
                r.code
            );
            assert!(r.render_docs().contains("## How to fix"));
        }
        assert!(find("json-schema").is_some());
    }
}
