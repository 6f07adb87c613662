//! `add-control`: a control at architecture, node, relationship or flow scope, from a preset
//! or from scratch (tutorial Day 14 step 7).
//!
//! Presets carry the tutorial's values: `high-availability` (availability-percent 99.9,
//! monthly window, 43.8 min/month), `failover` (RTO 5 min, RPO 1 min, automatic; the failover
//! target is the cluster's replica when the scope is a primary/replica cluster),
//! `circuit-breaker` (open after 5 failures in 30 s, 60 s open, 3 half-open calls). Every value
//! can be overridden with `--config key=value`; numbers and booleans are typed, `{…}`/`[…]` are
//! parsed as JSON. The requirement URLs default to the tutorial's organisation placeholders
//! (`https://internal-policy.example.com/…`); pass `--requirement-url` for your own policy.

use super::*;
use crate::ops::{Draft, OpError, Scope};
use serde_json::{Map, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ControlPreset {
    HighAvailability,
    Failover,
    CircuitBreaker,
}

impl ControlPreset {
    pub fn parse(s: &str) -> Result<ControlPreset, OpError> {
        match s {
            "high-availability" => Ok(ControlPreset::HighAvailability),
            "failover" => Ok(ControlPreset::Failover),
            "circuit-breaker" => Ok(ControlPreset::CircuitBreaker),
            _ => Err(OpError::Invalid(format!(
                "preset `{s}`: expected high-availability, failover or circuit-breaker"
            ))),
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            ControlPreset::HighAvailability => "high-availability",
            ControlPreset::Failover => "failover",
            ControlPreset::CircuitBreaker => "circuit-breaker",
        }
    }
    /// The default requirement URL of the preset (under internal-policy.example.com).
    pub fn requirement_url(self) -> &'static str {
        match self {
            ControlPreset::HighAvailability => {
                "https://internal-policy.example.com/sla/99-9-uptime"
            }
            ControlPreset::Failover => {
                "https://internal-policy.example.com/resilience/database-failover"
            }
            ControlPreset::CircuitBreaker => {
                "https://internal-policy.example.com/resilience/circuit-breaker"
            }
        }
    }
    fn description(self, scope: &Scope, d: &Draft) -> String {
        let subject = match scope {
            Scope::Node(id) => display_name(d, id),
            Scope::Relationship(id) | Scope::Flow(id) => id.clone(),
            Scope::Architecture => String::new(),
        };
        match (self, scope) {
            (ControlPreset::HighAvailability, Scope::Architecture) => {
                "System-wide uptime requirement".into()
            }
            (ControlPreset::HighAvailability, _) => format!("Uptime requirement for {subject}"),
            (ControlPreset::Failover, Scope::Architecture) => {
                "Failover requirements with recovery time and recovery point objectives".into()
            }
            (ControlPreset::Failover, _) => format!(
                "{subject} failover requirements with recovery time and recovery point objectives"
            ),
            (ControlPreset::CircuitBreaker, Scope::Architecture) => {
                "Circuit breaker thresholds protecting callers from cascading failures".into()
            }
            (ControlPreset::CircuitBreaker, _) => format!(
                "Circuit breaker thresholds protecting {subject} from cascading failures in its downstream dependencies"
            ),
        }
    }
    fn config(self, scope: &Scope, d: &Draft) -> Map<String, Value> {
        match self {
            ControlPreset::HighAvailability => obj(vec![
                ("availability-percent", Value::from(99.9)),
                ("measurement-window", Value::from("monthly")),
                ("max-downtime-minutes-per-month", Value::from(43.8)),
            ]),
            ControlPreset::Failover => {
                let mut m = obj(vec![
                    ("rto-minutes", Value::from(5)),
                    ("rpo-minutes", Value::from(1)),
                    ("failover-mode", Value::from("automatic")),
                ]);
                if let Scope::Node(id) = scope
                    && let Some(replica) = cluster_replica(d, id)
                {
                    m.insert("failover-target".into(), Value::from(replica));
                }
                m
            }
            ControlPreset::CircuitBreaker => obj(vec![
                ("failure-threshold", Value::from(5)),
                ("failure-window-seconds", Value::from(30)),
                ("open-state-duration-seconds", Value::from(60)),
                ("half-open-max-calls", Value::from(3)),
            ]),
        }
    }
}

