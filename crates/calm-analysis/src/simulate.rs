//! Failure simulation (`calm-advisor simulate`): fail a set of nodes together and report which
//! flows and actor journeys break, which degrade (asynchronous parts wait), and which nodes lose
//! a dependency; or fail every node in turn and rank by blast radius.

use crate::context::Context;
use serde_json::{Value, json};

/// The result of failing a set of nodes.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub failed: Vec<String>,
    /// Nodes down because they are hosted in a failed node.
    pub also_down: Vec<String>,
    pub flows_broken: Vec<String>,
    pub flows_degraded: Vec<String>,
    pub actors_affected: Vec<String>,
    pub lose_dependency: Vec<String>,
    /// Σ criticality of the broken flows.
    pub weight: u32,
}

impl Outcome {
    pub fn to_json(&self) -> Value {
        json!({
            "failed": self.failed,
            "alsoDown": self.also_down,
            "flowsBroken": self.flows_broken,
            "flowsDegraded": self.flows_degraded,
            "actorsAffected": self.actors_affected,
            "nodesLosingADependency": self.lose_dependency,
            "weight": self.weight,
        })
    }
}

/// Fail `ids` together. Unknown ids are an error naming them.
pub fn fail(ctx: &Context, ids: &[String]) -> Result<Outcome, String> {
    let mut idx = Vec::new();
    let mut unknown = Vec::new();
    for id in ids {
        match ctx.node_idx(id) {
            Some(i) => idx.push(i),
            None => unknown.push(id.clone()),
        }
    }
    if !unknown.is_empty() {
        return Err(format!("unknown node id(s): {}", unknown.join(", ")));
    }
    idx.sort_unstable();
    idx.dedup();
    let b = crate::blast::blast_full(ctx, &idx);
    let name = |v: &[usize]| {
        v.iter()
            .map(|n| ctx.node_id(*n).to_string())
            .collect::<Vec<_>>()
    };
    let flows = |v: &[usize]| {
        v.iter()
            .map(|f| ctx.flows[*f].id.clone())
            .collect::<Vec<_>>()
    };
    Ok(Outcome {
        failed: name(&idx),
        also_down: name(
            &b.down
                .iter()
                .copied()
                .filter(|n| !idx.contains(n))
                .collect::<Vec<_>>(),
        ),
        flows_broken: flows(&b.flows_broken),
        flows_degraded: flows(&b.flows_degraded),
        actors_affected: name(&b.actors_affected),
        lose_dependency: name(
            &b.dependents
                .iter()
                .copied()
                .filter(|n| !idx.contains(n))
                .collect::<Vec<_>>(),
        ),
        weight: b.weight,
    })
}

/// Fail every provider node in turn; ranked by weight, flows broken, actors, dependents, id.
pub fn each(ctx: &Context) -> Vec<Outcome> {
    let mut out: Vec<Outcome> = (0..ctx.model.nodes.len())
        .filter(|n| !ctx.roles[*n].role.is_client_side())
        .filter_map(|n| fail(ctx, &[ctx.node_id(n).to_string()]).ok())
        .collect();
    out.sort_by(|a, b| {
        b.weight
            .cmp(&a.weight)
            .then(b.flows_broken.len().cmp(&a.flows_broken.len()))
            .then(b.actors_affected.len().cmp(&a.actors_affected.len()))
            .then(b.lose_dependency.len().cmp(&a.lose_dependency.len()))
            .then(a.failed.cmp(&b.failed))
    });
    out
}
