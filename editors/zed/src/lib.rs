//! Zed extension for calm-advisor: Zed runs only the language servers an extension
//! registers, so this one registers `calm-advisor` for JSON and JSONC (extension.toml) and
//! says how to start it and what to hand it. Everything else is the server's work.
//!
//! Settings, in Zed's settings.json:
//!
//! ```json
//! "lsp": {
//!   "calm-advisor": {
//!     "binary": { "path": "/path/to/calm-advisor", "arguments": ["lsp"] },
//!     "settings": { "minSeverity": "medium", "disable": ["OPS-02"] }
//!   }
//! }
//! ```

use zed_extension_api::{
    self as zed,
    serde_json::{json, Value},
    settings::LspSettings,
    LanguageServerId, Result, Worktree,
};

/// The language server's id (extension.toml) and the executable's name on PATH.
const SERVER: &str = "calm-advisor";

struct CalmAdvisorExtension;

/// The `settings` object the user gave under `lsp.calm-advisor` (empty when none).
fn user_settings(worktree: &Worktree) -> Value {
    LspSettings::for_worktree(SERVER, worktree)
        .ok()
        .and_then(|lsp| lsp.settings)
        .unwrap_or_else(|| json!({}))
}

impl zed::Extension for CalmAdvisorExtension {
    fn new() -> Self {
        CalmAdvisorExtension
    }

    /// `<lsp.calm-advisor.binary.path or calm-advisor on PATH> lsp`.
    fn language_server_command(
        &mut self,
        _language_server_id: &LanguageServerId,
        worktree: &Worktree,
    ) -> Result<zed::Command> {
        let binary = LspSettings::for_worktree(SERVER, worktree)
            .ok()
            .and_then(|lsp| lsp.binary);
        let configured = binary.as_ref().and_then(|b| b.path.clone());
        let command = match configured {
            Some(path) => path,
            None => worktree.which(SERVER).ok_or_else(|| {
                "calm-advisor is not on PATH: install it (cargo install --path crates/calm-advisor) \
                 or set lsp.calm-advisor.binary.path in settings.json"
                    .to_string()
            })?,
        };
        let args = binary
            .and_then(|b| b.arguments)
            .unwrap_or_else(|| vec!["lsp".to_string()]);
        Ok(zed::Command {
            command,
            args,
            env: Default::default(),
        })
    }

    /// `{ "settings": {...} }`, unless the user set `initialization_options` themselves.
    fn language_server_initialization_options(
        &mut self,
        _language_server_id: &LanguageServerId,
        worktree: &Worktree,
    ) -> Result<Option<Value>> {
        let given = LspSettings::for_worktree(SERVER, worktree)
            .ok()
            .and_then(|lsp| lsp.initialization_options);
        Ok(Some(given.unwrap_or_else(
            || json!({ "settings": user_settings(worktree) }),
        )))
    }

    /// Zed answers `workspace/configuration` for section `calmAdvisor` from this object, and
    /// sends it in `workspace/didChangeConfiguration` when the settings change.
    fn language_server_workspace_configuration(
        &mut self,
        _language_server_id: &LanguageServerId,
        worktree: &Worktree,
    ) -> Result<Option<Value>> {
        Ok(Some(json!({ "calmAdvisor": user_settings(worktree) })))
    }
}

zed::register_extension!(CalmAdvisorExtension);
