//! Slot extraction: the facts a request carries (element references, new ids, numbers, ports,
//! percentages, durations, protocols, replication modes, ADR paths), read from the sentence and
//! resolved against the architecture being discussed.
//!
//! Hand-written on top of `regex`: the vocabulary is small and closed (CALM terms plus the ids and
//! names of the document), so a grammar or NLP crate would add weight without adding accuracy.

use calm_model::{Document, RelKind};
use regex::Regex;
use std::sync::LazyLock;

/// What the parser knows about one node of the document.
#[derive(Debug, Clone)]
pub struct NodeInfo {
    pub id: String,
    pub name: String,
    pub node_type: String,
}

/// A connects relationship (source -> destination).
#[derive(Debug, Clone)]
pub struct LinkInfo {
    pub id: String,
    pub source: String,
    pub destination: String,
}

/// The document's vocabulary: what a sentence may refer to.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    pub nodes: Vec<NodeInfo>,
    pub links: Vec<LinkInfo>,
    pub relationship_ids: Vec<String>,
    pub flow_ids: Vec<String>,
    /// Flow names, in the order of `flow_ids`.
    pub flow_names: Vec<String>,
    pub adrs: Vec<String>,
    /// Every unique-id (nodes, relationships, interfaces, flows).
    pub all_ids: Vec<String>,
}

impl Vocabulary {
    pub fn of(doc: &Document) -> Vocabulary {
        let nodes = doc
            .nodes()
            .map(|n| NodeInfo {
                id: n.unique_id().to_string(),
                name: n.name().to_string(),
                node_type: n.node_type().to_string(),
            })
            .filter(|n| !n.id.is_empty())
            .collect();
        let mut links = Vec::new();
        let mut relationship_ids = Vec::new();
        for r in doc.relationships() {
            relationship_ids.push(r.unique_id().to_string());
            if let RelKind::Connects {
                source,
                destination,
            } = r.kind()
            {
                links.push(LinkInfo {
                    id: r.unique_id().to_string(),
                    source: source.node.to_string(),
                    destination: destination.node.to_string(),
                });
            }
        }
        Vocabulary {
            nodes,
            links,
            relationship_ids,
            flow_ids: doc.flows().map(|f| f.unique_id().to_string()).collect(),
            flow_names: doc.flows().map(|f| f.name().to_string()).collect(),
            adrs: doc.adrs().map(str::to_string).collect(),
            all_ids: doc.ids().into_iter().map(str::to_string).collect(),
        }
    }

    pub fn node(&self, id: &str) -> Option<&NodeInfo> {
        self.nodes.iter().find(|n| n.id == id)
    }

    pub fn has_id(&self, id: &str) -> bool {
        self.all_ids.iter().any(|i| i == id)
    }

    pub fn is_type(&self, id: &str, node_type: &str) -> bool {
        self.node(id).is_some_and(|n| n.node_type == node_type)
    }

    /// Nodes mentioned in `text`, by id, name or spaced id, in order of appearance. Longer
    /// phrases win over shorter overlapping ones (`order-database-cluster` over `order-database`).
    pub fn node_mentions(&self, text: &str) -> Vec<Mention> {
        let lower = text.to_lowercase();
        let mut found: Vec<Mention> = Vec::new();
        for n in &self.nodes {
            for phrase in self.phrases(n) {
                for start in find_word(&lower, &phrase) {
                    found.push(Mention {
                        start,
                        end: start + phrase.len(),
                        id: n.id.clone(),
                    });
                }
            }
        }
        found.sort_by(|a, b| {
            a.start
                .cmp(&b.start)
                .then((b.end - b.start).cmp(&(a.end - a.start)))
        });
        let mut kept: Vec<Mention> = Vec::new();
        for m in found {
            if kept.iter().any(|k| m.start < k.end && k.start < m.end) {
                continue;
            }
            kept.push(m);
        }
        kept.sort_by_key(|m| m.start);
        kept
    }

    /// Distinct node ids mentioned in `text`, first mention first.
    pub fn mentioned_ids(&self, text: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for m in self.node_mentions(text) {
            if !out.contains(&m.id) {
                out.push(m.id);
            }
        }
        out
    }

