//! Operational metadata requests (tutorial 15, steps 2–5) turned into `set-metadata` changes.
//!
//! A request names keys for elements; a value is either given (a JSON literal in the request) or
//! derived here from what the model already says: the owner from owner-like metadata, the
//! on-call channel from the owner, the tier from the criticality of the flows a node is on,
//! `dependencies` from the relationships, dashboards from the architecture-level Grafana link,
//! restore time from a failover control's RTO, failure modes from each node's dependencies.
//! Where the model says nothing, the request's own example (`e.g., "/health"`) or a stated
//! convention is used, and every such value is listed in the notes so the user can correct it:
//! nothing is filled in silently.

use super::Change;
use calm_analysis::Context;
use calm_analysis::ops::{Field, OpsFacts};
use calm_analysis::roles::Role;
use calm_model::Document;
use calm_refactor::Scope;
use serde_json::{Value, json};

/// Which elements an entry is for.
#[derive(Debug, Clone, PartialEq)]
pub enum OpsTarget {
    Nodes(Vec<String>),
    /// Every database (role inference: databases, replicas, cluster members).
    Databases,
    /// Every running service (services, gateways, load balancers; not actors or stores).
    Services,
    Flow(String),
    Architecture,
}

#[derive(Debug, Clone, PartialEq)]
pub enum OpsValue {
    /// As given in the request.
    Literal(Value),
    /// Derived from the model; `example` is the request's first example value, if any.
    Derive { example: Option<String> },
    /// Failure modes like the ones given for another node, built from this node's dependencies.
    SimilarFailureModes,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OpsEntry {
    pub target: OpsTarget,
    pub key: String,
    pub value: OpsValue,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct OpsRequest {
    pub entries: Vec<OpsEntry>,
}

/// The changes (one `set-metadata` per element, in the order first named) and the notes on
/// values the model did not state.
pub struct OpsPlan {
    pub changes: Vec<Change>,
    pub notes: Vec<String>,
}

pub fn plan(doc: &Document, req: &OpsRequest) -> Result<OpsPlan, String> {
    let ctx = Context::build(doc, calm_analysis::ReviewConfig::default());
    let facts = calm_analysis::ops::facts(&ctx);
    let mut per: Vec<(Scope, Vec<(String, Value)>)> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let d = Deriver {
        ctx: &ctx,
        facts: &facts,
    };
    for e in &req.entries {
        let scopes: Vec<(Scope, Option<usize>)> = match &e.target {
            OpsTarget::Nodes(ids) => {
                let mut v = Vec::new();
                for id in ids {
                    let n = ctx
                        .node_idx(id)
                        .ok_or_else(|| format!("there is no node `{id}` in the architecture"))?;
                    v.push((Scope::Node(id.clone()), Some(n)));
                }
                v
            }
            OpsTarget::Databases => (0..ctx.model.nodes.len())
                .filter(|n| ctx.roles[*n].role == Role::Database)
                .map(|n| (Scope::Node(ctx.node_id(n).to_string()), Some(n)))
                .collect(),
            OpsTarget::Services => (0..ctx.model.nodes.len())
                .filter(|n| d.is_service(*n))
                .map(|n| (Scope::Node(ctx.node_id(n).to_string()), Some(n)))
                .collect(),
            OpsTarget::Flow(id) => {
                if ctx.model.flow_idx(id).is_none() {
                    return Err(format!("there is no flow `{id}` in the architecture"));
                }
                vec![(Scope::Flow(id.clone()), None)]
            }
            OpsTarget::Architecture => vec![(Scope::Architecture, None)],
        };
        if scopes.is_empty() {
            notes.push(format!("no element matches the request for `{}`", e.key));
        }
        for (scope, node) in scopes {
            let value = match (&e.value, node) {
                (OpsValue::Literal(v), _) => Some(v.clone()),
                (OpsValue::Derive { example }, Some(n)) => {
                    d.derive(n, &e.key, example.as_deref(), &per, &mut notes)
                }
                (OpsValue::Derive { example }, None) => match example {
                    Some(x) => Some(json!(x)),
                    None => {
                        notes.push(format!(
                            "`{}` for {}: nothing in the model to derive it from; give its value",
                            e.key,
                            scope.label()
                        ));
                        None
                    }
                },
                (OpsValue::SimilarFailureModes, Some(n)) => Some(d.failure_modes(n, &per)),
                (OpsValue::SimilarFailureModes, None) => None,
            };
            let Some(value) = value else { continue };
            match per.iter_mut().find(|(s, _)| *s == scope) {
                Some((_, entries)) => {
                    entries.retain(|(k, _)| *k != e.key);
                    entries.push((e.key.clone(), value));
                }
                None => per.push((scope, vec![(e.key.clone(), value)])),
            }
        }
    }
    let changes = per
        .into_iter()
        .map(|(scope, entries)| Change::SetMetadata { scope, entries })
        .collect();
    Ok(OpsPlan { changes, notes })
}

struct Deriver<'c, 'd> {
    ctx: &'c Context<'d>,
    facts: &'c OpsFacts,
}

/// The part of an owner before `@` (`orders-team@example.com` → `orders-team`).
fn team(owner: &str) -> String {
    owner.split('@').next().unwrap_or(owner).trim().to_string()
}

impl Deriver<'_, '_> {
    fn is_service(&self, n: usize) -> bool {
        let r = &self.ctx.roles[n];
        matches!(r.role, Role::Service | Role::Gateway | Role::LoadBalancer) && !r.external
    }

    fn id(&self, n: usize) -> &str {
        self.ctx.node_id(n)
    }

    /// A value planned earlier in this request for node `n` (the on-call channel follows the
    /// owner set in the same request).
    fn planned<'p>(
        &self,
        n: usize,
        key: &str,
        per: &'p [(Scope, Vec<(String, Value)>)],
    ) -> Option<&'p Value> {
        per.iter()
            .find(|(s, _)| *s == Scope::Node(self.id(n).to_string()))
            .and_then(|(_, e)| e.iter().find(|(k, _)| k == key).map(|(_, v)| v))
    }

