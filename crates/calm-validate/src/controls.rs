//! Controls validation: every control requirement's configuration must satisfy its requirement
//! schema (`control-requirement-validation`).
//!
//! Controls are walked at the top level, then in nodes, relationships and flows (document
//! order). For `requirements[i]`:
//! - the requirement schema is `requirement-url`: a `#/…` pointer into the pattern, or a
//!   reference resolved with [`Resolver`];
//! - the configuration is the inline `config`, else the document at `config-url`;
//! - the configuration is validated against the requirement schema.
//!
//! Paths: `/controls/<id>/requirements/<i>`, `/nodes/<n>/controls/<id>/requirements/<i>`, …,
//! plus the instance path inside the config for a mismatch.
//!
//! Deliberate difference from `calm validate`: a requirement or config URL that cannot be
//! resolved offline (a remote URL that is not embedded, not in `-s` and not mapped with `-u`)
//! gives the **warning** `control-requirement-unresolved` ("the config was not checked"), not an
//! error; `--strict` turns warnings into a failure. [`ControlsOptions::reference_compat`]
//! restores the reference's error for conformance measurements.

use crate::diagnostic::{Bucket, Diagnostic, Origin, Severity};
use crate::json_schema::{self, CompileFailure, SchemaTarget};
use crate::resolve::{Resolved, Resolver, UnresolvedKind};
use calm_model::{Document, escape_token};
use jsonschema::Validator;
use serde_json::Value;
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;
use std::path::PathBuf;
use std::sync::Arc;

pub const CODE_VALIDATION: &str = "control-requirement-validation";
pub const CODE_UNRESOLVED: &str = "control-requirement-unresolved";
pub const CODE_LEGACY_NAMING: &str = "control-legacy-naming";

/// How to treat references that cannot be resolved offline.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ControlsOptions {
    /// `true`: an unresolvable remote requirement/config URL is a `control-requirement-validation`
    /// error, as in the reference CLI. `false` (default): a `control-requirement-unresolved` warning.
    pub reference_compat: bool,
}

/// Validate every control of `doc` (default options). `pattern` is the document `#/…`
/// requirement URLs point into (the `-p` pattern, or the document at the architecture's `$schema`).
pub fn validate(
    doc: &Document,
    pattern: Option<&Value>,
    resolver: &Resolver<'_>,
) -> Vec<Diagnostic> {
    validate_with(doc, pattern, resolver, ControlsOptions::default())
}

pub fn validate_with(
    doc: &Document,
    pattern: Option<&Value>,
    resolver: &Resolver<'_>,
    options: ControlsOptions,
) -> Vec<Diagnostic> {
    let file = doc.name().to_string();
    let doc_path = doc.source.path.as_deref();
    let mut out = Vec::new();
    if has_legacy_naming(&doc.value) {
        out.push(diagnostic(
            CODE_LEGACY_NAMING,
            Severity::Warning,
            "Architecture contains legacy control naming (control-requirement-url, from CALM 1.0-rc1). Rename it to requirement-url (and control-config-url / control-config to config-url / config); controls with legacy naming were not validated.".into(),
            String::new(),
            &file,
        ));
    }
    let ctx = Ctx {
        pattern,
        resolver,
        options,
        file: &file,
        doc_path,
        loaded: [RefCell::new(HashMap::new()), RefCell::new(HashMap::new())],
        validators: RefCell::new(HashMap::new()),
    };
    for (base, controls) in control_blocks(&doc.value) {
        let Some(controls) = controls.as_object() else {
            continue;
        };
        for (control_id, control) in controls {
            let Some(reqs) = control.get("requirements").and_then(Value::as_array) else {
                continue;
            };
            for (i, req) in reqs.iter().enumerate() {
                let pointer = format!("{base}/{}/requirements/{i}", escape_token(control_id));
                ctx.check_requirement(control_id, req, &pointer, &mut out);
            }
        }
    }
    out
}

/// `(pointer of the controls object, controls object)` at the top level, in nodes,
/// relationships and flows.
fn control_blocks(value: &Value) -> Vec<(String, &Value)> {
    let mut blocks = Vec::new();
    if let Some(c) = value.get("controls") {
        blocks.push(("/controls".to_string(), c));
    }
    for kind in ["nodes", "relationships", "flows"] {
        if let Some(items) = value.get(kind).and_then(Value::as_array) {
            for (i, item) in items.iter().enumerate() {
                if let Some(c) = item.get("controls") {
                    blocks.push((format!("/{kind}/{i}/controls"), c));
                }
            }
        }
    }
    blocks
}

