//! Changes of the document's top-level fields and of its elements: nodes (with their
//! interfaces), relationships and flows (with their transitions).

use super::pairing::{Pairs, mapped_relationship, pair_interfaces};
use super::summaries::{
    flow_summary, node_summary, relationship_shape, relationship_summary, renamed_summary,
    transition_summary,
};
use super::values::{compact, details_of, str_of, value_details};
use super::{Detail, ElementChange, Op, Renames, Section};
use calm_model::{Document, RelationshipRef};
use serde_json::Value;

const TOP_LEVEL_STRUCTURED: &[&str] = &[
    "nodes",
    "relationships",
    "flows",
    "controls",
    "metadata",
    "adrs",
];

pub(super) fn document_changes(old: &Document, new: &Document, out: &mut Vec<ElementChange>) {
    let details = details_of(&old.value, &new.value, TOP_LEVEL_STRUCTURED);
    if !details.is_empty() {
        out.push(ElementChange {
            section: Section::Document,
            op: Op::Changed,
            id: "document".into(),
            old_id: None,
            scope: None,
            summary: "top-level fields".into(),
            details,
        });
    }
}

/// What comparing a paired old and new element found.
#[derive(Default)]
struct Compared {
    /// Field-level differences.
    details: Vec<Detail>,
    /// Something beside the fields changed (a flow's transitions): report a change even without
    /// field details.
    also_changed: bool,
    /// Summary of a change in place (default: the element's summary).
    changed_summary: Option<String>,
    /// Summary of a rename (default: "old → new").
    renamed_summary: Option<String>,
}

/// An element of one kind as the diff sees it.
trait Element {
    fn id(&self) -> &str;
    fn summary(&self) -> String;
}

impl Element for calm_model::NodeRef<'_> {
    fn id(&self) -> &str {
        self.unique_id()
    }
    fn summary(&self) -> String {
        node_summary(self.value)
    }
}

impl Element for RelationshipRef<'_> {
    fn id(&self) -> &str {
        self.unique_id()
    }
    fn summary(&self) -> String {
        relationship_summary(self.value)
    }
}

impl Element for calm_model::FlowRef<'_> {
    fn id(&self) -> &str {
        self.unique_id()
    }
    fn summary(&self) -> String {
        flow_summary(self.value)
    }
}

/// A node's interface.
struct Interface<'a>(&'a Value);

impl Element for Interface<'_> {
    fn id(&self) -> &str {
        str_of(self.0, "unique-id")
    }
    fn summary(&self) -> String {
        let mut parts = vec![self.id().to_string()];
        for k in ["protocol", "host", "port", "url"] {
            if let Some(x) = self.0.get(k) {
                parts.push(format!("{k} {}", compact(x)));
            }
        }
        parts.join(", ")
    }
}

/// The changes of one element kind: added, renamed or changed elements in new-document order,
/// then the removed ones. `compare` looks at each paired (old, new) element.
fn element_changes<T: Element>(
    section: Section,
    scope: Option<String>,
    (old, new): (&[T], &[T]),
    pairs: &Pairs,
    mut compare: impl FnMut(&T, &T) -> Compared,
    out: &mut Vec<ElementChange>,
) {
    let change = |op: Op, e: &T, old_id: Option<String>, summary: String, details| ElementChange {
        section,
        op,
        id: e.id().into(),
        old_id,
        scope: scope.clone(),
        summary,
        details,
    };
    for (j, n) in new.iter().enumerate() {
        let Some(i) = pairs.old_of(j) else {
            out.push(change(Op::Added, n, None, n.summary(), Vec::new()));
            continue;
        };
        let o = &old[i];
        let c = compare(o, n);
        let renamed = o.id() != n.id();
        if renamed {
            let summary = c
                .renamed_summary
                .unwrap_or_else(|| renamed_summary(o.id(), n.id()));
            out.push(change(
                Op::Renamed,
                n,
                Some(o.id().into()),
                summary,
                c.details,
            ));
        } else if c.also_changed || !c.details.is_empty() {
            let summary = c.changed_summary.unwrap_or_else(|| n.summary());
            out.push(change(Op::Changed, n, None, summary, c.details));
        }
    }
    for &i in &pairs.removed {
        out.push(change(
            Op::Removed,
            &old[i],
            None,
            old[i].summary(),
            Vec::new(),
        ));
    }
}

pub(super) fn node_changes(
    old: &Document,
    new: &Document,
    pairs: &Pairs,
    renames: &Renames,
    out: &mut Vec<ElementChange>,
) {
    let on: Vec<_> = old.nodes().collect();
    let nn: Vec<_> = new.nodes().collect();
    let mut iface_changes = Vec::new();
    element_changes(
        Section::Node,
        None,
        (&on, &nn),
        pairs,
        |o, n| {
            interface_changes(
                n.unique_id(),
                o.interfaces(),
                n.interfaces(),
                renames,
                &mut iface_changes,
            );
            Compared {
                details: details_of(
                    o.value,
                    n.value,
                    &["unique-id", "interfaces", "controls", "metadata"],
                ),
                ..Compared::default()
            }
        },
        out,
    );
    out.extend(iface_changes);
}

