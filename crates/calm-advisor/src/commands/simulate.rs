//! `calm-advisor simulate` (work in progress: being implemented).

use crate::cli::SimulateArgs;
use crate::common::{CliError, CmdResult};

pub fn run(_args: &SimulateArgs) -> CmdResult {
    Err(CliError::input("this command is not implemented yet"))
}
