//! Where the two architectures come from: a file path, or `git:REV:PATH` (so CI can diff a PR
//! against its base). This library runs no processes: the bytes of a `git:` input come from the
//! caller's [`GitReader`] (the `calm-advisor` binary runs
//! `git cat-file blob --end-of-options REV:PATH` in the current directory's repository).
//!
//! User values never reach git as options: a revision or path starting with `-` is refused when
//! the spec is parsed, before the reader is asked.

use calm_model::{Document, Source};
use std::path::{Path, PathBuf};

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

/// Reads `git:REV:PATH` inputs for [`load_architecture`]; implemented by the caller (the binary
/// runs git), so the library itself starts no process.
pub trait GitReader {
    /// The bytes of `path` at `rev`. Both come from [`InputSpec::parse`], so neither starts with
    /// `-`; `spec` is what the user wrote, for messages. Errors are complete user-facing messages.
    fn read_blob(&self, rev: &str, path: &str, spec: &str) -> Result<Vec<u8>, String>;
    /// The repository's top level, against which ADR paths are resolved; `None` if unknown.
    fn toplevel(&self) -> Option<PathBuf>;
}

/// A [`GitReader`] for callers that read files only: every `git:REV:PATH` input is an error.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoGit;

impl GitReader for NoGit {
    fn read_blob(&self, _rev: &str, _path: &str, spec: &str) -> Result<Vec<u8>, String> {
        Err(format!(
            "{spec}: git:REV:PATH inputs are not available here"
        ))
    }
    fn toplevel(&self) -> Option<PathBuf> {
        None
    }
}

/// Load an architecture from a path or `git:REV:PATH` (its bytes from `git`, which is asked only
/// for a well-formed `git:` spec). Errors are complete user-facing messages.
pub fn load_architecture(spec: &str, git: &dyn GitReader) -> Result<LoadedArchitecture, String> {
    let loaded = load_any(spec, git)?;
    if !loaded.doc.value.is_object() {
        return Err(format!(
            "{spec}: not a CALM document (the top-level JSON value is not an object)"
        ));
    }
    Ok(loaded)
}

fn load_any(spec: &str, git: &dyn GitReader) -> Result<LoadedArchitecture, String> {
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
            let bytes = git.read_blob(&rev, &path, spec)?;
            let text = calm_model::json::decode(spec, bytes).map_err(|e| e.to_string())?;
            let doc = Document::parse(Source::new(spec, None, text)).map_err(|e| e.to_string())?;
            let mut base_dirs = Vec::new();
            if let Some(top) = git.toplevel() {
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
        // Refused before the reader (which runs git in the binary) is asked.
        struct MustNotRun;
        impl GitReader for MustNotRun {
            fn read_blob(&self, _: &str, _: &str, spec: &str) -> Result<Vec<u8>, String> {
                panic!("git asked for {spec}")
            }
            fn toplevel(&self) -> Option<PathBuf> {
                panic!("git asked for the top level")
            }
        }
        for spec in ["git:--output=/nonexistent/evil:a.json", "git:HEAD:-x.json"] {
            assert!(load_architecture(spec, &MustNotRun).is_err(), "{spec}");
        }
    }

    #[test]
    fn git_inputs_come_from_the_reader() {
        struct Fake;
        impl GitReader for Fake {
            fn read_blob(&self, rev: &str, path: &str, _: &str) -> Result<Vec<u8>, String> {
                assert_eq!((rev, path), ("HEAD~1", "arch/x.json"));
                Ok(br#"{"nodes": []}"#.to_vec())
            }
            fn toplevel(&self) -> Option<PathBuf> {
                Some(PathBuf::from("/repo"))
            }
        }
        let a = load_architecture("git:HEAD~1:arch/x.json", &Fake).unwrap();
        assert_eq!(a.label, "git:HEAD~1:arch/x.json");
        assert_eq!(
            a.base_dirs,
            [PathBuf::from("/repo"), PathBuf::from("/repo/arch")]
        );
        let e = load_architecture("git:HEAD:x.json", &NoGit).unwrap_err();
        assert!(e.contains("not available"), "{e}");
    }
}
