//! Resilience rules RES-01 … RES-19 (docs/advisor-design.md §4). One file per rule; the helpers
//! below are shared by them (blast-radius wording, impact from blast, evidence lookups).

use crate::blast::Blast;
use crate::context::Context;
use crate::normalize::Control;
use crate::rules::Rule;
use serde_json::{Value, json};

pub mod broker_single_instance;
pub mod cascading_sync_dependency;
pub mod circular_sync_dependency;
pub mod consumer_without_dead_letter;
pub mod datastore_no_replication;
pub mod flow_availability_below_target;
pub mod load_balancer_ha_undeclared;
pub mod missing_backup_dr;
pub mod missing_health_check;
pub mod missing_recovery_objectives;
pub mod redundancy_shared_fate;
pub mod replica_without_failover;
pub mod retry_timeout_misconfiguration;
pub mod shared_dependency_no_bulkhead;
pub mod single_ingress_path;
pub mod single_zone_deployment;
pub mod spof_node;
pub mod sync_call_without_failure_handling;
pub mod sync_chain_too_deep;

/// Resilience rules in priority order. The order breaks ties in the ranking: the front door
/// first, then state (data loss is hard to undo), then cascades, then the broker, then stateless
/// single instances, then the rest.
pub fn rules() -> Vec<&'static dyn Rule> {
    vec![
        &single_ingress_path::SingleIngressPath,
        &datastore_no_replication::DatastoreNoReplication,
        &cascading_sync_dependency::CascadingSyncDependency,
        &broker_single_instance::BrokerSingleInstance,
        &spof_node::SpofNode,
        &flow_availability_below_target::FlowAvailabilityBelowTarget,
        &replica_without_failover::ReplicaWithoutFailover,
        &redundancy_shared_fate::RedundancySharedFate,
        &single_zone_deployment::SingleZoneDeployment,
        &load_balancer_ha_undeclared::LoadBalancerHaUndeclared,
        &sync_call_without_failure_handling::SyncCallWithoutFailureHandling,
        &shared_dependency_no_bulkhead::SharedDependencyNoBulkhead,
        &circular_sync_dependency::CircularSyncDependency,
        &sync_chain_too_deep::SyncChainTooDeep,
        &missing_recovery_objectives::MissingRecoveryObjectives,
        &missing_backup_dr::MissingBackupDr,
        &missing_health_check::MissingHealthCheck,
        &retry_timeout_misconfiguration::RetryTimeoutMisconfiguration,
        &consumer_without_dead_letter::ConsumerWithoutDeadLetter,
    ]
}

/// Impact 1–4 from a blast radius (§3.7): 4 = breaks a critical flow or every flow,
/// 3 = breaks a flow, 2 = degrades a flow, 1 = no runtime impact.
pub(crate) fn impact_of(ctx: &Context, b: &Blast) -> u8 {
    let any_critical = b
        .flows_broken
        .iter()
        .any(|f| ctx.flows[*f].criticality >= 4);
    // A flow that nobody is modelled to use (no actor starts it) and that declares no
    // criticality is a premise not confirmed: breaking it counts as degrading.
    let confirmed = b.flows_broken.iter().any(|f| {
        let f = &ctx.flows[*f];
        !f.actors.is_empty() || f.criticality >= 3
    });
    if any_critical || (b.flows_broken.len() >= 2 && b.flows_broken.len() == ctx.flows.len()) {
        4
    } else if confirmed {
        3
    } else if !b.flows_broken.is_empty()
        || !b.flows_degraded.is_empty()
        || !b.actors_affected.is_empty()
    {
        2
    } else {
        1
    }
}

/// Ids of the flows broken (explicit flows only; implicit journeys are named by actor).
pub(crate) fn flow_ids(ctx: &Context, flows: &[usize]) -> Vec<String> {
    flows
        .iter()
        .filter(|f| !ctx.flows[**f].implicit)
        .map(|f| ctx.flows[*f].id.clone())
        .collect()
}

/// What a set of broken flows is called in a title: the explicit flow ids, or for inferred
/// journeys "the inferred journeys of customer and admin" (or "of the entry at bff").
pub(crate) fn journeys_phrase(ctx: &Context, flows: &[usize]) -> String {
    let explicit = flow_ids(ctx, flows);
    if !explicit.is_empty() {
        return and_list(&explicit);
    }
    let mut who: Vec<String> = Vec::new();
    for f in flows {
        let f = &ctx.flows[*f];
        let names: Vec<usize> = if f.actors.is_empty() {
            f.request_nodes.first().copied().into_iter().collect()
        } else {
            f.actors.clone()
        };
        for n in names {
            let id = ctx.node_id(n).to_string();
            if !who.contains(&id) {
                who.push(id);
            }
        }
    }
    if who.is_empty() {
        "its callers".to_string()
    } else {
        format!("the inferred journeys of {}", and_list(&who))
    }
}

/// "order-processing-flow and inventory-check-flow"
pub(crate) fn and_list(items: &[String]) -> String {
    match items.len() {
        0 => String::new(),
        1 => items[0].clone(),
        2 => format!("{} and {}", items[0], items[1]),
        n => format!("{} and {}", items[..n - 1].join(", "), items[n - 1]),
    }
}