    /// The phrases that refer to a node: its id, its name, the id with spaces, and the last word
    /// of the id when no other node shares it ("the gateway").
    fn phrases(&self, n: &NodeInfo) -> Vec<String> {
        let mut p = vec![n.id.to_lowercase()];
        let name = n.name.trim().to_lowercase();
        if name.len() > 2 {
            p.push(name);
        }
        let spaced = n.id.to_lowercase().replace(['-', '_'], " ");
        p.push(spaced);
        // "bookings db" / "bookings database" are the same thing.
        for q in p.clone() {
            let words: Vec<&str> = q.split(' ').collect();
            if words.len() > 1 && words.contains(&"db") {
                p.push(
                    words
                        .iter()
                        .map(|w| if *w == "db" { "database" } else { w })
                        .collect::<Vec<_>>()
                        .join(" "),
                );
            }
        }
        if let Some(last) = n.id.to_lowercase().rsplit(['-', '_']).next() {
            let shared = self
                .nodes
                .iter()
                .filter(|o| o.id.to_lowercase().rsplit(['-', '_']).next() == Some(last))
                .count();
            if shared == 1
                && last.len() > 3
                && last != n.id.to_lowercase()
                && !GENERIC_WORDS.contains(&last)
            {
                p.push(last.to_string());
            }
        }
        p.sort();
        p.dedup();
        p
    }
}

/// Words too generic to stand for one node on their own.
const GENERIC_WORDS: &[&str] = &[
    "service", "services", "system", "database", "platform", "primary", "replica", "cluster",
    "node", "server", "app",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub id: String,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '-' || c == '_'
}

/// Byte offsets where `phrase` occurs in `hay` as a whole word (ids count `-` and `_` as word chars).
pub fn find_word(hay: &str, phrase: &str) -> Vec<usize> {
    let mut out = Vec::new();
    if phrase.is_empty() {
        return out;
    }
    let mut from = 0;
    while let Some(i) = hay[from..].find(phrase) {
        let start = from + i;
        let end = start + phrase.len();
        let before_ok = hay[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !is_word_char(c));
        // A trailing `-` followed by a non-word char (e.g. "api-gateway-") still ends the word.
        let after_ok = hay[end..].chars().next().is_none_or(|c| !is_word_char(c))
            || (hay[end..].starts_with("'s"));
        if before_ok && after_ok {
            out.push(start);
        }
        from = start + phrase.len().max(1);
        while !hay.is_char_boundary(from) {
            from += 1;
        }
    }
    out
}

/// Does `text` (lower-cased) contain any of `words` as whole words or phrases?
pub fn has_any(text: &str, words: &[&str]) -> bool {
    words.iter().any(|w| !find_word(text, w).is_empty())
}

static QUOTED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#""([^"\n]{1,120})"|“([^”\n]{1,120})”|`([^`\n]{1,120})`|'([a-zA-Z0-9][a-zA-Z0-9._/ -]{0,118})'"#).unwrap()
});
static ID_TOKEN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b[a-z0-9]+(?:[-_][a-z0-9]+)+\b").unwrap());

/// Strings in quotes or backticks, in order.
pub fn quoted(text: &str) -> Vec<(usize, String)> {
    QUOTED
        .captures_iter(text)
        .map(|c| {
            let m = c.get(1).or(c.get(2)).or(c.get(3)).or(c.get(4)).unwrap();
            (m.start(), m.as_str().trim().to_string())
        })
        .collect()
}

/// Does this look like a CALM unique-id (kebab or snake case, no spaces)?
pub fn looks_like_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 80
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        && s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && !s.contains('/')
}

/// Words that look like ids but are CALM or English vocabulary.
const NOT_IDS: &[&str] = &[
    "e-commerce",
    "composed-of",
    "deployed-in",
    "read-only",
    "read-write",
    "single-point",
    "high-availability",
    "circuit-breaker",
    "requirement-url",
    "node-level",
    "architecture-level",
    "relationship-level",
    "flow-level",
    "order-to-payment",
    "round-robin",
    "multi-az",
    "per-node",
    "re-point",
    "so-called",
    "step-by-step",
    "semi-sync",
    "semi-synchronous",
    "real-time",
    "end-to-end",
    "node-type",
    "unique-id",
    "relationship-type",
    "fail-over",
    "rto-minutes",
    "rpo-minutes",
    "config-url",
    "in-model",
    "top-level",
    "well-known",
    "read-replica",
];

