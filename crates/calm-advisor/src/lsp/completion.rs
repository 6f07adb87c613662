//! Completion of unique-ids where a reference is expected and of the spec's enum values. The
//! buffer is usually broken while someone types, so the context is read by scanning the text
//! up to the cursor (a small JSON tokenizer), not from a parse.

use super::navigation::{Index, Kind};

/// One open container on the way from the document root to the cursor.
#[derive(Debug, Clone)]
struct Frame {
    array: bool,
    /// The key this container is the value of (None for array items and the root).
    key: Option<String>,
    /// Objects: the member key being written, and whether the cursor is before its colon.
    member: Option<String>,
    expecting_key: bool,
}

/// What the cursor is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slot {
    /// The value of member `key` (`"node": |`), with the keys of the enclosing containers.
    Value { key: String, path: Vec<String> },
    /// An item of the array under `key` (`"nodes": ["a", |`).
    Item { key: String, path: Vec<String> },
    /// A member name of the object under `key` (`"relationship-type": {|`).
    Key { key: Option<String> },
}

/// The cursor's slot and, when the cursor is inside a string, the byte span of its content
/// (between the quotes) that a completion replaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    pub slot: Slot,
    pub string: Option<(usize, usize)>,
}

pub fn context_at(text: &str, offset: usize) -> Option<Context> {
    let b = text.as_bytes();
    let offset = offset.min(b.len());
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < offset {
        match b[i] {
            b'"' => {
                let start = i;
                i += 1;
                while i < b.len() && b[i] != b'"' && b[i] != b'\n' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                if i >= offset {
                    // The cursor is inside this string.
                    let end = i.min(b.len());
                    let slot = slot_of(&stack)?;
                    return Some(Context {
                        slot,
                        string: Some((start + 1, end)),
                    });
                }
                let raw = &text[start + 1..i];
                if let Some(f) = stack.last_mut()
                    && !f.array
                    && f.expecting_key
                {
                    f.member = Some(
                        serde_json::from_str(&text[start..=i]).unwrap_or_else(|_| raw.to_string()),
                    );
                }
            }
            b':' => {
                if let Some(f) = stack.last_mut()
                    && !f.array
                {
                    f.expecting_key = false;
                }
            }
            b',' => {
                if let Some(f) = stack.last_mut()
                    && !f.array
                {
                    f.expecting_key = true;
                    f.member = None;
                }
            }
            c @ (b'{' | b'[') => {
                let key = match stack.last() {
                    Some(f) if !f.array => f.member.clone(),
                    _ => None,
                };
                stack.push(Frame {
                    array: c == b'[',
                    key,
                    member: None,
                    expecting_key: c == b'{',
                });
            }
            b'}' | b']' => {
                stack.pop();
            }
            _ => {}
        }
        i += 1;
    }
    Some(Context {
        slot: slot_of(&stack)?,
        string: None,
    })
}

fn slot_of(stack: &[Frame]) -> Option<Slot> {
    let top = stack.last()?;
    let path: Vec<String> = stack.iter().filter_map(|f| f.key.clone()).collect();
    Some(if top.array {
        Slot::Item {
            key: top.key.clone()?,
            path,
        }
    } else if top.expecting_key {
        Slot::Key {
            key: top.key.clone(),
        }
    } else {
        Slot::Value {
            key: top.member.clone()?,
            path,
        }
    })
}

use calm_model::spec::{DIRECTIONS, NODE_TYPES, PROTOCOLS, RELATIONSHIP_TYPES};

/// What is offered in a slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Offer {
    Ids(Kind),
    Values(&'static [&'static str]),
    Keys(&'static [&'static str]),
}

pub fn offer(slot: &Slot) -> Option<Offer> {
    let in_relationship_type = |path: &[String]| path.iter().any(|k| k == "relationship-type");
    match slot {
        Slot::Value { key, path } => match key.as_str() {
            "node" if path.iter().any(|k| k == "source" || k == "destination") => {
                Some(Offer::Ids(Kind::Node))
            }
            "actor" | "container" if in_relationship_type(path) => Some(Offer::Ids(Kind::Node)),
            "relationship-unique-id" => Some(Offer::Ids(Kind::Relationship)),
            "node-type" => Some(Offer::Values(NODE_TYPES)),
            "protocol" => Some(Offer::Values(PROTOCOLS)),
            "direction" => Some(Offer::Values(DIRECTIONS)),
            _ => None,
        },
        Slot::Item { key, path } => match key.as_str() {
            "nodes" if in_relationship_type(path) => Some(Offer::Ids(Kind::Node)),
            "interfaces" if path.iter().any(|k| k == "source" || k == "destination") => {
                Some(Offer::Ids(Kind::Interface))
            }
            _ => None,
        },
        Slot::Key { key: Some(k) } if k == "relationship-type" => {
            Some(Offer::Keys(RELATIONSHIP_TYPES))
        }
        Slot::Key { .. } => None,
    }
}

/// The words offered at `offset` (ids from the last version that parsed).
pub fn candidates(
    text: &str,
    offset: usize,
    index: &Index,
) -> Option<(Context, Vec<String>, bool)> {
    let ctx = context_at(text, offset)?;
    let (words, is_key) = match offer(&ctx.slot)? {
        Offer::Ids(kind) => (
            index.ids(kind).into_iter().map(str::to_string).collect(),
            false,
        ),
        Offer::Values(v) => (v.iter().map(|s| s.to_string()).collect(), false),
        Offer::Keys(v) => (v.iter().map(|s| s.to_string()).collect(), true),
    };
    Some((ctx, words, is_key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Context {
        let o = text.find('|').unwrap();
        let t = text.replace('|', "");
        context_at(&t, o).unwrap()
    }

    #[test]
    fn the_slot_is_read_from_broken_text() {
        let c =
            at(r#"{"relationships": [{"relationship-type": {"connects": {"source": {"node": "ap|"#);
        assert_eq!(offer(&c.slot), Some(Offer::Ids(Kind::Node)));
        assert!(c.string.is_some());
        let c = at(
            r#"{"relationships": [{"relationship-type": {"interacts": {"actor": "u", "nodes": ["a", |"#,
        );
        assert_eq!(offer(&c.slot), Some(Offer::Ids(Kind::Node)));
        assert_eq!(c.string, None);
        let c = at(r#"{"flows": [{"transitions": [{"relationship-unique-id": "|"}]}]}"#);
        assert_eq!(offer(&c.slot), Some(Offer::Ids(Kind::Relationship)));
        let c = at(r#"{"nodes": [{"node-type": "|"#);
        assert_eq!(offer(&c.slot), Some(Offer::Values(NODE_TYPES)));
        let c = at(r#"{"relationships": [{"relationship-type": {|"#);
        assert_eq!(offer(&c.slot), Some(Offer::Keys(RELATIONSHIP_TYPES)));
        // The top-level nodes array holds objects, not ids.
        let c = at(r#"{"nodes": [|"#);
        assert_eq!(offer(&c.slot), None);
        // A name is no reference.
        let c = at(r#"{"nodes": [{"name": "|"#);
        assert_eq!(offer(&c.slot), None);
    }
}
