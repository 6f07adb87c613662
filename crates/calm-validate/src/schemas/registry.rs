//! The schemas validation can see, by `$id`: our own CALM meta-schemas (embedded), plus
//! `-s/--schema-directory` files and `-u/--url-to-local-file-mapping` targets. Nothing is ever
//! fetched from the network.
//!
//! The embedded meta-schemas are written by us (see the `.json` files beside this module) from
//! the facts of the CALM spec. Versions that differ only in `$id` share one template: the
//! `{{META}}` placeholder in a template is replaced by the version's base URL, e.g.
//! `https://calm.finos.org/release/1.2/meta`.

use calm_model::CalmVersion;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex, OnceLock};

const CALM: &str = include_str!("calm.json");
const CORE: &str = include_str!("core.json");
const INTERFACE: &str = include_str!("interface.json");
const CONTROL: &str = include_str!("control.json");
const CONTROL_REQUIREMENT: &str = include_str!("control-requirement.json");
const EVIDENCE: &str = include_str!("evidence.json");
const UNITS: &str = include_str!("units.json");
const FLOW: &str = include_str!("flow.json");
const FLOW_1_0: &str = include_str!("flow-1.0.json");
const DECORATORS: &str = include_str!("decorators.json");
const DECORATORS_2026_03: &str = include_str!("decorators-2026-03.json");
const TIMELINE: &str = include_str!("timeline.json");
const CALM_TIMELINE: &str = include_str!("calm-timeline.json");
const CORE_RC1: &str = include_str!("legacy/core-rc1.json");
const CORE_2025_03: &str = include_str!("legacy/core-2025-03.json");
const INTERFACE_RC1: &str = include_str!("legacy/interface-rc1.json");
const INTERFACE_2025_03: &str = include_str!("legacy/interface-2025-03.json");
const CONTROL_RC1: &str = include_str!("legacy/control-rc1.json");
const CONTROL_2025_03: &str = include_str!("legacy/control-2025-03.json");
const EVIDENCE_LEGACY: &str = include_str!("legacy/evidence.json");
const UNITS_LEGACY: &str = include_str!("legacy/units.json");
const FLOW_RC1: &str = include_str!("legacy/flow-rc1.json");
const FLOW_2025_03: &str = include_str!("legacy/flow-2025-03.json");

/// Every CALM version we embed, oldest first.
pub const EMBEDDED_VERSIONS: [CalmVersion; 7] = [
    CalmVersion::V1_0Rc1,
    CalmVersion::V1_0Rc2,
    CalmVersion::V1_0,
    CalmVersion::V1_1,
    CalmVersion::V1_2,
    CalmVersion::Draft2025_03,
    CalmVersion::Draft2026_03,
];

/// The template text for each meta-schema file of a version.
fn templates(version: CalmVersion) -> Vec<(&'static str, &'static str)> {
    use CalmVersion::*;
    match version {
        V1_0Rc1 => vec![
            ("calm.json", CALM),
            ("core.json", CORE_RC1),
            ("interface.json", INTERFACE_RC1),
            ("control.json", CONTROL_RC1),
            ("control-requirement.json", CONTROL_REQUIREMENT),
            ("evidence.json", EVIDENCE_LEGACY),
            ("units.json", UNITS_LEGACY),
            ("flow.json", FLOW_RC1),
        ],
        Draft2025_03 => vec![
            ("calm.json", CALM),
            ("core.json", CORE_2025_03),
            ("interface.json", INTERFACE_2025_03),
            ("control.json", CONTROL_2025_03),
            ("control-requirement.json", CONTROL_REQUIREMENT),
            ("evidence.json", EVIDENCE_LEGACY),
            ("units.json", UNITS_LEGACY),
            ("flow.json", FLOW_2025_03),
        ],
        V1_0Rc2 | V1_0 | V1_1 | V1_2 | Draft2026_03 => {
            let mut v = vec![
                ("calm.json", CALM),
                ("core.json", CORE),
                ("interface.json", INTERFACE),
                ("control.json", CONTROL),
                ("control-requirement.json", CONTROL_REQUIREMENT),
                ("evidence.json", EVIDENCE),
                ("units.json", UNITS),
                // 1.1 is the first release whose flow schema enforces transition fields.
                (
                    "flow.json",
                    if matches!(version, V1_0Rc2 | V1_0) {
                        FLOW_1_0
                    } else {
                        FLOW
                    },
                ),
            ];
            if matches!(version, V1_2 | Draft2026_03) {
                v.push(("timeline.json", TIMELINE));
                v.push(("calm-timeline.json", CALM_TIMELINE));
                v.push((
                    "decorators.json",
                    if version == Draft2026_03 {
                        DECORATORS_2026_03
                    } else {
                        DECORATORS
                    },
                ));
            }
            v
        }
    }
}

