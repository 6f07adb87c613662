// Shared by the integration tests of this crate (included with `mod common_fixtures;`).
#![allow(dead_code)]

use calm_report::{LoadedArchitecture, NoGit, load_architecture};
use std::path::PathBuf;

pub fn fixture(name: &str) -> LoadedArchitecture {
    // Relative labels keep snapshots independent of where the repository is checked out.
    let rel = format!("tests/fixtures/{name}");
    let dir = env!("CARGO_MANIFEST_DIR");
    std::env::set_current_dir(dir).expect("crate dir");
    load_architecture(&rel, &NoGit).unwrap_or_else(|e| panic!("{e}"))
}

/// The tutorial fixtures in `../shared/fixtures`, or `None` (with a message) when absent.
pub fn tutorial(name: &str) -> Option<LoadedArchitecture> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures")
        .join(name);
    if !p.exists() {
        eprintln!("skipping: {} not found", p.display());
        return None;
    }
    let mut a = load_architecture(&p.to_string_lossy(), &NoGit).unwrap_or_else(|e| panic!("{e}"));
    a.label = format!("shared/fixtures/{name}");
    Some(a)
}
