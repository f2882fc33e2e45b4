//! The whole GATI Desktop domain, with no user interface in it: the content model, pack sources
//! and pack files, the library on disk (SQLite), search (tantivy) and the user's own data.
//!
//! Front ends (the `gati` command, the desktop shell) call [`library::Library`] and
//! [`source`]/[`pack`] and never touch SQL or tantivy themselves.

pub mod changes;
pub mod comfort;
pub mod diagnostics;
pub mod docx;
pub mod entry;
pub mod error;
mod files;
mod html_attachment;
pub mod library;
pub mod markdown;
pub mod pack;
pub mod plans;
pub mod printable;
pub mod readability;
pub mod search;
pub mod signing;
pub mod source;
mod store;
pub mod taxonomy;
mod toml_errors;
mod twins;
pub mod update;
pub mod validate;
pub mod version;
pub mod views;
pub mod workspace;

pub use error::{Error, ErrorCode, Result};

#[cfg(test)]
mod testing;
