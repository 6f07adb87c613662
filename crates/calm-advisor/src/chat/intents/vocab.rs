//! The words each recognizer listens for, named once. A new way of saying something usually
//! means one more word here (and one more row in that intent's paraphrase test).
//!
//! Matching is by whole word or phrase on the lower-cased request (`slots::has_any`).

// --- Short whole-request commands (compared to the trimmed request) ---------------------------

pub const CONFIRM: &[&str] = &[
    "y",
    "yes",
    "apply",
    "apply it",
    "ok",
    "okay",
    "confirm",
    "do it",
    "go ahead",
    "yes please",
    "sure",
];
pub const DECLINE: &[&str] = &[
    "n",
    "no",
    "cancel",
    "discard",
    "don't",
    "do not apply",
    "no thanks",
    "skip",
];
pub const UNDO: &[&str] = &[
    "undo",
    "undo that",
    "undo the last change",
    "revert the last change",
    "take that back",
    "go back",
];
pub const REDO: &[&str] = &["redo", "redo that", "redo the last change"];
pub const HELP: &[&str] = &["help", "?", "what can you do", "commands"];
pub const QUIT: &[&str] = &["quit", "exit", "bye", "q", "goodbye"];
/// What may follow "save" to save to the loaded file.
pub const SAVE_IN_PLACE: &[&str] = &[
    "",
    "it",
    "the file",
    "the architecture",
    "changes",
    "the changes",
];

// --- Simulate -------------------------------------------------------------------------------

/// Phrases that ask for a what-if on their own.
pub const WHAT_IF: &[&str] = &[
    "what happens",
    "what breaks",
    "what would happen",
    "impact of",
    "blast radius",
    "simulate",
    "what if",
];
/// Failure words; they ask for a what-if only with a question word and no change verb. The past
/// tense "failed" is deliberately absent: "which checks failed?" reports, it does not ask.
pub const FAILURE: &[&str] = &[
    "fails",
    "fail",
    "goes down",
    "go down",
    "is down",
    "crashes",
    "dies",
    "outage",
    "unavailable",
];
pub const QUESTION_WORDS: &[&str] = &["what", "which", "who", "if", "when"];

// --- Explain --------------------------------------------------------------------------------

pub const EXPLAIN: &[&str] = &[
    "explain",
    "what's the problem with",
    "what is the problem with",
    "what is wrong with",
    "what's wrong with",
    "tell me more about",
    "rationale",
];
/// "Why do you recommend X?": the concept names of each recipe.
pub const CONCEPT_LOAD_BALANCER: &[&str] = &[
    "load balancer",
    "load-balancer",
    "gateway redundancy",
    "redundant gateways",
];
pub const CONCEPT_REPLICATION: &[&str] = &[
    "replica",
    "replicas",
    "replication",
    "database cluster",
    "failover cluster",
];
pub const CONCEPT_DECOUPLE: &[&str] = &[
    "message broker",
    "message queue",
    "queue",
    "broker",
    "async",
    "asynchronous",
    "decoupling",
    "decouple",
];
pub const CONCEPT_CONTROL: &[&str] = &[
    "control",
    "controls",
    "circuit breaker",
    "circuit-breaker",
    "encryption",
    "tls",
];

// --- Changes --------------------------------------------------------------------------------

/// A request with one of these verbs may be a change.
pub const CHANGE_VERBS: &[&str] = &[
    "add",
    "adding",
    "put",
    "place",
    "introduce",
    "insert",
    "create",
    "update",
    "implement",
    "make",
    "give",
    "deploy",
    "front",
    "rename",
    "change",
    "replace",
    "route",
    "move",
    "set",
    "tag",
    "mark",
    "attach",
    "document",
    "replicate",
    "decouple",
    "split",
    "cluster",
    "record",
    "need",
    "needs",
    "want",
    "let's",
    "lets",
    "call it",
    "fix",
    "turn",
    "convert",
    "switch",
    "use",
    "send",
    "apply",
    "configure",
    "protect",
    "require",
    "requires",
];
/// A pattern named without a verb ("circuit breaker on X: ...") is a change too (unless asked
/// as a question).
pub const BARE_PATTERNS: &[&str] = &[
    "circuit breaker",
    "circuit-breaker",
    "load balancer",
    "load-balancer",
    "read replica",
    "message broker",
    "message queue",
    "should become",
    "can become",
];

