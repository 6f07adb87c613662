//! The platform catalogue: what a node's platform already guarantees about availability, read
//! from its node-type, name and metadata. Every rule asks [`classify`] (through
//! `RoleInfo::platform`, filled by role inference) instead of guessing on its own.
//!
//! | kind | meaning | what the rules do |
//! |---|---|---|
//! | `Managed`, redundant | a provider runs it redundantly by design (regional or multi-AZ service: Cognito, Secrets Manager, S3, DynamoDB, SQS, Aurora, MSK…, or `managed: <provider>`) | counts as redundant: no SPOF, no "add a replica"; backups are the provider's |
//! | `Managed`, not redundant | a managed database or cache *instance* (RDS, Cloud SQL, ElastiCache…): backed up by the provider, single-AZ unless the model says otherwise | still "add a replica / multi-AZ"; no "declare backups"; encryption at rest medium at most |
//! | `External` | someone else's system (SaaS, third-party API, `c4-scope: external`, `external: true`) | never replicated by us: isolate it (timeout, circuit breaker, fallback) |
//!
//! A description only makes a `system` external ("third-party identity provider"): a service of
//! ours is often described by what it calls.

use crate::normalize::{Node, tokens, truthy};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlatformKind {
    Managed,
    External,
}

/// What the catalogue says about a node, with the evidence (shown in findings).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Platform {
    pub kind: PlatformKind,
    pub evidence: String,
    /// The platform keeps it running through the loss of an instance or a zone without any
    /// configuration (false for a managed database instance, which is single-AZ by default).
    pub redundant: bool,
}

/// Managed database and cache instances: the provider patches and backs them up, but a
/// single instance stays single unless the model says multi-AZ.
const MANAGED_INSTANCE: &[&[&str]] = &[
    &["rds"],
    &["cloud", "sql"],
    &["cloudsql"],
    &["azure", "sql"],
    &["elasticache"],
    &["memorystore"],
    &["azure", "cache"],
];

/// Managed services that are redundant by design, as token sequences of a name or node-type.
const MANAGED: &[&[&str]] = &[
    // AWS
    &["cognito"],
    &["secrets", "manager"],
    &["secretsmanager"],
    &["amazon", "s3"],
    &["aws", "s3"],
    &["s3", "bucket"],
    &["dynamodb"],
    &["sqs"],
    &["sns"],
    &["aurora"],
    &["lambda"],
    &["cloudfront"],
    &["route53"],
    &["route", "53"],
    &["kms"],
    &["eventbridge"],
    &["kinesis"],
    &["api", "gateway", "aws"],
    &["aws", "api", "gateway"],
    &["elb"],
    &["alb"],
    &["nlb"],
    &["cloudwatch"],
    &["parameter", "store"],
    &["step", "functions"],
    // Azure
    &["cosmos"],
    &["cosmosdb"],
    &["key", "vault"],
    &["keyvault"],
    &["blob", "storage"],
    &["service", "bus"],
    &["event", "hubs"],
    &["entra"],
    &["front", "door"],
    &["azure", "functions"],
    &["application", "insights"],
    &["azure", "monitor"],
    // Google Cloud
    &["bigquery"],
    &["spanner"],
    &["firestore"],
    &["pubsub"],
    &["pub", "sub"],
    &["cloud", "storage"],
    &["cloud", "run"],
    &["cloud", "functions"],
    &["cloud", "logging"],
    &["cloud", "monitoring"],
    &["gcs", "bucket"],
];

/// Third-party services (SaaS and public APIs) that are someone else's to run.
const EXTERNAL: &[&[&str]] = &[
    &["stripe"],
    &["adyen"],
    &["paypal"],
    &["braintree"],
    &["plaid"],
    &["twilio"],
    &["sendgrid"],
    &["mailgun"],
    &["github"],
    &["gitlab"],
    &["openai"],
    &["anthropic"],
    &["gemini"],
    &["llm", "provider"],
    &["llm", "providers"],
    &["salesforce"],
    &["slack"],
    &["auth0"],
    &["okta"],
    &["datadog"],
    &["pagerduty"],
    &["sentry"],
    &["google", "maps"],
    &["saas"],
    &["third", "party"],
    &["thirdparty"],
];

fn has_seq(toks: &[String], seq: &[&str]) -> bool {
    toks.windows(seq.len())
        .any(|w| w.iter().zip(seq).all(|(a, b)| a == b))
}

fn meta_str<'a>(node: &'a Node, keys: &[&str]) -> Option<(&'a str, &'a str)> {
    keys.iter().find_map(|k| {
        node.metadata
            .iter()
            .find(|(mk, _)| mk.eq_ignore_ascii_case(k))
            .and_then(|(mk, v)| v.as_str().map(|s| (mk.as_str(), s)))
    })
}

