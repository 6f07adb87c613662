//! `git:REV:PATH` inputs of `diff` and `report`: the binary runs git, calm-report only parses the
//! spec and takes the bytes ([`calm_report::GitReader`]).
//!
//! `git cat-file blob --end-of-options REV:PATH` in the current directory's repository. User
//! values never reach git as options: calm-report refuses a revision or path starting with `-`
//! when it parses the spec, this module refuses it again before running git, and
//! `--end-of-options` (git >= 2.24) precedes the object name. git is run directly (no shell).

use calm_report::{GitReader, LoadedArchitecture};
use std::path::PathBuf;
use std::process::Command;

/// Reads blobs and the top level of the current directory's repository with the `git` command.
pub struct Git;

/// Load an architecture from a path or `git:REV:PATH`. Errors are complete user-facing messages.
pub fn load_architecture(spec: &str) -> Result<LoadedArchitecture, String> {
    calm_report::load_architecture(spec, &Git)
}

impl GitReader for Git {
    /// The bytes of `PATH` at `REV`. `--end-of-options` makes git treat the object name as an
    /// argument whatever it contains, and `cat-file blob` takes exactly one object name (no
    /// pathspec guessing, no pager, raw bytes).
    fn read_blob(&self, rev: &str, path: &str, spec: &str) -> Result<Vec<u8>, String> {
        if rev.starts_with('-') || path.starts_with('-') {
            return Err(format!(
                "`{spec}`: a revision or path starting with `-` is refused (git could read it as an option)"
            ));
        }
        let object = format!("{rev}:{path}");
        let output = Command::new("git")
            .args(["cat-file", "blob", "--end-of-options"])
            .arg(&object)
            .output()
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => {
                    format!("{spec}: git is not installed or not on PATH (needed for git:REV:PATH)")
                }
                _ => format!("{spec}: cannot run git: {e}"),
            })?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let first = stderr
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("git cat-file failed")
                .trim();
            let hint = if first.contains("end-of-options") {
                " (git 2.24 or later is needed for git:REV:PATH)"
            } else {
                ""
            };
            return Err(format!(
                "{spec}: cannot read `{path}` at revision `{rev}` (git cat-file blob {object}): {first}{hint}"
            ));
        }
        Ok(output.stdout)
    }

    fn toplevel(&self) -> Option<PathBuf> {
        let out = Command::new("git")
            .args(["rev-parse", "--show-toplevel"])
            .output()
            .ok()?;
        if !out.status.success() {
            return None;
        }
        let s = String::from_utf8(out.stdout).ok()?;
        Some(PathBuf::from(s.trim()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_like_values_never_reach_git() {
        // Even if a caller skipped InputSpec::parse, git is not run (no repository is needed:
        // the refusal comes first, so the message is ours, not git's).
        for (rev, path) in [("--output=/nonexistent/evil", "a.json"), ("HEAD", "-p")] {
            let e = Git.read_blob(rev, path, "spec").unwrap_err();
            assert!(e.contains("starting with `-` is refused"), "{e}");
        }
        let e = load_architecture("git:--output=/nonexistent/evil:a.json").unwrap_err();
        assert!(e.contains("starts with `-`"), "{e}");
    }
}
