//! Strict JSON loading with a compact span index.
//!
//! `serde_json` gives us the value (strict, fast, with a recursion limit that turns hostile nesting
//! into an error instead of a stack overflow). Positions come from our own iterative scanner: a
//! flat "tape" with one 16-byte entry per value in document order. We hand-roll this because no
//! crate offers an iterative span index of this size: jsonc-parser's AST is recursive (it
//! overflows the stack on deep nesting) and costs about ten times the file size in memory, which
//! breaks the 100,000-node budget.

use crate::pointer::pointer_tokens;
use crate::source::Source;
use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::collections::HashSet;
use std::fmt;

/// Deepest nesting accepted (serde_json's own recursion limit).
pub const MAX_DEPTH: usize = 128;
/// Largest input accepted (1 GiB); byte offsets are stored as `u32`.
pub const MAX_FILE_BYTES: usize = 1 << 30;

/// Why a document could not be loaded. Every variant is exit code 2 in the CLI.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadError {
    /// The file could not be read.
    Io { file: String, message: String },
    /// The file is not UTF-8.
    NotUtf8 { file: String, offset: usize },
    /// Too large to load.
    TooLarge { file: String, bytes: usize },
    /// Not JSON: what was expected where, in plain words, with the 1-based line and 1-based
    /// column (in characters). The message never quotes the file beyond a single character, as
    /// it may reach an AI assistant; `snippet` (the offending line with a caret) is for renderers
    /// that show the user their own file and is not part of `Display`.
    Syntax {
        file: String,
        message: String,
        line: usize,
        column: usize,
        snippet: String,
    },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Io { file, message } => write!(f, "cannot read {file}: {message}"),
            LoadError::NotUtf8 { file, offset } => {
                write!(
                    f,
                    "{file} is not UTF-8 text (invalid byte at offset {offset})"
                )
            }
            LoadError::TooLarge { file, bytes } => write!(
                f,
                "{file} is too large to load ({bytes} bytes; the limit is {MAX_FILE_BYTES} bytes)"
            ),
            LoadError::Syntax {
                file,
                message,
                line,
                column,
                ..
            } => write!(f, "{file}:{line}:{column}: invalid JSON: {message}"),
        }
    }
}

impl std::error::Error for LoadError {}

impl LoadError {
    /// For a syntax error, the offending line with a caret under the position (file content:
    /// for showing users their own file, never for messages that leave the terminal).
    pub fn snippet(&self) -> Option<&str> {
        match self {
            LoadError::Syntax { snippet, .. } if !snippet.is_empty() => Some(snippet),
            _ => None,
        }
    }
}

/// Something odd but loadable, e.g. a key given twice in one object (JSON parsers keep the last).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadWarning {
    pub code: &'static str,
    pub message: String,
    pub pointer: String,
    pub offset: usize,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    /// Byte offset where the value starts.
    start: u32,
    /// Byte offset just past the value.
    end: u32,
    /// Byte offset of the opening quote of the member's key, or `u32::MAX` (array item / root).
    key_start: u32,
    /// Index of the first entry after this value's subtree.
    next: u32,
    /// For containers: where the indices of the direct children start in `SpanIndex::children`.
    child_off: u32,
    /// For containers: number of direct children.
    child_len: u32,
}

/// Byte span of every value in a document, addressable by JSON pointer.
#[derive(Debug, Clone, Default)]
pub struct SpanIndex {
    entries: Vec<Entry>,
    /// Direct children of every container, contiguous per container, so that `/nodes/99999`
    /// is found without walking its siblings (locating many diagnostics stays linear).
    children: Vec<u32>,
}

impl SpanIndex {
    /// Byte span `(start, end)` of the value at `pointer`, or of its nearest existing ancestor.
    /// The boolean says whether the exact value was found.
    pub fn span(&self, text: &str, pointer: &str) -> Option<((usize, usize), bool)> {
        let mut idx = 0usize;
        let first = self.entries.first()?;
        let mut found = (first.start as usize, first.end as usize);
        let bytes = text.as_bytes();
        for token in pointer_tokens(pointer) {
            let e = self.entries[idx];
            let kids = &self.children[e.child_off as usize..(e.child_off + e.child_len) as usize];
            let hit = match bytes.get(e.start as usize).copied() {
                Some(b'{') => kids
                    .iter()
                    .rev()
                    .find(|&&c| {
                        key_equals(text, self.entries[c as usize].key_start as usize, &token)
                    })
                    .map(|&c| c as usize),
                Some(b'[') => token
                    .parse::<usize>()
                    .ok()
                    .and_then(|n| kids.get(n))
                    .map(|&c| c as usize),
                _ => None,
            };
            match hit {
                Some(h) => {
                    idx = h;
                    found = (self.entries[h].start as usize, self.entries[h].end as usize);
                }
                None => return Some((found, false)),
            }
        }
        Some((found, true))
    }

