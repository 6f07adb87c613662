//! Structural diff of two CALM architectures, keyed by `unique-id`.
//!
//! Elements are paired by id first; what is left is paired by content similarity so that a
//! rename (same element, new id) is reported as one rename instead of a removal plus an
//! addition. Old values are rewritten through the rename maps before they are compared, so a
//! relationship whose endpoint was merely renamed is not reported as re-pointed.

mod adrs;
mod controls;
mod elements;
mod metadata;
mod pairing;
mod summaries;
mod values;

pub use adrs::{adr_links, is_adr_key};
pub use controls::control_summary;
pub use summaries::relationship_shape;
pub use values::{compact, value_details};

use adrs::adr_changes;
use calm_model::Document;
use controls::control_changes;
use elements::{document_changes, flow_changes, node_changes, relationship_changes};
use metadata::metadata_changes;
use pairing::{pair_flows, pair_nodes, pair_relationships};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// Which part of the document a change is about (also the order of sections in output).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Section {
    Document,
    Node,
    Interface,
    Relationship,
    Flow,
    Transition,
    Control,
    Metadata,
    Adr,
}

impl Section {
    pub const ALL: [Section; 9] = [
        Section::Document,
        Section::Node,
        Section::Interface,
        Section::Relationship,
        Section::Flow,
        Section::Transition,
        Section::Control,
        Section::Metadata,
        Section::Adr,
    ];
    pub fn title(self) -> &'static str {
        match self {
            Section::Document => "Document",
            Section::Node => "Nodes",
            Section::Interface => "Interfaces",
            Section::Relationship => "Relationships",
            Section::Flow => "Flows",
            Section::Transition => "Flow transitions",
            Section::Control => "Controls",
            Section::Metadata => "Metadata",
            Section::Adr => "ADR links",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    Added,
    Removed,
    Renamed,
    Changed,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Added => "added",
            Op::Removed => "removed",
            Op::Renamed => "renamed",
            Op::Changed => "changed",
        }
    }
    /// One-character marker used in text output.
    pub fn marker(self) -> char {
        match self {
            Op::Added => '+',
            Op::Removed => '-',
            Op::Renamed => '>',
            Op::Changed => '~',
        }
    }
}

/// One changed value inside an element (`path` is dotted, relative to the element).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Detail {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
}

/// One added, removed, renamed or changed element.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ElementChange {
    pub section: Section,
    pub op: Op,
    /// The element's id in NEW (in OLD when removed). Controls: the control key. Transitions:
    /// `relationship#sequence`. ADR links: the ADR path. Metadata: the owner.
    pub id: String,
    /// The id in OLD, for renames.
    #[serde(rename = "oldId", skip_serializing_if = "Option::is_none")]
    pub old_id: Option<String>,
    /// The element that owns this one (`architecture`, `node:ID`, `relationship:ID`, `flow:ID`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// A one-line description of the element or the change.
    pub summary: String,
    pub details: Vec<Detail>,
}

/// Old id → new id for every element paired across a rename.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Renames {
    pub nodes: BTreeMap<String, String>,
    pub relationships: BTreeMap<String, String>,
    pub interfaces: BTreeMap<String, String>,
    pub flows: BTreeMap<String, String>,
}

impl Renames {
    pub fn node<'a>(&'a self, id: &'a str) -> &'a str {
        self.nodes.get(id).map(String::as_str).unwrap_or(id)
    }
    pub fn relationship<'a>(&'a self, id: &'a str) -> &'a str {
        self.relationships.get(id).map(String::as_str).unwrap_or(id)
    }
    pub fn interface<'a>(&'a self, id: &'a str) -> &'a str {
        self.interfaces.get(id).map(String::as_str).unwrap_or(id)
    }
    pub fn flow<'a>(&'a self, id: &'a str) -> &'a str {
        self.flows.get(id).map(String::as_str).unwrap_or(id)
    }
}

/// The structural difference between two architectures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StructuralDiff {
    pub changes: Vec<ElementChange>,
    pub renames: Renames,
}

impl StructuralDiff {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
    pub fn count(&self, section: Section, op: Op) -> usize {
        self.changes
            .iter()
            .filter(|c| c.section == section && c.op == op)
            .count()
    }
    pub fn in_section(&self, section: Section) -> impl Iterator<Item = &ElementChange> {
        self.changes.iter().filter(move |c| c.section == section)
    }
}

/// Compute the structural diff of `old` → `new`.
pub fn structural_diff(old: &Document, new: &Document) -> StructuralDiff {
    let mut renames = Renames::default();
    let mut changes = Vec::new();

    let node_pairs = pair_nodes(old, new, &mut renames);
    let rel_pairs = pair_relationships(old, new, &mut renames);
    let flow_pairs = pair_flows(old, new, &mut renames);

    document_changes(old, new, &mut changes);
    node_changes(old, new, &node_pairs, &renames, &mut changes);
    relationship_changes(old, new, &rel_pairs, &renames, &mut changes);
    flow_changes(old, new, &flow_pairs, &renames, &mut changes);
    control_changes(old, new, &renames, &mut changes);
    metadata_changes(old, new, &node_pairs, &rel_pairs, &flow_pairs, &mut changes);
    adr_changes(old, new, &renames, &mut changes);

    // Stable order: by section, keeping generation order (new-document order, then removals).
    changes.sort_by_key(|c| c.section);
    StructuralDiff { changes, renames }
}
