//! Performance rules (PERF-01 … PERF-04). One file per rule; one line per rule in `rules()` (see
//! `crate::rules` for how to add a rule). Helpers here read latency budgets and load figures,
//! which CALM files write as numbers, strings (`"p99 < 400ms"`, `"8000 rps"`) or `{unit, value}`.

use crate::context::Context;
use crate::graph::EdgeMode;
use crate::normalize::Control;
use crate::rules::Rule;
use serde_json::{Map, Value};

pub mod flow_latency_budget_exceeded;
pub mod hot_read_path_without_cache;
pub mod no_scaling_policy;
pub mod sync_fan_out;

/// Performance rules in priority order.
pub fn rules() -> Vec<&'static dyn Rule> {
    vec![
        &flow_latency_budget_exceeded::FlowLatencyBudgetExceeded,
        &no_scaling_policy::NoScalingPolicy,
        &sync_fan_out::SyncFanOut,
        &hot_read_path_without_cache::HotReadPathWithoutCache,
    ]
}

/// Milliseconds in one unit word, if it is a time unit.
fn unit_ms(unit: &str) -> Option<f64> {
    Some(match unit.trim().to_ascii_lowercase().as_str() {
        "ms" | "msec" | "millisecond" | "milliseconds" => 1.0,
        "s" | "sec" | "secs" | "second" | "seconds" => 1000.0,
        "m" | "min" | "mins" | "minute" | "minutes" => 60_000.0,
        "us" | "µs" | "microsecond" | "microseconds" => 0.001,
        _ => return None,
    })
}

/// The first number in `s` followed by a time unit (`"p99 < 400ms"`, `"30s p99"`, `"2 seconds"`).
/// A bare number counts as milliseconds only when `bare_is_ms` (keys ending in `-ms`).
pub(crate) fn duration_ms(v: &Value, bare_is_ms: bool) -> Option<f64> {
    match v {
        Value::Number(n) if bare_is_ms => n.as_f64(),
        Value::Object(o) => {
            let value = o.get("value").and_then(Value::as_f64)?;
            let unit = o.get("unit").and_then(Value::as_str)?;
            Some(value * unit_ms(unit)?)
        }
        Value::String(s) => {
            let chars: Vec<char> = s.chars().collect();
            let mut i = 0;
            while i < chars.len() {
                if chars[i].is_ascii_digit() {
                    // p99 / p95: a percentile label, not a figure.
                    if i > 0 && chars[i - 1].eq_ignore_ascii_case(&'p') {
                        while i < chars.len() && chars[i].is_ascii_digit() {
                            i += 1;
                        }
                        continue;
                    }
                    let start = i;
                    while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                        i += 1;
                    }
                    let num: f64 = chars[start..i].iter().collect::<String>().parse().ok()?;
                    let mut j = i;
                    while j < chars.len() && chars[j] == ' ' {
                        j += 1;
                    }
                    let k = j;
                    while j < chars.len() && (chars[j].is_alphabetic() || chars[j] == 'µ') {
                        j += 1;
                    }
                    let unit: String = chars[k..j].iter().collect();
                    if let Some(f) = unit_ms(&unit) {
                        return Some(num * f);
                    }
                    if unit.is_empty() && bare_is_ms {
                        return Some(num);
                    }
                } else {
                    i += 1;
                }
            }
            None
        }
        _ => None,
    }
}

/// Events per second from `"8000 rps"`, `"1200 tps"`, `"20000 msg/s"`, `"5000/min"`,
/// `{"value": 50, "unit": "per-second"}` or a bare number (per second).
pub(crate) fn rate_per_sec(v: &Value) -> Option<f64> {
    let (num, rest) = match v {
        Value::Number(n) => return n.as_f64(),
        Value::Object(o) => {
            let value = o.get("value").and_then(Value::as_f64)?;
            let unit = o
                .get("unit")
                .or_else(|| o.get("per"))
                .and_then(Value::as_str)
                .unwrap_or("second")
                .to_ascii_lowercase();
            (value, unit)
        }
        Value::String(s) => {
            let s = s.to_ascii_lowercase().replace(',', "");
            let start = s.find(|c: char| c.is_ascii_digit())?;
            let tail = &s[start..];
            let end = tail
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(tail.len());
            let mut num: f64 = tail[..end].parse().ok()?;
            let rest = tail[end..].trim_start().to_string();
            if rest.starts_with('k') && !rest.starts_with("k/") {
                num *= 1000.0;
            } else if rest.starts_with('m')
                && !rest.starts_with("ms")
                && !rest.starts_with("min")
                && !rest.starts_with("msg")
            {
                num *= 1_000_000.0;
            }
            (num, rest)
        }
        _ => return None,
    };
    let per = if [
        "/min",
        "per min",
        "per-min",
        "rpm",
        "/minute",
        "per minute",
        "minute",
    ]
    .iter()
    .any(|w| rest.contains(w))
    {
        60.0
    } else if ["/h", "per hour", "per-hour", "hour", "/hr"]
        .iter()
        .any(|w| rest.contains(w))
    {
        3600.0
    } else if ["/day", "per day", "per-day", "daily", "day"]
        .iter()
        .any(|w| rest.contains(w))
    {
        86_400.0
    } else {
        1.0
    };
    Some(num / per)
}

