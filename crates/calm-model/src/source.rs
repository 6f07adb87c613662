//! Source text with a line index, so byte offsets turn into 1-based lines and 0-based columns.

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The text of one input, as read (a UTF-8 BOM is dropped), with the start of every line.
#[derive(Debug, Clone)]
pub struct Source {
    /// Path as given by the user (used in messages), if the text came from a file.
    pub path: Option<PathBuf>,
    /// Display name: the path as given, or `<inline>` / `<stdin>`.
    pub name: String,
    text: Arc<str>,
    line_starts: Arc<[u32]>,
}

impl Source {
    pub fn new(name: impl Into<String>, path: Option<PathBuf>, text: impl Into<Arc<str>>) -> Self {
        let text: Arc<str> = text.into();
        let mut starts = vec![0u32];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                starts.push((i + 1) as u32);
            }
        }
        Source {
            path,
            name: name.into(),
            text,
            line_starts: starts.into(),
        }
    }

    pub fn from_path(path: &Path, text: impl Into<Arc<str>>) -> Self {
        Source::new(path.display().to_string(), Some(path.to_path_buf()), text)
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// 1-based line and 0-based column (in characters, as the reference CLI counts) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line_idx = match self.line_starts.binary_search(&(offset as u32)) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line_idx] as usize;
        let col = self
            .text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(offset - start);
        (line_idx + 1, col)
    }

    /// The text of 1-based line `line`, without its line break.
    pub fn line_text(&self, line: usize) -> &str {
        if line == 0 || line > self.line_starts.len() {
            return "";
        }
        let start = self.line_starts[line - 1] as usize;
        let end = self
            .line_starts
            .get(line)
            .map(|e| *e as usize)
            .unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Byte offset of 1-based line and 0-based character column.
    pub fn offset_of(&self, line: usize, col: usize) -> usize {
        if line == 0 || line > self.line_starts.len() {
            return self.text.len();
        }
        let start = self.line_starts[line - 1] as usize;
        let rest = &self.text[start..];
        start
            + rest
                .char_indices()
                .nth(col)
                .map(|(i, _)| i)
                .unwrap_or(rest.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column() {
        let s = Source::new("t", None, "{\n  \"a\": 1,\n  \"é\": 2\n}");
        assert_eq!(s.line_col(0), (1, 0));
        assert_eq!(s.line_col(4), (2, 2));
        assert_eq!(s.line_text(2), "  \"a\": 1,");
        let off = s.text().find('2').unwrap();
        assert_eq!(s.line_col(off), (3, 7));
        assert_eq!(s.offset_of(3, 7), off);
    }
}
