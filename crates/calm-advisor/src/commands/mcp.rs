//! `calm-advisor mcp`: serve calm-advisor's tools to AI assistants over MCP (stdio).

use crate::cli::{McpArgs, exit};
use crate::common::{CliError, CmdResult};

pub fn run(args: &McpArgs) -> CmdResult {
    let start = std::env::current_dir()
        .map_err(|e| CliError::input(format!("cannot read the working directory: {e}")))?;
    for r in &args.roots {
        if !r.is_dir() {
            return Err(CliError::input(format!(
                "--root {}: not a directory",
                r.display()
            )));
        }
    }
    let roots = crate::mcp::Roots::new(start, args.roots.clone());
    let server = crate::mcp::AdvisorServer::new(roots, args.max_document_bytes, args.tool_timeout);
    crate::mcp::serve_stdio(server).map_err(CliError::input)?;
    Ok(exit::OK)
}
