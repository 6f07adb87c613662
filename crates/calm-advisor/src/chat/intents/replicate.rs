//! "Add a read replica of X", "replicate X into a primary/replica cluster".

use super::super::intent::{Change, Intent, Parsed};
use super::super::slots::{self, Vocabulary, has_any};
use super::common::*;
use super::{Request, vocab};
use calm_refactor::{ReplicateDatabase, ReplicationMode};

pub(super) fn parse_replicate(text: &str, t: &str, vocab: &Vocabulary) -> Parsed {
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
    let renamed_to = super::rename::rename_pair(text, vocab)
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
    let replicas = slots::count_before(text, vocab::REPLICA_NOUNS)
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

pub fn recognize(r: &Request) -> Option<Parsed> {
    (r.wants_change() && has_any(&r.t, vocab::REPLICATE))
        .then(|| parse_replicate(r.text, &r.t, r.vocab))
}
