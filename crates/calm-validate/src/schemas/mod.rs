//! Our own CALM meta-schemas (JSON Schema 2020-12, embedded) and the registry that finds
//! schemas by `$id`.

pub mod registry;

pub use registry::{
    EMBEDDED_VERSIONS, RegistryError, RegistryWarning, SchemaRegistry, SchemaSource,
};
