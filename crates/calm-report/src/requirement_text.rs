//! Turns a control requirement's inline `config` into a short phrase for a table cell
//! (`99.9% availability (monthly)`, `RTO 5 min / RPO 1 min`, `opens after 5 failures in 30 s`).
//!
//! Phrases come only from the config's keys and values: a few well-known key pairs read as one
//! phrase, every other key is written as `words value unit`, with the unit taken from the key's
//! suffix (`-minutes`, `-seconds`, `-ms`, `-percent`, ...).

use serde_json::{Map, Value};

/// Words written in capitals when they appear as key tokens.
const ACRONYMS: &[&str] = &[
    "rto", "rpo", "sla", "slo", "sli", "ttl", "tls", "mtls", "mttr", "mttf", "p50", "p90", "p95",
    "p99", "p999", "rps", "tps", "qps", "api", "aes", "dlq", "url", "id", "ip", "cpu", "db",
];

/// Unit suffixes of config keys, with how the unit is written after the value.
const UNITS: &[(&str, &str)] = &[
    ("-percent", "%"),
    ("-percentage", "%"),
    ("-pct", "%"),
    ("-milliseconds", " ms"),
    ("-ms", " ms"),
    ("-seconds", " s"),
    ("-secs", " s"),
    ("-minutes", " min"),
    ("-mins", " min"),
    ("-hours", " h"),
    ("-days", " days"),
    ("-mb", " MB"),
    ("-gb", " GB"),
];

fn num(v: &Value) -> Option<String> {
    match v {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) if s.parse::<f64>().is_ok() => Some(s.clone()),
        _ => None,
    }
}

/// `value unit` for a key with a unit suffix (`rto-minutes: 5` → `5 min`).
fn with_unit(key: &str, v: &Value) -> Option<(String, String)> {
    let k = key.to_ascii_lowercase();
    for (suffix, unit) in UNITS {
        if let Some(stem) = k.strip_suffix(suffix)
            && let Some(n) = num(v)
        {
            return Some((stem.to_string(), format!("{n}{unit}")));
        }
    }
    // `-per-month` style keys: `max-downtime-minutes-per-month` → `43.8 min per month`.
    for (suffix, unit) in UNITS {
        let marker = format!("{suffix}-per-");
        if let Some(pos) = k.find(&marker)
            && let Some(n) = num(v)
        {
            let period = &k[pos + marker.len()..];
            return Some((
                k[..pos].to_string(),
                format!("{n}{unit} per {}", words(period)),
            ));
        }
    }
    None
}

