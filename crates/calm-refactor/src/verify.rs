//! Safety checks before a change is written (docs/advisor-design.md §5.2 verification loop):
//! references, validation, idempotence and a re-review.
//!
//! - References ([`check_references`]): every node, interface, relationship a document
//!   mentions exists; ids are unique; sequence numbers are unique per flow. Cheap, and
//!   independent of the validator, so the property tests can run it thousands of times.
//! - Validation: the full `calm-validate` engine (schema + architecture rules). Errors that
//!   the original document did not have block the change; earlier errors are reported.
//! - Idempotence: planning the recipe again on the result must change nothing.
//! - Re-review with `calm-analysis`: findings resolved and introduced by the change. A targeted
//!   finding (`fix --finding`) must clear; introduced findings are always shown, never hidden.

use crate::{Plan, plan};
use calm_analysis::{Finding, ReviewOptions, Severity};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::{Arc, Mutex};

/// Dangling references and duplicate ids in a CALM document (empty = consistent).
pub fn check_references(doc: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let empty = Vec::new();
    let arr = |k: &str| {
        doc.get(k)
            .and_then(Value::as_array)
            .unwrap_or(&empty)
            .clone()
    };
    let nodes = arr("nodes");
    let rels = arr("relationships");
    let flows = arr("flows");
    let mut ids: BTreeMap<String, usize> = BTreeMap::new();
    let mut node_ifaces: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for n in &nodes {
        let id = n
            .get("unique-id")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        *ids.entry(id.clone()).or_default() += 1;
        let ifs = node_ifaces.entry(id).or_default();
        for i in n
            .get("interfaces")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(iid) = i.get("unique-id").and_then(Value::as_str) {
                *ids.entry(iid.to_string()).or_default() += 1;
                ifs.insert(iid.to_string());
            }
        }
    }
    for x in rels.iter().chain(&flows) {
        if let Some(id) = x.get("unique-id").and_then(Value::as_str) {
            *ids.entry(id.to_string()).or_default() += 1;
        }
    }
    for (id, n) in &ids {
        if *n > 1 {
            problems.push(format!("unique-id `{id}` is used {n} times"));
        }
    }
    let node_exists = |id: &str| node_ifaces.contains_key(id);
    let rel_ids: BTreeSet<&str> = rels
        .iter()
        .filter_map(|r| r.get("unique-id").and_then(Value::as_str))
        .collect();
    for r in &rels {
        let rid = r.get("unique-id").and_then(Value::as_str).unwrap_or("?");
        let Some(rt) = r.get("relationship-type") else {
            continue;
        };
        if let Some(c) = rt.get("connects") {
            for end in ["source", "destination"] {
                let node = c
                    .pointer(&format!("/{end}/node"))
                    .and_then(Value::as_str)
                    .unwrap_or("");
                if !node_exists(node) {
                    problems.push(format!(
                        "relationship {rid}: {end} node `{node}` does not exist"
                    ));
                    continue;
                }
                for i in c
                    .pointer(&format!("/{end}/interfaces"))
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let i = i.as_str().unwrap_or("");
                    if !node_ifaces[node].contains(i) {
                        problems.push(format!(
                            "relationship {rid}: interface `{i}` is not an interface of {node}"
                        ));
                    }
                }
            }
        }
        for (kind, single) in [
            ("interacts", "actor"),
            ("composed-of", "container"),
            ("deployed-in", "container"),
        ] {
            if let Some(c) = rt.get(kind) {
                let one = c.get(single).and_then(Value::as_str).unwrap_or("");
                if !node_exists(one) {
                    problems.push(format!(
                        "relationship {rid}: {single} `{one}` does not exist"
                    ));
                }
                for m in c
                    .get("nodes")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let m = m.as_str().unwrap_or("");
                    if !node_exists(m) {
                        problems.push(format!("relationship {rid}: node `{m}` does not exist"));
                    }
                }
            }
        }
    }
    for f in &flows {
        let fid = f.get("unique-id").and_then(Value::as_str).unwrap_or("?");
        let mut seqs = BTreeSet::new();
        for t in f
            .get("transitions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let r = t
                .get("relationship-unique-id")
                .and_then(Value::as_str)
                .unwrap_or("");
            if !rel_ids.contains(r) {
                problems.push(format!("flow {fid}: relationship `{r}` does not exist"));
            }
            if let Some(s) = t.get("sequence-number").and_then(Value::as_i64)
                && !seqs.insert(s)
            {
                problems.push(format!("flow {fid}: sequence-number {s} is used twice"));
            }
        }
    }
    problems
}

/// A finding that a change resolved or introduced.
#[derive(Debug, Clone, PartialEq)]
pub struct FindingChange {
    pub id: String,
    pub rule: String,
    pub severity: Severity,
    pub title: String,
}

