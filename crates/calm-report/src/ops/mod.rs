//! Operations documentation (`calm-advisor report --ops FILE -o DIR`, tutorial day 16): three
//! Markdown documents built from the model alone — service runbooks, an on-call quick reference
//! and a flow support guide.
//!
//! Everything comes from the architecture: the running components and databases from the
//! engine's role inference, dependencies and sync/async hops from its dependency graph, flow
//! order from its flow criticality, and the operational facts from
//! [`calm_analysis::ops::facts`] (each value with the `element.metadata.key` it came from).
//! What the model does not state is written as a gap to fill ("_not declared: add
//! `health-endpoint` to payment-service_"), never as an empty cell. Same model, same bytes.
//!
//! Which nodes get a runbook ([`OpsView::runs`]): the roles that are processes someone operates
//! and pages for — load balancers, gateways, services, CDNs, WAFs, identity providers,
//! directories and message brokers — unless the node is outside the architecture (an external
//! system) or only a frame around other nodes (a composed-of / deployed-in container that is not
//! a broker). Actors and client software (they run on the user's side), data stores (covered by
//! the database contacts and by the runbooks of the services that use them), queues (part of
//! their broker) and systems, clusters, network zones and data assets (aggregates) get none.

mod flow_guide;
mod oncall;
mod runbooks;

use crate::input::LoadedArchitecture;
use crate::review_report::architecture_name;
use calm_analysis::Context;
use calm_analysis::flows::FlowInfo;
use calm_analysis::graph::EdgeMode;
use calm_analysis::ops::{Field, FlowField, OpsFacts, Stated};
use calm_analysis::output::markdown::md_cell;
use calm_analysis::roles::Role;

/// File names of the three documents, in the order [`OpsDocuments::files`] returns them.
pub const FILE_NAMES: [&str; 3] = [
    "service-runbooks.md",
    "oncall-reference.md",
    "flow-support-guide.md",
];

/// The three operations documents (Markdown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpsDocuments {
    pub service_runbooks: String,
    pub oncall_reference: String,
    pub flow_support_guide: String,
}

impl OpsDocuments {
    /// `(file name, content)` for each document, in [`FILE_NAMES`] order.
    pub fn files(&self) -> [(&'static str, &str); 3] {
        [
            (FILE_NAMES[0], &self.service_runbooks),
            (FILE_NAMES[1], &self.oncall_reference),
            (FILE_NAMES[2], &self.flow_support_guide),
        ]
    }
}

/// Build the three documents for one architecture.
pub fn ops_documents(loaded: &LoadedArchitecture) -> OpsDocuments {
    let ctx = Context::build(&loaded.doc, calm_analysis::ReviewConfig::default());
    let facts = calm_analysis::ops::facts(&ctx);
    let view = OpsView {
        ctx: &ctx,
        facts: &facts,
        name: architecture_name(loaded),
    };
    OpsDocuments {
        service_runbooks: runbooks::render(&view),
        oncall_reference: oncall::render(&view),
        flow_support_guide: flow_guide::render(&view),
    }
}

/// The model as the three documents read it.
pub(crate) struct OpsView<'v, 'a> {
    pub ctx: &'v Context<'a>,
    pub facts: &'v OpsFacts,
    pub name: String,
}

impl OpsView<'_, '_> {
    pub fn id(&self, n: usize) -> &str {
        &self.ctx.model.nodes[n].id
    }

    /// `Name (`id`)`, or `` `id` `` when the node has no name of its own.
    pub fn title(&self, n: usize) -> String {
        let node = &self.ctx.model.nodes[n];
        if node.name.trim().is_empty() || node.name == node.id {
            code(&node.id)
        } else {
            format!("{} ({})", node.name.trim(), code(&node.id))
        }
    }

    pub fn role(&self, n: usize) -> Role {
        self.ctx.role(n)
    }

    fn is_container(&self, n: usize) -> bool {
        !self.ctx.graph.children[n].is_empty() || !self.ctx.graph.hosted[n].is_empty()
    }

