//! One conversation about one architecture: the document's states (with undo/redo), the change
//! waiting for confirmation, the question waiting for an answer, and the replies.

use super::intent::{self, CAPABILITIES, Change, Intent, Parsed};
use super::llm::LlmClient;
use super::slots::Vocabulary;
use crate::engine::{Engine, EngineError, VerifiedChange, unified_diff};
use calm_model::Document;
use std::path::{Path, PathBuf};

/// A change shown to the user and not applied yet.
#[derive(Debug, Clone)]
struct Pending {
    plan: VerifiedChange,
    what: String,
}

/// The answer to one request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reply {
    pub text: String,
    /// The user asked to end the session.
    pub quit: bool,
}

impl Reply {
    fn say(text: impl Into<String>) -> Reply {
        Reply {
            text: text.into(),
            quit: false,
        }
    }
}

pub struct Session<'e> {
    path: PathBuf,
    display_name: String,
    engine: &'e dyn Engine,
    /// Document texts; `states[0]` is the file as loaded.
    states: Vec<String>,
    /// Index of the current state in `states` (states after it can be redone).
    cursor: usize,
    /// The state last written to disk.
    saved: usize,
    pending: Option<Pending>,
    /// A request waiting for the answer to a clarifying question.
    clarifying: Option<String>,
    yes: bool,
    llm: Option<LlmClient>,
    /// Category filter of the last assessment (concern numbers refer to it).
    last_categories: Vec<String>,
}

