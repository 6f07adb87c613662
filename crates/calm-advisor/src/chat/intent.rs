//! Request understanding: one request (a sentence or a multi-line prompt) becomes a typed
//! [`Intent`] with its slots filled from the text and the document, a clarifying question, or an
//! honest "not understood". Nothing here edits or analyses anything: executing an intent is the
//! libraries' job (see `crate::engine`).

use super::slots::{self, Vocabulary, has_any};
use serde_json::{Value, json};

/// What the user asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum Intent {
    /// Review the architecture (empty `categories` = every category).
    Assess {
        categories: Vec<String>,
        top: Option<usize>,
    },
    /// Explain why something is a concern: a node, a finding id or a rule id.
    Explain {
        target: String,
    },
    /// What breaks when these nodes fail together.
    Simulate {
        fail: Vec<String>,
    },
    /// One or more changes, proposed together as one step.
    Change(Vec<Change>),
    Validate,
    /// Draw the current architecture to a file.
    Render {
        format: String,
        output: Option<String>,
    },
    /// Structural diff between the document as loaded and now.
    Diff,
    Undo,
    Redo,
    Save {
        path: Option<String>,
    },
    Help,
    Quit,
    /// An answer to "apply this change?".
    Confirm(bool),
}

// A change is a calm-refactor recipe value (see `engine::Change`); scopes are calm-refactor's.
pub use crate::engine::Change;
pub use calm_refactor::Scope;
use calm_refactor::{
    AddControl, AddLoadBalancer, BrokerKind, ControlPreset, Decouple, Recipe, Rename,
    ReplicateDatabase, ReplicationMode,
};

/// The outcome of reading one request.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    Understood(Intent),
    /// Something required is missing or ambiguous: ask this.
    Clarify(String),
    NotUnderstood,
}