/// What the node's platform guarantees, if the catalogue knows it.
pub fn classify(node: &Node) -> Option<Platform> {
    let external = |evidence: String| {
        Some(Platform {
            kind: PlatformKind::External,
            evidence,
            redundant: false,
        })
    };
    let name: Vec<String> = tokens(&node.node_type)
        .into_iter()
        .chain(tokens(&node.id))
        .chain(tokens(&node.name))
        .chain(tokens(&node.description))
        .collect();
    let instance = MANAGED_INSTANCE.iter().find(|s| has_seq(&name, s));
    // Declarations first: the modeller knows best.
    for k in ["external", "third-party", "thirdparty", "saas"] {
        if node.metadata.get(k).is_some_and(truthy) {
            return external(format!("metadata `{k}: true`"));
        }
    }
    if let Some((k, v)) = meta_str(node, &["c4-scope", "scope", "ownership", "owner-type"])
        && tokens(v)
            .iter()
            .any(|t| matches!(t.as_str(), "external" | "thirdparty" | "vendor" | "saas"))
    {
        return external(format!("metadata `{k}: {v}`"));
    }
    // `managed: true`, or the provider's name (`managed: "Amazon MSK"`): the platform runs it.
    if let Some(v) = node.metadata.get("managed")
        && (truthy(v)
            || v.as_str()
                .is_some_and(|s| !crate::evidence::is_negative(&Value::from(s))))
    {
        return Some(Platform {
            kind: PlatformKind::Managed,
            evidence: format!("metadata `managed: {}`", crate::redundancy::compact(v)),
            redundant: instance.is_none(),
        });
    }
    let nt = node.node_type.to_ascii_lowercase();
    if matches!(nt.as_str(), "external-system" | "external" | "saas") {
        return external(format!("node-type \"{}\"", node.node_type));
    }
    let own: Vec<String> = tokens(&node.node_type)
        .into_iter()
        .chain(tokens(&node.id))
        .chain(tokens(&node.name))
        .collect();
    if let Some(seq) = MANAGED.iter().find(|s| has_seq(&own, s)) {
        return Some(Platform {
            kind: PlatformKind::Managed,
            evidence: format!(
                "managed service \"{}\" (regional, redundant by design)",
                seq.join(" ")
            ),
            redundant: true,
        });
    }
    // Object storage named by its usual words ("S3", a bucket) on a storage-like node.
    if !matches!(nt.as_str(), "service" | "system" | "actor")
        && own
            .iter()
            .any(|t| matches!(t.as_str(), "s3" | "gcs" | "bucket"))
    {
        return Some(Platform {
            kind: PlatformKind::Managed,
            evidence: "object storage (regional, redundant by design)".into(),
            redundant: true,
        });
    }
    if let Some(seq) = instance {
        return Some(Platform {
            kind: PlatformKind::Managed,
            evidence: format!(
                "managed database instance \"{}\" (backed up by the provider; single-AZ unless declared)",
                seq.join(" ")
            ),
            redundant: false,
        });
    }
    if let Some(seq) = EXTERNAL.iter().find(|s| has_seq(&own, s)) {
        return external(format!("third-party service \"{}\"", seq.join(" ")));
    }
    // A description that says the node is someone else's — only for systems: a service of
    // ours is often described by what it calls ("calls the third-party IDV API").
    if !matches!(nt.as_str(), "system" | "") {
        return None;
    }
    let desc = tokens(&node.description);
    for seq in [
        &["third", "party"][..],
        &["external", "provider"],
        &["external", "service"],
        &["external", "api"],
        &["external", "system"],
        &["saas"],
        &["vendor", "api"],
    ] {
        if has_seq(&desc, seq) {
            return external(format!("described as \"{}\"", seq.join(" ")));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::Model;
    use calm_model::Document;

    fn kinds(json: &str) -> Vec<Option<PlatformKind>> {
        let doc = Document::from_str("p.json", json).unwrap();
        Model::build(&doc)
            .nodes
            .iter()
            .map(|n| classify(n).map(|p| p.kind))
            .collect()
    }

    #[test]
    fn catalogue() {
        let k = kinds(
            r#"{"nodes":[
              {"unique-id":"cognito","node-type":"service","name":"Amazon Cognito"},
              {"unique-id":"secrets","node-type":"service","name":"AWS Secrets Manager"},
              {"unique-id":"rds","node-type":"database","name":"Orders (RDS PostgreSQL)"},
              {"unique-id":"pay","node-type":"system","name":"Stripe"},
              {"unique-id":"crm","node-type":"system","name":"CRM","metadata":{"c4-scope":"external"}},
              {"unique-id":"idv","node-type":"system","name":"IDV","description":"Third-party identity verification API"},
              {"unique-id":"svc","node-type":"service","name":"Order Service"}
            ]}"#,
        );
        use PlatformKind::*;
        assert_eq!(
            k,
            vec![
                Some(Managed),
                Some(Managed),
                Some(Managed),
                Some(External),
                Some(External),
                Some(External),
                None
            ]
        );
    }
}