/// One embedded meta-schema: its template text, parsed the first time it is needed. A run
/// touches the few files of one CALM version, so parsing all of them up front was most of the
/// start-up cost of `validate`.
pub(crate) struct EmbeddedSchema {
    id: String,
    template: &'static str,
    /// Whether the template declares [`META_VOCABULARIES`] (the `calm*.json` meta-schemas).
    declares_vocabularies: bool,
    /// The version's base URL, e.g. `https://calm.finos.org/release/1.2/meta`.
    base: String,
    file: &'static str,
    value: OnceLock<Arc<Value>>,
    /// See [`Self::without_draft_2020_12`].
    light: OnceLock<Option<Arc<Value>>>,
}

impl EmbeddedSchema {
    /// The parsed document (parsed once per process).
    pub(crate) fn value(&self) -> &Arc<Value> {
        self.value.get_or_init(|| Arc::new(self.parse()))
    }

    /// An owned copy for the `jsonschema` retriever: parsing the template once is cheaper than
    /// parsing it for the cache and then deep-copying it.
    pub(crate) fn to_value(&self) -> Value {
        match self.value.get() {
            Some(v) => (**v).clone(),
            None => self.parse(),
        }
    }

    /// For a `calm*.json` meta-schema (a dialect: `allOf` the JSON Schema 2020-12 meta-schema
    /// and a CALM schema), the same document with `allOf[0]` (`{"$ref": <2020-12>}`) replaced
    /// by `true`: what validating an instance costs when the 2020-12 part cannot report
    /// anything (see `json_schema::draft_2020_12_part_is_moot`). Everything else, including
    /// `allOf[1]` and so every error's schema path, stays as it is. `None` for other schemas.
    pub(crate) fn without_draft_2020_12(&self) -> Option<&Arc<Value>> {
        self.light
            .get_or_init(|| {
                if !self.declares_vocabularies {
                    return None;
                }
                let mut v = (**self.value()).clone();
                let first = v.get_mut("allOf")?.get_mut(0)?;
                if first.get("$ref").and_then(Value::as_str)
                    != Some(crate::json_schema::DRAFT_2020_12)
                {
                    return None;
                }
                *first = Value::Bool(true);
                Some(Arc::new(v))
            })
            .as_ref()
    }

    fn parse(&self) -> Value {
        let text = self.template.replace("{{META}}", &self.base);
        serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("embedded schema {} is not JSON: {e}", self.file))
    }
}

/// The `$vocabulary` keys of our `calm*.json` meta-schemas, `{{META}}` as in the templates.
/// Written out so that declaring them to the compiler parses nothing;
/// `vocabularies_match_a_full_parse` checks them against the templates.
const META_VOCABULARIES: [&str; 7] = [
    "https://json-schema.org/draft/2020-12/vocab/core",
    "https://json-schema.org/draft/2020-12/vocab/applicator",
    "https://json-schema.org/draft/2020-12/vocab/validation",
    "https://json-schema.org/draft/2020-12/vocab/meta-data",
    "https://json-schema.org/draft/2020-12/vocab/format-annotation",
    "https://json-schema.org/draft/2020-12/vocab/content",
    "{{META}}/core.json",
];

/// Every embedded meta-schema by `$id`, shared by all registries of the process (so a parsed
/// schema is parsed once, however many registries use it).
fn embedded_table() -> &'static BTreeMap<String, EmbeddedSchema> {
    static TABLE: LazyLock<BTreeMap<String, EmbeddedSchema>> = LazyLock::new(|| {
        let mut out = BTreeMap::new();
        for version in EMBEDDED_VERSIONS {
            let base = format!("https://calm.finos.org/{}/meta", version.path());
            for (file, template) in templates(version) {
                let id = format!("{base}/{file}");
                out.insert(
                    id.clone(),
                    EmbeddedSchema {
                        id,
                        template,
                        declares_vocabularies: matches!(file, "calm.json" | "calm-timeline.json"),
                        base: base.clone(),
                        file,
                        value: OnceLock::new(),
                        light: OnceLock::new(),
                    },
                );
            }
        }
        out
    });
    &TABLE
}