/// What the advisor can do, listed when a request is not understood.
pub const CAPABILITIES: &str = "\
I can:
  - assess the architecture: \"what are the top 3 resilience concerns?\" (resilience, security,
    performance, operability, documentation, or everything)
  - explain a concern: \"why is api-gateway a problem?\"; simulate: \"what happens if X fails?\"
  - change it (shown as a diff first): add a load balancer with named instances; replicate a
    database (primary/replica ids, cluster, sync/async); route a call through a message broker
    and queue (protocol, port, ADR); add controls (high-availability 99.9%, failover RTO/RPO,
    circuit-breaker \"5 failures in 30s\"); rename an id; set metadata
  - validate; show the diagram (HTML or PNG); diff since the start; undo; redo; save; quit";

fn lc(text: &str) -> String {
    text.to_lowercase()
}

fn trimmed_command(text: &str) -> String {
    lc(text)
        .trim()
        .trim_end_matches(['.', '!', '?'])
        .trim()
        .to_string()
}

/// Read one request.
pub fn parse(text: &str, vocab: &Vocabulary) -> Parsed {
    let t = lc(text);
    let cmd = trimmed_command(text);
    if cmd.is_empty() {
        return Parsed::NotUnderstood;
    }
    // Short commands first: they are whole requests.
    match cmd.as_str() {
        "y" | "yes" | "apply" | "apply it" | "ok" | "okay" | "confirm" | "do it" | "go ahead"
        | "yes please" | "sure" => {
            return Parsed::Understood(Intent::Confirm(true));
        }
        "n" | "no" | "cancel" | "discard" | "don't" | "do not apply" | "no thanks" | "skip" => {
            return Parsed::Understood(Intent::Confirm(false));
        }
        "undo"
        | "undo that"
        | "undo the last change"
        | "revert the last change"
        | "take that back"
        | "go back" => {
            return Parsed::Understood(Intent::Undo);
        }
        "redo" | "redo that" | "redo the last change" => return Parsed::Understood(Intent::Redo),
        "help" | "?" | "what can you do" | "commands" => return Parsed::Understood(Intent::Help),
        "quit" | "exit" | "bye" | "q" | "goodbye" => return Parsed::Understood(Intent::Quit),
        _ => {}
    }
    if let Some(rest) = cmd.strip_prefix("save") {
        let rest = rest.trim();
        if rest.is_empty()
            || rest == "it"
            || rest == "the file"
            || rest == "the architecture"
            || rest == "changes"
            || rest == "the changes"
        {
            return Parsed::Understood(Intent::Save { path: None });
        }
        let path = rest
            .trim_start_matches("as ")
            .trim_start_matches("to ")
            .trim();
        if !path.contains(' ') && path.ends_with(".json") {
            // Keep the original spelling of the path.
            let orig = text.trim().trim_end_matches(['.', '!']);
            let p = orig[orig.len() - path.len()..].to_string();
            return Parsed::Understood(Intent::Save { path: Some(p) });
        }
    }

    // "What happens if X fails?" -> simulate.
    if (has_any(
        &t,
        &[
            "what happens",
            "what breaks",
            "what would happen",
            "impact of",
            "blast radius",
            "simulate",
            "what if",
        ],
    ) || (has_any(
        &t,
        &[
            "fails",
            "fail",
            "failed",
            "goes down",
            "go down",
            "is down",
            "crashes",
            "dies",
            "outage",
            "unavailable",
        ],
    ) && has_any(&t, &["what", "which", "who", "if", "when"])
        && !has_change_verb(&t)))
        && has_any(
            &t,
            &[
                "what happens",
                "what breaks",
                "what would happen",
                "impact of",
                "blast radius",
                "simulate",
                "what if",
                "fails",
                "fail",
                "goes down",
                "go down",
                "is down",
                "crashes",
                "dies",
                "outage",
                "unavailable",
            ],
        )
    {
        let fail: Vec<String> = vocab
            .mentioned_ids(text)
            .into_iter()
            .filter(|id| !vocab.is_type(id, "actor"))
            .collect();
        if fail.is_empty() {
            return Parsed::Clarify(format!(
                "Which node should fail? For example: {}.",
                examples(vocab, |n| n.node_type != "actor", 4)
            ));
        }
        return Parsed::Understood(Intent::Simulate { fail });
    }

    // "Why ...?" -> explain.
    if t.trim_start().starts_with("why")
        || has_any(
            &t,
            &[
                "explain",
                "what's the problem with",
                "what is the problem with",
                "what is wrong with",
                "what's wrong with",
                "tell me more about",
                "rationale",
            ],
        )
    {
        if let Some(id) = finding_or_rule_token(text) {
            return Parsed::Understood(Intent::Explain { target: id });
        }
        let ids = vocab.mentioned_ids(text);
        // "Why do you recommend a load balancer?": the findings whose fix is that recipe.
        if ids.is_empty() {
            let concepts: [(&[&str], &str); 4] = [
                (
                    &[
                        "load balancer",
                        "load-balancer",
                        "gateway redundancy",
                        "redundant gateways",
                    ],
                    "add-load-balancer",
                ),
                (
                    &[
                        "replica",
                        "replicas",
                        "replication",
                        "database cluster",
                        "failover cluster",
                    ],
                    "replicate-database",
                ),
                (
                    &[
                        "message broker",
                        "message queue",
                        "queue",
                        "broker",
                        "async",
                        "asynchronous",
                        "decoupling",
                        "decouple",
                    ],
                    "decouple",
                ),
                (
                    &[
                        "control",
                        "controls",
                        "circuit breaker",
                        "circuit-breaker",
                        "encryption",
                        "tls",
                    ],
                    "add-control",
                ),
            ];
            if let Some((_, recipe)) = concepts.iter().find(|(words, _)| has_any(&t, words)) {
                return Parsed::Understood(Intent::Explain {
                    target: format!("recipe:{recipe}"),
                });
            }
        }
        match ids.len() {
            0 => {
                return Parsed::Clarify(
                    "Which element or finding should I explain? Name a node (e.g. \"why is the api gateway a problem?\") or a finding id from the assessment.".into(),
                );
            }
            _ => {
                return Parsed::Understood(Intent::Explain {
                    target: ids[0].clone(),
                });
            }
        }
    }

    // Changes: a change verb, or a bare request naming a pattern ("circuit breaker on X: ...").
    let bare_pattern = !t.trim_end().ends_with('?')
        && has_any(
            &t,
            &[
                "circuit breaker",
                "circuit-breaker",
                "load balancer",
                "load-balancer",
                "read replica",
                "message broker",
                "message queue",
            ],
        );
    if (has_change_verb(&t) || bare_pattern)
        && let Some(p) = parse_change(text, &t, vocab)
    {
        return p;
    }

    if has_any(
        &t,
        &[
            "validate",
            "validation",
            "valid",
            "validity",
            "schema check",
            "calm validate",
        ],
    ) {
        return Parsed::Understood(Intent::Validate);
    }
    if has_any(
        &t,
        &[
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
        ],
    ) {
        let format = if has_any(&t, &["png", "image", "screenshot"]) {
            "png"
        } else if has_any(&t, &["svg"]) {
            "svg"
        } else {
            "html"
        };
        let output = slots::quoted(text)
            .into_iter()
            .map(|(_, q)| q)
            .chain(
                text.split_whitespace()
                    .map(|w| w.trim_matches(|c: char| c == ',' || c == '"').to_string()),
            )
            .find(|w| {
                [".png", ".html", ".svg"]
                    .iter()
                    .any(|e| w.to_lowercase().ends_with(e))
            });
        let format = output
            .as_deref()
            .and_then(|o| o.rsplit('.').next())
            .map(|e| e.to_lowercase())
            .unwrap_or_else(|| format.to_string());
        return Parsed::Understood(Intent::Render { format, output });
    }
    if has_any(
        &t,
        &[
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
        ],
    ) {
        return Parsed::Understood(Intent::Diff);
    }
    if has_any(
        &t,
        &[
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
        ],
    ) {
        return Parsed::Understood(Intent::Assess {
            categories: categories(&t),
            top: slots::top_n(text),
        });
    }
    Parsed::NotUnderstood
}

fn has_change_verb(t: &str) -> bool {
    has_any(
        t,
        &[
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
        ],
    )
}

fn categories(t: &str) -> Vec<String> {
    let mut c = Vec::new();
    if has_any(
        t,
        &[
            "everything",
            "all categories",
            "overall",
            "full review",
            "all issues",
            "all concerns",
            "in general",
            "everything else",
            "all findings",
        ],
    ) {
        return c;
    }
    let families: [(&str, &[&str]); 5] = [
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
    for (name, words) in families {
        if has_any(t, words) {
            c.push(name.to_string());
        }
    }
    c
}

/// A finding id (`rule@element`) or a rule id in backticks/quotes.
fn finding_or_rule_token(text: &str) -> Option<String> {
    text.split(|c: char| c.is_whitespace() || c == '`' || c == '"' || c == '?' || c == ',')
        .find(|w| w.contains('@') && w.len() > 3 && !w.starts_with('@'))
        .map(|w| w.trim_end_matches(['.', ')']).to_string())
}

fn examples(vocab: &Vocabulary, keep: impl Fn(&slots::NodeInfo) -> bool, n: usize) -> String {
    let v: Vec<String> = vocab
        .nodes
        .iter()
        .filter(|x| keep(x))
        .take(n)
        .map(|x| x.id.clone())
        .collect();
    if v.is_empty() {
        "(no nodes)".into()
    } else {
        v.join(", ")
    }
}

fn one_of(ids: &[String]) -> String {
    match ids.len() {
        0 => String::new(),
        1 => ids[0].clone(),
        _ => format!(
            "{} or {}",
            ids[..ids.len() - 1].join(", "),
            ids[ids.len() - 1]
        ),
    }
}

/// "apply the fix for concern 2", "fix #1", "implement the recommendation for the api gateway".
fn parse_apply_finding(text: &str, t: &str, vocab: &Vocabulary) -> Option<Parsed> {
    if !has_any(
        t,
        &[
            "fix",
            "fixes",
            "recommendation",
            "recommendations",
            "recommended fix",
            "suggested fix",
            "suggestion",
        ],
    ) {
        return None;
    }
    if let Some(id) = finding_or_rule_token(text) {
        return Some(Parsed::Understood(Intent::Change(vec![
            Change::ApplyFinding { selector: id },
        ])));
    }
    let re = regex::Regex::new(
        r"(?:#|\b(?:concern|finding|recommendation|issue|number|no\.?)\s*#?)\s*(\d{1,3})\b",
    )
    .ok()?;
    if let Some(c) = re.captures(t) {
        return Some(Parsed::Understood(Intent::Change(vec![
            Change::ApplyFinding {
                selector: format!("concern:{}", &c[1]),
            },
        ])));
    }
    for (w, n) in [("first", 1), ("second", 2), ("third", 3), ("top", 1)] {
        if slots::find_word(t, &format!("{w} concern")).len()
            + slots::find_word(t, &format!("{w} recommendation")).len()
            > 0
        {
            return Some(Parsed::Understood(Intent::Change(vec![
                Change::ApplyFinding {
                    selector: format!("concern:{n}"),
                },
            ])));
        }
    }
    let ids = vocab.mentioned_ids(text);
    if ids.len() == 1
        && !has_any(
            t,
            &[
                "load balancer",
                "load-balancer",
                "replica",
                "broker",
                "queue",
                "control",
                "rename",
            ],
        )
    {
        return Some(Parsed::Understood(Intent::Change(vec![
            Change::ApplyFinding {
                selector: format!("node:{}", ids[0]),
            },
        ])));
    }
    None
}

fn parse_change(text: &str, t: &str, vocab: &Vocabulary) -> Option<Parsed> {
    if let Some(p) = parse_apply_finding(text, t, vocab) {
        return Some(p);
    }
    let brokerish = has_any(
        t,
        &[
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
        ],
    );
    let replicaish = has_any(
        t,
        &[
            "replica",
            "replicas",
            "replicate",
            "replication",
            "read replica",
            "standby",
            "primary/replica",
            "secondary",
        ],
    );
    let lbish = has_any(
        t,
        &[
            "load balancer",
            "load-balancer",
            "loadbalancer",
            "load balancers",
            "lb",
        ],
    );
    let controlish = has_any(
        t,
        &[
            "control",
            "controls",
            "circuit breaker",
            "circuit-breaker",
            "rto",
            "rpo",
            "uptime",
            "sla",
        ],
    );
    let renameish = has_any(
        t,
        &[
            "rename",
            "call it",
            "change the id",
            "change its id",
            "change the unique-id",
        ],
    );
    let metaish = has_any(t, &["metadata", "tag", "owner", "label"]) || t.contains('=');

    if brokerish {
        return Some(parse_decouple(text, t, vocab));
    }
    if replicaish {
        return Some(parse_replicate(text, t, vocab));
    }
    if lbish {
        return Some(parse_load_balancer(text, t, vocab));
    }
    if controlish {
        return Some(parse_controls(text, vocab));
    }
    if renameish {
        return Some(parse_rename(text, vocab));
    }
    if has_any(t, &["async", "asynchronous", "asynchronously"]) {
        return Some(parse_decouple(text, t, vocab));
    }
    if metaish && has_any(t, &["metadata", "set", "tag", "mark", "add"]) {
        return parse_metadata(text, t, vocab);
    }
    if has_any(
        t,
        &[
            "redundant",
            "redundancy",
            "more instances",
            "second instance",
            "another instance",
            "scale out",
            "horizontally",
        ],
    ) {
        return Some(parse_load_balancer(text, t, vocab));
    }
    None
}

fn parse_load_balancer(text: &str, t: &str, vocab: &Vocabulary) -> Parsed {
    let news = slots::new_ids(text, vocab);
    let is_lb = |s: &str| {
        s.contains("balancer") || s.starts_with("lb") || s.ends_with("-lb") || s.contains("-lb-")
    };
    // "a load-balancer called front-lb": a specific name beats the generic phrase.
    let lb_names: Vec<String> = news
        .iter()
        .map(|(_, s)| s.clone())
        .filter(|s| is_lb(s))
        .collect();
    // A new id written right before "load balancer" ("a \"front-door\" load balancer") or right
    // after "called"/"named" near it names the load balancer too.
    let named_lb = news.iter().map(|(p, id)| (*p, id.clone())).find(|(p, id)| {
        let (Some(before), Some(after)) = (t.get(..*p), t.get(p + id.len()..)) else {
            return false;
        };
        let after = after
            .trim_start_matches(['"', '\'', '`', '\u{201d}'])
            .trim_start();
        let before = before
            .trim_end_matches(['"', '\'', '`', '\u{201c}'])
            .trim_end();
        after.starts_with("load balancer")
            || after.starts_with("load-balancer")
            || after.starts_with("lb")
            || ((before.ends_with("called") || before.ends_with("named"))
                && before
                    .rfind("balancer")
                    .is_some_and(|b| before.len() - b < 30))
    });
    let lb_id = named_lb
        .map(|(_, id)| id)
        .or_else(|| {
            lb_names
                .iter()
                .find(|s| *s != "load-balancer" && *s != "load-balancers")
                .cloned()
        })
        .or(lb_names.first().cloned())
        .unwrap_or_else(|| calm_refactor::recipes::DEFAULT_LB_ID.to_string());
    let candidates: Vec<String> = vocab
        .mentioned_ids(text)
        .into_iter()
        .filter(|id| !vocab.is_type(id, "actor") && id != &lb_id && !vocab.is_type(id, "system"))
        .collect();
    let target = match pick_target(text, t, &candidates, vocab) {
        Ok(x) => x,
        Err(q) => return Parsed::Clarify(q),
    };
    let Some(target) = target else {
        return Parsed::Clarify(format!(
            "Which node should go behind the load balancer? For example: {}.",
            examples(vocab, |n| n.node_type == "service", 4)
        ));
    };
    // Instances: new ids other than the load balancer's, preferring ones derived from the target.
    let mut instances: Vec<String> = news
        .iter()
        .map(|(_, s)| s.clone())
        .filter(|s| !is_lb(s) && s != &lb_id)
        .collect();
    let stem = target.trim_end_matches(|c: char| c.is_ascii_digit() || c == '-');
    let derived: Vec<String> = instances
        .iter()
        .filter(|s| s.starts_with(stem) || s.contains(stem))
        .cloned()
        .collect();
    if !derived.is_empty() {
        instances = derived;
    }
    let count = slots::count_before(
        text,
        &[
            "instances",
            "instance",
            "gateways",
            "copies",
            "replicas",
            "nodes",
            "servers",
            "gateway instances",
        ],
    )
    .map(|n| n as usize)
    .unwrap_or(if instances.len() >= 2 {
        instances.len()
    } else {
        2
    });
    if instances.len() > count {
        instances.truncate(count);
    }
    if !instances.is_empty() && instances.len() < count {
        return Parsed::Clarify(format!(
            "You named {} but asked for {count} instances of `{target}`: what are the other ids? (or say \"{count} instances\" without names)",
            instances.join(", ")
        ));
    }
    let lb_type = node_type_near(text, "balancer")
        .unwrap_or_else(|| calm_refactor::recipes::DEFAULT_LB_TYPE.to_string());
    Parsed::Understood(Intent::Change(vec![Change::Recipe(
        Recipe::AddLoadBalancer(AddLoadBalancer {
            target,
            instances: count,
            names: instances,
            lb_id,
            lb_type,
        }),
    )]))
}

/// The node-type given for the thing named `near` ("load-balancer" node (type: service)).
fn node_type_near(text: &str, near: &str) -> Option<String> {
    let lower = text.to_lowercase();
    let at = lower.find(near)?;
    let window: String = lower[at..].chars().take(80).collect();
    let ty = slots::node_type(&window)?;
    const TYPES: &[&str] = &[
        "actor",
        "ecosystem",
        "system",
        "service",
        "database",
        "network",
        "ldap",
        "webclient",
        "data-asset",
        "message-queue",
        "messagebus",
    ];
    TYPES.contains(&ty.as_str()).then_some(ty)
}

/// Choose the one node a request is about: Ok(None) when none is mentioned, Err(question) when
/// several are and nothing in the sentence singles one out.
fn pick_target(
    text: &str,
    t: &str,
    candidates: &[String],
    vocab: &Vocabulary,
) -> Result<Option<String>, String> {
    match candidates.len() {
        0 => Ok(None),
        1 => Ok(Some(candidates[0].clone())),
        _ => {
            // "X is a single point of failure", "in front of X", "for X", "of X": the first
            // candidate mentioned right before/after those phrases wins.
            let mentions = vocab.node_mentions(text);
            for cue in [
                "in front of",
                "behind",
                "single point of failure",
                "instances of",
                "for the",
                "for",
            ] {
                if let Some(cue_at) = t.find(cue) {
                    let after = mentions.iter().find(|m| {
                        m.start >= cue_at && candidates.contains(&m.id) && m.start - cue_at < 40
                    });
                    let before = mentions.iter().rev().find(|m| {
                        m.end <= cue_at && candidates.contains(&m.id) && cue_at - m.end < 20
                    });
                    let pick = if cue == "single point of failure" {
                        before.or(after)
                    } else {
                        after.or(before)
                    };
                    if let Some(m) = pick {
                        return Ok(Some(m.id.clone()));
                    }
                }
            }
            // The first sentence usually names the subject.
            let first_sentence = t.split(['.', '\n', ':']).next().unwrap_or("");
            let in_first: Vec<&String> = candidates
                .iter()
                .filter(|c| vocab.mentioned_ids(first_sentence).contains(c))
                .collect();
            if in_first.len() == 1 {
                return Ok(Some(in_first[0].clone()));
            }
            Err(format!("Which node do you mean: {}?", one_of(candidates)))
        }
    }
}

fn is_database(vocab: &Vocabulary, id: &str) -> bool {
    vocab.is_type(id, "database")
        || id.contains("database")
        || id.ends_with("-db")
        || id.contains("-db-")
}

fn parse_replicate(text: &str, t: &str, vocab: &Vocabulary) -> Parsed {
    let mentioned: Vec<String> = vocab
        .mentioned_ids(text)
        .into_iter()
        .filter(|id| is_database(vocab, id))
        .collect();
    // A cluster that already exists is not a target to replicate.
    let mentioned: Vec<String> = mentioned
        .into_iter()
        .filter(|id| !vocab.is_type(id, "system"))
        .collect();
    let target = match mentioned.len() {
        1 => mentioned[0].clone(),
        0 => {
            let dbs: Vec<String> = vocab
                .nodes
                .iter()
                .filter(|n| n.node_type == "database")
                .map(|n| n.id.clone())
                .collect();
            match dbs.len() {
                1 => dbs[0].clone(),
                0 => return Parsed::Clarify("Which database should be replicated? This architecture has no node of type database; name the node.".into()),
                _ => return Parsed::Clarify(format!("Which database should be replicated: {}?", one_of(&dbs))),
            }
        }
        _ => match pick_target(text, t, &mentioned, vocab) {
            Ok(Some(x)) => x,
            Ok(None) => unreachable!("candidates are not empty"),
            Err(_) => {
                return Parsed::Clarify(format!(
                    "Which database should be replicated: {}?",
                    one_of(&mentioned)
                ));
            }
        },
    };
    let news: Vec<String> = slots::new_ids(text, vocab)
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    let renamed_to = rename_pair(text, vocab)
        .filter(|(old, _)| old == &target)
        .map(|(_, new)| new);
    let primary_id = renamed_to.or_else(|| {
        news.iter()
            .find(|s| s.contains("primary") || s.contains("master") || s.contains("leader"))
            .cloned()
    });
    let replica_ids: Vec<String> = news
        .iter()
        .filter(|s| {
            s.contains("replica")
                || s.contains("standby")
                || s.contains("secondary")
                || s.contains("follower")
                || s.contains("reader")
        })
        .cloned()
        .collect();
    let cluster_id = news
        .iter()
        .find(|s| s.contains("cluster") || s.contains("group"))
        .cloned();
    let replicas = slots::count_before(
        text,
        &[
            "replicas",
            "replica",
            "read replicas",
            "standbys",
            "secondaries",
            "followers",
        ],
    )
    .map(|n| n as usize)
    .unwrap_or(replica_ids.len().max(1));
    if !replica_ids.is_empty() && replica_ids.len() < replicas {
        return Parsed::Clarify(format!(
            "You named {} but asked for {replicas} replicas: what are the other ids?",
            replica_ids.join(", ")
        ));
    }
    let mode = match slots::replication_mode(text) {
        None | Some("async") => ReplicationMode::Async,
        Some("sync") => ReplicationMode::Sync,
        Some(m) => {
            return Parsed::Clarify(format!(
                "replicate-database does not do {m} replication, only async or sync: which one?"
            ));
        }
    };
    Parsed::Understood(Intent::Change(vec![Change::ReplicateDatabase {
        recipe: ReplicateDatabase {
            target,
            replicas,
            mode,
            primary_id,
            cluster_id,
        },
        replica_ids,
    }]))
}

fn parse_decouple(text: &str, t: &str, vocab: &Vocabulary) -> Parsed {
    let news: Vec<String> = slots::new_ids(text, vocab)
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    let mentioned = vocab.mentioned_ids(text);
    let existing_broker = mentioned
        .iter()
        .find(|id| id.contains("broker") || id.contains("bus") || vocab.is_type(id, "messagebus"))
        .cloned();
    let broker_id = news
        .iter()
        .find(|s| {
            s.contains("broker") || s.contains("bus") || s.contains("kafka") || s.contains("rabbit")
        })
        .cloned()
        .or(existing_broker.clone())
        .unwrap_or_else(|| calm_refactor::recipes::DEFAULT_BROKER_ID.to_string());
    let positioned = slots::new_ids(text, vocab);
    let queue_id = news
        .iter()
        .find(|s| s.contains("queue") || s.contains("topic") || s.ends_with("-q"))
        .cloned()
        .or_else(|| {
            // A new id right after the word "queue" or "topic" ("a Kafka topic \"booking-events\"").
            ["queue", "topic"]
                .iter()
                .flat_map(|w| {
                    slots::find_word(t, w)
                        .into_iter()
                        .map(move |at| at + w.len())
                })
                .find_map(|end| {
                    positioned
                        .iter()
                        .find(|(p, id)| *p >= end && *p - end <= 12 && *id != broker_id)
                        .map(|(_, id)| id.clone())
                })
        });
    let services: Vec<String> = mentioned
        .iter()
        .filter(|id| {
            Some(*id) != existing_broker.as_ref()
                && !vocab.is_type(id, "actor")
                && !is_database(vocab, id)
                && !vocab.is_type(id, "system")
        })
        .cloned()
        .collect();

    // Roles stated in words win: "X publishes", "Y consumes".
    let mentions = vocab.node_mentions(text);
    let role = |words: &[&str]| -> Option<String> {
        for w in words {
            for at in slots::find_word(t, w) {
                if let Some(m) = mentions
                    .iter()
                    .rev()
                    .find(|m| m.end <= at && at - m.end < 25 && services.contains(&m.id))
                {
                    return Some(m.id.clone());
                }
            }
        }
        None
    };
    let mut from = role(&[
        "publishes",
        "publish",
        "produces",
        "sends",
        "emits",
        "writes to the queue",
    ]);
    let mut to = role(&[
        "consumes",
        "consume",
        "subscribes",
        "reads from the queue",
        "receives",
        "processes",
    ]);

    // "order-to-payment": prefixes of two node ids.
    if (from.is_none() || to.is_none())
        && let Some((a, b)) = x_to_y(t, vocab)
    {
        from.get_or_insert(a);
        to.get_or_insert(b);
    }
    if from.is_none() || to.is_none() {
        // Among the mentioned services, the pairs that have a synchronous call between them.
        let pairs: Vec<(String, String)> = vocab
            .links
            .iter()
            .filter(|l| services.contains(&l.source) && services.contains(&l.destination))
            .filter(|l| {
                from.as_ref().is_none_or(|f| f == &l.source)
                    && to.as_ref().is_none_or(|x| x == &l.destination)
            })
            .map(|l| (l.source.clone(), l.destination.clone()))
            .collect();
        match pairs.len() {
            1 => {
                from = Some(pairs[0].0.clone());
                to = Some(pairs[0].1.clone());
            }
            0 => {
                let calls: Vec<String> = vocab
                    .links
                    .iter()
                    .filter(|l| {
                        !is_database(vocab, &l.destination) && !vocab.is_type(&l.source, "actor")
                    })
                    .take(6)
                    .map(|l| format!("{} -> {} ({})", l.source, l.destination, l.id))
                    .collect();
                let hint = if services.len() == 2 {
                    format!(
                        "{} and {} have no direct connects relationship. ",
                        services[0], services[1]
                    )
                } else {
                    String::new()
                };
                return Parsed::Clarify(format!(
                    "{hint}Which synchronous call should go through the broker? Say \"from X to Y\"; calls in this architecture: {}.",
                    if calls.is_empty() {
                        "(none)".to_string()
                    } else {
                        calls.join(", ")
                    }
                ));
            }
            _ => {
                let opts: Vec<String> = pairs.iter().map(|(a, b)| format!("{a} -> {b}")).collect();
                return Parsed::Clarify(format!(
                    "Which call should go through the broker: {}?",
                    one_of(&opts)
                ));
            }
        }
    }
    let (from, to) = (from.unwrap(), to.unwrap());
    let broker = match slots::broker_kind(text) {
        Some("kafka") => BrokerKind::Kafka,
        _ => BrokerKind::default(),
    };
    let port = slots::port(text);
    let adr = slots::adr_path(text).or_else(|| {
        let n = slots::adr_number(text)?;
        let padded = format!("{n:04}");
        vocab
            .adrs
            .iter()
            .find(|a| a.contains(&padded) || a.to_lowercase().contains(&format!("adr-{n}")))
            .cloned()
    });
    if slots::adr_number(text).is_some() && adr.is_none() {
        return Parsed::Clarify(format!(
            "The request refers to ADR-{:04}, but this architecture lists no such ADR{}. What is the ADR's path (e.g. docs/adr/0001-....md)?",
            slots::adr_number(text).unwrap(),
            if vocab.adrs.is_empty() {
                String::new()
            } else {
                format!(" (it lists: {})", vocab.adrs.join(", "))
            }
        ));
    }
    Parsed::Understood(Intent::Change(vec![Change::Recipe(Recipe::Decouple(
        Decouple {
            from,
            to,
            broker,
            broker_id,
            queue_id,
            port,
            adr,
        },
    ))]))
}

/// "order-to-payment" → (order-service, payment-service) when each prefix names one node.
fn x_to_y(t: &str, vocab: &Vocabulary) -> Option<(String, String)> {
    let re = regex::Regex::new(r"\b([a-z0-9]+)[- ]to[- ]([a-z0-9]+)\b").ok()?;
    for c in re.captures_iter(t) {
        let find = |p: &str| -> Option<String> {
            let hits: Vec<&slots::NodeInfo> = vocab
                .nodes
                .iter()
                .filter(|n| {
                    n.node_type != "actor"
                        && n.node_type != "database"
                        && (n.id.starts_with(&format!("{p}-")) || n.id == p)
                })
                .collect();
            (hits.len() == 1).then(|| hits[0].id.clone())
        };
        if let (Some(a), Some(b)) = (find(&c[1]), find(&c[2]))
            && a != b
        {
            return Some((a, b));
        }
    }
    None
}

/// "rename A to B", "A can become B", "call A B".
fn rename_pair(text: &str, vocab: &Vocabulary) -> Option<(String, String)> {
    let t = lc(text);
    let mentions = vocab.node_mentions(text);
    let news = slots::new_ids(text, vocab);
    for cue in ["rename", "can become", "becomes", "should become", "call"] {
        for at in slots::find_word(&t, cue) {
            let old = if cue == "rename" || cue == "call" {
                mentions
                    .iter()
                    .find(|m| m.start > at && m.start - at < 40)
                    .map(|m| m.id.clone())
                    .or_else(|| {
                        // An id that is not a node (relationship, interface, flow).
                        let rest = &text[at + cue.len()..];
                        rest.split_whitespace()
                            .map(|w| {
                                w.trim_matches(|c: char| {
                                    c == '"' || c == '`' || c == '\'' || c == ','
                                })
                            })
                            .find(|w| vocab.has_id(w))
                            .map(str::to_string)
                    })
            } else {
                mentions
                    .iter()
                    .rev()
                    .find(|m| m.end <= at && at - m.end < 15)
                    .map(|m| m.id.clone())
            };
            let Some(old) = old else { continue };
            let new = news.iter().find(|(p, _)| *p > at).map(|(_, s)| s.clone());
            if let Some(new) = new {
                return Some((old, new));
            }
        }
    }
    None
}

fn parse_rename(text: &str, vocab: &Vocabulary) -> Parsed {
    match rename_pair(text, vocab) {
        Some((old, new)) => Parsed::Understood(Intent::Change(vec![Change::Recipe(
            Recipe::Rename(Rename { old, new }),
        )])),
        None => {
            let mentioned = vocab.mentioned_ids(text);
            if mentioned.is_empty() {
                Parsed::Clarify(
                    "Which id should be renamed, and to what? Say \"rename OLD to NEW\".".into(),
                )
            } else {
                Parsed::Clarify(format!(
                    "What should `{}` be renamed to? Say \"rename {} to NEW-ID\".",
                    mentioned[0], mentioned[0]
                ))
            }
        }
    }
}

/// The controls a request asks for: one per list item (or the whole request), each with its
/// scope, preset and values.
fn parse_controls(text: &str, vocab: &Vocabulary) -> Parsed {
    let (header, items) = slots::list_items(text);
    let items: Vec<String> = if items.is_empty() {
        vec![text.to_string()]
    } else {
        items
    };
    let base = slots::url_base(text);
    let mut changes = Vec::new();
    for item in &items {
        let it = lc(item);
        let preset = if has_any(
            &it,
            &["circuit breaker", "circuit-breaker", "circuit breakers"],
        ) {
            Some("circuit-breaker")
        } else if has_any(
            &it,
            &[
                "failover",
                "fail-over",
                "rto",
                "rpo",
                "recovery time",
                "recovery point",
                "disaster recovery",
            ],
        ) {
            Some("failover")
        } else if has_any(
            &it,
            &[
                "high-availability",
                "high availability",
                "uptime",
                "availability",
                "sla",
                "nines",
            ],
        ) {
            Some("high-availability")
        } else {
            None
        };
        let named = slots::quoted(item)
            .into_iter()
            .map(|(_, q)| q)
            .find(|q| slots::looks_like_id(q) && !vocab.has_id(q) && !q.contains('.'));
        let id = match (named, preset) {
            (Some(n), _) => n,
            (None, Some(p)) => p.to_string(),
            (None, None) => {
                if items.len() == 1 {
                    return Parsed::Clarify(
                        "Which control? I know high-availability (uptime %), failover (RTO/RPO) and circuit-breaker (failures in a window); for another, give its id in quotes and its values as key=value.".into(),
                    );
                }
                continue;
            }
        };
        // Scope: architecture-level words, else the element named in the item.
        let mut scope = None;
        if has_any(
            &it,
            &[
                "architecture-level",
                "architecture level",
                "whole architecture",
                "system-wide",
                "global",
                "platform-wide",
                "at the architecture",
                "top-level",
                "overall",
            ],
        ) {
            scope = Some(Scope::Architecture);
        }
        if scope.is_none() {
            let nodes = vocab.mentioned_ids(item);
            if let Some(n) = nodes.first() {
                scope = Some(Scope::Node(n.clone()));
            } else if let Some(r) = vocab
                .relationship_ids
                .iter()
                .find(|r| !slots::find_word(&it, &r.to_lowercase()).is_empty())
            {
                scope = Some(Scope::Relationship(r.clone()));
            } else if let Some(f) = vocab
                .flow_ids
                .iter()
                .find(|f| !slots::find_word(&it, &f.to_lowercase()).is_empty())
            {
                scope = Some(Scope::Flow(f.clone()));
            }
        }
        let scope = match scope {
            Some(s) => s,
            None if preset == Some("high-availability") => Scope::Architecture,
            None => {
                let what = if preset == Some("failover") {
                    "database or cluster"
                } else {
                    "service"
                };
                return Parsed::Clarify(format!(
                    "Which {what} should carry the `{id}` control? For example: {}.",
                    examples(
                        vocab,
                        |n| if preset == Some("failover") {
                            n.node_type == "database" || n.id.contains("cluster")
                        } else {
                            n.node_type == "service"
                        },
                        4
                    )
                ));
            }
        };
        let mut config: Vec<(String, Value)> = Vec::new();
        match preset {
            Some("high-availability") => {
                if let Some(p) = slots::percent(item).or_else(|| slots::nines(item)) {
                    config.push(("availability-percent".into(), number(p)));
                }
            }
            Some("failover") => {
                for (label, key) in [
                    ("rto", "rto"),
                    ("recovery time", "rto"),
                    ("rpo", "rpo"),
                    ("recovery point", "rpo"),
                ] {
                    if config.iter().any(|(k, _)| k.starts_with(key)) {
                        continue;
                    }
                    if let Some(secs) = slots::duration_after(item, label) {
                        if secs >= 60.0 && (secs % 60.0) == 0.0 {
                            config.push((format!("{key}-minutes"), number(secs / 60.0)));
                        } else {
                            config.push((format!("{key}-seconds"), number(secs)));
                        }
                    }
                }
                if has_any(&it, &["automatic", "automatically", "auto"]) {
                    config.push(("failover-mode".into(), json!("automatic")));
                } else if has_any(&it, &["manual", "manually"]) {
                    config.push(("failover-mode".into(), json!("manual")));
                }
            }
            Some("circuit-breaker") => {
                if let Some((n, w)) = slots::failures_in_window(item) {
                    config.push(("failure-threshold".into(), json!(n)));
                    config.push(("failure-window-seconds".into(), number(w)));
                } else if let Some(n) = slots::failure_threshold(item) {
                    config.push(("failure-threshold".into(), json!(n)));
                }
                for label in [
                    "open for",
                    "stays open for",
                    "reset after",
                    "open state",
                    "cool down",
                    "cooldown",
                    "half-open after",
                ] {
                    if let Some(s) = slots::duration_after(item, label) {
                        config.push(("open-state-duration-seconds".into(), number(s)));
                        break;
                    }
                }
            }
            _ => {}
        }
        config.extend(key_values(item));
        let requirement_url = explicit_url(item).or_else(|| {
            let b = base.clone()?;
            if b.matches('/').count() > 2 {
                return Some(b);
            }
            // Only a host was named ("pointing to internal-policy.example.com"): keep the
            // preset's policy path on that host; the preset's own URL when the host is its own.
            match preset.and_then(|p| calm_refactor::ControlPreset::parse(p).ok()) {
                Some(p) => {
                    let default = p.requirement_url();
                    let path = default.splitn(4, '/').nth(3).unwrap_or("");
                    let swapped = format!("{b}/{path}");
                    (swapped != default).then_some(swapped)
                }
                None => Some(format!("{b}/controls/{id}")),
            }
        });
        let _ = &header;
        changes.push(Change::Recipe(Recipe::AddControl(AddControl {
            scope,
            id: Some(id),
            requirement_url,
            description: None,
            config: config
                .iter()
                .map(|(k, v)| format!("{k}={}", calm_refactor::recipes::value_word(v)))
                .collect(),
            preset: preset.and_then(|p| ControlPreset::parse(p).ok()),
        })));
    }
    if changes.is_empty() {
        return Parsed::NotUnderstood;
    }
    Parsed::Understood(Intent::Change(changes))
}

/// A full URL with a path in the text (used as the requirement URL as is).
fn explicit_url(text: &str) -> Option<String> {
    let b = slots::url_base(text)?;
    (b.starts_with("http") && b.matches('/').count() > 2 && text.contains("http")).then_some(b)
}

fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        json!(x as i64)
    } else {
        json!(x)
    }
}

