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
    let options = analysis::OptionsCache::default();
    let current =
        |j: &Job| latest.lock().unwrap_or_else(|e| e.into_inner()).get(&j.uri) == Some(&j.version);
    // Memory the main thread frees (published diagnostics, replaced analyses) returns to this
    // thread's heap lazily; collecting when idle hands it back to the system.
    let mut dirty = false;
    loop {
        let first = match jobs.recv_timeout(Duration::from_millis(250)) {
            Ok(j) => j,
            Err(RecvTimeoutError::Timeout) => {
                if dirty {
                    release_memory();
                    dirty = false;
                }
                continue;
            }
            Err(RecvTimeoutError::Disconnected) => return,
        };
        dirty = true;
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
                analysis::analyse(&job, &engine, &docs, &options)
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

/// Give the memory an analysis freed back to the system: the allocator keeps freed pages for
/// reuse, and an editor's server lives for hours with the peak of its largest analysis
/// otherwise (about 200 MB more on a 10,000-node model).
pub fn release_memory() {
    // SAFETY: mi_collect only walks mimalloc's own heaps; it is safe to call at any time from
    // any thread (it is the global allocator of this binary, see main.rs).
    unsafe { libmimalloc_sys::mi_collect(true) };
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
        findings: Vec::new(),
        validation: Vec::new(),
        settings: job.settings.clone(),
        roots: job.roots.clone(),
        index: Default::default(),
    }
}
