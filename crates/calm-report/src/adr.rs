//! ADRs: how each ADR in `adrs` relates to a change (implemented through a new `adr` metadata
//! link, already linked, only mentioned, not linked) and whether its file exists.

use crate::diff::{Op, Section, StructuralDiff, adr_links};
use crate::input::LoadedArchitecture;
use calm_model::Document;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdrStatus {
    /// The change adds a metadata link to it.
    Implemented,
    /// Elements linked it before the change and still do.
    AlreadyLinked,
    /// No metadata link, but a description names it (e.g. "ADR-0001").
    Mentioned,
    NotLinked,
    /// Listed before, not after.
    Dropped,
}

#[derive(Debug, Clone)]
pub struct AdrAlignment {
    pub status: AdrStatus,
    /// `node:x`, `relationship:y` … that link it in NEW.
    pub linked_from: Vec<String>,
    /// `None`: file not found; `Some(title)`: found, with its first `# ` heading if any.
    pub file_title: Option<Option<String>>,
}

/// `docs/adr/0001-use-queue.md` → `ADR-0001`; other names → the file stem.
pub fn adr_label(path: &str) -> String {
    let file = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let digits: String = file.chars().take_while(|c| c.is_ascii_digit()).collect();
    if !digits.is_empty() {
        return format!("ADR-{digits}");
    }
    file.strip_suffix(".md").unwrap_or(file).to_string()
}

/// Whether `link` refers to the ADR at `path` (same path, same file name, or same number).
fn same_adr(link: &str, path: &str) -> bool {
    let norm = |s: &str| s.trim_start_matches("./").to_string();
    if norm(link) == norm(path) {
        return true;
    }
    let file = |s: &str| s.rsplit(['/', '\\']).next().unwrap_or(s).to_string();
    file(link) == file(path)
        || (adr_label(link) == adr_label(path) && adr_label(path).starts_with("ADR-"))
}

/// Whether any description in the document names the ADR by its label (`ADR-0001`).
fn mentioned(doc: &Document, path: &str) -> bool {
    let label = adr_label(path);
    if !label.starts_with("ADR-") {
        return false;
    }
    let mut texts: Vec<&str> = Vec::new();
    texts.extend(doc.nodes().map(|n| n.description()));
    texts.extend(doc.relationships().map(|r| r.description()));
    texts.extend(doc.flows().map(|f| f.description()));
    texts
        .iter()
        .any(|t| t.to_ascii_uppercase().contains(&label))
}

pub fn adr_status(
    path: &str,
    old: &Document,
    new: &Document,
    diff: &StructuralDiff,
    loaded: &LoadedArchitecture,
) -> AdrAlignment {
    let new_links: Vec<String> = adr_links(new, None)
        .into_iter()
        .filter(|(_, l)| same_adr(l, path))
        .map(|(s, _)| s)
        .collect();
    let old_linked = adr_links(old, None).iter().any(|(_, l)| same_adr(l, path));
    let added = diff.in_section(Section::Adr).any(|c| {
        c.op == Op::Added && c.scope.as_deref() != Some("architecture") && same_adr(&c.id, path)
    });
    let listed_now = new.adrs().any(|a| a == path);
    let status = if !listed_now {
        AdrStatus::Dropped
    } else if added {
        AdrStatus::Implemented
    } else if old_linked && !new_links.is_empty() {
        AdrStatus::AlreadyLinked
    } else if mentioned(new, path) {
        AdrStatus::Mentioned
    } else {
        AdrStatus::NotLinked
    };
    AdrAlignment {
        status,
        linked_from: new_links,
        file_title: find_file(path, loaded),
    }
}

/// Look for the ADR file under each base directory (absolute URLs are not fetched).
fn find_file(path: &str, loaded: &LoadedArchitecture) -> Option<Option<String>> {
    if path.contains("://") {
        return None;
    }
    for base in &loaded.base_dirs {
        let p = base.join(Path::new(path));
        if p.is_file() {
            let title = std::fs::read_to_string(&p).ok().and_then(|t| {
                t.lines()
                    .find_map(|l| l.strip_prefix("# ").map(|s| s.trim().to_string()))
            });
            return Some(title);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(adr_label("docs/adr/0001-use-message-queue.md"), "ADR-0001");
        assert_eq!(adr_label("docs/adr/003-async.md"), "ADR-003");
        assert_eq!(adr_label("decisions/use-kafka.md"), "use-kafka");
        assert!(same_adr("./docs/adr/0001-x.md", "docs/adr/0001-x.md"));
        assert!(same_adr("0001-x.md", "docs/adr/0001-x.md"));
        assert!(!same_adr("docs/adr/0002-y.md", "docs/adr/0001-x.md"));
    }
}