    /// A running component someone operates (see the module documentation).
    pub fn runs(&self, n: usize) -> bool {
        let info = &self.ctx.roles[n];
        let role = info.role;
        let operated = matches!(
            role,
            Role::LoadBalancer
                | Role::Gateway
                | Role::Service
                | Role::Cdn
                | Role::Waf
                | Role::Idp
                | Role::Directory
                | Role::Broker
        );
        operated && !info.external && (role == Role::Broker || !self.is_container(n))
    }

    /// Running components in document order.
    pub fn components(&self) -> Vec<usize> {
        (0..self.ctx.model.nodes.len())
            .filter(|&n| self.runs(n))
            .collect()
    }

    /// Databases (by role) in document order, replicas and cluster members included.
    pub fn databases(&self) -> Vec<usize> {
        (0..self.ctx.model.nodes.len())
            .filter(|&n| self.role(n) == Role::Database && !self.is_container(n))
            .collect()
    }

    /// Explicit flows (indices into `ctx.flows`), most critical first, then document order.
    pub fn flows_by_criticality(&self) -> Vec<usize> {
        let mut flows: Vec<usize> = (0..self.ctx.flows.len())
            .filter(|&f| self.ctx.flows[f].index.is_some())
            .collect();
        flows.sort_by_key(|&f| std::cmp::Reverse(self.ctx.flows[f].criticality));
        flows
    }

    pub fn flow(&self, f: usize) -> &FlowInfo {
        &self.ctx.flows[f]
    }

    /// The operational fact `field` of node `n`, or the gap to fill.
    pub fn field(&self, n: usize, field: Field) -> Value {
        match self.facts.nodes[n].get(field) {
            Some(s) => Value::Stated(s.clone(), self.id(n).to_string()),
            None => Value::Gap(gap(field.keys()[0], self.id(n))),
        }
    }

    /// A flow's incident fact, or the gap to fill (`f` indexes `ctx.flows`, an explicit flow).
    pub fn flow_field(&self, f: usize, field: FlowField) -> Value {
        let flow = self.flow(f);
        let stated = flow
            .index
            .and_then(|i| self.facts.flows.get(i))
            .and_then(|o| o.get(field));
        match stated {
            Some(s) => Value::Stated(s.clone(), flow.id.clone()),
            None => Value::Gap(gap(field.keys()[0], &flow.id)),
        }
    }

    /// Mode of a relationship as the engine infers it (`sync`, `publish`, `async`, `entry`,
    /// `batch`), or `None` for structural relationships (composition, deployment).
    pub fn mode(&self, r: usize) -> Option<EdgeMode> {
        self.ctx
            .graph
            .by_relationship
            .get(r)
            .and_then(|edges| edges.first())
            .map(|&e| self.ctx.graph.edges[e].mode)
    }

    /// Words for an edge mode in a table.
    pub fn mode_words(mode: Option<EdgeMode>) -> &'static str {
        match mode {
            Some(EdgeMode::Entry) => "entry (actor)",
            Some(EdgeMode::Sync) => "sync",
            Some(EdgeMode::Publish) => "async (publish)",
            Some(EdgeMode::Deliver) => "async (deliver)",
            Some(EdgeMode::Batch) => "batch",
            None => "structural",
        }
    }

    /// The node and, for a broker, the queues it contains or hosts: what "on a flow" means for it.
    pub fn members(&self, n: usize) -> Vec<usize> {
        let mut out = vec![n];
        if self.role(n) == Role::Broker {
            let g = &self.ctx.graph;
            for &c in g.children[n].iter().chain(&g.hosted[n]) {
                if self.role(c).is_messaging() && !out.contains(&c) {
                    out.push(c);
                }
            }
        }
        out
    }

    /// The nearest messaging container (broker) of a queue, if any.
    pub fn broker_of(&self, n: usize) -> Option<usize> {
        let mut up = self.ctx.graph.ancestors(n);
        up.extend(self.ctx.graph.host_chain(n));
        up.into_iter().find(|&p| self.role(p).is_messaging())
    }
}

