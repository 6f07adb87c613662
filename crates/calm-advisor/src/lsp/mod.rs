//! `calm-advisor lsp`: a Language Server for CALM architectures over stdio.
//!
//! - Transport: `lsp-server` (rust-analyzer's), synchronous. The main thread reads messages and
//!   answers requests from the latest analysis; one analysis thread (`worker.rs`) validates and
//!   reviews buffers, coalescing changes (debounce) and dropping runs a newer version made stale.
//! - Every answer comes from the same service layer as `fix`, chat and MCP
//!   ([`crate::engine::LibraryEngine`]): validation, review, planning and verification of edits.
//! - A panic in an analysis becomes one diagnostic; a panic in a request becomes an error
//!   response. The server keeps running.
//!
//! Files: `text.rs` (positions, edits), `settings.rs`, `analysis.rs` (diagnostics),
//! `navigation.rs` (definitions, references, links), `completion.rs`, `hover.rs`,
//! `actions.rs` (quick fixes, suppress, explain, rename), `worker.rs`.

mod actions;
mod analysis;
mod completion;
mod hover;
mod navigation;
mod settings;
mod text;
mod worker;

use crate::engine::LibraryEngine;
use analysis::Analysis;
use crossbeam_channel::select;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use serde_json::Value;
use settings::Settings;
use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::Arc;
use text::{Encoding, LineIndex};

/// An open buffer.
struct OpenDoc {
    version: i32,
    text: String,
    path: Option<PathBuf>,
    /// Whether it is a CALM architecture (decided on every change: `$schema` can be typed).
    calm: bool,
    /// The analysis of the latest version analysed, and of the latest version that parsed.
    latest: Option<Arc<Analysis>>,
    parsed: Option<Arc<Analysis>>,
}

pub struct Server {
    sender: crossbeam_channel::Sender<Message>,
    encoding: Encoding,
    settings: Arc<Settings>,
    roots: Arc<Vec<PathBuf>>,
    docs: HashMap<lsp::Uri, OpenDoc>,
    engine: Arc<LibraryEngine>,
    worker: worker::Worker,
    next_request: i32,
}

type Answer = Result<Value, (ErrorCode, String)>;

fn failed(message: impl Into<String>) -> (ErrorCode, String) {
    (ErrorCode::RequestFailed, message.into())
}

/// Run the server on stdin/stdout until the client shuts it down.
pub fn run() -> Result<(), String> {
    let (connection, io) = Connection::stdio();
    let served = serve(&connection);
    drop(connection);
    match served {
        Ok(()) => io.join().map_err(|e| e.to_string()),
        // The transport stopped: its reader says why (not LSP framing, stdin closed).
        Err(e) if e.contains("disconnected") => Err(match io.join() {
            Err(read) => format!(
                "lsp: stdin does not carry Language Server Protocol messages ({read}); an editor starts `calm-advisor lsp`, see docs/editors.md"
            ),
            Ok(()) => "lsp: stdin closed before the client initialized the server".to_string(),
        }),
        Err(e) => Err(format!("lsp: {e}")),
    }
}