/// Candidate new ids: quoted id-like strings and unquoted kebab-case tokens that are not already
/// ids of the document, in order of appearance, without duplicates.
pub fn new_ids(text: &str, vocab: &Vocabulary) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let push = |out: &mut Vec<(usize, String)>, pos: usize, s: &str| {
        let s = s.trim_matches(|c: char| c == '.' || c == ',' || c == ':');
        if looks_like_id(s)
            && !vocab.has_id(s)
            && !NOT_IDS.contains(&s)
            && !s.ends_with(".md")
            && !s.ends_with(".json")
            && !s.contains('.')
            && !out.iter().any(|(_, o)| o == s)
        {
            out.push((pos, s.to_string()));
        }
    };
    for (pos, q) in quoted(text) {
        push(&mut out, pos, &q);
    }
    for m in ID_TOKEN.find_iter(text) {
        // Skip tokens inside paths or URLs (`docs/adr/0001-use-…`, `internal-policy.example.com`).
        let before = text[..m.start()].chars().next_back();
        let after = text[m.end()..].chars().next();
        if matches!(before, Some('/') | Some('.'))
            || matches!(after, Some('/') | Some('.') if text[m.end() + 1..].starts_with(|c: char| c.is_alphanumeric()))
        {
            continue;
        }
        if m.as_str().chars().all(|c| c.is_ascii_digit() || c == '-') {
            continue;
        }
        push(&mut out, m.start(), m.as_str());
    }
    out.sort_by_key(|(p, _)| *p);
    out
}

static NUMBER_WORDS: &[(&str, u64)] = &[
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("a pair of", 2),
    ("a couple of", 2),
    ("single", 1),
    ("dual", 2),
    ("twin", 2),
];

/// A count in front of one of `nouns` ("3 replicas", "two instances", "a pair of gateways").
pub fn count_before(text: &str, nouns: &[&str]) -> Option<u64> {
    let lower = text.to_lowercase();
    for noun in nouns {
        let re = Regex::new(&format!(r"(\d+|one|two|three|four|five|six|seven|eight|nine|ten|a pair of|a couple of|dual|twin)\s+(?:[a-z-]+\s+){{0,3}}?{}\b", regex::escape(noun))).ok()?;
        if let Some(c) = re.captures(&lower) {
            let w = c.get(1).unwrap().as_str();
            if let Ok(n) = w.parse() {
                return Some(n);
            }
            if let Some((_, n)) = NUMBER_WORDS.iter().find(|(s, _)| *s == w) {
                return Some(*n);
            }
        }
    }
    None
}

/// "top 3", "top three", "3 biggest", "the 5 most important"...
pub fn top_n(text: &str) -> Option<usize> {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\b(?:top|first|main|biggest|worst|most important|key)\s+(\d+|one|two|three|four|five|six|seven|eight|nine|ten)\b|\b(\d+|two|three|four|five|six|seven|eight|nine|ten)\s+(?:top|biggest|worst|main|most important|most serious|key|largest|major)?\s*(?:[a-z]+\s+)?(?:concerns|issues|risks|problems|findings|weaknesses|things|recommendations|improvements)\b").unwrap()
    });
    let lower = text.to_lowercase();
    let c = RE.captures(&lower)?;
    let w = c.get(1).or(c.get(2))?.as_str();
    w.parse().ok().or_else(|| {
        NUMBER_WORDS
            .iter()
            .find(|(s, _)| *s == w)
            .map(|(_, n)| *n as usize)
    })
}

/// A port: "port 5672", ":5672", "on 9092".
pub fn port(text: &str) -> Option<u16> {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\bport\s*(?:number\s*)?[:=]?\s*(\d{1,5})\b|:(\d{2,5})\b").unwrap()
    });
    let c = RE.captures(text)?;
    c.get(1).or(c.get(2))?.as_str().parse().ok()
}

/// A percentage: "99.9%", "99.95 percent".
pub fn percent(text: &str) -> Option<f64> {
    static RE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)(\d+(?:\.\d+)?)\s*(?:%|percent\b)").unwrap());
    RE.captures(text)?.get(1)?.as_str().parse().ok()
}

/// "three nines" style availability.
pub fn nines(text: &str) -> Option<f64> {
    let lower = text.to_lowercase();
    for (w, v) in [
        ("two nines", 99.0),
        ("three nines", 99.9),
        ("four nines", 99.99),
        ("five nines", 99.999),
    ] {
        if lower.contains(w) {
            return Some(v);
        }
    }
    None
}

