//! The server in process, over an in-memory connection: what an editor sees.

use super::*;
use calm_model::Document;
use lsp_server::Connection;
use serde_json::json;
use std::time::{Duration, Instant};

pub(crate) struct Client {
    conn: Connection,
    thread: Option<std::thread::JoinHandle<Result<(), String>>>,
    next: i32,
    /// Notifications received while waiting for something else.
    pending: Vec<Notification>,
    /// `workspace/applyEdit` requests the server sent (answered as applied).
    pub applied: Vec<Value>,
}

impl Client {
    pub fn start(init: Value) -> Client {
        let (server, conn) = Connection::memory();
        let thread = std::thread::spawn(move || serve(&server));
        let mut c = Client {
            conn,
            thread: Some(thread),
            next: 0,
            pending: Vec::new(),
            applied: Vec::new(),
        };
        let r = c.request("initialize", init);
        assert!(r.get("capabilities").is_some(), "{r}");
        c.notify("initialized", json!({}));
        c
    }

    pub fn notify(&self, method: &str, params: Value) {
        self.conn
            .sender
            .send(Message::Notification(Notification::new(
                method.into(),
                params,
            )))
            .unwrap();
    }

    fn recv(&mut self) -> Message {
        self.conn
            .receiver
            .recv_timeout(Duration::from_secs(60))
            .expect("the server answers within a minute")
    }

    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = RequestId::from(self.next);
        self.conn
            .sender
            .send(Message::Request(Request::new(
                id.clone(),
                method.into(),
                params,
            )))
            .unwrap();
        loop {
            match self.recv() {
                Message::Response(r) if r.id == id => {
                    return match r.response_result {
                        Ok(v) => v,
                        Err(e) => json!({"error": e.message}),
                    };
                }
                Message::Response(_) => {}
                Message::Notification(n) => self.pending.push(n),
                Message::Request(r) => self.answer_server(r),
            }
        }
    }

    fn answer_server(&mut self, r: Request) {
        if r.method == "workspace/applyEdit" {
            self.applied.push(r.params.clone());
        }
        let _ = self.conn.sender.send(Message::Response(Response::new_ok(
            r.id,
            json!({"applied": true}),
        )));
    }

    /// The next diagnostics published for `uri` at `version`.
    pub fn diagnostics(&mut self, uri: &str, version: i32) -> Vec<lsp::Diagnostic> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(i) = self.pending.iter().position(|n| {
                n.method == "textDocument/publishDiagnostics"
                    && n.params["uri"] == uri
                    && n.params["version"] == version
            }) {
                let n = self.pending.remove(i);
                return serde_json::from_value(n.params["diagnostics"].clone()).unwrap();
            }
            assert!(
                Instant::now() < deadline,
                "no diagnostics for {uri} v{version}"
            );
            match self.recv() {
                Message::Notification(n) => self.pending.push(n),
                Message::Request(r) => self.answer_server(r),
                Message::Response(_) => {}
            }
        }
    }

    pub fn open(&self, uri: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "json", "version": version, "text": text}}),
        );
    }

    pub fn change_all(&self, uri: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    pub fn shutdown(mut self) {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r, Value::Null);
        self.notify("exit", Value::Null);
        let t = self.thread.take().unwrap();
        assert_eq!(t.join().unwrap(), Ok(()));
    }
}

fn day13() -> Option<(String, String)> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/ecommerce-platform.day13.json");
    let p = std::fs::canonicalize(p).ok()?;
    let text = std::fs::read_to_string(&p).ok()?;
    Some((path_uri(&p)?.as_str().to_string(), text))
}

fn init() -> Value {
    json!({"capabilities": {"general": {"positionEncodings": ["utf-16"]}}, "rootUri": null})
}

fn apply(text: &str, edits: &[lsp::TextEdit]) -> String {
    let mut t = text.to_string();
    let mut es = edits.to_vec();
    es.sort_by_key(|e| std::cmp::Reverse((e.range.start.line, e.range.start.character)));
    for e in es {
        text::apply_change(&mut t, Encoding::Utf16, Some(e.range), &e.new_text);
    }
    t
}

fn line_of(text: &str, needle: &str) -> u32 {
    text[..text.find(needle).unwrap()].matches('\n').count() as u32
}

