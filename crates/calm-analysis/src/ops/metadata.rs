//! What the model says about operating each element: the operational metadata of tutorial 15
//! (owner, on-call channel, health endpoint, runbook, tier, dependencies, dashboards, log
//! queries, alerts; database backups, restore time and DBA contact; `failure-modes`; a flow's
//! business impact, degraded behaviour, customer communication and SLA; architecture-level
//! `monitoring`), read once with the key spellings people use, and each value kept with the
//! element and key it came from so every statement built on it can cite its source.
//!
//! Values that declare absence (`"none"`, `false`, `""`, see [`crate::evidence::is_negative`])
//! count as not stated: "payment-service declares no health endpoint" is then the honest answer.

use crate::evidence::is_negative;
use crate::normalize::Model;
use serde::Serialize;
use serde_json::{Map, Value};

/// An operational fact an element can state about itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Field {
    Owner,
    Oncall,
    HealthEndpoint,
    Runbook,
    Tier,
    Dashboard,
    LogQuery,
    Alerts,
    BackupSchedule,
    RestoreTime,
    DbaContact,
    Escalation,
    Latency,
    ReplicationLag,
    ConnectionPool,
}

impl Field {
    pub const ALL: [Field; 15] = [
        Field::Owner,
        Field::Oncall,
        Field::HealthEndpoint,
        Field::Runbook,
        Field::Tier,
        Field::Dashboard,
        Field::LogQuery,
        Field::Alerts,
        Field::BackupSchedule,
        Field::RestoreTime,
        Field::DbaContact,
        Field::Escalation,
        Field::Latency,
        Field::ReplicationLag,
        Field::ConnectionPool,
    ];

    /// Metadata keys that state this field, preferred spelling first (compared ignoring case).
    pub fn keys(self) -> &'static [&'static str] {
        match self {
            Field::Owner => &[
                "owner",
                "owning-team",
                "team",
                "tech-owner",
                "owners",
                "service-owner",
                "product-owner",
                "business-owner",
            ],
            Field::Oncall => &[
                "oncall-slack",
                "on-call-slack",
                "oncall-channel",
                "on-call-channel",
                "oncall",
                "on-call",
                "oncall-rotation",
                "on-call-rotation",
                "slack-channel",
                "pagerduty",
                "pagerduty-service",
                "support-contact",
            ],
            Field::HealthEndpoint => &[
                "health-endpoint",
                "health-check-url",
                "health-check-path",
                "health-check",
                "health-url",
                "healthcheck",
                "liveness-probe",
                "readiness-probe",
                "health-api",
                "health-path",
                "health-endpoints",
                "health",
            ],
            Field::Runbook => &["runbook", "runbook-url", "runbooks", "playbook"],
            Field::Tier => &[
                "tier",
                "service-tier",
                "sla-tier",
                "criticality",
                "business-criticality",
            ],
            Field::Dashboard => &[
                "dashboard",
                "grafana-dashboard",
                "dashboards",
                "dashboard-url",
            ],
            Field::LogQuery => &[
                "log-query",
                "logs",
                "log-url",
                "kibana-query",
                "kibana-logs",
            ],
            Field::Alerts => &["alerts", "alert", "pagerduty-alerts", "alerting"],
            Field::BackupSchedule => &[
                "backup-schedule",
                "backup-frequency",
                "backups",
                "backup",
                "backup-policy",
            ],
            Field::RestoreTime => &["restore-time", "restore-duration", "rto", "rto-minutes"],
            Field::DbaContact => &["dba-contact", "dba", "dba-team", "database-owner"],
            Field::Escalation => &["escalation", "escalation-policy", "escalation-contact"],
            Field::Latency => &[
                "latency",
                "expected-latency",
                "latency-ms",
                "p99-latency",
                "latency-p99",
                "latency-budget-ms",
                "response-time",
            ],
            Field::ReplicationLag => &[
                "replication-lag",
                "max-replication-lag",
                "replication-mode",
                "replication",
                "replicates-from",
            ],
            Field::ConnectionPool => &[
                "connection-pool",
                "pool-size",
                "max-connections",
                "connection-pool-size",
            ],
        }
    }

    /// Words for "declares no …".
    pub fn label(self) -> &'static str {
        match self {
            Field::Owner => "owner",
            Field::Oncall => "on-call channel",
            Field::HealthEndpoint => "health endpoint",
            Field::Runbook => "runbook",
            Field::Tier => "tier",
            Field::Dashboard => "dashboard",
            Field::LogQuery => "log query",
            Field::Alerts => "alerts",
            Field::BackupSchedule => "backup schedule",
            Field::RestoreTime => "restore time",
            Field::DbaContact => "DBA contact",
            Field::Escalation => "escalation",
            Field::Latency => "latency",
            Field::ReplicationLag => "replication",
            Field::ConnectionPool => "connection pool",
        }
    }

    /// Fields a composed-of / deployed-in parent states for its members (a cluster's owner and
    /// DBA own its members; a health endpoint or dashboard belongs to one node only).
    pub fn inherited(self) -> bool {
        matches!(
            self,
            Field::Owner
                | Field::Oncall
                | Field::Runbook
                | Field::Tier
                | Field::BackupSchedule
                | Field::RestoreTime
                | Field::DbaContact
                | Field::Escalation
        )
    }
}