/// A duration in seconds after a label: `label` followed (within a few words) by "5 minutes",
/// "30s", "1 min", "2 hours", "500 ms" (rounded down to seconds; ms kept as fraction).
pub fn duration_after(text: &str, label: &str) -> Option<f64> {
    let re = Regex::new(&format!(
        r"(?i)\b{}\b[^.;,\n\d]{{0,30}}?(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?)\b",
        regex::escape(label)
    ))
    .ok()?;
    let c = re.captures(text)?;
    let n: f64 = c.get(1)?.as_str().parse().ok()?;
    Some(n * unit_seconds(c.get(2)?.as_str()))
}

fn unit_seconds(unit: &str) -> f64 {
    let u = unit.to_lowercase();
    if u.starts_with("ms") || u.starts_with("milli") {
        0.001
    } else if u.starts_with('h') {
        3600.0
    } else if u.starts_with('m') {
        60.0
    } else {
        1.0
    }
}

/// "5 failures in 30s", "5 errors within 30 seconds", "after 5 failed calls in a 30 second window".
pub fn failures_in_window(text: &str) -> Option<(u64, f64)> {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)(\d+)\s+(?:consecutive\s+)?(?:failures|errors|failed\s+(?:calls|requests)|timeouts)\s+(?:in|within|over|per)\s+(?:a\s+|an\s+)?(\d+(?:\.\d+)?)[\s-]*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?)\b").unwrap()
    });
    let c = RE.captures(text)?;
    let n = c.get(1)?.as_str().parse().ok()?;
    let w: f64 = c.get(2)?.as_str().parse().ok()?;
    Some((n, w * unit_seconds(c.get(3)?.as_str())))
}

/// A bare "N failures" threshold.
pub fn failure_threshold(text: &str) -> Option<u64> {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)(?:(\d+)\s+(?:consecutive\s+)?(?:failures|errors|failed\s+calls)|(?:failure\s+)?threshold\s+(?:of\s+)?(\d+))").unwrap()
    });
    let c = RE.captures(text)?;
    c.get(1).or(c.get(2))?.as_str().parse().ok()
}

/// A file path to an ADR or document ("docs/adr/0001-x.md").
pub fn adr_path(text: &str) -> Option<String> {
    static RE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"[A-Za-z0-9_./-]+\.(?:md|adoc|txt|html)\b"#).unwrap());
    RE.find(text).map(|m| m.as_str().to_string())
}

/// An ADR number ("ADR-0001", "ADR 1", "adr #3").
pub fn adr_number(text: &str) -> Option<u32> {
    static RE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)\badr[\s#-]*0*(\d{1,5})\b").unwrap());
    RE.captures(text)?.get(1)?.as_str().parse().ok()
}

/// A host name ("internal-policy.example.com") or URL base mentioned in the text.
pub fn url_base(text: &str) -> Option<String> {
    static URL: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"https?://[A-Za-z0-9.-]+(?:/[A-Za-z0-9._~/-]*)?").unwrap());
    static HOST: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,12}\b").unwrap());
    if let Some(m) = URL.find(text) {
        return Some(m.as_str().trim_end_matches('/').to_string());
    }
    const FILE_EXTENSIONS: &[&str] = &[
        "json", "md", "yaml", "yml", "txt", "html", "png", "svg", "adoc", "toml",
    ];
    let lower = text.to_lowercase();
    HOST.find_iter(&lower)
        .find(|m| {
            let ext = m.as_str().rsplit('.').next().unwrap_or("");
            !FILE_EXTENSIONS.contains(&ext) && !lower[..m.start()].ends_with('/')
        })
        .map(|m| format!("https://{}", m.as_str()))
}

/// Replication mode named in the text.
pub fn replication_mode(text: &str) -> Option<&'static str> {
    let l = text.to_lowercase();
    if has_any(&l, &["semi-sync", "semi-synchronous", "semisynchronous"]) {
        return Some("semi-sync");
    }
    if has_any(
        &l,
        &[
            "async",
            "asynchronous",
            "asynchronously",
            "asynchronous replication",
        ],
    ) {
        return Some("async");
    }
    if has_any(&l, &["sync", "synchronous", "synchronously"]) {
        return Some("sync");
    }
    None
}

/// Messaging technology named in the text.
pub fn broker_kind(text: &str) -> Option<&'static str> {
    let l = text.to_lowercase();
    if has_any(&l, &["kafka", "redpanda"]) {
        Some("kafka")
    } else if has_any(&l, &["rabbitmq", "rabbit", "amqp"]) {
        Some("rabbitmq")
    } else {
        None
    }
}

