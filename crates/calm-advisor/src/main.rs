//! `calm-advisor`: the command-line front end. Commands are thin layers over the library crates.

mod chat;
mod cli;
mod commands;
mod common;
mod engine;
mod git;
mod lsp;
mod mcp;

use clap::Parser;
use std::process::ExitCode;

// A review allocates and frees hundreds of thousands of small strings and vectors (findings,
// evidence, JSON values); mimalloc handles that pattern markedly faster than the system
// allocator (see the README benchmarks).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // Help and version go to stdout with exit 0; usage errors exit 2 (documented).
            let code = if e.use_stderr() {
                cli::exit::INPUT
            } else {
                cli::exit::OK
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match commands::run(cli.command) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {}", e.message);
            ExitCode::from(e.code)
        }
    }
}
