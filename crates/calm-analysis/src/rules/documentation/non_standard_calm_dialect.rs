//! DOC-03 `non-standard-calm-dialect`.

use super::list;
use crate::context::Context;
use crate::finding::{Category, Finding, Severity};
use crate::rules::{Rule, RuleDoc, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    id: "non-standard-calm-dialect",
    code: "DOC-03",
    category: Category::Documentation,
    default_severity: Severity::Info,
    summary: "input needed normalisation (string relationship-type, flat source/destination, from/to)",
    tags: &["documentation"],
    doc: RuleDoc {
        what: "The document uses shapes that CALM 1.2 does not define but that some generators emit, \
and the advisor's normaliser had to translate them before reviewing: a string \
`relationship-type` with the payload in a sibling member, flat `source`/`destination` members, \
`from`/`to` endpoints, relationships without `relationship-type`. Every translation is listed with \
its JSON pointer. Metadata given as an array of objects is valid CALM and is not reported.",
        why: "The review works on the translated model, but `calm validate`, CALM Hub, the VS Code \
extension and other tools will reject or silently ignore these relationships: the architecture \
you review is not the one they see.",
        example: "```json\n{\"unique-id\": \"user-to-campaigns\", \"relationship-type\": \"connects\",\n \"source\": \"marketing-user\", \"destination\": {\"node\": \"campaign-service\"}}\n```",
        how_to_fix: "Rewrite each listed relationship in the CALM 1.2 object form: \
`\"relationship-type\": {\"connects\": {\"source\": {\"node\": …}, \"destination\": {\"node\": …}}}` \
(`interacts: {actor, nodes}`, `deployed-in`/`composed-of: {container, nodes}`), then run \
`calm-advisor validate`.",
        false_positives: "None: the finding reports a fact about the file. Suppress it at \
architecture level while a generator is being fixed.",
        references: &["https://calm.finos.org/release/1.2/meta/core.json"],
    },
};

pub struct NonStandardCalmDialect;

impl Rule for NonStandardCalmDialect {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let m = &ctx.model;
        if m.notes.is_empty() {
            return Vec::new();
        }
        // `/relationships/3` → the relationship's unique-id, when it has one.
        let rel_ids: Vec<&str> = m
            .notes
            .iter()
            .filter_map(|n| n.pointer.strip_prefix("/relationships/"))
            .filter_map(|i| i.split('/').next()?.parse::<usize>().ok())
            .filter_map(|i| {
                m.relationships
                    .iter()
                    .find(|r| r.pointer == format!("/relationships/{i}"))
                    .map(|r| r.id.as_str())
            })
            .collect();
        let shown: Vec<String> = m
            .notes
            .iter()
            .map(|n| format!("{}: {}", n.pointer, n.message))
            .collect();
        let shown_refs: Vec<&str> = shown.iter().map(String::as_str).collect();
        let mut b = ctx
            .finding(&META, &["architecture"])
            .title(format!("{} element(s) use a non-standard CALM dialect that other tools reject", m.notes.len()))
            .score(1, 1)
            .relationships(rel_ids.iter().copied())
            .rationale("The advisor translated these shapes to CALM 1.2 before reviewing; calm validate and other CALM tools will not read them the same way.")
            .recommendation("Rewrite the listed relationships in the CALM 1.2 object form and validate the file.");
        b = b.evidence("normalised", list(&shown_refs, 20));
        vec![b.build()]
    }
}
