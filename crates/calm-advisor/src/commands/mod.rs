//! One file per command. Each `run` returns the process exit code (see `cli::exit`).

use crate::cli::Command;
use crate::common::CmdResult;
use std::path::{Path, PathBuf};

mod chat;
mod diff;
pub mod explain;
mod fix;
mod init_ai;
mod lsp;
mod mcp;
mod render;
mod report;
pub mod review;
mod rules;
mod simulate;
mod triage;
mod validate;

pub fn run(command: Command) -> CmdResult {
    crate::common::huge_pages_for_big_workloads(input_files(&command));
    match command {
        Command::Validate(a) => validate::run(&a),
        Command::Review(a) => review::run(&a),
        Command::Explain(a) => explain::run(&a),
        Command::Rules(a) => rules::run(&a),
        Command::Simulate(a) => simulate::run(&a),
        Command::Triage(a) => triage::run(&a),
        Command::Fix(a) => fix::run(&a),
        Command::Render(a) => render::run(&a),
        Command::Report(a) => report::run(&a),
        Command::Diff(a) => diff::run(&a),
        Command::Chat(a) => chat::run(&a),
        Command::Mcp(a) => mcp::run(&a),
        Command::Lsp(a) => lsp::run(&a),
        Command::InitAi(a) => init_ai::run(&a),
    }
}

/// The files a command reads, when its command line names all of them; `None` for workloads the
/// command line does not size (servers, the chat, commands that read a repository or a
/// workspace). Decides whether the run uses transparent huge pages.
fn input_files(command: &Command) -> Option<Vec<&Path>> {
    match command {
        Command::Validate(a) => Some(
            a.architecture
                .iter()
                .chain(&a.pattern)
                .chain(&a.timeline)
                .map(PathBuf::as_path)
                .collect(),
        ),
        Command::Review(a) => Some(
            a.file
                .iter()
                .chain(&a.baseline)
                .chain(&a.config)
                .map(PathBuf::as_path)
                .collect(),
        ),
        _ => None,
    }
}
