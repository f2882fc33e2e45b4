//! The user's own data: settings and the shortlist now, support plans later. It lives in its own
//! file beside the packs, and installing a pack never opens it.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::migrations::{self, Migration};
use crate::error::{AtPath, Error, Result};

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "settings and shortlist",
        sql: "
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE shortlist (
            entry_id TEXT PRIMARY KEY,
            position INTEGER NOT NULL,
            added TEXT NOT NULL
        ) WITHOUT ROWID;
    ",
    },
    Migration {
        version: 2,
        name: "the title each shortlisted entry had",
        // So that an entry a later pack leaves out still shows on the list by its name.
        sql: "ALTER TABLE shortlist ADD COLUMN title TEXT NOT NULL DEFAULT '';",
    },
    Migration {
        version: 3,
        name: "support plans",
        // The plan is one JSON document, saved whole in one statement; the columns beside it are
        // what the plans list shows and filters by, so that listing never parses a plan.
        sql: "
        CREATE TABLE plans (
            id TEXT PRIMARY KEY,
            data TEXT NOT NULL,
            pupil TEXT NOT NULL,
            year_group TEXT NOT NULL,
            phase TEXT NOT NULL,
            level TEXT NOT NULL,
            needs TEXT NOT NULL,
            review_due TEXT,
            cycle INTEGER NOT NULL,
            updated TEXT NOT NULL,
            deleted INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID;
    ",
    },
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShortlistItem {
    pub entry_id: String,
    pub added: String,
    /// The entry's title when the shortlist was last shown with it in the pack.
    pub title: String,
}

pub struct UserDb {
    pub(super) conn: Connection,
    pub(super) path: PathBuf,
}

impl UserDb {
    /// Opens (creating if needed) and migrates the user database. A database that is damaged is
    /// reported and left exactly as it is, for recovery: it holds the school's plans, and is
    /// never replaced behind anyone's back. Before a migration changes an existing database, a
    /// copy of it is kept beside it.
    pub fn open(path: &Path) -> Result<UserDb> {
        let damaged = |why: String| Error::Storage {
            path: path.to_path_buf(),
            message: format!(
                "the file of your settings, shortlist and support plans is damaged ({why}). It has \
                 been left as it is, so that it can be recovered: copy it somewhere safe, then move \
                 it out of the folder to start with an empty one."
            ),
        };
        let mut conn = Connection::open(path).at(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .at(path)?;
        let check: String = conn
            .query_row("PRAGMA quick_check", [], |r| r.get(0))
            .map_err(|e| damaged(e.to_string()))?;
        if check != "ok" {
            return Err(damaged(check));
        }
        conn.pragma_update(None, "journal_mode", "WAL").at(path)?;
        keep_a_copy_before_migrating(&conn, path)?;
        migrations::apply(&mut conn, path, MIGRATIONS)?;
        let db = UserDb {
            conn,
            path: path.to_path_buf(),
        };
        // A plan deleted in an earlier run could be brought back until that run ended.
        db.purge_deleted_plans()?;
        Ok(db)
    }

    /// A setting's value, as the JSON text it was stored with.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        self.conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()
            .at(&self.path)
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )
            .map(drop)
            .at(&self.path)
    }

    /// The shortlist in the user's order.
    pub fn shortlist(&self) -> Result<Vec<ShortlistItem>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT entry_id, added, title FROM shortlist ORDER BY position")
            .at(&self.path)?;
        stmt.query_map([], |r| {
            Ok(ShortlistItem {
                entry_id: r.get(0)?,
                added: r.get(1)?,
                title: r.get(2)?,
            })
        })
        .at(&self.path)?
        .collect::<rusqlite::Result<_>>()
        .at(&self.path)
    }

    /// Adds an entry at the end of the shortlist; adding it again changes nothing.
    pub fn shortlist_add(&self, entry_id: &str, added: &str) -> Result<()> {
        self.conn
            .execute(
                "INSERT OR IGNORE INTO shortlist (entry_id, position, added)
                 VALUES (?1, (SELECT coalesce(max(position), -1) + 1 FROM shortlist), ?2)",
                params![entry_id, added],
            )
            .map(drop)
            .at(&self.path)
    }

    /// Keeps `title` as the title of a shortlisted entry.
    pub fn shortlist_set_title(&self, entry_id: &str, title: &str) -> Result<()> {
        self.conn
            .execute(
                "UPDATE shortlist SET title = ?2 WHERE entry_id = ?1 AND title <> ?2",
                params![entry_id, title],
            )
            .map(drop)
            .at(&self.path)
    }

    pub fn shortlist_remove(&self, entry_id: &str) -> Result<()> {
        self.conn
            .execute("DELETE FROM shortlist WHERE entry_id = ?1", [entry_id])
            .map(drop)
            .at(&self.path)
    }

    /// Puts `new_id` in the place of `old_id`, keeping its position; when `new_id` is already on
    /// the list, `old_id` just goes. Each statement is atomic, and either order of failure leaves
    /// one consistent list, so no transaction is needed.
    pub fn shortlist_rename(&self, old_id: &str, new_id: &str) -> Result<()> {
        self.conn
            .execute(
                "UPDATE OR IGNORE shortlist SET entry_id = ?2 WHERE entry_id = ?1",
                params![old_id, new_id],
            )
            .at(&self.path)?;
        self.shortlist_remove(old_id)
    }

    /// Moves an entry to position `to` (0-based, clamped to the list), keeping the others' order.
    pub fn shortlist_move(&mut self, entry_id: &str, to: usize) -> Result<()> {
        let mut ids: Vec<String> = self.shortlist()?.into_iter().map(|i| i.entry_id).collect();
        let from = ids
            .iter()
            .position(|id| id == entry_id)
            .ok_or_else(|| Error::NotFound(format!("`{entry_id}` is not on the shortlist")))?;
        let id = ids.remove(from);
        ids.insert(to.min(ids.len()), id);
        let tx = self.conn.transaction().at(&self.path)?;
        for (position, id) in ids.iter().enumerate() {
            tx.execute(
                "UPDATE shortlist SET position = ?1 WHERE entry_id = ?2",
                params![position as i64, id],
            )
            .at(&self.path)?;
        }
        tx.commit().at(&self.path)
    }
}