    fn owner(
        &self,
        n: usize,
        per: &[(Scope, Vec<(String, Value)>)],
        notes: &mut Vec<String>,
    ) -> String {
        if let Some(Value::String(s)) = self.planned(n, "owner", per) {
            return s.clone();
        }
        if let Some(s) = self.facts.nodes[n].get(Field::Owner) {
            return team(&s.value);
        }
        if let Some(v) = self.ctx.model.metadata.get("owner").and_then(Value::as_str) {
            notes.push(format!(
                "{}: owner taken from the architecture's owner",
                self.id(n)
            ));
            return team(v);
        }
        let id = self.id(n);
        let stem = ["-service", "-svc", "-api", "-app", "-server"]
            .iter()
            .find_map(|s| id.strip_suffix(s))
            .unwrap_or(id);
        notes.push(format!(
            "{id}: no owner anywhere in the model; named `{stem}-team` after the node: correct it"
        ));
        format!("{stem}-team")
    }

    fn derive(
        &self,
        n: usize,
        key: &str,
        example: Option<&str>,
        per: &[(Scope, Vec<(String, Value)>)],
        notes: &mut Vec<String>,
    ) -> Option<Value> {
        let id = self.id(n).to_string();
        let k = key.to_ascii_lowercase();
        let existing = |f: Field| self.facts.nodes[n].get(f).map(|s| s.value.clone());
        let from_example = |what: &str, notes: &mut Vec<String>| -> Option<Value> {
            let x = example?;
            notes.push(format!(
                "{id}: `{key}` = \"{x}\" is the request's example ({what})"
            ));
            Some(json!(x))
        };
        let v = match k.as_str() {
            "owner" | "team" => json!(self.owner(n, per, notes)),
            k if k.contains("oncall") || k.contains("on-call") || k.contains("slack") => {
                let owner = self.owner(n, per, notes);
                let stem = owner.strip_suffix("-team").unwrap_or(&owner);
                json!(format!("#oncall-{stem}"))
            }
            "health-endpoint" | "health-check" | "health-check-path" => {
                match existing(Field::HealthEndpoint) {
                    Some(v) => json!(v),
                    None => match self.checked_path(n) {
                        Some((path, rel)) => {
                            notes.push(format!(
                                "{id}: health endpoint from `{rel}`'s health-check metadata"
                            ));
                            json!(path)
                        }
                        None => from_example("the model declares no health endpoint", notes)?,
                    },
                }
            }
            "runbook" | "runbook-url" => match existing(Field::Runbook) {
                Some(v) => json!(v),
                None => {
                    let x = example?;
                    // The example names one node: the same address with this node's id.
                    let url = match self
                        .ctx
                        .model
                        .nodes
                        .iter()
                        .map(|m| m.id.as_str())
                        .find(|other| x.ends_with(&format!("/{other}")))
                    {
                        Some(other) => format!("{}{id}", &x[..x.len() - other.len()]),
                        None => format!("{}/{id}", x.trim_end_matches('/')),
                    };
                    notes.push(format!(
                        "{id}: runbook address follows the request's example ({url})"
                    ));
                    json!(url)
                }
            },
            "tier" | "service-tier" => match existing(Field::Tier) {
                Some(v) if v.starts_with("tier") => json!(v),
                _ => {
                    // On a flow's request path: its criticality; reached only asynchronously
                    // (a consumer): one level lower, since the flow degrades instead of failing.
                    let on_path = self.ctx.node_flows[n]
                        .iter()
                        .map(|f| self.ctx.flows[*f].criticality);
                    let async_only = self.ctx.async_flows[n]
                        .iter()
                        .map(|f| self.ctx.flows[*f].criticality.saturating_sub(1));
                    let c = on_path.chain(async_only).max().unwrap_or(1);
                    let tier = match c {
                        4 => "tier-1",
                        3 => "tier-2",
                        _ => "tier-3",
                    };
                    notes.push(format!(
                        "{id}: {tier} from the criticality of the flows it is on"
                    ));
                    json!(tier)
                }
            },
            "dependencies" => json!(self.dependencies(n)),
            "backup-schedule" | "backup" | "backups" => match existing(Field::BackupSchedule) {
                Some(v) => json!(v),
                None => match self.primary_of(n) {
                    Some(p) => {
                        let b = self.facts.nodes[p]
                            .get(Field::BackupSchedule)
                            .map(|s| s.value.clone())
                            .unwrap_or_else(|| "daily".into());
                        json!(format!("{b} (taken on the primary, {})", self.id(p)))
                    }
                    None => {
                        notes.push(format!(
                            "{id}: the model states no backups; `daily` is a convention: correct it"
                        ));
                        json!("daily")
                    }
                },
            },
            "restore-time" | "restore-duration" => match existing(Field::RestoreTime) {
                Some(v) => json!(v),
                None => match self.rto(n) {
                    Some((rto, from)) => {
                        notes.push(format!("{id}: restore time from the RTO of {from}"));
                        json!(rto)
                    }
                    None => {
                        notes.push(format!(
                            "{id}: no RTO in the model; `4 hours` (a full restore from backup) is a convention: correct it"
                        ));
                        json!("4 hours")
                    }
                },
            },
            "dba-contact" | "dba" => match existing(Field::DbaContact) {
                Some(v) => json!(v),
                None => {
                    let domain = self
                        .ctx
                        .model
                        .metadata
                        .get("owner")
                        .and_then(Value::as_str)
                        .and_then(|o| o.split_once('@').map(|(_, d)| d.to_string()));
                    let v = match domain {
                        Some(d) => format!("dba-team@{d}"),
                        None => "dba-team".into(),
                    };
                    notes.push(format!(
                        "{id}: no DBA in the model; `{v}` is a convention: correct it"
                    ));
                    json!(v)
                }
            },
            "dashboard" => match existing(Field::Dashboard) {
                Some(v) => json!(v),
                None => {
                    // The architecture's dashboard link, set in this request or already there.
                    let planned = per
                        .iter()
                        .find(|(s, _)| *s == Scope::Architecture)
                        .and_then(|(_, e)| e.iter().find(|(k, _)| k == "monitoring"))
                        .and_then(|(_, v)| v.as_object())
                        .and_then(|m| {
                            m.iter()
                                .find(|(k, _)| k.contains("grafana") || k.contains("dashboard"))
                                .and_then(|(_, v)| v.as_str().map(str::to_string))
                        });
                    let base = match planned {
                        Some(b) => b,
                        None => self
                            .facts
                            .monitoring_link(&["grafana", "dashboard"])?
                            .value
                            .clone(),
                    };
                    let url = base.trim_end_matches('/');
                    let url = match url.rsplit_once('/') {
                        Some((head, _)) => format!("{head}/{id}"),
                        None => format!("{url}/{id}"),
                    };
                    json!(url)
                }
            },
            "log-query" | "logs" => match existing(Field::LogQuery) {
                Some(v) => json!(v),
                None => json!(format!("service.name:\"{id}\"")),
            },
            "alerts" => {
                let mut a = vec![
                    format!("{id}-error-rate-high"),
                    format!("{id}-latency-p99-high"),
                ];
                if self.facts.nodes[n].get(Field::HealthEndpoint).is_some()
                    || self.planned(n, "health-endpoint", per).is_some()
                {
                    a.push(format!("{id}-health-check-failing"));
                }
                json!(a)
            }
            _ => match example {
                Some(x) => from_example("no rule to derive it from the model", notes)
                    .unwrap_or_else(|| json!(x)),
                None => {
                    notes.push(format!(
                        "`{key}` for {id}: nothing in the model to derive it from; give its value"
                    ));
                    return None;
                }
            },
        };
        Some(v)
    }

