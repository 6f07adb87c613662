//! "Is it valid?", "validate the architecture".

use super::super::intent::{Intent, Parsed};
use super::super::slots::has_any;
use super::{Request, vocab};

pub fn recognize(r: &Request) -> Option<Parsed> {
    has_any(&r.t, vocab::VALIDATE).then_some(Parsed::Understood(Intent::Validate))
}
