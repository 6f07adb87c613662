//! Text measurement with the same font the SVG names and the PNG renderer embeds, so labels fit
//! their boxes on every machine (no system font lookup).

use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};
use std::sync::OnceLock;

/// DejaVu Sans (Bitstream Vera licence, redistribution allowed; see `assets/DejaVu-LICENSE.txt`).
pub const FONT_REGULAR: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");
pub const FONT_BOLD: &[u8] = include_bytes!("../assets/DejaVuSans-Bold.ttf");
/// The family name written into the SVG; it is the family of the embedded files.
pub const FONT_FAMILY: &str = "DejaVu Sans";

/// Advance widths at 1 px, for the first 0x250 code points (Latin), read once per weight.
struct Advances {
    table: Vec<f32>,
    font: FontRef<'static>,
    fallback: f32,
}

impl Advances {
    fn load(data: &'static [u8]) -> Advances {
        let font = FontRef::new(data).expect("embedded DejaVu Sans parses");
        let charmap = font.charmap();
        let metrics = font.glyph_metrics(Size::new(1.0), LocationRef::default());
        let width_of = |c: u32| charmap.map(c).and_then(|g| metrics.advance_width(g));
        let fallback = width_of('M' as u32).unwrap_or(0.8);
        let table = (0u32..0x250)
            .map(|c| width_of(c).unwrap_or(fallback))
            .collect();
        Advances {
            table,
            font,
            fallback,
        }
    }

    fn advance(&self, c: char) -> f32 {
        let cp = c as u32;
        if let Some(w) = self.table.get(cp as usize) {
            return *w;
        }
        let metrics = self
            .font
            .glyph_metrics(Size::new(1.0), LocationRef::default());
        self.font
            .charmap()
            .map(cp)
            .and_then(|g| metrics.advance_width(g))
            .unwrap_or(self.fallback)
    }
}

fn regular() -> &'static Advances {
    static R: OnceLock<Advances> = OnceLock::new();
    R.get_or_init(|| Advances::load(FONT_REGULAR))
}

fn bold() -> &'static Advances {
    static B: OnceLock<Advances> = OnceLock::new();
    B.get_or_init(|| Advances::load(FONT_BOLD))
}

/// Width in px of `text` at `size` px.
pub fn width(text: &str, size: f64, is_bold: bool) -> f64 {
    let a = if is_bold { bold() } else { regular() };
    text.chars().map(|c| a.advance(c) as f64).sum::<f64>() * size
}

/// Break `text` into lines no wider than `max` px (words longer than a line are cut with `…`),
/// at most `max_lines` lines (the last one ends with `…` when text was left out).
pub fn wrap(text: &str, size: f64, is_bold: bool, max: f64, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut truncated = false;
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() {
            word.to_string()
        } else {
            format!("{current} {word}")
        };
        if width(&candidate, size, is_bold) <= max {
            current = candidate;
            continue;
        }
        if !current.is_empty() {
            lines.push(std::mem::take(&mut current));
            if lines.len() == max_lines {
                truncated = true;
                break;
            }
        }
        if width(word, size, is_bold) <= max {
            current = word.to_string();
        } else {
            current = ellipsize(word, size, is_bold, max);
        }
    }
    if !truncated && !current.is_empty() {
        if lines.len() == max_lines {
            truncated = true;
        } else {
            lines.push(current);
        }
    }
    if truncated && let Some(last) = lines.last_mut() {
        *last = ellipsize(&format!("{last}…"), size, is_bold, max);
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

/// `text` cut to fit `max` px, ending with `…` when cut.
pub fn ellipsize(text: &str, size: f64, is_bold: bool, max: f64) -> String {
    if width(text, size, is_bold) <= max {
        return text.to_string();
    }
    let mut out = String::new();
    let ell = width("…", size, is_bold);
    let mut w = 0.0;
    for c in text.chars() {
        let cw = width(c.encode_utf8(&mut [0; 4]), size, is_bold);
        if w + cw + ell > max {
            break;
        }
        w += cw;
        out.push(c);
    }
    let trimmed = out.trim_end_matches('…').trim_end().to_string();
    format!("{trimmed}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_come_from_the_font() {
        let w = width("Order Service", 13.0, false);
        assert!(w > 60.0 && w < 110.0, "{w}");
        assert!(width("Order Service", 13.0, true) > w);
        assert!(width("iiii", 13.0, false) < width("MMMM", 13.0, false));
    }

    #[test]
    fn wrap_respects_width_and_line_count() {
        let lines = wrap(
            "A very long service name that will not fit on one line at all",
            13.0,
            true,
            150.0,
            2,
        );
        assert_eq!(lines.len(), 2);
        for l in &lines {
            assert!(width(l, 13.0, true) <= 150.0 + 0.01, "{l}");
        }
        assert!(lines[1].ends_with('…'));
        assert_eq!(
            wrap("Short", 13.0, false, 150.0, 2),
            vec!["Short".to_string()]
        );
    }
}