pub(crate) const RATE_KEYS: &[&str] = &[
    "peak-throughput",
    "throughput",
    "expected-message-rate",
    "peak-message-rate",
    "max-throughput",
    "requests-per-second",
    "rps",
    "tps",
    "peak-load",
    "expected-load",
    "peak-rps",
    "peak-tps",
];

/// Declared load of a flow (metadata, then flow controls): (events/s, where it came from).
pub(crate) fn flow_rate(ctx: &Context, f: usize) -> Option<(f64, String)> {
    let fl = &ctx.flows[f];
    let mf = &ctx.model.flows[fl.index?];
    for k in RATE_KEYS {
        if let Some((mk, v)) = crate::context::map_any(&mf.metadata, &[k])
            && let Some(r) = rate_per_sec(v)
        {
            return Some((
                r,
                format!("flow metadata `{mk}: {}`", crate::rules::security::show(v)),
            ));
        }
    }
    config_value(&mf.controls, RATE_KEYS).and_then(|(c, k, v)| {
        rate_per_sec(v).map(|r| (r, format!("flow control `{c}` config `{k}`")))
    })
}

/// First inline config value among `keys` in `controls`: (control id, key, value).
pub(crate) fn config_value<'c>(
    controls: &'c [Control],
    keys: &[&str],
) -> Option<(String, String, &'c Value)> {
    crate::context::controls_any(controls, keys)
}

pub(crate) const LATENCY_KEYS: &[&str] = &[
    "latency",
    "expected-latency",
    "p99-latency",
    "p95-latency",
    "processing-time",
    "response-time",
    "latency-ms",
    "p99-latency-ms",
    "expected-latency-ms",
    "avg-latency",
];

/// A latency figure of an element (metadata, then its controls), in ms.
pub(crate) fn latency_of(meta: &Map<String, Value>, controls: &[Control]) -> Option<(f64, String)> {
    for k in LATENCY_KEYS {
        if let Some((mk, v)) = crate::context::map_any(meta, &[k])
            && let Some(ms) = duration_ms(v, mk.ends_with("-ms") || v.is_number())
        {
            return Some((ms, format!("`{mk}: {}`", crate::rules::security::show(v))));
        }
    }
    for k in LATENCY_KEYS {
        if let Some((c, ck, v)) = config_value(controls, &[k])
            && let Some(ms) = duration_ms(v, ck.ends_with("-ms") || v.is_number())
        {
            return Some((ms, format!("control `{c}` `{ck}`")));
        }
    }
    None
}

/// Relationships of the flow that are on its synchronous request path (both ends on the
/// request path, call or publish edge), in flow order.
pub(crate) fn request_path_relationships(
    ctx: &Context,
    by_rel: &[Vec<usize>],
    f: usize,
) -> Vec<usize> {
    let fl = &ctx.flows[f];
    fl.relationships
        .iter()
        .copied()
        .filter(|&r| {
            by_rel[r].iter().map(|e| &ctx.graph.edges[*e]).any(|e| {
                matches!(e.mode, EdgeMode::Sync | EdgeMode::Publish)
                    && !fl.async_nodes.contains(&e.source)
                    && !fl.async_nodes.contains(&e.destination)
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn durations() {
        assert_eq!(duration_ms(&json!("p99 < 400ms"), false), Some(400.0));
        assert_eq!(duration_ms(&json!("30s p99"), false), Some(30_000.0));
        assert_eq!(duration_ms(&json!("< 2 seconds"), false), Some(2000.0));
        assert_eq!(
            duration_ms(&json!({"unit": "milliseconds", "value": 250}), false),
            Some(250.0)
        );
        assert_eq!(duration_ms(&json!(200), true), Some(200.0));
        assert_eq!(duration_ms(&json!("99.9% availability"), false), None);
        assert_eq!(duration_ms(&json!(200), false), None);
    }

    #[test]
    fn rates() {
        assert_eq!(rate_per_sec(&json!("8000 rps")), Some(8000.0));
        assert_eq!(rate_per_sec(&json!("20000 msg/s")), Some(20000.0));
        assert_eq!(rate_per_sec(&json!("6000/min")), Some(100.0));
        assert_eq!(rate_per_sec(&json!("1.2k tps")), Some(1200.0));
        assert_eq!(rate_per_sec(&json!(50)), Some(50.0));
        assert_eq!(rate_per_sec(&json!("1,200 tps")), Some(1200.0));
    }
}
