//! The server's settings: the `calmAdvisor` section an editor sends (as `initializationOptions`
//! or `workspace/didChangeConfiguration`), and which documents are CALM architectures.

use calm_analysis::Severity;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// What the editor configured (all optional; defaults as below).
#[derive(Debug, Clone)]
pub struct Settings {
    /// Least severe finding shown (default: all).
    pub min_severity: Option<Severity>,
    /// Review findings besides validation (default true).
    pub review: bool,
    /// Rule-configuration file and baseline file, relative to the workspace folder (as
    /// `review --config` / `--baseline`).
    pub config: Option<String>,
    pub baseline: Option<String>,
    /// Rules switched off (`review --disable`).
    pub disable: Vec<String>,
    /// Globs of files that are CALM even without a CALM `$schema`.
    pub calm_files: Vec<String>,
    calm_globs: Option<globset::GlobSet>,
    /// Quiet time after a change before analysing (changes arriving meanwhile coalesce).
    pub debounce_ms: u64,
    /// The client shows explanations itself (the VS Code extension): no message pop-up.
    pub explain_view: bool,
    /// The client asks for a suppression's justification before running the command.
    pub justification_prompt: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            min_severity: None,
            review: true,
            config: None,
            baseline: None,
            disable: Vec::new(),
            calm_files: Vec::new(),
            calm_globs: None,
            debounce_ms: 10,
            explain_view: false,
            justification_prompt: false,
        }
    }
}

pub fn severity(s: &str) -> Option<Severity> {
    match s.trim().to_ascii_lowercase().as_str() {
        "info" => Some(Severity::Info),
        "low" => Some(Severity::Low),
        "medium" => Some(Severity::Medium),
        "high" => Some(Severity::High),
        "critical" => Some(Severity::Critical),
        _ => None,
    }
}

impl Settings {
    /// Read `initializationOptions`: `{"settings": {...}, "clientFeatures": [...]}`, a bare
    /// settings object, or `{"calmAdvisor": {...}}`. Unknown keys and bad values are ignored
    /// (the editor's settings UI is where they are typed; the log says what was not understood).
    pub fn from_init(v: Option<&Value>) -> (Settings, Vec<String>) {
        let mut s = Settings::default();
        let mut problems = Vec::new();
        if let Some(v) = v {
            let features = v.get("clientFeatures").and_then(Value::as_array);
            for f in features.into_iter().flatten().filter_map(Value::as_str) {
                match f {
                    "explain-view" => s.explain_view = true,
                    "justification-prompt" => s.justification_prompt = true,
                    _ => {}
                }
            }
            let section = v
                .get("settings")
                .or_else(|| v.get("calmAdvisor"))
                .unwrap_or(v);
            problems = s.update(section);
        }
        (s, problems)
    }

    /// Apply a settings object (`didChangeConfiguration`'s `settings.calmAdvisor`, or the
    /// section itself). Returns what could not be understood.
    pub fn update(&mut self, v: &Value) -> Vec<String> {
        let v = v.get("calmAdvisor").unwrap_or(v);
        let mut problems = Vec::new();
        let Some(o) = v.as_object() else {
            return problems;
        };
        let string = |k: &str| {
            o.get(k)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        if let Some(m) = o.get("minSeverity") {
            match m.as_str() {
                Some(x) if severity(x).is_some() => self.min_severity = severity(x),
                Some("") | None if m.is_null() => self.min_severity = None,
                _ => problems.push(format!(
                    "minSeverity {m}: expected info, low, medium, high or critical"
                )),
            }
        }
        if let Some(b) = o.get("review").and_then(Value::as_bool) {
            self.review = b;
        }
        if o.contains_key("config") {
            self.config = string("config");
        }
        if o.contains_key("baseline") {
            self.baseline = string("baseline");
        }
        if let Some(a) = o.get("disable").and_then(Value::as_array) {
            self.disable = a
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect();
        }
        if let Some(a) = o.get("calmFiles").and_then(Value::as_array) {
            self.calm_files = a
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect();
            let mut b = globset::GlobSetBuilder::new();
            for g in &self.calm_files {
                match globset::Glob::new(g) {
                    Ok(g) => {
                        b.add(g);
                    }
                    Err(e) => problems.push(format!("calmFiles {g}: {e}")),
                }
            }
            self.calm_globs = b.build().ok();
        }
        if let Some(d) = o.get("debounceMs").and_then(Value::as_u64) {
            // A bound keeps a typo from silencing the server.
            self.debounce_ms = d.min(5_000);
        }
        problems
    }

    /// Whether the document is a CALM architecture the server analyses: its `$schema` names a
    /// CALM schema (not a timeline), or its path matches `calmFiles`. Other JSON is left alone.
    pub fn is_calm(&self, text: &str, path: Option<&Path>, roots: &[PathBuf]) -> bool {
        if let (Some(globs), Some(p)) = (&self.calm_globs, path) {
            let relative = roots.iter().find_map(|r| p.strip_prefix(r).ok());
            if globs.is_match(p) || relative.is_some_and(|r| globs.is_match(r)) {
                return true;
            }
        }
        declared_schema(text).is_some_and(|s| {
            let s = s.to_ascii_lowercase();
            s.contains("calm") && !s.contains("timeline")
        })
    }
}

/// The `$schema` string of a JSON text, read without parsing it (the text may be broken while
/// someone types). The first `"$schema": "..."` member wins.
pub fn declared_schema(text: &str) -> Option<&str> {
    let at = text.find("\"$schema\"")?;
    let rest = text[at + 9..].trim_start();
    let rest = rest.strip_prefix(':')?.trim_start();
    let rest = rest.strip_prefix('"')?;
    let end = rest.find('"')?;
    Some(&rest[..end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn settings_come_from_any_of_the_shapes_editors_send() {
        let (s, p) = Settings::from_init(Some(&json!({
            "settings": {"minSeverity": "high", "review": false, "disable": ["spof-node"]},
            "clientFeatures": ["explain-view"]
        })));
        assert!(p.is_empty());
        assert_eq!(s.min_severity, Some(Severity::High));
        assert!(!s.review && s.explain_view && !s.justification_prompt);
        assert_eq!(s.disable, ["spof-node"]);
        let (s, _) = Settings::from_init(Some(&json!({"calmAdvisor": {"minSeverity": "low"}})));
        assert_eq!(s.min_severity, Some(Severity::Low));
        let (_, p) = Settings::from_init(Some(&json!({"minSeverity": "loud"})));
        assert_eq!(p.len(), 1);
    }

    #[test]
    fn only_calm_documents_are_analysed() {
        let s = Settings::default();
        let calm = r#"{"$schema": "https://calm.finos.org/release/1.1/meta/calm.json", "nodes": ["#;
        assert!(s.is_calm(calm, None, &[]));
        assert!(!s.is_calm(r#"{"name": "package", "version": "1"}"#, None, &[]));
        let timeline =
            r#"{"$schema": "https://calm.finos.org/release/1.1/meta/calm-timeline.json"}"#;
        assert!(!s.is_calm(timeline, None, &[]));
        let mut s = Settings::default();
        s.update(&json!({"calmFiles": ["arch/**/*.json"]}));
        let root = PathBuf::from("/w");
        assert!(s.is_calm(
            "{}",
            Some(Path::new("/w/arch/x/a.json")),
            std::slice::from_ref(&root)
        ));
        assert!(!s.is_calm("{}", Some(Path::new("/w/other/a.json")), &[root]));
    }
}
