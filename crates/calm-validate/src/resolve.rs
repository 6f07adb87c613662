//! Resolving a reference found in a CALM document (`$schema`, `requirement-url`, `config-url`,
//! `details.detailed-architecture`, `details.required-pattern`) to a document, offline.
//!
//! Resolution order (first hit wins):
//! 1. a schema registered under that `$id` (embedded CALM meta-schemas, `-s` directories);
//! 2. a `-u/--url-to-local-file-mapping` entry for that URL;
//! 3. a `file://` URL or an absolute path;
//! 4. a relative path, first against the **referring document's directory** (our deliberate
//!    fix), then against the base directory given by the caller (the reference CLI's basePath:
//!    the `-p` pattern's directory, else the working directory), so documents written for the
//!    reference's behaviour still resolve.
//!
//! Any other URL (`https:`, `http:`, `calm:`, ...) is [`UnresolvedKind::RemoteOffline`]: we never
//! fetch. [`Resolver::reference_compat`] switches step 4 to the reference's behaviour (base
//! directory only), for conformance measurements.

use crate::schemas::registry::{SchemaRegistry, key_of, read_structured};
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// How a reference was resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResolvedFrom {
    /// A registered schema (`$id` match).
    Registry,
    /// A `-u` mapping.
    UrlMapping,
    /// A `file://` URL or an absolute path.
    AbsolutePath,
    /// A relative path, against the referring document's directory.
    RelativeToDocument,
    /// A relative path, against the caller's base directory (cwd or the `-p` directory).
    RelativeToBase,
}

/// A resolved document.
#[derive(Debug, Clone)]
pub struct ResolvedDocument {
    pub value: Arc<Value>,
    pub from: ResolvedFrom,
    /// The file it was read from (None for embedded schemas).
    pub path: Option<PathBuf>,
    /// The URL it was registered or mapped under, when it was a URL.
    pub url: Option<String>,
}

/// Why a reference did not resolve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnresolvedKind {
    /// A remote URL that is neither registered nor mapped: we do not fetch.
    RemoteOffline,
    /// A local path that does not exist (in any of the directories tried).
    NotFound,
    /// The file exists but cannot be read or parsed.
    Unreadable,
    /// Empty reference or one we refuse (e.g. a JSON Schema draft URL as a document).
    Invalid,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    pub reference: String,
    pub kind: UnresolvedKind,
    /// A sentence saying what was tried.
    pub reason: String,
}

impl std::fmt::Display for Unresolved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)
    }
}

#[derive(Debug, Clone)]
pub enum Resolved {
    Found(ResolvedDocument),
    Unresolved(Unresolved),
}

impl Resolved {
    pub fn found(&self) -> Option<&ResolvedDocument> {
        match self {
            Resolved::Found(d) => Some(d),
            Resolved::Unresolved(_) => None,
        }
    }
}

/// Directories the process may read referenced files from (canonical paths), when confined.
static READ_ROOTS: std::sync::RwLock<Option<Vec<PathBuf>>> = std::sync::RwLock::new(None);

/// Confine every file a reference makes the validator read (control requirements, detailed
/// architectures, patterns named by documents) to `roots`, for the whole process; `None` lifts
/// the confinement. The MCP server sets this to its allowed roots: a document an assistant hands
/// over cannot make calm-advisor read files elsewhere. Paths are compared after resolving
/// symlinks, so a link inside a root that points out is outside.
pub fn set_read_roots(roots: Option<Vec<PathBuf>>) {
    let roots = roots.map(|rs| {
        rs.into_iter()
            .map(|r| std::fs::canonicalize(&r).unwrap_or(r))
            .collect()
    });
    *READ_ROOTS.write().unwrap_or_else(|e| e.into_inner()) = roots;
}

fn read_roots() -> Option<Vec<PathBuf>> {
    READ_ROOTS.read().unwrap_or_else(|e| e.into_inner()).clone()
}

/// Resolves references against a [`SchemaRegistry`] and the file system. Files read are cached
/// (a requirement schema shared by thousands of controls is parsed once).
pub struct Resolver<'r> {
    pub registry: &'r SchemaRegistry,
    base_dir: PathBuf,
    cwd: Option<PathBuf>,
    reference_compat: bool,
    files: Mutex<HashMap<PathBuf, Result<Arc<Value>, String>>>,
}

