//! Whole-request commands: confirm/decline, undo/redo, help/quit, save.

use super::super::intent::{Intent, Parsed};
use super::{Request, vocab};

fn is(cmd: &str, words: &[&str]) -> bool {
    words.contains(&cmd)
}

/// "yes", "go ahead" / "no", "cancel": the answer to "apply this change?".
pub fn confirm(r: &Request) -> Option<Parsed> {
    if is(&r.cmd, vocab::CONFIRM) {
        return Some(Parsed::Understood(Intent::Confirm(true)));
    }
    is(&r.cmd, vocab::DECLINE).then_some(Parsed::Understood(Intent::Confirm(false)))
}

pub fn undo_redo(r: &Request) -> Option<Parsed> {
    if is(&r.cmd, vocab::UNDO) {
        return Some(Parsed::Understood(Intent::Undo));
    }
    is(&r.cmd, vocab::REDO).then_some(Parsed::Understood(Intent::Redo))
}

pub fn help_quit(r: &Request) -> Option<Parsed> {
    if is(&r.cmd, vocab::HELP) {
        return Some(Parsed::Understood(Intent::Help));
    }
    is(&r.cmd, vocab::QUIT).then_some(Parsed::Understood(Intent::Quit))
}

/// "save", "save it", "save as out.json".
pub fn save(r: &Request) -> Option<Parsed> {
    let rest = r.cmd.strip_prefix("save")?.trim();
    if is(rest, vocab::SAVE_IN_PLACE) {
        return Some(Parsed::Understood(Intent::Save { path: None }));
    }
    let path = rest
        .trim_start_matches("as ")
        .trim_start_matches("to ")
        .trim();
    if !path.contains(' ') && path.ends_with(".json") {
        // Keep the original spelling of the path.
        let orig = r.text.trim().trim_end_matches(['.', '!']);
        let p = orig[orig.len() - path.len()..].to_string();
        return Some(Parsed::Understood(Intent::Save { path: Some(p) }));
    }
    None
}
