//! The integration tests of gati-core, as one binary so that the crate's tests build and link once.

#[path = "../support/mod.rs"]
mod support;

mod content_pack;
mod library;
mod pack_file;
mod plans;
mod properties;
mod relevance;
mod search;
mod sources;
mod updates;
mod views;
mod workspace;
