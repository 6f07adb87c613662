//! Where every `unique-id` is defined and referenced, and the links to other files, for go to
//! definition, find references, rename, the outline and document links.

use calm_model::Document;
use serde_json::Value;
use std::path::Path;

/// What a `unique-id` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Node,
    Interface,
    Relationship,
    Flow,
}

/// One occurrence of a unique-id: its string value's byte span (quotes included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    pub start: usize,
    pub end: usize,
    pub id: String,
    pub kind: Kind,
    /// The element's own `unique-id` member (else a reference to it).
    pub definition: bool,
    /// JSON pointer of the string.
    pub pointer: String,
}

/// A `detailed-architecture` or ADR link: the string's span and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub start: usize,
    pub end: usize,
    pub target: String,
}

#[derive(Debug, Clone, Default)]
pub struct Index {
    /// Sorted by `start`.
    pub sites: Vec<Site>,
    pub links: Vec<Link>,
}

impl Index {
    pub fn build(doc: &Document) -> Index {
        let mut ix = Index::default();
        let add = |ix: &mut Index, pointer: String, kind: Kind, definition: bool| {
            if let Some(Value::String(id)) = doc.value.pointer(&pointer) {
                let l = doc.locate(&pointer);
                ix.sites.push(Site {
                    start: l.start,
                    end: l.end,
                    id: id.clone(),
                    kind,
                    definition,
                    pointer,
                });
            }
        };
        let arr = |v: Option<&Value>| -> usize { v.and_then(Value::as_array).map_or(0, Vec::len) };
        for n in doc.nodes() {
            let p = n.pointer().to_string();
            add(&mut ix, format!("{p}/unique-id"), Kind::Node, true);
            for j in 0..n.interfaces().len() {
                add(
                    &mut ix,
                    format!("{p}/interfaces/{j}/unique-id"),
                    Kind::Interface,
                    true,
                );
            }
            let detail = format!("{p}/details/detailed-architecture");
            if let Some(Value::String(t)) = doc.value.pointer(&detail) {
                let l = doc.locate(&detail);
                ix.links.push(Link {
                    start: l.start,
                    end: l.end,
                    target: t.clone(),
                });
            }
        }
        for r in doc.relationships() {
            let p = r.pointer().to_string();
            add(&mut ix, format!("{p}/unique-id"), Kind::Relationship, true);
            let rt = format!("{p}/relationship-type");
            let v = |q: &str| doc.value.pointer(&format!("{rt}{q}"));
            for end in ["source", "destination"] {
                let e = format!("{rt}/connects/{end}");
                add(&mut ix, format!("{e}/node"), Kind::Node, false);
                for k in 0..arr(v(&format!("/connects/{end}/interfaces"))) {
                    add(
                        &mut ix,
                        format!("{e}/interfaces/{k}"),
                        Kind::Interface,
                        false,
                    );
                }
            }
            add(&mut ix, format!("{rt}/interacts/actor"), Kind::Node, false);
            for k in 0..arr(v("/interacts/nodes")) {
                add(
                    &mut ix,
                    format!("{rt}/interacts/nodes/{k}"),
                    Kind::Node,
                    false,
                );
            }
            for kind in ["deployed-in", "composed-of"] {
                add(&mut ix, format!("{rt}/{kind}/container"), Kind::Node, false);
                for k in 0..arr(v(&format!("/{kind}/nodes"))) {
                    add(&mut ix, format!("{rt}/{kind}/nodes/{k}"), Kind::Node, false);
                }
            }
        }
        for f in doc.flows() {
            let p = f.pointer().to_string();
            add(&mut ix, format!("{p}/unique-id"), Kind::Flow, true);
            for j in 0..arr(doc.value.pointer(&format!("{p}/transitions"))) {
                add(
                    &mut ix,
                    format!("{p}/transitions/{j}/relationship-unique-id"),
                    Kind::Relationship,
                    false,
                );
            }
        }
        for k in 0..arr(doc.value.get("adrs")) {
            let pointer = format!("/adrs/{k}");
            if let Some(Value::String(t)) = doc.value.pointer(&pointer) {
                let l = doc.locate(&pointer);
                ix.links.push(Link {
                    start: l.start,
                    end: l.end,
                    target: t.clone(),
                });
            }
        }
        ix.sites.sort_by_key(|s| s.start);
        ix.links.sort_by_key(|l| l.start);
        ix
    }

    /// The site under a byte offset (the quotes count as part of it).
    pub fn site_at(&self, offset: usize) -> Option<&Site> {
        let i = self.sites.partition_point(|s| s.start <= offset);
        let s = self.sites.get(i.checked_sub(1)?)?;
        (offset <= s.end).then_some(s)
    }

    /// The element a unique-id names (first definition wins, as in the validator).
    pub fn definition(&self, id: &str) -> Option<&Site> {
        self.sites.iter().find(|s| s.definition && s.id == id)
    }

    pub fn occurrences<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Site> + 'a {
        self.sites.iter().filter(move |s| s.id == id)
    }

    /// Ids of one kind, in document order, for completion.
    pub fn ids(&self, kind: Kind) -> Vec<&str> {
        let mut seen = std::collections::BTreeSet::new();
        self.sites
            .iter()
            .filter(|s| s.definition && s.kind == kind && seen.insert(s.id.as_str()))
            .map(|s| s.id.as_str())
            .collect()
    }
}

/// Where a link points: an absolute URL as it is, a relative path resolved against the
/// document's folder (only `http`, `https` and `file` targets are offered).
pub fn link_target(target: &str, doc_path: Option<&Path>) -> Option<url::Url> {
    if let Ok(u) = url::Url::parse(target) {
        return ["http", "https", "file"].contains(&u.scheme()).then_some(u);
    }
    let dir = doc_path?.parent()?;
    let joined = dir.join(target);
    url::Url::from_file_path(joined).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{
  "nodes": [
    {"unique-id": "web", "node-type": "service", "name": "Web",
     "interfaces": [{"unique-id": "web-http", "port": 80}],
     "details": {"detailed-architecture": "web/detail.json"}},
    {"unique-id": "db", "node-type": "database", "name": "DB"}
  ],
  "relationships": [
    {"unique-id": "web-db", "relationship-type": {"connects": {
      "source": {"node": "web", "interfaces": ["web-http"]}, "destination": {"node": "db"}}}}
  ],
  "flows": [{"unique-id": "f", "name": "F", "description": "d",
    "transitions": [{"relationship-unique-id": "web-db", "sequence-number": 1, "description": "x"}]}],
  "adrs": ["https://example.com/adr/1"]
}"#;

    #[test]
    fn every_reference_finds_its_definition() {
        let doc = Document::from_str("a.json", DOC).unwrap();
        let ix = Index::build(&doc);
        let web: Vec<_> = ix.occurrences("web").collect();
        assert_eq!(web.len(), 2);
        let at = DOC.find("\"node\": \"web\"").unwrap() + 10;
        let site = ix.site_at(at).unwrap();
        assert_eq!((site.id.as_str(), site.definition), ("web", false));
        let def = ix.definition("web").unwrap();
        assert_eq!(&DOC[def.start..def.end], "\"web\"");
        assert!(ix.definition("web-http").is_some());
        assert_eq!(ix.occurrences("web-db").count(), 2);
        assert_eq!(ix.ids(Kind::Node), ["web", "db"]);
        assert_eq!(ix.links.len(), 2);
        let t = link_target("web/detail.json", Some(Path::new("/w/a.json"))).unwrap();
        assert_eq!(t.as_str(), "file:///w/web/detail.json");
    }
}