pub fn serve(connection: &Connection) -> Result<(), String> {
    let (id, params) = connection.initialize_start().map_err(|e| e.to_string())?;
    let init: lsp::InitializeParams =
        serde_json::from_value(params).map_err(|e| format!("bad initialize request: {e}"))?;
    let encoding = Encoding::negotiate(
        init.capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_deref()),
    );
    let result = lsp::InitializeResult {
        capabilities: capabilities(encoding),
        server_info: Some(lsp::ServerInfo {
            name: "calm-advisor".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    };
    connection
        .initialize_finish(id, serde_json::to_value(result).unwrap_or_default())
        .map_err(|e| e.to_string())?;
    let (settings, problems) = Settings::from_init(init.initialization_options.as_ref());
    let mut roots: Vec<PathBuf> = init
        .workspace_folders
        .iter()
        .flatten()
        .filter_map(|f| uri_path(&f.uri))
        .collect();
    #[allow(deprecated)] // root_uri: clients without workspace folders still send it
    if roots.is_empty()
        && let Some(p) = init.root_uri.as_ref().and_then(uri_path)
    {
        roots.push(p);
    }
    let roots: Vec<PathBuf> = roots
        .into_iter()
        .map(|r| std::fs::canonicalize(&r).unwrap_or(r))
        .collect();
    let engine = Arc::new(LibraryEngine::new());
    let mut server = Server {
        sender: connection.sender.clone(),
        encoding,
        settings: Arc::new(settings),
        roots: Arc::new(roots),
        docs: HashMap::new(),
        worker: worker::Worker::start(engine.clone()),
        engine,
        next_request: 0,
    };
    server.confine_reads();
    for p in problems {
        server.log(
            lsp::MessageType::WARNING,
            &format!("calmAdvisor settings: {p}"),
        );
    }
    server.main_loop(connection)
}

fn capabilities(encoding: Encoding) -> lsp::ServerCapabilities {
    use lsp::*;
    ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                ..Default::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..Default::default()
        })),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![actions::EXPLAIN.into(), actions::SUPPRESS.into()],
            ..Default::default()
        }),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        document_symbol_provider: Some(OneOf::Left(true)),
        document_link_provider: Some(DocumentLinkOptions {
            resolve_provider: Some(false),
            work_done_progress_options: Default::default(),
        }),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["\"".into(), ":".into()]),
            ..Default::default()
        }),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        ..Default::default()
    }
}

/// The file path of a `file:` URI.
pub fn uri_path(uri: &lsp::Uri) -> Option<PathBuf> {
    let u = url::Url::parse(uri.as_str()).ok()?;
    if u.scheme() != "file" {
        return None;
    }
    u.to_file_path().ok()
}

#[cfg(test)]
pub fn path_uri(p: &std::path::Path) -> Option<lsp::Uri> {
    url::Url::from_file_path(p).ok()?.as_str().parse().ok()
}

impl Server {
    fn main_loop(&mut self, connection: &Connection) -> Result<(), String> {
        // Published messages are freed by the transport's writer thread; their memory returns
        // to this thread's heap lazily, so it is handed back to the system when idle.
        let mut dirty = false;
        loop {
            select! {
                recv(connection.receiver) -> msg => {
                    let Ok(msg) = msg else { return Ok(()) };
                    match msg {
                        Message::Request(req) => {
                            match connection.handle_shutdown(&req) {
                                Ok(true) => return Ok(()),
                                Ok(false) => {}
                                Err(e) => return Err(e.to_string()),
                            }
                            self.on_request(req);
                        }
                        Message::Notification(n) => {
                            if n.method == "exit" {
                                return Ok(());
                            }
                            self.on_notification(n);
                        }
                        // Answers to our workspace/applyEdit requests: nothing to do.
                        Message::Response(_) => {}
                    }
                }
                recv(self.worker.results) -> res => {
                    if let Ok(a) = res {
                        self.on_analysis(a);
                        dirty = true;
                    }
                }
                default(std::time::Duration::from_millis(250)) => {
                    if dirty {
                        worker::release_memory();
                        dirty = false;
                    }
                }
            }
        }
    }

    fn send(&self, m: Message) {
        let _ = self.sender.send(m);
    }

    fn notify(&self, method: &str, params: impl serde::Serialize) {
        self.send(Message::Notification(Notification::new(
            method.into(),
            params,
        )));
    }

    fn log(&self, typ: lsp::MessageType, message: &str) {
        self.notify(
            "window/logMessage",
            lsp::LogMessageParams {
                typ,
                message: message.into(),
            },
        );
    }

