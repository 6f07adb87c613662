//! Dev-only generators of synthetic CALM 1.2 architectures for benchmarks, scale tests and
//! examples (`publish = false`; used only as a dev-dependency). Every generator is deterministic:
//! the same arguments give the same document, byte for byte.
//!
//! Two shapes, for two kinds of benchmark:
//! - [`layered_architecture`]: what the review rules and the layout are about (actors behind a
//!   load balancer and a gateway pair, services in layers, databases, brokers with queues,
//!   clusters, HA groups, flows down the call chains). Used by `review` and `render` benchmarks,
//!   calm-analysis's and calm-render's scale tests, and the `gen_arch` example.
//! - [`chain_architecture`]: what the validator works through (interfaces and metadata on every
//!   node, a control with an inline config on every 10th node checked against a requirement
//!   schema, a chain of relationships referencing every node, clusters, flows). Used by the
//!   `validate` benchmark through the `gen_architecture` example and [`write_chain_benchmark`].

mod calm;
mod chain;
mod layered;

pub use chain::{
    ENCRYPTION_REQUIREMENT_PATH, chain_architecture, encryption_requirement, write_chain_benchmark,
};
pub use layered::layered_architecture;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generators_are_deterministic() {
        assert_eq!(layered_architecture(300, 5), layered_architecture(300, 5));
        assert_ne!(layered_architecture(300, 5), layered_architecture(300, 6));
        assert_eq!(chain_architecture(120), chain_architecture(120));
    }

    #[test]
    fn chain_has_the_requested_node_count() {
        for n in [2, 50, 51, 1000] {
            let v = chain_architecture(n);
            assert_eq!(v["nodes"].as_array().unwrap().len(), n, "{n}");
        }
    }

    #[test]
    fn layered_has_about_the_requested_node_count() {
        let v = layered_architecture(1000, 1);
        let n = v["nodes"].as_array().unwrap().len();
        assert!((990..=1010).contains(&n), "{n}");
    }
}