/// `key=value` and `"key": "value"` pairs.
fn key_values(text: &str) -> Vec<(String, Value)> {
    let re = regex::Regex::new(r#"(?:"([a-z][a-z0-9-]*)"\s*:\s*(?:"([^"]*)"|(-?\d+(?:\.\d+)?|true|false))|\b([a-z][a-z0-9-]*)=(?:"([^"]*)"|([^\s,;]+)))"#).unwrap();
    let mut out = Vec::new();
    for c in re.captures_iter(text) {
        let (k, v) = if let Some(k) = c.get(1) {
            let v = match (c.get(2), c.get(3)) {
                (Some(s), _) => json!(s.as_str()),
                (None, Some(n)) => typed(n.as_str()),
                _ => continue,
            };
            (k.as_str().to_string(), v)
        } else {
            let k = c.get(4).unwrap().as_str().to_string();
            let v = match (c.get(5), c.get(6)) {
                (Some(s), _) => json!(s.as_str()),
                (None, Some(n)) => typed(n.as_str().trim_end_matches('.')),
                _ => continue,
            };
            (k, v)
        };
        out.push((k, v));
    }
    out
}

fn typed(s: &str) -> Value {
    if let Ok(i) = s.parse::<i64>() {
        return json!(i);
    }
    if let Ok(f) = s.parse::<f64>() {
        return json!(f);
    }
    match s {
        "true" => json!(true),
        "false" => json!(false),
        _ => json!(s),
    }
}

fn parse_metadata(text: &str, t: &str, vocab: &Vocabulary) -> Option<Parsed> {
    let mut entries = key_values(text);
    let mentions = vocab.mentioned_ids(text);
    // "set the owner of X to team-a", "set X's owner to team-a".
    if entries.is_empty() {
        let re = regex::Regex::new(r#"(?i)\bset\s+(?:the\s+)?([a-z][a-z0-9 -]{0,30}?)\s+(?:of|on|for)\s+.+?\s+to\s+"?([^"\n]+?)"?\s*[.!]?$"#).unwrap();
        let re2 = regex::Regex::new(
            r#"(?i)\bset\s+.+?'s\s+([a-z][a-z0-9 -]{0,30}?)\s+to\s+"?([^"\n]+?)"?\s*[.!]?$"#,
        )
        .unwrap();
        if let Some(c) = re
            .captures(text.trim())
            .or_else(|| re2.captures(text.trim()))
        {
            let key = c[1].trim().to_lowercase().replace(' ', "-");
            entries.push((key, typed(c[2].trim())));
        }
    }
    if entries.is_empty() {
        if has_any(t, &["metadata"]) {
            return Some(Parsed::Clarify(
                "Which metadata? Give it as key=value (or \"key\": \"value\") and say which element it belongs to.".into(),
            ));
        }
        return None;
    }
    let scope = if has_any(
        t,
        &[
            "architecture",
            "architecture-level",
            "document",
            "top-level",
        ],
    ) && mentions.is_empty()
    {
        Scope::Architecture
    } else if let Some(n) = mentions.first() {
        Scope::Node(n.clone())
    } else if let Some(r) = vocab
        .relationship_ids
        .iter()
        .find(|r| !slots::find_word(t, &r.to_lowercase()).is_empty())
    {
        Scope::Relationship(r.clone())
    } else {
        return Some(Parsed::Clarify(format!(
            "Which element should get {}? Name a node (e.g. {}) or say \"architecture\".",
            entries
                .iter()
                .map(|(k, _)| k.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            examples(vocab, |_| true, 3)
        )));
    };
    Some(Parsed::Understood(Intent::Change(vec![
        Change::SetMetadata { scope, entries },
    ])))
}

#[cfg(test)]
mod tests {
    use super::*;
    use calm_model::Document;

    fn vocab_of(path: &str) -> Option<Vocabulary> {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
        if !p.exists() {
            eprintln!("skipped: {} is absent", p.display());
            return None;
        }
        Some(Vocabulary::of(&Document::load_path(&p).unwrap()))
    }

    fn seed_prompts() -> Option<Vec<String>> {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/chat_fixtures/tutorial-day14.requests");
        Some(super::super::split_requests(
            &std::fs::read_to_string(p).ok()?,
        ))
    }

    fn change(p: Parsed) -> Vec<Change> {
        match p {
            Parsed::Understood(Intent::Change(c)) => c,
            other => panic!("expected a change, got {other:?}"),
        }
    }

    #[test]
    fn tutorial_prompts_fill_every_slot() {
        let Some(v) = vocab_of("../../../shared/fixtures/ecommerce-platform.day13.json") else {
            return;
        };
        let p = seed_prompts().unwrap();
        assert_eq!(
            parse(&p[0], &v),
            Parsed::Understood(Intent::Assess {
                categories: vec!["resilience".into()],
                top: Some(3)
            })
        );
        assert_eq!(
            change(parse(&p[1], &v)),
            vec![Change::Recipe(Recipe::AddLoadBalancer(AddLoadBalancer {
                target: "api-gateway".into(),
                lb_id: "load-balancer".into(),
                lb_type: "service".into(),
                names: vec!["api-gateway-1".into(), "api-gateway-2".into()],
                instances: 2
            }))]
        );
        assert_eq!(
            change(parse(&p[2], &v)),
            vec![Change::ReplicateDatabase {
                recipe: ReplicateDatabase {
                    target: "order-database".into(),
                    primary_id: Some("order-database-primary".into()),
                    replicas: 1,
                    cluster_id: Some("order-database-cluster".into()),
                    mode: ReplicationMode::Async
                },
                replica_ids: vec!["order-database-replica".into()],
            }]
        );
        assert_eq!(
            change(parse(&p[3], &v)),
            vec![Change::Recipe(Recipe::Decouple(Decouple {
                from: "order-service".into(),
                to: "payment-service".into(),
                broker: BrokerKind::Rabbitmq,
                broker_id: "message-broker".into(),
                queue_id: Some("order-queue".into()),
                port: Some(5672),
                adr: Some("docs/adr/0001-use-message-queue-for-async-processing.md".into())
            }))]
        );
        assert_eq!(parse(&p[4], &v), Parsed::Understood(Intent::Validate));
        // Before the cluster exists, the failover control's target is asked for, not guessed.
        assert!(matches!(parse(&p[5], &v), Parsed::Clarify(q) if q.contains("failover")));
    }

    #[test]
    fn ambiguous_or_missing_slots_are_asked_for() {
        let Some(v) = vocab_of("tests/chat_fixtures/travel-booking.json") else {
            return;
        };
        assert!(
            matches!(parse("add a read replica", &v), Parsed::Clarify(q) if q.contains("bookings-db or fares-db"))
        );
        assert!(matches!(
            parse("add a load balancer", &v),
            Parsed::Clarify(_)
        ));
        assert!(matches!(
            parse("rename pricing-service", &v),
            Parsed::Clarify(_)
        ));
        assert!(matches!(
            parse("what happens if it fails?", &v),
            Parsed::Clarify(_)
        ));
        assert_eq!(parse("write me a poem", &v), Parsed::NotUnderstood);
        assert_eq!(
            parse("delete the fares database", &v),
            Parsed::NotUnderstood
        );
    }

    #[test]
    fn controls_read_values_and_units() {
        let Some(v) = vocab_of("tests/chat_fixtures/travel-booking.json") else {
            return;
        };
        let c = change(parse(
            "Add a failover control on bookings-db with RTO 90 seconds and RPO of 2 minutes",
            &v,
        ));
        let Change::Recipe(Recipe::AddControl(AddControl {
            scope, id, config, ..
        })) = &c[0]
        else {
            panic!()
        };
        assert_eq!(scope, &Scope::Node("bookings-db".into()));
        assert_eq!(id.as_deref(), Some("failover"));
        assert_eq!(config, &vec!["rto-seconds=90", "rpo-minutes=2"]);
        let c = change(parse(
            "circuit breaker on pricing-service: 7 errors within 2 minutes",
            &v,
        ));
        let Change::Recipe(Recipe::AddControl(AddControl { config, .. })) = &c[0] else {
            panic!()
        };
        assert_eq!(
            config,
            &vec!["failure-threshold=7", "failure-window-seconds=120"]
        );
    }
}
