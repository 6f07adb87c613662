//! Differential conformance against the reference CLI (`calm validate`, @finos/calm-cli 1.56).
//!
//! Every case of `../shared/calm-corpus/verdicts.json` that is not `network_dependent` is run
//! through our engine with the corpus folder as the working directory (as the reference was
//! run). Verdict (valid / invalid / fatal; the reference's fatal-error maps to our typed
//! [`FatalError`]) and the set of output codes must agree. Every disagreement must be listed,
//! with its reason, in `tests/conformance-differences.json`; an unlisted disagreement, or a
//! listed case that now agrees, fails the test. The agreement figure is printed.

use calm_validate::{Config, Outcome, Validator};
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
fn run_ours(inv: &Invocation, compat: bool) -> (String, BTreeSet<String>, Option<Outcome>) {
    let engine = Validator::new(Config {
        url_mapping: inv.url_mapping.as_ref().map(PathBuf::from),
        reference_compat: compat,
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

struct Listed {
    /// The case also disagrees in reference-compatibility mode (a reference bug or an
    /// unreproducible environment), not only by one of our deliberate differences.
    in_compat_mode: bool,
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
    let listed: BTreeMap<u64, Listed> = listed["differences"]
        .as_array()
        .expect("differences array")
        .iter()
        .map(|d| {
            let reason = d["reason"].as_str().unwrap_or("");
            assert!(reason.len() > 20, "case {}: give a real reason", d["id"]);
            let in_compat_mode = d["also_in_compat_mode"].as_bool().unwrap_or(false);
            (d["id"].as_u64().expect("id"), Listed { in_compat_mode })
        })
        .collect();

    std::env::set_current_dir(&corpus).unwrap();
    let debug_case = std::env::var("CONFORMANCE_CASE")
        .ok()
        .and_then(|v| v.parse::<u64>().ok());
    let mut total = 0;
    let (mut agreed, mut agreed_compat) = (0, 0);
    let mut problems = Vec::new();
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
        let mut agree = [false; 2];
        for (m, compat) in [false, true].into_iter().enumerate() {
            let (ours_verdict, ours_codes, outcome) =
                std::panic::catch_unwind(|| run_ours(&inv, compat))
                    .unwrap_or_else(|_| panic!("case {id} panicked: {command}"));
            let ours_cmp: BTreeSet<String> = if ours_verdict == "fatal-error" {
                BTreeSet::new()
            } else {
                ours_codes.clone()
            };
            agree[m] = ours_verdict == theirs_verdict && ours_cmp == theirs_codes;
            // CONFORMANCE_CASE=<id> prints our report for one case (debugging aid).
            if debug_case == Some(id) {
                println!(
                    "DEBUG case {id} (compat: {compat}): {command}\nreference: {:#}",
                    case["messages"]
                );
                match &outcome {
                    Some(o) => println!("ours:\n{}", calm_validate::output::json::render(o)),
                    None => println!("ours: {ours_codes:?}"),
                }
            }
            let mode = if compat { "compat" } else { "default" };
            if !agree[m] {
                let ok = match listed.get(&id) {
                    None => false,
                    Some(l) => !compat || l.in_compat_mode,
                };
                if !ok {
                    problems.push(format!(
                        "case {id} ({mode} mode) disagrees and is not listed: {command}\n    reference: {theirs_verdict} {theirs_codes:?}\n    ours:      {ours_verdict} {ours_codes:?}"
                    ));
                }
            }
        }
        agreed += usize::from(agree[0]);
        agreed_compat += usize::from(agree[1]);
        match listed.get(&id) {
            Some(_) if agree[0] && agree[1] => {
                problems.push(format!("case {id} agrees now: remove it from the list"))
            }
            Some(l) if l.in_compat_mode && agree[1] => problems.push(format!(
                "case {id} agrees in compat mode now: set also_in_compat_mode to false"
            )),
            _ => {}
        }
    }
    let pct = |n: usize| 100.0 * n as f64 / total as f64;
    println!(
        "conformance (reference-compatibility mode): {agreed_compat}/{total} non-network cases agree on verdict and code set ({:.1}%)",
        pct(agreed_compat)
    );
    println!(
        "conformance (default mode, with our deliberate differences): {agreed}/{total} agree ({:.1}%); every difference is listed in tests/conformance-differences.json",
        pct(agreed)
    );
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(
        pct(agreed_compat) >= 97.0,
        "agreement {:.1}% is below 97%",
        pct(agreed_compat)
    );
}