/// A cell value: stated (with its source and the element it documents), or a gap to fill.
#[derive(Debug, Clone)]
pub(crate) enum Value {
    Stated(Stated, String),
    Gap(String),
}

impl Value {
    /// The value as Markdown (not yet escaped for a table cell), marking inherited values.
    pub fn show(&self) -> String {
        match self {
            Value::Stated(s, of) if &s.element != of => {
                format!("{} (from {})", s.value.trim(), code(&s.element))
            }
            Value::Stated(s, _) => s.value.trim().to_string(),
            Value::Gap(g) => g.clone(),
        }
    }
    /// The value as inline code (endpoints), or the gap.
    pub fn show_code(&self) -> String {
        match self {
            Value::Stated(s, of) if &s.element != of => {
                format!("{} (from {})", code(s.value.trim()), code(&s.element))
            }
            Value::Stated(s, _) => code(s.value.trim()),
            Value::Gap(g) => g.clone(),
        }
    }
    /// Where the value was read (`order-service.metadata.owner`), or an em dash for a gap.
    pub fn source(&self) -> String {
        match self {
            Value::Stated(s, _) => code(&s.cite()),
            Value::Gap(_) => "—".into(),
        }
    }
    pub fn stated(&self) -> Option<&Stated> {
        match self {
            Value::Stated(s, _) => Some(s),
            Value::Gap(_) => None,
        }
    }
}

/// The visible gap for a missing metadata key.
pub(crate) fn gap(key: &str, element: &str) -> String {
    format!("_not declared: add `{key}` to {}_", md_code_text(element))
}

/// Inline code, with backticks in the text replaced (a code span cannot hold them safely).
pub(crate) fn code(s: &str) -> String {
    format!("`{}`", s.replace('`', "'").replace(['\n', '\r'], " "))
}

fn md_code_text(s: &str) -> String {
    s.replace('`', "'").replace(['\n', '\r'], " ")
}

/// Plain text for a heading or a list item: one line, pipes and `<` escaped.
pub(crate) fn line(s: &str) -> String {
    md_cell(s.trim())
}

/// Criticality 1–4 in words.
pub(crate) fn criticality_word(c: u8) -> &'static str {
    match c {
        4 => "critical",
        3 => "high",
        2 => "medium",
        _ => "low",
    }
}

/// A GitHub-flavoured Markdown table: one header row, a separator row, and rows with exactly as
/// many cells as the header (every cell escaped: pipes, `<`, line breaks).
pub(crate) struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(header: &[&str]) -> Table {
        Table {
            header: header.iter().map(|s| s.to_string()).collect(),
            rows: Vec::new(),
        }
    }
    pub fn row(&mut self, cells: Vec<String>) {
        assert_eq!(cells.len(), self.header.len(), "table row width");
        self.rows.push(cells);
    }
    pub fn render(&self) -> String {
        let fmt = |cells: &[String]| {
            let cells: Vec<String> = cells
                .iter()
                .map(|c| {
                    let c = md_cell(c.trim());
                    if c.is_empty() { "—".to_string() } else { c }
                })
                .collect();
            format!("| {} |\n", cells.join(" | "))
        };
        let mut out = fmt(&self.header);
        out.push_str(&format!("|{}\n", "---|".repeat(self.header.len())));
        for r in &self.rows {
            out.push_str(&fmt(r));
        }
        out.push('\n');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_cells_are_escaped_and_never_blank() {
        let mut t = Table::new(&["a", "b"]);
        t.row(vec!["x | y\nz".into(), "".into()]);
        assert_eq!(t.render(), "| a | b |\n|---|---|\n| x \\| y z | — |\n\n");
    }

    #[test]
    fn gaps_name_the_key_and_the_element() {
        assert_eq!(
            gap("health-endpoint", "payment-service"),
            "_not declared: add `health-endpoint` to payment-service_"
        );
    }
}