#[test]
fn diagnostics_quick_fix_and_navigation_on_the_tutorial_file() {
    let Some((uri, text)) = day13() else {
        println!("skipped: Day 13 fixture not found");
        return;
    };
    let mut c = Client::start(init());
    c.open(&uri, 1, &text);
    let diags = c.diagnostics(&uri, 1);
    // The gateway finding sits on the gateway's unique-id, as a Warning with its rule code.
    let gateway = diags
        .iter()
        .find(|d| d.data.as_ref().unwrap()["finding"] == "single-ingress-path@api-gateway")
        .expect("the gateway finding is published");
    assert_eq!(
        gateway.range.start.line,
        line_of(&text, "\"unique-id\": \"api-gateway\"")
    );
    assert_eq!(gateway.severity, Some(lsp::DiagnosticSeverity::WARNING));
    assert!(gateway.code_description.is_some() || std::env::var_os("HOME").is_none());
    // Validation: the tutorial's remote control requirement cannot be read offline.
    assert!(
        diags
            .iter()
            .any(|d| d.source.as_deref() == Some(analysis::SOURCE_VALIDATE))
    );

    // The quick fix is the edit `fix` makes.
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": gateway.range, "context": {"diagnostics": [gateway]}}),
    );
    let fix = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Fix:"))
        .expect("a quick fix")
        .clone();
    let edits: Vec<lsp::TextEdit> =
        serde_json::from_value(fix["edit"]["changes"][&uri].clone()).unwrap();
    let fixed = apply(&text, &edits);
    let doc = Document::from_str("x.json", &text).unwrap();
    let expected = crate::engine::Engine::plan(
        &LibraryEngine::new(),
        &doc,
        &[crate::engine::Change::ApplyFinding {
            selector: "single-ingress-path@api-gateway".into(),
        }],
    )
    .unwrap()
    .new_text;
    assert_eq!(fixed, expected);
    c.change_all(&uri, 2, &fixed);
    let after = c.diagnostics(&uri, 2);
    assert!(
        !after
            .iter()
            .any(|d| d.data.as_ref().unwrap()["finding"] == "single-ingress-path@api-gateway")
    );

    // Definition and references of a relationship endpoint.
    let at = fixed.find("\"node\": \"order-service\"").unwrap() + 10;
    let line = fixed[..at].matches('\n').count() as u32;
    let col = (at - fixed[..at].rfind('\n').unwrap() - 1) as u32;
    let pos = json!({"line": line, "character": col});
    let def = c.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri}, "position": pos}),
    );
    assert_eq!(
        def["range"]["start"]["line"],
        line_of(&fixed, "\"unique-id\": \"order-service\"")
    );
    let refs = c.request(
        "textDocument/references",
        json!({"textDocument": {"uri": uri}, "position": pos, "context": {"includeDeclaration": true}}),
    );
    assert!(refs.as_array().unwrap().len() >= 3, "{refs}");
    // Rename through the recipe: every reference follows.
    let edit = c.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri}, "position": pos, "newName": "orders"}),
    );
    let edits: Vec<lsp::TextEdit> = serde_json::from_value(edit["changes"][&uri].clone()).unwrap();
    let renamed = apply(&fixed, &edits);
    assert!(!renamed.contains("\"order-service\""));
    assert!(renamed.contains("\"node\": \"orders\""));
    // Outline.
    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["nodes", "relationships", "flows", "controls"]);
    // Hover on the gateway's id: facts and the finding's explanation.
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": pos}),
    );
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("role:"),
        "{hover}"
    );
    c.shutdown();
}

#[test]
fn broken_json_gives_one_diagnostic_and_analysis_resumes() {
    let Some((uri, text)) = day13() else {
        println!("skipped: Day 13 fixture not found");
        return;
    };
    let mut c = Client::start(init());
    c.open(&uri, 1, &text);
    assert!(c.diagnostics(&uri, 1).len() > 3);
    let broken = text.replacen("\"nodes\": [", "\"nodes\": [ ,", 1);
    c.change_all(&uri, 2, &broken);
    let d = c.diagnostics(&uri, 2);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].range.start.line, line_of(&broken, "\"nodes\": [ ,"));
    // Navigation still works from the last version that parsed? No: the text moved on, so the
    // server answers nothing rather than pointing at the wrong characters.
    c.change_all(&uri, 3, &text);
    assert!(c.diagnostics(&uri, 3).len() > 3);
    c.shutdown();
}

