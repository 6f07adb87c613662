//! "Route the call from X to Y through a message queue", "make X to Y async".

use super::super::intent::{Change, Intent, Parsed};
use super::super::slots::{self, Vocabulary, has_any};
use super::common::*;
use super::{Request, vocab};
use calm_refactor::{BrokerKind, Decouple, Recipe};

pub(super) fn parse_decouple(text: &str, t: &str, vocab: &Vocabulary) -> Parsed {
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
    let mut from = role(vocab::PUBLISHER_ROLE);
    let mut to = role(vocab::CONSUMER_ROLE);

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
pub(super) fn x_to_y(t: &str, vocab: &Vocabulary) -> Option<(String, String)> {
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

/// A broker, queue or topic named.
pub fn recognize(r: &Request) -> Option<Parsed> {
    (r.wants_change() && has_any(&r.t, vocab::DECOUPLE))
        .then(|| parse_decouple(r.text, &r.t, r.vocab))
}

/// "async" alone: tried after controls and renames ("a circuit breaker on the async call").
pub fn recognize_async(r: &Request) -> Option<Parsed> {
    (r.wants_change() && has_any(&r.t, vocab::ASYNC)).then(|| parse_decouple(r.text, &r.t, r.vocab))
}
