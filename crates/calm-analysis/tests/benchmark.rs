//! The labelled real-world benchmark (method: `tests/benchmark/METHOD.md`): every distinct valid
//! architecture of `../shared/calm-corpus` has an expert label file in `tests/benchmark/labels/`,
//! written from the JSON before looking at the tool. This test reviews each architecture and
//! scores the review against its label: precision of critical/high findings and recall of the
//! issues a competent review must raise. It prints both per file and in total and fails below
//! 90 % / 90 %. Skipped, saying so, when `../shared/calm-corpus` is absent.

use calm_analysis::{Finding, ReviewOptions, Severity, review};
use calm_model::Document;
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const MIN_PRECISION: f64 = 0.90;
const MIN_RECALL: f64 = 0.90;

#[derive(Deserialize)]
struct Label {
    file: String,
    must_find: Vec<MustFind>,
    high_ok: Vec<Entry>,
    #[allow(dead_code)]
    high_wrong: Vec<Entry>,
}

#[derive(Deserialize)]
struct MustFind {
    id: String,
    rules: Vec<String>,
    targets: Vec<String>,
    min_severity: Severity,
}

#[derive(Deserialize)]
struct Entry {
    rules: Vec<String>,
    targets: Vec<String>,
}

/// Every element a finding names: its id's first target, nodes, relationships and flows.
fn subjects(f: &Finding) -> BTreeSet<&str> {
    let mut s: BTreeSet<&str> = f
        .nodes
        .iter()
        .chain(&f.relationships)
        .chain(&f.flows)
        .map(String::as_str)
        .collect();
    if let Some(primary) = f.id.split('@').nth(1) {
        s.insert(primary.split('#').next().unwrap_or(primary));
    }
    s
}

fn matches(f: &Finding, rules: &[String], targets: &[String]) -> bool {
    (rules.iter().any(|r| r == "*" || *r == f.rule))
        && subjects(f).iter().any(|s| targets.iter().any(|t| t == s))
}

fn is_alarm(f: &Finding) -> bool {
    f.severity >= Severity::High
}

struct Score {
    file: String,
    right: usize,
    alarms: usize,
    found: usize,
    must: usize,
    wrong: Vec<String>,
    missed: Vec<String>,
}

fn score(label: &Label, findings: &[Finding]) -> Score {
    let mut s = Score {
        file: label.file.clone(),
        right: 0,
        alarms: 0,
        found: 0,
        must: label.must_find.len(),
        wrong: Vec::new(),
        missed: Vec::new(),
    };
    for f in findings.iter().filter(|f| is_alarm(f)) {
        s.alarms += 1;
        let right = label
            .high_ok
            .iter()
            .any(|e| matches(f, &e.rules, &e.targets))
            || label
                .must_find
                .iter()
                .any(|m| m.min_severity >= Severity::High && matches(f, &m.rules, &m.targets));
        if right {
            s.right += 1;
        } else {
            s.wrong.push(format!("{} {}", f.severity.as_str(), f.id));
        }
    }
    for m in &label.must_find {
        if findings
            .iter()
            .any(|f| f.severity >= m.min_severity && matches(f, &m.rules, &m.targets))
        {
            s.found += 1;
        } else {
            s.missed.push(format!(
                "{} ({} on {}, at least {})",
                m.id,
                m.rules.join("|"),
                m.targets.join("|"),
                m.min_severity.as_str()
            ));
        }
    }
    s
}

