//! Suppression and risk tracking (docs/advisor-design.md §3.8).
//! In-model: `metadata.calm-advisor.suppress: [{rule, status, justification, owner, expires}]` on
//! any node / relationship / flow / the architecture, inherited down `composed-of` and
//! `deployed-in` containment. Baseline file: `{"suppressions": [{"id" | "fingerprint" | "rule",
//! "status", "justification", "owner", "expires"}]}`.
//! `accepted` keeps the finding (shown with its status, excluded from `--fail-on`);
//! `mitigated` likewise (the finding is still evidence-driven: it only exists because the model
//! lacks the mitigation, so the status records a claim made outside the model);
//! `false-positive` hides it. Expired entries are ignored and reported.

use crate::context::Context;
use crate::finding::{Finding, Suppression};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Finding id, fingerprint or rule id (matches any finding of that rule on the element).
    pub selector: String,
    pub status: String,
    pub justification: Option<String>,
    pub owner: Option<String>,
    pub expires: Option<String>,
    /// `in-model` or `baseline`.
    pub source: String,
    /// Where it was declared (JSON pointer or baseline file).
    pub origin: String,
}

/// An entry that no longer applies because its expiry date has passed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Expired {
    pub selector: String,
    pub status: String,
    pub expires: String,
    pub origin: String,
    pub owner: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Baseline {
    pub entries: Vec<Entry>,
}

impl Baseline {
    /// Parse a baseline document (an object with `suppressions`, or a bare array).
    pub fn parse(name: &str, v: &Value) -> Result<Baseline, String> {
        let items = match v {
            Value::Array(a) => a,
            Value::Object(o) => match o.get("suppressions").or_else(|| o.get("findings")) {
                Some(Value::Array(a)) => a,
                _ => {
                    return Err(format!(
                        "{name}: expected an object with a \"suppressions\" array"
                    ));
                }
            },
            _ => {
                return Err(format!(
                    "{name}: expected an object with a \"suppressions\" array"
                ));
            }
        };
        let mut entries = Vec::new();
        for (i, it) in items.iter().enumerate() {
            let sel = ["id", "fingerprint", "rule"]
                .iter()
                .find_map(|k| it.get(*k).and_then(Value::as_str));
            let Some(sel) = sel else {
                return Err(format!(
                    "{name}: /suppressions/{i} needs \"id\", \"fingerprint\" or \"rule\""
                ));
            };
            let status = it
                .get("status")
                .and_then(Value::as_str)
                .unwrap_or("accepted")
                .to_string();
            if !["accepted", "mitigated", "false-positive"].contains(&status.as_str()) {
                return Err(format!(
                    "{name}: /suppressions/{i}/status must be accepted, mitigated or false-positive (got \"{status}\")"
                ));
            }
            entries.push(Entry {
                selector: sel.to_string(),
                status,
                justification: it
                    .get("justification")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                owner: it.get("owner").and_then(Value::as_str).map(str::to_string),
                expires: it
                    .get("expires")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                source: "baseline".into(),
                origin: format!("{name}#/suppressions/{i}"),
            });
        }
        Ok(Baseline { entries })
    }
}

fn entries_of(md: &serde_json::Map<String, Value>, origin: &str) -> Vec<Entry> {
    let Some(list) = md
        .get("calm-advisor")
        .and_then(|c| c.get("suppress"))
        .and_then(Value::as_array)
    else {
        return Vec::new();
    };
    list.iter()
        .enumerate()
        .filter_map(|(i, it)| {
            let sel = it
                .get("rule")
                .or_else(|| it.get("id"))
                .and_then(Value::as_str)?;
            Some(Entry {
                selector: sel.to_string(),
                status: it
                    .get("status")
                    .and_then(Value::as_str)
                    .unwrap_or("accepted")
                    .to_string(),
                justification: it
                    .get("justification")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                owner: it.get("owner").and_then(Value::as_str).map(str::to_string),
                expires: it
                    .get("expires")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                source: "in-model".into(),
                origin: format!("{origin}/metadata/calm-advisor/suppress/{i}"),
            })
        })
        .collect()
}