#[test]
fn other_json_is_left_alone_and_a_non_ascii_name_is_located_in_utf16() {
    let mut c = Client::start(init());
    c.open(
        "file:///w/package.json",
        1,
        r#"{"name": "x", "version": "1.0.0"}"#,
    );
    // A CALM file: a node named with characters outside the BMP, and a dangling reference after it.
    let calm = "{\"$schema\": \"https://calm.finos.org/release/1.1/meta/calm.json\",\n\"nodes\": [{\"unique-id\": \"a\", \"node-type\": \"service\", \"name\": \"😀😀\", \"description\": \"d\"}],\n\"relationships\": [{\"unique-id\": \"r\", \"relationship-type\": {\"connects\": {\"source\": {\"node\": \"a\"}, \"destination\": {\"node\": \"zz\"}}}}]}";
    c.open("file:///w/arch.json", 1, calm);
    let d = c.diagnostics("file:///w/arch.json", 1);
    assert!(!d.is_empty());
    // Completion of node ids where a node is referenced.
    let line2 = calm.split('\n').nth(2).unwrap();
    let col = line2.find("\"zz\"").unwrap() + 1;
    let r = c.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": "file:///w/arch.json"}, "position": {"line": 2, "character": col}}),
    );
    let labels: Vec<&str> = r
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["a"]);
    // The hover range of the emoji node: line 1, UTF-16 columns.
    let line1 = calm.split('\n').nth(1).unwrap();
    let byte = line1.find("\"description\"").unwrap();
    let units: usize = line1[..byte].chars().map(char::len_utf16).sum();
    let syms = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": "file:///w/arch.json"}}),
    );
    let node = &syms[0]["children"][0];
    assert_eq!(node["name"], "😀😀");
    assert!(node["range"]["end"]["character"].as_u64().unwrap() as usize > units);
    // Nothing was published for package.json.
    assert!(
        !c.pending
            .iter()
            .any(|n| n.params["uri"] == "file:///w/package.json")
    );
    c.shutdown();
}