impl<'r> Resolver<'r> {
    /// `base_dir`: the reference's basePath (the `-p` pattern's directory, else the cwd).
    pub fn new(registry: &'r SchemaRegistry, base_dir: impl Into<PathBuf>) -> Resolver<'r> {
        Resolver {
            registry,
            base_dir: base_dir.into(),
            cwd: None,
            reference_compat: false,
            files: Mutex::new(HashMap::new()),
        }
    }

    /// With `true`, relative paths resolve only against the base directory, as the reference CLI
    /// does (not against the referring document's directory).
    pub fn reference_compat(mut self, on: bool) -> Self {
        self.reference_compat = on;
        self
    }

    /// The process working directory, when it differs from `base_dir` (i.e. with `-p`). Only
    /// used in reference-compatible mode, where the reference resolves a relative `config-url`
    /// against the working directory even when `-p` is given (corpus case: qcon scenario3).
    pub fn with_cwd(mut self, cwd: impl Into<PathBuf>) -> Self {
        self.cwd = Some(cwd.into());
        self
    }

    pub fn base_dir(&self) -> &Path {
        &self.base_dir
    }

    /// Resolve `reference` found in `referring_file` (None for inline documents).
    /// A `#fragment` on a URL selects a part of the document (JSON pointer).
    pub fn resolve_document(&self, reference: &str, referring_file: Option<&Path>) -> Resolved {
        self.resolve_kind(reference, referring_file, RefKind::Document)
    }

    /// Resolve a control's `config-url` (differs from [`Self::resolve_document`] only in
    /// reference-compatible mode, see [`Self::with_cwd`]).
    pub fn resolve_config(&self, reference: &str, referring_file: Option<&Path>) -> Resolved {
        self.resolve_kind(reference, referring_file, RefKind::Config)
    }

    fn resolve_kind(
        &self,
        reference: &str,
        referring_file: Option<&Path>,
        kind: RefKind,
    ) -> Resolved {
        let reference_trimmed = reference.trim();
        let unresolved = |kind, reason: String| {
            Resolved::Unresolved(Unresolved {
                reference: reference.to_string(),
                kind,
                reason,
            })
        };
        if reference_trimmed.is_empty() {
            return unresolved(UnresolvedKind::Invalid, "the reference is empty".into());
        }
        let (base, fragment) = match reference_trimmed.split_once('#') {
            Some((b, f)) => (b, Some(f)),
            None => (reference_trimmed, None),
        };
        let with_fragment = |doc: ResolvedDocument| -> Resolved {
            match fragment {
                None | Some("") => Resolved::Found(doc),
                Some(f) => match doc.value.pointer(f) {
                    Some(part) => Resolved::Found(ResolvedDocument {
                        value: Arc::new(part.clone()),
                        ..doc
                    }),
                    None => unresolved(
                        UnresolvedKind::NotFound,
                        format!("'{reference}': the document has nothing at #{f}"),
                    ),
                },
            }
        };

        // 1. registered schemas
        if let Some(v) = self.registry.get(base) {
            let path = match self.registry.source(base) {
                Some(crate::schemas::SchemaSource::File(p)) => Some(p.clone()),
                _ => None,
            };
            return with_fragment(ResolvedDocument {
                value: v.clone(),
                from: ResolvedFrom::Registry,
                path,
                url: Some(key_of(base).to_string()),
            });
        }
        // 2. -u mappings
        if let Some(p) = self.registry.mapped_path(base) {
            let p = p.to_path_buf();
            return match self.read(&p) {
                Ok(v) => with_fragment(ResolvedDocument {
                    value: v,
                    from: ResolvedFrom::UrlMapping,
                    path: Some(p),
                    url: Some(base.to_string()),
                }),
                Err(e) => unresolved(
                    UnresolvedKind::Unreadable,
                    format!("'{reference}' is mapped to {}, which {e}", p.display()),
                ),
            };
        }
        // 3. file URLs, absolute paths; other schemes are remote
        if let Some(p) = crate::json_schema::file_url_to_path(base) {
            return self
                .read_path(reference, &p, ResolvedFrom::AbsolutePath)
                .map_or_else(|u| u, with_fragment);
        }
        if let Some(scheme) = url_scheme(base) {
            let hint = if base.contains("calm.finos.org/") && base.contains("/meta/") {
                format!(
                    " (embedded CALM meta-schemas: {})",
                    crate::schemas::EMBEDDED_VERSIONS
                        .iter()
                        .map(|v| v.meta_url("calm.json"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            } else {
                String::new()
            };
            return unresolved(
                UnresolvedKind::RemoteOffline,
                format!(
                    "'{reference}' is a {scheme} URL that is not an embedded schema, not in a -s schema directory and not mapped with -u; calm-advisor never fetches from the network{hint}"
                ),
            );
        }
        let path = Path::new(base);
        if path.is_absolute() {
            return self
                .read_path(reference, path, ResolvedFrom::AbsolutePath)
                .map_or_else(|u| u, with_fragment);
        }
        // 4. relative paths
        let mut tried = Vec::new();
        let doc_dir = referring_file.map(|f| f.parent().unwrap_or(Path::new("")).to_path_buf());
        let mut candidates: Vec<(PathBuf, ResolvedFrom)> = Vec::new();
        if let (false, Some(d)) = (self.reference_compat, &doc_dir) {
            let d = if d.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                d.clone()
            };
            candidates.push((d.join(path), ResolvedFrom::RelativeToDocument));
        }
        let relative_base = match (kind, self.reference_compat, &self.cwd) {
            (RefKind::Config, true, Some(cwd)) => cwd,
            _ => &self.base_dir,
        };
        candidates.push((relative_base.join(path), ResolvedFrom::RelativeToBase));
        for (candidate, from) in candidates {
            if candidate.is_file() {
                return self
                    .read_path(reference, &candidate, from)
                    .map_or_else(|u| u, with_fragment);
            }
            tried.push(candidate.display().to_string());
        }
        tried.dedup();
        // `calm.finos.org/release/1.0/meta/calm.json`: a URL that lost its scheme.
        let first = base.split('/').next().unwrap_or("");
        let hint = if first.contains('.')
            && base.contains('/')
            && !first.ends_with(".json")
            && first != "."
            && first != ".."
        {
            format!("; if it is a URL, write it as https://{base}")
        } else {
            String::new()
        };
        unresolved(
            UnresolvedKind::NotFound,
            format!("'{reference}' not found (tried {}){hint}", tried.join(", ")),
        )
    }

    fn read_path(
        &self,
        reference: &str,
        path: &Path,
        from: ResolvedFrom,
    ) -> Result<ResolvedDocument, Resolved> {
        match self.read(path) {
            Ok(value) => Ok(ResolvedDocument {
                value,
                from,
                path: Some(path.to_path_buf()),
                url: None,
            }),
            Err(e) => {
                let kind = if path.exists() {
                    UnresolvedKind::Unreadable
                } else {
                    UnresolvedKind::NotFound
                };
                Err(Resolved::Unresolved(Unresolved {
                    reference: reference.to_string(),
                    kind,
                    reason: format!("'{reference}' ({}) {e}", path.display()),
                }))
            }
        }
    }

    fn read(&self, path: &Path) -> Result<Arc<Value>, String> {
        if let Some(hit) = self
            .files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(path)
        {
            return hit.clone();
        }
        let outside = read_roots().is_some_and(|roots| {
            // Symlinks resolved: a link inside a root pointing out is outside.
            !std::fs::canonicalize(path).is_ok_and(|c| roots.iter().any(|r| c.starts_with(r)))
        });
        let result = if outside {
            Err("is outside the allowed roots".to_string())
        } else if !path.is_file() {
            Err("does not exist".to_string())
        } else {
            read_structured(path)
                .map(Arc::new)
                .map_err(|e| format!("is {}", e.trim_start_matches("cannot read: ")))
        };
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_path_buf(), result.clone());
        result
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RefKind {
    Document,
    Config,
}

/// `https` for `https://…`, `calm` for `calm://…`; None for paths (including `C:\…`).
fn url_scheme(s: &str) -> Option<&str> {
    let (scheme, _) = s.split_once(':')?;
    let valid = scheme.len() > 1
        && scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(scheme)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> (tempfile::TempDir, SchemaRegistry) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("arch/controls")).unwrap();
        std::fs::create_dir_all(dir.path().join("cwd/controls")).unwrap();
        std::fs::write(
            dir.path().join("arch/controls/r.json"),
            r#"{"where":"doc"}"#,
        )
        .unwrap();
        std::fs::write(dir.path().join("cwd/controls/r.json"), r#"{"where":"cwd"}"#).unwrap();
        std::fs::write(
            dir.path().join("cwd/controls/only-cwd.json"),
            r#"{"where":"cwd"}"#,
        )
        .unwrap();
        std::fs::write(dir.path().join("cwd/bad.json"), "{oops").unwrap();
        (dir, SchemaRegistry::embedded())
    }

    #[test]
    fn registry_first_with_fragments() {
        let (dir, reg) = setup();
        let r = Resolver::new(&reg, dir.path());
        let found = r.resolve_document(
            "https://calm.finos.org/release/1.2/meta/core.json#/defs/node",
            None,
        );
        let d = found.found().expect("found");
        assert_eq!(d.from, ResolvedFrom::Registry);
        assert!(d.value.get("required").is_some());
    }

    #[test]
    fn relative_paths_prefer_the_documents_directory() {
        let (dir, reg) = setup();
        let arch = dir.path().join("arch/a.json");
        let r = Resolver::new(&reg, dir.path().join("cwd"));
        let d = r.resolve_document("controls/r.json", Some(&arch));
        let d = d.found().unwrap();
        assert_eq!(d.value["where"], "doc");
        assert_eq!(d.from, ResolvedFrom::RelativeToDocument);
        let d = r.resolve_document("controls/only-cwd.json", Some(&arch));
        assert_eq!(d.found().unwrap().from, ResolvedFrom::RelativeToBase);
        let compat = Resolver::new(&reg, dir.path().join("cwd")).reference_compat(true);
        assert_eq!(
            compat
                .resolve_document("controls/r.json", Some(&arch))
                .found()
                .unwrap()
                .value["where"],
            "cwd"
        );
        // Reference-compatible config-url: against the working directory, not the -p directory.
        let compat = Resolver::new(&reg, dir.path().join("cwd"))
            .with_cwd(dir.path().join("arch"))
            .reference_compat(true);
        assert_eq!(
            compat
                .resolve_document("controls/r.json", None)
                .found()
                .unwrap()
                .value["where"],
            "cwd"
        );
        assert_eq!(
            compat
                .resolve_config("controls/r.json", None)
                .found()
                .unwrap()
                .value["where"],
            "doc"
        );
        assert!(
            compat
                .resolve_config("controls/only-cwd.json", Some(&arch))
                .found()
                .is_none()
        );
        // Outside compat mode configs resolve like everything else.
        let default = Resolver::new(&reg, dir.path().join("cwd")).with_cwd(dir.path().join("arch"));
        assert_eq!(
            default
                .resolve_config("controls/only-cwd.json", Some(&arch))
                .found()
                .unwrap()
                .from,
            ResolvedFrom::RelativeToBase
        );
    }

    #[test]
    fn remote_urls_are_never_fetched() {
        let (dir, reg) = setup();
        let r = Resolver::new(&reg, dir.path());
        for url in [
            "https://internal-policy.example.com/security/tls.json",
            "http://localhost:8080/x",
            "calm://calm.finos.org/calm/namespaces/workshop/patterns/1/versions/1.0.0",
            "https://calm.finos.org/getting-started/controls/micro-segmentation.requirement.json",
        ] {
            match r.resolve_document(url, None) {
                Resolved::Unresolved(u) => {
                    assert_eq!(u.kind, UnresolvedKind::RemoteOffline, "{url}");
                    assert!(u.reason.contains("never fetches"));
                }
                Resolved::Found(_) => panic!("{url} resolved"),
            }
        }
    }

    #[test]
    fn missing_bad_and_mapped_files() {
        let (dir, mut reg) = setup();
        {
            let r = Resolver::new(&reg, dir.path().join("cwd"));
            let Resolved::Unresolved(u) =
                r.resolve_document("nope.json", Some(&dir.path().join("arch/a.json")))
            else {
                panic!()
            };
            assert_eq!(u.kind, UnresolvedKind::NotFound);
            assert!(u.reason.contains("arch"), "{}", u.reason);
            let Resolved::Unresolved(u) = r.resolve_document("bad.json", None) else {
                panic!()
            };
            assert_eq!(u.kind, UnresolvedKind::Unreadable);
            assert!(u.reason.contains("not valid JSON"), "{}", u.reason);
        }
        reg.map_url(
            "https://example.com/r.json",
            dir.path().join("arch/controls/r.json"),
        );
        let r = Resolver::new(&reg, dir.path());
        let d = r.resolve_document("https://example.com/r.json", None);
        assert_eq!(d.found().unwrap().from, ResolvedFrom::UrlMapping);
        let abs = dir.path().join("cwd/controls/r.json");
        let d = r.resolve_document(abs.to_str().unwrap(), None);
        assert_eq!(d.found().unwrap().from, ResolvedFrom::AbsolutePath);
    }

    #[test]
    fn hints_for_scheme_less_urls_and_unknown_calm_versions() {
        let (dir, reg) = setup();
        let r = Resolver::new(&reg, dir.path());
        let Resolved::Unresolved(u) =
            r.resolve_document("calm.finos.org/release/1.0/meta/calm.json", None)
        else {
            panic!()
        };
        assert!(
            u.reason
                .ends_with("write it as https://calm.finos.org/release/1.0/meta/calm.json"),
            "{}",
            u.reason
        );
        let Resolved::Unresolved(u) = r.resolve_document("controls/none.json", None) else {
            panic!()
        };
        assert!(!u.reason.contains("https://"), "{}", u.reason);
        let Resolved::Unresolved(u) = r.resolve_document(
            "https://calm.finos.org/calm/schemas/2025-03/meta/calm.json",
            None,
        ) else {
            panic!()
        };
        assert!(
            u.reason
                .contains("https://calm.finos.org/release/1.2/meta/calm.json"),
            "{}",
            u.reason
        );
    }

    #[test]
    fn schemes_and_paths() {
        assert_eq!(url_scheme("https://x"), Some("https"));
        assert_eq!(url_scheme("calm://x"), Some("calm"));
        assert_eq!(url_scheme("controls/x.json"), None);
        assert_eq!(url_scheme("C:\\x.json"), None);
    }
}