/// Whether `url` is exactly the `$id` of an embedded meta-schema (no fragment).
pub(crate) fn is_embedded_id(url: &str) -> bool {
    embedded_table().contains_key(url)
}

/// The embedded meta-schemas as `($id, document)` pairs, in a stable order.
pub fn embedded_schemas() -> Vec<(String, Value)> {
    embedded_table()
        .iter()
        .map(|(id, e)| (id.clone(), (**e.value()).clone()))
        .collect()
}

/// A registered schema document: one we were given, or an embedded one parsed on demand.
#[derive(Clone)]
enum Stored {
    Value(Arc<Value>),
    Embedded(&'static EmbeddedSchema),
}

impl Stored {
    fn value(&self) -> &Arc<Value> {
        match self {
            Stored::Value(v) => v,
            Stored::Embedded(e) => e.value(),
        }
    }
}

/// Where a registered schema came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaSource {
    Embedded,
    /// A file from `-s/--schema-directory`.
    File(PathBuf),
}

/// A problem found while adding a directory or a mapping file. Loading goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryWarning {
    pub file: PathBuf,
    pub message: String,
}

impl std::fmt::Display for RegistryWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file.display(), self.message)
    }
}

/// A fatal problem with a `-s` directory or `-u` mapping file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {message}")]
pub struct RegistryError {
    pub file: String,
    pub message: String,
}

/// Schemas by `$id`, URL → file mappings, and a cache of compiled validators.
pub struct SchemaRegistry {
    schemas: BTreeMap<String, (Stored, SchemaSource)>,
    mappings: BTreeMap<String, PathBuf>,
    pub(crate) compiled: Mutex<crate::json_schema::CompiledCache>,
}

impl std::fmt::Debug for SchemaRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SchemaRegistry")
            .field("schemas", &self.schemas.keys().collect::<Vec<_>>())
            .field("mappings", &self.mappings)
            .finish()
    }
}

/// Normalise a URL used as a key: no fragment, no trailing `#`.
pub fn key_of(url: &str) -> &str {
    url.split('#').next().unwrap_or(url)
}

impl SchemaRegistry {
    /// An empty registry (no CALM schemas at all). Mostly for tests; use [`Self::embedded`].
    pub fn empty() -> SchemaRegistry {
        SchemaRegistry {
            schemas: BTreeMap::new(),
            mappings: BTreeMap::new(),
            compiled: Mutex::new(Default::default()),
        }
    }

    /// Our CALM meta-schemas for 1.0-rc1, 1.0-rc2, 1.0, 1.1, 1.2, draft 2025-03 and 2026-03.
    pub fn embedded() -> SchemaRegistry {
        let mut r = SchemaRegistry::empty();
        for (id, e) in embedded_table() {
            r.schemas
                .insert(id.clone(), (Stored::Embedded(e), SchemaSource::Embedded));
        }
        r
    }

    /// Register one schema document under `id` (replacing any schema with that id).
    pub fn insert(&mut self, id: &str, value: Value, source: SchemaSource) {
        self.schemas.insert(
            key_of(id).to_string(),
            (Stored::Value(Arc::new(value)), source),
        );
        self.invalidate();
    }

    /// Register a document under its own `$id`. Returns false when it has none.
    pub fn insert_with_id(&mut self, value: Value, source: SchemaSource) -> bool {
        match value.get("$id").and_then(Value::as_str) {
            Some(id) if !id.is_empty() => {
                let id = id.to_string();
                self.insert(&id, value, source);
                true
            }
            _ => false,
        }
    }

    /// Add every `*.json`, `*.yaml`, `*.yml` file under `dir` (recursively) that has a `$id`.
    /// Files without `$id` are skipped silently (as the reference does); unreadable or
    /// unparseable files come back as warnings. A missing directory is an error (the reference
    /// silently accepts it; we say so instead, see the README).
    pub fn add_directory(&mut self, dir: &Path) -> Result<Vec<RegistryWarning>, RegistryError> {
        if !dir.is_dir() {
            return Err(RegistryError {
                file: dir.display().to_string(),
                message: "schema directory does not exist or is not a directory".into(),
            });
        }
        let mut files = Vec::new();
        collect_files(dir, &mut files, 0);
        files.sort();
        let mut warnings = Vec::new();
        for file in files {
            match read_structured(&file) {
                Ok(value) => {
                    self.insert_with_id(value, SchemaSource::File(file.clone()));
                }
                Err(message) => warnings.push(RegistryWarning { file, message }),
            }
        }
        Ok(warnings)
    }