    /// Direct neighbours over relationships, callees first: what it calls, publishes to or runs
    /// on, then what calls it (actors left out), each once, in document order.
    fn dependencies(&self, n: usize) -> Vec<String> {
        let g = &self.ctx.graph;
        let mut out: Vec<String> = Vec::new();
        let push = |m: usize, out: &mut Vec<String>| {
            let id = self.id(m).to_string();
            if m != n && !self.ctx.roles[m].role.is_client_side() && !out.contains(&id) {
                out.push(id);
            }
        };
        for &e in &g.out[n] {
            push(g.edges[e].destination, &mut out);
        }
        for &h in &g.hosts[n] {
            push(h, &mut out);
        }
        for &e in &g.inc[n] {
            push(g.edges[e].source, &mut out);
        }
        out
    }

    /// A health-check path declared on a relationship that reaches `n` (a load balancer's
    /// check of its targets): (path, relationship id).
    fn checked_path(&self, n: usize) -> Option<(String, String)> {
        self.ctx.graph.inc[n].iter().find_map(|&e| {
            let r = self.ctx.graph.edges[e].relationship;
            let rel = &self.ctx.model.relationships[r];
            ["health-check-path", "health-endpoint", "health-check-url"]
                .iter()
                .find_map(|k| rel.metadata.get(*k).and_then(Value::as_str))
                .map(|p| (p.to_string(), rel.id.clone()))
        })
    }