impl FindingChange {
    fn of(f: &Finding) -> Self {
        FindingChange {
            id: f.id.clone(),
            rule: f.rule.clone(),
            severity: f.severity,
            title: f.title.clone(),
        }
    }
}

/// What the checks found about one planned change.
#[derive(Debug, Clone, Default)]
pub struct Verification {
    /// Dangling references / duplicate ids in the result.
    pub reference_problems: Vec<String>,
    /// Validation errors of the result that the original did not have (`code at path: message`).
    pub new_validation_errors: Vec<String>,
    /// Validation errors the original already had (reported, not blocking).
    pub preexisting_validation_errors: usize,
    /// Set when the validator could not run at all.
    pub validator_failure: Option<String>,
    /// Planning the recipe again on the result changed something (listed).
    pub not_idempotent: Vec<String>,
    /// Findings gone after the change.
    pub resolved: Vec<FindingChange>,
    /// Findings that appear only after the change (always shown).
    pub introduced: Vec<FindingChange>,
    /// With a target finding: its id and whether it cleared.
    pub target: Option<(String, bool)>,
}

impl Verification {
    /// Reasons not to write the change (empty = safe to write).
    pub fn blocking(&self) -> Vec<String> {
        let mut out = Vec::new();
        out.extend(
            self.reference_problems
                .iter()
                .map(|p| format!("broken reference: {p}")),
        );
        out.extend(
            self.new_validation_errors
                .iter()
                .map(|p| format!("validation error: {p}")),
        );
        if let Some(f) = &self.validator_failure {
            out.push(format!("the result could not be validated: {f}"));
        }
        out.extend(
            self.not_idempotent
                .iter()
                .map(|p| format!("not idempotent, a second run would also: {p}")),
        );
        if let Some((id, false)) = &self.target {
            out.push(format!("finding {id} is still reported after the change"));
        }
        out
    }

    pub fn ok(&self) -> bool {
        self.blocking().is_empty()
    }

    /// Introduced findings at or above `severity` (the ones a user must see first).
    pub fn introduced_at_least(&self, severity: Severity) -> Vec<&FindingChange> {
        self.introduced
            .iter()
            .filter(|f| f.severity >= severity)
            .collect()
    }
}

/// Runs the checks; holds the validator so its schemas are compiled once.
pub struct Verifier {
    engine: Result<calm_validate::Validator, String>,
    review: ReviewOptions,
    /// What the last few texts checked gave ([`Checked`]): the text before a change is the
    /// same for every fix offered on one buffer (an editor asks for all the quick fixes under
    /// the cursor, and again when the cursor comes back), and validating and reviewing it is
    /// most of a check's cost on a large model.
    checked: Mutex<VecDeque<Arc<Checked>>>,
}

/// How many texts [`Verifier`] remembers: the text of a buffer and the results of the fixes
/// offered on it. Each entry holds its text and the ids and titles of its findings.
const CHECKED_TEXTS: usize = 4;

/// The validation errors and findings of one text.
struct Checked {
    name: String,
    text: String,
    /// Suppressions expire by date: a review of another day is another review.
    today: String,
    validation: Result<Vec<String>, String>,
    findings: Result<Vec<FindingChange>, String>,
}

impl Default for Verifier {
    fn default() -> Self {
        Self::new()
    }
}

impl Verifier {
    pub fn new() -> Verifier {
        let engine = calm_validate::Validator::new(calm_validate::Config::default())
            .map_err(|e| e.to_string());
        // Today's date decides which suppressions have expired, as in `review`.
        let review = ReviewOptions::default();
        Verifier {
            engine,
            review,
            checked: Mutex::new(VecDeque::new()),
        }
    }

    /// The validation errors and findings of `text`, from the last texts checked when it is
    /// one of them (compared in full: a stale answer would let a broken change through).
    fn checked(&self, name: &str, text: &str) -> Arc<Checked> {
        let cache = || self.checked.lock().unwrap_or_else(|e| e.into_inner());
        let today = calm_analysis::suppress::today();
        if let Some(hit) = cache()
            .iter()
            .find(|c| c.name == name && c.text == text && c.today == today)
        {
            return hit.clone();
        }
        let fresh = Arc::new(Checked {
            name: name.to_string(),
            text: text.to_string(),
            today,
            validation: self.validation_errors(name, text),
            findings: self
                .findings(name, text)
                .map(|f| f.iter().map(FindingChange::of).collect()),
        });
        let mut c = cache();
        if c.len() == CHECKED_TEXTS {
            c.pop_front();
        }
        c.push_back(fresh.clone());
        fresh
    }

