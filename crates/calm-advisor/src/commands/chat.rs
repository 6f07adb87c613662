//! `calm-advisor chat` (work in progress: being implemented).

use crate::cli::ChatArgs;
use crate::common::{CliError, CmdResult};

pub fn run(_args: &ChatArgs) -> CmdResult {
    Err(CliError::input("this command is not implemented yet"))
}
