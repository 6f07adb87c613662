//! `calm-advisor fix` (work in progress: being implemented).

use crate::cli::FixArgs;
use crate::common::{CliError, CmdResult};

pub fn run(_args: &FixArgs) -> CmdResult {
    Err(CliError::input("this command is not implemented yet"))
}
