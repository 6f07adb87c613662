//! Enumerations of the CALM specification (the values its meta-schemas list), in one place for
//! every layer that suggests, checks or completes them.

/// The `node-type` values the spec names (CALM 1.1 and later also accept other strings).
pub const NODE_TYPES: &[&str] = &[
    "actor",
    "ecosystem",
    "system",
    "service",
    "database",
    "network",
    "ldap",
    "webclient",
    "data-asset",
];

/// The `protocol` values of a relationship.
pub const PROTOCOLS: &[&str] = &[
    "HTTP",
    "HTTPS",
    "FTP",
    "SFTP",
    "JDBC",
    "WebSocket",
    "SocketIO",
    "LDAP",
    "AMQP",
    "TLS",
    "mTLS",
    "TCP",
];

/// The `direction` values of a flow transition.
pub const DIRECTIONS: &[&str] = &["source-to-destination", "destination-to-source"];

/// The keys of `relationship-type`.
pub const RELATIONSHIP_TYPES: &[&str] = &[
    "interacts",
    "connects",
    "deployed-in",
    "composed-of",
    "options",
];