/// Whether `"control-requirement-url"` appears anywhere (as a key or a string value).
fn has_legacy_naming(value: &Value) -> bool {
    // Iterative walk: documents may be deep.
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(m) => {
                if m.contains_key("control-requirement-url") {
                    return true;
                }
                stack.extend(m.values());
            }
            Value::Array(a) => stack.extend(a.iter()),
            Value::String(s) if s == "control-requirement-url" => return true,
            _ => {}
        }
    }
    false
}

fn diagnostic(
    code: &str,
    severity: Severity,
    message: String,
    pointer: String,
    file: &str,
) -> Diagnostic {
    Diagnostic {
        code: code.into(),
        severity,
        message,
        pointer,
        schema_path: None,
        origin: Origin::Architecture,
        bucket: Bucket::JsonSchema,
        file: file.to_string(),
        line_start: 0,
        line_end: 0,
        character_start: 0,
        character_end: 0,
    }
}

struct Ctx<'a> {
    pattern: Option<&'a Value>,
    resolver: &'a Resolver<'a>,
    options: ControlsOptions,
    file: &'a str,
    doc_path: Option<&'a Path>,
    /// Requirement schemas and configs by (is config, reference): thousands of controls
    /// usually share a few requirement schemas.
    loaded: [RefCell<HashMap<String, Result<Loaded, LoadFailure>>>; 2],
    /// Compiled requirement schemas by reference.
    validators: RefCell<HashMap<String, Result<Arc<Validator>, CompileFailure>>>,
}

/// A loaded requirement schema or config.
#[derive(Clone)]
struct Loaded {
    value: Arc<Value>,
    path: Option<PathBuf>,
}

#[derive(Clone)]
struct LoadFailure {
    remote_offline: bool,
    reason: String,
}

