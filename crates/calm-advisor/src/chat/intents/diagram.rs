//! "Show me the diagram", "render it to arch.png".

use super::super::intent::{Intent, Parsed};
use super::super::slots::{self, has_any};
use super::{Request, vocab};

pub fn recognize(r: &Request) -> Option<Parsed> {
    let (t, text) = (&r.t, r.text);
    if !has_any(t, vocab::DIAGRAM) {
        return None;
    }
    let format = if has_any(t, vocab::PNG) {
        "png"
    } else if has_any(t, &["svg"]) {
        "svg"
    } else {
        "html"
    };
    let output = slots::quoted(text)
        .into_iter()
        .map(|(_, q)| q)
        .chain(
            text.split_whitespace()
                .map(|w| w.trim_matches(|c: char| c == ',' || c == '"').to_string()),
        )
        .find(|w| {
            [".png", ".html", ".svg"]
                .iter()
                .any(|e| w.to_lowercase().ends_with(e))
        });
    let format = output
        .as_deref()
        .and_then(|o| o.rsplit('.').next())
        .map(|e| e.to_lowercase())
        .unwrap_or_else(|| format.to_string());
    Some(Parsed::Understood(Intent::Render { format, output }))
}