pub const APPLY_FINDING: &[&str] = &[
    "fix",
    "fixes",
    "recommendation",
    "recommendations",
    "recommended fix",
    "suggested fix",
    "suggestion",
];
/// Words that name a specific recipe: with them, "fix X" is not "apply X's finding".
pub const NAMES_A_RECIPE: &[&str] = &[
    "load balancer",
    "load-balancer",
    "replica",
    "broker",
    "queue",
    "control",
    "rename",
];

pub const DECOUPLE: &[&str] = &[
    "message broker",
    "message-broker",
    "message queue",
    "message-queue",
    "queue",
    "broker",
    "kafka",
    "rabbitmq",
    "rabbit",
    "amqp",
    "decouple",
    "decoupling",
    "pub/sub",
    "publish",
    "publishes",
    "event bus",
    "topic",
];
/// Lower priority than controls and renames: "async" alone.
pub const ASYNC: &[&str] = &["async", "asynchronous", "asynchronously"];
pub const PUBLISHER_ROLE: &[&str] = &[
    "publishes",
    "publish",
    "produces",
    "sends",
    "emits",
    "writes to the queue",
];
pub const CONSUMER_ROLE: &[&str] = &[
    "consumes",
    "consume",
    "subscribes",
    "reads from the queue",
    "receives",
    "processes",
];

pub const REPLICATE: &[&str] = &[
    "replica",
    "replicas",
    "replicate",
    "replication",
    "read replica",
    "standby",
    "primary/replica",
    "secondary",
];
pub const REPLICA_NOUNS: &[&str] = &[
    "replicas",
    "replica",
    "read replicas",
    "standbys",
    "secondaries",
    "followers",
];

pub const LOAD_BALANCER: &[&str] = &[
    "load balancer",
    "load-balancer",
    "loadbalancer",
    "load balancers",
    "lb",
];
/// Redundancy without naming a load balancer: the lowest-priority change.
pub const REDUNDANCY: &[&str] = &[
    "redundant",
    "redundancy",
    "more instances",
    "second instance",
    "another instance",
    "scale out",
    "horizontally",
];
pub const INSTANCE_NOUNS: &[&str] = &[
    "instances",
    "instance",
    "gateways",
    "copies",
    "replicas",
    "nodes",
    "servers",
    "gateway instances",
];

/// Words that name a control on their own.
pub const CONTROL: &[&str] = &[
    "control",
    "controls",
    "circuit breaker",
    "circuit-breaker",
    "rto",
    "rpo",
    "uptime",
    "sla",
    "slas",
    "slo",
    "slos",
];
/// What a requirement can be about ("availability", "latency", ...): a control when it comes
/// with a requirement word or a value.
pub const MEASURES: &[&str] = &[
    "availability",
    "uptime",
    "latency",
    "response time",
    "response-time",
    "recovery time",
    "recovery point",
];
/// The ways people name a requirement: targets, requirements, SLOs, SLAs, objectives.
pub const REQUIREMENT: &[&str] = &[
    "requirement",
    "requirements",
    "target",
    "targets",
    "objective",
    "objectives",
    "slo",
    "slos",
    "sla",
    "slas",
    "goal",
    "guarantee",
    "at least",
    "budget",
];
/// A question about requirements is not a request to add one.
pub const QUESTION_STARTS: &[&str] = &[
    "what", "which", "how", "why", "should", "do ", "does", "is ", "are ", "can we", "could we",
];

pub const PRESET_CIRCUIT_BREAKER: &[&str] =
    &["circuit breaker", "circuit-breaker", "circuit breakers"];
pub const PRESET_FAILOVER: &[&str] = &[
    "failover",
    "fail-over",
    "rto",
    "rpo",
    "recovery time",
    "recovery point",
    "disaster recovery",
];
pub const PRESET_HIGH_AVAILABILITY: &[&str] = &[
    "high-availability",
    "high availability",
    "uptime",
    "availability",
    "sla",
    "slas",
    "slo",
    "slos",
    "nines",
];
/// Latency requirements have no preset: they become the TraderX `latency` control.
pub const LATENCY: &[&str] = &["latency", "response time", "response-time", "p95", "p99"];
/// Availability words that keep an item high-availability even when latency is mentioned.
pub const AVAILABILITY: &[&str] = &[
    "high-availability",
    "high availability",
    "uptime",
    "availability",
    "nines",
];
pub const ARCHITECTURE_SCOPE: &[&str] = &[
    "architecture-level",
    "architecture level",
    "whole architecture",
    "entire architecture",
    "whole system",
    "entire system",
    "whole platform",
    "entire platform",
    "system-wide",
    "system wide",
    "global",
    "platform-wide",
    "at the architecture",
    "top-level",
    "overall",
];
pub const RTO_LABELS: &[(&str, &str)] = &[
    ("rto", "rto"),
    ("recovery time", "rto"),
    ("rpo", "rpo"),
    ("recovery point", "rpo"),
];
pub const OPEN_STATE_LABELS: &[&str] = &[
    "open for",
    "stays open for",
    "reset after",
    "open state",
    "cool down",
    "cooldown",
    "half-open after",
];

