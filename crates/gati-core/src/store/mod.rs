//! The library's SQLite databases: one per installed pack (replaced whole by each install) and one
//! for the user's own data (never touched by an install).

pub mod migrations;
pub mod pack_db;
mod plans_table;
pub mod user_db;
