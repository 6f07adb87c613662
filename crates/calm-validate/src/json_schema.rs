//! JSON Schema validation with the `jsonschema` crate against the schemas of a
//! [`SchemaRegistry`], offline, with messages that say what was expected.
//!
//! - [`validate_against`]: validate an instance against a schema URL (e.g. a CALM meta-schema)
//!   or a schema value (a pattern). Compiled validators are cached per URL / per pattern text.
//! - [`compile_pattern`]: pattern-only mode: check the pattern against its `$schema`
//!   meta-schema and compile it, as the reference does.
//!
//! Every output is a `json-schema` error whose pointer is the instance path and whose
//! `schema_path` is `#` + the keyword path. For `anyOf` / `oneOf` failures we report the errors of
//! the alternative that came closest (and name it) instead of "not valid under any".

use crate::diagnostic::{Bucket, Diagnostic, Origin, Severity};
use crate::schemas::registry::{EmbeddedSchema, SchemaRegistry, key_of};
use jsonschema::error::ValidationErrorKind;
use jsonschema::{Registry, Retrieve, Uri, ValidationError, Validator};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The JSON Schema 2020-12 meta-schema URL (the only draft the reference supports).
pub const DRAFT_2020_12: &str = "https://json-schema.org/draft/2020-12/schema";

/// The draft 4 meta-schema URL (only for the `$ref` wrapper of an embedded schema).
const DRAFT_4: &str = "http://json-schema.org/draft-04/schema#";

/// What to validate against.
#[derive(Debug, Clone, Copy)]
pub enum SchemaTarget<'a> {
    /// A schema URL: a registered `$id` (fragment allowed, e.g. `.../core.json#/defs/node`) or a
    /// URL mapped with `-u`.
    Url(&'a str),
    /// A schema document (a pattern). Relative `$ref`s in a schema without `$id` cannot resolve.
    Value(&'a Value),
    /// A schema document read from this file: relative `$ref`s in it (when it has no `$id`)
    /// resolve against the file's directory.
    ValueAt(&'a Value, &'a Path),
}

impl<'a> From<&'a str> for SchemaTarget<'a> {
    fn from(s: &'a str) -> Self {
        SchemaTarget::Url(s)
    }
}

impl<'a> From<&'a Value> for SchemaTarget<'a> {
    fn from(v: &'a Value) -> Self {
        SchemaTarget::Value(v)
    }
}

/// Why a schema could not be compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileFailure {
    pub message: String,
}

type CachedValidator = Result<Arc<Validator>, CompileFailure>;

