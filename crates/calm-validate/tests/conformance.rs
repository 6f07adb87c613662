//! Differential conformance against the reference CLI (`calm validate`, @finos/calm-cli 1.56).
//!
//! Every case of `../shared/calm-corpus/verdicts.json` that is not `network_dependent` is run
//! through our engine with the corpus folder as the working directory (as the reference was
//! run). Verdict (valid / invalid / fatal; the reference's fatal-error maps to our typed
//! [`FatalError`]) and the set of output codes must agree. Every disagreement must be listed,
//! with its reason, in `tests/conformance-differences.json`; an unlisted disagreement, or a
//! listed case that now agrees, fails the test. The agreement figure is printed.

use calm_validate::{Config, Engine, Outcome};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/calm-corpus")
}

#[derive(Debug, Default)]
struct Invocation {
    architectures: Vec<String>,
    pattern: Option<String>,
    timeline: Option<String>,
    url_mapping: Option<String>,
}

/// Parse `calm validate -a X [-p P] [--timeline T] [-u U] -f json`.
fn parse_command(command: &str) -> Invocation {
    let tokens: Vec<&str> = command.split_whitespace().collect();
    let mut inv = Invocation::default();
    let mut i = 2; // skip `calm validate`
    while i < tokens.len() {
        let next = tokens.get(i + 1).map(|s| s.to_string());
        match tokens[i] {
            "-a" | "--architecture" => inv.architectures.extend(next),
            "-p" | "--pattern" => inv.pattern = next,
            "--timeline" => inv.timeline = next,
            "-u" | "--url-to-local-file-mapping" => inv.url_mapping = next,
            "-f" | "--format" => {}
            other => panic!("unexpected token {other} in {command}"),
        }
        i += 2;
    }
    inv
}

/// Our verdict and code set for one invocation (cwd must be the corpus root).
pub fn run_ours(inv: &Invocation) -> (String, BTreeSet<String>, Option<Outcome>) {
    let engine = Engine::new(Config {
        url_mapping: inv.url_mapping.as_ref().map(PathBuf::from),
        ..Config::default()
    })
    .expect("engine");
    let result = if let Some(t) = &inv.timeline {
        engine.validate_timeline(Path::new(t))
    } else if inv.architectures.is_empty() {
        engine.validate_pattern(Path::new(inv.pattern.as_deref().unwrap()))
    } else {
        engine.validate_architecture(
            Path::new(&inv.architectures[0]),
            inv.pattern.as_deref().map(Path::new),
        )
    };
    match result {
        Err(e) => (
            "fatal-error".into(),
            BTreeSet::from([format!("fatal: {e}")]),
            None,
        ),
        Ok(o) => {
            let verdict = if o.passed(false) { "valid" } else { "invalid" };
            let codes = o
                .report
                .diagnostics
                .iter()
                .map(|d| d.code.clone())
                .collect();
            (verdict.into(), codes, Some(o))
        }
    }
}

#[test]
fn conformance_with_reference_cli() {
    let corpus = corpus_dir();
    if !corpus.join("verdicts.json").is_file() {
        println!(
            "SKIPPED: the CALM corpus is not at {} (conformance not measured)",
            corpus.display()
        );
        return;
    }
    let corpus = corpus.canonicalize().unwrap();
    let verdicts: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(corpus.join("verdicts.json")).unwrap())
            .unwrap();
    let listed_text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance-differences.json"),
    )
    .expect("tests/conformance-differences.json");
    let listed: Value =
        serde_json::from_str(&listed_text).expect("conformance-differences.json is JSON");
    let listed: BTreeMap<u64, String> = listed["differences"]
        .as_array()
        .expect("differences array")
        .iter()
        .map(|d| {
            let reason = d["reason"].as_str().unwrap_or("").to_string();
            assert!(reason.len() > 20, "case {}: give a real reason", d["id"]);
            (d["id"].as_u64().expect("id"), reason)
        })
        .collect();

    std::env::set_current_dir(&corpus).unwrap();
    let mut total = 0;
    let mut agreed = 0;
    let mut unlisted = Vec::new();
    let mut stale = Vec::new();
    for case in &verdicts {
        if case["network_dependent"].as_bool() == Some(true) {
            continue;
        }
        total += 1;
        let id = case["id"].as_u64().unwrap();
        let command = case["command"].as_str().unwrap();
        let inv = parse_command(command);
        let theirs_verdict = case["verdict"].as_str().unwrap().to_string();
        let theirs_codes: BTreeSet<String> = case["codes"]
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.rsplit_once(':').map(|x| x.0).unwrap_or(k).to_string())
            .collect();
        let (ours_verdict, ours_codes, _) = std::panic::catch_unwind(|| run_ours(&inv))
            .unwrap_or_else(|_| panic!("case {id} panicked: {command}"));
        let ours_cmp: BTreeSet<String> = if ours_verdict == "fatal-error" {
            BTreeSet::new()
        } else {
            ours_codes.clone()
        };
        let agree = ours_verdict == theirs_verdict && ours_cmp == theirs_codes;
        if agree {
            agreed += 1;
            if listed.contains_key(&id) {
                stale.push(id);
            }
        } else if !listed.contains_key(&id) {
            unlisted.push(format!(
                "case {id}: {command}\n    reference: {theirs_verdict} {theirs_codes:?}\n    ours:      {ours_verdict} {ours_codes:?}"
            ));
        }
    }
    let pct = 100.0 * agreed as f64 / total as f64;
    println!(
        "conformance: {agreed}/{total} non-network cases agree on verdict and code set ({pct:.1}%); {} listed differences",
        total - agreed
    );
    assert!(
        unlisted.is_empty(),
        "{} unlisted disagreements:\n{}",
        unlisted.len(),
        unlisted.join("\n")
    );
    assert!(
        stale.is_empty(),
        "listed as differences but now agreeing (remove them): {stale:?}"
    );
    assert!(pct >= 97.0, "agreement {pct:.1}% is below 97%");
}
