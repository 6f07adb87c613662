//! SEC-07 `secret-in-metadata`.

use crate::context::Context;
use crate::finding::{Category, Finding, Severity};
use crate::rules::{Rule, RuleDoc, RuleMeta};
use serde_json::{Map, Value};

pub static META: RuleMeta = RuleMeta {
    id: "secret-in-metadata",
    code: "SEC-07",
    category: Category::Security,
    default_severity: Severity::Critical,
    summary: "metadata key looks like a credential and holds a literal value",
    tags: &["security", "stride:information-disclosure"],
    doc: RuleDoc {
        what: "A metadata entry (architecture, node, relationship or flow; object or array form; \
nested objects included) — or an inline control `config` entry — whose key names a credential — `password`, `passwd`, `pwd`, `secret`, \
`api-key`, `apikey`, `token`, `private-key`, `connection-string`, `credential`, `access-key` — and \
whose value is a literal secret rather than a reference.\n\nDetection: the value must be a string \
of at least 8 characters without spaces that is not a reference (`vault:…`, `${…}`, `{{…}}`, \
`secret://`, `arn:aws:secretsmanager:`, `env:`, `[[ PLACEHOLDER ]]`) and not a plain URL; it must \
look random (at least two character classes and Shannon entropy ≥ 3 bits/char) and not be a \
dashed word such as a header name. A connection string or URL carrying `user:password@` is always \
a secret, including an interface `url`/`host`. Keys that describe a secret rather than hold one (`token-expiry`, `token-ttl`, \
`refresh-tokens`, `token-revocation`, `api-key-header`, `secret-rotation-days`, …) are skipped, \
as are booleans, numbers and `{unit, value}` objects.",
        why: "Architecture files live in Git, wikis, chat and CI logs. A credential written into \
one is disclosed to everyone who can read any of those, forever (Git history), and usually \
cannot be rotated without an incident.",
        example: "```json\n\"metadata\": {\"owner\": \"retail-core\", \"db-password\": \"Pr0d#S3cr3t!2024xyz\"}\n```",
        how_to_fix: "Remove the value from the model (and from Git history), rotate the credential, \
and reference the secret instead: `\"db-password\": \"vault:secret/data/accounts#password\"`. \
Declare how secrets are handled with a `secrets-management` control at architecture level.",
        false_positives: "Random-looking values that are not secrets (a public key fingerprint, \
a build hash) under a key such as `token`: rename the key, or suppress with \
`metadata.calm-advisor.suppress: [{rule: secret-in-metadata, status: false-positive, \
justification: …}]` on the element.",
        references: &[
            "https://cwe.mitre.org/data/definitions/798.html",
            "https://owasp.org/Top10/A07_2021-Identification_and_Authentication_Failures/",
            "https://calm.finos.org/traderx/control-requirement/secrets-management",
        ],
    },
};

pub struct SecretInMetadata;

