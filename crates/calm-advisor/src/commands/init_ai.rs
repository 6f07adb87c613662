//! `calm-advisor init-ai` (work in progress: being implemented).

use crate::cli::InitAiArgs;
use crate::common::{CliError, CmdResult};

pub fn run(_args: &InitAiArgs) -> CmdResult {
    Err(CliError::input("this command is not implemented yet"))
}
