//! SEC-07 `secret-in-metadata`.
//!
//! Works like the keyword detectors of secret scanners (gitleaks, detect-secrets'
//! `KeywordDetector`): under a key that names a credential any literal value is a finding,
//! whatever its length; only references, placeholders, settings and prose are not. Under other
//! keys only values that carry a credential on their own are reported: a URL or connection string
//! with a password, a known token format, or a long random-looking string.

use crate::context::Context;
use crate::finding::{Category, Confidence, Finding, Severity};
use crate::rules::{Rule, RuleDoc, RuleMeta};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

pub static META: RuleMeta = RuleMeta {
    id: "secret-in-metadata",
    code: "SEC-07",
    category: Category::Security,
    default_severity: Severity::Critical,
    summary: "metadata key looks like a credential and holds a literal value",
    tags: &["security", "stride:information-disclosure"],
    doc: RuleDoc {
        what: "A metadata entry (architecture, node, relationship or flow; object or array form; \
nested objects and arrays included) — or an inline control `config` entry — that holds a literal \
credential. It works like the keyword detectors of secret scanners (gitleaks, detect-secrets):\n\n\
- **Keys that name a credential.** The key's last word (camelCase, `_` and `-` split; trailing \
qualifiers such as `value`, `prod` or a digit ignored) is `password`, `passwd`, `pwd`, `pass` \
(`db-pass`), \
`passphrase`, `secret`, `token`, `bearer`, `credential(s)`, `creds`, or a phrase `api-key`, \
`access-key`, `secret-key`, `private-key`, `client-secret`, `auth-key`, `account-key`, \
`signing-key`, `encryption-key`, `master-key`, … (also glued: `dbPassword`, `apitoken`). \
Any literal string under such a key is a finding, however short: `\"db-password\": \"admin123\"` \
and `\"api-key\": \"abc123\"` are reported, and so are well-known defaults (`changeme`, \
`changeit`, `password`). Not literals: references (`${…}`, `{{…}}`, `$VAR`, `%VAR%`, `env:`, \
`vault:`, `ssm:`, `arn:…`, `secret://`, `op://`, `ENC(…)`, `/run/secrets/…`, values naming a \
secret store such as Vault, AWS Secrets Manager, Key Vault, `secretRef`/`valueFrom`), \
placeholders (`<redacted>`, `***`, `xxxx`, `[[ X ]]`, `…`), URLs without a password, empty \
strings, durations (`3600s`), words that describe the mechanism (`JWT`, `OAuth2`, \
`managed-identity`, `none`), names of a secret (`X-Api-Key`, `orders-db-credentials`) and prose \
(several plain words such as `stored in AWS Secrets Manager`). Booleans, numbers and \
`{unit, value}` objects are never secrets.\n\
- **Keys that describe a secret** rather than hold one — whose last word is a setting such as \
`length`, `ttl`, `expiry`, `policy`, `rotation`, `enabled`, `type`, `header`, `name`, `url`, \
`store`, `provider`, `ref`, `id` (`password-min-length`, `token-ttl`, `secret-store`, \
`api-key-ref`, `secret-id`) — and all other keys are neutral: there a value is reported only \
when it carries a credential on its own.\n\
- **Under any key:** a URL or connection string with a literal password (`scheme://user:pass@host`, \
`…;Password=…`, `?password=…`, `AccountKey=…`), including an interface `url`; a known token format \
(PEM private key, AWS access key id, GitHub/GitLab/Slack/Stripe/Google keys, JWT); and, under \
neutral keys, a long random-looking string (≥ 20 characters of the base64 alphabet mixing lower \
case, upper case and digits, entropy ≥ 3.5 bits/char, not a CamelCase identifier).\n\n\
Severity: critical for a random-looking literal, an embedded password or a known token format; \
high for a short or well-known default value (`changeme`, `admin123`) and for a random-looking \
value under a neutral key. One finding per element and key; the evidence names the key and shows \
only the first characters of the value.",
        why: "Architecture files live in Git, wikis, chat and CI logs. A credential written into \
one is disclosed to everyone who can read any of those, forever (Git history), and usually \
cannot be rotated without an incident.",
        example: "```json\n\"metadata\": {\"owner\": \"retail-core\", \"db-password\": \"Pr0d#S3cr3t!2024xyz\"}\n```",
        how_to_fix: "Remove the value from the model (and from Git history), rotate the credential, \
and reference the secret instead: `\"db-password\": \"vault:secret/data/accounts#password\"`. \
Declare how secrets are handled with a `secrets-management` control at architecture level.",
        false_positives: "Under a key that names a credential every literal counts, as in secret \
scanners: a value that is really a setting or a name (`\"secret\": \"orders-db\"` naming a \
Kubernetes secret, `\"credentials\": \"svc-orders\"` naming a service account) is reported. Rename the key after what it holds \
(`secret-name`, `secret-ref`, `credentials-account`, `token-type`: keys ending in a setting or \
other word are not credential keys) or write the value as a reference (`k8s-secret:orders-db`). Under neutral \
keys, a random-looking value that is not a secret (a public key fingerprint, a build hash in \
base64) is reported as high. Suppress with `metadata.calm-advisor.suppress: [{rule: \
secret-in-metadata, status: false-positive, justification: …}]` on the element. Not found: a \
passphrase written as plain words, a dashed name holding a credential word \
(`my-secret-password` reads as the name of a secret), and a value that names a secret store \
(`vault123`).",
        references: &[
            "https://cwe.mitre.org/data/definitions/798.html",
            "https://owasp.org/Top10/A07_2021-Identification_and_Authentication_Failures/",
            "https://calm.finos.org/traderx/control-requirement/secrets-management",
            "https://github.com/gitleaks/gitleaks",
            "https://github.com/Yelp/detect-secrets",
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
        // One finding per element and key, even if ids repeat in the file.
        let mut reported: BTreeSet<(String, String)> = BTreeSet::new();
        for (kind, id, meta) in scopes {
            let mut hits: BTreeMap<String, Found> = BTreeMap::new();
            collect(meta, "", None, &mut hits);
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
                        collect(cfg, &prefix, None, &mut hits);
                    }
                }
            }
            for itf in interfaces {
                if let Some(url) = itf.url.as_deref()
                    && let Some((shown, weak)) = embedded_credential(url)
                {
                    add(
                        &mut hits,
                        format!("interfaces.{}.url", itf.id),
                        "url",
                        None,
                        url,
                        Hit::Embedded { shown, weak },
                    );
                }
            }
            let owner = id.unwrap_or("architecture");
            for (path, found) in hits {
                if !reported.insert((owner.to_string(), path.clone())) {
                    continue;
                }
                out.push(build(ctx, kind, owner, &path, &found));
            }
        }
        out
    }
}

