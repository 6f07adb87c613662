//! `rename OLD NEW`: rename a unique-id (node, relationship, interface or flow) and every
//! reference to it: relationship endpoints and members, interface lists, flow transitions,
//! controls' configs, `details`, decorators and moments (see [`crate::ops::Draft::rename_id`]).

use crate::ops::{Draft, OpError};

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Rename {
    /// Current unique-id.
    pub old: String,
    /// New unique-id.
    pub new: String,
}

impl Rename {
    pub fn apply(&self, d: &mut Draft) -> Result<(), OpError> {
        if self.new.trim().is_empty() {
            return Err(OpError::Invalid("the new id is empty".into()));
        }
        // Second run: already renamed, nothing to do.
        if !d.id_taken(&self.old) && d.id_taken(&self.new) {
            return Ok(());
        }
        if !d.id_taken(&self.old) {
            return Err(OpError::Unknown(self.old.clone()));
        }
        d.rename_id(&self.old, &self.new)?;
        Ok(())
    }
}