/// Compiled validators and the prepared `jsonschema` registry, owned by a [`SchemaRegistry`].
#[derive(Default)]
pub struct CompiledCache {
    /// By the embedded schema prepared with the given ones (if any): a schema value's
    /// `$schema`, or an embedded URL target (see `compile_uncached`); and whether that schema is
    /// its variant without the 2020-12 meta-schema.
    registries: HashMap<(Option<&'static str>, bool), Arc<Registry<'static>>>,
    validators: HashMap<String, CachedValidator>,
}

/// Serves `$ref`s that are not in the prepared registry: our embedded meta-schemas (first, as
/// when they were registered up front), `-u` mappings and local `file://` URLs. Everything else
/// is refused: we never fetch from the network.
///
/// Embedded schemas are served here rather than registered up front so that a compile parses
/// and indexes only the meta-schemas its schema reaches (one CALM version), not all of them.
#[derive(Clone)]
struct OfflineRetriever {
    embedded: Arc<BTreeMap<&'static str, &'static EmbeddedSchema>>,
    mappings: Arc<BTreeMap<String, PathBuf>>,
}

impl Retrieve for OfflineRetriever {
    fn retrieve(
        &self,
        uri: &Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let url = uri.as_str();
        let key = key_of(url);
        if let Some(e) = self.embedded.get(key) {
            return Ok(e.to_value());
        }
        let path = if let Some(p) = self.mappings.get(key) {
            p.clone()
        } else if let Some(p) = file_url_to_path(key) {
            p
        } else {
            return Err(format!("{url} is not available offline (calm-advisor never fetches schemas; add it with -s or -u)").into());
        };
        crate::schemas::registry::read_structured(&path)
            .map_err(|e| format!("{}: {e}", path.display()).into())
    }
}

/// `file:///a/b%20c.json` → `/a/b c.json`.
pub(crate) fn file_url_to_path(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("file://")?;
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    Some(PathBuf::from(percent_decode(rest)))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(b) = u8::from_str_radix(hex, 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `/a/b c.json` → `file:///a/b%20c.json`.
pub(crate) fn path_to_file_url(path: &Path) -> String {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    let mut out = String::from("file://");
    for c in abs.to_string_lossy().chars() {
        match c {
            ' ' => out.push_str("%20"),
            '#' => out.push_str("%23"),
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3F"),
            _ => out.push(c),
        }
    }
    out
}

impl SchemaRegistry {
    fn retriever(&self) -> OfflineRetriever {
        let mut mappings = BTreeMap::new();
        for id in self.mapping_keys() {
            if let Some(p) = self.mapped_path(id) {
                mappings.insert(id.to_string(), p.to_path_buf());
            }
        }
        OfflineRetriever {
            embedded: Arc::new(self.embedded_in_use()),
            mappings: Arc::new(mappings),
        }
    }

    /// The prepared `jsonschema` registry holding the schemas we were given plus `meta` (the
    /// embedded meta-schema a schema value names as `$schema`), built once per `meta`. Other
    /// embedded schemas come from the retriever when a compile reaches them.
    ///
    /// `light`: `meta` goes in as [`EmbeddedSchema::without_draft_2020_12`] (when it has one).
    fn prepared(
        &self,
        retriever: &OfflineRetriever,
        meta: Option<(&'static str, &'static EmbeddedSchema)>,
        light: bool,
    ) -> Arc<Registry<'static>> {
        let key = (meta.map(|(id, _)| id), light);
        let mut cache = self.compiled.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(r) = cache.registries.get(&key) {
            return r.clone();
        }
        let meta_value = |e: &'static EmbeddedSchema| {
            let light = if light {
                e.without_draft_2020_12()
            } else {
                None
            };
            light.unwrap_or_else(|| e.value()).clone()
        };
        let entries: Vec<(String, Arc<Value>)> = self
            .given()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .chain(meta.map(|(id, e)| (id.to_string(), meta_value(e))))
            .collect();
        let all = Registry::new()
            .retriever(retriever.clone())
            .extend(entries.iter().map(|(k, v)| (k.as_str(), v.clone())))
            .and_then(|b| b.prepare());
        let registry = match all {
            Ok(r) => r,
            Err(_) => {
                // One bad user schema (e.g. an unknown `$schema`) must not hide the others:
                // keep every schema that prepares on its own.
                let good: Vec<&(String, Arc<Value>)> = entries
                    .iter()
                    .filter(|(k, v)| {
                        Registry::new()
                            .retriever(retriever.clone())
                            .extend(
                                entries
                                    .iter()
                                    .filter(|(id, _)| id.starts_with("https://calm.finos.org/"))
                                    .map(|(id, v)| (id.as_str(), v.clone()))
                                    .chain(std::iter::once((k.as_str(), v.clone()))),
                            )
                            .and_then(|b| b.prepare())
                            .is_ok()
                    })
                    .collect();
                Registry::new()
                    .retriever(retriever.clone())
                    .extend(good.into_iter().map(|(k, v)| (k.as_str(), v.clone())))
                    .and_then(|b| b.prepare())
                    .unwrap_or_else(|_| {
                        Registry::new()
                            .prepare()
                            .expect("an empty registry always prepares")
                    })
            }
        };
        let r = Arc::new(registry);
        cache.registries.insert(key, r.clone());
        r
    }

    /// Compile (or fetch from the cache) the validator for a target.
    pub fn validator(&self, target: SchemaTarget<'_>) -> Result<Arc<Validator>, CompileFailure> {
        self.cached_validator(target, false)
    }

    /// The validator for validating `instance` against `target`: reports exactly what
    /// [`Self::validator`]'s does for this instance, but may be cheaper to compile. For an
    /// embedded `calm*.json` meta-schema whose JSON Schema 2020-12 part cannot report anything
    /// about `instance` ([`draft_2020_12_part_is_moot`]), that part is left out: compiling the
    /// 2020-12 meta-schema (with `$dynamicRef`s back into the CALM one) costs more than the rest
    /// of validating a small architecture. Any other instance gets the full meta-schema.
    pub fn validator_for(
        &self,
        target: SchemaTarget<'_>,
        instance: &Value,
    ) -> Result<Arc<Validator>, CompileFailure> {
        let light = match target {
            // The whole document only: a fragment may point into `allOf[0]`.
            SchemaTarget::Url(u) => {
                !u.contains('#')
                    && self
                        .embedded_in_use()
                        .get(u)
                        .is_some_and(|e| e.without_draft_2020_12().is_some())
                    && draft_2020_12_part_is_moot(instance)
            }
            SchemaTarget::Value(_) | SchemaTarget::ValueAt(..) => false,
        };
        self.cached_validator(target, light)
    }

    fn cached_validator(
        &self,
        target: SchemaTarget<'_>,
        light: bool,
    ) -> Result<Arc<Validator>, CompileFailure> {
        let key = match target {
            SchemaTarget::Url(u) if light => format!("url-light:{u}"),
            SchemaTarget::Url(u) => format!("url:{u}"),
            SchemaTarget::Value(v) => format!("value:{v}"),
            SchemaTarget::ValueAt(v, p) => format!("value@{}:{v}", p.display()),
        };
        if let Some(hit) = self
            .compiled
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .validators
            .get(&key)
        {
            return hit.clone();
        }
        let result = self.compile_uncached(target, light).map(Arc::new);
        self.compiled
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .validators
            .insert(key, result.clone());
        result
    }

    fn compile_uncached(
        &self,
        target: SchemaTarget<'_>,
        light: bool,
    ) -> Result<Validator, CompileFailure> {
        let retriever = self.retriever();
        // The embedded schema to put into the prepared registry: a schema value's `$schema`,
        // which jsonschema reads from the registry before it can retrieve anything, or an
        // embedded target itself (see the wrapper below).
        let meta = match target {
            SchemaTarget::Value(v) | SchemaTarget::ValueAt(v, _) => {
                v.get("$schema").and_then(Value::as_str)
            }
            SchemaTarget::Url(u) => Some(u),
        }
        .and_then(|m| retriever.embedded.get_key_value(key_of(m)))
        .map(|(id, e)| (*id, *e));
        let registry = self.prepared(&retriever, meta, light);
        let mut options = jsonschema::options()
            .with_registry(&registry)
            .with_retriever(retriever)
            // ajv-formats asserts formats (e.g. `format: date` in timelines); so do we.
            .should_validate_formats(true);
        for vocab in self.vocabularies() {
            options = options.with_vocabulary(vocab);
        }
        let wrapper;
        let schema: &Value = match target {
            SchemaTarget::Url(url) => {
                if !self.contains(url) && self.mapped_path(url).is_none() {
                    return Err(CompileFailure {
                        message: format!(
                            "schema {url} is not known offline (not embedded, not in a -s directory, not mapped with -u)"
                        ),
                    });
                }
                // A `$ref` wrapper lets URLs with fragments (`core.json#/defs/node`) work too.
                // jsonschema checks the wrapper against its draft's meta-schema first, and
                // building the 2020-12 meta-validator costs more than the rest of a small run.
                // For an embedded target the wrapper is draft 4 (the smallest meta-schema),
                // where `{"$ref": url}` means the same: embedded schemas all declare `$schema`
                // 2020-12, so the target and all it reaches are still compiled as 2020-12 (the
                // target sits in the prepared registry, which so holds the 2020-12 meta-schemas
                // it refers to; a draft 4 root would not add them).
                let dialect = if meta.is_some() {
                    DRAFT_4
                } else {
                    DRAFT_2020_12
                };
                wrapper = serde_json::json!({ "$schema": dialect, "$ref": url });
                &wrapper
            }
            SchemaTarget::Value(v) => v,
            SchemaTarget::ValueAt(v, path) => {
                if v.get("$id").and_then(Value::as_str).is_none() {
                    options = options.with_base_uri(path_to_file_url(path));
                }
                v
            }
        };
        options.build(schema).map_err(|e| CompileFailure {
            message: compile_message(&e),
        })
    }
}

/// The keywords the JSON Schema 2020-12 meta-schema constrains, sorted: the `properties` of
/// its document and of the vocabulary meta-schemas it `allOf`s (`draft_2020_12_facts` checks
/// this against the meta-schemas `jsonschema` uses).
const DRAFT_2020_12_KEYWORDS: [&str; 61] = [
    "$anchor",
    "$comment",
    "$defs",
    "$dynamicAnchor",
    "$dynamicRef",
    "$id",
    "$recursiveAnchor",
    "$recursiveRef",
    "$ref",
    "$schema",
    "$vocabulary",
    "additionalProperties",
    "allOf",
    "anyOf",
    "const",
    "contains",
    "contentEncoding",
    "contentMediaType",
    "contentSchema",
    "default",
    "definitions",
    "dependencies",
    "dependentRequired",
    "dependentSchemas",
    "deprecated",
    "description",
    "else",
    "enum",
    "examples",
    "exclusiveMaximum",
    "exclusiveMinimum",
    "format",
    "if",
    "items",
    "maxContains",
    "maxItems",
    "maxLength",
    "maxProperties",
    "maximum",
    "minContains",
    "minItems",
    "minLength",
    "minProperties",
    "minimum",
    "multipleOf",
    "not",
    "oneOf",
    "pattern",
    "patternProperties",
    "prefixItems",
    "properties",
    "propertyNames",
    "readOnly",
    "required",
    "then",
    "title",
    "type",
    "unevaluatedItems",
    "unevaluatedProperties",
    "uniqueItems",
    "writeOnly",
];

/// Whether the JSON Schema 2020-12 meta-schema, as `allOf[0]` of a `calm*.json` meta-schema,
/// accepts `instance` without descending into it. That meta-schema (the document and each
/// vocabulary meta-schema) only requires an object or boolean and constrains the values of
/// [`DRAFT_2020_12_KEYWORDS`] (`$dynamicRef`s back into the CALM meta-schema start only below
/// those). So for an object it reports nothing when every such keyword present has a value the
/// meta-schema plainly accepts: `$schema` the `$id` of an embedded meta-schema (a URI, format
/// `uri`), `title`/`description`/`$comment` a string, `default` anything. Anything else (other
/// keywords, other `$schema` strings, non-objects) answers false and gets the full meta-schema.
pub(crate) fn draft_2020_12_part_is_moot(instance: &Value) -> bool {
    let Some(map) = instance.as_object() else {
        return false;
    };
    map.iter().all(|(k, v)| match k.as_str() {
        "$schema" => v
            .as_str()
            .is_some_and(crate::schemas::registry::is_embedded_id),
        "title" | "description" | "$comment" => v.is_string(),
        "default" => true,
        k => DRAFT_2020_12_KEYWORDS.binary_search(&k).is_err(),
    })
}

fn compile_message(e: &ValidationError<'_>) -> String {
    let path = e.instance_path().as_str();
    let msg = match e.kind() {
        ValidationErrorKind::Referencing(r) => format!("cannot resolve a reference: {r}"),
        _ => e.to_string(),
    };
    if path.is_empty() {
        format!("schema is invalid: {msg}")
    } else {
        format!("schema is invalid at {path}: {msg}")
    }
}

/// Validate `instance` against `target`. `Err` is a compile failure (as one `json-schema`
/// diagnostic at the document root); `Ok` holds the validation errors (empty when valid).
/// `file` is the file the instance came from (put into each diagnostic).
// The error is the diagnostic the caller reports as it is; boxing it would only add noise.
#[allow(clippy::result_large_err)]
pub fn validate_against(
    target: SchemaTarget<'_>,
    instance: &Value,
    origin: Origin,
    file: &str,
    registry: &SchemaRegistry,
) -> Result<Vec<Diagnostic>, Diagnostic> {
    let validator = registry
        .validator_for(target, instance)
        .map_err(|f| root_diagnostic(&f.message, origin, file))?;
    Ok(validate_with(
        &validator, target, instance, origin, file, registry,
    ))
}

/// Like [`validate_against`] with a validator already obtained from
/// [`SchemaRegistry::validator`] for `target` (callers validating many instances against one
/// schema skip the cache lookup).
pub fn validate_with(
    validator: &Validator,
    target: SchemaTarget<'_>,
    instance: &Value,
    origin: Origin,
    file: &str,
    registry: &SchemaRegistry,
) -> Vec<Diagnostic> {
    if validator.is_valid(instance) {
        return Vec::new();
    }
    let lookup = SchemaLookup { registry, target };
    let mut out = Vec::new();
    for error in validator.iter_errors(instance) {
        explain(&error, &lookup, origin, file, &mut out, 0);
    }
    out.dedup();
    out
}

/// Pattern-only mode: check `pattern` against its `$schema` meta-schema, then compile it.
/// `pattern_file` (when the pattern came from a file) lets relative `$ref`s resolve.
pub fn compile_pattern(
    pattern: &Value,
    pattern_file: Option<&Path>,
    file: &str,
    registry: &SchemaRegistry,
) -> Vec<Diagnostic> {
    if let Some(d) = unsupported_schema_dialect(pattern, file) {
        return vec![d];
    }
    let meta = pattern
        .get("$schema")
        .and_then(Value::as_str)
        .unwrap_or(DRAFT_2020_12);
    let mut out = Vec::new();
    if meta != DRAFT_2020_12 && key_of(meta) != DRAFT_2020_12 {
        match validate_against(
            SchemaTarget::Url(meta),
            pattern,
            Origin::Pattern,
            file,
            registry,
        ) {
            Ok(errors) => out.extend(errors),
            Err(d) => return vec![d],
        }
    }
    let target = match pattern_file {
        Some(p) => SchemaTarget::ValueAt(pattern, p),
        None => SchemaTarget::Value(pattern),
    };
    if let Err(f) = registry.validator(target) {
        out.push(root_diagnostic(&f.message, Origin::Pattern, file));
    }
    out
}

/// The reference only supports JSON Schema 2020-12; a pattern on an older standard draft gets
/// its exact error.
pub fn unsupported_schema_dialect(pattern: &Value, file: &str) -> Option<Diagnostic> {
    let meta = pattern.get("$schema").and_then(Value::as_str)?;
    let id = meta.trim_end_matches('#');
    let standard = ["http://json-schema.org/", "https://json-schema.org/"]
        .iter()
        .any(|p| id.starts_with(p));
    if standard && id != DRAFT_2020_12 {
        return Some(root_diagnostic(
            &format!(
                "Attempted to load standard JSON Schema with ID {id}. This is not supported: CALM patterns use JSON Schema 2020-12 ({DRAFT_2020_12})."
            ),
            Origin::Pattern,
            file,
        ));
    }
    None
}

fn root_diagnostic(message: &str, origin: Origin, file: &str) -> Diagnostic {
    Diagnostic {
        code: "json-schema".into(),
        severity: Severity::Error,
        message: message.to_string(),
        pointer: String::new(),
        schema_path: None,
        origin,
        bucket: Bucket::JsonSchema,
        file: file.to_string(),
        line_start: 0,
        line_end: 0,
        character_start: 0,
        character_end: 0,
    }
}

/// Finds the schema an error's keyword belongs to, to describe `anyOf`/`oneOf` alternatives.
struct SchemaLookup<'a> {
    registry: &'a SchemaRegistry,
    target: SchemaTarget<'a>,
}

