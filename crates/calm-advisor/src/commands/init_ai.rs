//! `calm-advisor init-ai --provider copilot|claude|codex|kiro [DIR]`: register calm-advisor's MCP
//! server with an AI assistant and write an instructions file telling it to use calm-advisor for
//! analysis and changes, and to validate after every edit.
//!
//! Existing files are never overwritten silently: JSON configurations are merged (our server
//! entry added, everything else kept), TOML gets our table appended, instruction files get a
//! marked block appended or updated in place. A file that cannot be merged (not JSON, or our
//! entry exists with other settings) is left alone and reported, with exit code 3.

use crate::cli::{AiProvider, InitAiArgs, exit};
use crate::common::{CliError, CmdResult, write_atomic};
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};

const SERVER_NAME: &str = "calm-advisor";
const BEGIN: &str =
    "<!-- calm-advisor:begin (managed by `calm-advisor init-ai`; edit outside this block) -->";
const END: &str = "<!-- calm-advisor:end -->";

/// What happened to one file.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Created,
    Merged,
    Updated,
    Unchanged,
    Refused(String),
}

pub fn run(args: &InitAiArgs) -> CmdResult {
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    if dir.exists() && !dir.is_dir() {
        return Err(CliError::input(format!(
            "{} is not a directory",
            dir.display()
        )));
    }
    let results = init(args.provider, &dir)?;
    let mut refused = false;
    for (path, outcome) in &results {
        let p = path.display();
        match outcome {
            Outcome::Created => println!("created   {p}"),
            Outcome::Merged => {
                println!("merged    {p} (added the {SERVER_NAME} server; other entries kept)")
            }
            Outcome::Updated => println!(
                "updated   {p} (existing file kept; calm-advisor section added or refreshed)"
            ),
            Outcome::Unchanged => println!("unchanged {p} (already configured)"),
            Outcome::Refused(why) => {
                refused = true;
                println!("refused   {p}: {why}");
            }
        }
    }
    if refused {
        eprintln!(
            "error: some files were left untouched; fix them by hand or remove them and run init-ai again"
        );
        return Ok(exit::REFUSED);
    }
    println!(
        "{} now calls `{SERVER_NAME} mcp` (make sure `{SERVER_NAME}` is on PATH).",
        provider_name(args.provider)
    );
    Ok(exit::OK)
}

fn provider_name(p: AiProvider) -> &'static str {
    match p {
        AiProvider::Copilot => "GitHub Copilot (VS Code)",
        AiProvider::Claude => "Claude Code",
        AiProvider::Codex => "Codex",
        AiProvider::Kiro => "Kiro",
    }
}

fn init(provider: AiProvider, dir: &Path) -> Result<Vec<(PathBuf, Outcome)>, CliError> {
    let stdio = json!({"type": "stdio", "command": SERVER_NAME, "args": ["mcp"]});
    let plain = json!({"command": SERVER_NAME, "args": ["mcp"]});
    Ok(match provider {
        AiProvider::Copilot => vec![
            json_config(&dir.join(".vscode/mcp.json"), "servers", stdio)?,
            instructions(&dir.join(".github/copilot-instructions.md"), "")?,
        ],
        AiProvider::Claude => vec![
            json_config(&dir.join(".mcp.json"), "mcpServers", stdio)?,
            instructions(&dir.join("CLAUDE.md"), "")?,
        ],
        AiProvider::Codex => vec![
            codex_toml(&dir.join(".codex/config.toml"))?,
            instructions(&dir.join("AGENTS.md"), "")?,
        ],
        AiProvider::Kiro => vec![
            json_config(&dir.join(".kiro/settings/mcp.json"), "mcpServers", {
                let mut v = plain;
                v["disabled"] = json!(false);
                v["autoApprove"] = json!([
                    "validate", "review", "explain", "simulate", "triage", "plan_fix", "diff"
                ]);
                v
            })?,
            instructions(
                &dir.join(".kiro/steering/calm-advisor.md"),
                "---\ninclusion: always\n---\n\n",
            )?,
        ],
    })
}

fn read_existing(path: &Path) -> Result<Option<String>, CliError> {
    match std::fs::read_to_string(path) {
        Ok(s) => Ok(Some(s)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(CliError::input(format!(
            "cannot read {}: {e}",
            path.display()
        ))),
    }
}

/// Add our server under `key` in a JSON MCP configuration, keeping everything else.
fn json_config(path: &Path, key: &str, server: Value) -> Result<(PathBuf, Outcome), CliError> {
    let existing = read_existing(path)?;
    let Some(text) = existing else {
        let v = json!({ key: { SERVER_NAME: server } });
        write_atomic(path, pretty(&v).as_bytes())?;
        return Ok((path.to_path_buf(), Outcome::Created));
    };
    let mut root: Value = match serde_json::from_str(&text) {
        Ok(v @ Value::Object(_)) => v,
        Ok(_) => {
            return Ok((
                path.to_path_buf(),
                Outcome::Refused("not a JSON object".into()),
            ));
        }
        Err(e) => {
            return Ok((
                path.to_path_buf(),
                Outcome::Refused(format!(
                    "not plain JSON ({e}); add the `{SERVER_NAME}` server under \"{key}\" by hand"
                )),
            ));
        }
    };
    let servers = root
        .as_object_mut()
        .unwrap()
        .entry(key)
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(servers) = servers.as_object_mut() else {
        return Ok((
            path.to_path_buf(),
            Outcome::Refused(format!("\"{key}\" is not an object")),
        ));
    };
    match servers.get(SERVER_NAME) {
        Some(v) if v == &server => return Ok((path.to_path_buf(), Outcome::Unchanged)),
        Some(_) => {
            return Ok((
                path.to_path_buf(),
                Outcome::Refused(format!(
                    "a \"{SERVER_NAME}\" server with other settings exists; it was not replaced"
                )),
            ));
        }
        None => {
            servers.insert(SERVER_NAME.to_string(), server);
        }
    }
    write_atomic(path, pretty(&root).as_bytes())?;
    Ok((path.to_path_buf(), Outcome::Merged))
}

fn pretty(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).expect("a JSON value serialises");
    s.push('\n');
    s
}