/// Flows broken and actors affected, for rationales: "breaks X and Y for customer and admin".
pub(crate) fn blast_sentence(ctx: &Context, b: &Blast) -> String {
    let flows: Vec<String> = b
        .flows_broken
        .iter()
        .map(|f| ctx.flows[*f].id.clone())
        .collect();
    // Name the actors of the broken flows (other actors' journeys may touch the node too, but
    // "X stops for them" must be about the flows named).
    let mut flow_actors: Vec<usize> = b
        .flows_broken
        .iter()
        .flat_map(|f| ctx.flows[*f].actors.iter().copied())
        .collect();
    flow_actors.sort_unstable();
    flow_actors.dedup();
    if flow_actors.is_empty() {
        flow_actors = b.actors_affected.clone();
    }
    let actors: Vec<String> = flow_actors
        .iter()
        .map(|a| ctx.node_id(*a).to_string())
        .collect();
    let mut s = if flows.is_empty() {
        "no modelled flow breaks".to_string()
    } else {
        format!(
            "{} stop{}",
            and_list(&flows),
            if flows.len() == 1 { "s" } else { "" }
        )
    };
    if !actors.is_empty() {
        s.push_str(&format!(" for {}", and_list(&actors)));
    }
    if !b.flows_degraded.is_empty() {
        let d: Vec<String> = b
            .flows_degraded
            .iter()
            .map(|f| ctx.flows[*f].id.clone())
            .collect();
        s.push_str(&format!(
            "; {} degrade{} (queued work waits)",
            and_list(&d),
            if d.len() == 1 { "s" } else { "" }
        ));
    }
    s
}

/// Blast-radius metrics for the JSON output.
pub(crate) fn blast_metrics(ctx: &Context, b: &Blast) -> Value {
    json!({
        "flowsBroken": b.flows_broken.len(),
        "criticalFlowsBroken": b.flows_broken.iter().filter(|f| ctx.flows[**f].criticality >= 4).count(),
        "flowsDegraded": b.flows_degraded.len(),
        "actorsAffected": b.actors_affected.iter().map(|a| ctx.node_id(*a).to_string()).collect::<Vec<_>>(),
        "dependents": b.dependents.len(),
    })
}

/// Evidence line of a blast radius.
pub(crate) fn blast_evidence(ctx: &Context, b: &Blast) -> String {
    let total = ctx.flows.len();
    let mut s = format!(
        "breaks {}/{} {}",
        b.flows_broken.len(),
        total,
        if ctx.has_explicit_flows() {
            "flows"
        } else {
            "implicit journeys"
        }
    );
    if !b.actors_affected.is_empty() {
        let a: Vec<String> = b
            .actors_affected
            .iter()
            .map(|a| ctx.node_id(*a).to_string())
            .collect();
        s.push_str(&format!(", cuts off {}", and_list(&a)));
    }
    if !b.dependents.is_empty() {
        s.push_str(&format!(
            ", {} direct caller(s) lose a dependency",
            b.dependents.len()
        ));
    }
    s
}

/// Where a mitigation named by `keys` (metadata/config keys) or `words` (control names) is
/// declared present, in the one meaning of [`crate::evidence::declared`]: a key whose value is
/// `false`/`none`/`disabled` is declared absent and is not evidence.
pub(crate) fn evidence_in(
    metadata: &serde_json::Map<String, Value>,
    controls: &[Control],
    keys: &[&str],
    words: &[&str],
) -> Option<String> {
    crate::evidence::declared(metadata, controls, keys, words).present()
}

/// Whether any flow that uses the node is critical.
pub(crate) fn max_criticality(ctx: &Context, flows: &[usize]) -> u8 {
    flows
        .iter()
        .map(|f| ctx.flows[*f].criticality)
        .max()
        .unwrap_or(2)
}

/// Orchestrated (Kubernetes, ECS, Nomad…): a crashed single instance is restarted, so the
/// likelihood of a long outage is lower (still a SPOF during restarts, node loss and deploys).
pub(crate) fn orchestrated(ctx: &Context, n: usize) -> Option<String> {
    let nd = &ctx.model.nodes[n];
    for k in [
        "deployment-type",
        "deployment",
        "platform",
        "runtime",
        "orchestrator",
    ] {
        if let Some(v) = nd.metadata.get(k).and_then(Value::as_str) {
            let l = v.to_ascii_lowercase();
            if [
                "kubernetes",
                "k8s",
                "ecs",
                "nomad",
                "openshift",
                "eks",
                "aks",
                "gke",
            ]
            .iter()
            .any(|w| l.contains(w))
            {
                return Some(format!("metadata {k}: {v}"));
            }
        }
    }
    ctx.graph
        .host_chain(n)
        .into_iter()
        .find(|c| ctx.roles[*c].role == crate::roles::Role::Cluster)
        .map(|c| format!("deployed in cluster {}", ctx.node_id(c)))
}

/// Identifier of the architecture for architecture-scope findings.
pub(crate) fn architecture_id(ctx: &Context) -> String {
    ctx.doc
        .value
        .get("unique-id")
        .and_then(Value::as_str)
        .unwrap_or("architecture")
        .to_string()
}