/// In-model entries that apply to an element (its own, its containers', the architecture's).
fn in_model_for(ctx: &Context, id: &str) -> Vec<Entry> {
    let m = &ctx.model;
    let mut out = entries_of(&m.metadata, "");
    if let Some(n) = m.node_idx(id) {
        let mut chain: Vec<usize> = ctx.graph.ancestors(n);
        for h in ctx.graph.host_chain(n) {
            if !chain.contains(&h) {
                chain.push(h);
            }
        }
        for c in chain {
            out.extend(entries_of(&m.nodes[c].metadata, &m.nodes[c].pointer));
        }
        out.extend(entries_of(&m.nodes[n].metadata, &m.nodes[n].pointer));
    } else if let Some(r) = m.rel_idx(id) {
        out.extend(entries_of(
            &m.relationships[r].metadata,
            &m.relationships[r].pointer,
        ));
    } else if let Some(f) = m.flow_idx(id) {
        out.extend(entries_of(&m.flows[f].metadata, &m.flows[f].pointer));
    }
    out
}

fn matches(e: &Entry, f: &Finding) -> bool {
    e.selector == f.id
        || e.selector == f.fingerprint
        || e.selector == f.rule
        || e.selector.eq_ignore_ascii_case("all")
}

/// Apply suppressions: returns (kept findings with `suppression` set where it applies, hidden
/// false positives, expired entries). `today` is `YYYY-MM-DD`.
pub fn apply(
    ctx: &Context,
    findings: Vec<Finding>,
    baseline: Option<&Baseline>,
    today: &str,
) -> (Vec<Finding>, Vec<Finding>, Vec<Expired>) {
    let mut kept = Vec::new();
    let mut hidden = Vec::new();
    let mut expired: Vec<Expired> = Vec::new();
    let mut note_expired = |e: &Entry| {
        let x = Expired {
            selector: e.selector.clone(),
            status: e.status.clone(),
            expires: e.expires.clone().unwrap_or_default(),
            origin: e.origin.clone(),
            owner: e.owner.clone(),
        };
        if !expired.contains(&x) {
            expired.push(x);
        }
    };
    for mut f in findings {
        let primary =
            f.id.split('@')
                .nth(1)
                .unwrap_or("")
                .split('#')
                .next()
                .unwrap_or("")
                .to_string();
        let mut candidates = in_model_for(ctx, &primary);
        // Baseline entries are matched by id/fingerprint, or by rule.
        if let Some(b) = baseline {
            candidates.extend(b.entries.iter().cloned());
        }
        let mut chosen: Option<Entry> = None;
        // The element's own (last) in-model declaration wins over inherited ones; baseline last.
        for e in candidates.iter().rev() {
            if !matches(e, &f) {
                continue;
            }
            if e.expires.as_deref().is_some_and(|x| x < today) {
                note_expired(e);
                continue;
            }
            chosen = Some(e.clone());
            break;
        }
        match chosen {
            Some(e) => {
                f.suppression = Some(Suppression {
                    status: e.status.clone(),
                    justification: e.justification,
                    owner: e.owner,
                    expires: e.expires,
                    source: e.source,
                });
                if e.status == "false-positive" {
                    hidden.push(f)
                } else {
                    kept.push(f)
                }
            }
            None => kept.push(f),
        }
    }
    expired.sort_by(|a, b| (&a.origin, &a.selector).cmp(&(&b.origin, &b.selector)));
    (kept, hidden, expired)
}

/// Today's date (UTC) as `YYYY-MM-DD`; `CALM_ADVISOR_TODAY` overrides it (tests, reproducible CI).
pub fn today() -> String {
    if let Ok(t) = std::env::var("CALM_ADVISOR_TODAY") {
        return t;
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    civil_from_days((secs / 86_400) as i64)
}

/// Days since 1970-01-01 → `YYYY-MM-DD` (Howard Hinnant's algorithm; hand-rolled to avoid a
/// date-time dependency for one conversion).
fn civil_from_days(z: i64) -> String {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    format!("{:04}-{:02}-{:02}", if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    #[test]
    fn civil_dates() {
        assert_eq!(super::civil_from_days(0), "1970-01-01");
        assert_eq!(super::civil_from_days(20_000), "2024-10-04");
    }
}