impl SchemaLookup<'_> {
    fn keyword_schema(&self, error: &ValidationError<'_>) -> Option<Value> {
        let target_doc = || -> Option<&Value> {
            match self.target {
                SchemaTarget::Value(v) | SchemaTarget::ValueAt(v, _) => Some(v),
                SchemaTarget::Url(u) => self.registry.get(u).map(|d| &**d),
            }
        };
        let (doc, pointer): (&Value, String) = match error.absolute_keyword_location() {
            Some(abs) => {
                let abs = abs.as_str();
                let (base, fragment) = abs.split_once('#').unwrap_or((abs, ""));
                let doc = match self.registry.get(base) {
                    Some(d) => &**d,
                    None => target_doc()?,
                };
                (doc, percent_decode(fragment))
            }
            // No `$ref` was crossed: the keyword path is a pointer into the target itself.
            None => (target_doc()?, error.schema_path().as_str().to_string()),
        };
        // Only the keyword's value (the list of alternatives) is copied.
        doc.pointer(&pointer).cloned()
    }
}

const MAX_EXPLAIN_DEPTH: usize = 16;

/// Turn one error into diagnostics, descending into the closest `anyOf`/`oneOf` alternative.
fn explain(
    error: &ValidationError<'_>,
    lookup: &SchemaLookup<'_>,
    origin: Origin,
    file: &str,
    out: &mut Vec<Diagnostic>,
    depth: usize,
) {
    let pointer = error.instance_path().as_str().to_string();
    let schema_path = format!("#{}", error.schema_path().as_str());
    let push = |out: &mut Vec<Diagnostic>, message: String| {
        out.push(Diagnostic {
            code: "json-schema".into(),
            severity: Severity::Error,
            message,
            pointer: pointer.clone(),
            schema_path: Some(schema_path.clone()),
            origin,
            bucket: Bucket::JsonSchema,
            file: file.to_string(),
            line_start: 0,
            line_end: 0,
            character_start: 0,
            character_end: 0,
        })
    };
    let instance = error.instance();
    match error.kind() {
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            let keyword = if matches!(error.kind(), ValidationErrorKind::AnyOf { .. }) {
                "anyOf"
            } else {
                "oneOf"
            };
            let schema = lookup.keyword_schema(error);
            let branches: Vec<Value> = schema
                .as_ref()
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            // Alternatives that are only `{ "required": [key] }` (the relationship-type oneOf):
            // say which keys are allowed rather than picking one.
            if let Some(keys) = required_only_keys(&branches) {
                push(
                    out,
                    format!(
                        "must have exactly one of {} (found none)",
                        keys.iter()
                            .map(|k| format!("'{k}'"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
                return;
            }
            let Some(best) = closest_branch(context, pointer.as_str()) else {
                push(
                    out,
                    format!("does not match any of the {keyword} alternatives"),
                );
                return;
            };
            let label = branches.get(best).map(describe_branch).unwrap_or_default();
            let intro = if label.is_empty() {
                format!(
                    "closest of the {} {keyword} alternatives is #{}",
                    context.len(),
                    best + 1
                )
            } else {
                format!(
                    "closest of the {} {keyword} alternatives is #{} ({label})",
                    context.len(),
                    best + 1
                )
            };
            if depth >= MAX_EXPLAIN_DEPTH || context[best].is_empty() {
                push(
                    out,
                    format!("does not match any of the {keyword} alternatives; {intro}"),
                );
                return;
            }
            let start = out.len();
            for e in &context[best] {
                explain(e, lookup, origin, file, out, depth + 1);
            }
            for d in &mut out[start..] {
                d.message = format!("{} ({intro})", d.message);
            }
        }
        ValidationErrorKind::OneOfMultipleValid { .. } => {
            let schema = lookup.keyword_schema(error);
            let branches: Vec<Value> = schema
                .as_ref()
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let keys = required_only_keys(&branches);
            if let (Some(keys), false) = (&keys, instance.is_object()) {
                // `required` does not apply to non-objects, so every alternative "matched".
                push(
                    out,
                    format!(
                        "must be an object with exactly one of {} (found {} {})",
                        keys.iter()
                            .map(|k| format!("'{k}'"))
                            .collect::<Vec<_>>()
                            .join(", "),
                        type_name(instance),
                        short(instance)
                    ),
                );
            } else if let (Some(keys), Some(obj)) = (keys, instance.as_object()) {
                let present: Vec<String> = keys
                    .iter()
                    .filter(|k| obj.contains_key(k.as_str()))
                    .map(|k| format!("'{k}'"))
                    .collect();
                push(
                    out,
                    format!(
                        "has {}; exactly one of {} is allowed",
                        present.join(" and "),
                        keys.iter()
                            .map(|k| format!("'{k}'"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
            } else {
                push(
                    out,
                    "matches more than one oneOf alternative; exactly one is allowed".into(),
                );
            }
        }
        _ => push(out, leaf_message(error)),
    }
}

/// Keys of `[{required:[a]}, {required:[b]}, ...]`, when every alternative is exactly that.
fn required_only_keys(branches: &[Value]) -> Option<Vec<String>> {
    if branches.len() < 2 {
        return None;
    }
    branches
        .iter()
        .map(|b| {
            let o = b.as_object()?;
            if o.len() != 1 {
                return None;
            }
            match o.get("required")?.as_array()?.as_slice() {
                [Value::String(k)] => Some(k.clone()),
                _ => None,
            }
        })
        .collect()
}

/// Pick the alternative the instance most looks like: one whose errors are not a plain
/// type / const / enum mismatch of the value itself, whose errors lie deepest (it matched more
/// structure), and with the fewest errors.
fn closest_branch(context: &[Vec<ValidationError<'static>>], at: &str) -> Option<usize> {
    let depth = |p: &str| p.matches('/').count();
    context
        .iter()
        .enumerate()
        .min_by_key(|(i, errors)| {
            let shallow_mismatch = errors.iter().any(|e| {
                e.instance_path().as_str() == at
                    && matches!(
                        e.kind(),
                        ValidationErrorKind::Type { .. }
                            | ValidationErrorKind::Constant { .. }
                            | ValidationErrorKind::Enum { .. }
                            | ValidationErrorKind::FalseSchema
                    )
            });
            // A const unique-id / node-type mismatch right below the value also means "not this one".
            let discriminator_mismatch = errors.iter().any(|e| {
                matches!(e.kind(), ValidationErrorKind::Constant { .. })
                    && depth(e.instance_path().as_str()) == depth(at) + 1
                    && (e.instance_path().as_str().ends_with("/unique-id"))
            });
            let deepest = errors
                .iter()
                .map(|e| depth(e.instance_path().as_str()))
                .max()
                .unwrap_or(0);
            (
                shallow_mismatch,
                discriminator_mismatch,
                usize::MAX - deepest,
                errors.len(),
                *i,
            )
        })
        .map(|(i, _)| i)
}

/// A short name for an alternative: its `$ref` target, `title`, const `unique-id`, or the
/// single required key.
fn describe_branch(branch: &Value) -> String {
    if let Some(r) = branch.get("$ref").and_then(Value::as_str) {
        return r.rsplit('/').next().unwrap_or(r).to_string();
    }
    if let Some(t) = branch.get("title").and_then(Value::as_str) {
        return t.to_string();
    }
    if let Some(id) = branch
        .pointer("/properties/unique-id/const")
        .and_then(Value::as_str)
    {
        return format!("unique-id '{id}'");
    }
    if let Some(k) = branch
        .pointer("/properties/relationship-type/const")
        .and_then(Value::as_object)
        .and_then(|rt| rt.keys().next())
    {
        return format!("a '{k}' relationship");
    }
    if let Some([Value::String(k)]) = branch
        .get("required")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        return format!("with '{k}'");
    }
    if let Some(t) = branch.get("type").and_then(Value::as_str) {
        return format!(
            "a{} {t}",
            if t.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "n"
            } else {
                ""
            }
        );
    }
    String::new()
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 120 {
        let cut: String = s.chars().take(117).collect();
        format!("{cut}...")
    } else {
        s
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// One clear sentence per keyword, with the expected values where there are any.
fn leaf_message(error: &ValidationError<'_>) -> String {
    let instance = error.instance();
    match error.kind() {
        ValidationErrorKind::Required { property } => {
            format!(
                "must have required property {}",
                match property {
                    Value::String(s) => format!("'{s}'"),
                    other => other.to_string(),
                }
            )
        }
        ValidationErrorKind::Constant { expected_value } => {
            format!(
                "must be equal to constant (expected {}, found {})",
                short(expected_value),
                short(instance)
            )
        }
        ValidationErrorKind::Enum { options } => {
            let allowed = options
                .as_array()
                .map(|a| a.iter().map(short).collect::<Vec<_>>().join(", "))
                .unwrap_or_else(|| short(options));
            format!(
                "must be equal to one of the allowed values (expected one of {allowed}; found {})",
                short(instance)
            )
        }
        ValidationErrorKind::Type { .. } => {
            let msg = error.to_string();
            // "<value> is not of type \"object\"" → our wording.
            let expected = msg
                .rsplit("is not of type ")
                .next()
                .unwrap_or("")
                .replace('"', "");
            match instance.as_ref() {
                Value::Object(_) | Value::Array(_) => {
                    format!("must be {expected} (found {})", type_name(instance))
                }
                _ => format!(
                    "must be {expected} (found {} {})",
                    type_name(instance),
                    short(instance)
                ),
            }
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => format!(
            "must not have additional properties (unexpected: {})",
            unexpected
                .iter()
                .map(|k| format!("'{k}'"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        ValidationErrorKind::UnevaluatedProperties { unexpected } => format!(
            "must not have unevaluated properties (unexpected: {})",
            unexpected
                .iter()
                .map(|k| format!("'{k}'"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        ValidationErrorKind::FalseSchema => {
            let at = error.instance_path().as_str();
            match at.rsplit('/').next() {
                Some(key) if !at.is_empty() => format!("property '{key}' is not allowed here"),
                _ => "no value is allowed here".into(),
            }
        }
        ValidationErrorKind::MinItems { limit } => format!(
            "must have at least {limit} item{} (found {})",
            if *limit == 1 { "" } else { "s" },
            instance.as_array().map_or(0, Vec::len)
        ),
        ValidationErrorKind::MaxItems { limit } => format!(
            "must have at most {limit} item{} (found {})",
            if *limit == 1 { "" } else { "s" },
            instance.as_array().map_or(0, Vec::len)
        ),
        ValidationErrorKind::MinProperties { limit } => {
            format!(
                "must have at least {limit} propert{}",
                if *limit == 1 { "y" } else { "ies" }
            )
        }
        ValidationErrorKind::Format { format } => {
            format!("must be a valid {format} (found {})", short(instance))
        }
        ValidationErrorKind::Pattern { pattern } => format!(
            "must match pattern \"{pattern}\" (found {})",
            short(instance)
        ),
        ValidationErrorKind::PropertyNames { error } => {
            format!("has an invalid property name: {}", leaf_message(error))
        }
        _ => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn reg() -> SchemaRegistry {
        SchemaRegistry::embedded()
    }

    fn arch(extra: Value) -> Value {
        let mut a = json!({
            "$schema": "https://calm.finos.org/release/1.2/meta/calm.json",
            "nodes": [
                {"unique-id": "a", "node-type": "service", "name": "A", "description": "a"},
                {"unique-id": "b", "node-type": "database", "name": "B", "description": "b"}
            ],
            "relationships": [
                {"unique-id": "r", "relationship-type": {"connects": {"source": {"node": "a"}, "destination": {"node": "b"}}}}
            ]
        });
        if let (Some(o), Some(e)) = (a.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                o.insert(k.clone(), v.clone());
            }
        }
        a
    }

    const CALM12: &str = "https://calm.finos.org/release/1.2/meta/calm.json";

    /// `validate_against` for an architecture called `a.json`.
    #[allow(clippy::result_large_err)] // as `validate_against`
    fn against(
        target: SchemaTarget,
        doc: &Value,
        reg: &SchemaRegistry,
    ) -> Result<Vec<Diagnostic>, Diagnostic> {
        validate_against(target, doc, Origin::Architecture, "a.json", reg)
    }

    fn check(url: &str, doc: &Value) -> Vec<Diagnostic> {
        against(SchemaTarget::Url(url), doc, &reg()).unwrap()
    }

    #[test]
    fn valid_architecture_passes_every_version() {
        for v in crate::schemas::registry::EMBEDDED_VERSIONS {
            if matches!(
                v,
                calm_model::CalmVersion::V1_0Rc1 | calm_model::CalmVersion::Draft2025_03
            ) {
                continue;
            }
            let errors = check(&v.meta_url("calm.json"), &arch(json!({})));
            assert!(errors.is_empty(), "{v:?}: {errors:?}");
        }
    }

    #[test]
    fn missing_required_field_names_it() {
        let mut a = arch(json!({}));
        a["nodes"][1].as_object_mut().unwrap().remove("name");
        let errors = check(CALM12, &a);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].pointer, "/nodes/1");
        assert!(
            errors[0].message.contains("'name'"),
            "{}",
            errors[0].message
        );
        assert!(
            errors[0]
                .schema_path
                .as_deref()
                .unwrap()
                .ends_with("/required")
        );
    }

    #[test]
    fn protocol_enum_lists_allowed_values() {
        let mut a = arch(json!({}));
        a["relationships"][0]["protocol"] = json!("gRPC");
        let errors = check(CALM12, &a);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].pointer, "/relationships/0/protocol");
        assert!(
            errors[0].message.contains("\"HTTPS\""),
            "{}",
            errors[0].message
        );
        assert!(
            errors[0].message.contains("\"gRPC\""),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn relationship_type_oneof_says_what_is_allowed() {
        let mut a = arch(json!({}));
        a["relationships"][0]["relationship-type"] = json!({"linked": {}});
        let errors = check(CALM12, &a);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].message.contains("exactly one of 'deployed-in'"),
            "{}",
            errors[0].message
        );
        a["relationships"][0]["relationship-type"] = json!({
            "connects": {"source": {"node": "a"}, "destination": {"node": "b"}},
            "interacts": {"actor": "a", "nodes": ["b"]}
        });
        let errors = check(CALM12, &a);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].message.contains("'interacts' and 'connects'"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn relationship_type_as_a_string_says_what_shape_is_expected() {
        let mut a = arch(json!({}));
        a["relationships"][0]["relationship-type"] = json!("interacts");
        let errors = check(CALM12, &a);
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(
            errors[0].message,
            "must be object (found string \"interacts\")"
        );
        assert!(
            errors[1]
                .message
                .starts_with("must be an object with exactly one of 'deployed-in'"),
            "{}",
            errors[1].message
        );
    }

    #[test]
    fn interface_anyof_reports_closest_alternative() {
        let mut a = arch(json!({}));
        // Looks like an interface-definition (definition-url, config) but lacks unique-id:
        // both alternatives need unique-id.
        a["nodes"][0]["interfaces"] = json!([{"definition-url": "x", "config": {}}]);
        let errors = check(CALM12, &a);
        assert!(!errors.is_empty());
        assert!(
            errors
                .iter()
                .all(|e| e.pointer.starts_with("/nodes/0/interfaces/0")),
            "{errors:?}"
        );
        assert!(errors[0].message.contains("'unique-id'"), "{errors:?}");
        assert!(
            errors[0]
                .message
                .contains("closest of the 2 anyOf alternatives"),
            "{errors:?}"
        );
    }

    #[test]
    fn core_quirk_extra_top_level_keys_allowed_but_not_additional_properties() {
        assert!(check(CALM12, &arch(json!({"my-extension": {"x": 1}}))).is_empty());
        let errors = check(CALM12, &arch(json!({"additionalProperties": {}})));
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].pointer, "/additionalProperties");
    }

    #[test]
    fn flow_quirk_1_0_does_not_enforce_transitions_but_1_1_does() {
        let flows = json!({"flows": [{
            "unique-id": "f", "name": "F", "description": "d",
            "transitions": [{"sequence-number": "one", "extra": true}]
        }]});
        let v10 = check(
            "https://calm.finos.org/release/1.0/meta/calm.json",
            &arch(flows.clone()),
        );
        // Only the type of sequence-number is checked in 1.0.
        assert_eq!(v10.len(), 1, "{v10:?}");
        assert_eq!(v10[0].pointer, "/flows/0/transitions/0/sequence-number");
        let v11 = check(
            "https://calm.finos.org/release/1.1/meta/calm.json",
            &arch(flows),
        );
        assert!(
            v11.iter()
                .any(|e| e.message.contains("'relationship-unique-id'")),
            "{v11:?}"
        );
        assert!(
            v11.iter().any(|e| e.message.contains("'description'")),
            "{v11:?}"
        );
    }

    #[test]
    fn timeline_moment_rules() {
        let t = json!({
            "$schema": "https://calm.finos.org/release/1.2/meta/calm-timeline.json",
            "moments": [{
                "unique-id": "m1", "node-type": "service", "name": "M", "description": "d",
                "valid-from": "2024-13-45", "interfaces": [], "details": {}
            }]
        });
        let errors = check(
            "https://calm.finos.org/release/1.2/meta/calm-timeline.json",
            &t,
        );
        let pointers: Vec<&str> = errors.iter().map(|e| e.pointer.as_str()).collect();
        assert!(pointers.contains(&"/moments/0/node-type"), "{errors:?}");
        assert!(pointers.contains(&"/moments/0/valid-from"), "{errors:?}");
        assert!(pointers.contains(&"/moments/0/interfaces"), "{errors:?}");
    }

    #[test]
    fn fragment_urls_and_unknown_urls() {
        let node = json!({"unique-id": "a", "node-type": "x", "name": "n"});
        let errs = check(
            "https://calm.finos.org/release/1.2/meta/core.json#/defs/node",
            &node,
        );
        assert_eq!(errs.len(), 1);
        let e = against(
            SchemaTarget::Url("https://example.com/nope.json"),
            &node,
            &reg(),
        )
        .unwrap_err();
        assert_eq!(e.code, "json-schema");
        assert!(e.message.contains("not known offline"), "{}", e.message);
    }

    #[test]
    fn pattern_const_mismatch_shows_expected_and_found() {
        let pattern = json!({
            "$schema": CALM12,
            "type": "object",
            "properties": {
                "nodes": {"type": "array", "prefixItems": [
                    {"$ref": "https://calm.finos.org/release/1.2/meta/core.json#/defs/node",
                     "properties": {"unique-id": {"const": "a"}, "node-type": {"const": "database"}}}
                ]}
            }
        });
        let errors = against(SchemaTarget::Value(&pattern), &arch(json!({})), &reg()).unwrap();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].pointer, "/nodes/0/node-type");
        assert!(
            errors[0]
                .message
                .contains("expected \"database\", found \"service\""),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn pattern_anyof_picks_the_alternative_with_the_matching_unique_id() {
        let alt = |id: &str, ty: &str| json!({"properties": {"unique-id": {"const": id}, "node-type": {"const": ty}}, "required": ["unique-id"]});
        let pattern = json!({
            "$schema": CALM12,
            "properties": {"nodes": {"prefixItems": [
                {"anyOf": [alt("x", "service"), alt("b", "system"), alt("y", "database")]}
            ]}}
        });
        let mut a = arch(json!({}));
        a["nodes"] =
            json!([{"unique-id": "b", "node-type": "database", "name": "B", "description": "b"}]);
        let errors = against(SchemaTarget::Value(&pattern), &a, &reg()).unwrap();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].pointer, "/nodes/0/node-type");
        assert!(
            errors[0]
                .message
                .contains("expected \"system\", found \"database\""),
            "{}",
            errors[0].message
        );
        assert!(
            errors[0]
                .message
                .contains("closest of the 3 anyOf alternatives is #2 (unique-id 'b')"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn compile_pattern_checks_dialect_and_meta_schema() {
        let r = reg();
        let draft7 =
            json!({"$schema": "http://json-schema.org/draft-07/schema#", "type": "object"});
        let d = compile_pattern(&draft7, None, "p.json", &r);
        assert_eq!(d.len(), 1);
        assert!(d[0].message.starts_with(
            "Attempted to load standard JSON Schema with ID http://json-schema.org/draft-07/schema."
        ));
        let good = json!({"$schema": CALM12, "type": "object", "properties": {"nodes": {"type": "array"}, "relationships": {"type": "array"}}});
        assert!(compile_pattern(&good, None, "p.json", &r).is_empty());
        let bad =
            json!({"$schema": CALM12, "type": "object", "properties": {"nodes": {"type": "list"}}});
        assert!(!compile_pattern(&bad, None, "p.json", &r).is_empty());
        let array_subschema = json!({"$schema": CALM12, "properties": {"required": ["a"]}});
        assert!(!compile_pattern(&array_subschema, None, "p.json", &r).is_empty());
        let unknown = json!({"$schema": "https://calm.finos.org/calm/schemas/2025-03/meta/calm.json", "type": "object"});
        let d = compile_pattern(&unknown, None, "p.json", &r);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].pointer, "");
    }

    #[test]
    fn relative_refs_resolve_against_the_pattern_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("standards")).unwrap();
        std::fs::write(
            dir.path().join("standards/node.json"),
            r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","required":["owner"]}"#,
        )
        .unwrap();
        let pattern = json!({"$schema": DRAFT_2020_12, "properties": {"nodes": {"items": {"$ref": "standards/node.json"}}}});
        let pfile = dir.path().join("p.json");
        let errors = against(
            SchemaTarget::ValueAt(&pattern, &pfile),
            &arch(json!({})),
            &reg(),
        )
        .unwrap();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].message.contains("'owner'"));
    }

    #[test]
    fn mapped_urls_resolve_and_others_fail_offline() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("std.json"),
            r#"{"type":"object","required":["owner"]}"#,
        )
        .unwrap();
        let pattern = json!({"$schema": DRAFT_2020_12, "$id": "https://example.com/p.json",
            "properties": {"nodes": {"items": {"$ref": "https://example.com/std.json"}}}});
        let r = reg();
        assert!(!compile_pattern(&pattern, None, "p.json", &r).is_empty());
        let mut r = reg();
        r.map_url("https://example.com/std.json", dir.path().join("std.json"));
        assert!(compile_pattern(&pattern, None, "p.json", &r).is_empty());
        let errors = against(SchemaTarget::Value(&pattern), &arch(json!({})), &r).unwrap();
        assert_eq!(errors.len(), 2);
    }

    #[test]
    fn one_bad_schema_directory_file_does_not_hide_the_others() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("good.yaml"),
            "$schema: https://json-schema.org/draft/2020-12/schema\n$id: https://example.com/good.json\ntype: object\nrequired: [owner]\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("odd.json"),
            r#"{"$schema": "https://example.com/unknown-meta", "$id": "https://example.com/odd.json", "type": "object"}"#,
        )
        .unwrap();
        let mut r = reg();
        r.add_directory(dir.path()).unwrap();
        let errors = against(
            SchemaTarget::Url("https://example.com/good.json"),
            &json!({}),
            &r,
        )
        .unwrap();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].message.contains("'owner'"));
        // The embedded CALM schemas still work.
        assert!(
            against(SchemaTarget::Url(CALM12), &arch(json!({})), &r)
                .unwrap()
                .is_empty()
        );
        // The odd one reports a compile failure instead of panicking.
        assert!(
            against(
                SchemaTarget::Url("https://example.com/odd.json"),
                &json!({}),
                &r
            )
            .is_err()
        );
    }

    /// What [`draft_2020_12_part_is_moot`] relies on, checked against the meta-schemas
    /// `jsonschema` compiles.
    #[test]
    fn draft_2020_12_facts() {
        use referencing::meta;
        let vocabularies = [
            &*meta::DRAFT202012_CORE,
            &*meta::DRAFT202012_APPLICATOR,
            &*meta::DRAFT202012_UNEVALUATED,
            &*meta::DRAFT202012_VALIDATION,
            &*meta::DRAFT202012_META_DATA,
            &*meta::DRAFT202012_FORMAT_ANNOTATION,
            &*meta::DRAFT202012_CONTENT,
        ];
        let root = &*meta::DRAFT202012;
        // The root `allOf`s exactly these vocabulary meta-schemas.
        let refs: Vec<String> = root["allOf"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                assert_eq!(s.as_object().unwrap().len(), 1, "{s}");
                format!(
                    "https://json-schema.org/draft/2020-12/{}",
                    s["$ref"].as_str().unwrap()
                )
            })
            .collect();
        let ids: Vec<&str> = vocabularies
            .iter()
            .map(|v| v["$id"].as_str().unwrap())
            .collect();
        assert_eq!(refs, ids);
        let mut keywords = BTreeMap::new();
        for doc in std::iter::once(root).chain(vocabularies) {
            for key in doc.as_object().unwrap().keys() {
                // Nothing but `type` and `properties` (and `allOf` above) applies to an instance.
                assert!(
                    [
                        "$schema",
                        "$id",
                        "$vocabulary",
                        "$dynamicAnchor",
                        "$comment",
                        "$defs",
                        "title",
                        "type",
                        "properties",
                        "allOf"
                    ]
                    .contains(&key.as_str()),
                    "{key}"
                );
            }
            assert_eq!(doc["type"], json!(["object", "boolean"]));
            for (k, v) in doc["properties"].as_object().unwrap() {
                keywords.insert(k.as_str(), (v, doc));
            }
        }
        assert_eq!(
            keywords.keys().copied().collect::<Vec<_>>(),
            DRAFT_2020_12_KEYWORDS
        );
        for k in ["title", "description", "$comment"] {
            assert_eq!(keywords[k].0, &json!({"type": "string"}), "{k}");
        }
        assert_eq!(keywords["default"].0, &json!(true));
        let (schema, core) = keywords["$schema"];
        assert_eq!(schema, &json!({"$ref": "#/$defs/uriString"}));
        assert_eq!(
            core["$defs"]["uriString"],
            json!({"type": "string", "format": "uri"})
        );
        // Every embedded `$id` passes `format: uri` as the meta-schema checks it.
        let uri = jsonschema::options()
            .should_validate_formats(true)
            .build(&json!({"$schema": DRAFT_2020_12, "format": "uri"}))
            .unwrap();
        for (id, _) in crate::schemas::registry::embedded_schemas() {
            assert!(crate::schemas::registry::is_embedded_id(&id));
            assert!(uri.is_valid(&json!(id)), "{id}");
        }
        assert!(!uri.is_valid(&json!("not a uri")));
    }

    #[test]
    fn the_2020_12_part_is_left_out_only_when_moot() {
        let mut doc = arch(json!({"title": "t", "description": "d", "default": [1]}));
        assert!(draft_2020_12_part_is_moot(&doc));
        doc["$schema"] = json!("https://calm.finos.org/release/1.2/meta/calm.json#");
        assert!(!draft_2020_12_part_is_moot(&doc));
        for extra in [
            json!({"title": 1}),
            json!({"type": "object"}),
            json!({"$id": "https://example.com/a"}),
            json!({"properties": {}}),
        ] {
            assert!(!draft_2020_12_part_is_moot(&arch(extra.clone())), "{extra}");
        }
        assert!(!draft_2020_12_part_is_moot(&json!([])));
        assert!(!draft_2020_12_part_is_moot(&json!(true)));
        // The meta-schema's own errors still come out (from the full meta-schema).
        let errors = check(CALM12, &arch(json!({"title": 1})));
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].pointer, "/title");
    }

    #[test]
    fn file_urls_round_trip() {
        let p = Path::new("/tmp/a b#c.json");
        assert_eq!(file_url_to_path(&path_to_file_url(p)).unwrap(), p);
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    static REGISTRY: std::sync::LazyLock<SchemaRegistry> =
        std::sync::LazyLock::new(SchemaRegistry::embedded);

    const KEYS: &[&str] = &[
        "nodes",
        "relationships",
        "unique-id",
        "node-type",
        "name",
        "description",
        "relationship-type",
        "connects",
        "interacts",
        "deployed-in",
        "options",
        "source",
        "destination",
        "node",
        "interfaces",
        "controls",
        "requirements",
        "requirement-url",
        "config",
        "flows",
        "transitions",
        "sequence-number",
        "metadata",
        "protocol",
        "details",
        "actor",
        "container",
        "additionalProperties",
        "moments",
        "valid-from",
    ];

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (-3i64..3).prop_map(Value::from),
            prop::sample::select(vec!["", "a", "service", "HTTPS", "2024-01-01", "x y"])
                .prop_map(Value::from),
        ];
        leaf.prop_recursive(5, 64, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::vec((prop::sample::select(KEYS), inner), 0..6).prop_map(|kv| {
                    Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
                }),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
        /// Every invalid instance gets at least one diagnostic (no error is lost while
        /// explaining anyOf/oneOf), valid ones get none, and nothing panics.
        #[test]
        fn diagnostics_exactly_when_invalid(doc in json_value(), version in 0usize..7, timeline in any::<bool>()) {
            let reg = &*REGISTRY;
            let v = crate::schemas::registry::EMBEDDED_VERSIONS[version];
            let has_timeline = matches!(v, calm_model::CalmVersion::V1_2 | calm_model::CalmVersion::Draft2026_03);
            let url = v.meta_url(if timeline && has_timeline { "calm-timeline.json" } else { "calm.json" });
            let validator = reg.validator(SchemaTarget::Url(&url)).unwrap();
            let errors = validate_against(SchemaTarget::Url(&url), &doc, Origin::Architecture, "p.json", reg).unwrap();
            prop_assert_eq!(validator.is_valid(&doc), errors.is_empty(), "{} {:?}", doc, errors);
            for e in &errors {
                prop_assert!(e.code == "json-schema" && !e.message.is_empty());
                prop_assert!(e.pointer.is_empty() || e.pointer.starts_with('/'));
            }
        }

        /// `validate_against` (which leaves the 2020-12 meta-schema out when it cannot report
        /// anything) says exactly what the full meta-schema says, for documents with and
        /// without JSON Schema keywords at the top.
        #[test]
        fn without_the_2020_12_meta_schema_the_diagnostics_are_the_same(
            top in prop::collection::vec((prop::sample::select(TOP_KEYS), json_value()), 0..6),
            schema in schema_value(),
            version in 0usize..7,
            timeline in any::<bool>(),
        ) {
            let reg = &*REGISTRY;
            let v = crate::schemas::registry::EMBEDDED_VERSIONS[version];
            let has_timeline = matches!(v, calm_model::CalmVersion::V1_2 | calm_model::CalmVersion::Draft2026_03);
            let url = v.meta_url(if timeline && has_timeline { "calm-timeline.json" } else { "calm.json" });
            let mut doc: serde_json::Map<String, Value> =
                top.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
            if let Some(s) = schema {
                doc.insert("$schema".into(), s.replace("{URL}", &url).into());
            }
            let doc = Value::Object(doc);
            let target = SchemaTarget::Url(&url);
            let full = reg.validator(target).unwrap();
            let expected = validate_with(&full, target, &doc, Origin::Architecture, "p.json", reg);
            let got = validate_against(target, &doc, Origin::Architecture, "p.json", reg).unwrap();
            prop_assert_eq!(got, expected, "{}", doc);
        }
    }

    /// Top-level keys: CALM ones, JSON Schema keywords, and others.
    const TOP_KEYS: &[&str] = &[
        "nodes",
        "relationships",
        "flows",
        "metadata",
        "controls",
        "adrs",
        "moments",
        "title",
        "description",
        "$comment",
        "default",
        "type",
        "properties",
        "required",
        "$id",
        "additionalProperties",
        "examples",
        "deprecated",
        "items",
        "x-extension",
    ];

    /// A `$schema` value: none, the target's URL (`{URL}`), another embedded id, or strings
    /// the meta-schema's `format: uri` rejects or that are no embedded id.
    fn schema_value() -> impl Strategy<Value = Option<&'static str>> {
        prop::option::of(prop::sample::select(vec![
            "{URL}",
            "{URL}#",
            "https://calm.finos.org/release/1.2/meta/core.json",
            "not a uri",
            "https://example.com/x.json",
            "",
        ]))
    }
}