    /// Byte span of the key of the member at `pointer` (the quoted name), if it is an object member.
    pub fn key_span(&self, text: &str, pointer: &str) -> Option<(usize, usize)> {
        let tokens = pointer_tokens(pointer);
        let last = tokens.last()?;
        let parent: String = tokens[..tokens.len() - 1]
            .iter()
            .map(|t| format!("/{}", crate::pointer::escape_token(t)))
            .collect();
        let ((pstart, _), exact) = self.span(text, &parent)?;
        if !exact {
            return None;
        }
        let pidx = self
            .entries
            .partition_point(|e| (e.start as usize) < pstart);
        let e = self.entries.get(pidx)?;
        let kids = &self.children[e.child_off as usize..(e.child_off + e.child_len) as usize];
        let mut out = None;
        for &c in kids {
            let c = self.entries[c as usize];
            if c.key_start != u32::MAX && key_equals(text, c.key_start as usize, last) {
                let ks = c.key_start as usize;
                out = Some((ks, string_end(text.as_bytes(), ks)));
            }
        }
        out
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// End (exclusive) of the JSON string whose opening quote is at `start`.
fn string_end(b: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

fn key_equals(text: &str, key_start: usize, token: &str) -> bool {
    if key_start == u32::MAX as usize {
        return false;
    }
    let b = text.as_bytes();
    let end = string_end(b, key_start);
    let raw = &text[key_start + 1..end - 1];
    if !raw.contains('\\') {
        return raw == token;
    }
    serde_json::from_str::<String>(&text[key_start..end])
        .map(|k| k == token)
        .unwrap_or(false)
}

/// Result of loading: the value, its spans and any warnings.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub value: Value,
    pub spans: SpanIndex,
    pub warnings: Vec<LoadWarning>,
}

/// Strip a UTF-8 BOM and check the encoding.
pub fn decode(file: &str, bytes: Vec<u8>) -> Result<String, LoadError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge {
            file: file.to_string(),
            bytes: bytes.len(),
        });
    }
    let bytes = if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes[3..].to_vec()
    } else {
        bytes
    };
    String::from_utf8(bytes).map_err(|e| LoadError::NotUtf8 {
        file: file.to_string(),
        offset: e.utf8_error().valid_up_to(),
    })
}

/// Parse strict JSON text into a value with spans.
pub fn parse(source: &Source) -> Result<Parsed, LoadError> {
    let text = source.text();
    let mut de = serde_json::Deserializer::from_str(text);
    let value = CompactValue
        .deserialize(&mut de)
        .and_then(|v| de.end().map(|_| v))
        .map_err(|e| syntax_error(source, &e))?;
    let (spans, warnings) = scan(text);
    Ok(Parsed {
        value,
        spans,
        warnings,
    })
}

/// What a value can be, for messages that expect one.
const KINDS: &str = "(object, array, string, number, true, false or null)";

/// Turn serde_json's error into [`LoadError::Syntax`]: what was expected where, in plain words.
/// All of serde_json's syntax messages are mapped here (their wording is stable); none is passed
/// on as is, and no message quotes the text beyond one structural character, so that a file
/// that is not JSON (a password file, a key) never leaks into an error shown to an assistant.
/// Positions are 1-based lines and 1-based columns in characters (serde_json counts bytes).
fn syntax_error(source: &Source, e: &serde_json::Error) -> LoadError {
    let raw = e.to_string();
    // serde_json appends " at line L column C"; the code's own wording is what comes before.
    let code = raw.rfind(" at line ").map_or(raw.as_str(), |i| &raw[..i]);
    let at = error_offset(source, e.line(), e.column());
    let (message, at) = if e.classify() == serde_json::error::Category::Eof {
        describe_eof(source)
    } else {
        (describe_syntax(source, code, at), at)
    };
    let (line, column) = match at {
        Some(off) => {
            let (l, c) = source.line_col(off);
            (l, c + 1)
        }
        None => (e.line().max(1), e.column().max(1)),
    };
    LoadError::Syntax {
        file: source.name.clone(),
        message,
        line,
        column,
        snippet: snippet(source, line, column),
    }
}

/// Byte offset of the character serde_json stopped at. Its position is 1-based line and the
/// byte index just past that character, counted from the start of the line (0 when the
/// character is the line break ending the line before).
fn error_offset(source: &Source, line: usize, column: usize) -> Option<usize> {
    let text = source.text();
    if line == 0 || text.is_empty() {
        return None;
    }
    let index = source.offset_of(line, 0) + column;
    let mut off = index.checked_sub(1)?.min(text.len() - 1);
    while !text.is_char_boundary(off) {
        off -= 1;
    }
    Some(off)
}

