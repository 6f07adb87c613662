//! RFC 6901 JSON pointers.

use std::fmt;

/// Escape one reference token (`~` → `~0`, `/` → `~1`).
pub fn escape_token(token: &str) -> String {
    if token.contains(['~', '/']) {
        token.replace('~', "~0").replace('/', "~1")
    } else {
        token.to_string()
    }
}

/// Split a pointer into unescaped tokens. `""` and `"/"`-less input give no tokens.
/// (`/` alone is the reference CLI's way of writing the root, so it is read as the root too.)
pub fn pointer_tokens(pointer: &str) -> Vec<String> {
    if pointer.is_empty() || pointer == "/" || pointer == "#" || pointer == "#/" {
        return Vec::new();
    }
    let p = pointer.strip_prefix('#').unwrap_or(pointer);
    p.strip_prefix('/')
        .unwrap_or(p)
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// A JSON pointer built token by token.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pointer(String);

impl Pointer {
    pub fn root() -> Self {
        Pointer(String::new())
    }
    pub fn parse(s: &str) -> Self {
        let mut p = Pointer::root();
        for t in pointer_tokens(s) {
            p = p.key(&t);
        }
        p
    }
    pub fn key(&self, token: &str) -> Self {
        Pointer(format!("{}/{}", self.0, escape_token(token)))
    }
    pub fn index(&self, i: usize) -> Self {
        Pointer(format!("{}/{}", self.0, i))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The pointer as the reference CLI prints it: `/` for the root.
    pub fn display_or_root(&self) -> &str {
        if self.0.is_empty() { "/" } else { &self.0 }
    }
    pub fn tokens(&self) -> Vec<String> {
        pointer_tokens(&self.0)
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.display_or_root())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn round_trip() {
        let p = Pointer::root().key("nodes").index(2).key("a/b~c");
        assert_eq!(p.as_str(), "/nodes/2/a~1b~0c");
        assert_eq!(pointer_tokens(p.as_str()), vec!["nodes", "2", "a/b~c"]);
        assert_eq!(Pointer::parse("/x/y").as_str(), "/x/y");
        assert!(pointer_tokens("/").is_empty());
    }
}
