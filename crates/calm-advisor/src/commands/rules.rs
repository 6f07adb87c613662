//! `calm-advisor rules` (work in progress: being implemented).

use crate::cli::RulesArgs;
use crate::common::{CliError, CmdResult};

pub fn run(_args: &RulesArgs) -> CmdResult {
    Err(CliError::input("this command is not implemented yet"))
}