/// The last byte before `off` that is not whitespace, with its offset.
fn prev_significant(b: &[u8], off: usize) -> Option<(usize, u8)> {
    b[..off.min(b.len())]
        .iter()
        .rposition(|c| !matches!(c, b' ' | b'\n' | b'\r' | b'\t'))
        .map(|i| (i, b[i]))
}

/// "unexpected `]`" for a structural or punctuation character; words and other characters are
/// not quoted (one letter of a password is already too much to echo).
fn unexpected(text: &str, off: Option<usize>) -> String {
    match off.and_then(|o| text[o..].chars().next()) {
        Some(c) if c.is_ascii_punctuation() => format!("unexpected `{c}`"),
        Some(c) if c.is_alphanumeric() => "unexpected text".to_string(),
        Some(_) => "unexpected character".to_string(),
        None => "unexpected end of the file".to_string(),
    }
}

/// "line L, column C" of a byte offset (1-based column in characters).
fn position(source: &Source, off: usize) -> String {
    let (l, c) = source.line_col(off);
    format!("line {l}, column {}", c + 1)
}

/// A non-EOF syntax error in plain words. `at` is the offending character.
fn describe_syntax(source: &Source, code: &str, at: Option<usize>) -> String {
    let text = source.text();
    let b = text.as_bytes();
    let c = at.map(|o| b[o]);
    let prev = at.and_then(|o| prev_significant(b, o)).map(|(_, p)| p);
    let after = match prev {
        Some(b':') => " after `:`",
        Some(b',') => " after `,`",
        Some(b'[') => " after `[`",
        _ => "",
    };
    let quotes_hint = if c.is_some_and(|c| c.is_ascii_alphabetic()) {
        " (text values must be strings in double quotes)"
    } else if c == Some(b'\'') {
        " (strings use double quotes, not single quotes)"
    } else {
        ""
    };
    let punct = c.is_some_and(|c| c.is_ascii_punctuation() && c != b'"');
    let lead = if punct {
        format!("{}: ", unexpected(text, at))
    } else {
        String::new()
    };
    match code {
        "expected `:`" => format!("{lead}expected `:` after the member name"),
        "expected `,` or `}`" => {
            let missing = if c == Some(b'"') {
                " (a comma is missing before the next member)"
            } else {
                ""
            };
            format!("{lead}expected `,` or `}}` after an object member{missing}")
        }
        "expected `,` or `]`" => {
            let missing = if c.is_some_and(|c| {
                matches!(c, b'"' | b'{' | b'[' | b'-') || c.is_ascii_alphanumeric()
            }) {
                " (a comma is missing before the next item)"
            } else {
                ""
            };
            format!("{lead}expected `,` or `]` after an array item{missing}")
        }
        "expected value" if prev.is_none() => format!(
            "{} at the start of the file: expected a JSON value {KINDS}",
            unexpected(text, at)
        ),
        "expected value" => format!(
            "{}: expected a value {KINDS}{after}{quotes_hint}",
            unexpected(text, at)
        ),
        "expected ident" => format!(
            "unexpected text: expected `true`, `false` or `null`{after} (text values must be strings in double quotes)"
        ),
        "expected `\"`" => format!("{lead}expected `\"`"),
        "key must be a string" => {
            let or_end = if prev == Some(b'{') { " or `}`" } else { "" };
            let hint = if c == Some(b'\'') {
                quotes_hint
            } else {
                ""
            };
            format!(
                "{}: expected a member name in double quotes{or_end}{after}{hint}",
                unexpected(text, at)
            )
        }
        "trailing comma" => {
            if c == Some(b']') {
                "trailing comma: expected another array item after `,` but found `]`".to_string()
            } else {
                "trailing comma: expected another member after `,` but found `}`".to_string()
            }
        }
        "trailing characters" => match at.and_then(|o| prev_significant(b, o)) {
            Some((end, _)) => format!(
                "trailing characters after the JSON document, which ends at {}",
                position(source, end)
            ),
            None => "trailing characters after the JSON document".to_string(),
        },
        "invalid escape" => "invalid escape in a string (the escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX; write a backslash as \\\\)".to_string(),
        "invalid number" => {
            "invalid number (numbers are written like 12, -3.5 or 1e6, without leading zeros)"
                .to_string()
        }
        "number out of range" => "number out of range (too large to represent)".to_string(),
        "invalid unicode code point"
        | "lone leading surrogate in hex escape"
        | "unexpected end of hex escape" => {
            "invalid `\\u` escape in a string (expected four hex digits naming a Unicode character; a surrogate needs its pair)".to_string()
        }
        "recursion limit exceeded" => {
            format!("nested too deeply: more than {MAX_DEPTH} levels of arrays and objects")
        }
        _ if code.starts_with("control character") => {
            if matches!(c, Some(b'\n' | b'\r')) {
                "line break in a string: expected a closing `\"` before the end of the line (a line break inside a string is written \\n)".to_string()
            } else {
                "control character in a string (write it as an escape, e.g. \\t or \\u0001)"
                    .to_string()
            }
        }
        _ => "not valid JSON here".to_string(),
    }
}