/// A value the model states, with its source: `element` (a unique-id, or `architecture`) and
/// the metadata key it was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stated {
    pub element: String,
    pub key: String,
    pub value: String,
}

impl Stated {
    /// `order-service.metadata.owner`: where a reader finds it.
    pub fn cite(&self) -> String {
        format!("{}.metadata.{}", self.element, self.key)
    }
}

/// One entry of a node's `failure-modes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct FailureMode {
    /// The node that declares it.
    pub element: String,
    /// Position in the `failure-modes` list (0-based), for citations.
    pub index: usize,
    pub symptom: Option<String>,
    pub likely_cause: Option<String>,
    pub check: Option<String>,
    pub remediation: Option<String>,
    pub escalation: Option<String>,
}

impl FailureMode {
    pub fn cite(&self) -> String {
        format!("{}.metadata.failure-modes[{}]", self.element, self.index)
    }
}

/// The operational metadata of one node.
#[derive(Debug, Clone, Default, Serialize)]
pub struct NodeOps {
    /// Field → the value stated on the node or (for inherited fields) its nearest parent.
    pub fields: Vec<(Field, Stated)>,
    /// The node's own `dependencies` list, if it states one (ids or names as written).
    pub dependencies: Option<Vec<String>>,
    pub failure_modes: Vec<FailureMode>,
}

impl NodeOps {
    pub fn get(&self, f: Field) -> Option<&Stated> {
        self.fields.iter().find(|(k, _)| *k == f).map(|(_, s)| s)
    }
}

/// Keys of a flow's incident metadata (tutorial 15, step 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FlowField {
    BusinessImpact,
    DegradedBehavior,
    CustomerCommunication,
    Sla,
}