    /// Read a `-u` mapping file: a JSON object `{ "<url>": "<path>" }`. Relative paths resolve
    /// against the mapping file's own directory.
    pub fn add_url_mapping(&mut self, file: &Path) -> Result<(), RegistryError> {
        let err = |message: String| RegistryError {
            file: file.display().to_string(),
            message,
        };
        let text = std::fs::read_to_string(file).map_err(|e| err(format!("cannot read: {e}")))?;
        let value: Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
            .map_err(|e| err(format!("not valid JSON: {e}")))?;
        let map = value
            .as_object()
            .ok_or_else(|| err("must be a JSON object mapping URLs to file paths".into()))?;
        let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
        for (url, target) in map {
            let target = target
                .as_str()
                .ok_or_else(|| err(format!("the mapping for {url} must be a string path")))?;
            let path = Path::new(target);
            let path = if path.is_absolute() {
                path.to_path_buf()
            } else {
                dir.join(path)
            };
            self.mappings.insert(key_of(url).to_string(), path);
        }
        self.invalidate();
        Ok(())
    }

    /// Map one URL to a local file (the programmatic form of [`Self::add_url_mapping`]).
    pub fn map_url(&mut self, url: &str, path: PathBuf) {
        self.mappings.insert(key_of(url).to_string(), path);
        self.invalidate();
    }

    /// The schema registered under this URL (fragment ignored).
    pub fn get(&self, url: &str) -> Option<&Arc<Value>> {
        self.schemas.get(key_of(url)).map(|(v, _)| v.value())
    }

    pub fn source(&self, url: &str) -> Option<&SchemaSource> {
        self.schemas.get(key_of(url)).map(|(_, s)| s)
    }

    pub fn contains(&self, url: &str) -> bool {
        self.schemas.contains_key(key_of(url))
    }

    /// The local file a URL is mapped to by `-u`.
    pub fn mapped_path(&self, url: &str) -> Option<&Path> {
        self.mappings.get(key_of(url)).map(PathBuf::as_path)
    }

    /// Every URL mapped with `-u`, sorted.
    pub fn mapping_keys(&self) -> impl Iterator<Item = &str> {
        self.mappings.keys().map(String::as_str)
    }

    /// All registered ids, sorted.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.schemas.keys().map(String::as_str)
    }

    /// The schemas we were given (`-s` files, [`Self::insert`]): the ones a `jsonschema`
    /// registry has to hold. Embedded schemas are served on demand by [`Self::embedded_in_use`].
    pub(crate) fn given(&self) -> impl Iterator<Item = (&str, &Arc<Value>)> {
        self.schemas.iter().filter_map(|(k, (v, _))| match v {
            Stored::Value(v) => Some((k.as_str(), v)),
            Stored::Embedded(_) => None,
        })
    }

    /// The embedded schemas still registered under their own ids (not replaced by a given one).
    pub(crate) fn embedded_in_use(&self) -> BTreeMap<&'static str, &'static EmbeddedSchema> {
        self.schemas
            .values()
            .filter_map(|(v, _)| match v {
                Stored::Embedded(e) => Some((e.id.as_str(), *e)),
                Stored::Value(_) => None,
            })
            .collect()
    }

    /// Every vocabulary URI any registered meta-schema declares (compilers must accept them).
    pub(crate) fn vocabularies(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for (v, _) in self.schemas.values() {
            match v {
                Stored::Embedded(e) => {
                    if e.declares_vocabularies {
                        out.extend(
                            META_VOCABULARIES
                                .iter()
                                .map(|u| u.replace("{{META}}", &e.base)),
                        );
                    }
                }
                Stored::Value(v) => {
                    if let Some(map) = v.get("$vocabulary").and_then(Value::as_object) {
                        out.extend(map.keys().cloned());
                    }
                }
            }
        }
        out
    }

    /// The newest embedded core schema (`release` before `draft`), used for architectures
    /// without `$schema`, as the reference does.
    pub fn latest_core_url() -> String {
        CalmVersion::LATEST.meta_url("core.json")
    }

    fn invalidate(&mut self) {
        if let Ok(mut c) = self.compiled.lock() {
            *c = Default::default();
        }
    }
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    // Depth bound: a symlink loop must not hang us.
    if depth > 32 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_files(&path, out, depth + 1);
        } else if matches!(
            path.extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase)
                .as_deref(),
            Some("json" | "yaml" | "yml")
        ) {
            out.push(path);
        }
    }
}