/// Where the text was when it ran out.
#[derive(Clone, Copy, PartialEq)]
enum Step {
    /// Just after `{` or `[`.
    Open,
    /// Just after a member name.
    Key,
    /// Just after `:`.
    Colon,
    /// Just after a complete value.
    Value,
    /// Just after `,`.
    Comma,
}

/// The file ends too early (serde_json reports EOF): say what is open and what was expected
/// next. The text up to the end is known to be a valid beginning of a JSON document (serde_json
/// found nothing wrong before the end), so a plain tokenizer tells the state. Iterative.
fn describe_eof(source: &Source) -> (String, Option<usize>) {
    let text = source.text();
    let b = text.as_bytes();
    // (offset of `{` / `[`, is an object, step)
    let mut stack: Vec<(usize, bool, Step)> = Vec::new();
    let mut last: Option<usize> = None;
    let mut i = 0usize;
    let end = b
        .iter()
        .rposition(|c| !matches!(c, b' ' | b'\n' | b'\r' | b'\t'))
        .map(|mut o| {
            while !text.is_char_boundary(o) {
                o -= 1;
            }
            o
        });
    let value_done = |stack: &mut Vec<(usize, bool, Step)>| {
        if let Some(top) = stack.last_mut() {
            top.2 = Step::Value;
        }
    };
    loop {
        while i < b.len() && matches!(b[i], b' ' | b'\n' | b'\r' | b'\t') {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        match b[i] {
            c @ (b'{' | b'[') => {
                stack.push((i, c == b'{', Step::Open));
                last = Some(i);
                i += 1;
            }
            b'}' | b']' => {
                stack.pop();
                value_done(&mut stack);
                last = Some(i);
                i += 1;
            }
            c @ (b':' | b',') => {
                if let Some(top) = stack.last_mut() {
                    top.2 = if c == b':' { Step::Colon } else { Step::Comma };
                }
                last = Some(i);
                i += 1;
            }
            b'"' => {
                let start = i;
                let is_key = matches!(stack.last(), Some((_, true, Step::Open | Step::Comma)));
                let mut j = i + 1;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                if j >= b.len() {
                    let what = if is_key { "a member name" } else { "a string" };
                    return (
                        format!(
                            "the file ends in the middle of {what} that starts at {}: expected a closing `\"`",
                            position(source, start)
                        ),
                        end,
                    );
                }
                match stack.last_mut() {
                    Some(top) if is_key => top.2 = Step::Key,
                    _ => value_done(&mut stack),
                }
                last = Some(j);
                i = j + 1;
            }
            _ => {
                let start = i;
                while i < b.len()
                    && !matches!(
                        b[i],
                        b',' | b':'
                            | b'{'
                            | b'}'
                            | b'['
                            | b']'
                            | b'"'
                            | b' '
                            | b'\n'
                            | b'\r'
                            | b'\t'
                    )
                {
                    i += 1;
                }
                let word = &text[start..i];
                let complete = matches!(word, "true" | "false" | "null")
                    || serde_json::from_str::<Number>(word).is_ok();
                if i >= b.len() && !complete {
                    return (
                        format!(
                            "the file ends in the middle of a value that starts at {}: expected the rest of a number, true, false or null",
                            position(source, start)
                        ),
                        end,
                    );
                }
                value_done(&mut stack);
                last = Some(i - 1);
            }
        }
    }
    let Some((open, is_object, step)) = stack.last().copied() else {
        return match last {
            None => (
                format!("the file is empty: expected a JSON value {KINDS}"),
                None,
            ),
            Some(_) => ("the file ends unexpectedly".to_string(), end),
        };
    };
    let last = last.unwrap_or(open);
    let after = format!("after {}", position(source, last));
    let expected = match (is_object, step) {
        (true, Step::Open) => format!("a member name in double quotes or `}}` {after}"),
        (true, Step::Key) => format!(
            "`:` after the member name that ends at {}",
            position(source, last)
        ),
        (true, Step::Colon) => format!("the member's value {KINDS} {after}"),
        (true, Step::Value) => format!("`,` or `}}` {after}"),
        (true, Step::Comma) => format!("another member (a name in double quotes) {after}"),
        (false, Step::Open) => format!("a value {KINDS} or `]` {after}"),
        (false, Step::Value) => format!("`,` or `]` {after}"),
        (false, _) => format!("another array item {KINDS} {after}"),
    };
    let what = if is_object { "an object" } else { "an array" };
    (
        format!(
            "the file ends in the middle of {what} (opened at {}): expected {expected}",
            position(source, open)
        ),
        Some(last),
    )
}

/// Deserializes a `serde_json::Value` whose arrays and objects are allocated at their exact size.
/// serde_json's own visitor grows them by doubling; a CALM document is mostly tiny objects
/// (`{"node": "x"}`), so that left over half the value's memory unused (a generated 100,000-node
/// model took about 800 MB). Same semantics as serde_json's visitor: later duplicate keys replace
/// the value at the first key's position, non-finite floats cannot occur in strict JSON.
struct CompactValue;

impl<'de> DeserializeSeed<'de> for CompactValue {
    type Value = Value;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(CompactValue)
    }
}

