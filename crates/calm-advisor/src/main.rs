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

/// Transparent huge pages are off from the very start of the process, before the first
/// allocation: mimalloc advises huge pages on the arena it reserves at that allocation, so the
/// first touch would zero a whole 2 MB page (about 0.8 ms of a 3-4 ms `validate` of the tutorial
/// file, half of it in the kernel). `commands::run` turns them back on where the workload gains
/// from them ([`common::huge_pages_for_big_workloads`]). This runs from `.init_array` because
/// Rust's runtime allocates before `main`; the `ctor` crate would generate the same static with a
/// proc macro, which one function does not need.
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static SMALL_PAGES_AT_START: extern "C" fn() = {
    extern "C" fn small_pages_at_start() {
        // Best effort: without it the run is only slower. A raw prctl: allocates nothing.
        let _ = rustix::thread::disable_transparent_huge_pages(true);
    }
    small_pages_at_start
};

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