impl Rule for SecretInMetadata {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let m = &ctx.model;
        let mut scopes: Vec<(&str, Option<&str>, &Map<String, Value>)> =
            vec![("architecture", None, &m.metadata)];
        scopes.extend(
            m.nodes
                .iter()
                .map(|n| ("node", Some(n.id.as_str()), &n.metadata)),
        );
        scopes.extend(
            m.relationships
                .iter()
                .map(|r| ("relationship", Some(r.id.as_str()), &r.metadata)),
        );
        scopes.extend(
            m.flows
                .iter()
                .map(|f| ("flow", Some(f.id.as_str()), &f.metadata)),
        );
        let mut out = Vec::new();
        for (kind, id, meta) in scopes {
            let mut hits = Vec::new();
            collect(meta, "", &mut hits);
            // Inline control configs and interface URLs leak the same way.
            let (controls, interfaces): (
                &[crate::normalize::Control],
                &[crate::normalize::Interface],
            ) = match (kind, id) {
                ("architecture", _) => (&m.controls, &[]),
                ("node", Some(i)) => m
                    .node_idx(i)
                    .map(|x| (&m.nodes[x].controls[..], &m.nodes[x].interfaces[..]))
                    .unwrap_or((&[], &[])),
                ("relationship", Some(i)) => m
                    .rel_idx(i)
                    .map(|x| (&m.relationships[x].controls[..], &[][..]))
                    .unwrap_or((&[], &[])),
                ("flow", Some(i)) => m
                    .flow_idx(i)
                    .map(|x| (&m.flows[x].controls[..], &[][..]))
                    .unwrap_or((&[], &[])),
                _ => (&[], &[]),
            };
            for c in controls {
                for (ri, r) in c.requirements.iter().enumerate() {
                    if let Some(cfg) = &r.config {
                        let prefix = if c.requirements.len() > 1 {
                            format!("controls.{}[{ri}]", c.id)
                        } else {
                            format!("controls.{}", c.id)
                        };
                        collect(cfg, &prefix, &mut hits);
                    }
                }
            }
            for itf in interfaces {
                if let Some(url) = itf.url.as_deref().filter(|u| url_with_password(u)) {
                    hits.push((format!("interfaces.{}.url", itf.id), url.to_string()));
                }
            }
            for (path, value) in hits {
                let owner = id.unwrap_or("architecture");
                let mut b = ctx
                    .finding(&META, &[owner])
                    .variant(path.clone())
                    .title(format!("{kind} {owner}: `{path}` holds a literal credential"))
                    .score(4, 4)
                    .evidence("credential-key", format!("key `{path}` names a credential"))
                    .evidence("literal-value", format!("value `{}` ({} characters) is not a secret-manager reference", mask(&value), value.chars().count()))
                    .rationale(format!(
                        "The value of `{path}` is a literal secret in the architecture file; everyone who can read the file, its Git history or any export of it can use the credential."
                    ))
                    .recommendation(format!(
                        "Remove the value of `{path}`, rotate the credential, and reference the secret manager instead (e.g. `vault:secret/data/…`); declare a `secrets-management` control."
                    ));
                b = match kind {
                    "node" => b.nodes([owner]),
                    "relationship" => b.relationships([owner]),
                    "flow" => b.flows([owner]),
                    _ => b,
                };
                out.push(b.build());
            }
        }
        out
    }
}

/// Key names that hold credentials (matched on dash/underscore separated words).
fn is_credential_key(key: &str) -> bool {
    // camelCase → kebab-case, `_` → `-`.
    let mut k = String::new();
    let mut prev_lower = false;
    for c in key.chars() {
        if c.is_ascii_uppercase() && prev_lower {
            k.push('-');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        k.push(if c == '_' {
            '-'
        } else {
            c.to_ascii_lowercase()
        });
    }
    let words: Vec<&str> = k
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    // Keys that describe a secret instead of holding one.
    const DESCRIPTIVE: &[&str] = &[
        "expiry",
        "expiration",
        "ttl",
        "lifetime",
        "revocation",
        "header",
        "name",
        "type",
        "length",
        "rotation",
        "endpoint",
        "url",
        "path",
        "policy",
        "format",
        "algorithm",
        "issuer",
        "audience",
        "days",
        "minutes",
        "seconds",
        "hours",
        "enabled",
        "required",
        "refresh",
        "scope",
        "scopes",
        "location",
        "store",
        "manager",
        "provider",
        "ref",
        "reference",
        "id",
    ];
    if words.iter().any(|w| DESCRIPTIVE.contains(w)) {
        return false;
    }
    let joined = words.join("-");
    words.iter().any(|w| {
        matches!(
            *w,
            "password"
                | "passwd"
                | "pwd"
                | "secret"
                | "apikey"
                | "token"
                | "credential"
                | "credentials"
                | "passphrase"
        )
    }) || [
        "api-key",
        "private-key",
        "connection-string",
        "access-key",
        "secret-key",
        "client-secret",
        "conn-string",
    ]
    .iter()
    .any(|p| joined.contains(p))
}

fn collect(meta: &Map<String, Value>, prefix: &str, out: &mut Vec<(String, String)>) {
    for (k, v) in meta {
        let path = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            Value::String(s) if is_credential_key(k) && is_literal_secret(k, s) => {
                out.push((path, s.clone()))
            }
            Value::Object(inner)
                if !(inner.contains_key("unit") && inner.contains_key("value")) =>
            {
                collect(inner, &path, out)
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    if let Value::Object(inner) = item {
                        collect(inner, &format!("{path}[{i}]"), out);
                    }
                }
            }
            _ => {}
        }
    }
}

