//! `calm-advisor validate` (work in progress: being implemented).

use crate::cli::ValidateArgs;
use crate::common::{CliError, CmdResult};

pub fn run(_args: &ValidateArgs) -> CmdResult {
    Err(CliError::input("this command is not implemented yet"))
}