impl Ctx<'_> {
    fn check_requirement(
        &self,
        control_id: &str,
        req: &Value,
        pointer: &str,
        out: &mut Vec<Diagnostic>,
    ) {
        let Some(url) = req.get("requirement-url").and_then(Value::as_str) else {
            // Missing or legacy-named: the JSON Schema check reports the shape.
            return;
        };
        let Some(requirement) = self.load(url, false, control_id, pointer, out) else {
            return;
        };
        let config_from_url;
        let config: &Value = if let Some(c) = req.get("config") {
            c
        } else if let Some(curl) = req.get("config-url").and_then(Value::as_str) {
            match self.load(curl, true, control_id, pointer, out) {
                Some(c) => {
                    config_from_url = c;
                    &config_from_url.value
                }
                None => return,
            }
        } else {
            return;
        };
        let target = match &requirement.path {
            Some(p) => SchemaTarget::ValueAt(&requirement.value, p),
            None => SchemaTarget::Value(&requirement.value),
        };
        let cached = self.validators.borrow().get(url).cloned();
        let validator = match cached {
            Some(v) => v,
            None => {
                let v = self.resolver.registry.validator(target);
                self.validators
                    .borrow_mut()
                    .insert(url.to_string(), v.clone());
                v
            }
        };
        match validator {
            Err(compile) => out.push(diagnostic(
                CODE_VALIDATION,
                Severity::Error,
                format!(
                    "Requirement schema '{url}' of control '{control_id}' cannot be used: {}",
                    compile.message
                ),
                pointer.to_string(),
                self.file,
            )),
            Ok(validator) => {
                let errors = json_schema::validate_with(
                    &validator,
                    target,
                    config,
                    Origin::Architecture,
                    self.file,
                    self.resolver.registry,
                );
                for e in errors {
                    let mut d = diagnostic(
                        CODE_VALIDATION,
                        Severity::Error,
                        format!(
                            "config of control '{control_id}' does not meet requirement '{url}': {}",
                            e.message
                        ),
                        format!("{pointer}{}", e.pointer),
                        self.file,
                    );
                    d.schema_path = e.schema_path;
                    out.push(d);
                }
            }
        }
    }

    /// Load a requirement schema (`is_config` false) or a config; on failure push the
    /// diagnostic and return None.
    fn load(
        &self,
        reference: &str,
        is_config: bool,
        control_id: &str,
        pointer: &str,
        out: &mut Vec<Diagnostic>,
    ) -> Option<Loaded> {
        let what = if is_config {
            "config"
        } else {
            "requirement schema"
        };
        let cache = &self.loaded[usize::from(is_config)];
        let cached = cache.borrow().get(reference).cloned();
        let result = match cached {
            Some(r) => r,
            None => {
                let r = self.load_uncached(reference, is_config);
                cache.borrow_mut().insert(reference.to_string(), r.clone());
                r
            }
        };
        match result {
            Ok(loaded) => Some(loaded),
            Err(f) if f.remote_offline && !self.options.reference_compat => {
                out.push(diagnostic(
                    CODE_UNRESOLVED,
                    Severity::Warning,
                    format!(
                        "The {what} '{reference}' of control '{control_id}' cannot be resolved offline, so this requirement's config was not checked. Add the schema with -s DIR or map the URL to a local file with -u FILE."
                    ),
                    pointer.to_string(),
                    self.file,
                ));
                None
            }
            Err(f) => {
                out.push(diagnostic(
                    CODE_VALIDATION,
                    Severity::Error,
                    format!("Could not load {what} from '{reference}': {}", f.reason),
                    pointer.to_string(),
                    self.file,
                ));
                None
            }
        }
    }

    fn load_uncached(&self, reference: &str, is_config: bool) -> Result<Loaded, LoadFailure> {
        if let Some(fragment) = reference.strip_prefix('#') {
            return match self.pattern.and_then(|p| p.pointer(fragment)) {
                Some(v) => Ok(Loaded {
                    value: Arc::new(v.clone()),
                    path: None,
                }),
                None => Err(LoadFailure {
                    remote_offline: false,
                    reason: if self.pattern.is_some() {
                        "the pattern has nothing at that pointer".into()
                    } else {
                        "there is no pattern to point into".into()
                    },
                }),
            };
        }
        let resolved = if is_config {
            self.resolver.resolve_config(reference, self.doc_path)
        } else {
            self.resolver.resolve_document(reference, self.doc_path)
        };
        match resolved {
            Resolved::Found(d) => Ok(Loaded {
                value: d.value,
                path: d.path,
            }),
            Resolved::Unresolved(u) => Err(LoadFailure {
                remote_offline: u.kind == UnresolvedKind::RemoteOffline,
                reason: u.reason,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schemas::SchemaRegistry;
    use serde_json::json;

    const REQ: &str = r#"{
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://example.com/tls.requirement.json",
        "allOf": [{"$ref": "https://calm.finos.org/release/1.2/meta/control-requirement.json"}],
        "properties": {"min-version": {"enum": ["1.2", "1.3"]}},
        "required": ["min-version"]
    }"#;

    fn doc(value: Value, dir: &Path) -> Document {
        let path = dir.join("arch.json");
        std::fs::write(&path, serde_json::to_string_pretty(&value).unwrap()).unwrap();
        Document::load_path(&path).unwrap()
    }

    fn setup() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("controls")).unwrap();
        std::fs::write(dir.path().join("controls/tls.requirement.json"), REQ).unwrap();
        std::fs::write(
            dir.path().join("controls/tls.config.json"),
            r#"{"control-id": "sec-1", "name": "TLS", "description": "d", "min-version": "1.0"}"#,
        )
        .unwrap();
        dir
    }

    fn requirement(req_url: &str, config: Value) -> Value {
        let mut r = json!({"requirement-url": req_url});
        if let Some(url) = config.as_str() {
            r["config-url"] = json!(url);
        } else {
            r["config"] = config;
        }
        r
    }

    fn arch(node_req: Value, top_req: Value) -> Value {
        json!({
            "nodes": [
                {"unique-id": "a", "node-type": "service", "name": "A", "description": "a"},
                {"unique-id": "b", "node-type": "service", "name": "B", "description": "b",
                 "controls": {"security": {"description": "s", "requirements": [node_req]}}}
            ],
            "relationships": [],
            "controls": {"tls": {"description": "t", "requirements": [top_req]}}
        })
    }

    fn good_config() -> Value {
        json!({"control-id": "sec-1", "name": "TLS", "description": "d", "min-version": "1.3"})
    }

    #[test]
    fn relative_requirement_and_config_urls_resolve_against_the_document() {
        let dir = setup();
        let reg = SchemaRegistry::embedded();
        let elsewhere = tempfile::tempdir().unwrap();
        let resolver = Resolver::new(&reg, elsewhere.path());
        let d = doc(
            arch(
                requirement(
                    "controls/tls.requirement.json",
                    json!("controls/tls.config.json"),
                ),
                requirement("controls/tls.requirement.json", good_config()),
            ),
            dir.path(),
        );
        let out = validate(&d, None, &resolver);
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].code, CODE_VALIDATION);
        assert_eq!(out[0].severity, Severity::Error);
        assert_eq!(
            out[0].pointer,
            "/nodes/1/controls/security/requirements/0/min-version"
        );
        assert!(out[0].message.contains("\"1.3\""), "{}", out[0].message);
        assert!(out[0].file.ends_with("arch.json"));
    }

    #[test]
    fn config_missing_fields_of_the_base_requirement() {
        let dir = setup();
        let reg = SchemaRegistry::embedded();
        let resolver = Resolver::new(&reg, dir.path());
        let d = doc(
            arch(
                requirement(
                    "controls/tls.requirement.json",
                    json!({"min-version": "1.2"}),
                ),
                json!({}),
            ),
            dir.path(),
        );
        let out = validate(&d, None, &resolver);
        let pointers: Vec<&str> = out.iter().map(|d| d.pointer.as_str()).collect();
        assert_eq!(out.len(), 3, "{out:?}");
        assert!(
            pointers
                .iter()
                .all(|p| *p == "/nodes/1/controls/security/requirements/0")
        );
        assert!(out.iter().any(|d| d.message.contains("'control-id'")));
    }

    #[test]
    fn unresolvable_remote_url_is_a_warning_unless_reference_compat() {
        let dir = setup();
        let reg = SchemaRegistry::embedded();
        let resolver = Resolver::new(&reg, dir.path());
        let d = doc(
            arch(
                requirement(
                    "https://internal-policy.example.com/security/tls.json",
                    good_config(),
                ),
                requirement(
                    "controls/tls.requirement.json",
                    json!("https://internal-policy.example.com/tls-config.json"),
                ),
            ),
            dir.path(),
        );
        let out = validate(&d, None, &resolver);
        assert_eq!(out.len(), 2, "{out:?}");
        assert!(
            out.iter()
                .all(|d| d.code == CODE_UNRESOLVED && d.severity == Severity::Warning)
        );
        assert_eq!(out[0].pointer, "/controls/tls/requirements/0");
        assert!(out[0].message.contains("config") && out[0].message.contains("not checked"));
        assert_eq!(out[1].pointer, "/nodes/1/controls/security/requirements/0");
        let compat = validate_with(
            &d,
            None,
            &resolver,
            ControlsOptions {
                reference_compat: true,
            },
        );
        assert_eq!(compat.len(), 2);
        assert!(
            compat
                .iter()
                .all(|d| d.code == CODE_VALIDATION && d.severity == Severity::Error)
        );
        assert!(
            compat[1]
                .message
                .starts_with("Could not load requirement schema from 'https://internal-policy")
        );
    }

    #[test]
    fn missing_local_file_is_an_error_and_mapping_fixes_remote() {
        let dir = setup();
        let mut reg = SchemaRegistry::embedded();
        reg.map_url(
            "https://internal-policy.example.com/security/tls.json",
            dir.path().join("controls/tls.requirement.json"),
        );
        let resolver = Resolver::new(&reg, dir.path());
        let d = doc(
            arch(
                requirement(
                    "https://internal-policy.example.com/security/tls.json",
                    good_config(),
                ),
                requirement("controls/missing.json", good_config()),
            ),
            dir.path(),
        );
        let out = validate(&d, None, &resolver);
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].code, CODE_VALIDATION);
        assert_eq!(out[0].pointer, "/controls/tls/requirements/0");
        assert!(
            out[0]
                .message
                .contains("Could not load requirement schema from 'controls/missing.json'")
        );
    }

    #[test]
    fn pattern_pointer_requirements_and_flows_and_relationships() {
        let dir = setup();
        let reg = SchemaRegistry::embedded();
        let resolver = Resolver::new(&reg, dir.path());
        let pattern = json!({"defs": {"owner": {"type": "object", "required": ["owner"]}}});
        let value = json!({
            "nodes": [],
            "relationships": [{"unique-id": "r", "controls": {"own": {"description": "o", "requirements": [
                {"requirement-url": "#/defs/owner", "config": {"owner": "me"}}
            ]}}}],
            "flows": [{"unique-id": "f", "controls": {"own": {"description": "o", "requirements": [
                {"requirement-url": "#/defs/owner", "config": {}},
                {"requirement-url": "#/defs/nothing", "config": {}}
            ]}}}]
        });
        let d = doc(value, dir.path());
        let out = validate(&d, Some(&pattern), &resolver);
        assert_eq!(out.len(), 2, "{out:?}");
        assert_eq!(out[0].pointer, "/flows/0/controls/own/requirements/0");
        assert!(out[0].message.contains("'owner'"));
        assert_eq!(out[1].pointer, "/flows/0/controls/own/requirements/1");
        assert!(out[1].message.contains("nothing at that pointer"));
        let no_pattern = validate(&d, None, &resolver);
        assert_eq!(no_pattern.len(), 3, "{no_pattern:?}");
    }

    #[test]
    fn legacy_naming_warns_once_at_root() {
        let dir = setup();
        let reg = SchemaRegistry::embedded();
        let resolver = Resolver::new(&reg, dir.path());
        let legacy = json!({"control-requirement-url": "https://x/r.json", "control-config-url": "https://x/c.json"});
        let d = doc(arch(legacy.clone(), legacy), dir.path());
        let out = validate(&d, None, &resolver);
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].code, CODE_LEGACY_NAMING);
        assert_eq!(out[0].severity, Severity::Warning);
        assert_eq!(out[0].pointer, "");
    }
}
