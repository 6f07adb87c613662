//! The analysis thread: takes jobs, waits for a quiet moment (`debounceMs`) so a burst of
//! keystrokes is analysed once, skips versions a newer change made stale, and turns a panic in
//! an analysis into one diagnostic.

use super::analysis::{self, Analysis, Job, RuleDocs};
use crate::engine::LibraryEngine;
use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use lsp_types::{Diagnostic, DiagnosticSeverity, Uri};
use std::collections::{BTreeMap, HashMap};
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub struct Worker {
    jobs: Sender<Job>,
    pub results: Receiver<Analysis>,
    /// The newest version submitted per document; anything older is stale.
    latest: Arc<Mutex<HashMap<Uri, i32>>>,
}

impl Worker {
    pub fn start(engine: Arc<LibraryEngine>) -> Worker {
        let (jobs, job_rx) = crossbeam_channel::unbounded::<Job>();
        let (result_tx, results) = crossbeam_channel::unbounded();
        let latest: Arc<Mutex<HashMap<Uri, i32>>> = Arc::default();
        let seen = latest.clone();
        std::thread::Builder::new()
            .name("calm-advisor-analysis".into())
            .spawn(move || run(job_rx, result_tx, seen, engine))
            .expect("the analysis thread starts");
        Worker {
            jobs,
            results,
            latest,
        }
    }

    pub fn submit(&self, job: Job) {
        self.latest
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(job.uri.clone(), job.version);
        let _ = self.jobs.send(job);
    }

    /// The document was closed (or is no longer CALM): pending runs for it are stale.
    pub fn forget(&self, uri: &Uri) {
        self.latest
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(uri);
    }
}

fn run(
    jobs: Receiver<Job>,
    results: Sender<Analysis>,
    latest: Arc<Mutex<HashMap<Uri, i32>>>,
    engine: Arc<LibraryEngine>,
) {
    let docs = RuleDocs::new();
    let current =
        |j: &Job| latest.lock().unwrap_or_else(|e| e.into_inner()).get(&j.uri) == Some(&j.version);
    while let Ok(first) = jobs.recv() {
        let quiet = Duration::from_millis(first.settings.debounce_ms);
        // Newest job per document; the order of URIs keeps runs deterministic.
        let mut pending: BTreeMap<String, Job> = BTreeMap::new();
        pending.insert(first.uri.as_str().to_string(), first);
        loop {
            match jobs.recv_timeout(quiet) {
                Ok(j) => {
                    pending.insert(j.uri.as_str().to_string(), j);
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        for job in pending.into_values() {
            if !current(&job) {
                continue;
            }
            let a = std::panic::catch_unwind(AssertUnwindSafe(|| {
                analysis::analyse(&job, &engine, &docs)
            }))
            .unwrap_or_else(|panic| crashed(&job, panic));
            if !current(&job) {
                continue;
            }
            if results.send(a).is_err() {
                return;
            }
        }
    }
}

/// A panic during an analysis: one diagnostic says so; the next edit analyses again.
fn crashed(job: &Job, panic: Box<dyn std::any::Any + Send>) -> Analysis {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown cause".into());
    let lines = super::text::LineIndex::new(&job.text, job.encoding);
    Analysis {
        uri: job.uri.clone(),
        version: job.version,
        text: job.text.clone(),
        lines,
        doc: None,
        diagnostics: vec![Diagnostic {
            range: Default::default(),
            severity: Some(DiagnosticSeverity::ERROR),
            source: Some(analysis::SOURCE_VALIDATE.into()),
            message: format!(
                "calm-advisor could not analyse this version (internal error: {what}); please report it. The next edit is analysed again."
            ),
            ..Default::default()
        }],
        review: None,
        findings: Vec::new(),
        index: Default::default(),
    }
}