/// The documents the validator's hostile-input tests use (malformed, truncated, binary, empty,
/// 200,000 nested arrays, a 50 MB string, wrong types everywhere), opened in one session: each
/// gets diagnostics or nothing, every request on it answers, and the server never stops.
#[test]
fn hostile_documents_in_one_session_never_crash_the_server() {
    const SCHEMA: &str = "\"$schema\": \"https://calm.finos.org/release/1.1/meta/calm.json\"";
    let valid = r#"{
  "nodes": [
    { "unique-id": "web", "node-type": "webclient", "name": "Web", "description": "UI" },
    { "unique-id": "api", "node-type": "service", "name": "API", "description": "Orders API" }
  ],
  "relationships": [
    { "unique-id": "web-api", "protocol": "HTTPS",
      "relationship-type": { "connects": { "source": { "node": "web" }, "destination": { "node": "api" } } } }
  ]
}"#;
    let with_schema = |d: &str| d.replacen('{', &format!("{{{SCHEMA}, "), 1);
    let depth = 200_000;
    let mut docs: Vec<String> = vec![
        format!("{{{SCHEMA},\n  \"nodes\": [,]\n}}"),
        with_schema(&valid[..valid.len() / 2]),
        format!("{{{SCHEMA}, \u{fffd}\u{fffd}\u{0}{{"),
        format!("{{{SCHEMA}"),
        format!(
            "{{{SCHEMA}, \"nodes\": {}{}, \"relationships\": []}}",
            "[".repeat(depth),
            "]".repeat(depth)
        ),
        with_schema(&valid.replace("\"Orders API\"", &format!("\"{}\"", "x".repeat(50 << 20)))),
        format!("{{{SCHEMA}, \"nodes\": \"web\", \"relationships\": 5}}"),
        format!(
            "{{{SCHEMA}, {}",
            &r#"{"nodes": [1, "two", null, [], {"unique-id": 3, "interfaces": "x", "controls": [1], "details": 7}], "relationships": [{"relationship-type": "connects"}, {"relationship-type": {"connects": 4}}, {"relationship-type": {"interacts": {"actor": [], "nodes": "a"}}}, 9], "flows": {"x": 1}, "controls": [], "metadata": 3}"#
                [1..]
        ),
        format!(
            "{{{SCHEMA}, {}",
            &r#"{"nodes": {"a": {"unique-id": "a"}}, "relationships": {"r": {"relationship-type": {"deployed-in": {"container": 1, "nodes": [null]}}}}}"#
                [1..]
        ),
        format!(
            "{{{SCHEMA}, {}",
            &r#"{"nodes": [{"unique-id": "a", "node-type": "service", "name": "a", "description": "a", "details": {"detailed-architecture": 12, "required-pattern": {}}}], "relationships": []}"#
                [1..]
        ),
        r#"{"$schema": "https://example.com/calm/my.json", "nodes": []}"#.to_string(),
        r#"{"$schema": "https://calm.finos.org/release/1.1/meta/calm.json", "properties": 3}"#
            .to_string(),
    ];
    // Not CALM at all: left alone.
    docs.push("[]".into());
    docs.push("\"just a string\"".into());
    let mut c = Client::start(init());
    for (i, d) in docs.iter().enumerate() {
        let uri = format!("file:///hostile/t{i}.json");
        c.open(&uri, 1, d);
        let calm = d.contains("calm");
        if calm {
            let diags = c.diagnostics(&uri, 1);
            assert!(
                !diags.iter().any(|x| x.message.contains("internal error")),
                "doc {i}: {diags:?}"
            );
        }
        let doc = json!({"uri": uri});
        let pos = json!({"line": 0, "character": 12});
        for (method, params) in [
            (
                "textDocument/hover",
                json!({"textDocument": doc, "position": pos}),
            ),
            (
                "textDocument/definition",
                json!({"textDocument": doc, "position": pos}),
            ),
            (
                "textDocument/completion",
                json!({"textDocument": doc, "position": pos}),
            ),
            ("textDocument/documentSymbol", json!({"textDocument": doc})),
            ("textDocument/documentLink", json!({"textDocument": doc})),
            (
                "textDocument/codeAction",
                json!({"textDocument": doc, "range": {"start": pos, "end": pos}, "context": {"diagnostics": []}}),
            ),
            (
                "textDocument/prepareRename",
                json!({"textDocument": doc, "position": pos}),
            ),
        ] {
            let r = c.request(method, params);
            assert!(
                !r.get("error")
                    .is_some_and(|e| e.as_str().unwrap_or("").contains("internal")),
                "doc {i}, {method}: {r}"
            );
        }
        c.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        );
    }
    c.shutdown();
}

/// A panic in an analysis is one diagnostic, a panic in a request an error answer; the server
/// goes on serving the same and other documents.
#[test]
fn a_panic_is_reported_and_the_server_goes_on() {
    let mut c = Client::start(init());
    let schema = "\"$schema\": \"https://calm.finos.org/release/1.1/meta/calm.json\"";
    let doc = |marker: &str| {
        format!(
            "{{{schema}, \"nodes\": [{{\"unique-id\": \"a\", \"node-type\": \"service\", \"name\": \"{marker}\", \"description\": \"d\"}}], \"relationships\": []}}"
        )
    };
    let uri = "file:///w/p.json";
    c.open(uri, 1, &doc("calm-advisor-test-panic"));
    let d = c.diagnostics(uri, 1);
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(d[0].message.contains("internal error"), "{d:?}");
    c.change_all(uri, 2, &doc("calm-advisor-test-hover-panic"));
    assert!(
        !c.diagnostics(uri, 2)
            .iter()
            .any(|x| x.message.contains("internal error"))
    );
    let r = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 80}}),
    );
    assert!(
        r["error"].as_str().unwrap().contains("internal error"),
        "{r}"
    );
    c.change_all(uri, 3, &doc("A"));
    assert!(!c.diagnostics(uri, 3).is_empty());
    let r = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 80}}),
    );
    assert!(r.get("error").is_none(), "{r}");
    c.shutdown();
}