    fn request_client(&mut self, method: &str, params: impl serde::Serialize) {
        self.next_request += 1;
        let id = RequestId::from(format!("calm-advisor-{}", self.next_request));
        self.send(Message::Request(Request::new(id, method.into(), params)));
    }

    /// Reads a document's references make (detailed architectures, control requirements) stay
    /// inside the workspace folders and the folders of the open files.
    fn confine_reads(&self) {
        let mut roots: Vec<PathBuf> = self.roots.to_vec();
        for d in self.docs.values() {
            if let Some(dir) = d.path.as_ref().and_then(|p| p.parent()) {
                roots.push(dir.to_path_buf());
            }
        }
        calm_validate::resolve::set_read_roots(Some(roots));
    }

    // ---- notifications --------------------------------------------------------------------

    fn on_notification(&mut self, n: Notification) {
        let r = std::panic::catch_unwind(AssertUnwindSafe(|| match n.method.as_str() {
            "textDocument/didOpen" => {
                if let Ok(p) = serde_json::from_value::<lsp::DidOpenTextDocumentParams>(n.params) {
                    let d = p.text_document;
                    let path = uri_path(&d.uri);
                    self.docs.insert(
                        d.uri.clone(),
                        OpenDoc {
                            version: d.version,
                            text: d.text,
                            path,
                            calm: false,
                            latest: None,
                            parsed: None,
                        },
                    );
                    self.confine_reads();
                    self.schedule(&d.uri);
                }
            }
            "textDocument/didChange" => {
                if let Ok(p) = serde_json::from_value::<lsp::DidChangeTextDocumentParams>(n.params)
                {
                    let uri = p.text_document.uri;
                    if let Some(doc) = self.docs.get_mut(&uri) {
                        for c in p.content_changes {
                            text::apply_change(&mut doc.text, self.encoding, c.range, &c.text);
                        }
                        doc.version = p.text_document.version;
                        self.schedule(&uri);
                    }
                }
            }
            "textDocument/didClose" => {
                if let Ok(p) = serde_json::from_value::<lsp::DidCloseTextDocumentParams>(n.params) {
                    let uri = p.text_document.uri;
                    if self.docs.remove(&uri).is_some() {
                        self.worker.forget(&uri);
                        self.publish(&uri, &[], None);
                    }
                }
            }
            "workspace/didChangeConfiguration" => {
                if let Some(settings) = n.params.get("settings") {
                    let mut s = (*self.settings).clone();
                    for p in s.update(settings) {
                        self.log(
                            lsp::MessageType::WARNING,
                            &format!("calmAdvisor settings: {p}"),
                        );
                    }
                    self.settings = Arc::new(s);
                    let uris: Vec<lsp::Uri> = self.docs.keys().cloned().collect();
                    for u in uris {
                        self.schedule(&u);
                    }
                }
            }
            _ => {}
        }));
        if r.is_err() {
            self.log(
                lsp::MessageType::ERROR,
                "calm-advisor: internal error while handling a notification (see the server's stderr)",
            );
        }
    }

    /// Queue an analysis of the buffer's current version (or clear it if it is not CALM).
    fn schedule(&mut self, uri: &lsp::Uri) {
        let Some(doc) = self.docs.get_mut(uri) else {
            return;
        };
        let was_calm = doc.calm;
        doc.calm = self
            .settings
            .is_calm(&doc.text, doc.path.as_deref(), &self.roots);
        if !doc.calm {
            doc.latest = None;
            doc.parsed = None;
            self.worker.forget(uri);
            if was_calm {
                self.publish(uri, &[], None);
            }
            return;
        }
        self.worker.submit(analysis::Job {
            uri: uri.clone(),
            version: doc.version,
            text: Arc::from(doc.text.as_str()),
            path: doc.path.clone(),
            settings: self.settings.clone(),
            roots: self.roots.clone(),
            encoding: self.encoding,
        });
    }

