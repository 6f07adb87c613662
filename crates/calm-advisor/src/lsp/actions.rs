//! Code actions (a finding's fix as a quick fix, suppress, explain), the commands behind them,
//! and rename. Every edit is planned and verified by the engine exactly as `fix` does it; a
//! change that would not validate is not offered.

use super::analysis::RuleDocs;
use super::{Answer, Server, failed, text};
use crate::engine::{Change, Engine, EngineError};
use calm_model::{Document, Source};
use lsp_types as lsp;
use serde_json::{Value, json};
use std::collections::HashMap;

pub const EXPLAIN: &str = "calm-advisor.explain";
pub const SUPPRESS: &str = "calm-advisor.suppress";

/// The buffer's current text as a document (named by its path, so references resolve).
fn current(server: &Server, uri: &lsp::Uri) -> Result<Document, String> {
    let d = server
        .docs
        .get(uri)
        .ok_or_else(|| format!("{} is not open", uri.as_str()))?;
    let name = super::analysis::doc_name(uri, d.path.as_deref());
    Document::parse(Source::new(name, d.path.clone(), d.text.as_str())).map_err(|e| e.to_string())
}

/// Plan `change` on the buffer and return the edit that makes the buffer what `fix` would write.
fn plan_edit(
    server: &Server,
    uri: &lsp::Uri,
    change: Change,
) -> Result<lsp::WorkspaceEdit, String> {
    let doc = current(server, uri)?;
    let planned = server
        .engine
        .plan(&doc, &[change])
        .map_err(|e: EngineError| e.to_string())?;
    let edits = text::edits(doc.source.text(), &planned.new_text, server.encoding);
    Ok(lsp::WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..Default::default()
    })
}

pub fn code_actions(
    server: &Server,
    p: &lsp::CodeActionParams,
) -> Option<Vec<lsp::CodeActionOrCommand>> {
    let uri = &p.text_document.uri;
    let doc = server.docs.get(uri)?;
    let a = doc.parsed.as_ref()?;
    if !doc.calm || *a.text != *doc.text {
        return Some(Vec::new());
    }
    let (start, end) = (
        a.lines.offset(&a.text, p.range.start),
        a.lines.offset(&a.text, p.range.end),
    );
    let asked: Vec<&str> = p
        .context
        .diagnostics
        .iter()
        .filter_map(|d| d.data.as_ref()?.get("finding")?.as_str())
        .collect();
    let mut findings: Vec<&super::analysis::FindingSite> = a
        .findings
        .iter()
        .filter(|f| (f.start <= end && start <= f.end) || asked.contains(&f.id.as_str()))
        .collect();
    findings.sort_by_key(|f| f.rank);
    findings.dedup_by(|x, y| x.id == y.id);
    // The client's own diagnostic (it sent those under the cursor): the action is tied to it.
    let diagnostic_of = |id: &str| {
        p.context
            .diagnostics
            .iter()
            .find(|d| d.data.as_ref().and_then(|v| v.get("finding")) == Some(&json!(id)))
            .cloned()
    };
    let args = |id: &str| Some(vec![json!(uri.as_str()), json!(id)]);
    let mut out = Vec::new();
    for f in &findings {
        let diags = diagnostic_of(&f.id).map(|d| vec![d]);
        if let Some((description, safety)) = &f.fix
            && let Ok(edit) = plan_edit(
                server,
                uri,
                Change::ApplyFinding {
                    selector: f.id.clone(),
                },
            )
        {
            out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title: format!("Fix: {description} ({safety})"),
                kind: Some(lsp::CodeActionKind::QUICKFIX),
                diagnostics: diags.clone(),
                edit: Some(edit),
                is_preferred: Some(safety == "safe"),
                ..Default::default()
            }));
        }
        out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
            title: format!(
                "Suppress this {} finding (accepted, with a justification)",
                f.rule
            ),
            kind: Some(lsp::CodeActionKind::new("quickfix.suppress")),
            diagnostics: diags.clone(),
            command: Some(lsp::Command {
                title: "Suppress".into(),
                command: SUPPRESS.into(),
                arguments: args(&f.id),
            }),
            ..Default::default()
        }));
        out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
            title: format!("Explain {}", f.id),
            kind: Some(lsp::CodeActionKind::new("quickfix.explain")),
            diagnostics: diags,
            command: Some(lsp::Command {
                title: "Explain".into(),
                command: EXPLAIN.into(),
                arguments: args(&f.id),
            }),
            ..Default::default()
        }));
    }
    // Validation diagnostics under the cursor: their rule's documentation.
    let mut rules: Vec<String> = a
        .validation
        .iter()
        .filter(|(s, e, _)| *s <= end && start <= *e)
        .map(|(_, _, code)| code.clone())
        .filter(|r| RuleDocs::text(r).is_some())
        .collect();
    rules.sort();
    rules.dedup();
    for r in rules {
        out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
            title: format!("Explain rule {r}"),
            kind: Some(lsp::CodeActionKind::new("quickfix.explain")),
            command: Some(lsp::Command {
                title: "Explain".into(),
                command: EXPLAIN.into(),
                arguments: args(&r),
            }),
            ..Default::default()
        }));
    }
    Some(out)
}

