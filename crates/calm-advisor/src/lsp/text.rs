//! Positions: LSP counts columns in UTF-16 code units unless client and server agree on UTF-8
//! or UTF-32 (`positionEncoding`, LSP 3.17); the documents are Rust strings (UTF-8 bytes).
//! Every conversion between byte offsets and LSP positions goes through [`LineIndex`].

use lsp_types::{Position, PositionEncodingKind, Range, TextEdit};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
    Utf32,
}

impl Encoding {
    /// The client's preference order decides among what it offers; without an offer, UTF-16
    /// (the protocol's default). UTF-8 is picked when offered: it needs no conversion.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        let Some(offered) = offered else {
            return Encoding::Utf16;
        };
        if offered.contains(&PositionEncodingKind::UTF8) {
            return Encoding::Utf8;
        }
        for k in offered {
            if *k == PositionEncodingKind::UTF16 {
                return Encoding::Utf16;
            }
            if *k == PositionEncodingKind::UTF32 {
                return Encoding::Utf32;
            }
        }
        Encoding::Utf16
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
            Encoding::Utf32 => PositionEncodingKind::UTF32,
        }
    }

    fn units(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
            Encoding::Utf32 => 1,
        }
    }
}

/// Byte offset of the start of every line of one text.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    len: usize,
    pub encoding: Encoding,
}

impl LineIndex {
    pub fn new(text: &str, encoding: Encoding) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr_newlines(text));
        LineIndex {
            starts,
            len: text.len(),
            encoding,
        }
    }

    /// Byte offset where 0-based `line` starts (the text's end past the last line).
    pub fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(self.len)
    }

    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = floor_boundary(text, offset.min(text.len()));
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let col: usize = text[start..offset]
            .chars()
            .map(|c| self.encoding.units(c))
            .sum();
        Position::new(line as u32, col as u32)
    }

    pub fn range(&self, text: &str, start: usize, end: usize) -> Range {
        Range::new(self.position(text, start), self.position(text, end))
    }

    /// Byte offset of a position; a column past the end of its line means the line's end (the
    /// protocol's rule), a line past the end means the end of the text.
    pub fn offset(&self, text: &str, pos: Position) -> usize {
        let line = pos.line as usize;
        if line >= self.starts.len() {
            return text.len();
        }
        let start = self.starts[line];
        let end = self
            .starts
            .get(line + 1)
            .map(|&s| s - 1)
            .unwrap_or(text.len());
        let mut units = 0usize;
        for (i, c) in text[start..end].char_indices() {
            if units >= pos.character as usize || c == '\r' && start + i + 1 == end {
                return start + i;
            }
            units += self.encoding.units(c);
        }
        end
    }
}

fn memchr_newlines(text: &str) -> impl Iterator<Item = usize> + '_ {
    text.bytes()
        .enumerate()
        .filter(|(_, b)| *b == b'\n')
        .map(|(i, _)| i + 1)
}

/// The largest char boundary at or before `i`.
pub fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Apply one `didChange` content change (a range edit, or the whole text when `range` is None).
pub fn apply_change(text: &mut String, encoding: Encoding, range: Option<Range>, new: &str) {
    match range {
        None => {
            text.clear();
            text.push_str(new);
        }
        Some(r) => {
            let index = LineIndex::new(text, encoding);
            let start = index.offset(text, r.start);
            let end = index.offset(text, r.end).max(start);
            text.replace_range(start..end, new);
        }
    }
}

/// The text edits that turn `old` into `new`: whole changed lines (a line diff), so the
/// buffer ends up byte-for-byte equal to `new`, as the file `fix` would write.
pub fn edits(old: &str, new: &str, encoding: Encoding) -> Vec<TextEdit> {
    let index = LineIndex::new(old, encoding);
    let diff = similar::TextDiff::from_lines(old, new);
    let new_lines: Vec<&str> = diff.iter_new_slices().collect();
    let mut out: Vec<TextEdit> = Vec::new();
    // Consecutive non-equal operations merge into one edit.
    let mut pending: Option<(usize, usize, usize, usize)> = None;
    let flush = |p: Option<(usize, usize, usize, usize)>, out: &mut Vec<TextEdit>| {
        if let Some((os, oe, ns, ne)) = p {
            let (start, end) = (index.line_start(os), index.line_start(oe));
            out.push(TextEdit {
                range: index.range(old, start, end),
                new_text: new_lines[ns..ne].concat(),
            });
        }
    };
    for op in diff.ops() {
        let (o, n) = (op.old_range(), op.new_range());
        if matches!(op.tag(), similar::DiffTag::Equal) {
            flush(pending.take(), &mut out);
            continue;
        }
        pending = Some(match pending {
            Some((os, _, ns, _)) => (os, o.end, ns, n.end),
            None => (o.start, o.end, n.start, n.end),
        });
    }
    flush(pending.take(), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(old: &str, edits: &[TextEdit], enc: Encoding) -> String {
        // Apply from the end so earlier offsets stay valid.
        let mut text = old.to_string();
        let mut es = edits.to_vec();
        es.sort_by_key(|e| std::cmp::Reverse((e.range.start.line, e.range.start.character)));
        for e in es {
            apply_change(&mut text, enc, Some(e.range), &e.new_text);
        }
        text
    }

    #[test]
    fn positions_count_utf16_units_for_non_ascii_names() {
        // "é" is 2 bytes, 1 UTF-16 unit; "😀" is 4 bytes, 2 UTF-16 units, 1 UTF-32 unit.
        let text = "{\n  \"name\": \"café 😀 x\"\n}";
        let x = text.find(" x").unwrap() + 1;
        let u16 = LineIndex::new(text, Encoding::Utf16);
        assert_eq!(u16.position(text, x), Position::new(1, 19));
        assert_eq!(u16.offset(text, Position::new(1, 19)), x);
        let u8 = LineIndex::new(text, Encoding::Utf8);
        assert_eq!(u8.position(text, x), Position::new(1, x as u32 - 2));
        assert_eq!(u8.offset(text, Position::new(1, x as u32 - 2)), x);
        let u32 = LineIndex::new(text, Encoding::Utf32);
        assert_eq!(u32.position(text, x), Position::new(1, 18));
        assert_eq!(u32.offset(text, Position::new(1, 18)), x);
        // Past the end of a line: the line's end; past the last line: the text's end.
        assert_eq!(u16.offset(text, Position::new(0, 99)), 1);
        assert_eq!(u16.offset(text, Position::new(9, 0)), text.len());
    }

    #[test]
    fn incremental_changes_and_line_edits_reproduce_the_new_text() {
        let old = "{\n  \"a\": \"é\",\n  \"b\": 2\n}";
        let new = "{\n  \"a\": \"é\",\n  \"c\": [1, 2],\n  \"b\": 3\n}\n";
        for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            assert_eq!(apply(old, &edits(old, new, enc), enc), new);
        }
        let mut t = old.to_string();
        apply_change(
            &mut t,
            Encoding::Utf16,
            Some(Range::new(Position::new(1, 8), Position::new(1, 9))),
            "ü",
        );
        assert_eq!(t, "{\n  \"a\": \"ü\",\n  \"b\": 2\n}");
    }

    #[test]
    fn negotiation_prefers_utf8_and_defaults_to_utf16() {
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
        let offer = [PositionEncodingKind::UTF16, PositionEncodingKind::UTF8];
        assert_eq!(Encoding::negotiate(Some(&offer)), Encoding::Utf8);
        let offer = [PositionEncodingKind::UTF32];
        assert_eq!(Encoding::negotiate(Some(&offer)), Encoding::Utf32);
    }
}
