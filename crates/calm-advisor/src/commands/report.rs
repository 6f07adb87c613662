//! `calm-advisor report` (work in progress: being implemented).

use crate::cli::ReportArgs;
use crate::common::{CliError, CmdResult};

pub fn run(_args: &ReportArgs) -> CmdResult {
    Err(CliError::input("this command is not implemented yet"))
}
