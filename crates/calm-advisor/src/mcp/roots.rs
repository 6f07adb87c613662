//! Where an AI assistant may make the MCP server read and write: the allowed roots.
//!
//! The roots are the client's (`roots/list`, re-read on `notifications/roots/list_changed`) when
//! it offers them, else the directory the server was started in; `--root DIR` adds more either
//! way. Every path a tool names (`path`, `output`, and the files a document references, through
//! calm-validate's process-wide read confinement) is resolved — `..` and symlinks included —
//! and must fall inside one of them. Modelled on the official filesystem MCP server.

use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, RwLock};

/// The allowed roots of one server (shared by every tool call).
#[derive(Debug, Clone)]
pub struct Roots {
    inner: Arc<RwLock<State>>,
}

#[derive(Debug)]
struct State {
    /// The directory the server was started in (the default root).
    start: PathBuf,
    /// `--root DIR` from the command line.
    extra: Vec<PathBuf>,
    /// The client's roots, when it offers them.
    client: Option<Vec<PathBuf>>,
}

/// Extensions `render` may write (the formats it produces).
pub const OUTPUT_EXTENSIONS: &[&str] = &["svg", "png", "html", "md", "mmd", "json"];

impl Roots {
    pub fn new(start: PathBuf, extra: Vec<PathBuf>) -> Roots {
        Roots {
            inner: Arc::new(RwLock::new(State {
                start: canonical(&start),
                extra: extra.iter().map(|p| canonical(p)).collect(),
                client: None,
            })),
        }
    }

    /// Replace the client's roots (from `roots/list`); `file://` URIs only, others ignored.
    pub fn set_client_roots(&self, uris: &[String]) {
        let dirs: Vec<PathBuf> = uris
            .iter()
            .filter_map(|u| file_uri_path(u))
            .map(|p| canonical(&p))
            .collect();
        self.inner.write().unwrap_or_else(|e| e.into_inner()).client = Some(dirs);
    }

    /// The effective roots: the client's (or the start directory), plus `--root` ones.
    pub fn list(&self) -> Vec<PathBuf> {
        let s = self.inner.read().unwrap_or_else(|e| e.into_inner());
        let mut v: Vec<PathBuf> = match &s.client {
            Some(c) => c.clone(),
            None => vec![s.start.clone()],
        };
        for e in &s.extra {
            if !v.contains(e) {
                v.push(e.clone());
            }
        }
        v
    }

    /// Tell calm-validate (process-wide), so references a document makes it follow stay inside
    /// too. The server calls this when it starts and whenever the roots change.
    pub fn publish(&self) {
        calm_validate::resolve::set_read_roots(Some(self.list()));
    }

    fn describe(&self) -> String {
        self.list()
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn refuse(&self, what: &str, given: &str) -> String {
        format!(
            "{what} `{given}` is outside the allowed roots ({}); the server reads and writes only inside them (the client's roots, or the directory it was started in, plus `--root DIR`)",
            self.describe()
        )
    }

    fn start(&self) -> PathBuf {
        self.inner
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .start
            .clone()
    }

    /// A file to read: it must exist and resolve (symlinks followed) inside a root.
    pub fn readable(&self, given: &str) -> Result<PathBuf, String> {
        let p = self.absolute(given);
        let real = std::fs::canonicalize(&p).map_err(|_| {
            // Say nothing about files outside the roots, not even whether they exist.
            if self.inside(&lexical(&p)) {
                format!("cannot read `{given}`: no such file")
            } else {
                self.refuse("path", given)
            }
        })?;
        if !self.inside(&real) {
            return Err(self.refuse("path", given));
        }
        Ok(real)
    }

    /// A file to write: its directory must exist inside a root, and when the file exists (or
    /// is a symlink) what it resolves to must be inside too.
    pub fn writable(&self, given: &str) -> Result<PathBuf, String> {
        let p = self.absolute(given);
        let name = p
            .file_name()
            .ok_or_else(|| format!("`{given}` names no file"))?
            .to_owned();
        let parent = p.parent().unwrap_or(Path::new("/"));
        let dir = std::fs::canonicalize(parent).map_err(|_| {
            if self.inside(&lexical(parent)) {
                format!("cannot write `{given}`: its directory does not exist")
            } else {
                self.refuse("output", given)
            }
        })?;
        let target = dir.join(&name);
        if !self.inside(&dir) {
            return Err(self.refuse("output", given));
        }
        if std::fs::symlink_metadata(&target).is_ok() {
            let real = std::fs::canonicalize(&target).map_err(|_| self.refuse("output", given))?;
            if !self.inside(&real) {
                return Err(self.refuse("output", given));
            }
            return Ok(real);
        }
        Ok(target)
    }

    fn absolute(&self, given: &str) -> PathBuf {
        let p = Path::new(given);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.start().join(p)
        }
    }

