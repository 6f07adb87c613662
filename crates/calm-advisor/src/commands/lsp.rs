//! `calm-advisor lsp`: the language server (see `src/lsp/`).

use crate::cli::{LspArgs, exit};
use crate::common::{CliError, CmdResult};

pub fn run(_args: &LspArgs) -> CmdResult {
    crate::lsp::run().map_err(CliError::input)?;
    Ok(exit::OK)
}
