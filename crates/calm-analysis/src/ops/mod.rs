//! The operations advisor (tutorial days 15–16): what the model says about running each element
//! (`metadata.rs`), outage triage from the dependency graph and that metadata (`triage.rs`), and
//! the triage's text, Markdown and JSON forms (`triage_output.rs`).

pub mod metadata;
pub mod triage;
pub mod triage_output;

pub use metadata::{FailureMode, Field, FlowField, NodeOps, OpsFacts, Stated};
pub use triage::{Query, Triage, triage};

use crate::context::Context;

/// The model's operational metadata, with inherited fields taken from each node's composed-of
/// ancestors, then its deployed-in hosts.
pub fn facts(ctx: &Context) -> OpsFacts {
    let parents: Vec<Vec<usize>> = (0..ctx.model.nodes.len())
        .map(|n| {
            let mut p = ctx.graph.ancestors(n);
            p.extend(ctx.graph.host_chain(n));
            p
        })
        .collect();
    OpsFacts::read(&ctx.model, &parents)
}
