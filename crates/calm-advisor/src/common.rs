//! What every command needs: loading inputs with clear errors, and writing outputs safely.

use crate::cli::exit;
use calm_model::Document;
use std::io::Write;
use std::path::Path;

/// Inputs at least this big together run with transparent huge pages
/// ([`huge_pages_for_big_workloads`]).
const BIG_INPUT_BYTES: u64 = 1 << 20;

/// Turn transparent huge pages back on (main.rs turns them off before the first allocation)
/// when the workload gains from them: inputs of 1 MiB or more together, or a workload whose size
/// the command line does not tell (`input_files` is `None`: a server, the chat). A big heap gains
/// from them (a 10,000-node review runs about 13 % faster, a 3,000-node validate 15-25 %); a
/// small run touches a few MB, where zeroing whole 2 MB pages costs more than it saves. Memory
/// touched so far keeps its small pages; later growth of the heap gets huge ones.
pub fn huge_pages_for_big_workloads<'a>(input_files: Option<impl IntoIterator<Item = &'a Path>>) {
    #[cfg(target_os = "linux")]
    {
        let big = input_files.is_none_or(|files| {
            let total: u64 = files
                .into_iter()
                .map(|p| std::fs::metadata(p).map_or(0, |m| m.len()))
                .sum();
            total >= BIG_INPUT_BYTES
        });
        if big {
            // Best effort: without it the run is only slower.
            let _ = rustix::thread::disable_transparent_huge_pages(false);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = input_files;
}

/// An error that ends the command with a message and a documented exit code.
#[derive(Debug)]
pub struct CliError {
    pub code: u8,
    pub message: String,
}

impl CliError {
    pub fn input(message: impl Into<String>) -> Self {
        CliError {
            code: exit::INPUT,
            message: message.into(),
        }
    }
    pub fn refused(message: impl Into<String>) -> Self {
        CliError {
            code: exit::REFUSED,
            message: message.into(),
        }
    }
}

impl From<calm_model::LoadError> for CliError {
    /// On the command line the user named the file: show the line with a caret under the
    /// position. (The error text alone never quotes the file: the MCP server shows only that.)
    fn from(e: calm_model::LoadError) -> Self {
        match e.snippet() {
            Some(snippet) => CliError::input(format!("{e}\n{snippet}")),
            None => CliError::input(e.to_string()),
        }
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::input(e.to_string())
    }
}

pub type CmdResult = Result<u8, CliError>;

/// Load an architecture (or any CALM JSON) file; errors name the file and position.
pub fn load_document(path: &Path) -> Result<Document, CliError> {
    Ok(Document::load_path(path)?)
}

/// Write `content` to `path` atomically (temp file in the same folder, then rename), keeping the
/// permissions of an existing file; or to stdout when `path` is `None`.
pub fn write_output(path: Option<&Path>, content: &[u8]) -> Result<(), CliError> {
    write_output_with(path, |w| w.write_all(content))
}

/// Like [`write_output`], with the content produced by `write` straight into the destination
/// (large JSON reports are streamed instead of being held in memory twice).
pub fn write_output_with(
    path: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), CliError> {
    match path {
        None => {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            write(&mut out).and_then(|_| out.flush()).or_else(|e| {
                // A closed pipe (e.g. `| head`) is not an error worth reporting.
                if e.kind() == std::io::ErrorKind::BrokenPipe {
                    Ok(())
                } else {
                    Err(e)
                }
            })?;
            Ok(())
        }
        Some(p) => write_atomic_with(p, write),
    }
}

/// Atomic file write: never leaves a half-written file behind.
pub fn write_atomic(path: &Path, content: &[u8]) -> Result<(), CliError> {
    write_atomic_with(path, |w| w.write_all(content))
}

fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), CliError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)
        .map_err(|e| CliError::input(format!("cannot create {}: {e}", dir.display())))?;
    let tmp = tempfile::NamedTempFile::new_in(&dir)
        .map_err(|e| CliError::input(format!("cannot write in {}: {e}", dir.display())))?;
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, tmp);
    write(&mut buffered)
        .and_then(|_| buffered.flush())
        .map_err(|e| CliError::input(format!("cannot write {}: {e}", path.display())))?;
    let tmp = buffered
        .into_inner()
        .map_err(|e| CliError::input(format!("cannot write {}: {}", path.display(), e.error())))?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| CliError::input(format!("cannot write {}: {e}", path.display())))?;
    match std::fs::metadata(path) {
        Ok(meta) => {
            let _ = std::fs::set_permissions(tmp.path(), meta.permissions());
        }
        // A new file gets ordinary permissions, not the temp file's private 0600.
        #[cfg(unix)]
        Err(_) => {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644));
        }
        #[cfg(not(unix))]
        Err(_) => {}
    }
    tmp.persist(path)
        .map_err(|e| CliError::input(format!("cannot write {}: {}", path.display(), e.error)))?;
    Ok(())
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use rustix::thread::{disable_transparent_huge_pages, transparent_huge_pages_are_disabled};

    /// The only test that changes the process's huge-page setting (it is per process).
    #[test]
    fn huge_pages_come_back_for_big_or_unsized_workloads_only() {
        let dir = tempfile::tempdir().unwrap();
        let small = dir.path().join("small.json");
        let big = dir.path().join("big.json");
        std::fs::write(&small, "{}").unwrap();
        std::fs::File::create(&big)
            .unwrap()
            .set_len(BIG_INPUT_BYTES)
            .unwrap();
        if disable_transparent_huge_pages(true).is_err() {
            return; // a kernel without the prctl: nothing to check
        }
        huge_pages_for_big_workloads(Some([small.as_path()]));
        assert!(transparent_huge_pages_are_disabled().unwrap());
        // A missing file counts as empty: still small.
        huge_pages_for_big_workloads(Some([dir.path().join("missing.json").as_path()]));
        assert!(transparent_huge_pages_are_disabled().unwrap());
        // Together at least 1 MiB.
        huge_pages_for_big_workloads(Some([small.as_path(), big.as_path()]));
        assert!(!transparent_huge_pages_are_disabled().unwrap());

        disable_transparent_huge_pages(true).unwrap();
        huge_pages_for_big_workloads(None::<[&Path; 0]>);
        assert!(!transparent_huge_pages_are_disabled().unwrap());
    }
}
