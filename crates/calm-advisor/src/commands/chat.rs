//! `calm-advisor chat FILE [--script REQUESTS|-] [--yes] [--llm]`: talk to the advisor about one
//! architecture. Interactive with line editing and history, or scripted (the transcript goes to
//! stdout). The file is written only by a `save` request.

use crate::chat::llm::{LlmClient, LlmConfig};
use crate::chat::session::Session;
use crate::chat::{quote_request, split_requests};
use crate::cli::{ChatArgs, exit};
use crate::common::{CliError, CmdResult, load_document};
use crate::engine::LibraryEngine;
use std::io::{IsTerminal, Read, Write};

pub fn run(args: &ChatArgs) -> CmdResult {
    // Load through calm-model first so a broken file fails with its position, before any chat.
    let doc = load_document(&args.file)?;
    drop(doc);
    let text = std::fs::read_to_string(&args.file)
        .map_err(|e| CliError::input(format!("cannot read {}: {e}", args.file.display())))?;
    let llm = if args.llm {
        Some(LlmClient::new(
            LlmConfig::from_env().map_err(CliError::input)?,
        ))
    } else {
        None
    };
    let engine = LibraryEngine::new();
    let mut session = Session::new(&args.file, text, &engine, args.yes, llm);

    let script = match &args.script {
        Some(p) if p.as_os_str() == "-" => Some(read_stdin()?),
        Some(p) => Some(
            std::fs::read_to_string(p)
                .map_err(|e| CliError::input(format!("cannot read script {}: {e}", p.display())))?,
        ),
        None if !std::io::stdin().is_terminal() => Some(read_stdin()?),
        None => None,
    };
    match script {
        Some(s) => run_script(&mut session, &s),
        None => run_interactive(&mut session, args),
    }
}

fn read_stdin() -> Result<String, CliError> {
    let mut s = String::new();
    std::io::stdin()
        .read_to_string(&mut s)
        .map_err(|e| CliError::input(format!("cannot read requests from stdin: {e}")))?;
    Ok(s)
}

fn run_script(session: &mut Session, script: &str) -> CmdResult {
    let mut out = std::io::stdout().lock();
    for request in split_requests(script) {
        let reply = session.handle(&request);
        let _ = writeln!(out, "{}\n{}\n", quote_request(&request), reply.text);
        if reply.quit {
            break;
        }
    }
    let _ = out.flush();
    Ok(exit::OK)
}

fn run_interactive(session: &mut Session, args: &ChatArgs) -> CmdResult {
    let mut rl = rustyline::DefaultEditor::new()
        .map_err(|e| CliError::input(format!("cannot start line editing: {e}")))?;
    let history =
        std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".calm-advisor-history"));
    if let Some(h) = &history {
        let _ = rl.load_history(h);
    }
    println!(
        "calm-advisor chat about {}. Ask in plain language; \"help\" lists what I can do, \"quit\" ends.",
        args.file.display()
    );
    loop {
        match rl.readline("you> ") {
            Ok(line) => {
                if line.trim().is_empty() {
                    continue;
                }
                let _ = rl.add_history_entry(line.as_str());
                let reply = session.handle(&line);
                println!("{}\n", reply.text);
                if reply.quit {
                    break;
                }
            }
            Err(rustyline::error::ReadlineError::Interrupted) => continue,
            Err(rustyline::error::ReadlineError::Eof) => break,
            Err(e) => return Err(CliError::input(format!("cannot read input: {e}"))),
        }
    }
    if let Some(h) = &history {
        let _ = rl.save_history(h);
    }
    if session.has_unsaved_changes() {
        println!(
            "(Unsaved changes were discarded; {} is unchanged.)",
            args.file.display()
        );
    }
    Ok(exit::OK)
}