/// Codex reads `[mcp_servers.NAME]` tables from `.codex/config.toml`.
fn codex_toml(path: &Path) -> Result<(PathBuf, Outcome), CliError> {
    let table =
        format!("[mcp_servers.{SERVER_NAME}]\ncommand = \"{SERVER_NAME}\"\nargs = [\"mcp\"]\n");
    match read_existing(path)? {
        None => {
            write_atomic(path, table.as_bytes())?;
            Ok((path.to_path_buf(), Outcome::Created))
        }
        Some(text) => {
            let header = format!("[mcp_servers.{SERVER_NAME}]");
            let quoted = format!("[mcp_servers.\"{SERVER_NAME}\"]");
            if text
                .lines()
                .any(|l| l.trim() == header || l.trim() == quoted)
            {
                if text.contains(&table) {
                    return Ok((path.to_path_buf(), Outcome::Unchanged));
                }
                return Ok((
                    path.to_path_buf(),
                    Outcome::Refused(format!(
                        "{header} exists with other settings; it was not replaced"
                    )),
                ));
            }
            let mut new = text.clone();
            if !new.is_empty() && !new.ends_with('\n') {
                new.push('\n');
            }
            if !new.is_empty() {
                new.push('\n');
            }
            new.push_str(&table);
            write_atomic(path, new.as_bytes())?;
            Ok((path.to_path_buf(), Outcome::Merged))
        }
    }
}

/// The guidance every assistant gets.
pub fn instructions_block() -> String {
    format!(
        "{BEGIN}
## CALM architectures: use calm-advisor

This repository describes its architecture as FINOS CALM JSON documents. The `{SERVER_NAME}` MCP
server (command `{SERVER_NAME} mcp`) is an offline, deterministic advisor for them. Use it instead of
guessing:

- **Analysis**: call `review` (categories resilience, security, performance, operability,
  documentation; `top` N) and `explain` for the reasoning behind a finding; `simulate` to see what
  breaks when nodes fail; `triage` during an outage (failing or slow nodes, a degraded flow, a
  symptom) for the affected flows, ranked causes, what to check and whom to contact. Report findings as the tools return them; do not invent findings, ids
  or values.
- **Changes**: prefer `plan_fix` (returns the diff and an RFC 6902 patch) and, once the user agrees,
  `apply_fix`, over editing the JSON by hand. The recipes keep ids, references and flows consistent.
- **Validate after every edit**: after any change to a CALM file (by a tool or by hand), call
  `validate` (or run `{SERVER_NAME} validate -a FILE`) and fix every error before you continue.
- `diff` shows what changed between two versions; `render` draws the diagram; `report` writes the
  improvements document.

Every tool takes `path` (an architecture file) or `document` (the JSON inline).
CLI equivalents: `{SERVER_NAME} review FILE --top 3`, `{SERVER_NAME} fix FILE --dry-run ...`,
`{SERVER_NAME} validate -a FILE`, `{SERVER_NAME} chat FILE`.
{END}
"
    )
}

/// Write the instructions file, or add/refresh our marked block in an existing one.
fn instructions(path: &Path, preamble: &str) -> Result<(PathBuf, Outcome), CliError> {
    let block = instructions_block();
    match read_existing(path)? {
        None => {
            write_atomic(path, format!("{preamble}{block}").as_bytes())?;
            Ok((path.to_path_buf(), Outcome::Created))
        }
        Some(text) => {
            let new = match (text.find(BEGIN), text.find(END)) {
                (Some(b), Some(e)) if e > b => {
                    let end = e + END.len();
                    let end = if text[end..].starts_with('\n') {
                        end + 1
                    } else {
                        end
                    };
                    format!("{}{block}{}", &text[..b], &text[end..])
                }
                (None, None) => {
                    let sep = if text.is_empty() || text.ends_with("\n\n") {
                        ""
                    } else if text.ends_with('\n') {
                        "\n"
                    } else {
                        "\n\n"
                    };
                    format!("{text}{sep}{block}")
                }
                _ => {
                    return Ok((
                        path.to_path_buf(),
                        Outcome::Refused(
                            "its calm-advisor markers are broken (only one of begin/end)".into(),
                        ),
                    ));
                }
            };
            if new == text {
                return Ok((path.to_path_buf(), Outcome::Unchanged));
            }
            write_atomic(path, new.as_bytes())?;
            Ok((path.to_path_buf(), Outcome::Updated))
        }
    }
}