    /// The primary a replica copies (its redundancy group's primary, other than itself).
    fn primary_of(&self, n: usize) -> Option<usize> {
        let r = &self.ctx.redundancy;
        let p = r.groups[r.group_of[n]?].primary?;
        (p != n).then_some(p)
    }

    /// An RTO from a control config on the node or a composed-of parent: (value, source).
    fn rto(&self, n: usize) -> Option<(String, String)> {
        let mut scope = vec![n];
        scope.extend(self.ctx.graph.ancestors(n));
        for s in scope {
            for c in &self.ctx.model.nodes[s].controls {
                for (k, v) in c.config_entries() {
                    let unit = match k {
                        "rto-minutes" => "minutes",
                        "rto-seconds" => "seconds",
                        "rto-hours" => "hours",
                        _ => continue,
                    };
                    let v = calm_analysis::ops::metadata::text(v);
                    return Some((
                        format!("{v} {unit}"),
                        format!("the `{}` control on {}", c.id, self.id(s)),
                    ));
                }
            }
        }
        None
    }

    /// Failure modes for node `n` in the shape of the tutorial's (symptom, likely cause, check,
    /// remediation, escalation), one per dependency the model shows plus one for the node
    /// itself; contacts and endpoints come from the metadata (planned in this request too).
    fn failure_modes(&self, n: usize, per: &[(Scope, Vec<(String, Value)>)]) -> Value {
        let id = self.id(n).to_string();
        let mut notes = Vec::new();
        let owner = self.owner(n, per, &mut notes);
        let health = self
            .planned(n, "health-endpoint", per)
            .and_then(Value::as_str)
            .map(str::to_string)
            .or_else(|| {
                self.facts.nodes[n]
                    .get(Field::HealthEndpoint)
                    .map(|s| s.value.clone())
            });
        let g = &self.ctx.graph;
        let mut modes = Vec::new();
        for &e in &g.out[n] {
            let edge = &g.edges[e];
            let m = edge.destination;
            let dep = self.id(m).to_string();
            let dep_owner = self.owner(m, per, &mut notes);
            let role = self.ctx.roles[m].role;
            let mode = if role.is_datastore() {
                let dba = self.facts.nodes[m]
                    .get(Field::DbaContact)
                    .map(|s| s.value.clone())
                    .or_else(|| {
                        self.planned(m, "dba-contact", per)
                            .and_then(Value::as_str)
                            .map(str::to_string)
                    })
                    .unwrap_or(dep_owner);
                json!({
                    "symptom": "HTTP 503 errors or slow responses",
                    "likely-cause": format!("{dep} unavailable, slow, or its connection pool exhausted"),
                    "check": format!("Check {dep} health, slow queries and {id}'s connection pool metrics"),
                    "remediation": format!("Fail over or restore {dep}; scale {id} or raise its pool size"),
                    "escalation": format!("Page {dba} if {dep} stays degraded > 5min"),
                })
            } else if role.is_messaging() {
                json!({
                    "symptom": "Requests accepted but not completed (messages pile up)",
                    "likely-cause": format!("{dep} unavailable or full"),
                    "check": format!("Check {dep} queue depth and broker health"),
                    "remediation": format!("Restore {dep}; drain the backlog once consumers recover"),
                    "escalation": format!("Contact {dep_owner} if the backlog keeps growing"),
                })
            } else if edge.mode == calm_analysis::graph::EdgeMode::Sync {
                json!({
                    "symptom": "High latency or HTTP 5xx errors",
                    "likely-cause": format!("{dep} degradation"),
                    "check": format!("Check {dep} health and circuit breaker status"),
                    "remediation": format!("Let the circuit breaker open; serve a fallback until {dep} recovers"),
                    "escalation": format!("Contact {dep_owner} if {dep} stays degraded"),
                })
            } else {
                continue;
            };
            modes.push(mode);
        }
        for &e in &g.inc[n] {
            let edge = &g.edges[e];
            let q = edge.source;
            if self.ctx.roles[q].role.is_messaging()
                && edge.mode == calm_analysis::graph::EdgeMode::Deliver
            {
                let queue = self.id(q);
                modes.push(json!({
                    "symptom": format!("Backlog growing on {queue}"),
                    "likely-cause": format!("{id} consumers stopped or too slow"),
                    "check": format!("Check {id} consumer count, errors and {queue} queue depth"),
                    "remediation": format!("Restart or scale {id} consumers; replay dead-lettered messages"),
                    "escalation": format!("Contact {owner} if the backlog keeps growing"),
                }));
            }
        }
        let check = match &health {
            Some(h) => format!("Check {id} {h} and error-rate dashboard"),
            None => format!("Check {id} instance health and error-rate dashboard"),
        };
        modes.push(json!({
            "symptom": "HTTP 503 errors",
            "likely-cause": format!("{id} instances unhealthy or overloaded"),
            "check": check,
            "remediation": "Scale up replicas or roll back the last deployment",
            "escalation": format!("Contact {owner} if errors persist > 5min"),
        }));
        Value::Array(modes)
    }
}