fn interface_changes(
    node: &str,
    oi: &[Value],
    ni: &[Value],
    _renames: &Renames,
    out: &mut Vec<ElementChange>,
) {
    let (pairs, _) = pair_interfaces(oi, ni);
    let old: Vec<Interface> = oi.iter().map(Interface).collect();
    let new: Vec<Interface> = ni.iter().map(Interface).collect();
    element_changes(
        Section::Interface,
        Some(format!("node:{node}")),
        (&old, &new),
        &pairs,
        |o, n| Compared {
            details: details_of(o.0, n.0, &["unique-id"]),
            ..Compared::default()
        },
        out,
    );
}

pub(super) fn relationship_changes(
    old: &Document,
    new: &Document,
    pairs: &Pairs,
    renames: &Renames,
    out: &mut Vec<ElementChange>,
) {
    let or: Vec<_> = old.relationships().collect();
    let nr: Vec<_> = new.relationships().collect();
    element_changes(
        Section::Relationship,
        None,
        (&or, &nr),
        pairs,
        |o, n| {
            // Endpoints rewritten through the renames: a renamed endpoint is not a re-pointing.
            let mapped = mapped_relationship(o.value, renames);
            Compared {
                details: details_of(&mapped, n.value, &["unique-id", "controls", "metadata"]),
                renamed_summary: Some(format!(
                    "{}: {}",
                    renamed_summary(o.unique_id(), n.unique_id()),
                    relationship_shape(n.value)
                )),
                ..Compared::default()
            }
        },
        out,
    );
}

pub(super) fn flow_changes(
    old: &Document,
    new: &Document,
    pairs: &Pairs,
    renames: &Renames,
    out: &mut Vec<ElementChange>,
) {
    let of: Vec<_> = old.flows().collect();
    let nf: Vec<_> = new.flows().collect();
    let mut transition_out = Vec::new();
    element_changes(
        Section::Flow,
        None,
        (&of, &nf),
        pairs,
        |o, n| {
            let transitions = transition_changes(n.unique_id(), o, n, renames);
            let c = Compared {
                details: details_of(
                    o.value,
                    n.value,
                    &["unique-id", "transitions", "controls", "metadata"],
                ),
                also_changed: !transitions.is_empty(),
                changed_summary: Some(format!(
                    "{} ({} transition changes)",
                    flow_summary(n.value),
                    transitions.len()
                )),
                renamed_summary: None,
            };
            transition_out.extend(transitions);
            c
        },
        out,
    );
    out.extend(transition_out);
}

/// Align the transitions of a flow by (relationship, direction) in sequence order; the longest
/// common subsequence is "kept", the rest added or removed; kept ones may be renumbered.
fn transition_changes(
    flow_id: &str,
    old: &calm_model::FlowRef,
    new: &calm_model::FlowRef,
    renames: &Renames,
) -> Vec<ElementChange> {
    let ot = old.ordered_transitions();
    let nt = new.ordered_transitions();
    let key = |rel: &str, t: &calm_model::TransitionRef| format!("{rel}\u{0}{}", t.is_reverse());
    let okeys: Vec<String> = ot
        .iter()
        .map(|t| key(renames.relationship(t.relationship_id()), t))
        .collect();
    let nkeys: Vec<String> = nt.iter().map(|t| key(t.relationship_id(), t)).collect();
    let scope = Some(format!("flow:{flow_id}"));
    let mut out = Vec::new();
    let mut removed = Vec::new();
    let tid = |rel: &str, t: &calm_model::TransitionRef| {
        format!(
            "{rel}#{}",
            t.sequence_number()
                .map(|s| s.to_string())
                .unwrap_or_else(|| "?".into())
        )
    };
    for op in similar::capture_diff_slices(similar::Algorithm::Myers, &okeys, &nkeys) {
        let (tag, orange, nrange) = op.as_tag_tuple();
        {
            if tag == similar::DiffTag::Equal {
                for (oi, ni) in orange.zip(nrange) {
                    let (o, n) = (&ot[oi], &nt[ni]);
                    let mut details = Vec::new();
                    let mut ov = o.value.clone();
                    if let Some(obj) = ov.as_object_mut() {
                        obj.insert(
                            "relationship-unique-id".into(),
                            Value::String(renames.relationship(o.relationship_id()).to_string()),
                        );
                    }
                    value_details("", Some(&ov), Some(n.value), &[], &mut details);
                    if !details.is_empty() {
                        out.push(ElementChange {
                            section: Section::Transition,
                            op: Op::Changed,
                            id: tid(n.relationship_id(), n),
                            old_id: None,
                            scope: scope.clone(),
                            summary: transition_summary(n.value, n.relationship_id()),
                            details,
                        });
                    }
                }
            } else {
                for oi in orange {
                    let o = &ot[oi];
                    removed.push(ElementChange {
                        section: Section::Transition,
                        op: Op::Removed,
                        id: tid(o.relationship_id(), o),
                        old_id: None,
                        scope: scope.clone(),
                        summary: transition_summary(o.value, o.relationship_id()),
                        details: Vec::new(),
                    });
                }
                for ni in nrange {
                    let n = &nt[ni];
                    out.push(ElementChange {
                        section: Section::Transition,
                        op: Op::Added,
                        id: tid(n.relationship_id(), n),
                        old_id: None,
                        scope: scope.clone(),
                        summary: transition_summary(n.value, n.relationship_id()),
                        details: Vec::new(),
                    });
                }
            }
        }
    }
    out.extend(removed);
    out
}