impl<'de> Visitor<'de> for CompactValue {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        CompactValue.deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(v) = seq.next_element_seed(CompactValue)? {
            items.push(v);
        }
        items.shrink_to_fit();
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members: Vec<(String, Value)> = Vec::new();
        while let Some(k) = map.next_key::<String>()? {
            let v = map.next_value_seed(CompactValue)?;
            members.push((k, v));
        }
        let mut out = Map::with_capacity(members.len());
        for (k, v) in members {
            out.insert(k, v);
        }
        Ok(Value::Object(out))
    }
}

/// A two-line snippet: the offending line (cut to 120 characters around the column) and a caret.
pub fn snippet(source: &Source, line: usize, column: usize) -> String {
    let text = source.line_text(line);
    let chars: Vec<char> = text.chars().collect();
    let col0 = column.saturating_sub(1).min(chars.len());
    let from = col0.saturating_sub(60);
    let to = (from + 120).min(chars.len());
    let shown: String = chars[from..to].iter().collect();
    let gutter = format!("{line} | ");
    format!(
        "{gutter}{shown}\n{}{}^",
        " ".repeat(gutter.len() - 2),
        format_args!("| {}", " ".repeat(col0 - from))
    )
}

struct Frame<'a> {
    entry: usize,
    is_object: bool,
    /// Raw keys seen so far (linear search while the object is small: cheaper than hashing).
    keys: Vec<&'a str>,
    /// The same keys hashed, once the object has many members.
    big: HashSet<&'a str>,
    children: Vec<u32>,
}

/// Keys above which duplicate detection switches from a linear scan to a hash set.
const LINEAR_KEYS: usize = 24;

impl<'a> Frame<'a> {
    /// Record a key; false when it was already there.
    fn insert_key(&mut self, raw: &'a str) -> bool {
        if self.keys.len() < LINEAR_KEYS {
            if self.keys.contains(&raw) {
                return false;
            }
            self.keys.push(raw);
            if self.keys.len() == LINEAR_KEYS {
                self.big.extend(self.keys.iter().copied());
            }
            true
        } else {
            self.keys.push(raw);
            self.big.insert(raw)
        }
    }
}