/// A URL with `user:password@` in its authority.
fn url_with_password(s: &str) -> bool {
    let Some((_, rest)) = s.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    authority.split_once('@').is_some_and(|(userinfo, _)| {
        userinfo
            .split_once(':')
            .is_some_and(|(_, p)| !p.is_empty() && !is_reference(p))
    })
}

fn is_reference(s: &str) -> bool {
    let l = s.trim().to_ascii_lowercase();
    [
        "vault:",
        "${",
        "{{",
        "secret://",
        "secrets://",
        "arn:aws:secretsmanager:",
        "arn:aws:ssm:",
        "env:",
        "kv:",
        "keyvault:",
        "azure-kv:",
        "gcp-sm:",
        "op://",
        "ssm:",
        "sm://",
        "[[",
        "<",
        "$",
    ]
    .iter()
    .any(|p| l.starts_with(p))
        || ["redacted", "changeme", "placeholder", "xxxxx", "*****"]
            .iter()
            .any(|w| l.contains(w))
}

pub(crate) fn is_literal_secret(key: &str, s: &str) -> bool {
    let s = s.trim();
    if is_reference(s) {
        return false;
    }
    if url_with_password(s) {
        return true;
    }
    if s.contains("://") || s.chars().count() < 8 || s.contains(char::is_whitespace) {
        return false;
    }
    // Dashed/underscored words (`X-Api-Key`, `bearer-token`) name things; secrets do not read like that.
    if s.split(['-', '_', '.'])
        .all(|w| w.chars().all(|c| c.is_ascii_alphabetic()))
    {
        return false;
    }
    let _ = key;
    let classes = [
        s.chars().any(|c| c.is_ascii_lowercase()),
        s.chars().any(|c| c.is_ascii_uppercase()),
        s.chars().any(|c| c.is_ascii_digit()),
        s.chars().any(|c| !c.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    classes >= 2 && entropy(s) >= 3.0
}

/// Shannon entropy in bits per character.
fn entropy(s: &str) -> f64 {
    let mut counts = std::collections::BTreeMap::new();
    let n = s.chars().count() as f64;
    for c in s.chars() {
        *counts.entry(c).or_insert(0usize) += 1;
    }
    counts
        .values()
        .map(|&k| {
            let p = k as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// Never print a secret: keep two characters.
fn mask(s: &str) -> String {
    let head: String = s.chars().take(2).collect();
    format!("{head}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        for k in [
            "db-password",
            "API_KEY",
            "lab-system-api-key",
            "client-secret",
            "connection-string",
            "access_token",
            "privateKey",
        ] {
            assert!(is_credential_key(k), "{k}");
        }
        for k in [
            "token-expiry",
            "refresh-tokens-enabled",
            "token-revocation",
            "api-key-header",
            "secret-rotation-days",
            "owner",
            "password-policy",
        ] {
            assert!(!is_credential_key(k), "{k}");
        }
    }

    #[test]
    fn values() {
        assert!(is_literal_secret("db-password", "Pr0d#S3cr3t!2024xyz"));
        assert!(is_literal_secret("api-key", "sk_live_9fQ2xV7mP4kR8tL1wZ3n"));
        assert!(is_literal_secret(
            "connection-string",
            "oracle://app:hunter22@core-db:1521/CORE"
        ));
        assert!(!is_literal_secret(
            "connection-string",
            "postgres://core-db:5432/core"
        ));
        assert!(!is_literal_secret(
            "db-password",
            "vault:secret/data/hl7#password"
        ));
        assert!(!is_literal_secret("token", "${STATEMENTS_TOKEN}"));
        assert!(!is_literal_secret("token", "3600s"));
        assert!(!is_literal_secret("api-key", "X-Api-Key"));
        assert!(!is_literal_secret("password", "[[ DB_PASSWORD ]]"));
        assert!(!is_literal_secret("password", "aaaaaaaa1"));
        assert!(!is_literal_secret(
            "secret",
            "https://vault.example.com/v1/secret/app"
        ));
    }
}