    fn inside(&self, p: &Path) -> bool {
        self.list().iter().any(|r| p.starts_with(r))
    }
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| lexical(p))
}

/// `..` and `.` removed without touching the file system (for paths that do not exist).
fn lexical(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The path of a `file://` URI (percent-decoded); `None` for other schemes.
fn file_uri_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    // `file:///dir` or `file://localhost/dir`.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    let mut bytes = Vec::with_capacity(rest.len());
    let raw = rest.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'%'
            && i + 2 < raw.len()
            && let Ok(b) = u8::from_str_radix(std::str::from_utf8(&raw[i + 1..i + 3]).ok()?, 16)
        {
            bytes.push(b);
            i += 3;
            continue;
        }
        bytes.push(raw[i]);
        i += 1;
    }
    Some(PathBuf::from(String::from_utf8(bytes).ok()?))
}

/// Output extension check: `render` writes only the formats it produces, and never over a file
/// of another kind.
pub fn output_extension_ok(path: &Path) -> Result<(), String> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if OUTPUT_EXTENSIONS.contains(&ext.as_str()) {
        Ok(())
    } else {
        Err(format!(
            "`{}`: the server writes only .{} files",
            path.display(),
            OUTPUT_EXTENSIONS.join(" .")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confinement() {
        let base = std::env::temp_dir().join(format!("calm-roots-{}", std::process::id()));
        let inside = base.join("project");
        let outside = base.join("elsewhere");
        std::fs::create_dir_all(inside.join("sub")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(inside.join("a.json"), "{}").unwrap();
        std::fs::write(outside.join("secret.json"), "{}").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(outside.join("secret.json"), inside.join("link.json")).unwrap();
        let r = Roots::new(inside.clone(), vec![]);
        assert!(r.readable("a.json").is_ok());
        assert!(r.readable("sub/../a.json").is_ok());
        assert!(r.readable("../elsewhere/secret.json").is_err());
        assert!(
            r.readable(outside.join("secret.json").to_str().unwrap())
                .is_err()
        );
        #[cfg(unix)]
        assert!(
            r.readable("link.json").is_err(),
            "a symlink pointing out is outside"
        );
        assert!(r.writable("out.svg").is_ok());
        assert!(r.writable("../elsewhere/evil.svg").is_err());
        assert!(r.writable("/tmp/evil.svg").is_err() || inside.starts_with("/tmp"));
        #[cfg(unix)]
        assert!(r.writable("link.json").is_err());
        // A client root replaces the start directory; --root adds.
        r.set_client_roots(&[format!("file://{}", outside.display())]);
        assert!(r.readable("../elsewhere/secret.json").is_ok());
        let r2 = Roots::new(inside.clone(), vec![outside.clone()]);
        assert!(
            r2.readable(outside.join("secret.json").to_str().unwrap())
                .is_ok()
        );
        assert!(output_extension_ok(Path::new("x.svg")).is_ok());
        assert!(output_extension_ok(Path::new("x.sh")).is_err());
        assert_eq!(
            file_uri_path("file:///a%20b/c"),
            Some(PathBuf::from("/a b/c"))
        );
        let _ = std::fs::remove_dir_all(&base);
    }
}
