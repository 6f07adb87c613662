//! `calm-advisor explain` (work in progress: being implemented).

use crate::cli::ExplainArgs;
use crate::common::{CliError, CmdResult};

pub fn run(_args: &ExplainArgs) -> CmdResult {
    Err(CliError::input("this command is not implemented yet"))
}