    /// Validation errors of a document as `code at pointer: message`.
    pub fn validation_errors(&self, name: &str, text: &str) -> Result<Vec<String>, String> {
        let engine = self.engine.as_ref().map_err(Clone::clone)?;
        let doc = calm_model::Document::from_str(name, text).map_err(|e| e.to_string())?;
        let outcome = engine
            .validate_architecture_doc(doc, None)
            .map_err(|e| e.to_string())?;
        let mut out: Vec<String> = outcome
            .report
            .diagnostics
            .iter()
            .filter(|d| d.severity == calm_validate::Severity::Error)
            .map(|d| {
                format!(
                    "{} at {}: {}",
                    d.code,
                    if d.pointer.is_empty() {
                        "/"
                    } else {
                        &d.pointer
                    },
                    d.message
                )
            })
            .collect();
        out.sort();
        Ok(out)
    }

    /// The review's findings of a document.
    pub fn findings(&self, name: &str, text: &str) -> Result<Vec<Finding>, String> {
        let doc = calm_model::Document::from_str(name, text).map_err(|e| e.to_string())?;
        Ok(calm_analysis::review(&doc, &self.review).findings)
    }

    /// Check a planned change. `target` is the finding id the change is meant to clear.
    pub fn verify(&self, p: &Plan, target: Option<&str>) -> Verification {
        let mut v = Verification {
            reference_problems: check_references(&p.after),
            ..Verification::default()
        };
        // Only problems the change introduced count (a document may be inconsistent already).
        let before_refs: BTreeSet<String> = check_references(&p.before).into_iter().collect();
        v.reference_problems.retain(|x| !before_refs.contains(x));

        let (before_checked, after_checked) = (
            self.checked(&p.name, &p.before_text),
            self.checked(&p.name, &p.after_text),
        );
        match (&before_checked.validation, &after_checked.validation) {
            (Ok(before), Ok(after)) => {
                // Pointers move when elements are inserted; compare by code and message.
                let strip = |e: &String| {
                    let (code, rest) = e.split_once(" at ").unwrap_or((e, ""));
                    format!(
                        "{code}|{}",
                        rest.split_once(": ").map(|x| x.1).unwrap_or(rest)
                    )
                };
                let mut old: Vec<String> = before.iter().map(strip).collect();
                v.preexisting_validation_errors = before.len();
                for e in after {
                    let key = strip(e);
                    if let Some(i) = old.iter().position(|o| *o == key) {
                        old.remove(i);
                    } else {
                        v.new_validation_errors.push(e.clone());
                    }
                }
            }
            (_, Err(e)) | (Err(e), _) => v.validator_failure = Some(e.clone()),
        }

        match plan(&p.name, &p.after_text, &p.recipe) {
            Ok(again) if !again.is_noop() => v.not_idempotent = again.changes,
            Ok(_) => {}
            Err(e) => v.not_idempotent = vec![format!("a second run fails: {e}")],
        }

        if let (Ok(before), Ok(after)) = (&before_checked.findings, &after_checked.findings) {
            let after_ids: BTreeSet<&str> = after.iter().map(|f| f.id.as_str()).collect();
            let before_ids: BTreeSet<&str> = before.iter().map(|f| f.id.as_str()).collect();
            v.resolved = before
                .iter()
                .filter(|f| !after_ids.contains(f.id.as_str()))
                .cloned()
                .collect();
            v.introduced = after
                .iter()
                .filter(|f| !before_ids.contains(f.id.as_str()))
                .cloned()
                .collect();
            v.introduced
                .sort_by(|a, b| b.severity.cmp(&a.severity).then(a.id.cmp(&b.id)));
            v.resolved
                .sort_by(|a, b| b.severity.cmp(&a.severity).then(a.id.cmp(&b.id)));
            if let Some(t) = target {
                v.target = Some((t.to_string(), !after_ids.contains(t)));
            }
        } else if let Some(t) = target {
            v.target = Some((t.to_string(), false));
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_dangling_references() {
        let doc = json!({
            "nodes": [{"unique-id": "a", "interfaces": [{"unique-id": "a-i"}]}, {"unique-id": "b"}],
            "relationships": [
                {"unique-id": "r", "relationship-type": {"connects": {"source": {"node": "a", "interfaces": ["x"]}, "destination": {"node": "c"}}}},
                {"unique-id": "a", "relationship-type": {"interacts": {"actor": "b", "nodes": ["a"]}}}
            ],
            "flows": [{"unique-id": "f", "transitions": [
                {"relationship-unique-id": "r", "sequence-number": 1},
                {"relationship-unique-id": "q", "sequence-number": 1}]}]
        });
        let p = check_references(&doc);
        assert!(p.iter().any(|x| x.contains("`a` is used 2 times")));
        assert!(p.iter().any(|x| x.contains("interface `x`")));
        assert!(p.iter().any(|x| x.contains("destination node `c`")));
        assert!(p.iter().any(|x| x.contains("relationship `q`")));
        assert!(p.iter().any(|x| x.contains("sequence-number 1")));
        assert_eq!(p.len(), 5);
    }
}
