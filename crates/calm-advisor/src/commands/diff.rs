//! `calm-advisor diff` (work in progress: being implemented).

use crate::cli::DiffArgs;
use crate::common::{CliError, CmdResult};

pub fn run(_args: &DiffArgs) -> CmdResult {
    Err(CliError::input("this command is not implemented yet"))
}