/// node-type given as "(type: service)", "type system", "a database node", "of type actor".
pub fn node_type(text: &str) -> Option<String> {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?i)\b(?:node-)?type\s*[:=]?\s*"?([a-z][a-z0-9-]*)"?"#).unwrap()
    });
    RE.captures(text).map(|c| c[1].to_lowercase())
}

/// Numbered or bulleted list items; the text before the first item is the header.
pub fn list_items(text: &str) -> (String, Vec<String>) {
    static ITEM: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^\s*(?:\d+[.)]|[-*•])\s+").unwrap());
    let mut header = String::new();
    let mut items: Vec<String> = Vec::new();
    for line in text.lines() {
        if ITEM.is_match(line) {
            let body = ITEM.replace(line, "").to_string();
            // Sub-bullets belong to the previous numbered item.
            if line.starts_with(|c: char| c.is_whitespace()) && !items.is_empty() {
                let last = items.last_mut().unwrap();
                last.push('\n');
                last.push_str(&body);
            } else {
                items.push(body);
            }
        } else if items.is_empty() {
            header.push_str(line);
            header.push('\n');
        } else if !line.trim().is_empty() {
            // A trailing paragraph after the list: keep it with the header context.
            header.push_str(line);
            header.push('\n');
        }
    }
    (header, items)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab() -> Vocabulary {
        let doc = Document::from_str(
            "t.json",
            r#"{"nodes":[
              {"unique-id":"api-gateway","node-type":"service","name":"API Gateway","description":"d"},
              {"unique-id":"order-database","node-type":"database","name":"Order Database","description":"d"},
              {"unique-id":"order-database-cluster","node-type":"system","name":"Cluster","description":"d"},
              {"unique-id":"order-service","node-type":"service","name":"Order Service","description":"d"}
            ],"relationships":[]}"#,
        )
        .unwrap();
        Vocabulary::of(&doc)
    }

    #[test]
    fn mentions_prefer_longest_and_respect_id_boundaries() {
        let v = vocab();
        assert_eq!(
            v.mentioned_ids("the order-database-cluster and api-gateway-1"),
            vec!["order-database-cluster"]
        );
        assert_eq!(
            v.mentioned_ids("My API Gateway talks to the Order Database"),
            vec!["api-gateway", "order-database"]
        );
        assert_eq!(v.mentioned_ids("the gateway is slow"), vec!["api-gateway"]);
    }

    #[test]
    fn numbers_durations_and_thresholds() {
        assert_eq!(port("an AMQP interface on port 5672"), Some(5672));
        assert_eq!(percent("requiring 99.9% uptime"), Some(99.9));
        assert_eq!(
            duration_after("RTO 5 minutes and RPO of 1 min", "rto"),
            Some(300.0)
        );
        assert_eq!(
            duration_after("RTO 5 minutes and RPO of 1 min", "rpo"),
            Some(60.0)
        );
        assert_eq!(
            failures_in_window("open after 5 failures in 30s"),
            Some((5, 30.0))
        );
        assert_eq!(
            failures_in_window("trip on 10 errors within 1 minute"),
            Some((10, 60.0))
        );
        assert_eq!(top_n("What are the top 3 resilience concerns"), Some(3));
        assert_eq!(top_n("give me the five biggest risks"), Some(5));
        assert_eq!(
            count_before("add two read replicas", &["replicas", "replica"]),
            Some(2)
        );
        assert_eq!(adr_number("from ADR-0001 in my"), Some(1));
        assert_eq!(
            adr_path(r#""adr": "docs/adr/0001-use-mq.md""#).as_deref(),
            Some("docs/adr/0001-use-mq.md")
        );
        assert_eq!(
            url_base("pointing to internal-policy.example.com and").as_deref(),
            Some("https://internal-policy.example.com")
        );
    }

    #[test]
    fn new_ids_skip_existing_and_vocabulary() {
        let v = vocab();
        let ids: Vec<String> = new_ids(
            r#"add "load-balancer" before api-gateway-1 and api-gateway for e-commerce"#,
            &v,
        )
        .into_iter()
        .map(|(_, s)| s)
        .collect();
        assert_eq!(ids, vec!["load-balancer", "api-gateway-1"]);
    }
}