/// Copies an existing database that is about to be migrated to `user.db.before-vN` (its schema
/// version), once: a migration that goes wrong, or a newer app that must be undone, leaves the
/// school's data recoverable.
fn keep_a_copy_before_migrating(conn: &Connection, path: &Path) -> Result<()> {
    let latest = MIGRATIONS.last().map_or(0, |m| m.version);
    let current: u32 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .at(path)?;
    if current == 0 || current >= latest {
        return Ok(());
    }
    let copy = path.with_extension(format!("db.before-v{current}"));
    if copy.exists() {
        return Ok(());
    }
    conn.execute("VACUUM INTO ?1", [copy.display().to_string()])
        .map(drop)
        .at(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_from_one_without_gaps() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version as usize, i + 1, "{}", m.name);
        }
    }

    #[test]
    fn settings_and_shortlist_persist_across_opens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("user.db");
        {
            let mut db = UserDb::open(&path).unwrap();
            db.set_setting("theme", "\"cream\"").unwrap();
            db.set_setting("theme", "\"high-contrast\"").unwrap();
            for id in ["a", "b", "c"] {
                db.shortlist_add(id, "2026-11-25").unwrap();
            }
            db.shortlist_add("a", "2026-11-26").unwrap();
            db.shortlist_move("c", 0).unwrap();
            db.shortlist_remove("b").unwrap();
            assert!(db.shortlist_move("zzz", 0).is_err());
        }
        let db = UserDb::open(&path).unwrap();
        assert_eq!(
            db.setting("theme").unwrap().as_deref(),
            Some("\"high-contrast\"")
        );
        assert_eq!(db.setting("missing").unwrap(), None);
        let ids: Vec<String> = db
            .shortlist()
            .unwrap()
            .into_iter()
            .map(|i| i.entry_id)
            .collect();
        assert_eq!(ids, ["c", "a"]);
        db.shortlist_add("d", "2026-11-27").unwrap();
        let ids: Vec<String> = db
            .shortlist()
            .unwrap()
            .into_iter()
            .map(|i| i.entry_id)
            .collect();
        assert_eq!(ids, ["c", "a", "d"]);
    }
}
