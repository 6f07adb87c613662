//! `calm-advisor mcp`: serve calm-advisor's tools to AI assistants over MCP (stdio).

use crate::cli::{McpArgs, exit};
use crate::common::{CliError, CmdResult};

pub fn run(_args: &McpArgs) -> CmdResult {
    crate::mcp::serve_stdio().map_err(CliError::input)?;
    Ok(exit::OK)
}
