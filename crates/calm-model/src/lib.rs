//! The CALM document model: load bytes into JSON that remembers where every value came from,
//! and offer a typed, read-only view (nodes, relationships by kind, interfaces, flows, controls,
//! metadata) with an index by `unique-id`. Every later layer works on a [`Document`].

pub mod document;
pub mod json;
pub mod location;
pub mod pointer;
pub mod source;
pub mod spec;
pub mod version;

pub use document::{
    Document, ElementKind, ElementRef, Endpoint, FlowRef, Metadata, NodeRef, RelKind,
    RelationshipRef, TransitionRef,
};
pub use json::{LoadError, LoadWarning, MAX_DEPTH, MAX_FILE_BYTES, SpanIndex};
pub use location::Location;
pub use pointer::{Pointer, escape_token, pointer_tokens};
pub use source::Source;
pub use version::CalmVersion;