/// `failure-threshold` → `failure threshold`, acronyms in capitals.
pub fn words(key: &str) -> String {
    key.split(['-', '_'])
        .filter(|t| !t.is_empty())
        .map(|t| {
            if ACRONYMS.contains(&t.to_ascii_lowercase().as_str()) {
                t.to_ascii_uppercase()
            } else {
                t.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(b) => {
            if *b {
                "yes".into()
            } else {
                "no".into()
            }
        }
        Value::Array(a) => a.iter().map(value_text).collect::<Vec<_>>().join(", "),
        Value::Object(_) => {
            structured_value(v).unwrap_or_else(|| serde_json::to_string(v).unwrap_or_default())
        }
        other => other.to_string(),
    }
}

/// `{"unit": "minutes", "value": 5}` (a common CALM control shape) → `5 min`.
fn structured_value(v: &Value) -> Option<String> {
    let value = v.get("value").and_then(num)?;
    let unit = v.get("unit").and_then(Value::as_str).unwrap_or("");
    let unit = match unit.to_ascii_lowercase().as_str() {
        "minutes" | "minute" | "min" => " min".to_string(),
        "seconds" | "second" | "s" | "sec" => " s".to_string(),
        "milliseconds" | "ms" => " ms".to_string(),
        "hours" | "hour" | "h" => " h".to_string(),
        "days" | "day" => " days".to_string(),
        "percent" | "%" => "%".to_string(),
        "" => String::new(),
        other => format!(" {other}"),
    };
    Some(format!("{value}{unit}"))
}

fn find_key(m: &Map<String, Value>, pred: impl Fn(&str) -> bool) -> Option<(&str, &Value)> {
    m.iter()
        .find(|(k, _)| pred(&k.to_ascii_lowercase()))
        .map(|(k, v)| (k.as_str(), v))
}

/// One phrase per requirement config, key order preserved for what is not combined.
pub fn config_phrase(config: &Value) -> String {
    let Some(m) = config.as_object() else {
        return value_text(config);
    };
    let mut used: Vec<&str> = Vec::new();
    let mut phrases: Vec<String> = Vec::new();

    // Availability / uptime target, with its measurement window.
    if let Some((k, v)) = find_key(m, |k| {
        (k.contains("availability") || k.contains("uptime"))
            && (k.ends_with("percent") || k.ends_with("percentage") || k.ends_with("pct"))
    }) && let Some(n) = num(v)
    {
        let what = if k.to_ascii_lowercase().contains("uptime") {
            "uptime"
        } else {
            "availability"
        };
        let mut p = format!("{n}% {what}");
        if let Some((wk, wv)) = find_key(m, |k| k.contains("window") && !k.contains("failure"))
            && let Value::String(w) = wv
        {
            p.push_str(&format!(" ({w})"));
            used.push(wk);
        }
        phrases.push(p);
        used.push(k);
    }

    // Recovery objectives: `RTO 5 min / RPO 1 min`.
    let mut objectives = Vec::new();
    for (name, alts) in [
        ("RTO", ["rto", "recovery-time-objective"]),
        ("RPO", ["rpo", "recovery-point-objective"]),
    ] {
        if let Some((k, v)) = find_key(m, |k| {
            alts.iter()
                .any(|a| k == *a || k.starts_with(&format!("{a}-")))
        }) {
            let text = with_unit(k, v)
                .map(|(_, t)| t)
                .unwrap_or_else(|| value_text(v));
            objectives.push(format!("{name} {text}"));
            used.push(k);
        }
    }
    if !objectives.is_empty() {
        phrases.push(objectives.join(" / "));
    }

    // Circuit breaker: `opens after 5 failures in 30 s`.
    if let Some((tk, tv)) = find_key(m, |k| k.contains("failure") && k.contains("threshold"))
        && let Some(n) = num(tv)
    {
        let mut p = format!("opens after {n} failures");
        if let Some((wk, wv)) = find_key(m, |k| k.contains("failure") && k.contains("window")) {
            let w = with_unit(wk, wv)
                .map(|(_, t)| t)
                .unwrap_or_else(|| value_text(wv));
            p.push_str(&format!(" in {w}"));
            used.push(wk);
        }
        phrases.push(p);
        used.push(tk);
    }

    for (k, v) in m {
        if used.contains(&k.as_str()) {
            continue;
        }
        match with_unit(k, v) {
            Some((stem, text)) => phrases.push(format!("{} {text}", words(&stem))),
            None => phrases.push(format!("{} {}", words(k), value_text(v))),
        }
    }
    phrases.join("; ")
}

/// A control's requirements as one phrase each: the config phrase, or `see URL` for
/// `config-url`-only requirements.
pub fn control_requirements(control: &Value) -> Vec<String> {
    control
        .get("requirements")
        .and_then(Value::as_array)
        .map(|reqs| {
            reqs.iter()
                .map(
                    |r| match (r.get("config"), r.get("config-url").and_then(Value::as_str)) {
                        (Some(c), _) => config_phrase(c),
                        (None, Some(u)) => format!("config at {u}"),
                        (None, None) => r
                            .get("requirement-url")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_string(),
                    },
                )
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn availability_with_window() {
        let c = json!({"availability-percent": 99.9, "measurement-window": "monthly", "max-downtime-minutes-per-month": 43.8});
        assert_eq!(
            config_phrase(&c),
            "99.9% availability (monthly); max downtime 43.8 min per month"
        );
    }

    #[test]
    fn recovery_objectives() {
        let c = json!({"rto-minutes": 5, "rpo-minutes": 1, "failover-mode": "automatic"});
        assert_eq!(
            config_phrase(&c),
            "RTO 5 min / RPO 1 min; failover mode automatic"
        );
        let c = json!({"recovery-time-objective": {"unit": "minutes", "value": 15}});
        assert_eq!(config_phrase(&c), "RTO 15 min");
    }

    #[test]
    fn circuit_breaker() {
        let c = json!({"failure-threshold": 5, "failure-window-seconds": 30, "open-state-duration-seconds": 60});
        assert_eq!(
            config_phrase(&c),
            "opens after 5 failures in 30 s; open state duration 60 s"
        );
    }

    #[test]
    fn generic_keys() {
        let c = json!({"p99-latency-ms": 200, "encrypted": true, "regions": ["eu", "us"]});
        assert_eq!(
            config_phrase(&c),
            "P99 latency 200 ms; encrypted yes; regions eu, us"
        );
        assert_eq!(
            control_requirements(
                &json!({"requirements": [{"requirement-url": "u", "config-url": "c"}]})
            ),
            vec!["config at c"]
        );
    }
}
