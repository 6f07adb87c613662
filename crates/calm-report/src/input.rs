//! Where the two architectures come from: a file path, or `git:REV:PATH` read through
//! `git cat-file blob --end-of-options REV:PATH` in the current directory's repository (so CI can
//! diff a PR against its base).
//!
//! User values never reach git as options: a revision or path starting with `-` is refused when
//! the spec is parsed, and `--end-of-options` (git >= 2.24) precedes the object name. git is run
//! directly (no shell).

use calm_model::{Document, Source};
use std::path::{Path, PathBuf};
use std::process::Command;

/// An architecture loaded for diff/report, with where it came from.
#[derive(Debug, Clone)]
pub struct LoadedArchitecture {
    pub doc: Document,
    /// What the user wrote (`path` or `git:REV:PATH`), used in messages and headings.
    pub label: String,
    /// The directory ADR paths are resolved against: the file's folder for a path, the
    /// repository's top level for `git:`.
    pub base_dirs: Vec<PathBuf>,
}

/// Parsed form of an input spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputSpec {
    Path(PathBuf),
    Git { rev: String, path: String },
}

impl InputSpec {
    /// `git:REV:PATH` (REV may not contain `:`; PATH may), anything else is a path. A REV or PATH
    /// starting with `-` is refused: git could read it as an option.
    pub fn parse(spec: &str) -> Result<InputSpec, String> {
        match spec.strip_prefix("git:") {
            None => Ok(InputSpec::Path(PathBuf::from(spec))),
            Some(rest) => match rest.split_once(':') {
                Some((rev, _)) if rev.starts_with('-') => Err(format!(
                    "`{spec}`: the revision `{rev}` starts with `-` and could be read by git as an option; refusing it (use a branch, tag, commit id or e.g. HEAD~1)"
                )),
                Some((_, path)) if path.starts_with('-') => Err(format!(
                    "`{spec}`: the path `{path}` starts with `-` and could be read by git as an option; refusing it (write it as ./{path})"
                )),
                Some((rev, path)) if !rev.is_empty() && !path.is_empty() => Ok(InputSpec::Git {
                    rev: rev.to_string(),
                    path: path.to_string(),
                }),
                _ => Err(format!(
                    "`{spec}`: expected git:REV:PATH, e.g. git:HEAD~1:architectures/ecommerce-platform.json"
                )),
            },
        }
    }
}

/// Load an architecture from a path or `git:REV:PATH`. Errors are complete user-facing messages.
pub fn load_architecture(spec: &str) -> Result<LoadedArchitecture, String> {
    let loaded = load_any(spec)?;
    if !loaded.doc.value.is_object() {
        return Err(format!(
            "{spec}: not a CALM document (the top-level JSON value is not an object)"
        ));
    }
    Ok(loaded)
}

fn load_any(spec: &str) -> Result<LoadedArchitecture, String> {
    match InputSpec::parse(spec)? {
        InputSpec::Path(path) => {
            let doc = Document::load_path(&path).map_err(|e| e.to_string())?;
            Ok(LoadedArchitecture {
                doc,
                label: spec.to_string(),
                base_dirs: dirs_for_path(&path),
            })
        }
        InputSpec::Git { rev, path } => {
            let bytes = git_show(&rev, &path, spec)?;
            let text = calm_model::json::decode(spec, bytes).map_err(|e| e.to_string())?;
            let doc = Document::parse(Source::new(spec, None, text)).map_err(|e| e.to_string())?;
            let mut base_dirs = Vec::new();
            if let Some(top) = git_toplevel() {
                // ADR paths in `adrs` are usually relative to the repository root; also try the
                // folder of the architecture inside the repository.
                base_dirs.push(top.clone());
                if let Some(parent) = Path::new(&path).parent()
                    && !parent.as_os_str().is_empty()
                {
                    base_dirs.push(top.join(parent));
                }
            }
            Ok(LoadedArchitecture {
                doc,
                label: spec.to_string(),
                base_dirs,
            })
        }
    }
}

/// The file's folder and its ancestors up to (and including) the enclosing repository root,
/// nearest first: `adrs` entries are written relative to the repository, and the architecture
/// usually sits in `architectures/`.
fn dirs_for_path(path: &Path) -> Vec<PathBuf> {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = Vec::new();
    let mut cur = abs.parent();
    while let Some(dir) = cur {
        out.push(dir.to_path_buf());
        if dir.join(".git").exists() || out.len() >= 4 {
            break;
        }
        cur = dir.parent();
    }
    out
}

/// The bytes of `PATH` at `REV`. `rev`/`path` come from [`InputSpec::parse`] (neither starts with
/// `-`); `--end-of-options` makes git treat the object name as an argument whatever it contains,
/// and `cat-file blob` takes exactly one object name (no pathspec guessing, no pager, raw bytes).
fn git_show(rev: &str, path: &str, spec: &str) -> Result<Vec<u8>, String> {
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

fn git_toplevel() -> Option<PathBuf> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_specs() {
        assert_eq!(
            InputSpec::parse("a/b.json").unwrap(),
            InputSpec::Path("a/b.json".into())
        );
        assert_eq!(
            InputSpec::parse("git:HEAD~1:arch/x.json").unwrap(),
            InputSpec::Git {
                rev: "HEAD~1".into(),
                path: "arch/x.json".into()
            }
        );
        assert!(
            InputSpec::parse("git:HEAD")
                .unwrap_err()
                .contains("git:REV:PATH")
        );
        assert!(InputSpec::parse("git::x.json").is_err());
    }

    #[test]
    fn refuses_option_like_revisions_and_paths() {
        let e = InputSpec::parse("git:--output=../elsewhere/x:day13.json").unwrap_err();
        assert!(e.contains("revision `--output=../elsewhere/x`"), "{e}");
        assert!(e.contains("starts with `-`"), "{e}");
        let e = InputSpec::parse("git:-p:arch.json").unwrap_err();
        assert!(e.contains("revision `-p`"), "{e}");
        let e = InputSpec::parse("git:HEAD:--output=x").unwrap_err();
        assert!(e.contains("path `--output=x`"), "{e}");
        // A dash later in the value is fine, and so is a path that merely starts with `-` when
        // not in git: form.
        assert!(InputSpec::parse("git:feature-x:arch/a-b.json").is_ok());
        assert_eq!(
            InputSpec::parse("-odd.json").unwrap(),
            InputSpec::Path("-odd.json".into())
        );
        // Refused before git runs.
        assert!(load_architecture("git:--output=/nonexistent/evil:a.json").is_err());
    }
}