/// Build the span tape. The text is already known to be valid JSON (serde_json accepted it),
/// so the scanner only needs to find boundaries. Iterative: no recursion at all.
fn scan(text: &str) -> (SpanIndex, Vec<LoadWarning>) {
    let b = text.as_bytes();
    let mut entries: Vec<Entry> = Vec::with_capacity(text.len() / 24 + 1);
    let mut stack: Vec<Frame> = Vec::new();
    let mut spare: Vec<Frame> = Vec::new();
    let mut children: Vec<u32> = Vec::with_capacity(text.len() / 24 + 1);
    let mut warnings = Vec::new();
    let mut i = 0usize;
    let skip_ws = |i: &mut usize| {
        while *i < b.len() && matches!(b[*i], b' ' | b'\n' | b'\r' | b'\t') {
            *i += 1;
        }
    };
    loop {
        skip_ws(&mut i);
        if i >= b.len() {
            break;
        }
        // Inside an object, a value is preceded by its key.
        let mut key_start = u32::MAX;
        if let Some(top) = stack.last() {
            match b[i] {
                b',' => {
                    i += 1;
                    continue;
                }
                b'}' | b']' => {
                    let f = stack.pop().unwrap();
                    entries[f.entry].end = (i + 1) as u32;
                    entries[f.entry].next = entries.len() as u32;
                    entries[f.entry].child_off = children.len() as u32;
                    entries[f.entry].child_len = f.children.len() as u32;
                    children.extend_from_slice(&f.children);
                    spare.push(f);
                    i += 1;
                    continue;
                }
                _ => {}
            }
            if top.is_object {
                let ks = i;
                let ke = string_end(b, ks);
                let raw = &text[ks + 1..ke - 1];
                let duplicate = !stack.last_mut().unwrap().insert_key(raw);
                if duplicate {
                    let parent_ptr = pointer_of(text, &entries, &stack);
                    let key = serde_json::from_str::<String>(&text[ks..ke]).unwrap_or_default();
                    warnings.push(LoadWarning {
                        code: "duplicate-key",
                        message: format!(
                            "key \"{key}\" appears more than once in this object; the last value is used"
                        ),
                        pointer: format!("{parent_ptr}/{}", crate::pointer::escape_token(&key)),
                        offset: ks,
                    });
                }
                i = ke;
                skip_ws(&mut i);
                i += 1; // ':'
                skip_ws(&mut i);
                key_start = ks as u32;
            }
        }
        let start = i;
        let idx = entries.len();
        entries.push(Entry {
            start: start as u32,
            end: 0,
            key_start,
            next: 0,
            child_off: 0,
            child_len: 0,
        });
        if let Some(top) = stack.last_mut() {
            top.children.push(idx as u32);
        }
        match b[i] {
            b'{' | b'[' => {
                // Frames are recycled so that their buffers are allocated once, not per container.
                let mut f = spare.pop().unwrap_or_else(|| Frame {
                    entry: 0,
                    is_object: false,
                    keys: Vec::new(),
                    big: HashSet::new(),
                    children: Vec::new(),
                });
                f.entry = idx;
                f.is_object = b[i] == b'{';
                f.keys.clear();
                f.big.clear();
                f.children.clear();
                stack.push(f);
                i += 1;
                continue;
            }
            b'"' => i = string_end(b, i),
            _ => {
                while i < b.len()
                    && !matches!(b[i], b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t')
                {
                    i += 1;
                }
            }
        }
        entries[idx].end = i as u32;
        entries[idx].next = (idx + 1) as u32;
        if stack.is_empty() {
            break;
        }
    }
    (SpanIndex { entries, children }, warnings)
}

/// Pointer of the innermost open container (used for duplicate-key warnings only).
fn pointer_of(text: &str, entries: &[Entry], stack: &[Frame]) -> String {
    let mut p = String::new();
    for depth in 1..stack.len() {
        let parent = &stack[depth - 1];
        let e = entries[stack[depth].entry];
        p.push('/');
        if parent.is_object {
            let ks = e.key_start as usize;
            let ke = string_end(text.as_bytes(), ks);
            let key = serde_json::from_str::<String>(&text[ks..ke]).unwrap_or_default();
            p.push_str(&crate::pointer::escape_token(&key));
        } else {
            p.push_str(&(parent.children.len() - 1).to_string());
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(t: &str) -> (Source, Parsed) {
        let s = Source::new("t.json", None, t);
        let p = parse(&s).unwrap();
        (s, p)
    }

    #[test]
    fn spans_by_pointer() {
        let text = "{\n  \"nodes\": [\n    {\"unique-id\": \"a\", \"name\": \"A\"},\n    {\"unique-id\": \"b\", \"x\": [1, 2.5e3, null]}\n  ],\n  \"a/b\": true\n}";
        let (s, p) = load(text);
        let ((st, en), exact) = p.spans.span(s.text(), "/nodes/1/x/1").unwrap();
        assert!(exact);
        assert_eq!(&text[st..en], "2.5e3");
        let ((st, en), _) = p.spans.span(s.text(), "/nodes/0").unwrap();
        assert_eq!(&text[st..en], "{\"unique-id\": \"a\", \"name\": \"A\"}");
        assert_eq!(s.line_col(st), (3, 4));
        let ((st, en), exact) = p.spans.span(s.text(), "/a~1b").unwrap();
        assert!(exact);
        assert_eq!(&text[st..en], "true");
        let ((st, _), exact) = p.spans.span(s.text(), "/nodes/1/missing").unwrap();
        assert!(!exact);
        assert_eq!(&text[st..st + 1], "{");
        let (ks, ke) = p.spans.key_span(s.text(), "/nodes/0/name").unwrap();
        assert_eq!(&text[ks..ke], "\"name\"");
    }

    #[test]
    fn duplicate_keys_warn() {
        let (_, p) = load(r#"{"nodes": [{"a": 1, "a": 2}]}"#);
        assert_eq!(p.warnings.len(), 1);
        assert_eq!(p.warnings[0].pointer, "/nodes/0/a");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(200_000) + &"]".repeat(200_000);
        let s = Source::new("deep.json", None, text);
        let e = parse(&s).unwrap_err();
        assert!(matches!(e, LoadError::Syntax { .. }), "{e}");
        assert!(e.to_string().contains("nested too deeply"), "{e}");
        assert!(e.to_string().contains("more than 128 levels"), "{e}");
    }

    #[test]
    fn syntax_error_has_position_and_snippet() {
        let s = Source::new("bad.json", None, "{\n  \"a\": 1,\n  \"b\" 2\n}");
        let e = parse(&s).unwrap_err();
        let LoadError::Syntax {
            line,
            column,
            snippet,
            ..
        } = &e
        else {
            panic!()
        };
        assert_eq!((*line, *column), (3, 7));
        assert!(snippet.contains("3 |   \"b\" 2"), "{snippet}");
        assert_eq!(
            e.to_string(),
            "bad.json:3:7: invalid JSON: expected `:` after the member name"
        );
        // The snippet is for renderers that show users their own file, not part of Display.
        assert_eq!(e.snippet(), Some(snippet.as_str()));
    }

    /// The `Display` text of the error for `text` (which must not parse).
    fn error(text: &str) -> String {
        let s = Source::new("t.json", None, text);
        let e = parse(&s).unwrap_err();
        assert!(matches!(e, LoadError::Syntax { .. }), "{e}");
        e.to_string()
    }

    #[test]
    fn truncated_object_says_what_is_open_and_what_was_expected() {
        let text = "{\n  \"nodes\": [],\n  \"relationships\": []";
        assert_eq!(
            error(text),
            "t.json:3:21: invalid JSON: the file ends in the middle of an object (opened at line 1, column 1): expected `,` or `}` after line 3, column 21"
        );
        assert_eq!(
            error("{\n  \"nodes\": [],\n"),
            "t.json:2:14: invalid JSON: the file ends in the middle of an object (opened at line 1, column 1): expected another member (a name in double quotes) after line 2, column 14"
        );
        assert_eq!(
            error("{\"nodes\""),
            "t.json:1:8: invalid JSON: the file ends in the middle of an object (opened at line 1, column 1): expected `:` after the member name that ends at line 1, column 8"
        );
        assert_eq!(
            error("{\"nodes\": "),
            "t.json:1:9: invalid JSON: the file ends in the middle of an object (opened at line 1, column 1): expected the member's value (object, array, string, number, true, false or null) after line 1, column 9"
        );
        assert_eq!(
            error("{"),
            "t.json:1:1: invalid JSON: the file ends in the middle of an object (opened at line 1, column 1): expected a member name in double quotes or `}` after line 1, column 1"
        );
    }

    #[test]
    fn truncated_array_names_the_innermost_open_array() {
        assert_eq!(
            error("{\"nodes\": [\n  {\"unique-id\": \"a\"},\n  {\"unique-id\": \"b\"}"),
            "t.json:3:20: invalid JSON: the file ends in the middle of an array (opened at line 1, column 11): expected `,` or `]` after line 3, column 20"
        );
        assert_eq!(
            error("[1,\n"),
            "t.json:1:3: invalid JSON: the file ends in the middle of an array (opened at line 1, column 1): expected another array item (object, array, string, number, true, false or null) after line 1, column 3"
        );
        assert_eq!(
            error("[\n"),
            "t.json:1:1: invalid JSON: the file ends in the middle of an array (opened at line 1, column 1): expected a value (object, array, string, number, true, false or null) or `]` after line 1, column 1"
        );
    }

    #[test]
    fn truncated_string_and_value() {
        assert_eq!(
            error("{\"name\": \"Orders AP"),
            "t.json:1:19: invalid JSON: the file ends in the middle of a string that starts at line 1, column 10: expected a closing `\"`"
        );
        assert_eq!(
            error("{\"name\": \"Orders\",\n  \"descr"),
            "t.json:2:8: invalid JSON: the file ends in the middle of a member name that starts at line 2, column 3: expected a closing `\"`"
        );
        assert_eq!(
            error("[tr"),
            "t.json:1:3: invalid JSON: the file ends in the middle of a value that starts at line 1, column 2: expected the rest of a number, true, false or null"
        );
        assert_eq!(
            error(""),
            "t.json:1:1: invalid JSON: the file is empty: expected a JSON value (object, array, string, number, true, false or null)"
        );
    }

    #[test]
    fn missing_comma() {
        assert_eq!(
            error("{\n  \"a\": 1\n  \"b\": 2\n}"),
            "t.json:3:3: invalid JSON: expected `,` or `}` after an object member (a comma is missing before the next member)"
        );
        assert_eq!(
            error("[1 2]"),
            "t.json:1:4: invalid JSON: expected `,` or `]` after an array item (a comma is missing before the next item)"
        );
        assert_eq!(
            error("{\"a\": [1, 2}"),
            "t.json:1:12: invalid JSON: unexpected `}`: expected `,` or `]` after an array item"
        );
    }

    #[test]
    fn missing_colon() {
        assert_eq!(
            error("{\"a\" 1}"),
            "t.json:1:6: invalid JSON: expected `:` after the member name"
        );
        assert_eq!(
            error("{\"a\", 1}"),
            "t.json:1:5: invalid JSON: unexpected `,`: expected `:` after the member name"
        );
    }

    #[test]
    fn trailing_characters_and_commas() {
        assert_eq!(
            error("{\"a\": 1}\n}"),
            "t.json:2:1: invalid JSON: trailing characters after the JSON document, which ends at line 1, column 8"
        );
        assert_eq!(
            error("[1, 2,]"),
            "t.json:1:7: invalid JSON: trailing comma: expected another array item after `,` but found `]`"
        );
        assert_eq!(
            error("{\"a\": 1,\n}"),
            "t.json:2:1: invalid JSON: trailing comma: expected another member after `,` but found `}`"
        );
    }

    #[test]
    fn values_and_strings_in_plain_words() {
        assert_eq!(
            error("{\"a\": }"),
            "t.json:1:7: invalid JSON: unexpected `}`: expected a value (object, array, string, number, true, false or null) after `:`"
        );
        assert_eq!(
            error("[,]"),
            "t.json:1:2: invalid JSON: unexpected `,`: expected a value (object, array, string, number, true, false or null) after `[`"
        );
        assert_eq!(
            error("{'a': 1}"),
            "t.json:1:2: invalid JSON: unexpected `'`: expected a member name in double quotes or `}` (strings use double quotes, not single quotes)"
        );
        assert_eq!(
            error("{\"a\": \"x\\q\"}"),
            "t.json:1:10: invalid JSON: invalid escape in a string (the escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX; write a backslash as \\\\)"
        );
        assert_eq!(
            error("{\"a\": \"x\ny\"}"),
            "t.json:1:9: invalid JSON: line break in a string: expected a closing `\"` before the end of the line (a line break inside a string is written \\n)"
        );
        assert!(error("[\"a\tb\"]").contains("control character in a string"));
        assert!(error("[01]").contains("t.json:1:3: invalid JSON: invalid number"));
        assert!(error("[1e999]").contains("number out of range"));
        assert!(error("[\"\\ud800\"]").contains("invalid `\\u` escape in a string"));
        // Columns count characters, not bytes.
        assert!(error("[\"é\" 1]").starts_with("t.json:1:6: "));
    }

    #[test]
    fn a_text_file_is_not_quoted() {
        let e =
            error("root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n");
        assert_eq!(
            e,
            "t.json:1:1: invalid JSON: unexpected text at the start of the file: expected a JSON value (object, array, string, number, true, false or null)"
        );
        assert!(!e.contains("root:x"), "{e}");
        for text in [
            "password = hunter2",
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n",
            "{\"token\": secretvalue}",
            "[\"ok\", sk_live_abcdef]",
            "{\"a\": \"b\"} AKIAIOSFODNN7EXAMPLE",
        ] {
            let e = error(text);
            for word in [
                "hunter2",
                "OPENSSH",
                "b3Bl",
                "secretvalue",
                "sk_live",
                "AKIA",
            ] {
                assert!(!e.contains(word), "{e}");
            }
            assert!(!e.contains('\n'), "{e}");
        }
    }

    #[test]
    fn no_broken_document_is_quoted() {
        // Every prefix and every one-byte corruption of a document: the message names no part of
        // its content (any 4 characters of the secret), and parsing never panics.
        let text = "{\n  \"nodes\": [\n    {\"unique-id\": \"QZXJ-9731-WVKP\", \"n\": [1, 2.5e3, true, null]},\n    {\"é\": \"x\\n\\u00e9\"}\n  ]\n}\n";
        let secret = "\"QZXJ-9731-WVKP\"";
        let windows: Vec<&str> = (0..secret.len() - 3).map(|i| &secret[i..i + 4]).collect();
        let check = |t: &str| {
            let s = Source::new("t.json", None, t);
            if let Err(e) = parse(&s) {
                let LoadError::Syntax { line, column, .. } = &e else {
                    panic!("{e}")
                };
                assert!(*line >= 1 && *column >= 1, "{e}");
                let m = e.to_string();
                assert!(!m.contains('\n'), "{t:?}: {m}");
                for w in &windows {
                    assert!(!m.contains(w), "{t:?}: {m}");
                }
            }
        };
        for (i, _) in text.char_indices() {
            check(&text[..i]);
            for bad in ["x", ",", "\"", "}", "]", "\n", ":", "\\", "\t", "'"] {
                let mut t = text.to_string();
                let end = i + text[i..].chars().next().unwrap().len_utf8();
                t.replace_range(i..end, bad);
                check(&t);
            }
        }
    }

    #[test]
    fn bom_is_accepted() {
        let t = decode("x", b"\xEF\xBB\xBF{}".to_vec()).unwrap();
        assert_eq!(t, "{}");
    }

    proptest::proptest! {
        #[test]
        fn scanner_never_panics_on_valid_json(v in arb_json()) {
            let text = serde_json::to_string_pretty(&v).unwrap();
            let s = Source::new("p", None, text.clone());
            let p = parse(&s).unwrap();
            // The root span covers the whole document.
            let ((st, en), _) = p.spans.span(s.text(), "").unwrap();
            proptest::prop_assert_eq!(&text[st..en], text.trim());
        }
    }

    fn arb_json() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            "[a-z\\\\\"é ]{0,8}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 64, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::vec(("[a-z/~]{0,4}", inner), 0..6)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }
}
