//! `calm-advisor render` (work in progress: being implemented).

use crate::cli::RenderArgs;
use crate::common::{CliError, CmdResult};

pub fn run(_args: &RenderArgs) -> CmdResult {
    Err(CliError::input("this command is not implemented yet"))
}
