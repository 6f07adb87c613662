//! `calm-advisor chat`: a conversation about one architecture, in plain language.
//!
//! - `intent.rs` reads a request into a typed [`intent::Intent`] (or a clarifying question),
//!   using `slots.rs` to pull ids, numbers, ports, durations and names out of the sentence;
//! - `session.rs` keeps the document's states (undo/redo), the change awaiting confirmation and
//!   the question awaiting an answer;
//! - `crate::engine` is where intents meet the libraries (shared with `fix` and the MCP server);
//! - `llm.rs` is the optional OpenAI-compatible model for requests the parser cannot read.

pub mod intent;
mod intents;
pub mod llm;
pub mod session;
pub mod slots;
pub mod triage_answer;

/// Split a script into requests: requests are separated by lines holding only `---` (a request
/// may span several lines); blank requests are dropped.
pub fn split_requests(script: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    for line in script.lines() {
        if line.trim() == "---" {
            push_request(&mut out, &cur);
            cur.clear();
        } else {
            cur.push(line.trim_end_matches('\r'));
        }
    }
    push_request(&mut out, &cur);
    out
}

fn push_request(out: &mut Vec<String>, lines: &[&str]) {
    let text = lines.join("\n");
    let text = text.trim_matches('\n').trim_end();
    if !text.trim().is_empty() {
        out.push(text.to_string());
    }
}

/// A request as it appears in a transcript: each line prefixed with `> `.
pub fn quote_request(request: &str) -> String {
    request
        .lines()
        .map(|l| {
            if l.is_empty() {
                ">".to_string()
            } else {
                format!("> {l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_split_on_dash_lines_only() {
        let s = "Analyze it.\n\nConsider:\n- a\n- b\n---\nvalidate\n  ---  \n\n---\nsave\n";
        assert_eq!(
            split_requests(s),
            vec!["Analyze it.\n\nConsider:\n- a\n- b", "validate", "save"]
        );
    }
}