/// The first member with `role: replica` of the `composed-of` relationship whose container is `id`.
fn cluster_replica(d: &Draft, id: &str) -> Option<String> {
    let members = d
        .relationships()
        .iter()
        .find(|r| s(r, "/relationship-type/composed-of/container") == Some(id))?
        .pointer("/relationship-type/composed-of/nodes")?
        .as_array()?
        .clone();
    members
        .iter()
        .filter_map(Value::as_str)
        .find(|m| {
            d.node(m)
                .and_then(|n| n.pointer("/metadata/role"))
                .and_then(Value::as_str)
                == Some("replica")
        })
        .map(str::to_string)
}

/// Control requirements published with the CALM TraderX sample (docs/advisor-design.md §1.6).
const TRADERX: [&str; 19] = [
    "availability",
    "failover-redundancy",
    "disaster-recovery",
    "error-handling",
    "timeout-handling",
    "health-check",
    "scalability",
    "latency",
    "throughput",
    "api-rate-limiting",
    "data-encryption",
    "authentication",
    "authorization",
    "monitoring",
    "alerting",
    "tracing",
    "logging",
    "audit-logging",
    "secrets-management",
];

/// Requirement URL for a control id given without `--requirement-url`: the TraderX requirement
/// of that name when there is one, else the same organisation placeholder the presets use.
pub fn default_requirement_url(id: &str) -> String {
    if TRADERX.contains(&id) {
        format!("https://calm.finos.org/traderx/control-requirement/{id}")
    } else {
        format!("https://internal-policy.example.com/controls/{id}")
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AddControl {
    /// Where: architecture, node:ID, relationship:ID or flow:ID.
    #[cfg_attr(feature = "cli", arg(long, default_value = "architecture"))]
    #[serde(default)]
    pub scope: Scope,
    /// Control id (default: the preset's name).
    #[cfg_attr(feature = "cli", arg(long, value_name = "ID"))]
    #[serde(default, alias = "control_id", skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Requirement URL (default: the preset's; without a preset, the CALM TraderX requirement of
    /// that id when there is one, else https://internal-policy.example.com/controls/ID).
    #[cfg_attr(feature = "cli", arg(long, value_name = "URL"))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requirement_url: Option<String>,
    /// Description of the control (default: the preset's).
    #[cfg_attr(feature = "cli", arg(long))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Config values, key=value (numbers, booleans and {…}/[…] JSON are typed); overrides the
    /// preset's.
    #[cfg_attr(feature = "cli", arg(long, value_name = "KEY=VALUE", num_args = 1..))]
    #[serde(default, with = "config_form", skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "schema", schemars(with = "serde_json::Map<String, Value>"))]
    pub config: Vec<String>,
    /// Start from a preset: high-availability (availability-percent 99.9, monthly, 43.8 min),
    /// failover (rto-minutes 5, rpo-minutes 1, automatic), circuit-breaker (failure-threshold 5
    /// in failure-window-seconds 30, open 60 s, 3 half-open calls).
    #[cfg_attr(feature = "cli", arg(long, value_enum))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<ControlPreset>,
}

/// `config` in the serde form: an object (`{"rto-minutes": 5}`); a list of `key=value` words is
/// accepted too. Values are kept as the CLI's `key=value` words.
mod config_form {
    use serde::{Deserialize, Deserializer, Serializer, ser::SerializeMap};
    use serde_json::Value;

    pub fn serialize<S: Serializer>(config: &[String], s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(config.len()))?;
        for kv in config {
            let (k, v) = kv.split_once('=').unwrap_or((kv.as_str(), ""));
            m.serialize_entry(k, &super::parse_config_value(v))?;
        }
        m.end()
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Form {
        Object(serde_json::Map<String, Value>),
        Words(Vec<String>),
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
        Ok(match Option::<Form>::deserialize(d)? {
            None => Vec::new(),
            Some(Form::Words(w)) => w,
            Some(Form::Object(m)) => m
                .iter()
                .map(|(k, v)| format!("{k}={}", crate::recipes::value_word(v)))
                .collect(),
        })
    }
}

/// Parse `key=value`: integers, floats, booleans, null and JSON objects/arrays are typed.
pub fn parse_config_value(raw: &str) -> Value {
    let t = raw.trim();
    if let Ok(i) = t.parse::<i64>() {
        return Value::from(i);
    }
    if let Ok(f) = t.parse::<f64>()
        && f.is_finite()
        && t.chars().any(|c| c.is_ascii_digit())
    {
        return Value::from(f);
    }
    match t {
        "true" => return Value::Bool(true),
        "false" => return Value::Bool(false),
        "null" => return Value::Null,
        _ => {}
    }
    if (t.starts_with('{') || t.starts_with('['))
        && let Ok(v) = serde_json::from_str::<Value>(t)
    {
        return v;
    }
    Value::from(raw)
}

impl AddControl {
    pub fn preset(scope: Scope, preset: ControlPreset) -> Self {
        AddControl {
            scope,
            id: None,
            requirement_url: None,
            description: None,
            config: Vec::new(),
            preset: Some(preset),
        }
    }

    pub fn apply(&self, d: &mut Draft) -> Result<(), OpError> {
        let scope = &self.scope;
        let id = match (&self.id, self.preset) {
            (Some(id), _) => id.clone(),
            (None, Some(p)) => p.name().to_string(),
            (None, None) => {
                return Err(OpError::Invalid("--id is required without --preset".into()));
            }
        };
        if id.trim().is_empty() {
            return Err(OpError::Invalid("the control id is empty".into()));
        }
        let url = match (&self.requirement_url, self.preset) {
            (Some(u), _) => u.clone(),
            (None, Some(p)) => p.requirement_url().to_string(),
            (None, None) => default_requirement_url(&id),
        };
        // Check the scope exists before asking the preset about it.
        match scope {
            Scope::Node(n) if d.node(n).is_none() => return Err(OpError::NoNode(n.clone())),
            Scope::Relationship(r) if d.relationship(r).is_none() => {
                return Err(OpError::NoRelationship(r.clone()));
            }
            Scope::Flow(f) if !d.flows().iter().any(|x| s(x, "/unique-id") == Some(f)) => {
                return Err(OpError::NoFlow(f.clone()));
            }
            _ => {}
        }
        let mut config = self.preset.map(|p| p.config(scope, d)).unwrap_or_default();
        for kv in &self.config {
            let (k, v) = kv
                .split_once('=')
                .ok_or_else(|| OpError::Invalid(format!("--config `{kv}`: expected key=value")))?;
            let k = k.trim();
            if k.is_empty() {
                return Err(OpError::Invalid(format!("--config `{kv}`: empty key")));
            }
            config.insert(k.to_string(), parse_config_value(v));
        }
        let description = match (&self.description, self.preset) {
            (Some(x), _) => x.clone(),
            (None, Some(p)) => p.description(scope, d),
            (None, None) => format!("{id} requirement"),
        };
        d.add_control(scope, &id, &description, &url, config)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_config_values() {
        assert_eq!(parse_config_value("5"), Value::from(5));
        assert_eq!(parse_config_value("99.95"), Value::from(99.95));
        assert_eq!(parse_config_value("true"), Value::Bool(true));
        assert_eq!(parse_config_value("monthly"), Value::from("monthly"));
        assert_eq!(
            parse_config_value("{\"unit\":\"minutes\",\"value\":5}")["unit"],
            "minutes"
        );
        assert_eq!(parse_config_value("inf"), Value::from("inf"));
    }
}