pub const RENAME: &[&str] = &[
    "rename",
    "call it",
    "change the id",
    "change its id",
    "change the unique-id",
    "change the name of",
    "should become",
    "can become",
];
/// Where a rename is stated, tried in this order.
pub const RENAME_CUES: &[&str] = &[
    "rename",
    "can become",
    "becomes",
    "should become",
    "call",
    "change the id of",
    "change the unique-id of",
    "change the name of",
];
/// Cues followed by the old id ("rename X to Y", "change the id of X to Y").
pub const RENAME_FORWARD_CUES: &[&str] = &[
    "rename",
    "call",
    "change the id of",
    "change the unique-id of",
    "change the name of",
];

pub const METADATA: &[&str] = &["metadata", "tag", "owner", "label"];
pub const METADATA_VERBS: &[&str] = &["metadata", "set", "tag", "mark", "add"];
pub const METADATA_ARCHITECTURE: &[&str] = &[
    "architecture",
    "architecture-level",
    "document",
    "top-level",
];

// --- Read-only requests ---------------------------------------------------------------------

pub const VALIDATE: &[&str] = &[
    "validate",
    "validation",
    "valid",
    "validity",
    "schema check",
    "calm validate",
];
pub const DIAGRAM: &[&str] = &[
    "diagram",
    "draw",
    "render",
    "visualize",
    "visualise",
    "visualization",
    "visualisation",
    "picture",
    "preview",
    "png",
    "html",
];
pub const PNG: &[&str] = &["png", "image", "screenshot"];
pub const WHAT_CHANGED: &[&str] = &[
    "diff",
    "what changed",
    "what has changed",
    "what have we changed",
    "what did we change",
    "changes so far",
    "show changes",
    "show the changes",
    "compare",
    "since the start",
];
pub const ASSESS: &[&str] = &[
    "analyze",
    "analyse",
    "analysis",
    "assess",
    "assessment",
    "review",
    "evaluate",
    "audit",
    "concerns",
    "concern",
    "issues",
    "risks",
    "weaknesses",
    "weak spots",
    "problems",
    "what's wrong",
    "what is wrong",
    "recommend",
    "recommendations",
    "improve",
    "top",
    "findings",
    "check my",
    "single points of failure",
    "spof",
    "spofs",
    "bottlenecks",
    "how resilient",
    "how secure",
];
/// "Everything": no category filter.
pub const ALL_CATEGORIES: &[&str] = &[
    "everything",
    "all categories",
    "overall",
    "full review",
    "all issues",
    "all concerns",
    "in general",
    "everything else",
    "all findings",
];
pub const CATEGORIES: &[(&str, &[&str])] = &[
    (
        "resilience",
        &[
            "resilience",
            "resilient",
            "reliability",
            "reliable",
            "availability",
            "single point of failure",
            "single points of failure",
            "spof",
            "spofs",
            "redundancy",
            "failover",
            "fault tolerance",
            "fault-tolerance",
            "outage",
            "outages",
            "recovery",
        ],
    ),
    (
        "security",
        &[
            "security",
            "secure",
            "insecure",
            "vulnerability",
            "vulnerabilities",
            "threat",
            "threats",
            "encryption",
            "authentication",
            "attack",
        ],
    ),
    (
        "performance",
        &[
            "performance",
            "latency",
            "throughput",
            "scalability",
            "scale",
            "bottleneck",
            "bottlenecks",
            "slow",
            "fast",
        ],
    ),
    (
        "operability",
        &[
            "operability",
            "operations",
            "operational",
            "monitoring",
            "observability",
            "runbook",
            "on-call",
        ],
    ),
    (
        "documentation",
        &[
            "documentation",
            "documented",
            "undocumented",
            "descriptions",
        ],
    ),
];
