//! Per-rule configuration (docs/advisor-design.md §3.8): rules switched off, and severity overrides.
//!
//! Read from a JSON config file (`review --config FILE`) or given on the command line
//! (`review --disable RULE,…`):
//!
//! ```json
//! {"rules": {
//!   "unencrypted-transport": "off",
//!   "RES-17": "low",
//!   "spof-node": {"enabled": true, "severity": "critical"}
//! }}
//! ```
//!
//! Rules are named by id or code, case-insensitively; an unknown name or severity is an error that
//! names the JSON pointer (a typo must not silently keep a rule on). A disabled rule does not run
//! at all; an override sets the severity of every finding of the rule, says so in the finding's
//! evidence, and is listed under `assumptions.ruleConfiguration`.

use crate::finding::{Evidence, Finding, Severity};
use crate::rules;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// A bad entry in a rule configuration: where (JSON pointer) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsError {
    pub pointer: String,
    pub message: String,
}

impl std::fmt::Display for SettingsError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "{}: {}", self.pointer, self.message)
    }
}

fn error(pointer: &str, message: String) -> SettingsError {
    SettingsError {
        pointer: pointer.to_string(),
        message,
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleSettings {
    /// Rule ids that do not run.
    pub disabled: BTreeSet<String>,
    /// Rule id → the severity every finding of the rule gets.
    pub severity: BTreeMap<String, Severity>,
    /// Where the settings came from (file name, `--disable`), for the assumptions.
    pub sources: Vec<String>,
}

/// The rule id for a rule id or code, case-insensitive.
fn rule_id(name: &str) -> Option<&'static str> {
    rules::find(name.trim()).map(|r| r.meta().id)
}

impl RuleSettings {
    /// Settings from a config document `{"rules": {NAME: "off" | SEVERITY | {"enabled", "severity"}}}`
    /// read from `file`. Errors carry the JSON pointer of the bad entry.
    pub fn parse(file: &str, v: &Value) -> Result<RuleSettings, SettingsError> {
        let mut s = RuleSettings::default();
        let rules = match v.get("rules") {
            None => return Ok(s),
            Some(Value::Object(m)) => m,
            Some(_) => {
                return Err(error(
                    "/rules",
                    "expected an object of rule settings".into(),
                ));
            }
        };
        for (name, setting) in rules {
            let pointer = format!("/rules/{}", name.replace('~', "~0").replace('/', "~1"));
            let Some(id) = rule_id(name) else {
                return Err(error(
                    &pointer,
                    format!("unknown rule \"{name}\" (`calm-advisor rules` lists them)"),
                ));
            };
            let severity_of = |x: &Value, at: &str| -> Result<Severity, SettingsError> {
                x.as_str().and_then(Severity::parse).ok_or_else(|| {
                    error(
                        at,
                        format!("expected a severity (info, low, medium, high, critical), got {x}"),
                    )
                })
            };
            match setting {
                Value::String(t)
                    if matches!(t.to_ascii_lowercase().as_str(), "off" | "disabled") =>
                {
                    s.disabled.insert(id.to_string());
                }
                Value::Bool(false) => {
                    s.disabled.insert(id.to_string());
                }
                Value::Bool(true) => {}
                Value::String(_) => {
                    s.severity
                        .insert(id.to_string(), severity_of(setting, &pointer)?);
                }
                Value::Object(o) => {
                    for k in o.keys() {
                        if k != "enabled" && k != "severity" {
                            return Err(error(
                                &format!("{pointer}/{k}"),
                                "unknown setting (expected \"enabled\" or \"severity\")".into(),
                            ));
                        }
                    }
                    match o.get("enabled") {
                        None | Some(Value::Bool(true)) => {}
                        Some(Value::Bool(false)) => {
                            s.disabled.insert(id.to_string());
                        }
                        Some(x) => {
                            return Err(error(
                                &format!("{pointer}/enabled"),
                                format!("expected true or false, got {x}"),
                            ));
                        }
                    }
                    if let Some(x) = o.get("severity") {
                        let sev = severity_of(x, &format!("{pointer}/severity"))?;
                        s.severity.insert(id.to_string(), sev);
                    }
                }
                other => {
                    return Err(error(
                        &pointer,
                        format!("expected \"off\", a severity or an object, got {other}"),
                    ));
                }
            }
        }
        s.sources.push(file.to_string());
        Ok(s)
    }

    /// Switch off the rules named (ids or codes); `source` says where they came from.
    pub fn disable<'n>(
        &mut self,
        names: impl IntoIterator<Item = &'n str>,
        source: &str,
    ) -> Result<(), String> {
        let mut any = false;
        for n in names {
            let id = rule_id(n).ok_or_else(|| {
                format!("{source}: unknown rule \"{n}\" (`calm-advisor rules` lists them)")
            })?;
            self.disabled.insert(id.to_string());
            any = true;
        }
        if any {
            self.sources.push(source.to_string());
        }
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.disabled.is_empty() && self.severity.is_empty()
    }

    pub fn enabled(&self, rule_id: &str) -> bool {
        !self.disabled.contains(rule_id)
    }

    /// Apply the severity overrides (the evidence records the rule's own severity).
    pub fn apply(&self, findings: &mut [Finding]) {
        for f in findings {
            if let Some(s) = self.severity.get(&f.rule)
                && *s != f.severity
            {
                f.evidence.push(Evidence {
                    kind: "configuration".into(),
                    detail: format!(
                        "severity set to {} by the rule configuration (the rule gives {})",
                        s.as_str(),
                        f.severity.as_str()
                    ),
                });
                f.severity = *s;
            }
        }
    }

    /// The `assumptions.ruleConfiguration` entry.
    pub fn describe(&self) -> Value {
        json!({
            "disabled": self.disabled,
            "severity": self.severity.iter().map(|(k, v)| (k.clone(), json!(v.as_str()))).collect::<serde_json::Map<_, _>>(),
            "from": self.sources,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form_and_names_bad_entries() {
        let s = RuleSettings::parse(
            "c.json",
            &json!({"rules": {"unencrypted-transport": "off", "RES-17": "low",
                "spof-node": {"enabled": true, "severity": "critical"}, "missing-health-check": false}}),
        )
        .unwrap();
        assert!(!s.enabled("unencrypted-transport") && !s.enabled("missing-health-check"));
        assert!(s.enabled("spof-node"));
        assert_eq!(
            s.severity.get("flow-availability-below-target"),
            Some(&Severity::Low)
        );
        assert_eq!(s.severity.get("spof-node"), Some(&Severity::Critical));

        let e =
            RuleSettings::parse("c.json", &json!({"rules": {"spof-nodes": "off"}})).unwrap_err();
        assert!(
            e.to_string().starts_with("/rules/spof-nodes: unknown rule"),
            "{e}"
        );
        let e = RuleSettings::parse(
            "c.json",
            &json!({"rules": {"spof-node": {"severity": "huge"}}}),
        )
        .unwrap_err();
        assert_eq!(e.pointer, "/rules/spof-node/severity");
        assert!(e.message.starts_with("expected a severity"), "{e}");
        let e = RuleSettings::parse(
            "c.json",
            &json!({"rules": {"spof-node": {"enable": false}}}),
        )
        .unwrap_err();
        assert_eq!(e.pointer, "/rules/spof-node/enable");
        assert!(e.message.starts_with("unknown setting"), "{e}");
        assert!(RuleSettings::parse("c.json", &json!({"rules": []})).is_err());
        assert!(
            RuleSettings::parse("c.json", &json!({}))
                .unwrap()
                .is_empty()
        );
    }
}