/// Why a value is reported.
#[derive(Debug, Clone, PartialEq)]
enum Hit {
    /// A URL or connection string with a literal password (`shown` is masked).
    Embedded { shown: String, weak: bool },
    /// The format of a known credential.
    KnownFormat(&'static str),
    /// A literal under a key that names a credential; `weak` for a default or guessable value.
    Literal { weak: bool },
    /// A random-looking value under a neutral key.
    HighEntropy { bits: f64 },
}

impl Hit {
    fn critical(&self) -> bool {
        match self {
            Hit::Embedded { weak, .. } | Hit::Literal { weak } => !weak,
            Hit::KnownFormat(_) => true,
            Hit::HighEntropy { .. } => false,
        }
    }
    /// Strength to keep the strongest reason when a key holds several values.
    fn rank(&self) -> u8 {
        match self {
            Hit::HighEntropy { .. } => 0,
            Hit::Literal { weak: true } | Hit::Embedded { weak: true, .. } => 1,
            Hit::Literal { weak: false } => 2,
            Hit::Embedded { weak: false, .. } => 3,
            Hit::KnownFormat(_) => 4,
        }
    }
}

/// What one key of one element holds.
struct Found {
    key: String,
    /// The credential the key names (`password`, `api-key`), if it names one.
    names: Option<String>,
    value: String,
    hit: Hit,
    /// Values of this key that are reported (arrays hold several).
    count: usize,
}

fn add(
    hits: &mut BTreeMap<String, Found>,
    path: String,
    key: &str,
    names: Option<&str>,
    value: &str,
    hit: Hit,
) {
    match hits.get_mut(&path) {
        Some(f) => {
            f.count += 1;
            if hit.rank() > f.hit.rank() {
                f.hit = hit;
                f.value = value.to_string();
            }
        }
        None => {
            hits.insert(
                path,
                Found {
                    key: key.to_string(),
                    names: names.map(str::to_string),
                    value: value.to_string(),
                    hit,
                    count: 1,
                },
            );
        }
    }
}

fn build(ctx: &Context, kind: &str, owner: &str, path: &str, f: &Found) -> Finding {
    let n = f.value.trim().chars().count();
    let shown = mask(f.value.trim());
    let mut b = ctx.finding(&META, &[owner]).variant(path.to_string());
    b = if f.hit.critical() {
        b.score(4, 4)
    } else {
        b.score(2, 4)
    };
    if let Some(word) = &f.names {
        b = b.evidence(
            "credential-key",
            format!("key `{path}` names a credential (`{word}`)"),
        );
    }
    let title = match &f.hit {
        Hit::HighEntropy { .. } => {
            format!("{kind} {owner}: `{path}` holds a value that looks like a secret")
        }
        _ => format!("{kind} {owner}: `{path}` holds a literal credential"),
    };
    b = match &f.hit {
        Hit::Embedded { shown, weak } => b.evidence(
            "embedded-credential",
            format!(
                "value of `{path}` (`{shown}`) carries a literal password{}",
                if *weak {
                    " (a well-known default, still usable wherever it was not changed)"
                } else {
                    ""
                }
            ),
        ),
        Hit::KnownFormat(what) => b.evidence(
            "known-format",
            format!("value of `{path}` (`{shown}`, {n} characters) is a literal with the format of {what}"),
        ),
        Hit::Literal { weak } => b.evidence(
            "literal-value",
            format!(
                "value of `{path}` (`{shown}`, {n} characters) is a literal, not a reference to a secret store{}",
                if *weak {
                    "; it is short or a well-known default, which makes it guessable, not harmless"
                } else {
                    ""
                }
            ),
        ),
        Hit::HighEntropy { bits } => b
            .confidence(Confidence::Medium)
            .evidence(
                "high-entropy-value",
                format!(
                    "value of `{path}` (`{shown}`, {n} characters, {bits:.1} bits/char) looks random although key `{}` does not name a credential",
                    f.key
                ),
            ),
    };
    if f.count > 1 {
        b = b.evidence(
            "values",
            format!("{} values of `{path}` are reported as one finding", f.count),
        );
    }
    b = b
        .title(title)
        .rationale(format!(
            "The value of `{path}` is written into the architecture file; everyone who can read the file, its Git history or any export of it can use the credential."
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
    b.build()
}

// ---- keys --------------------------------------------------------------------------------

/// Trailing words that qualify a credential without changing what the key holds.
const QUALIFIERS: &[&str] = &[
    "value",
    "plain",
    "plaintext",
    "literal",
    "raw",
    "prod",
    "production",
    "dev",
    "development",
    "test",
    "staging",
    "stage",
    "qa",
    "uat",
    "live",
    "sandbox",
    "primary",
    "secondary",
    "old",
    "new",
    "current",
    "previous",
    "next",
    "backup",
    "default",
    "readonly",
    "ro",
    "rw",
    "admin",
    "root",
];

/// Single words that name a credential (also as the end of a glued word: `dbpassword`).
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "passcode",
    "secret",
    "token",
    "credential",
    "credentials",
    "creds",
    "bearer",
    "apikey",
    "accesskey",
    "secretkey",
    "privatekey",
    "clientsecret",
];

/// `<first>-key` phrases that name a credential.
const KEY_PHRASES: &[&str] = &[
    "api",
    "access",
    "secret",
    "private",
    "auth",
    "account",
    "master",
    "signing",
    "encryption",
    "shared",
    "sas",
    "client",
    "service",
];

/// The credential a metadata key names (`password`, `api-key`, …), or `None` when the key is
/// neutral or describes a secret (`token-ttl`, `password-min-length`, `secret-store`).
fn credential_word(key: &str) -> Option<String> {
    let mut words = crate::normalize::identifier_words(key);
    while words.len() > 1
        && words.last().is_some_and(|w| {
            QUALIFIERS.contains(&w.as_str()) || w.chars().all(|c| c.is_ascii_digit())
        })
    {
        words.pop();
    }
    let last = words.last()?.as_str();
    let singular = last.strip_suffix('s').unwrap_or(last);
    if matches!(singular, "key") && words.len() >= 2 {
        let first = words[words.len() - 2].as_str();
        if KEY_PHRASES.contains(&first) {
            return Some(format!("{first}-key"));
        }
    }
    if last == "pass" && words.len() >= 2 {
        return Some("pass".into());
    }
    if SECRET_WORDS.contains(&last) || SECRET_WORDS.contains(&singular) {
        return Some(last.to_string());
    }
    // Glued words end with one (`dbpassword`, `apitoken`); `tokenizer`, `secretary`,
    // `passwordless` do not.
    SECRET_WORDS
        .iter()
        .find(|w| last.ends_with(*w) || singular.ends_with(*w))
        .map(|w| (*w).to_string())
}

/// Keys that hold the value of their parent (`db-password: {value: …}`).
fn is_value_key(key: &str) -> bool {
    matches!(
        crate::normalize::identifier_words(key).join("-").as_str(),
        "value" | "plaintext" | "plain-text" | "literal" | "raw" | "data"
    )
}

// ---- walking -----------------------------------------------------------------------------

fn collect(
    meta: &Map<String, Value>,
    prefix: &str,
    parent: Option<&str>,
    out: &mut BTreeMap<String, Found>,
) {
    for (k, v) in meta {
        let path = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        let names =
            credential_word(k).or_else(|| parent.filter(|_| is_value_key(k)).map(str::to_string));
        match v {
            Value::String(s) => consider(out, &path, k, names.as_deref(), s),
            Value::Object(inner)
                if !(inner.contains_key("unit") && inner.contains_key("value")) =>
            {
                collect(inner, &path, names.as_deref(), out)
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    match item {
                        Value::Object(inner) => {
                            collect(inner, &format!("{path}[{i}]"), names.as_deref(), out)
                        }
                        // A list of values under one key is one finding.
                        Value::String(s) => consider(out, &path, k, names.as_deref(), s),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
}

fn consider(
    out: &mut BTreeMap<String, Found>,
    path: &str,
    key: &str,
    names: Option<&str>,
    s: &str,
) {
    if let Some(hit) = assess(names.is_some(), s) {
        add(out, path.to_string(), key, names, s, hit);
    }
}

/// Whether (and why) a string value is a secret, under a key that names a credential or not.
fn assess(credential_key: bool, raw: &str) -> Option<Hit> {
    let s = raw.trim();
    if s.is_empty() {
        return None;
    }
    if let Some((shown, weak)) = embedded_credential(s) {
        return Some(Hit::Embedded { shown, weak });
    }
    if let Some(what) = known_format(s) {
        return Some(Hit::KnownFormat(what));
    }
    if credential_key {
        if is_reference(s)
            || is_placeholder(s)
            || s.contains("://")
            || is_prose(s)
            || is_duration(s)
        {
            return None;
        }
        if is_well_known_default(s) {
            return Some(Hit::Literal { weak: true });
        }
        if is_descriptive(s) || names_a_secret(s) {
            return None;
        }
        return Some(Hit::Literal {
            weak: !looks_random(s),
        });
    }
    high_entropy(s).map(|bits| Hit::HighEntropy { bits })
}

/// Kept for callers: would this value under this key be reported?
#[allow(dead_code)]
pub(crate) fn is_literal_secret(key: &str, s: &str) -> bool {
    assess(credential_word(key).is_some(), s).is_some()
}

// ---- values ------------------------------------------------------------------------------

/// Lower case without separators, to compare values loosely.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '-' | '_' | ' ' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Names of secret stores and reference mechanisms.
const STORES: &[&str] = &[
    "vault",
    "secretsmanager",
    "secretmanager",
    "keyvault",
    "parameterstore",
    "paramstore",
    "kms",
    "secretref",
    "secretkeyref",
    "valuefrom",
    "k8ssecret",
    "kubernetessecret",
    "sealedsecret",
    "externalsecret",
    "cyberark",
    "conjur",
    "doppler",
    "1password",
    "onepassword",
    "infisical",
    "akeyless",
    "bitwarden",
    "envvar",
];

/// A reference to a secret held elsewhere.
fn is_reference(s: &str) -> bool {
    let l = s.trim().to_ascii_lowercase();
    const PREFIXES: &[&str] = &[
        "vault:",
        "${",
        "{",
        "#{",
        "$",
        "secret://",
        "secrets://",
        "secret:",
        "secretref:",
        "ref:",
        "ref+",
        "arn:",
        "env:",
        "env.",
        "process.env",
        "os.environ",
        "kv:",
        "keyvault:",
        "azure-kv:",
        "akv:",
        "gcp-sm:",
        "gsm:",
        "sm:",
        "sm://",
        "op://",
        "ssm:",
        "aws-sm:",
        "sops:",
        "enc[",
        "enc(",
        "file:",
        "/",
        "./",
        "~/",
        "[[",
        "<",
        "@microsoft.keyvault",
        "projects/",
        "k8s:",
        "k8s-secret:",
        "kubernetes:",
    ];
    if PREFIXES.iter().any(|p| l.starts_with(p)) {
        return true;
    }
    if l.len() > 2 && l.starts_with('%') && l.ends_with('%') {
        return true;
    }
    let sq = squash(&l);
    if STORES.iter().any(|w| sq.contains(w)) || sq == "ssm" {
        return true;
    }
    // A path naming a secret: `secret/data/app#password`, `prod/db/credentials`.
    l.contains('/')
        && l.split(['/', '#', ':', '.'])
            .any(|seg| SECRET_WORDS.contains(&seg) || seg == "secrets" || seg == "kv")
}

/// Redacted, masked or to-be-filled values.
fn is_placeholder(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    [
        "redacted",
        "placeholder",
        "masked",
        "obfuscated",
        "replace",
        "…",
        "...",
    ]
    .iter()
    .any(|w| l.contains(w))
        || (s.chars().count() >= 3
            && s.chars()
                .all(|c| matches!(c, '*' | 'x' | 'X' | '•' | '#' | '-' | '.' | '?')))
}

/// Several plain words (`stored in AWS Secrets Manager`), not a passphrase with digits or symbols.
fn is_prose(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    if words.len() < 2 {
        return false;
    }
    let trimmed = |w: &str| {
        w.trim_matches(|c: char| "()[]{},;:.!?'\"".contains(c))
            .to_string()
    };
    let alpha = words
        .iter()
        .filter(|w| {
            let t = trimmed(w);
            t.chars().count() >= 2
                && t.chars()
                    .all(|c| c.is_alphabetic() || c == '-' || c == '\'')
        })
        .count();
    let secret_looking = words.iter().any(|w| {
        let t = trimmed(w);
        let letters = t.chars().any(char::is_alphabetic);
        let digits = t.chars().any(|c| c.is_ascii_digit());
        let symbols = t
            .chars()
            .any(|c| !c.is_alphanumeric() && !"-/_.'&+".contains(c));
        letters && (digits || symbols)
    });
    alpha >= 2 && !secret_looking
}

/// `3600s`, `15m`, `1h`, `PT1H`: a lifetime, not a secret.
fn is_duration(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    let digits = l.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
    let unit = digits.trim();
    if !l.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    (digits.len() < l.len()
        && [
            "ms", "s", "sec", "secs", "second", "seconds", "m", "min", "mins", "minute", "minutes",
            "h", "hr", "hrs", "hour", "hours", "d", "day", "days", "w", "week", "weeks", "y",
            "year", "years",
        ]
        .contains(&unit))
        || (l.starts_with('p')
            && l.len() > 2
            && l[1..]
                .chars()
                .all(|c| c.is_ascii_digit() || "tdhmsw".contains(c)))
}

/// Well-known default or weak passwords (`changeme`, `admin123`, `Password1!`): literal,
/// guessable, still a credential.
fn is_well_known_default(s: &str) -> bool {
    default_password(s, true)
}

/// Without `with_suffix`, only the default itself (`password`, `changeme`), not `hunter22`.
fn default_password(s: &str, with_suffix: bool) -> bool {
    #[rustfmt::skip]
    const DEFAULTS: &[&str] = &[
        "password", "passwd", "passw0rd", "p@ssw0rd", "p@ssword", "p4ssw0rd", "pass", "pwd",
        "secret", "s3cr3t", "supersecret", "mysecret", "topsecret", "mypassword", "mypass",
        "changeme", "changeit", "change", "letmein", "welcome", "admin", "administrator", "root",
        "toor", "default", "qwerty", "abc", "abcd", "test", "guest", "demo", "user", "login",
        "master", "hunter", "trustno", "iloveyou", "sa", "postgres", "mysql", "oracle", "tomcat",
        "sysadmin",
    ];
    let sq = squash(s);
    if !sq.is_empty() && sq.chars().all(|c| c.is_ascii_digit()) {
        return true; // `123456`
    }
    let stem = sq.trim_end_matches(|c: char| c.is_ascii_digit() || "!@#$%^&*?".contains(c));
    DEFAULTS.contains(&sq.as_str()) || (with_suffix && DEFAULTS.contains(&stem))
}

/// Words that describe how a credential works rather than being one.
#[rustfmt::skip]
const DESCRIPTORS: &[&str] = &[
    "none", "null", "nil", "na", "tbd", "tba", "todo", "unknown", "unset", "empty", "blank",
    "required", "optional", "mandatory", "yes", "no", "true", "false", "enabled", "disabled", "on",
    "off", "managed", "external", "externally", "injected", "injection", "runtime", "rotated",
    "rotating", "rotate", "rotation", "encrypted", "hashed", "salted", "generated", "dynamic",
    "ephemeral", "federated", "short", "long", "lived", "jwt", "jws", "jwe", "oauth", "oauth2",
    "oidc", "openid", "saml", "bearer", "basic", "digest", "hmac", "opaque", "mtls", "tls", "ssl",
    "x509", "certificate", "certificates", "cert", "certs", "kerberos", "ldap", "sso", "mfa", "iam",
    "role", "roles", "identity", "workload", "service", "account", "principal", "msi", "irsa",
    "spiffe", "spire", "api", "key", "keys", "auth", "authorization", "authentication", "header",
    "cookie", "session", "client", "aes", "rsa", "ecdsa", "ed25519", "sha", "sha256", "sha512",
    "bcrypt", "argon2", "argon2id", "scrypt", "pbkdf2", "hs256", "rs256", "es256", "env",
    "environment", "variable", "variables", "config", "configuration", "mounted", "mount", "volume",
    "per", "request", "issued", "signed", "unsigned", "refresh", "access", "id", "aws", "azure",
    "gcp", "hashicorp", "kubernetes", "k8s", "hsm", "keystore", "truststore", "keychain", "manager",
    "store", "secrets", "tokens", "passwords", "not", "applicable", "n", "a",
];

/// A value made of words describing the mechanism (`JWT`, `managed-identity`, `X-Api-Key`).
fn is_descriptive(s: &str) -> bool {
    let segs: Vec<String> = s
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let alpha: Vec<&String> = segs
        .iter()
        .filter(|w| w.chars().any(|c| c.is_ascii_alphabetic()))
        .collect();
    !alpha.is_empty()
        && segs.iter().all(|w| {
            w.chars().all(|c| c.is_ascii_digit())
                || (w.chars().all(|c| c.is_ascii_alphabetic())
                    && (w.len() == 1
                        || DESCRIPTORS.contains(&w.as_str())
                        || SECRET_WORDS.contains(&w.as_str())))
        })
}

/// The name of a secret rather than its value: `orders-db-credentials`, `your-api-key`.
fn names_a_secret(s: &str) -> bool {
    if s.contains(char::is_whitespace) {
        return false;
    }
    let segs: Vec<String> = s
        .split(['-', '_', '.', '/', ':'])
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    segs.len() >= 2
        && segs.iter().all(|w| {
            w.chars().all(|c| c.is_ascii_alphabetic()) || w.chars().all(|c| c.is_ascii_digit())
        })
        && segs.iter().any(|w| {
            let singular = w.strip_suffix('s').unwrap_or(w);
            SECRET_WORDS.contains(&w.as_str()) || SECRET_WORDS.contains(&singular) || w == "key"
        })
}

/// A literal that reads like a generated secret (not a short or dictionary value).
fn looks_random(s: &str) -> bool {
    if s.chars().count() < 8 || s.contains(char::is_whitespace) {
        return false;
    }
    // Dashed/underscored words read like names, not like generated secrets.
    if s.split(['-', '_', '.'])
        .all(|w| w.chars().all(|c| c.is_ascii_alphabetic()))
    {
        return false;
    }
    char_classes(s) >= 2 && entropy(s) >= 3.0
}

fn char_classes(s: &str) -> usize {
    [
        s.chars().any(|c| c.is_ascii_lowercase()),
        s.chars().any(|c| c.is_ascii_uppercase()),
        s.chars().any(|c| c.is_ascii_digit()),
        s.chars().any(|c| !c.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|b| **b)
    .count()
}

/// A long random-looking string under a neutral key: base64 alphabet, lower + upper + digits,
/// many character-class changes, not a CamelCase identifier. Returns its entropy.
fn high_entropy(s: &str) -> Option<f64> {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() < 20
        || !chars
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '_' | '-'))
        || !chars.iter().any(|c| c.is_ascii_lowercase())
        || !chars.iter().any(|c| c.is_ascii_uppercase())
        || !chars.iter().any(|c| c.is_ascii_digit())
    {
        return None;
    }
    let class = |c: char| {
        if c.is_ascii_lowercase() {
            0
        } else if c.is_ascii_uppercase() {
            1
        } else {
            2
        }
    };
    let pairs: Vec<(char, char)> = chars
        .windows(2)
        .map(|w| (w[0], w[1]))
        .filter(|(a, b)| a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric())
        .collect();
    if pairs.is_empty() {
        return None;
    }
    let switches = pairs.iter().filter(|(a, b)| class(*a) != class(*b)).count();
    // Characters in lower-case runs of three or more (with a leading capital): words.
    let mut in_words = 0;
    let mut run = 0;
    for (i, c) in chars.iter().enumerate() {
        if c.is_ascii_lowercase() {
            run += 1;
        }
        let ends = !c.is_ascii_lowercase() || i + 1 == chars.len();
        if ends {
            if run >= 3 {
                let start = i + usize::from(c.is_ascii_lowercase()) - run;
                in_words += run + usize::from(start > 0 && chars[start - 1].is_ascii_uppercase());
            }
            run = 0;
        }
    }
    let bits = entropy(s);
    let random = switches as f64 / pairs.len() as f64 >= 0.4
        && (in_words as f64) < 0.5 * chars.len() as f64
        && bits >= 3.5;
    random.then_some(bits)
}

/// A literal password inside a URL (`scheme://user:pass@host`) or a connection string
/// (`…;Password=…`, `?password=…`, `AccountKey=…`): the masked form and whether it is a
/// well-known default.
fn embedded_credential(s: &str) -> Option<(String, bool)> {
    if let Some((scheme, rest)) = s.split_once("://") {
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        if let Some((userinfo, host)) = authority.rsplit_once('@')
            && let Some((user, pass)) = userinfo.split_once(':')
            && is_literal_part(pass)
        {
            return Some((
                format!("{scheme}://{user}:{}@{host}", mask(pass)),
                default_password(pass, false),
            ));
        }
    }
    const PARAMS: &[&str] = &[
        "password",
        "pwd",
        "passwd",
        "pass",
        "secret",
        "clientsecret",
        "token",
        "accesstoken",
        "authtoken",
        "apikey",
        "accesskey",
        "secretkey",
        "accountkey",
        "sharedaccesskey",
        "privatekey",
        "sig",
    ];
    for part in s.split([';', '&', '?', ',', ' ', '\n', '\t']) {
        let Some((k, v)) = part.split_once('=') else {
            continue;
        };
        let v = v.trim().trim_matches(['"', '\'']);
        if PARAMS.contains(&squash(k).as_str()) && is_literal_part(v) {
            return Some((
                format!("{}={}", k.trim(), mask(v)),
                default_password(v, false),
            ));
        }
    }
    None
}

/// A password part of a URL or connection string that is a literal.
fn is_literal_part(p: &str) -> bool {
    let p = p.trim();
    !p.is_empty()
        && !is_reference(p)
        && !is_placeholder(p)
        && (is_well_known_default(p) || !is_descriptive(p))
}

/// Known credential formats (as gitleaks' rules), reported under any key.
fn known_format(s: &str) -> Option<&'static str> {
    let body = |prefix: &str, min: usize| {
        s.strip_prefix(prefix).is_some_and(|rest| {
            rest.chars().count() >= min
                && rest
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        })
    };
    if s.contains("-----BEGIN") && s.contains("PRIVATE KEY") {
        return Some("a PEM private key");
    }
    if (s.starts_with("AKIA") || s.starts_with("ASIA"))
        && s.len() == 20
        && s.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return Some("an AWS access key id");
    }
    if ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]
        .iter()
        .any(|p| body(p, 30))
        || body("github_pat_", 30)
    {
        return Some("a GitHub token");
    }
    if body("glpat-", 20) {
        return Some("a GitLab token");
    }
    if ["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-"]
        .iter()
        .any(|p| body(p, 20))
    {
        return Some("a Slack token");
    }
    if ["sk_live_", "rk_live_", "sk_test_", "rk_test_"]
        .iter()
        .any(|p| body(p, 16))
    {
        return Some("a Stripe secret key");
    }
    if body("AIza", 35) && s.len() == 39 {
        return Some("a Google API key");
    }
    let parts: Vec<&str> = s.split('.').collect();
    if s.starts_with("eyJ")
        && parts.len() == 3
        && parts[1].starts_with("eyJ")
        && parts.iter().all(|p| {
            p.len() >= 10
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '=')
        })
    {
        return Some("a JSON Web Token");
    }
    None
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

/// Never print a secret: keep at most two characters (fewer for short values).
fn mask(s: &str) -> String {
    let n = s.chars().count();
    let keep = match n {
        0..=3 => 0,
        4..=5 => 1,
        _ => 2,
    };
    let head: String = s.chars().take(keep).collect();
    format!("{head}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        for (k, word) in [
            ("db-password", "password"),
            ("API_KEY", "api-key"),
            ("lab-system-api-key", "api-key"),
            ("client-secret", "secret"),
            ("access_token", "token"),
            ("privateKey", "private-key"),
            ("DBPassword", "password"),
            ("dbpassword", "password"),
            ("apiKeys", "api-key"),
            ("password-prod", "password"),
            ("auth-token", "token"),
            ("credentials", "credentials"),
            ("db-pass", "pass"),
            ("aws-secret-access-key", "access-key"),
            ("signing-secret", "secret"),
        ] {
            assert_eq!(credential_word(k).as_deref(), Some(word), "{k}");
        }
        for k in [
            "token-expiry",
            "refresh-tokens-enabled",
            "token-revocation",
            "api-key-header",
            "secret-rotation-days",
            "owner",
            "password-policy",
            "password-min-length",
            "token-ttl",
            "secret-store",
            "api-key-ref",
            "secret-id",
            "tokenizer",
            "passwordless",
            "connection-string",
            "partition-key",
            "bypass",
        ] {
            assert_eq!(credential_word(k), None, "{k}");
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
        assert!(!is_literal_secret(
            "secret",
            "https://vault.example.com/v1/secret/app"
        ));
        // Short and default literals are credentials too.
        for v in [
            "admin123",
            "changeme",
            "changeit",
            "password",
            "abc123",
            "hunter2",
            "aaaaaaaa1",
            "123456",
        ] {
            assert!(is_literal_secret("password", v), "{v}");
        }
        for v in [
            "{{ secret }}",
            "$DB_PASSWORD",
            "env:DB_PASSWORD",
            "%DB_PASSWORD%",
            "secretsmanager/arn:aws:secretsmanager:eu-west-1:1:secret:db",
            "ssm:/prod/db/password",
            "azure keyvault",
            "k8s secret orders-db",
            "secretRef: orders-db",
            "<redacted>",
            "***",
            "xxxxxxxx",
            "",
            "stored in AWS Secrets Manager",
            "rotated every 90 days",
            "JWT",
            "managed-identity",
            "orders-db-credentials",
            "/run/secrets/db-password",
            "15m",
            "PT1H",
            "short-lived",
            "my-secret-password",
        ] {
            assert!(!is_literal_secret("password", v), "{v}");
        }
        // Names under credential keys are literals (the documented false positives).
        assert!(is_literal_secret("secret", "orders-db"));
        assert!(is_literal_secret("credentials", "svc-orders"));
    }

    #[test]
    fn weak_and_strong_literals() {
        assert_eq!(assess(true, "changeme"), Some(Hit::Literal { weak: true }));
        assert_eq!(assess(true, "admin123"), Some(Hit::Literal { weak: true }));
        assert_eq!(assess(true, "abc"), Some(Hit::Literal { weak: true }));
        assert_eq!(
            assess(true, "Zx9!kQ2#mP7r"),
            Some(Hit::Literal { weak: false })
        );
        assert!(matches!(
            assess(false, "AKIAQ7X2M9P4R8T1W3NZ"),
            Some(Hit::KnownFormat(_))
        ));
    }

    #[test]
    fn embedded_credentials_under_any_key() {
        let (shown, weak) = embedded_credential("postgres://app:pa55word@db:5432/app").unwrap();
        assert_eq!(shown, "postgres://app:pa…@db:5432");
        assert!(!weak);
        assert!(
            embedded_credential("Server=db;Database=app;User Id=app;Password=Hunt3r!;").is_some()
        );
        assert!(
            embedded_credential("jdbc:postgresql://db/app?user=app&password=s3cr3tX").is_some()
        );
        assert!(embedded_credential("postgres://app:${DB_PASSWORD}@db/app").is_none());
        assert!(embedded_credential("https://user@example.com/x").is_none());
        // A password in a URL is critical unless it is a default as such.
        assert!(
            !embedded_credential("oracle://app:hunter22@core-db:1521/CORE")
                .unwrap()
                .1
        );
        assert!(
            embedded_credential("postgres://user:password@localhost/db")
                .unwrap()
                .1
        );
        assert!(embedded_credential("Server=db;Database=app;").is_none());
        assert!(matches!(
            assess(false, "mysql://root:Tr0ub4dor3@db:3306/app"),
            Some(Hit::Embedded { weak: false, .. })
        ));
    }

    #[test]
    fn entropy_under_neutral_keys() {
        for v in [
            "9f8e7d6c5b4a3F2E1D0C",
            "q7RwX2mZ9pL4vKt8YbN3hJ5c",
            "Zq3xV9kP2mR7tL1wB8nY4cH6gD0sF5aJ",
        ] {
            assert!(high_entropy(v).is_some(), "{v}");
        }
        for v in [
            "OrderServiceV2Handler",
            "PaymentGatewayServiceV2Impl",
            "EUWest1ProdCluster01Main",
            "MyApp2024ReleaseCandidate",
            "arn-aws-Lambda-Us-East-1-Fn2",
            "d290f1ee-6c54-4b01-90e6-d701748f0851",
            "3f786850e387550fdab836ed7e6dc881de23001b",
            "retail-core",
            "Zx9!kQ2#mP7r",
        ] {
            assert!(high_entropy(v).is_none(), "{v}");
        }
        assert!(assess(false, "admin123").is_none());
    }

    #[test]
    fn masks() {
        assert_eq!(mask("Pr0d#S3cr3t"), "Pr…");
        assert_eq!(mask("abc12"), "a…");
        assert_eq!(mask("abc"), "…");
    }
}
