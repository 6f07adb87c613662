//! `calm-advisor mcp` (work in progress: being implemented).

use crate::cli::McpArgs;
use crate::common::{CliError, CmdResult};

pub fn run(_args: &McpArgs) -> CmdResult {
    Err(CliError::input("this command is not implemented yet"))
}