impl FlowField {
    pub const ALL: [FlowField; 4] = [
        FlowField::BusinessImpact,
        FlowField::DegradedBehavior,
        FlowField::CustomerCommunication,
        FlowField::Sla,
    ];
    pub fn keys(self) -> &'static [&'static str] {
        match self {
            // Not `business-criticality`: a tier ("high") says how much it matters, not what
            // its outage costs (flow criticality reads it).
            FlowField::BusinessImpact => {
                &["business-impact", "impact", "business-impact-statement"]
            }
            FlowField::DegradedBehavior => &[
                "degraded-behavior",
                "degraded-behaviour",
                "degraded-mode",
                "fallback",
            ],
            FlowField::CustomerCommunication => &[
                "customer-communication",
                "customer-message",
                "customer-comms",
            ],
            FlowField::Sla => &["sla", "slo", "availability-target", "availability-percent"],
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            FlowField::BusinessImpact => "business impact",
            FlowField::DegradedBehavior => "degraded behaviour",
            FlowField::CustomerCommunication => "customer communication",
            FlowField::Sla => "SLA",
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct FlowOps {
    pub fields: Vec<(FlowField, Stated)>,
}

impl FlowOps {
    pub fn get(&self, f: FlowField) -> Option<&Stated> {
        self.fields.iter().find(|(k, _)| *k == f).map(|(_, s)| s)
    }
}

/// The operational metadata of a whole model, indexed like [`Model`]'s nodes and flows.
#[derive(Debug, Clone, Default, Serialize)]
pub struct OpsFacts {
    pub nodes: Vec<NodeOps>,
    pub flows: Vec<FlowOps>,
    /// Architecture-level `monitoring` (or `observability`) entries, in document order, each
    /// cited as `architecture.metadata.monitoring.KEY`.
    pub monitoring: Vec<Stated>,
}

impl OpsFacts {
    /// Read the model. `parents[n]`: the composed-of / deployed-in parents of node `n`, nearest
    /// first (inherited fields are taken from the first that states them).
    pub fn read(model: &Model, parents: &[Vec<usize>]) -> OpsFacts {
        let own: Vec<NodeOps> = model
            .nodes
            .iter()
            .map(|n| read_node(&n.id, &n.metadata))
            .collect();
        let mut nodes = own.clone();
        for (n, ops) in nodes.iter_mut().enumerate() {
            for f in Field::ALL {
                if !f.inherited() || ops.get(f).is_some() {
                    continue;
                }
                let from = parents
                    .get(n)
                    .into_iter()
                    .flatten()
                    .find_map(|&p| own.get(p).and_then(|o| o.get(f)));
                if let Some(s) = from {
                    ops.fields.push((f, s.clone()));
                }
            }
            ops.fields.sort_by_key(|(f, _)| *f);
        }
        let flows = model
            .flows
            .iter()
            .map(|f| FlowOps {
                fields: FlowField::ALL
                    .iter()
                    .filter_map(|&k| stated(&f.id, &f.metadata, k.keys()).map(|s| (k, s)))
                    .collect(),
            })
            .collect();
        let monitoring = ["monitoring", "observability"]
            .iter()
            .find_map(|k| lookup(&model.metadata, k))
            .map(|(key, v)| match v {
                Value::Object(m) => m
                    .iter()
                    .filter(|(_, v)| !is_negative(v))
                    .map(|(k, v)| Stated {
                        element: "architecture".into(),
                        key: format!("{key}.{k}"),
                        value: text(v),
                    })
                    .collect(),
                v if !is_negative(v) => vec![Stated {
                    element: "architecture".into(),
                    key,
                    value: text(v),
                }],
                _ => Vec::new(),
            })
            .unwrap_or_default();
        OpsFacts {
            nodes,
            flows,
            monitoring,
        }
    }

    /// A monitoring link by any of `words` in its key (`grafana`, `dashboard`, …).
    pub fn monitoring_link(&self, words: &[&str]) -> Option<&Stated> {
        self.monitoring.iter().find(|s| {
            let k = s.key.to_ascii_lowercase();
            words.iter().any(|w| k.contains(w))
        })
    }

    /// Does the model state any operational metadata at all?
    pub fn is_empty(&self) -> bool {
        self.monitoring.is_empty()
            && self.flows.iter().all(|f| f.fields.is_empty())
            && self.nodes.iter().all(|n| {
                n.fields.is_empty() && n.failure_modes.is_empty() && n.dependencies.is_none()
            })
    }
}

fn read_node(id: &str, md: &Map<String, Value>) -> NodeOps {
    let fields = Field::ALL
        .iter()
        .filter_map(|&f| stated(id, md, f.keys()).map(|s| (f, s)))
        .collect();
    let dependencies = lookup(md, "dependencies").and_then(|(_, v)| match v {
        Value::Array(items) => Some(items.iter().filter_map(dependency_name).collect()),
        Value::String(s) if !is_negative(v) => Some(
            s.split(',')
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect(),
        ),
        Value::Object(m) => Some(
            // {"upstream": [...], "downstream": [...]}: both directions are dependencies.
            m.values()
                .flat_map(|v| match v {
                    Value::Array(items) => items.iter().filter_map(dependency_name).collect(),
                    v => dependency_name(v).into_iter().collect::<Vec<_>>(),
                })
                .collect(),
        ),
        _ => None,
    });
    let failure_modes = ["failure-modes", "failure-mode", "known-failure-modes"]
        .iter()
        .find_map(|k| lookup(md, k))
        .map(|(_, v)| match v {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| match item {
                    Value::Object(o) => Some(failure_mode(id, i, o)),
                    // A bare string names the symptom only.
                    Value::String(_) if !is_negative(item) => Some(symptom_only(id, i, item)),
                    _ => None,
                })
                .collect(),
            Value::Object(o) => vec![failure_mode(id, 0, o)],
            Value::String(_) if !is_negative(v) => vec![symptom_only(id, 0, v)],
            _ => Vec::new(),
        })
        .unwrap_or_default();
    NodeOps {
        fields,
        dependencies,
        failure_modes,
    }
}

fn failure_mode(id: &str, index: usize, o: &Map<String, Value>) -> FailureMode {
    let get = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| lookup(o, k))
            .filter(|(_, v)| !is_negative(v))
            .map(|(_, v)| text(v))
    };
    FailureMode {
        element: id.to_string(),
        index,
        symptom: get(&["symptom", "symptoms", "name"]),
        likely_cause: get(&["likely-cause", "cause", "probable-cause"]),
        check: get(&["check", "diagnosis", "how-to-check", "detection"]),
        remediation: get(&[
            "remediation",
            "remediation-steps",
            "resolution",
            "fix",
            "mitigation",
            "action",
        ]),
        escalation: get(&[
            "escalation",
            "escalate",
            "escalate-to",
            "escalation-contact",
            "contact",
        ]),
    }
}

