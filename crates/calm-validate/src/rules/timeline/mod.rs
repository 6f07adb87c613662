//! The 7 timeline rules (the reference's `rules-timeline.ts`).

pub mod current_moment_references_moment;
pub mod current_moment_required;
pub mod moments_after_current_no_valid_from;
pub mod moments_non_empty;
pub mod moments_sorted_by_valid_from;
pub mod no_empty_properties;
pub mod unique_ids;

pub(crate) use serde_json::Value;

pub(crate) fn moments(doc: &Value) -> &[Value] {
    doc.get("moments")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

pub(crate) fn moment_id(m: &Value) -> Option<&str> {
    m.get("unique-id").and_then(Value::as_str)
}

pub(crate) fn current_moment(doc: &Value) -> Option<&str> {
    doc.get("current-moment").and_then(Value::as_str)
}