fn arg_str(p: &lsp::ExecuteCommandParams, i: usize) -> Option<String> {
    p.arguments.get(i)?.as_str().map(str::to_string)
}

pub fn execute(server: &mut Server, p: &lsp::ExecuteCommandParams) -> Answer {
    let uri: Option<lsp::Uri> = arg_str(p, 0).and_then(|u| u.parse().ok());
    let target = arg_str(p, 1);
    let (Some(uri), Some(target)) = (uri, target) else {
        return Err((
            lsp_server::ErrorCode::InvalidParams,
            format!("{} takes [uri, finding-or-rule id]", p.command),
        ));
    };
    match p.command.as_str() {
        EXPLAIN => {
            let from_finding = server.docs.get(&uri).and_then(|d| {
                let a = d.parsed.as_ref()?;
                a.explain(&server.engine, &[target.as_str()]).pop()
            });
            let text = from_finding
                .or_else(|| RuleDocs::text(&target))
                .ok_or_else(|| failed(format!("no finding or rule `{target}`")))?;
            if !server.settings.explain_view {
                server.notify(
                    "window/showMessage",
                    lsp::ShowMessageParams {
                        typ: lsp::MessageType::INFO,
                        message: text.clone(),
                    },
                );
            }
            Ok(Value::String(text))
        }
        SUPPRESS => {
            let justification = arg_str(p, 2).unwrap_or_default();
            let edit = plan_edit(
                server,
                &uri,
                Change::Suppress {
                    finding: target.clone(),
                    status: "accepted".into(),
                    justification: justification.trim().to_string(),
                },
            )
            .map_err(failed)?;
            server.request_client(
                "workspace/applyEdit",
                lsp::ApplyWorkspaceEditParams {
                    label: Some(format!("Suppress {target}")),
                    edit,
                },
            );
            if justification.trim().is_empty() {
                server.notify(
                    "window/showMessage",
                    lsp::ShowMessageParams {
                        typ: lsp::MessageType::INFO,
                        message: format!(
                            "{target} is marked accepted; write why in its \"justification\" (metadata.calm-advisor.suppress)."
                        ),
                    },
                );
            }
            Ok(Value::Null)
        }
        other => Err((
            lsp_server::ErrorCode::InvalidParams,
            format!("unknown command {other}"),
        )),
    }
}

pub fn prepare_rename(
    server: &Server,
    p: &lsp::TextDocumentPositionParams,
) -> Option<lsp::PrepareRenameResponse> {
    let (a, off) = server.parsed_at(&p.text_document.uri, p.position)?;
    let site = a.index().site_at(off)?;
    Some(lsp::PrepareRenameResponse::RangeWithPlaceholder {
        range: a
            .lines
            .range(&a.text, site.start + 1, site.end.saturating_sub(1)),
        placeholder: site.id.clone(),
    })
}

pub fn rename(
    server: &Server,
    p: &lsp::RenameParams,
) -> Result<Option<lsp::WorkspaceEdit>, (lsp_server::ErrorCode, String)> {
    let tp = &p.text_document_position;
    let Some((a, off)) = server.parsed_at(&tp.text_document.uri, tp.position) else {
        return Err(failed(
            "the document has changed or does not parse; try again",
        ));
    };
    let Some(site) = a.index().site_at(off) else {
        return Ok(None);
    };
    let recipe = calm_refactor::Recipe::Rename(calm_refactor::Rename {
        old: site.id.clone(),
        new: p.new_name.trim().to_string(),
    });
    plan_edit(server, &tp.text_document.uri, Change::Recipe(recipe))
        .map(Some)
        .map_err(failed)
}