    fn on_analysis(&mut self, mut a: Analysis) {
        let Some(doc) = self.docs.get_mut(&a.uri) else {
            return;
        };
        // A result for an older version is stale: a newer run is queued.
        if a.version != doc.version || !doc.calm {
            return;
        }
        let diagnostics = std::mem::take(&mut a.diagnostics);
        let a = Arc::new(a);
        doc.latest = Some(a.clone());
        if a.doc.is_some() {
            doc.parsed = Some(a.clone());
        }
        self.publish(&a.uri, &diagnostics, Some(a.version));
        drop(diagnostics);
    }

    fn publish(&self, uri: &lsp::Uri, diagnostics: &[lsp::Diagnostic], version: Option<i32>) {
        // Borrowed: a 10,000-node model has tens of thousands of diagnostics.
        #[derive(serde::Serialize)]
        struct Publish<'a> {
            uri: &'a lsp::Uri,
            diagnostics: &'a [lsp::Diagnostic],
            #[serde(skip_serializing_if = "Option::is_none")]
            version: Option<i32>,
        }
        self.notify(
            "textDocument/publishDiagnostics",
            Publish {
                uri,
                diagnostics,
                version,
            },
        );
    }

    // ---- requests ---------------------------------------------------------------------------

    fn on_request(&mut self, req: Request) {
        let id = req.id.clone();
        let method = req.method.clone();
        let answer = std::panic::catch_unwind(AssertUnwindSafe(|| self.answer(req)))
            .unwrap_or_else(|_| {
                Err((
                    ErrorCode::InternalError,
                    format!("calm-advisor: internal error while answering {method}"),
                ))
            });
        let response = match answer {
            Ok(v) => Response::new_ok(id, v),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        };
        self.send(Message::Response(response));
    }

    fn answer(&mut self, req: Request) -> Answer {
        fn params<P: serde::de::DeserializeOwned>(v: Value) -> Result<P, (ErrorCode, String)> {
            serde_json::from_value(v).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
        }
        let json = |v: Result<Value, serde_json::Error>| v.unwrap_or(Value::Null);
        match req.method.as_str() {
            "textDocument/codeAction" => {
                let p: lsp::CodeActionParams = params(req.params)?;
                Ok(json(serde_json::to_value(actions::code_actions(self, &p))))
            }
            "workspace/executeCommand" => {
                let p: lsp::ExecuteCommandParams = params(req.params)?;
                actions::execute(self, &p)
            }
            "textDocument/prepareRename" => {
                let p: lsp::TextDocumentPositionParams = params(req.params)?;
                Ok(json(serde_json::to_value(actions::prepare_rename(
                    self, &p,
                ))))
            }
            "textDocument/rename" => {
                let p: lsp::RenameParams = params(req.params)?;
                actions::rename(self, &p).map(|e| json(serde_json::to_value(e)))
            }
            "textDocument/definition" => {
                let p: lsp::GotoDefinitionParams = params(req.params)?;
                Ok(json(serde_json::to_value(
                    self.definition(&p.text_document_position_params),
                )))
            }
            "textDocument/references" => {
                let p: lsp::ReferenceParams = params(req.params)?;
                Ok(json(serde_json::to_value(self.references(&p))))
            }
            "textDocument/documentSymbol" => {
                let p: lsp::DocumentSymbolParams = params(req.params)?;
                Ok(json(serde_json::to_value(
                    self.symbols(&p.text_document.uri),
                )))
            }
            "textDocument/documentLink" => {
                let p: lsp::DocumentLinkParams = params(req.params)?;
                Ok(json(serde_json::to_value(self.links(&p.text_document.uri))))
            }
            "textDocument/completion" => {
                let p: lsp::CompletionParams = params(req.params)?;
                Ok(json(serde_json::to_value(self.completion(&p))))
            }
            "textDocument/hover" => {
                let p: lsp::HoverParams = params(req.params)?;
                Ok(json(serde_json::to_value(hover::hover(self, &p))))
            }
            m => Err((
                ErrorCode::MethodNotFound,
                format!("unsupported request {m}"),
            )),
        }
    }

    /// The analysis of the last version that parsed, and the byte offset of `pos` in it when
    /// the buffer still has that version's text (navigation on a stale index would point
    /// at the wrong characters).
    fn parsed_at(&self, uri: &lsp::Uri, pos: lsp::Position) -> Option<(&Arc<Analysis>, usize)> {
        let doc = self.docs.get(uri)?;
        let a = doc.parsed.as_ref()?;
        if *a.text != *doc.text {
            return None;
        }
        Some((a, a.lines.offset(&a.text, pos)))
    }

    fn location(&self, a: &Analysis, start: usize, end: usize) -> lsp::Location {
        lsp::Location {
            uri: a.uri.clone(),
            range: a.lines.range(&a.text, start, end),
        }
    }

    fn definition(&self, p: &lsp::TextDocumentPositionParams) -> Option<lsp::Location> {
        let (a, off) = self.parsed_at(&p.text_document.uri, p.position)?;
        let site = a.index().site_at(off)?;
        let def = a.index().definition(&site.id)?;
        Some(self.location(a, def.start, def.end))
    }

    fn references(&self, p: &lsp::ReferenceParams) -> Option<Vec<lsp::Location>> {
        let tp = &p.text_document_position;
        let (a, off) = self.parsed_at(&tp.text_document.uri, tp.position)?;
        let site = a.index().site_at(off)?;
        Some(
            a.index()
                .occurrences(&site.id)
                .filter(|s| p.context.include_declaration || !s.definition)
                .map(|s| self.location(a, s.start, s.end))
                .collect(),
        )
    }

    fn links(&self, uri: &lsp::Uri) -> Option<Vec<lsp::DocumentLink>> {
        let doc = self.docs.get(uri)?;
        let a = doc.parsed.as_ref()?;
        if *a.text != *doc.text {
            return None;
        }
        Some(
            a.index()
                .links
                .iter()
                .filter_map(|l| {
                    let target = navigation::link_target(&l.target, doc.path.as_deref())?;
                    // The string's content, without its quotes.
                    Some(lsp::DocumentLink {
                        range: a.lines.range(&a.text, l.start + 1, l.end.saturating_sub(1)),
                        target: target.as_str().parse().ok(),
                        tooltip: Some(format!("open {}", l.target)),
                        data: None,
                    })
                })
                .collect(),
        )
    }

    fn symbols(&self, uri: &lsp::Uri) -> Option<Vec<lsp::DocumentSymbol>> {
        use lsp::{DocumentSymbol, SymbolKind};
        let doc = self.docs.get(uri)?;
        let a = doc.parsed.as_ref()?;
        let d = a.doc.as_ref()?;
        let range = |pointer: &str| {
            let l = d.locate(pointer);
            a.lines.range(&a.text, l.start, l.end)
        };
        let selection = |pointer: &str| {
            let (s, e) = analysis::span_of(d, pointer);
            a.lines.range(&a.text, s, e)
        };
        #[allow(deprecated)] // `deprecated` is a required field of the protocol's type
        let symbol =
            |name: String, detail: Option<String>, kind, pointer: &str, children| DocumentSymbol {
                name: if name.trim().is_empty() {
                    "(unnamed)".into()
                } else {
                    name
                },
                detail,
                kind,
                tags: None,
                deprecated: None,
                range: range(pointer),
                selection_range: selection(pointer),
                children,
            };
        let mut groups = Vec::new();
        let nodes: Vec<DocumentSymbol> = d
            .nodes()
            .map(|n| {
                let name = if n.name().is_empty() {
                    n.unique_id()
                } else {
                    n.name()
                };
                symbol(
                    name.to_string(),
                    Some(format!("{} · {}", n.node_type(), n.unique_id())),
                    SymbolKind::CLASS,
                    &n.pointer().to_string(),
                    None,
                )
            })
            .collect();
        let rels: Vec<DocumentSymbol> = d
            .relationships()
            .map(|r| {
                let ends = r.node_ids().join(" → ");
                symbol(
                    r.unique_id().to_string(),
                    Some(ends),
                    SymbolKind::INTERFACE,
                    &r.pointer().to_string(),
                    None,
                )
            })
            .collect();
        let flows: Vec<DocumentSymbol> = d
            .flows()
            .map(|f| {
                let name = if f.name().is_empty() {
                    f.unique_id()
                } else {
                    f.name()
                };
                symbol(
                    name.to_string(),
                    Some(f.unique_id().to_string()),
                    SymbolKind::EVENT,
                    &f.pointer().to_string(),
                    None,
                )
            })
            .collect();
        let controls: Vec<DocumentSymbol> = d
            .value
            .get("controls")
            .and_then(Value::as_object)
            .map(|o| {
                o.keys()
                    .map(|k| {
                        let p = format!("/controls/{}", calm_model::pointer::escape_token(k));
                        symbol(k.clone(), None, SymbolKind::PROPERTY, &p, None)
                    })
                    .collect()
            })
            .unwrap_or_default();
        for (name, list, pointer) in [
            ("nodes", nodes, "/nodes"),
            ("relationships", rels, "/relationships"),
            ("flows", flows, "/flows"),
            ("controls", controls, "/controls"),
        ] {
            if d.has(pointer) {
                let n = list.len();
                groups.push(symbol(
                    name.into(),
                    Some(format!("{n}")),
                    SymbolKind::NAMESPACE,
                    pointer,
                    Some(list),
                ));
            }
        }
        Some(groups)
    }

    fn completion(&self, p: &lsp::CompletionParams) -> Option<lsp::CompletionResponse> {
        use lsp::{CompletionItem, CompletionItemKind, CompletionTextEdit, TextEdit};
        let tp = &p.text_document_position;
        let doc = self.docs.get(&tp.text_document.uri)?;
        if !doc.calm {
            return None;
        }
        let lines = LineIndex::new(&doc.text, self.encoding);
        let off = lines.offset(&doc.text, tp.position);
        let empty = navigation::Index::default();
        let index = doc.parsed.as_ref().map_or(&empty, |a| a.index());
        let (ctx, words, is_key) = completion::candidates(&doc.text, off, index)?;
        let items = words
            .into_iter()
            .map(|w| {
                let (range, new_text) = match ctx.string {
                    Some((s, e)) => {
                        let s = text::floor_boundary(&doc.text, s);
                        let e = text::floor_boundary(&doc.text, e.max(off));
                        (lines.range(&doc.text, s, e), w.clone())
                    }
                    None => {
                        let quoted = serde_json::to_string(&w).unwrap_or_default();
                        let new = if is_key {
                            format!("{quoted}: ")
                        } else {
                            quoted
                        };
                        (lines.range(&doc.text, off, off), new)
                    }
                };
                let detail = doc
                    .parsed
                    .as_ref()
                    .and_then(|a| a.doc.as_ref())
                    .and_then(|d| {
                        d.node(&w)
                            .map(|n| format!("{} · {}", n.node_type(), n.name()))
                    });
                CompletionItem {
                    label: w.clone(),
                    kind: Some(if is_key {
                        CompletionItemKind::PROPERTY
                    } else if detail.is_some() {
                        CompletionItemKind::REFERENCE
                    } else {
                        CompletionItemKind::ENUM_MEMBER
                    }),
                    detail,
                    text_edit: Some(CompletionTextEdit::Edit(TextEdit { range, new_text })),
                    ..Default::default()
                }
            })
            .collect();
        Some(lsp::CompletionResponse::Array(items))
    }
}

#[cfg(test)]
mod tests;