fn pct(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

/// Review every labelled architecture of a set, print the per-file table and the total, and
/// return (precision, recall).
fn run_set(name: &str, labels: &Path, architectures: &Path) -> (f64, f64, usize) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(labels)
        .expect("labels directory")
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".label.json"))
        .collect();
    files.sort();
    let opts = ReviewOptions {
        today: Some("2026-12-01".into()),
        ..Default::default()
    };
    let mut scores = Vec::new();
    for lp in &files {
        let text = std::fs::read_to_string(lp).unwrap();
        let label: Label =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", lp.display()));
        let doc = Document::load_path(&architectures.join(&label.file))
            .unwrap_or_else(|e| panic!("{}: {e:?}", label.file));
        let r = review(&doc, &opts);
        scores.push(score(&label, &r.findings));
    }
    println!("== {name}");
    println!("{:>9} {:>9}  file", "precision", "recall");
    let (mut right, mut alarms, mut found, mut must) = (0, 0, 0, 0);
    for s in &scores {
        println!(
            "{:>4}/{:<4} {:>4}/{:<4}  {}",
            s.right, s.alarms, s.found, s.must, s.file
        );
        for w in &s.wrong {
            println!("            wrong alarm: {w}");
        }
        for m in &s.missed {
            println!("            missed: {m}");
        }
        right += s.right;
        alarms += s.alarms;
        found += s.found;
        must += s.must;
    }
    let (p, r) = (pct(right, alarms), pct(found, must));
    println!(
        "TOTAL {name}, {} architectures: precision of critical/high {right}/{alarms} = {:.1} %, recall of must-find issues {found}/{must} = {:.1} %",
        scores.len(),
        p * 100.0,
        r * 100.0
    );
    (p, r, scores.len())
}

fn assert_thresholds(name: &str, (p, r, _): (f64, f64, usize)) {
    assert!(
        p >= MIN_PRECISION && r >= MIN_RECALL,
        "{name}: precision {:.1} % (min {:.0} %), recall {:.1} % (min {:.0} %)",
        p * 100.0,
        MIN_PRECISION * 100.0,
        r * 100.0,
        MIN_RECALL * 100.0
    );
}

#[test]
fn precision_and_recall_on_labelled_corpus() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = here.join("../../../shared/calm-corpus");
    if !corpus.exists() {
        eprintln!(
            "SKIPPED: {} is absent; the benchmark ran on nothing",
            corpus.display()
        );
        return;
    }
    let result = run_set("corpus", &here.join("tests/benchmark/labels"), &corpus);
    assert!(
        result.2 >= 50,
        "expected the whole labelled set, found {}",
        result.2
    );
    assert_thresholds("corpus", result);
}

/// Architectures written for this benchmark in other people's styles (serverless, C4,
/// Kubernetes, agents, legacy dialects…) and labelled blind: the engine is never tuned on them
/// without the corpus agreeing, so they stand in for "models from other sources".
#[test]
fn precision_and_recall_on_holdout_architectures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/benchmark/holdout");
    let result = run_set("holdout", &dir, &dir);
    assert!(
        result.2 >= 10,
        "expected the hold-out set, found {}",
        result.2
    );
    assert_thresholds("holdout", result);
}

#[test]
fn scoring_counts_right_wrong_found_and_missed() {
    let doc = Document::from_str(
        "s.json",
        r#"{"nodes":[
          {"unique-id":"user","node-type":"actor","name":"User","description":"d"},
          {"unique-id":"api","node-type":"service","name":"API","description":"d"},
          {"unique-id":"db","node-type":"database","name":"DB","description":"d"}],
        "relationships":[
          {"unique-id":"u-api","relationship-type":{"interacts":{"actor":"user","nodes":["api"]}}},
          {"unique-id":"api-db","relationship-type":{"connects":{"source":{"node":"api"},"destination":{"node":"db"}}},"protocol":"JDBC"}]}"#,
    )
    .unwrap();
    let r = review(&doc, &ReviewOptions::default());
    let label: Label = serde_json::from_str(
        r#"{"file":"s.json",
            "must_find":[{"id":"m1","rules":["datastore-no-replication"],"targets":["db"],"min_severity":"medium"},
                         {"id":"m2","rules":["secret-in-metadata"],"targets":["api"],"min_severity":"low"}],
            "high_ok":[],"high_wrong":[]}"#,
    )
    .unwrap();
    let s = score(&label, &r.findings);
    assert_eq!(s.must, 2);
    assert_eq!(
        s.found, 1,
        "the unreplicated database is found, the absent secret is not"
    );
    assert_eq!(s.missed.len(), 1);
    assert!(s.missed[0].starts_with("m2"));
    // Nothing is listed as defensible, so every alarm counts as wrong.
    assert_eq!(s.right, 0);
    assert_eq!(s.wrong.len(), s.alarms);
}