impl<'e> Session<'e> {
    pub fn new(
        path: &Path,
        text: String,
        engine: &'e dyn Engine,
        yes: bool,
        llm: Option<LlmClient>,
    ) -> Session<'e> {
        let display_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        Session {
            path: path.to_path_buf(),
            display_name,
            engine,
            states: vec![text],
            cursor: 0,
            saved: 0,
            pending: None,
            clarifying: None,
            yes,
            llm,
            last_categories: Vec::new(),
        }
    }

    pub fn current_text(&self) -> &str {
        &self.states[self.cursor]
    }

    pub fn has_unsaved_changes(&self) -> bool {
        self.cursor != self.saved
    }

    fn doc(&self) -> Result<Document, String> {
        Document::from_str(&self.display_name, self.current_text()).map_err(|e| e.to_string())
    }

    /// Handle one request and return the reply.
    pub fn handle(&mut self, request: &str) -> Reply {
        let doc = match self.doc() {
            Ok(d) => d,
            Err(e) => return Reply::say(format!("The current document cannot be read: {e}")),
        };
        let vocab = Vocabulary::of(&doc);
        let mut parsed = intent::parse(request, &vocab);

        // An answer to a clarifying question ("bookings-db") completes the earlier request; a
        // request that makes sense on its own replaces it.
        if let Some(original) = self.clarifying.take()
            && parsed == Parsed::NotUnderstood
        {
            let combined = format!("{request}\n{original}");
            let before = intent::parse(&original, &vocab);
            match intent::parse(&combined, &vocab) {
                Parsed::Understood(i) => parsed = Parsed::Understood(i),
                // Still the same question: the answer did not help; treat it on its own.
                q @ Parsed::Clarify(_) if q != before => {
                    self.clarifying = Some(combined);
                    if let Parsed::Clarify(text) = q {
                        return Reply::say(text);
                    }
                }
                _ => {}
            }
        }

        // A pending change is answered by yes/no; anything else leaves it unapplied.
        let mut preface = String::new();
        if let Some(p) = self.pending.take() {
            match &parsed {
                Parsed::Understood(Intent::Confirm(true)) => return self.apply(p.plan, &p.what),
                Parsed::Understood(Intent::Confirm(false)) => {
                    return Reply::say(format!(
                        "Discarded: {}. The document is unchanged.",
                        p.what
                    ));
                }
                _ => preface = format!("(The proposed change was not applied: {}.)\n", p.what),
            }
        }

        let reply = match parsed {
            Parsed::Understood(intent) => self.execute(intent, &doc),
            Parsed::Clarify(q) => {
                self.clarifying = Some(request.to_string());
                Reply::say(q)
            }
            Parsed::NotUnderstood => self.not_understood(request, &doc),
        };
        Reply {
            text: format!("{preface}{}", reply.text),
            quit: reply.quit,
        }
    }

    fn not_understood(&mut self, request: &str, doc: &Document) -> Reply {
        if let Some(llm) = self.llm.take() {
            let r = llm.handle(request, doc, self.engine);
            self.llm = Some(llm);
            return match r {
                Ok(answer) => {
                    let mut text = format!(
                        "(answered by the language model; its tool calls ran through calm-advisor)\n{}",
                        answer.text
                    );
                    if let Some(changes) = answer.proposed {
                        let r = self.propose(&changes, doc);
                        text = format!("{text}\n{}", r.text);
                    }
                    Reply::say(text)
                }
                Err(e) => Reply::say(format!(
                    "I did not understand that, and the language model could not help: {e}\n{CAPABILITIES}"
                )),
            };
        }
        Reply::say(format!(
            "I did not understand that request, so I have not done anything.\n{CAPABILITIES}"
        ))
    }

    fn execute(&mut self, intent: Intent, doc: &Document) -> Reply {
        match intent {
            Intent::Help => Reply::say(CAPABILITIES),
            Intent::Quit => {
                let note = if self.has_unsaved_changes() {
                    " There are unsaved changes (not written)."
                } else {
                    ""
                };
                Reply {
                    text: format!("Bye.{note}"),
                    quit: true,
                }
            }
            Intent::Confirm(_) => Reply::say("There is no change waiting for confirmation."),
            Intent::Assess { categories, top } => {
                self.last_categories = categories.clone();
                let scope = if categories.is_empty() {
                    "all categories".to_string()
                } else {
                    categories.join(", ")
                };
                let mut cmd = format!("calm-advisor review {}", self.display_name);
                if !categories.is_empty() {
                    cmd += &format!(" --category {}", categories.join(","));
                }
                if let Some(n) = top {
                    cmd += &format!(" --top {n}");
                }
                let heading = match top {
                    Some(n) => format!("Top {n} concerns ({scope}), as `{cmd}` reports them:"),
                    None => format!("Concerns ({scope}), as `{cmd}` reports them:"),
                };
                match self.engine.review(doc, &categories, top) {
                    Ok(a) => Reply::say(format!("{heading}\n{}", a.text.trim_end())),
                    Err(e) => self.cannot(&heading, "assess the architecture", e),
                }
            }
            Intent::Explain { target } => {
                let heading = match target.strip_prefix("recipe:") {
                    Some(r) => {
                        format!("Why the review recommends `{r}` (the findings whose fix it is):")
                    }
                    None => format!(
                        "Why `{target}` is a concern (as `calm-advisor explain {} {target}`):",
                        self.display_name
                    ),
                };
                match self.engine.explain(doc, &target) {
                    Ok(t) => Reply::say(format!("{heading}\n{}", t.trim_end())),
                    Err(e) => self.cannot(&heading, &format!("explain `{target}`"), e),
                }
            }
            Intent::Simulate { fail } => {
                let heading = format!(
                    "If {} fail{} (as `calm-advisor simulate {} --fail {}`):",
                    fail.join(" and "),
                    if fail.len() == 1 { "s" } else { "" },
                    self.display_name,
                    fail.join(",")
                );
                match self.engine.simulate(doc, &fail) {
                    Ok(t) => Reply::say(format!("{heading}\n{}", t.trim_end())),
                    Err(e) => self.cannot(&heading, "simulate the failure", e),
                }
            }
            Intent::Change(mut changes) => {
                // "concern #2" means #2 of the last assessment, with its category filter.
                for c in &mut changes {
                    if let Change::ApplyFinding { selector } = c
                        && selector.starts_with("concern:")
                        && !self.last_categories.is_empty()
                    {
                        *selector = format!("{selector}:{}", self.last_categories.join(","));
                    }
                }
                self.propose(&changes, doc)
            }
            Intent::OpsMetadata(req) => match crate::engine::ops_metadata::plan(doc, &req) {
                Ok(p) => {
                    let notes = if p.notes.is_empty() {
                        String::new()
                    } else {
                        format!(
                            "\nValues the model does not state, derived or conventional (check them):\n{}",
                            p.notes
                                .iter()
                                .map(|n| format!("  - {n}"))
                                .collect::<Vec<_>>()
                                .join("\n")
                        )
                    };
                    if p.changes.is_empty() {
                        return Reply::say(format!("There is nothing to add.{notes}"));
                    }
                    let r = self.propose(&p.changes, doc);
                    Reply::say(format!("{}{notes}", r.text))
                }
                Err(e) => Reply::say(format!(
                    "I cannot add that metadata: {e}. Nothing was changed."
                )),
            },
            Intent::Triage { query, questions } => {
                let mut cmd = format!("calm-advisor triage {}", self.display_name);
                if !query.failing.is_empty() {
                    cmd += &format!(" --failing {}", query.failing.join(","));
                }
                if !query.slow.is_empty() {
                    cmd += &format!(" --slow {}", query.slow.join(","));
                }
                for f in &query.flows {
                    cmd += &format!(" --flow {f}");
                }
                if query.symptom.is_some() {
                    cmd += " --symptom \"…\"";
                }
                match self.engine.triage(doc, &query) {
                    Ok(t) => Reply::say(
                        super::triage_answer::answer(&t, &questions, &cmd)
                            .trim_end()
                            .to_string(),
                    ),
                    Err(e) => self.cannot("Triage:", "triage the outage", e),
                }
            }
            Intent::Validate => {
                let heading = format!(
                    "Validating the current document (as `calm-advisor validate -a {}`):",
                    self.display_name
                );
                match self.engine.validate(doc) {
                    Ok(v) => Reply::say(format!("{heading}\n{}", v.text.trim_end())),
                    Err(e) => self.cannot(&heading, "validate", e),
                }
            }
            Intent::Render { format, output } => self.render(doc, &format, output),
            Intent::Diff => {
                if self.cursor == 0 {
                    return Reply::say("No changes since the start of the session.");
                }
                let before = match Document::from_str(&self.display_name, &self.states[0]) {
                    Ok(d) => d,
                    Err(e) => {
                        return Reply::say(format!("The original document cannot be read: {e}"));
                    }
                };
                match self.engine.diff(&before, doc) {
                    Ok(t) => Reply::say(format!("Changes since the start:\n{}", t.trim_end())),
                    Err(e) => Reply::say(format!(
                        "(A structural diff is not available: {e}.) Text diff since the start:\n{}",
                        unified_diff(&self.states[0], self.current_text(), &self.display_name)
                            .trim_end()
                    )),
                }
            }
            Intent::Undo => {
                if self.cursor == 0 {
                    Reply::say("Nothing to undo.")
                } else {
                    self.cursor -= 1;
                    Reply::say(format!(
                        "Undone. {} change(s) since the start remain; say \"redo\" to restore.",
                        self.cursor
                    ))
                }
            }
            Intent::Redo => {
                if self.cursor + 1 >= self.states.len() {
                    Reply::say("Nothing to redo.")
                } else {
                    self.cursor += 1;
                    Reply::say(format!(
                        "Redone. {} change(s) since the start.",
                        self.cursor
                    ))
                }
            }
            Intent::Save { path } => self.save(path),
        }
    }

    fn cannot(&self, heading: &str, what: &str, e: EngineError) -> Reply {
        let why = match e {
            EngineError::Failed(m) => format!("I could not {what}: {m}"),
            EngineError::Refused { reasons, .. } => {
                format!(
                    "I could not {what}: the result would not validate ({}).",
                    reasons.join("; ")
                )
            }
        };
        if heading.is_empty() {
            Reply::say(why)
        } else {
            Reply::say(format!("{heading}\n{why}"))
        }
    }

    /// Plan the changes, show diff and summary, then apply (with --yes) or wait for "yes".
    fn propose(&mut self, changes: &[Change], doc: &Document) -> Reply {
        let what = changes
            .iter()
            .map(Change::describe)
            .collect::<Vec<_>>()
            .join("; ");
        let mut head = String::from("Understood:");
        for c in changes {
            head += &format!("\n  - {}", c.describe());
            let steps: Vec<Vec<String>> = c.recipes().iter().map(|r| r.to_words()).collect();
            if steps.is_empty() {
                head += match c {
                    Change::ApplyFinding { .. } => {
                        "\n    (the recipe comes from the review finding; see the summary)"
                    }
                    _ => "\n    (no fix recipe: set with calm-refactor's metadata operation)",
                };
            }
            for st in steps {
                head += &format!(
                    "\n    (calm-advisor fix {} {})",
                    self.display_name,
                    shell_words(&st)
                );
            }
        }
        match self.engine.plan(doc, changes) {
            Ok(plan) => {
                let mut text = head;
                if !plan.summary.is_empty() {
                    text += "\nSummary:";
                    for s in &plan.summary {
                        text += &format!("\n  - {s}");
                    }
                }
                for f in &plan.findings_resolved {
                    text += &format!("\n  resolves: {f}");
                }
                for f in &plan.findings_introduced {
                    text += &format!("\n  introduces: {f}");
                }
                text += &format!("\n{}", plan.diff.trim_end());
                if self.yes {
                    let applied = self.apply(plan, &what);
                    return Reply::say(format!("{text}\n{}", applied.text));
                }
                self.pending = Some(Pending { plan, what });
                Reply::say(format!("{text}\nApply this change? (yes/no)"))
            }
            Err(EngineError::Refused { reasons, diff }) => {
                let mut text = format!(
                    "{head}\nRefused: the result would not validate, so nothing was changed:"
                );
                for r in &reasons {
                    text += &format!("\n  - {r}");
                }
                if !diff.is_empty() {
                    text += &format!("\nThe change that was refused:\n{}", diff.trim_end());
                }
                Reply::say(text)
            }
            Err(EngineError::Failed(m)) => Reply::say(format!(
                "{head}\nI could not make this change: {m}\nNothing was changed."
            )),
        }
    }

    fn apply(&mut self, plan: VerifiedChange, what: &str) -> Reply {
        self.states.truncate(self.cursor + 1);
        if self.saved > self.cursor {
            // The saved state was undone and is now replaced: nothing in memory matches the file.
            self.saved = usize::MAX;
        }
        self.states.push(plan.new_text);
        self.cursor += 1;
        Reply::say(format!(
            "Applied: {what}. (Not written yet: say \"save\" to write {}.)",
            self.display_name
        ))
    }

    fn save(&mut self, path: Option<String>) -> Reply {
        let target = match &path {
            Some(p) => {
                let p = PathBuf::from(p);
                if p.is_absolute() {
                    p
                } else {
                    self.path.parent().map(|d| d.join(&p)).unwrap_or(p)
                }
            }
            None => self.path.clone(),
        };
        if path.is_none() && !self.has_unsaved_changes() {
            return Reply::say(format!(
                "No unsaved changes; {} is left as it is.",
                self.path.display()
            ));
        }
        // Never write a document that does not validate (it cannot get here through a change,
        // but the check is cheap and the file is the user's).
        if let Ok(doc) = self.doc() {
            match self.engine.validate(&doc) {
                Ok(v) if !v.valid => {
                    return Reply::say(format!(
                        "Not saved: the document does not validate ({} error(s)).",
                        v.errors
                    ));
                }
                Err(e) if self.cursor != 0 => {
                    return Reply::say(format!("Not saved: the result cannot be validated ({e})."));
                }
                _ => {}
            }
        }
        match crate::common::write_atomic(&target, self.current_text().as_bytes()) {
            Ok(()) => {
                if path.is_none() {
                    self.saved = self.cursor;
                }
                Reply::say(format!(
                    "Saved {} ({} change(s) since the start).",
                    target.display(),
                    self.cursor
                ))
            }
            Err(e) => Reply::say(format!("Not saved: {}", e.message)),
        }
    }

    fn render(&mut self, doc: &Document, format: &str, output: Option<String>) -> Reply {
        let out = match output {
            Some(o) => {
                let p = PathBuf::from(&o);
                if p.is_absolute() {
                    p
                } else {
                    self.path.parent().map(|d| d.join(&p)).unwrap_or(p)
                }
            }
            None => {
                let stem = self
                    .path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "architecture".into());
                self.path.with_file_name(format!("{stem}.{format}"))
            }
        };
        match self.engine.render(doc, format) {
            Ok(bytes) => match crate::common::write_atomic(&out, &bytes) {
                Ok(()) => Reply::say(format!(
                    "Wrote the diagram to {} (open it to see the architecture).",
                    out.display()
                )),
                Err(e) => Reply::say(format!("Could not write the diagram: {}", e.message)),
            },
            Err(e) => self.cannot(
                &format!(
                    "Drawing the diagram as {format} (as `calm-advisor render {} -o {}`):",
                    self.display_name,
                    out.display()
                ),
                "draw the diagram",
                e,
            ),
        }
    }
}

/// Words joined for display, quoting the ones a shell would split.
pub fn shell_words(words: &[String]) -> String {
    // One quoting for every command line we print (an allow-list: `[ ] { } ~ # !` are quoted too).
    words
        .iter()
        .map(|w| calm_analysis::finding_builder::shell_word(w))
        .collect::<Vec<_>>()
        .join(" ")
}