/// Read a JSON or YAML file (by extension) into a value.
pub fn read_structured(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    let text = text.trim_start_matches('\u{feff}');
    let is_yaml = matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("yaml" | "yml")
    );
    if is_yaml {
        parse_yaml(text)
    } else {
        serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))
    }
}

fn parse_yaml(text: &str) -> Result<Value, String> {
    serde_norway::from_str::<Value>(text).map_err(|e| format!("not valid YAML: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embeds_every_version_with_its_own_ids() {
        let r = SchemaRegistry::embedded();
        for v in EMBEDDED_VERSIONS {
            for f in [
                "calm.json",
                "core.json",
                "control.json",
                "flow.json",
                "interface.json",
            ] {
                let url = v.meta_url(f);
                let doc = r.get(&url).unwrap_or_else(|| panic!("{url} missing"));
                assert_eq!(doc["$id"], url.as_str());
                assert!(!doc.to_string().contains("{{META}}"));
            }
        }
        assert!(r.contains("https://calm.finos.org/release/1.2/meta/timeline.json"));
        assert!(r.contains("https://calm.finos.org/release/1.2/meta/core.json#/defs/node"));
        assert!(!r.contains("https://calm.finos.org/release/1.1/meta/timeline.json"));
    }

    #[test]
    fn versions_point_at_their_own_core() {
        let r = SchemaRegistry::embedded();
        let calm = r
            .get("https://calm.finos.org/release/1.1/meta/calm.json")
            .unwrap();
        assert_eq!(
            calm["allOf"][1]["$ref"],
            "https://calm.finos.org/release/1.1/meta/core.json"
        );
        assert!(
            r.vocabularies()
                .contains("https://calm.finos.org/draft/2025-03/meta/core.json")
        );
    }

    #[test]
    fn embedded_schemas_declare_2020_12() {
        // The draft 4 `$ref` wrapper of json_schema.rs relies on it.
        for (id, v) in embedded_schemas() {
            assert_eq!(v["$schema"], crate::json_schema::DRAFT_2020_12, "{id}");
        }
    }

    #[test]
    fn vocabularies_match_a_full_parse() {
        // `vocabularies()` declares META_VOCABULARIES for the flagged templates, unparsed.
        let mut all = BTreeSet::new();
        for (id, e) in embedded_table() {
            let v = e.parse();
            let declared = v.get("$vocabulary").and_then(Value::as_object);
            assert_eq!(e.declares_vocabularies, declared.is_some(), "{id}");
            all.extend(declared.into_iter().flat_map(|m| m.keys().cloned()));
        }
        assert_eq!(SchemaRegistry::embedded().vocabularies(), all);
    }

    #[test]
    fn directory_and_mapping() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("a.json"),
            r#"{"$id":"https://example.com/a.json","type":"object"}"#,
        )
        .unwrap();
        std::fs::write(
            dir.path().join("b.yaml"),
            "$id: https://example.com/b\ntype: string\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("noid.json"), r#"{"type":"object"}"#).unwrap();
        std::fs::write(dir.path().join("bad.json"), "{").unwrap();
        std::fs::write(
            dir.path().join("map.json"),
            r#"{"https://example.com/x.json": "sub/x.json"}"#,
        )
        .unwrap();
        let mut r = SchemaRegistry::embedded();
        let warnings = r.add_directory(dir.path()).unwrap();
        assert!(r.contains("https://example.com/a.json"));
        assert_eq!(r.get("https://example.com/b").unwrap()["type"], "string");
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].file.ends_with("bad.json"));
        r.add_url_mapping(&dir.path().join("map.json")).unwrap();
        assert_eq!(
            r.mapped_path("https://example.com/x.json").unwrap(),
            dir.path().join("sub/x.json")
        );
        assert!(r.add_directory(&dir.path().join("missing")).is_err());
        assert!(r.add_url_mapping(&dir.path().join("bad.json")).is_err());
        std::fs::write(dir.path().join("list.json"), "[1]").unwrap();
        assert!(r.add_url_mapping(&dir.path().join("list.json")).is_err());
    }
}
