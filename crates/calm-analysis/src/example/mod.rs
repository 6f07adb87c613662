//! The built-in example architecture (`calm-advisor review --example`): an online bookshop
//! written for calm-advisor (not a tutorial fixture), with a single gateway, a third-party card
//! processor, a receipt mailer called synchronously at the end of checkout, an unreplicated
//! confidential orders database and an inline 99.9 % availability objective.

/// File name used in messages and outputs.
pub const NAME: &str = "example-online-bookshop.json";
/// The example document.
pub const BOOKSHOP: &str = include_str!("bookshop.json");
