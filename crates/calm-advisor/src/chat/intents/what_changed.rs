//! "What changed?", "show the diff since the start".

use super::super::intent::{Intent, Parsed};
use super::super::slots::has_any;
use super::{Request, vocab};

pub fn recognize(r: &Request) -> Option<Parsed> {
    has_any(&r.t, vocab::WHAT_CHANGED).then_some(Parsed::Understood(Intent::Diff))
}
