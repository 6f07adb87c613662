//! `calm-advisor review` (work in progress: being implemented).

use crate::cli::ReviewArgs;
use crate::common::{CliError, CmdResult};

pub fn run(_args: &ReviewArgs) -> CmdResult {
    Err(CliError::input("this command is not implemented yet"))
}