fn symptom_only(id: &str, index: usize, v: &Value) -> FailureMode {
    FailureMode {
        element: id.to_string(),
        index,
        symptom: Some(text(v)),
        likely_cause: None,
        check: None,
        remediation: None,
        escalation: None,
    }
}

/// A dependency entry: a string, or an object naming one (`{"service": "x"}`, `{"id": "x"}`).
fn dependency_name(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Object(m) => ["unique-id", "id", "service", "node", "name"]
            .iter()
            .find_map(|k| m.get(*k).and_then(Value::as_str))
            .map(str::to_string),
        _ => None,
    }
}

fn lookup<'m>(md: &'m Map<String, Value>, key: &str) -> Option<(String, &'m Value)> {
    md.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(k, v)| (k.clone(), v))
}

fn stated(element: &str, md: &Map<String, Value>, keys: &[&str]) -> Option<Stated> {
    keys.iter()
        .find_map(|k| lookup(md, k))
        .filter(|(_, v)| !is_negative(v))
        .map(|(key, v)| Stated {
            element: element.to_string(),
            key,
            value: text(v),
        })
}

/// A metadata value as one line of text: strings as written, lists joined with ", ", objects as
/// `key: value` pairs.
pub fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(", "),
        Value::Object(m) => m
            .iter()
            .map(|(k, v)| format!("{k}: {}", text(v)))
            .collect::<Vec<_>>()
            .join("; "),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn model(doc: Value) -> Model {
        Model::build(&calm_model::Document::from_value("test.json", &doc))
    }

    #[test]
    fn reads_tutorial_keys_and_cites_them() {
        let m = model(json!({
            "nodes": [
                {"unique-id": "svc", "node-type": "service", "name": "Svc", "description": "",
                 "metadata": {"owner": "team-a", "oncall-slack": "#oncall-a", "health-endpoint": "none",
                  "dependencies": ["db"],
                  "failure-modes": [{"symptom": "HTTP 503", "remediation": "scale up"}]}},
                {"unique-id": "db", "node-type": "database", "name": "Db", "description": "",
                 "metadata": {"backup-frequency": "daily"}}
            ],
            "relationships": [],
            "metadata": {"monitoring": {"grafana-dashboard": "https://g/d/x", "statuspage": false}}
        }));
        let f = OpsFacts::read(&m, &[vec![], vec![0]]);
        let svc = &f.nodes[0];
        assert_eq!(svc.get(Field::Owner).unwrap().cite(), "svc.metadata.owner");
        assert_eq!(svc.get(Field::Oncall).unwrap().value, "#oncall-a");
        assert!(
            svc.get(Field::HealthEndpoint).is_none(),
            "\"none\" declares absence"
        );
        assert_eq!(svc.dependencies.as_deref(), Some(&["db".to_string()][..]));
        assert_eq!(svc.failure_modes[0].cite(), "svc.metadata.failure-modes[0]");
        assert_eq!(svc.failure_modes[0].escalation, None);
        // The database inherits the owner from its (test) parent; the backup key is a synonym.
        let db = &f.nodes[1];
        assert_eq!(db.get(Field::Owner).unwrap().element, "svc");
        assert_eq!(db.get(Field::BackupSchedule).unwrap().value, "daily");
        assert_eq!(f.monitoring.len(), 1);
        assert_eq!(
            f.monitoring_link(&["grafana"]).unwrap().cite(),
            "architecture.metadata.monitoring.grafana-dashboard"
        );
        assert!(!f.is_empty());
    }
}
